/*
 * script-case.c - the YAML loader's test cases: one YAML document is one
 * case, its top-level keys (id, title, service, rfc, tags, steps, timeout,
 * sysctl, requires, exclusive, level) and its matrix, expanded into one
 * case per combination of parameters; and the plan's case ids, hashed for
 * the duplicate check.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "shq.h"
#include "util.h"

/* ---- case ids ---------------------------------------------------------- */

/* FNV-1a. */
static size_t
id_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static void
idset_grow(struct idset *ids, const struct plan *p)
{
	size_t *old = ids->slot, oldcap = ids->cap, i;

	ids->cap = oldcap != 0 ? oldcap * 2 : 64;
	ids->slot = xcalloc(ids->cap, sizeof(*ids->slot));
	ids->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			scr_ids_add(ids, p, old[i] - 1);
	free(old);
}

void
scr_ids_add(struct idset *ids, const struct plan *p, size_t ci)
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

	if ((s = scr_get_str(ld, n, "id")) == NULL)
		return;
	if (!chars_ok(s, "/_.-")) {
		scr_lerr(ld, n,
		    "bad case id '%s': use letters, digits and / _ . -",
		    scr_qs(n, q, sizeof(q)));
		return;
	}
	c->id = xstrdup(s);
	c->pos = scr_pos(ld, n);
}

static void
case_title(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;
	const char *s;

	if ((s = scr_get_str(ld, n, "title")) != NULL)
		c->title = xstrdup(s);
}

static void
case_service(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;
	const char *s;
	char q[QLEN];

	if ((s = scr_get_str(ld, n, "service")) == NULL)
		return;
	if (!chars_ok(s, "_.-")) {
		scr_lerr(ld, n,
		    "bad service name '%s': use letters, digits and _ . -",
		    scr_qs(n, q, sizeof(q)));
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
		if ((s = scr_get_str(ld, n, what)) == NULL)
			return;
		*v = xcalloc(1, sizeof(**v));
		(*v)[(*nv)++] = xstrdup(s);
		return;
	}
	*v = xcalloc(scr_nitems(n), sizeof(**v));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if ((s = scr_get_str(ld, scr_node(ld, *it), what)) != NULL)
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
		scr_lerr(ld, n, "steps must be a sequence of steps");
		return;
	}
	if ((ns = scr_nitems(n)) == 0) {
		scr_lerr(ld, n, "steps must not be empty");
		return;
	}
	if (ns > SCR_MAX_STEPS) {
		scr_lerr(ld, n, "too many steps (%zu, at most %d)", ns,
		    SCR_MAX_STEPS);
		return;
	}
	/* Zeroed steps are connects, which own nothing: plan_free is safe
	 * on a half-filled array. */
	scr_parse_steps(ld, n, &sv);
	c->steps = sv.v;
	c->nsteps = sv.n;
}

/*
 * A mapping of sysctl name: value; a bare name is under net.ipv4, and
 * sysctl(8)'s slash form (net/ipv4/x) is the dotted one.  Names and values
 * reach the target's shell through the hook, so both must pass shq.h's
 * grammar here, before anything runs.
 */
static void
get_sysctls(struct ld *ld, yaml_node_t *n, const char *what,
    struct plan_sysctl **v, size_t *nv)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *vn;
	const char *name, *val;
	char q[QLEN], *key, *p;

	if (n->type != YAML_MAPPING_NODE || scr_npairs(n) == 0) {
		scr_lerr(ld, n, "%s must be a mapping of name: value, e.g. "
		    "{tcp_fin_timeout: 5}", what);
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top && !ld->stop; pr++) {
		k = scr_node(ld, pr->key);
		if ((name = scr_get_str(ld, k, "sysctl name")) == NULL)
			continue;
		key = strchr(name, '.') != NULL || strchr(name, '/') != NULL ?
		    xstrdup(name) : xasprintf("net.ipv4.%s", name);
		if (strchr(key, '.') == NULL)
			for (p = key; *p != '\0'; p++)
				if (*p == '/')
					*p = '.';
		if (!shq_sysctl_key_ok(key)) {
			scr_lerr(ld, k, "bad sysctl name '%s': dot-separated "
			    "words of letters, digits, _ and - (at most %d "
			    "bytes)", scr_qs(k, q, sizeof(q)),
			    SHQ_SYSCTL_KEY_MAX);
			free(key);
			continue;
		}
		vn = scr_node(ld, pr->value);
		if ((val = scr_get_str(ld, vn, "sysctl value")) == NULL) {
			free(key);
			continue;
		}
		if (!shq_sysctl_value_ok(val)) {
			scr_lerr(ld, vn, "bad value '%s' for sysctl %s: words "
			    "of letters, digits and _ . : + - separated by one "
			    "blank (at most %d bytes)",
			    scr_qs(vn, q, sizeof(q)), key, SHQ_SYSCTL_VAL_MAX);
			free(key);
			continue;
		}
		*v = xreallocarray(*v, *nv + 1, sizeof(**v));
		(*v)[*nv].key = key;
		(*v)[*nv].value = xstrdup(val);
		(*v)[*nv].pos = scr_pos(ld, k);
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
req_sysctl(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	get_sysctls(ld, n, "requires sysctl", &c->req_sysctl,
	    &c->nreq_sysctl);
}

static void
req_options(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	scr_opt_kinds(ld, n, c->req_opts, &c->nreq_opts, PLAN_REQ_OPTS);
}

static const struct field req_fields[] = {
	F_KIND("root", FLD_BOOL, struct plan_case, req_root, "root", false),
	F_KIND("ipv6", FLD_BOOL, struct plan_case, req_ipv6, "ipv6", false),
	F_KIND("ipv4", FLD_BOOL, struct plan_case, req_ipv4, "ipv4", false),
	F_FN("sysctl", req_sysctl, false),
	F_FN("options", req_options, false),
};

static void
case_requires(struct ld *ld, yaml_node_t *n, void *dst)
{
	char keys[128];

	if (n->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, n, "requires takes a mapping of: %s",
		    JOIN(keys, req_fields, NITEMS(req_fields), ", "));
		return;
	}
	scr_map_fields(ld, n, "requires", req_fields, NITEMS(req_fields), dst);
}

static void
case_level(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	scr_get_level(ld, n, &c->level);
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
	F_FN("id", case_id, true),
	F_FN("title", case_title, true),
	F_FN("rfc", case_rfc, false),
	F_FN("service", case_service, true),
	F_FN("tags", case_tags, false),
	F_FN("steps", case_steps, true),
	F_KIND("timeout", FLD_DURATION, struct plan_case, timeout_ns,
	    "timeout", false),
	F_FN("sysctl", case_sysctl, false),
	F_FN("requires", case_requires, false),
	F_KIND("exclusive", FLD_BOOL, struct plan_case, exclusive,
	    "exclusive", false),
	F_FN("matrix", case_matrix, false),
	F_FN("level", case_level, false),
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
	c->pos = scr_pos(ld, root);
	ld->c = c;
	ld->params = ps;
	ld->nsteps = 0;
	ld->nest = 0;
	ld->toomany = false;
	scr_subst_doc(ld, ld->doc, matrixid, ps, &sw);
	/* After a bad ${name}, the rest would only be noise. */
	if (ld->nerr == e0)
		scr_map_fields(ld, root, NULL, case_fields, NITEMS(case_fields),
		    c);
	scr_unswap(&sw);
	/* The keys come in any order: steps learn the case's level now. */
	plan_levels_fill(c->steps, c->nsteps, c->level);
	free(ld->captured);
	ld->captured = NULL;
	ld->c = NULL;
	ld->params = NULL;
	/* A pin changes the target for every connection: run alone.  A
	 * requires only reads, before any pin, so it may share the target. */
	if (c->nsysctl > 0)
		c->exclusive = true;
	/* A stop (the plan's budget, maybe crossed before this case began)
	 * silences later messages: what was parsed is incomplete. */
	if (ld->stop && ld->nerr == e0)
		ld->nerr++;
	if (ld->nerr == e0 && suffix != NULL) {
		id = xasprintf("%s%s", c->id, suffix);
		free(c->id);
		c->id = id;
	}
	if (ld->nerr == e0 &&
	    (o = idset_find(&ld->ids, ld->p, c->id)) != NULL) {
		yaml_mark_t m = { 0, (size_t)c->pos.line - 1,
		    (size_t)c->pos.col - 1 };

		scr_mark_err(ld, &m, "duplicate case id '%s' (first defined at "
		    "%s:%d:%d)", scr_quote((const unsigned char *)c->id,
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
	scr_ids_add(&ld->ids, ld->p, ld->p->ncases - 1);
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
	if (m->type != YAML_MAPPING_NODE || scr_npairs(m) == 0) {
		scr_lerr(ld, m, "matrix must be a mapping of parameter: "
		    "[values] or parameter: {name: value}");
		return 0;
	}
	*mpp = mp = xcalloc(scr_npairs(m), sizeof(*mp));
	for (pr = m->data.mapping.pairs.start;
	    pr < m->data.mapping.pairs.top; pr++) {
		k = scr_node(ld, pr->key);
		v = scr_node(ld, pr->value);
		if (scr_get_str(ld, k, "matrix parameter") == NULL)
			continue;
		if (scr_var_len((const char *)k->data.scalar.value) !=
		    k->data.scalar.length) {
			scr_lerr(ld, k, "bad matrix parameter '%s': use "
			    "letters, digits and _, not starting with a digit",
			    scr_qs(k, q, sizeof(q)));
			continue;
		}
		for (i = 0; i < *np; i++)
			if (strcmp(mp[i].name,
			    (const char *)k->data.scalar.value) == 0)
				break;
		if (i < *np) {
			scr_lerr(ld, k, "duplicate matrix parameter '%s'",
			    scr_qs(k, q, sizeof(q)));
			continue;
		}
		if (v->type == YAML_SEQUENCE_NODE && scr_nitems(v) > 0) {
			mp[*np].n = scr_nitems(v);
			mp[*np].names = xcalloc(scr_nitems(v), sizeof(k));
			mp[*np].values = xcalloc(scr_nitems(v), sizeof(k));
			for (it = v->data.sequence.items.start, j = 0;
			    it < v->data.sequence.items.top; it++, j++) {
				mp[*np].names[j] = mp[*np].values[j] =
				    scr_node(ld, *it);
				scr_get_str(ld, scr_node(ld, *it),
				    "matrix value");
			}
		} else if (v->type == YAML_MAPPING_NODE && scr_npairs(v) > 0) {
			mp[*np].n = scr_npairs(v);
			mp[*np].names = xcalloc(scr_npairs(v), sizeof(k));
			mp[*np].values = xcalloc(scr_npairs(v), sizeof(k));
			for (vp = v->data.mapping.pairs.start, j = 0;
			    vp < v->data.mapping.pairs.top; vp++, j++) {
				mp[*np].names[j] = scr_node(ld, vp->key);
				mp[*np].values[j] = scr_node(ld, vp->value);
				scr_get_str(ld, mp[*np].names[j],
				    "matrix name");
				scr_get_str(ld, mp[*np].values[j],
				    "matrix value");
			}
		} else {
			scr_lerr(ld, v, "matrix parameter '%s' must be a "
			    "sequence of values or a mapping of name: value",
			    scr_qs(k, q, sizeof(q)));
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
		scr_lerr(ld, m, "matrix has more than %d combinations",
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

void
scr_case_load(struct ld *ld, yaml_node_t *root)
{
	struct mparam *mp = NULL;
	struct params ps;
	yaml_node_pair_t *pr;
	yaml_node_t *m = NULL, *nm, *vl;
	size_t np = 0, combos, ci, i, idx, stride, e0, o;
	char *suffix;
	int mid = 0;

	if (scr_is_null(root))
		return;		/* an empty document: a trailing "---" */
	if (root->type != YAML_MAPPING_NODE) {
		scr_lerr(ld, root, "a test case must be a mapping with keys "
		    "id, title, service and steps");
		return;
	}
	/* Not one key of a case: some other file (check /etc/shadow).
	 * Say so once, without quoting any of its keys. */
	for (pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		for (i = 0; i < NITEMS(case_fields); i++)
			if (scr_is_word(scr_node(ld, pr->key),
			    case_fields[i].name))
				break;
		if (i < NITEMS(case_fields))
			break;
	}
	if (pr == root->data.mapping.pairs.top) {
		scr_lerr(ld, root, "not a test case: a mapping without any of "
		    "the keys id, title, service and steps");
		ld->stop = true;
		return;
	}
	for (pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top && m == NULL; pr++)
		if (scr_is_word(scr_node(ld, pr->key), "matrix")) {
			m = scr_node(ld, pr->value);
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
			scr_params_add(&ps, mp[i].name, strlen(mp[i].name),
			    (const char *)vl->data.scalar.value,
			    vl->data.scalar.length);
			o = strlen(mp[i].name);
			scr_params_add(&ps, mp[i].name, o,
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
		scr_params_free(&ps);
		/* The same mistake in every expansion: report it once. */
		if (ld->nerr != e0)
			break;
	}
	mparams_free(mp, np);
}
