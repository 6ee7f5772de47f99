/*
 * wire-live.c - the live wire (wire.h): segments go out through libnet
 * (inject.c), frames come in from libpcap (sniff.c) as the capture fd
 * becomes readable in the event loop, random values from getrandom(2).
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "inject.h"
#include "sniff.h"
#include "util.h"
#include "wire.h"

struct wire_live {
	struct wire w;		/* first: a struct wire * is one of these */
	struct inj *inj;
	struct snf *snf;
	char ifname[IF_NAMESIZE];
	struct ev_loop *loop;	/* while started */
	wire_frame_cb *frame;
	wire_error_cb *error;
	void *arg;
};

/* The handle is the first member: the cast is the container. */
static struct wire_live *
wire_live(struct wire *w)
{
	return (struct wire_live *)w;
}

static const struct wire_live *
wire_live_c(const struct wire *w)
{
	return (const struct wire_live *)w;
}

static int
wire_live_send(struct wire *w, const struct seg *s, char *errbuf,
    size_t errlen)
{
	return inj_send(wire_live(w)->inj, s, errbuf, errlen);
}

static void
wire_live_frame(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts,
    void *arg)
{
	struct wire_live *l = arg;

	l->frame(pkt, caplen, len, ts, l->arg);
}

/* The capture fd is readable: deliver what waits, never blocking. */
static void
wire_live_readable(int fd, short what, void *arg)
{
	struct wire_live *l = arg;
	char err[256];

	(void)fd;
	(void)what;
	if (snf_dispatch(l->snf, wire_live_frame, l, err, sizeof(err)) < 0)
		l->error(err, l->arg);
}

static int
wire_live_start(struct wire *w, struct ev_loop *loop, wire_frame_cb *frame,
    wire_error_cb *error, void *arg, char *errbuf, size_t errlen)
{
	struct wire_live *l = wire_live(w);

	l->frame = frame;
	l->error = error;
	l->arg = arg;
	if (ev_add_fd(loop, snf_fd(l->snf), wire_live_readable, l) != 0) {
		tc_errf(errbuf, errlen, "cannot watch the capture fd");
		return -1;
	}
	l->loop = loop;
	return 0;
}

static void
wire_live_stop(struct wire *w)
{
	struct wire_live *l = wire_live(w);

	if (l->loop != NULL)
		ev_del_fd(l->loop, snf_fd(l->snf));
	l->loop = NULL;
}

static int
wire_live_datalink(const struct wire *w)
{
	return snf_datalink(wire_live_c(w)->snf);
}

static unsigned
wire_live_mtu(const struct wire *w)
{
	return snf_mtu(wire_live_c(w)->snf);
}

static uint64_t
wire_live_drops(struct wire *w)
{
	return snf_drops(wire_live(w)->snf);
}

/* pcap stamps packets with CLOCK_REALTIME. */
static uint64_t
wire_live_cap_now(const struct wire *w)
{
	(void)w;
	return tc_clock_ns(CLOCK_REALTIME);
}

/* Our interface: up, and with carrier. */
static int
wire_live_link_ok(struct wire *w, char *why, size_t len)
{
	struct wire_live *l = wire_live(w);
	struct ifreq ifr;
	int fd, rc = 0;

	if (l->ifname[0] == '\0')
		return 0;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;	/* cannot tell: the SYN will */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		tc_errf(why, len, "interface %s: %s", l->ifname,
		    strerror(errno));
		rc = -1;
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		tc_errf(why, len, "interface %s is down", l->ifname);
		rc = -1;
	} else if (!(ifr.ifr_flags & IFF_RUNNING)) {
		tc_errf(why, len, "interface %s has no carrier: the link "
		    "to the target is down", l->ifname);
		rc = -1;
	}
	close(fd);
	return rc;
}

/* Every kind is 32 random bits here; without getrandom, the clock mixed
 * (Knuth's multiplicative hash) is still no constant. */
static uint32_t
wire_live_random32(struct wire *w, enum wire_rand what, uint16_t port)
{
	uint32_t v;

	(void)w;
	(void)what;
	(void)port;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)ev_now_ns() * 2654435761u;
	return v;
}

static void
wire_live_free(struct wire *w)
{
	wire_live_stop(w);
	free(wire_live(w));
}

static const struct wire_ops wire_live_ops = {
	.name = "live",
	.send = wire_live_send,
	.start = wire_live_start,
	.stop = wire_live_stop,
	.datalink = wire_live_datalink,
	.mtu = wire_live_mtu,
	.drops = wire_live_drops,
	.cap_now = wire_live_cap_now,
	.link_ok = wire_live_link_ok,
	.random32 = wire_live_random32,
	.free = wire_live_free,
};

struct wire *
wire_live_new(struct inj *inj, struct snf *snf, const char *ifname)
{
	struct wire_live *l = xcalloc(1, sizeof(*l));

	l->w.ops = &wire_live_ops;
	l->inj = inj;
	l->snf = snf;
	if (ifname != NULL)
		snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	return &l->w;
}
