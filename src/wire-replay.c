/*
 * wire-replay.c - a wire (wire.h) that plays back a recorded capture of
 * one case (tcpconform run --pcap, or any pcap/pcapng of the
 * conversation) on a virtual event loop (ev_new_virtual), so that the
 * engine judges the recorded run offline, with the same steps, matcher
 * and messages as live.
 *
 * Our own segments in the capture stand for what we sent: each send of
 * the engine is compared with the next of our frames (flags, sequence
 * and acknowledgment numbers, window, urgent pointer, options, payload),
 * and that frame is then delivered as the live capture delivers our own
 * copy.  The values the engine makes up at random (ISN, IP ids, the
 * TSval clock) are the capture's.  The target's frames are delivered in
 * capture order, each at its capture time mapped onto the virtual clock
 * from the last anchor: the start of the case, then each of our sends
 * (virtual now = the capture time of our frame it stands for).  So a
 * timer of the engine that would have fired between two captured frames
 * fires between them, drift never reorders frames, and a frame captured
 * before a deadline is seen before it (I/O timers fire first).  The
 * engine gets every capture timestamp unchanged: timing verdicts use
 * capture times, as live.
 *
 * A send that differs from the capture means the replay went another way
 * than the recorded run (another case, another tcpconform): the send
 * fails with both segments and the packet number, and the run ends with
 * an environment error (exit 3), never with a verdict on the target.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "seg.h"
#include "util.h"
#include "wire.h"
#include "wire-replay.h"

/* One case's capture holds at most a few thousand packets (PKTMAX). */
#define REPLAY_MAX_FRAMES 65536

struct rframe {
	uint8_t *data;
	size_t caplen, len;
	uint64_t ts;		/* capture time, ns */
	int rc;			/* seg_decode_frame's status */
	bool ours;		/* sent by us (our address and port) */
	struct seg s;		/* decoded; payload points into data */
};

struct wire_replay {
	struct wire w;
	char *path;
	int dlt;
	struct rframe *f;
	size_t nf;

	/* the two sides, from the capture */
	int af;
	union seg_addr our_addr, peer_addr;
	uint16_t our_port, peer_port;
	bool have_sides;

	/* playback */
	struct ev_loop *loop;
	wire_frame_cb *frame_cb;
	void *arg;
	size_t next;		/* the next frame to deliver */
	size_t claim;		/* our frames before it stand for sends */
	uint64_t timer;		/* delivers f[next] */
	bool anchored;		/* the case started */
	uint64_t anchor_v, anchor_c;	/* virtual time <-> capture time */
	char mismatch[1280];	/* the first send that differed, or "" */
	bool asked_ipid;	/* an IP id was drawn since the last send */
};

static const struct wire_ops replay_ops;

static struct wire_replay *
to_replay(const struct wire *w)
{
	return (struct wire_replay *)(uintptr_t)w;
}

/* ---- reading the capture ------------------------------------------------ */

/* Is decoded segment s from addr a, port p?  (Addresses may be all we
 * know of a malformed one.) */
static bool
from(const struct wire_replay *r, const struct seg *s,
    const union seg_addr *a, uint16_t p)
{
	return s->af == r->af && seg_addr_eq(s->af, &s->src, a) &&
	    s->sport == p;
}

static void
set_sides(struct wire_replay *r, const struct seg *s, bool sender_is_us)
{
	r->af = s->af;
	r->our_addr = sender_is_us ? s->src : s->dst;
	r->peer_addr = sender_is_us ? s->dst : s->src;
	r->our_port = sender_is_us ? s->sport : s->dport;
	r->peer_port = sender_is_us ? s->dport : s->sport;
	r->have_sides = true;
}

/*
 * Which side is ours: the sender of the first segment, since a target
 * speaks only when spoken to and the capture of a case begins as the case
 * does; in a client case the target connects to us (RFC 9293 3.10.1): the
 * sender of the first SYN without ACK, or of the first segment, is the
 * target.  A malformed segment counts if its addresses and ports could be
 * read (seg_decode_frame fills them in).
 */
static void
find_sides(struct wire_replay *r, bool client)
{
	const struct seg *first = NULL;
	size_t i;

	for (i = 0; i < r->nf; i++) {
		const struct seg *s = &r->f[i].s;

		if ((r->f[i].rc != SEG_OK && r->f[i].rc != SEG_MALFORMED) ||
		    s->af == 0)
			continue;
		if (first == NULL)
			first = s;
		if (!client)
			break;
		if (r->f[i].rc == SEG_OK &&
		    (s->flags & (SEG_SYN | SEG_ACK | SEG_RST)) == SEG_SYN) {
			first = s;
			break;
		}
	}
	if (first != NULL)
		set_sides(r, first, !client);
}

struct wire *
wire_replay_open(const char *path, bool client, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE], why[128];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct wire_replay *r;
	size_t i, cap = 0;
	pcap_t *p;
	int rc;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, perr);
	if (p == NULL) {
		tc_errf(errbuf, errlen, "%s: %s", path, perr);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->w.ops = &replay_ops;
	r->path = xstrdup(path);
	r->dlt = pcap_datalink(p);
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		struct rframe *f;

		if (r->nf == REPLAY_MAX_FRAMES) {
			tc_errf(errbuf, errlen, "%s: more than %d packets: not "
			    "the capture of one case", path, REPLAY_MAX_FRAMES);
			goto fail;
		}
		if (r->nf == cap) {
			cap = cap ? cap * 2 : 64;
			r->f = xreallocarray(r->f, cap, sizeof(*r->f));
		}
		f = &r->f[r->nf++];
		memset(f, 0, sizeof(*f));
		f->caplen = h->caplen;
		f->len = h->len < h->caplen ? h->caplen : h->len;
		f->data = xmalloc(f->caplen ? f->caplen : 1);
		memcpy(f->data, data, f->caplen);
		f->ts = (uint64_t)h->ts.tv_sec * NS_PER_SEC +
		    (uint64_t)h->ts.tv_usec;	/* ns: nano precision */
		f->rc = seg_decode_frame(r->dlt, f->data, f->caplen, f->len,
		    &f->s, why, sizeof(why));
	}
	if (rc == PCAP_ERROR) {
		/* libpcap says "truncated dump file" for a cut capture. */
		tc_errf(errbuf, errlen, "%s: %s (after %zu packets): a "
		    "damaged capture cannot be judged", path, pcap_geterr(p),
		    r->nf);
		goto fail;
	}
	pcap_close(p);
	p = NULL;
	find_sides(r, client);
	if (!r->have_sides) {
		tc_errf(errbuf, errlen, "%s: no TCP segment in %zu packets: "
		    "nothing to judge (a case skipped in the recorded run "
		    "leaves an empty capture)", path, r->nf);
		goto fail;
	}
	for (i = 0; i < r->nf; i++)
		r->f[i].ours = r->f[i].rc != SEG_TRUNCATED &&
		    r->f[i].rc != SEG_NOT_TCP &&
		    from(r, &r->f[i].s, &r->our_addr, r->our_port);
	return &r->w;
fail:
	if (p != NULL)
		pcap_close(p);
	r->w.ops->free(&r->w);
	return NULL;
}

int
wire_replay_sides(const struct wire *w, int *af, union seg_addr *ours,
    union seg_addr *peer, uint16_t *our_port, uint16_t *peer_port)
{
	const struct wire_replay *r = to_replay(w);

	*af = r->af;
	*ours = r->our_addr;
	*peer = r->peer_addr;
	*our_port = r->our_port;
	*peer_port = r->peer_port;
	return 0;
}

uint64_t
wire_replay_t0(const struct wire *w)
{
	const struct wire_replay *r = to_replay(w);

	return r->nf > 0 ? r->f[0].ts : 0;
}

/* ---- playback ----------------------------------------------------------- */

static void deliver_cb(uint64_t id, void *arg);

/* Our next frame not yet claimed by a send, r->nf if none. */
static size_t
next_ours(const struct wire_replay *r)
{
	size_t i;

	for (i = r->claim; i < r->nf; i++)
		if (r->f[i].ours)
			return i;
	return r->nf;
}

/*
 * Arm the delivery of the next frame: the target's at its capture time on
 * the virtual clock (now, if that has passed), ours once the engine has
 * sent what it stands for, right after the send.
 */
static void
schedule(struct wire_replay *r)
{
	const struct rframe *f;
	uint64_t now, due;

	if (r->timer != 0)
		ev_del_timer(r->loop, r->timer);
	r->timer = 0;
	if (r->loop == NULL || !r->anchored || r->next >= r->nf)
		return;
	f = &r->f[r->next];
	if (f->ours && r->next >= r->claim)
		return;		/* the engine has not sent it yet */
	now = ev_now(r->loop);
	due = now;
	if (!f->ours && f->ts > r->anchor_c &&
	    r->anchor_v + (f->ts - r->anchor_c) > now)
		due = r->anchor_v + (f->ts - r->anchor_c);
	r->timer = ev_add_io_timer(r->loop, due - now, deliver_cb, r);
	if (r->timer == 0)
		fatalx("out of memory");
}

static void
deliver_cb(uint64_t id, void *arg)
{
	struct wire_replay *r = arg;
	const struct rframe *f;

	(void)id;
	r->timer = 0;
	if (r->loop == NULL || r->next >= r->nf)
		return;
	f = &r->f[r->next++];
	r->frame_cb(f->data, f->caplen, f->len, f->ts, r->arg);
	if (r->timer == 0)
		schedule(r);
}

/* Set the anchor: virtual now is capture time c. */
static void
anchor(struct wire_replay *r, uint64_t c)
{
	r->anchored = true;
	r->anchor_v = ev_now(r->loop);
	r->anchor_c = c;
}

/* ---- comparing a send with the capture ----------------------------------- */

/* The options of s but the EOL padding after the last (seg_opts_encode
 * adds it, the decoder lists it). */
static unsigned
nopts_unpadded(const struct seg *s)
{
	unsigned n = s->nopts;

	while (n > 0 && s->opts[n - 1].kind == SEG_OPT_EOL)
		n--;
	return n;
}

/* Options equal but for TSval, which follows the virtual clock (the
 * capture's is put in its place). */
static bool
opts_equal(const struct seg *a, const struct seg *b)
{
	unsigned i, f, n = nopts_unpadded(a);
	uint32_t vx, vy;

	if (n != nopts_unpadded(b))
		return false;
	for (i = 0; i < n; i++) {
		const struct seg_opt *x = &a->opts[i], *y = &b->opts[i];

		if (x->kind != y->kind || x->len != y->len)
			return false;
		if (x->kind == SEG_OPT_SACK) {
			if (x->nsack != y->nsack || memcmp(x->u.sack, y->u.sack,
			    x->nsack * sizeof(x->u.sack[0])) != 0)
				return false;
		} else if (seg_opt_get(x, 0, &vx) == 0 ||
		    seg_opt_get(x, 1, &vx) == 0) {
			/* A known kind of valid length: its typed fields
			 * (0: MSS, WS; 1, 2: TSval, TSecr), but not TSval. */
			for (f = 0; f <= 2; f++) {
				if (x->kind == SEG_OPT_TS && f == 1)
					continue;
				if (seg_opt_get(x, f, &vx) == 0 &&
				    (seg_opt_get(y, f, &vy) != 0 || vx != vy))
					return false;
			}
		} else if (x->len > 2 && memcmp(x->u.raw, y->u.raw,
		    (size_t)x->len - 2) != 0) {
			return false;	/* no value, or bytes we cannot read */
		}
	}
	return true;
}

/*
 * Does the engine's segment s stand for captured frame f?  A frame that
 * did not decode (we sent it malformed on purpose: a forced data offset,
 * a bad option length) is compared by its ports only: the decoder says
 * nothing sure of the rest.
 */
static bool
seg_same(const struct seg *s, const struct rframe *f)
{
	const struct seg *c = &f->s;

	if (s->sport != c->sport || s->dport != c->dport)
		return false;
	if (f->rc != SEG_OK)
		return true;
	if (s->flags != c->flags || s->seq != c->seq || s->ack != c->ack ||
	    s->win != c->win || s->urp != c->urp)
		return false;
	/* A forced data offset moves where a reader finds the payload. */
	if (s->doff_set)
		return s->doff == c->doff;
	return s->paylen == c->paylen && (s->paylen == 0 ||
	    memcmp(s->payload, c->payload, s->paylen) == 0) &&
	    opts_equal(s, c);
}

/* "packet N" and f's tcpdump line, for messages. */
static void
frame_str(const struct wire_replay *r, size_t i, char *buf, size_t len)
{
	char line[512];

	if (r->f[i].rc == SEG_OK || r->f[i].rc == SEG_MALFORMED)
		seg_format(&r->f[i].s, 0, 0, line, sizeof(line));
	else
		snprintf(line, sizeof(line), "a packet that does not decode");
	snprintf(buf, len, "%s (packet %zu)", line, i + 1);
}

/*
 * The send does not stand for our next captured frame k (k == nf: there
 * is none): keep the first such difference whole for wire_replay_check,
 * and say it short in errbuf (the case's message).
 */
static int
mismatch(struct wire_replay *r, const struct seg *s, size_t k, char *errbuf,
    size_t errlen)
{
	char mine[512], theirs[600];

	seg_format(s, 0, 0, mine, sizeof(mine));
	if (k < r->nf)
		frame_str(r, k, theirs, sizeof(theirs));
	else
		snprintf(theirs, sizeof(theirs), "no more of our segments");
	if (r->mismatch[0] == '\0')
		snprintf(r->mismatch, sizeof(r->mismatch), "the case sent %s "
		    "but the capture has %s", mine, theirs);
	if (k < r->nf)
		tc_errf(errbuf, errlen, "replay: the case's segment is not "
		    "the capture's packet %zu (the recorded run went another "
		    "way)", k + 1);
	else
		tc_errf(errbuf, errlen, "replay: the case sent more than the "
		    "capture holds");
	return -1;
}

static int
replay_send(struct wire *w, const struct seg *s, char *errbuf, size_t errlen)
{
	struct wire_replay *r = to_replay(w);
	uint32_t tsval, old;
	struct seg *ms;
	size_t k;
	unsigned i;
	bool step;

	if (s->sport != r->our_port)
		return 0;	/* not the case's: the health probe */
	k = next_ours(r);
	step = r->asked_ipid;
	r->asked_ipid = false;
	/*
	 * The RST that aborts the connection a case left open is sent after
	 * its capture was closed (interp.c, case_cleanup): never recorded,
	 * nothing to compare.  It is the one segment of ours whose IP id
	 * the engine does not draw (random32 below); one of a step that
	 * differs goes unclaimed, which wire_replay_unsent reports.
	 */
	if ((s->flags & SEG_RST) && !step && (k == r->nf ||
	    !seg_same(s, &r->f[k])))
		return 0;
	if (k == r->nf || !seg_same(s, &r->f[k]))
		return mismatch(r, s, k, errbuf, errlen);
	/*
	 * Our TSval is our clock in ms since the case started (RFC 7323
	 * 5.4): the virtual clock is the capture's, not the live loop's, and
	 * may round to another ms.  The recorded value went on the wire and
	 * the target echoed it, so the engine must hold that one: the
	 * segment is the caller's own (send_seg's), written here on purpose.
	 */
	if (seg_opt_ts(&r->f[k].s, &tsval, NULL) == 0) {
		ms = (struct seg *)(uintptr_t)s;
		for (i = 0; i < ms->nopts; i++)
			if (ms->opts[i].kind == SEG_OPT_TS &&
			    seg_opt_get(&ms->opts[i], 1, &old) == 0)
				(void)seg_opt_set(&ms->opts[i], 1, tsval);
	}
	r->claim = k + 1;
	if (r->loop != NULL) {
		anchor(r, r->f[k].ts);
		schedule(r);
	}
	return 0;
}

int
wire_replay_check(const struct wire *w, char *errbuf, size_t errlen)
{
	const struct wire_replay *r = to_replay(w);

	if (r->mismatch[0] == '\0')
		return 0;
	tc_errf(errbuf, errlen, "%s", r->mismatch);
	return -1;
}

int
wire_replay_unsent(const struct wire *w, char *errbuf, size_t errlen)
{
	const struct wire_replay *r = to_replay(w);
	char theirs[600];
	size_t k;

	if ((k = next_ours(r)) == r->nf)
		return 0;
	frame_str(r, k, theirs, sizeof(theirs));
	tc_errf(errbuf, errlen, "the case ended, but the capture has more of "
	    "our segments: %s", theirs);
	return -1;
}

/* ---- the other operations ----------------------------------------------- */

static int
replay_start(struct wire *w, struct ev_loop *loop, wire_frame_cb *frame,
    wire_error_cb *error, void *arg, char *errbuf, size_t errlen)
{
	struct wire_replay *r = to_replay(w);

	(void)error;	/* the capture was read whole: it cannot fail now */
	(void)errbuf;
	(void)errlen;
	r->loop = loop;
	r->frame_cb = frame;
	r->arg = arg;
	schedule(r);
	return 0;
}

static void
replay_stop(struct wire *w)
{
	struct wire_replay *r = to_replay(w);

	if (r->loop != NULL && r->timer != 0)
		ev_del_timer(r->loop, r->timer);
	r->timer = 0;
	r->loop = NULL;
}

static int
replay_datalink(const struct wire *w)
{
	return to_replay(w)->dlt;
}

/* A capture file does not say its link's MTU. */
static unsigned
replay_mtu(const struct wire *w)
{
	(void)w;
	return 0;
}

/* What the file holds is all there is to judge. */
static uint64_t
replay_drops(struct wire *w)
{
	(void)w;
	return 0;
}

static uint64_t
replay_cap_now(const struct wire *w)
{
	const struct wire_replay *r = to_replay(w);

	if (r->loop == NULL || !r->anchored)
		return wire_replay_t0(w);
	return r->anchor_c + (ev_now(r->loop) - r->anchor_v);
}

static int
replay_link_ok(struct wire *w, char *why, size_t len)
{
	(void)w;
	(void)why;
	(void)len;
	return 0;
}

/* The first of our segments with a TS option: its TSval, 0 if none. */
static uint32_t
first_tsval(const struct wire_replay *r)
{
	uint32_t val;
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (r->f[i].ours && r->f[i].rc == SEG_OK &&
		    seg_opt_ts(&r->f[i].s, &val, NULL) == 0)
			return val;
	return 0;
}

/* Our ISN: the sequence number of our SYN (or SYN-ACK in a client case),
 * else of our first segment (a case that never opens a connection). */
static uint32_t
our_isn(const struct wire_replay *r)
{
	size_t i, first = r->nf;

	for (i = 0; i < r->nf; i++) {
		/* A SYN with a bad option still has its header read. */
		if (!r->f[i].ours || (r->f[i].rc != SEG_OK &&
		    r->f[i].rc != SEG_MALFORMED))
			continue;
		if (r->f[i].s.flags & SEG_SYN)
			return r->f[i].s.seq;
		if (first == r->nf)
			first = i;
	}
	return first < r->nf ? r->f[first].s.seq : 0;
}

/*
 * The values of the recorded run.  The case's ISN is asked for as it
 * starts (interp.c, case_start): that is the first anchor, the case's
 * start at the capture's first packet, and its frames begin to flow.
 */
static uint32_t
replay_random32(struct wire *w, enum wire_rand what, uint16_t port)
{
	struct wire_replay *r = to_replay(w);
	size_t k;

	if (port != r->our_port)
		return 0;
	switch (what) {
	case WIRE_RAND_ISN:
		if (!r->anchored && r->loop != NULL) {
			anchor(r, wire_replay_t0(w));
			schedule(r);
		}
		return our_isn(r);
	case WIRE_RAND_TSBASE:
		return first_tsval(r);
	case WIRE_RAND_IPID:
		r->asked_ipid = true;	/* a step's segment comes */
		k = next_ours(r);
		return k < r->nf && r->af == AF_INET ? r->f[k].s.ipid : 0;
	case WIRE_RAND_PROBE_SEQ:
		break;
	}
	return 0;
}

static void
replay_free(struct wire *w)
{
	struct wire_replay *r = to_replay(w);
	size_t i;

	replay_stop(w);
	for (i = 0; i < r->nf; i++)
		free(r->f[i].data);
	free(r->f);
	free(r->path);
	free(r);
}

static const struct wire_ops replay_ops = {
	.name = "replay",
	.send = replay_send,
	.start = replay_start,
	.stop = replay_stop,
	.datalink = replay_datalink,
	.mtu = replay_mtu,
	.drops = replay_drops,
	.cap_now = replay_cap_now,
	.link_ok = replay_link_ok,
	.random32 = replay_random32,
	.free = replay_free,
};
