/*
 * profile.c - a stack profile file (-P FILE, profile.h), read as strictly
 * as the expectation file (yfile.c): unknown keys, wrong types, a bad
 * level or duration and a duplicate id are "file:line:col:" errors.  An
 * id no case has is a warning only: one file may describe a stack for
 * several suites.  The walk goes no deeper than root, cases, case, steps,
 * step, value, so an alias that loops back cannot make it recurse.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "profile.h"
#include "util.h"
#include "yfile.h"

#define PERR(pr, n, ...)	YF_NERR(&(pr)->errs, (n), __VA_ARGS__)

/* A key of a mapping: its name, and what reads its value. */
struct pkey {
	const char *name;
	void (*get)(struct prof *, yaml_document_t *, const yaml_node_t *,
	    void *);
};

/*
 * Walk mapping n with the keys of table (nkeys of them, at most 8) into
 * dst: an unknown key or one given twice is an error naming where.
 * Returns a bit per key seen, or 0 when n is no mapping (after a message
 * saying what it should be).
 */
static unsigned
get_keys(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    const struct pkey *table, size_t nkeys, const char *what, void *dst)
{
	yaml_node_pair_t *pe;
	yaml_node_t *kn;
	unsigned seen = 0;
	size_t i;
	char *q;

	if (n->type != YAML_MAPPING_NODE) {
		PERR(pr, n, "%s must be a mapping", what);
		return 0;
	}
	for (pe = n->data.mapping.pairs.start; pe < n->data.mapping.pairs.top;
	    pe++) {
		kn = yaml_document_get_node(doc, pe->key);
		for (i = 0; i < nkeys && !yf_is_word(kn, table[i].name); i++)
			;
		if (i < nkeys && (seen & (1u << i)))
			PERR(pr, kn, "duplicate key '%s'", table[i].name);
		else if (i < nkeys) {
			seen |= 1u << i;
			table[i].get(pr, doc, yaml_document_get_node(doc,
			    pe->value), dst);
		} else {
			q = yf_quote(kn);
			PERR(pr, kn, "unknown key '%s' in %s", q, what);
			free(q);
		}
	}
	return seen;
}

/* A level: MUST, SHOULD or MAY (RFC 2119's capitals). */
static int
get_level(struct prof *pr, const yaml_node_t *n, enum plan_level *l)
{
	char *q;

	if (n->type == YAML_SCALAR_NODE &&
	    strlen((const char *)n->data.scalar.value) ==
	    n->data.scalar.length &&
	    plan_level_parse((const char *)n->data.scalar.value, l) == 0)
		return 0;
	q = yf_quote(n);
	PERR(pr, n, "bad level '%s': expected MUST, SHOULD or MAY", q);
	free(q);
	return -1;
}

/* ---- a case's entry ------------------------------------------------------ */

static void
case_na(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	(void)doc;
	((struct prof_case *)dst)->na = yf_get_str(&pr->errs, n, "na",
	    PROF_MAX_STR);
}

static void
case_level(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	struct prof_case *c = dst;

	(void)doc;
	c->level_set = get_level(pr, n, &c->level) == 0;
}

static void
case_timeout(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	struct prof_case *c = dst;
	char *s, *q;

	(void)doc;
	if ((s = yf_get_str(&pr->errs, n, "timeout", PROF_MAX_STR)) == NULL)
		return;
	if (tc_parse_duration(s, &c->timeout_ns) != 0 || c->timeout_ns == 0) {
		q = yf_quote(n);
		PERR(pr, n, "bad duration '%s' for timeout: expected e.g. "
		    "90s or 2m", q);
		free(q);
		c->timeout_ns = 0;
	}
	free(s);
}

static void
step_level(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	struct prof_step *s = dst;

	(void)doc;
	if (get_level(pr, n, &s->level) != 0)
		s->n = 0;
}

static const struct pkey step_keys[] = { { "level", step_level } };

/* A step number: 1..PROF_MAX_STEP in decimal, or 0 after a message. */
static size_t
step_number(struct prof *pr, const yaml_node_t *n)
{
	const char *s;
	size_t i, v = 0;

	if (n->type == YAML_SCALAR_NODE) {
		s = (const char *)n->data.scalar.value;
		for (i = 0; i < n->data.scalar.length && i < 5 &&
		    isdigit((unsigned char)s[i]); i++)
			v = v * 10 + (size_t)(s[i] - '0');
		if (i == n->data.scalar.length && v >= 1 &&
		    v <= PROF_MAX_STEP)
			return v;
	}
	PERR(pr, n, "a step key must be a step's number, from 1 for the "
	    "case's first step to %d", PROF_MAX_STEP);
	return 0;
}

static void
case_steps(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	struct prof_case *c = dst;
	struct prof_step s;
	yaml_node_pair_t *pe;
	yaml_node_t *kn, *vn;
	size_t i;

	if (n->type != YAML_MAPPING_NODE) {
		PERR(pr, n, "steps must be a mapping of step numbers to "
		    "{level: ...}");
		return;
	}
	for (pe = n->data.mapping.pairs.start; pe < n->data.mapping.pairs.top;
	    pe++) {
		kn = yaml_document_get_node(doc, pe->key);
		memset(&s, 0, sizeof(s));
		if ((s.n = step_number(pr, kn)) == 0)
			continue;
		s.line = (int)kn->start_mark.line + 1;
		s.col = (int)kn->start_mark.column + 1;
		for (i = 0; i < c->nsteps && c->steps[i].n != s.n; i++)
			;
		if (i < c->nsteps) {
			PERR(pr, kn, "duplicate step %zu (first at line %d)",
			    s.n, c->steps[i].line);
			continue;
		}
		if (c->nsteps == PROF_MAX_STEPS) {
			PERR(pr, kn, "more than %d steps of one case",
			    PROF_MAX_STEPS);
			return;
		}
		vn = yaml_document_get_node(doc, pe->value);
		if ((get_keys(pr, doc, vn, step_keys, 1, "a step's entry",
		    &s) & 1) == 0) {
			if (vn->type == YAML_MAPPING_NODE)
				PERR(pr, vn, "step %zu: no level", s.n);
			continue;
		}
		if (s.n == 0)
			continue;	/* a bad level, said */
		c->steps = xreallocarray(c->steps, c->nsteps + 1,
		    sizeof(*c->steps));
		c->steps[c->nsteps++] = s;
	}
}

static const struct pkey case_keys[] = {
	{ "na", case_na },
	{ "level", case_level },
	{ "timeout", case_timeout },
	{ "steps", case_steps },
};
#define NCASE_KEYS (sizeof(case_keys) / sizeof(case_keys[0]))

static void
case_free(struct prof_case *c)
{
	free(c->id);
	free(c->na);
	free(c->steps);
}

/* ---- the top level ------------------------------------------------------- */

static void
get_cases(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	struct prof_case c;
	yaml_node_pair_t *pe;
	yaml_node_t *kn, *vn;
	size_t e0;

	(void)dst;
	if (n->type != YAML_MAPPING_NODE) {
		PERR(pr, n, "cases must be a mapping of case ids to what "
		    "changes for each");
		return;
	}
	for (pe = n->data.mapping.pairs.start; pe < n->data.mapping.pairs.top;
	    pe++) {
		kn = yaml_document_get_node(doc, pe->key);
		vn = yaml_document_get_node(doc, pe->value);
		if (pr->n == PROF_MAX_CASES) {
			PERR(pr, kn, "more than %d cases", PROF_MAX_CASES);
			return;
		}
		memset(&c, 0, sizeof(c));
		e0 = pr->errs.n;
		c.line = (int)kn->start_mark.line + 1;
		c.col = (int)kn->start_mark.column + 1;
		if ((c.id = yf_get_str(&pr->errs, kn, "a case id",
		    PROF_MAX_STR)) != NULL && get_keys(pr, doc, vn, case_keys,
		    NCASE_KEYS, "a case's entry", &c) == 0 &&
		    vn->type == YAML_MAPPING_NODE)
			PERR(pr, vn, "nothing for case '%s': expected na, "
			    "level, timeout or steps", c.id);
		if (pr->errs.n != e0) {
			case_free(&c);
			continue;
		}
		pr->v = xreallocarray(pr->v, pr->n + 1, sizeof(*pr->v));
		pr->v[pr->n++] = c;
	}
}

static void
get_name(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	const char *s;
	size_t i;
	char *q;

	(void)doc;
	(void)dst;
	if ((pr->name = yf_get_str(&pr->errs, n, "name", PROF_MAX_NAME)) ==
	    NULL)
		return;
	/* Reports and file names carry it: a plain word. */
	for (s = pr->name, i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) ==
		    NULL)
			break;
	q = yf_quote(n);
	if (s[i] != '\0')
		PERR(pr, n, "bad name '%s': letters, digits, '.', '_' and "
		    "'-' only", q);
	else if (plan_profile_known(s))
		PERR(pr, n, "name '%s' is a built-in profile's: name the "
		    "stack, and inherit %s", q, s);
	free(q);
}

static void
get_inherits(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	char names[128], *q;
	size_t i;

	(void)doc;
	(void)dst;
	for (i = 0; i < plan_nprofiles; i++)
		if (yf_is_word(n, plan_profiles[i].name)) {
			pr->inherits = plan_profiles[i].name;
			return;
		}
	q = yf_quote(n);
	PERR(pr, n, "inherits '%s': expected one of %s", q,
	    plan_profile_list(names, sizeof(names)));
	free(q);
}

static void
get_description(struct prof *pr, yaml_document_t *doc, const yaml_node_t *n,
    void *dst)
{
	(void)doc;
	(void)dst;
	pr->description = yf_get_str(&pr->errs, n, "description",
	    PROF_MAX_STR);
}

static const struct pkey root_keys[] = {
	{ "name", get_name },
	{ "inherits", get_inherits },
	{ "description", get_description },
	{ "cases", get_cases },
};
#define NROOT_KEYS (sizeof(root_keys) / sizeof(root_keys[0]))

/* By id, then by place: the first of two equal ids comes first. */
static int
case_cmp(const void *a, const void *b)
{
	const struct prof_case *x = a, *y = b;
	int d = strcmp(x->id, y->id);

	if (d != 0)
		return d;
	return x->line != y->line ? (x->line > y->line) - (x->line < y->line) :
	    (x->col > y->col) - (x->col < y->col);
}

bool
prof_is_file(const char *arg)
{
	size_t len = strlen(arg);

	return strchr(arg, '/') != NULL ||
	    (len > 5 && strcmp(arg + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(arg + len - 4, ".yml") == 0);
}

int
prof_load(const char *path, struct prof *pr)
{
	struct yf_doc d = { 0 };
	yaml_node_t *root;
	size_t i;

	pr->file = xstrdup(path);
	pr->errs.file = pr->warns.file = pr->file;
	pr->inherits = plan_profiles[0].name;	/* rfc */
	if ((root = yf_open(&pr->errs, &d, PROF_MAX_FILE)) != NULL) {
		if ((get_keys(pr, &d.doc, root, root_keys, NROOT_KEYS,
		    "a profile file", NULL) & 1) == 0 &&
		    root->type == YAML_MAPPING_NODE)
			PERR(pr, root, "no name: a profile file names the "
			    "stack (name: lwip-2.1.3)");
	} else if (pr->errs.n == 0)
		yf_err(&pr->errs, 0, 0, "empty: expected name:, inherits: "
		    "and cases:");
	yf_close(&pr->errs, &d, true, "a profile file");
	if (pr->n > 0)
		qsort(pr->v, pr->n, sizeof(*pr->v), case_cmp);
	for (i = 1; i < pr->n; i++)
		if (strcmp(pr->v[i - 1].id, pr->v[i].id) == 0)
			yf_err(&pr->errs, (size_t)pr->v[i].line,
			    (size_t)pr->v[i].col, "duplicate case '%s' (first "
			    "at line %d)", pr->v[i].id, pr->v[i - 1].line);
	return pr->errs.n > 0 ? -1 : 0;
}

/* ---- against the plan ---------------------------------------------------- */

/* The entry for the first len bytes of id, or NULL. */
static struct prof_case *
find(const struct prof *pr, const char *id, size_t len)
{
	size_t lo = 0, hi = pr->n, mid;
	int d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((d = strncmp(id, pr->v[mid].id, len)) == 0 &&
		    pr->v[mid].id[len] != '\0')
			d = -1;
		if (d == 0)
			return &pr->v[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The entries for case c: for its base id (or NULL) and its own id. */
static void
find_both(const struct prof *pr, const struct plan_case *c,
    struct prof_case *e[2])
{
	const char *br = strchr(c->id, '[');

	e[0] = br != NULL ? find(pr, c->id, (size_t)(br - c->id)) : NULL;
	e[1] = find(pr, c->id, strlen(c->id));
}

int
prof_check(struct prof *pr, const struct plan *p)
{
	struct prof_case *e[2];
	bool *used;
	size_t i, j, k, e0 = pr->errs.n;
	char *q;

	if (pr->n == 0)
		return 0;
	used = xcalloc(pr->n, sizeof(*used));
	for (i = 0; i < p->ncases; i++) {
		const struct plan_case *c = &p->cases[i];

		find_both(pr, c, e);
		for (j = 0; j < 2; j++)
			for (k = 0; e[j] != NULL && k < e[j]->nsteps; k++) {
				struct prof_step *s = &e[j]->steps[k];

				if (s->n <= c->nsteps || s->bad)
					continue;
				s->bad = true;
				yf_err(&pr->errs, (size_t)s->line,
				    (size_t)s->col, "step %zu is past the end "
				    "of case '%s', which has %zu steps", s->n,
				    c->id, c->nsteps);
			}
		for (j = 0; j < 2; j++)
			if (e[j] != NULL)
				used[e[j] - pr->v] = true;
	}
	for (i = 0; i < pr->n; i++) {
		if (used[i])
			continue;
		q = tc_strsafe(pr->v[i].id, strlen(pr->v[i].id), 0);
		yf_err(&pr->warns, (size_t)pr->v[i].line, (size_t)pr->v[i].col,
		    "warning: no case of the run has id '%s'", q);
		free(q);
	}
	free(used);
	return pr->errs.n > e0 ? -1 : 0;
}

/* A step marked "profile: X" runs under pr when X is pr's name or the
 * one it inherits; after this, plan_step_runs(st, pr->name) says so. */
static void
resolve_steps(const struct prof *pr, struct plan_step *steps, size_t n)
{
	struct plan_step *st;
	size_t i, j;
	bool runs;

	for (i = 0; i < n; i++) {
		st = &steps[i];
		if (st->kind == PLAN_ANY_OF)
			for (j = 0; j < st->u.any_of.nalts; j++)
				resolve_steps(pr, st->u.any_of.alts[j].steps,
				    st->u.any_of.alts[j].nsteps);
		if (st->profile == NULL)
			continue;
		runs = (strcmp(st->profile, pr->name) == 0 ||
		    strcmp(st->profile, pr->inherits) == 0) != st->profile_not;
		free(st->profile);
		st->profile = runs ? NULL : xstrdup(pr->name);
		st->profile_not = !runs;
	}
}

/* One entry onto case c. */
static void
apply_case(const struct prof_case *e, struct plan_case *c)
{
	struct plan_step *st;
	size_t i;

	if (e->na != NULL) {
		free(c->na_reason);
		c->na_reason = xstrdup(e->na);
	}
	if (e->timeout_ns != 0)
		c->timeout_ns = e->timeout_ns;
	if (e->level_set) {
		c->level = e->level;
		plan_levels_fill(c->steps, c->nsteps, c->level);
	}
	for (i = 0; i < e->nsteps; i++) {
		if (e->steps[i].n > c->nsteps)
			continue;	/* prof_check said so */
		st = &c->steps[e->steps[i].n - 1];
		st->level = e->steps[i].level;
		st->level_set = true;
		plan_levels_fill(st, 1, st->level);	/* its any_of's */
	}
}

void
prof_apply(const struct prof *pr, struct plan *p)
{
	struct prof_case *e[2];
	size_t i, j;

	/* Its name means what it inherits wherever a profile is asked
	 * about (sysctl pins and requires are linux's). */
	plan_profile_alias(pr->name, pr->inherits);
	for (i = 0; i < p->ncases; i++) {
		find_both(pr, &p->cases[i], e);
		for (j = 0; j < 2; j++)
			if (e[j] != NULL)
				apply_case(e[j], &p->cases[i]);
		resolve_steps(pr, p->cases[i].steps, p->cases[i].nsteps);
	}
}

void
prof_free(struct prof *pr)
{
	size_t i;

	if (pr == NULL)
		return;
	for (i = 0; i < pr->n; i++)
		case_free(&pr->v[i]);
	free(pr->v);
	yf_errs_free(&pr->errs);
	yf_errs_free(&pr->warns);
	free(pr->name);
	free(pr->description);
	free(pr->file);
	memset(pr, 0, sizeof(*pr));
}
