/*
 * interp.c - executes the steps of each case against the target.
 *
 * Each case owns one source port and one reference model (tcpsm).  Steps
 * that send run at once; steps that wait (expect, silence, the SYN-ACK of
 * connect) arm a timer and return to the loop.  Captured segments are
 * demultiplexed by our port to the case that owns it.  Timing verdicts
 * use capture timestamps: the time between our segment and the reply as
 * both were seen on the wire.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "inject.h"
#include "interp.h"
#include "evloop.h"
#include "seg.h"
#include "sniff.h"
#include "tcpsm.h"
#include "util.h"

#define DEFAULT_WIN 64240	/* what Linux offers on a SYN over Ethernet */
#define DEFAULT_MSS 1460

enum cr_status { CR_PENDING = 0, CR_RUNNING, CR_DONE };

/* A growing string (trace, messages). */
struct buf {
	char *s;
	size_t len, cap;
};

struct case_run {
	struct interp *in;
	const struct plan_case *pc;
	enum cr_status status;
	enum rep_verdict verdict;
	char *msg;
	struct buf trace;

	uint16_t sport, dport;
	uint32_t our_isn;
	struct tcpsm m;

	size_t step;
	int waiting;		/* a step waits for a segment or a timer */
	int draining;		/* steps done; waiting to see our last segment */
	int connect_phase;	/* connect: 0 send SYN, 1 wait SYN-ACK, 2 ACK */
	uint64_t timer;
	uint64_t wait_ns;	/* how long the current wait lasts */

	uint64_t t_start;	/* monotonic, case start (0: never started) */
	uint64_t t_end;
	uint64_t t_sent_mono;	/* monotonic time of our last send */
	uint64_t t_first_cap;	/* capture time of the first packet seen */
	uint64_t t_sent_cap;	/* capture time of our last segment, 0: unseen */
	struct seg last_sent;	/* our last segment (no payload pointer) */
	enum tcpsm_state state_before;	/* target state before last_sent */
};

struct interp {
	const struct plan *plan;
	const struct interp_cfg *cfg;
	struct inj *inj;
	struct snf *snf;
	struct ev_loop *loop;
	struct rep *rep;

	struct case_run *runs;
	size_t nruns;
	size_t next_start;	/* next case to start */
	size_t next_report;	/* next case to report (plan order) */
	unsigned running;
	int aborted;
	char *abort_why;
	int env_error;
	char errbuf[256];
};

static void step_advance(struct case_run *cr);
static void model_note(const struct case_run *cr, char *buf, size_t len);
static void case_fail(struct case_run *cr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 64;
		b->s = xrealloc(b->s, b->cap);
	}
}

static uint32_t
random32(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)ev_now_ns() * 2654435761u;
	return v;
}

/* ---- trace ------------------------------------------------------------ */

/* Relative numbers like tcpdump -S off: each side's seq from its ISN. */
static void
trace_seg(struct case_run *cr, const struct seg *s, int ours, uint64_t ts)
{
	char line[512];
	uint32_t sbase, abase;

	if (ours) {
		sbase = cr->our_isn;
		abase = cr->m.have_iss ? cr->m.iss : 0;
	} else {
		/* A SYN carries the ISN the model has not learnt yet. */
		sbase = cr->m.have_iss ? cr->m.iss :
		    (s->flags & SEG_SYN) ? s->seq : 0;
		abase = cr->our_isn;
	}
	seg_format(s, sbase, abase, line, sizeof(line));
	if (ts != 0 && cr->t_first_cap != 0)
		buf_printf(&cr->trace, "%+10.6f %s %s\n",
		    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ",
		    line);
	else
		buf_printf(&cr->trace, "%10s %s %s\n", "", ours ? "out" : "in ",
		    line);
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

/* Report finished cases in plan order. */
static void
report_ready(struct interp *in)
{
	while (in->next_report < in->nruns &&
	    in->runs[in->next_report].status == CR_DONE) {
		struct case_run *cr = &in->runs[in->next_report++];
		struct rep_result res = {
			.pc = cr->pc,
			.verdict = cr->verdict,
			.dur_ns = cr->t_end - cr->t_start,
			.msg = cr->msg,
			.trace = cr->trace.s,
		};

		rep_case(in->rep, &res);
	}
}

static void start_cases(struct interp *in);

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

	switch (cr->m.state) {
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
	s.src = in->cfg->src;
	s.dst = in->cfg->dst;
	s.sport = cr->sport;
	s.dport = cr->dport;
	s.flags = SEG_RST;
	s.seq = cr->m.our_nxt;
	if (inj_send(in->inj, &s, err, sizeof(err)) == 0)
		buf_printf(&cr->trace, "%10s out %s\n", "(cleanup)",
		    "RST to abort the connection the case left open");
}

static void
case_end(struct case_run *cr, enum rep_verdict v, char *msg)
{
	struct interp *in = cr->in;

	if (cr->status == CR_DONE) {
		free(msg);
		return;
	}
	if (cr->timer != 0)
		ev_del_timer(in->loop, cr->timer);
	cr->timer = 0;
	cr->waiting = 0;
	cr->status = CR_DONE;
	cr->t_end = cr->t_start != 0 ? ev_now_ns() : 0;
	cr->verdict = v;
	cr->msg = msg;
	if (cr->t_start != 0)
		case_cleanup(cr);
	if (in->running > 0 && cr->t_start != 0)
		in->running--;
	report_ready(in);
	if (!in->aborted)
		start_cases(in);
	if (in->running == 0 && in->next_start == in->nruns)
		ev_stop(in->loop);
}

static const struct plan_pos *
cur_pos(const struct case_run *cr)
{
	if (cr->step < cr->pc->nsteps)
		return &cr->pc->steps[cr->step].pos;
	return &cr->pc->pos;
}

static void
case_fail(struct case_run *cr, const char *fmt, ...)
{
	const struct plan_pos *pos = cur_pos(cr);
	va_list ap;
	char *body, *msg;

	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	msg = xasprintf("%s:%d:%d: %s", pos->file, pos->line, pos->col, body);
	free(body);
	case_end(cr, REP_FAIL, msg);
}

static void
case_start(struct interp *in, struct case_run *cr)
{
	const struct interp_service *svc;

	svc = find_service(in->cfg, cr->pc->service);
	if (svc == NULL) {
		cr->status = CR_RUNNING;
		case_end(cr, REP_SKIP, xasprintf("service '%s' not given to -p",
		    cr->pc->service));
		return;
	}
	cr->status = CR_RUNNING;
	cr->dport = svc->port;
	cr->t_start = ev_now_ns();
	cr->our_isn = random32();
	/* A "closed" service is a port without listener: no TCB (3.10.7.1). */
	tcpsm_init(&cr->m, strcmp(svc->name, "closed") == 0 ?
	    TCPSM_CLOSED : TCPSM_LISTEN);
	in->running++;
	step_advance(cr);
}

static void
start_cases(struct interp *in)
{
	while (!in->aborted && in->running < in->cfg->jobs &&
	    in->next_start < in->nruns) {
		struct case_run *cr = &in->runs[in->next_start++];

		case_start(in, cr);
	}
}

/* ---- sending ---------------------------------------------------------- */

/* Resolve a number from a step: relative to base, absolute, or auto. */
static uint32_t
num_value(const struct plan_num *n, uint32_t base, uint32_t autoval)
{
	switch (n->mode) {
	case PLAN_NUM_ABS:
		return (uint32_t)n->v;
	case PLAN_NUM_REL:
		return base + (uint32_t)n->v;
	case PLAN_NUM_AUTO:
		break;
	}
	return autoval;
}

static void
copy_opts(struct seg *s, const struct plan_opts *o)
{
	memcpy(s->opts, o->opts, o->nopts * sizeof(o->opts[0]));
	s->nopts = o->nopts;
}

static int
send_seg(struct case_run *cr, struct seg *s)
{
	struct interp *in = cr->in;
	char err[256];

	s->src = in->cfg->src;
	s->dst = in->cfg->dst;
	s->sport = cr->sport;
	s->dport = cr->dport;
	s->ipid = (uint16_t)random32();
	if (inj_send(in->inj, s, err, sizeof(err)) != 0) {
		in->env_error = 1;
		tc_errf(in->errbuf, sizeof(in->errbuf), "%s", err);
		case_fail(cr, "cannot send: %s", err);
		return -1;
	}
	cr->state_before = cr->m.state;
	cr->last_sent = *s;
	cr->last_sent.payload = NULL;
	cr->t_sent_mono = ev_now_ns();
	cr->t_sent_cap = 0;
	tcpsm_on_send(&cr->m, s);
	/* Our own copy shows up in the capture; trace it from there so the
	 * trace carries wire timestamps.  Until then, keep nothing else. */
	return 0;
}

static int
do_send(struct case_run *cr, const struct plan_send *ps)
{
	struct seg s;
	uint32_t seq, ack;

	seg_init(&s);
	tcpsm_our_numbers(&cr->m, &seq, &ack);
	if (!cr->m.have_our)
		seq = cr->our_isn;
	s.flags = ps->flags.set ? ps->flags.value : SEG_ACK;
	s.seq = num_value(&ps->seq, cr->our_isn, seq);
	s.ack = num_value(&ps->ack, cr->m.have_iss ? cr->m.iss : 0,
	    (s.flags & SEG_ACK) ? ack : 0);
	s.win = ps->win_set ? ps->win : DEFAULT_WIN;
	copy_opts(&s, &ps->opts);
	s.payload = ps->data;
	s.paylen = ps->datalen;
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
	if (pc->opts.set) {
		copy_opts(&s, &pc->opts);
	} else if ((o = seg_opt_add(&s, SEG_OPT_MSS)) != NULL) {
		o->len = 4;
		o->u.mss = DEFAULT_MSS;
	}
	return send_seg(cr, &s);
}

static int
send_ack(struct case_run *cr)
{
	struct plan_send ps;

	memset(&ps, 0, sizeof(ps));
	return do_send(cr, &ps);
}

/* ---- waiting and matching ---------------------------------------------- */

static void
wait_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	const struct plan_step *st;
	char dur[32], note[512];

	(void)id;
	cr->timer = 0;
	if (cr->status != CR_RUNNING || !cr->waiting)
		return;
	cr->waiting = 0;
	st = &cr->pc->steps[cr->step];
	if (st->kind == PLAN_SILENCE) {
		cr->step++;
		step_advance(cr);
		return;
	}
	/* expect or connect: nothing arrived in time */
	model_note(cr, note, sizeof(note));
	case_fail(cr, "nothing arrived within %s\n  model: %s",
	    tc_fmt_duration(cr->wait_ns, dur, sizeof(dur)), note);
}

static void
arm_wait(struct case_run *cr, uint64_t ns)
{
	cr->waiting = 1;
	cr->wait_ns = ns;
	cr->timer = ev_add_timer(cr->in->loop, ns, wait_timeout_cb, cr);
	if (cr->timer == 0)
		fatalx("out of memory");
}

static void
flags_desc(const struct plan_flags *f, char *buf, size_t len)
{
	char a[16], b[16];

	if (f->exact)
		snprintf(buf, len, "[%s]", seg_flags_str(f->value, a,
		    sizeof(a)));
	else if (f->must == 0 && f->mustnot == 0)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "+[%s] -[%s]", seg_flags_str(f->must, a,
		    sizeof(a)), seg_flags_str(f->mustnot, b, sizeof(b)));
}

static int
flags_match(const struct plan_flags *f, uint16_t got)
{
	if (f->exact)
		return got == f->value;
	return (got & f->must) == f->must && (got & f->mustnot) == 0;
}

/*
 * Explain what the model expected after our last segment:
 * "target in ESTABLISHED got [F.] seq=+1: RFC 9293 3.10.7.4 (eighth)
 * requires ACK ack=+2".
 */
static void
model_note(const struct case_run *cr, char *buf, size_t len)
{
	const struct tcpsm_expect *e = &cr->m.next;
	char fl[16];

	if (!cr->m.have_our) {
		snprintf(buf, len, "target in %s",
		    tcpsm_state_name(cr->m.state));
		return;
	}
	snprintf(buf, len, "target in %s got [%s] seq=+%u: %s%s%s",
	    tcpsm_state_name(cr->state_before),
	    seg_flags_str(cr->last_sent.flags, fl, sizeof(fl)),
	    cr->last_sent.seq - cr->our_isn,
	    e->rule ? e->rule : "the model", e->rule ? " requires " :
	    " predicts ", tcpsm_reply_name(e->reply));
	if (e->reply == TCPSM_R_RST) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " seq=%u", e->seq);
	} else if (e->reply != TCPSM_R_NONE && (e->flags & SEG_ACK)) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " ack=+%u", e->ack - cr->our_isn);
	}
}

/*
 * Check a segment from the target against an expect step (or the SYN-ACK
 * of connect, ex == NULL).  Returns 1 when it matches; otherwise writes
 * what differs into why.
 */
static int
match_expect(struct case_run *cr, const struct plan_expect *ex,
    const struct seg *s, char *why, size_t len)
{
	const struct tcpsm_expect *e = &cr->m.next;
	struct plan_flags mf;
	const struct plan_flags *f;
	int model_flags;	/* the flags are the model's prediction */
	char want[32], got[16];
	uint32_t iss_base, seq_auto, ack_auto;
	int seq_check, ack_check;
	static const struct plan_expect empty;

	if (ex == NULL)
		ex = &empty;
	f = &ex->flags;
	model_flags = !f->set;
	if (!f->set) {
		if (e->reply == TCPSM_R_NONE) {
			snprintf(why, len, "the step gives no flags and the "
			    "model predicts no reply");
			return 0;
		}
		memset(&mf, 0, sizeof(mf));
		mf.set = mf.exact = true;
		mf.value = e->flags;
		f = &mf;
	}
	if (!flags_match(f, s->flags)) {
		flags_desc(f, want, sizeof(want));
		snprintf(why, len, "expected flags %s, got [%s]", want,
		    seg_flags_str(s->flags, got, sizeof(got)));
		return 0;
	}

	/* The ISN of a SYN-ACK is learnt from it: relative seq is from it. */
	iss_base = cr->m.have_iss ? cr->m.iss :
	    (s->flags & SEG_SYN) ? s->seq : 0;
	/*
	 * Auto seq/ack: the model's prediction when the expected flags are
	 * its own; otherwise, in a synchronized state, the target must send
	 * in order (SEG.SEQ = SND.NXT) and acknowledge what it received.
	 */
	seq_check = ack_check = 0;
	seq_auto = ack_auto = 0;
	if (e->reply != TCPSM_R_NONE &&
	    (model_flags || (f->exact && f->value == e->flags))) {
		seq_check = e->seq_known;
		seq_auto = e->seq;
		ack_check = (e->flags & SEG_ACK) != 0;
		ack_auto = e->ack;
	} else if (e->reply == TCPSM_R_NONE && cr->m.have_iss &&
	    cr->m.state != TCPSM_CLOSED && cr->m.state != TCPSM_LISTEN &&
	    !(s->flags & (SEG_RST | SEG_SYN))) {
		seq_check = ack_check = 1;
		seq_auto = cr->m.snd_nxt;
		ack_auto = cr->m.rcv_nxt;
	}
	if (ex->seq.mode != PLAN_NUM_AUTO) {
		seq_check = 1;
		seq_auto = num_value(&ex->seq, iss_base, 0);
	}
	if (ex->ack.mode != PLAN_NUM_AUTO) {
		ack_check = 1;
		ack_auto = num_value(&ex->ack, cr->our_isn, 0);
	}
	if (seq_check && s->seq != seq_auto) {
		snprintf(why, len, "expected seq %u, got seq %u",
		    seq_auto - iss_base, s->seq - iss_base);
		return 0;
	}
	if (ack_check && !(s->flags & SEG_ACK)) {
		snprintf(why, len, "expected an ACK field (ack %u), "
		    "ACK flag not set", ack_auto - cr->our_isn);
		return 0;
	}
	if (ack_check && s->ack != ack_auto) {
		snprintf(why, len, "expected ack %u, got ack %u",
		    ack_auto - cr->our_isn, s->ack - cr->our_isn);
		return 0;
	}
	if (ex->win_set && (s->win < ex->win_min || s->win > ex->win_max)) {
		if (ex->win_min == ex->win_max)
			snprintf(why, len, "expected win %u, got win %u",
			    ex->win_min, s->win);
		else
			snprintf(why, len, "expected win in [%u, %u], got "
			    "win %u", ex->win_min, ex->win_max, s->win);
		return 0;
	}
	if (ex->data_set && (s->paylen != ex->datalen ||
	    memcmp(s->payload, ex->data, ex->datalen) != 0)) {
		snprintf(why, len, "expected %zu data bytes \"%.*s\", got %zu "
		    "bytes \"%.*s\"", ex->datalen,
		    (int)(ex->datalen > 40 ? 40 : ex->datalen),
		    (const char *)ex->data, s->paylen,
		    (int)(s->paylen > 40 ? 40 : s->paylen),
		    (const char *)s->payload);
		return 0;
	}
	return 1;
}

/* Elapsed between our last segment and ts, on the wire if we saw ours. */
static uint64_t
elapsed(const struct case_run *cr, uint64_t ts)
{
	if (cr->t_sent_cap != 0 && ts >= cr->t_sent_cap)
		return ts - cr->t_sent_cap;
	return ev_now_ns() - cr->t_sent_mono;
}

/* A segment from the target for this case. */
static void
case_segment(struct case_run *cr, const struct seg *s, uint64_t ts)
{
	const struct plan_step *st;
	const struct plan_expect *ex = NULL;
	char why[512], note[512], line[512], dur[32];
	uint64_t el;

	if (cr->status != CR_RUNNING)
		return;
	trace_seg(cr, s, 0, ts);
	if (!cr->waiting) {
		/* Between steps nothing should arrive: steps run at once. */
		return;
	}
	st = &cr->pc->steps[cr->step];
	seg_format(s, cr->m.have_iss ? cr->m.iss : 0, cr->our_isn, line,
	    sizeof(line));
	if (st->kind == PLAN_SILENCE) {
		case_fail(cr, "expected silence for %s, got [%s] after %s",
		    tc_fmt_duration(st->u.silence_ns, dur, sizeof(dur)), line,
		    tc_fmt_duration(elapsed(cr, ts), note, sizeof(note)));
		return;
	}
	if (st->kind == PLAN_EXPECT)
		ex = &st->u.expect;
	if (!match_expect(cr, ex, s, why, sizeof(why))) {
		model_note(cr, note, sizeof(note));
		case_fail(cr, "%s\n  got:   %s\n  model: %s", why, line, note);
		return;
	}
	el = elapsed(cr, ts);
	if (el > cr->wait_ns) {
		model_note(cr, note, sizeof(note));
		case_fail(cr, "reply came after %s, later than %s\n"
		    "  model: %s",
		    tc_fmt_duration(el, dur, sizeof(dur)),
		    tc_fmt_duration(cr->wait_ns, why, sizeof(why)), note);
		return;
	}
	ev_del_timer(cr->in->loop, cr->timer);
	cr->timer = 0;
	cr->waiting = 0;
	tcpsm_on_recv(&cr->m, s);
	if (st->kind == PLAN_CONNECT) {
		cr->connect_phase = 2;
		if (send_ack(cr) != 0)
			return;
		cr->connect_phase = 0;
	}
	cr->step++;
	step_advance(cr);
}

#define DRAIN_NS (100 * NS_PER_MS)

static void
drain_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;

	(void)id;
	cr->timer = 0;
	case_end(cr, REP_PASS, NULL);
}

/*
 * Every step passed.  Our last segment may not have come back from the
 * capture yet; wait for it (briefly) so the trace is complete.
 */
static void
case_pass(struct case_run *cr)
{
	if (cr->t_sent_cap != 0 || !cr->m.have_our) {
		case_end(cr, REP_PASS, NULL);
		return;
	}
	cr->draining = 1;
	cr->timer = ev_add_timer(cr->in->loop, DRAIN_NS, drain_cb, cr);
	if (cr->timer == 0)
		fatalx("out of memory");
}

/* Run steps until one has to wait or the case ends. */
static void
step_advance(struct case_run *cr)
{
	const struct interp_cfg *cfg = cr->in->cfg;

	while (cr->status == CR_RUNNING && !cr->waiting && !cr->draining) {
		const struct plan_step *st;

		if (cr->step == cr->pc->nsteps) {
			case_pass(cr);
			return;
		}
		st = &cr->pc->steps[cr->step];
		switch (st->kind) {
		case PLAN_CONNECT:
			if (send_syn(cr, &st->u.connect) != 0)
				return;
			cr->connect_phase = 1;
			arm_wait(cr, st->u.connect.within_ns ?
			    st->u.connect.within_ns : cfg->default_within_ns);
			return;
		case PLAN_SEND:
			if (do_send(cr, &st->u.send) != 0)
				return;
			cr->step++;
			break;
		case PLAN_EXPECT:
			arm_wait(cr, st->u.expect.within_ns ?
			    st->u.expect.within_ns : cfg->default_within_ns);
			return;
		case PLAN_SILENCE:
			arm_wait(cr, st->u.silence_ns);
			return;
		case PLAN_STATE:
			if (cr->m.state != (enum tcpsm_state)st->u.state) {
				case_fail(cr, "the case says the target is in "
				    "%s, the model has it in %s",
				    tcpsm_state_name(st->u.state),
				    tcpsm_state_name(cr->m.state));
				return;
			}
			cr->step++;
			break;
		case PLAN_STEP_MAX:
			fatalx("bad step kind");
		}
	}
}

/* ---- capture ---------------------------------------------------------- */

static struct case_run *
case_by_port(struct interp *in, uint16_t port)
{
	const struct interp_cfg *cfg = in->cfg;
	size_t i;

	if (port < cfg->port_lo || port > cfg->port_hi)
		return NULL;
	/* Ports are handed out in case order from port_lo. */
	i = (size_t)(port - cfg->port_lo);
	if (i >= in->nruns || in->runs[i].sport != port)
		return NULL;
	return &in->runs[i];
}

static void
packet_cb(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts,
    void *arg)
{
	struct interp *in = arg;
	struct case_run *cr;
	struct seg s;
	char why[128];
	int rc;

	(void)len;
	memset(&s, 0, sizeof(s));
	rc = seg_decode(snf_datalink(in->snf), pkt, caplen, &s, why,
	    sizeof(why));
	if (rc == SEG_NOT_TCP)
		return;
	if (rc != SEG_OK) {
		/*
		 * Only our conversations matter, if the addresses and ports
		 * could be read.  A truncated capture is our problem, not
		 * the target's (STYLE 2): traced, never a verdict.
		 */
		if (s.dst.s_addr != in->cfg->src.s_addr ||
		    (cr = case_by_port(in, s.dport)) == NULL ||
		    cr->status != CR_RUNNING)
			return;
		buf_printf(&cr->trace, "%10s in  %s segment: %s\n", "",
		    rc == SEG_TRUNCATED ? "truncated" : "malformed", why);
		if (rc == SEG_MALFORMED)
			case_fail(cr, "target sent a malformed segment: %s",
			    why);
		return;
	}
	if (s.src.s_addr == in->cfg->src.s_addr &&
	    s.dst.s_addr == in->cfg->dst.s_addr) {
		cr = case_by_port(in, s.sport);
		if (cr == NULL || cr->status != CR_RUNNING)
			return;
		if (cr->t_first_cap == 0)
			cr->t_first_cap = ts;
		cr->t_sent_cap = ts;
		trace_seg(cr, &s, 1, ts);
		if (cr->draining)
			case_end(cr, REP_PASS, NULL);
		return;
	}
	if (s.src.s_addr != in->cfg->dst.s_addr ||
	    s.dst.s_addr != in->cfg->src.s_addr)
		return;
	cr = case_by_port(in, s.dport);
	if (cr == NULL || s.sport != cr->dport)
		return;
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	if (s.bad_csum && cr->status == CR_RUNNING) {
		trace_seg(cr, &s, 0, ts);
		case_fail(cr, "target sent a segment with a bad TCP checksum");
		return;
	}
	case_segment(cr, &s, ts);
}

static void
capture_cb(int fd, short what, void *arg)
{
	struct interp *in = arg;
	char err[256];

	(void)fd;
	(void)what;
	if (snf_dispatch(in->snf, packet_cb, in, err, sizeof(err)) < 0) {
		in->env_error = 1;
		tc_errf(in->errbuf, sizeof(in->errbuf), "%s", err);
		interp_abort(in, "capture failed");
	}
}

/* ---- public ----------------------------------------------------------- */

struct interp *
interp_new(const struct plan *p, const struct interp_cfg *cfg,
    struct inj *inj, struct snf *snf, struct ev_loop *loop, struct rep *rep)
{
	struct interp *in = xcalloc(1, sizeof(*in));
	size_t i;

	in->plan = p;
	in->cfg = cfg;
	in->inj = inj;
	in->snf = snf;
	in->loop = loop;
	in->rep = rep;
	in->nruns = p->ncases;
	in->runs = xcalloc(p->ncases, sizeof(*in->runs));
	for (i = 0; i < p->ncases; i++) {
		in->runs[i].in = in;
		in->runs[i].pc = &p->cases[i];
		in->runs[i].sport = (uint16_t)(cfg->port_lo + i);
	}
	return in;
}

int
interp_run(struct interp *in, char *errbuf, size_t errlen)
{
	if (in->nruns == 0)
		return 0;
	if (ev_add_fd(in->loop, snf_fd(in->snf), capture_cb, in) != 0) {
		tc_errf(errbuf, errlen, "cannot watch the capture fd");
		return -1;
	}
	start_cases(in);
	if (in->running > 0 || in->next_start < in->nruns) {
		if (ev_run(in->loop) != 0) {
			tc_errf(errbuf, errlen, "event loop failed");
			ev_del_fd(in->loop, snf_fd(in->snf));
			return -1;
		}
	}
	ev_del_fd(in->loop, snf_fd(in->snf));
	if (in->env_error) {
		tc_errf(errbuf, errlen, "%s", in->errbuf);
		return -1;
	}
	return 0;
}

void
interp_abort(struct interp *in, const char *why)
{
	size_t i;

	if (in->aborted)
		return;
	in->aborted = 1;
	for (i = 0; i < in->nruns; i++)
		if (in->runs[i].status == CR_RUNNING)
			case_fail(&in->runs[i], "interrupted: %s", why);
	ev_stop(in->loop);
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
	for (i = 0; i < in->nruns; i++) {
		if (in->runs[i].timer != 0)
			ev_del_timer(in->loop, in->runs[i].timer);
		free(in->runs[i].msg);
		free(in->runs[i].trace.s);
	}
	free(in->runs);
	free(in->abort_why);
	free(in);
}
