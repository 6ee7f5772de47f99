/*
 * script-ctx.c - the YAML loader's context (struct ld), the bottom of the
 * loader: messages at file:line:col, the plan's budget, the nodes of the
 * current document and quoting them in messages.  Every other script*.c
 * builds on this file; it calls none of them.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "util.h"

/* ---- messages ---------------------------------------------------------- */

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

void
scr_errs_add(struct scr_errs *errs, const char *where, const char *fmt, ...)
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
		scr_errs_add(ld->errs, ld->file,
		    "too many errors, giving up on this file");
		ld->stop = true;
		return;
	}
	where = xasprintf("%s:%zu:%zu", ld->file, m->line + 1, m->column + 1);
	errs_vadd(ld->errs, where, fmt, ap);
	free(where);
}

void
scr_mark_err(struct ld *ld, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, m, fmt, ap);
	va_end(ap);
}

void
scr_lerr(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, &n->start_mark, fmt, ap);
	va_end(ap);
}

/* ---- the budget -------------------------------------------------------- */

bool
scr_budget(struct ld *ld, const yaml_node_t *n, size_t nodes, size_t bytes)
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
		scr_lerr(ld, n, "the plan expands to more than %d YAML nodes "
		    "(matrix, repeat and include count every copy)",
		    SCR_MAX_NODES);
	else if (!was_over)
		scr_lerr(ld, n, "the plan expands to more than %d MiB of steps "
		    "and payloads (matrix, repeat and include count every "
		    "copy)", SCR_MAX_PLAN_BYTES / (1024 * 1024));
	/* Nothing after this could load: say it once. */
	ld->stop = true;
	return false;
}

/* ---- quoting for messages ---------------------------------------------- */

/* Bytes for a message: non-printable ones escaped, long values cut. */
const char *
scr_quote(const unsigned char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o + 8 >= len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f)
			buf[o++] = (char)s[i];
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x",
			    s[i]);
	}
	buf[o] = '\0';
	return buf;
}

/* A scalar node's value for a message. */
const char *
scr_qs(const yaml_node_t *n, char *buf, size_t len)
{
	if (n->type != YAML_SCALAR_NODE)
		return n->type == YAML_MAPPING_NODE ? "{...}" : "[...]";
	return scr_quote(n->data.scalar.value, n->data.scalar.length, buf, len);
}

/*
 * "a, b, c", or "a, b or c" with last = " or ", from a table whose entries
 * start with their name (a struct's first member, or a plain string).
 */
const char *
scr_join(char *buf, size_t len, const void *tab, size_t n, size_t stride,
    const char *last)
{
	const char *const *name;
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		name = (const char *const *)(const void *)
		    ((const char *)tab + i * stride);
		snprintf(buf + o, len - o, "%s%s",
		    i == 0 ? "" : i == n - 1 ? last : ", ", *name);
		o += strlen(buf + o);
	}
	return buf;
}

/* ---- nodes ------------------------------------------------------------- */

yaml_node_t *
scr_node(struct ld *ld, int id)
{
	yaml_node_t *n = yaml_document_get_node(ld->doc, id);

	if (n == NULL)
		fatalx("script: yaml node %d missing", id);
	/* Over the budget the caller goes on with n, but ld->stop ends
	 * every loop that could expand further. */
	scr_budget(ld, n, 1, 0);
	return n;
}

yaml_node_t *
scr_item(struct ld *ld, const yaml_node_t *n, size_t i)
{
	return scr_node(ld, n->data.sequence.items.start[i]);
}

struct plan_pos
scr_pos(struct ld *ld, const yaml_node_t *n)
{
	struct plan_pos p;

	p.file = ld->file;
	p.line = (int)n->start_mark.line + 1;
	p.col = (int)n->start_mark.column + 1;
	return p;
}

size_t
scr_npairs(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top -
	    n->data.mapping.pairs.start);
}

size_t
scr_nitems(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
}

/* A plain empty, "~" or "null" scalar: what "key:" alone gives. */
bool
scr_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < NITEMS(nulls); i++)
		if (strcmp((const char *)n->data.scalar.value, nulls[i]) == 0)
			return true;
	return false;
}

/* Does scalar n spell name exactly (no NUL tricks)? */
bool
scr_is_word(const yaml_node_t *n, const char *name)
{
	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(name) &&
	    memcmp(n->data.scalar.value, name, n->data.scalar.length) == 0;
}
