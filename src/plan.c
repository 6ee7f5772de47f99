/*
 * plan.c - plan types: names and freeing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"

const char *const plan_step_names[PLAN_STEP_MAX] = {
	[PLAN_CONNECT] = "connect",
	[PLAN_SEND] = "send",
	[PLAN_EXPECT] = "expect",
	[PLAN_SILENCE] = "silence",
	[PLAN_STATE] = "state",
};

static void
free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
plan_free(struct plan *p)
{
	size_t i, j;

	for (i = 0; i < p->ncases; i++) {
		struct plan_case *c = &p->cases[i];

		free(c->id);
		free(c->title);
		free(c->service);
		free_strv(c->rfc, c->nrfc);
		free_strv(c->tags, c->ntags);
		for (j = 0; j < c->nsteps; j++) {
			struct plan_step *st = &c->steps[j];

			if (st->kind == PLAN_SEND)
				free(st->u.send.data);
			else if (st->kind == PLAN_EXPECT)
				free(st->u.expect.data);
		}
		free(c->steps);
	}
	free(p->cases);
	free_strv(p->files, p->nfiles);
	memset(p, 0, sizeof(*p));
}
