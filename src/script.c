/*
 * script.c - load YAML test cases into a plan.
 *
 * libyaml's document API gives every node its start mark, which is what
 * messages point at.  The schema is walked with tables: the top level, each
 * step kind, each option and each nested mapping list their keys with one
 * parser per key (or a generic one by the key's kind), so unknown,
 * duplicate and missing keys are checked in one place, map_fields() in
 * script-value.c.  Parsing goes on after an error so that a run reports
 * every mistake at once; a case with an error is not added to the plan.
 *
 * The loader must survive hostile input: files are capped in size, aliases
 * are refused (no billion laughs), and recursion only follows the schema, so
 * its depth is bounded whatever the nesting of the YAML.
 *
 * This file has the public API, files and directories, documents and the
 * pre-scan, cases, matrix and ${name} parameters; script-step.c parses
 * steps and script-value.c scalars, options and key tables
 * (script-int.h declares what they share).
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
#include "script-int.h"
#include "seg.h"
#include "shq.h"
#include "tcpsm.h"
#include "util.h"

/* ---- messages ---------------------------------------------------------- */

static void errs_add(struct scr_errs *, const char *, const char *, ...)
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

void
mark_err(struct ld *ld, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, m, fmt, ap);
	va_end(ap);
}

/* A message about node n, at its first character. */
void
lerr(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, &n->start_mark, fmt, ap);
	va_end(ap);
}


bool
budget(struct ld *ld, const yaml_node_t *n, size_t nodes, size_t bytes)
{
	struct plan *p = ld->p;
	bool was_over = p->load_nodes > SCR_MAX_NODES ||
	    p->load_bytes > SCR_MAX_PLAN_BYTES;

	if (ld->stop)
		return false;
	p->load_nodes += nodes;
	p->load_bytes += bytes;
	if (p->load_nodes <= SCR_MAX_NODES &&
	    p->load_bytes <= SCR_MAX_PLAN_BYTES)
		return true;
	/* Said once per plan: the files after it stop quietly. */
	if (!was_over && p->load_nodes > SCR_MAX_NODES)
		lerr(ld, n, "the plan expands to more than %d YAML nodes "
		    "(matrix, repeat and include count every copy)",
		    SCR_MAX_NODES);
	else if (!was_over)
		lerr(ld, n, "the plan expands to more than %d MiB of steps "
		    "and payloads (matrix, repeat and include count every "
		    "copy)", SCR_MAX_PLAN_BYTES / (1024 * 1024));
	/* Nothing after this could load: say it once. */
	ld->stop = true;
	return false;
}

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

/* ---- parameters -------------------------------------------------------- */

void
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

void
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
void
subst_doc(struct ld *ld, yaml_document_t *doc, int skipid,
    const struct params *ps, struct swaps *sw)
{
	size_t i, nn = (size_t)(doc->nodes.top - doc->nodes.start);
	bool *skip = xcalloc(nn + 1, sizeof(*skip));

	if (skipid != 0)
		mark_tree(doc, skipid, skip);
	/* Every matrix combination walks the whole document again. */
	if (nn > 0 && !budget(ld, yaml_document_get_root_node(doc), nn, 0))
		nn = 0;
	for (i = 0; i < nn && !ld->stop; i++)
		if (!skip[i] && doc->nodes.start[i].type == YAML_SCALAR_NODE)
			subst_node(ld, &doc->nodes.start[i], ps, sw);
	free(skip);
}

void
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
		key = strchr(name, '.') != NULL || strchr(name, '/') != NULL ?
		    xstrdup(name) : xasprintf("net.ipv4.%s", name);
		if (strchr(key, '.') == NULL)
			for (p = key; *p != '\0'; p++)
				if (*p == '/')
					*p = '.';
		if (!shq_sysctl_key_ok(key)) {
			lerr(ld, k, "bad sysctl name '%s': dot-separated words "
			    "of letters, digits, _ and - (at most %d bytes)",
			    qs(k, q, sizeof(q)), SHQ_SYSCTL_KEY_MAX);
			free(key);
			continue;
		}
		vn = node(ld, pr->value);
		if ((val = get_str(ld, vn, "sysctl value")) == NULL) {
			free(key);
			continue;
		}
		if (!shq_sysctl_value_ok(val)) {
			lerr(ld, vn, "bad value '%s' for sysctl %s: words of "
			    "letters, digits and _ . : + - separated by one "
			    "blank (at most %d bytes)", qs(vn, q, sizeof(q)),
			    key, SHQ_SYSCTL_VAL_MAX);
			free(key);
			continue;
		}
		*v = xreallocarray(*v, *nv + 1, sizeof(**v));
		(*v)[*nv].key = key;
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
req_sysctl(struct ld *ld, yaml_node_t *n, void *dst)
{
	struct plan_case *c = dst;

	get_sysctls(ld, n, "requires sysctl", &c->req_sysctl,
	    &c->nreq_sysctl);
}

static const struct field req_fields[] = {
	F_KIND("root", FLD_BOOL, struct plan_case, req_root, "root", false),
	F_KIND("ipv6", FLD_BOOL, struct plan_case, req_ipv6, "ipv6", false),
	F_KIND("ipv4", FLD_BOOL, struct plan_case, req_ipv4, "ipv4", false),
	F_FN("sysctl", req_sysctl, false),
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
	/* Not one key of a case: some other file (check /etc/shadow).
	 * Say so once, without quoting any of its keys. */
	for (pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		for (i = 0; i < NITEMS(case_fields); i++)
			if (is_word(node(ld, pr->key), case_fields[i].name))
				break;
		if (i < NITEMS(case_fields))
			break;
	}
	if (pr == root->data.mapping.pairs.top) {
		lerr(ld, root, "not a test case: a mapping without any of "
		    "the keys id, title, service and steps");
		ld->stop = true;
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
void
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

void
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
const char *
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
 *
 * Only regular files: a FIFO or a device could block for ever.  Opened
 * O_NONBLOCK too, since some files that stat calls regular block on read
 * (/proc/kmsg); they fail with EAGAIN instead.  The buffer starts at the
 * size fstat gives (a case is a few kB) and grows only for files that
 * report no size, such as those in /proc.
 */
int
read_all(const char *path, char **buf, size_t *lenp, char *why,
    size_t whylen)
{
	struct stat sb = { 0 };
	size_t len = 0, cap;
	ssize_t r;
	int fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(why, whylen, "%s", S_ISREG(sb.st_mode) ?
		    strerror(errno) : "not a regular file");
		close(fd);
		return -1;
	}
	/* One byte more than allowed tells a too large file apart. */
	cap = sb.st_size >= SCR_MAX_FILE ? SCR_MAX_FILE + 1 :
	    (size_t)sb.st_size + 1;
	if (cap < 4096)
		cap = 4096;
	*buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap == SCR_MAX_FILE + 1)
				break;
			cap = cap > (SCR_MAX_FILE + 1) / 2 ?
			    SCR_MAX_FILE + 1 : cap * 2;
			*buf = xrealloc(*buf, cap);
		}
		r = read(fd, *buf + len, cap - len);
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
	char *buf, why[128];
	size_t len = 0;

	if (read_all(path, &buf, &len, why, sizeof(why)) == -1)
		errs_add(errs, path, "cannot read: %s", why);
	else
		scr_load_buffer(path, buf, len, p, errs);
	free(buf);
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

/*
 * The directories loaded so far, by device and inode: each is read once.
 * Without this, two symbolic links to "." make 2^SCR_MAX_DEPTH paths to
 * walk, and the load never ends.
 */
struct dirs_seen {
	struct dir_seen {
		dev_t dev;
		ino_t ino;
		char *path;
	} *v;
	size_t n;
};

static void load_path(const char *, int, bool, struct dirs_seen *,
    struct plan *, struct scr_errs *);

static void
load_dir(const char *path, const struct stat *sb, int depth,
    struct dirs_seen *seen, struct plan *p, struct scr_errs *errs)
{
	struct dirent **ents;
	char *sub;
	size_t j;
	int i, n;

	if (depth >= SCR_MAX_DEPTH) {
		errs_add(errs, path, "directories nested more than %d deep "
		    "(symlink loop?)", SCR_MAX_DEPTH);
		return;
	}
	for (j = 0; j < seen->n; j++)
		if (seen->v[j].dev == sb->st_dev &&
		    seen->v[j].ino == sb->st_ino) {
			errs_add(errs, path, "directory loaded already as %s "
			    "(symlink loop?)", seen->v[j].path);
			return;
		}
	seen->v = xreallocarray(seen->v, seen->n + 1, sizeof(*seen->v));
	seen->v[seen->n++] = (struct dir_seen){ sb->st_dev, sb->st_ino,
	    xstrdup(path) };
	if ((n = scandir(path, &ents, visible, by_name)) == -1) {
		errs_add(errs, path, "cannot open: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		load_path(sub, depth + 1, false, seen, p, errs);
		free(sub);
		free(ents[i]);
	}
	free(ents);
}

/* named: given by the user, so loaded whatever its name. */
static void
load_path(const char *path, int depth, bool named, struct dirs_seen *seen,
    struct plan *p, struct scr_errs *errs)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		if (named || yaml_name(path))
			errs_add(errs, path, "cannot open: %s",
			    strerror(errno));
		return;
	}
	if (S_ISDIR(sb.st_mode))
		load_dir(path, &sb, depth, seen, p, errs);
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
	struct dirs_seen seen = { NULL, 0 };
	size_t n0 = errs->n, i;

	if (*path == '\0') {
		errs_add(errs, "(empty path)", "cannot open: %s",
		    strerror(ENOENT));
		return 1;
	}
	load_path(path, 0, true, &seen, p, errs);
	for (i = 0; i < seen.n; i++)
		free(seen.v[i].path);
	free(seen.v);
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

