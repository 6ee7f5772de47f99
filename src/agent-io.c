/*
 * agent-io.c - the verbs of tcpconform-agent on the controller's sockets
 * (agent-sock.h): listen, accept, connect, write, read, shutdown, close,
 * abort.
 *
 * A verb that must wait (accept, connect, read) records its request id in
 * the socket's slot and returns; the loop in agent.c polls the socket and
 * calls agent_io_ready, which answers it, so no request holds up the
 * control channel.  Return values and errno go back as the system call
 * gave them: what the stack did is the point of the agent, it does not
 * second-guess it.
 */
#include "config.h"

#include <sys/types.h>
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
#define MSG_NOSIGNAL	0		/* SIGPIPE is ignored in any case */
#endif

#define PATTERN		"abcdefghijklmnopqrstuvwxyz"
#define PATLEN		26

/* Start a wait of request r on s; 0, or -1 after err EBUSY. */
static int
startwait(struct agent_ctx *ctx, struct agent_sock *s,
    const struct agent_req *r, enum agent_wait w, long ms)
{
	if (s->wait != AGENT_W_NONE) {
		agent_senderr(ctx, r->id, EBUSY, "request %s waits on s%u",
		    s->wid, s->name);
		return -1;
	}
	s->wait = w;
	snprintf(s->wid, sizeof(s->wid), "%s", r->id);
	s->deadline = ms > 0 ? agent_now() + (uint64_t)ms : 0;
	return 0;
}

void
agent_io_listen(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct sockaddr_storage ss;
	struct agent_sock *s;
	struct agent_ans a;
	socklen_t len;
	long port, backlog, reuse;
	int e;

	if (agent_posnum(ctx, r, 1, 0, 65535, &port) == -1 ||
	    agent_keynum(ctx, r, "backlog", 0, 4096, 16, &backlog) == -1 ||
	    agent_keynum(ctx, r, "reuse", 0, 1, 1, &reuse) == -1)
		return;
	if ((e = agent_sock_addr(r->pos[0].val, port, &ss, &len)) != 0) {
		agent_senderr(ctx, r->id, e, "not a numeric address");
		return;
	}
	if ((s = agent_sock_listener(ctx, r, AGENT_K_LISTEN, &ss, len,
	    (int)backlog, (int)reuse)) == NULL)
		return;
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "sock", "s%u", s->name);
	agent_sock_name(&a, s->fd, 0);
	agent_send(ctx, &a);
}

/*
 * Accept on listener s for the request waiting there.  Returns 1 when it
 * was answered, 0 when nothing is queued yet.
 */
static int
doaccept(struct agent_ctx *ctx, struct agent_sock *s)
{
	char peer[AGENT_ADDRLEN];
	struct agent_sock *c;
	struct agent_ans a;
	int fd;

	if ((fd = agent_sock_acceptfd(s->fd, peer)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		s->wait = AGENT_W_NONE;
		agent_syserr(ctx, s->wid, errno, "accept");
		return 1;
	}
	s->wait = AGENT_W_NONE;
	if ((c = agent_sock_new(ctx, fd, AGENT_K_CONN)) == NULL) {
		close(fd);
		agent_senderr(ctx, s->wid, EMFILE, "all %d sockets in use; "
		    "the connection from %s was closed", AGENT_MAXSOCK, peer);
		return 1;
	}
	agent_ans_begin(&a, s->wid, "ok");
	agent_ans_kv(&a, "sock", "s%u", c->name);
	agent_ans_kv(&a, "peer", "%s", peer);
	agent_sock_name(&a, fd, 0);
	agent_send(ctx, &a);
	return 1;
}

void
agent_io_accept(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct agent_sock *s;
	long ms;

	if ((s = agent_sock_find(ctx, r, 0)) == NULL ||
	    agent_keynum(ctx, r, "timeout", 0, AGENT_MAXMS, AGENT_WAITMS,
	    &ms) == -1)
		return;
	if (s->kind != AGENT_K_LISTEN) {
		agent_senderr(ctx, r->id, EINVAL, "s%u is no listener",
		    s->name);
		return;
	}
	if (startwait(ctx, s, r, AGENT_W_ACCEPT, ms) == -1 || doaccept(ctx, s))
		return;
	if (ms == 0) {
		s->wait = AGENT_W_NONE;
		agent_syserr(ctx, r->id, EAGAIN, "accept");
	}
}

/* The connect waiting on s completed (or failed): answer it. */
static void
connected(struct agent_ctx *ctx, struct agent_sock *s)
{
	struct agent_ans a;
	socklen_t len = sizeof(int);
	int err = 0;

	s->wait = AGENT_W_NONE;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		agent_syserr(ctx, s->wid, err, "connect");
		agent_sock_free(ctx, s, "");
		return;
	}
	agent_ans_begin(&a, s->wid, "ok");
	agent_ans_kv(&a, "sock", "s%u", s->name);
	agent_sock_name(&a, s->fd, 0);
	agent_sock_name(&a, s->fd, 1);
	agent_send(ctx, &a);
}

/* Bind fd to port lport of the any address of family af. */
static int
bindport(int fd, int af, long lport)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int on = 1;

	if (agent_sock_addr(af == AF_INET6 ? "::" : "0.0.0.0", lport, &ss,
	    &len) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		return -1;
	return bind(fd, (struct sockaddr *)&ss, len);
}

/* TCP_SYNCNT (Linux): SYN retransmissions before connect gives up; 0
 * leaves the system's default. */
static int
setsyncnt(int fd, int n)
{
#ifdef TCP_SYNCNT
	if (n != 0)
		return setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &n, sizeof(n));
#endif
	(void)fd;
	(void)n;
	return 0;
}

void
agent_io_connect(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct sockaddr_storage ss;
	struct agent_sock *s;
	struct agent_ans a;
	socklen_t len;
	const char *what = NULL;
	long port, lport, ms, syncnt;
	int e;

	if (agent_posnum(ctx, r, 1, 1, 65535, &port) == -1 ||
	    agent_keynum(ctx, r, "lport", 0, 65535, 0, &lport) == -1 ||
	    agent_keynum(ctx, r, "timeout", 0, AGENT_MAXMS, 0, &ms) == -1 ||
	    agent_keynum(ctx, r, "syncnt", 0, 255, 0, &syncnt) == -1)
		return;
#ifndef TCP_SYNCNT
	if (syncnt != 0) {
		agent_senderr(ctx, r->id, ENOPROTOOPT, "no TCP_SYNCNT here");
		return;
	}
#endif
	if ((e = agent_sock_addr(r->pos[0].val, port, &ss, &len)) != 0) {
		agent_senderr(ctx, r->id, e, "not a numeric address");
		return;
	}
	if ((s = agent_sock_slot(ctx, r, AGENT_K_CONN)) == NULL)
		return;
	if ((s->fd = agent_sock_tcp(ss.ss_family)) == -1)
		what = "socket";
	else if (lport != 0 && bindport(s->fd, ss.ss_family, lport) == -1)
		what = "bind";
	else if (setsyncnt(s->fd, (int)syncnt) == -1)
		what = "setsockopt";
	if (what != NULL) {
		agent_syserr(ctx, r->id, errno, what);
		agent_sock_free(ctx, s, "");
		return;
	}
	(void)startwait(ctx, s, r, AGENT_W_CONNECT, ms);
	if (connect(s->fd, (struct sockaddr *)&ss, len) == 0) {
		connected(ctx, s);
		return;
	}
	if (errno != EINPROGRESS && errno != EINTR) {
		s->wait = AGENT_W_NONE;
		agent_syserr(ctx, r->id, errno, "connect");
		agent_sock_free(ctx, s, "");
		return;
	}
	/* The handle now, so the controller may close it in SYN-SENT. */
	agent_ans_begin(&a, r->id, "ev");
	agent_ans_kv(&a, NULL, "connecting");
	agent_ans_kv(&a, "sock", "s%u", s->name);
	agent_sock_name(&a, s->fd, 0);
	agent_send(ctx, &a);
}

/*
 * Queue len bytes (pattern bytes from offset 0 when data is NULL) with as
 * many send(2) calls as the socket takes without blocking.  Returns the
 * bytes queued; -1 with errno when none could be.
 */
static long
sendall(int fd, const unsigned char *data, size_t len, int flags)
{
	unsigned char pat[4096];
	size_t done = 0, n, i;
	ssize_t k;

	if (data == NULL)
		for (i = 0; i < sizeof(pat); i++)
			pat[i] = (unsigned char)PATTERN[i % PATLEN];
	while (done < len) {
		n = len - done;
		if (data == NULL && n > sizeof(pat) - done % PATLEN)
			n = sizeof(pat) - done % PATLEN;
		/* flags (MSG_OOB) on the last send only: one urgent byte. */
		k = send(fd, data != NULL ? data + done : pat + done % PATLEN,
		    n, (done + n == len ? flags : 0) | MSG_NOSIGNAL);
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		if (k == -1 && errno == EINTR)
			continue;
		if (done == 0)
			return -1;
		break;
	}
	return (long)done;
}

void
agent_io_write(struct agent_ctx *ctx, const struct agent_req *r)
{
	unsigned char bin[AGENT_MAXLINE / 2];
	const struct agent_arg *hex, *text;
	const unsigned char *data = NULL;
	struct agent_sock *s;
	struct agent_ans a;
	long n = 0, ret, oob;

	hex = agent_req_key(r, "hex");
	text = agent_req_key(r, "text");
	if ((r->npos == 2) + (hex != NULL) + (text != NULL) != 1) {
		agent_senderr(ctx, r->id, EINVAL, "write takes one of: a count,"
		    " hex=, text=");
		return;
	}
	if ((s = agent_sock_find(ctx, r, 0)) == NULL ||
	    agent_keynum(ctx, r, "oob", 0, 1, 0, &oob) == -1 ||
	    (r->npos == 2 && agent_posnum(ctx, r, 1, 0, AGENT_WRITEMAX,
	    &n) == -1))
		return;
	if (hex != NULL) {
		if ((n = agent_proto_unhex(hex->val, hex->len, bin,
		    sizeof(bin))) == -1) {
			agent_senderr(ctx, r->id, EINVAL, "hex= wants pairs of "
			    "hex digits");
			return;
		}
		data = bin;
	} else if (text != NULL) {
		n = (long)text->len;
		data = (const unsigned char *)text->val;
	}
	/* MSG_OOB: the last byte is urgent (RFC 9293 3.8.5). */
	if ((ret = sendall(s->fd, data, (size_t)n, oob ? MSG_OOB : 0)) == -1 &&
	    n > 0) {
		agent_syserr(ctx, r->id, errno, "send");
		return;
	}
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "ret", "%ld", n > 0 ? ret : 0);
	agent_send(ctx, &a);
}

/*
 * recv(2) for the read waiting on s.  Returns 1 when it was answered, 0
 * when nothing is there yet.
 */
static int
doread(struct agent_ctx *ctx, struct agent_sock *s)
{
	unsigned char buf[AGENT_READMAX];
	struct agent_ans a;
	ssize_t n;

	do {
		n = recv(s->fd, buf, s->want, 0);
	} while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	s->wait = AGENT_W_NONE;
	if (n == -1) {
		agent_syserr(ctx, s->wid, errno, "recv");
		return 1;
	}
	agent_ans_begin(&a, s->wid, "ok");
	agent_ans_kv(&a, "ret", "%zd", n);
	if (n == 0)
		agent_ans_kv(&a, "eof", "1");
	agent_ans_hex(&a, "data", buf, (size_t)n);
	agent_send(ctx, &a);
	return 1;
}

void
agent_io_read(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct agent_sock *s;
	long n = AGENT_READMAX, ms;

	if ((s = agent_sock_find(ctx, r, 0)) == NULL ||
	    (r->npos == 2 && agent_posnum(ctx, r, 1, 1, AGENT_READMAX,
	    &n) == -1) ||
	    agent_keynum(ctx, r, "timeout", 0, AGENT_MAXMS, AGENT_WAITMS,
	    &ms) == -1)
		return;
	if (startwait(ctx, s, r, AGENT_W_READ, ms) == -1)
		return;
	s->want = (size_t)n;
	if (doread(ctx, s))
		return;
	if (ms == 0) {
		s->wait = AGENT_W_NONE;
		agent_syserr(ctx, r->id, EAGAIN, "recv");
	}
}

void
agent_io_shutdown(struct agent_ctx *ctx, const struct agent_req *r)
{
	static const struct {
		const char	*name;
		int		 how;
	} hows[] = {
		{ "rd", SHUT_RD }, { "wr", SHUT_WR }, { "rdwr", SHUT_RDWR },
	};
	struct agent_sock *s;
	struct agent_ans a;
	size_t i;

	if ((s = agent_sock_find(ctx, r, 0)) == NULL)
		return;
	for (i = 0; i < sizeof(hows) / sizeof(hows[0]); i++)
		if (strcmp(r->pos[1].val, hows[i].name) == 0)
			break;
	if (i == sizeof(hows) / sizeof(hows[0])) {
		agent_senderr(ctx, r->id, EINVAL, "shutdown takes rd, wr or "
		    "rdwr");
		return;
	}
	if (shutdown(s->fd, hows[i].how) == -1) {
		agent_syserr(ctx, r->id, errno, "shutdown");
		return;
	}
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "ret", "0");
	agent_send(ctx, &a);
}

/* close and abort: abort sets SO_LINGER {1, 0} first (a RST). */
static void
closeverb(struct agent_ctx *ctx, const struct agent_req *r, int rst)
{
	struct linger lg = { 1, 0 };
	struct agent_sock *s;
	struct agent_ans a;

	if ((s = agent_sock_find(ctx, r, 1)) == NULL)
		return;
	/* RFC 9293 3.10.5: ABORT; SO_LINGER 0 is how the API asks for it. */
	if (rst && setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)) == -1) {
		agent_syserr(ctx, r->id, errno, "setsockopt SO_LINGER");
		return;
	}
	agent_sock_free(ctx, s, rst ? "abort" : "close");
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "ret", "0");
	agent_send(ctx, &a);
}

void
agent_io_close(struct agent_ctx *ctx, const struct agent_req *r)
{
	closeverb(ctx, r, 0);
}

void
agent_io_abort(struct agent_ctx *ctx, const struct agent_req *r)
{
	closeverb(ctx, r, 1);
}

short
agent_io_events(const struct agent_sock *s)
{
	switch (s->wait) {
	case AGENT_W_ACCEPT:
	case AGENT_W_READ:
		return POLLIN;
	case AGENT_W_CONNECT:
		return POLLOUT;
	default:
		return 0;
	}
}

void
agent_io_ready(struct agent_ctx *ctx, struct agent_sock *s, short revents)
{
	switch (s->wait) {
	case AGENT_W_ACCEPT:
		(void)doaccept(ctx, s);
		break;
	case AGENT_W_CONNECT:
		connected(ctx, s);
		break;
	case AGENT_W_READ:
		(void)doread(ctx, s);
		break;
	default:
		/* Nothing waits: an error or hangup is kept for the next
		 * read; stop polling it, or poll would spin. */
		if (revents & (POLLERR | POLLHUP | POLLNVAL))
			s->dead = 1;
		break;
	}
}

void
agent_io_expire(struct agent_ctx *ctx, uint64_t now)
{
	static const char *const what[] = {
		[AGENT_W_ACCEPT] = "no connection",
		[AGENT_W_CONNECT] = "not connected",
		[AGENT_W_READ] = "nothing arrived",
	};
	struct agent_sock *s;
	size_t i;

	for (i = 0; i < AGENT_MAXSOCK; i++) {
		s = &ctx->sock[i];
		if (s->wait == AGENT_W_NONE || s->deadline == 0 ||
		    now < s->deadline)
			continue;
		agent_senderr(ctx, s->wid, ETIMEDOUT, "%s in time",
		    what[s->wait]);
		if (s->wait == AGENT_W_CONNECT) {
			s->wait = AGENT_W_NONE;
			agent_sock_free(ctx, s, "");
		} else
			s->wait = AGENT_W_NONE;
	}
}
