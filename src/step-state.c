/*
 * step-state.c - state: the case says which state the target is in now;
 * the model must agree (a check on the case, and on the model).
 */
#include "config.h"

#include "interp-int.h"
#include "plan.h"
#include "tcpsm.h"

static enum step_start
state_start(struct case_run *cr, const struct plan_step *st)
{
	if (cr->m.state != (enum tcpsm_state)st->u.state) {
		cr_fail(cr, "the case says the target is in %s, the model has "
		    "it in %s", tcpsm_state_name(st->u.state),
		    tcpsm_state_name(cr->m.state));
		return STEP_ENDED;
	}
	return STEP_NEXT;
}

const struct step_ops step_state_ops = {
	.start = state_start,
};
