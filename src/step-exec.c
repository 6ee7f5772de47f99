/*
 * step-exec.c - exec: run a command on the target (interp-target.c starts
 * it through target.h) and wait for its exit status, or, in the
 * background, go on at once (it is killed when the case ends).
 */
#include "config.h"

#include "defaults.h"
#include "interp-int.h"
#include "plan.h"
#include "target.h"
#include "util.h"

static enum step_start
exec_start(struct case_run *cr, const struct plan_step *st)
{
	const struct plan_exec *ex = &st->u.exec;

	/* An optional command (a cross-check such as ss) needs the hook;
	 * without one the step is left out, and the note says which. */
	if (ex->optional && cr->in->cfg->target == NULL) {
		cr_event(cr, REP_EV_EXEC_SKIPPED, ex->cmd, NULL,
		    (long)cr->nsteplog, st->pos.line);
		return STEP_NEXT;
	}
	if (cr_exec_start(cr, ex) != 0)
		return STEP_ENDED;
	if (ex->background)
		return STEP_NEXT;
	cr_arm(cr, ex->within_ns ? ex->within_ns : TC_EXEC_TIMEOUT_NS,
	    "command", CR_ARM_QUEUE);
	return STEP_WAIT;
}

static void
exec_exit(struct case_run *cr, const struct plan_step *st, int code,
    int signo)
{
	const struct plan_exec *ex = &st->u.exec;

	if (signo != 0) {
		cr_fail(cr, "exec '%s' was killed by signal %d", ex->cmd,
		    signo);
		return;
	}
	if (code != ex->status) {
		cr_fail(cr, "exec '%s' exited %d, expected %d", ex->cmd, code,
		    ex->status);
		return;
	}
	cr_done(cr);
}

static void
exec_timeout(struct case_run *cr, const struct plan_step *st)
{
	char d[32];

	cr_fail(cr, "exec '%s' did not finish within %s", st->u.exec.cmd,
	    tc_fmt_duration(cr->wait_ns, d, sizeof(d)));
}

/* Typically at once, at most its "within"; in the background, nothing. */
static void
exec_estimate(const struct plan_step *st, struct step_est *e)
{
	if (!st->u.exec.background)
		cr_est_add(e, 0, st->u.exec.within_ns);
}

const struct step_ops step_exec_ops = {
	.start = exec_start,
	.on_timeout = exec_timeout,
	.on_exit = exec_exit,
	.estimate = exec_estimate,
};
