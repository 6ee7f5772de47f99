/*
 * interp-case.c - the top of the engine: cases start (their port, model
 * and settings) up to -j at a time, and after every callback of the loop
 * (interp_settle) the cases that ended are cleaned up (their commands,
 * pins, capture file, open connection), the target's health is checked,
 * the finished ones are reported in plan order and the next ones start.
 *
 * Each case owns one source port, one reference model (tcpsm) and a small
 * stack of step lists (any_of branches push one).  Its steps run in
 * interp-step.c; captured frames reach it through interp-arrive.c; the
 * work on the target (exec, sysctls) is in interp-target.c.  The files
 * below this one record a case's end (cr_end, interp-run.c) and never
 * call up here: the loop calls interp_settle once their callback returned.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "pcapw.h"
#include "progress.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

static const struct interp_service *
find_service(const struct interp_cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nsvc; i++)
		if (strcmp(cfg->svc[i].name, name) == 0)
			return &cfg->svc[i];
	return NULL;
}


/* Report finished cases in plan order, each once a health check that
 * began after it ended has found the target alive (interp-health.c). */
static void
report_ready(struct interp *in)
{
	while (in->next_report < in->nruns &&
	    in->runs[in->next_report].status == CR_DONE &&
	    !interp_report_held(in, &in->runs[in->next_report])) {
		struct case_run *cr = &in->runs[in->next_report++];
		struct rep_result res = {
			.pc = cr->pc,
			.verdict = cr->verdict,
			.level = cr->level,
			.dur_ns = cr->t_end - cr->t_start,
			.start_ns = cr->t_start > in->t_run0 ?
			    cr->t_start - in->t_run0 : 0,
			.msg = cr->msg,
			.trace = buf_text(&cr->trace),
			.events = cr->events,
			.nevents = cr->nevents,
			.meas = cr->meas,
			.nmeas = cr->nmeas,
			.rtx = cr->rtx,
			.nrtx = cr->nrtx,
			.steps = cr->steplog,
			.nsteps = cr->nsteplog,
			.pcap = cr->pcap != NULL ? pcapw_path(cr->pcap) : NULL,
		};

		prog_hide(in->prog);	/* its next tick draws it below */
		rep_case(in->rep, &res);
	}
}

static void start_cases(struct interp *in);

/* Every case ended and was reported (or the run ends early): stop. */
static void
maybe_stop(struct interp *in)
{
	if (in->running == 0 && in->next_start == in->nruns &&
	    (in->next_report == in->nruns || in->h.dead))
		ev_stop(in->loop);
}

/* What an ended case leaves behind: its queue, commands, pcap, the
 * connection it left open on the target, its pins. */
static void
case_finish(struct interp *in, struct case_run *cr)
{
	char err[256];

	cr->unsettled = false;
	in->nunsettled--;
	cr_q_clear(cr);
	cr_jobs_kill(cr);
	cr_app_end(cr);
	if (pcapw_close(cr->pcap, err, sizeof(err)) != 0) {
		/* A capture that cannot be written: the run's environment. */
		in->env_error = 1;
		tc_errf(in->errbuf, sizeof(in->errbuf), "--pcap: %s", err);
	}
	if (cr->t_start != 0) {
		cr_cleanup(cr);
		cr_pins_restore(cr);
		in->running--;
		if (cr->pc->exclusive)
			in->exclusive = 0;
	}
	/* Was the target alive for this verdict?  (A dead target passes
	 * every case that expects silence.) */
	if (cr->t_start != 0)
		interp_health_check(in);
}

void
interp_settle(struct interp *in)
{
	size_t i;

	do {
		for (i = 0; i < in->nruns && in->nunsettled > 0; i++)
			if (in->runs[i].unsettled)
				case_finish(in, &in->runs[i]);
		report_ready(in);
		/* The first case starts once the target has answered. */
		if (in->h.ready && !in->aborted)
			start_cases(in);
	} while (in->nunsettled > 0);
	interp_health_arm(in);	/* while cases run, every few seconds */
	maybe_stop(in);
}


/*
 * Without a target hook: a case that pins a sysctl (under the profile
 * whose facts pins are) or has an exec step it cannot do without is
 * skipped, saying why; 1 then.  A requires is assumed (a note says so,
 * cr_settings) and an optional exec is left out (step-exec.c).
 */
static int
no_hook_skip(struct interp *in, struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	struct buf b = { 0 };
	size_t i;

	if (pc->nsysctl > 0 && plan_sysctls_apply(in->cfg->profile)) {
		buf_printf(&b, "pins ");
		for (i = 0; i < pc->nsysctl; i++)
			buf_printf(&b, "%s%s=%s", i > 0 ? ", " : "",
			    pc->sysctl[i].key, pc->sysctl[i].value);
		cr_skip(cr, xasprintf("%s: needs a target hook (-x)",
		    buf_text(&b)));
		buf_free(&b);
		return 1;
	}
	if (plan_find_needed_exec(pc->steps, pc->nsteps,
	    in->cfg->profile) != NULL) {
		cr_skip(cr, xstrdup("needs a target hook (--target-exec) "
		    "to run commands on the target"));
		return 1;
	}
	return 0;
}

static void
case_start(struct interp *in, struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	const struct interp_service *svc;
	bool listen;

	/* Not applicable to the stack (its profile says so): nothing of
	 * the case is sent, as for a feature the target does not offer. */
	if (pc->na_reason != NULL) {
		cr->status = CR_RUNNING;
		cr_end(cr, REP_NA, xstrdup(pc->na_reason));
		return;
	}
	/* "client": the target connects to our port, no -p entry;
	 * "listen": the agent listens on a port of its own for the case. */
	cr->client = strcmp(pc->service, "client") == 0;
	svc = cr->client ? NULL : find_service(in->cfg, pc->service);
	listen = svc == NULL && strcmp(pc->service, "listen") == 0;
	if (svc == NULL && !cr->client && !listen) {
		cr_skip(cr, xasprintf("service '%s' not given to -p%s",
		    pc->service, in->cfg->agent != NULL ? " nor run by the "
		    "agent" : ""));
		return;
	}
	if (in->cfg->agent == NULL && !in->cfg->app_unchecked && (listen ||
	    plan_find_kind(pc->steps, pc->nsteps, PLAN_TARGET) != NULL)) {
		cr_skip(cr, xstrdup("needs tcpconform-agent on the target "
		    "(--agent) for its target steps"));
		return;
	}
	if (pc->req_ipv6 && in->cfg->af != AF_INET6) {
		cr_skip(cr, xstrdup("an IPv6 case (run with an IPv6 "
		    "target, -6)"));
		return;
	}
	if (pc->req_ipv4 && in->cfg->af != AF_INET) {
		cr_skip(cr, xstrdup("an IPv4-only case"));
		return;
	}
	if (pc->req_root && geteuid() != 0) {
		cr_skip(cr, xstrdup("requires root"));
		return;
	}
	if (in->cfg->target == NULL && no_hook_skip(in, cr))
		return;
	if (in->cfg->pcap_dir != NULL) {
		char err[256];

		cr->pcap = pcapw_open(in->cfg->pcap_dir, pc->id,
		    wire_datalink(in->wire), err, sizeof(err));
		if (cr->pcap == NULL) {
			in->env_error = 1;
			tc_errf(in->errbuf, sizeof(in->errbuf), "--pcap: %s",
			    err);
			cr_skip(cr, xasprintf("cannot write its pcap: %s",
			    err));
			return;
		}
	}
	cr->status = CR_RUNNING;
	cr->dport = svc != NULL ? svc->port : 0;
	cr->t_start = ev_now(in->loop);
	cr->drops0 = wire_drops(in->wire);
	cr->t_sent_mono = cr->t_start;	/* "within" before we sent anything */
	cr->our_isn = wire_random32(in->wire, WIRE_RAND_ISN, cr->sport);
	cr->ts_base = wire_random32(in->wire, WIRE_RAND_TSBASE, cr->sport);
	cr->fr[0] = (struct frame){ pc->steps, pc->nsteps, 0 };
	cr->vals = xcalloc(pc->nvars, sizeof(*cr->vals));
	cr->valset = xcalloc(pc->nvars, sizeof(*cr->valset));
	/* A "closed" service is a port without listener: no TCB (3.10.7.1).
	 * A client target starts CLOSED too; its SYN makes it SYN-SENT
	 * (3.10.1), and we are then the passive side. */
	tcpsm_init(&cr->m, cr->client || (svc != NULL &&
	    strcmp(svc->name, "closed") == 0) ? TCPSM_CLOSED : TCPSM_LISTEN);
	tcpsm_init(&cr->me, cr->client ? TCPSM_LISTEN : TCPSM_CLOSED);
	in->running++;
	if (pc->exclusive)
		in->exclusive = 1;
	prog_case_start(in->prog, (size_t)(cr - in->runs), pc->id);
	if (listen && !in->cfg->app_unchecked && cr_app_listen(cr) != 0)
		return;
	if (cr_settings(cr) != 0)
		return;		/* ended, or waits for a pin (case_go) */
	cr_go(cr);
}

/* The loop came round after a case started: settle starts the next. */
static void
start_next_cb(uint64_t id, void *arg)
{
	struct interp *in = arg;

	(void)id;
	in->start_timer = 0;
}

/*
 * Start cases up to -j, in run order; a case marked exclusive runs alone.
 * One that started running ends the call: the next starts once the loop
 * has come round (a timer due at once), so the frames captured meanwhile
 * are answered first.  Started all in one go, 32 cases kept the loop
 * from the capture for 30-130 ms, and a target's RTT sample, so its RTO,
 * grew by as much (the timer cases then fail).  Cases that end at once
 * (skipped) do not count.
 */
static void
start_cases(struct interp *in)
{
	while (!in->aborted && in->next_start < in->nruns &&
	    in->running < in->cfg->jobs && !in->exclusive &&
	    in->start_timer == 0) {
		struct case_run *cr = &in->runs[in->order[in->next_start]];

		if (cr->pc->exclusive && in->running > 0)
			break;
		in->next_start++;
		case_start(in, cr);
		if (cr->status == CR_RUNNING && in->next_start < in->nruns) {
			in->start_timer = ev_add_timer(in->loop, 0,
			    start_next_cb, in);
			if (in->start_timer == 0)
				fatalx("out of memory");
			break;
		}
	}
}

