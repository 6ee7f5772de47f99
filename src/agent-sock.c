/*
 * agent-sock.c - the socket table of tcpconform-agent (agent-sock.h):
 * handles, slots, addresses, non-blocking close-on-exec sockets, and the
 * small helpers every verb uses to read its arguments and answer.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent-proto.h"
#include "agent-sock.h"

void
agent_sock_init(struct agent_ctx *ctx)
{
	size_t i;

	memset(ctx, 0, sizeof(*ctx));
	for (i = 0; i < AGENT_MAXSOCK; i++)
		ctx->sock[i].fd = -1;
}

uint64_t
agent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
agent_send(struct agent_ctx *ctx, struct agent_ans *a)
{
	(void)agent_outq_put(&ctx->out, a);
}

void
agent_senderr(struct agent_ctx *ctx, const char *id, int errnum,
    const char *fmt, ...)
{
	struct agent_ans a;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	agent_ans_err(&a, id, errnum, "%s", msg);
	agent_send(ctx, &a);
}

void
agent_syserr(struct agent_ctx *ctx, const char *id, int errnum,
    const char *call)
{
	struct agent_ans a;

	agent_ans_err(&a, id, errnum, "%s: %s", call, strerror(errnum));
	agent_ans_kv(&a, "ret", "-1");
	agent_send(ctx, &a);
}

struct agent_sock *
agent_sock_find(struct agent_ctx *ctx, const struct agent_req *r, int svcok)
{
	const char *h = r->pos[0].val;
	struct agent_sock *s;
	unsigned n;
	size_t i;

	if (agent_proto_handle(h, &n) == 0) {
		for (i = 0; i < AGENT_MAXSOCK; i++) {
			s = &ctx->sock[i];
			if (s->kind == AGENT_K_FREE || s->name != n)
				continue;
			if (!svcok && (s->kind == AGENT_K_SVCLISTEN ||
			    s->kind == AGENT_K_SVCCONN)) {
				agent_senderr(ctx, r->id, EBUSY, "%s belongs "
				    "to the service of request %s", h,
				    s->sid);
				return NULL;
			}
			return s;
		}
	}
	agent_senderr(ctx, r->id, EBADF, "no socket %.40s", h);
	return NULL;
}

struct agent_sock *
agent_sock_new(struct agent_ctx *ctx, int fd, enum agent_kind kind)
{
	struct agent_sock *s;
	size_t i;

	for (i = 0; i < AGENT_MAXSOCK; i++) {
		s = &ctx->sock[i];
		if (s->kind != AGENT_K_FREE)
			continue;
		memset(s, 0, sizeof(*s));
		s->fd = fd;
		s->kind = kind;
		s->name = ++ctx->lastname;
		return s;
	}
	return NULL;
}

struct agent_sock *
agent_sock_slot(struct agent_ctx *ctx, const struct agent_req *r,
    enum agent_kind kind)
{
	struct agent_sock *s;

	if ((s = agent_sock_new(ctx, -1, kind)) == NULL)
		agent_senderr(ctx, r->id, EMFILE, "all %d sockets in use",
		    AGENT_MAXSOCK);
	return s;
}

struct agent_sock *
agent_sock_listener(struct agent_ctx *ctx, const struct agent_req *r,
    enum agent_kind kind, const struct sockaddr_storage *ss, socklen_t len,
    int backlog, int reuse)
{
	struct agent_sock *s;

	if ((s = agent_sock_slot(ctx, r, kind)) == NULL)
		return NULL;
	if ((s->fd = agent_sock_listenfd(ss, len, backlog, reuse)) == -1) {
		agent_syserr(ctx, r->id, errno, "listen");
		agent_sock_free(ctx, s, "");
		return NULL;
	}
	return s;
}

void
agent_sock_free(struct agent_ctx *ctx, struct agent_sock *s, const char *why)
{
	struct agent_ans a;

	if (s->wait != AGENT_W_NONE)
		agent_senderr(ctx, s->wid, ECANCELED, "s%u closed while the "
		    "request waited", s->name);
	if (s->kind == AGENT_K_SVCCONN) {
		agent_ans_begin(&a, s->sid, "ev");
		agent_ans_kv(&a, NULL, "close");
		agent_ans_kv(&a, "conn", "s%u", s->name);
		agent_ans_quoted(&a, "why", why, strlen(why));
		agent_send(ctx, &a);
	}
	if (s->fd != -1)
		close(s->fd);
	free(s->buf);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->kind = AGENT_K_FREE;
}

void
agent_sock_closeall(struct agent_ctx *ctx)
{
	size_t i;

	for (i = 0; i < AGENT_MAXSOCK; i++) {
		if (ctx->sock[i].kind == AGENT_K_FREE)
			continue;
		ctx->sock[i].wait = AGENT_W_NONE;
		ctx->sock[i].kind = AGENT_K_CONN;	/* no event */
		agent_sock_free(ctx, &ctx->sock[i], "");
	}
	agent_outq_free(&ctx->out);
}

int
agent_sock_addr(const char *host, long port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo hints, *res;
	char serv[16];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%ld", port);
	if (getaddrinfo(host, serv, &hints, &res) != 0)
		return EINVAL;
	if (res->ai_addrlen > sizeof(*ss) || (res->ai_family != AF_INET &&
	    res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return EAFNOSUPPORT;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void
agent_sock_fmtaddr(const struct sockaddr *sa, socklen_t len, char *dst,
    size_t dstlen)
{
	char host[INET6_ADDRSTRLEN], serv[8];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(dst, dstlen, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(dst, dstlen, "[%s]:%s", host, serv);
	else
		snprintf(dst, dstlen, "%s:%s", host, serv);
}

/* Close fd after a failure, keeping the failure's errno; -1. */
static int
close_fail(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}

/* Make fd non-blocking and close-on-exec; -1 with errno on failure. */
static int
nbcloexec(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

int
agent_sock_tcp(int af)
{
	int fd;

#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
	fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
#else
	fd = socket(af, SOCK_STREAM, 0);
#endif
	if (fd == -1)
		return -1;
	if (nbcloexec(fd) == -1)
		return close_fail(fd);
	return fd;
}

int
agent_sock_listenfd(const struct sockaddr_storage *ss, socklen_t len,
    int backlog, int reuse)
{
	int fd, on = 1;

	if ((fd = agent_sock_tcp(ss->ss_family)) == -1)
		return -1;
	/* A v6 listener is v6 only: "::" must not take the v4 port too. */
	if ((ss->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == -1) ||
	    bind(fd, (const struct sockaddr *)ss, len) == -1 ||
	    listen(fd, backlog) == -1)
		return close_fail(fd);
	return fd;
}

int
agent_sock_acceptfd(int fd, char *peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int nfd;

	do {
		nfd = accept(fd, (struct sockaddr *)&ss, &len);
	} while (nfd == -1 && errno == EINTR);
	if (nfd == -1)
		return -1;
	if (nbcloexec(nfd) == -1)
		return close_fail(nfd);
	agent_sock_fmtaddr((struct sockaddr *)&ss, len, peer, AGENT_ADDRLEN);
	return nfd;
}

void
agent_sock_name(struct agent_ans *a, int fd, int peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[AGENT_ADDRLEN];
	int r;

	r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
	    getsockname(fd, (struct sockaddr *)&ss, &len);
	if (r == -1)
		snprintf(buf, sizeof(buf), "?");
	else
		agent_sock_fmtaddr((struct sockaddr *)&ss, len, buf,
		    sizeof(buf));
	agent_ans_kv(a, peer ? "peer" : "local", "%s", buf);
}

int
agent_keynum(struct agent_ctx *ctx, const struct agent_req *r, const char *key,
    long lo, long hi, long def, long *v)
{
	const struct agent_arg *k = agent_req_key(r, key);

	*v = def;
	if (k == NULL)
		return 0;
	if (agent_proto_num(k->val, lo, hi, v) == -1) {
		agent_senderr(ctx, r->id, EINVAL, "%s= must be %ld to %ld",
		    key, lo, hi);
		return -1;
	}
	return 0;
}

int
agent_posnum(struct agent_ctx *ctx, const struct agent_req *r, int i, long lo,
    long hi, long *v)
{
	if (agent_proto_num(r->pos[i].val, lo, hi, v) == -1) {
		agent_senderr(ctx, r->id, EINVAL, "argument %d must be %ld "
		    "to %ld", i + 1, lo, hi);
		return -1;
	}
	return 0;
}

