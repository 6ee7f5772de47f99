/*
 * script-param.c - the YAML loader's ${name} parameters (a matrix
 * combination's, an include's): a list of names and values, and their
 * substitution into the scalars of a document, undone after each expansion
 * so the document can be expanded again.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "util.h"

void
scr_params_add(struct params *ps, const char *name, size_t nlen,
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
scr_params_free(struct params *ps)
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
				scr_lerr(ld, n, "unknown parameter '%s'",
				    scr_quote((const unsigned char *)s + i,
				    (size_t)(end - s - i) + 1, q, sizeof(q)));
				free(out);
				return;
			}
			vl = strlen(val);
		}
		if (o + vl + 1 > cap) {
			cap = (o + vl + 1) * 2;
			if (cap > SCR_MAX_FILE) {
				scr_lerr(ld, n, "scalar longer than %d bytes "
				    "after substituting parameters",
				    SCR_MAX_FILE);
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
scr_subst_doc(struct ld *ld, yaml_document_t *doc, int skipid,
    const struct params *ps, struct swaps *sw)
{
	size_t i, nn = (size_t)(doc->nodes.top - doc->nodes.start);
	bool *skip = xcalloc(nn + 1, sizeof(*skip));

	if (skipid != 0)
		mark_tree(doc, skipid, skip);
	/* Every matrix combination walks the whole document again. */
	if (nn > 0 && !scr_budget(ld, yaml_document_get_root_node(doc), nn, 0))
		nn = 0;
	for (i = 0; i < nn && !ld->stop; i++)
		if (!skip[i] && doc->nodes.start[i].type == YAML_SCALAR_NODE)
			subst_node(ld, &doc->nodes.start[i], ps, sw);
	free(skip);
}

void
scr_unswap(struct swaps *sw)
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
