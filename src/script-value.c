/*
 * script-value.c - the YAML loader's scalars and small structures: strings,
 * numbers, durations, flags, ranges, payload data and variables, and
 * scr_map_fields(), which walks a mapping by its table of keys (struct
 * field), parsing most keys generically by kind.
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

/* ---- strings and numbers ----------------------------------------------- */

static const char *
kind_name(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "sequence";
	return "scalar";
}

/* A non-empty scalar without NUL bytes, or NULL after a message. */
const char *
scr_get_str(struct ld *ld, yaml_node_t *n, const char *what)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE) {
		scr_lerr(ld, n, "%s must be a scalar, not a %s", what,
		    kind_name(n));
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (n->data.scalar.length == 0 || scr_is_null(n)) {
		scr_lerr(ld, n, "%s must not be empty", what);
		return NULL;
	}
	if (strlen(s) != n->data.scalar.length) {
		scr_lerr(ld, n, "%s must not contain NUL bytes", what);
		return NULL;
	}
	return s;
}

/* Unsigned decimal, or hex with 0x; no sign, no blanks. */
int
scr_parse_uint(const char *s, uint64_t max, uint64_t *v)
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
scr_get_uint(struct ld *ld, yaml_node_t *n, const char *what, uint64_t min,
    uint64_t max, uint64_t *v)
{
	const char *s;
	char q[QLEN];

	if ((s = scr_get_str(ld, n, what)) == NULL)
		return -1;
	if (scr_parse_uint(s, max, v) == -1 || *v < min) {
		scr_lerr(ld, n, "bad %s '%s': expected an integer %llu..%llu",
		    what, scr_qs(n, q, sizeof(q)), (unsigned long long)min,
		    (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* A duration over 0. */
void
scr_get_duration(struct ld *ld, yaml_node_t *n, const char *what, uint64_t *ns)
{
	const char *s;
	char q[QLEN];

	if ((s = scr_get_str(ld, n, what)) == NULL)
		return;
	if (tc_parse_duration(s, ns) == -1)
		scr_lerr(ld, n, "bad duration '%s' for %s: expected e.g. "
		    "250ms, 1s or 1.5s (at most a day)",
		    scr_qs(n, q, sizeof(q)), what);
	else if (*ns == 0)
		scr_lerr(ld, n, "%s must be greater than 0", what);
}

int
scr_get_hex(struct ld *ld, yaml_node_t *n, const char *what, size_t max,
    struct bytes *b)
{
	const unsigned char *s;
	size_t i, len, ndig = 0;
	uint8_t *p;
	char q[QLEN];

	if (n->type != YAML_SCALAR_NODE) {
		scr_lerr(ld, n, "%s must be a scalar of hex digits, not a %s",
		    what, kind_name(n));
		return -1;
	}
	s = n->data.scalar.value;
	len = n->data.scalar.length;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (!isxdigit(s[i])) {
			scr_lerr(ld, n, "bad hex digit '%s' in %s",
			    scr_quote(s + i, 1, q, sizeof(q)), what);
			return -1;
		}
		ndig++;
	}
	if (ndig % 2 != 0) {
		scr_lerr(ld, n, "%s has an odd number of hex digits (%zu)",
		    what, ndig);
		return -1;
	}
	if (ndig / 2 > max) {
		scr_lerr(ld, n, "%s is %zu bytes, more than %zu", what,
		    ndig / 2, max);
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
scr_map_fields(struct ld *ld, yaml_node_t *map, const char *what,
    const struct field *f, size_t nf, void *dst)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k;
	unsigned seen = 0;
	char q[QLEN], keys[256];
	size_t i;

	for (pr = map->data.mapping.pairs.start;
	    pr < map->data.mapping.pairs.top && !ld->stop; pr++) {
		k = scr_node(ld, pr->key);
		for (i = 0; i < nf; i++)
			if (scr_is_word(k, f[i].name))
				break;
		if (i == nf) {
			scr_lerr(ld, k,
			    "unknown key '%s'%s%s (expected one of: %s)",
			    scr_qs(k, q, sizeof(q)), what ? " in " : "",
			    what ? what : "", JOIN(keys, f, nf, ", "));
			continue;
		}
		if (seen & (1u << i)) {
			scr_lerr(ld, k, "duplicate key '%s'%s%s", f[i].name,
			    what ? " in " : "", what ? what : "");
			continue;
		}
		seen |= 1u << i;
		if (f[i].parse != NULL)
			f[i].parse(ld, scr_node(ld, pr->value), dst);
		else
			fld_parse(ld, &f[i], scr_node(ld, pr->value), dst);
	}
	for (i = 0; i < nf; i++)
		if (f[i].required && !(seen & (1u << i)))
			scr_lerr(ld, map, "missing required key '%s'%s%s",
			    f[i].name, what ? " in " : "", what ? what : "");
	return seen;
}

/* ---- variables --------------------------------------------------------- */

/* Length of the variable name at s ([A-Za-z_][A-Za-z0-9_]*), 0 if none. */
size_t
scr_var_len(const char *s)
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
scr_var_get(struct ld *ld, const char *name, size_t len)
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

int
scr_var_use(struct ld *ld, yaml_node_t *n, const char *name, size_t len)
{
	int v = scr_var_get(ld, name, len);

	if (!ld->captured[v]) {
		scr_lerr(ld, n, "variable $%s is used before it is captured",
		    ld->c->vars[v]);
		return -1;
	}
	return v;
}

/* ---- numbers, flags, data ---------------------------------------------- */

/* N (or 0xN) absolute, +N / -N relative to the ISN. */
void
scr_get_num(struct ld *ld, yaml_node_t *n, const char *what,
    struct plan_num *num)
{
	const char *s, *digits;
	uint64_t v;
	bool rel;
	char q[QLEN];

	if ((s = scr_get_str(ld, n, what)) == NULL)
		return;
	if (s[0] == '$') {
		size_t vl = scr_var_len(s + 1);
		const char *r = s + 1 + vl;
		int var;

		v = 0;
		if (vl == 0 || (*r != '\0' && ((*r != '+' && *r != '-') ||
		    !isdigit((unsigned char)r[1]) ||
		    r[1 + strspn(r + 1, "0123456789")] != '\0' ||
		    scr_parse_uint(r + 1, UINT32_MAX, &v) == -1))) {
			scr_lerr(ld, n,
			    "bad %s '%s': expected $name, $name+N or $name-N",
			    what, scr_qs(n, q, sizeof(q)));
			return;
		}
		if ((var = scr_var_use(ld, n, s + 1, vl)) == -1)
			return;
		num->mode = PLAN_NUM_VAR;
		num->var = var;
		num->v = *r == '-' ? -(int64_t)v : (int64_t)v;
		num->pos = scr_pos(ld, n);
		return;
	}
	rel = s[0] == '+' || s[0] == '-';
	digits = rel ? s + 1 : s;
	if (!isdigit((unsigned char)digits[0]) ||
	    (rel && digits[strspn(digits, "0123456789")] != '\0') ||
	    scr_parse_uint(digits, UINT64_MAX, &v) == -1) {
		scr_lerr(ld, n, "bad %s '%s': expected N, +N or -N", what,
		    scr_qs(n, q, sizeof(q)));
		return;
	}
	if (v > UINT32_MAX) {
		scr_lerr(ld, n, "%s '%s' out of range (at most 4294967295)",
		    what, scr_qs(n, q, sizeof(q)));
		return;
	}
	num->mode = rel ? PLAN_NUM_REL : PLAN_NUM_ABS;
	num->v = s[0] == '-' ? -(int64_t)v : (int64_t)v;
	num->pos = scr_pos(ld, n);
}

static void
flag_err(struct ld *ld, yaml_node_t *n, char bad)
{
	char q[QLEN], c[QLEN];

	scr_lerr(ld, n, "bad flag '%s' in '%s': expected letters "
	    "F S R P A U E C, '.' (ACK), W (CWR) or 'none'",
	    scr_quote((const unsigned char *)&bad, 1, c, sizeof(c)),
	    scr_qs(n, q, sizeof(q)));
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
			scr_lerr(ld, n, "bad flag mask '%s': each term must "
			    "start with + or -, e.g. '+S -R'",
			    scr_qs(n, q, sizeof(q)));
			return;
		}
		if (len < 2 || len >= sizeof(tok)) {
			scr_lerr(ld, n, "bad flag mask '%s': expected terms "
			    "such as +S or -RF", scr_qs(n, q, sizeof(q)));
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
		scr_lerr(ld, n, "flag mask '%s' both requires and forbids a "
		    "flag", scr_qs(n, q, sizeof(q)));
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

	if ((s = scr_get_str(ld, n, "flags")) == NULL)
		return;
	f->pos = scr_pos(ld, n);
	if (s[strspn(s, " \t")] == '+' || s[strspn(s, " \t")] == '-') {
		if (!expect) {
			scr_lerr(ld, n, "flag masks such as '+S -R' are only "
			    "allowed in expect");
			return;
		}
		get_flag_mask(ld, n, s, f);
		return;
	}
	if (strcmp(s, "any") == 0) {
		if (!expect) {
			scr_lerr(ld, n,
			    "flags 'any' is only allowed in expect");
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
	scr_get_hex(ld, n, "data hex", SCR_MAX_DATA, dst);
}

static void
data_len(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct bytes *b = dst;
	uint64_t v;

	if (scr_get_uint(ld, n, "data len", 1, SCR_MAX_DATA, &v) == -1)
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
scr_get_data(struct ld *ld, yaml_node_t *n, uint8_t **data, size_t *len)
{
	struct bytes b = { NULL, 0 };
	unsigned seen;

	if (n->type == YAML_SCALAR_NODE && !scr_is_null(n)) {
		if (n->data.scalar.length > SCR_MAX_DATA) {
			scr_lerr(ld, n, "data is %zu bytes, more than %d",
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

		seen = scr_map_fields(ld, n, "data", data_fields,
		    NITEMS(data_fields), &b);
		if (ld->nerr == e0 && seen != 1 && seen != 2)
			scr_lerr(ld, n, "data mapping takes exactly one of "
			    "hex or len");
		if (ld->nerr != e0) {
			free(b.p);
			return -1;
		}
	} else {
		scr_lerr(ld, n, "data must be a string, {hex: \"0a0b\"} or "
		    "{len: N}");
		return -1;
	}
	if (!scr_budget(ld, n, 0, b.n)) {
		free(b.p);
		return -1;
	}
	free(*data);
	*data = b.p;
	*len = b.n;
	return 0;
}

/* ---- small values ------------------------------------------------------ */

int
scr_get_bool(struct ld *ld, yaml_node_t *n, const char *what, bool *b)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	char q[QLEN];
	size_t i;

	if (scr_get_str(ld, n, what) == NULL)
		return -1;
	for (i = 0; i < NITEMS(yes); i++) {
		if (scr_is_word(n, yes[i])) {
			*b = true;
			return 0;
		}
		if (scr_is_word(n, no[i])) {
			*b = false;
			return 0;
		}
	}
	scr_lerr(ld, n, "bad %s '%s': expected true or false", what,
	    scr_qs(n, q, sizeof(q)));
	return -1;
}

int
scr_get_level(struct ld *ld, yaml_node_t *n, enum plan_level *l)
{
	const char *s;
	char q[QLEN];

	if ((s = scr_get_str(ld, n, "level")) == NULL)
		return -1;
	/* RFC 2119's keywords, in its capitals: "may" is no level. */
	if (plan_level_parse(s, l) != 0) {
		scr_lerr(ld, n, "bad level '%s': expected MUST, SHOULD or MAY",
		    scr_qs(n, q, sizeof(q)));
		return -1;
	}
	return 0;
}

/* N, or [min, max]. */
int
scr_get_range(struct ld *ld, yaml_node_t *n, const char *what, uint64_t max,
    struct plan_range *r)
{
	uint64_t lo, hi;

	if (n->type == YAML_SEQUENCE_NODE) {
		if (scr_nitems(n) != 2) {
			scr_lerr(ld, n, "%s range must be [min, max]", what);
			return -1;
		}
		if (scr_get_uint(ld, scr_item(ld, n, 0), what, 0, max,
		    &lo) == -1 ||
		    scr_get_uint(ld, scr_item(ld, n, 1), what, 0, max,
		    &hi) == -1)
			return -1;
		if (lo > hi) {
			scr_lerr(ld, n, "%s range [%llu, %llu]: min is greater "
			    "than max", what, (unsigned long long)lo,
			    (unsigned long long)hi);
			return -1;
		}
	} else if (scr_get_uint(ld, n, what, 0, max, &lo) == -1)
		return -1;
	else
		hi = lo;
	r->set = true;
	r->lo = (uint32_t)lo;
	r->hi = (uint32_t)hi;
	r->pos = scr_pos(ld, n);
	return 0;
}

/* [lo, hi] durations. */
int
scr_get_duration_range(struct ld *ld, yaml_node_t *n, const char *what,
    uint64_t *lo, uint64_t *hi)
{
	size_t e0 = ld->nerr;
	char a[QLEN], b[QLEN];

	if (n->type != YAML_SEQUENCE_NODE || scr_nitems(n) != 2) {
		scr_lerr(ld, n, "%s must be [min, max] durations", what);
		return -1;
	}
	scr_get_duration(ld, scr_item(ld, n, 0), what, lo);
	scr_get_duration(ld, scr_item(ld, n, 1), what, hi);
	if (ld->nerr != e0)
		return -1;
	if (*lo > *hi) {
		scr_lerr(ld, n, "%s [%s, %s]: min is greater than max", what,
		    scr_qs(scr_item(ld, n, 0), a, sizeof(a)),
		    scr_qs(scr_item(ld, n, 1), b, sizeof(b)));
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
		scr_get_num(ld, n, f->what, p);
		break;
	case FLD_FLAGS:
	case FLD_XFLAGS:
		get_flags(ld, n, p, f->kind == FLD_XFLAGS);
		break;
	case FLD_UINT:
		if ((r = scr_get_uint(ld, n, f->what, f->min, f->max, &v)) == 0)
			put_uint(p, f->size, v);
		break;
	case FLD_RANGE:
		scr_get_range(ld, n, f->what, f->max, p);
		break;
	case FLD_BOOL:
		r = scr_get_bool(ld, n, f->what, p);
		break;
	case FLD_DURATION:
		scr_get_duration(ld, n, f->what, p);
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
