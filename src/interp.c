/*
 * interp.c - executes the steps of each case against the target.
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

/* A random value of kind what for the case (the wire's, see wire.h). */
static uint32_t
case_random32(struct case_run *cr, enum wire_rand what)
{
	return wire_random32(cr->in->wire, what, cr->sport);
}

struct match_ctx
mctx(struct case_run *cr)
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

/* Packet pkt belongs to steplog entry i (it sent or matched it). */
void
step_pkt(struct case_run *cr, size_t i, unsigned pkt)
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
step_matched(struct case_run *cr)
{
	if (cr->nsteplog > 0)
		step_pkt(cr, cr->nsteplog - 1, cr->cur_pkt);
}

/* Count a captured packet of the case and write it to its pcap. */
unsigned
case_packet(struct case_run *cr, const uint8_t *pkt, size_t caplen,
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
trace_seg(struct case_run *cr, const struct seg *s, int ours, uint64_t ts)
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
trace_bad(struct case_run *cr, int ours, const char *what, const char *why,
    uint64_t ts)
{
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	buf_printf(&cr->trace, "%+10.6f %s %s segment: %s\n",
	    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ", what,
	    why);
}

void
describe(const struct case_run *cr, const struct seg *s, char *buf,
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
cur_step(const struct case_run *cr)
{
	const struct frame *f = &cr->fr[cr->depth];

	return f->i < f->n ? &f->steps[f->i] : NULL;
}

/* Move past the current step, leaving finished any_of branches. */
void
step_done(struct case_run *cr)
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
	const struct plan_step *st = cur_step(cr);

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
report_ready(struct interp *in)
{
	while (in->next_report < in->nruns &&
	    in->runs[in->next_report].status == CR_DONE &&
	    !report_held(in, &in->runs[in->next_report])) {
		struct case_run *cr = &in->runs[in->next_report++];
		struct rep_result res = {
			.pc = cr->pc,
			.verdict = cr->verdict,
			.dur_ns = cr->t_end - cr->t_start,
			.start_ns = cr->t_start > in->t_run0 ?
			    cr->t_start - in->t_run0 : 0,
			.msg = cr->msg,
			.trace = buf_text(&cr->trace),
			.notes = buf_text(&cr->notes),
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

/*
 * Leave the target clean: a connection the case left synchronized gets an
 * RST at RCV.NXT, so the next case does not share a target full of
 * half-dead connections.  Traced, so the user sees it.
 */
static void
case_cleanup(struct case_run *cr)
{
	struct interp *in = cr->in;
	struct seg s;
	char err[256];
	uint16_t flags = SEG_RST;
	uint32_t seq = cr->m.our_nxt, ack = 0;

	if (cr->dport == 0)
		return;		/* a client case whose SYN never came */
	switch (cr->m.state) {
	case TCPSM_SYN_SENT:
		/* A client case: refuse the target's connect (RFC 9293
		 * 3.10.7.3 second), so that it stops sending SYNs. */
		if (!cr->m.have_iss)
			return;
		flags = SEG_RST | SEG_ACK;
		seq = 0;
		ack = cr->m.iss + 1;
		break;
	case TCPSM_SYN_RECEIVED:
	case TCPSM_ESTABLISHED:
	case TCPSM_FIN_WAIT_1:
	case TCPSM_FIN_WAIT_2:
	case TCPSM_CLOSE_WAIT:
	case TCPSM_CLOSING:
	case TCPSM_LAST_ACK:
		break;
	default:
		return;
	}
	seg_init(&s);
	s.af = in->cfg->af;
	s.src = in->cfg->src;
	s.dst = in->cfg->dst;
	s.sport = cr->sport;
	s.dport = cr->dport;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	if (wire_send(in->wire, &s, err, sizeof(err)) == 0)
		buf_printf(&cr->trace, "%10s out %s\n", "(cleanup)",
		    "RST to abort the connection the case left open");
}

void
del_timer(struct case_run *cr, uint64_t *id)
{
	if (*id != 0)
		ev_del_timer(cr->in->loop, *id);
	*id = 0;
	if (id == &cr->timer)
		prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs), 0);
}

void
case_end(struct case_run *cr, enum rep_verdict v, char *msg)
{
	struct interp *in = cr->in;
	char err[256];

	if (cr->status == CR_DONE) {
		free(msg);
		return;
	}
	del_timer(cr, &cr->timer);
	del_timer(cr, &cr->case_timer);
	del_timer(cr, &cr->probe_timer);
	cr->wait = W_NONE;
	cr->status = CR_DONE;
	cr->t_end = cr->t_start != 0 ? ev_now(in->loop) : 0;
	cr->verdict = v;
	cr->msg = msg;
	prog_case_end(in->prog, (size_t)(cr - in->runs), v == REP_FAIL);
	q_clear(cr);
	exec_reap(cr);
	if (pcapw_close(cr->pcap, err, sizeof(err)) != 0) {
		/* A capture that cannot be written: the run's environment. */
		in->env_error = 1;
		tc_errf(in->errbuf, sizeof(in->errbuf), "--pcap: %s", err);
	}
	if (cr->t_start != 0) {
		case_cleanup(cr);
		sysctl_restore(cr);
		in->running--;
		if (cr->pc->exclusive)
			in->exclusive = 0;
	}
	/* Was the target alive for this verdict?  (A dead target passes
	 * every case that expects silence.) */
	if (cr->t_start != 0)
		health_check(in);
	report_ready(in);
	if (!in->aborted)
		start_cases(in);
	maybe_stop(in);
}

/* Every case ended and was reported (or the run ends early): stop. */
void
maybe_stop(struct interp *in)
{
	if (in->running == 0 && in->next_start == in->nruns &&
	    (in->next_report == in->nruns || in->h.dead))
		ev_stop(in->loop);
}

void
case_fail(struct case_run *cr, const char *fmt, ...)
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
	case_end(cr, REP_FAIL, msg);
}

static void
case_skip(struct case_run *cr, char *why)
{
	cr->status = CR_RUNNING;
	case_end(cr, REP_SKIP, why);
}

/* ---- sending ---------------------------------------------------------- */

/* Our TSval clock: milliseconds since the case started (RFC 7323 5.4). */
static uint32_t
our_ts_clock(const struct case_run *cr)
{
	return cr->ts_base + (uint32_t)((ev_now(cr->in->loop) - cr->t_start) /
	    NS_PER_MS);
}

/*
 * A number in the target's sequence space, as an ack we send counts it:
 * +N from the target's ISN (0 while it is unknown), or $var; autoval for
 * AUTO.  SACK edges go through here too.  Returns 0, or fails the case.
 */
static int
target_num(struct case_run *cr, const struct plan_num *n, uint32_t autoval,
    uint32_t *out)
{
	struct match_ctx c = mctx(cr);
	char why[256];

	if (match_num(&c, n, cr->m.have_iss ? cr->m.iss : 0, autoval, out,
	    why, sizeof(why)) == 0)
		return 0;
	case_fail(cr, "%s", why);
	return -1;
}

static int
copy_opts(struct case_run *cr, struct seg *s, const struct plan_opts *o)
{
	struct seg_opt *so;
	unsigned i;

	memcpy(s->opts, o->opts, o->nopts * sizeof(o->opts[0]));
	s->nopts = o->nopts;
	for (i = 0; i < s->nopts; i++) {
		if (s->opts[i].kind != SEG_OPT_TS)
			continue;
		if (o->ts_val_auto)
			s->opts[i].u.ts.val = our_ts_clock(cr);
		if (o->ts_ecr_echo)
			s->opts[i].u.ts.ecr = cr->have_peer_tsval ?
			    cr->peer_tsval : 0;
	}
	if (!o->sack_nums || o->sack_opt >= s->nopts)
		return 0;
	so = &s->opts[o->sack_opt];
	for (i = 0; i < so->nsack && i < SEG_MAX_SACK; i++)
		if (target_num(cr, &o->sack[i][0], so->u.sack[i].left,
		    &so->u.sack[i].left) != 0 ||
		    target_num(cr, &o->sack[i][1], so->u.sack[i].right,
		    &so->u.sack[i].right) != 0)
			return -1;
	return 0;
}

/*
 * The MSS a receiver finds in our SYN s, 0 for none: its options as they
 * go on the wire, parsed the way RFC 9293 3.2 lets a receiver (and Linux
 * does): up to the first malformed one.  A case that sends a bad option
 * before the MSS has announced none.
 */
static uint16_t
announced_mss(const struct seg *s)
{
	uint8_t opts[40];
	struct seg d;
	const struct seg_opt *o;
	int n;

	if ((n = seg_opts_encode(s, opts, sizeof(opts))) <= 0)
		return 0;
	seg_init(&d);
	(void)seg_opts_decode(opts, (size_t)n, &d, NULL, 0);
	o = seg_opt_find(&d, SEG_OPT_MSS);
	return o != NULL && o->len == 4 ? o->u.mss : 0;
}

static int
send_seg(struct case_run *cr, struct seg *s)
{
	struct interp *in = cr->in;
	const struct seg_opt *o;
	char err[256];

	if (cr->dport == 0) {
		case_fail(cr, "a client case cannot send before the target's "
		    "SYN has arrived: its port is not known yet");
		return -1;
	}
	s->af = in->cfg->af;
	s->src = in->cfg->src;
	s->dst = in->cfg->dst;
	s->sport = cr->sport;
	s->dport = cr->dport;
	/* Probes and repeats: at most what "send" sends without --flood. */
	if (cr->nsent >= TC_SEND_MAX_COUNT) {
		case_fail(cr, "sent %u segments, the most a case may send",
		    cr->nsent);
		return -1;
	}
	cr->nsent++;
	if (wire_send(in->wire, s, err, sizeof(err)) != 0) {
		in->env_error = 1;
		tc_errf(in->errbuf, sizeof(in->errbuf), "%s", err);
		case_fail(cr, "cannot send: %s", err);
		return -1;
	}
	if ((o = seg_opt_find(s, SEG_OPT_TS)) != NULL && o->len == 10) {
		cr->our_tsval = o->u.ts.val;
		cr->have_our_tsval = true;
	}
	if (s->flags & SEG_SYN)
		cr->our_mss = announced_mss(s);
	cr->state_before = cr->m.state;
	cr->last_sent = *s;
	cr->last_sent.payload = NULL;
	cr->t_sent_mono = ev_now(in->loop);
	cr->t_sent_cap = 0;
	tcpsm_on_send(&cr->m, s);
	tcpsm_on_recv(&cr->me, s);	/* our side sent it */
	/* The current step sent it: its capture copy gets the index. */
	if (cr->pend_len < PENDMAX && cr->nsteplog > 0)
		cr->pend[(cr->pend_head + cr->pend_len++) % PENDMAX] =
		    cr->nsteplog - 1;
	/* Our own copy shows up in the capture and is traced from there,
	 * with its wire timestamp. */
	return 0;
}

static int
build_send(struct case_run *cr, const struct plan_send *ps, struct seg *s)
{
	struct match_ctx c = mctx(cr);
	uint32_t seq, ack;
	char why[256];

	seg_init(s);
	tcpsm_our_numbers(&cr->m, &seq, &ack);
	if (!cr->m.have_our)
		seq = cr->our_isn;
	s->flags = (uint16_t)((ps->flags.set ? ps->flags.value : SEG_ACK) |
	    (uint16_t)(ps->reserved << 8));
	if (match_num(&c, &ps->seq, cr->our_isn, seq, &s->seq, why,
	    sizeof(why)) != 0) {
		case_fail(cr, "%s", why);
		return -1;
	}
	if (target_num(cr, &ps->ack, (s->flags & SEG_ACK) ? ack : 0,
	    &s->ack) != 0)
		return -1;
	s->win = ps->win_set ? ps->win : DEFAULT_WIN;
	if (ps->urg_set)
		s->urp = ps->urg;
	if (copy_opts(cr, s, &ps->opts) != 0)
		return -1;
	s->payload = ps->data;
	s->paylen = ps->datalen;
	s->ipid = ps->ipid_set ? ps->ipid :
	    (uint16_t)case_random32(cr, WIRE_RAND_IPID);
	if (ps->ttl_set)
		s->ttl = ps->ttl;
	if (ps->df_set)
		s->df = ps->df;
	if (ps->tos_set)
		s->tos = ps->tos;
	s->bad_csum = ps->bad_csum;
	s->doff_set = ps->doff_set;
	s->doff = ps->doff;
	return 0;
}

static int
do_send(struct case_run *cr, const struct plan_send *ps)
{
	struct seg s;

	if (build_send(cr, ps, &s) != 0)
		return -1;
	return send_seg(cr, &s);
}

static int
send_syn(struct case_run *cr, const struct plan_connect *pc)
{
	struct seg s;
	struct seg_opt *o;

	seg_init(&s);
	s.flags = SEG_SYN;
	s.seq = cr->our_isn;
	s.win = DEFAULT_WIN;
	s.ipid = (uint16_t)case_random32(cr, WIRE_RAND_IPID);
	if (pc->opts.set) {
		if (copy_opts(cr, &s, &pc->opts) != 0)
			return -1;
	} else if ((o = seg_opt_add(&s, SEG_OPT_MSS)) != NULL) {
		o->len = 4;
		o->u.mss = DEFAULT_MSS;
	}
	return send_seg(cr, &s);
}

/* The ACK that completes connect; it carries TS if our SYN did. */
int
send_ack(struct case_run *cr)
{
	struct plan_send ps;
	struct seg_opt *o;

	memset(&ps, 0, sizeof(ps));
	ps.seq.var = ps.ack.var = -1;
	if (cr->have_our_tsval && cr->have_peer_tsval) {
		o = &ps.opts.opts[ps.opts.nopts++];
		o->kind = SEG_OPT_TS;
		o->len = 10;
		ps.opts.set = ps.opts.ts_val_auto = ps.opts.ts_ecr_echo = true;
	}
	return do_send(cr, &ps);
}

/* ---- waiting ---------------------------------------------------------- */

void
arm_wait(struct case_run *cr, enum cr_wait w, uint64_t ns)
{
	cr->wait = w;
	cr->wait_ns = ns;
	cr->wait_due = ev_now(cr->in->loop) + ns;
	cr->wait_due_cap = wire_cap_now(cr->in->wire) + ns;
	del_timer(cr, &cr->timer);
	cr->timer = ev_add_timer(cr->in->loop, ns, wait_timeout_cb, cr);
	if (cr->timer == 0)
		fatalx("out of memory");
	prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs),
	    ev_now(cr->in->loop) + ns);
}

/* End the wait of the current step and go on with the next one. */
void
wait_done(struct case_run *cr)
{
	del_timer(cr, &cr->timer);
	del_timer(cr, &cr->probe_timer);
	cr->wait = W_NONE;
	step_done(cr);
	step_advance(cr);
}

static uint64_t
expect_within(const struct case_run *cr, const struct plan_expect *ex)
{
	return ex->within_ns ? ex->within_ns : cr->in->cfg->default_within_ns;
}

/* What the model expected after our last segment (tcpsm_note). */
void
model_note(const struct case_run *cr, char *buf, size_t len)
{
	tcpsm_note(&cr->m, &cr->me, cr->state_before,
	    cr->m.have_our ? &cr->last_sent : NULL, buf, len);
}

/* ---- timers, probes, commands ------------------------------------------ */

uint64_t
interp_stall(uint64_t due, uint64_t now)
{
	return now > due && now - due > INTERP_STALL_NS ? now - due : 0;
}

/* What a wait is, for the stall message. */
static const char *const wait_names[] = {
	[W_NONE] = "step",
	[W_EXPECT] = "wait for a reply",
	[W_SILENCE] = "silence",
	[W_WAIT] = "wait",
	[W_RETRANS] = "wait for a retransmission",
	[W_MEASURE] = "measurement",
	[W_EXEC] = "command",
	[W_DRAIN] = "final capture",
};

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
	case_fail(cr, "tester stalled: the end of this step's %s of %s was "
	    "handled %s late (the tester was stopped or overloaded); cannot "
	    "judge the target", wait_names[cr->wait],
	    tc_fmt_duration(cr->wait_ns, d2, sizeof(d2)), d1);
}

static void
wait_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;

	(void)id;
	cr->timer = 0;
	prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs), 0);
	wait_expire(cr);
}

/*
 * The current wait is over: from its timer, or from interp-arrive.c when
 * a segment captured after the deadline comes in before the timer fired
 * (the capture is read first after a stall).
 */
void
wait_expire(struct case_run *cr)
{
	const struct plan_step *st = cur_step(cr);
	char d1[32], d2[32], d3[32], note[512], orig[512];
	uint64_t late;

	del_timer(cr, &cr->timer);
	if (cr->status != CR_RUNNING)
		return;
	if (cr->wait != W_NONE &&
	    (late = interp_stall(cr->wait_due, ev_now(cr->in->loop))) != 0) {
		tester_stalled(cr, late);
		return;
	}
	switch (cr->wait) {
	case W_NONE:
		return;
	case W_SILENCE:
	case W_WAIT:
		wait_done(cr);
		return;
	case W_DRAIN:
		case_end(cr, REP_PASS, NULL);
		return;
	case W_PIN:
		cr->wait = W_NONE;
		pin_retry(cr);
		return;
	case W_EXPECT:
		model_note(cr, note, sizeof(note));
		case_fail(cr, "nothing %sarrived within %s\n  model: %s",
		    st->kind == PLAN_ANY_OF ? "any alternative expects " : "",
		    tc_fmt_duration(cr->wait_ns, d1, sizeof(d1)), note);
		return;
	case W_RETRANS: {
		const struct plan_retransmits *r = &st->u.retransmits;
		uint64_t want = rtx_want(cr, r);

		describe(cr, &cr->rtx_orig, orig, sizeof(orig));
		case_fail(cr, "retransmission %u of [%s] did not come within "
		    "%s of the previous copy (expected after %s +/- %s)",
		    cr->rtx_n + 1, orig,
		    tc_fmt_duration(cr->wait_ns, d1, sizeof(d1)),
		    tc_fmt_duration(want, d2, sizeof(d2)),
		    tc_fmt_duration(plan_rtx_tol(r, want), d3, sizeof(d3)));
		return;
	}
	case W_MEASURE:
		case_fail(cr, "measure %s: nothing matched within %s",
		    st->u.measure.name,
		    tc_fmt_duration(cr->wait_ns, d2, sizeof(d2)));
		return;
	case W_EXEC:
		case_fail(cr, "exec '%s' did not finish within %s",
		    st->u.exec.cmd, tc_fmt_duration(cr->wait_ns, d1,
		    sizeof(d1)));
		return;
	}
}

static void
probe_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	const struct plan_step *st = cur_step(cr);

	(void)id;
	cr->probe_timer = 0;
	if (cr->status != CR_RUNNING || cr->wait != W_MEASURE)
		return;
	if (do_send(cr, &st->u.measure.probe) != 0)
		return;
	cr->probe_timer = ev_add_timer(cr->in->loop, st->u.measure.every_ns,
	    probe_cb, cr);
}

static void
case_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	char d[32];

	(void)id;
	cr->case_timer = 0;
	if (cr->status == CR_RUNNING && cr->wait != W_NONE &&
	    interp_stall(cr->wait_due, ev_now(cr->in->loop)) != 0) {
		wait_expire(cr);	/* reports the stall */
		return;
	}
	case_fail(cr, "case timed out after %s", tc_fmt_duration(
	    cr->pc->timeout_ns ? cr->pc->timeout_ns :
	    cr->in->cfg->default_timeout_ns, d, sizeof(d)));
}

static uint64_t
any_of_within(const struct case_run *cr, const struct plan_any_of *a)
{
	uint64_t w, max = 0;
	size_t i;

	for (i = 0; i < a->nalts; i++) {
		w = expect_within(cr, &a->alts[i].steps[0].u.expect);
		if (w > max)
			max = w;
	}
	return max;
}

/* Every step passed; wait briefly for our last segment's capture copy so
 * the trace is complete. */
static void
case_pass(struct case_run *cr)
{
	if (cr->t_sent_cap != 0 || !cr->m.have_our) {
		case_end(cr, REP_PASS, NULL);
		return;
	}
	arm_wait(cr, W_DRAIN, DRAIN_NS);
}

/* Run steps until one has to wait or the case ends. */
void
step_advance(struct case_run *cr)
{
	const struct interp_cfg *cfg = cr->in->cfg;
	const struct plan_step *st;
	char line[512];

	while (cr->status == CR_RUNNING && cr->wait == W_NONE) {
		if ((st = cur_step(cr)) == NULL) {
			case_pass(cr);
			return;
		}
		if (!profile_ok(cr, st)) {
			step_done(cr);
			continue;
		}
		step_log(cr, st);
		switch (st->kind) {
		case PLAN_CONNECT:
			if (send_syn(cr, &st->u.connect) != 0)
				return;
			arm_wait(cr, W_EXPECT, st->u.connect.within_ns ?
			    st->u.connect.within_ns : cfg->default_within_ns);
			break;
		case PLAN_SEND:
			if (do_send(cr, &st->u.send) != 0)
				return;
			step_done(cr);
			break;
		case PLAN_EXPECT:
			arm_wait(cr, W_EXPECT, expect_within(cr,
			    &st->u.expect));
			break;
		case PLAN_ANY_OF:
			arm_wait(cr, W_EXPECT, any_of_within(cr,
			    &st->u.any_of));
			break;
		case PLAN_SILENCE:
			while (cr->qlen > 0 &&
			    silence_allows(cr, st, &cr->q[cr->qhead].s))
				q_pop(cr);
			if (cr->qlen > 0) {
				describe(cr, &cr->q[cr->qhead].s, line,
				    sizeof(line));
				case_fail(cr, "expected silence, but [%s] "
				    "arrived before it began and no step "
				    "expected it", line);
				return;
			}
			arm_wait(cr, W_SILENCE, st->u.silence_ns);
			break;
		case PLAN_WAIT:
			arm_wait(cr, W_WAIT, st->u.wait_ns);
			break;
		case PLAN_STATE:
			if (cr->m.state != (enum tcpsm_state)st->u.state) {
				case_fail(cr, "the case says the target is in "
				    "%s, the model has it in %s",
				    tcpsm_state_name(st->u.state),
				    tcpsm_state_name(cr->m.state));
				return;
			}
			step_done(cr);
			break;
		case PLAN_RETRANSMITS: {
			const struct plan_retransmits *r =
			    &st->u.retransmits;
			uint64_t tol = plan_rtx_tol(r, r->schedule[0]);

			if (!cr->have_match) {
				case_fail(cr, "retransmits: no segment from "
				    "the target was matched before");
				return;
			}
			cr->rtx_n = 0;
			arm_wait(cr, W_RETRANS, r->schedule[0] + tol +
			    50 * NS_PER_MS);
			break;
		}
		case PLAN_MEASURE:
			/* From our last segment on the wire.  If its copy
			 * is not captured yet, 0: the capture sets it. */
			if (cr->t_sent_cap != 0)
				cr->meas_t0 = cr->t_sent_cap;
			else if (!cr->m.have_our)
				/* sent nothing */
				cr->meas_t0 = wire_cap_now(cr->in->wire);
			else
				cr->meas_t0 = 0;
			arm_wait(cr, W_MEASURE, st->u.measure.max_ns);
			if (st->u.measure.probe_set)
				cr->probe_timer = ev_add_timer(cr->in->loop,
				    st->u.measure.every_ns, probe_cb, cr);
			break;
		case PLAN_EXEC:
			if (start_exec(cr, &st->u.exec) != 0)
				return;
			if (st->u.exec.background)
				step_done(cr);
			break;
		case PLAN_STEP_MAX:
			fatalx("bad step kind");
		}
		q_deliver(cr);
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
	cr->our_isn = case_random32(cr, WIRE_RAND_ISN);
	cr->ts_base = case_random32(cr, WIRE_RAND_TSBASE);
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
	if (case_sysctls(cr) != 0)
		return;		/* ended, or waits for a pin (case_go) */
	case_go(cr);
}

/* The case's sysctls are set: its timeout starts, and its first step. */
void
case_go(struct case_run *cr)
{
	struct interp *in = cr->in;
	const struct plan_case *pc = cr->pc;

	cr->case_timer = ev_add_timer(in->loop, pc->timeout_ns ?
	    pc->timeout_ns : in->cfg->default_timeout_ns, case_timeout_cb, cr);
	step_advance(cr);
}

/* Start cases up to -j, in run order; a case marked exclusive runs alone. */
void
start_cases(struct interp *in)
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

/* ---- public ----------------------------------------------------------- */

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
		plan_duration(&p->cases[i], profile, PLAN_DEFAULT_WITHIN_NS, &k[i].typ,
		    &k[i].max);
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
	health_begin(arg);
}

int
interp_run(struct interp *in, char *errbuf, size_t errlen)
{
	if (in->nruns == 0)
		return 0;
	if (wire_start(in->wire, in->loop, frame_cb, capture_error_cb, in,
	    errbuf, errlen) != 0)
		return -1;
	req_read(in);
	in->t_run0 = ev_now(in->loop);
	/* The first case starts once the target has answered. */
	if (ev_add_timer(in->loop, 0, health_begin_cb, in) == 0)
		fatalx("out of memory");
	if (ev_run(in->loop) != 0) {
		tc_errf(errbuf, errlen, "event loop failed");
		del_health_timers(in);
		wire_stop(in->wire);
		return -1;
	}
	del_health_timers(in);
	wire_stop(in->wire);
	if (in->env_error) {
		tc_errf(errbuf, errlen, "%s", in->errbuf);
		return -1;
	}
	return 0;
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
			case_fail(&in->runs[i], "interrupted: %s", why);
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
	report_ready(in);	/* those a health check held back */
	ev_stop(in->loop);
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
	size_t i;

	if (in == NULL)
		return;
	in->prog = NULL;	/* the caller may have freed it: feed it no more */
	for (i = 0; i < in->nruns; i++) {
		struct case_run *cr = &in->runs[i];

		del_timer(cr, &cr->timer);
		del_timer(cr, &cr->case_timer);
		del_timer(cr, &cr->probe_timer);
		q_clear(cr);
		exec_reap(cr);
		free(cr->msg);
		buf_free(&cr->trace);
		buf_free(&cr->notes);
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
