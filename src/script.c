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
#define SCR_MAX_FILE_STEPS 100000	/* steps of all cases in a file */
#define SCR_MAX_COMBOS	1000		/* matrix combinations */
#define SCR_MAX_REPEAT	1000		/* repeat count */
#define SCR_MAX_ANYOF	4		/* any_of nesting */
#define SCR_MAX_ALTS	16		/* any_of alternatives */
#define SCR_MAX_INCLUDE	8		/* include nesting */
#define SCR_MAX_CMD	4096		/* exec command bytes */
#define SCR_MAX_OPTEXP	40		/* option expectations in an expect */

/* ${name} values: matrix parameters and include params. */
struct param {
	char *name, *value;
};

struct params {
	struct param *v;
	size_t n;
};

/* A growing list of steps. */
struct stepv {
	struct plan_step *v;
	size_t n, cap;
};

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
	/* The case being loaded. */
	struct plan_case *c;
	bool *captured;			/* per c->vars[]: captured so far */
	size_t nsteps;			/* steps in c, all levels */
	size_t filesteps;		/* steps in every case of the file */
	bool toomany;			/* the step cap was reported */
	int nest;			/* any_of depth */
	const struct params *params;	/* ${name} values */
	int incdepth;
	char *incstack[SCR_MAX_INCLUDE + 1]; /* realpaths; [0] the file */
	bool ts_form, ts_val_seen, ts_echo; /* the last option parsed */
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

/* ---- parameters -------------------------------------------------------- */

static void
params_add(struct params *ps, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	struct param *pa;

	ps->v = xreallocarray(ps->v, ps->n + 1, sizeof(*ps->v));
	pa = &ps->v[ps->n++];
	pa->name = xmalloc(nlen + 1);
	memcpy(pa->name, name, nlen);
	pa->name[nlen] = '\0';
	pa->value = xmalloc(vlen + 1);
	memcpy(pa->value, value, vlen);
	pa->value[vlen] = '\0';
}

static void
params_free(struct params *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

static const char *
param_find(const struct params *ps, const char *name, size_t len)
{
	size_t i;

	for (i = 0; ps != NULL && i < ps->n; i++)
		if (strlen(ps->v[i].name) == len &&
		    memcmp(ps->v[i].name, name, len) == 0)
			return ps->v[i].value;
	return NULL;
}

/* Scalars whose value was replaced for one expansion, to restore. */
struct swap {
	yaml_node_t *n;
	yaml_char_t *value;
	size_t length;
};

struct swaps {
	struct swap *v;
	size_t n;
};

/* Replace every ${name} in scalar n by its value. */
static void
subst_node(struct ld *ld, yaml_node_t *n, const struct params *ps,
    struct swaps *sw)
{
	const char *s = (const char *)n->data.scalar.value, *end, *val;
	size_t i, len = n->data.scalar.length, o = 0, cap = 0, vl;
	char *out = NULL, q[QLEN];

	if (len < 3 || memmem(s, len, "${", 2) == NULL)
		return;
	for (i = 0; i < len; ) {
		val = NULL;
		vl = 1;
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{' &&
		    (end = memchr(s + i + 2, '}', len - i - 2)) != NULL) {
			if ((val = param_find(ps, s + i + 2,
			    (size_t)(end - s - i - 2))) == NULL) {
				lerr(ld, n, "unknown parameter '%s'",
				    quote((const unsigned char *)s + i,
				    (size_t)(end - s - i) + 1, q, sizeof(q)));
				free(out);
				return;
			}
			vl = strlen(val);
		}
		if (o + vl + 1 > cap) {
			cap = (o + vl + 1) * 2;
			if (cap > SCR_MAX_FILE) {
				lerr(ld, n, "scalar longer than %d bytes after "
				    "substituting parameters", SCR_MAX_FILE);
				free(out);
				return;
			}
			out = xrealloc(out, cap);
		}
		if (val != NULL) {
			memcpy(out + o, val, vl);
			i = (size_t)(end - s) + 1;
		} else
			out[o] = s[i++];
		o += vl;
	}
	sw->v = xreallocarray(sw->v, sw->n + 1, sizeof(*sw->v));
	sw->v[sw->n].n = n;
	sw->v[sw->n].value = n->data.scalar.value;
	sw->v[sw->n].length = len;
	sw->n++;
	out[o] = '\0';
	n->data.scalar.value = (yaml_char_t *)out;
	n->data.scalar.length = o;
}

/* Mark node id and everything under it. */
static void
mark_tree(yaml_document_t *doc, int id, bool *skip)
{
	yaml_node_t *n = yaml_document_get_node(doc, id);
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;

	if (n == NULL || skip[id - 1])
		return;
	skip[id - 1] = true;
	if (n->type == YAML_SEQUENCE_NODE)
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			mark_tree(doc, *it, skip);
	else if (n->type == YAML_MAPPING_NODE)
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top; pr++) {
			mark_tree(doc, pr->key, skip);
			mark_tree(doc, pr->value, skip);
		}
}

/* Substitute ps into every scalar of doc but those under node skipid. */
static void
subst_doc(struct ld *ld, yaml_document_t *doc, int skipid,
    const struct params *ps, struct swaps *sw)
{
	size_t i, nn = (size_t)(doc->nodes.top - doc->nodes.start);
	bool *skip = xcalloc(nn + 1, sizeof(*skip));

	if (skipid != 0)
		mark_tree(doc, skipid, skip);
	for (i = 0; i < nn && !ld->stop; i++)
		if (!skip[i] && doc->nodes.start[i].type == YAML_SCALAR_NODE)
			subst_node(ld, &doc->nodes.start[i], ps, sw);
	free(skip);
}

static void
unswap(struct swaps *sw)
{
	size_t i;

	for (i = 0; i < sw->n; i++) {
		free(sw->v[i].n->data.scalar.value);
		sw->v[i].n->data.scalar.value = sw->v[i].value;
		sw->v[i].n->data.scalar.length = sw->v[i].length;
	}
	free(sw->v);
	memset(sw, 0, sizeof(*sw));
}

/* ---- variables --------------------------------------------------------- */

/* Length of the variable name at s ([A-Za-z_][A-Za-z0-9_]*), 0 if none. */
static size_t
var_len(const char *s)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	for (i = 1; isalnum((unsigned char)s[i]) || s[i] == '_'; i++)
		;
	return i;
}

/* The index of variable name in the case, registered if new. */
static int
var_get(struct ld *ld, const char *name, size_t len)
{
	struct plan_case *c = ld->c;
	size_t i;

	for (i = 0; i < c->nvars; i++)
		if (strlen(c->vars[i]) == len &&
		    memcmp(c->vars[i], name, len) == 0)
			return (int)i;
	c->vars = xreallocarray(c->vars, c->nvars + 1, sizeof(*c->vars));
	c->vars[c->nvars] = xmalloc(len + 1);
	memcpy(c->vars[c->nvars], name, len);
	c->vars[c->nvars][len] = '\0';
	ld->captured = xreallocarray(ld->captured, c->nvars + 1,
	    sizeof(*ld->captured));
	ld->captured[c->nvars] = false;
	return (int)c->nvars++;
}

/* A use of a variable at n: it must have been captured before. */
static int
var_use(struct ld *ld, yaml_node_t *n, const char *name, size_t len)
{
	int v = var_get(ld, name, len);

	if (!ld->captured[v]) {
		lerr(ld, n, "variable $%s is used before it is captured",
		    ld->c->vars[v]);
		return -1;
	}
	return v;
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
	if (s[0] == '$') {
		size_t vl = var_len(s + 1);
		const char *r = s + 1 + vl;
		int var;

		v = 0;
		if (vl == 0 || (*r != '\0' && ((*r != '+' && *r != '-') ||
		    !isdigit((unsigned char)r[1]) ||
		    r[1 + strspn(r + 1, "0123456789")] != '\0' ||
		    parse_uint(r + 1, UINT32_MAX, &v) == -1))) {
			lerr(ld, n, "bad %s '%s': expected $name, $name+N or "
			    "$name-N", what, qs(n, q, sizeof(q)));
			return;
		}
		if ((var = var_use(ld, n, s + 1, vl)) == -1)
			return;
		num->mode = PLAN_NUM_VAR;
		num->var = var;
		num->v = *r == '-' ? -(int64_t)v : (int64_t)v;
		num->pos = pos(ld, n);
		return;
	}
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

	if (is_word(n, "auto"))
		return;
	ld->ts_val_seen = true;
	if (get_uint(ld, n, "ts val", 0, UINT32_MAX, &v) == 0)
		o->u.ts.val = (uint32_t)v;
}

static void
ts_ecr(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	uint64_t v;

	if (is_word(n, "echo")) {
		ld->ts_echo = true;
		return;
	}
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

	ld->ts_form = true;
	ld->ts_val_seen = ld->ts_echo = false;
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "ts takes a mapping {val: N|auto, ecr: N|echo}");
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
	ld->ts_form = false;
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
		if (ld->ts_form) {
			/* No val (or "auto"): the per-case clock. */
			po->ts_val_auto = !ld->ts_val_seen;
			po->ts_ecr_echo = ld->ts_echo;
		}
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

static const char *plan_file(struct plan *, const char *);

/* ---- small values ------------------------------------------------------ */

static int
get_bool(struct ld *ld, yaml_node_t *n, const char *what, bool *b)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	char q[QLEN];
	size_t i;

	if (get_str(ld, n, what) == NULL)
		return -1;
	for (i = 0; i < NITEMS(yes); i++) {
		if (is_word(n, yes[i])) {
			*b = true;
			return 0;
		}
		if (is_word(n, no[i])) {
			*b = false;
			return 0;
		}
	}
	lerr(ld, n, "bad %s '%s': expected true or false", what,
	    qs(n, q, sizeof(q)));
	return -1;
}

/* N, or [min, max]. */
static int
get_range(struct ld *ld, yaml_node_t *n, const char *what, uint64_t max,
    struct plan_range *r)
{
	uint64_t lo, hi;

	if (n->type == YAML_SEQUENCE_NODE) {
		if (nitems(n) != 2) {
			lerr(ld, n, "%s range must be [min, max]", what);
			return -1;
		}
		if (get_uint(ld, node(ld, n->data.sequence.items.start[0]),
		    what, 0, max, &lo) == -1 ||
		    get_uint(ld, node(ld, n->data.sequence.items.start[1]),
		    what, 0, max, &hi) == -1)
			return -1;
		if (lo > hi) {
			lerr(ld, n, "%s range [%llu, %llu]: min is greater "
			    "than max", what, (unsigned long long)lo,
			    (unsigned long long)hi);
			return -1;
		}
	} else if (get_uint(ld, n, what, 0, max, &lo) == -1)
		return -1;
	else
		hi = lo;
	r->set = true;
	r->lo = (uint32_t)lo;
	r->hi = (uint32_t)hi;
	r->pos = pos(ld, n);
	return 0;
}

/* [lo, hi] durations. */
static int
get_duration_range(struct ld *ld, yaml_node_t *n, const char *what,
    uint64_t *lo, uint64_t *hi)
{
	size_t e0 = ld->nerr;
	char a[QLEN], b[QLEN];

	if (n->type != YAML_SEQUENCE_NODE || nitems(n) != 2) {
		lerr(ld, n, "%s must be [min, max] durations", what);
		return -1;
	}
	get_duration(ld, node(ld, n->data.sequence.items.start[0]), what, lo);
	get_duration(ld, node(ld, n->data.sequence.items.start[1]), what, hi);
	if (ld->nerr != e0)
		return -1;
	if (*lo > *hi) {
		lerr(ld, n, "%s [%s, %s]: min is greater than max", what,
		    qs(node(ld, n->data.sequence.items.start[0]), a, sizeof(a)),
		    qs(node(ld, n->data.sequence.items.start[1]), b,
		    sizeof(b)));
		return -1;
	}
	return 0;
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
send_urg(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;
	uint64_t v;

	if (get_uint(ld, n, "urg", 0, UINT16_MAX, &v) == -1)
		return;
	s->urg_set = true;
	s->urg = (uint16_t)v;
}

static void
send_reserved(struct ld *ld, yaml_node_t *n, void *dst)
{
	uint64_t v;

	if (get_uint(ld, n, "reserved", 0, 15, &v) == 0)
		((struct plan_send *)dst)->reserved = (uint16_t)v;
}

static void
send_ttl(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;
	uint64_t v;

	if (get_uint(ld, n, "ttl", 0, UINT8_MAX, &v) == -1)
		return;
	s->ttl_set = true;
	s->ttl = (uint8_t)v;
}

static void
send_ipid(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;
	uint64_t v;

	if (get_uint(ld, n, "ipid", 0, UINT16_MAX, &v) == -1)
		return;
	s->ipid_set = true;
	s->ipid = (uint16_t)v;
}

static void
send_df(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;

	if (get_bool(ld, n, "df", &s->df) == 0)
		s->df_set = true;
}

static void
send_tos(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;
	uint64_t v;

	if (get_uint(ld, n, "tos", 0, UINT8_MAX, &v) == -1)
		return;
	s->tos_set = true;
	s->tos = (uint8_t)v;
}

static void
send_bad_csum(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_bool(ld, n, "bad_csum", &((struct plan_send *)dst)->bad_csum);
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
	struct plan_range r;

	if (get_range(ld, n, "win", UINT16_MAX, &r) == -1)
		return;
	e->win_set = true;
	e->win_min = (uint16_t)r.lo;
	e->win_max = (uint16_t)r.hi;
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
expect_len(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_range(ld, n, "len", SCR_MAX_DATA, &((struct plan_expect *)dst)->len);
}

static void
expect_urg(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_range(ld, n, "urg", UINT16_MAX, &((struct plan_expect *)dst)->urg);
}

static void
expect_ttl(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_range(ld, n, "ttl", UINT8_MAX, &((struct plan_expect *)dst)->ttl);
}

static void
expect_tos(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_range(ld, n, "tos", UINT8_MAX, &((struct plan_expect *)dst)->tos);
}

static void
expect_ipid(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_range(ld, n, "ipid", UINT16_MAX,
	    &((struct plan_expect *)dst)->ipid);
}

static void
expect_df(struct ld *ld, yaml_node_t *n, void *dst)
{
	bool b;

	if (get_bool(ld, n, "df", &b) == 0)
		((struct plan_expect *)dst)->df = b ? 1 : 0;
}

/* ---- expected options -------------------------------------------------- */

static struct plan_optexp *
optexp_new(struct ld *ld, yaml_node_t *n, struct plan_expect *e,
    uint8_t kind, uint8_t field)
{
	struct plan_optexp *o;

	e->opts = xreallocarray(e->opts, e->nopts + 1, sizeof(*e->opts));
	o = &e->opts[e->nopts++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->field = field;
	o->match = PLAN_OM_PRESENT;
	o->var = -1;
	o->pos = pos(ld, n);
	return o;
}

/*
 * One value expectation: N, [min, max], present, absent (field 0 only),
 * echo (TSecr only) or $var.
 */
static void
optexp_value(struct ld *ld, yaml_node_t *n, struct plan_expect *e,
    uint8_t kind, uint8_t field, const char *what, uint64_t max)
{
	struct plan_optexp *o;
	struct plan_range r;
	const char *s;
	char q[QLEN];
	size_t vl;
	int var;

	memset(&r, 0, sizeof(r));
	if (n->type == YAML_SCALAR_NODE && !is_null(n)) {
		s = (const char *)n->data.scalar.value;
		if (is_word(n, "present")) {
			optexp_new(ld, n, e, kind, field);
			return;
		}
		if (field == 0 && is_word(n, "absent")) {
			optexp_new(ld, n, e, kind, field)->match =
			    PLAN_OM_ABSENT;
			return;
		}
		if (kind == SEG_OPT_TS && field == 2 && is_word(n, "echo")) {
			o = optexp_new(ld, n, e, kind, field);
			o->match = PLAN_OM_VALUE;
			o->echo = true;
			return;
		}
		if (s[0] == '$') {
			vl = var_len(s + 1);
			if (vl == 0 || vl + 1 != n->data.scalar.length) {
				lerr(ld, n, "bad variable reference '%s': "
				    "expected $name", qs(n, q, sizeof(q)));
				return;
			}
			if ((var = var_use(ld, n, s + 1, vl)) == -1)
				return;
			o = optexp_new(ld, n, e, kind, field);
			o->match = PLAN_OM_VALUE;
			o->var = var;
			return;
		}
		if (!isdigit((unsigned char)s[0])) {
			lerr(ld, n, "bad %s '%s': expected N, [min, max], "
			    "%s", what, qs(n, q, sizeof(q)),
			    field == 0 ? "present or absent" : field == 2 ?
			    "present, echo or $var" : "present or $var");
			return;
		}
	}
	if (get_range(ld, n, what, max, &r) == -1)
		return;
	o = optexp_new(ld, n, e, kind, field);
	o->match = PLAN_OM_VALUE;
	o->value = r;
}

/* present or absent only. */
static void
optexp_presence(struct ld *ld, yaml_node_t *n, struct plan_expect *e,
    uint8_t kind, const char *what)
{
	char q[QLEN];

	if (is_word(n, "present"))
		optexp_new(ld, n, e, kind, 0);
	else if (is_word(n, "absent"))
		optexp_new(ld, n, e, kind, 0)->match = PLAN_OM_ABSENT;
	else
		lerr(ld, n, "bad %s '%s': expected present or absent", what,
		    qs(n, q, sizeof(q)));
}

/* A ts mapping {val: ..., ecr: ...} fills these, then the expect. */
struct tsexp {
	struct plan_expect *e;
};

static void
tsexp_val(struct ld *ld, yaml_node_t *n, void *dst)
{
	optexp_value(ld, n, ((struct tsexp *)dst)->e, SEG_OPT_TS, 1,
	    "ts val", UINT32_MAX);
}

static void
tsexp_ecr(struct ld *ld, yaml_node_t *n, void *dst)
{
	optexp_value(ld, n, ((struct tsexp *)dst)->e, SEG_OPT_TS, 2,
	    "ts ecr", UINT32_MAX);
}

static const struct field tsexp_fields[] = {
	{ "val", tsexp_val, false },
	{ "ecr", tsexp_ecr, false },
};

struct rawexp {
	uint64_t kind;
	bool kind_ok;
	bool absent;
};

static void
rawexp_kind(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct rawexp *r = dst;

	if (get_uint(ld, n, "raw kind", 0, 255, &r->kind) == 0)
		r->kind_ok = true;
}

static void
rawexp_absent(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_bool(ld, n, "absent", &((struct rawexp *)dst)->absent);
}

static const struct field rawexp_fields[] = {
	{ "kind", rawexp_kind, true },
	{ "absent", rawexp_absent, false },
};

static const struct optexpform {
	const char *name;
	uint8_t kind;
} optexpforms[] = {
	{ "mss", SEG_OPT_MSS },
	{ "ws", SEG_OPT_WS },
	{ "sackok", SEG_OPT_SACKOK },
	{ "sack", SEG_OPT_SACK },
	{ "ts", SEG_OPT_TS },
	{ "raw", 0 },
};

static void
get_optexp(struct ld *ld, yaml_node_t *n, struct plan_expect *e)
{
	const struct optexpform *of;
	yaml_node_t *k, *v = NULL;
	char q[QLEN], names[128];
	size_t i, e0 = ld->nerr;

	if (n->type == YAML_SCALAR_NODE)
		k = n;
	else if (n->type == YAML_MAPPING_NODE && npairs(n) == 1) {
		k = node(ld, n->data.mapping.pairs.start->key);
		v = node(ld, n->data.mapping.pairs.start->value);
	} else {
		lerr(ld, n, "option expectation must be a name such as sackok "
		    "or a mapping with one key such as {mss: 1460}");
		return;
	}
	for (i = 0; i < NITEMS(optexpforms); i++)
		if (is_word(k, optexpforms[i].name))
			break;
	if (i == NITEMS(optexpforms)) {
		lerr(ld, k, "unknown option '%s' (expected one of: %s)",
		    qs(k, q, sizeof(q)), JOIN(names, optexpforms,
		    NITEMS(optexpforms), ", "));
		return;
	}
	of = &optexpforms[i];
	if (v == NULL) {
		/* A bare name: present. */
		if (of->kind == 0) {
			lerr(ld, k, "option raw needs {kind: K}");
			return;
		}
		optexp_new(ld, k, e, of->kind, 0);
		return;
	}
	switch (of->kind) {
	case SEG_OPT_MSS:
		optexp_value(ld, v, e, of->kind, 0, "mss", UINT16_MAX);
		break;
	case SEG_OPT_WS:
		optexp_value(ld, v, e, of->kind, 0, "ws", UINT8_MAX);
		break;
	case SEG_OPT_SACKOK:
	case SEG_OPT_SACK:
		optexp_presence(ld, v, e, of->kind, of->name);
		break;
	case SEG_OPT_TS:
		if (v->type == YAML_MAPPING_NODE) {
			struct tsexp t = { e };

			if (npairs(v) == 0)
				optexp_new(ld, v, e, SEG_OPT_TS, 0);
			else
				map_fields(ld, v, "ts", tsexp_fields,
				    NITEMS(tsexp_fields), &t);
		} else if (is_word(v, "present") || is_word(v, "absent"))
			optexp_presence(ld, v, e, of->kind, of->name);
		else
			lerr(ld, v, "ts takes present, absent or "
			    "{val: ..., ecr: ...}");
		break;
	default: {
		struct rawexp r = { 0, false, false };

		if (v->type != YAML_MAPPING_NODE) {
			lerr(ld, v, "raw takes a mapping {kind: K, "
			    "absent: true|false}");
			return;
		}
		map_fields(ld, v, "raw", rawexp_fields, NITEMS(rawexp_fields),
		    &r);
		if (ld->nerr == e0 && r.kind_ok)
			optexp_new(ld, v, e, (uint8_t)r.kind, 0)->match =
			    r.absent ? PLAN_OM_ABSENT : PLAN_OM_PRESENT;
		break;
	}
	}
}

static void
expect_options(struct ld *ld, yaml_node_t *n, void *dst)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(ld, n, "options must be a sequence, e.g. "
		    "[{mss: 1460}, sackok, {ts: present}]");
		return;
	}
	if (nitems(n) > SCR_MAX_OPTEXP) {
		lerr(ld, n, "too many option expectations (%zu, at most %d)",
		    nitems(n), SCR_MAX_OPTEXP);
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop; it++)
		get_optexp(ld, node(ld, *it), dst);
}

static void
expect_capture(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_expect *e = dst;
	struct plan_capture *cp;
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	const char *name, *f;
	char q[QLEN], names[256];
	size_t i;

	if (n->type != YAML_MAPPING_NODE || npairs(n) == 0) {
		lerr(ld, n, "capture must be a mapping of variable: field, "
		    "e.g. {isn: seq}");
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top && !ld->stop; pr++) {
		k = node(ld, pr->key);
		v = node(ld, pr->value);
		if ((name = get_str(ld, k, "variable name")) == NULL)
			continue;
		if (name[0] == '$')
			name++;
		if (var_len(name) == 0 || name[var_len(name)] != '\0') {
			lerr(ld, k, "bad variable name '%s': use letters, "
			    "digits and _, not starting with a digit",
			    qs(k, q, sizeof(q)));
			continue;
		}
		if ((f = get_str(ld, v, "capture field")) == NULL)
			continue;
		for (i = 0; i < PLAN_F_MAX; i++)
			if (strcmp(f, plan_field_names[i]) == 0)
				break;
		if (i == PLAN_F_MAX) {
			lerr(ld, v, "unknown field '%s' to capture (expected "
			    "one of: %s)", qs(v, q, sizeof(q)),
			    JOIN(names, plan_field_names, PLAN_F_MAX,
			    ", "));
			continue;
		}
		e->cap = xreallocarray(e->cap, e->ncap + 1, sizeof(*e->cap));
		cp = &e->cap[e->ncap++];
		cp->var = var_get(ld, name, strlen(name));
		cp->field = (enum plan_field)i;
		cp->pos = pos(ld, k);
	}
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
	{ "urg", send_urg, false },
	{ "reserved", send_reserved, false },
	{ "ttl", send_ttl, false },
	{ "ipid", send_ipid, false },
	{ "df", send_df, false },
	{ "tos", send_tos, false },
	{ "bad_csum", send_bad_csum, false },
};

static const struct field expect_fields[] = {
	{ "flags", expect_flags, false },
	{ "seq", expect_seq, false },
	{ "ack", expect_ack, false },
	{ "win", expect_win, false },
	{ "data", expect_data, false },
	{ "within", expect_within, false },
	{ "len", expect_len, false },
	{ "urg", expect_urg, false },
	{ "ttl", expect_ttl, false },
	{ "tos", expect_tos, false },
	{ "ipid", expect_ipid, false },
	{ "df", expect_df, false },
	{ "options", expect_options, false },
	{ "capture", expect_capture, false },
};

static void
send_init(struct plan_send *s)
{
	s->seq.var = s->ack.var = -1;
}

static void
expect_init(struct plan_expect *e)
{
	e->seq.var = e->ack.var = -1;
	e->df = -1;
}

/*
 * An expectation: "auto", nothing, or a mapping.  What it captures counts
 * as captured after it (a use in the same expect is too early).
 */
static void
get_expect(struct ld *ld, yaml_node_t *n, struct plan_expect *e,
    const char *what)
{
	char keys[256];
	size_t i;

	if (is_null(n) || is_word(n, "auto"))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "%s takes 'auto' or a mapping of: %s", what,
		    JOIN(keys, expect_fields, NITEMS(expect_fields), ", "));
		return;
	}
	map_fields(ld, n, what, expect_fields, NITEMS(expect_fields), e);
	for (i = 0; i < e->ncap; i++)
		ld->captured[e->cap[i].var] = true;
}

/* ---- step kinds -------------------------------------------------------- */

struct stepkind;
typedef void step_parse_fn(struct ld *, yaml_node_t *, struct plan_step *,
    const struct stepkind *);
typedef void step_splice_fn(struct ld *, yaml_node_t *, struct stepv *);

static step_parse_fn step_map, step_expect, step_silence, step_state,
    step_wait, step_retransmits, step_measure, step_exec, step_any_of;
static step_splice_fn step_repeat, step_include;

static const struct stepkind {
	const char *name;
	enum plan_step_kind kind;	/* PLAN_STEP_MAX: spliced */
	step_parse_fn *parse;
	const struct field *fields;
	size_t nfields;
	step_splice_fn *splice;		/* repeat, include */
} stepkinds[] = {
	{ "connect", PLAN_CONNECT, step_map, connect_fields,
	    NITEMS(connect_fields), NULL },
	{ "send", PLAN_SEND, step_map, send_fields, NITEMS(send_fields),
	    NULL },
	{ "expect", PLAN_EXPECT, step_expect, NULL, 0, NULL },
	{ "silence", PLAN_SILENCE, step_silence, NULL, 0, NULL },
	{ "state", PLAN_STATE, step_state, NULL, 0, NULL },
	{ "wait", PLAN_WAIT, step_wait, NULL, 0, NULL },
	{ "retransmits", PLAN_RETRANSMITS, step_retransmits, NULL, 0, NULL },
	{ "measure", PLAN_MEASURE, step_measure, NULL, 0, NULL },
	{ "exec", PLAN_EXEC, step_exec, NULL, 0, NULL },
	{ "any_of", PLAN_ANY_OF, step_any_of, NULL, 0, NULL },
	{ "repeat", PLAN_STEP_MAX, NULL, NULL, 0, step_repeat },
	{ "include", PLAN_STEP_MAX, NULL, NULL, 0, step_include },
};

/* connect, send: a mapping of fields, or nothing for defaults. */
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
step_expect(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	get_expect(ld, n, &st->u.expect, sk->name);
}

static void
step_silence(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	get_duration(ld, n, sk->name, &st->u.silence_ns);
}

static void
step_wait(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	get_duration(ld, n, sk->name, &st->u.wait_ns);
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

/* retransmits */

static void
rt_count(struct ld *ld, yaml_node_t *n, void *dst)
{
	uint64_t v;

	if (get_uint(ld, n, "count", 1, 100, &v) == 0)
		((struct plan_retransmits *)dst)->count = (unsigned)v;
}

static void
rt_schedule(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_retransmits *r = dst;
	size_t i, k;

	if (n->type != YAML_SEQUENCE_NODE || (k = nitems(n)) == 0 ||
	    k > 100) {
		lerr(ld, n, "schedule must be a sequence of 1 to 100 "
		    "durations, e.g. [1s, 2s, 4s]");
		return;
	}
	r->schedule = xcalloc(k, sizeof(*r->schedule));
	r->nsched = k;
	for (i = 0; i < k; i++)
		get_duration(ld, node(ld, n->data.sequence.items.start[i]),
		    "schedule", &r->schedule[i]);
}

static void
rt_tolerance(struct ld *ld, yaml_node_t *n, void *dst)
{
	const char *s;
	char buf[8], q[QLEN];
	uint64_t v;
	size_t l;

	if ((s = get_str(ld, n, "tolerance")) == NULL)
		return;
	l = strlen(s);
	if (l < 2 || l > 4 || s[l - 1] != '%' ||
	    (memcpy(buf, s, l - 1), buf[l - 1] = '\0',
	    strspn(buf, "0123456789") != l - 1) ||
	    parse_uint(buf, 100, &v) == -1) {
		lerr(ld, n, "bad tolerance '%s': expected a percentage "
		    "0%%..100%%, e.g. 10%%", qs(n, q, sizeof(q)));
		return;
	}
	((struct plan_retransmits *)dst)->tol_pct = (unsigned)v;
}

static void
rt_min_tolerance(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "min_tolerance",
	    &((struct plan_retransmits *)dst)->tol_min_ns);
}

static void
rt_silence(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "silence",
	    &((struct plan_retransmits *)dst)->silence_ns);
}

static const struct field rt_fields[] = {
	{ "count", rt_count, true },
	{ "schedule", rt_schedule, true },
	{ "tolerance", rt_tolerance, false },
	{ "min_tolerance", rt_min_tolerance, false },
	{ "silence", rt_silence, false },
};

static void
step_retransmits(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	char keys[256];

	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "%s takes a mapping of: %s", sk->name,
		    JOIN(keys, rt_fields, NITEMS(rt_fields), ", "));
		return;
	}
	map_fields(ld, n, sk->name, rt_fields, NITEMS(rt_fields),
	    &st->u.retransmits);
}

/* measure */

static void
ms_name(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_measure *m = dst;
	const char *s, *c;
	char q[QLEN];

	if ((s = get_str(ld, n, "measure name")) == NULL)
		return;
	for (c = s; *c != '\0'; c++)
		if (!islower((unsigned char)*c) &&
		    !isdigit((unsigned char)*c) && strchr("_.-", *c) == NULL) {
			lerr(ld, n, "bad measure name '%s': use a-z, 0-9 and "
			    "_ . -", qs(n, q, sizeof(q)));
			return;
		}
	m->name = xstrdup(s);
}

static void
ms_probe(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_measure *m = dst;
	char keys[256];

	m->probe_set = true;
	if (is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "probe takes a mapping of: %s",
		    JOIN(keys, send_fields, NITEMS(send_fields), ", "));
		return;
	}
	map_fields(ld, n, "probe", send_fields, NITEMS(send_fields),
	    &m->probe);
}

static void
ms_every(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "every", &((struct plan_measure *)dst)->every_ns);
}

static void
ms_until(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_expect(ld, n, &((struct plan_measure *)dst)->until, "until");
}

static void
ms_max(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "max", &((struct plan_measure *)dst)->max_ns);
}

static void
ms_range(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_measure *m = dst;

	if (get_duration_range(ld, n, "range", &m->range_lo,
	    &m->range_hi) == 0)
		m->range_set = true;
}

static const struct field ms_fields[] = {
	{ "name", ms_name, true },
	{ "probe", ms_probe, false },
	{ "every", ms_every, false },
	{ "until", ms_until, true },
	{ "max", ms_max, true },
	{ "range", ms_range, false },
};

static void
step_measure(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	char keys[256];
	unsigned seen;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "%s takes a mapping of: %s", sk->name,
		    JOIN(keys, ms_fields, NITEMS(ms_fields), ", "));
		return;
	}
	seen = map_fields(ld, n, sk->name, ms_fields, NITEMS(ms_fields),
	    &st->u.measure);
	if ((seen & 2u) && !(seen & 4u))
		lerr(ld, n, "missing required key 'every' in measure (needed "
		    "with probe)");
}

/* exec */

static void
ex_cmd(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_exec *x = dst;
	const char *s;

	if ((s = get_str(ld, n, "exec command")) == NULL)
		return;
	if (strlen(s) > SCR_MAX_CMD) {
		lerr(ld, n, "exec command is %zu bytes, more than %d",
		    strlen(s), SCR_MAX_CMD);
		return;
	}
	free(x->cmd);
	x->cmd = xstrdup(s);
}

static void
ex_status(struct ld *ld, yaml_node_t *n, void *dst)
{
	uint64_t v;

	if (get_uint(ld, n, "status", 0, 255, &v) == 0)
		((struct plan_exec *)dst)->status = (int)v;
}

static void
ex_within(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "within", &((struct plan_exec *)dst)->within_ns);
}

static void
ex_background(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_bool(ld, n, "background", &((struct plan_exec *)dst)->background);
}

static const struct field ex_fields[] = {
	{ "cmd", ex_cmd, true },
	{ "status", ex_status, false },
	{ "within", ex_within, false },
	{ "background", ex_background, false },
};

static void
step_exec(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	if (n->type == YAML_MAPPING_NODE)
		map_fields(ld, n, sk->name, ex_fields, NITEMS(ex_fields),
		    &st->u.exec);
	else if (n->type == YAML_SCALAR_NODE)
		ex_cmd(ld, n, &st->u.exec);
	else
		lerr(ld, n, "exec takes a command or a mapping of: cmd, "
		    "status, within, background");
}

/* ---- step lists -------------------------------------------------------- */

static void parse_steps(struct ld *, yaml_node_t *, struct stepv *);

/* A new zeroed step at the end of sv, or NULL over the cap. */
static struct plan_step *
step_new(struct ld *ld, struct stepv *sv, yaml_node_t *n)
{
	if (ld->nsteps >= SCR_MAX_STEPS ||
	    ld->filesteps >= SCR_MAX_FILE_STEPS) {
		if (!ld->toomany)
			lerr(ld, n, "too many steps (more than %d in a case "
			    "or %d in a file, counting repeat and include)",
			    SCR_MAX_STEPS, SCR_MAX_FILE_STEPS);
		ld->toomany = true;
		return NULL;
	}
	ld->nsteps++;
	ld->filesteps++;
	if (sv->n == sv->cap) {
		sv->cap = sv->cap != 0 ? sv->cap * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	memset(&sv->v[sv->n], 0, sizeof(sv->v[0]));
	return &sv->v[sv->n++];
}

static void
step_any_of(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	struct plan_any_of *a = &st->u.any_of;
	struct stepv sv;
	yaml_node_t *an;
	size_t i, k, e0;

	(void)sk;
	if (n->type != YAML_SEQUENCE_NODE || (k = nitems(n)) < 2 ||
	    k > SCR_MAX_ALTS) {
		lerr(ld, n, "any_of takes 2 to %d alternatives, each a "
		    "sequence of steps", SCR_MAX_ALTS);
		return;
	}
	if (ld->nest >= SCR_MAX_ANYOF) {
		lerr(ld, n, "any_of nested more than %d deep", SCR_MAX_ANYOF);
		return;
	}
	a->alts = xcalloc(k, sizeof(*a->alts));
	a->nalts = k;
	ld->nest++;
	for (i = 0; i < k && !ld->stop && !ld->toomany; i++) {
		an = node(ld, n->data.sequence.items.start[i]);
		a->alts[i].pos = pos(ld, an);
		if (an->type != YAML_SEQUENCE_NODE || nitems(an) == 0) {
			lerr(ld, an, "an any_of alternative must be a "
			    "non-empty sequence of steps");
			continue;
		}
		memset(&sv, 0, sizeof(sv));
		e0 = ld->nerr;
		parse_steps(ld, an, &sv);
		a->alts[i].steps = sv.v;
		a->alts[i].nsteps = sv.n;
		if (ld->nerr == e0 && (sv.n == 0 ||
		    sv.v[0].kind != PLAN_EXPECT))
			lerr(ld, node(ld, an->data.sequence.items.start[0]),
			    "each any_of alternative must begin with an "
			    "expect");
	}
	ld->nest--;
}

/* repeat */

struct rep {
	uint64_t count;
	yaml_node_t *steps;
};

static void
rep_count(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_uint(ld, n, "repeat count", 1, SCR_MAX_REPEAT,
	    &((struct rep *)dst)->count);
}

static void
rep_steps(struct ld *ld, yaml_node_t *n, void *dst)
{
	if (n->type != YAML_SEQUENCE_NODE || nitems(n) == 0) {
		lerr(ld, n, "repeat steps must be a non-empty sequence of "
		    "steps");
		return;
	}
	((struct rep *)dst)->steps = n;
}

static const struct field rep_fields[] = {
	{ "count", rep_count, true },
	{ "steps", rep_steps, true },
};

static void
step_repeat(struct ld *ld, yaml_node_t *n, struct stepv *sv)
{
	struct rep r = { 0, NULL };
	size_t e0 = ld->nerr;
	uint64_t i;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "repeat takes a mapping {count: N, steps: [...]}");
		return;
	}
	map_fields(ld, n, "repeat", rep_fields, NITEMS(rep_fields), &r);
	if (ld->nerr != e0 || r.steps == NULL)
		return;
	/* Parsed again for each copy: each owns its data. */
	for (i = 0; i < r.count && ld->nerr == e0 && !ld->toomany; i++)
		parse_steps(ld, r.steps, sv);
}

/* include */

struct incl {
	yaml_node_t *file, *params;
};

static void
inc_file(struct ld *ld, yaml_node_t *n, void *dst)
{
	(void)ld;
	((struct incl *)dst)->file = n;
}

static void
inc_params(struct ld *ld, yaml_node_t *n, void *dst)
{
	(void)ld;
	((struct incl *)dst)->params = n;
}

static const struct field inc_fields[] = {
	{ "file", inc_file, true },
	{ "params", inc_params, false },
};

static int read_all(const char *, char **, size_t *, char *, size_t);
static void scan_events(const char *, size_t, struct scan *);
static void syntax_err(struct ld *, const yaml_parser_t *, const char *,
    size_t);

/* Load the steps of an included file (already substituted). */
static void
include_doc(struct ld *ld, const char *buf, size_t len, struct stepv *sv)
{
	yaml_parser_t yp;
	yaml_document_t doc, *odoc = ld->doc;
	yaml_node_t *root;
	struct swaps sw = { NULL, 0 };
	struct scan sc;
	size_t i;

	scan_events(buf, len, &sc);
	if (sc.doc == 1) {
		for (i = 0; i < sc.n; i++)
			mark_err(ld, &sc.probs[i].mark, "%s", sc.probs[i].msg);
		return;
	}
	if (!yaml_parser_initialize(&yp))
		fatalx("script: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&yp, &doc)) {
		syntax_err(ld, &yp, buf, len);
		yaml_parser_delete(&yp);
		return;
	}
	ld->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_SEQUENCE_NODE) {
		yaml_mark_t m = { 0, 0, 0 };

		mark_err(ld, root != NULL ? &root->start_mark : &m,
		    "an included file must be a sequence of steps");
	} else if (nitems(root) > SCR_MAX_STEPS)
		lerr(ld, root, "too many steps (%zu, at most %d)",
		    nitems(root), SCR_MAX_STEPS);
	else {
		subst_doc(ld, &doc, 0, ld->params, &sw);
		parse_steps(ld, root, sv);
		unswap(&sw);
	}
	ld->doc = odoc;
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
}

static void
step_include(struct ld *ld, yaml_node_t *n, struct stepv *sv)
{
	struct incl in = { NULL, NULL };
	struct params ps = { NULL, 0 };
	const struct params *ops = ld->params;
	const char *name, *ofile = ld->file, *slash, *pv;
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	char *path, *rp = NULL, *buf = NULL, q[QLEN], why[256];
	struct stat sb;
	size_t e0 = ld->nerr, len, i;
	int j;

	if (n->type == YAML_MAPPING_NODE)
		map_fields(ld, n, "include", inc_fields, NITEMS(inc_fields),
		    &in);
	else if (n->type == YAML_SCALAR_NODE)
		in.file = n;
	else {
		lerr(ld, n, "include takes a file name or {file: \"x.yaml\", "
		    "params: {name: value}}");
		return;
	}
	if (in.file == NULL ||
	    (name = get_str(ld, in.file, "include file")) == NULL)
		return;
	if (in.params != NULL) {
		if (in.params->type != YAML_MAPPING_NODE) {
			lerr(ld, in.params, "include params must be a mapping "
			    "of name: value");
			return;
		}
		for (pr = in.params->data.mapping.pairs.start;
		    pr < in.params->data.mapping.pairs.top; pr++) {
			k = node(ld, pr->key);
			v = node(ld, pr->value);
			if (get_str(ld, k, "parameter name") == NULL ||
			    (pv = get_str(ld, v, "parameter value")) == NULL)
				continue;
			params_add(&ps, (const char *)k->data.scalar.value,
			    k->data.scalar.length, pv, strlen(pv));
		}
	}
	if (ld->nerr != e0) {
		params_free(&ps);
		return;
	}
	/* The case's parameters after the include's own. */
	for (i = 0; ops != NULL && i < ops->n; i++)
		params_add(&ps, ops->v[i].name, strlen(ops->v[i].name),
		    ops->v[i].value, strlen(ops->v[i].value));
	if (ld->incdepth >= SCR_MAX_INCLUDE) {
		lerr(ld, in.file, "includes nested more than %d deep",
		    SCR_MAX_INCLUDE);
		params_free(&ps);
		return;
	}
	slash = strrchr(ofile, '/');
	path = name[0] == '/' || slash == NULL ? xstrdup(name) :
	    xasprintf("%.*s/%s", (int)(slash - ofile), ofile, name);
	if ((rp = realpath(path, NULL)) == NULL) {
		lerr(ld, in.file, "cannot open include '%s': %s",
		    qs(in.file, q, sizeof(q)), strerror(errno));
		goto out;
	}
	/* Not a FIFO or a device: opening one could block or never end. */
	if (stat(rp, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		lerr(ld, in.file, "include '%s' is not a regular file",
		    qs(in.file, q, sizeof(q)));
		goto out;
	}
	for (j = 0; j <= ld->incdepth; j++)
		if (ld->incstack[j] != NULL &&
		    strcmp(ld->incstack[j], rp) == 0) {
			lerr(ld, in.file, "include cycle: '%s' includes "
			    "itself", qs(in.file, q, sizeof(q)));
			goto out;
		}
	if (read_all(path, &buf, &len, why, sizeof(why)) == -1) {
		lerr(ld, in.file, "cannot read include '%s': %s",
		    qs(in.file, q, sizeof(q)), why);
		goto out;
	}
	ld->incstack[++ld->incdepth] = rp;
	ld->file = plan_file(ld->p, path);
	ld->params = &ps;
	include_doc(ld, buf, len, sv);
	ld->params = ops;
	ld->file = ofile;
	ld->incstack[ld->incdepth--] = NULL;
out:
	free(buf);
	free(rp);
	free(path);
	params_free(&ps);
}

static void
get_profile(struct ld *ld, yaml_node_t *n, struct plan_step *st)
{
	const char *s, *c;
	char q[QLEN];

	if ((s = get_str(ld, n, "profile")) == NULL)
		return;
	if (*s == '!')
		s++;
	for (c = s; *c != '\0'; c++)
		if (!islower((unsigned char)*c) &&
		    !isdigit((unsigned char)*c) && *c != '_' && *c != '-')
			break;
	if (*s == '\0' || *c != '\0') {
		lerr(ld, n, "bad profile '%s': expected a name of a-z, 0-9, _ "
		    "and -, or '!name'", qs(n, q, sizeof(q)));
		return;
	}
	st->profile_not = s != (const char *)n->data.scalar.value;
	st->profile = xstrdup(s);
}

static void
get_step(struct ld *ld, yaml_node_t *n, struct stepv *sv)
{
	const struct stepkind *sk;
	struct plan_step *st, *prev;
	yaml_node_pair_t *pr;
	yaml_node_t *k = NULL, *v = NULL, *pv = NULL, *pk = NULL;
	char q[QLEN], names[256];
	size_t i, nk = 0;

	JOIN(names, stepkinds, NITEMS(stepkinds), " or ");
	if (n->type == YAML_MAPPING_NODE)
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top; pr++) {
			if (is_word(node(ld, pr->key), "profile") &&
			    pk == NULL) {
				pk = node(ld, pr->key);
				pv = node(ld, pr->value);
				continue;
			}
			k = node(ld, pr->key);
			v = node(ld, pr->value);
			nk++;
		}
	if (n->type != YAML_MAPPING_NODE || nk != 1) {
		lerr(ld, n, "step must be a mapping with one key: %s",
		    names);
		return;
	}
	for (i = 0; i < NITEMS(stepkinds); i++)
		if (is_word(k, stepkinds[i].name))
			break;
	if (i == NITEMS(stepkinds)) {
		lerr(ld, k, "unknown step '%s' (expected one of: %s)",
		    qs(k, q, sizeof(q)), names);
		return;
	}
	sk = &stepkinds[i];
	if (sk->splice != NULL) {
		if (pk != NULL) {
			lerr(ld, pk, "profile is not allowed on %s", sk->name);
			return;
		}
		sk->splice(ld, v, sv);
		return;
	}
	if ((st = step_new(ld, sv, n)) == NULL)
		return;
	st->kind = sk->kind;
	st->pos = pos(ld, n);
	switch (st->kind) {
	case PLAN_SEND:
		send_init(&st->u.send);
		break;
	case PLAN_EXPECT:
		expect_init(&st->u.expect);
		break;
	case PLAN_MEASURE:
		send_init(&st->u.measure.probe);
		expect_init(&st->u.measure.until);
		break;
	case PLAN_RETRANSMITS:
		st->u.retransmits.tol_pct = 10;
		st->u.retransmits.tol_min_ns = 4 * NS_PER_MS;
		prev = sv->n >= 2 ? &sv->v[sv->n - 2] : NULL;
		if (prev == NULL || (prev->kind != PLAN_EXPECT &&
		    prev->kind != PLAN_CONNECT &&
		    prev->kind != PLAN_RETRANSMITS &&
		    prev->kind != PLAN_ANY_OF))
			lerr(ld, n, "retransmits must follow an expect");
		break;
	case PLAN_EXEC:
		st->u.exec.within_ns = 10 * NS_PER_SEC;
		break;
	default:
		break;
	}
	if (pv != NULL)
		get_profile(ld, pv, st);
	sk->parse(ld, v, st, sk);
}

static void
parse_steps(struct ld *ld, yaml_node_t *n, struct stepv *sv)
{
	yaml_node_item_t *it;

	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop && !ld->toomany;
	    it++)
		get_step(ld, node(ld, *it), sv);
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
	const char *s;
	char q[QLEN];

	if ((s = get_str(ld, n, "id")) == NULL)
		return;
	if (!chars_ok(s, "/_.-")) {
		lerr(ld, n, "bad case id '%s': use letters, digits and / _ . -",
		    qs(n, q, sizeof(q)));
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
	struct stepv sv = { NULL, 0, 0 };
	size_t ns;

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
	parse_steps(ld, n, &sv);
	c->steps = sv.v;
	c->nsteps = sv.n;
}

static void
case_timeout(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_duration(ld, n, "timeout", &((struct plan_case *)dst)->timeout_ns);
}

/* A mapping of sysctl name: value; a bare name is under net.ipv4. */
static void
get_sysctls(struct ld *ld, yaml_node_t *n, const char *what,
    struct plan_sysctl **v, size_t *nv)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k;
	const char *name, *val;
	char q[QLEN];

	if (n->type != YAML_MAPPING_NODE || npairs(n) == 0) {
		lerr(ld, n, "%s must be a mapping of name: value, e.g. "
		    "{tcp_fin_timeout: 5}", what);
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top && !ld->stop; pr++) {
		k = node(ld, pr->key);
		if ((name = get_str(ld, k, "sysctl name")) == NULL)
			continue;
		if (!chars_ok(name, "_.-/") || name[0] == '.' ||
		    name[0] == '/') {
			lerr(ld, k, "bad sysctl name '%s': use letters, digits "
			    "and _ . - /", qs(k, q, sizeof(q)));
			continue;
		}
		if ((val = get_str(ld, node(ld, pr->value),
		    "sysctl value")) == NULL)
			continue;
		*v = xreallocarray(*v, *nv + 1, sizeof(**v));
		(*v)[*nv].key = strchr(name, '.') != NULL ? xstrdup(name) :
		    xasprintf("net.ipv4.%s", name);
		(*v)[*nv].value = xstrdup(val);
		(*v)[*nv].pos = pos(ld, k);
		(*nv)++;
	}
}

static void
case_sysctl(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	get_sysctls(ld, n, "sysctl", &c->sysctl, &c->nsysctl);
}

static void
req_root(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_bool(ld, n, "root", &((struct plan_case *)dst)->req_root);
}

static void
req_ipv6(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_bool(ld, n, "ipv6", &((struct plan_case *)dst)->req_ipv6);
}

static void
req_sysctl(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	get_sysctls(ld, n, "requires sysctl", &c->req_sysctl,
	    &c->nreq_sysctl);
}

static const struct field req_fields[] = {
	{ "root", req_root, false },
	{ "ipv6", req_ipv6, false },
	{ "sysctl", req_sysctl, false },
};

static void
case_requires(struct ld *ld, yaml_node_t *n, void *dst)
{
	char keys[128];

	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "requires takes a mapping of: %s",
		    JOIN(keys, req_fields, NITEMS(req_fields), ", "));
		return;
	}
	map_fields(ld, n, "requires", req_fields, NITEMS(req_fields), dst);
}

static void
case_exclusive(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_bool(ld, n, "exclusive", &((struct plan_case *)dst)->exclusive);
}

/* Checked and expanded by load_case. */
static void
case_matrix(struct ld *ld, yaml_node_t *n, void *dst)
{
	(void)ld;
	(void)n;
	(void)dst;
}

static const struct field case_fields[] = {
	{ "id", case_id, true },
	{ "title", case_title, true },
	{ "rfc", case_rfc, false },
	{ "service", case_service, true },
	{ "tags", case_tags, false },
	{ "steps", case_steps, true },
	{ "timeout", case_timeout, false },
	{ "sysctl", case_sysctl, false },
	{ "requires", case_requires, false },
	{ "exclusive", case_exclusive, false },
	{ "matrix", case_matrix, false },
};

/* One expansion of a case: params substituted, suffix added to the id. */
static void
load_one(struct ld *ld, yaml_node_t *root, int matrixid,
    const struct params *ps, const char *suffix)
{
	struct plan one;
	struct plan_case *c;
	const struct plan_case *o;
	struct swaps sw = { NULL, 0 };
	size_t e0 = ld->nerr;
	char *id, q[QLEN];

	/* A one-case plan, so that plan_free can clean up after errors. */
	memset(&one, 0, sizeof(one));
	one.cases = c = xcalloc(1, sizeof(*c));
	one.ncases = 1;
	c->pos = pos(ld, root);
	ld->c = c;
	ld->params = ps;
	ld->nsteps = 0;
	ld->nest = 0;
	ld->toomany = false;
	subst_doc(ld, ld->doc, matrixid, ps, &sw);
	/* After a bad ${name}, the rest would only be noise. */
	if (ld->nerr == e0)
		map_fields(ld, root, NULL, case_fields, NITEMS(case_fields),
		    c);
	unswap(&sw);
	free(ld->captured);
	ld->captured = NULL;
	ld->c = NULL;
	ld->params = NULL;
	if (c->nsysctl > 0 || c->nreq_sysctl > 0)
		c->exclusive = true;
	if (ld->nerr == e0 && suffix != NULL) {
		id = xasprintf("%s%s", c->id, suffix);
		free(c->id);
		c->id = id;
	}
	if (ld->nerr == e0 &&
	    (o = idset_find(&ld->ids, ld->p, c->id)) != NULL) {
		yaml_mark_t m = { 0, (size_t)c->pos.line - 1,
		    (size_t)c->pos.col - 1 };

		mark_err(ld, &m, "duplicate case id '%s' (first defined at "
		    "%s:%d:%d)", quote((const unsigned char *)c->id,
		    strlen(c->id), q, sizeof(q)), o->pos.file, o->pos.line,
		    o->pos.col);
	}
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

/* A matrix parameter: its values' names and values. */
struct mparam {
	const char *name;
	yaml_node_t **names, **values;
	size_t n;
};

/* Check the matrix; returns the number of combinations, 0 on error. */
static size_t
get_matrix(struct ld *ld, yaml_node_t *m, struct mparam **mpp, size_t *np)
{
	struct mparam *mp;
	yaml_node_pair_t *pr, *vp;
	yaml_node_item_t *it;
	yaml_node_t *k, *v;
	size_t e0 = ld->nerr, i, j, combos = 1;
	char q[QLEN];

	*mpp = NULL;
	*np = 0;
	if (m->type != YAML_MAPPING_NODE || npairs(m) == 0) {
		lerr(ld, m, "matrix must be a mapping of parameter: [values] "
		    "or parameter: {name: value}");
		return 0;
	}
	*mpp = mp = xcalloc(npairs(m), sizeof(*mp));
	for (pr = m->data.mapping.pairs.start;
	    pr < m->data.mapping.pairs.top; pr++) {
		k = node(ld, pr->key);
		v = node(ld, pr->value);
		if (get_str(ld, k, "matrix parameter") == NULL)
			continue;
		if (var_len((const char *)k->data.scalar.value) !=
		    k->data.scalar.length) {
			lerr(ld, k, "bad matrix parameter '%s': use letters, "
			    "digits and _, not starting with a digit",
			    qs(k, q, sizeof(q)));
			continue;
		}
		for (i = 0; i < *np; i++)
			if (strcmp(mp[i].name,
			    (const char *)k->data.scalar.value) == 0)
				break;
		if (i < *np) {
			lerr(ld, k, "duplicate matrix parameter '%s'",
			    qs(k, q, sizeof(q)));
			continue;
		}
		if (v->type == YAML_SEQUENCE_NODE && nitems(v) > 0) {
			mp[*np].n = nitems(v);
			mp[*np].names = xcalloc(nitems(v), sizeof(k));
			mp[*np].values = xcalloc(nitems(v), sizeof(k));
			for (it = v->data.sequence.items.start, j = 0;
			    it < v->data.sequence.items.top; it++, j++) {
				mp[*np].names[j] = mp[*np].values[j] =
				    node(ld, *it);
				get_str(ld, node(ld, *it), "matrix value");
			}
		} else if (v->type == YAML_MAPPING_NODE && npairs(v) > 0) {
			mp[*np].n = npairs(v);
			mp[*np].names = xcalloc(npairs(v), sizeof(k));
			mp[*np].values = xcalloc(npairs(v), sizeof(k));
			for (vp = v->data.mapping.pairs.start, j = 0;
			    vp < v->data.mapping.pairs.top; vp++, j++) {
				mp[*np].names[j] = node(ld, vp->key);
				mp[*np].values[j] = node(ld, vp->value);
				get_str(ld, mp[*np].names[j], "matrix name");
				get_str(ld, mp[*np].values[j],
				    "matrix value");
			}
		} else {
			lerr(ld, v, "matrix parameter '%s' must be a sequence "
			    "of values or a mapping of name: value",
			    qs(k, q, sizeof(q)));
			continue;
		}
		mp[*np].name = (const char *)k->data.scalar.value;
		(*np)++;
		if (combos <= SCR_MAX_COMBOS)
			combos *= mp[*np - 1].n;
	}
	if (ld->nerr != e0)
		return 0;
	if (combos > SCR_MAX_COMBOS) {
		lerr(ld, m, "matrix has more than %d combinations",
		    SCR_MAX_COMBOS);
		return 0;
	}
	return combos;
}

static void
mparams_free(struct mparam *mp, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(mp[i].names);
		free(mp[i].values);
	}
	free(mp);
}

static void
load_case(struct ld *ld, yaml_node_t *root)
{
	struct mparam *mp = NULL;
	struct params ps;
	yaml_node_pair_t *pr;
	yaml_node_t *m = NULL, *nm, *vl;
	size_t np = 0, combos, ci, i, idx, stride, e0, o;
	char *suffix;
	int mid = 0;

	if (is_null(root))
		return;		/* an empty document: a trailing "---" */
	if (root->type != YAML_MAPPING_NODE) {
		lerr(ld, root, "a test case must be a mapping with keys id, "
		    "title, service and steps");
		return;
	}
	for (pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top && m == NULL; pr++)
		if (is_word(node(ld, pr->key), "matrix")) {
			m = node(ld, pr->value);
			mid = pr->value;
		}
	if (m == NULL) {
		load_one(ld, root, 0, NULL, NULL);
		return;
	}
	if ((combos = get_matrix(ld, m, &mp, &np)) == 0) {
		mparams_free(mp, np);
		return;
	}
	for (ci = 0; ci < combos && !ld->stop; ci++) {
		memset(&ps, 0, sizeof(ps));
		suffix = xstrdup("[");
		stride = combos;
		for (i = 0; i < np; i++) {
			/* The first parameter varies slowest. */
			stride /= mp[i].n;
			idx = (ci / stride) % mp[i].n;
			nm = mp[i].names[idx];
			vl = mp[i].values[idx];
			params_add(&ps, mp[i].name, strlen(mp[i].name),
			    (const char *)vl->data.scalar.value,
			    vl->data.scalar.length);
			o = strlen(mp[i].name);
			params_add(&ps, mp[i].name, o,
			    (const char *)nm->data.scalar.value,
			    nm->data.scalar.length);
			ps.v[ps.n - 1].name = xrealloc(ps.v[ps.n - 1].name,
			    o + 6);
			memcpy(ps.v[ps.n - 1].name + o, ".name", 6);
			o = strlen(suffix);
			suffix = xrealloc(suffix, o + strlen(mp[i].name) +
			    nm->data.scalar.length + 4);
			sprintf(suffix + o, "%s%s=%s", i == 0 ? "" : ",",
			    mp[i].name, (const char *)nm->data.scalar.value);
		}
		strcat(suffix, "]");
		e0 = ld->nerr;
		load_one(ld, root, mid, &ps, suffix);
		free(suffix);
		params_free(&ps);
		/* The same mistake in every expansion: report it once. */
		if (ld->nerr != e0)
			break;
	}
	mparams_free(mp, np);
}

/* ---- files ------------------------------------------------------------- */

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
	/* For include cycles; NULL when name is not a file. */
	ld.incstack[0] = realpath(name, NULL);
	for (i = 0; i < p->ncases; i++)
		idset_add(&ld.ids, p, i);
	load_yaml(&ld, buf, len);
	free(ld.ids.slot);
	free(ld.incstack[0]);
	free(ld.captured);
	return (int)(errs->n - n0);
}

/*
 * Read a whole file of at most SCR_MAX_FILE bytes into *buf (owned by the
 * caller, also after an error).  Returns 0, or -1 with why filled in.
 */
static int
read_all(const char *path, char **buf, size_t *lenp, char *why,
    size_t whylen)
{
	size_t len = 0;
	ssize_t r;
	int fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells a too large file apart. */
	*buf = xmalloc(SCR_MAX_FILE + 1);
	while (len < SCR_MAX_FILE + 1) {
		r = read(fd, *buf + len, SCR_MAX_FILE + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, whylen, "%s", strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > SCR_MAX_FILE) {
		snprintf(why, whylen, "file too large (more than %d bytes)",
		    SCR_MAX_FILE);
		return -1;
	}
	*lenp = len;
	return 0;
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

/* ---- durations --------------------------------------------------------- */

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void
steps_duration(const struct plan_step *st, size_t n, uint64_t *typ,
    uint64_t *max)
{
	const struct plan_retransmits *r;
	const struct plan_measure *m;
	uint64_t t = 0, x = 0, bt, bx, gap, tol;
	size_t i, j;

	for (i = 0; i < n; i++, st++) {
		switch (st->kind) {
		case PLAN_SILENCE:
			t = sat_add(t, st->u.silence_ns);
			x = sat_add(x, st->u.silence_ns);
			break;
		case PLAN_WAIT:
			t = sat_add(t, st->u.wait_ns);
			x = sat_add(x, st->u.wait_ns);
			break;
		case PLAN_CONNECT:
			x = sat_add(x, st->u.connect.within_ns != 0 ?
			    st->u.connect.within_ns : NS_PER_SEC);
			break;
		case PLAN_EXPECT:
			x = sat_add(x, st->u.expect.within_ns != 0 ?
			    st->u.expect.within_ns : NS_PER_SEC);
			break;
		case PLAN_RETRANSMITS:
			r = &st->u.retransmits;
			for (j = 0; j < r->count && r->nsched > 0; j++) {
				gap = r->schedule[j < r->nsched ? j :
				    r->nsched - 1];
				tol = gap / 100 * r->tol_pct;
				if (tol < r->tol_min_ns)
					tol = r->tol_min_ns;
				t = sat_add(t, gap);
				x = sat_add(x, sat_add(gap, tol));
			}
			t = sat_add(t, r->silence_ns);
			x = sat_add(x, r->silence_ns);
			break;
		case PLAN_MEASURE:
			m = &st->u.measure;
			t = sat_add(t, m->range_set ? m->range_lo / 2 +
			    m->range_hi / 2 : m->max_ns / 2);
			x = sat_add(x, m->max_ns);
			break;
		case PLAN_EXEC:
			x = sat_add(x, st->u.exec.within_ns);
			break;
		case PLAN_ANY_OF:
			bt = bx = 0;
			for (j = 0; j < st->u.any_of.nalts; j++) {
				uint64_t at, ax;

				steps_duration(st->u.any_of.alts[j].steps,
				    st->u.any_of.alts[j].nsteps, &at, &ax);
				bt = at > bt ? at : bt;
				bx = ax > bx ? ax : bx;
			}
			t = sat_add(t, bt);
			x = sat_add(x, bx);
			break;
		default:
			break;
		}
	}
	*typ = t;
	*max = x;
}

int
scr_duration(const struct plan_case *c, uint64_t *typical_ns,
    uint64_t *max_ns)
{
	uint64_t t, x;

	if (c == NULL)
		return -1;
	steps_duration(c->steps, c->nsteps, &t, &x);
	if (typical_ns != NULL)
		*typical_ns = t;
	if (max_ns != NULL)
		*max_ns = x;
	return 0;
}
