/*
 * peer.c - tcpconform-peer: the target-side services the conformance
 * cases talk to.  Runs inside the lab's target namespace, or on any Linux
 * device under test.
 *
 * One process, one ppoll(2) loop, non-blocking sockets; no threads, no
 * fork, so the wire behaviour of every service is a function of what the
 * tester sends and nothing else.  Resources are bounded: at most MAXCONN
 * connections (more are closed at once), at most ECHOBUF bytes of echo
 * backlog per connection (reading stops while it is full).
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
 * "tcpconform-peer connect ADDR PORT ..." is the client side instead: one
 * active open to the tester (SYN-SENT cases, simultaneous open), see
 * client_main().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG		"tcpconform-peer"
#define BACKLOG		128
#define MAXCONN		1024
#define MAXLISTEN	64
#define ECHOBUF		(64 * 1024)
#define ACCEPTBURST	64		/* accepts per listener per wakeup */
#define TICK_MS		10		/* SIOCOUTQ poll interval */
#define GREET_MS	2000		/* max wait for the banner's ACK */
#define LAZY_MS		250		/* lazyclose: EOF to close() */
#define DEFBANNER	"tcpconform-peer greet\r\n"
#define KA_IDLE		5		/* ka: seconds idle before probing */
#define KA_INTVL	2		/* ka: seconds between probes */
#define KA_CNT		3		/* ka: unanswered probes before abort */
#define CL_TIMEOUT	60		/* connect: default --timeout, seconds */
#define CL_SENDMAX	(1024 * 1024)	/* connect: largest --send */

#define EX_USAGE	1
#define EX_SOCKET	2
#define EX_CONNECT	3		/* connect: the active open failed */
#define EX_RESET	4		/* connect: reset after it was open */

enum ev { EV_START, EV_IO, EV_TICK };

struct conn;
typedef int handler_fn(struct conn *, enum ev);

struct service {
	const char	*name;
	handler_fn	*handler;	/* returns 0 to keep, 1 to close */
	int		 takes_arg;	/* accepts NAME:ARG=PORT */
};

/* ka's keepalive parameters (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT). */
struct kaparm {
	int		 idle, intvl, cnt;
};

struct conn {
	int			 fd;	/* -1: free slot */
	const struct service	*svc;
	short			 events;	/* what to poll for */
	short			 revents;
	int			 eof;	/* peer sent FIN */
	int			 ticking;	/* wants EV_TICK every TICK_MS */
	const char		*why;	/* close reason, for -v */
	const struct kaparm	*ka;	/* ka: its listener's parameters */
	unsigned long long	 nread;	/* hc: bytes read and dropped */
	char			 name[INET6_ADDRSTRLEN + 16];
	/* echo: ring buffer; daytime: banner offset in off */
	unsigned char		*buf;
	size_t			 off, len;
	struct timespec		 deadline;
};

struct listener {
	int			 fd;
	const struct service	*svc;
	struct kaparm		 ka;
	char			 name[INET6_ADDRSTRLEN + 16];
};

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

static struct conn	 conns[MAXCONN];
static size_t		 nconns, maxconns = MAXCONN;
static struct listener	 listeners[MAXLISTEN];
static size_t		 nlisteners;
static int		 verbose;
static char		*banner;
static size_t		 bannerlen;
static unsigned char	 scratch[ECHOBUF];	/* discard's sink */
static volatile sig_atomic_t quit;

static void pwarn(const char *, ...)
    __attribute__((__format__(__printf__, 1, 2)));

static void
pwarn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
vlog(const struct conn *c, const char *what)
{
	if (verbose)
		pwarn("%s: %s %s%s%s", c->svc->name, what, c->name,
		    c->why ? ": " : "", c->why ? c->why : "");
}

static _Noreturn void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: %s [-v] [-a ADDR] [-b BANNER] SERVICE[:ARG]=PORT ...\n"
	    "       %s connect [-v] [--syncnt N] [--send N] [--timeout S]"
	    " ADDR PORT\n"
	    "       %s -h | --help | -V | --version\n"
	    "  -a ADDR    bind to ADDR (default: any IPv4, and any IPv6 if"
	    " available)\n"
	    "  -b BANNER  daytime banner; \\r \\n \\t \\\\ are expanded"
	    " (default: \"tcpconform-peer greet\\r\\n\")\n"
	    "  -v         log each accept and close to stderr\n"
	    "services: echo (RFC 862), discard (RFC 863),"
	    " daytime (RFC 867, greet then close), hold,\n"
	    "          lazyclose (discard, close 250 ms after EOF),"
	    " coa (close on accept),\n"
	    "          roc (reset on close: SO_LINGER 0), hc (shutdown(SHUT_WR),"
	    " then read),\n"
	    "          ka[:IDLE,INTVL,CNT] (hold with SO_KEEPALIVE;"
	    " default 5,2,3),\n"
	    "          kaoff[:IDLE,INTVL,CNT] (the same timers, SO_KEEPALIVE"
	    " left off)\n"
	    "prints \"ready\" on stdout once every listener is up\n", PROG,
	    PROG, PROG);
	exit(status);
}

static void
timespec_add_ms(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int
expired(const struct timespec *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ts->tv_sec ||
	    (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

static void
fmtaddr(const struct sockaddr *sa, socklen_t salen, char *dst, size_t dstlen)
{
	char host[INET6_ADDRSTRLEN], serv[8];

	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(dst, dstlen, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(dst, dstlen, "[%s]:%s", host, serv);
	else
		snprintf(dst, dstlen, "%s:%s", host, serv);
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
	timespec_add_ms(&c->deadline, LAZY_MS);
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
	timespec_add_ms(&c->deadline, GREET_MS);
	return 0;
}

static int
daytime_handler(struct conn *c, enum ev ev)
{
	int outq;

	switch (ev) {
	case EV_START:
		c->ticking = 1;
		timespec_add_ms(&c->deadline, GREET_MS);
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

static void
conn_close(struct conn *c)
{
	vlog(c, "close");
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	nconns--;
}

static void
do_accept(struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct conn *c;
	size_t i;
	int fd, k;

	for (k = 0; k < ACCEPTBURST; k++) {
		sslen = sizeof(ss);
		fd = accept4(l->fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pwarn("accept %s: %s", l->name,
				    strerror(errno));
			return;
		}
		if (nconns >= maxconns) {
			/* Bounded: refuse by closing at once. */
			if (verbose)
				pwarn("%s: refused: %zu connections",
				    l->svc->name, nconns);
			close(fd);
			continue;
		}
		for (i = 0; i < MAXCONN && conns[i].fd != -1; i++)
			;
		c = &conns[i];
		c->fd = fd;
		c->svc = l->svc;
		c->ka = &l->ka;
		fmtaddr((struct sockaddr *)&ss, sslen, c->name,
		    sizeof(c->name));
		nconns++;
		vlog(c, "accept");
		if (c->svc->handler(c, EV_START))
			conn_close(c);
	}
}

static int
open_listener(const struct service *svc, const struct kaparm *ka,
    int family, const void *addr, int port, int optional)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct listener *l;
	socklen_t sslen;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
		sslen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
		sslen = sizeof(*sin6);
	}
	if (nlisteners == MAXLISTEN) {
		pwarn("too many listeners (max %d)", MAXLISTEN);
		exit(EX_USAGE);
	}
	l = &listeners[nlisteners];
	l->svc = svc;
	l->ka = *ka;
	fmtaddr((struct sockaddr *)&ss, sslen, l->name, sizeof(l->name));

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		if (optional && errno == EAFNOSUPPORT)
			return 0;
		pwarn("socket %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1) {
		pwarn("SO_REUSEADDR %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	/* The IPv4 socket serves IPv4; keep :: from claiming it too. */
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &on, sizeof(on)) == -1) {
		pwarn("IPV6_V6ONLY %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		if (optional && errno == EADDRNOTAVAIL) {
			close(fd);
			return 0;
		}
		pwarn("bind %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	if (listen(fd, BACKLOG) == -1) {
		pwarn("listen %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	l->fd = fd;
	nlisteners++;
	return 1;
}

static const struct service *
lookup(const char *name, size_t len)
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
		pwarn("out of memory");
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

static void
onsignal(int sig)
{
	(void)sig;
	quit = 1;
}

/* 1024 connections plus listeners need more than the usual soft limit. */
static void
raise_nofile(void)
{
	struct rlimit rl;
	rlim_t need = MAXCONN + MAXLISTEN + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max >= need ? need : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
		maxconns = rl.rlim_cur > MAXLISTEN + 16 + 1 ?
		    (size_t)(rl.rlim_cur - MAXLISTEN - 16) : 1;
}

/* A decimal number in lo..hi spanning s..stop; 0 or -1. */
static int
parse_num(const char *s, const char *stop, long lo, long hi, long *v)
{
	char buf[16], *end;
	size_t n = (size_t)(stop - s);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtol(buf, &end, 10);
	return *end != '\0' || errno != 0 || *v < lo || *v > hi ? -1 : 0;
}

/* "IDLE,INTVL,CNT" up to stop (the '='); 32767 is Linux's limit. */
static int
parse_ka(const char *s, const char *stop, struct kaparm *k)
{
	int *f[3] = { &k->idle, &k->intvl, &k->cnt };
	const char *e;
	long v;
	int i;

	for (i = 0; i < 3; i++) {
		for (e = s; e < stop && *e != ','; e++)
			;
		if ((i < 2) != (e < stop) ||
		    parse_num(s, e, 1, 32767, &v) != 0)
			return -1;
		*f[i] = (int)v;
		s = e + 1;
	}
	return 0;
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000L +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000L;
}

/*
 * Client mode: one active open to ADDR PORT, for the cases where the
 * target is the one that connects (SYN-SENT, simultaneous open).
 * --syncnt sets TCP_SYNCNT, so a case bounds the SYN retransmissions
 * without pinning net.ipv4.tcp_syn_retries; --send queues N bytes once
 * connected; what arrives is read and dropped.  It ends on EOF (then
 * close(), a FIN), on an error, or after --timeout seconds in all.
 */
static int
client_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "send",	required_argument,	NULL,	's' },
		{ "syncnt",	required_argument,	NULL,	'c' },
		{ "timeout",	required_argument,	NULL,	't' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 },
	};
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct timespec deadline;
	struct pollfd pfd;
	socklen_t sslen, len;
	const char *p;
	char name[INET6_ADDRSTRLEN + 16], rbuf[4096];
	long v, syncnt = 0, tosend = 0, timeout = CL_TIMEOUT, left;
	ssize_t n;
	size_t i;
	int ch, fd, err, connected = 0;

	while ((ch = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		p = optarg;
		switch (ch) {
		case 'c':
			/* Linux accepts 1..MAX_TCP_SYNCNT (127). */
			if (parse_num(p, p + strlen(p), 1, 127, &syncnt) != 0)
				goto bad;
			break;
		case 's':
			if (parse_num(p, p + strlen(p), 0, CL_SENDMAX,
			    &tosend) != 0)
				goto bad;
			break;
		case 't':
			if (parse_num(p, p + strlen(p), 1, 86400,
			    &timeout) != 0)
				goto bad;
			break;
		case 'h':
			usage(0);
			/* NOTREACHED */
		case 'v':
			verbose = 1;
			break;
		default:
			usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage(EX_USAGE);
	memset(&ss, 0, sizeof(ss));
	if (parse_num(argv[1], argv[1] + strlen(argv[1]), 1, 65535, &v) != 0) {
		pwarn("connect: %s: bad port", argv[1]);
		exit(EX_USAGE);
	}
	if (inet_pton(AF_INET, argv[0], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)v);
		sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[0], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)v);
		sslen = sizeof(*sin6);
	} else {
		pwarn("connect: %s: not a numeric IPv4 or IPv6 address",
		    argv[0]);
		exit(EX_USAGE);
	}
	fmtaddr((struct sockaddr *)&ss, sslen, name, sizeof(name));
	for (i = 0; i < sizeof(scratch); i++)
		scratch[i] = (unsigned char)('a' + i % 26);

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		pwarn("socket: %s", strerror(errno));
		exit(EX_SOCKET);
	}
	if (syncnt > 0 && setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT,
	    &(int){ (int)syncnt }, sizeof(int)) == -1) {
		pwarn("TCP_SYNCNT: %s", strerror(errno));
		exit(EX_SOCKET);
	}
	timespec_add_ms(&deadline, timeout * 1000L);
	if (connect(fd, (struct sockaddr *)&ss, sslen) == 0)
		connected = 1;
	else if (errno != EINPROGRESS) {
		pwarn("connect %s: %s", name, strerror(errno));
		exit(EX_CONNECT);
	}

	for (;;) {
		if ((left = ms_left(&deadline)) <= 0) {
			if (!connected) {
				pwarn("connect %s: no answer in %ld s", name,
				    timeout);
				exit(EX_CONNECT);
			}
			if (verbose)
				pwarn("connect %s: time is up", name);
			break;
		}
		pfd.fd = fd;
		pfd.events = !connected ? POLLOUT :
		    POLLIN | (tosend > 0 ? POLLOUT : 0);
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) ==
		    -1) {
			if (errno == EINTR)
				continue;
			pwarn("poll: %s", strerror(errno));
			exit(EX_SOCKET);
		}
		if (pfd.revents == 0)
			continue;
		if (!connected || pfd.revents & (POLLERR | POLLNVAL)) {
			err = 0;
			len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1)
				err = errno;
			if (err != 0) {
				pwarn("connect %s: %s", name, strerror(err));
				exit(connected ? EX_RESET : EX_CONNECT);
			}
			if (!connected) {
				connected = 1;
				if (verbose)
					pwarn("connect %s: connected", name);
				continue;
			}
		}
		while (tosend > 0 && pfd.revents & POLLOUT) {
			n = send(fd, scratch, (size_t)tosend < sizeof(scratch) ?
			    (size_t)tosend : sizeof(scratch), MSG_NOSIGNAL);
			if (n > 0) {
				tosend -= n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			pwarn("connect %s: send: %s", name, strerror(errno));
			exit(EX_RESET);
		}
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		n = recv(fd, rbuf, sizeof(rbuf), 0);
		if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK)))
			continue;
		if (n < 0) {
			pwarn("connect %s: %s", name, strerror(errno));
			exit(EX_RESET);
		}
		if (verbose)
			pwarn("connect %s: eof", name);
		break;
	}
	close(fd);
	return 0;
bad:
	pwarn("connect: %s: bad value", p);
	exit(EX_USAGE);
}

int
main(int argc, char *argv[])
{
	static struct pollfd pfd[MAXLISTEN + MAXCONN];
	static struct conn *pconn[MAXLISTEN + MAXCONN];
	struct in6_addr a6;
	struct in_addr a4;
	struct sigaction sa;
	struct timespec tick = { 0, TICK_MS * 1000000L };
	sigset_t block, orig;
	const struct service *svc;
	const char *bindaddr = NULL;
	const char *bannerarg = DEFBANNER;
	static struct kaparm kas[MAXLISTEN];
	char *eq, *end;
	size_t i, j, n, namelen;
	int ch, family = 0, ports[MAXLISTEN], nports, ticking, r;
	long port;

	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL,	'h' },
		{ "version",	no_argument,		NULL,	'V' },
		{ NULL,		0,			NULL,	0 },
	};

	if (argc > 1 && strcmp(argv[1], "connect") == 0)
		return client_main(argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "a:b:hVv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'V':
			printf("%s (%s)\n", PROG, PACKAGE_STRING);
			exit(0);
		case 'a':
			bindaddr = optarg;
			break;
		case 'b':
			bannerarg = optarg;
			break;
		case 'h':
			usage(0);
			/* NOTREACHED */
		case 'v':
			verbose = 1;
			break;
		default:
			usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage(EX_USAGE);
	if (argc > MAXLISTEN / 2) {
		pwarn("too many services (max %d)", MAXLISTEN / 2);
		exit(EX_USAGE);
	}

	if (bindaddr != NULL) {
		if (inet_pton(AF_INET, bindaddr, &a4) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, bindaddr, &a6) == 1)
			family = AF_INET6;
		else {
			pwarn("-a %s: not a numeric IPv4 or IPv6 address",
			    bindaddr);
			exit(EX_USAGE);
		}
	}
	banner = unescape(bannerarg, &bannerlen);

	/* Validate everything before binding anything. */
	nports = 0;
	for (i = 0; i < (size_t)argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			pwarn("%s: expected SERVICE=PORT", argv[i]);
			exit(EX_USAGE);
		}
		namelen = strcspn(argv[i], ":=");
		if (namelen == strlen("closed") &&
		    strncmp(argv[i], "closed", 6) == 0) {
			pwarn("%s: \"closed\" is not a service: a closed port "
			    "is one with no listener, so just leave it out",
			    argv[i]);
			exit(EX_USAGE);
		}
		if ((svc = lookup(argv[i], namelen)) == NULL) {
			pwarn("%s: unknown service (echo, discard, daytime, "
			    "hold, lazyclose, coa, roc, hc, ka, kaoff)", argv[i]);
			exit(EX_USAGE);
		}
		kas[i] = (struct kaparm){ KA_IDLE, KA_INTVL, KA_CNT };
		if (argv[i][namelen] == ':' && (!svc->takes_arg ||
		    parse_ka(argv[i] + namelen + 1, eq, &kas[i]) != 0)) {
			if (svc->takes_arg)
				pwarn("%s: expected %s:IDLE,INTVL,CNT=PORT "
				    "(seconds, seconds, probes; each "
				    "1..32767)", argv[i], svc->name);
			else
				pwarn("%s: this service takes no argument",
				    argv[i]);
			exit(EX_USAGE);
		}
		errno = 0;
		port = strtol(eq + 1, &end, 10);
		if (eq[1] == '\0' || *end != '\0' || errno != 0 ||
		    port < 1 || port > 65535) {
			pwarn("%s: bad port", argv[i]);
			exit(EX_USAGE);
		}
		for (j = 0; j < (size_t)nports; j++)
			if (ports[j] == port) {
				pwarn("%s: port %ld given twice", argv[i],
				    port);
				exit(EX_USAGE);
			}
		ports[nports++] = (int)port;
	}

	raise_nofile();
	for (i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;

	for (i = 0; i < (size_t)argc; i++) {
		svc = lookup(argv[i], strcspn(argv[i], ":="));
		if (family == AF_INET)
			open_listener(svc, &kas[i], AF_INET, &a4, ports[i], 0);
		else if (family == AF_INET6)
			open_listener(svc, &kas[i], AF_INET6, &a6, ports[i],
			    0);
		else {
			a4.s_addr = htonl(INADDR_ANY);
			open_listener(svc, &kas[i], AF_INET, &a4, ports[i], 0);
			open_listener(svc, &kas[i], AF_INET6, &in6addr_any,
			    ports[i], 1);
		}
	}

	/*
	 * Signals stay blocked except inside ppoll(), so a SIGTERM can't
	 * slip in between testing quit and going to sleep.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);

	printf("ready\n");
	fflush(stdout);

	while (!quit) {
		n = 0;
		for (i = 0; i < nlisteners; i++) {
			pfd[n].fd = listeners[i].fd;
			pfd[n].events = POLLIN;
			pconn[n++] = NULL;
		}
		ticking = 0;
		for (i = 0; i < MAXCONN; i++) {
			if (conns[i].fd == -1)
				continue;
			ticking |= conns[i].ticking;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = conns[i].events;
			pconn[n++] = &conns[i];
		}
		r = ppoll(pfd, n, ticking ? &tick : NULL, &orig);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			pwarn("ppoll: %s", strerror(errno));
			exit(EX_SOCKET);
		}
		for (i = 0; i < n; i++) {
			if (pconn[i] == NULL) {
				if (pfd[i].revents & POLLIN)
					do_accept(&listeners[i]);
				continue;
			}
			pconn[i]->revents = pfd[i].revents;
			if (pfd[i].revents != 0 &&
			    pconn[i]->svc->handler(pconn[i], EV_IO)) {
				conn_close(pconn[i]);
				continue;
			}
			if (pconn[i]->ticking && pfd[i].revents == 0 &&
			    pconn[i]->svc->handler(pconn[i], EV_TICK))
				conn_close(pconn[i]);
		}
	}

	for (i = 0; i < MAXCONN; i++)
		if (conns[i].fd != -1) {
			conns[i].why = "exiting";
			conn_close(&conns[i]);
		}
	for (i = 0; i < nlisteners; i++)
		close(listeners[i].fd);
	free(banner);
	return 0;
}
