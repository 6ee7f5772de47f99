/*
 * test_buf.c - unit tests for the bounded trace buffer (buf.c): a case
 * that sees a million segments keeps the start and the end of its trace,
 * says how many lines it dropped, and stays within its bound.
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

#include "buf.h"

static void
test_small(void **state)
{
	struct buf b = { 0 };

	(void)state;
	assert_null(buf_text(&b));
	buf_printf(&b, "line %d\n", 1);
	buf_printf(&b, "line %d\n", 2);
	assert_string_equal(buf_text(&b), "line 1\nline 2\n");
	buf_free(&b);
}

static void
test_bounded(void **state)
{
	struct buf b = { 0 };
	const char *t, *mark;
	char last[64];
	unsigned i, n = 1000000, head;
	size_t len;

	(void)state;
	/* Each line is 22 bytes: the head holds BUF_HEAD_MAX / 22. */
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%+10.6f in  %06u\n", 0.0, i % 1000000);
		/* Memory stays bounded all along, not only at the end. */
		assert_true(b.cap <= BUF_HEAD_MAX + 1);
		assert_true(b.tn <= BUF_TAIL);
	}
	head = BUF_HEAD_MAX / 22;
	t = buf_text(&b);
	len = strlen(t);
	assert_true(len < BUF_HEAD_MAX + BUF_TAIL * 22 + 64);
	assert_int_equal(strncmp(t, " +0.000000 in  000000\n", 22), 0);
	mark = strstr(t, "[... ");
	assert_non_null(mark);
	assert_int_equal(mark - t, (long)head * 22);
	snprintf(last, sizeof(last), "[... %u lines dropped ...]\n",
	    n - head - BUF_TAIL);
	assert_int_equal(strncmp(mark, last, strlen(last)), 0);
	/* The last line is the last one added, and the tail is in order. */
	assert_string_equal(t + len - 22, " +0.000000 in  999999\n");
	assert_int_equal(strncmp(mark + strlen(last),
	    " +0.000000 in  999936\n", 22), 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
