/*
 * report.h - what a run tells its user: one line per case, the failure
 * message, the packet trace, and a summary.
 */
#ifndef TC_REPORT_H
#define TC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "plan.h"

enum rep_verdict {
	REP_PASS = 0,
	REP_FAIL,
	REP_SKIP,
	REP_VERDICT_MAX
};

/* One finished case. Strings belong to the caller. */
struct rep_result {
	const struct plan_case *pc;
	enum rep_verdict verdict;
	uint64_t dur_ns;
	const char *msg;	/* failure or skip reason; NULL on pass */
	const char *trace;	/* packet trace, one segment per line; may be NULL */
	const char *notes;	/* measurements, one per line; may be NULL */
};

struct rep;

/* report.c */

extern const char *const rep_verdict_names[REP_VERDICT_MAX];

/*
 * New text reporter writing to out.  verbose: print the trace of every
 * case (the trace of a failed case is always printed).  Free with rep_free.
 */
struct rep *rep_new(FILE *out, int verbose);

/* Report one case. */
void rep_case(struct rep *r, const struct rep_result *res);

/* Print the summary line; returns the number of failed cases. */
unsigned rep_summary(struct rep *r, uint64_t wall_ns);

void rep_free(struct rep *r);

#endif
