/*
 * test_progress.c - unit tests for the progress line (progress.c): its
 * format, the cut to the terminal's width, and what a tick writes and
 * prog_hide() erases (through a pipe standing in for the terminal).
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "evloop.h"
#include "progress.h"
#include "util.h"

static void
test_format_full(void **state)
{
	struct prog_stat st = { 3, 13, 4, 1, "tw/duration",
	    12345 * NS_PER_MS };
	char buf[256];
	size_t n;

	(void)state;
	n = prog_format(buf, sizeof(buf), &st, 0);
	assert_string_equal(buf, "[3/13] running 4, failed 1, longest "
	    "pending timer: tw/duration 12.3 s");
	assert_int_equal(n, strlen(buf));
}

static void
test_format_no_timer(void **state)
{
	struct prog_stat st = { 0, 2, 0, 0, NULL, 0 };
	char buf[256];

	(void)state;
	prog_format(buf, sizeof(buf), &st, 80);
	assert_string_equal(buf, "[0/2] running 0, failed 0");
}

/* Tenths of a second, rounded; under 50 ms shows as 0.0. */
static void
test_format_rounding(void **state)
{
	struct prog_stat st = { 1, 1, 1, 0, "x", 49 * NS_PER_MS };
	char buf[256];

	(void)state;
	prog_format(buf, sizeof(buf), &st, 0);
	assert_string_equal(buf, "[1/1] running 1, failed 0, longest "
	    "pending timer: x 0.0 s");
	st.timer_ns = 60 * NS_PER_SEC;
	prog_format(buf, sizeof(buf), &st, 0);
	assert_string_equal(buf, "[1/1] running 1, failed 0, longest "
	    "pending timer: x 60.0 s");
}

/* Cut to cols - 1: the last column would wrap on some terminals. */
static void
test_format_cut_to_width(void **state)
{
	struct prog_stat st = { 3, 13, 4, 1, "tw/duration", NS_PER_SEC };
	char buf[256];
	size_t n;

	(void)state;
	n = prog_format(buf, sizeof(buf), &st, 20);
	assert_int_equal(n, 19);
	assert_string_equal(buf, "[3/13] running 4, f");
	n = prog_format(buf, sizeof(buf), &st, 1);
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
}

/* A buffer too small is cut and stays NUL-terminated. */
static void
test_format_small_buffer(void **state)
{
	struct prog_stat st = { 3, 13, 4, 1, NULL, 0 };
	char buf[8];
	size_t n;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	n = prog_format(buf, sizeof(buf), &st, 0);
	assert_int_equal(n, 7);
	assert_string_equal(buf, "[3/13] ");
	assert_int_equal(prog_format(buf, 0, &st, 0), 0);
}

static void
stop_cb(uint64_t id, void *arg)
{
	(void)id;
	ev_stop(arg);
}

static size_t
drain(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;

	while (got + 1 < len && (n = read(fd, buf + got,
	    len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return got;
}

/*
 * One tick draws the line with the case whose timer ends last; hide
 * erases exactly what was drawn and leaves the cursor at column 0.
 */
static void
test_tick_and_hide(void **state)
{
	struct ev_loop *loop;
	struct prog *p;
	char out[512], want[512];
	int fds[2];
	size_t n;

	(void)state;
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	assert_non_null(loop = ev_new());
	assert_non_null(p = prog_new(loop, fds[1], 3));
	prog_case_start(p, 0, "a/short");
	prog_case_start(p, 1, "b/long");
	prog_case_start(p, 2, "c/failing");
	prog_timer(p, 0, ev_now_ns() + 2 * NS_PER_SEC);
	prog_timer(p, 1, ev_now_ns() + 30 * NS_PER_SEC);
	prog_case_end(p, 2, 1);
	/* A cleared timer no longer counts. */
	prog_timer(p, 2, ev_now_ns() + 90 * NS_PER_SEC);
	prog_timer(p, 2, 0);
	ev_add_timer(loop, 300 * NS_PER_MS, stop_cb, loop);
	assert_int_equal(ev_run(loop), 0);

	n = drain(fds[0], out, sizeof(out));
	/* 30 s armed, one 250 ms tick later: 29.7 or 29.8 s left. */
	assert_true(n > 0);
	assert_true(strncmp(out, "\r[1/3] running 2, failed 1, longest "
	    "pending timer: b/long 29.", 60) == 0);
	assert_int_equal(out[n - 1], 's');

	prog_hide(p);
	n = drain(fds[0], out, sizeof(out));
	memset(want, ' ', sizeof(want));
	want[0] = '\r';
	want[n - 1] = '\r';
	want[n] = '\0';
	assert_true(n >= 3);
	assert_string_equal(out, want);
	/* Nothing on screen: a second hide writes nothing. */
	prog_hide(p);
	assert_int_equal(drain(fds[0], out, sizeof(out)), 0);

	/* Calls with NULL do nothing. */
	prog_case_start(NULL, 0, "x");
	prog_case_end(NULL, 0, 0);
	prog_timer(NULL, 0, 1);
	prog_hide(NULL);
	prog_free(NULL);

	prog_free(p);
	ev_free(loop);
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_full),
		cmocka_unit_test(test_format_no_timer),
		cmocka_unit_test(test_format_rounding),
		cmocka_unit_test(test_format_cut_to_width),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_tick_and_hide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
