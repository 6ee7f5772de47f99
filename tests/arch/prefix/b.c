#include "a.h"
#include "b.h"

int	twice_helper(int);

/* External, and not b_: the prefix rule must name it. */
int
twice_helper(int s)
{
	return b_extra(s);
}

int
b_twice(void)
{
	return twice_helper(a_get() * 2);
}
