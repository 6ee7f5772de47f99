/*
 * test_safe.c - what reaches a terminal from a case or a target: titles,
 * messages and traces are escaped (tc_strsafe in util.c) in list and in
 * the text and TAP reports; JSON and JUnit escape in their own syntax.
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

#include "plan.h"
#include "report.h"
#include "util.h"

static void
test_strsafe(void **state)
{
	const char in[] = "a\x1b[2Jb\x07\x7f\xc2\x9b" "c\xff\n" "Z\xc3\xbcrich";
	char *s;

	(void)state;
	s = tc_strsafe(in, sizeof(in) - 1, 0);
	assert_string_equal(s, "a\\x1b[2Jb\\x07\\x7f\\xc2\\x9bc\\xff\\x0a"
	    "Z\xc3\xbcrich");
	free(s);
	s = tc_strsafe("x\ny\t", 4, 1);
	assert_string_equal(s, "x\ny\\x09");
	free(s);
}

/* No byte of a case's text reaches the report raw. */
static void
report_has_no_controls(enum rep_format f)
{
	struct plan_case pc = { 0 };
	struct plan plan = { 0 };
	struct rep_cfg cfg = { 0 };
	struct rep_result res = { 0 };
	struct rep *r;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	pc.id = (char *)"t/\x1b[31mred";
	pc.title = (char *)"\x1b]0;pwned\x07";
	plan.cases = &pc;
	plan.ncases = 1;
	cfg.format = f;
	cfg.plan = &plan;
	res.pc = &pc;
	res.verdict = REP_SKIP;
	res.msg = "exec '\x1b[2J' failed";
	res.trace = "\x1b[H in  [S]\n";
	r = rep_open(out, &cfg);
	rep_case(r, &res);
	res.verdict = REP_FAIL;
	rep_case(r, &res);
	rep_summary(r, 0);
	rep_free(r);
	fclose(out);
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n')
			fail_msg("format %d: byte 0x%02x at %zu in:\n%s", f,
			    (unsigned char)buf[i], i, buf);
	free(buf);
}

static void
test_report(void **state)
{
	(void)state;
	report_has_no_controls(REP_TEXT);
	report_has_no_controls(REP_TAP);
	report_has_no_controls(REP_JUNIT);
	report_has_no_controls(REP_JSON);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strsafe),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
