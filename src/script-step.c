/*
 * script-step.c - the YAML loader's steps: connect, send, expect, silence,
 * state, wait, retransmits, measure, exec and any_of, and repeat and
 * include, which splice steps in.  Each kind's keys are a table of struct
 * field; most keys are parsed generically by kind (script-value.c).
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "defaults.h"
#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"

/* ---- steps ------------------------------------------------------------- */

static void
send_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;

	get_data(ld, n, &s->data, &s->datalen);
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
expect_df(struct ld *ld, yaml_node_t *n, void *dst)
{
	bool b;

	if (get_bool(ld, n, "df", &b) == 0)
		((struct plan_expect *)dst)->df = b ? 1 : 0;
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

static const struct field connect_fields[] = {
	F_KIND("options", FLD_OPTS, struct plan_connect, opts, "options",
	    false),
	F_KIND("within", FLD_DURATION, struct plan_connect, within_ns,
	    "within", false),
};

static const struct field send_fields[] = {
	F_KIND("flags", FLD_FLAGS, struct plan_send, flags, "flags", false),
	F_KIND("seq", FLD_NUM, struct plan_send, seq, "sequence number",
	    false),
	F_KIND("ack", FLD_NUM, struct plan_send, ack,
	    "acknowledgement number", false),
	F_UINT_SET("win", struct plan_send, win, win_set, "win", 0,
	    UINT16_MAX, false),
	F_KIND("options", FLD_OPTS, struct plan_send, opts, "options", false),
	F_FN("data", send_data, false),
	F_UINT_SET("urg", struct plan_send, urg, urg_set, "urg", 0,
	    UINT16_MAX, false),
	F_UINT("reserved", struct plan_send, reserved, "reserved", 0, 15,
	    false),
	F_UINT_SET("ttl", struct plan_send, ttl, ttl_set, "ttl", 0, UINT8_MAX,
	    false),
	F_UINT_SET("ipid", struct plan_send, ipid, ipid_set, "ipid", 0,
	    UINT16_MAX, false),
	F_BOOL_SET("df", struct plan_send, df, df_set, "df"),
	F_UINT_SET("tos", struct plan_send, tos, tos_set, "tos", 0, UINT8_MAX,
	    false),
	F_KIND("bad_csum", FLD_BOOL, struct plan_send, bad_csum, "bad_csum",
	    false),
	F_UINT_SET("doff", struct plan_send, doff, doff_set, "doff", 0, 15,
	    false),
};

static const struct field expect_fields[] = {
	F_KIND("flags", FLD_XFLAGS, struct plan_expect, flags, "flags",
	    false),
	F_KIND("seq", FLD_NUM, struct plan_expect, seq, "sequence number",
	    false),
	F_KIND("ack", FLD_NUM, struct plan_expect, ack,
	    "acknowledgement number", false),
	F_KIND("end_max", FLD_NUM, struct plan_expect, end_max,
	    "end_max", false),
	F_FN("win", expect_win, false),
	F_FN("data", expect_data, false),
	F_KIND("within", FLD_DURATION, struct plan_expect, within_ns,
	    "within", false),
	F_RANGE("len", struct plan_expect, len, "len", SCR_MAX_DATA),
	F_RANGE("urg", struct plan_expect, urg, "urg", UINT16_MAX),
	F_RANGE("ttl", struct plan_expect, ttl, "ttl", UINT8_MAX),
	F_RANGE("tos", struct plan_expect, tos, "tos", UINT8_MAX),
	F_RANGE("ipid", struct plan_expect, ipid, "ipid", UINT16_MAX),
	F_FN("df", expect_df, false),
	F_FN("options", expect_options, false),
	F_FN("capture", expect_capture, false),
};

static void
send_init(struct plan_send *s)
{
	s->seq.var = s->ack.var = -1;
}

static void
expect_init(struct plan_expect *e)
{
	e->seq.var = e->ack.var = e->end_max.var = -1;
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

/* silence: D, or {for: D, allow: {expect keys}}. */
struct silence_map {
	struct ld *ld;
	struct plan_step *st;
	bool for_set;
};

static void
silence_for(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct silence_map *sm = dst;

	get_duration(ld, n, "silence for", &sm->st->u.silence_ns);
	sm->for_set = true;
}

static void
silence_allow(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct silence_map *sm = dst;
	struct plan_expect *e;

	e = xcalloc(1, sizeof(*e));
	expect_init(e);
	sm->st->u.silence_allow = e;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(ld, n, "silence allow takes a mapping of expect keys, "
		    "e.g. {flags: PA, seq: +1}");
		return;
	}
	get_expect(ld, n, e, "silence allow");
	if (!e->flags.set)
		lerr(ld, n, "silence allow needs flags: the model predicts "
		    "nothing during a silence");
	else if (e->within_ns != 0 || e->ncap != 0)
		lerr(ld, n, "silence allow takes no within or capture: it "
		    "only tolerates segments");
}

static const struct field silence_fields[] = {
	F_FN("for", silence_for, true),
	F_FN("allow", silence_allow, false),
};

static void
step_silence(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const struct stepkind *sk)
{
	struct silence_map sm = { ld, st, false };

	if (n->type == YAML_MAPPING_NODE)
		map_fields(ld, n, sk->name, silence_fields,
		    NITEMS(silence_fields), &sm);
	else
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

static const struct field rt_fields[] = {
	F_UINT("count", struct plan_retransmits, count, "count", 1, 100,
	    true),
	F_FN("schedule", rt_schedule, true),
	F_UINT("backoff", struct plan_retransmits, backoff, "backoff", 1, 16,
	    false),
	F_FN("tolerance", rt_tolerance, false),
	F_KIND("min_tolerance", FLD_DURATION, struct plan_retransmits,
	    tol_min_ns, "min_tolerance", false),
	F_KIND("silence", FLD_DURATION, struct plan_retransmits, silence_ns,
	    "silence", false),
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
ms_until(struct ld *ld, yaml_node_t *n, void *dst)
{
	get_expect(ld, n, &((struct plan_measure *)dst)->until, "until");
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
	F_FN("name", ms_name, true),
	F_FN("probe", ms_probe, false),
	F_KIND("every", FLD_DURATION, struct plan_measure, every_ns, "every",
	    false),
	F_FN("until", ms_until, true),
	F_KIND("max", FLD_DURATION, struct plan_measure, max_ns, "max", true),
	F_FN("range", ms_range, false),
};

/*
 * Probes are paced sends: no faster and no more of them than "send"
 * allows without --flood (util.h), so a case cannot flood the target.
 */
static void
ms_bounds(struct ld *ld, yaml_node_t *n, const struct plan_measure *m)
{
	yaml_node_pair_t *pr;
	yaml_node_t *at = n;
	char d1[32], d2[32];

	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top; pr++)
		if (is_word(node(ld, pr->key), "every"))
			at = node(ld, pr->value);
	if (m->every_ns == 0 || m->max_ns == 0)
		return;		/* reported already */
	if (m->every_ns < TC_SEND_MIN_INTERVAL_NS)
		lerr(ld, at, "measure every %s is too short: probes go at "
		    "most every %s (as send without --flood)",
		    tc_fmt_duration(m->every_ns, d1, sizeof(d1)),
		    tc_fmt_duration(TC_SEND_MIN_INTERVAL_NS, d2, sizeof(d2)));
	else if (m->max_ns / m->every_ns > TC_SEND_MAX_COUNT)
		lerr(ld, at, "measure would send up to %ju probes (max / "
		    "every), more than %d", (uintmax_t)(m->max_ns /
		    m->every_ns), TC_SEND_MAX_COUNT);
}

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
	if ((seen & 2u) && (seen & 4u))
		ms_bounds(ld, n, &st->u.measure);
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

static const struct field ex_fields[] = {
	F_FN("cmd", ex_cmd, true),
	F_UINT("status", struct plan_exec, status, "status", 0, 255, false),
	F_KIND("within", FLD_DURATION, struct plan_exec, within_ns, "within",
	    false),
	F_KIND("background", FLD_BOOL, struct plan_exec, background,
	    "background", false),
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
	if (!budget(ld, n, 0, sizeof(struct plan_step)))
		return NULL;
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
	F_UINT("count", struct rep, count, "repeat count", 1, SCR_MAX_REPEAT,
	    true),
	F_FN("steps", rep_steps, true),
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

static const struct field inc_fields[] = {
	F_KIND("file", FLD_NODE, struct incl, file, NULL, true),
	F_KIND("params", FLD_NODE, struct incl, params, NULL, false),
};

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
	char q[QLEN], names[128];

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
	/* A misspelt name would select the step under no profile (or, with
	 * '!', under every one) without a word. */
	if (!plan_profile_known(s)) {
		lerr(ld, n, "unknown profile '%s' (expected one of: %s)",
		    qs(n, q, sizeof(q)), plan_profile_list(names,
		    sizeof(names)));
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
		st->u.exec.within_ns = TC_EXEC_TIMEOUT_NS;
		break;
	default:
		break;
	}
	if (pv != NULL)
		get_profile(ld, pv, st);
	sk->parse(ld, v, st, sk);
}

void
parse_steps(struct ld *ld, yaml_node_t *n, struct stepv *sv)
{
	yaml_node_item_t *it;

	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop && !ld->toomany;
	    it++)
		get_step(ld, node(ld, *it), sv);
}

