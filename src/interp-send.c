/*
 * interp-send.c - the segments a case sends: built from a send step (or
 * our SYN and ACK of a handshake) with numbers relative to either side's
 * ISN, our TSval clock, and the model moved as the segment leaves.  Our
 * own copy is traced when the capture sees it (interp-arrive.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "match.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

/* A random value of kind what for the case (the wire's, see wire.h). */
static uint32_t
case_random32(struct case_run *cr, enum wire_rand what)
{
	return wire_random32(cr->in->wire, what, cr->sport);
}

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
	struct match_ctx c = cr_mctx(cr);
	char why[256];

	if (match_num(&c, n, cr->m.have_iss ? cr->m.iss : 0, autoval, out,
	    why, sizeof(why)) == 0)
		return 0;
	cr_fail(cr, "%s", why);
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
	uint16_t mss;
	int n;

	if ((n = seg_opts_encode(s, opts, sizeof(opts))) <= 0)
		return 0;
	seg_init(&d);
	(void)seg_opts_decode(opts, (size_t)n, &d, NULL, 0);
	return seg_opt_mss(&d, &mss) == 0 ? mss : 0;
}

static int
send_seg(struct case_run *cr, struct seg *s)
{
	struct interp *in = cr->in;
	char err[256];

	if (cr->dport == 0) {
		cr_fail(cr, "a client case cannot send before the target's "
		    "SYN has arrived: its port is not known yet");
		cr->level = PLAN_LEVEL_MUST;	/* the case's, not a deviation */
		return -1;
	}
	s->af = in->cfg->af;
	s->src = in->cfg->src;
	s->dst = in->cfg->dst;
	s->sport = cr->sport;
	s->dport = cr->dport;
	/* Probes and repeats: at most what "send" sends without --flood. */
	if (cr->nsent >= TC_SEND_MAX_COUNT) {
		cr_fail(cr, "sent %u segments, the most a case may send",
		    cr->nsent);
		cr->level = PLAN_LEVEL_MUST;
		return -1;
	}
	cr->nsent++;
	if (wire_send(in->wire, s, err, sizeof(err)) != 0) {
		in->env_error = 1;
		tc_errf(in->errbuf, sizeof(in->errbuf), "%s", err);
		cr_fail(cr, "cannot send: %s", err);
		cr->level = PLAN_LEVEL_MUST;	/* ours, not the target's */
		return -1;
	}
	if (seg_opt_ts(s, &cr->our_tsval, NULL) == 0)
		cr->have_our_tsval = true;
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
	struct match_ctx c = cr_mctx(cr);
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
		cr_fail(cr, "%s", why);
		return -1;
	}
	if (target_num(cr, &ps->ack, (s->flags & SEG_ACK) ? ack : 0,
	    &s->ack) != 0)
		return -1;
	s->win = ps->win_set ? ps->win : TC_DEFAULT_WIN;
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

int
cr_send(struct case_run *cr, const struct plan_send *ps)
{
	struct seg s;

	if (build_send(cr, ps, &s) != 0)
		return -1;
	return send_seg(cr, &s);
}

int
cr_send_syn(struct case_run *cr, const struct plan_connect *pc)
{
	struct seg s;
	struct seg_opt *o;

	seg_init(&s);
	s.flags = SEG_SYN;
	s.seq = cr->our_isn;
	s.win = TC_DEFAULT_WIN;
	s.ipid = (uint16_t)case_random32(cr, WIRE_RAND_IPID);
	if (pc->opts.set) {
		if (copy_opts(cr, &s, &pc->opts) != 0)
			return -1;
	} else if ((o = seg_opt_add(&s, SEG_OPT_MSS)) != NULL) {
		o->len = 4;
		o->u.mss = TC_DEFAULT_MSS;
	}
	return send_seg(cr, &s);
}

/* The ACK that completes connect; it carries TS if our SYN did. */
int
cr_send_ack(struct case_run *cr)
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
	return cr_send(cr, &ps);
}

/*
 * Leave the target clean: a connection the case left synchronized gets an
 * RST at RCV.NXT, so the next case does not share a target full of
 * half-dead connections.  Traced, so the user sees it.
 */
void
cr_cleanup(struct case_run *cr)
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

