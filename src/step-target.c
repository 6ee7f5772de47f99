/*
 * step-target.c - target: the application on the target acts, through
 * tcpconform-agent (interp-app.c sends the request), in step with the
 * case's segments.  A step waits for the agent's answer and checks it
 * against its result (by default: the call succeeded); a background one
 * (connect and accept by default: their answers need the segments of
 * the steps after them) goes on at once, and a later "await" checks it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "interp-int.h"
#include "plan.h"
#include "util.h"

static bool
is_background(const struct plan_target *t)
{
	return t->background_set ? t->background :
	    plan_tverbs[t->verb].background;
}

/* How long the step waits for its answer: the agent's own bound on a
 * waiting call, and a margin for its answer to reach us. */
static uint64_t
answer_wait(const struct plan_target *t)
{
	return (t->within_ns ? t->within_ns : TC_AGENT_WAIT_NS) +
	    TC_AGENT_MARGIN_NS;
}

/* "read", or "await connect", for messages. */
static const char *
what(const struct plan_target *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", t->await ? "await " : "",
	    plan_tverbs[t->verb].name);
	return buf;
}

/*
 * Does r hold what t expects?  Returns 0, or -1 after failing the case
 * (or ending it not applicable: the agent's system lacks the option).
 */
static int
check(struct case_run *cr, const struct plan_target *t,
    const struct app_res *r)
{
	const struct plan_tresult *x = &t->result;
	char w[32];

	what(t, w, sizeof(w));
	if (x->err != NULL && strcmp(x->err, "none") != 0) {
		/* "any": it must fail, the RFC names no error. */
		if (r->ok || (strcmp(x->err, "any") != 0 &&
		    strcmp(r->err, x->err) != 0)) {
			cr_fail(cr, "target %s: %s%s%s, expected %s", w,
			    r->ok ? "succeeded" : r->err, r->ok ? "" : " ",
			    r->ok ? "" : r->msg, x->err);
			return -1;
		}
	} else if (!r->ok) {
		/* An option this system does not have: not applicable. */
		if (strcmp(r->err, "ENOPROTOOPT") == 0 && t->option != NULL) {
			cr_end(cr, REP_NA, xasprintf("the target's system "
			    "has no socket option %s (its agent says: %s)",
			    t->option, r->msg));
			return -1;
		}
		cr_fail(cr, "target %s failed: %s %s", w, r->err, r->msg);
		return -1;
	}
	if (x->ret.set && (!r->ret_set || r->ret < (long)x->ret.lo ||
	    r->ret > (long)x->ret.hi)) {
		if (!r->ret_set)
			cr_fail(cr, "target %s: no return value in the "
			    "answer, expected %" PRIu32, w, x->ret.lo);
		else if (x->ret.lo == x->ret.hi)
			cr_fail(cr, "target %s returned %ld, expected %" PRIu32,
			    w, r->ret, x->ret.lo);
		else
			cr_fail(cr, "target %s returned %ld, expected %" PRIu32
			    "..%" PRIu32, w, r->ret, x->ret.lo, x->ret.hi);
		return -1;
	}
	if (x->eof >= 0 && (int)r->eof != x->eof) {
		cr_fail(cr, "target %s: %s, expected %s", w, r->eof ?
		    "end of file (the peer's FIN)" : "data",
		    x->eof ? "end of file" : "data");
		return -1;
	}
	if (x->data_set && (r->datalen != x->datalen ||
	    memcmp(r->data, x->data, x->datalen) != 0)) {
		/* The target's bytes, made printable, 48 at most shown. */
		char *got = tc_strsafe((const char *)r->data,
		    r->datalen < 48 ? r->datalen : 48, 0);
		char *want = tc_strsafe((const char *)x->data,
		    x->datalen < 48 ? x->datalen : 48, 0);

		cr_fail(cr, "target %s: got %zu bytes \"%s\", expected %zu "
		    "bytes \"%s\"", w, r->datalen, got, x->datalen, want);
		free(got);
		free(want);
		return -1;
	}
	if (x->value != NULL && strcmp(r->value, x->value) != 0) {
		cr_fail(cr, "target %s: %s is %s, expected %s", w, t->option,
		    r->value[0] != '\0' ? r->value : "(not in the answer)",
		    x->value);
		return -1;
	}
	if (x->state != NULL && strcmp(r->state, x->state) != 0) {
		cr_fail(cr, "target %s: the system says %s, expected %s", w,
		    r->state[0] != '\0' ? r->state : "no state", x->state);
		return -1;
	}
	return 0;
}

static enum step_start
target_start(struct case_run *cr, const struct plan_step *st)
{
	const struct plan_target *t = &st->u.target;
	uint64_t id;

	/* A replay has no agent: what the application did shows in the
	 * capture, what its calls returned is not known. */
	if (cr->in->cfg->app_unchecked)
		return STEP_NEXT;
	if (t->await) {
		if (cr->app_res[t->verb] != NULL) {
			if (check(cr, t, cr->app_res[t->verb]) != 0)
				return STEP_ENDED;
			return STEP_NEXT;
		}
		if (cr->app_bg[t->verb] == 0) {
			cr_fail(cr, "await %s: no %s was started in the "
			    "background before", plan_tverbs[t->verb].name,
			    plan_tverbs[t->verb].name);
			return STEP_ENDED;
		}
		cr->app_wait = cr->app_bg[t->verb];
		cr->app_bg[t->verb] = 0;
		cr_arm(cr, answer_wait(t), "the agent's answer",
		    CR_ARM_QUEUE);
		return STEP_WAIT;
	}
	if ((id = cr_app_request(cr, t)) == 0)
		return STEP_ENDED;
	if (is_background(t)) {
		cr->app_bg[t->verb] = id;
		cr_app_res_free(cr->app_res[t->verb]);
		cr->app_res[t->verb] = NULL;
		return STEP_NEXT;
	}
	cr->app_wait = id;
	cr_arm(cr, answer_wait(t), "the agent's answer", CR_ARM_QUEUE);
	return STEP_WAIT;
}

static void
target_answer(struct case_run *cr, const struct plan_step *st,
    const struct app_res *r)
{
	if (check(cr, &st->u.target, r) == 0)
		cr_done(cr);
}

static void
target_timeout(struct case_run *cr, const struct plan_step *st)
{
	char w[32], d[32];

	cr->app_wait = 0;
	cr_fail(cr, "target %s: the agent did not answer within %s",
	    what(&st->u.target, w, sizeof(w)),
	    tc_fmt_duration(cr->wait_ns, d, sizeof(d)));
}

/* Typically at once (a round trip to the agent), at most its wait. */
static void
target_estimate(const struct plan_step *st, struct step_est *e)
{
	if (st->u.target.await || !is_background(&st->u.target))
		cr_est_add(e, 0, answer_wait(&st->u.target));
}

const struct step_ops step_target_ops = {
	.start = target_start,
	.on_timeout = target_timeout,
	.on_answer = target_answer,
	.estimate = target_estimate,
};
