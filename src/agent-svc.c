/*
 * agent-svc.c - the services of tcpconform-agent (agent-sock.h): "serve
 * NAME PORT" opens a listener whose connections a service drives on its
 * own, with the same contract as tcpconform-peer's service of that name
 * (peer-srv.c), so a case runs the same against either program.
 *
 *	echo	RFC 862: send back everything received; on EOF, finish
 *		sending what is pending, then close.
 *	discard	RFC 863: read and drop; close on EOF.
 *	daytime	RFC 867 style greet-then-close: send the banner, wait until
 *		all of it is acknowledged (at most GREET_MS), close; input
 *		is read and dropped.
 *	hold	accept and keep; never read, never write.
 *	coa	close on accept: a FIN at once (RFC 9293 3.10.4).
 *	roc	reset on close: SO_LINGER {1, 0}, close at once: a RST
 *		(RFC 9293 3.10.5).
 *	hc	half-close: shutdown(SHUT_WR) at once, then read and drop
 *		until EOF (RFC 9293 3.6.1), then close.
 *	lazyclose  discard, but close LAZY_MS after EOF: the ACK of the
 *		peer's FIN and our FIN are separate segments.
 *	ka	hold, with keep-alive on: idle 5 s, interval 2 s, 3 probes
 *		(the socket's own, so no system setting is needed).
 *	kaoff	hold with the same timers but SO_KEEPALIVE left at the
 *		system's default, which RFC 9293 3.8.4 requires to be off.
 *
 * Each accepted connection takes a slot of the table like any socket and
 * is announced as "ID ev accept conn=sN peer=ADDR"; its end as "ID ev
 * close conn=sN why=..." (ID: the serve request).  When the table is full
 * a connection is accepted and closed at once ("ID ev refused"), so the
 * listener's queue cannot make poll(2) spin.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-proto.h"
#include "agent-sock.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL	0
#endif

#define ECHOBUF		(64 * 1024)	/* echo's backlog per connection */
#define GREET_MS	2000		/* daytime: the banner's ACK, at most */
#define BLIND_MS	200		/* ... where unacked is unknown */
#define ACCEPTBURST	16		/* accepts per listener per wakeup */
#define DEFBANNER	"tcpconform-peer greet\r\n"
#define LAZY_MS		250		/* lazyclose: EOF to close */
#define KA_IDLE		5		/* ka, kaoff: as tcpconform-peer's */
#define KA_INTVL	2
#define KA_CNT		3

/*
 * Where the system tells how much of the send queue is unacknowledged:
 * Linux's SIOCOUTQ (the same number as TIOCOUTQ, <sys/ioctl.h>); the
 * BSDs' FIONWRITE (bytes in the send buffer, which holds them until they
 * are acknowledged).
 */
#if defined(__linux__) && defined(TIOCOUTQ)
#define OUTQ		TIOCOUTQ
#elif defined(FIONWRITE)
#define OUTQ		FIONWRITE
#endif

enum sev {
	SV_START,	/* just accepted (l: its listener) */
	SV_IO,		/* poll(2) said revents */
	SV_TICK		/* a wakeup with nothing for this socket */
};

/* A service: returns NULL to keep the connection, or why it closes. */
typedef const char *svc_fn(struct agent_sock *c, const struct agent_sock *l,
    enum sev ev, short revents);

struct agent_service {
	const char	*name;
	svc_fn		*fn;
};

static svc_fn echo_svc, discard_svc, daytime_svc, hold_svc, coa_svc,
    roc_svc, hc_svc, lazyclose_svc, ka_svc, kaoff_svc;

static const struct agent_service services[] = {
	{ "echo",	echo_svc },
	{ "discard",	discard_svc },
	{ "daytime",	daytime_svc },
	{ "hold",	hold_svc },
	{ "coa",	coa_svc },
	{ "roc",	roc_svc },
	{ "hc",		hc_svc },
	{ "lazyclose",	lazyclose_svc },
	{ "ka",		ka_svc },
	{ "kaoff",	kaoff_svc },
};
#define NSERVICES	(sizeof(services) / sizeof(services[0]))

static unsigned char	scratch[16384];	/* what is read and dropped */

/* POLLERR/POLLHUP: the connection is gone; why, from SO_ERROR. */
static const char *
gone(const struct agent_sock *c, short revents)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if ((revents & (POLLERR | POLLHUP | POLLNVAL)) == 0)
		return NULL;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	    err != 0)
		return strerror(err);
	return "hangup";
}

/*
 * Read and drop what is queued; count it in c->off when count is set.
 * Returns NULL while the socket would block, "eof" at the peer's FIN,
 * else the error.
 */
static const char *
drain(struct agent_sock *c, int count)
{
	ssize_t n;

	for (;;) {
		n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n > 0) {
			if (count)
				c->off += (size_t)n;
			continue;
		}
		if (n == 0)
			return "eof";
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return NULL;
		return strerror(errno);
	}
}

/*
 * Send c->buf[c->off..c->len) while the socket takes it.  Returns NULL,
 * or the error.
 */
static const char *
flush(struct agent_sock *c)
{
	ssize_t n;

	while (c->off < c->len) {
		n = send(c->fd, c->buf + c->off, c->len - c->off,
		    MSG_NOSIGNAL);
		if (n > 0)
			c->off += (size_t)n;
		else if (n == -1 && errno == EINTR)
			continue;
		else if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return NULL;
		else
			return n == -1 ? strerror(errno) : "short send";
	}
	return NULL;
}

/*
 * RFC 862.  A backlog of ECHOBUF bytes decouples reading from writing;
 * while it is full nothing is read, so the receive window closes instead
 * of memory growing.
 */
static const char *
echo_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	const char *why;
	ssize_t n;

	(void)l;
	if (ev == SV_START) {
		if ((c->buf = malloc(ECHOBUF)) == NULL)
			return "out of memory";
		c->events = POLLIN;
		return NULL;
	}
	if (ev != SV_IO)
		return NULL;
	if (revents & POLLERR)
		return gone(c, revents);
	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	while (!c->eof && c->len < ECHOBUF) {
		n = recv(c->fd, c->buf + c->len, ECHOBUF - c->len, 0);
		if (n > 0)
			c->len += (size_t)n;
		else if (n == 0)
			c->eof = 1;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		else if (errno != EINTR)
			return strerror(errno);
	}
	if ((why = flush(c)) != NULL)
		return why;
	if (c->off == c->len)
		c->off = c->len = 0;
	if (c->eof && c->len == 0)
		return "eof";
	c->events = (!c->eof && c->len < ECHOBUF ? POLLIN : 0) |
	    (c->off < c->len ? POLLOUT : 0);
	return NULL;
}

/* RFC 863. */
static const char *
discard_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	(void)l;
	if (ev == SV_START) {
		c->events = POLLIN;
		return NULL;
	}
	if (ev != SV_IO)
		return NULL;
	if (revents & POLLERR)
		return gone(c, revents);
	return drain(c, 0);
}

/*
 * Greet then close.  Waiting for the banner's ACK before close() makes
 * the order on the wire fixed: the banner, the tester's ACK, then a FIN
 * of its own (closing at once would let the stack put the FIN on the
 * data segment or not, as timing falls).  Input is dropped ("any data
 * received is thrown away", RFC 867), which also keeps close() from
 * turning the FIN into a RST for unread data.
 */
static const char *
daytime_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	const char *why;
	int outq = -1;

	if (ev == SV_START) {
		if ((c->buf = malloc(l->len + 1)) == NULL)
			return "out of memory";
		memcpy(c->buf, l->buf, l->len);
		c->len = l->len;
		c->ticking = 1;
#ifdef OUTQ
		c->svcdeadline = agent_now() + GREET_MS;
#else
		c->svcdeadline = agent_now() + BLIND_MS;
#endif
	} else if (ev == SV_IO) {
		if ((why = gone(c, revents)) != NULL)
			return why;
		if ((revents & POLLIN) && !c->eof &&
		    (why = drain(c, 0)) != NULL) {
			if (strcmp(why, "eof") != 0)
				return why;
			c->eof = 1;
		}
	}
	if ((why = flush(c)) != NULL)
		return why;
	if (c->off == c->len) {
#ifdef OUTQ
		if (ioctl(c->fd, OUTQ, &outq) == -1)
			return strerror(errno);
#endif
		if (outq == 0)
			why = "greeted";
	}
	if (why == NULL && agent_now() >= c->svcdeadline) {
#ifdef OUTQ
		why = c->off == c->len ? "banner not acknowledged" :
		    "banner not sent";
#else
		why = c->off == c->len ? "greeted" : "banner not sent";
#endif
	}
	if (why != NULL) {
		if (!c->eof)
			(void)drain(c, 0);
		return why;
	}
	c->events = (c->eof ? 0 : POLLIN) | (c->off < c->len ? POLLOUT : 0);
	return NULL;
}

/*
 * Keep, never read, never write: the window fills as with a stuck
 * application.  Only a RST or the end of both directions ends it.
 */
static const char *
hold_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	(void)l;
	c->events = 0;
	return ev == SV_IO ? gone(c, revents) : NULL;
}

/* discard, then wait LAZY_MS after EOF before closing. */
static const char *
lazyclose_svc(struct agent_sock *c, const struct agent_sock *l,
    enum sev ev, short revents)
{
	const char *why;

	if (!c->eof) {
		if ((why = discard_svc(c, l, ev, revents)) == NULL ||
		    strcmp(why, "eof") != 0)
			return why;
		c->eof = 1;
		c->events = 0;
		c->ticking = 1;
		c->svcdeadline = agent_now() + LAZY_MS;
		return NULL;
	}
	if (ev == SV_IO && (why = gone(c, revents)) != NULL)
		return why;
	return agent_now() >= c->svcdeadline ? "eof" : NULL;
}

/*
 * The keep-alive timers on the socket (where the system has them), and
 * SO_KEEPALIVE on when on: RFC 1122 4.2.3.6 lets an application ask for
 * keep-alives, with an interval it may set.
 */
static const char *
keepalive(struct agent_sock *c, int on)
{
	int v;

#ifdef TCP_KEEPIDLE
	v = KA_IDLE;
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)) == -1)
		return strerror(errno);
#endif
#ifdef TCP_KEEPINTVL
	v = KA_INTVL;
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)) == -1)
		return strerror(errno);
#endif
#ifdef TCP_KEEPCNT
	v = KA_CNT;
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)) == -1)
		return strerror(errno);
#endif
	v = 1;
	if (on && setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &v,
	    sizeof(v)) == -1)
		return strerror(errno);
	return NULL;
}

static const char *
ka_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	const char *why;

	if (ev == SV_START && (why = keepalive(c, 1)) != NULL)
		return why;
	return hold_svc(c, l, ev, revents);
}

static const char *
kaoff_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	const char *why;

	if (ev == SV_START && (why = keepalive(c, 0)) != NULL)
		return why;
	return hold_svc(c, l, ev, revents);
}

static const char *
coa_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	(void)c;
	(void)l;
	(void)ev;
	(void)revents;
	return "closed on accept";
}

/* SO_LINGER {1, 0} makes close() an ABORT (RFC 9293 3.10.5). */
static const char *
roc_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	struct linger lg = { 1, 0 };

	(void)l;
	(void)ev;
	(void)revents;
	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1)
		return strerror(errno);
	return "aborted on accept";
}

/* FIN at once, then receive until the peer's FIN (FIN-WAIT-1/2 accept
 * text, RFC 9293 3.6.1); c->off counts the bytes. */
static const char *
hc_svc(struct agent_sock *c, const struct agent_sock *l, enum sev ev,
    short revents)
{
	static char why[64];
	const char *r;

	(void)l;
	if (ev == SV_START) {
		if (shutdown(c->fd, SHUT_WR) == -1)
			return strerror(errno);
		c->events = POLLIN;
		return NULL;
	}
	if (ev != SV_IO)
		return NULL;
	if (revents & POLLERR)
		return gone(c, revents);
	if ((r = drain(c, 1)) == NULL || strcmp(r, "eof") != 0)
		return r;
	snprintf(why, sizeof(why), "eof after %zu bytes", c->off);
	return why;
}

void
agent_svc_caps(struct agent_ans *a)
{
	char list[128];
	size_t i, n = 0;

	list[0] = '\0';
	for (i = 0; i < NSERVICES; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? "," : "", services[i].name);
	agent_ans_kv(a, "services", "%s", list);
}

void
agent_svc_serve(struct agent_ctx *ctx, const struct agent_req *r)
{
	const struct agent_arg *addr, *bl, *banner;
	const struct agent_service *svc = NULL;
	struct sockaddr_storage ss;
	struct agent_sock *s;
	struct agent_ans a;
	socklen_t len;
	long port, backlog = 16;
	size_t i;
	int e;

	for (i = 0; i < NSERVICES; i++)
		if (strcmp(services[i].name, r->pos[0].val) == 0)
			svc = &services[i];
	addr = agent_req_key(r, "addr");
	bl = agent_req_key(r, "backlog");
	banner = agent_req_key(r, "banner");
	if (svc == NULL) {
		agent_senderr(ctx, r->id, ENOENT, "no such service (hello "
		    "lists them)");
		return;
	}
	if (agent_proto_num(r->pos[1].val, 0, 65535, &port) == -1 ||
	    (bl != NULL && agent_proto_num(bl->val, 0, 4096, &backlog) == -1) ||
	    (banner != NULL && svc->fn != daytime_svc)) {
		agent_senderr(ctx, r->id, EINVAL, "serve NAME PORT (0 to "
		    "65535) [addr=] [backlog=0..4096] [banner=, daytime's]");
		return;
	}
	if ((e = agent_sock_addr(addr != NULL ? addr->val : "0.0.0.0", port,
	    &ss, &len)) != 0) {
		agent_senderr(ctx, r->id, e, "not a numeric address");
		return;
	}
	if ((s = agent_sock_listener(ctx, r, AGENT_K_SVCLISTEN, &ss, len,
	    (int)backlog, 1)) == NULL)
		return;
	s->svc = svc;
	snprintf(s->sid, sizeof(s->sid), "%s", r->id);
	if (svc->fn == daytime_svc) {
		s->len = banner != NULL ? banner->len : strlen(DEFBANNER);
		if ((s->buf = malloc(s->len + 1)) == NULL) {
			agent_senderr(ctx, r->id, ENOMEM, "out of memory");
			agent_sock_free(ctx, s, "");
			return;
		}
		memcpy(s->buf, banner != NULL ? banner->val : DEFBANNER,
		    s->len);
	}
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "sock", "s%u", s->name);
	agent_sock_name(&a, s->fd, 0);
	agent_ans_kv(&a, "service", "%s", svc->name);
	agent_send(ctx, &a);
}

short
agent_svc_events(const struct agent_sock *s)
{
	return s->kind == AGENT_K_SVCLISTEN ? POLLIN : s->events;
}

/* Accept what the listener l has queued, up to ACCEPTBURST. */
static void
svcaccept(struct agent_ctx *ctx, struct agent_sock *l)
{
	char peer[AGENT_ADDRLEN];
	struct agent_sock *c;
	struct agent_ans a;
	const char *why;
	int i, fd;

	for (i = 0; i < ACCEPTBURST; i++) {
		if ((fd = agent_sock_acceptfd(l->fd, peer)) == -1)
			return;
		if ((c = agent_sock_new(ctx, fd, AGENT_K_SVCCONN)) == NULL) {
			close(fd);
			agent_ans_begin(&a, l->sid, "ev");
			agent_ans_kv(&a, NULL, "refused");
			agent_ans_kv(&a, "peer", "%s", peer);
			agent_send(ctx, &a);
			continue;
		}
		c->svc = l->svc;
		memcpy(c->sid, l->sid, sizeof(c->sid));
		agent_ans_begin(&a, l->sid, "ev");
		agent_ans_kv(&a, NULL, "accept");
		agent_ans_kv(&a, "conn", "s%u", c->name);
		agent_ans_kv(&a, "peer", "%s", peer);
		agent_send(ctx, &a);
		if ((why = c->svc->fn(c, l, SV_START, 0)) != NULL)
			agent_sock_free(ctx, c, why);
	}
}

void
agent_svc_io(struct agent_ctx *ctx, struct agent_sock *s, short revents)
{
	const char *why;

	if (s->kind == AGENT_K_SVCLISTEN) {
		if (revents & POLLIN)
			svcaccept(ctx, s);
		return;
	}
	if (revents == 0 && !s->ticking)
		return;
	why = s->svc->fn(s, NULL, revents ? SV_IO : SV_TICK, revents);
	if (why != NULL)
		agent_sock_free(ctx, s, why);
}
