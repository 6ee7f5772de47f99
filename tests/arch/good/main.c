#include "a.h"
#include "b.h"

int
main(void)
{
	int v[2] = { 1, 1 };

	a_set(a_sum(v, 2));
	return b_twice() == 4 ? 0 : 1;
}
