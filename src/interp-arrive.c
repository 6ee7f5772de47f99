/*
 * interp-arrive.c - captured segments: demultiplexed by our port (and, for
 * a client case, the target's first SYN) to the case that owns them, then
 * judged by the step that waits (expect, any_of, retransmits, measure) or
 * queued for the next one.  Timing verdicts use capture timestamps.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "match.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

static void on_target_seg(struct case_run *cr, const struct seg *s,
    uint64_t ts);

/* ---- queue of early arrivals ------------------------------------------- */

static void
q_push(struct case_run *cr, const struct seg *s, uint64_t ts)
{
	struct qseg *q;

	if (cr->qlen == QMAX) {
		case_fail(cr, "more than %d segments arrived that no step "
		    "expected", QMAX);
		return;
	}
	q = &cr->q[(cr->qhead + cr->qlen++) % QMAX];
	q->s = *s;
	q->ts = ts;
	q->pkt = cr->cur_pkt;
	q->data = NULL;
	if (s->paylen > 0) {
		q->data = xmalloc(s->paylen);
		memcpy(q->data, s->payload, s->paylen);
	}
	q->s.payload = q->data;
}

/* Drop the oldest queued segment. */
void
q_pop(struct case_run *cr)
{
	if (cr->qlen == 0)
		return;
	free(cr->q[cr->qhead].data);
	cr->qhead = (cr->qhead + 1) % QMAX;
	cr->qlen--;
}

void
q_clear(struct case_run *cr)
{
	while (cr->qlen > 0)
		q_pop(cr);
}

/* Hand queued segments to the step now waiting, oldest first. */
void
q_deliver(struct case_run *cr)
{
	while (cr->qlen > 0 && cr->status == CR_RUNNING &&
	    cr->wait != W_NONE && cr->wait != W_WAIT && cr->wait != W_EXEC &&
	    cr->wait != W_PIN) {
		struct qseg q = cr->q[cr->qhead];

		cr->qhead = (cr->qhead + 1) % QMAX;
		cr->qlen--;
		cr->cur_pkt = q.pkt;
		on_target_seg(cr, &q.s, q.ts);
		free(q.data);
	}
}

/* Elapsed between our last segment and ts, on the wire if we saw ours. */
static uint64_t
elapsed(const struct case_run *cr, uint64_t ts)
{
	if (cr->t_sent_cap != 0 && ts >= cr->t_sent_cap)
		return ts - cr->t_sent_cap;
	return ev_now(cr->in->loop) - cr->t_sent_mono;
}

/* A segment the current expect (or any_of branch) accepted. */
static void
accept_seg(struct case_run *cr, const struct plan_expect *ex,
    const struct seg *s, uint64_t ts)
{
	struct match_ctx c = mctx(cr);

	if (ex != NULL)
		match_capture(&c, ex, s);
	step_matched(cr);
	tcpsm_on_recv(&cr->m, s);
	cr->rtx_orig = *s;
	cr->rtx_orig.payload = NULL;
	cr->have_match = true;
	cr->rtx_prev_ts = ts;
	cr->rtx_prev_gap = 0;
	cr->rtx_n = 0;
}

/*
 * A segment no step expects that carries data into the zero window we
 * offered is a window violation, and is reported as one rather than as
 * the step's mismatch.  Returns 1 if it failed the case.
 */
static int
zero_window(struct case_run *cr, const struct seg *s)
{
	char why[256], line[512];

	if (!tcpsm_zero_window(cr->m.have_our ? &cr->last_sent : NULL, s, why,
	    sizeof(why)))
		return 0;
	describe(cr, s, line, sizeof(line));
	case_fail(cr, "%s\n  got:   %s", why, line);
	return 1;
}

/* Check the reply's timing against "within".  Returns 1 if in time. */
static int
in_time(struct case_run *cr, uint64_t ts, uint64_t within)
{
	char d1[32], d2[32], note[512];
	uint64_t el = elapsed(cr, ts);

	if (el <= within)
		return 1;
	model_note(cr, note, sizeof(note));
	case_fail(cr, "reply came after %s, later than %s\n  model: %s",
	    tc_fmt_duration(el, d1, sizeof(d1)),
	    tc_fmt_duration(within, d2, sizeof(d2)), note);
	return 0;
}

static void
seg_expect(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	struct match_ctx c = mctx(cr);
	const struct plan_expect *ex = NULL;
	char why[512], note[512], line[512];

	if (st->kind == PLAN_EXPECT)
		ex = &st->u.expect;
	if (!match_expect(&c, ex, s, why, sizeof(why))) {
		if (zero_window(cr, s))
			return;
		describe(cr, s, line, sizeof(line));
		model_note(cr, note, sizeof(note));
		case_fail(cr, "%s\n  got:   %s\n  model: %s", why, line, note);
		return;
	}
	if (!in_time(cr, ts, cr->wait_ns))
		return;
	accept_seg(cr, ex, s, ts);
	if (st->kind == PLAN_CONNECT) {
		del_timer(cr, &cr->timer);
		cr->wait = W_NONE;
		if (send_ack(cr) != 0)
			return;
		step_done(cr);
		step_advance(cr);
		return;
	}
	wait_done(cr);
}

static void
seg_any_of(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	const struct plan_any_of *a = &st->u.any_of;
	struct match_ctx c = mctx(cr);
	struct buf why = { 0 };
	char w[512], line[512], note[512];
	size_t i;

	for (i = 0; i < a->nalts; i++) {
		const struct plan_branch *b = &a->alts[i];
		const struct plan_expect *ex = &b->steps[0].u.expect;

		if (!match_expect(&c, ex, s, w, sizeof(w))) {
			buf_printf(&why, "\n  (%zu) %s:%d:%d: %s", i + 1,
			    b->pos.file, b->pos.line, b->pos.col, w);
			continue;
		}
		free(why.s);
		if (!in_time(cr, ts, cr->wait_ns))
			return;
		accept_seg(cr, ex, s, ts);
		del_timer(cr, &cr->timer);
		cr->wait = W_NONE;
		if (cr->depth + 1 >= MAX_DEPTH) {
			case_fail(cr, "any_of nested too deeply");
			return;
		}
		cr->fr[++cr->depth] = (struct frame){ b->steps, b->nsteps, 0 };
		step_done(cr);	/* the branch's expect just matched */
		step_advance(cr);
		return;
	}
	if (zero_window(cr, s)) {
		free(why.s);
		return;
	}
	describe(cr, s, line, sizeof(line));
	model_note(cr, note, sizeof(note));
	case_fail(cr, "no alternative matched:%s\n  got:   %s\n  model: %s",
	    why.s ? why.s : "", line, note);
	free(why.s);
}

/*
 * The gap expected before retransmission rtx_n + 1: the schedule's, or
 * with backoff N, after the first, N times the gap measured before the
 * previous copy (RFC 6298 5.5: "double the value of RTO").  Relative, so
 * a target whose RTO starts higher (a slower RTT sample) still passes
 * when it backs off as it must.  plan.c computes it, for the estimate too.
 */
uint64_t
rtx_want(const struct case_run *cr, const struct plan_retransmits *r)
{
	return plan_rtx_gap(r, cr->rtx_n, cr->rtx_prev_gap);
}

/*
 * A retransmission is the same segment again: same flags, sequence number
 * and length (RFC 9293 3.8.1; RFC 6298 5.5 doubles the gap each time).
 */
static void
seg_retrans(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	const struct plan_retransmits *r = &st->u.retransmits;
	const struct seg *o = &cr->rtx_orig;
	char line[512], orig[512], d1[32], d2[32], d3[32];
	uint64_t gap, want, tol, diff;

	if (s->flags != o->flags || s->seq != o->seq ||
	    s->paylen != o->paylen) {
		if (zero_window(cr, s))
			return;
		describe(cr, s, line, sizeof(line));
		describe(cr, o, orig, sizeof(orig));
		case_fail(cr, "expected retransmission %u of [%s]\n"
		    "  got:   %s", cr->rtx_n + 1, orig, line);
		return;
	}
	want = rtx_want(cr, r);
	gap = ts - cr->rtx_prev_ts;
	tol = plan_rtx_tol(r, want);
	diff = gap > want ? gap - want : want - gap;
	if (diff > tol) {
		case_fail(cr, "retransmission %u came %s after the previous "
		    "copy, expected %s +/- %s", cr->rtx_n + 1,
		    tc_fmt_duration(gap, d1, sizeof(d1)),
		    tc_fmt_duration(want, d2, sizeof(d2)),
		    tc_fmt_duration(tol, d3, sizeof(d3)));
		return;
	}
	buf_printf(&cr->notes, "retransmission %u after %s (expected %s)\n",
	    cr->rtx_n + 1, tc_fmt_duration(gap, d1, sizeof(d1)),
	    tc_fmt_duration(want, d2, sizeof(d2)));
	cr->rtx = xreallocarray(cr->rtx, cr->nrtx + 1, sizeof(*cr->rtx));
	cr->rtx[cr->nrtx++] = (struct rep_rtx){ cr->rtx_n + 1, gap, want };
	step_matched(cr);
	tcpsm_on_recv(&cr->m, s);
	cr->rtx_prev_ts = ts;
	cr->rtx_prev_gap = gap;
	if (++cr->rtx_n < r->count) {
		want = rtx_want(cr, r);
		tol = plan_rtx_tol(r, want);
		/* Deadline on the loop clock; the verdict uses capture times. */
		arm_wait(cr, W_RETRANS, want + tol + 50 * NS_PER_MS);
		return;
	}
	if (r->silence_ns > 0) {
		arm_wait(cr, W_SILENCE, r->silence_ns);
		return;
	}
	wait_done(cr);
}

static void
seg_measure(struct case_run *cr, const struct plan_step *st,
    const struct seg *s, uint64_t ts)
{
	const struct plan_measure *me = &st->u.measure;
	struct match_ctx c = mctx(cr);
	char why[512], d1[32], d2[32], d3[32];
	uint64_t v;

	if (!match_expect(&c, &me->until, s, why, sizeof(why)))
		return;		/* other answers to probes are fine */
	if (cr->meas_t0 == 0)		/* our segment was never captured */
		v = elapsed(cr, ts);
	else
		v = ts > cr->meas_t0 ? ts - cr->meas_t0 : 0;
	accept_seg(cr, &me->until, s, ts);
	cr->meas = xreallocarray(cr->meas, cr->nmeas + 1, sizeof(*cr->meas));
	cr->meas[cr->nmeas++] = (struct rep_meas){ me->name, v,
	    me->range_set, me->range_lo, me->range_hi };
	if (me->range_set)
		buf_printf(&cr->notes, "measured %s = %s (expected %s .. %s)\n",
		    me->name, tc_fmt_duration(v, d1, sizeof(d1)),
		    tc_fmt_duration(me->range_lo, d2, sizeof(d2)),
		    tc_fmt_duration(me->range_hi, d3, sizeof(d3)));
	else
		buf_printf(&cr->notes, "measured %s = %s\n", me->name,
		    tc_fmt_duration(v, d1, sizeof(d1)));
	if (me->range_set && (v < me->range_lo || v > me->range_hi)) {
		case_fail(cr, "measured %s = %s, outside %s .. %s", me->name,
		    tc_fmt_duration(v, d1, sizeof(d1)),
		    tc_fmt_duration(me->range_lo, d2, sizeof(d2)),
		    tc_fmt_duration(me->range_hi, d3, sizeof(d3)));
		return;
	}
	wait_done(cr);
}

/* Does the silence step st let s come (silence: {allow: ...})? */
int
silence_allows(struct case_run *cr, const struct plan_step *st,
    const struct seg *s)
{
	struct match_ctx c = mctx(cr);
	char why[512];

	c.no_model = true;
	return st->kind == PLAN_SILENCE && st->u.silence_allow != NULL &&
	    match_expect(&c, st->u.silence_allow, s, why, sizeof(why));
}

/* A segment from the target for this case. */
static void
on_target_seg(struct case_run *cr, const struct seg *s, uint64_t ts)
{
	const struct plan_step *st = cur_step(cr);
	char line[512], d1[32], d2[32];

	/*
	 * The loop reads the capture before it runs the timers, so after a
	 * stall a segment captured after the current wait ended can come
	 * first: a silence ends before it, as if we had kept time; a
	 * reply's lateness is judged from capture times (in_time and the
	 * like say by how much), unless we stalled, which wait_expire then
	 * reports.  A wait or command ends without the target's help: its
	 * segments queue for the step after it.
	 */
	if (cr->timer != 0 && ts > cr->wait_due_cap &&
	    (cr->wait == W_SILENCE || ((cr->wait == W_EXPECT ||
	    cr->wait == W_RETRANS || cr->wait == W_MEASURE) &&
	    interp_stall(cr->wait_due, ev_now(cr->in->loop)) != 0))) {
		wait_expire(cr);
		if (cr->status != CR_RUNNING)
			return;
		st = cur_step(cr);
	}
	switch (cr->wait) {
	case W_NONE:
	case W_WAIT:
	case W_EXEC:
	case W_PIN:
		q_push(cr, s, ts);
		return;
	case W_DRAIN:
		return;
	case W_SILENCE:
		if (silence_allows(cr, st, s) || zero_window(cr, s))
			return;
		describe(cr, s, line, sizeof(line));
		case_fail(cr, "expected silence for %s, got [%s] after %s",
		    tc_fmt_duration(cr->wait_ns, d1, sizeof(d1)), line,
		    tc_fmt_duration(elapsed(cr, ts), d2, sizeof(d2)));
		return;
	case W_EXPECT:
		if (st->kind == PLAN_ANY_OF)
			seg_any_of(cr, st, s, ts);
		else
			seg_expect(cr, st, s, ts);
		return;
	case W_RETRANS:
		seg_retrans(cr, st, s, ts);
		return;
	case W_MEASURE:
		seg_measure(cr, st, s, ts);
		return;
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

/* a (an address of captured segment s) is want, in the run's family. */
static int
addr_is(const struct interp *in, const struct seg *s,
    const union seg_addr *a, const union seg_addr *want)
{
	return s->af == in->cfg->af && seg_addr_eq(s->af, a, want);
}

/*
 * Is s, from the target to the case's port, on the case's connection?  A
 * client case learns the target's port from its SYN (the target picks
 * it, RFC 9293 3.10.1): the first SYN without ACK locks the 4-tuple.
 */
static int
peer_port(struct case_run *cr, const struct seg *s)
{
	if (cr->dport != 0)
		return s->sport == cr->dport;
	if (!cr->client ||
	    (s->flags & (SEG_SYN | SEG_ACK | SEG_RST)) != SEG_SYN)
		return 0;
	cr->dport = s->sport;
	return 1;
}

/*
 * The most payload the target may put in one segment on the wire: the MSS
 * our SYN announced (RFC 9293 3.7.1: 536 over IPv4, 1220 over IPv6 when
 * it announced none), no more than the capture link's MTU allows, less
 * the segment's own TCP options (RFC 6691 2).  0: no limit known.
 */
static size_t
wire_max_payload(const struct case_run *cr, const struct seg *s)
{
	size_t iphl = s->af == AF_INET6 ? 40 : 20, hl = (size_t)s->doff * 4;
	size_t mss = cr->our_mss != 0 ? cr->our_mss :
	    s->af == AF_INET6 ? 1220 : 536;
	unsigned mtu = wire_mtu(cr->in->wire);

	if (mtu > iphl + 20 && mss > mtu - iphl - 20)
		mss = mtu - iphl - 20;
	if (hl < 20 || mss <= hl - 20)
		return 0;
	return mss - (hl - 20);
}

/*
 * A segment from the target: judged as it was on the wire.  One captured
 * before segmentation offload (its checksum still the pseudo-header sum,
 * its payload beyond what one segment may carry) is the series of
 * segments the offload sends for it; judging it whole would blame the
 * target for our capture point.  A complete checksum means the segment
 * went through the NIC as it is: judged as it is, however long.
 */
static void
target_seg(struct case_run *cr, const struct seg *s, uint64_t ts)
{
	struct seg piece;
	size_t max = 0, n = 1, i;

	if (s->csum_partial && !(s->flags & SEG_SYN))
		max = wire_max_payload(cr, s);
	if (max > 0 && (n = seg_gso_count(s, max)) > 1)
		buf_printf(&cr->trace, "%10s     (captured before segmentation "
		    "offload: judged as the %zu segments of at most %zu bytes "
		    "it stands for)\n", "", n, max);
	for (i = 0; i < n && cr->status == CR_RUNNING; i++) {
		seg_gso_piece(s, max, i, &piece);
		tcpsm_on_send(&cr->me, &piece);	/* our side received it */
		on_target_seg(cr, &piece, ts);
	}
}

/* A captured frame (wire_frame_cb): to the case it belongs to. */
void
frame_cb(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts,
    void *arg)
{
	struct interp *in = arg;
	struct case_run *cr;
	const struct seg_opt *o;
	struct seg s;
	char why[128];
	unsigned n;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = seg_decode_frame(wire_datalink(in->wire), pkt, caplen, len, &s,
	    why, sizeof(why));
	if (rc == SEG_NOT_TCP)
		return;
	if (rc != SEG_OK) {
		/*
		 * Only our conversations matter, if the addresses and ports
		 * could be read.  A truncated capture is our problem, not
		 * the target's (STYLE 2): traced, never a verdict.
		 */
		if (addr_is(in, &s, &s.src, &in->cfg->src) &&
		    (cr = case_by_port(in, s.sport)) != NULL &&
		    cr->status == CR_RUNNING) {
			/* Ours, made malformed on purpose (send: doff). */
			case_packet(cr, pkt, caplen, len, ts);
			trace_bad(cr, 1, rc == SEG_TRUNCATED ? "truncated" :
			    "malformed", why, ts);
			return;
		}
		if (!addr_is(in, &s, &s.src, &in->cfg->dst) ||
		    !addr_is(in, &s, &s.dst, &in->cfg->src) ||
		    (cr = case_by_port(in, s.dport)) == NULL ||
		    cr->status != CR_RUNNING)
			return;
		case_packet(cr, pkt, caplen, len, ts);
		trace_bad(cr, 0, rc == SEG_TRUNCATED ? "truncated" :
		    "malformed", why, ts);
		if (rc == SEG_MALFORMED)
			case_fail(cr, "target sent a malformed segment: %s",
			    why);
		return;
	}
	if (addr_is(in, &s, &s.src, &in->cfg->src) &&
	    addr_is(in, &s, &s.dst, &in->cfg->dst)) {
		cr = case_by_port(in, s.sport);
		if (cr == NULL || cr->status != CR_RUNNING)
			return;
		n = case_packet(cr, pkt, caplen, len, ts);
		if (cr->pend_len > 0) {
			step_pkt(cr, cr->pend[cr->pend_head], n);
			cr->pend_head = (cr->pend_head + 1) % PENDMAX;
			cr->pend_len--;
		}
		if (cr->t_first_cap == 0)
			cr->t_first_cap = ts;
		cr->t_sent_cap = ts;
		if (cr->wait == W_MEASURE && cr->meas_t0 == 0)
			cr->meas_t0 = ts;	/* the measure's start, late */
		trace_seg(cr, &s, 1, ts);
		if (cr->wait == W_DRAIN)
			case_end(cr, REP_PASS, NULL);
		return;
	}
	if (!addr_is(in, &s, &s.src, &in->cfg->dst) ||
	    !addr_is(in, &s, &s.dst, &in->cfg->src))
		return;
	if (health_seg(in, &s))
		return;		/* the answer to a health check */
	cr = case_by_port(in, s.dport);
	if (cr == NULL || cr->status != CR_RUNNING || !peer_port(cr, &s))
		return;
	cr->cur_pkt = case_packet(cr, pkt, caplen, len, ts);
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	trace_seg(cr, &s, 0, ts);
	if (s.bad_csum) {
		case_fail(cr, "target sent a segment with a bad TCP checksum");
		return;
	}
	if ((o = seg_opt_find(&s, SEG_OPT_TS)) != NULL && o->len == 10) {
		cr->peer_tsval = o->u.ts.val;
		cr->have_peer_tsval = true;
	}
	target_seg(cr, &s, ts);
}

/* The capture failed (wire_error_cb): the run's environment. */
void
capture_error_cb(const char *why, void *arg)
{
	struct interp *in = arg;

	in->env_error = 1;
	tc_errf(in->errbuf, sizeof(in->errbuf), "%s", why);
	interp_abort(in, "capture failed");
}
