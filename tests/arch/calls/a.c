#include "a.h"
#include "b.h"

static int value;

int
a_get(void)
{
	return value;
}

/* Calls into b.c, which calls a_get(): a cycle between a.c and b.c. */
void
a_set(int v)
{
	value = v > 100 ? b_twice() : v;
}

int
a_sum(const int *v, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		if (v[i] < 0)
			continue;
		s += v[i];
	}
	s *= 2;
	return s;
}
