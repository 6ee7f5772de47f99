/*
 * report.h - what a run tells its user: one line per case, the failure
 * message, the packet trace, and a summary; as text (default), TAP,
 * JUnit XML or JSON.
 */
#ifndef TC_REPORT_H
#define TC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "plan.h"

/*
 * The engine ends a case with PASS, FAIL, SKIP (it could not run here:
 * not root, no hook, an IPv6 case on an IPv4 run, interrupted) or NA (not
 * applicable: the target lacks what the case is about, a setting it pins
 * or a lock on it).  The reporters turn a case the expectation file lists
 * (rep_cfg.known) into XFAIL when it failed and XPASS when it passed.
 */
enum rep_verdict {
	REP_PASS = 0,
	REP_FAIL,
	REP_SKIP,
	REP_NA,
	REP_XFAIL,
	REP_XPASS,
	REP_VERDICT_MAX
};

enum rep_format {
	REP_TEXT = 0,
	REP_TAP,
	REP_JUNIT,
	REP_JSON,
	REP_FORMAT_MAX
};

/* A value a measure step measured. */
struct rep_meas {
	const char *name;
	uint64_t value_ns;
	bool range_set;
	uint64_t min_ns, max_ns;
};

/* A retransmission a retransmits step saw. */
struct rep_rtx {
	unsigned n;		/* 1: the first retransmission */
	uint64_t gap_ns, expected_ns;
};

/*
 * Something a case did or saw besides its verdict, in the order it
 * happened: what the notes of text, TAP and JUnit say, and the "events"
 * of JSON.  The fields each kind uses are named in its comment.
 */
enum rep_event_kind {
	REP_EV_RTX = 0,		/* n: index into rtx[] */
	REP_EV_MEAS,		/* n: index into meas[] */
	REP_EV_PIN_SET,		/* key set to value for the case */
	REP_EV_PIN_WAIT,	/* key locked by run value: waiting */
	REP_EV_PIN_NOLOCK,	/* key not locked (value: why): unguarded */
	REP_EV_PIN_NOUNLOCK,	/* key's lock (value: its name) kept */
	REP_EV_PIN_NORESTORE,	/* key not put back to value */
	REP_EV_EXEC_SIGNAL,	/* background command key killed by signal n */
	REP_EV_EXEC_STATUS,	/* background command key exited n, not
				 * expected */
	REP_EV_ASSUMED,		/* requires key=value taken as true: no
				 * target hook to read it */
	REP_EV_EXEC_SKIPPED,	/* optional exec key (step n, at line
				 * expected) left out: no target hook */
	REP_EV_MAX
};

struct rep_event {
	enum rep_event_kind kind;
	const char *key;
	const char *value;
	long n, expected;
};

#define REP_STEP_PKTS 64	/* packet indices kept per step */

/* A step that ran, and the packets (1-based, in capture order) it sent
 * or matched. */
struct rep_step {
	const struct plan_pos *pos;
	const char *kind;
	unsigned npkts;
	unsigned pkts[REP_STEP_PKTS];
};

/* One finished case. Strings and arrays belong to the caller. */
struct rep_result {
	const struct plan_case *pc;
	enum rep_verdict verdict;	/* PASS, FAIL, SKIP or NA */
	enum plan_level level;	/* FAIL: the level of the step that failed */
	uint64_t dur_ns;
	uint64_t start_ns;	/* when it started, from the run's start */
	const char *msg;	/* failure or skip reason; NULL on pass */
	const char *trace;	/* packet trace, one segment per line; may be NULL */
	const struct rep_event *events;	/* in the order they happened */
	size_t nevents;
	const struct rep_meas *meas;
	size_t nmeas;
	const struct rep_rtx *rtx;
	size_t nrtx;
	const struct rep_step *steps;
	size_t nsteps;
	const char *pcap;	/* the case's capture file, or NULL */
};

struct known;

/* How to report. */
struct rep_cfg {
	enum rep_format format;
	int verbose;		/* text, TAP: the trace of every case */
	const struct plan *plan;	/* the cases, in order (TAP plan) */
	const char *target;	/* JSON: the target's address */
	const char *profile;	/* JSON: the profile */
	bool strict;		/* --strict: a failed MAY fails the run */
	const struct known *known;	/* --expect, or NULL */
};

/*
 * What was reported so far.  A case fails the run (fatal) when it failed
 * at a MUST or SHOULD, or at a MAY under --strict, or passed although the
 * expectation file lists it (XPASS); exempt counts the failures of a MAY
 * that do not.
 */
struct rep_totals {
	unsigned count[REP_VERDICT_MAX];	/* by reported verdict */
	unsigned failed[PLAN_LEVEL_MAX];	/* REP_FAIL by level */
	unsigned fatal;
	unsigned exempt;
};

struct rep;

/* report.c */

extern const char *const rep_verdict_names[REP_VERDICT_MAX];
extern const char *const rep_format_names[REP_FORMAT_MAX];

/* "text", "tap", "junit", "json": 0 and *f set, or -1. */
int rep_format_parse(const char *name, enum rep_format *f);

/*
 * New text reporter writing to out.  verbose: print the trace of every
 * case (the trace of a failed case is always printed).  Free with rep_free.
 */
struct rep *rep_new(FILE *out, int verbose);

/* New reporter in cfg->format writing to out.  Free with rep_free. */
struct rep *rep_open(FILE *out, const struct rep_cfg *cfg);

/* Report one case. */
void rep_case(struct rep *r, const struct rep_result *res);

/* Print the summary (JUnit, JSON: the whole document); returns the number
 * of cases that fail the run (rep_totals' fatal). */
unsigned rep_summary(struct rep *r, uint64_t wall_ns);

/*
 * Does a case pc ending with verdict v (a failure at level) fail the run,
 * once the expectation file and --strict are applied?  What the summary
 * counts as failed, and the progress line too.
 */
bool rep_fails_run(const struct rep *r, const struct plan_case *pc,
    enum rep_verdict v, enum plan_level level);

/* The counts of the cases reported so far. */
const struct rep_totals *rep_totals(const struct rep *r);

void rep_free(struct rep *r);

#endif
