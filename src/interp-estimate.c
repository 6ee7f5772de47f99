/*
 * interp-estimate.c - how long a case takes, summed over its steps: each
 * step kind estimates itself (step_ops.estimate, next to the code that
 * runs it), so the estimate follows the engine (interp_duration).
 */
#include "config.h"

#include <stdint.h>

#include "interp-int.h"
#include "plan.h"

uint64_t
cr_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void
cr_est_add(struct step_est *e, uint64_t typ, uint64_t max)
{
	e->typ = cr_sat_add(e->typ, typ);
	e->max = cr_sat_add(e->max, max);
	e->since = cr_sat_add(e->since, typ);
}

void
cr_estimate(const struct plan_step *steps, size_t n, struct step_est *e)
{
	const struct step_ops *ops;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!plan_step_runs(&steps[i], e->profile))
			continue;
		ops = e->tab[steps[i].kind];
		if (ops->estimate != NULL)
			ops->estimate(&steps[i], e);
	}
}
