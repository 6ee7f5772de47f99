/*
 * wire.h - what the engine sends segments into and captures frames from:
 * a const table of operations behind one handle (packetdrill's netdev_ops).
 * The live wire (wire-live.c) is libnet and libpcap on a real link; a
 * replay wire reads a recorded capture.  The engine knows nothing else of
 * either: it calls these operations only, through the wire_* wrappers.
 */
#ifndef TC_WIRE_H
#define TC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "seg.h"

struct ev_loop;
struct inj;
struct snf;
struct wire;

/*
 * The values the engine makes up at random.  A live wire draws them; a
 * replay wire returns those the recorded run used, so that the numbers
 * in the capture are the numbers the engine expects.
 */
enum wire_rand {
	WIRE_RAND_ISN,		/* a case's initial sequence number */
	WIRE_RAND_TSBASE,	/* a case's TSval clock base (RFC 7323 5.4) */
	WIRE_RAND_IPID,		/* the IP id of a segment we send */
	WIRE_RAND_PROBE_SEQ,	/* the health probe SYN's sequence number */
};

/*
 * One captured frame: caplen bytes of it captured, len on the wire,
 * ts_ns its capture timestamp (the capture clock, see wire_cap_now).
 */
typedef void wire_frame_cb(const uint8_t *frame, size_t caplen, size_t len,
    uint64_t ts_ns, void *arg);
/* Capture failed for good (why): no frame comes any more. */
typedef void wire_error_cb(const char *why, void *arg);

struct wire_ops {
	const char *name;	/* "live", "replay": for messages */

	/*
	 * Put s on the wire (IPv4 or IPv6 + TCP + options + payload, as
	 * seg.h describes it, a wrong checksum when s->bad_csum).  Our copy
	 * comes back through the capture like any frame.  Returns 0, or -1
	 * with a message in errbuf.
	 */
	int (*send)(struct wire *w, const struct seg *s, char *errbuf,
	    size_t errlen);

	/*
	 * Deliver captured frames through loop to frame(arg), in capture
	 * order, from loop callbacks only (never from inside start), until
	 * stop; on a capture failure call error(arg) once instead and
	 * deliver no more.  Returns 0, or -1 with a message in errbuf.
	 */
	int (*start)(struct wire *w, struct ev_loop *loop,
	    wire_frame_cb *frame, wire_error_cb *error, void *arg,
	    char *errbuf, size_t errlen);
	/* Deliver no more frames; the loop holds nothing of w after it. */
	void (*stop)(struct wire *w);

	/* The link type of the frames delivered (a pcap DLT_*). */
	int (*datalink)(const struct wire *w);

	/* The link's MTU, the largest IP packet it carries as such, 0 if
	 * unknown (see seg_gso_piece). */
	unsigned (*mtu)(const struct wire *w);

	/* Frames lost to the capture so far (0 when it cannot tell): a
	 * failing case quotes the count a case saw. */
	uint64_t (*drops)(struct wire *w);

	/* The capture clock now, in ns: the clock frame timestamps are on
	 * (pcap's is CLOCK_REALTIME), for deadlines judged on capture
	 * times. */
	uint64_t (*cap_now)(const struct wire *w);

	/*
	 * Our link towards the target: 0 when up (or when it cannot tell),
	 * -1 with why when it is down or gone.  The health check's first
	 * question.
	 */
	int (*link_ok)(struct wire *w, char *why, size_t len);

	/* A value of kind what for our port port (the case's, or the health
	 * probe's): 32 random bits, or what the recorded run used. */
	uint32_t (*random32)(struct wire *w, enum wire_rand what,
	    uint16_t port);

	/* Stop if started, then free w and what it owns. */
	void (*free)(struct wire *w);
};

/* An implementation embeds this first and sets ops. */
struct wire {
	const struct wire_ops *ops;
};

/* The wrappers the engine calls: see the operations above. */
static inline int
wire_send(struct wire *w, const struct seg *s, char *errbuf, size_t errlen)
{
	return w->ops->send(w, s, errbuf, errlen);
}

static inline int
wire_start(struct wire *w, struct ev_loop *loop, wire_frame_cb *frame,
    wire_error_cb *error, void *arg, char *errbuf, size_t errlen)
{
	return w->ops->start(w, loop, frame, error, arg, errbuf, errlen);
}

static inline void
wire_stop(struct wire *w)
{
	w->ops->stop(w);
}

static inline int
wire_datalink(const struct wire *w)
{
	return w->ops->datalink(w);
}

static inline unsigned
wire_mtu(const struct wire *w)
{
	return w->ops->mtu(w);
}

static inline uint64_t
wire_drops(struct wire *w)
{
	return w->ops->drops(w);
}

static inline uint64_t
wire_cap_now(const struct wire *w)
{
	return w->ops->cap_now(w);
}

static inline int
wire_link_ok(struct wire *w, char *why, size_t len)
{
	return w->ops->link_ok(w, why, len);
}

static inline uint32_t
wire_random32(struct wire *w, enum wire_rand what, uint16_t port)
{
	return w->ops->random32(w, what, port);
}

/* Free w (NULL is fine). */
static inline void
wire_free(struct wire *w)
{
	if (w != NULL)
		w->ops->free(w);
}

/* wire-live.c */

/*
 * The live wire over an open injector and capture (net.c opens them; they
 * stay the caller's, to close after wire_free).  ifname: our interface to
 * the target, for link_ok (NULL or "": not checked).  Never fails.
 */
struct wire *wire_live_new(struct inj *inj, struct snf *snf,
    const char *ifname);

#endif
