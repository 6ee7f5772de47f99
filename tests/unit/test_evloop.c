/*
 * test_evloop.c - unit tests for the virtual event loop (evloop.c) that
 * replays a recorded run: its clock jumps from deadline to deadline and
 * never sleeps, timers due together fire in a fixed order with I/O timers
 * (a replayed capture's frames) first, as a live loop serves ready fds
 * before due timers, and a cancelled timer never fires.
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

#include "evloop.h"
#include "util.h"

#define START 1000000000ull

struct rec {
	struct ev_loop *l;
	char log[256];
	size_t n;
	uint64_t when[32];
	uint64_t cancel;	/* a timer the first callback cancels */
	int stop_at;		/* stop the loop at callback n, 0: never */
};

static struct rec *cur;

static void
note(char c)
{
	cur->when[cur->n] = ev_now(cur->l);
	cur->log[cur->n++] = c;
	if (cur->cancel != 0) {
		ev_del_timer(cur->l, cur->cancel);
		cur->cancel = 0;
	}
	if (cur->stop_at != 0 && (int)cur->n == cur->stop_at)
		ev_stop(cur->l);
}

static void
cb(uint64_t id, void *arg)
{
	(void)id;
	note(*(const char *)arg);
}

static void
test_virtual_clock(void **state)
{
	struct rec r = { 0 };
	uint64_t t0;

	(void)state;
	cur = &r;
	r.l = ev_new_virtual(START);
	assert_non_null(r.l);
	assert_int_equal(ev_now(r.l), START);
	/* No fds: a replay reads its capture from timers. */
	assert_int_equal(ev_add_fd(r.l, 0, NULL, NULL), -1);
	assert_int_not_equal(ev_add_timer(r.l, 3 * NS_PER_SEC, cb, "c"), 0);
	assert_int_not_equal(ev_add_timer(r.l, 5 * NS_PER_MS, cb, "a"), 0);
	assert_int_not_equal(ev_add_timer(r.l, 2 * NS_PER_SEC, cb, "b"), 0);
	/* 3 s of timers take no time: the loop never sleeps. */
	t0 = ev_now_ns();
	assert_int_equal(ev_run(r.l), 0);
	assert_true(ev_now_ns() - t0 < NS_PER_SEC);
	r.log[r.n] = '\0';
	assert_string_equal(r.log, "abc");
	assert_int_equal(r.when[0], START + 5 * NS_PER_MS);
	assert_int_equal(r.when[1], START + 2 * NS_PER_SEC);
	assert_int_equal(r.when[2], START + 3 * NS_PER_SEC);
	assert_int_equal(ev_now(r.l), START + 3 * NS_PER_SEC);
	ev_free(r.l);
}

/* Timers added from a callback count from the clock's time then. */
static void
chain_cb(uint64_t id, void *arg)
{
	(void)id;
	note('x');
	if (cur->n < 4)
		ev_add_timer(cur->l, *(uint64_t *)arg, chain_cb, arg);
}

static void
test_virtual_chain(void **state)
{
	struct rec r = { 0 };
	uint64_t step = 250 * NS_PER_MS;

	(void)state;
	cur = &r;
	r.l = ev_new_virtual(START);
	ev_add_timer(r.l, step, chain_cb, &step);
	assert_int_equal(ev_run(r.l), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.when[3], START + 4 * step);
	ev_free(r.l);
}

/*
 * Ties: I/O timers first (a frame captured before a deadline is seen
 * before the deadline fires), then the order the timers were added in,
 * whatever the heap's shape.
 */
static void
test_virtual_ties(void **state)
{
	static const char names[] = "ABCDEFGHIJKLMNOP";
	struct rec r = { 0 };
	size_t i;

	(void)state;
	cur = &r;
	r.l = ev_new_virtual(START);
	for (i = 0; i < 8; i++)
		ev_add_timer(r.l, NS_PER_SEC, cb, (void *)&names[i]);
	ev_add_io_timer(r.l, NS_PER_SEC, cb, "1");
	ev_add_timer(r.l, NS_PER_SEC - 1, cb, "0");
	ev_add_io_timer(r.l, NS_PER_SEC, cb, "2");
	ev_add_io_timer(r.l, NS_PER_SEC + 1, cb, "3");
	for (i = 8; i < 16; i++)
		ev_add_timer(r.l, NS_PER_SEC, cb, (void *)&names[i]);
	assert_int_equal(ev_run(r.l), 0);
	r.log[r.n] = '\0';
	assert_string_equal(r.log, "012ABCDEFGHIJKLMNOP3");
	ev_free(r.l);
}

/* A timer cancelled before it is due never fires; ev_stop ends ev_run
 * with timers left, and a second ev_run goes on with them. */
static void
test_virtual_cancel_stop(void **state)
{
	struct rec r = { 0 };

	(void)state;
	cur = &r;
	r.l = ev_new_virtual(0);
	ev_add_timer(r.l, 1, cb, "a");
	r.cancel = ev_add_timer(r.l, 2, cb, "b");
	ev_add_timer(r.l, 3, cb, "c");
	ev_add_timer(r.l, 4, cb, "d");
	r.stop_at = 2;
	assert_int_equal(ev_run(r.l), 0);
	r.log[r.n] = '\0';
	assert_string_equal(r.log, "ac");
	assert_int_equal(ev_now(r.l), 3);
	r.stop_at = 0;
	assert_int_equal(ev_run(r.l), 0);
	r.log[r.n] = '\0';
	assert_string_equal(r.log, "acd");
	ev_free(r.l);
}

/* The live loop keeps the monotonic clock and runs timers as before. */
static void
test_live(void **state)
{
	struct rec r = { 0 };
	uint64_t t0;

	(void)state;
	cur = &r;
	r.l = ev_new();
	t0 = ev_now(r.l);
	assert_true(t0 <= ev_now_ns());
	ev_add_timer(r.l, 2 * NS_PER_MS, cb, "b");
	ev_add_io_timer(r.l, 1 * NS_PER_MS, cb, "a");
	assert_int_equal(ev_run(r.l), 0);
	r.log[r.n] = '\0';
	assert_string_equal(r.log, "ab");
	assert_true(ev_now(r.l) - t0 >= 2 * NS_PER_MS);
	ev_free(r.l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virtual_clock),
		cmocka_unit_test(test_virtual_chain),
		cmocka_unit_test(test_virtual_ties),
		cmocka_unit_test(test_virtual_cancel_stop),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
