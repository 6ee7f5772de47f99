/*
 * script-kind.c - the YAML loader's steps that hold no steps: connect, send,
 * expect, silence, state, wait, retransmits, measure and exec.  Each kind's
 * keys are a table of struct field; most keys are parsed generically by
 * kind (script-value.c).  script-step.c's table of step kinds calls these.
 */
#include "config.h"

#include <ctype.h>
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

/* ---- send and expect --------------------------------------------------- */

static void
send_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_send *s = dst;

	scr_get_data(ld, n, &s->data, &s->datalen);
}

/* N, or [min, max]. */
static void
expect_win(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_expect *e = dst;
	struct plan_range r;

	if (scr_get_range(ld, n, "win", UINT16_MAX, &r) == -1)
		return;
	e->win_set = true;
	e->win_min = (uint16_t)r.lo;
	e->win_max = (uint16_t)r.hi;
}

static void
expect_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_expect *e = dst;

	if (scr_get_data(ld, n, &e->data, &e->datalen) == 0)
		e->data_set = true;
}

static void
expect_df(struct ld *ld, yaml_node_t *n, void *dst)
{
	bool b;

	if (scr_get_bool(ld, n, "df", &b) == 0)
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

	if (n->type != YAML_MAPPING_NODE || scr_npairs(n) == 0) {
		scr_lerr(ld, n, "capture must be a mapping of variable: field, "
		    "e.g. {isn: seq}");
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top && !ld->stop; pr++) {
		k = scr_node(ld, pr->key);
		v = scr_node(ld, pr->value);
		if ((name = scr_get_str(ld, k, "variable name")) == NULL)
			continue;
		if (name[0] == '$')
			name++;
		if (scr_var_len(name) == 0 || name[scr_var_len(name)] != '\0') {
			scr_lerr(ld, k, "bad variable name '%s': use letters, "
			    "digits and _, not starting with a digit",
			    scr_qs(k, q, sizeof(q)));
			continue;
		}
		if ((f = scr_get_str(ld, v, "capture field")) == NULL)
			continue;
		for (i = 0; i < PLAN_F_MAX; i++)
			if (strcmp(f, plan_field_names[i]) == 0)
				break;
		if (i == PLAN_F_MAX) {
			scr_lerr(ld, v, "unknown field '%s' to capture "
			    "(expected one of: %s)", scr_qs(v, q, sizeof(q)),
			    JOIN(names, plan_field_names, PLAN_F_MAX, ", "));
			continue;
		}
		e->cap = xreallocarray(e->cap, e->ncap + 1, sizeof(*e->cap));
		cp = &e->cap[e->ncap++];
		cp->var = scr_var_get(ld, name, strlen(name));
		cp->field = (enum plan_field)i;
		cp->pos = scr_pos(ld, k);
	}
}

static void
connect_opts(struct ld *ld, yaml_node_t *n, void *dst)
{
	scr_get_opts(ld, n, &((struct plan_connect *)dst)->opts);
}

static void
send_opts(struct ld *ld, yaml_node_t *n, void *dst)
{
	scr_get_opts(ld, n, &((struct plan_send *)dst)->opts);
}

static const struct field connect_fields[] = {
	F_FN("options", connect_opts, false),
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
	F_FN("options", send_opts, false),
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
	F_FN("options", scr_expect_options, false),
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

	if (scr_is_null(n) || scr_is_word(n, "auto"))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "%s takes 'auto' or a mapping of: %s", what,
		    JOIN(keys, expect_fields, NITEMS(expect_fields), ", "));
		return;
	}
	scr_map_fields(ld, n, what, expect_fields, NITEMS(expect_fields), e);
	for (i = 0; i < e->ncap; i++)
		ld->captured[e->cap[i].var] = true;
}

/* ---- step kinds -------------------------------------------------------- */

/* connect, send: a mapping of fields, or nothing for defaults. */
static void
step_map(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name, const struct field *fields, size_t nfields)
{
	char keys[256];

	if (scr_is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "%s takes a mapping of: %s", name,
		    JOIN(keys, fields, nfields, ", "));
		return;
	}
	/* The union's members all start at its address. */
	scr_map_fields(ld, n, name, fields, nfields, &st->u);
}

void
scr_step_connect(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	step_map(ld, n, st, name, connect_fields, NITEMS(connect_fields));
}

void
scr_step_send(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	step_map(ld, n, st, name, send_fields, NITEMS(send_fields));
}

void
scr_step_expect(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	get_expect(ld, n, &st->u.expect, name);
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

	scr_get_duration(ld, n, "silence for", &sm->st->u.silence_ns);
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
		scr_lerr(ld, n, "silence allow takes a mapping of expect keys, "
		    "e.g. {flags: PA, seq: +1}");
		return;
	}
	get_expect(ld, n, e, "silence allow");
	if (!e->flags.set)
		scr_lerr(ld, n, "silence allow needs flags: the model predicts "
		    "nothing during a silence");
	else if (e->within_ns != 0 || e->ncap != 0)
		scr_lerr(ld, n, "silence allow takes no within or capture: it "
		    "only tolerates segments");
}

static const struct field silence_fields[] = {
	F_FN("for", silence_for, true),
	F_FN("allow", silence_allow, false),
};

void
scr_step_silence(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	struct silence_map sm = { ld, st, false };

	if (n->type == YAML_MAPPING_NODE)
		scr_map_fields(ld, n, name, silence_fields,
		    NITEMS(silence_fields), &sm);
	else
		scr_get_duration(ld, n, name, &st->u.silence_ns);
}

void
scr_step_wait(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	scr_get_duration(ld, n, name, &st->u.wait_ns);
}

void
scr_step_state(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	const char *s;
	char q[QLEN], names[256];

	if ((s = scr_get_str(ld, n, name)) == NULL)
		return;
	if ((st->u.state = tcpsm_state_parse(s)) == -1)
		scr_lerr(ld, n, "unknown TCP state '%s' (expected one of: %s)",
		    scr_qs(n, q, sizeof(q)), JOIN(names, tcpsm_state_names,
		    TCPSM_STATE_MAX, ", "));
}

/* retransmits */

static void
rt_schedule(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_retransmits *r = dst;
	size_t i, k;

	if (n->type != YAML_SEQUENCE_NODE || (k = scr_nitems(n)) == 0 ||
	    k > 100) {
		scr_lerr(ld, n, "schedule must be a sequence of 1 to 100 "
		    "durations, e.g. [1s, 2s, 4s]");
		return;
	}
	r->schedule = xcalloc(k, sizeof(*r->schedule));
	r->nsched = k;
	for (i = 0; i < k; i++)
		scr_get_duration(ld, scr_item(ld, n, i), "schedule",
		    &r->schedule[i]);
}

static void
rt_tolerance(struct ld *ld, yaml_node_t *n, void *dst)
{
	const char *s;
	char buf[8], q[QLEN];
	uint64_t v;
	size_t l;

	if ((s = scr_get_str(ld, n, "tolerance")) == NULL)
		return;
	l = strlen(s);
	if (l < 2 || l > 4 || s[l - 1] != '%' ||
	    (memcpy(buf, s, l - 1), buf[l - 1] = '\0',
	    strspn(buf, "0123456789") != l - 1) ||
	    scr_parse_uint(buf, 100, &v) == -1) {
		scr_lerr(ld, n, "bad tolerance '%s': expected a percentage "
		    "0%%..100%%, e.g. 10%%", scr_qs(n, q, sizeof(q)));
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
	F_KIND("plus_rtt", FLD_BOOL, struct plan_retransmits, plus_rtt,
	    "plus_rtt", false),
};

void
scr_step_retransmits(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	char keys[256];

	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "%s takes a mapping of: %s", name,
		    JOIN(keys, rt_fields, NITEMS(rt_fields), ", "));
		return;
	}
	scr_map_fields(ld, n, name, rt_fields, NITEMS(rt_fields),
	    &st->u.retransmits);
}

/* measure */

static void
ms_name(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_measure *m = dst;
	const char *s, *c;
	char q[QLEN];

	if ((s = scr_get_str(ld, n, "measure name")) == NULL)
		return;
	for (c = s; *c != '\0'; c++)
		if (!islower((unsigned char)*c) &&
		    !isdigit((unsigned char)*c) && strchr("_.-", *c) == NULL) {
			scr_lerr(ld, n,
			    "bad measure name '%s': use a-z, 0-9 and _ . -",
			    scr_qs(n, q, sizeof(q)));
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
	if (scr_is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "probe takes a mapping of: %s",
		    JOIN(keys, send_fields, NITEMS(send_fields), ", "));
		return;
	}
	scr_map_fields(ld, n, "probe", send_fields, NITEMS(send_fields),
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

	if (scr_get_duration_range(ld, n, "range", &m->range_lo,
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
	F_KIND("plus_rtt", FLD_BOOL, struct plan_measure, plus_rtt,
	    "plus_rtt", false),
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
		if (scr_is_word(scr_node(ld, pr->key), "every"))
			at = scr_node(ld, pr->value);
	if (m->every_ns == 0 || m->max_ns == 0)
		return;		/* reported already */
	if (m->every_ns < TC_SEND_MIN_INTERVAL_NS)
		scr_lerr(ld, at, "measure every %s is too short: probes go at "
		    "most every %s (as send without --flood)",
		    tc_fmt_duration(m->every_ns, d1, sizeof(d1)),
		    tc_fmt_duration(TC_SEND_MIN_INTERVAL_NS, d2, sizeof(d2)));
	else if (m->max_ns / m->every_ns > TC_SEND_MAX_COUNT)
		scr_lerr(ld, at, "measure would send up to %ju probes (max / "
		    "every), more than %d", (uintmax_t)(m->max_ns /
		    m->every_ns), TC_SEND_MAX_COUNT);
}

void
scr_step_measure(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	char keys[256];
	unsigned seen;

	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "%s takes a mapping of: %s", name,
		    JOIN(keys, ms_fields, NITEMS(ms_fields), ", "));
		return;
	}
	seen = scr_map_fields(ld, n, name, ms_fields, NITEMS(ms_fields),
	    &st->u.measure);
	if ((seen & 2u) && !(seen & 4u))
		scr_lerr(ld, n, "missing required key 'every' in measure "
		    "(needed with probe)");
	if ((seen & 2u) && (seen & 4u))
		ms_bounds(ld, n, &st->u.measure);
}

/* exec */

static void
ex_cmd(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_exec *x = dst;
	const char *s;

	if ((s = scr_get_str(ld, n, "exec command")) == NULL)
		return;
	if (strlen(s) > SCR_MAX_CMD) {
		scr_lerr(ld, n, "exec command is %zu bytes, more than %d",
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
	F_KIND("optional", FLD_BOOL, struct plan_exec, optional,
	    "optional", false),
};

void
scr_step_exec(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	if (n->type == YAML_MAPPING_NODE)
		scr_map_fields(ld, n, name, ex_fields, NITEMS(ex_fields),
		    &st->u.exec);
	else if (n->type == YAML_SCALAR_NODE)
		ex_cmd(ld, n, &st->u.exec);
	else
		scr_lerr(ld, n, "exec takes a command or a mapping of: cmd, "
		    "status, within, background, optional");
}

/* ---- defaults ---------------------------------------------------------- */

void
scr_step_defaults(struct plan_step *st)
{
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
		break;
	case PLAN_EXEC:
		st->u.exec.within_ns = TC_EXEC_TIMEOUT_NS;
		break;
	default:
		break;
	}
}
