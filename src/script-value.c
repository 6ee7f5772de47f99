/*
 * script-value.c - the YAML loader's scalars and small structures: node
 * helpers, numbers, durations, flags, ranges, payload data, TCP options to
 * send and option expectations, and map_fields(), which walks a mapping by
 * its table of keys (struct field), parsing most keys generically by kind.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"

/* Payload bytes while parsing data. */
struct bytes {
	uint8_t *p;
	size_t n;
};

/* ---- messages ---------------------------------------------------------- */

/* Bytes for a message: non-printable ones escaped, long values cut. */
const char *
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
const char *
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
const char *
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

/* ---- nodes ------------------------------------------------------------- */

yaml_node_t *
node(struct ld *ld, int id)
{
	yaml_node_t *n = yaml_document_get_node(ld->doc, id);

	if (n == NULL)
		fatalx("script: yaml node %d missing", id);
	/* Over the budget the caller goes on with n, but ld->stop ends
	 * every loop that could expand further. */
	budget(ld, n, 1, 0);
	return n;
}

struct plan_pos
pos(struct ld *ld, const yaml_node_t *n)
{
	struct plan_pos p;

	p.file = ld->file;
	p.line = (int)n->start_mark.line + 1;
	p.col = (int)n->start_mark.column + 1;
	return p;
}

size_t
npairs(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top -
	    n->data.mapping.pairs.start);
}

size_t
nitems(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
}

/* A plain empty, "~" or "null" scalar: what "key:" alone gives. */
bool
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
bool
is_word(const yaml_node_t *n, const char *name)
{
	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(name) &&
	    memcmp(n->data.scalar.value, name, n->data.scalar.length) == 0;
}

/* A non-empty scalar without NUL bytes, or NULL after a message. */
const char *
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
int
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
int
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
void
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

static void fld_parse(struct ld *, const struct field *, yaml_node_t *,
    void *);

/*
 * Walk mapping map, calling each key's parser from f[].  Unknown keys,
 * duplicates and missing required keys are errors; what names the mapping
 * in messages (NULL at the top level).  Returns the keys seen as bits.
 */
unsigned
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
		if (f[i].parse != NULL)
			f[i].parse(ld, node(ld, pr->value), dst);
		else
			fld_parse(ld, &f[i], node(ld, pr->value), dst);
	}
	for (i = 0; i < nf; i++)
		if (f[i].required && !(seen & (1u << i)))
			lerr(ld, map, "missing required key '%s'%s%s",
			    f[i].name, what ? " in " : "", what ? what : "");
	return seen;
}

/* ---- variables --------------------------------------------------------- */

/* Length of the variable name at s ([A-Za-z_][A-Za-z0-9_]*), 0 if none. */
size_t
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
int
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
	F_FN("hex", data_hex, false),
	F_FN("len", data_len, false),
};

/* Text as given, {hex: "0a0b"} or {len: N} filler bytes. */
int
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
	if (!budget(ld, n, 0, b.n)) {
		free(b.p);
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
	F_FN("val", ts_val, false),
	F_FN("ecr", ts_ecr, false),
};

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
	F_UINT("kind", struct seg_opt, kind, "raw kind", 0, 255, true),
	F_FN("data", raw_data, false),
	F_UINT_SET("len", struct seg_opt, len_byte, len_forced, "raw len", 0,
	    255, false),
};

/* SEG_OPTF_UINT: one number up to the registry's max, stored as given
 * (a WS over 14, RFC 7323 2.3, too: testing that is the point). */
static int
opt_uint(struct ld *ld, yaml_node_t *n, const struct seg_optdesc *od,
    struct seg_opt *o)
{
	uint64_t v;

	if (get_uint(ld, n, od->name, 0, od->max, &v) == -1)
		return -1;
	(void)seg_opt_set(o, 0, (uint32_t)v);
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

/*
 * sack: [[left, right], ...]: edges are numbers like ack's (RFC 2018 3:
 * they are in the receiver's, the target's, sequence space): N, +N or
 * -N from the target's ISN, or $var.  Relative and $var edges are
 * resolved when the segment is sent.
 */
static int
opt_sack(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	yaml_node_item_t *it;
	yaml_node_t *blk;
	struct plan_num *e;
	size_t e0 = ld->nerr;
	int k;

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
		e = ld->sack[o->nsack];
		for (k = 0; k < 2; k++) {
			e[k] = (struct plan_num){ .var = -1 };
			get_num(ld, node(ld, blk->data.sequence.items.start[k]),
			    k == 0 ? "sack left edge" : "sack right edge",
			    &e[k]);
			if (e[k].mode != PLAN_NUM_ABS)
				ld->sack_rel = true;
		}
		o->u.sack[o->nsack].left = (uint32_t)e[0].v;
		o->u.sack[o->nsack].right = (uint32_t)e[1].v;
		o->nsack++;
	}
	o->len = (uint8_t)(2 + 8 * o->nsack);
	return ld->nerr == e0 ? 0 : -1;
}

static int
opt_raw(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	size_t e0 = ld->nerr;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "raw takes a mapping {kind: K, data: \"hex\", "
		    "len: N}");
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
	/* The encoder writes a known kind that has its valid length from
	 * the typed fields: the wire carries exactly what was written. */
	seg_opt_raw_fill(o);
	return 0;
}

/*
 * The option names a case may write: the registry's, in its order (for
 * an expectation, those it allows), then raw.  Returns buf.
 */
static const char *
opt_names(char *buf, size_t len, bool expect)
{
	size_t i, off;

	buf[0] = '\0';
	for (i = 0; i < seg_noptdescs; i++) {
		if (expect && !seg_optdescs[i].expect)
			continue;
		off = strlen(buf);
		snprintf(buf + off, len - off, "%s, ", seg_optdescs[i].name);
	}
	off = strlen(buf);
	snprintf(buf + off, len - off, "raw");
	return buf;
}

/* The registry row named by k (if expect, one that may be expected), or
 * NULL. */
static const struct seg_optdesc *
opt_lookup(yaml_node_t *k, bool expect)
{
	size_t i;

	for (i = 0; i < seg_noptdescs; i++)
		if ((!expect || seg_optdescs[i].expect) &&
		    is_word(k, seg_optdescs[i].name))
			return &seg_optdescs[i];
	return NULL;
}

static int
get_opt(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	const struct seg_optdesc *od;
	yaml_node_t *k, *v = NULL;
	char q[QLEN], names[128];
	const char *name, *example;
	bool raw, valued;

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
	od = opt_lookup(k, false);
	raw = od == NULL && is_word(k, "raw");
	if (od == NULL && !raw) {
		lerr(ld, k, "unknown option '%s' (expected one of: %s)",
		    qs(k, q, sizeof(q)), opt_names(names, sizeof(names),
		    false));
		return -1;
	}
	name = raw ? "raw" : od->name;
	example = raw ? "{raw: {kind: 30, data: \"0102\"}}" : od->example;
	valued = raw || od->form != SEG_OPTF_NONE;
	if (v == NULL && valued) {
		lerr(ld, k, "option %s needs a value, e.g. %s", name,
		    example);
		return -1;
	}
	if (v != NULL && !valued) {
		lerr(ld, k, "option %s takes no value: write it as '- %s'",
		    name, name);
		return -1;
	}
	memset(o, 0, sizeof(*o));
	ld->ts_form = ld->sack_rel = false;
	if (raw) {
		o->len = 2;
		return opt_raw(ld, v, o);
	}
	o->kind = od->kind;
	o->len = od->len_min;	/* SACK: set from its blocks */
	switch (od->form) {
	case SEG_OPTF_UINT:
		return opt_uint(ld, v, od, o);
	case SEG_OPTF_TS:
		return opt_ts(ld, v, o);
	case SEG_OPTF_SACK:
		return opt_sack(ld, v, o);
	case SEG_OPTF_NONE:
		break;
	}
	return 0;
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
		if (ld->sack_rel && po->sack_nums)
			lerr(ld, node(ld, *it), "only one sack "
			    "option of a segment may have relative or $var "
			    "edges");
		else if (ld->sack_rel && po->nopts < SEG_MAX_OPTS) {
			po->sack_nums = true;
			po->sack_opt = po->nopts;
			memcpy(po->sack, ld->sack, sizeof(po->sack));
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

/* ---- small values ------------------------------------------------------ */

int
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
int
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
int
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

/* ---- generic keys ------------------------------------------------------ */

/* Store v in an unsigned member of size bytes at p. */
static void
put_uint(void *p, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	case 8:
		memcpy(p, &v, 8);
		break;
	default:
		fatalx("script: bad field size %zu", size);
	}
}

/* Key f of a mapping, value n, by its kind into dst (see struct field). */
static void
fld_parse(struct ld *ld, const struct field *f, yaml_node_t *n, void *dst)
{
	static const size_t sizes[] = {
		[FLD_NUM] = sizeof(struct plan_num),
		[FLD_FLAGS] = sizeof(struct plan_flags),
		[FLD_XFLAGS] = sizeof(struct plan_flags),
		[FLD_RANGE] = sizeof(struct plan_range),
		[FLD_BOOL] = sizeof(bool),
		[FLD_DURATION] = sizeof(uint64_t),
		[FLD_OPTS] = sizeof(struct plan_opts),
		[FLD_NODE] = sizeof(yaml_node_t *),
	};
	void *p = (char *)dst + f->off;
	uint64_t v;
	int r = -1;

	/* A table entry whose member does not fit its kind. */
	if ((size_t)f->kind < NITEMS(sizes) && sizes[f->kind] != 0 &&
	    sizes[f->kind] != f->size)
		fatalx("script: key %s: member size %zu for its kind",
		    f->name, f->size);
	switch (f->kind) {
	case FLD_NUM:
		get_num(ld, n, f->what, p);
		break;
	case FLD_FLAGS:
	case FLD_XFLAGS:
		get_flags(ld, n, p, f->kind == FLD_XFLAGS);
		break;
	case FLD_UINT:
		if ((r = get_uint(ld, n, f->what, f->min, f->max, &v)) == 0)
			put_uint(p, f->size, v);
		break;
	case FLD_RANGE:
		get_range(ld, n, f->what, f->max, p);
		break;
	case FLD_BOOL:
		r = get_bool(ld, n, f->what, p);
		break;
	case FLD_DURATION:
		get_duration(ld, n, f->what, p);
		break;
	case FLD_OPTS:
		get_opts(ld, n, p);
		break;
	case FLD_NODE:
		memcpy(p, &n, sizeof(n));
		break;
	default:
		fatalx("script: key %s has no parser", f->name);
	}
	if (r == 0 && f->set != 0)
		*(bool *)((char *)dst + f->set - 1) = true;
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
    const struct seg_optdesc *od)
{
	char q[QLEN];

	if (is_word(n, "present"))
		optexp_new(ld, n, e, od->kind, 0);
	else if (is_word(n, "absent"))
		optexp_new(ld, n, e, od->kind, 0)->match = PLAN_OM_ABSENT;
	else
		lerr(ld, n, "bad %s '%s': expected present or absent%s",
		    od->name, qs(n, q, sizeof(q)), od->form == SEG_OPTF_SACK ?
		    " or blocks [[left, right], ...]" : "");
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
	F_FN("val", tsexp_val, false),
	F_FN("ecr", tsexp_ecr, false),
};

struct rawexp {
	uint64_t kind;
	bool kind_ok;
	bool absent;
};

static const struct field rawexp_fields[] = {
	F_UINT_SET("kind", struct rawexp, kind, kind_ok, "raw kind", 0, 255,
	    true),
	F_KIND("absent", FLD_BOOL, struct rawexp, absent, "absent", false),
};

/* raw: {kind: K, absent: true|false}: any kind, present or absent.  k is
 * the key, v its value (NULL: a bare "raw"). */
static void
get_rawexp(struct ld *ld, yaml_node_t *k, yaml_node_t *v,
    struct plan_expect *e)
{
	struct rawexp r = { 0, false, false };
	size_t e0 = ld->nerr;

	if (v == NULL) {
		lerr(ld, k, "option raw needs {kind: K}");
		return;
	}
	if (v->type != YAML_MAPPING_NODE) {
		lerr(ld, v, "raw takes a mapping {kind: K, "
		    "absent: true|false}");
		return;
	}
	map_fields(ld, v, "raw", rawexp_fields, NITEMS(rawexp_fields), &r);
	if (ld->nerr == e0 && r.kind_ok)
		optexp_new(ld, v, e, (uint8_t)r.kind, 0)->match =
		    r.absent ? PLAN_OM_ABSENT : PLAN_OM_PRESENT;
}

/*
 * sack: [[left, right], ...]: the option's first blocks, in order (RFC
 * 2018 4: the first reports the segment that triggered the ACK; more
 * blocks may follow).  Edges are numbers like ack's: +N from our ISN,
 * absolute, or $var.
 */
static void
optexp_sack(struct ld *ld, yaml_node_t *n, struct plan_expect *e)
{
	struct plan_optexp *o;
	yaml_node_item_t *it;
	yaml_node_t *blk;
	size_t e0 = ld->nerr;
	uint8_t k = 0;

	if (nitems(n) < 1 || nitems(n) > SEG_MAX_SACK) {
		lerr(ld, n, "sack takes present, absent or 1 to %d blocks: "
		    "[[left, right], ...]", SEG_MAX_SACK);
		return;
	}
	o = optexp_new(ld, n, e, SEG_OPT_SACK, 0);
	o->match = PLAN_OM_SACK;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++, k++) {
		blk = node(ld, *it);
		if (blk->type != YAML_SEQUENCE_NODE || nitems(blk) != 2) {
			lerr(ld, blk, "sack block must be [left, right]");
			continue;
		}
		get_num(ld, node(ld, blk->data.sequence.items.start[0]),
		    "sack left edge", &o->sack[k][0]);
		get_num(ld, node(ld, blk->data.sequence.items.start[1]),
		    "sack right edge", &o->sack[k][1]);
	}
	o->nsack = k;
	if (ld->nerr != e0)
		e->nopts--;		/* nothing half-parsed is kept */
}

static void
get_optexp(struct ld *ld, yaml_node_t *n, struct plan_expect *e)
{
	const struct seg_optdesc *od;
	yaml_node_t *k, *v = NULL;
	char q[QLEN], names[128];

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
	if ((od = opt_lookup(k, true)) == NULL && !is_word(k, "raw")) {
		lerr(ld, k, "unknown option '%s' (expected one of: %s)",
		    qs(k, q, sizeof(q)), opt_names(names, sizeof(names),
		    true));
		return;
	}
	if (od == NULL) {
		get_rawexp(ld, k, v, e);
		return;
	}
	if (v == NULL) {
		/* A bare name: present. */
		optexp_new(ld, k, e, od->kind, 0);
		return;
	}
	switch (od->form) {
	case SEG_OPTF_UINT:
		optexp_value(ld, v, e, od->kind, 0, od->name, od->max);
		break;
	case SEG_OPTF_SACK:
		if (v->type == YAML_SEQUENCE_NODE) {
			optexp_sack(ld, v, e);
			break;
		}
		/* FALLTHROUGH */
	case SEG_OPTF_NONE:
		optexp_presence(ld, v, e, od);
		break;
	case SEG_OPTF_TS:
		if (v->type == YAML_MAPPING_NODE) {
			struct tsexp t = { e };

			if (npairs(v) == 0)
				optexp_new(ld, v, e, SEG_OPT_TS, 0);
			else
				map_fields(ld, v, "ts", tsexp_fields,
				    NITEMS(tsexp_fields), &t);
		} else if (is_word(v, "present") || is_word(v, "absent"))
			optexp_presence(ld, v, e, od);
		else
			lerr(ld, v, "ts takes present, absent or "
			    "{val: ..., ecr: ...}");
		break;
	}
}

void
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
