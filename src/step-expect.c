/*
 * step-expect.c - the steps that wait for one reply: expect, connect (our
 * SYN, then an expect of the SYN-ACK the model predicts, then our ACK)
 * and any_of (the first of several expects that matches, then the rest of
 * its branch).  One unit because the three share everything past the
 * start: a reply is matched (match.c), must come within "within" of our
 * last segment, and nothing arriving in time fails the same way.
 */
#include "config.h"

#include <stdlib.h>

#include "buf.h"
#include "interp-int.h"
#include "match.h"
#include "plan.h"
#include "util.h"

#define EXPECT_WAIT "wait for a reply"

static uint64_t
within(const struct case_run *cr, uint64_t ns)
{
	return ns ? ns : cr->in->cfg->default_within_ns;
}

/* A reply that matched none of what was expected. */
static void
mismatch(struct case_run *cr, const char *fmt, const char *why,
    const struct seg *s)
{
	char line[512], note[512];

	if (cr_zero_window(cr, s))
		return;
	cr_describe(cr, s, line, sizeof(line));
	cr_model_note(cr, note, sizeof(note));
	cr_fail(cr, fmt, why, line, note);
}

/* Nothing came within the wait.  any: said of any_of's alternatives. */
static void
nothing(struct case_run *cr, int any)
{
	char d[32], note[512];

	cr_model_note(cr, note, sizeof(note));
	cr_fail(cr, "nothing %sarrived within %s\n  model: %s",
	    any ? "any alternative expects " : "",
	    tc_fmt_duration(cr->wait_ns, d, sizeof(d)), note);
}

static void
timeout(struct case_run *cr, const struct plan_step *st)
{
	nothing(cr, st->kind == PLAN_ANY_OF);
}

/* ---- expect ---------------------------------------------------------------- */

static enum step_start
expect_start(struct case_run *cr, const struct plan_step *st)
{
	cr_arm(cr, within(cr, st->u.expect.within_ns), EXPECT_WAIT, 0);
	return STEP_WAIT;
}

/* expect, or connect's SYN-ACK (ex NULL: what the model predicts). */
static int
expect_seg(struct case_run *cr, const struct plan_expect *ex,
    const struct seg *s, uint64_t ts)
{
	struct match_ctx c = cr_mctx(cr);
	char why[512];

	if (!match_expect(&c, ex, s, why, sizeof(why))) {
		mismatch(cr, "%s\n  got:   %s\n  model: %s", why, s);
		return -1;
	}
	if (!cr_in_time(cr, ts, cr->wait_ns))
		return -1;
	cr_accept(cr, ex, s, ts);
	return 0;
}

static void
expect_segment(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	if (expect_seg(cr, &st->u.expect, s, ts) == 0)
		cr_done(cr);
}

/* Typically at once, at most its "within". */
static void
expect_estimate(const struct plan_step *st, struct step_est *e)
{
	cr_est_add(e, 0, st->u.expect.within_ns ? st->u.expect.within_ns :
	    e->within_ns);
}

const struct step_ops step_expect_ops = {
	.start = expect_start,
	.on_segment = expect_segment,
	.on_timeout = timeout,
	.estimate = expect_estimate,
};

/* ---- connect ---------------------------------------------------------------- */

static enum step_start
connect_start(struct case_run *cr, const struct plan_step *st)
{
	if (cr_send_syn(cr, &st->u.connect) != 0)
		return STEP_ENDED;
	cr_arm(cr, within(cr, st->u.connect.within_ns), EXPECT_WAIT, 0);
	return STEP_WAIT;
}

static void
connect_segment(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	(void)st;
	if (expect_seg(cr, NULL, s, ts) != 0)
		return;
	cr_wait_end(cr);
	if (cr_send_ack(cr) != 0)
		return;
	cr_next(cr);
}

static void
connect_estimate(const struct plan_step *st, struct step_est *e)
{
	cr_est_add(e, 0, st->u.connect.within_ns ? st->u.connect.within_ns :
	    e->within_ns);
	e->since = 0;	/* our ACK ends it */
}

const struct step_ops step_connect_ops = {
	.start = connect_start,
	.on_segment = connect_segment,
	.on_timeout = timeout,
	.estimate = connect_estimate,
};

/* ---- any_of ----------------------------------------------------------------- */

/* The longest "within" of the alternatives' expects. */
static enum step_start
any_of_start(struct case_run *cr, const struct plan_step *st)
{
	const struct plan_any_of *a = &st->u.any_of;
	uint64_t w, max = 0;
	size_t i;

	for (i = 0; i < a->nalts; i++) {
		w = within(cr, a->alts[i].steps[0].u.expect.within_ns);
		if (w > max)
			max = w;
	}
	cr_arm(cr, max, EXPECT_WAIT, 0);
	return STEP_WAIT;
}

static void
any_of_segment(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	const struct plan_any_of *a = &st->u.any_of;
	struct match_ctx c = cr_mctx(cr);
	struct buf why = { 0 };
	char w[512];
	size_t i;

	for (i = 0; i < a->nalts; i++) {
		const struct plan_branch *b = &a->alts[i];
		const struct plan_expect *ex = &b->steps[0].u.expect;

		if (!match_expect(&c, ex, s, w, sizeof(w))) {
			buf_printf(&why, "\n  (%zu) %s:%d:%d: %s", i + 1,
			    b->pos.file, b->pos.line, b->pos.col, w);
			continue;
		}
		free(why.s);
		if (!cr_in_time(cr, ts, cr->wait_ns))
			return;
		cr_accept(cr, ex, s, ts);
		cr_wait_end(cr);
		if (cr_push_branch(cr, b->steps, b->nsteps) != 0)
			return;
		cr_next(cr);	/* the branch's expect just matched */
		return;
	}
	mismatch(cr, "no alternative matched:%s\n  got:   %s\n  model: %s",
	    why.s ? why.s : "", s);
	free(why.s);
}

/* The branch a conforming target typically takes is the longest
 * typical one; at most, the longest of all. */
static void
any_of_estimate(const struct plan_step *st, struct step_est *e)
{
	const struct plan_any_of *a = &st->u.any_of;
	struct step_est b, best;
	uint64_t x = 0;
	size_t j;

	best = *e;
	best.typ = best.max = 0;
	for (j = 0; j < a->nalts; j++) {
		b = *e;
		b.typ = b.max = 0;
		cr_estimate(a->alts[j].steps, a->alts[j].nsteps, &b);
		if (j == 0 || b.typ > best.typ)
			best = b;
		x = b.max > x ? b.max : x;
	}
	e->typ = cr_sat_add(e->typ, best.typ);
	e->max = cr_sat_add(e->max, x);
	e->since = best.since;
}

const struct step_ops step_any_of_ops = {
	.start = any_of_start,
	.on_segment = any_of_segment,
	.on_timeout = timeout,
	.estimate = any_of_estimate,
};
