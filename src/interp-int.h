/*
 * interp-int.h - what the three parts of the interpreter share: interp.c
 * (cases, steps, sending, the schedule), interp-arrive.c (captured
 * segments: demultiplexing, expect, any_of, retransmits, measure) and
 * interp-target.c (the target, target.h: exec steps, required and pinned
 * sysctls).  Other modules use interp.h.
 */
#ifndef TC_INTERP_INT_H
#define TC_INTERP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "interp.h"
#include "match.h"
#include "plan.h"
#include "report.h"
#include "seg.h"
#include "tcpsm.h"

#define DEFAULT_WIN 64240	/* what Linux offers on a SYN over Ethernet */
#define DEFAULT_MSS 1460
#define MAX_DEPTH 8		/* any_of nesting */
#define QMAX 32			/* queued arrivals per case */
#define DRAIN_NS (100 * NS_PER_MS)
#define PENDMAX 64		/* our segments sent, not yet captured */
#define PKTMAX 4096		/* packet indices recorded per case */

enum cr_status { CR_PENDING = 0, CR_RUNNING, CR_DONE };

/* What the current step waits for. */
enum cr_wait {
	W_NONE = 0,
	W_EXPECT,	/* expect, connect's SYN-ACK, any_of */
	W_SILENCE,
	W_WAIT,
	W_RETRANS,
	W_MEASURE,
	W_EXEC,
	W_DRAIN,	/* all steps done, our last segment not yet captured */
	W_PIN,		/* before the first step: another run pins a sysctl */
};

struct frame {
	const struct plan_step *steps;
	size_t n, i;
};

/* A segment that arrived while no step waited for it. */
struct qseg {
	struct seg s;
	uint8_t *data;		/* owned copy of the payload */
	uint64_t ts;
	unsigned pkt;		/* its index in the case's capture */
};

struct case_run {
	struct interp *in;
	const struct plan_case *pc;
	enum cr_status status;
	enum rep_verdict verdict;
	char *msg;
	struct buf trace, notes;

	uint16_t sport, dport;	/* dport 0: a client case before its SYN */
	bool client;		/* service client: the target connects to us */
	uint32_t our_isn;
	struct tcpsm m;		/* the target, as a conformant one behaves */
	struct tcpsm me;	/* our own side, the same table mirrored */
	uint32_t *vals;
	bool *valset;

	struct frame fr[MAX_DEPTH];
	int depth;
	enum cr_wait wait;
	int connect_phase;	/* connect: 1 wait SYN-ACK */
	uint64_t timer;		/* the current wait's timer */
	uint64_t wait_ns;	/* how long the current wait lasts */
	uint64_t wait_due;	/* monotonic: when it ends */
	uint64_t wait_due_cap;	/* the same on the capture clock */
	uint64_t case_timer;	/* whole-case timeout */

	uint64_t t_start, t_end;	/* monotonic; t_start 0: never started */
	uint64_t drops0;		/* capture drops when the case started */
	uint64_t t_sent_mono;	/* monotonic time of our last send */
	uint64_t t_first_cap;	/* capture time of the first packet seen */
	uint64_t t_sent_cap;	/* capture time of our last segment, 0: unseen */
	struct seg last_sent;	/* our last segment (no payload pointer) */
	uint16_t our_mss;	/* the MSS our SYN announced, 0: none */
	enum tcpsm_state state_before;	/* target state before last_sent */

	/* timestamps option (RFC 7323) */
	uint32_t ts_base;	/* our TSval clock: ts_base + ms since start */
	bool have_our_tsval, have_peer_tsval;
	uint32_t our_tsval, peer_tsval;

	/* retransmits */
	struct seg rtx_orig;	/* the segment that must come again */
	bool have_match;
	uint64_t rtx_prev_ts;	/* capture time of the previous copy */
	uint64_t rtx_prev_gap;	/* the gap before it (0: the first) */
	unsigned rtx_n;		/* retransmissions seen */

	/* measure */
	uint64_t probe_timer;
	uint64_t meas_t0;	/* capture-clock time the measurement starts */

	/* exec */
	struct target_job *job;	/* the case's command, NULL: none; alive
				 * (with what it started) until exec_reap */
	bool job_ended;		/* it ended (exec_done has seen it) */
	const struct plan_exec *job_exec; /* the step that started it */
	struct target_job **done_jobs;	/* earlier commands: ended, what
				 * they left running alive until the case
				 * ends */
	size_t ndone_jobs;

	/* pinned sysctls: old values to restore */
	char **saved;
	/* the pin locks on the target: we hold those of sysctl[0..npins) */
	size_t npins;
	bool pins_locked;	/* all taken: pin */
	uint64_t pin_deadline;	/* monotonic: when waiting for them ends */

	struct qseg q[QMAX];
	unsigned qhead, qlen;

	/* structured results for the reporters */
	struct rep_meas *meas;
	size_t nmeas;
	struct rep_rtx *rtx;
	size_t nrtx;
	struct rep_step *steplog;	/* the steps that ran, in order */
	size_t nsteplog;
	unsigned npkt;		/* packets of the case captured so far */
	unsigned nsent;		/* segments we sent (TC_SEND_MAX_COUNT) */
	unsigned cur_pkt;	/* index of the segment being judged */
	size_t pend[PENDMAX];	/* steplog entries of our uncaptured sends */
	unsigned pend_head, pend_len;
	struct pcapw *pcap;	/* --pcap: this case's file */
};

/* The target's health checks (interp-health.c). */
struct health {
	uint16_t dports[2];	/* the target ports probed, in turn: */
	unsigned ndports;	/* closed first; 0: the link only */
	uint32_t seq;		/* our probe SYN's */
	unsigned tries;		/* SYNs sent in this check */
	uint64_t started;	/* monotonic: this check began, 0: none */
	uint64_t ok_since;	/* when the last answered check began */
	uint64_t timer, every;	/* next SYN or verdict; the periodic check */
	bool again;		/* a case ended during this check */
	bool dead;		/* the target did not answer: the run ends */
	char why[256];
};

/* A sysctl the cases require, read from the target once before the run. */
struct req_val {
	const char *key;
	char *value;		/* NULL: could not be read */
};

struct interp {
	const struct interp_cfg *cfg;
	struct wire *wire;
	struct ev_loop *loop;
	struct rep *rep;
	struct prog *prog;	/* the progress line, or NULL */
	uint64_t t_run0;	/* monotonic: when the first case could start */

	struct case_run *runs;
	size_t nruns;
	size_t *order;		/* start order: indices into runs */
	size_t next_start;	/* next case to start, index into order */
	size_t next_report;	/* next case to report (plan order) */
	unsigned running;
	int exclusive;		/* a case that must run alone is running */
	int aborted;
	int env_error;
	char errbuf[256];

	struct req_val *req;	/* requires.sysctl values of the target */
	size_t nreq;

	struct health h;
};

/* interp.c */
struct match_ctx mctx(struct case_run *cr);
void step_pkt(struct case_run *cr, size_t i, unsigned pkt);
void step_matched(struct case_run *cr);
unsigned case_packet(struct case_run *cr, const uint8_t *pkt, size_t caplen,
    size_t len, uint64_t ts);
void trace_seg(struct case_run *cr, const struct seg *s, int ours,
    uint64_t ts);
int silence_allows(struct case_run *cr, const struct plan_step *st,
    const struct seg *s);
void trace_bad(struct case_run *cr, int ours, const char *what,
    const char *why, uint64_t ts);
void describe(const struct case_run *cr, const struct seg *s, char *buf,
    size_t len);
const struct plan_step *cur_step(const struct case_run *cr);
void step_done(struct case_run *cr);
void del_timer(struct case_run *cr, uint64_t *id);
void case_end(struct case_run *cr, enum rep_verdict v, char *msg);
void case_fail(struct case_run *cr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int send_ack(struct case_run *cr);
void arm_wait(struct case_run *cr, enum cr_wait w, uint64_t ns);
void wait_expire(struct case_run *cr);
void wait_done(struct case_run *cr);
void model_note(const struct case_run *cr, char *buf, size_t len);
void step_advance(struct case_run *cr);
void case_go(struct case_run *cr);
void start_cases(struct interp *in);
void report_ready(struct interp *in);
void maybe_stop(struct interp *in);

/* interp-arrive.c */
void q_pop(struct case_run *cr);
void q_clear(struct case_run *cr);
void q_deliver(struct case_run *cr);
uint64_t rtx_want(const struct case_run *cr,
    const struct plan_retransmits *r);
void frame_cb(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts,
    void *arg);
void capture_error_cb(const char *why, void *arg);

/* interp-health.c */
void health_begin(struct interp *in);
void health_check(struct interp *in);
int health_seg(struct interp *in, const struct seg *s);
int report_held(const struct interp *in, const struct case_run *cr);
void del_health_timers(struct interp *in);

/* interp-target.c */
void exec_reap(struct case_run *cr);
void sysctl_restore(struct case_run *cr);
int start_exec(struct case_run *cr, const struct plan_exec *ex);
void req_read(struct interp *in);
int case_sysctls(struct case_run *cr);
void pin_retry(struct case_run *cr);

#endif
