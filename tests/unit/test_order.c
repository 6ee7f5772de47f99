/*
 * test_order.c - unit tests for the start order of a parallel run
 * (interp_order in interp.c): cases that run alone first, then the others
 * longest expected first by the estimate "list" prints, under the run's
 * profile; with -j 1 the plan's order.
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

#include "interp.h"
#include "plan.h"
#include "script.h"

/*
 * Seven cases, in plan order:
 *   0 a/short     300 ms
 *   1 b/pinned    5 s, pins a sysctl: runs alone
 *   2 c/ten       10 s
 *   3 d/requires  2 s, only requires a sysctl: shares the target
 *   4 e/exclusive 0 s, exclusive: true
 *   5 f/ten-max   10 s like c, but a longer maximum (an expect's within)
 *   6 g/rfc-only  20 s under --profile rfc, 0 under linux
 */
static const char *const suite[] = {
	"id: a/short\ntitle: T\nservice: echo\n"
	"steps: [silence: 300ms]\n",
	"id: b/pinned\ntitle: T\nservice: echo\n"
	"sysctl: {tcp_fin_timeout: 5}\n"
	"steps: [wait: 5s]\n",
	"id: c/ten\ntitle: T\nservice: echo\n"
	"steps: [wait: 10s]\n",
	"id: d/requires\ntitle: T\nservice: echo\n"
	"requires: {sysctl: {tcp_timestamps: 1}}\n"
	"steps: [wait: 2s]\n",
	"id: e/exclusive\ntitle: T\nservice: echo\nexclusive: true\n"
	"steps: [connect: {}]\n",
	"id: f/ten-max\ntitle: T\nservice: echo\n"
	"steps: [wait: 10s, {expect: {flags: A, within: 5s}}]\n",
	"id: g/rfc-only\ntitle: T\nservice: echo\n"
	"steps: [{wait: 20s, profile: rfc}]\n",
};

static struct plan plan;

static int
setup(void **state)
{
	struct scr_errs errs = { 0 };
	size_t i;

	(void)state;
	memset(&plan, 0, sizeof(plan));
	for (i = 0; i < sizeof(suite) / sizeof(suite[0]); i++)
		scr_load_buffer("t.yaml", suite[i], strlen(suite[i]), &plan,
		    &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	if (errs.n > 0) {
		scr_errs_free(&errs);
		return -1;
	}
	return plan.ncases == 7 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	plan_free(&plan);
	return 0;
}

/* The ids in start order, space-separated. */
static void
order_ids(const char *profile, unsigned jobs, char *buf, size_t len)
{
	size_t order[7], i, n = 0;

	interp_order(&plan, profile, jobs, order);
	buf[0] = '\0';
	for (i = 0; i < plan.ncases; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
		    plan.cases[order[i]].id);
}

static void
test_exclusive_rule(void **state)
{
	(void)state;
	assert_true(plan.cases[1].exclusive);	/* sysctl pins */
	assert_false(plan.cases[3].exclusive);	/* requires only reads */
	assert_true(plan.cases[4].exclusive);	/* exclusive: true */
}

static void
test_alone_first_then_longest(void **state)
{
	char buf[256];

	(void)state;
	order_ids("linux", 32, buf, sizeof(buf));
	assert_string_equal(buf, "b/pinned e/exclusive f/ten-max c/ten "
	    "d/requires a/short g/rfc-only");
}

/* The estimate is the run's profile's: g's 20 s count under rfc only. */
static void
test_profile_estimate(void **state)
{
	char buf[256];

	(void)state;
	order_ids("rfc", 2, buf, sizeof(buf));
	assert_string_equal(buf, "b/pinned e/exclusive g/rfc-only f/ten-max "
	    "c/ten d/requires a/short");
}

static void
test_one_job_plan_order(void **state)
{
	char buf[256];

	(void)state;
	order_ids("linux", 1, buf, sizeof(buf));
	assert_string_equal(buf, "a/short b/pinned c/ten d/requires "
	    "e/exclusive f/ten-max g/rfc-only");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exclusive_rule),
		cmocka_unit_test(test_alone_first_then_longest),
		cmocka_unit_test(test_profile_estimate),
		cmocka_unit_test(test_one_job_plan_order),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
