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
lerr(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mark_verr(ld, &n->start_mark, fmt, ap);
	va_end(ap);
}

/* ---- the budget -------------------------------------------------------- */

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
