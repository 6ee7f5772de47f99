/*
 * interp-arrive.c - captured frames: decoded, demultiplexed by our port
 * (and, for a client case, the target's first SYN) to the case that owns
 * them, counted, traced and written to its pcap, then handed to its steps
 * (interp-step.c, cr_arrive); our own segments' capture copies time our
 * sends; a health check's answer goes to interp-health.c.
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
		cr_arrive(cr, &piece, ts);
	}
}

/*
 * requires: options, on the target's first SYN or SYN-ACK: a target that
 * does not offer one of them (RFC 7323 and RFC 2018 options are all
 * optional) is not one the case can judge.  Returns 1 if it ended the
 * case.
 */
static int
req_opts(struct case_run *cr, const struct seg *s)
{
	const struct plan_case *pc = cr->pc;
	size_t i;

	if (cr->opts_checked || !(s->flags & SEG_SYN))
		return 0;
	cr->opts_checked = true;
	for (i = 0; i < pc->nreq_opts; i++)
		if (seg_opt_find(s, pc->req_opts[i]) == NULL) {
			cr_end(cr, REP_NA, xasprintf("the target's %s "
			    "carries no %s option (requires: options)",
			    (s->flags & SEG_ACK) ? "SYN-ACK" : "SYN",
			    seg_opt_name(pc->req_opts[i])));
			return 1;
		}
	return 0;
}

/* A captured frame (wire_frame_cb): to the case it belongs to. */
void
interp_frame_cb(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts,
    void *arg)
{
	struct interp *in = arg;
	struct case_run *cr;
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
			cr_packet(cr, pkt, caplen, len, ts);
			cr_trace_bad(cr, 1, rc == SEG_TRUNCATED ? "truncated" :
			    "malformed", why, ts);
			return;
		}
		if (!addr_is(in, &s, &s.src, &in->cfg->dst) ||
		    !addr_is(in, &s, &s.dst, &in->cfg->src) ||
		    (cr = case_by_port(in, s.dport)) == NULL ||
		    cr->status != CR_RUNNING)
			return;
		cr_packet(cr, pkt, caplen, len, ts);
		cr_trace_bad(cr, 0, rc == SEG_TRUNCATED ? "truncated" :
		    "malformed", why, ts);
		if (rc == SEG_MALFORMED)
			cr_fail(cr, "target sent a malformed segment: %s",
			    why);
		return;
	}
	if (addr_is(in, &s, &s.src, &in->cfg->src) &&
	    addr_is(in, &s, &s.dst, &in->cfg->dst)) {
		cr = case_by_port(in, s.sport);
		if (cr == NULL || cr->status != CR_RUNNING)
			return;
		n = cr_packet(cr, pkt, caplen, len, ts);
		if (cr->pend_len > 0) {
			cr_step_pkt(cr, cr->pend[cr->pend_head], n);
			cr->pend_head = (cr->pend_head + 1) % PENDMAX;
			cr->pend_len--;
		}
		if (cr->t_first_cap == 0)
			cr->t_first_cap = ts;
		cr->t_sent_cap = ts;
		if (cr->rtt_syn_ts != 0 && cr->rtt == 0 &&
		    (s.flags & SEG_ACK) && ts > cr->rtt_syn_ts)
			cr->rtt = ts - cr->rtt_syn_ts;
		if (cr->wait == CR_WAIT_STEP && cr_ops(cr)->on_own != NULL)
			cr_ops(cr)->on_own(cr, cr_step(cr), ts);
		cr_trace_seg(cr, &s, 1, ts);
		if (cr->wait == CR_WAIT_DRAIN)
			cr_end(cr, REP_PASS, NULL);
		return;
	}
	if (!addr_is(in, &s, &s.src, &in->cfg->dst) ||
	    !addr_is(in, &s, &s.dst, &in->cfg->src))
		return;
	if (interp_health_seg(in, &s))
		return;		/* the answer to a health check */
	cr = case_by_port(in, s.dport);
	if (cr == NULL || cr->status != CR_RUNNING || !peer_port(cr, &s))
		return;
	cr->cur_pkt = cr_packet(cr, pkt, caplen, len, ts);
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	/* The target times the RTT from its first SYN (RFC 6298 2.2 and
	 * 3: not from a retransmitted one, Karn). */
	if ((s.flags & SEG_SYN) && cr->rtt_syn_ts == 0)
		cr->rtt_syn_ts = ts;
	cr_trace_seg(cr, &s, 0, ts);
	if (s.bad_csum) {
		cr_fail(cr, "target sent a segment with a bad TCP checksum");
		return;
	}
	if (seg_opt_ts(&s, &cr->peer_tsval, NULL) == 0)
		cr->have_peer_tsval = true;
	if (req_opts(cr, &s))
		return;
	target_seg(cr, &s, ts);
}

/* The capture failed (wire_error_cb): the run's environment. */
void
interp_capture_error_cb(const char *why, void *arg)
{
	struct interp *in = arg;

	in->env_error = 1;
	tc_errf(in->errbuf, sizeof(in->errbuf), "%s", why);
	interp_abort(in, "capture failed");
}
