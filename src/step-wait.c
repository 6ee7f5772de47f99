/*
 * step-wait.c - wait: let time pass; what the target sends meanwhile is
 * kept for the steps after it.
 */
#include "config.h"

#include "interp-int.h"
#include "plan.h"

static enum step_start
wait_start(struct case_run *cr, const struct plan_step *st)
{
	cr_arm(cr, st->u.wait_ns, "wait", CR_ARM_QUEUE);
	return STEP_WAIT;
}

static void
wait_timeout(struct case_run *cr, const struct plan_step *st)
{
	(void)st;
	cr_done(cr);
}

static void
wait_estimate(const struct plan_step *st, struct step_est *e)
{
	cr_est_add(e, st->u.wait_ns, st->u.wait_ns);
}

const struct step_ops step_wait_ops = {
	.start = wait_start,
	.on_timeout = wait_timeout,
	.estimate = wait_estimate,
};
