/*
 * interp.c - the engine's entry points (interp.h) and its table of step
 * kinds.  A run: interp_new, interp_run (the loop until every case has
 * ended), interp_free.  The core (interp-case.c and the other interp-*.c)
 * runs the cases; each step kind is a unit (step-*.c) reached only
 * through the table below, which interp_new hands to the core.
 *
 * Adding a step kind: its enum value and struct in plan.h, its row in the
 * loader (script-step.c), its unit src/step-KIND.c with a struct step_ops,
 * its line here, and the man page.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "pcapw.h"
#include "plan.h"
#include "target.h"
#include "util.h"
#include "wire.h"

/* repeat and include never reach the engine: the loader expands them
 * into the steps they stand for (script-step.c). */
static const struct step_ops *const interp_steps[PLAN_STEP_MAX] = {
	[PLAN_CONNECT] = &step_connect_ops,
	[PLAN_SEND] = &step_send_ops,
	[PLAN_EXPECT] = &step_expect_ops,
	[PLAN_SILENCE] = &step_silence_ops,
	[PLAN_STATE] = &step_state_ops,
	[PLAN_WAIT] = &step_wait_ops,
	[PLAN_RETRANSMITS] = &step_retransmits_ops,
	[PLAN_MEASURE] = &step_measure_ops,
	[PLAN_EXEC] = &step_exec_ops,
	[PLAN_TARGET] = &step_target_ops,
	[PLAN_ANY_OF] = &step_any_of_ops,
};

void
interp_duration(const struct plan_case *c, const char *profile,
    uint64_t within_ns, uint64_t *typical_ns, uint64_t *max_ns)
{
	struct step_est e = {
		.profile = profile,
		.within_ns = within_ns,
		.tab = interp_steps,
	};
	uint64_t limit = c->timeout_ns ? c->timeout_ns :
	    PLAN_DEFAULT_TIMEOUT_NS;

	/* A case not applicable to the stack runs no step. */
	if (c->na_reason == NULL)
		cr_estimate(c->steps, c->nsteps, &e);
	/* The engine ends the case at its timeout. */
	e.typ = e.typ < limit ? e.typ : limit;
	e.max = e.max < limit ? e.max : limit;
	if (typical_ns != NULL)
		*typical_ns = e.typ;
	if (max_ns != NULL)
		*max_ns = e.max;
}

struct order_key {
	size_t i;
	bool exclusive;
	uint64_t typ, max;
};

static int
order_cmp(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	if (x->exclusive != y->exclusive)
		return x->exclusive ? -1 : 1;
	if (!x->exclusive) {
		if (x->typ != y->typ)
			return x->typ > y->typ ? -1 : 1;
		if (x->max != y->max)
			return x->max > y->max ? -1 : 1;
	}
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Cases that run alone go first, one after another: they cost their sum
 * wherever they go, and at the start they hold nothing up.  The others
 * follow longest expected first (the estimate "list" prints), so that no
 * long case starts late and the short ones fill the slots beside it.
 * With -j 1 nothing overlaps and no order shortens the run: the plan's
 * keeps reports coming as cases end.
 */
void
interp_order(const struct plan *p, const char *profile, unsigned jobs,
    size_t *order)
{
	struct order_key *k;
	size_t i;

	k = xcalloc(p->ncases ? p->ncases : 1, sizeof(*k));
	for (i = 0; i < p->ncases; i++) {
		k[i].i = i;
		k[i].exclusive = p->cases[i].exclusive;
		interp_duration(&p->cases[i], profile,
		    PLAN_DEFAULT_WITHIN_NS, &k[i].typ, &k[i].max);
	}
	if (jobs > 1)
		qsort(k, p->ncases, sizeof(*k), order_cmp);
	for (i = 0; i < p->ncases; i++)
		order[i] = k[i].i;
	free(k);
}

struct interp *
interp_new(const struct plan *p, const struct interp_cfg *cfg,
    struct wire *wire, struct ev_loop *loop, struct rep *rep)
{
	struct interp *in = xcalloc(1, sizeof(*in));
	size_t i;

	in->cfg = cfg;
	in->steps = interp_steps;
	in->wire = wire;
	in->loop = loop;
	in->rep = rep;
	in->prog = cfg->prog;
	in->nruns = p->ncases;
	in->runs = xcalloc(p->ncases, sizeof(*in->runs));
	in->order = xcalloc(p->ncases ? p->ncases : 1, sizeof(*in->order));
	for (i = 0; i < p->ncases; i++) {
		in->runs[i].in = in;
		in->runs[i].pc = &p->cases[i];
		in->runs[i].sport = (uint16_t)(cfg->port_lo + i);
	}
	interp_order(p, cfg->profile, cfg->jobs, in->order);
	return in;
}

static void
health_begin_cb(uint64_t id, void *arg)
{
	(void)id;
	interp_health_begin(arg);
}

static void
settle_cb(void *arg)
{
	interp_settle(arg);
}

int
interp_run(struct interp *in, char *errbuf, size_t errlen)
{
	int rc;

	if (in->nruns == 0)
		return 0;
	if (wire_start(in->wire, in->loop, interp_frame_cb, interp_capture_error_cb, in,
	    errbuf, errlen) != 0)
		return -1;
	interp_req_read(in);
	in->t_run0 = ev_now(in->loop);
	/* The first case starts once the target has answered. */
	if (ev_add_timer(in->loop, 0, health_begin_cb, in) == 0)
		fatalx("out of memory");
	ev_set_after(in->loop, settle_cb, in);
	rc = ev_run(in->loop);
	ev_set_after(in->loop, NULL, NULL);
	if (in->start_timer != 0)
		ev_del_timer(in->loop, in->start_timer);
	in->start_timer = 0;
	if (rc != 0) {
		tc_errf(errbuf, errlen, "event loop failed");
		interp_health_stop(in);
		wire_stop(in->wire);
		return -1;
	}
	interp_health_stop(in);
	wire_stop(in->wire);
	if (in->env_error) {
		tc_errf(errbuf, errlen, "%s", in->errbuf);
		return -1;
	}
	return 0;
}

void
interp_reap(struct interp *in)
{
	/* The target calls exec_done for each of our commands that ended. */
	target_child(in->cfg->target);
}

int
interp_aborted(const struct interp *in)
{
	return in->aborted;
}

void
interp_free(struct interp *in)
{
	size_t i, j;

	if (in == NULL)
		return;
	in->prog = NULL;	/* the caller may have freed it: feed it no more */
	for (i = 0; i < in->nruns; i++) {
		struct case_run *cr = &in->runs[i];

		cr_del_timer(cr, &cr->timer);
		cr_del_timer(cr, &cr->case_timer);
		cr_del_timer(cr, &cr->step_timer);
		cr_q_clear(cr);
		cr_jobs_kill(cr);
		free(cr->msg);
		buf_free(&cr->trace);
		for (j = 0; j < cr->nevents; j++) {
			free((char *)cr->events[j].key);
			free((char *)cr->events[j].value);
		}
		free(cr->events);
		free(cr->vals);
		free(cr->valset);
		free(cr->meas);
		free(cr->rtx);
		free(cr->steplog);
		pcapw_free(cr->pcap);
	}
	for (i = 0; i < in->nreq; i++)
		free(in->req[i].value);
	free(in->req);
	free(in->order);
	free(in->runs);
	free(in);
}
