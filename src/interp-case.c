/*
 * interp-case.c - the life of a case: it starts (its port, its model,
 * its settings), runs its steps in order through their units' operations
 * (interp-int.h, step-*.c), waits on the loop's timers, ends with a
 * verdict, and is reported in plan order.
 *
 * Each case owns one source port, one reference model (tcpsm) and a small
 * stack of step lists (any_of branches push one).  Steps that send run at
 * once; steps that wait arm a timer and return to the loop.  Captured
 * segments are demultiplexed by our port to the case that owns them and
 * judged in interp-arrive.c; the work on the target (exec, sysctls) is in
 * interp-target.c.  Segments go out and frames come in through a wire
 * (wire.h); time is the loop's (ev_now).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "match.h"
#include "pcapw.h"
#include "progress.h"
#include "seg.h"
#include "target.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

static void wait_timeout_cb(uint64_t id, void *arg);
static void frame_next(struct case_run *cr);

struct match_ctx
cr_mctx(struct case_run *cr)
{
	struct match_ctx c = {
		.m = &cr->m,
		.us = &cr->me,
		.our_isn = cr->our_isn,
		.pc = cr->pc,
		.vals = cr->vals,
		.valset = cr->valset,
		.have_our_tsval = cr->have_our_tsval,
		.our_tsval = cr->our_tsval,
	};

	return c;
}

/* ---- structured results ------------------------------------------------ */

/* A step starts running: log it. */
static void
step_log(struct case_run *cr, const struct plan_step *st)
{
	struct rep_step *e;

	cr->steplog = xreallocarray(cr->steplog, cr->nsteplog + 1,
	    sizeof(*cr->steplog));
	e = &cr->steplog[cr->nsteplog++];
	memset(e, 0, sizeof(*e));
	e->pos = &st->pos;
	e->kind = plan_step_names[st->kind];
}

void
cr_event(struct case_run *cr, enum rep_event_kind kind, const char *key,
    const char *value, long n, long expected)
{
	struct rep_event *e;

	cr->events = xreallocarray(cr->events, cr->nevents + 1,
	    sizeof(*cr->events));
	e = &cr->events[cr->nevents++];
	e->kind = kind;
	e->key = key != NULL ? xstrdup(key) : NULL;
	e->value = value != NULL ? xstrdup(value) : NULL;
	e->n = n;
	e->expected = expected;
}

bool
cr_has_event(const struct case_run *cr, enum rep_event_kind kind)
{
	size_t i;

	for (i = 0; i < cr->nevents; i++)
		if (cr->events[i].kind == kind)
			return true;
	return false;
}

/* Packet pkt belongs to steplog entry i (it sent or matched it). */
void
cr_step_pkt(struct case_run *cr, size_t i, unsigned pkt)
{
	struct rep_step *e;

	if (i >= cr->nsteplog || pkt == 0 || pkt > PKTMAX)
		return;
	e = &cr->steplog[i];
	if (e->npkts < REP_STEP_PKTS)
		e->pkts[e->npkts++] = pkt;
}

/* The segment being judged matched the current step. */
void
cr_matched(struct case_run *cr)
{
	if (cr->nsteplog > 0)
		cr_step_pkt(cr, cr->nsteplog - 1, cr->cur_pkt);
}

/* Count a captured packet of the case and write it to its pcap. */
unsigned
cr_packet(struct case_run *cr, const uint8_t *pkt, size_t caplen,
    size_t len, uint64_t ts)
{
	pcapw_write(cr->pcap, pkt, caplen, len, ts);
	return ++cr->npkt;
}

/* ---- trace ------------------------------------------------------------ */

/*
 * Print s like tcpdump -S off: seq relative to its sender's ISN and ack to
 * the receiver's, once that side's SYN was seen, absolute before (a case
 * that never opens a connection).  A SYN carries the ISN the model has
 * not learnt yet.
 */
static void
format_seg(const struct case_run *cr, const struct seg *s, int ours,
    char *buf, size_t len)
{
	const struct tcpsm *from = ours ? &cr->me : &cr->m;
	const struct tcpsm *to = ours ? &cr->m : &cr->me;

	seg_format(s, from->have_iss ? from->iss :
	    (s->flags & SEG_SYN) ? s->seq : 0, to->have_iss ? to->iss : 0,
	    buf, len);
}

void
cr_trace_seg(struct case_run *cr, const struct seg *s, int ours, uint64_t ts)
{
	char line[512];

	format_seg(cr, s, ours, line, sizeof(line));
	if (ts != 0 && cr->t_first_cap != 0)
		buf_printf(&cr->trace, "%+10.6f %s %s\n",
		    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ",
		    line);
	else
		buf_printf(&cr->trace, "%10s %s %s\n", "", ours ? "out" : "in ",
		    line);
}

/* A captured packet of the case that did not decode, with the reason. */
void
cr_trace_bad(struct case_run *cr, int ours, const char *what, const char *why,
    uint64_t ts)
{
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	buf_printf(&cr->trace, "%+10.6f %s %s segment: %s\n",
	    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ", what,
	    why);
}

void
cr_describe(const struct case_run *cr, const struct seg *s, char *buf,
    size_t len)
{
	format_seg(cr, s, 0, buf, len);
}

/* ---- steps ------------------------------------------------------------ */

static int
profile_ok(const struct case_run *cr, const struct plan_step *st)
{
	return plan_step_runs(st, cr->in->cfg->profile);
}

/* The step to run now, or NULL when every step is done. */
const struct plan_step *
cr_step(const struct case_run *cr)
{
	const struct frame *f = &cr->fr[cr->depth];

	return f->i < f->n ? &f->steps[f->i] : NULL;
}

const struct step_ops *
cr_ops(const struct case_run *cr)
{
	return cr->in->steps[cr_step(cr)->kind];
}

/* Move past the current step, leaving finished any_of branches. */
static void
frame_next(struct case_run *cr)
{
	cr->fr[cr->depth].i++;
	while (cr->depth > 0 && cr->fr[cr->depth].i >= cr->fr[cr->depth].n) {
		cr->depth--;
		cr->fr[cr->depth].i++;
	}
}

static const struct plan_pos *
cur_pos(const struct case_run *cr)
{
	const struct plan_step *st = cr_step(cr);

	return st != NULL ? &st->pos : &cr->pc->pos;
}

/* ---- case life cycle ---------------------------------------------------- */

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
void
interp_report_ready(struct interp *in)
{
	while (in->next_report < in->nruns &&
	    in->runs[in->next_report].status == CR_DONE &&
	    !interp_report_held(in, &in->runs[in->next_report])) {
		struct case_run *cr = &in->runs[in->next_report++];
		struct rep_result res = {
			.pc = cr->pc,
			.verdict = cr->verdict,
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

void
cr_del_timer(struct case_run *cr, uint64_t *id)
{
	if (*id != 0)
		ev_del_timer(cr->in->loop, *id);
	*id = 0;
	if (id == &cr->timer)
		prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs), 0);
}

void
cr_end(struct case_run *cr, enum rep_verdict v, char *msg)
{
	struct interp *in = cr->in;
	char err[256];

	if (cr->status == CR_DONE) {
		free(msg);
		return;
	}
	cr_del_timer(cr, &cr->timer);
	cr_del_timer(cr, &cr->case_timer);
	cr_del_timer(cr, &cr->step_timer);
	cr->wait = CR_WAIT_NONE;
	cr->status = CR_DONE;
	cr->t_end = cr->t_start != 0 ? ev_now(in->loop) : 0;
	cr->verdict = v;
	cr->msg = msg;
	prog_case_end(in->prog, (size_t)(cr - in->runs), v == REP_FAIL);
	cr_q_clear(cr);
	cr_jobs_kill(cr);
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
	interp_report_ready(in);
	if (!in->aborted)
		interp_start_cases(in);
	interp_maybe_stop(in);
}

/* Every case ended and was reported (or the run ends early): stop. */
void
interp_maybe_stop(struct interp *in)
{
	if (in->running == 0 && in->next_start == in->nruns &&
	    (in->next_report == in->nruns || in->h.dead))
		ev_stop(in->loop);
}

void
cr_fail(struct case_run *cr, const char *fmt, ...)
{
	const struct plan_pos *pos = cur_pos(cr);
	va_list ap;
	char *body, *msg;
	uint64_t drops;

	if (cr->status != CR_RUNNING)
		return;
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	drops = wire_drops(cr->in->wire) - cr->drops0;
	if (drops == 0)
		msg = xasprintf("%s:%d:%d: %s", pos->file, pos->line, pos->col,
		    body);
	else
		msg = xasprintf("%s:%d:%d: %s\n  capture: the kernel dropped "
		    "%ju packets while the case ran, so a segment may have "
		    "been lost to us, not by the target", pos->file, pos->line,
		    pos->col, body, (uintmax_t)drops);
	free(body);
	cr_end(cr, REP_FAIL, msg);
}

static void
case_skip(struct case_run *cr, char *why)
{
	cr->status = CR_RUNNING;
	cr_end(cr, REP_SKIP, why);
}

/* ---- waiting ---------------------------------------------------------- */

static void
arm(struct case_run *cr, enum cr_wait w, uint64_t ns, const char *what,
    unsigned flags)
{
	cr->wait = w;
	cr->wait_flags = flags;
	cr->wait_what = what;
	cr->wait_ns = ns;
	cr->wait_due = ev_now(cr->in->loop) + ns;
	cr->wait_due_cap = wire_cap_now(cr->in->wire) + ns;
	cr_del_timer(cr, &cr->timer);
	cr->timer = ev_add_timer(cr->in->loop, ns, wait_timeout_cb, cr);
	if (cr->timer == 0)
		fatalx("out of memory");
	prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs),
	    ev_now(cr->in->loop) + ns);
}

void
cr_arm(struct case_run *cr, uint64_t ns, const char *what, unsigned flags)
{
	arm(cr, CR_WAIT_STEP, ns, what, flags);
}

void
cr_arm_wait(struct case_run *cr, enum cr_wait w, uint64_t ns,
    const char *what)
{
	arm(cr, w, ns, what, 0);
}

void
cr_wait_end(struct case_run *cr)
{
	cr_del_timer(cr, &cr->timer);
	cr_del_timer(cr, &cr->step_timer);
	cr->wait = CR_WAIT_NONE;
}

void
cr_done(struct case_run *cr)
{
	cr_wait_end(cr);
	cr_next(cr);
}

void
cr_next(struct case_run *cr)
{
	frame_next(cr);
	cr_advance(cr);
}

int
cr_push_branch(struct case_run *cr, const struct plan_step *steps, size_t n)
{
	if (cr->depth + 1 >= MAX_DEPTH) {
		cr_fail(cr, "any_of nested too deeply");
		return -1;
	}
	cr->fr[++cr->depth] = (struct frame){ steps, n, 0 };
	return 0;
}

static void
step_timer_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	void (*cb)(struct case_run *) = cr->step_timer_fn;

	(void)id;
	cr->step_timer = 0;
	if (cr->status == CR_RUNNING && cr->wait == CR_WAIT_STEP)
		cb(cr);
}

void
cr_step_timer(struct case_run *cr, uint64_t ns, void (*cb)(struct case_run *))
{
	cr_del_timer(cr, &cr->step_timer);
	cr->step_timer_fn = cb;
	cr->step_timer = ev_add_timer(cr->in->loop, ns, step_timer_cb, cr);
}

void
cr_model_note(const struct case_run *cr, char *buf, size_t len)
{
	tcpsm_note(&cr->m, &cr->me, cr->state_before,
	    cr->m.have_our ? &cr->last_sent : NULL, buf, len);
}

/* ---- timers ------------------------------------------------------------- */

uint64_t
interp_stall(uint64_t due, uint64_t now)
{
	return now > due && now - due > INTERP_STALL_NS ? now - due : 0;
}

/*
 * The tester handled the end of the current wait late (interp_stall):
 * whatever the wait was to show, we did not watch or answer the target on
 * time, so the target is not judged.  The case fails with a message that
 * blames the tester, and the run ends with an environment error (exit 3),
 * as when the capture fails: a CI must count it neither as the target's
 * nonconformance nor as a pass.
 */
static void
tester_stalled(struct case_run *cr, uint64_t late)
{
	struct interp *in = cr->in;
	char d1[32], d2[32];

	tc_fmt_duration(late, d1, sizeof(d1));
	in->env_error = 1;
	tc_errf(in->errbuf, sizeof(in->errbuf), "the tester stalled (%s "
	    "late in case %s): a stopped or overloaded tester cannot judge "
	    "a target", d1, cr->pc->id);
	cr_fail(cr, "tester stalled: the end of this step's %s of %s was "
	    "handled %s late (the tester was stopped or overloaded); cannot "
	    "judge the target", cr->wait_what,
	    tc_fmt_duration(cr->wait_ns, d2, sizeof(d2)), d1);
}

static void
wait_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;

	(void)id;
	cr->timer = 0;
	prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs), 0);
	cr_expire(cr);
}

/*
 * The current wait is over: from its timer, or from interp-arrive.c when
 * a segment captured after the deadline comes in before the timer fired
 * (the capture is read first after a stall).
 */
void
cr_expire(struct case_run *cr)
{
	uint64_t late;

	cr_del_timer(cr, &cr->timer);
	if (cr->status != CR_RUNNING)
		return;
	if (cr->wait != CR_WAIT_NONE &&
	    (late = interp_stall(cr->wait_due, ev_now(cr->in->loop))) != 0) {
		tester_stalled(cr, late);
		return;
	}
	switch (cr->wait) {
	case CR_WAIT_NONE:
		return;
	case CR_WAIT_DRAIN:
		cr_end(cr, REP_PASS, NULL);
		return;
	case CR_WAIT_PIN:
		cr->wait = CR_WAIT_NONE;
		cr_pin_retry(cr);
		return;
	case CR_WAIT_STEP:
		cr_ops(cr)->on_timeout(cr, cr_step(cr));
		return;
	}
}

static void
case_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	char d[32];

	(void)id;
	cr->case_timer = 0;
	if (cr->status == CR_RUNNING && cr->wait != CR_WAIT_NONE &&
	    interp_stall(cr->wait_due, ev_now(cr->in->loop)) != 0) {
		cr_expire(cr);	/* reports the stall */
		return;
	}
	cr_fail(cr, "case timed out after %s", tc_fmt_duration(
	    cr->pc->timeout_ns ? cr->pc->timeout_ns :
	    cr->in->cfg->default_timeout_ns, d, sizeof(d)));
}

/* Every step passed; wait briefly for our last segment's capture copy so
 * the trace is complete. */
static void
case_pass(struct case_run *cr)
{
	if (cr->t_sent_cap != 0 || !cr->m.have_our) {
		cr_end(cr, REP_PASS, NULL);
		return;
	}
	cr_arm_wait(cr, CR_WAIT_DRAIN, DRAIN_NS, "final capture");
}

/* Run steps until one has to wait or the case ends. */
void
cr_advance(struct case_run *cr)
{
	const struct plan_step *st;

	while (cr->status == CR_RUNNING && cr->wait == CR_WAIT_NONE) {
		if ((st = cr_step(cr)) == NULL) {
			case_pass(cr);
			return;
		}
		if (!profile_ok(cr, st)) {
			frame_next(cr);
			continue;
		}
		step_log(cr, st);
		switch (cr_ops(cr)->start(cr, st)) {
		case STEP_ENDED:
			return;
		case STEP_NEXT:
			frame_next(cr);
			break;
		case STEP_WAIT:
			break;
		}
		cr_q_deliver(cr);
	}
}

static void
case_start(struct interp *in, struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	const struct interp_service *svc;

	/* "client": the target connects to our port, no -p entry. */
	cr->client = strcmp(pc->service, "client") == 0;
	svc = cr->client ? NULL : find_service(in->cfg, pc->service);
	if (svc == NULL && !cr->client) {
		case_skip(cr, xasprintf("service '%s' not given to -p",
		    pc->service));
		return;
	}
	if (pc->req_ipv6 && in->cfg->af != AF_INET6) {
		case_skip(cr, xstrdup("an IPv6 case (run with an IPv6 "
		    "target, -6)"));
		return;
	}
	if (pc->req_ipv4 && in->cfg->af != AF_INET) {
		case_skip(cr, xstrdup("an IPv4-only case"));
		return;
	}
	if (pc->req_root && geteuid() != 0) {
		case_skip(cr, xstrdup("requires root"));
		return;
	}
	if (in->cfg->target == NULL && (pc->nsysctl > 0 ||
	    pc->nreq_sysctl > 0 || plan_find_exec(pc->steps, pc->nsteps) != NULL)) {
		case_skip(cr, xstrdup("needs a target hook (--target-exec) "
		    "to run commands on the target"));
		return;
	}
	if (in->cfg->pcap_dir != NULL) {
		char err[256];

		cr->pcap = pcapw_open(in->cfg->pcap_dir, pc->id,
		    wire_datalink(in->wire), err, sizeof(err));
		if (cr->pcap == NULL) {
			in->env_error = 1;
			tc_errf(in->errbuf, sizeof(in->errbuf), "--pcap: %s",
			    err);
			case_skip(cr, xasprintf("cannot write its pcap: %s",
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
	tcpsm_init(&cr->m, cr->client || strcmp(svc->name, "closed") == 0 ?
	    TCPSM_CLOSED : TCPSM_LISTEN);
	tcpsm_init(&cr->me, cr->client ? TCPSM_LISTEN : TCPSM_CLOSED);
	in->running++;
	if (pc->exclusive)
		in->exclusive = 1;
	prog_case_start(in->prog, (size_t)(cr - in->runs), pc->id);
	if (cr_settings(cr) != 0)
		return;		/* ended, or waits for a pin (case_go) */
	cr_go(cr);
}

/* The case's sysctls are set: its timeout starts, and its first step. */
void
cr_go(struct case_run *cr)
{
	struct interp *in = cr->in;
	const struct plan_case *pc = cr->pc;

	cr->case_timer = ev_add_timer(in->loop, pc->timeout_ns ?
	    pc->timeout_ns : in->cfg->default_timeout_ns, case_timeout_cb, cr);
	cr_advance(cr);
}

/* Start cases up to -j, in run order; a case marked exclusive runs alone. */
void
interp_start_cases(struct interp *in)
{
	while (!in->aborted && in->next_start < in->nruns &&
	    in->running < in->cfg->jobs && !in->exclusive) {
		struct case_run *cr = &in->runs[in->order[in->next_start]];

		if (cr->pc->exclusive && in->running > 0)
			break;
		in->next_start++;
		case_start(in, cr);
	}
}

void
interp_abort(struct interp *in, const char *why)
{
	size_t i, last;

	if (in->aborted)
		return;
	in->aborted = 1;
	for (i = 0; i < in->nruns; i++)
		if (in->runs[i].status == CR_RUNNING)
			cr_fail(&in->runs[i], "interrupted: %s", why);
	/* Cases start out of plan order: one never started would hold back
	 * the report of a later one that ran.  Report those as not run; the
	 * ones after the last case that ran stay unreported, as before. */
	for (last = in->nruns; last > 0; last--)
		if (in->runs[last - 1].status == CR_DONE)
			break;
	for (i = 0; i + 1 < last; i++)
		if (in->runs[i].status == CR_PENDING)
			case_skip(&in->runs[i],
			    xstrdup("not run: the run ended early"));
	interp_report_ready(in);	/* those a health check held back */
	ev_stop(in->loop);
}

