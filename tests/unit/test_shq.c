/*
 * test_shq.c - unit tests for the one shell-quoting helper (shq.c) and the
 * sysctl grammar that keeps case data out of the target's shell: every
 * hostile string survives a real /bin/sh as exactly itself, and the
 * injection of issue 9 ("60'; id > FILE; echo '") is not a sysctl value.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hook.h"
#include "shq.h"

static const char *const hostile[] = {
	"",
	"plain",
	"60'; id > /tmp/x; echo '",
	"'",
	"''",
	"a'b'c",
	"$(id)",
	"`id`",
	"${HOME}",
	"a\\b",
	"\\'",
	"*?[a-z]",
	"a\nb",
	"\"double\"",
	"; rm -rf /",
	"!event",
	"~root",
	"tab\there",
	"-n",
};

static void
test_quote_literal(void **state)
{
	char *q;

	(void)state;
	q = shq_quote("");
	assert_string_equal(q, "''");
	free(q);
	q = shq_quote("it's");
	assert_string_equal(q, "'it'\\''s'");
	free(q);
}

/*
 * Through a real shell: sh -c "printf %s QUOTED" must print the string
 * back byte for byte (run through hook_run, the way sysctl commands go).
 */
static void
test_quote_roundtrip(void **state)
{
	struct hook *h = hook_new("sh -c");
	char out[256], err[256], *q, *cmd;
	size_t i;

	(void)state;
	assert_non_null(h);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		if (strchr(hostile[i], '\n') != NULL)
			continue;	/* hook_run keeps the first line */
		q = shq_quote(hostile[i]);
		cmd = malloc(strlen(q) + 64);
		assert_non_null(cmd);
		sprintf(cmd, "printf '[%%s]\\n' %s", q);
		assert_int_equal(hook_run(h, cmd, 5000000000ULL, out,
		    sizeof(out), err, sizeof(err)), 0);
		assert_int_equal(out[0], '[');
		assert_int_equal(strlen(out), strlen(hostile[i]) + 2);
		assert_memory_equal(out + 1, hostile[i], strlen(hostile[i]));
		free(cmd);
		free(q);
	}
	/* A newline inside: count the bytes the shell got (wc -c). */
	q = shq_quote("a\nb");
	cmd = malloc(strlen(q) + 64);
	assert_non_null(cmd);
	sprintf(cmd, "printf %%s %s | wc -c", q);
	assert_int_equal(hook_run(h, cmd, 5000000000ULL, out, sizeof(out),
	    err, sizeof(err)), 0);
	assert_int_equal(atoi(out), 3);
	free(cmd);
	free(q);
	hook_free(h);
}

static void
test_sysctl_key(void **state)
{
	(void)state;
	assert_true(shq_sysctl_key_ok("net.ipv4.tcp_fin_timeout"));
	assert_true(shq_sysctl_key_ok("net.ipv4.conf.veth-1.forwarding"));
	assert_true(shq_sysctl_key_ok("kernel.hostname"));
	assert_false(shq_sysctl_key_ok(""));
	assert_false(shq_sysctl_key_ok(".net"));
	assert_false(shq_sysctl_key_ok("net."));
	assert_false(shq_sysctl_key_ok("net..ipv4"));
	assert_false(shq_sysctl_key_ok("-w"));
	assert_false(shq_sysctl_key_ok("net/ipv4/x"));
	assert_false(shq_sysctl_key_ok("net.ipv4.x'"));
	assert_false(shq_sysctl_key_ok("net.ipv4.x y"));
	assert_false(shq_sysctl_key_ok("net.ipv4.$(id)"));
	assert_false(shq_sysctl_key_ok("net.ipv4.\xc3\xa9"));
}

static void
test_sysctl_value(void **state)
{
	char big[SHQ_SYSCTL_VAL_MAX + 2];

	(void)state;
	assert_true(shq_sysctl_value_ok("60"));
	assert_true(shq_sysctl_value_ok("-1"));
	assert_true(shq_sysctl_value_ok("reno"));
	assert_true(shq_sysctl_value_ok("4096 87380 6291456"));
	assert_true(shq_sysctl_value_ok("4096\t131072\t6291456"));
	assert_true(shq_sysctl_value_ok("1.5"));
	assert_false(shq_sysctl_value_ok(""));
	assert_false(shq_sysctl_value_ok("60'; id > /tmp/x; echo '"));
	assert_false(shq_sysctl_value_ok("$(id)"));
	assert_false(shq_sysctl_value_ok("`id`"));
	assert_false(shq_sysctl_value_ok("1;id"));
	assert_false(shq_sysctl_value_ok("1 |id"));
	assert_false(shq_sysctl_value_ok("a\nb"));
	assert_false(shq_sysctl_value_ok(" 60"));
	assert_false(shq_sysctl_value_ok("60 "));
	assert_false(shq_sysctl_value_ok("1  2"));
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(shq_sysctl_value_ok(big));
	big[SHQ_SYSCTL_VAL_MAX] = '\0';
	assert_true(shq_sysctl_value_ok(big));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_literal),
		cmocka_unit_test(test_quote_roundtrip),
		cmocka_unit_test(test_sysctl_key),
		cmocka_unit_test(test_sysctl_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
