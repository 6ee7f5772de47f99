#include "a.h"
#include "b.h"

static const int two[2] = { 1, 1 };

/* a_sum()'s six counted lines again, laid out and commented otherwise. */
int
b_twice(void)
{
	const int *v = two;
	int n = a_get();
	int i,   s = 0;	/* the sum */

	for (i = 0;   i < n; i++) {
		/* only the positive ones */
		if (v[i] < 0)
			continue;

		s += v[i];
	}
	s *= 2;
	return b_extra(s);
}
