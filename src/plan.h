/*
 * plan.h - what a test-case file means once loaded: cases made of steps.
 * Produced by script.c, consumed by interp.c; every node keeps its
 * file:line:col so a failure can point at the YAML that caused it.
 */
#ifndef TC_PLAN_H
#define TC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defaults.h"
#include "seg.h"

struct plan_pos {
	const char *file;	/* owned by the plan (plan->files) */
	int line, col;		/* 1-based */
};

/*
 * A sequence or acknowledgement number in a step.  AUTO: the model
 * decides.  ABS: the literal value.  REL: an offset from the ISN of the
 * side owning that sequence space (our ISN for the seq we send and the ack
 * the target sends; the target's ISN otherwise), as tcpdump prints
 * relative numbers: "+1" after a SYN is the first data byte.
 */
enum plan_num_mode { PLAN_NUM_AUTO = 0, PLAN_NUM_ABS, PLAN_NUM_REL,
	PLAN_NUM_VAR };

/* VAR: the value captured into variable var (an index into the case's
 * vars[]) plus v, written "$name", "$name+N" or "$name-N". */
struct plan_num {
	enum plan_num_mode mode;
	int64_t v;
	int var;
	struct plan_pos pos;
};

/* Segment fields that can be captured into a variable (expect.capture). */
enum plan_field {
	PLAN_F_SEQ = 0, PLAN_F_ACK, PLAN_F_WIN, PLAN_F_URG, PLAN_F_LEN,
	PLAN_F_TTL, PLAN_F_IPID, PLAN_F_TOS, PLAN_F_TSVAL, PLAN_F_TSECR,
	PLAN_F_MSS, PLAN_F_WS,
	PLAN_F_END,	/* SEG.SEQ + SEG.LEN: where the next segment starts */
	PLAN_F_MAX
};

struct plan_capture {
	int var;			/* index into the case's vars[] */
	enum plan_field field;
	struct plan_pos pos;
};

/* An optional unsigned value in a step: exact (lo == hi) or a range. */
struct plan_range {
	bool set;
	uint32_t lo, hi;
	struct plan_pos pos;
};

/*
 * Flags in a step.  set == false: the model decides (expect) or a default
 * applies (send).  exact: the segment's flags must equal value.  Otherwise
 * (a mask such as "+S -R", expect only) the bits in must are required and
 * the bits in mustnot forbidden.
 */
struct plan_flags {
	bool set;
	bool exact;
	uint16_t value, must, mustnot;
	struct plan_pos pos;
};

/* Options we offer in connect or put into send. */
struct plan_opts {
	bool set;		/* false: defaults (connect: MSS 1460) */
	struct seg_opt opts[SEG_MAX_OPTS];
	unsigned nopts;
	/* "ts: {}" without val: TSval from a per-case millisecond clock;
	 * "ecr: echo": TSecr = the target's last TSval (RFC 7323 3.2). */
	bool ts_val_auto, ts_ecr_echo;
	/* A sack option with relative or $var edges (at most one per
	 * segment): its index in opts and its edges, resolved at send time
	 * as ack is, in the target's sequence space; absolute edges are in
	 * opts[sack_opt] already. */
	bool sack_nums;
	unsigned sack_opt;
	struct plan_num sack[SEG_MAX_SACK][2];
};

/*
 * One option expectation (expect.options).  kind is the option kind;
 * for TS, field 1 is TSval and field 2 TSecr (field 0 checks presence
 * only); for MSS and WS field 0 is the value.
 */
enum plan_optmatch { PLAN_OM_PRESENT = 0, PLAN_OM_ABSENT, PLAN_OM_VALUE,
	PLAN_OM_SACK };

struct plan_optexp {
	uint8_t kind;
	uint8_t field;
	enum plan_optmatch match;
	struct plan_range value;	/* PLAN_OM_VALUE: exact or range */
	bool echo;			/* TSecr == our last TSval */
	int var;			/* >= 0: equals variable var */
	/* PLAN_OM_SACK: the option's first nsack blocks, [i][0] left and
	 * [i][1] right edge, in our sequence space (+N from our ISN). */
	struct plan_num sack[SEG_MAX_SACK][2];
	uint8_t nsack;
	struct plan_pos pos;
};

enum plan_step_kind {
	PLAN_CONNECT = 0,	/* SYN, expect SYN-ACK, ACK through the model */
	PLAN_SEND,
	PLAN_EXPECT,
	PLAN_SILENCE,
	PLAN_STATE,
	PLAN_WAIT,		/* sleep; arrivals are kept for the next expect */
	PLAN_RETRANSMITS,	/* the last segment matched is sent again N times */
	PLAN_MEASURE,		/* probe until an answer matches; report the time */
	PLAN_EXEC,		/* run a command through the target hook */
	PLAN_TARGET,		/* the application on the target (the agent) */
	PLAN_ANY_OF,		/* the first alternative whose expect matches */
	PLAN_STEP_MAX
};

struct plan_send {
	struct plan_flags flags;	/* default "A" */
	struct plan_num seq, ack;
	bool win_set;
	uint16_t win;
	bool urg_set;
	uint16_t urg;
	uint16_t reserved;		/* the four reserved header bits, 0..15 */
	struct plan_opts opts;
	uint8_t *data;			/* payload, owned */
	size_t datalen;
	bool ttl_set, ipid_set, df_set, tos_set;
	uint8_t ttl, tos;
	uint16_t ipid;
	bool df;
	bool bad_csum;			/* deliberately wrong TCP checksum */
	bool doff_set;			/* a data offset other than the true */
	uint8_t doff;
};

struct plan_expect {
	struct plan_flags flags;	/* unset: what the model predicts */
	struct plan_num seq, ack;
	struct plan_num end_max;	/* SEG.SEQ + SEG.LEN at most this */
	bool win_set;
	uint16_t win_min, win_max;
	bool data_set;
	uint8_t *data;			/* expected payload, owned */
	size_t datalen;
	struct plan_range len;		/* payload length */
	struct plan_range urg, ttl, tos;
	struct plan_range ipid;
	int df;				/* -1: any, 0 or 1 */
	struct plan_optexp *opts;	/* owned */
	size_t nopts;
	struct plan_capture *cap;	/* owned */
	size_t ncap;
	uint64_t within_ns;		/* 0: the default (1 s) */
};

/*
 * retransmits: the segment the previous expect matched must come again
 * count times, each at the given gap after the one before (schedule[i]
 * is the gap before retransmission i+1; a shorter schedule repeats its
 * last gap), each within max(tol_min_ns, tol_pct % of the gap), measured
 * on capture timestamps.  silence_ns > 0: then nothing for that long.
 * plus_rtt: the first gap is schedule[0] plus the RTT the target sampled
 * on the connection as the capture shows it (an RTO grows with the RTT,
 * RFC 6298 2.3, and that RTT includes how fast we answered).
 */
struct plan_retransmits {
	unsigned count;
	uint64_t *schedule;		/* owned */
	size_t nsched;
	unsigned backoff;		/* 0: schedule as given; N: each gap
					 * after the first is N times the
					 * previous one as measured */
	unsigned tol_pct;		/* default 10 */
	uint64_t tol_min_ns;		/* default 4 ms (HZ=250 jiffy) */
	uint64_t silence_ns;
	bool plus_rtt;			/* the first gap is the schedule's
					 * plus the target's RTT sample */
};

/*
 * measure: from the start of the step, send probe (if set) every
 * every_ns until a segment matching until arrives; the time from the
 * step's start to that segment is the measurement, reported under name
 * and checked against range_lo..range_hi when range_set.  Fails after
 * max_ns without a match.
 */
struct plan_measure {
	char *name;			/* owned */
	bool probe_set;
	struct plan_send probe;
	uint64_t every_ns;
	struct plan_expect until;
	uint64_t max_ns;
	bool range_set;
	uint64_t range_lo, range_hi;
	bool plus_rtt;			/* the range moves up by the target's
					 * RTT sample (as retransmits') */
};

/* exec: run cmd (sh -c) through the run's target hook (--target-exec). */
struct plan_exec {
	char *cmd;			/* owned */
	int status;			/* expected exit status (default 0) */
	uint64_t within_ns;		/* default TC_EXEC_TIMEOUT_NS */
	bool background;		/* don't wait; killed at case end */
	bool optional;			/* a cross-check: without a hook the
					 * step is left out (a note says so),
					 * not the case */
};

/*
 * target: what the application on the target does, through
 * tcpconform-agent (tcpconform-agent(1)), on the case's connection: the
 * socket the agent connected, or accepted on the case's listener
 * (service "listen").  One verb per step; plan_tverbs has their table.
 */
enum plan_tverb {
	PLAN_TV_CONNECT,
	PLAN_TV_ACCEPT,
	PLAN_TV_WRITE,
	PLAN_TV_READ,
	PLAN_TV_SHUTDOWN,
	PLAN_TV_CLOSE,
	PLAN_TV_ABORT,
	PLAN_TV_SETSOCKOPT,
	PLAN_TV_GETSOCKOPT,
	PLAN_TV_INFO,
	PLAN_TV_MAX
};

struct plan_tverb_def {
	const char *name;	/* as the case and the agent spell it */
	bool background;	/* by default the step does not wait: its
				 * answer needs segments of later steps */
	bool sock;		/* acts on the case's connection */
};

extern const struct plan_tverb_def plan_tverbs[PLAN_TV_MAX];

/* What the answer must be (result:); unset fields are not checked. */
struct plan_tresult {
	struct plan_range ret;		/* the call's return value */
	char *err;			/* "ECONNREFUSED", or "none": ok */
	int eof;			/* read: -1 any, 0 data, 1 end of file */
	bool data_set;
	uint8_t *data;			/* read: the bytes, owned */
	size_t datalen;
	char *value;			/* getsockopt: its value, owned */
	char *state;			/* info: the state, "ESTABLISHED" */
};

struct plan_target {
	enum plan_tverb verb;
	bool await;			/* wait for the background verb's
					 * answer instead of a new request */
	bool background, background_set;
	uint64_t within_ns;		/* the answer's wait; 0: default */
	uint8_t syncnt;			/* connect: SYN retries (Linux's
					 * TCP_SYNCNT), 0: the system's */
	uint32_t bytes;			/* write: pattern bytes */
	uint8_t *data;			/* write: these bytes, owned */
	size_t datalen;
	bool oob;			/* write: MSG_OOB */
	uint32_t max;			/* read: at most (0: the agent's) */
	int how;			/* shutdown: 0 rd, 1 wr, 2 rdwr */
	char *option;			/* set/getsockopt, owned */
	int32_t value;			/* setsockopt */
	bool result_set;
	struct plan_tresult result;
};

/*
 * The requirement level a case or step checks, in RFC 2119's words: a
 * deviation from a MAY does not fail the run unless --strict, one from a
 * SHOULD or a MUST does.  Zero is MUST, the default.
 */
enum plan_level {
	PLAN_LEVEL_MUST = 0,
	PLAN_LEVEL_SHOULD,
	PLAN_LEVEL_MAY,
	PLAN_LEVEL_MAX
};

struct plan_step;

struct plan_branch {
	struct plan_step *steps;	/* owned; steps[0] is an expect */
	size_t nsteps;
	struct plan_pos pos;
};

struct plan_any_of {
	struct plan_branch *alts;	/* owned */
	size_t nalts;
};

struct plan_connect {
	struct plan_opts opts;		/* options on our SYN */
	uint64_t within_ns;		/* wait for the SYN-ACK; 0: default */
};

struct plan_step {
	enum plan_step_kind kind;
	struct plan_pos pos;
	/* Step-level "profile: linux" (only under that profile) or
	 * "profile: '!linux'" (under every other): NULL for always. */
	char *profile;			/* owned */
	bool profile_not;
	/* "level:": the level its failure breaks; a step without one has
	 * its any_of's, or its case's (the loader fills it in). */
	enum plan_level level;
	bool level_set;			/* given on the step itself */
	union {
		struct plan_connect connect;
		struct plan_send send;
		struct plan_expect expect;
		struct {
			uint64_t silence_ns;
			/* segments that may come all the same (e.g. the
			 * retransmissions of one), owned; NULL: none */
			struct plan_expect *silence_allow;
		};
		uint64_t wait_ns;
		int state;		/* enum tcpsm_state */
		struct plan_retransmits retransmits;
		struct plan_measure measure;
		struct plan_exec exec;
		struct plan_target target;
		struct plan_any_of any_of;
	} u;
};

/* A target sysctl a case pins (sysctl:) or needs (requires: sysctl:). */
struct plan_sysctl {
	char *key;			/* full name, "net.ipv4." added if bare */
	char *value;
	struct plan_pos pos;
};

#define PLAN_REQ_OPTS 8

struct plan_case {
	char *id;
	char *title;
	char **rfc;
	size_t nrfc;
	char *service;		/* a name given to -p, or "closed" */
	char **tags;
	size_t ntags;
	struct plan_step *steps;
	size_t nsteps;
	struct plan_pos pos;
	uint64_t timeout_ns;		/* 0: the default (60 s) */
	char **vars;			/* variable names, owned */
	size_t nvars;
	struct plan_sysctl *sysctl;	/* pinned for the case (runs alone) */
	size_t nsysctl;
	struct plan_sysctl *req_sysctl;	/* required values, else SKIP */
	size_t nreq_sysctl;
	bool req_root, req_ipv6, req_ipv4;	/* requires: root, ipv6, ipv4 */
	/* requires: options: kinds the target's SYN (or SYN-ACK) must
	 * carry, judged on the wire; else the case is not applicable. */
	uint8_t req_opts[PLAN_REQ_OPTS];
	size_t nreq_opts;
	bool exclusive;			/* run alone (implied by sysctl) */
	enum plan_level level;		/* "level:", default MUST */
	/* Not applicable to the stack, and why (a stack profile says so,
	 * profile.c): the engine reports N/A and runs nothing.  Owned. */
	char *na_reason;
};

struct plan {
	struct plan_case *cases;
	size_t ncases;
	char **files;		/* file names the positions point to */
	size_t nfiles;
	/* The loader's budget over every file of the plan (script.c). */
	size_t load_nodes;	/* YAML nodes visited, each copy counted */
	size_t load_bytes;	/* steps and payloads built */
};

/* plan.c */

/* Names of step kinds for messages ("connect", "send", ...). */
extern const char *const plan_step_names[PLAN_STEP_MAX];

/* Names of capturable fields ("seq", "ts.val", ...). */
extern const char *const plan_field_names[PLAN_F_MAX];

/* Names of the levels as case files spell them: "MUST", "SHOULD", "MAY". */
extern const char *const plan_level_names[PLAN_LEVEL_MAX];

/* "MUST", "SHOULD" or "MAY" (exactly, RFC 2119's capitals): 0 and *l
 * set, or -1. */
int plan_level_parse(const char *name, enum plan_level *l);

/*
 * Stack profiles (--profile, and steps marked "profile: NAME"): the one
 * table the loader, "run" and "list" check names against.
 */
struct plan_profile {
	const char *name;
	const char *what;		/* one line for --help and messages */
};
extern const struct plan_profile plan_profiles[];
extern const size_t plan_nprofiles;

/* Is name a profile of plan_profiles? */
bool plan_profile_known(const char *name);

/* The profile names joined by ", " into buf ("rfc, linux"); returns buf. */
char *plan_profile_list(char *buf, size_t len);

/* A profile file named name inherits base (profile.c): plan_profile_is
 * holds for either name.  NULL, NULL forgets it. */
void plan_profile_alias(const char *name, const char *base);

/*
 * Is profile the stack profile name, or one built on it?  The one place
 * that says which profiles share a built-in's facts (a profile file that
 * inherits "linux" answers true for "linux").  profile NULL: false.
 */
bool plan_profile_is(const char *profile, const char *name);

/*
 * The profile whose facts a case's sysctl pins and requires state: they
 * are one kernel's knobs, so they apply only under it (plan_profile_is);
 * under any other profile the case runs as written.
 */
#define PLAN_SYSCTL_PROFILE "linux"

/* Do case-level sysctl pins and requires apply under profile? */
bool plan_sysctls_apply(const char *profile);

/*
 * Does step st run under profile?  profile NULL: every step does (the
 * estimate of a case over all profiles).
 */
bool plan_step_runs(const struct plan_step *st, const char *profile);

/*
 * Retransmission timing (retransmits:), shared by the engine's verdicts
 * and its duration estimate (step-retransmits.c) so the two cannot drift.
 * plan_rtx_gap: the gap expected before retransmission n + 1 (n from 0),
 * prev_gap the gap measured before retransmission n (0 for none): the
 * schedule's, or with backoff N after the first, N times prev_gap (RFC
 * 6298 5.5).  plan_rtx_tol: the tolerance around a gap, tol_pct % of it
 * but at least tol_min_ns.
 */
uint64_t plan_rtx_gap(const struct plan_retransmits *r, unsigned n,
    uint64_t prev_gap);
uint64_t plan_rtx_tol(const struct plan_retransmits *r, uint64_t gap);

/* What expect and connect wait without "within", and a case's time limit
 * without "timeout": the values of defaults.h, under the names the plan's
 * users know. */
#define PLAN_DEFAULT_WITHIN_NS TC_DEFAULT_WITHIN_NS
#define PLAN_DEFAULT_TIMEOUT_NS TC_CASE_TIMEOUT_NS

/*
 * Give every step of steps[0..n) without a level of its own the level of
 * what holds it: level for these, a step's own for its any_of's steps
 * (the loader, once a case is read; a stack profile that changes a
 * case's or a step's level).
 */
void plan_levels_fill(struct plan_step *steps, size_t n,
    enum plan_level level);

/* Free what a step owns (recursively for any_of). */
void plan_step_free(struct plan_step *st);

/* The first step of kind among steps, any_of alternatives included, or
 * NULL. */
const struct plan_step *plan_find_kind(const struct plan_step *steps,
    size_t n, enum plan_step_kind kind);

/*
 * The first exec step among steps, any_of alternatives included (repeat and
 * include are expanded when the case loads), or NULL: the one step kind that
 * runs a command on the target.
 */
const struct plan_step *plan_find_exec(const struct plan_step *steps,
    size_t n);

/*
 * The first exec step among steps that needs a target hook under profile:
 * one that runs there (plan_step_runs) and is not optional; or NULL.
 */
const struct plan_step *plan_find_needed_exec(const struct plan_step *steps,
    size_t n, const char *profile);

/* Free everything a plan owns and zero it. */
void plan_free(struct plan *p);

#endif
