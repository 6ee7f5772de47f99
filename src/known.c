/*
 * known.c - the expectation file of --expect (known.h), read with
 * libyaml's document API like the case loader, and as strictly: every
 * problem is a "file:line:col:" message, unknown keys and duplicate ids
 * are errors, and an id must name a case of the run (known_check).  The
 * walk never goes deeper than root, list, entry, value, so an alias that
 * loops back cannot make it recurse.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "known.h"
#include "plan.h"
#include "util.h"

#define KERR(k, n, ...)	YF_NERR(&(k)->errs, (n), __VA_ARGS__)

/* The keys of an entry, in the order of struct known_entry. */
static const char *const entry_keys[] = { "id", "reason", "rfc" };
#define NKEYS 3

/* The index of key kn in entry_keys, or NKEYS. */
static size_t
entry_key(const yaml_node_t *kn)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (yf_is_word(kn, entry_keys[i]))
			break;
	return i;
}

/* One item of the expect list: {id, reason, rfc}. */
static void
get_entry(struct known *k, yaml_document_t *doc, const yaml_node_t *n)
{
	const char *const *keys = entry_keys;
	char *val[NKEYS] = { NULL, NULL, NULL }, *q;
	yaml_node_pair_t *pr;
	yaml_node_t *kn;
	size_t e0 = k->errs.n, i;

	if (n->type != YAML_MAPPING_NODE) {
		KERR(k, n, "an expect entry must be a mapping of id, reason "
		    "and rfc");
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top; pr++) {
		kn = yaml_document_get_node(doc, pr->key);
		if ((i = entry_key(kn)) == NKEYS) {
			q = yf_quote(kn);
			KERR(k, kn, "unknown key '%s' in an expect entry "
			    "(expected id, reason or rfc)", q);
			free(q);
		} else if (val[i] != NULL)
			KERR(k, kn, "duplicate key '%s'", keys[i]);
		else
			val[i] = yf_get_str(&k->errs,
			    yaml_document_get_node(doc, pr->value), keys[i],
			    KNOWN_MAX_STR);
	}
	for (i = 0; i < NKEYS && k->errs.n == e0; i++)
		if (val[i] == NULL)
			KERR(k, n, "an expect entry needs %s (id, reason and "
			    "rfc: the case, why the stack fails it, and the "
			    "RFC section it deviates from)", keys[i]);
	if (k->errs.n != e0) {
		for (i = 0; i < NKEYS; i++)
			free(val[i]);
		return;
	}
	k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
	k->v[k->n].id = val[0];
	k->v[k->n].reason = val[1];
	k->v[k->n].rfc = val[2];
	k->v[k->n].line = (int)n->start_mark.line + 1;
	k->v[k->n].col = (int)n->start_mark.column + 1;
	k->n++;
}

static void
get_list(struct known *k, yaml_document_t *doc, const yaml_node_t *n)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE) {
		KERR(k, n, "expect must be a sequence of {id, reason, rfc}");
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		get_entry(k, doc, yaml_document_get_node(doc, *it));
}

/* The top level: {stack, expect}. */
static void
get_root(struct known *k, yaml_document_t *doc, const yaml_node_t *root)
{
	yaml_node_pair_t *pr;
	yaml_node_t *kn, *vn;
	bool seen = false, seen_stack = false;
	char *q;

	if (root->type != YAML_MAPPING_NODE) {
		KERR(k, root, "an expectation file must be a mapping with "
		    "expect (and stack)");
		return;
	}
	for (pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		kn = yaml_document_get_node(doc, pr->key);
		vn = yaml_document_get_node(doc, pr->value);
		if (yf_is_word(kn, "stack") && !seen_stack) {
			seen_stack = true;
			k->stack = yf_get_str(&k->errs, vn, "stack",
			    KNOWN_MAX_STR);
		} else if (yf_is_word(kn, "expect") && !seen) {
			seen = true;
			get_list(k, doc, vn);
		} else if (yf_is_word(kn, "stack") || yf_is_word(kn, "expect"))
			KERR(k, kn, "duplicate key '%s'",
			    (const char *)kn->data.scalar.value);
		else {
			q = yf_quote(kn);
			KERR(k, kn, "unknown key '%s' (expected stack or "
			    "expect)", q);
			free(q);
		}
	}
	if (!seen)
		KERR(k, root, "no expect list: expect: [{id, reason, rfc}, "
		    "...]");
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct known_entry *)a)->id,
	    ((const struct known_entry *)b)->id);
}

int
known_load(const char *path, struct known *k)
{
	struct yf_doc d = { 0 };
	yaml_node_t *root;
	size_t i;

	k->file = xstrdup(path);
	k->errs.file = k->file;
	if ((root = yf_open(&k->errs, &d, KNOWN_MAX_FILE)) != NULL)
		get_root(k, &d.doc, root);
	else if (k->errs.n == 0)
		yf_err(&k->errs, 0, 0, "empty: expected stack: and expect: "
		    "[{id, reason, rfc}, ...]");
	yf_close(&k->errs, &d, true, "an expectation file");
	if (k->n > 0)
		qsort(k->v, k->n, sizeof(*k->v), entry_cmp);
	for (i = 1; i < k->n; i++)
		if (strcmp(k->v[i - 1].id, k->v[i].id) == 0) {
			const struct known_entry *a = &k->v[i - 1],
			    *b = &k->v[i];

			/* qsort is not stable: name the later one. */
			if (a->line > b->line || (a->line == b->line &&
			    a->col > b->col)) {
				const struct known_entry *t = a;

				a = b;
				b = t;
			}
			yf_err(&k->errs, (size_t)b->line, (size_t)b->col,
			    "duplicate id '%s' (first listed at line %d)",
			    b->id, a->line);
		}
	return k->errs.n > 0 ? -1 : 0;
}

int
known_check(struct known *k, const struct plan *p)
{
	bool *used;
	size_t i, e0 = k->errs.n;
	char *q;

	if (k->n == 0)
		return 0;
	used = xcalloc(k->n, sizeof(*used));
	for (i = 0; i < p->ncases; i++) {
		const struct known_entry *e = known_find(k, p->cases[i].id);

		if (e != NULL)
			used[e - k->v] = true;
	}
	for (i = 0; i < k->n; i++) {
		if (used[i])
			continue;
		q = tc_strsafe(k->v[i].id, strlen(k->v[i].id), 0);
		yf_err(&k->errs, (size_t)k->v[i].line, (size_t)k->v[i].col,
		    "unknown case id '%s': no case of the run has it", q);
		free(q);
	}
	free(used);
	return k->errs.n > e0 ? -1 : 0;
}

const struct known_entry *
known_find(const struct known *k, const char *id)
{
	struct known_entry key = { .id = (char *)id };

	if (k == NULL || k->n == 0)
		return NULL;
	return bsearch(&key, k->v, k->n, sizeof(*k->v), entry_cmp);
}

void
known_free(struct known *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n; i++) {
		free(k->v[i].id);
		free(k->v[i].reason);
		free(k->v[i].rfc);
	}
	free(k->v);
	yf_errs_free(&k->errs);
	free(k->stack);
	free(k->file);
	memset(k, 0, sizeof(*k));
}
