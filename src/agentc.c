/*
 * agentc.c - the tester's end of tcpconform-agent's control channel.  One
 * non-blocking TCP connection; requests go out as whole lines (a short
 * wait for room, bounded), answers come in through the event loop, are
 * split by the agent's own tokenizer (agent-proto.c) and handed to the
 * callback of the request whose id they carry.  Everything the agent
 * sends is untrusted: lines are bounded, a line we cannot read ends the
 * channel with the reason, and no answer can reach a request it does not
 * name.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-proto.h"
#include "agentc.h"
#include "evloop.h"
#include "hook.h"
#include "util.h"

/* The longest line we read: a read answer's 16 KiB as hex, and its
 * keys.  A longer one is no answer of a conforming agent. */
#define LINEMAX (AGENT_ANSMAX + 256)
#define SEND_WAIT_NS (2 * NS_PER_SEC)	/* room for one request line */
#define MAXPEND 4096			/* requests open at once */

struct pend {
	uint64_t id;
	agc_cb *cb;
	void *arg;
	bool keep;
};

struct agc {
	int fd;
	pid_t pid;			/* agc_open_cmd's child, 0: none */
	struct ev_loop *loop;
	char *in;			/* bytes of lines not yet complete */
	size_t inlen;
	char *store;			/* a split line's tokens */
	struct pend *pend;
	size_t npend;
	uint64_t next_id;
	char dead[256];			/* "" while it works */
	char *hello_store;		/* hello's answer, split */
	struct agent_arg hello[AGC_MAXKV + 4];
	int nhello;
};

static int say_hello(struct agc *, uint64_t, char *, size_t);
static void reap(pid_t);

/* ---- the channel fails ---------------------------------------------------- */

/*
 * The channel is gone: say why once, and give every open request an err
 * answer, so no step waits for an answer that cannot come.
 */
static void
chan_fail(struct agc *c, const char *fmt, ...)
{
	struct agc_ans a = { .kind = AGC_ERR, .what = "EPIPE" };
	va_list ap;
	char *q;

	if (c->dead[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->dead, sizeof(c->dead), fmt, ap);
	va_end(ap);
	if (c->dead[0] == '\0')
		snprintf(c->dead, sizeof(c->dead), "failed");
	/* The tokenizer's reasons quote the line's bytes (a tab after a
	 * backslash): no control byte goes on to a message. */
	for (q = c->dead; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
			*q = '?';
	if (c->loop != NULL && c->fd >= 0)
		ev_del_fd(c->loop, c->fd);
	a.msg = c->dead;
	/* A callback may open or forget requests: take them one by one. */
	while (c->npend > 0) {
		struct pend p = c->pend[--c->npend];

		if (p.cb != NULL)
			p.cb(p.arg, p.id, &a);
	}
}

/* ---- answers ------------------------------------------------------------- */

static struct pend *
pend_find(struct agc *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->npend; i++)
		if (c->pend[i].id == id)
			return &c->pend[i];
	return NULL;
}

static void
pend_drop(struct agc *c, uint64_t id)
{
	struct pend *p = pend_find(c, id);

	if (p != NULL)
		*p = c->pend[--c->npend];
}

/* "t42" into 42; 0 for an id that is not one of ours. */
static uint64_t
our_id(const char *s)
{
	uint64_t v = 0;

	if (s[0] != 't' || s[1] < '1' || s[1] > '9')
		return 0;
	for (s++; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 - 9)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

/* Fill a from the tokens after "ID KIND": kv pairs, positional ones
 * ignored (none is defined), over AGC_MAXKV dropped. */
static void
ans_fill(struct agc_ans *a, const struct agent_arg *t, int n)
{
	int i;

	a->nkv = 0;
	for (i = 0; i < n && a->nkv < AGC_MAXKV; i++) {
		if (t[i].key == NULL)
			continue;
		a->key[a->nkv] = t[i].key;
		a->val[a->nkv] = t[i].val;
		a->vlen[a->nkv] = t[i].len;
		a->nkv++;
	}
}

/* One line from the agent (len bytes, no newline). */
static void
line_in(struct agc *c, const char *line, size_t len)
{
	struct agent_arg t[AGC_MAXKV + 4];
	struct agent_perr e;
	struct agc_ans a = { .msg = "" };
	struct pend *p, copy;
	uint64_t id;
	size_t i;
	int n, rest, k;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || line[0] == '#')
		return;
	/* Answers are printable ASCII (tcpconform-agent(1), PROTOCOL): a
	 * control byte would reach reports and terminals. */
	for (i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    (unsigned char)line[i] > 0x7e) {
			chan_fail(c, "the agent sent byte 0x%02x, not printable "
			    "ASCII, at column %zu", (unsigned char)line[i],
			    i + 1);
			return;
		}
	n = agent_proto_split(line, len, c->store, t,
	    (int)(sizeof(t) / sizeof(t[0])), &e);
	if (n < 0) {
		chan_fail(c, "the agent sent a line we cannot read: %s", e.msg);
		return;
	}
	/* A quoted value's escapes (\x1b, \x00) decode to any byte: each
	 * becomes '?', so what is handed on is printable text throughout,
	 * for every message and report it reaches. */
	for (k = 0; k < n; k++) {
		char *v = c->store + (t[k].val - c->store);	/* ours */

		for (i = 0; i < t[k].len; i++)
			if ((unsigned char)v[i] < 0x20 ||
			    (unsigned char)v[i] > 0x7e)
				v[i] = '?';
	}
	if (n < 2 || t[0].key != NULL || t[1].key != NULL) {
		chan_fail(c, "the agent sent a line that is no answer");
		return;
	}
	if (strcmp(t[0].val, "-") == 0) {
		/* It could not tell which request: one of ours was bad. */
		chan_fail(c, "the agent refused a request: %.200s",
		    n > 3 ? t[3].val : t[1].val);
		return;
	}
	rest = 2;
	if (strcmp(t[1].val, "ok") == 0) {
		a.kind = AGC_OK;
		a.what = "";
	} else if (strcmp(t[1].val, "err") == 0 && n >= 4 &&
	    t[2].key == NULL && t[3].key == NULL) {
		a.kind = AGC_ERR;
		a.what = t[2].val;
		a.msg = t[3].val;
		rest = 4;
	} else if (strcmp(t[1].val, "ev") == 0 && n >= 3 &&
	    t[2].key == NULL) {
		a.kind = AGC_EV;
		a.what = t[2].val;
		rest = 3;
	} else {
		chan_fail(c, "the agent sent an answer of no known kind");
		return;
	}
	ans_fill(&a, t + rest, n - rest);
	/* An id that is not (or no longer) ours: a request forgotten. */
	if ((id = our_id(t[0].val)) == 0 || (p = pend_find(c, id)) == NULL)
		return;
	copy = *p;
	if (a.kind != AGC_EV && !copy.keep)
		pend_drop(c, id);
	if (copy.cb != NULL)
		copy.cb(copy.arg, id, &a);
}

/* Read what the agent sent; hand over every whole line. */
static void
chan_read(struct agc *c)
{
	ssize_t r;
	size_t off, i;

	while (c->dead[0] == '\0') {
		r = read(c->fd, c->in + c->inlen, LINEMAX + 1 - c->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r < 0) {
			chan_fail(c, "the agent's control channel: %s",
			    strerror(errno));
			return;
		}
		if (r == 0) {
			chan_fail(c, "the agent closed its control channel");
			return;
		}
		c->inlen += (size_t)r;
		off = 0;
		for (i = 0; i < c->inlen && c->dead[0] == '\0'; i++) {
			if (c->in[i] != '\n')
				continue;
			line_in(c, c->in + off, i - off);
			off = i + 1;
		}
		if (c->dead[0] != '\0')
			return;
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
		if (c->inlen > LINEMAX) {
			chan_fail(c, "the agent sent a line longer than %d "
			    "bytes", LINEMAX);
			return;
		}
	}
}

static void
chan_cb(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	chan_read(arg);
}

/* ---- requests ------------------------------------------------------------ */

/* Write all of buf, waiting for room at most SEND_WAIT_NS. */
static int
chan_write(struct agc *c, const char *buf, size_t len)
{
	uint64_t due = ev_now_ns() + SEND_WAIT_NS, now;
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	ssize_t w;

	while (len > 0) {
		w = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			chan_fail(c, "the agent's control channel: %s",
			    strerror(errno));
			return -1;
		}
		if ((now = ev_now_ns()) >= due) {
			chan_fail(c, "the agent takes no requests (its "
			    "control channel stayed full)");
			return -1;
		}
		(void)poll(&pfd, 1, (int)((due - now) / NS_PER_MS) + 1);
	}
	return 0;
}

static uint64_t
vrequest(struct agc *c, agc_cb *cb, void *arg, bool keep, const char *fmt,
    va_list ap)
{
	char line[AGENT_MAXLINE + 2];
	int n, m;
	uint64_t id;

	if (c->dead[0] != '\0')
		return 0;
	if (c->npend >= MAXPEND) {
		chan_fail(c, "more than %d requests to the agent open",
		    MAXPEND);
		return 0;
	}
	id = ++c->next_id;
	n = snprintf(line, sizeof(line), "t%" PRIu64 " ", id);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0 || (size_t)n + (size_t)m > AGENT_MAXLINE) {
		/* The callers' requests are bounded well below this. */
		chan_fail(c, "a request of %d bytes, more than the agent's %d",
		    n + m, AGENT_MAXLINE);
		return 0;
	}
	line[n + m] = '\n';
	c->pend = xreallocarray(c->pend, c->npend + 1, sizeof(*c->pend));
	c->pend[c->npend++] = (struct pend){ id, cb, arg, keep };
	if (chan_write(c, line, (size_t)(n + m) + 1) != 0)
		return 0;
	return id;
}

uint64_t
agc_request(struct agc *c, agc_cb *cb, void *arg, bool keep,
    const char *fmt, ...)
{
	va_list ap;
	uint64_t id;

	va_start(ap, fmt);
	id = vrequest(c, cb, arg, keep, fmt, ap);
	va_end(ap);
	return id;
}

/* agc_call's answer: forwarded, and the wait ends. */
struct call {
	agc_cb *cb;
	void *arg;
	bool done;
};

static void
call_cb(void *arg, uint64_t id, const struct agc_ans *a)
{
	struct call *k = arg;

	if (k->cb != NULL)
		k->cb(k->arg, id, a);
	if (a->kind != AGC_EV)
		k->done = true;
}

int
agc_call(struct agc *c, uint64_t timeout_ns, agc_cb *cb, void *arg,
    char *err, size_t errlen, const char *fmt, ...)
{
	struct call k = { cb, arg, false };
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	uint64_t due = ev_now_ns() + timeout_ns, now, id;
	va_list ap;

	va_start(ap, fmt);
	id = vrequest(c, call_cb, &k, false, fmt, ap);
	va_end(ap);
	while (id != 0 && !k.done && c->dead[0] == '\0') {
		if ((now = ev_now_ns()) >= due) {
			agc_forget(c, id);
			tc_errf(err, errlen, "the agent did not answer within "
			    "%" PRIu64 " ms", (uint64_t)(timeout_ns / NS_PER_MS));
			return -1;
		}
		if (poll(&pfd, 1, (int)((due - now) / NS_PER_MS) + 1) > 0)
			chan_read(c);
	}
	if (!k.done) {
		tc_errf(err, errlen, "%s", c->dead);
		return -1;
	}
	return 0;
}

void
agc_forget(struct agc *c, uint64_t id)
{
	if (c != NULL)
		pend_drop(c, id);
}

/* ---- answers' values ----------------------------------------------------- */

const char *
agc_val(const struct agc_ans *a, const char *key, size_t *len)
{
	int i;

	for (i = 0; i < a->nkv; i++)
		if (strcmp(a->key[i], key) == 0) {
			if (len != NULL)
				*len = a->vlen[i];
			return a->val[i];
		}
	return NULL;
}

const char *
agc_hello(const struct agc *c, const char *key)
{
	int i;

	for (i = 0; i < c->nhello; i++)
		if (c->hello[i].key != NULL && strcmp(c->hello[i].key,
		    key) == 0)
			return c->hello[i].val;
	return "";
}

bool
agc_offers(const struct agc *c, const char *key, const char *name)
{
	const char *s = agc_hello(c, key), *e;
	size_t n = strlen(name);

	for (; *s != '\0'; s = *e == ',' ? e + 1 : e) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if ((size_t)(e - s) == n && strncmp(s, name, n) == 0)
			return true;
	}
	return false;
}

const char *
agc_dead(const struct agc *c)
{
	return c->dead[0] != '\0' ? c->dead : NULL;
}

/* ---- opening ------------------------------------------------------------- */

/* "ADDR:PORT" or "[ADDR]:PORT", numeric, into res. */
static int
spec_parse(const char *spec, struct addrinfo **res, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	char host[128];
	const char *colon, *h = spec;
	size_t hl;
	int rc;

	if (spec[0] == '[') {
		colon = strstr(spec, "]:");
		h = spec + 1;
		hl = colon != NULL ? (size_t)(colon - h) : 0;
		colon = colon != NULL ? colon + 1 : NULL;
	} else {
		colon = strrchr(spec, ':');
		hl = colon != NULL ? (size_t)(colon - spec) : 0;
	}
	if (colon == NULL || hl == 0 || hl >= sizeof(host) ||
	    colon[1] == '\0') {
		tc_errf(err, errlen, "expected ADDRESS:PORT ([ADDRESS]:PORT "
		    "for IPv6), numeric");
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if ((rc = getaddrinfo(host, colon + 1, &hints, res)) != 0) {
		tc_errf(err, errlen, "%s", gai_strerror(rc));
		return -1;
	}
	return 0;
}

/* hello's answer: kept, split, for agc_offers. */
static void
hello_cb(void *arg, uint64_t id, const struct agc_ans *a)
{
	struct agc *c = arg;
	size_t len = 0, i;
	char *d;
	int k;

	(void)id;
	if (a->kind != AGC_OK)
		return;
	for (k = 0; k < a->nkv; k++)
		len += strlen(a->key[k]) + a->vlen[k] + 2;
	d = c->hello_store = xmalloc(len + 1);
	c->nhello = 0;
	for (k = 0; k < a->nkv; k++) {
		struct agent_arg *h = &c->hello[c->nhello++];

		i = strlen(a->key[k]) + 1;
		memcpy(d, a->key[k], i);
		h->key = d;
		d += i;
		memcpy(d, a->val[k], a->vlen[k]);
		d[a->vlen[k]] = '\0';
		h->val = d;
		h->len = a->vlen[k];
		d += a->vlen[k] + 1;
	}
}

/* A handle on the channel fd (-1: none yet), with its line buffers. */
static struct agc *
agc_alloc(int fd)
{
	struct agc *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	c->in = xmalloc(LINEMAX + 1);
	c->store = xmalloc(LINEMAX + 2);
	return c;
}

struct agc *
agc_open(const char *spec, uint64_t timeout_ns, char *err, size_t errlen)
{
	struct addrinfo *res = NULL;
	struct agc *c;
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int one = 1, soerr = 0, rc, fd;

	if (spec_parse(spec, &res, err, errlen) != 0)
		return NULL;
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0) {
		tc_errf(err, errlen, "socket: %s", strerror(errno));
		freeaddrinfo(res);
		return NULL;
	}
	c = agc_alloc(fd);
	/* Requests are single small lines: no Nagle delay between them. */
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, res->ai_addr, res->ai_addrlen) != 0 &&
	    errno != EINPROGRESS) {
		tc_errf(err, errlen, "connect: %s", strerror(errno));
		goto fail;
	}
	pfd = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
	rc = poll(&pfd, 1, (int)((uint64_t)(timeout_ns / NS_PER_MS)));
	if (rc <= 0) {
		tc_errf(err, errlen, "connect: no answer within %" PRIu64
		    " ms", (uint64_t)(timeout_ns / NS_PER_MS));
		goto fail;
	}
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
	    soerr != 0) {
		tc_errf(err, errlen, "connect: %s", strerror(soerr != 0 ?
		    soerr : errno));
		goto fail;
	}
	freeaddrinfo(res);
	res = NULL;
	if (say_hello(c, timeout_ns, err, errlen) != 0)
		goto fail;
	return c;
fail:
	if (res != NULL)
		freeaddrinfo(res);
	agc_free(c);
	return NULL;
}

/* hello, and its protocol: the end of agc_open and agc_open_cmd. */
static int
say_hello(struct agc *c, uint64_t timeout_ns, char *err, size_t errlen)
{
	if (agc_call(c, timeout_ns, hello_cb, c, err, errlen, "hello") != 0)
		return -1;
	if (strcmp(agc_hello(c, "proto"), "1") != 0) {
		tc_errf(err, errlen, "the agent speaks protocol '%.32s', not "
		    "%d (or did not answer hello)", agc_hello(c, "proto"),
		    AGENT_PROTO);
		return -1;
	}
	return 0;
}

struct agc *
agc_open_cmd(const char *cmd, uint64_t timeout_ns, char *err, size_t errlen)
{
	struct hook *sh = hook_new("sh -c");
	struct agc *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		tc_errf(err, errlen, "socketpair: %s", strerror(errno));
		hook_free(sh);
		return NULL;
	}
	c = agc_alloc(sv[0]);
	/* As the hook's commands run: stdin and stdout are our channel,
	 * stderr stays the user's (ssh's messages), nothing else of ours,
	 * a process group of its own. */
	c->pid = hook_spawn_io(sh, cmd, sv[1], err, errlen);
	hook_free(sh);
	close(sv[1]);
	if (c->pid < 0) {
		c->pid = 0;
		agc_free(c);
		return NULL;
	}
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0 ||
	    say_hello(c, timeout_ns, err, errlen) != 0) {
		if (err[0] == '\0')
			tc_errf(err, errlen, "%s", strerror(errno));
		agc_free(c);
		return NULL;
	}
	return c;
}

int
agc_attach(struct agc *c, struct ev_loop *loop)
{
	if (c->dead[0] != '\0')
		return -1;
	c->loop = loop;
	return ev_add_fd(loop, c->fd, chan_cb, c);
}

/*
 * The agent's command ends at end of file on its stdin (the agent's
 * contract; ssh passes it on): give it a while, then kill it.  Bounded,
 * so a command that ignores its stdin cannot hold the run's exit.
 */
static void
reap(pid_t pid)
{
	int i, st;

	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &st, WNOHANG) != 0)
			return;
		(void)poll(NULL, 0, 20);
	}
	hook_kill(pid, NULL);	/* its group: what ssh started too */
}

void
agc_free(struct agc *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0) {
		if (c->loop != NULL && c->dead[0] == '\0')
			ev_del_fd(c->loop, c->fd);
		close(c->fd);
	}
	if (c->pid > 0)
		reap(c->pid);
	free(c->pend);
	free(c->in);
	free(c->store);
	free(c->hello_store);
	free(c);
}
