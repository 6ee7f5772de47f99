#include "a.h"
#include "b.h"

static const int two[2] = { 1, 1 };

/* Five counted lines of a_sum() again: below the six a copy needs. */
int
b_twice(void)
{
	const int *v = two;
	int n = a_get();
	int i, s = 0;

	for (i = 0; i < n; i++) {
		if (v[i] < 0)
			continue;
		s += v[i];
	}
	return b_extra(s);
}
