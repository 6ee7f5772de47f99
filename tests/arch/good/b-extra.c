#include "b.h"

/*
 * Lines that do not count (comments, braces, "break;", "return ...;",
 * blank lines) cannot make a copy: b_extra() and b_extra_too() have the
 * same nine-line body, of which two lines count.
 */
int
b_extra(int s)
{
	switch (s) {
	case 0:
		break;
	}
	{
		return s;
	}
}

static int
b_extra_too(int s)
{
	switch (s) {
	case 0:
		/* nothing */
		break;
	}
	{
		return s;
	}
}
