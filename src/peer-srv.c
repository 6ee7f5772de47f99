/*
 * peer-srv.c - the services of tcpconform-peer (peer.h): one handler per
 * service, called by the loop in peer.c for each of its connections.
 *
 * Services (a closed port is not a service: it simply has no listener):
 *	echo	RFC 862: send back everything received; on EOF, finish
 *		sending what is pending, then close.
 *	discard	RFC 863: read and drop; close on EOF.
 *	daytime	RFC 867 style greet-then-close: send the banner, wait until
 *		it is acknowledged, close.
 *	hold	accept and keep; never read, never write.
 *	lazyclose  like discard, but on EOF wait LAZY_MS before close(), so
 *		the ACK of the peer's FIN and our own FIN are separate
 *		segments (Linux delays the ACK of a FIN and would piggyback
 *		it on an immediate FIN).
 *	coa	close-on-accept: close() at once (FIN, RFC 9293 3.10.4).
 *	roc	reset-on-close: SO_LINGER {1, 0}, then close() at once, so
 *		the stack aborts with a RST (RFC 9293 3.10.5).
 *	hc	half-close: shutdown(SHUT_WR) at once, then read and count
 *		what arrives until EOF (RFC 9293 3.6.1), then close.
 *	ka	hold with SO_KEEPALIVE and per-socket idle, interval and
 *		count (RFC 9293 3.8.4), so no sysctl has to be pinned;
 *		ka:IDLE,INTVL,CNT=PORT sets them (default 5,2,3 s/s/probes).
 *	kaoff	ka's socket options without SO_KEEPALIVE: keepalive stays
 *		at its default, which RFC 9293 3.8.4 (MUST-25) says is off,
 *		so no probe may come however short the idle time.
 *
 * Resources are bounded: at most ECHOBUF bytes of echo backlog per
 * connection (reading stops while it is full).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

#define ECHOBUF		(64 * 1024)
#define GREET_MS	2000		/* max wait for the banner's ACK */
#define LAZY_MS		250		/* lazyclose: EOF to close() */
#define DEFBANNER	"tcpconform-peer greet\r\n"

static handler_fn echo_handler, discard_handler, daytime_handler,
    hold_handler, lazyclose_handler, coa_handler, roc_handler, hc_handler,
    ka_handler, kaoff_handler;

static const struct service services[] = {
	{ "echo",	echo_handler,		0 },
	{ "discard",	discard_handler,	0 },
	{ "daytime",	daytime_handler,	0 },
	{ "hold",	hold_handler,		0 },
	{ "lazyclose",	lazyclose_handler,	0 },
	{ "coa",	coa_handler,		0 },
	{ "roc",	roc_handler,		0 },
	{ "hc",		hc_handler,		0 },
	{ "ka",		ka_handler,		1 },
	{ "kaoff",	kaoff_handler,		1 },
};

static char		*banner;		/* daytime's, peer_srv_banner */
static size_t		 bannerlen;
static unsigned char	 scratch[ECHOBUF];	/* what drain() and hc read into */

static int
expired(const struct timespec *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ts->tv_sec ||
	    (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/*
 * Read and drop whatever is queued.  Returns -1 on error, 0 on EOF,
 * 1 if the socket would block.
 */
static int
drain(struct conn *c)
{
	ssize_t n;

	for (;;) {
		n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		c->why = strerror(errno);
		return -1;
	}
}

/* Common handling of POLLERR/POLLHUP: the connection is gone (RST). */
static int
dead(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if ((c->revents & (POLLERR | POLLHUP | POLLNVAL)) == 0)
		return 0;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	    err != 0)
		c->why = strerror(err);
	else
		c->why = "hangup";
	return 1;
}

/*
 * RFC 862 echo.  A ring buffer of ECHOBUF bytes decouples reading from
 * writing; while it is full we stop polling for input, so the receive
 * window closes instead of memory growing.
 */
static int
echo_handler(struct conn *c, enum ev ev)
{
	ssize_t n;
	size_t head, room, chunk;

	if (ev == EV_START) {
		if ((c->buf = malloc(ECHOBUF)) == NULL) {
			c->why = "out of memory";
			return 1;
		}
		c->events = POLLIN;
		return 0;
	}
	if (ev != EV_IO)
		return 0;
	if (c->revents & POLLERR && dead(c))
		return 1;

	if ((c->revents & (POLLIN | POLLHUP)) && !c->eof) {
		while (c->len < ECHOBUF) {
			head = (c->off + c->len) % ECHOBUF;
			room = ECHOBUF - c->len;
			chunk = ECHOBUF - head < room ? ECHOBUF - head : room;
			n = recv(c->fd, c->buf + head, chunk, 0);
			if (n > 0) {
				c->len += (size_t)n;
				continue;
			}
			if (n == 0) {
				c->eof = 1;
				break;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			c->why = strerror(errno);
			return 1;
		}
	}

	while (c->len > 0) {
		chunk = ECHOBUF - c->off < c->len ? ECHOBUF - c->off : c->len;
		n = send(c->fd, c->buf + c->off, chunk, MSG_NOSIGNAL);
		if (n > 0) {
			c->off = (c->off + (size_t)n) % ECHOBUF;
			c->len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		c->why = n < 0 ? strerror(errno) : "short send";
		return 1;
	}
	if (c->len == 0)
		c->off = 0;

	if (c->eof && c->len == 0) {
		c->why = "eof";
		return 1;
	}
	if (c->revents & POLLHUP && c->len == 0 && dead(c))
		return 1;
	c->events = 0;
	if (!c->eof && c->len < ECHOBUF)
		c->events |= POLLIN;
	if (c->len > 0)
		c->events |= POLLOUT;
	return 0;
}

/* RFC 863 discard. */
static int
discard_handler(struct conn *c, enum ev ev)
{
	if (ev == EV_START) {
		c->events = POLLIN;
		return 0;
	}
	if (ev != EV_IO)
		return 0;
	if (c->revents & POLLERR && dead(c))
		return 1;
	switch (drain(c)) {
	case -1:
		return 1;
	case 0:
		c->why = "eof";
		return 1;
	}
	return 0;
}

/* Discard, then close LAZY_MS after the peer's FIN. */
static int
lazyclose_handler(struct conn *c, enum ev ev)
{
	if (c->eof) {
		if (ev == EV_IO && dead(c))
			return 1;
		if (!expired(&c->deadline))
			return 0;
		c->why = "eof, lazily";
		return 1;
	}
	if (discard_handler(c, ev) == 0)
		return 0;
	if (c->why == NULL || strcmp(c->why, "eof") != 0)
		return 1;
	c->why = NULL;
	c->eof = 1;
	c->events = 0;
	c->ticking = 1;
	peer_deadline(&c->deadline, LAZY_MS);
	return 0;
}

/*
 * Greet then close, in the style of RFC 867 daytime: send the banner, wait
 * until the peer has acknowledged all of it, close.
 *
 * The wait is what makes the on-wire order deterministic.  Closing right
 * after send() lets the kernel coalesce the FIN into the data segment (or
 * not) depending on timing; instead we poll SIOCOUTQ (bytes not yet
 * acknowledged) every TICK_MS until it is 0, at most GREET_MS, so the
 * tester always sees: banner segment, its own ACK, then a separate FIN.
 * Input is read and dropped ("any data received is thrown away",
 * RFC 867), which also keeps close() from turning the FIN into an RST
 * because of unread data.
 */
/* Queue as much of the banner as the socket takes; 1 on a fatal error. */
static int
greet_send(struct conn *c)
{
	ssize_t n;

	while (c->off < bannerlen) {
		n = send(c->fd, banner + c->off, bannerlen - c->off,
		    MSG_NOSIGNAL);
		if (n > 0) {
			c->off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		c->why = n < 0 ? strerror(errno) : "short send";
		return 1;
	}
	/* All queued: from now on, give the ACK GREET_MS to arrive. */
	peer_deadline(&c->deadline, GREET_MS);
	return 0;
}

static int
daytime_handler(struct conn *c, enum ev ev)
{
	int outq;

	switch (ev) {
	case EV_START:
		c->ticking = 1;
		peer_deadline(&c->deadline, GREET_MS);
		if (greet_send(c))
			return 1;
		break;
	case EV_IO:
		if (dead(c))
			return 1;
		if (c->revents & POLLIN && !c->eof) {
			switch (drain(c)) {
			case -1:
				return 1;
			case 0:
				c->eof = 1;
				break;
			}
		}
		if (c->off < bannerlen && c->revents & POLLOUT &&
		    greet_send(c))
			return 1;
		break;
	case EV_TICK:
		break;
	}

	if (c->off == bannerlen) {
		if (ioctl(c->fd, SIOCOUTQ, &outq) == -1) {
			c->why = strerror(errno);
			return 1;
		}
		if (outq == 0) {
			c->why = "greeted";
			goto out;
		}
	}
	if (expired(&c->deadline)) {
		c->why = c->off == bannerlen ? "banner not acknowledged" :
		    "banner not sent";
		goto out;
	}
	c->events = (c->eof ? 0 : POLLIN) | (c->off < bannerlen ? POLLOUT : 0);
	return 0;
out:
	if (!c->eof)
		(void)drain(c);
	return 1;
}

/*
 * Accept and keep: never read, never write, so the receive window fills
 * and the peer sees exactly what a stuck application looks like.  Only
 * an RST (POLLERR/POLLHUP) ends it; that socket is already CLOSED in the
 * kernel, so close() puts nothing on the wire.
 */
static int
hold_handler(struct conn *c, enum ev ev)
{
	if (ev == EV_START) {
		c->events = 0;
		return 0;
	}
	return ev == EV_IO && dead(c);
}

/* Close right after accept: a FIN at once (RFC 9293 3.10.4, CLOSE). */
static int
coa_handler(struct conn *c, enum ev ev)
{
	(void)ev;
	c->why = "closed on accept";
	return 1;
}

/*
 * Reset on close: SO_LINGER with a zero timeout makes close() an ABORT
 * (RFC 9293 3.10.5): the stack sends a RST and keeps no TIME-WAIT.
 */
static int
roc_handler(struct conn *c, enum ev ev)
{
	struct linger lg = { 1, 0 };

	(void)ev;
	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1)
		c->why = strerror(errno);
	else
		c->why = "aborted on accept";
	return 1;
}

/*
 * Half-close: shutdown(SHUT_WR) at once sends our FIN, and the connection
 * still receives (RFC 9293 3.6.1: FIN-WAIT-1/2 accept text).  What
 * arrives is read and counted; EOF (the peer's FIN) ends it.
 */
static int
hc_handler(struct conn *c, enum ev ev)
{
	static char why[64];
	ssize_t n;

	if (ev == EV_START) {
		if (shutdown(c->fd, SHUT_WR) == -1) {
			c->why = strerror(errno);
			return 1;
		}
		c->events = POLLIN;
		return 0;
	}
	if (ev != EV_IO)
		return 0;
	if (c->revents & POLLERR && dead(c))
		return 1;
	for (;;) {
		n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n > 0) {
			c->nread += (unsigned long long)n;
			continue;
		}
		if (n == 0) {
			snprintf(why, sizeof(why), "eof after %llu bytes",
			    c->nread);
			c->why = why;
			return 1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		c->why = strerror(errno);
		return 1;
	}
}

/*
 * Hold with keepalive (RFC 9293 3.8.4; RFC 1122 4.2.3.6).  The per-socket
 * options override the net.ipv4.tcp_keepalive_* sysctls, so a case needs
 * no sysctl pin.  The abort after the last unanswered probe shows up as
 * POLLERR (ETIMEDOUT).
 */
static int
ka_start(struct conn *c, enum ev ev, int keepalive)
{
	const struct kaparm *k = c->ka;
	int on = 1;

	if (ev != EV_START)
		return ev == EV_IO && dead(c);
	if ((keepalive && setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &on,
	    sizeof(on)) == -1) ||
	    setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPIDLE, &k->idle,
	    sizeof(k->idle)) == -1 ||
	    setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPINTVL, &k->intvl,
	    sizeof(k->intvl)) == -1 ||
	    setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPCNT, &k->cnt,
	    sizeof(k->cnt)) == -1) {
		c->why = strerror(errno);
		return 1;
	}
	c->events = 0;
	return 0;
}

static int
ka_handler(struct conn *c, enum ev ev)
{
	return ka_start(c, ev, 1);
}

/* The same timers, but SO_KEEPALIVE left at the stack's default. */
static int
kaoff_handler(struct conn *c, enum ev ev)
{
	return ka_start(c, ev, 0);
}

const struct service *
peer_srv_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strlen(services[i].name) == len &&
		    strncmp(services[i].name, name, len) == 0)
			return &services[i];
	return NULL;
}

/* Expand \r \n \t \\ so a CRLF banner can be given on a command line. */
static char *
unescape(const char *s, size_t *lenp)
{
	char *d, *p;

	if ((d = malloc(strlen(s) + 1)) == NULL) {
		peer_warn("out of memory");
		exit(EX_SOCKET);
	}
	for (p = d; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			*p++ = *s;
			continue;
		}
		switch (*++s) {
		case 'r':
			*p++ = '\r';
			break;
		case 'n':
			*p++ = '\n';
			break;
		case 't':
			*p++ = '\t';
			break;
		case '\\':
			*p++ = '\\';
			break;
		default:
			*p++ = '\\';
			*p++ = *s;
			break;
		}
	}
	*lenp = (size_t)(p - d);
	return d;
}

void
peer_srv_banner(const char *arg)
{
	banner = unescape(arg != NULL ? arg : DEFBANNER, &bannerlen);
}

void
peer_srv_free(void)
{
	free(banner);
	banner = NULL;
	bannerlen = 0;
}
