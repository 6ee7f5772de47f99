/*
 * script.c - load YAML test cases into a plan.
 *
 * libyaml's document API gives every node its start mark, which is what
 * messages point at.  The schema is walked with tables: the top level, each
 * step kind, each option and each nested mapping list their keys with one
 * parser per key, so unknown, duplicate and missing keys are checked in one
 * place, map_fields().  Parsing goes on after an error so that a run reports
 * every mistake at once; a case with an error is not added to the plan.
 *
 * The loader must survive hostile input: files are capped in size, aliases
 * are refused (no billion laughs), and recursion only follows the schema, so
 * its depth is bounded whatever the nesting of the YAML.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"

#define SCR_MAX_FILE	(1024 * 1024)	/* bytes per file */
#define SCR_MAX_STEPS	10000		/* steps per case */
#define SCR_MAX_ERRS	100		/* messages per file */
#define SCR_MAX_DEPTH	32		/* directories (symlink loops) */
#define SCR_MAX_DATA	65535		/* payload bytes in one step */
#define SCR_OPT_SPACE	40		/* TCP option bytes (RFC 9293) */
#define SCR_MAX_NEST	64		/* YAML nesting (schema: 8) */
#define SCR_MAX_PROBS	10		/* anchors reported per doc */
#define QLEN		48		/* a value quoted in a message */

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Case ids in the plan, hashed for the duplicate check. */
struct idset {
	size_t *slot;			/* index in p->cases + 1; 0: empty */
	size_t cap, n;			/* cap: a power of 2 */
};

/* Loading one file. */
struct ld {
	struct plan *p;
	struct scr_errs *errs;
	struct idset ids;
	const char *file;		/* owned by p->files */
	yaml_document_t *doc;
	size_t nerr;			/* messages for this file */
	bool stop;			/* too many errors: skip the rest */
};

/* A key of a mapping and its parser; dst is the struct being filled. */
struct field {
	const char *name;		/* first member: see join() */
	void (*parse)(struct ld *, yaml_node_t *, void *dst);
	bool required;
};

/* Payload bytes while parsing data. */
struct bytes {
	uint8_t *p;
	size_t n;
};

/* ---- messages ---------------------------------------------------------- */

static void errs_add(struct scr_errs *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void mark_err(struct ld *, const yaml_mark_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void lerr(struct ld *, const yaml_node_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
errs_vadd(struct scr_errs *errs, const char *where, const char *fmt,
    va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	errs->msgs = xreallocarray(errs->msgs, errs->n + 1,
	    sizeof(*errs->msgs));
	errs->msgs[errs->n++] = xasprintf("%s: %s", where, msg);
}

/* A message about a whole file or path. */
static void
errs_add(struct scr_errs *errs, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_vadd(errs, where, fmt, ap);
	va_end(ap);
}

static void
mark_verr(struct ld *ld, const yaml_mark_t *m, const char *fmt, va_list ap)
{
	char *where;

	if (ld->stop)
		return;
	if (++ld->nerr > SCR_MAX_ERRS) {
		errs_add(ld->errs, ld->file,
		    "too many errors, giving up on this file");
		ld->stop = true;
		return;
	}
	where = xasprintf("%s:%zu:%zu", ld->file, m->line + 1, m->column + 1);
	errs_vadd(ld->errs, where, fmt, ap);
	free(where);
}

static void
mark_err(struct ld *ld, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, m, fmt, ap);
	va_end(ap);
}

/* A message about node n, at its first character. */
static void
lerr(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, &n->start_mark, fmt, ap);
	va_end(ap);
}

/* Bytes for a message: non-printable ones escaped, long values cut. */
static const char *
quote(const unsigned char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o + 8 >= len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f)
			buf[o++] = (char)s[i];
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x",
			    s[i]);
	}
	buf[o] = '\0';
	return buf;
}

/* A scalar node's value for a message. */
static const char *
qs(const yaml_node_t *n, char *buf, size_t len)
{
	if (n->type != YAML_SCALAR_NODE)
		return n->type == YAML_MAPPING_NODE ? "{...}" : "[...]";
	return quote(n->data.scalar.value, n->data.scalar.length, buf, len);
}

static const char *
kind_name(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "sequence";
	return "scalar";
}

/*
 * "a, b, c", or "a, b or c" with last = " or ", from a table whose entries
 * start with their name (a struct's first member, or a plain string).
 */
static const char *
join(char *buf, size_t len, const void *tab, size_t n, size_t stride,
    const char *last)
{
	const char *const *name;
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		name = (const char *const *)(const void *)
		    ((const char *)tab + i * stride);
		snprintf(buf + o, len - o, "%s%s",
		    i == 0 ? "" : i == n - 1 ? last : ", ", *name);
		o += strlen(buf + o);
	}
	return buf;
}

#define JOIN(buf, tab, n, last)	\
	join(buf, sizeof(buf), tab, n, sizeof((tab)[0]), last)

/* ---- case ids -------------------------------------------------------- */

/* FNV-1a. */
static size_t
id_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static void idset_add(struct idset *, const struct plan *, size_t);

static void
idset_grow(struct idset *ids, const struct plan *p)
{
	size_t *old = ids->slot, oldcap = ids->cap, i;

	ids->cap = oldcap != 0 ? oldcap * 2 : 64;
	ids->slot = xcalloc(ids->cap, sizeof(*ids->slot));
	ids->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			idset_add(ids, p, old[i] - 1);
	free(old);
}

/* Add p->cases[ci]. */
static void
idset_add(struct idset *ids, const struct plan *p, size_t ci)
{
	size_t h;

	if (2 * (ids->n + 1) > ids->cap)
		idset_grow(ids, p);
	h = id_hash(p->cases[ci].id) & (ids->cap - 1);
	while (ids->slot[h] != 0)
		h = (h + 1) & (ids->cap - 1);
	ids->slot[h] = ci + 1;
	ids->n++;
}

/* The case with this id, or NULL. */
static const struct plan_case *
idset_find(const struct idset *ids, const struct plan *p, const char *id)
{
	const struct plan_case *c;
	size_t h;

	if (ids->cap == 0)
		return NULL;
	h = id_hash(id) & (ids->cap - 1);
	for (; ids->slot[h] != 0; h = (h + 1) & (ids->cap - 1)) {
		c = &p->cases[ids->slot[h] - 1];
		if (strcmp(c->id, id) == 0)
			return c;
	}
	return NULL;
}

/* ---- nodes ------------------------------------------------------------- */

static yaml_node_t *
node(struct ld *ld, int id)
{
	yaml_node_t *n = yaml_document_get_node(ld->doc, id);

	if (n == NULL)
		fatalx("script: yaml node %d missing", id);
	return n;
}

static struct plan_pos
pos(struct ld *ld, const yaml_node_t *n)
{
	struct plan_pos p;

	p.file = ld->file;
	p.line = (int)n->start_mark.line + 1;
	p.col = (int)n->start_mark.column + 1;
	return p;
}

static size_t
npairs(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top -
	    n->data.mapping.pairs.start);
}

static size_t
nitems(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
}

/* A plain empty, "~" or "null" scalar: what "key:" alone gives. */
static bool
is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < NITEMS(nulls); i++)
		if (strcmp((const char *)n->data.scalar.value, nulls[i]) == 0)
			return true;
	return false;
}

/* Does scalar n spell name exactly (no NUL tricks)? */
static bool
is_word(const yaml_node_t *n, const char *name)
{
	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(name) &&
	    memcmp(n->data.scalar.value, name, n->data.scalar.length) == 0;
}

/* A non-empty scalar without NUL bytes, or NULL after a message. */
static const char *
get_str(struct ld *ld, yaml_node_t *n, const char *what)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE) {
		lerr(ld, n, "%s must be a scalar, not a %s", what,
		    kind_name(n));
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (n->data.scalar.length == 0 || is_null(n)) {
		lerr(ld, n, "%s must not be empty", what);
		return NULL;
	}
	if (strlen(s) != n->data.scalar.length) {
		lerr(ld, n, "%s must not contain NUL bytes", what);
		return NULL;
	}
	return s;
}

/* Unsigned decimal, or hex with 0x; no sign, no blanks. */
static int
parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0, base = 10;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -1;
		if (x > (max - (uint64_t)d) / base)
			return -1;
		x = x * base + (uint64_t)d;
	}
	*v = x;
	return 0;
}

/* An integer scalar in min..max. */
static int
get_uint(struct ld *ld, yaml_node_t *n, const char *what, uint64_t min,
    uint64_t max, uint64_t *v)
{
	const char *s;
	char q[QLEN];

	if ((s = get_str(ld, n, what)) == NULL)
		return -1;
	if (parse_uint(s, max, v) == -1 || *v < min) {
		lerr(ld, n, "bad %s '%s': expected an integer %llu..%llu",
		    what, qs(n, q, sizeof(q)), (unsigned long long)min,
		    (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* A duration over 0. */
static void
get_duration(struct ld *ld, yaml_node_t *n, const char *what, uint64_t *ns)
{
	const char *s;
	char q[QLEN];

	if ((s = get_str(ld, n, what)) == NULL)
		return;
	if (tc_parse_duration(s, ns) == -1)
		lerr(ld, n, "bad duration '%s' for %s: expected e.g. 250ms, "
		    "1s or 1.5s (at most a day)", qs(n, q, sizeof(q)), what);
	else if (*ns == 0)
		lerr(ld, n, "%s must be greater than 0", what);
}

/*
 * Hex digits, blanks allowed anywhere, into a new buffer of at most max
 * bytes.
 */
static int
get_hex(struct ld *ld, yaml_node_t *n, const char *what, size_t max,
    struct bytes *b)
{
	const unsigned char *s;
	size_t i, len, ndig = 0;
	uint8_t *p;
	char q[QLEN];

	if (n->type != YAML_SCALAR_NODE) {
		lerr(ld, n, "%s must be a scalar of hex digits, not a %s",
		    what, kind_name(n));
		return -1;
	}
	s = n->data.scalar.value;
	len = n->data.scalar.length;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (!isxdigit(s[i])) {
			lerr(ld, n, "bad hex digit '%s' in %s",
			    quote(s + i, 1, q, sizeof(q)), what);
			return -1;
		}
		ndig++;
	}
	if (ndig % 2 != 0) {
		lerr(ld, n, "%s has an odd number of hex digits (%zu)", what,
		    ndig);
		return -1;
	}
	if (ndig / 2 > max) {
		lerr(ld, n, "%s is %zu bytes, more than %zu", what, ndig / 2,
		    max);
		return -1;
	}
	p = ndig > 0 ? xmalloc(ndig / 2) : NULL;
	for (i = 0, ndig = 0; i < len; i++) {
		int d;

		if (s[i] == ' ' || s[i] == '\t')
			continue;
		d = isdigit(s[i]) ? s[i] - '0' : tolower(s[i]) - 'a' + 10;
		if (ndig % 2 == 0)
			p[ndig / 2] = (uint8_t)(d << 4);
		else
			p[ndig / 2] |= (uint8_t)d;
		ndig++;
	}
	free(b->p);
	b->p = p;
	b->n = ndig / 2;
	return 0;
}

/*
 * Walk mapping map, calling each key's parser from f[].  Unknown keys,
 * duplicates and missing required keys are errors; what names the mapping
 * in messages (NULL at the top level).  Returns the keys seen as bits.
 */
static unsigned
map_fields(struct ld *ld, yaml_node_t *map, const char *what,
    const struct field *f, size_t nf, void *dst)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k;
	unsigned seen = 0;
	char q[QLEN], keys[256];
	size_t i;

	for (pr = map->data.mapping.pairs.start;
	    pr < map->data.mapping.pairs.top && !ld->stop; pr++) {
		k = node(ld, pr->key);
		for (i = 0; i < nf; i++)
			if (is_word(k, f[i].name))
				break;
		if (i == nf) {
			lerr(ld, k, "unknown key '%s'%s%s (expected one of: "
			    "%s)", qs(k, q, sizeof(q)), what ? " in " : "",
			    what ? what : "", JOIN(keys, f, nf, ", "));
			continue;
		}
		if (seen & (1u << i)) {
			lerr(ld, k, "duplicate key '%s'%s%s", f[i].name,
			    what ? " in " : "", what ? what : "");
			continue;
		}
		seen |= 1u << i;
		f[i].parse(ld, node(ld, pr->value), dst);
	}
	for (i = 0; i < nf; i++)
		if (f[i].required && !(seen & (1u << i)))
			lerr(ld, map, "missing required key '%s'%s%s",
			    f[i].name, what ? " in " : "", what ? what : "");
	return seen;
}

/* ---- numbers, flags, data ---------------------------------------------- */

/* N (or 0xN) absolute, +N / -N relative to the ISN. */
static void
get_num(struct ld *ld, yaml_node_t *n, const char *what, struct plan_num *num)
{
	const char *s, *digits;
	uint64_t v;
	bool rel;
	char q[QLEN];

	if ((s = get_str(ld, n, what)) == NULL)
		return;
	rel = s[0] == '+' || s[0] == '-';
	digits = rel ? s + 1 : s;
	if (!isdigit((unsigned char)digits[0]) ||
	    (rel && digits[strspn(digits, "0123456789")] != '\0') ||
	    parse_uint(digits, UINT64_MAX, &v) == -1) {
		lerr(ld, n, "bad %s '%s': expected N, +N or -N", what,
		    qs(n, q, sizeof(q)));
		return;
	}
	if (v > UINT32_MAX) {
		lerr(ld, n, "%s '%s' out of range (at most 4294967295)", what,
		    qs(n, q, sizeof(q)));
		return;
	}
	num->mode = rel ? PLAN_NUM_REL : PLAN_NUM_ABS;
	num->v = s[0] == '-' ? -(int64_t)v : (int64_t)v;
	num->pos = pos(ld, n);
}

static void
flag_err(struct ld *ld, yaml_node_t *n, char bad)
{
	char q[QLEN], c[QLEN];

	lerr(ld, n, "bad flag '%s' in '%s': expected letters F S R P A U E C, "
	    "'.' (ACK), W (CWR) or 'none'",
	    quote((const unsigned char *)&bad, 1, c, sizeof(c)),
	    qs(n, q, sizeof(q)));
}

/* "+S -R": bits required and forbidden (expect only). */
static void
get_flag_mask(struct ld *ld, yaml_node_t *n, const char *s,
    struct plan_flags *f)
{
	char tok[16], q[QLEN];
	uint16_t bits;
	size_t len;
	char bad;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		len = strcspn(s, " \t");
		if (s[0] != '+' && s[0] != '-') {
			lerr(ld, n, "bad flag mask '%s': each term must start "
			    "with + or -, e.g. '+S -R'", qs(n, q, sizeof(q)));
			return;
		}
		if (len < 2 || len >= sizeof(tok)) {
			lerr(ld, n, "bad flag mask '%s': expected terms such "
			    "as +S or -RF", qs(n, q, sizeof(q)));
			return;
		}
		memcpy(tok, s + 1, len - 1);
		tok[len - 1] = '\0';
		if (seg_flags_parse(tok, &bits, &bad) == -1) {
			flag_err(ld, n, bad);
			return;
		}
		if (s[0] == '+')
			f->must |= bits;
		else
			f->mustnot |= bits;
		s += len;
	}
	if (f->must & f->mustnot) {
		lerr(ld, n, "flag mask '%s' both requires and forbids a flag",
		    qs(n, q, sizeof(q)));
		return;
	}
	f->set = true;
	f->exact = false;
}

static void
get_flags(struct ld *ld, yaml_node_t *n, struct plan_flags *f, bool expect)
{
	const char *s;
	uint16_t bits;
	char bad;

	if ((s = get_str(ld, n, "flags")) == NULL)
		return;
	f->pos = pos(ld, n);
	if (s[strspn(s, " \t")] == '+' || s[strspn(s, " \t")] == '-') {
		if (!expect) {
			lerr(ld, n, "flag masks such as '+S -R' are only "
			    "allowed in expect");
			return;
		}
		get_flag_mask(ld, n, s, f);
		return;
	}
	if (strcmp(s, "any") == 0) {
		if (!expect) {
			lerr(ld, n, "flags 'any' is only allowed in expect");
			return;
		}
		f->set = true;
		return;
	}
	if (seg_flags_parse(s, &bits, &bad) == -1) {
		flag_err(ld, n, bad);
		return;
	}
	f->set = f->exact = true;
	f->value = bits;
}

static void
data_hex(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_hex(ld, n, "data hex", SCR_MAX_DATA, dst);
}

static void
data_len(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct bytes *b = dst;
	uint64_t v;

	if (get_uint(ld, n, "data len", 1, SCR_MAX_DATA, &v) == -1)
		return;
	free(b->p);
	b->p = xmalloc((size_t)v);
	memset(b->p, 'x', (size_t)v);
	b->n = (size_t)v;
}

static const struct field data_fields[] = {
	{ "hex", data_hex, false },
	{ "len", data_len, false },
};

/* Text as given, {hex: "0a0b"} or {len: N} filler bytes. */
static int
get_data(struct ld *ld, yaml_node_t *n, uint8_t **data, size_t *len)
{
	struct bytes b = { NULL, 0 };
	unsigned seen;

	if (n->type == YAML_SCALAR_NODE && !is_null(n)) {
		if (n->data.scalar.length > SCR_MAX_DATA) {
			lerr(ld, n, "data is %zu bytes, more than %d",
			    n->data.scalar.length, SCR_MAX_DATA);
			return -1;
		}
		b.n = n->data.scalar.length;
		if (b.n > 0) {
			b.p = xmalloc(b.n);
			memcpy(b.p, n->data.scalar.value, b.n);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		size_t e0 = ld->nerr;

		seen = map_fields(ld, n, "data", data_fields,
		    NITEMS(data_fields), &b);
		if (ld->nerr == e0 && seen != 1 && seen != 2)
			lerr(ld, n, "data mapping takes exactly one of "
			    "hex or len");
		if (ld->nerr != e0) {
			free(b.p);
			return -1;
		}
	} else {
		lerr(ld, n, "data must be a string, {hex: \"0a0b\"} or "
		    "{len: N}");
		return -1;
	}
	free(*data);
	*data = b.p;
	*len = b.n;
	return 0;
}

/* ---- options ----------------------------------------------------------- */

static void
ts_val(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	uint64_t v;

	if (get_uint(ld, n, "ts val", 0, UINT32_MAX, &v) == 0)
		o->u.ts.val = (uint32_t)v;
}

static void
ts_ecr(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	uint64_t v;

	if (get_uint(ld, n, "ts ecr", 0, UINT32_MAX, &v) == 0)
		o->u.ts.ecr = (uint32_t)v;
}

static const struct field ts_fields[] = {
	{ "val", ts_val, false },
	{ "ecr", ts_ecr, false },
};

static void
raw_kind(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	uint64_t v;

	if (get_uint(ld, n, "raw kind", 0, 255, &v) == 0)
		o->kind = (uint8_t)v;
}

static void
raw_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	struct bytes b = { NULL, 0 };

	if (get_hex(ld, n, "raw data", sizeof(o->u.raw), &b) == -1)
		return;
	if (b.n > 0)
		memcpy(o->u.raw, b.p, b.n);
	o->len = (uint8_t)(2 + b.n);
	free(b.p);
}

static const struct field raw_fields[] = {
	{ "kind", raw_kind, true },
	{ "data", raw_data, false },
};

static int
opt_mss(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	uint64_t v;

	if (get_uint(ld, n, "mss", 0, UINT16_MAX, &v) == -1)
		return -1;
	o->u.mss = (uint16_t)v;
	return 0;
}

/* Stored as given, even over 14 (RFC 7323 2.3): testing that is the point. */
static int
opt_ws(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	uint64_t v;

	if (get_uint(ld, n, "ws", 0, UINT8_MAX, &v) == -1)
		return -1;
	o->u.ws = (uint8_t)v;
	return 0;
}

static int
opt_ts(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	size_t e0 = ld->nerr;

	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "ts takes a mapping {val: N, ecr: N}");
		return -1;
	}
	map_fields(ld, n, "ts", ts_fields, NITEMS(ts_fields), o);
	return ld->nerr == e0 ? 0 : -1;
}

static int
opt_sack(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	yaml_node_item_t *it;
	yaml_node_t *blk, *l, *r;
	uint64_t left, right;
	size_t e0 = ld->nerr;

	if (n->type != YAML_SEQUENCE_NODE || nitems(n) < 1 ||
	    nitems(n) > SEG_MAX_SACK) {
		lerr(ld, n, "sack takes 1 to %d blocks: [[left, right], ...]",
		    SEG_MAX_SACK);
		return -1;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		blk = node(ld, *it);
		if (blk->type != YAML_SEQUENCE_NODE || nitems(blk) != 2) {
			lerr(ld, blk, "sack block must be [left, right]");
			continue;
		}
		l = node(ld, blk->data.sequence.items.start[0]);
		r = node(ld, blk->data.sequence.items.start[1]);
		if (get_uint(ld, l, "sack left edge", 0, UINT32_MAX,
		    &left) == -1 ||
		    get_uint(ld, r, "sack right edge", 0, UINT32_MAX,
		    &right) == -1)
			continue;
		o->u.sack[o->nsack].left = (uint32_t)left;
		o->u.sack[o->nsack].right = (uint32_t)right;
		o->nsack++;
	}
	o->len = (uint8_t)(2 + 8 * o->nsack);
	return ld->nerr == e0 ? 0 : -1;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
opt_raw(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	uint8_t b[sizeof(o->u.raw)];
	size_t e0 = ld->nerr;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "raw takes a mapping {kind: K, data: \"hex\"}");
		return -1;
	}
	map_fields(ld, n, "raw", raw_fields, NITEMS(raw_fields), o);
	if (ld->nerr != e0)
		return -1;
	if (o->kind == SEG_OPT_EOL || o->kind == SEG_OPT_NOP) {
		lerr(ld, n, "raw kind %u is a one-byte option: use eol or nop",
		    o->kind);
		return -1;
	}
	/*
	 * seg.c encodes a known kind that has its valid length from the
	 * typed fields: fill them from the bytes so that the wire carries
	 * exactly what was written.
	 */
	memcpy(b, o->u.raw, sizeof(b));
	if (o->kind == SEG_OPT_MSS && o->len == 4)
		o->u.mss = (uint16_t)(b[0] << 8 | b[1]);
	else if (o->kind == SEG_OPT_TS && o->len == 10) {
		o->u.ts.val = be32(b);
		o->u.ts.ecr = be32(b + 4);
	}
	return 0;
}

/*
 * Option forms.  Bare words have no parser; len is the on-wire length, or
 * 0 when the parser sets it.
 */
static const struct optform {
	const char *name;
	uint8_t kind;
	uint8_t len;
	int (*parse)(struct ld *, yaml_node_t *, struct seg_opt *);
	const char *example;
} optforms[] = {
	{ "eol", SEG_OPT_EOL, 1, NULL, NULL },
	{ "nop", SEG_OPT_NOP, 1, NULL, NULL },
	{ "sackok", SEG_OPT_SACKOK, 2, NULL, NULL },
	{ "mss", SEG_OPT_MSS, 4, opt_mss, "{mss: 1460}" },
	{ "ws", SEG_OPT_WS, 3, opt_ws, "{ws: 7}" },
	{ "ts", SEG_OPT_TS, 10, opt_ts, "{ts: {val: 1, ecr: 0}}" },
	{ "sack", SEG_OPT_SACK, 0, opt_sack, "{sack: [[1, 100]]}" },
	{ "raw", 0, 2, opt_raw, "{raw: {kind: 30, data: \"0102\"}}" },
};

static int
get_opt(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	const struct optform *of;
	yaml_node_t *k, *v = NULL;
	char q[QLEN], names[128];
	size_t i;

	if (n->type == YAML_SCALAR_NODE)
		k = n;
	else if (n->type == YAML_MAPPING_NODE && npairs(n) == 1) {
		k = node(ld, n->data.mapping.pairs.start->key);
		v = node(ld, n->data.mapping.pairs.start->value);
	} else {
		lerr(ld, n, "option must be a name (eol, nop, sackok) or a "
		    "mapping with one key such as {mss: 1460}");
		return -1;
	}
	for (i = 0; i < NITEMS(optforms); i++)
		if (is_word(k, optforms[i].name))
			break;
	if (i == NITEMS(optforms)) {
		lerr(ld, k, "unknown option '%s' (expected one of: %s)",
		    qs(k, q, sizeof(q)), JOIN(names, optforms,
		    NITEMS(optforms), ", "));
		return -1;
	}
	of = &optforms[i];
	if (v == NULL && of->parse != NULL) {
		lerr(ld, k, "option %s needs a value, e.g. %s", of->name,
		    of->example);
		return -1;
	}
	if (v != NULL && of->parse == NULL) {
		lerr(ld, k, "option %s takes no value: write it as '- %s'",
		    of->name, of->name);
		return -1;
	}
	memset(o, 0, sizeof(*o));
	o->kind = of->kind;
	o->len = of->len;
	return of->parse != NULL ? of->parse(ld, v, o) : 0;
}

static void
get_opts(struct ld *ld, yaml_node_t *n, struct plan_opts *po)
{
	yaml_node_item_t *it;
	struct seg_opt o;
	size_t total = 0;

	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(ld, n, "options must be a sequence, e.g. "
		    "[{mss: 1460}, sackok, nop, {ws: 7}]");
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop; it++) {
		if (get_opt(ld, node(ld, *it), &o) == -1)
			continue;
		total += o.len;
		/* Beyond 40 options the total is over 40 bytes anyway. */
		if (po->nopts < SEG_MAX_OPTS)
			po->opts[po->nopts++] = o;
	}
	if (total > SCR_OPT_SPACE)
		lerr(ld, n, "options take %zu bytes, more than %d", total,
		    SCR_OPT_SPACE);
	po->set = true;
}

/* ---- steps ------------------------------------------------------------- */

static void
send_flags(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_flags(ld, n, &((struct plan_send *)dst)->flags, false);
}

static void
send_seq(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_num(ld, n, "sequence number", &((struct plan_send *)dst)->seq);
}

static void
send_ack(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_num(ld, n, "acknowledgement number",
	    &((struct plan_send *)dst)->ack);
}

static void
send_win(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;
	uint64_t v;

	if (get_uint(ld, n, "win", 0, UINT16_MAX, &v) == -1)
		return;
	s->win_set = true;
	s->win = (uint16_t)v;
}

static void
send_options(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_opts(ld, n, &((struct plan_send *)dst)->opts);
}

static void
send_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;

	get_data(ld, n, &s->data, &s->datalen);
}

static void
expect_flags(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_flags(ld, n, &((struct plan_expect *)dst)->flags, true);
}

static void
expect_seq(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_num(ld, n, "sequence number", &((struct plan_expect *)dst)->seq);
}

static void
expect_ack(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_num(ld, n, "acknowledgement number",
	    &((struct plan_expect *)dst)->ack);
}

/* N, or [min, max]. */
static void
expect_win(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_expect *e = dst;
	uint64_t lo, hi;

	if (n->type == YAML_SEQUENCE_NODE) {
		if (nitems(n) != 2) {
			lerr(ld, n, "win range must be [min, max]");
			return;
		}
		if (get_uint(ld, node(ld, n->data.sequence.items.start[0]),
		    "win", 0, UINT16_MAX, &lo) == -1 ||
		    get_uint(ld, node(ld, n->data.sequence.items.start[1]),
		    "win", 0, UINT16_MAX, &hi) == -1)
			return;
		if (lo > hi) {
			lerr(ld, n, "win range [%llu, %llu]: min is greater "
			    "than max", (unsigned long long)lo,
			    (unsigned long long)hi);
			return;
		}
	} else if (get_uint(ld, n, "win", 0, UINT16_MAX, &lo) == -1)
		return;
	else
		hi = lo;
	e->win_set = true;
	e->win_min = (uint16_t)lo;
	e->win_max = (uint16_t)hi;
}

static void
expect_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_expect *e = dst;

	if (get_data(ld, n, &e->data, &e->datalen) == 0)
		e->data_set = true;
}

static void
expect_within(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "within", &((struct plan_expect *)dst)->within_ns);
}

static void
connect_options(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_opts(ld, n, &((struct plan_connect *)dst)->opts);
}

static void
connect_within(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "within",
	    &((struct plan_connect *)dst)->within_ns);
}

static const struct field connect_fields[] = {
	{ "options", connect_options, false },
	{ "within", connect_within, false },
};

static const struct field send_fields[] = {
	{ "flags", send_flags, false },
	{ "seq", send_seq, false },
	{ "ack", send_ack, false },
	{ "win", send_win, false },
	{ "options", send_options, false },
	{ "data", send_data, false },
};

static const struct field expect_fields[] = {
	{ "flags", expect_flags, false },
	{ "seq", expect_seq, false },
	{ "ack", expect_ack, false },
	{ "win", expect_win, false },
	{ "data", expect_data, false },
	{ "within", expect_within, false },
};

struct stepkind;
typedef void step_parse_fn(struct ld *, yaml_node_t *, struct plan_step *,
    const struct stepkind *);

static step_parse_fn step_map, step_silence, step_state;

static const struct stepkind {
	const char *name;
	enum plan_step_kind kind;
	step_parse_fn *parse;
	const struct field *fields;
	size_t nfields;
} stepkinds[] = {
	{ "connect", PLAN_CONNECT, step_map, connect_fields,
	    NITEMS(connect_fields) },
	{ "send", PLAN_SEND, step_map, send_fields, NITEMS(send_fields) },
	{ "expect", PLAN_EXPECT, step_map, expect_fields,
	    NITEMS(expect_fields) },
	{ "silence", PLAN_SILENCE, step_silence, NULL, 0 },
	{ "state", PLAN_STATE, step_state, NULL, 0 },
};

/* connect, send, expect: a mapping of fields, or nothing for defaults. */
static void
step_map(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	char keys[256];

	if (is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "%s takes a mapping of: %s", sk->name,
		    JOIN(keys, sk->fields, sk->nfields, ", "));
		return;
	}
	/* The union's members all start at its address. */
	map_fields(ld, n, sk->name, sk->fields, sk->nfields, &st->u);
}

static void
step_silence(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	get_duration(ld, n, sk->name, &st->u.silence_ns);
}

static void
step_state(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	const char *s;
	char q[QLEN], names[256];

	if ((s = get_str(ld, n, sk->name)) == NULL)
		return;
	if ((st->u.state = tcpsm_state_parse(s)) == -1)
		lerr(ld, n, "unknown TCP state '%s' (expected one of: %s)",
		    qs(n, q, sizeof(q)), JOIN(names, tcpsm_state_names,
		    TCPSM_STATE_MAX, ", "));
}

static void
get_step(struct ld *ld, yaml_node_t *n, struct plan_step *st)
{
	const struct stepkind *sk;
	yaml_node_t *k;
	char q[QLEN], names[128];
	size_t i;

	JOIN(names, stepkinds, NITEMS(stepkinds), " or ");
	if (n->type != YAML_MAPPING_NODE || npairs(n) != 1) {
		lerr(ld, n, "step must be a mapping with one key: %s", names);
		return;
	}
	k = node(ld, n->data.mapping.pairs.start->key);
	for (i = 0; i < NITEMS(stepkinds); i++)
		if (is_word(k, stepkinds[i].name))
			break;
	if (i == NITEMS(stepkinds)) {
		lerr(ld, k, "unknown step '%s' (expected one of: %s)",
		    qs(k, q, sizeof(q)), names);
		return;
	}
	sk = &stepkinds[i];
	st->kind = sk->kind;
	st->pos = pos(ld, n);
	sk->parse(ld, node(ld, n->data.mapping.pairs.start->value), st, sk);
}

/* ---- cases ------------------------------------------------------------- */

static bool
chars_ok(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return false;
	return true;
}

static void
case_id(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;
	const struct plan_case *o;
	const char *s;
	char q[QLEN];

	if ((s = get_str(ld, n, "id")) == NULL)
		return;
	if (!chars_ok(s, "/_.-")) {
		lerr(ld, n, "bad case id '%s': use letters, digits and / _ . -",
		    qs(n, q, sizeof(q)));
		return;
	}
	if ((o = idset_find(&ld->ids, ld->p, s)) != NULL) {
		lerr(ld, n, "duplicate case id '%s' (first defined at "
		    "%s:%d:%d)", qs(n, q, sizeof(q)), o->pos.file, o->pos.line,
		    o->pos.col);
		return;
	}
	c->id = xstrdup(s);
	c->pos = pos(ld, n);
}

static void
case_title(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;
	const char *s;

	if ((s = get_str(ld, n, "title")) != NULL)
		c->title = xstrdup(s);
}

static void
case_service(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;
	const char *s;
	char q[QLEN];

	if ((s = get_str(ld, n, "service")) == NULL)
		return;
	if (!chars_ok(s, "_.-")) {
		lerr(ld, n, "bad service name '%s': use letters, digits and "
		    "_ . -", qs(n, q, sizeof(q)));
		return;
	}
	c->service = xstrdup(s);
}

/* A string or a sequence of strings. */
static void
get_strv(struct ld *ld, yaml_node_t *n, const char *what, char ***v,
    size_t *nv)
{
	yaml_node_item_t *it;
	const char *s;

	if (n->type != YAML_SEQUENCE_NODE) {
		if ((s = get_str(ld, n, what)) == NULL)
			return;
		*v = xcalloc(1, sizeof(**v));
		(*v)[(*nv)++] = xstrdup(s);
		return;
	}
	*v = xcalloc(nitems(n), sizeof(**v));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if ((s = get_str(ld, node(ld, *it), what)) != NULL)
			(*v)[(*nv)++] = xstrdup(s);
}

static void
case_rfc(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	get_strv(ld, n, "rfc", &c->rfc, &c->nrfc);
}

static void
case_tags(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	get_strv(ld, n, "tags", &c->tags, &c->ntags);
}

static void
case_steps(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;
	size_t i, ns;

	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(ld, n, "steps must be a sequence of steps");
		return;
	}
	if ((ns = nitems(n)) == 0) {
		lerr(ld, n, "steps must not be empty");
		return;
	}
	if (ns > SCR_MAX_STEPS) {
		lerr(ld, n, "too many steps (%zu, at most %d)", ns,
		    SCR_MAX_STEPS);
		return;
	}
	/* Zeroed steps are connects, which own nothing: plan_free is safe
	 * on a half-filled array. */
	c->steps = xcalloc(ns, sizeof(*c->steps));
	c->nsteps = ns;
	for (i = 0; i < ns && !ld->stop; i++)
		get_step(ld, node(ld, n->data.sequence.items.start[i]),
		    &c->steps[i]);
}

static const struct field case_fields[] = {
	{ "id", case_id, true },
	{ "title", case_title, true },
	{ "rfc", case_rfc, false },
	{ "service", case_service, true },
	{ "tags", case_tags, false },
	{ "steps", case_steps, true },
};

static void
load_case(struct ld *ld, yaml_node_t *root)
{
	struct plan one;
	struct plan_case *c;
	size_t e0 = ld->nerr;

	if (is_null(root))
		return;		/* an empty document: a trailing "---" */
	if (root->type != YAML_MAPPING_NODE) {
		lerr(ld, root, "a test case must be a mapping with keys id, "
		    "title, service and steps");
		return;
	}
	/* A one-case plan, so that plan_free can clean up after errors. */
	memset(&one, 0, sizeof(one));
	one.cases = c = xcalloc(1, sizeof(*c));
	one.ncases = 1;
	c->pos = pos(ld, root);
	map_fields(ld, root, NULL, case_fields, NITEMS(case_fields), c);
	if (ld->nerr != e0) {
		plan_free(&one);
		return;
	}
	ld->p->cases = xreallocarray(ld->p->cases, ld->p->ncases + 1,
	    sizeof(*ld->p->cases));
	ld->p->cases[ld->p->ncases++] = *c;
	free(c);
	idset_add(&ld->ids, ld->p, ld->p->ncases - 1);
}

/* ---- files ------------------------------------------------------------- */

/*
 * What the pre-scan found wrong in the first bad document: anchors or
 * aliases, or nesting too deep.
 */
struct scan {
	size_t doc;			/* 1-based; 0: nothing wrong */
	size_t n;
	struct {
		yaml_mark_t mark;
		char msg[96];
	} probs[SCR_MAX_PROBS];
};

static void scan_prob(struct scan *, size_t, const yaml_mark_t *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
scan_prob(struct scan *sc, size_t doc, const yaml_mark_t *m,
    const char *fmt, ...)
{
	va_list ap;

	sc->doc = doc;
	if (sc->n == SCR_MAX_PROBS)
		return;
	sc->probs[sc->n].mark = *m;
	va_start(ap, fmt);
	vsnprintf(sc->probs[sc->n].msg, sizeof(sc->probs[sc->n].msg), fmt,
	    ap);
	va_end(ap);
	sc->n++;
}

/* An anchor or alias name for a message. */
static const char *
qa(const yaml_char_t *a, char *buf, size_t len)
{
	return quote(a, strlen((const char *)a), buf, len);
}

/*
 * Walk the event stream before loading, for what the loader would hide or
 * choke on.  It resolves aliases into shared nodes, invisible in the
 * document, so they are found here.  And libyaml's scanner costs time
 * proportional to the flow nesting for every token, so deep nesting is
 * stopped here, before the loader builds it.  Stops quietly at a syntax
 * error: the loader reports it.
 */
static void
scan_events(const char *buf, size_t len, struct scan *sc)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	yaml_char_t *a;
	size_t doc = 0, depth = 0;
	bool done = false;
	char q[QLEN];

	memset(sc, 0, sizeof(*sc));
	if (!yaml_parser_initialize(&yp))
		fatalx("script: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	while (!done && yaml_parser_parse(&yp, &ev)) {
		a = NULL;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			doc++;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = sc->doc != 0;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			scan_prob(sc, doc, &ev.start_mark, "aliases are not "
			    "supported (alias '*%s')",
			    qa(ev.data.alias.anchor, q, sizeof(q)));
			break;
		case YAML_SCALAR_EVENT:
			a = ev.data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			a = ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor :
			    ev.data.mapping_start.anchor;
			if (++depth > SCR_MAX_NEST) {
				scan_prob(sc, doc, &ev.start_mark, "YAML "
				    "nested more than %d levels deep",
				    SCR_MAX_NEST);
				done = true;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (a != NULL)
			scan_prob(sc, doc, &ev.start_mark, "aliases are not "
			    "supported (anchor '&%s')", qa(a, q, sizeof(q)));
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
}

static void
syntax_err(struct ld *ld, const yaml_parser_t *yp, const char *buf,
    size_t len)
{
	yaml_mark_t m = yp->problem_mark;
	const char *problem = yp->problem ? yp->problem : "unknown error";
	size_t i;

	if (yp->error == YAML_MEMORY_ERROR)
		fatalx("script: libyaml out of memory");
	if (yp->error == YAML_READER_ERROR) {
		/* Reader errors only have a byte offset. */
		memset(&m, 0, sizeof(m));
		for (i = 0; i < yp->problem_offset && i < len; i++) {
			if (buf[i] == '\n') {
				m.line++;
				m.column = 0;
			} else
				m.column++;
		}
	}
	if (yp->context != NULL)
		mark_err(ld, &m, "YAML syntax error: %s (%s)", problem,
		    yp->context);
	else
		mark_err(ld, &m, "YAML syntax error: %s", problem);
}

static void
load_yaml(struct ld *ld, const char *buf, size_t len)
{
	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_node_t *root;
	struct scan sc;
	size_t i, ndoc = 0;

	scan_events(buf, len, &sc);
	if (!yaml_parser_initialize(&yp))
		fatalx("script: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	while (!ld->stop) {
		/* The bad document is never loaded, nor anything after it. */
		if (sc.doc != 0 && ndoc + 1 == sc.doc) {
			for (i = 0; i < sc.n; i++)
				mark_err(ld, &sc.probs[i].mark, "%s",
				    sc.probs[i].msg);
			break;
		}
		if (!yaml_parser_load(&yp, &doc)) {
			syntax_err(ld, &yp, buf, len);
			break;
		}
		if ((root = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		ndoc++;
		ld->doc = &doc;
		load_case(ld, root);
		ld->doc = NULL;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&yp);
}

/* The plan's copy of a file name, which positions point to. */
static const char *
plan_file(struct plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], name) == 0)
			return p->files[i];
	p->files = xreallocarray(p->files, p->nfiles + 1, sizeof(*p->files));
	return p->files[p->nfiles++] = xstrdup(name);
}

int
scr_load_buffer(const char *name, const char *buf, size_t len,
    struct plan *p, struct scr_errs *errs)
{
	struct ld ld;
	size_t i, n0 = errs->n;

	if (len > SCR_MAX_FILE) {
		errs_add(errs, name, "file too large (%zu bytes, at most %d)",
		    len, SCR_MAX_FILE);
		return 1;
	}
	memset(&ld, 0, sizeof(ld));
	ld.p = p;
	ld.errs = errs;
	ld.file = plan_file(p, name);
	for (i = 0; i < p->ncases; i++)
		idset_add(&ld.ids, p, i);
	load_yaml(&ld, buf, len);
	free(ld.ids.slot);
	return (int)(errs->n - n0);
}

static void
load_file(const char *path, struct plan *p, struct scr_errs *errs)
{
	char *buf;
	size_t len = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		errs_add(errs, path, "cannot open: %s", strerror(errno));
		return;
	}
	/* One byte more than allowed tells a too large file apart. */
	buf = xmalloc(SCR_MAX_FILE + 1);
	while (len < SCR_MAX_FILE + 1) {
		r = read(fd, buf + len, SCR_MAX_FILE + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			errs_add(errs, path, "cannot read: %s",
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > SCR_MAX_FILE)
		errs_add(errs, path, "file too large (more than %d bytes)",
		    SCR_MAX_FILE);
	else
		scr_load_buffer(path, buf, len, p, errs);
out:
	free(buf);
	close(fd);
}

static bool
yaml_name(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Plain byte order: the same on every machine, whatever the locale. */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_path(const char *, int, bool, struct plan *,
    struct scr_errs *);

static void
load_dir(const char *path, int depth, struct plan *p, struct scr_errs *errs)
{
	struct dirent **ents;
	char *sub;
	int i, n;

	if (depth >= SCR_MAX_DEPTH) {
		errs_add(errs, path, "directories nested more than %d deep "
		    "(symlink loop?)", SCR_MAX_DEPTH);
		return;
	}
	if ((n = scandir(path, &ents, visible, by_name)) == -1) {
		errs_add(errs, path, "cannot open: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		load_path(sub, depth + 1, false, p, errs);
		free(sub);
		free(ents[i]);
	}
	free(ents);
}

/* named: given by the user, so loaded whatever its name. */
static void
load_path(const char *path, int depth, bool named, struct plan *p,
    struct scr_errs *errs)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		if (named || yaml_name(path))
			errs_add(errs, path, "cannot open: %s",
			    strerror(errno));
		return;
	}
	if (S_ISDIR(sb.st_mode))
		load_dir(path, depth, p, errs);
	else if (!named && !yaml_name(path))
		return;
	else if (!S_ISREG(sb.st_mode))
		errs_add(errs, path, "not a regular file or directory");
	else
		load_file(path, p, errs);
}

int
scr_load(const char *path, struct plan *p, struct scr_errs *errs)
{
	size_t n0 = errs->n;

	if (*path == '\0') {
		errs_add(errs, "(empty path)", "cannot open: %s",
		    strerror(ENOENT));
		return 1;
	}
	load_path(path, 0, true, p, errs);
	return (int)(errs->n - n0);
}

void
scr_errs_free(struct scr_errs *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	memset(errs, 0, sizeof(*errs));
}
