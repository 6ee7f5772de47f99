/*
 * step-send.c - send: one segment as the step describes it
 * (interp-send.c builds and sends it); the next step runs at once.
 */
#include "config.h"

#include "interp-int.h"
#include "plan.h"

static enum step_start
send_start(struct case_run *cr, const struct plan_step *st)
{
	return cr_send(cr, &st->u.send) != 0 ? STEP_ENDED : STEP_NEXT;
}

/* Takes no time; a measure after it counts from it. */
static void
send_estimate(const struct plan_step *st, struct step_est *e)
{
	(void)st;
	e->since = 0;
}

const struct step_ops step_send_ops = {
	.start = send_start,
	.estimate = send_estimate,
};
