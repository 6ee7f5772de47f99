/*
 * step-retransmits.c - retransmits: the segment the last expect accepted
 * must come again count times, each after the gap the schedule (or the
 * backoff) says, within its tolerance, judged on capture times; then,
 * optionally, nothing for a while.  The estimate sits here with the
 * timing it estimates: both use plan_rtx_gap and plan_rtx_tol.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "interp-int.h"
#include "plan.h"
#include "tcpsm.h"
#include "util.h"

/* Margin on the loop's deadline past the gap and its tolerance: the
 * verdict is on capture times, the deadline only ends the wait. */
#define RTX_SLACK_NS (50 * NS_PER_MS)
#define RTX_WAIT "wait for a retransmission"

/*
 * The gap expected before retransmission k.rtx.n + 1: the schedule's, or
 * with backoff N, after the first, N times the gap measured before the
 * previous copy (RFC 6298 5.5: "double the value of RTO").  Relative, so
 * a target whose RTO starts higher (a slower RTT sample) still passes
 * when it backs off as it must.
 */
static uint64_t
rtx_want(const struct case_run *cr, const struct plan_retransmits *r)
{
	uint64_t g = plan_rtx_gap(r, cr->k.rtx.n, cr->match_gap);

	return r->plus_rtt && cr->k.rtx.n == 0 ? cr_sat_add(g, cr->rtt) : g;
}

/* " (230.0ms + RTT 97.6ms)" when the first gap added the RTT, else "". */
static const char *
rtx_rtt_note(const struct case_run *cr, const struct plan_retransmits *r,
    char *buf, size_t len)
{
	char d1[32], d2[32];

	if (!r->plus_rtt || cr->k.rtx.n != 0)
		return "";
	snprintf(buf, len, " (%s + RTT %s)", tc_fmt_duration(
	    plan_rtx_gap(r, 0, 0), d1, sizeof(d1)),
	    tc_fmt_duration(cr->rtt, d2, sizeof(d2)));
	return buf;
}

static void
rtx_arm(struct case_run *cr, const struct plan_retransmits *r)
{
	uint64_t want = rtx_want(cr, r);

	cr_arm(cr, want + plan_rtx_tol(r, want) + RTX_SLACK_NS, RTX_WAIT, 0);
}

static enum step_start
rtx_start(struct case_run *cr, const struct plan_step *st)
{
	if (!cr->have_match) {
		cr_fail(cr, "retransmits: no segment from the target was "
		    "matched before");
		return STEP_ENDED;
	}
	cr->k.rtx.n = 0;
	cr->k.rtx.quiet = false;
	rtx_arm(cr, &st->u.retransmits);
	return STEP_WAIT;
}

/*
 * A retransmission is the same segment again: same flags, sequence number
 * and length (RFC 9293 3.8.1; RFC 6298 5.5 doubles the gap each time).
 */
static void
rtx_segment(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	const struct plan_retransmits *r = &st->u.retransmits;
	const struct seg *o = &cr->match;
	char line[512], orig[512], d1[32], d2[32], d3[32], note[96];
	uint64_t gap, want, tol, diff;

	if (cr->k.rtx.quiet) {
		step_silence_seg(cr, NULL, s, ts);
		return;
	}
	if (s->flags != o->flags || s->seq != o->seq ||
	    s->paylen != o->paylen) {
		if (cr_zero_window(cr, s))
			return;
		cr_describe(cr, s, line, sizeof(line));
		cr_describe(cr, o, orig, sizeof(orig));
		cr_fail(cr, "expected retransmission %u of [%s]\n"
		    "  got:   %s", cr->k.rtx.n + 1, orig, line);
		return;
	}
	want = rtx_want(cr, r);
	gap = ts - cr->match_ts;
	tol = plan_rtx_tol(r, want);
	diff = gap > want ? gap - want : want - gap;
	if (diff > tol) {
		cr_fail(cr, "retransmission %u came %s after the previous "
		    "copy, expected %s%s +/- %s", cr->k.rtx.n + 1,
		    tc_fmt_duration(gap, d1, sizeof(d1)),
		    tc_fmt_duration(want, d2, sizeof(d2)),
		    rtx_rtt_note(cr, r, note, sizeof(note)),
		    tc_fmt_duration(tol, d3, sizeof(d3)));
		return;
	}
	cr->rtx = xreallocarray(cr->rtx, cr->nrtx + 1, sizeof(*cr->rtx));
	cr->rtx[cr->nrtx++] = (struct rep_rtx){ cr->k.rtx.n + 1, gap, want };
	cr_event(cr, REP_EV_RTX, NULL, NULL, (long)(cr->nrtx - 1), 0);
	cr_matched(cr);
	tcpsm_on_recv(&cr->m, s);
	cr->match_ts = ts;
	cr->match_gap = gap;
	if (++cr->k.rtx.n < r->count) {
		rtx_arm(cr, r);
		return;
	}
	if (r->silence_ns > 0) {
		cr->k.rtx.quiet = true;
		step_silence_arm(cr, r->silence_ns);
		return;
	}
	cr_done(cr);
}

static void
rtx_timeout(struct case_run *cr, const struct plan_step *st)
{
	const struct plan_retransmits *r = &st->u.retransmits;
	char orig[512], d1[32], d2[32], d3[32], note[96];
	uint64_t want;

	if (cr->k.rtx.quiet) {
		cr_done(cr);
		return;
	}
	want = rtx_want(cr, r);
	cr_describe(cr, &cr->match, orig, sizeof(orig));
	cr_fail(cr, "retransmission %u of [%s] did not come within %s of the "
	    "previous copy (expected after %s%s +/- %s)", cr->k.rtx.n + 1,
	    orig, tc_fmt_duration(cr->wait_ns, d1, sizeof(d1)),
	    tc_fmt_duration(want, d2, sizeof(d2)),
	    rtx_rtt_note(cr, r, note, sizeof(note)),
	    tc_fmt_duration(plan_rtx_tol(r, want), d3, sizeof(d3)));
}

/*
 * Typically each gap as expected, at most each at its upper bound, which
 * a backoff then multiplies (the gap after a late copy is longer).
 */
static void
rtx_estimate(const struct plan_step *st, struct step_est *e)
{
	const struct plan_retransmits *r = &st->u.retransmits;
	uint64_t g, gx, prev = 0, prevx = 0, t = 0, x = 0;
	unsigned j;

	for (j = 0; j < r->count; j++) {
		g = plan_rtx_gap(r, j, prev);
		gx = plan_rtx_gap(r, j, prevx);
		gx = cr_sat_add(gx, plan_rtx_tol(r, gx));
		t = cr_sat_add(t, g);
		x = cr_sat_add(x, gx);
		prev = g;
		prevx = gx;
	}
	cr_est_add(e, cr_sat_add(t, r->silence_ns),
	    cr_sat_add(x, r->silence_ns));
}

const struct step_ops step_retransmits_ops = {
	.start = rtx_start,
	.on_segment = rtx_segment,
	.on_timeout = rtx_timeout,
	.estimate = rtx_estimate,
};
