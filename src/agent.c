/*
 * agent.c - tcpconform-agent: the target-side agent that lets tcpconform
 * drive the target's socket API in step with the packets of a case
 * (tcpconform-agent(1)).  Runs on any POSIX host, as any user.
 *
 * This file is main: the options, the control channel (standard input
 * and output, or one TCP connection accepted with -l), and the one
 * poll(2) loop that reads requests, hands each to its verb (the table
 * below) and writes the answers.  No threads, no fork; every wait is a
 * socket in the poll set, so no request holds up another.
 *
 * Bounded: a request line is at most AGENT_MAXLINE bytes (a longer one is
 * answered EMSGSIZE and skipped), there are at most AGENT_MAXSOCK sockets,
 * and while more than OUTHIGH bytes of answers wait for the controller
 * no request is read and no service accepts, so what waits stays under
 * AGENT_OUTMAX.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-proto.h"
#include "agent-sock.h"

#define EX_USAGE	1
#define EX_CONTROL	2		/* the control channel failed */
#define OUTHIGH		(64 * 1024)	/* answers waiting: stop reading */
#define FLUSHMS		2000		/* at exit, for the last answers */

typedef void verb_fn(struct agent_ctx *, const struct agent_req *);

static verb_fn hello, quit;

/* The verbs, by agent-proto.h's enum (agent-proto.c checks arguments). */
static verb_fn *const verbfn[AGENT_V_MAX] = {
	[AGENT_V_HELLO] =	hello,
	[AGENT_V_LISTEN] =	agent_io_listen,
	[AGENT_V_ACCEPT] =	agent_io_accept,
	[AGENT_V_CONNECT] =	agent_io_connect,
	[AGENT_V_WRITE] =	agent_io_write,
	[AGENT_V_READ] =	agent_io_read,
	[AGENT_V_SHUTDOWN] =	agent_io_shutdown,
	[AGENT_V_CLOSE] =	agent_io_close,
	[AGENT_V_ABORT] =	agent_io_abort,
	[AGENT_V_SETSOCKOPT] =	agent_opt_set,
	[AGENT_V_GETSOCKOPT] =	agent_opt_get,
	[AGENT_V_INFO] =	agent_opt_info,
	[AGENT_V_SERVE] =	agent_svc_serve,
	[AGENT_V_QUIT] =	quit,
};

/* The control channel. */
struct ctl {
	int		 in, out;
	int		 infl, outfl;	/* their file status flags at start */
	int		 eof;		/* end of input, or output failed */
	int		 skipping;	/* inside an overlong line */
	size_t		 len;
	char		 buf[AGENT_MAXLINE + 2];	/* a line, CR and LF */
};

static volatile sig_atomic_t stop;

static void
onsignal(int sig)
{
	(void)sig;
	stop = 1;
}

static _Noreturn void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f, "usage: %s [-l address:port [-k]]\n"
	    "       %s -h | --help | -V | --version\n", AGENT_PROG,
	    AGENT_PROG);
	exit(status);
}

static void
hello(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct agent_ans a;
	struct utsname u;
	char verbs[256];
	size_t n = 0;
	int v;

	verbs[0] = '\0';
	for (v = 0; v < AGENT_V_MAX; v++)
		n += (size_t)snprintf(verbs + n, sizeof(verbs) - n, "%s%s",
		    v ? "," : "", agent_proto_verbname(v));
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "proto", "%d", AGENT_PROTO);
	agent_ans_kv(&a, "agent", "%s", PACKAGE_VERSION);
	agent_ans_kv(&a, "os", "%s", uname(&u) == 0 && strchr(u.sysname, ' ')
	    == NULL ? u.sysname : "?");
	agent_ans_kv(&a, "verbs", "%s", verbs);
	agent_opt_caps(&a);
	agent_svc_caps(&a);
	agent_ans_kv(&a, "maxsock", "%d", AGENT_MAXSOCK);
	agent_ans_kv(&a, "maxline", "%d", AGENT_MAXLINE);
	agent_ans_kv(&a, "readmax", "%d", AGENT_READMAX);
	agent_ans_kv(&a, "writemax", "%d", AGENT_WRITEMAX);
	agent_send(ctx, &a);
}

static void
quit(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct agent_ans a;

	agent_ans_begin(&a, r->id, "ok");
	agent_send(ctx, &a);
	ctx->quit = 1;
}

/* One line from the controller (no newline). */
static void
request(struct agent_ctx *ctx, const char *line, size_t len)
{
	static struct agent_req r;
	struct agent_perr e;

	switch (agent_proto_parse(line, len, &r, &e)) {
	case 0:
		verbfn[r.verb](ctx, &r);
		break;
	case -1:
		agent_senderr(ctx, r.id, e.errnum, "%s", e.msg);
		break;
	}
}

/*
 * Split what was read into lines and run them.  A line longer than the
 * buffer is answered at once (with its id, if it has one) and the rest of
 * it, up to its newline, dropped.
 */
static void
lines(struct agent_ctx *ctx, struct ctl *c)
{
	char id[AGENT_IDLEN + 1];
	size_t start = 0;
	char *nl;

	while (!ctx->quit && start < c->len &&
	    (nl = memchr(c->buf + start, '\n', c->len - start)) != NULL) {
		if (!c->skipping)
			request(ctx, c->buf + start,
			    (size_t)(nl - c->buf) - start);
		c->skipping = 0;
		start = (size_t)(nl - c->buf) + 1;
	}
	memmove(c->buf, c->buf + start, c->len - start);
	c->len -= start;
	if (c->len == sizeof(c->buf)) {
		if (!c->skipping) {
			agent_proto_id(c->buf, c->len, id);
			agent_senderr(ctx, id, EMSGSIZE, "line longer than %d "
			    "bytes", AGENT_MAXLINE);
		}
		c->skipping = 1;
		c->len = 0;
	}
}

static void
readctl(struct agent_ctx *ctx, struct ctl *c)
{
	ssize_t n;

	n = read(c->in, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		/* The last line may lack its newline. */
		if (c->len > 0 && !c->skipping)
			request(ctx, c->buf, c->len);
		c->len = 0;
		c->eof = 1;
		return;
	}
	c->len += (size_t)n;
	lines(ctx, c);
}

/* Write what the socket takes; a failed write is the end of the channel. */
static void
writectl(struct agent_ctx *ctx, struct ctl *c)
{
	size_t left;
	ssize_t n;

	while ((left = agent_outq_pending(&ctx->out)) > 0) {
		n = write(c->out, ctx->out.buf + ctx->out.off, left);
		if (n > 0) {
			agent_outq_done(&ctx->out, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		c->eof = 1;
		agent_outq_done(&ctx->out, left);
		return;
	}
}

/* The last answers, for at most FLUSHMS. */
static void
flushctl(struct agent_ctx *ctx, struct ctl *c)
{
	uint64_t end = agent_now() + FLUSHMS;
	struct pollfd p;

	while (agent_outq_pending(&ctx->out) > 0 && agent_now() < end) {
		writectl(ctx, c);
		if (agent_outq_pending(&ctx->out) == 0)
			break;
		p.fd = c->out;
		p.events = POLLOUT;
		if (poll(&p, 1, (int)(end - agent_now())) <= 0)
			break;
	}
}

/* Add s to the poll set if something waits on it; the nearest wakeup. */
static int
pollsock(struct agent_sock *s, int paused, struct pollfd *p, uint64_t now,
    long *timeout)
{
	int svc = s->kind == AGENT_K_SVCLISTEN || s->kind == AGENT_K_SVCCONN;
	long ms = -1;

	/* A listener of a service waits while answers pile up. */
	if (s->kind == AGENT_K_SVCLISTEN && paused)
		return 0;
	p->fd = s->fd;
	p->revents = 0;
	if (svc)
		p->events = agent_svc_events(s);
	else if ((p->events = agent_io_events(s)) == 0)
		return 0;		/* nothing waits on it */
	if (s->ticking)
		ms = AGENT_TICKMS;
	else if (s->wait != AGENT_W_NONE && s->deadline != 0)
		ms = s->deadline > now ? (long)(s->deadline - now) : 0;
	if (ms >= 0 && (*timeout < 0 || ms < *timeout))
		*timeout = ms;
	return 1;
}

static void
run(struct agent_ctx *ctx, struct ctl *c)
{
	struct pollfd pfd[2 + AGENT_MAXSOCK];
	struct agent_sock *slot[2 + AGENT_MAXSOCK];
	unsigned name[2 + AGENT_MAXSOCK];
	int inidx, outidx, paused, n, i, r;
	struct agent_sock *s;
	uint64_t now;
	long timeout;

	while (!c->eof && !ctx->quit && !stop) {
		n = 0;
		inidx = outidx = -1;
		paused = agent_outq_pending(&ctx->out) >= OUTHIGH;
		if (!paused) {
			pfd[n].fd = c->in;
			pfd[n].events = POLLIN;
			inidx = n++;
		}
		if (agent_outq_pending(&ctx->out) > 0) {
			pfd[n].fd = c->out;
			pfd[n].events = POLLOUT;
			outidx = n++;
		}
		now = agent_now();
		timeout = -1;
		for (i = 0; i < AGENT_MAXSOCK; i++) {
			s = &ctx->sock[i];
			if (s->kind == AGENT_K_FREE ||
			    !pollsock(s, paused, &pfd[n], now, &timeout))
				continue;
			slot[n] = s;
			name[n++] = s->name;
		}
		r = poll(pfd, (nfds_t)n, (int)timeout);
		if (r == -1 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", AGENT_PROG,
			    strerror(errno));
			exit(EX_CONTROL);
		}
		if (r == -1)
			continue;
		if (outidx >= 0 && pfd[outidx].revents != 0)
			writectl(ctx, c);
		if (inidx >= 0 && pfd[inidx].revents != 0)
			readctl(ctx, c);
		for (i = 0; i < n; i++) {
			if (i == inidx || i == outidx)
				continue;
			s = slot[i];
			/* A request may have closed it, or the slot be new. */
			if (s->kind == AGENT_K_FREE || s->name != name[i])
				continue;
			if (s->kind == AGENT_K_SVCLISTEN ||
			    s->kind == AGENT_K_SVCCONN)
				agent_svc_io(ctx, s, pfd[i].revents);
			else if (pfd[i].revents != 0)
				agent_io_ready(ctx, s, pfd[i].revents);
		}
		agent_io_expire(ctx, agent_now());
		writectl(ctx, c);
	}
}

/* "ADDR:PORT" or "[ADDR]:PORT" into host (64 bytes) and *port. */
static int
splitaddr(const char *arg, char *host, long *port)
{
	const char *colon = strrchr(arg, ':');
	const char *h = arg;
	size_t n;

	if (colon == NULL || agent_proto_num(colon + 1, 0, 65535, port) == -1)
		return -1;
	n = (size_t)(colon - arg);
	if (arg[0] == '[') {
		if (n < 2 || arg[n - 1] != ']')
			return -1;
		h = arg + 1;
		n -= 2;
	}
	if (n == 0 || n >= 64)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	return 0;
}

/* -l: listen for control connections on arg; the listener's fd. */
static int
listenctl(const char *arg)
{
	struct sockaddr_storage ss;
	char host[64], me[AGENT_ADDRLEN];
	socklen_t len;
	long port;
	int fd;

	if (splitaddr(arg, host, &port) == -1 ||
	    agent_sock_addr(host, port, &ss, &len) != 0) {
		fprintf(stderr, "%s: -l %s: not a numeric ADDRESS:PORT\n",
		    AGENT_PROG, arg);
		exit(EX_USAGE);
	}
	if ((fd = agent_sock_listenfd(&ss, len, 1, 1)) == -1) {
		fprintf(stderr, "%s: -l %s: %s\n", AGENT_PROG, arg,
		    strerror(errno));
		exit(EX_CONTROL);
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		agent_sock_fmtaddr((struct sockaddr *)&ss, len, me,
		    sizeof(me));
	else
		snprintf(me, sizeof(me), "%s", arg);
	/* The port, for -l ADDR:0, on the line a wrapper waits for. */
	printf("listening %s\n", me);
	fflush(stdout);
	return fd;
}

/* Accept the next control connection on the listener fd: its fd, or -1
 * when a signal asked us to stop. */
static int
acceptctl(int fd)
{
	char peer[AGENT_ADDRLEN];
	struct pollfd p;
	int cfd;

	for (;;) {
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, -1) == -1 && errno != EINTR)
			break;
		if (stop)
			return -1;
		if ((cfd = agent_sock_acceptfd(fd, peer)) != -1) {
			fprintf(stderr, "%s: control connection from %s\n",
			    AGENT_PROG, peer);
			return cfd;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			break;
	}
	fprintf(stderr, "%s: accept: %s\n", AGENT_PROG, strerror(errno));
	exit(EX_CONTROL);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* No SA_RESTART: poll(2) returns EINTR and the loop sees stop. */
	sa.sa_handler = onsignal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL,	'h' },
		{ "listen",	required_argument,	NULL,	'l' },
		{ "keep",	no_argument,		NULL,	'k' },
		{ "version",	no_argument,		NULL,	'V' },
		{ NULL,		0,			NULL,	0 },
	};
	static struct agent_ctx ctx;
	static struct ctl c;
	const char *laddr = NULL;
	int ch, keep = 0, lfd = -1;

	while ((ch = getopt_long(argc, argv, "hkl:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'k':
			keep = 1;
			break;
		case 'l':
			laddr = optarg;
			break;
		case 'V':
			printf("%s (%s)\n", AGENT_PROG, PACKAGE_STRING);
			exit(0);
		default:
			usage(EX_USAGE);
		}
	}
	if (optind != argc || (keep && laddr == NULL))
		usage(EX_USAGE);

	catch_signals();
	if (laddr != NULL)
		lfd = listenctl(laddr);
	/* One controller at a time; with -k the next one after it left,
	 * each to a fresh agent (no socket of the last one left). */
	do {
		agent_sock_init(&ctx);
		memset(&c, 0, sizeof(c));
		if (lfd != -1) {
			if ((c.in = c.out = acceptctl(lfd)) == -1)
				break;
			if (!keep)
				close(lfd);
		} else {
			c.in = STDIN_FILENO;
			c.out = STDOUT_FILENO;
		}
		/* Non-blocking both ways, so a slow controller stalls no
		 * socket; the flags are put back at the end (stdio may be
		 * shared). */
		if ((c.infl = fcntl(c.in, F_GETFL)) == -1 ||
		    (c.outfl = fcntl(c.out, F_GETFL)) == -1 ||
		    fcntl(c.in, F_SETFL, c.infl | O_NONBLOCK) == -1 ||
		    fcntl(c.out, F_SETFL, c.outfl | O_NONBLOCK) == -1) {
			fprintf(stderr, "%s: control channel: %s\n",
			    AGENT_PROG, strerror(errno));
			exit(EX_CONTROL);
		}
		run(&ctx, &c);
		flushctl(&ctx, &c);
		agent_sock_closeall(&ctx);
		(void)fcntl(c.in, F_SETFL, c.infl);
		(void)fcntl(c.out, F_SETFL, c.outfl);
		if (lfd != -1)
			close(c.in);
	} while (keep && !ctx.quit && !stop);
	if (keep)
		close(lfd);
	return 0;
}
