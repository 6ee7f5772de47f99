/*
 * step-measure.c - measure: from our last segment on the wire (or the
 * step's start), optionally probing every so often, until a segment
 * matches; the time it took is reported, and checked against a range.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "interp-int.h"
#include "match.h"
#include "plan.h"
#include "util.h"
#include "wire.h"

static void
probe(struct case_run *cr)
{
	const struct plan_measure *me = &cr_step(cr)->u.measure;

	if (cr_send(cr, &me->probe) != 0)
		return;
	cr_step_timer(cr, me->every_ns, probe);
}

/* From our last segment on the wire.  If its copy is not captured yet,
 * 0: its capture sets it (measure_own). */
static enum step_start
measure_start(struct case_run *cr, const struct plan_step *st)
{
	const struct plan_measure *me = &st->u.measure;

	if (cr->t_sent_cap != 0)
		cr->k.meas_t0 = cr->t_sent_cap;
	else if (!cr->m.have_our)
		cr->k.meas_t0 = wire_cap_now(cr->in->wire);	/* sent nothing */
	else
		cr->k.meas_t0 = 0;
	cr_arm(cr, me->max_ns, "measurement", 0);
	if (me->probe_set)
		cr_step_timer(cr, me->every_ns, probe);
	return STEP_WAIT;
}

/* Our segment's copy: the measure's start, late. */
static void
measure_own(struct case_run *cr, const struct plan_step *st, uint64_t ts)
{
	(void)st;
	if (cr->k.meas_t0 == 0)
		cr->k.meas_t0 = ts;
}

static void
measure_segment(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	const struct plan_measure *me = &st->u.measure;
	struct match_ctx c = cr_mctx(cr);
	char why[512], d1[32], d2[32], d3[32], d4[32];
	uint64_t v, lo = me->range_lo, hi = me->range_hi;

	if (!match_expect(&c, &me->until, s, why, sizeof(why)))
		return;		/* other answers to probes are fine */
	if (cr->k.meas_t0 == 0)		/* our segment was never captured */
		v = cr_elapsed(cr, ts);
	else
		v = ts > cr->k.meas_t0 ? ts - cr->k.meas_t0 : 0;
	cr_accept(cr, &me->until, s, ts);
	if (me->plus_rtt) {
		lo = cr_sat_add(lo, cr->rtt);
		hi = cr_sat_add(hi, cr->rtt);
	}
	cr->meas = xreallocarray(cr->meas, cr->nmeas + 1, sizeof(*cr->meas));
	cr->meas[cr->nmeas++] = (struct rep_meas){ me->name, v,
	    me->range_set, lo, hi };
	cr_event(cr, REP_EV_MEAS, NULL, NULL, (long)(cr->nmeas - 1), 0);
	if (me->range_set && (v < lo || v > hi)) {
		if (me->plus_rtt)
			snprintf(why, sizeof(why), " (the range plus RTT %s)",
			    tc_fmt_duration(cr->rtt, d4, sizeof(d4)));
		else
			why[0] = '\0';
		cr_fail(cr, "measured %s = %s, outside %s .. %s%s", me->name,
		    tc_fmt_duration(v, d1, sizeof(d1)),
		    tc_fmt_duration(lo, d2, sizeof(d2)),
		    tc_fmt_duration(hi, d3, sizeof(d3)), why);
		return;
	}
	cr_done(cr);
}

static void
measure_timeout(struct case_run *cr, const struct plan_step *st)
{
	char d[32];

	cr_fail(cr, "measure %s: nothing matched within %s",
	    st->u.measure.name, tc_fmt_duration(cr->wait_ns, d, sizeof(d)));
}

/* Typically the middle of its range (or of its limit), timed from our
 * last segment, which may have left steps before. */
static void
measure_estimate(const struct plan_step *st, struct step_est *e)
{
	const struct plan_measure *m = &st->u.measure;
	uint64_t mid = m->range_set ? m->range_lo / 2 + m->range_hi / 2 :
	    m->max_ns / 2;

	cr_est_add(e, mid > e->since ? mid - e->since : 0, m->max_ns);
	if (m->probe_set)
		e->since = 0;
}

const struct step_ops step_measure_ops = {
	.start = measure_start,
	.on_segment = measure_segment,
	.on_own = measure_own,
	.on_timeout = measure_timeout,
	.estimate = measure_estimate,
};
