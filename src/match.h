/*
 * match.h - judge a segment from the target against an expect step and
 * the reference model: flags, numbers, window, options, payload.
 */
#ifndef TC_MATCH_H
#define TC_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "seg.h"
#include "tcpsm.h"

/* What the matcher needs to know about the case. */
struct match_ctx {
	const struct tcpsm *m;
	/* Our side's model: until it has our ISN (we sent no SYN), our
	 * numbers print absolute, as the segment lines do; NULL: relative
	 * to our_isn. */
	const struct tcpsm *us;
	uint32_t our_isn;
	const struct plan_case *pc;	/* variable names */
	uint32_t *vals;			/* variable values, pc->nvars */
	bool *valset;
	bool have_our_tsval;
	uint32_t our_tsval;		/* TSval of our last segment with TS */
	bool no_model;			/* judge by the step's keys alone */
};

/* match.c */

/*
 * Resolve a number of a step: ABS as given, REL from base, VAR from the
 * captured value, AUTO as autoval.  Returns 0, or -1 with a message in
 * why when the variable was never captured.
 */
int match_num(const struct match_ctx *c, const struct plan_num *n,
    uint32_t base, uint32_t autoval, uint32_t *out, char *why, size_t len);

/*
 * Does s match ex (NULL: what the model predicts)?  Returns 1, or 0 with
 * what differs in why, e.g. "expected flags [S.], got [R.]".
 */
int match_expect(const struct match_ctx *c, const struct plan_expect *ex,
    const struct seg *s, char *why, size_t len);

/* Store the fields ex captures from s into the case's variables. */
void match_capture(const struct match_ctx *c, const struct plan_expect *ex,
    const struct seg *s);

/* "[S.]", "+[S] -[R]" or "any" for a flags spec. */
void match_flags_desc(const struct plan_flags *f, char *buf, size_t len);

#endif
