/*
 * test_script.c - unit tests for the YAML test-case loader (script.c).
 */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan.h"
#include "script.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"

/* Lines 1-4 of most cases; their steps start on line 5. */
#define HDR "id: t/1\ntitle: T\nservice: echo\nsteps:\n"

static struct plan plan;
static struct scr_errs errs;

static int
setup(void **state)
{
	(void)state;
	memset(&plan, 0, sizeof(plan));
	memset(&errs, 0, sizeof(errs));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	plan_free(&plan);
	scr_errs_free(&errs);
	return 0;
}

static void
reset(void)
{
	plan_free(&plan);
	scr_errs_free(&errs);
}

static int
load(const char *name, const char *yaml)
{
	return scr_load_buffer(name, yaml, strlen(yaml), &plan, &errs);
}

static void
dump_errs(void)
{
	size_t i;

	for (i = 0; i < errs.n; i++)
		print_message("  got: %s\n", errs.msgs[i]);
}

/* yaml loads as one valid case; returns it. */
static struct plan_case *
load_ok(const char *yaml)
{
	int n = load("t.yaml", yaml);

	if (n != 0)
		dump_errs();
	assert_int_equal(n, 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(plan.ncases, 1);
	return &plan.cases[0];
}

/* yaml gives exactly the messages in want (NULL-terminated), no case. */
static void
load_bad(const char *yaml, const char *const *want)
{
	size_t i, n = 0;
	int r;

	reset();
	while (want[n] != NULL)
		n++;
	r = load("t.yaml", yaml);
	if (errs.n != n)
		dump_errs();
	assert_int_equal(r, (int)n);
	assert_int_equal(errs.n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(errs.msgs[i], want[i]);
	assert_int_equal(plan.ncases, 0);
}

#define BAD(yaml, ...) do {						\
	const char *const want_[] = { __VA_ARGS__, NULL };		\
	load_bad(yaml, want_);						\
} while (0)

/* ---- case level ---------------------------------------------------------- */

static void
test_minimal(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok("id: close/passive\ntitle: Target closes first\n"
	    "rfc: [RFC9293 3.6, RFC1122]\nservice: daytime\ntags: close\n"
	    "steps:\n  - connect:\n  - state: CLOSE_WAIT\n");
	assert_string_equal(c->id, "close/passive");
	assert_string_equal(c->title, "Target closes first");
	assert_string_equal(c->service, "daytime");
	assert_int_equal(c->nrfc, 2);
	assert_string_equal(c->rfc[0], "RFC9293 3.6");
	assert_string_equal(c->rfc[1], "RFC1122");
	assert_int_equal(c->ntags, 1);
	assert_string_equal(c->tags[0], "close");
	assert_int_equal(c->nsteps, 2);
	assert_string_equal(c->pos.file, "t.yaml");
	assert_int_equal(c->pos.line, 1);
	assert_int_equal(c->pos.col, 5);
	assert_int_equal(c->steps[1].kind, PLAN_STATE);
	assert_int_equal(c->steps[1].pos.line, 8);
	assert_int_equal(c->steps[1].pos.col, 5);
	assert_int_equal(plan.nfiles, 1);
	assert_ptr_equal(c->pos.file, plan.files[0]);
}

static void
test_unknown_top_key(void **state)
{
	(void)state;
	BAD(HDR "  - connect:\nowner: me\n",
	    "t.yaml:6:1: unknown key 'owner' (expected one of: id, title, "
	    "rfc, service, tags, steps)");
}

static void
test_missing_id(void **state)
{
	(void)state;
	BAD("title: T\nservice: echo\nsteps: [connect: {}]\n",
	    "t.yaml:1:1: missing required key 'id'");
}

static void
test_bad_values(void **state)
{
	(void)state;
	BAD("id: a b\ntitle: T\nservice: echo\nsteps: [connect: ]\n",
	    "t.yaml:1:5: bad case id 'a b': use letters, digits and / _ . -");
	BAD("id: x\ntitle: {a: b}\nservice: echo\nsteps: [connect: ]\n",
	    "t.yaml:2:8: title must be a scalar, not a mapping");
	BAD("id: x\ntitle: T\nservice:\nsteps: [connect: ]\n",
	    "t.yaml:3:9: service must not be empty");
	BAD("id: x\ntitle: T\nservice: echo\nid: y\nsteps: [connect: ]\n",
	    "t.yaml:4:1: duplicate key 'id'");
	BAD("- id: x\n",
	    "t.yaml:1:1: a test case must be a mapping with keys id, title, "
	    "service and steps");
}

static void
test_steps_shape(void **state)
{
	(void)state;
	BAD("id: x\ntitle: T\nservice: echo\nsteps: []\n",
	    "t.yaml:4:8: steps must not be empty");
	BAD("id: x\ntitle: T\nservice: echo\nsteps: connect\n",
	    "t.yaml:4:8: steps must be a sequence of steps");
	BAD(HDR "  - connect:\n    send:\n",
	    "t.yaml:5:5: step must be a mapping with one key: connect, send, "
	    "expect, silence or state");
	BAD(HDR "  - connect\n",
	    "t.yaml:5:5: step must be a mapping with one key: connect, send, "
	    "expect, silence or state");
	BAD(HDR "  - sned: {}\n",
	    "t.yaml:5:5: unknown step 'sned' (expected one of: connect, send, "
	    "expect, silence or state)");
}

static void
test_too_many_steps(void **state)
{
	char *y;
	size_t i, off;

	(void)state;
	y = xmalloc(strlen(HDR) + 10001 * 20 + 1);
	off = (size_t)sprintf(y, "%s", HDR);
	for (i = 0; i < 10001; i++)
		off += (size_t)sprintf(y + off, "  - state: LISTEN\n");
	BAD(y, "t.yaml:5:3: too many steps (10001, at most 10000)");
	free(y);
}

static void
test_duplicate_id(void **state)
{
	const char *y = "id: hs/syn\ntitle: T\nservice: echo\nsteps: "
	    "[connect: ]\n";

	(void)state;
	assert_int_equal(load("a.yaml", y), 0);
	assert_int_equal(load("b.yaml", y), 1);
	assert_string_equal(errs.msgs[0], "b.yaml:1:5: duplicate case id "
	    "'hs/syn' (first defined at a.yaml:1:5)");
	assert_int_equal(plan.ncases, 1);
	assert_int_equal(plan.nfiles, 2);
}

static void
test_multi_document(void **state)
{
	(void)state;
	assert_int_equal(load("m.yaml",
	    "---\n" HDR "  - connect:\n"
	    "---\n"
	    "id: t/2\ntitle: T2\nservice: closed\nsteps:\n"
	    "  - send: {flags: S}\n"
	    "---\n"), 0);
	assert_int_equal(plan.ncases, 2);
	assert_string_equal(plan.cases[0].id, "t/1");
	assert_string_equal(plan.cases[1].id, "t/2");
	assert_string_equal(plan.cases[1].service, "closed");
	assert_int_equal(plan.cases[1].pos.line, 8);
	assert_int_equal(plan.cases[1].steps[0].pos.line, 12);
	assert_int_equal(plan.cases[1].steps[0].u.send.flags.pos.line, 12);
	assert_int_equal(plan.cases[1].steps[0].u.send.flags.pos.col, 19);
}

/* A bad document does not stop the next one; a syntax error does. */
static void
test_multi_document_errors(void **state)
{
	(void)state;
	assert_int_equal(load("m.yaml",
	    "id: a\ntitle: T\nservice: echo\nsteps: []\n"
	    "---\n"
	    "id: b\ntitle: T\nservice: echo\nsteps: [connect: ]\n"
	    "---\n"
	    "id: c\ntitle: [\n"
	    "---\n"
	    "id: d\ntitle: T\nservice: echo\nsteps: [connect: ]\n"), 2);
	assert_string_equal(errs.msgs[0],
	    "m.yaml:4:8: steps must not be empty");
	assert_int_equal(plan.ncases, 1);
	assert_string_equal(plan.cases[0].id, "b");
}

static void
test_syntax_error(void **state)
{
	(void)state;
	BAD("id: x\ntitle: [a, b\nservice: echo\n",
	    "t.yaml:3:8: YAML syntax error: did not find expected ',' or ']' "
	    "(while parsing a flow sequence)");
	BAD("id: x\n\ttitle: T\n",
	    "t.yaml:2:1: YAML syntax error: found a tab character that "
	    "violates indentation (while scanning a plain scalar)");
	BAD("id: x\ntitle: \xff\n",
	    "t.yaml:2:8: YAML syntax error: invalid leading UTF-8 octet");
}

static void
test_aliases(void **state)
{
	(void)state;
	BAD("id: &a x\ntitle: *a\nservice: echo\nsteps: [connect: ]\n",
	    "t.yaml:1:5: aliases are not supported (anchor '&a')",
	    "t.yaml:2:8: aliases are not supported (alias '*a')");

	/* Documents before it load; the rest of the file is not read. */
	reset();
	assert_int_equal(load("m.yaml", HDR "  - connect:\n---\n"
	    "id: t/2\ntitle: T\nservice: echo\nsteps: &s [connect: ]\n"
	    "---\n"
	    "id: t/3\ntitle: T\nservice: echo\nsteps: [connect: ]\n"), 1);
	assert_string_equal(errs.msgs[0],
	    "m.yaml:10:8: aliases are not supported (anchor '&s')");
	assert_int_equal(plan.ncases, 1);
	assert_string_equal(plan.cases[0].id, "t/1");
}

static void
test_limits(void **state)
{
	char *big;

	(void)state;
	big = xmalloc(1024 * 1024 + 1);
	memset(big, ' ', 1024 * 1024 + 1);
	assert_int_equal(scr_load_buffer("big.yaml", big, 1024 * 1024 + 1,
	    &plan, &errs), 1);
	assert_string_equal(errs.msgs[0],
	    "big.yaml: file too large (1048577 bytes, at most 1048576)");
	free(big);
}

/*
 * libyaml's scanner is quadratic in flow nesting: a megabyte of '[' must
 * be refused early, not take an hour.
 */
static void
test_deep_nesting(void **state)
{
	size_t n = 500000;
	char *y;

	(void)state;
	y = xmalloc(2 * n + 32);
	strcpy(y, "id: ");
	memset(y + 4, '[', n);
	memset(y + 4 + n, ']', n);
	strcpy(y + 4 + 2 * n, "\n");
	BAD(y, "t.yaml:1:68: YAML nested more than 64 levels deep");
	free(y);
}

static void
test_error_cap(void **state)
{
	char *y;
	size_t i, off;

	(void)state;
	y = xmalloc(strlen(HDR) + 200 * 20 + 1);
	off = (size_t)sprintf(y, "%s", HDR);
	for (i = 0; i < 200; i++)
		off += (size_t)sprintf(y + off, "  - state: NOPE\n");
	load("t.yaml", y);
	assert_int_equal(errs.n, 101);
	assert_string_equal(errs.msgs[100],
	    "t.yaml: too many errors, giving up on this file");
	free(y);
}

static void
test_three_errors(void **state)
{
	(void)state;
	BAD("id: x\ntitle: T\nservice: echo\nsteps:\n"
	    "  - send: {flgs: FA}\n"
	    "  - expect: {seq: abc}\n"
	    "  - silence: forever\n",
	    "t.yaml:5:12: unknown key 'flgs' in send (expected one of: flags, "
	    "seq, ack, win, options, data)",
	    "t.yaml:6:19: bad sequence number 'abc': expected N, +N or -N",
	    "t.yaml:7:14: bad duration 'forever' for silence: expected e.g. "
	    "250ms, 1s or 1.5s (at most a day)");
}

static void
test_empty(void **state)
{
	(void)state;
	assert_int_equal(load("e.yaml", ""), 0);
	assert_int_equal(load("e.yaml", "# nothing\n---\n"), 0);
	assert_int_equal(plan.ncases, 0);
}

/* ---- steps --------------------------------------------------------------- */

static void
test_connect(void **state)
{
	struct plan_case *c;
	struct plan_connect *k;

	(void)state;
	c = load_ok(HDR "  - connect:\n  - connect: {}\n"
	    "  - connect: {options: [{mss: 536}, sackok], within: 2s}\n");
	assert_int_equal(c->nsteps, 3);
	assert_int_equal(c->steps[0].kind, PLAN_CONNECT);
	assert_false(c->steps[0].u.connect.opts.set);
	assert_int_equal(c->steps[0].u.connect.within_ns, 0);
	assert_false(c->steps[1].u.connect.opts.set);
	k = &c->steps[2].u.connect;
	assert_true(k->opts.set);
	assert_int_equal(k->opts.nopts, 2);
	assert_int_equal(k->opts.opts[0].kind, SEG_OPT_MSS);
	assert_int_equal(k->opts.opts[0].u.mss, 536);
	assert_int_equal(k->opts.opts[1].kind, SEG_OPT_SACKOK);
	assert_int_equal(k->within_ns, 2 * NS_PER_SEC);
}

static void
test_connect_bad(void **state)
{
	(void)state;
	BAD(HDR "  - connect: {within: 0s}\n",
	    "t.yaml:5:23: within must be greater than 0");
	BAD(HDR "  - connect: [mss]\n",
	    "t.yaml:5:14: connect takes a mapping of: options, within");
	BAD(HDR "  - connect: {flags: S}\n",
	    "t.yaml:5:15: unknown key 'flags' in connect (expected one of: "
	    "options, within)");
}

static void
test_send(void **state)
{
	struct plan_case *c;
	struct plan_send *s;

	(void)state;
	c = load_ok(HDR "  - send:\n"
	    "  - send: {flags: FA, seq: +1, ack: 1000, win: 1024, "
	    "options: [nop], data: \"hello\\r\\n\"}\n");
	s = &c->steps[0].u.send;
	assert_int_equal(c->steps[0].kind, PLAN_SEND);
	assert_false(s->flags.set);
	assert_int_equal(s->seq.mode, PLAN_NUM_AUTO);
	assert_false(s->win_set);
	assert_null(s->data);
	s = &c->steps[1].u.send;
	assert_true(s->flags.set);
	assert_true(s->flags.exact);
	assert_int_equal(s->flags.value, SEG_FIN | SEG_ACK);
	assert_int_equal(s->seq.mode, PLAN_NUM_REL);
	assert_int_equal(s->seq.v, 1);
	assert_int_equal(s->seq.pos.line, 6);
	assert_int_equal(s->seq.pos.col, 28);
	assert_int_equal(s->ack.mode, PLAN_NUM_ABS);
	assert_int_equal(s->ack.v, 1000);
	assert_true(s->win_set);
	assert_int_equal(s->win, 1024);
	assert_true(s->opts.set);
	assert_int_equal(s->opts.nopts, 1);
	assert_int_equal(s->datalen, 7);
	assert_memory_equal(s->data, "hello\r\n", 7);
}

static void
test_send_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send:\n      flgs: FA\n",
	    "t.yaml:6:7: unknown key 'flgs' in send (expected one of: flags, "
	    "seq, ack, win, options, data)");
	BAD(HDR "  - send: {win: 65536}\n",
	    "t.yaml:5:17: bad win '65536': expected an integer 0..65535");
	BAD(HDR "  - send: {flags: +S}\n",
	    "t.yaml:5:19: flag masks such as '+S -R' are only allowed in "
	    "expect");
	BAD(HDR "  - send: {flags: any}\n",
	    "t.yaml:5:19: flags 'any' is only allowed in expect");
	BAD(HDR "  - send: {seq: 1, seq: 2}\n",
	    "t.yaml:5:20: duplicate key 'seq' in send");
	BAD(HDR "  - send: 5\n",
	    "t.yaml:5:11: send takes a mapping of: flags, seq, ack, win, "
	    "options, data");
}

static void
test_expect(void **state)
{
	struct plan_case *c;
	struct plan_expect *e;

	(void)state;
	c = load_ok(HDR "  - expect:\n"
	    "  - expect: {flags: S., seq: +1, ack: +2, win: 64240, "
	    "data: hello, within: 1s}\n"
	    "  - expect: {flags: \"+S -R\", win: [1024, 65535]}\n"
	    "  - expect: {flags: any, data: \"\"}\n");
	e = &c->steps[0].u.expect;
	assert_false(e->flags.set);
	assert_false(e->win_set);
	assert_false(e->data_set);
	assert_int_equal(e->within_ns, 0);
	e = &c->steps[1].u.expect;
	assert_true(e->flags.set);
	assert_true(e->flags.exact);
	assert_int_equal(e->flags.value, SEG_SYN | SEG_ACK);
	assert_int_equal(e->seq.mode, PLAN_NUM_REL);
	assert_int_equal(e->ack.v, 2);
	assert_true(e->win_set);
	assert_int_equal(e->win_min, 64240);
	assert_int_equal(e->win_max, 64240);
	assert_true(e->data_set);
	assert_int_equal(e->datalen, 5);
	assert_memory_equal(e->data, "hello", 5);
	assert_int_equal(e->within_ns, NS_PER_SEC);
	e = &c->steps[2].u.expect;
	assert_true(e->flags.set);
	assert_false(e->flags.exact);
	assert_int_equal(e->flags.must, SEG_SYN);
	assert_int_equal(e->flags.mustnot, SEG_RST);
	assert_int_equal(e->win_min, 1024);
	assert_int_equal(e->win_max, 65535);
	e = &c->steps[3].u.expect;
	assert_true(e->flags.set);
	assert_false(e->flags.exact);
	assert_int_equal(e->flags.must, 0);
	assert_int_equal(e->flags.mustnot, 0);
	assert_true(e->data_set);
	assert_int_equal(e->datalen, 0);
}

static void
test_expect_bad(void **state)
{
	(void)state;
	BAD(HDR "  - expect: {win: [5, 3]}\n",
	    "t.yaml:5:19: win range [5, 3]: min is greater than max");
	BAD(HDR "  - expect: {win: [5]}\n",
	    "t.yaml:5:19: win range must be [min, max]");
	BAD(HDR "  - expect: {within: 1 fortnight}\n",
	    "t.yaml:5:22: bad duration '1 fortnight' for within: expected "
	    "e.g. 250ms, 1s or 1.5s (at most a day)");
	BAD(HDR "  - expect: {flags: \"+S S\"}\n",
	    "t.yaml:5:21: bad flag mask '+S S': each term must start with + "
	    "or -, e.g. '+S -R'");
	BAD(HDR "  - expect: {flags: \"+S -S\"}\n",
	    "t.yaml:5:21: flag mask '+S -S' both requires and forbids a flag");
	BAD(HDR "  - expect: {data: }\n",
	    "t.yaml:5:20: data must be a string, {hex: \"0a0b\"} or {len: N}");
}

static void
test_silence(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok(HDR "  - silence: 1s\n  - silence: 250ms\n"
	    "  - silence: 1.5s\n  - silence: 2\n");
	assert_int_equal(c->steps[0].kind, PLAN_SILENCE);
	assert_int_equal(c->steps[0].u.silence_ns, NS_PER_SEC);
	assert_int_equal(c->steps[1].u.silence_ns, 250 * NS_PER_MS);
	assert_int_equal(c->steps[2].u.silence_ns, 1500 * NS_PER_MS);
	assert_int_equal(c->steps[3].u.silence_ns, 2 * NS_PER_SEC);
}

static void
test_silence_bad(void **state)
{
	(void)state;
	BAD(HDR "  - silence: 0ms\n",
	    "t.yaml:5:14: silence must be greater than 0");
	BAD(HDR "  - silence: abc\n",
	    "t.yaml:5:14: bad duration 'abc' for silence: expected e.g. "
	    "250ms, 1s or 1.5s (at most a day)");
	BAD(HDR "  - silence:\n",
	    "t.yaml:5:13: silence must not be empty");
}

static void
test_state(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok(HDR "  - state: CLOSE_WAIT\n  - state: fin-wait-1\n"
	    "  - state: TIME-WAIT\n");
	assert_int_equal(c->steps[0].kind, PLAN_STATE);
	assert_int_equal(c->steps[0].u.state, TCPSM_CLOSE_WAIT);
	assert_int_equal(c->steps[1].u.state, TCPSM_FIN_WAIT_1);
	assert_int_equal(c->steps[2].u.state, TCPSM_TIME_WAIT);
}

static void
test_state_bad(void **state)
{
	(void)state;
	BAD(HDR "  - state: OPEN\n",
	    "t.yaml:5:12: unknown TCP state 'OPEN' (expected one of: CLOSED, "
	    "LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, "
	    "FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT)");
	BAD(HDR "  - state: [ESTABLISHED]\n",
	    "t.yaml:5:12: state must be a scalar, not a sequence");
}

/* ---- values -------------------------------------------------------------- */

static void
test_numbers(void **state)
{
	struct plan_case *c;
	struct plan_send *s;

	(void)state;
	c = load_ok(HDR "  - send: {seq: 0, ack: 4294967295}\n"
	    "  - send: {seq: 0xdeadBEEF, ack: -4294967295}\n"
	    "  - send: {seq: \"+0\", ack: -1}\n");
	s = &c->steps[0].u.send;
	assert_int_equal(s->seq.mode, PLAN_NUM_ABS);
	assert_int_equal(s->seq.v, 0);
	assert_int_equal(s->ack.mode, PLAN_NUM_ABS);
	assert_int_equal(s->ack.v, 4294967295LL);
	s = &c->steps[1].u.send;
	assert_int_equal(s->seq.v, 0xdeadbeefLL);
	assert_int_equal(s->ack.mode, PLAN_NUM_REL);
	assert_true(s->ack.v == -4294967295LL);
	s = &c->steps[2].u.send;
	assert_int_equal(s->seq.mode, PLAN_NUM_REL);
	assert_int_equal(s->seq.v, 0);
	assert_true(s->ack.v == -1);
}

static void
test_numbers_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send: {seq: 4294967296}\n",
	    "t.yaml:5:17: sequence number '4294967296' out of range "
	    "(at most 4294967295)");
	BAD(HDR "  - send: {ack: +}\n",
	    "t.yaml:5:17: bad acknowledgement number '+': expected N, +N or "
	    "-N");
	BAD(HDR "  - send: {ack: \"+0x10\"}\n",
	    "t.yaml:5:17: bad acknowledgement number '+0x10': expected N, "
	    "+N or -N");
	BAD(HDR "  - send: {seq: 1.5}\n",
	    "t.yaml:5:17: bad sequence number '1.5': expected N, +N or -N");
	BAD(HDR "  - send: {seq: \" 1\"}\n",
	    "t.yaml:5:17: bad sequence number ' 1': expected N, +N or -N");
}

static void
test_flags(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok(HDR "  - send: {flags: SA}\n  - send: {flags: none}\n"
	    "  - send: {flags: SEW}\n  - send: {flags: fpu}\n"
	    "  - expect: {flags: \"+SA -RF\"}\n"
	    "  - expect: {flags: R.}\n");
	assert_int_equal(c->steps[0].u.send.flags.value, SEG_SYN | SEG_ACK);
	assert_true(c->steps[1].u.send.flags.set);
	assert_int_equal(c->steps[1].u.send.flags.value, 0);
	assert_int_equal(c->steps[2].u.send.flags.value,
	    SEG_SYN | SEG_ECE | SEG_CWR);
	assert_int_equal(c->steps[3].u.send.flags.value,
	    SEG_FIN | SEG_PSH | SEG_URG);
	assert_false(c->steps[4].u.expect.flags.exact);
	assert_int_equal(c->steps[4].u.expect.flags.must, SEG_SYN | SEG_ACK);
	assert_int_equal(c->steps[4].u.expect.flags.mustnot,
	    SEG_RST | SEG_FIN);
	assert_true(c->steps[5].u.expect.flags.exact);
	assert_int_equal(c->steps[5].u.expect.flags.value, SEG_RST | SEG_ACK);
}

static void
test_flags_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send: {flags: SX}\n",
	    "t.yaml:5:19: bad flag 'X' in 'SX': expected letters F S R P A U "
	    "E C, '.' (ACK), W (CWR) or 'none'");
	BAD(HDR "  - expect: {flags: \"+S -Q\"}\n",
	    "t.yaml:5:21: bad flag 'Q' in '+S -Q': expected letters F S R P A "
	    "U E C, '.' (ACK), W (CWR) or 'none'");
	BAD(HDR "  - send: {flags: [S]}\n",
	    "t.yaml:5:19: flags must be a scalar, not a sequence");
}

static void
test_options(void **state)
{
	struct plan_case *c;
	struct plan_opts *o;

	(void)state;
	c = load_ok(HDR "  - send:\n      options:\n"
	    "        - nop\n        - eol\n        - sackok\n"
	    "        - mss: 1460\n        - ws: 200\n"
	    "        - ts: {val: 4294967295, ecr: 7}\n"
	    "  - send:\n      options:\n"
	    "        - ts:\n        - sack: [[1, 100], [200, 0xffffffff]]\n"
	    "        - raw: {kind: 30, data: \"01 02 0a\"}\n"
	    "        - raw: {kind: 253}\n"
	    "  - send: {options: []}\n"
	    "  - send: {options: [{ts: {}}]}\n");
	o = &c->steps[0].u.send.opts;
	assert_true(o->set);
	assert_int_equal(o->nopts, 6);
	assert_int_equal(o->opts[0].kind, SEG_OPT_NOP);
	assert_int_equal(o->opts[0].len, 1);
	assert_int_equal(o->opts[1].kind, SEG_OPT_EOL);
	assert_int_equal(o->opts[1].len, 1);
	assert_int_equal(o->opts[2].kind, SEG_OPT_SACKOK);
	assert_int_equal(o->opts[2].len, 2);
	assert_int_equal(o->opts[3].kind, SEG_OPT_MSS);
	assert_int_equal(o->opts[3].len, 4);
	assert_int_equal(o->opts[3].u.mss, 1460);
	assert_int_equal(o->opts[4].kind, SEG_OPT_WS);
	assert_int_equal(o->opts[4].len, 3);
	assert_int_equal(o->opts[4].u.ws, 200);
	assert_int_equal(o->opts[5].kind, SEG_OPT_TS);
	assert_int_equal(o->opts[5].len, 10);
	assert_int_equal(o->opts[5].u.ts.val, 4294967295U);
	assert_int_equal(o->opts[5].u.ts.ecr, 7);

	o = &c->steps[1].u.send.opts;
	assert_int_equal(o->nopts, 4);
	assert_int_equal(o->opts[0].kind, SEG_OPT_TS);
	assert_int_equal(o->opts[0].len, 10);
	assert_int_equal(o->opts[0].u.ts.val, 0);
	assert_int_equal(o->opts[0].u.ts.ecr, 0);
	assert_int_equal(o->opts[1].kind, SEG_OPT_SACK);
	assert_int_equal(o->opts[1].len, 18);
	assert_int_equal(o->opts[1].nsack, 2);
	assert_int_equal(o->opts[1].u.sack[0].left, 1);
	assert_int_equal(o->opts[1].u.sack[0].right, 100);
	assert_int_equal(o->opts[1].u.sack[1].left, 200);
	assert_int_equal(o->opts[1].u.sack[1].right, 0xffffffffU);
	assert_int_equal(o->opts[2].kind, 30);
	assert_int_equal(o->opts[2].len, 5);
	assert_memory_equal(o->opts[2].u.raw, "\x01\x02\x0a", 3);
	assert_int_equal(o->opts[3].kind, 253);
	assert_int_equal(o->opts[3].len, 2);

	o = &c->steps[2].u.send.opts;
	assert_true(o->set);
	assert_int_equal(o->nopts, 0);
	o = &c->steps[3].u.send.opts;
	assert_int_equal(o->nopts, 1);
	assert_int_equal(o->opts[0].len, 10);
	assert_int_equal(o->opts[0].u.ts.ecr, 0);
}

static void
test_options_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send: {options: [{mss: 70000}]}\n",
	    "t.yaml:5:28: bad mss '70000': expected an integer 0..65535");
	BAD(HDR "  - send: {options: [{ws: 256}]}\n",
	    "t.yaml:5:27: bad ws '256': expected an integer 0..255");
	BAD(HDR "  - send: {options: [wscale]}\n",
	    "t.yaml:5:22: unknown option 'wscale' (expected one of: eol, nop, "
	    "sackok, mss, ws, ts, sack, raw)");
	BAD(HDR "  - send: {options: [mss]}\n",
	    "t.yaml:5:22: option mss needs a value, e.g. {mss: 1460}");
	BAD(HDR "  - send: {options: [{nop: 1}]}\n",
	    "t.yaml:5:23: option nop takes no value: write it as '- nop'");
	BAD(HDR "  - send: {options: [{ts: {val: 1, tsecr: 2}}]}\n",
	    "t.yaml:5:36: unknown key 'tsecr' in ts (expected one of: val, "
	    "ecr)");
	BAD(HDR "  - send: {options: [{sack: []}]}\n",
	    "t.yaml:5:29: sack takes 1 to 4 blocks: [[left, right], ...]");
	BAD(HDR "  - send: {options: [{sack: [[1, 2, 3]]}]}\n",
	    "t.yaml:5:30: sack block must be [left, right]");
	BAD(HDR "  - send: {options: [{raw: {data: \"00\"}}]}\n",
	    "t.yaml:5:28: missing required key 'kind' in raw");
	BAD(HDR "  - send: {options: [{raw: {kind: 9, data: \"0\"}}]}\n",
	    "t.yaml:5:44: raw data has an odd number of hex digits (1)");
	BAD(HDR "  - send: {options: [{raw: {kind: 9, data: \""
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000\"}}]}\n",
	    "t.yaml:5:44: raw data is 40 bytes, more than 38");
}

static void
test_options_too_long(void **state)
{
	(void)state;
	BAD(HDR "  - send: {options: [{mss: 1}, {ts: }, {ts: }, {ts: }, "
	    "{ws: 1}, nop, nop, nop, nop]}\n",
	    "t.yaml:5:21: options take 41 bytes, more than 40");
	BAD(HDR "  - connect: {options: [nop, nop, nop, nop, nop, nop, nop, "
	    "nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, "
	    "nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, nop, "
	    "nop, nop, nop, nop, nop, nop, nop, nop, nop, nop]}\n",
	    "t.yaml:5:24: options take 43 bytes, more than 40");
}

static void
test_data(void **state)
{
	struct plan_case *c;
	struct plan_send *s;

	(void)state;
	c = load_ok(HDR "  - send: {data: \"a\\0b\"}\n"
	    "  - send: {data: {hex: \"0a 0B0c\"}}\n"
	    "  - send: {data: {len: 1000}}\n"
	    "  - send:\n      data: |\n        GET / HTTP/1.0\n\n");
	s = &c->steps[0].u.send;
	assert_int_equal(s->datalen, 3);
	assert_memory_equal(s->data, "a\0b", 3);
	s = &c->steps[1].u.send;
	assert_int_equal(s->datalen, 3);
	assert_memory_equal(s->data, "\x0a\x0b\x0c", 3);
	s = &c->steps[2].u.send;
	assert_int_equal(s->datalen, 1000);
	assert_int_equal(s->data[0], 'x');
	assert_int_equal(s->data[999], 'x');
	s = &c->steps[3].u.send;
	assert_int_equal(s->datalen, 15);
	assert_memory_equal(s->data, "GET / HTTP/1.0\n", 15);
}

static void
test_data_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send: {data: {hex: \"0g\"}}\n",
	    "t.yaml:5:24: bad hex digit 'g' in data hex");
	BAD(HDR "  - send: {data: {hex: \"abc\"}}\n",
	    "t.yaml:5:24: data hex has an odd number of hex digits (3)");
	BAD(HDR "  - send: {data: {len: 0}}\n",
	    "t.yaml:5:24: bad data len '0': expected an integer 1..65535");
	BAD(HDR "  - send: {data: {len: 1, hex: \"00\"}}\n",
	    "t.yaml:5:18: data mapping takes exactly one of hex or len");
	BAD(HDR "  - send: {data: {}}\n",
	    "t.yaml:5:18: data mapping takes exactly one of hex or len");
	BAD(HDR "  - send: {data: {text: hi}}\n",
	    "t.yaml:5:19: unknown key 'text' in data (expected one of: hex, "
	    "len)");
	BAD(HDR "  - send: {data: [1, 2]}\n",
	    "t.yaml:5:18: data must be a string, {hex: \"0a0b\"} or {len: N}");
}

/* ---- files --------------------------------------------------------------- */

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_directory(void **state)
{
	char dir[] = "/tmp/test_script.XXXXXX", sub[PATH_MAX], p[PATH_MAX];
	char want[PATH_MAX + 64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "b.yaml", "id: b\ntitle: B\nservice: echo\n"
	    "steps: [connect: ]\n---\nid: c\ntitle: C\nservice: echo\n"
	    "steps: [connect: ]\n");
	write_file(dir, "a.yml", "id: a\ntitle: A\nservice: echo\n"
	    "steps: [connect: ]\n");
	write_file(sub, "d.yaml", "id: d\ntitle: D\nservice: echo\n"
	    "steps: [conect: ]\n");
	write_file(sub, "e.yaml", "id: e\ntitle: E\nservice: echo\n"
	    "steps: [connect: ]\n");
	write_file(dir, ".hidden.yaml", "not: loaded\n");
	write_file(dir, "notes.txt", "id: n\ntitle: N\nservice: echo\n"
	    "steps: [connect: ]\n");

	assert_int_equal(scr_load(dir, &plan, &errs), 1);
	snprintf(want, sizeof(want), "%s/sub/d.yaml:4:9: unknown step "
	    "'conect' (expected one of: connect, send, expect, silence or "
	    "state)", dir);
	assert_string_equal(errs.msgs[0], want);
	assert_int_equal(plan.ncases, 4);
	assert_string_equal(plan.cases[0].id, "a");
	assert_string_equal(plan.cases[1].id, "b");
	assert_string_equal(plan.cases[2].id, "c");
	assert_string_equal(plan.cases[3].id, "e");
	snprintf(p, sizeof(p), "%s/b.yaml", dir);
	assert_string_equal(plan.cases[2].pos.file, p);
	assert_int_equal(plan.cases[2].pos.line, 6);

	/* A file named explicitly is loaded whatever its name. */
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	assert_int_equal(scr_load(p, &plan, &errs), 0);
	assert_int_equal(plan.ncases, 5);

	/* Loading the same directory again duplicates every id. */
	assert_int_equal(scr_load(dir, &plan, &errs), 5);
	snprintf(want, sizeof(want), "%s/a.yml:1:5: duplicate case id 'a' "
	    "(first defined at %s/a.yml:1:5)", dir, dir);
	assert_string_equal(errs.msgs[1], want);
	assert_int_equal(plan.ncases, 5);

	snprintf(p, sizeof(p), "%s/none.yaml", dir);
	assert_int_equal(scr_load(p, &plan, &errs), 1);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or "
	    "directory", p);
	assert_string_equal(errs.msgs[errs.n - 1], want);

	assert_int_equal(scr_load("/dev/null", &plan, &errs), 1);
	assert_string_equal(errs.msgs[errs.n - 1],
	    "/dev/null: not a regular file or directory");

	unlink(p);
	snprintf(p, sizeof(p), "%s/sub/d.yaml", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub/e.yaml", dir);
	unlink(p);
	rmdir(sub);
	snprintf(p, sizeof(p), "%s/b.yaml", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/a.yml", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/.hidden.yaml", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	unlink(p);
	assert_int_equal(rmdir(dir), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_minimal),
		T(test_unknown_top_key),
		T(test_missing_id),
		T(test_bad_values),
		T(test_steps_shape),
		T(test_too_many_steps),
		T(test_duplicate_id),
		T(test_multi_document),
		T(test_multi_document_errors),
		T(test_syntax_error),
		T(test_aliases),
		T(test_limits),
		T(test_deep_nesting),
		T(test_error_cap),
		T(test_three_errors),
		T(test_empty),
		T(test_connect),
		T(test_connect_bad),
		T(test_send),
		T(test_send_bad),
		T(test_expect),
		T(test_expect_bad),
		T(test_silence),
		T(test_silence_bad),
		T(test_state),
		T(test_state_bad),
		T(test_numbers),
		T(test_numbers_bad),
		T(test_flags),
		T(test_flags_bad),
		T(test_options),
		T(test_options_bad),
		T(test_options_too_long),
		T(test_data),
		T(test_data_bad),
		T(test_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
