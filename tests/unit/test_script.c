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

#include "interp.h"
#include "plan.h"
#include "script.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"

/* Lines 1-4 of most cases; their steps start on line 5. */
#define HDR "id: t/1\ntitle: T\nservice: echo\nsteps:\n"

#define STEPS "connect, send, expect, silence, state, wait, retransmits, " \
	"measure, exec, target, any_of, repeat or include"
#define SEND_KEYS "flags, seq, ack, win, options, data, urg, reserved, " \
	"ttl, ipid, df, tos, bad_csum, doff"

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
	    "rfc, service, tags, steps, timeout, sysctl, requires, "
	    "exclusive, matrix, level)");
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
	    "t.yaml:5:5: step must be a mapping with one key: " STEPS);
	BAD(HDR "  - connect\n",
	    "t.yaml:5:5: step must be a mapping with one key: " STEPS);
	BAD(HDR "  - sned: {}\n",
	    "t.yaml:5:5: unknown step 'sned' (expected one of: " STEPS ")");
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
	    "t.yaml:5:12: unknown key 'flgs' in send (expected one of: "
	    SEND_KEYS ")",
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
	    "t.yaml:6:7: unknown key 'flgs' in send (expected one of: "
	    SEND_KEYS ")");
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
	    "t.yaml:5:11: send takes a mapping of: " SEND_KEYS);
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
	assert_null(c->steps[3].u.silence_allow);
	reset();
	c = load_ok(HDR "  - silence: {for: 1s, allow: {flags: +A, ack: +1, "
	    "end_max: +1001}}\n  - expect: {flags: A, end_max: 7}\n");
	assert_int_equal(c->steps[0].u.silence_ns, NS_PER_SEC);
	assert_non_null(c->steps[0].u.silence_allow);
	assert_true(c->steps[0].u.silence_allow->flags.set);
	assert_int_equal(c->steps[0].u.silence_allow->end_max.mode,
	    PLAN_NUM_REL);
	assert_int_equal(c->steps[0].u.silence_allow->end_max.v, 1001);
	assert_int_equal(c->steps[0].u.silence_allow->df, -1);
	assert_int_equal(c->steps[1].u.expect.end_max.mode, PLAN_NUM_ABS);
	assert_int_equal(c->steps[1].u.expect.end_max.v, 7);
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
	BAD(HDR "  - silence: {allow: {flags: A}}\n",
	    "t.yaml:5:14: missing required key 'for' in silence");
	BAD(HDR "  - silence: {for: 1s, allow: {seq: +1}}\n",
	    "t.yaml:5:31: silence allow needs flags: the model predicts "
	    "nothing during a silence");
	BAD(HDR "  - silence: {for: 1s, allow: {flags: A, within: 1s}}\n",
	    "t.yaml:5:31: silence allow takes no within or capture: it "
	    "only tolerates segments");
	BAD(HDR "  - silence: {for: 1s, allow: A}\n",
	    "t.yaml:5:31: silence allow takes a mapping of expect keys, "
	    "e.g. {flags: PA, seq: +1}");
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
	    "        - raw: {kind: 99, len: 0}\n"
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
	assert_int_equal(o->nopts, 5);
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
	assert_false(o->opts[3].len_forced);
	assert_int_equal(o->opts[4].kind, 99);
	assert_int_equal(o->opts[4].len, 2);		/* no data bytes */
	assert_true(o->opts[4].len_forced);
	assert_int_equal(o->opts[4].len_byte, 0);

	o = &c->steps[2].u.send.opts;
	assert_true(o->set);
	assert_int_equal(o->nopts, 0);
	o = &c->steps[3].u.send.opts;
	assert_int_equal(o->nopts, 1);
	assert_int_equal(o->opts[0].len, 10);
	assert_int_equal(o->opts[0].u.ts.ecr, 0);
	/* ts: {} has no val: the interpreter's per-case clock. */
	assert_true(o->ts_val_auto);
	assert_false(o->ts_ecr_echo);
}

/*
 * SACK edges in send are numbers like ack's (issue 9 point 17): +N/-N
 * from the target's ISN and $var, resolved when the segment is sent; a
 * file of absolute edges keeps them in the option itself.
 */
static void
test_options_sack_rel(void **state)
{
	struct plan_case *c;
	struct plan_opts *o;

	(void)state;
	c = load_ok(HDR "  - connect: {options: [mss: 1000, sackok]}\n"
	    "  - expect: {flags: A, capture: {x: seq}}\n"
	    "  - send: {options: [nop, nop, sack: [[+1001, +2001], "
	    "[$x, $x-10], [7, -3]]]}\n"
	    "  - send: {options: [sack: [[1, 2]]]}\n");
	o = &c->steps[2].u.send.opts;
	assert_true(o->sack_nums);
	assert_int_equal(o->sack_opt, 2);
	assert_int_equal(o->opts[2].kind, SEG_OPT_SACK);
	assert_int_equal(o->opts[2].nsack, 3);
	assert_int_equal(o->opts[2].len, 26);
	assert_int_equal(o->sack[0][0].mode, PLAN_NUM_REL);
	assert_int_equal(o->sack[0][0].v, 1001);
	assert_int_equal(o->sack[0][1].mode, PLAN_NUM_REL);
	assert_int_equal(o->sack[0][1].v, 2001);
	assert_int_equal(o->sack[1][0].mode, PLAN_NUM_VAR);
	assert_int_equal(o->sack[1][0].var, 0);
	assert_int_equal(o->sack[1][0].v, 0);
	assert_int_equal(o->sack[1][1].mode, PLAN_NUM_VAR);
	assert_int_equal(o->sack[1][1].v, -10);
	assert_int_equal(o->sack[2][0].mode, PLAN_NUM_ABS);
	assert_int_equal(o->opts[2].u.sack[2].left, 7);
	assert_int_equal(o->sack[2][1].mode, PLAN_NUM_REL);
	assert_int_equal(o->sack[2][1].v, -3);
	o = &c->steps[3].u.send.opts;
	assert_false(o->sack_nums);
	assert_int_equal(o->opts[0].u.sack[0].left, 1);
	assert_int_equal(o->opts[0].u.sack[0].right, 2);
	BAD(HDR "  - send: {options: [sack: [[+1, +2]], sack: [[+3, +4]]]}\n",
	    "t.yaml:5:40: only one sack option of a segment may have "
	    "relative or $var edges");
	BAD(HDR "  - send: {options: [sack: [[+1, x]]]}\n",
	    "t.yaml:5:34: bad sack right edge 'x': expected N, +N or -N");
	BAD(HDR "  - send: {options: [sack: [[$nope, 1]]]}\n",
	    "t.yaml:5:30: variable $nope is used before it is captured");
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
	    "mss, ws, sackok, sack, ts, raw)");
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

/* ---- the full language ----------------------------------------------------- */

static void
test_send_fields(void **state)
{
	struct plan_case *c;
	struct plan_send *s;

	(void)state;
	c = load_ok(HDR "  - expect: {capture: {isn: seq, a: ack}}\n"
	    "  - send: {urg: 5, reserved: 15, ttl: 1, ipid: 65535, df: true, "
	    "tos: 16, bad_csum: true, doff: 4, seq: $isn+1, ack: $a}\n"
	    "  - send: {seq: $isn-2, df: false, options: [{ts: {}}]}\n"
	    "  - send: {options: [{ts: {val: auto, ecr: echo}}, nop]}\n");
	s = &c->steps[1].u.send;
	assert_true(s->urg_set);
	assert_int_equal(s->urg, 5);
	assert_int_equal(s->reserved, 15);
	assert_true(s->ttl_set);
	assert_int_equal(s->ttl, 1);
	assert_true(s->ipid_set);
	assert_int_equal(s->ipid, 65535);
	assert_true(s->df_set);
	assert_true(s->df);
	assert_true(s->tos_set);
	assert_int_equal(s->tos, 16);
	assert_true(s->bad_csum);
	assert_true(s->doff_set);
	assert_int_equal(s->doff, 4);
	assert_int_equal(s->seq.mode, PLAN_NUM_VAR);
	assert_int_equal(s->seq.var, 0);
	assert_int_equal(s->seq.v, 1);
	assert_int_equal(s->ack.mode, PLAN_NUM_VAR);
	assert_int_equal(s->ack.var, 1);
	assert_int_equal(s->ack.v, 0);
	s = &c->steps[2].u.send;
	assert_int_equal(s->seq.v, -2);
	assert_true(s->df_set);
	assert_false(s->df);
	assert_false(s->urg_set);
	assert_false(s->ttl_set);
	assert_false(s->doff_set);
	assert_int_equal(s->ack.mode, PLAN_NUM_AUTO);
	assert_int_equal(s->ack.var, -1);
	assert_true(s->opts.ts_val_auto);
	assert_false(s->opts.ts_ecr_echo);
	s = &c->steps[3].u.send;
	assert_true(s->opts.ts_val_auto);
	assert_true(s->opts.ts_ecr_echo);
	assert_int_equal(s->opts.nopts, 2);
	assert_int_equal(s->opts.opts[0].u.ts.ecr, 0);
	assert_int_equal(s->opts.opts[1].kind, SEG_OPT_NOP);
	reset();
	c = load_ok(HDR "  - send: {options: [{ts: {val: 7}}]}\n");
	assert_false(c->steps[0].u.send.opts.ts_val_auto);
	assert_int_equal(c->steps[0].u.send.seq.var, -1);
}

static void
test_send_fields_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send: {reserved: 16}\n",
	    "t.yaml:5:22: bad reserved '16': expected an integer 0..15");
	BAD(HDR "  - send: {doff: 16}\n",
	    "t.yaml:5:18: bad doff '16': expected an integer 0..15");
	BAD(HDR "  - send: {ttl: 256}\n",
	    "t.yaml:5:17: bad ttl '256': expected an integer 0..255");
	BAD(HDR "  - send: {df: maybe}\n",
	    "t.yaml:5:16: bad df 'maybe': expected true or false");
	BAD(HDR "  - send: {seq: $1x}\n",
	    "t.yaml:5:17: bad sequence number '$1x': expected $name, "
	    "$name+N or $name-N");
	BAD(HDR "  - send: {ack: $x+}\n",
	    "t.yaml:5:17: bad acknowledgement number '$x+': expected $name, "
	    "$name+N or $name-N");
	BAD(HDR "  - send: {options: [{ts: {ecr: now}}]}\n",
	    "t.yaml:5:33: bad ts ecr 'now': expected an integer "
	    "0..4294967295");
}

static void
test_variables(void **state)
{
	struct plan_case *c;
	struct plan_expect *e;

	(void)state;
	c = load_ok(HDR "  - connect:\n"
	    "  - expect: {capture: {isn: seq, $tsv: ts.val, w: win}}\n"
	    "  - expect: {seq: $isn+1, options: [{ts: {ecr: $tsv}}]}\n");
	assert_int_equal(c->nvars, 3);
	assert_string_equal(c->vars[0], "isn");
	assert_string_equal(c->vars[1], "tsv");
	assert_string_equal(c->vars[2], "w");
	e = &c->steps[1].u.expect;
	assert_int_equal(e->ncap, 3);
	assert_int_equal(e->cap[0].var, 0);
	assert_int_equal(e->cap[0].field, PLAN_F_SEQ);
	assert_int_equal(e->cap[0].pos.line, 6);
	assert_int_equal(e->cap[0].pos.col, 24);
	assert_int_equal(e->cap[1].var, 1);
	assert_int_equal(e->cap[1].field, PLAN_F_TSVAL);
	assert_int_equal(e->cap[2].field, PLAN_F_WIN);
	e = &c->steps[2].u.expect;
	assert_int_equal(e->seq.mode, PLAN_NUM_VAR);
	assert_int_equal(e->seq.var, 0);
	assert_int_equal(e->seq.v, 1);
	assert_int_equal(e->nopts, 1);
	assert_int_equal(e->opts[0].kind, SEG_OPT_TS);
	assert_int_equal(e->opts[0].field, 2);
	assert_int_equal(e->opts[0].match, PLAN_OM_VALUE);
	assert_int_equal(e->opts[0].var, 1);
}

static void
test_variables_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send: {seq: $isn}\n  - expect: {capture: {isn: seq}}\n",
	    "t.yaml:5:17: variable $isn is used before it is captured");
	/* Captured by the same expect: too early. */
	BAD(HDR "  - expect: {seq: $x, capture: {x: seq}}\n",
	    "t.yaml:5:19: variable $x is used before it is captured");
	BAD(HDR "  - expect: {capture: {9x: seq}}\n",
	    "t.yaml:5:24: bad variable name '9x': use letters, digits and _, "
	    "not starting with a digit");
	BAD(HDR "  - expect: {capture: {x: sequence}}\n",
	    "t.yaml:5:27: unknown field 'sequence' to capture (expected one "
	    "of: seq, ack, win, urg, len, ttl, ipid, tos, ts.val, ts.ecr, "
	    "mss, ws, end)");
	BAD(HDR "  - expect: {capture: [seq]}\n",
	    "t.yaml:5:23: capture must be a mapping of variable: field, e.g. "
	    "{isn: seq}");
}

static void
test_expect_fields(void **state)
{
	struct plan_case *c;
	struct plan_expect *e;

	(void)state;
	c = load_ok(HDR "  - expect: auto\n  - expect: {}\n"
	    "  - expect: {len: 10, urg: [1, 5], ttl: 64, tos: [0, 3], "
	    "ipid: 7, df: true}\n"
	    "  - expect: {len: [0, 1460], df: false}\n");
	assert_int_equal(c->nsteps, 4);
	e = &c->steps[0].u.expect;
	assert_int_equal(c->steps[0].kind, PLAN_EXPECT);
	assert_int_equal(e->df, -1);
	assert_false(e->len.set);
	assert_int_equal(e->seq.var, -1);
	assert_int_equal(e->ack.var, -1);
	assert_int_equal(c->steps[1].u.expect.df, -1);
	e = &c->steps[2].u.expect;
	assert_true(e->len.set);
	assert_int_equal(e->len.lo, 10);
	assert_int_equal(e->len.hi, 10);
	assert_int_equal(e->len.pos.line, 7);
	assert_int_equal(e->len.pos.col, 19);
	assert_int_equal(e->urg.lo, 1);
	assert_int_equal(e->urg.hi, 5);
	assert_int_equal(e->ttl.lo, 64);
	assert_int_equal(e->tos.hi, 3);
	assert_int_equal(e->ipid.lo, 7);
	assert_int_equal(e->df, 1);
	e = &c->steps[3].u.expect;
	assert_int_equal(e->len.lo, 0);
	assert_int_equal(e->len.hi, 1460);
	assert_int_equal(e->df, 0);
	assert_false(e->urg.set);
}

static void
test_expect_fields_bad(void **state)
{
	(void)state;
	BAD(HDR "  - expect: manual\n",
	    "t.yaml:5:13: expect takes 'auto' or a mapping of: flags, seq, "
	    "ack, end_max, win, data, within, len, urg, ttl, tos, ipid, df, "
	    "options, capture");
	BAD(HDR "  - expect: {ttl: [9, 1]}\n",
	    "t.yaml:5:19: ttl range [9, 1]: min is greater than max");
	BAD(HDR "  - expect: {ipid: 65536}\n",
	    "t.yaml:5:20: bad ipid '65536': expected an integer 0..65535");
	BAD(HDR "  - expect: {df: 1}\n",
	    "t.yaml:5:18: bad df '1': expected true or false");
	BAD(HDR "  - expect: {len: [1, 2, 3]}\n",
	    "t.yaml:5:19: len range must be [min, max]");
}

static void
test_expect_options(void **state)
{
	struct plan_case *c;
	struct plan_expect *e;
	const struct plan_optexp *o;

	(void)state;
	c = load_ok(HDR "  - expect:\n      options:\n"
	    "        - mss: 1460\n"		/* 0 */
	    "        - mss: [536, 1460]\n"	/* 1 */
	    "        - mss: present\n"		/* 2 */
	    "        - ws: absent\n"		/* 3 */
	    "        - ws: 7\n"			/* 4 */
	    "        - sackok\n"		/* 5 */
	    "        - sackok: absent\n"	/* 6 */
	    "        - sack: present\n"		/* 7 */
	    "        - ts: absent\n"		/* 8 */
	    "        - ts: {val: [1, 100], ecr: echo}\n"	/* 9, 10 */
	    "        - ts: {val: present, ecr: 0}\n"	/* 11, 12 */
	    "        - raw: {kind: 30}\n"	/* 13 */
	    "        - raw: {kind: 31, absent: true}\n"	/* 14 */
	    "        - ts\n"			/* 15 */
	    "        - ts: {}\n"		/* 16 */
	    "        - sack: [[+11, +21], [100, -1]]\n");	/* 17 */
	e = &c->steps[0].u.expect;
	assert_int_equal(e->nopts, 18);
	o = e->opts;
	assert_int_equal(o[0].kind, SEG_OPT_MSS);
	assert_int_equal(o[0].field, 0);
	assert_int_equal(o[0].match, PLAN_OM_VALUE);
	assert_int_equal(o[0].value.lo, 1460);
	assert_int_equal(o[0].value.hi, 1460);
	assert_int_equal(o[0].var, -1);
	assert_int_equal(o[0].pos.line, 7);
	assert_int_equal(o[0].pos.col, 16);
	assert_int_equal(o[1].value.lo, 536);
	assert_int_equal(o[1].value.hi, 1460);
	assert_int_equal(o[2].match, PLAN_OM_PRESENT);
	assert_int_equal(o[3].kind, SEG_OPT_WS);
	assert_int_equal(o[3].match, PLAN_OM_ABSENT);
	assert_int_equal(o[4].value.lo, 7);
	assert_int_equal(o[5].kind, SEG_OPT_SACKOK);
	assert_int_equal(o[5].match, PLAN_OM_PRESENT);
	assert_int_equal(o[6].match, PLAN_OM_ABSENT);
	assert_int_equal(o[7].kind, SEG_OPT_SACK);
	assert_int_equal(o[7].match, PLAN_OM_PRESENT);
	assert_int_equal(o[8].kind, SEG_OPT_TS);
	assert_int_equal(o[8].match, PLAN_OM_ABSENT);
	assert_int_equal(o[9].field, 1);
	assert_int_equal(o[9].match, PLAN_OM_VALUE);
	assert_int_equal(o[9].value.lo, 1);
	assert_int_equal(o[9].value.hi, 100);
	assert_int_equal(o[10].field, 2);
	assert_true(o[10].echo);
	assert_int_equal(o[10].match, PLAN_OM_VALUE);
	assert_int_equal(o[11].field, 1);
	assert_int_equal(o[11].match, PLAN_OM_PRESENT);
	assert_int_equal(o[12].field, 2);
	assert_int_equal(o[12].match, PLAN_OM_VALUE);
	assert_int_equal(o[12].value.lo, 0);
	assert_false(o[12].echo);
	assert_int_equal(o[13].kind, 30);
	assert_int_equal(o[13].match, PLAN_OM_PRESENT);
	assert_int_equal(o[14].kind, 31);
	assert_int_equal(o[14].match, PLAN_OM_ABSENT);
	assert_int_equal(o[15].kind, SEG_OPT_TS);
	assert_int_equal(o[15].field, 0);
	assert_int_equal(o[15].match, PLAN_OM_PRESENT);
	assert_int_equal(o[16].field, 0);
	assert_int_equal(o[16].match, PLAN_OM_PRESENT);
	assert_int_equal(o[17].kind, SEG_OPT_SACK);
	assert_int_equal(o[17].match, PLAN_OM_SACK);
	assert_int_equal(o[17].nsack, 2);
	assert_int_equal(o[17].sack[0][0].mode, PLAN_NUM_REL);
	assert_int_equal(o[17].sack[0][0].v, 11);
	assert_int_equal(o[17].sack[0][1].v, 21);
	assert_int_equal(o[17].sack[1][0].mode, PLAN_NUM_ABS);
	assert_int_equal(o[17].sack[1][0].v, 100);
	assert_int_equal(o[17].sack[1][1].mode, PLAN_NUM_REL);
	assert_int_equal(o[17].sack[1][1].v, -1);
}

static void
test_expect_options_bad(void **state)
{
	(void)state;
	BAD(HDR "  - expect: {options: [{mss: lots}]}\n",
	    "t.yaml:5:30: bad mss 'lots': expected N, [min, max], present "
	    "or absent");
	BAD(HDR "  - expect: {options: [{sack: 1}]}\n",
	    "t.yaml:5:31: bad sack '1': expected present or absent or "
	    "blocks [[left, right], ...]");
	BAD(HDR "  - expect: {options: [{sack: []}]}\n",
	    "t.yaml:5:31: sack takes present, absent or 1 to 4 blocks: "
	    "[[left, right], ...]");
	BAD(HDR "  - expect: {options: [{sack: [[1, 2], [3]]}]}\n",
	    "t.yaml:5:40: sack block must be [left, right]");
	BAD(HDR "  - expect: {options: [{sack: [[+1, x]]}]}\n",
	    "t.yaml:5:37: bad sack right edge 'x': expected N, +N or -N");
	BAD(HDR "  - expect: {options: [{ts: {ecr: absent}}]}\n",
	    "t.yaml:5:35: bad ts ecr 'absent': expected N, [min, max], "
	    "present, echo or $var");
	BAD(HDR "  - expect: {options: [{ts: {val: echo}}]}\n",
	    "t.yaml:5:35: bad ts val 'echo': expected N, [min, max], "
	    "present or $var");
	BAD(HDR "  - expect: {options: [{ws: [9, 2]}]}\n",
	    "t.yaml:5:29: ws range [9, 2]: min is greater than max");
	BAD(HDR "  - expect: {options: [raw]}\n",
	    "t.yaml:5:24: option raw needs {kind: K}");
	BAD(HDR "  - expect: {options: [{raw: {absent: true}}]}\n",
	    "t.yaml:5:30: missing required key 'kind' in raw");
	BAD(HDR "  - expect: {options: [nop]}\n",
	    "t.yaml:5:24: unknown option 'nop' (expected one of: mss, ws, "
	    "sackok, sack, ts, raw)");
	BAD(HDR "  - expect: {options: [{ts: {val: $v}}]}\n",
	    "t.yaml:5:35: variable $v is used before it is captured");
	BAD(HDR "  - expect: {options: [{ts: {val: $v+1}}]}\n",
	    "t.yaml:5:35: bad variable reference '$v+1': expected $name");
}

static void
test_case_keys(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok("id: t/1\ntitle: T\nservice: echo\ntimeout: 30s\n"
	    "sysctl: {tcp_synack_retries: 2, net.ipv4.tcp_fin_timeout: 5,\n"
	    "  tcp_rmem: \"4096 131072 6291456\"}\n"
	    "requires: {root: true, ipv6: true, sysctl: {tcp_timestamps: 1}}\n"
	    "steps: [connect: ]\n");
	assert_int_equal(c->timeout_ns, 30 * NS_PER_SEC);
	assert_int_equal(c->nsysctl, 3);
	assert_string_equal(c->sysctl[0].key, "net.ipv4.tcp_synack_retries");
	assert_string_equal(c->sysctl[0].value, "2");
	assert_int_equal(c->sysctl[0].pos.line, 5);
	assert_int_equal(c->sysctl[0].pos.col, 10);
	assert_string_equal(c->sysctl[1].key, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(c->sysctl[1].value, "5");
	assert_string_equal(c->sysctl[2].value, "4096 131072 6291456");
	assert_true(c->req_root);
	assert_true(c->req_ipv6);
	assert_int_equal(c->nreq_sysctl, 1);
	assert_string_equal(c->req_sysctl[0].key, "net.ipv4.tcp_timestamps");
	assert_string_equal(c->req_sysctl[0].value, "1");
	assert_true(c->exclusive);

	reset();
	c = load_ok("id: t/1\ntitle: T\nservice: echo\nexclusive: true\n"
	    "steps: [connect: ]\n");
	assert_true(c->exclusive);
	assert_int_equal(c->timeout_ns, 0);
	assert_false(c->req_root);
	reset();
	c = load_ok("id: t/1\ntitle: T\nservice: echo\n"
	    "requires: {sysctl: {net.core.somaxconn: 4096}}\n"
	    "steps: [connect: ]\n");
	assert_false(c->exclusive);	/* only reads: may share the target */
	assert_string_equal(c->req_sysctl[0].key, "net.core.somaxconn");
	reset();
	c = load_ok(HDR "  - connect:\n");
	assert_false(c->exclusive);
	assert_int_equal(c->nvars, 0);
}

static void
test_case_keys_bad(void **state)
{
	(void)state;
	BAD("id: x\ntitle: T\nservice: echo\ntimeout: 0s\nsteps: [connect: ]\n",
	    "t.yaml:4:10: timeout must be greater than 0");
	BAD("id: x\ntitle: T\nservice: echo\nsysctl: [a]\nsteps: [connect: ]\n",
	    "t.yaml:4:9: sysctl must be a mapping of name: value, e.g. "
	    "{tcp_fin_timeout: 5}");
	BAD("id: x\ntitle: T\nservice: echo\nsysctl: {a b: 1}\n"
	    "steps: [connect: ]\n",
	    "t.yaml:4:10: bad sysctl name 'a b': dot-separated words of "
	    "letters, digits, _ and - (at most 200 bytes)");
	/* Issue 9: a value that is shell text never loads (nor a name). */
	BAD("id: x\ntitle: T\nservice: echo\n"
	    "sysctl: {tcp_fin_timeout: \"60'; id > F; echo '\"}\n"
	    "steps: [connect: ]\n",
	    "t.yaml:4:27: bad value '60'; id > F; echo '' for sysctl "
	    "net.ipv4.tcp_fin_timeout: words of letters, digits and _ . : + - "
	    "separated by one blank (at most 128 bytes)");
	BAD("id: x\ntitle: T\nservice: echo\n"
	    "requires: {sysctl: {tcp_sack: \"$(id)\"}}\nsteps: [connect: ]\n",
	    "t.yaml:4:31: bad value '$(id)' for sysctl net.ipv4.tcp_sack: "
	    "words of letters, digits and _ . : + - separated by one blank "
	    "(at most 128 bytes)");
	BAD("id: x\ntitle: T\nservice: echo\n"
	    "sysctl: {\"net.ipv4.x';id;'\": 1}\nsteps: [connect: ]\n",
	    "t.yaml:4:10: bad sysctl name 'net.ipv4.x';id;'': dot-separated "
	    "words of letters, digits, _ and - (at most 200 bytes)");
	BAD("id: x\ntitle: T\nservice: echo\nsysctl: {a: [1]}\n"
	    "steps: [connect: ]\n",
	    "t.yaml:4:13: sysctl value must be a scalar, not a sequence");
	BAD("id: x\ntitle: T\nservice: echo\nrequires: {rot: true}\n"
	    "steps: [connect: ]\n",
	    "t.yaml:4:12: unknown key 'rot' in requires (expected one of: "
	    "root, ipv6, ipv4, sysctl, options)");
	BAD("id: x\ntitle: T\nservice: echo\nexclusive: 1\n"
	    "steps: [connect: ]\n",
	    "t.yaml:4:12: bad exclusive '1': expected true or false");
}

static void
test_profile(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok(HDR "  - {expect: {flags: A}, profile: linux}\n"
	    "  - profile: \"!rfc\"\n    silence: 1s\n"
	    "  - send:\n");
	assert_int_equal(c->nsteps, 3);
	assert_int_equal(c->steps[0].kind, PLAN_EXPECT);
	assert_string_equal(c->steps[0].profile, "linux");
	assert_false(c->steps[0].profile_not);
	assert_int_equal(c->steps[1].kind, PLAN_SILENCE);
	assert_string_equal(c->steps[1].profile, "rfc");
	assert_true(c->steps[1].profile_not);
	assert_int_equal(c->steps[1].pos.line, 6);
	assert_null(c->steps[2].profile);
}

static void
test_profile_bad(void **state)
{
	(void)state;
	BAD(HDR "  - {expect: , profile: Linux}\n",
	    "t.yaml:5:25: bad profile 'Linux': expected a name of a-z, 0-9, "
	    "_ and -, or '!name'");
	BAD(HDR "  - {profile: linux}\n",
	    "t.yaml:5:5: step must be a mapping with one key: " STEPS);
	BAD(HDR "  - {expect: , send: , profile: linux}\n",
	    "t.yaml:5:5: step must be a mapping with one key: " STEPS);
	BAD(HDR "  - {repeat: {count: 1, steps: [send: ]}, profile: linux}\n",
	    "t.yaml:5:43: profile is not allowed on repeat");
	/* A typo is not a profile nobody runs: it is an error, naming the
	 * profiles of the one table "run --profile" checks too. */
	BAD(HDR "  - {expect: , profile: linxu}\n",
	    "t.yaml:5:25: unknown profile 'linxu' (expected one of: rfc, "
	    "linux)");
	BAD(HDR "  - {silence: 1s, profile: \"!freebsd\"}\n",
	    "t.yaml:5:28: unknown profile '!freebsd' (expected one of: rfc, "
	    "linux)");
}

/*
 * level: a case's (MUST without one), a step's own, and an any_of's for
 * its alternatives' steps; whatever the order of the case's keys.
 */
static void
test_level(void **state)
{
	struct plan_case *c;
	const struct plan_any_of *a;

	(void)state;
	c = load_ok(HDR "  - send:\n");
	assert_int_equal(c->level, PLAN_LEVEL_MUST);
	assert_int_equal(c->steps[0].level, PLAN_LEVEL_MUST);
	reset();
	c = load_ok(HDR "  - send:\n"
	    "  - {expect: {flags: A}, level: MUST}\n"
	    "  - level: MAY\n    any_of:\n"
	    "      - [expect: {flags: A}, {send: , level: SHOULD}]\n"
	    "      - [expect: {flags: R}]\n"
	    "level: SHOULD\n");
	assert_int_equal(c->level, PLAN_LEVEL_SHOULD);
	assert_int_equal(c->steps[0].level, PLAN_LEVEL_SHOULD);
	assert_false(c->steps[0].level_set);
	assert_int_equal(c->steps[1].level, PLAN_LEVEL_MUST);
	assert_true(c->steps[1].level_set);
	assert_int_equal(c->steps[2].level, PLAN_LEVEL_MAY);
	a = &c->steps[2].u.any_of;
	assert_int_equal(a->alts[0].steps[0].level, PLAN_LEVEL_MAY);
	assert_int_equal(a->alts[0].steps[1].level, PLAN_LEVEL_SHOULD);
	assert_int_equal(a->alts[1].steps[0].level, PLAN_LEVEL_MAY);
}

static void
test_level_bad(void **state)
{
	(void)state;
	/* RFC 2119's keywords in its capitals, nothing else. */
	BAD(HDR "  - send:\nlevel: may\n",
	    "t.yaml:6:8: bad level 'may': expected MUST, SHOULD or MAY");
	BAD(HDR "  - {send: , level: OPTIONAL}\n",
	    "t.yaml:5:21: bad level 'OPTIONAL': expected MUST, SHOULD or MAY");
	BAD(HDR "  - {send: , level: [MAY]}\n",
	    "t.yaml:5:21: level must be a scalar, not a sequence");
	BAD(HDR "  - {repeat: {count: 1, steps: [send: ]}, level: MAY}\n",
	    "t.yaml:5:43: level is not allowed on repeat");
	BAD(HDR "  - {level: MAY}\n",
	    "t.yaml:5:5: step must be a mapping with one key: " STEPS);
}

static void
test_wait(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok(HDR "  - wait: 2s\n  - wait: 250ms\n");
	assert_int_equal(c->steps[0].kind, PLAN_WAIT);
	assert_int_equal(c->steps[0].u.wait_ns, 2 * NS_PER_SEC);
	assert_int_equal(c->steps[1].u.wait_ns, 250 * NS_PER_MS);
}

static void
test_wait_bad(void **state)
{
	(void)state;
	BAD(HDR "  - wait: 0s\n", "t.yaml:5:11: wait must be greater than 0");
	BAD(HDR "  - wait:\n", "t.yaml:5:10: wait must not be empty");
}

static void
test_retransmits(void **state)
{
	struct plan_case *c;
	struct plan_retransmits *r;

	(void)state;
	c = load_ok(HDR "  - expect: {flags: SA}\n"
	    "  - retransmits: {count: 3, schedule: [1s, 2s, 4s], "
	    "tolerance: 20%, min_tolerance: 10ms, silence: 5s}\n"
	    "  - retransmits: {count: 1, schedule: [8s]}\n");
	r = &c->steps[1].u.retransmits;
	assert_int_equal(c->steps[1].kind, PLAN_RETRANSMITS);
	assert_int_equal(r->count, 3);
	assert_int_equal(r->nsched, 3);
	assert_int_equal(r->schedule[0], NS_PER_SEC);
	assert_int_equal(r->schedule[2], 4 * NS_PER_SEC);
	assert_int_equal(r->tol_pct, 20);
	assert_int_equal(r->tol_min_ns, 10 * NS_PER_MS);
	assert_int_equal(r->silence_ns, 5 * NS_PER_SEC);
	r = &c->steps[2].u.retransmits;
	assert_int_equal(r->count, 1);
	assert_int_equal(r->tol_pct, 10);
	assert_int_equal(r->tol_min_ns, 4 * NS_PER_MS);
	assert_int_equal(r->silence_ns, 0);
	reset();
	c = load_ok(HDR "  - connect:\n"
	    "  - retransmits: {count: 100, schedule: [1s], tolerance: 0%}\n");
	assert_int_equal(c->steps[1].u.retransmits.tol_pct, 0);
	assert_int_equal(c->steps[1].u.retransmits.backoff, 0);
	reset();
	c = load_ok(HDR "  - connect:\n"
	    "  - retransmits: {count: 7, schedule: [230ms], backoff: 2}\n");
	assert_int_equal(c->steps[1].u.retransmits.backoff, 2);
}

static void
test_retransmits_bad(void **state)
{
	(void)state;
	BAD(HDR "  - send:\n  - retransmits: {count: 1, schedule: [1s]}\n",
	    "t.yaml:6:5: retransmits must follow an expect");
	BAD(HDR "  - retransmits: {count: 1, schedule: [1s]}\n",
	    "t.yaml:5:5: retransmits must follow an expect");
	BAD(HDR "  - expect:\n  - retransmits: {count: 0, schedule: [1s]}\n",
	    "t.yaml:6:26: bad count '0': expected an integer 1..100");
	BAD(HDR "  - expect:\n  - retransmits: {count: 1, schedule: []}\n",
	    "t.yaml:6:39: schedule must be a sequence of 1 to 100 "
	    "durations, e.g. [1s, 2s, 4s]");
	BAD(HDR "  - expect:\n  - retransmits: {count: 1, schedule: [1s], "
	    "tolerance: 101%}\n",
	    "t.yaml:6:56: bad tolerance '101%': expected a percentage "
	    "0%..100%, e.g. 10%");
	BAD(HDR "  - expect:\n  - retransmits: {count: 1}\n",
	    "t.yaml:6:18: missing required key 'schedule' in retransmits");
	BAD(HDR "  - expect:\n  - retransmits: {count: 2, schedule: [1s], "
	    "backoff: 0}\n",
	    "t.yaml:6:54: bad backoff '0': expected an integer 1..16");
}

static void
test_measure(void **state)
{
	struct plan_case *c;
	struct plan_measure *m;

	(void)state;
	c = load_ok(HDR "  - measure:\n      name: fin_wait_2\n"
	    "      probe: {flags: A, seq: +1}\n      every: 500ms\n"
	    "      until: {flags: R}\n      max: 120s\n"
	    "      range: [4s, 7s]\n"
	    "  - measure: {name: t.x-1, until: auto, max: 2s}\n");
	m = &c->steps[0].u.measure;
	assert_int_equal(c->steps[0].kind, PLAN_MEASURE);
	assert_string_equal(m->name, "fin_wait_2");
	assert_true(m->probe_set);
	assert_int_equal(m->probe.flags.value, SEG_ACK);
	assert_int_equal(m->probe.seq.mode, PLAN_NUM_REL);
	assert_int_equal(m->probe.ack.var, -1);
	assert_int_equal(m->every_ns, 500 * NS_PER_MS);
	assert_int_equal(m->until.flags.value, SEG_RST);
	assert_int_equal(m->until.df, -1);
	assert_int_equal(m->max_ns, 120 * NS_PER_SEC);
	assert_true(m->range_set);
	assert_int_equal(m->range_lo, 4 * NS_PER_SEC);
	assert_int_equal(m->range_hi, 7 * NS_PER_SEC);
	m = &c->steps[1].u.measure;
	assert_false(m->probe_set);
	assert_false(m->range_set);
	assert_false(m->until.flags.set);
	assert_int_equal(m->until.seq.var, -1);
}

static void
test_measure_bad(void **state)
{
	(void)state;
	BAD(HDR "  - measure: {name: x, max: 1s}\n",
	    "t.yaml:5:14: missing required key 'until' in measure");
	BAD(HDR "  - measure: {name: x, probe: {}, until: , max: 1s}\n",
	    "t.yaml:5:14: missing required key 'every' in measure (needed "
	    "with probe)");
	BAD(HDR "  - measure: {name: X, until: , max: 1s}\n",
	    "t.yaml:5:21: bad measure name 'X': use a-z, 0-9 and _ . -");
	BAD(HDR "  - measure: {name: x, until: , max: 1s, range: [7s, 4s]}\n",
	    "t.yaml:5:49: range [7s, 4s]: min is greater than max");
	BAD(HDR "  - measure: {name: x, until: , max: 1s, range: 4s}\n",
	    "t.yaml:5:49: range must be [min, max] durations");
	BAD(HDR "  - measure: {name: x, until: {flgs: R}, max: 1s}\n",
	    "t.yaml:5:32: unknown key 'flgs' in until (expected one of: "
	    "flags, seq, ack, end_max, win, data, within, len, urg, ttl, tos, "
	    "ipid, df, options, capture)");
}

static void
test_exec(void **state)
{
	struct plan_case *c;
	struct plan_exec *x;

	(void)state;
	c = load_ok(HDR "  - exec: \"ss -tan\"\n"
	    "  - exec: {cmd: \"sleep 1\", status: 3, within: 2s, "
	    "background: true}\n"
	    "  - exec: {cmd: \"ss -Htn\", optional: true}\n");
	x = &c->steps[0].u.exec;
	assert_int_equal(c->steps[0].kind, PLAN_EXEC);
	assert_string_equal(x->cmd, "ss -tan");
	assert_int_equal(x->status, 0);
	assert_int_equal(x->within_ns, 10 * NS_PER_SEC);
	assert_false(x->background);
	x = &c->steps[1].u.exec;
	assert_string_equal(x->cmd, "sleep 1");
	assert_int_equal(x->status, 3);
	assert_int_equal(x->within_ns, 2 * NS_PER_SEC);
	assert_true(x->background);
	assert_false(x->optional);
	assert_true(c->steps[2].u.exec.optional);
	/* Without a hook the first two need one, the optional one not. */
	assert_ptr_equal(plan_find_needed_exec(c->steps, c->nsteps, "linux"),
	    &c->steps[0]);
	assert_ptr_equal(plan_find_needed_exec(c->steps + 2, 1, "linux"),
	    NULL);
	assert_ptr_equal(plan_find_exec(c->steps + 2, 1), &c->steps[2]);
}

/* An exec under another profile needs no hook; sysctls are linux's. */
static void
test_exec_profile(void **state)
{
	struct plan_case *c;

	(void)state;
	c = load_ok(HDR "  - {exec: \"ss -tan\", profile: linux}\n");
	assert_ptr_equal(plan_find_needed_exec(c->steps, c->nsteps, "linux"),
	    &c->steps[0]);
	assert_ptr_equal(plan_find_needed_exec(c->steps, c->nsteps, "rfc"),
	    NULL);
	assert_true(plan_sysctls_apply("linux"));
	assert_false(plan_sysctls_apply("rfc"));
	assert_false(plan_sysctls_apply(NULL));
}

static void
test_exec_bad(void **state)
{
	char *y;

	(void)state;
	BAD(HDR "  - exec: \"\"\n",
	    "t.yaml:5:11: exec command must not be empty");
	BAD(HDR "  - exec: {status: 256, cmd: x}\n",
	    "t.yaml:5:20: bad status '256': expected an integer 0..255");
	BAD(HDR "  - exec: {status: 1}\n",
	    "t.yaml:5:11: missing required key 'cmd' in exec");
	BAD(HDR "  - exec: [ls]\n",
	    "t.yaml:5:11: exec takes a command or a mapping of: cmd, status, "
	    "within, background, optional");
	y = xmalloc(strlen(HDR) + 4200);
	sprintf(y, "%s  - exec: \"%04097d\"\n", HDR, 0);
	BAD(y, "t.yaml:5:11: exec command is 4097 bytes, more than 4096");
	free(y);
}

static void
test_any_of(void **state)
{
	struct plan_case *c;
	struct plan_any_of *a;

	(void)state;
	c = load_ok(HDR "  - any_of:\n"
	    "    - - expect: {flags: R, capture: {s: seq}}\n"
	    "    - - expect: {flags: A}\n      - send: {flags: R}\n"
	    "  - retransmits: {count: 1, schedule: [1s]}\n"
	    "  - send: {seq: $s}\n");
	assert_int_equal(c->steps[0].kind, PLAN_ANY_OF);
	a = &c->steps[0].u.any_of;
	assert_int_equal(a->nalts, 2);
	assert_int_equal(a->alts[0].nsteps, 1);
	assert_int_equal(a->alts[0].pos.line, 6);
	assert_int_equal(a->alts[0].pos.col, 7);
	assert_int_equal(a->alts[0].steps[0].u.expect.flags.value, SEG_RST);
	assert_int_equal(a->alts[1].nsteps, 2);
	assert_int_equal(a->alts[1].steps[1].kind, PLAN_SEND);
	assert_int_equal(c->steps[1].kind, PLAN_RETRANSMITS);
	assert_int_equal(c->steps[2].u.send.seq.mode, PLAN_NUM_VAR);
	reset();
	/* Nested up to 4 deep. */
	c = load_ok(HDR "  - any_of: [[expect: ], [expect: , any_of: "
	    "[[expect: ], [expect: ]]]]\n");
	assert_int_equal(c->nsteps, 1);
}

static void
test_any_of_bad(void **state)
{
	(void)state;
	BAD(HDR "  - any_of: [[expect: ]]\n",
	    "t.yaml:5:13: any_of takes 2 to 16 alternatives, each a sequence "
	    "of steps");
	BAD(HDR "  - any_of: [[expect: ], [send: ]]\n",
	    "t.yaml:5:27: each any_of alternative must begin with an expect");
	BAD(HDR "  - any_of: [[expect: ], []]\n",
	    "t.yaml:5:26: an any_of alternative must be a non-empty sequence "
	    "of steps");
	BAD(HDR "  - any_of: [[expect: ], [expect: {win: x}]]\n",
	    "t.yaml:5:41: bad win 'x': expected an integer 0..65535");
	BAD(HDR "  - any_of: [[expect: ], [any_of: [[expect: ], [any_of: "
	    "[[expect: ], [any_of: [[expect: ], [any_of: [[expect: ], "
	    "[any_of: [[expect: ], [expect: ]]]]]]]]]]]]\n",
	    "t.yaml:5:101: any_of nested more than 4 deep");
}

static void
test_repeat(void **state)
{
	struct plan_case *c;
	size_t i;

	(void)state;
	c = load_ok(HDR "  - connect:\n"
	    "  - repeat:\n      count: 3\n      steps:\n"
	    "        - send: {data: x}\n        - expect: {flags: A}\n"
	    "  - silence: 1s\n");
	assert_int_equal(c->nsteps, 8);
	for (i = 0; i < 3; i++) {
		assert_int_equal(c->steps[1 + 2 * i].kind, PLAN_SEND);
		assert_int_equal(c->steps[1 + 2 * i].pos.line, 9);
		assert_int_equal(c->steps[2 + 2 * i].kind, PLAN_EXPECT);
	}
	/* Each copy owns its payload. */
	assert_ptr_not_equal(c->steps[1].u.send.data, c->steps[3].u.send.data);
	assert_int_equal(c->steps[7].kind, PLAN_SILENCE);
}

static void
test_repeat_bad(void **state)
{
	(void)state;
	BAD(HDR "  - repeat: {count: 0, steps: [send: ]}\n",
	    "t.yaml:5:21: bad repeat count '0': expected an integer 1..1000");
	BAD(HDR "  - repeat: {count: 2, steps: []}\n",
	    "t.yaml:5:31: repeat steps must be a non-empty sequence of steps");
	BAD(HDR "  - repeat: {count: 2}\n",
	    "t.yaml:5:13: missing required key 'steps' in repeat");
	BAD(HDR "  - repeat: 3\n",
	    "t.yaml:5:13: repeat takes a mapping {count: N, steps: [...]}");
	/* An error inside is reported once, not once per copy. */
	BAD(HDR "  - repeat: {count: 5, steps: [send: {win: x}]}\n",
	    "t.yaml:5:44: bad win 'x': expected an integer 0..65535");
	BAD(HDR "  - repeat: {count: 1000, steps: [repeat: {count: 11, "
	    "steps: [send: ]}]}\n",
	    "t.yaml:5:63: too many steps (more than 10000 in a case or 100000 "
	    "in a file, counting repeat and include)");
}

/* The fixtures directory, as the including file's directory. */
static const char *
yamldir(char *buf, size_t len)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, len, "%s/tests/unit/yaml", top != NULL ? top : ".");
	return buf;
}

static int
load_in(const char *dir, const char *yaml)
{
	char name[PATH_MAX + 16];

	snprintf(name, sizeof(name), "%s/main.yaml", dir);
	return load(name, yaml);
}

static void
test_include(void **state)
{
	char dir[PATH_MAX], inc[PATH_MAX + 32];
	struct plan_case *c;

	(void)state;
	yamldir(dir, sizeof(dir));
	assert_int_equal(load_in(dir, HDR "  - connect:\n"
	    "  - include: {file: inc_ok.yaml, params: {flags: PA, "
	    "payload: hi}}\n"
	    "  - include: {file: inc_nested.yaml, params: {flags: FA, "
	    "payload: bye}}\n"
	    "  - send: {ack: $inc_ack}\n"), 0);
	assert_int_equal(plan.ncases, 1);
	c = &plan.cases[0];
	assert_int_equal(c->nsteps, 6);
	assert_int_equal(c->steps[1].kind, PLAN_SEND);
	assert_int_equal(c->steps[1].u.send.flags.value, SEG_PSH | SEG_ACK);
	assert_int_equal(c->steps[1].u.send.datalen, 2);
	assert_memory_equal(c->steps[1].u.send.data, "hi", 2);
	snprintf(inc, sizeof(inc), "%s/inc_ok.yaml", dir);
	assert_string_equal(c->steps[1].pos.file, inc);
	assert_int_equal(c->steps[1].pos.line, 2);
	assert_int_equal(c->steps[1].pos.col, 3);
	assert_int_equal(c->steps[2].kind, PLAN_EXPECT);
	assert_int_equal(c->steps[3].u.send.flags.value, SEG_FIN | SEG_ACK);
	assert_memory_equal(c->steps[3].u.send.data, "bye", 3);
	assert_int_equal(c->steps[5].u.send.ack.mode, PLAN_NUM_VAR);
	assert_int_equal(c->nvars, 1);
	assert_string_equal(c->vars[0], "inc_ack");
	assert_int_equal(plan.nfiles, 3);
}

static void
test_include_bad(void **state)
{
	char dir[PATH_MAX], want[PATH_MAX + 256];

	(void)state;
	yamldir(dir, sizeof(dir));
	assert_int_equal(load_in(dir, HDR "  - include: inc_bad.yaml\n"), 1);
	snprintf(want, sizeof(want), "%s/inc_bad.yaml:1:15: bad win '70000': "
	    "expected an integer 0..65535", dir);
	assert_string_equal(errs.msgs[0], want);
	reset();
	assert_int_equal(load_in(dir, HDR "  - include: inc_cycle.yaml\n"), 1);
	snprintf(want, sizeof(want), "%s/inc_cycle.yaml:1:12: include cycle: "
	    "'inc_cycle.yaml' includes itself", dir);
	assert_string_equal(errs.msgs[0], want);
	reset();
	assert_int_equal(load_in(dir, HDR "  - include: inc_map.yaml\n"), 1);
	snprintf(want, sizeof(want), "%s/inc_map.yaml:1:1: an included file "
	    "must be a sequence of steps", dir);
	assert_string_equal(errs.msgs[0], want);
	reset();
	assert_int_equal(load_in(dir, HDR "  - include: inc_unknown.yaml\n"),
	    1);
	snprintf(want, sizeof(want), "%s/inc_unknown.yaml:1:16: unknown "
	    "parameter '${nope}'", dir);
	assert_string_equal(errs.msgs[0], want);
	reset();
	assert_int_equal(load_in(dir, HDR "  - include: none.yaml\n"), 1);
	snprintf(want, sizeof(want), "%s/main.yaml:5:14: cannot open include "
	    "'none.yaml': No such file or directory", dir);
	assert_string_equal(errs.msgs[0], want);
	reset();
	/* The included ok file captures nothing the case uses too early. */
	assert_int_equal(load_in(dir, HDR "  - send: {ack: $inc_ack}\n"
	    "  - include: {file: inc_ok.yaml, params: {flags: A, "
	    "payload: x}}\n"), 1);
	snprintf(want, sizeof(want), "%s/main.yaml:5:17: variable $inc_ack "
	    "is used before it is captured", dir);
	assert_string_equal(errs.msgs[0], want);
	BAD(HDR "  - include: {params: {a: b}}\n",
	    "t.yaml:5:14: missing required key 'file' in include");
	BAD(HDR "  - include: [x]\n",
	    "t.yaml:5:14: include takes a file name or {file: \"x.yaml\", "
	    "params: {name: value}}");
}

static void
test_matrix(void **state)
{
	struct plan_case *c;

	(void)state;
	assert_int_equal(load("t.yaml", "id: m/${mode}\ntitle: T ${mss}\n"
	    "service: echo\n"
	    "matrix:\n  mss: [536, 1460]\n"
	    "  mode: {fast: 1, slow: \"10\"}\n"
	    "steps:\n  - connect: {options: [{mss: \"${mss}\"}]}\n"
	    "  - wait: ${mode}s\n  - send: {data: \"${mode.name}\"}\n"), 0);
	assert_int_equal(plan.ncases, 4);
	assert_string_equal(plan.cases[0].id, "m/1[mss=536,mode=fast]");
	assert_string_equal(plan.cases[1].id, "m/10[mss=536,mode=slow]");
	assert_string_equal(plan.cases[2].id, "m/1[mss=1460,mode=fast]");
	assert_string_equal(plan.cases[3].id, "m/10[mss=1460,mode=slow]");
	c = &plan.cases[1];
	assert_string_equal(c->title, "T 536");
	assert_int_equal(c->steps[0].u.connect.opts.opts[0].u.mss, 536);
	assert_int_equal(c->steps[1].u.wait_ns, 10 * NS_PER_SEC);
	assert_memory_equal(c->steps[2].u.send.data, "slow", 4);
	assert_int_equal(c->steps[1].pos.line, 9);
	c = &plan.cases[2];
	assert_int_equal(c->steps[0].u.connect.opts.opts[0].u.mss, 1460);
	assert_int_equal(c->steps[1].u.wait_ns, NS_PER_SEC);
	/* The document is restored between expansions. */
	assert_memory_equal(plan.cases[0].steps[2].u.send.data, "fast", 4);
}

static void
test_matrix_bad(void **state)
{
	char *y;
	size_t off, i;

	(void)state;
	BAD("id: x\ntitle: T\nservice: echo\nmatrix: {a: [1, 2]}\n"
	    "steps: [wait: \"${b}s\"]\n",
	    "t.yaml:5:15: unknown parameter '${b}'");
	BAD("id: x\ntitle: T\nservice: echo\n"
	    "steps: [wait: \"${b}s\"]\n",
	    "t.yaml:4:15: unknown parameter '${b}'");
	BAD("id: x\ntitle: T\nservice: echo\nmatrix: {a: [1, 2]}\n"
	    "steps: [wait: \"${a}x\"]\n",
	    "t.yaml:5:15: bad duration '1x' for wait: expected e.g. 250ms, "
	    "1s or 1.5s (at most a day)");
	BAD("id: x\ntitle: T\nservice: echo\nmatrix: [a]\nsteps: [wait: 1s]\n",
	    "t.yaml:4:9: matrix must be a mapping of parameter: [values] or "
	    "parameter: {name: value}");
	BAD("id: x\ntitle: T\nservice: echo\nmatrix: {a: 1}\n"
	    "steps: [wait: 1s]\n",
	    "t.yaml:4:13: matrix parameter 'a' must be a sequence of values "
	    "or a mapping of name: value");
	BAD("id: x\ntitle: T\nservice: echo\nmatrix: {a-b: [1]}\n"
	    "steps: [wait: 1s]\n",
	    "t.yaml:4:10: bad matrix parameter 'a-b': use letters, digits "
	    "and _, not starting with a digit");
	y = xmalloc(4096);
	off = (size_t)sprintf(y, "id: x\ntitle: T\nservice: echo\nmatrix:\n");
	for (i = 0; i < 4; i++)
		off += (size_t)sprintf(y + off, "  p%zu: [1,2,3,4,5,6]\n", i);
	sprintf(y + off, "steps: [wait: 1s]\n");
	BAD(y, "t.yaml:5:3: matrix has more than 1000 combinations");
	free(y);
	/* Two expansions with the same id: the first one stays. */
	reset();
	assert_int_equal(load("t.yaml", "id: x\ntitle: T\nservice: echo\n"
	    "matrix: {a: [1, 1]}\nsteps: [wait: 1s]\n"), 1);
	assert_string_equal(errs.msgs[0], "t.yaml:1:5: duplicate case id "
	    "'x[a=1]' (first defined at t.yaml:1:5)");
	assert_int_equal(plan.ncases, 1);
}

static void
test_duration(void **state)
{
	struct plan_case *c;
	uint64_t t, x;

	(void)state;
	c = load_ok(HDR "  - connect:\n  - silence: 2s\n  - wait: 1s\n"
	    "  - expect: {within: 3s}\n"
	    "  - retransmits: {count: 3, schedule: [1s, 2s], silence: 1s}\n"
	    "  - measure: {name: m, until: , max: 10s, range: [2s, 4s]}\n"
	    "  - measure: {name: n, until: , max: 10s}\n"
	    "  - exec: {cmd: x, within: 5s}\n"
	    "  - any_of: [[expect: , wait: 1s], [expect: , wait: 2s]]\n");
	interp_duration(c, NULL, PLAN_DEFAULT_WITHIN_NS, &t, &x);
	/*
	 * 2 + 1 + (1 + 2 + 2 + 1) + 0 + 0 + 0 + 2: both measures count from
	 * our last segment (connect's ACK), 9 s before they start, more than
	 * their middles (3 s, 5 s).
	 */
	assert_int_equal(t, 11 * NS_PER_SEC);
	/*
	 * 1 (connect) + 2 + 1 + 3 + (1.1 + 2.2 + 2.2 + 1) + 10 + 10 + 5
	 * + (1 + 2)
	 */
	assert_int_equal(x, 41500 * NS_PER_MS);
	/* Steps for another profile do not count. */
	reset();
	c = load_ok(HDR "  - {wait: 2s, profile: linux}\n"
	    "  - {wait: 5s, profile: rfc}\n"
	    "  - {wait: 7s, profile: \"!linux\"}\n");
	interp_duration(c, "linux", PLAN_DEFAULT_WITHIN_NS, &t, NULL);
	assert_int_equal(t, 2 * NS_PER_SEC);
	interp_duration(c, "rfc", PLAN_DEFAULT_WITHIN_NS, &t, NULL);
	assert_int_equal(t, 12 * NS_PER_SEC);
	interp_duration(c, NULL, PLAN_DEFAULT_WITHIN_NS, &t, NULL);
	assert_int_equal(t, 14 * NS_PER_SEC);
	/* A background exec does not wait; within is what expect waits. */
	reset();
	c = load_ok(HDR "  - exec: {cmd: x, within: 5s, background: true}\n"
	    "  - expect: {flags: S}\n");
	interp_duration(c, NULL, 3 * NS_PER_SEC, &t, &x);
	assert_int_equal(t, 0);
	assert_int_equal(x, 3 * NS_PER_SEC);
}

/*
 * retransmits with backoff (tmr/rto-backoff under --profile linux): each
 * gap twice the one before, 230 ms doubling over 7 copies is 230 ms x 127
 * (the estimate once counted 7 x 230 ms = 1.61 s; the case runs 27 s).
 * At most, each gap at its upper bound (+15 %, at least 50 ms), which
 * the next doubles, as the interpreter would accept.
 */
static void
test_duration_backoff(void **state)
{
	struct plan_case *c;
	uint64_t t, x, g, want = 0;
	int i;

	(void)state;
	c = load_ok("id: t/1\ntitle: T\nservice: echo\ntimeout: 100s\n"
	    "steps:\n  - connect:\n"
	    "  - retransmits: {count: 7, schedule: [230ms], backoff: 2,\n"
	    "      tolerance: 15%, min_tolerance: 50ms}\n");
	interp_duration(c, "linux", PLAN_DEFAULT_WITHIN_NS, &t, &x);
	assert_int_equal(t, 230 * 127 * NS_PER_MS);
	for (i = 0, g = 230 * NS_PER_MS; i < 7; i++) {
		uint64_t tol = g * 15 / 100;

		g += tol < 50 * NS_PER_MS ? 50 * NS_PER_MS : tol;
		want += g;
		g *= 2;
	}
	assert_int_equal(x, NS_PER_SEC + want);
	/* No case runs past its timeout: the default 60 s here. */
	reset();
	c = load_ok(HDR "  - connect:\n"
	    "  - retransmits: {count: 7, schedule: [230ms], backoff: 2,\n"
	    "      tolerance: 15%, min_tolerance: 50ms}\n");
	interp_duration(c, "linux", PLAN_DEFAULT_WITHIN_NS, &t, &x);
	assert_int_equal(t, 230 * 127 * NS_PER_MS);
	assert_int_equal(x, PLAN_DEFAULT_TIMEOUT_NS);
	/* The interpreter's gaps and tolerance come from the same place. */
	assert_int_equal(plan_rtx_gap(&c->steps[1].u.retransmits, 0, 0),
	    230 * NS_PER_MS);
	assert_int_equal(plan_rtx_gap(&c->steps[1].u.retransmits, 3,
	    500 * NS_PER_MS), 1000 * NS_PER_MS);
	assert_int_equal(plan_rtx_tol(&c->steps[1].u.retransmits,
	    1000 * NS_PER_MS), 150 * NS_PER_MS);
	assert_int_equal(plan_rtx_tol(&c->steps[1].u.retransmits,
	    100 * NS_PER_MS), 50 * NS_PER_MS);
}

/* A measure counts from our last segment, as the interpreter times it. */
static void
test_duration_measure(void **state)
{
	struct plan_case *c;
	uint64_t t;

	(void)state;
	c = load_ok(HDR "  - connect:\n  - send: {flags: A}\n"
	    "  - silence: 1s\n"
	    "  - measure: {name: m, until: {flags: A}, max: 8s, "
	    "range: [2s, 4s]}\n");
	interp_duration(c, NULL, PLAN_DEFAULT_WITHIN_NS, &t, NULL);
	assert_int_equal(t, 3 * NS_PER_SEC);
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
	    "'conect' (expected one of: " STEPS ")", dir);
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

/* ---- expansion bounds (issue 9) ------------------------------------------ */

/* Payload bytes: 2 x 1000 copies of 64 KiB are over the 64 MiB budget. */
static void
test_budget_bytes(void **state)
{
	(void)state;
	BAD(HDR "  - repeat:\n      count: 2\n      steps:\n"
	    "        - repeat:\n            count: 1000\n            steps:\n"
	    "              - send: {flags: PA, data: {len: 65535}}\n",
	    "t.yaml:11:41: the plan expands to more than 64 MiB of steps and "
	    "payloads (matrix, repeat and include count every copy)");
}

/* Node visits: 1000 matrix copies of a document of 6000 nodes. */
static void
test_budget_nodes(void **state)
{
	char *y;
	size_t i, off;

	(void)state;
	y = xmalloc(64 * 1024);
	off = (size_t)sprintf(y, "id: t/1\ntitle: T\nservice: echo\n"
	    "matrix: {a: {");
	for (i = 0; i < 1000; i++)
		off += (size_t)sprintf(y + off, "%sv%zu: x", i ? ", " : "", i);
	off += (size_t)sprintf(y + off, "}}\nrfc: [");
	for (i = 0; i < 2500; i++)
		off += (size_t)sprintf(y + off, "%s\"1\"", i ? ", " : "");
	sprintf(y + off, "]\nsteps: [connect: ]\n");
	reset();
	assert_int_equal(load("t.yaml", y), 1);
	assert_non_null(strstr(errs.msgs[0], ": the plan expands to more "
	    "than 4000000 YAML nodes (matrix, repeat and include count every "
	    "copy)"));
	assert_int_equal(strncmp(errs.msgs[0], "t.yaml:", 7), 0);
	free(y);
}

/* Over the budget, the files after it add no case (nor crash). */
static void
test_budget_plan(void **state)
{
	(void)state;
	reset();
	assert_int_equal(load("a.yaml", HDR "  - repeat:\n      count: 1000\n"
	    "      steps: [send: {data: {len: 65535}}, "
	    "send: {data: {len: 65535}}]\n"), 1);
	assert_int_equal(load("b.yaml", HDR "  - connect:\n"), 0);
	assert_int_equal(load("c.yaml", "id: t/3\n"), 0);
	assert_int_equal(errs.n, 1);
	assert_int_equal(plan.ncases, 0);
}

/* The bomb of tests/unit/yaml: refused, quickly, with a position. */
static void
test_budget_file(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];

	(void)state;
	reset();
	snprintf(path, sizeof(path), "%s/laughs.yaml",
	    yamldir(dir, sizeof(dir)));
	assert_int_equal(scr_load(path, &plan, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msgs[0], "laughs.yaml:14:41: the plan "
	    "expands to more than 64 MiB"));
	assert_int_equal(plan.ncases, 0);
}


/* measure probes are paced as "send" without --flood (issue 9). */
static void
test_measure_bounds(void **state)
{
	(void)state;
	BAD(HDR "  - measure: {name: x, probe: {flags: A}, every: 1us, "
	    "until: , max: 2s}\n",
	    "t.yaml:5:50: measure every 1.0us is too short: probes go at most "
	    "every 1.0ms (as send without --flood)");
	BAD(HDR "  - measure: {name: x, probe: {flags: A}, every: 1ms, "
	    "until: , max: 1000s}\n",
	    "t.yaml:5:50: measure would send up to 1000000 probes (max / "
	    "every), more than 100000");
	reset();
	load_ok(HDR "  - measure: {name: x, probe: {flags: A}, every: 1ms, "
	    "until: , max: 100s}\n");
}

/* Durations are decimal: no hex floats, exponents or inf (issue 9). */
static void
test_duration_decimal(void **state)
{
	(void)state;
	BAD(HDR "  - wait: 0x10s\n",
	    "t.yaml:5:11: bad duration '0x10s' for wait: expected e.g. 250ms, "
	    "1s or 1.5s (at most a day)");
	BAD(HDR "  - wait: 0x1p4\n",
	    "t.yaml:5:11: bad duration '0x1p4' for wait: expected e.g. 250ms, "
	    "1s or 1.5s (at most a day)");
	BAD(HDR "  - wait: 1e1s\n",
	    "t.yaml:5:11: bad duration '1e1s' for wait: expected e.g. 250ms, "
	    "1s or 1.5s (at most a day)");
	BAD(HDR "  - wait: 1.5.5s\n",
	    "t.yaml:5:11: bad duration '1.5.5s' for wait: expected e.g. "
	    "250ms, 1s or 1.5s (at most a day)");
	reset();
	assert_int_equal(load_ok(HDR "  - wait: .5s\n")->steps[0].u.wait_ns,
	    500 * NS_PER_MS);
	reset();
	assert_int_equal(load_ok(HDR "  - wait: 10\n")->steps[0].u.wait_ns,
	    10 * NS_PER_SEC);
}

/* Some other file, e.g. check /etc/shadow: its lines are not echoed. */
static void
test_not_a_case(void **state)
{
	(void)state;
	BAD("root:$6$saltsalt$hashhashhashhash:19000:0:99999:7:::\n"
	    "daemon:*:19000:0:99999:7:::\n",
	    "t.yaml:1:1: not a test case: a mapping without any of the keys "
	    "id, title, service and steps");
	assert_null(strstr(errs.msgs[0], "salt"));
}

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
		T(test_options_sack_rel),
		T(test_options_bad),
		T(test_options_too_long),
		T(test_data),
		T(test_data_bad),
		T(test_directory),
		T(test_send_fields),
		T(test_send_fields_bad),
		T(test_variables),
		T(test_variables_bad),
		T(test_expect_fields),
		T(test_expect_fields_bad),
		T(test_expect_options),
		T(test_expect_options_bad),
		T(test_case_keys),
		T(test_case_keys_bad),
		T(test_profile),
		T(test_profile_bad),
		T(test_level),
		T(test_level_bad),
		T(test_wait),
		T(test_wait_bad),
		T(test_retransmits),
		T(test_retransmits_bad),
		T(test_measure),
		T(test_measure_bad),
		T(test_exec),
		T(test_exec_profile),
		T(test_exec_bad),
		T(test_any_of),
		T(test_any_of_bad),
		T(test_repeat),
		T(test_repeat_bad),
		T(test_include),
		T(test_include_bad),
		T(test_matrix),
		T(test_matrix_bad),
		T(test_duration),
		T(test_budget_bytes),
		T(test_budget_nodes),
		T(test_budget_file),
		T(test_budget_plan),
		T(test_measure_bounds),
		T(test_duration_decimal),
		T(test_not_a_case),
		T(test_duration_backoff),
		T(test_duration_measure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
