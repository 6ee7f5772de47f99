/*
 * step-silence.c - silence: nothing from the target for a while, except
 * segments the step allows (silence: {allow: ...}, e.g. the
 * retransmissions of one).  retransmits' closing silence judges its
 * arrivals here too (step_silence_seg).
 */
#include "config.h"

#include "interp-int.h"
#include "match.h"
#include "plan.h"
#include "util.h"

#define SILENCE_WAIT "silence"

/* Does allow (NULL: nothing) let s come? */
static int
allows(struct case_run *cr, const struct plan_expect *allow,
    const struct seg *s)
{
	struct match_ctx c = cr_mctx(cr);
	char why[512];

	c.no_model = true;
	return allow != NULL && match_expect(&c, allow, s, why, sizeof(why));
}

void
step_silence_seg(struct case_run *cr, const struct plan_expect *allow,
    const struct seg *s, uint64_t ts)
{
	char line[512], d1[32], d2[32];

	if (allows(cr, allow, s) || cr_zero_window(cr, s))
		return;
	cr_describe(cr, s, line, sizeof(line));
	cr_fail(cr, "expected silence for %s, got [%s] after %s",
	    tc_fmt_duration(cr->wait_ns, d1, sizeof(d1)), line,
	    tc_fmt_duration(cr_elapsed(cr, ts), d2, sizeof(d2)));
}

void
step_silence_arm(struct case_run *cr, uint64_t ns)
{
	cr_arm(cr, ns, SILENCE_WAIT, CR_ARM_QUIET);
}

/* What came before it and no step expected breaks it already. */
static enum step_start
silence_start(struct case_run *cr, const struct plan_step *st)
{
	char line[512];

	while (cr->qlen > 0 &&
	    allows(cr, st->u.silence_allow, &cr->q[cr->qhead].s))
		cr_q_pop(cr);
	if (cr->qlen > 0) {
		cr_describe(cr, &cr->q[cr->qhead].s, line, sizeof(line));
		cr_fail(cr, "expected silence, but [%s] arrived before it "
		    "began and no step expected it", line);
		return STEP_ENDED;
	}
	step_silence_arm(cr, st->u.silence_ns);
	return STEP_WAIT;
}

static void
silence_segment(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	step_silence_seg(cr, st->u.silence_allow, s, ts);
}

/* Its end is a pass. */
static void
silence_timeout(struct case_run *cr, const struct plan_step *st)
{
	(void)st;
	cr_done(cr);
}

static void
silence_estimate(const struct plan_step *st, struct step_est *e)
{
	cr_est_add(e, st->u.silence_ns, st->u.silence_ns);
}

const struct step_ops step_silence_ops = {
	.start = silence_start,
	.on_segment = silence_segment,
	.on_timeout = silence_timeout,
	.estimate = silence_estimate,
};
