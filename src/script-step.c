/*
 * script-step.c - the YAML loader's step sequences: the table of step
 * kinds, a step's profile and level, and the kinds that hold or splice in
 * steps: any_of, repeat and include (which loads another file's steps).
 * These recurse through scr_parse_steps(), within this file only; the
 * other kinds are script-kind.c's.
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

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "util.h"

/* ---- step kinds -------------------------------------------------------- */

typedef void step_splice_fn(struct ld *, yaml_node_t *, struct stepv *);

static scr_step_fn step_any_of;
static step_splice_fn step_repeat, step_include;

/* One row per step kind, in the order messages list them. */
static const struct stepkind {
	const char *name;
	enum plan_step_kind kind;	/* PLAN_STEP_MAX: spliced */
	scr_step_fn *parse;
	step_splice_fn *splice;		/* repeat, include */
} stepkinds[] = {
	{ "connect", PLAN_CONNECT, scr_step_connect, NULL },
	{ "send", PLAN_SEND, scr_step_send, NULL },
	{ "expect", PLAN_EXPECT, scr_step_expect, NULL },
	{ "silence", PLAN_SILENCE, scr_step_silence, NULL },
	{ "state", PLAN_STATE, scr_step_state, NULL },
	{ "wait", PLAN_WAIT, scr_step_wait, NULL },
	{ "retransmits", PLAN_RETRANSMITS, scr_step_retransmits, NULL },
	{ "measure", PLAN_MEASURE, scr_step_measure, NULL },
	{ "exec", PLAN_EXEC, scr_step_exec, NULL },
	{ "target", PLAN_TARGET, scr_step_target, NULL },
	{ "any_of", PLAN_ANY_OF, step_any_of, NULL },
	{ "repeat", PLAN_STEP_MAX, NULL, step_repeat },
	{ "include", PLAN_STEP_MAX, NULL, step_include },
};

/* ---- step lists -------------------------------------------------------- */

/* A new zeroed step at the end of sv, or NULL over the cap. */
static struct plan_step *
step_new(struct ld *ld, struct stepv *sv, yaml_node_t *n)
{
	if (ld->nsteps >= SCR_MAX_STEPS ||
	    ld->filesteps >= SCR_MAX_FILE_STEPS) {
		if (!ld->toomany)
			scr_lerr(ld, n, "too many steps (more than %d in a "
			    "case or %d in a file, counting repeat and "
			    "include)", SCR_MAX_STEPS, SCR_MAX_FILE_STEPS);
		ld->toomany = true;
		return NULL;
	}
	if (!scr_budget(ld, n, 0, sizeof(struct plan_step)))
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
    const char *name)
{
	struct plan_any_of *a = &st->u.any_of;
	struct stepv sv;
	yaml_node_t *an;
	size_t i, k, e0;

	(void)name;
	if (n->type != YAML_SEQUENCE_NODE || (k = scr_nitems(n)) < 2 ||
	    k > SCR_MAX_ALTS) {
		scr_lerr(ld, n, "any_of takes 2 to %d alternatives, each a "
		    "sequence of steps", SCR_MAX_ALTS);
		return;
	}
	if (ld->nest >= SCR_MAX_ANYOF) {
		scr_lerr(ld, n, "any_of nested more than %d deep",
		    SCR_MAX_ANYOF);
		return;
	}
	a->alts = xcalloc(k, sizeof(*a->alts));
	a->nalts = k;
	ld->nest++;
	for (i = 0; i < k && !ld->stop && !ld->toomany; i++) {
		an = scr_item(ld, n, i);
		a->alts[i].pos = scr_pos(ld, an);
		if (an->type != YAML_SEQUENCE_NODE || scr_nitems(an) == 0) {
			scr_lerr(ld, an, "an any_of alternative must be a "
			    "non-empty sequence of steps");
			continue;
		}
		memset(&sv, 0, sizeof(sv));
		e0 = ld->nerr;
		scr_parse_steps(ld, an, &sv);
		a->alts[i].steps = sv.v;
		a->alts[i].nsteps = sv.n;
		if (ld->nerr == e0 && (sv.n == 0 ||
		    sv.v[0].kind != PLAN_EXPECT))
			scr_lerr(ld, scr_item(ld, an, 0), "each any_of "
			    "alternative must begin with an expect");
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
	if (n->type != YAML_SEQUENCE_NODE || scr_nitems(n) == 0) {
		scr_lerr(ld, n, "repeat steps must be a non-empty sequence of "
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
		scr_lerr(ld, n,
		    "repeat takes a mapping {count: N, steps: [...]}");
		return;
	}
	scr_map_fields(ld, n, "repeat", rep_fields, NITEMS(rep_fields), &r);
	if (ld->nerr != e0 || r.steps == NULL)
		return;
	/* Parsed again for each copy: each owns its data. */
	for (i = 0; i < r.count && ld->nerr == e0 && !ld->toomany; i++)
		scr_parse_steps(ld, r.steps, sv);
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

	scr_scan_events(buf, len, &sc);
	if (sc.doc == 1) {
		for (i = 0; i < sc.n; i++)
			scr_mark_err(ld, &sc.probs[i].mark, "%s",
			    sc.probs[i].msg);
		return;
	}
	if (!yaml_parser_initialize(&yp))
		fatalx("script: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&yp, &doc)) {
		scr_syntax_err(ld, &yp, buf, len);
		yaml_parser_delete(&yp);
		return;
	}
	ld->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_SEQUENCE_NODE) {
		yaml_mark_t m = { 0, 0, 0 };

		scr_mark_err(ld, root != NULL ? &root->start_mark : &m,
		    "an included file must be a sequence of steps");
	} else if (scr_nitems(root) > SCR_MAX_STEPS)
		scr_lerr(ld, root, "too many steps (%zu, at most %d)",
		    scr_nitems(root), SCR_MAX_STEPS);
	else {
		scr_subst_doc(ld, &doc, 0, ld->params, &sw);
		scr_parse_steps(ld, root, sv);
		scr_unswap(&sw);
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
	int j, r;

	if (n->type == YAML_MAPPING_NODE)
		scr_map_fields(ld, n, "include", inc_fields, NITEMS(inc_fields),
		    &in);
	else if (n->type == YAML_SCALAR_NODE)
		in.file = n;
	else {
		scr_lerr(ld, n, "include takes a file name or {file: "
		    "\"x.yaml\", params: {name: value}}");
		return;
	}
	if (in.file == NULL ||
	    (name = scr_get_str(ld, in.file, "include file")) == NULL)
		return;
	if (in.params != NULL) {
		if (in.params->type != YAML_MAPPING_NODE) {
			scr_lerr(ld, in.params,
			    "include params must be a mapping of name: value");
			return;
		}
		for (pr = in.params->data.mapping.pairs.start;
		    pr < in.params->data.mapping.pairs.top; pr++) {
			k = scr_node(ld, pr->key);
			v = scr_node(ld, pr->value);
			if (scr_get_str(ld, k, "parameter name") == NULL ||
			    (pv = scr_get_str(ld, v,
			    "parameter value")) == NULL)
				continue;
			scr_params_add(&ps, (const char *)k->data.scalar.value,
			    k->data.scalar.length, pv, strlen(pv));
		}
	}
	if (ld->nerr != e0) {
		scr_params_free(&ps);
		return;
	}
	/* The case's parameters after the include's own. */
	for (i = 0; ops != NULL && i < ops->n; i++)
		scr_params_add(&ps, ops->v[i].name, strlen(ops->v[i].name),
		    ops->v[i].value, strlen(ops->v[i].value));
	if (ld->incdepth >= SCR_MAX_INCLUDE) {
		scr_lerr(ld, in.file, "includes nested more than %d deep",
		    SCR_MAX_INCLUDE);
		scr_params_free(&ps);
		return;
	}
	slash = strrchr(ofile, '/');
	path = name[0] == '/' || slash == NULL ? xstrdup(name) :
	    xasprintf("%.*s/%s", (int)(slash - ofile), ofile, name);
	if ((rp = realpath(path, NULL)) == NULL) {
		scr_lerr(ld, in.file, "cannot open include '%s': %s",
		    scr_qs(in.file, q, sizeof(q)), strerror(errno));
		goto out;
	}
	/* Not a FIFO or a device: opening one could block or never end. */
	if (stat(rp, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		scr_lerr(ld, in.file, "include '%s' is not a regular file",
		    scr_qs(in.file, q, sizeof(q)));
		goto out;
	}
	for (j = 0; j <= ld->incdepth; j++)
		if (ld->incstack[j] != NULL &&
		    strcmp(ld->incstack[j], rp) == 0) {
			scr_lerr(ld, in.file, "include cycle: '%s' includes "
			    "itself", scr_qs(in.file, q, sizeof(q)));
			goto out;
		}
	if ((r = scr_read_all(path, &buf, &len, why, sizeof(why))) < 0) {
		scr_lerr(ld, in.file, "cannot %s include '%s': %s",
		    r == SCR_READ_OPEN ? "open" : "read",
		    scr_qs(in.file, q, sizeof(q)), why);
		goto out;
	}
	ld->incstack[++ld->incdepth] = rp;
	ld->file = scr_plan_file(ld->p, path);
	ld->params = &ps;
	include_doc(ld, buf, len, sv);
	ld->params = ops;
	ld->file = ofile;
	ld->incstack[ld->incdepth--] = NULL;
out:
	free(buf);
	free(rp);
	free(path);
	scr_params_free(&ps);
}

static void
get_profile(struct ld *ld, yaml_node_t *n, struct plan_step *st)
{
	const char *s, *c;
	char q[QLEN], names[128];

	if ((s = scr_get_str(ld, n, "profile")) == NULL)
		return;
	if (*s == '!')
		s++;
	for (c = s; *c != '\0'; c++)
		if (!islower((unsigned char)*c) &&
		    !isdigit((unsigned char)*c) && *c != '_' && *c != '-')
			break;
	if (*s == '\0' || *c != '\0') {
		scr_lerr(ld, n, "bad profile '%s': expected a name of a-z, "
		    "0-9, _ and -, or '!name'", scr_qs(n, q, sizeof(q)));
		return;
	}
	/* A misspelt name would select the step under no profile (or, with
	 * '!', under every one) without a word. */
	if (!plan_profile_known(s)) {
		scr_lerr(ld, n, "unknown profile '%s' (expected one of: %s)",
		    scr_qs(n, q, sizeof(q)), plan_profile_list(names,
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
	yaml_node_t *lk = NULL, *lv = NULL;
	char q[QLEN], names[256];
	size_t i, nk = 0;

	JOIN(names, stepkinds, NITEMS(stepkinds), " or ");
	if (n->type == YAML_MAPPING_NODE)
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top; pr++) {
			if (scr_is_word(scr_node(ld, pr->key), "profile") &&
			    pk == NULL) {
				pk = scr_node(ld, pr->key);
				pv = scr_node(ld, pr->value);
				continue;
			}
			if (scr_is_word(scr_node(ld, pr->key), "level") &&
			    lk == NULL) {
				lk = scr_node(ld, pr->key);
				lv = scr_node(ld, pr->value);
				continue;
			}
			k = scr_node(ld, pr->key);
			v = scr_node(ld, pr->value);
			nk++;
		}
	if (n->type != YAML_MAPPING_NODE || nk != 1) {
		scr_lerr(ld, n, "step must be a mapping with one key: %s",
		    names);
		return;
	}
	for (i = 0; i < NITEMS(stepkinds); i++)
		if (scr_is_word(k, stepkinds[i].name))
			break;
	if (i == NITEMS(stepkinds)) {
		scr_lerr(ld, k, "unknown step '%s' (expected one of: %s)",
		    scr_qs(k, q, sizeof(q)), names);
		return;
	}
	sk = &stepkinds[i];
	if (sk->splice != NULL) {
		if (pk != NULL || lk != NULL) {
			scr_lerr(ld, pk != NULL ? pk : lk, "%s is not allowed "
			    "on %s", pk != NULL ? "profile" : "level",
			    sk->name);
			return;
		}
		sk->splice(ld, v, sv);
		return;
	}
	if ((st = step_new(ld, sv, n)) == NULL)
		return;
	st->kind = sk->kind;
	st->pos = scr_pos(ld, n);
	scr_step_defaults(st);
	if (st->kind == PLAN_RETRANSMITS) {
		prev = sv->n >= 2 ? &sv->v[sv->n - 2] : NULL;
		if (prev == NULL || (prev->kind != PLAN_EXPECT &&
		    prev->kind != PLAN_CONNECT &&
		    prev->kind != PLAN_RETRANSMITS &&
		    prev->kind != PLAN_ANY_OF))
			scr_lerr(ld, n, "retransmits must follow an expect");
	}
	if (pv != NULL)
		get_profile(ld, pv, st);
	if (lv != NULL && scr_get_level(ld, lv, &st->level) == 0)
		st->level_set = true;
	sk->parse(ld, v, st, sk->name);
}

void
scr_parse_steps(struct ld *ld, yaml_node_t *n, struct stepv *sv)
{
	yaml_node_item_t *it;

	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top && !ld->stop && !ld->toomany;
	    it++)
		get_step(ld, scr_node(ld, *it), sv);
}

