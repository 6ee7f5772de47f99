/*
 * agent-proto.c - the line protocol of tcpconform-agent (agent-proto.h):
 * requests in, answer lines out.  Every line from the control channel is
 * untrusted: each byte is checked once here, so the verbs see only
 * printable tokens, known keys and the argument counts of their row in
 * the verb table.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-proto.h"

/*
 * The verbs: name, positional arguments (at least, at most) and the keys
 * each takes (a comma-separated list).  Values are the verb's business.
 */
static const struct verbdef {
	const char	*name;
	int		 minpos, maxpos;
	const char	*keys;
} verbs[AGENT_V_MAX] = {
	[AGENT_V_HELLO] =	{ "hello",	0, 0, "" },
	[AGENT_V_LISTEN] =	{ "listen",	2, 2, "backlog,reuse" },
	[AGENT_V_ACCEPT] =	{ "accept",	1, 1, "timeout" },
	[AGENT_V_CONNECT] =	{ "connect",	2, 2, "lport,timeout,syncnt" },
	[AGENT_V_WRITE] =	{ "write",	1, 2, "hex,text,oob" },
	[AGENT_V_READ] =	{ "read",	1, 2, "timeout" },
	[AGENT_V_SHUTDOWN] =	{ "shutdown",	2, 2, "" },
	[AGENT_V_CLOSE] =	{ "close",	1, 1, "" },
	[AGENT_V_ABORT] =	{ "abort",	1, 1, "" },
	[AGENT_V_SETSOCKOPT] =	{ "setsockopt",	3, 3, "" },
	[AGENT_V_GETSOCKOPT] =	{ "getsockopt",	2, 2, "" },
	[AGENT_V_INFO] =	{ "info",	1, 1, "" },
	[AGENT_V_SERVE] =	{ "serve",	2, 2, "addr,backlog,banner" },
	[AGENT_V_QUIT] =	{ "quit",	0, 0, "" },
};

/* The errno symbols an answer can name (those a socket call can return). */
static const struct errdef {
	int		 num;
	const char	*name;
} errs[] = {
	{ EPERM, "EPERM" },		{ ENOENT, "ENOENT" },
	{ EINTR, "EINTR" },		{ EIO, "EIO" },
	{ E2BIG, "E2BIG" },		{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },		{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },		{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },		{ EEXIST, "EEXIST" },
	{ EINVAL, "EINVAL" },		{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },		{ ENOSPC, "ENOSPC" },
	{ EPIPE, "EPIPE" },		{ ERANGE, "ERANGE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" },
	{ ENOTSOCK, "ENOTSOCK" },	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EMSGSIZE, "EMSGSIZE" },	{ EPROTOTYPE, "EPROTOTYPE" },
	{ ENOPROTOOPT, "ENOPROTOOPT" },	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" },	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETDOWN, "ENETDOWN" },	{ ENETUNREACH, "ENETUNREACH" },
	{ ENETRESET, "ENETRESET" },	{ ECONNABORTED, "ECONNABORTED" },
	{ ECONNRESET, "ECONNRESET" },	{ ENOBUFS, "ENOBUFS" },
	{ EISCONN, "EISCONN" },		{ ENOTCONN, "ENOTCONN" },
	{ ESHUTDOWN, "ESHUTDOWN" },	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNREFUSED, "ECONNREFUSED" }, { EHOSTDOWN, "EHOSTDOWN" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" },	{ ECANCELED, "ECANCELED" },
};

static int
perr(struct agent_perr *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
idchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	    c == '-';
}

/* An id: 1..AGENT_IDLEN id characters, the first a letter or digit. */
static int
validid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > AGENT_IDLEN || !idchar(s[0]) || s[0] == '_' ||
	    s[0] == '.' || s[0] == ':' || s[0] == '-')
		return 0;
	for (i = 1; i < n; i++)
		if (!idchar(s[i]))
			return 0;
	return 1;
}

void
agent_proto_id(const char *line, size_t len, char *id)
{
	size_t i = 0, start;

	while (i < len && blank(line[i]))
		i++;
	start = i;
	while (i < len && !blank(line[i]))
		i++;
	if (validid(line + start, i - start)) {
		memcpy(id, line + start, i - start);
		id[i - start] = '\0';
	} else
		strcpy(id, "-");
}

/* Is key one of the comma-separated list? */
static int
inlist(const char *list, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (p = list; *p != '\0'; ) {
		if (strncmp(p, key, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The quoted text at *pp (past its opening quote) up to its closing quote,
 * escapes decoded, into *dp.  Returns 0, or -1 with *e set.
 */
static int
unquote(const char **pp, const char *end, char **dp, struct agent_perr *e)
{
	const char *p = *pp;
	char *d = *dp;
	int hi, lo;

	for (;;) {
		if (p == end)
			return perr(e, EINVAL, "unterminated quote");
		if (*p == '"')
			break;
		if (*p != '\\') {
			*d++ = *p++;
			continue;
		}
		if (++p == end)
			return perr(e, EINVAL, "unterminated quote");
		switch (*p) {
		case '"':
		case '\\':
			*d++ = *p;
			break;
		case 'r':
			*d++ = '\r';
			break;
		case 'n':
			*d++ = '\n';
			break;
		case 't':
			*d++ = '\t';
			break;
		case 'x':
			if (end - p < 3 || (hi = hexval(p[1])) < 0 ||
			    (lo = hexval(p[2])) < 0)
				return perr(e, EINVAL, "bad \\x escape");
			*d++ = (char)(hi << 4 | lo);
			p += 2;
			break;
		default:
			return perr(e, EINVAL, "unknown escape \\%c", *p);
		}
		p++;
	}
	*pp = p + 1;
	*dp = d;
	return 0;
}

/*
 * Split the line p..end into tokens in store (end - p + 1 bytes at
 * least: a token never grows, and each ends in one NUL); toks[] gets each
 * one's key (or NULL) and value.  Returns the number of tokens, or -1.
 */
static int
tokenize(const char *p, const char *end, char *store,
    struct agent_arg *toks, int maxtoks, struct agent_perr *e)
{
	char *d = store, *start;
	const char *key;
	int n = 0;

	for (;;) {
		while (p < end && blank(*p))
			p++;
		if (p == end)
			return n;
		if (n == maxtoks)
			return perr(e, E2BIG, "more than %d words",
			    maxtoks);
		start = d;
		key = NULL;
		while (p < end && !blank(*p) && *p != '"') {
			if (*p == '=' && key == NULL && d > start) {
				*d++ = '\0';
				key = start;
				start = d;
				p++;
				continue;
			}
			*d++ = *p++;
		}
		if (p < end && *p == '"') {
			if (d != start)
				return perr(e, EINVAL, "quote inside a word");
			p++;
			if (unquote(&p, end, &d, e) == -1)
				return -1;
			if (p < end && !blank(*p))
				return perr(e, EINVAL,
				    "no blank after a closing quote");
		}
		toks[n].key = key;
		toks[n].val = start;
		toks[n].len = (size_t)(d - start);
		*d++ = '\0';
		n++;
	}
}

int
agent_proto_split(const char *line, size_t len, char *store,
    struct agent_arg *toks, int maxtoks, struct agent_perr *e)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	return tokenize(line, line + len, store, toks, maxtoks, e);
}

static int
validkey(const char *k)
{
	for (; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '_'))
			return 0;
	return 1;
}

/* Sort the arguments (toks after id and verb) into pos[] and key[]. */
static int
sortargs(struct agent_req *r, const struct agent_arg *toks, int n,
    struct agent_perr *e)
{
	const struct verbdef *v = &verbs[r->verb];
	int i;

	for (i = 0; i < n; i++) {
		if (toks[i].key == NULL) {
			if (r->npos == v->maxpos)
				return perr(e, EINVAL,
				    "%s takes at most %d arguments", v->name,
				    v->maxpos);
			r->pos[r->npos++] = toks[i];
			continue;
		}
		if (!validkey(toks[i].key) || !inlist(v->keys, toks[i].key))
			return perr(e, EINVAL, "%s takes no %s=", v->name,
			    validkey(toks[i].key) ? toks[i].key : "such key");
		if (agent_req_key(r, toks[i].key) != NULL)
			return perr(e, EINVAL, "%s= given twice", toks[i].key);
		r->key[r->nkey++] = toks[i];
	}
	if (r->npos < v->minpos)
		return perr(e, EINVAL, "%s needs %d arguments", v->name,
		    v->minpos);
	return 0;
}

int
agent_proto_parse(const char *line, size_t len, struct agent_req *r,
    struct agent_perr *e)
{
	struct agent_arg toks[2 + 2 * AGENT_MAXARGS];
	size_t i;
	int n, v;

	r->npos = r->nkey = 0;
	r->verb = AGENT_V_MAX;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	agent_proto_id(line, len > AGENT_MAXLINE ? AGENT_MAXLINE : len,
	    r->id);
	if (len > AGENT_MAXLINE)
		return perr(e, EMSGSIZE, "line longer than %d bytes",
		    AGENT_MAXLINE);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == '\0')
			return perr(e, EINVAL, "NUL byte at column %zu", i + 1);
		if ((c < 0x20 && c != '\t') || c > 0x7e)
			return perr(e, EINVAL, "byte 0x%02x at column %zu is "
			    "not printable ASCII", c, i + 1);
	}
	for (i = 0; i < len && blank(line[i]); i++)
		;
	if (i == len || line[i] == '#')
		return 1;
	if (strcmp(r->id, "-") == 0)
		return perr(e, EINVAL, "a request starts with an id: 1 to %d "
		    "of A-Z a-z 0-9 _ . : -, the first a letter or digit",
		    AGENT_IDLEN);
	if ((n = tokenize(line, line + len, r->store, toks,
	    (int)(sizeof(toks) / sizeof(toks[0])), e)) == -1)
		return -1;
	if (n < 2 || toks[1].key != NULL)
		return perr(e, EINVAL, "no verb");
	for (v = 0; v < AGENT_V_MAX; v++)
		if (strcmp(verbs[v].name, toks[1].val) == 0)
			break;
	if (v == AGENT_V_MAX)
		return perr(e, ENOSYS, "unknown verb (hello lists them)");
	r->verb = (enum agent_verb)v;
	return sortargs(r, toks + 2, n - 2, e);
}

const struct agent_arg *
agent_req_key(const struct agent_req *r, const char *key)
{
	int i;

	for (i = 0; i < r->nkey; i++)
		if (strcmp(r->key[i].key, key) == 0)
			return &r->key[i];
	return NULL;
}

const char *
agent_proto_verbname(int verb)
{
	return verb >= 0 && verb < AGENT_V_MAX ? verbs[verb].name : NULL;
}

int
agent_proto_num(const char *s, long lo, long hi, long *v)
{
	const char *p = s;
	char *end;
	long x;

	if (*p == '-')
		p++;
	if (*p == '\0' || strlen(p) > 18 || strspn(p, "0123456789") !=
	    strlen(p))
		return -1;
	errno = 0;
	x = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

int
agent_proto_handle(const char *s, unsigned *n)
{
	unsigned long x;
	size_t len;

	if (s[0] != 's' || s[1] < '1' || s[1] > '9')
		return -1;
	len = strlen(s + 1);
	if (len > 10 || strspn(s + 1, "0123456789") != len)
		return -1;
	x = strtoul(s + 1, NULL, 10);
	if (x > UINT_MAX)
		return -1;
	*n = (unsigned)x;
	return 0;
}

long
agent_proto_unhex(const char *s, size_t len, unsigned char *out, size_t cap)
{
	size_t i;
	int hi, lo;

	if (len % 2 != 0 || len / 2 > cap)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

const char *
agent_proto_errname(int errnum)
{
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].num == errnum)
			return errs[i].name;
	return "EUNKNOWN";
}

/* Room left in a line: the last 16 bytes keep " trunc=1\n". */
static size_t
room(const struct agent_ans *a)
{
	return a->trunc || a->len >= AGENT_ANSMAX - 16 ? 0 :
	    AGENT_ANSMAX - 16 - a->len;
}

static void
put(struct agent_ans *a, const char *s, size_t n)
{
	if (n > room(a)) {
		a->trunc = 1;
		return;
	}
	memcpy(a->buf + a->len, s, n);
	a->len += n;
}

static void
vput(struct agent_ans *a, const char *fmt, va_list ap)
{
	size_t left = room(a);
	int n;

	if (left == 0) {
		a->trunc = 1;
		return;
	}
	n = vsnprintf(a->buf + a->len, left, fmt, ap);
	if (n < 0 || (size_t)n >= left) {
		a->trunc = 1;
		return;
	}
	a->len += (size_t)n;
}

void
agent_ans_begin(struct agent_ans *a, const char *id, const char *kind)
{
	a->len = 0;
	a->trunc = 0;
	put(a, id, strlen(id));
	put(a, " ", 1);
	put(a, kind, strlen(kind));
}

void
agent_ans_err(struct agent_ans *a, const char *id, int errnum,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	agent_ans_begin(a, id, "err");
	agent_ans_kv(a, NULL, "%s", agent_proto_errname(errnum));
	agent_ans_quoted(a, NULL, msg, strlen(msg));
}

void
agent_ans_kv(struct agent_ans *a, const char *key, const char *fmt, ...)
{
	va_list ap;

	put(a, " ", 1);
	if (key != NULL) {
		put(a, key, strlen(key));
		put(a, "=", 1);
	}
	va_start(ap, fmt);
	vput(a, fmt, ap);
	va_end(ap);
}

void
agent_ans_quoted(struct agent_ans *a, const char *key, const void *p,
    size_t len)
{
	const unsigned char *s = p;
	char esc[5];
	size_t i;

	put(a, " ", 1);
	if (key != NULL) {
		put(a, key, strlen(key));
		put(a, "=", 1);
	}
	put(a, "\"", 1);
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"':
			put(a, "\\\"", 2);
			break;
		case '\\':
			put(a, "\\\\", 2);
			break;
		case '\r':
			put(a, "\\r", 2);
			break;
		case '\n':
			put(a, "\\n", 2);
			break;
		case '\t':
			put(a, "\\t", 2);
			break;
		default:
			if (s[i] >= 0x20 && s[i] <= 0x7e) {
				put(a, (const char *)s + i, 1);
				break;
			}
			snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			put(a, esc, 4);
		}
	}
	put(a, "\"", 1);
}

void
agent_ans_hex(struct agent_ans *a, const char *key, const void *p,
    size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *s = p;
	size_t i;

	put(a, " ", 1);
	put(a, key, strlen(key));
	put(a, "=", 1);
	if (2 * len > room(a)) {
		a->trunc = 1;
		return;
	}
	for (i = 0; i < len; i++) {
		a->buf[a->len++] = digits[s[i] >> 4];
		a->buf[a->len++] = digits[s[i] & 0xf];
	}
}

const char *
agent_ans_end(struct agent_ans *a, size_t *lenp)
{
	static const char mark[] = " trunc=1";

	if (a->trunc) {
		memcpy(a->buf + a->len, mark, sizeof(mark) - 1);
		a->len += sizeof(mark) - 1;
	}
	a->buf[a->len] = '\n';
	*lenp = a->len + 1;
	return a->buf;
}

int
agent_outq_put(struct agent_outq *q, struct agent_ans *a)
{
	const char *line;
	size_t n, want;
	char *nb;

	line = agent_ans_end(a, &n);
	if (q->off == q->len)
		q->off = q->len = 0;
	if (q->len - q->off + n > AGENT_OUTMAX) {
		q->dropped++;
		return -1;
	}
	if (q->cap - q->len < n && q->off > 0) {
		memmove(q->buf, q->buf + q->off, q->len - q->off);
		q->len -= q->off;
		q->off = 0;
	}
	if (q->cap - q->len < n) {
		for (want = q->cap ? q->cap : 8192; want - q->len < n; )
			want *= 2;
		if ((nb = realloc(q->buf, want)) == NULL) {
			q->dropped++;
			return -1;
		}
		q->buf = nb;
		q->cap = want;
	}
	memcpy(q->buf + q->len, line, n);
	q->len += n;
	return 0;
}

size_t
agent_outq_pending(const struct agent_outq *q)
{
	return q->len - q->off;
}

void
agent_outq_done(struct agent_outq *q, size_t n)
{
	q->off += n;
	if (q->off >= q->len)
		q->off = q->len = 0;
}

void
agent_outq_free(struct agent_outq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->off = q->len = q->cap = 0;
}
