/*
 * script-opt.c - the YAML loader's TCP options: the options a connect or
 * send writes (struct plan_opts), by the codec's option registry, and the
 * option expectations of an expect (struct plan_optexp).
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
#include "util.h"

/* ---- options ----------------------------------------------------------- */

static void
ts_val(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	uint64_t v;

	if (scr_is_word(n, "auto"))
		return;
	ld->ts_val_seen = true;
	if (scr_get_uint(ld, n, "ts val", 0, UINT32_MAX, &v) == 0)
		o->u.ts.val = (uint32_t)v;
}

static void
ts_ecr(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct seg_opt *o = dst;
	uint64_t v;

	if (scr_is_word(n, "echo")) {
		ld->ts_echo = true;
		return;
	}
	if (scr_get_uint(ld, n, "ts ecr", 0, UINT32_MAX, &v) == 0)
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

	if (scr_get_hex(ld, n, "raw data", sizeof(o->u.raw), &b) == -1)
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

	if (scr_get_uint(ld, n, od->name, 0, od->max, &v) == -1)
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
	if (scr_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n,
		    "ts takes a mapping {val: N|auto, ecr: N|echo}");
		return -1;
	}
	scr_map_fields(ld, n, "ts", ts_fields, NITEMS(ts_fields), o);
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

	if (n->type != YAML_SEQUENCE_NODE || scr_nitems(n) < 1 ||
	    scr_nitems(n) > SEG_MAX_SACK) {
		scr_lerr(ld, n,
		    "sack takes 1 to %d blocks: [[left, right], ...]",
		    SEG_MAX_SACK);
		return -1;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		blk = scr_node(ld, *it);
		if (blk->type != YAML_SEQUENCE_NODE || scr_nitems(blk) != 2) {
			scr_lerr(ld, blk, "sack block must be [left, right]");
			continue;
		}
		e = ld->sack[o->nsack];
		for (k = 0; k < 2; k++) {
			e[k] = (struct plan_num){ .var = -1 };
			scr_get_num(ld, scr_item(ld, blk, k), k == 0 ?
			    "sack left edge" : "sack right edge", &e[k]);
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
		scr_lerr(ld, n, "raw takes a mapping {kind: K, data: \"hex\", "
		    "len: N}");
		return -1;
	}
	scr_map_fields(ld, n, "raw", raw_fields, NITEMS(raw_fields), o);
	if (ld->nerr != e0)
		return -1;
	if (o->kind == SEG_OPT_EOL || o->kind == SEG_OPT_NOP) {
		scr_lerr(ld, n,
		    "raw kind %u is a one-byte option: use eol or nop",
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
		    scr_is_word(k, seg_optdescs[i].name))
			return &seg_optdescs[i];
	return NULL;
}

/*
 * An option, to send or to expect, is a bare name (*k = n, *v = NULL) or a
 * mapping of one key (*k) to its value (*v).  Returns false if n is
 * neither, without a message: the caller says what it expected.
 */
static bool
opt_form(struct ld *ld, yaml_node_t *n, yaml_node_t **k, yaml_node_t **v)
{
	*v = NULL;
	if (n->type == YAML_SCALAR_NODE)
		*k = n;
	else if (n->type == YAML_MAPPING_NODE && scr_npairs(n) == 1) {
		*k = scr_node(ld, n->data.mapping.pairs.start->key);
		*v = scr_node(ld, n->data.mapping.pairs.start->value);
	} else
		return false;
	return true;
}

static int
get_opt(struct ld *ld, yaml_node_t *n, struct seg_opt *o)
{
	const struct seg_optdesc *od;
	yaml_node_t *k, *v;
	char q[QLEN], names[128];
	const char *name, *example;
	bool raw, valued;

	if (!opt_form(ld, n, &k, &v)) {
		scr_lerr(ld, n, "option must be a name (eol, nop, sackok) or a "
		    "mapping with one key such as {mss: 1460}");
		return -1;
	}
	od = opt_lookup(k, false);
	raw = od == NULL && scr_is_word(k, "raw");
	if (od == NULL && !raw) {
		scr_lerr(ld, k, "unknown option '%s' (expected one of: %s)",
		    scr_qs(k, q, sizeof(q)), opt_names(names, sizeof(names),
		    false));
		return -1;
	}
	name = raw ? "raw" : od->name;
	example = raw ? "{raw: {kind: 30, data: \"0102\"}}" : od->example;
	valued = raw || od->form != SEG_OPTF_NONE;
	if (v == NULL && valued) {
		scr_lerr(ld, k, "option %s needs a value, e.g. %s", name,
		    example);
		return -1;
	}
	if (v != NULL && !valued) {
		scr_lerr(ld, k, "option %s takes no value: write it as '- %s'",
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

void
scr_get_opts(struct ld *ld, yaml_node_t *n, struct plan_opts *po)
{
	yaml_node_item_t *it;
	struct seg_opt o;
	size_t total = 0;

	if (n->type != YAML_SEQUENCE_NODE) {
		scr_lerr(ld, n, "options must be a sequence, e.g. "
		    "[{mss: 1460}, sackok, nop, {ws: 7}]");
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop; it++) {
		if (get_opt(ld, scr_node(ld, *it), &o) == -1)
			continue;
		if (ld->ts_form) {
			/* No val (or "auto"): the per-case clock. */
			po->ts_val_auto = !ld->ts_val_seen;
			po->ts_ecr_echo = ld->ts_echo;
		}
		if (ld->sack_rel && po->sack_nums)
			scr_lerr(ld, scr_node(ld, *it), "only one sack "
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
		scr_lerr(ld, n, "options take %zu bytes, more than %d", total,
		    SCR_OPT_SPACE);
	po->set = true;
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
	o->pos = scr_pos(ld, n);
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
	if (n->type == YAML_SCALAR_NODE && !scr_is_null(n)) {
		s = (const char *)n->data.scalar.value;
		if (scr_is_word(n, "present")) {
			optexp_new(ld, n, e, kind, field);
			return;
		}
		if (field == 0 && scr_is_word(n, "absent")) {
			optexp_new(ld, n, e, kind, field)->match =
			    PLAN_OM_ABSENT;
			return;
		}
		if (kind == SEG_OPT_TS && field == 2 &&
		    scr_is_word(n, "echo")) {
			o = optexp_new(ld, n, e, kind, field);
			o->match = PLAN_OM_VALUE;
			o->echo = true;
			return;
		}
		if (s[0] == '$') {
			vl = scr_var_len(s + 1);
			if (vl == 0 || vl + 1 != n->data.scalar.length) {
				scr_lerr(ld, n, "bad variable reference '%s': "
				    "expected $name", scr_qs(n, q, sizeof(q)));
				return;
			}
			if ((var = scr_var_use(ld, n, s + 1, vl)) == -1)
				return;
			o = optexp_new(ld, n, e, kind, field);
			o->match = PLAN_OM_VALUE;
			o->var = var;
			return;
		}
		if (!isdigit((unsigned char)s[0])) {
			scr_lerr(ld, n, "bad %s '%s': expected N, [min, max], "
			    "%s", what, scr_qs(n, q, sizeof(q)),
			    field == 0 ? "present or absent" : field == 2 ?
			    "present, echo or $var" : "present or $var");
			return;
		}
	}
	if (scr_get_range(ld, n, what, max, &r) == -1)
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

	if (scr_is_word(n, "present"))
		optexp_new(ld, n, e, od->kind, 0);
	else if (scr_is_word(n, "absent"))
		optexp_new(ld, n, e, od->kind, 0)->match = PLAN_OM_ABSENT;
	else
		scr_lerr(ld, n, "bad %s '%s': expected present or absent%s",
		    od->name, scr_qs(n, q, sizeof(q)),
		    od->form == SEG_OPTF_SACK ?
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
		scr_lerr(ld, k, "option raw needs {kind: K}");
		return;
	}
	if (v->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, v, "raw takes a mapping {kind: K, "
		    "absent: true|false}");
		return;
	}
	scr_map_fields(ld, v, "raw", rawexp_fields, NITEMS(rawexp_fields), &r);
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

	if (scr_nitems(n) < 1 || scr_nitems(n) > SEG_MAX_SACK) {
		scr_lerr(ld, n, "sack takes present, absent or 1 to %d blocks: "
		    "[[left, right], ...]", SEG_MAX_SACK);
		return;
	}
	o = optexp_new(ld, n, e, SEG_OPT_SACK, 0);
	o->match = PLAN_OM_SACK;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++, k++) {
		blk = scr_node(ld, *it);
		if (blk->type != YAML_SEQUENCE_NODE || scr_nitems(blk) != 2) {
			scr_lerr(ld, blk, "sack block must be [left, right]");
			continue;
		}
		scr_get_num(ld, scr_item(ld, blk, 0), "sack left edge",
		    &o->sack[k][0]);
		scr_get_num(ld, scr_item(ld, blk, 1), "sack right edge",
		    &o->sack[k][1]);
	}
	o->nsack = k;
	if (ld->nerr != e0)
		e->nopts--;		/* nothing half-parsed is kept */
}

static void
get_optexp(struct ld *ld, yaml_node_t *n, struct plan_expect *e)
{
	const struct seg_optdesc *od;
	yaml_node_t *k, *v;
	char q[QLEN], names[128];

	if (!opt_form(ld, n, &k, &v)) {
		scr_lerr(ld, n, "option expectation must be a name such as "
		    "sackok or a mapping with one key such as {mss: 1460}");
		return;
	}
	if ((od = opt_lookup(k, true)) == NULL && !scr_is_word(k, "raw")) {
		scr_lerr(ld, k, "unknown option '%s' (expected one of: %s)",
		    scr_qs(k, q, sizeof(q)), opt_names(names, sizeof(names),
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

			if (scr_npairs(v) == 0)
				optexp_new(ld, v, e, SEG_OPT_TS, 0);
			else
				scr_map_fields(ld, v, "ts", tsexp_fields,
				    NITEMS(tsexp_fields), &t);
		} else if (scr_is_word(v, "present") ||
		    scr_is_word(v, "absent"))
			optexp_presence(ld, v, e, od);
		else
			scr_lerr(ld, v, "ts takes present, absent or "
			    "{val: ..., ecr: ...}");
		break;
	}
}

void
scr_expect_options(struct ld *ld, yaml_node_t *n, void *dst)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE) {
		scr_lerr(ld, n, "options must be a sequence, e.g. "
		    "[{mss: 1460}, sackok, {ts: present}]");
		return;
	}
	if (scr_nitems(n) > SCR_MAX_OPTEXP) {
		scr_lerr(ld, n,
		    "too many option expectations (%zu, at most %d)",
		    scr_nitems(n), SCR_MAX_OPTEXP);
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop; it++)
		get_optexp(ld, scr_node(ld, *it), dst);
}

/*
 * The options a SYN may carry that a case can require: those with a
 * value or a meaning on a SYN (RFC 9293 3.2 MSS, RFC 7323 WS and TS,
 * RFC 2018 SACK-permitted); not EOL, NOP or SACK blocks.
 */
static bool
syn_opt(uint8_t kind)
{
	return kind == SEG_OPT_MSS || kind == SEG_OPT_WS ||
	    kind == SEG_OPT_SACKOK || kind == SEG_OPT_TS;
}

void
scr_opt_kinds(struct ld *ld, yaml_node_t *n, uint8_t *kinds, size_t *np,
    size_t max)
{
	const struct seg_optdesc *od;
	yaml_node_item_t *it;
	yaml_node_t *e;
	char q[QLEN];
	size_t i;

	if (n->type != YAML_SEQUENCE_NODE) {
		scr_lerr(ld, n, "requires options takes a list of option "
		    "names, e.g. [ts, sackok, ws]");
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		e = scr_node(ld, *it);
		if (e->type != YAML_SCALAR_NODE ||
		    (od = opt_lookup(e, false)) == NULL || !syn_opt(od->kind)) {
			scr_lerr(ld, e, "unknown option '%s' in requires "
			    "options (expected one of: mss, ws, sackok, ts)",
			    scr_qs(e, q, sizeof(q)));
			continue;
		}
		for (i = 0; i < *np && kinds[i] != od->kind; i++)
			;
		if (i < *np) {
			scr_lerr(ld, e, "option '%s' required twice", od->name);
			continue;
		}
		if (*np == max) {
			scr_lerr(ld, e, "more than %zu required options", max);
			return;
		}
		kinds[(*np)++] = od->kind;
	}
}
