/*
 * test_runid.c - unit tests for what tells one run from another (runid.c,
 * guard_table_name in guard.c): two runs get different ids and guard table
 * names, even with the same pid (two containers' PID 1 sharing the host
 * network), and a second run picks a source port range that does not
 * overlap the one the first run holds.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "runid.h"

static void
test_ids_differ(void **state)
{
	uint64_t a, b;
	char sa[RUNID_STRLEN], sb[RUNID_STRLEN];
	char ta[64], tb[64];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		a = runid_new();
		b = runid_new();
		assert_true(a != 0 && b != 0);
		assert_true(a != b);
		runid_str(a, sa, sizeof(sa));
		runid_str(b, sb, sizeof(sb));
		assert_int_equal(strlen(sa), 16);
		assert_string_not_equal(sa, sb);
		guard_table_name(a, ta, sizeof(ta));
		guard_table_name(b, tb, sizeof(tb));
		assert_string_not_equal(ta, tb);
		assert_memory_equal(ta, GUARD_TABLE "_",
		    strlen(GUARD_TABLE) + 1);
	}
	/* The name is what nft accepts: letters, digits, underscore. */
	guard_table_name(0x0123456789abcdefULL, ta, sizeof(ta));
	assert_string_equal(ta, "tcpconform_0123456789abcdef");
}

/* Two runs at once: the second never gets a port the first holds. */
static void
test_ports_per_run(void **state)
{
	struct run_ports *a, *b;
	uint16_t alo, ahi, blo, bhi;
	char err[256];
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		a = runid_ports(64, 20000, 20200, &alo, &ahi, err, sizeof(err));
		assert_non_null(a);
		assert_int_equal(ahi - alo + 1, 64);
		assert_true(alo >= 20000 && ahi <= 20200);
		b = runid_ports(64, 20000, 20200, &blo, &bhi, err, sizeof(err));
		assert_non_null(b);
		assert_true(bhi < alo || blo > ahi);
		runid_ports_free(b);
		runid_ports_free(a);
	}
	/* Three ranges of 64 cannot all fit in 100 ports. */
	a = runid_ports(64, 30000, 30099, &alo, &ahi, err, sizeof(err));
	assert_non_null(a);
	b = runid_ports(64, 30000, 30099, &blo, &bhi, err, sizeof(err));
	assert_null(b);
	assert_non_null(strstr(err, "no range of 64 free source ports"));
	runid_ports_free(a);
	assert_null(runid_ports(101, 30000, 30099, &alo, &ahi, err,
	    sizeof(err)));
}

/* The port range is not a function of the pid: two picks differ. */
static void
test_ports_random(void **state)
{
	struct run_ports *a;
	uint16_t lo, hi, first = 0;
	char err[256];
	int i, differ = 0;

	(void)state;
	for (i = 0; i < 20; i++) {
		a = runid_ports(64, 20000, 32767, &lo, &hi, err, sizeof(err));
		assert_non_null(a);
		if (i == 0)
			first = lo;
		else if (lo != first)
			differ = 1;
		runid_ports_free(a);
	}
	assert_true(differ);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_differ),
		cmocka_unit_test(test_ports_per_run),
		cmocka_unit_test(test_ports_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
