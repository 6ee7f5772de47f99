/*
 * test_verdict.c - the verdict model of issue 11, where it is pure: the
 * expectation file (known.c: its schema, every error at its line and
 * column, ids checked against the plan) and the reporters' verdicts
 * (report.c): N/A apart from SKIP, XFAIL and XPASS from the expectation
 * file, the level of a failure and --strict, in every format and every
 * summary, and which cases fail the run (the exit status).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "known.h"
#include "plan.h"
#include "report.h"
#include "util.h"

/* ---- the expectation file ------------------------------------------------ */

/* Write text to a temporary file; returns its path (owned). */
static char *
tmpfile_with(const char *text)
{
	char *path = xstrdup("/tmp/test_verdict.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Load text as an expectation file; *path is its name (owned). */
static int
load_text(const char *text, struct known *k, char **path)
{
	memset(k, 0, sizeof(*k));
	*path = tmpfile_with(text);
	return known_load(*path, k);
}

/* The errors of k are exactly want (NULL-terminated), each after
 * "PATH:". */
static void
errs_are(const struct known *k, const char *path, const char *const *want)
{
	size_t i, n = 0;
	char *full;

	while (want[n] != NULL)
		n++;
	for (i = 0; i < k->errs.n && k->errs.n != n; i++)
		print_message("  got: %s\n", k->errs.v[i]);
	assert_int_equal(k->errs.n, n);
	for (i = 0; i < n; i++) {
		full = xasprintf("%s:%s", path, want[i]);
		assert_string_equal(k->errs.v[i], full);
		free(full);
	}
}

#define ERRS(k, path, ...) do {						\
	const char *const want_[] = { __VA_ARGS__, NULL };		\
	errs_are((k), (path), want_);					\
} while (0)

static void
test_known_ok(void **state)
{
	struct known k;
	const struct known_entry *e;
	char *path;

	(void)state;
	assert_int_equal(load_text("stack: lwip-2.1.3\n"
	    "expect:\n"
	    "  - id: tmr/rto-backoff\n"
	    "    reason: first RTO is 3 s\n"
	    "    rfc: RFC6298 2.1\n"
	    "  - {id: data/echo, reason: pure ACK first, rfc: RFC9293 3.8.6.3}\n",
	    &k, &path), 0);
	assert_int_equal(k.errs.n, 0);
	assert_string_equal(k.stack, "lwip-2.1.3");
	assert_int_equal(k.n, 2);
	e = known_find(&k, "tmr/rto-backoff");
	assert_non_null(e);
	assert_string_equal(e->reason, "first RTO is 3 s");
	assert_string_equal(e->rfc, "RFC6298 2.1");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->col, 5);
	e = known_find(&k, "data/echo");
	assert_non_null(e);
	assert_int_equal(e->line, 6);
	assert_null(known_find(&k, "data/echo2"));
	assert_null(known_find(NULL, "data/echo"));
	known_free(&k);
	unlink(path);
	free(path);
	/* No known deviation at all, and no stack name. */
	assert_int_equal(load_text("expect: []\n", &k, &path), 0);
	assert_int_equal(k.n, 0);
	assert_null(k.stack);
	assert_null(known_find(&k, "data/echo"));
	known_free(&k);
	unlink(path);
	free(path);
}

/* Each mistake once, at its line and column, all of them at once. */
static void
test_known_bad(void **state)
{
	struct known k;
	char *path;

	(void)state;
	assert_int_equal(load_text("stack: s\n"
	    "expect:\n"
	    "  - {id: a, reason: r, rfc: R}\n"
	    "  - {id: b, reason: r}\n"
	    "  - {id: [c], reason: r, rfc: R}\n"
	    "  - plain\n"
	    "  - {id: a, reason: again, rfc: R}\n"
	    "  - {id: d, id: e, reason: r, rfc: R}\n"
	    "  - {id: \"\", reason: r, rfc: R}\n"
	    "  - {id: f, reason: r, rfc: R, owner: me}\n"
	    "note: x\n", &k, &path), -1);
	ERRS(&k, path,
	    "4:5: an expect entry needs rfc (id, reason and rfc: the case, "
	    "why the stack fails it, and the RFC section it deviates from)",
	    "5:10: id must be a string",
	    "6:5: an expect entry must be a mapping of id, reason and rfc",
	    "8:13: duplicate key 'id'",
	    "9:10: id must be a non-empty string of at most 512 bytes, "
	    "without NUL",
	    "10:32: unknown key 'owner' in an expect entry (expected id, "
	    "reason or rfc)",
	    "11:1: unknown key 'note' (expected stack or expect)",
	    "7:5: duplicate id 'a' (first listed at line 3)");
	known_free(&k);
	unlink(path);
	free(path);

	assert_int_equal(load_text("stack: s\n", &k, &path), -1);
	ERRS(&k, path, "1:1: no expect list: expect: [{id, reason, rfc}, "
	    "...]");
	known_free(&k);
	unlink(path);
	free(path);

	assert_int_equal(load_text("expect: {id: a}\n", &k, &path), -1);
	ERRS(&k, path, "1:9: expect must be a sequence of {id, reason, rfc}");
	known_free(&k);
	unlink(path);
	free(path);

	assert_int_equal(load_text("- id: a\n", &k, &path), -1);
	ERRS(&k, path, "1:1: an expectation file must be a mapping with "
	    "expect (and stack)");
	known_free(&k);
	unlink(path);
	free(path);

	assert_int_equal(load_text("expect: [\n", &k, &path), -1);
	assert_int_equal(k.errs.n, 1);
	assert_non_null(strstr(k.errs.v[0], ": YAML syntax error: "));
	known_free(&k);
	unlink(path);
	free(path);

	assert_int_equal(load_text("", &k, &path), -1);
	assert_int_equal(k.errs.n, 1);
	assert_non_null(strstr(k.errs.v[0], ": empty: expected stack: and "));
	known_free(&k);
	unlink(path);
	free(path);

	assert_int_equal(load_text("expect: []\n---\nexpect: []\n", &k,
	    &path), -1);
	ERRS(&k, path, "3:1: more than one YAML document: an expectation "
	    "file holds one");
	known_free(&k);
	unlink(path);
	free(path);

	/* Not a regular file: refused at once, never read (a FIFO would
	 * block). */
	memset(&k, 0, sizeof(k));
	assert_int_equal(known_load("/dev/null", &k), -1);
	assert_string_equal(k.errs.v[0], "/dev/null: not a regular file");
	known_free(&k);
	memset(&k, 0, sizeof(k));
	assert_int_equal(known_load("/nonexistent/x.yaml", &k), -1);
	assert_string_equal(k.errs.v[0], "/nonexistent/x.yaml: No such file or "
	    "directory");
	known_free(&k);
}

/* Every id names a case of the plan, or it is an error naming it. */
static void
test_known_check(void **state)
{
	struct plan_case pc[2] = { { .id = (char *)"a/one" },
	    { .id = (char *)"a/two" } };
	struct plan p = { .cases = pc, .ncases = 2 };
	struct known k;
	char *path;

	(void)state;
	assert_int_equal(load_text("expect:\n"
	    "  - {id: a/two, reason: r, rfc: R}\n"
	    "  - {id: a/tow, reason: r, rfc: R}\n"
	    "  - {id: \"b/\\x1b[2J\", reason: r, rfc: R}\n", &k, &path), 0);
	assert_int_equal(known_check(&k, &p), -1);
	ERRS(&k, path,
	    "3:5: unknown case id 'a/tow': no case of the run has it",
	    "4:5: unknown case id 'b/\\x1b[2J': no case of the run has it");
	known_free(&k);
	unlink(path);
	free(path);
	assert_int_equal(load_text("expect: [{id: a/one, reason: r, rfc: R}]\n",
	    &k, &path), 0);
	assert_int_equal(known_check(&k, &p), 0);
	known_free(&k);
	unlink(path);
	free(path);
}

/* ---- the reporters --------------------------------------------------------- */

/* The cases of the report tests, one per verdict the engine gives and
 * level, and two the expectation file lists. */
enum {
	C_PASS, C_MUST, C_SHOULD, C_MAY, C_SKIP, C_NA, C_XFAIL, C_XPASS,
	C_SKIP_LISTED, C_N
};

static struct plan_case cases[C_N];
static struct plan rplan = { .cases = cases, .ncases = C_N };
static struct known rknown;
static char *rknown_path;

static int
setup_report(void **state)
{
	static const char *const ids[C_N] = { "g/pass", "g/must", "g/should",
	    "g/may", "g/skip", "g/na", "g/xfail", "g/xpass", "g/skip-listed" };
	size_t i;

	(void)state;
	for (i = 0; i < C_N; i++) {
		cases[i].id = (char *)ids[i];
		cases[i].title = (char *)"T";
	}
	if (load_text("stack: st\nexpect:\n"
	    "  - {id: g/xfail, reason: known bug, rfc: RFC1 2}\n"
	    "  - {id: g/xpass, reason: was broken, rfc: RFC3 4}\n"
	    "  - {id: g/skip-listed, reason: r, rfc: R}\n", &rknown,
	    &rknown_path) != 0)
		return -1;
	return known_check(&rknown, &rplan);
}

static int
teardown_report(void **state)
{
	(void)state;
	known_free(&rknown);
	unlink(rknown_path);
	free(rknown_path);
	return 0;
}

/*
 * Report every case of rplan in format f (strict, with the expectation
 * file or not) into a string (owned); *fatal: what rep_summary returned.
 */
static char *
report(enum rep_format f, bool strict, bool expect, unsigned *fatal)
{
	static const enum rep_verdict v[C_N] = { REP_PASS, REP_FAIL, REP_FAIL,
	    REP_FAIL, REP_SKIP, REP_NA, REP_FAIL, REP_PASS, REP_SKIP };
	static const enum plan_level l[C_N] = { [C_SHOULD] = PLAN_LEVEL_SHOULD,
	    [C_MAY] = PLAN_LEVEL_MAY, [C_XFAIL] = PLAN_LEVEL_MAY };
	struct rep_cfg cfg = { .format = f, .plan = &rplan, .strict = strict,
	    .known = expect ? &rknown : NULL };
	struct rep_result res;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&buf, &len);
	struct rep *r;

	assert_non_null(out);
	r = rep_open(out, &cfg);
	for (i = 0; i < C_N; i++) {
		memset(&res, 0, sizeof(res));
		res.pc = &cases[i];
		res.verdict = v[i];
		res.level = l[i];
		if (v[i] == REP_FAIL)
			res.msg = "c.yaml:9:5: expected flags [S.]";
		else if (v[i] == REP_SKIP)
			res.msg = "requires root";
		else if (v[i] == REP_NA)
			res.msg = "cannot read net.ipv4.tcp_x on the target";
		rep_case(r, &res);
	}
	*fatal = rep_summary(r, 0);
	rep_free(r);
	fclose(out);
	return buf;
}

static void
has(const char *out, const char *want)
{
	if (strstr(out, want) == NULL)
		fail_msg("no \"%s\" in:\n%s", want, out);
}

static void
hasnt(const char *out, const char *want)
{
	if (strstr(out, want) != NULL)
		fail_msg("\"%s\" in:\n%s", want, out);
}

static void
test_report_text(void **state)
{
	unsigned fatal;
	char *o;

	(void)state;
	o = report(REP_TEXT, false, true, &fatal);
	/* MUST, SHOULD fail the run; the MAY does not; the XPASS does. */
	assert_int_equal(fatal, 3);
	has(o, "PASS  g/pass ");
	has(o, "s  (MUST)\n");
	has(o, "FAIL  g/should");
	has(o, "s  (SHOULD)\n");
	has(o, "s  (MAY: does not fail the run)\n");
	has(o, "SKIP  g/skip ");
	has(o, "N/A   g/na ");
	has(o, "\n      cannot read net.ipv4.tcp_x on the target\n");
	has(o, "XFAIL g/xfail ");
	has(o, "      expected: known bug (RFC1 2)\n"
	    "      c.yaml:9:5: expected flags [S.]\n");
	has(o, "XPASS g/xpass ");
	has(o, "      listed in ");
	has(o, "as failing (was broken; RFC3 4), but it passed");
	/* A listed case that was skipped stays skipped. */
	has(o, "SKIP  g/skip-listed ");
	has(o, "9 cases: 1 passed, 3 failed (1 MUST, 1 SHOULD, 1 MAY), "
	    "2 skipped, 1 n/a, 1 xfail, 1 xpass in ");
	has(o, "\n1 failure of a MAY does not fail the run without "
	    "--strict\n");
	has(o, "\n1 case listed as failing in ");
	free(o);
	/* --strict: the MAY fails the run; no expectation file: neither
	 * XFAIL nor XPASS, and no such counts. */
	o = report(REP_TEXT, true, false, &fatal);
	assert_int_equal(fatal, 4);
	has(o, "s  (MAY)\n");
	has(o, "FAIL  g/xfail ");
	has(o, "PASS  g/xpass ");
	has(o, "9 cases: 2 passed, 4 failed (1 MUST, 1 SHOULD, 2 MAY), "
	    "2 skipped, 1 n/a in ");
	hasnt(o, "xfail,");
	hasnt(o, "does not fail the run");
	free(o);
}

static void
test_report_tap(void **state)
{
	unsigned fatal;
	char *o;

	(void)state;
	o = report(REP_TAP, false, true, &fatal);
	assert_int_equal(fatal, 3);
	has(o, "1..9\n");
	has(o, "ok 1 - g/pass\n");
	has(o, "not ok 2 - g/must\n# level: MUST\n# c.yaml:9:5: ");
	has(o, "not ok 3 - g/should\n# level: SHOULD\n");
	/* TODO: a "not ok" that fails nothing, as prove counts it. */
	has(o, "not ok 4 - g/may # TODO deviates from a MAY\n# c.yaml");
	has(o, "ok 5 - g/skip # SKIP requires root\n");
	has(o, "ok 6 - g/na # SKIP n/a: cannot read net.ipv4.tcp_x on the "
	    "target\n");
	has(o, "not ok 7 - g/xfail # TODO expected: known bug (RFC1 2)\n"
	    "# c.yaml:9:5: ");
	has(o, "not ok 8 - g/xpass\n# listed in ");
	has(o, "ok 9 - g/skip-listed # SKIP requires root\n");
	has(o, "# 9 cases: 1 passed, 3 failed (1 MUST, 1 SHOULD, 1 MAY), "
	    "2 skipped, 1 n/a, 1 xfail, 1 xpass in ");
	free(o);
	o = report(REP_TAP, true, true, &fatal);
	assert_int_equal(fatal, 4);
	has(o, "not ok 4 - g/may\n# level: MAY\n");
	free(o);
}

static void
test_report_junit(void **state)
{
	unsigned fatal;
	char *o;

	(void)state;
	o = report(REP_JUNIT, false, true, &fatal);
	assert_int_equal(fatal, 3);
	/* failures: what fails the run; skipped: the rest that did not
	 * pass. */
	has(o, "<testsuites tests=\"9\" failures=\"3\" errors=\"0\" "
	    "skipped=\"5\" ");
	has(o, "<property name=\"n/a\" value=\"1\"/>");
	has(o, "<property name=\"xfail\" value=\"1\"/>");
	has(o, "<property name=\"xpass\" value=\"1\"/>");
	has(o, "<property name=\"fail.MAY\" value=\"1\"/>");
	has(o, "<property name=\"strict\" value=\"false\"/>");
	has(o, "<property name=\"stack\" value=\"st\"/>");
	has(o, "<failure message=\"c.yaml:9:5: expected flags [S.]\" "
	    "type=\"MUST\">");
	has(o, "<failure message=\"c.yaml:9:5: expected flags [S.]\" "
	    "type=\"SHOULD\">");
	has(o, "<skipped message=\"deviates from a MAY: c.yaml:9:5: expected "
	    "flags [S.]\" type=\"MAY\">");
	has(o, "<skipped message=\"requires root\"/>");
	has(o, "<skipped message=\"cannot read net.ipv4.tcp_x on the "
	    "target\" type=\"not-applicable\"/>");
	has(o, "<skipped message=\"expected: known bug (RFC1 2)\" "
	    "type=\"xfail\">c.yaml:9:5: expected flags [S.]\n</skipped>");
	has(o, "\" type=\"xpass\">listed in ");
	free(o);
	o = report(REP_JUNIT, true, false, &fatal);
	assert_int_equal(fatal, 4);
	has(o, "failures=\"4\" errors=\"0\" skipped=\"3\" ");
	has(o, "type=\"MAY\">c.yaml");
	has(o, "<property name=\"strict\" value=\"true\"/>");
	hasnt(o, "name=\"stack\"");
	free(o);
}

static void
test_report_json(void **state)
{
	unsigned fatal;
	char *o;

	(void)state;
	o = report(REP_JSON, false, true, &fatal);
	assert_int_equal(fatal, 3);
	has(o, "\"strict\": false,\n  \"expect\": {\n");
	has(o, "\"stack\": \"st\"");
	has(o, "\"verdict\": \"fail\",\n      \"level\": \"MAY\",\n"
	    "      \"fails_run\": false,\n      \"expected\": null,");
	has(o, "\"verdict\": \"fail\",\n      \"level\": \"SHOULD\",\n"
	    "      \"fails_run\": true,");
	has(o, "\"verdict\": \"n/a\",\n      \"level\": null,\n"
	    "      \"fails_run\": false,");
	has(o, "\"verdict\": \"xfail\",\n      \"level\": \"MAY\",\n"
	    "      \"fails_run\": false,\n      \"expected\": {\n"
	    "        \"reason\": \"known bug\",\n"
	    "        \"rfc\": \"RFC1 2\",\n        \"line\": 3\n      },");
	has(o, "\"verdict\": \"xpass\",\n      \"level\": null,\n"
	    "      \"fails_run\": true,");
	has(o, "\"passed\": 1,\n    \"failed\": 3,\n"
	    "    \"failed_by_level\": {\n      \"MUST\": 1,\n"
	    "      \"SHOULD\": 1,\n      \"MAY\": 1\n    },\n"
	    "    \"skipped\": 2,\n    \"not_applicable\": 1,\n"
	    "    \"xfail\": 1,\n    \"xpass\": 1,\n    \"fails_run\": 3,");
	free(o);
	o = report(REP_JSON, true, false, &fatal);
	assert_int_equal(fatal, 4);
	has(o, "\"strict\": true,\n  \"expect\": null,");
	free(o);
}

/* What fails the run, as the summary and the progress line count it. */
static void
test_fails_run(void **state)
{
	struct rep_cfg cfg = { .format = REP_TEXT, .plan = &rplan,
	    .known = &rknown };
	struct rep *r;

	(void)state;
	r = rep_open(stdout, &cfg);
	assert_false(rep_fails_run(r, &cases[C_PASS], REP_PASS,
	    PLAN_LEVEL_MUST));
	assert_true(rep_fails_run(r, &cases[C_MUST], REP_FAIL,
	    PLAN_LEVEL_MUST));
	assert_true(rep_fails_run(r, &cases[C_SHOULD], REP_FAIL,
	    PLAN_LEVEL_SHOULD));
	assert_false(rep_fails_run(r, &cases[C_MAY], REP_FAIL,
	    PLAN_LEVEL_MAY));
	assert_false(rep_fails_run(r, &cases[C_XFAIL], REP_FAIL,
	    PLAN_LEVEL_MUST));
	assert_true(rep_fails_run(r, &cases[C_XPASS], REP_PASS,
	    PLAN_LEVEL_MUST));
	assert_false(rep_fails_run(r, &cases[C_SKIP], REP_SKIP,
	    PLAN_LEVEL_MUST));
	assert_false(rep_fails_run(r, &cases[C_NA], REP_NA, PLAN_LEVEL_MUST));
	rep_free(r);
	cfg.strict = true;
	r = rep_open(stdout, &cfg);
	assert_true(rep_fails_run(r, &cases[C_MAY], REP_FAIL,
	    PLAN_LEVEL_MAY));
	rep_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_ok),
		cmocka_unit_test(test_known_bad),
		cmocka_unit_test(test_known_check),
		cmocka_unit_test_setup_teardown(test_report_text,
		    setup_report, teardown_report),
		cmocka_unit_test_setup_teardown(test_report_tap,
		    setup_report, teardown_report),
		cmocka_unit_test_setup_teardown(test_report_junit,
		    setup_report, teardown_report),
		cmocka_unit_test_setup_teardown(test_report_json,
		    setup_report, teardown_report),
		cmocka_unit_test_setup_teardown(test_fails_run,
		    setup_report, teardown_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
