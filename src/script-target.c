/*
 * script-target.c - the YAML loader's target step: what the application on
 * the target does through tcpconform-agent.  Every word that will reach
 * the agent (an option's name, an errno name, a state) is checked against
 * a small alphabet here, and data goes as hex, so no case can put a
 * second request, or anything but what its keys say, on the control line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "script-int.h"
#include "util.h"

#define TGT_MAXDATA 1024	/* write/result data: 2 KiB of hex a line */
#define TGT_MAXWORD 32		/* an option, errno or state name */

/* The verb named by n into *v, or a message listing them. */
static int
tverb(struct ld *ld, yaml_node_t *n, const char *what, enum plan_tverb *v)
{
	const char *s;
	char q[QLEN], names[256];
	size_t i, off = 0;

	if ((s = scr_get_str(ld, n, what)) == NULL)
		return -1;
	for (i = 0; i < PLAN_TV_MAX; i++)
		if (strcmp(s, plan_tverbs[i].name) == 0) {
			*v = (enum plan_tverb)i;
			return 0;
		}
	names[0] = '\0';
	for (i = 0; i < PLAN_TV_MAX && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off,
		    "%s%s", i ? ", " : "", plan_tverbs[i].name);
	scr_lerr(ld, n, "unknown %s '%s' (expected one of: %s)", what,
	    scr_qs(n, q, sizeof(q)), names);
	return -1;
}

/*
 * A word of the agent's vocabulary: 1..TGT_MAXWORD of the characters in
 * set, copied into *dst (replacing it).
 */
static void
tword(struct ld *ld, yaml_node_t *n, const char *what, const char *set,
    char **dst)
{
	const char *s;
	char q[QLEN];
	size_t len;

	if ((s = scr_get_str(ld, n, what)) == NULL)
		return;
	len = strlen(s);
	if (len > TGT_MAXWORD || strspn(s, set) != len) {
		scr_lerr(ld, n, "bad %s '%s': at most %d of %s", what,
		    scr_qs(n, q, sizeof(q)), TGT_MAXWORD,
		    set[0] == 'a' ? "a-z 0-9 _" : "A-Z 0-9 _ -");
		return;
	}
	free(*dst);
	*dst = xstrdup(s);
}

#define LOWER "abcdefghijklmnopqrstuvwxyz0123456789_"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

static void
t_do(struct ld *ld, yaml_node_t *n, void *dst)
{
	(void)tverb(ld, n, "target verb", &((struct plan_target *)dst)->verb);
}

static void
t_await(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_target *t = dst;

	if (tverb(ld, n, "verb to await", &t->verb) == 0)
		t->await = true;
}

static void
t_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_target *t = dst;

	if (scr_get_data(ld, n, &t->data, &t->datalen) == 0 &&
	    t->datalen > TGT_MAXDATA)
		scr_lerr(ld, n, "data of %zu bytes, more than %d (use bytes: "
		    "N for a pattern)", t->datalen, TGT_MAXDATA);
}

static void
t_how(struct ld *ld, yaml_node_t *n, void *dst)
{
	static const char *const hows[] = { "rd", "wr", "rdwr" };
	const char *s;
	char q[QLEN];
	int i;

	if ((s = scr_get_str(ld, n, "how")) == NULL)
		return;
	for (i = 0; i < 3; i++)
		if (strcmp(s, hows[i]) == 0) {
			((struct plan_target *)dst)->how = i;
			return;
		}
	scr_lerr(ld, n, "bad how '%s': expected rd, wr or rdwr",
	    scr_qs(n, q, sizeof(q)));
}

static void
t_option(struct ld *ld, yaml_node_t *n, void *dst)
{
	tword(ld, n, "socket option", LOWER, &((struct plan_target *)dst)->option);
}

/* An integer -1..INT32_MAX (SO_LINGER's -1 is off). */
static void
t_value(struct ld *ld, yaml_node_t *n, void *dst)
{
	const char *s;
	char q[QLEN], *end;
	long v;

	if ((s = scr_get_str(ld, n, "value")) == NULL)
		return;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < -1 || v > INT32_MAX ||
	    !(isdigit((unsigned char)s[0]) || s[0] == '-')) {
		scr_lerr(ld, n, "bad value '%s': expected an integer -1..%d",
		    scr_qs(n, q, sizeof(q)), INT32_MAX);
		return;
	}
	((struct plan_target *)dst)->value = (int32_t)v;
}

/* ---- result ------------------------------------------------------------ */

static void
r_err(struct ld *ld, yaml_node_t *n, void *dst)
{
	tword(ld, n, "errno name", UPPER LOWER,
	    &((struct plan_tresult *)dst)->err);
}

static void
r_eof(struct ld *ld, yaml_node_t *n, void *dst)
{
	bool b;

	if (scr_get_bool(ld, n, "eof", &b) == 0)
		((struct plan_tresult *)dst)->eof = b ? 1 : 0;
}

static void
r_data(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_tresult *r = dst;

	if (scr_get_data(ld, n, &r->data, &r->datalen) != 0)
		return;
	r->data_set = true;
	if (r->datalen > TGT_MAXDATA)
		scr_lerr(ld, n, "data of %zu bytes, more than %d",
		    r->datalen, TGT_MAXDATA);
}

static void
r_value(struct ld *ld, yaml_node_t *n, void *dst)
{
	tword(ld, n, "option value", UPPER LOWER, &((struct plan_tresult *)
	    dst)->value);
}

static void
r_state(struct ld *ld, yaml_node_t *n, void *dst)
{
	tword(ld, n, "state", UPPER, &((struct plan_tresult *)dst)->state);
}

static const struct field res_fields[] = {
	F_RANGE("ret", struct plan_tresult, ret, "ret", INT32_MAX),
	F_FN("err", r_err, false),
	F_FN("eof", r_eof, false),
	F_FN("data", r_data, false),
	F_FN("value", r_value, false),
	F_FN("state", r_state, false),
};

static void
t_result(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_target *t = dst;

	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "result must be a mapping of: ret, err, eof, "
		    "data, value, state");
		return;
	}
	scr_map_fields(ld, n, "result", res_fields, NITEMS(res_fields),
	    &t->result);
	t->result_set = true;
}

static const struct field tgt_fields[] = {
	F_FN("do", t_do, false),
	F_FN("await", t_await, false),
	F_UINT("bytes", struct plan_target, bytes, "bytes", 1, 1048576,
	    false),
	F_FN("data", t_data, false),
	F_KIND("oob", FLD_BOOL, struct plan_target, oob, "oob", false),
	F_UINT("max", struct plan_target, max, "max", 1, 16384, false),
	F_FN("how", t_how, false),
	F_FN("option", t_option, false),
	F_FN("value", t_value, false),
	F_BOOL_SET("background", struct plan_target, background,
	    background_set, "background"),
	F_KIND("within", FLD_DURATION, struct plan_target, within_ns,
	    "within", false),
	F_FN("result", t_result, false),
	F_UINT("syncnt", struct plan_target, syncnt, "syncnt", 1, 255, false),
};

/* Bit i of seen: tgt_fields[i] was given. */
#define SEEN(i)	(seen & (1u << (i)))

void
scr_step_target(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name)
{
	struct plan_target *t = &st->u.target;
	unsigned seen;
	enum plan_tverb v;

	t->result.eof = -1;
	if (n->type == YAML_SCALAR_NODE) {
		/* "target: close": a verb that needs nothing else */
		if (tverb(ld, n, "target verb", &t->verb) == 0 &&
		    (t->verb == PLAN_TV_SETSOCKOPT ||
		    t->verb == PLAN_TV_GETSOCKOPT ||
		    t->verb == PLAN_TV_SHUTDOWN || t->verb == PLAN_TV_WRITE))
			scr_lerr(ld, n, "target %s needs a mapping with its "
			    "arguments", plan_tverbs[t->verb].name);
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "target takes a verb or a mapping of: do (or "
		    "await), and its arguments");
		return;
	}
	seen = scr_map_fields(ld, n, name, tgt_fields, NITEMS(tgt_fields), t);
	if (ld->stop)
		return;
	if (!SEEN(0) == !SEEN(1)) {
		scr_lerr(ld, n, "target needs exactly one of: do, await");
		return;
	}
	v = t->verb;
	if (t->await && !plan_tverbs[v].background && !t->background_set)
		scr_lerr(ld, n, "await %s: only a request made with "
		    "background: true (connect, accept by default) can be "
		    "awaited", plan_tverbs[v].name);
	if (t->await && (seen & ~(1u << 1 | 1u << 10 | 1u << 11)) != 0)
		scr_lerr(ld, n, "await takes only within and result");
	if (v == PLAN_TV_WRITE && !t->await && SEEN(2) == SEEN(3))
		scr_lerr(ld, n, "target write needs one of: bytes, data");
	if (v != PLAN_TV_WRITE && (SEEN(2) || SEEN(3) || SEEN(4)))
		scr_lerr(ld, n, "bytes, data and oob are write's");
	if (v != PLAN_TV_READ && SEEN(5))
		scr_lerr(ld, n, "max is read's");
	if ((v == PLAN_TV_SHUTDOWN && !t->await) != (SEEN(6) != 0))
		scr_lerr(ld, n, "how is shutdown's, and shutdown needs it");
	if ((v == PLAN_TV_SETSOCKOPT || v == PLAN_TV_GETSOCKOPT) !=
	    (SEEN(7) != 0))
		scr_lerr(ld, n, "option is setsockopt's and getsockopt's, "
		    "and they need it");
	if ((v == PLAN_TV_SETSOCKOPT) != (SEEN(8) != 0))
		scr_lerr(ld, n, "value is setsockopt's, and it needs one");
	if (v != PLAN_TV_CONNECT && SEEN(12))
		scr_lerr(ld, n, "syncnt is connect's");
}
