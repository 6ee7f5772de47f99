/*
 * test_agent_proto.c - unit tests for tcpconform-agent's line protocol
 * (src/agent-proto.c): good requests parse into their verb, arguments and
 * keys; every hostile line (too long, NUL and control bytes, bad quoting,
 * bad ids, unknown verbs and keys, too many arguments, bad numbers and
 * handles) is refused with its errno name and the line's id; answers are
 * one line whatever bytes they carry, and the answer queue is bounded.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent-proto.h"

static struct agent_req req;

/* Parse a C string; the return of agent_proto_parse. */
static int
parse(const char *line, struct agent_perr *e)
{
	return agent_proto_parse(line, strlen(line), &req, e);
}

/* The line must be refused with errnum, answered under id. */
static void
refused(const char *line, size_t len, int errnum, const char *id,
    const char *msgpart)
{
	struct agent_perr e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(agent_proto_parse(line, len, &req, &e), -1);
	assert_int_equal(e.errnum, errnum);
	assert_string_equal(req.id, id);
	if (msgpart != NULL && strstr(e.msg, msgpart) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, msgpart);
}

static void
test_good(void **state)
{
	struct agent_perr e;
	const struct agent_arg *k;

	(void)state;
	assert_int_equal(parse("1 hello", &e), 0);
	assert_string_equal(req.id, "1");
	assert_int_equal(req.verb, AGENT_V_HELLO);
	assert_int_equal(req.npos, 0);

	assert_int_equal(parse("a.7 listen 127.0.0.1 0 backlog=5", &e), 0);
	assert_int_equal(req.verb, AGENT_V_LISTEN);
	assert_int_equal(req.npos, 2);
	assert_string_equal(req.pos[0].val, "127.0.0.1");
	assert_string_equal(req.pos[1].val, "0");
	k = agent_req_key(&req, "backlog");
	assert_non_null(k);
	assert_string_equal(k->val, "5");
	assert_null(agent_req_key(&req, "reuse"));

	/* IPv6 addresses keep their colons; tabs and CR are blanks/ends. */
	assert_int_equal(parse("x\tconnect  ::1\t7  lport=2000\r", &e), 0);
	assert_string_equal(req.pos[0].val, "::1");
	assert_string_equal(agent_req_key(&req, "lport")->val, "2000");

	/* Quoted text: escapes, blanks and '=' inside, a NUL as \x00. */
	assert_int_equal(parse("9 write s1 text=\"a b=c\\r\\n\\\"\\\\\\x00z\"",
	    &e), 0);
	k = agent_req_key(&req, "text");
	assert_non_null(k);
	assert_int_equal(k->len, 11);
	assert_memory_equal(k->val, "a b=c\r\n\"\\\0z", 11);

	/* A value may hold '=' after its key's. */
	assert_int_equal(parse("2 serve daytime 13 banner=a=b", &e), 0);
	assert_string_equal(agent_req_key(&req, "banner")->val, "a=b");

	/* Blank lines and comments are no requests. */
	assert_int_equal(parse("", &e), 1);
	assert_int_equal(parse("   \t ", &e), 1);
	assert_int_equal(parse("# a comment", &e), 1);
}

static void
test_hostile(void **state)
{
	char big[AGENT_MAXLINE + 64];
	char many[512];
	int i;

	(void)state;
	/* Overlong: refused, with the id it starts with. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "42 write s1 text=", 17);
	refused(big, AGENT_MAXLINE + 1, EMSGSIZE, "42", "longer than");
	refused(big, sizeof(big), EMSGSIZE, "42", NULL);
	/* Exactly the limit is fine (an unterminated quote here). */
	big[17] = '"';
	refused(big, AGENT_MAXLINE, EINVAL, "42", "unterminated");

	/* NUL bytes, control bytes, bytes over 0x7e. */
	refused("7 hello\0x", 9, EINVAL, "7", "NUL byte at column 8");
	refused("7 hel\001lo", 8, EINVAL, "7", "0x01");
	refused("7 h\xc3\xa9llo", 8, EINVAL, "7", "0xc3");
	refused("7 hello\r\r", 9, EINVAL, "7", "0x0d");

	/* Ids: missing, too long, bad characters, starting with a sign. */
	refused("hello", 5, EINVAL, "hello", "no verb");
	refused("-1 hello", 8, EINVAL, "-", "starts with an id");
	refused("a/b hello", 9, EINVAL, "-", "id");
	refused("123456789012345678901234567890123 hello", 39, EINVAL, "-",
	    NULL);

	/* Verbs: unknown, missing, upper case, given as KEY=. */
	refused("3 frobnicate", 12, ENOSYS, "3", "unknown verb");
	refused("3 HELLO", 7, ENOSYS, "3", NULL);
	refused("3 verb=hello", 12, EINVAL, "3", "no verb");

	/* Arguments: too few, too many, unknown or doubled keys. */
	refused("4 listen 127.0.0.1", 18, EINVAL, "4", "needs 2");
	refused("4 close s1 s2", 13, EINVAL, "4", "at most 1");
	refused("4 close s1 frob=1", 17, EINVAL, "4", "takes no frob=");
	refused("4 accept s1 timeout=1 timeout=2", 31, EINVAL, "4", "twice");
	refused("4 accept s1 Timeout=1", 21, EINVAL, "4", "no such key");
	strcpy(many, "5 hello");
	for (i = 0; i < 3 * AGENT_MAXARGS; i++)
		strcat(many, " a");
	refused(many, strlen(many), E2BIG, "5", "more than");

	/* Quoting: unterminated, bad escapes, glued to a word. */
	refused("6 write s1 text=\"abc", 20, EINVAL, "6", "unterminated");
	refused("6 write s1 text=\"a\\", 19, EINVAL, "6", "unterminated");
	refused("6 write s1 text=\"\\q\"", 20, EINVAL, "6", "escape");
	refused("6 write s1 text=\"\\x4\"", 21, EINVAL, "6", "\\x");
	refused("6 write s1 text=\"\\xZZ\"", 22, EINVAL, "6", "\\x");
	refused("6 write s1 ab\"c\"", 16, EINVAL, "6", "quote inside");
	refused("6 write s1 text=\"a\"b", 20, EINVAL, "6", "closing quote");
}

static void
test_numbers(void **state)
{
	unsigned h;
	long v;

	(void)state;
	assert_int_equal(agent_proto_num("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(agent_proto_num("65535", 0, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(agent_proto_num("-1", -1, 10, &v), 0);
	assert_int_equal(v, -1);
	v = 77;
	assert_int_equal(agent_proto_num("65536", 0, 65535, &v), -1);
	assert_int_equal(agent_proto_num("-1", 0, 10, &v), -1);
	assert_int_equal(agent_proto_num("", 0, 10, &v), -1);
	assert_int_equal(agent_proto_num("-", 0, 10, &v), -1);
	assert_int_equal(agent_proto_num("+1", 0, 10, &v), -1);
	assert_int_equal(agent_proto_num(" 1", 0, 10, &v), -1);
	assert_int_equal(agent_proto_num("1x", 0, 10, &v), -1);
	assert_int_equal(agent_proto_num("0x10", 0, 100, &v), -1);
	assert_int_equal(agent_proto_num("99999999999999999999999", 0,
	    0x7fffffffL, &v), -1);
	assert_int_equal(agent_proto_num("9223372036854775808", 0,
	    0x7fffffffL, &v), -1);
	assert_int_equal(v, 77);	/* untouched on failure */

	assert_int_equal(agent_proto_handle("s1", &h), 0);
	assert_int_equal(h, 1);
	assert_int_equal(agent_proto_handle("s4294967295", &h), 0);
	assert_int_equal(h, 4294967295U);
	assert_int_equal(agent_proto_handle("s4294967296", &h), -1);
	assert_int_equal(agent_proto_handle("s99999999999", &h), -1);
	assert_int_equal(agent_proto_handle("s0", &h), -1);
	assert_int_equal(agent_proto_handle("s01", &h), -1);
	assert_int_equal(agent_proto_handle("s", &h), -1);
	assert_int_equal(agent_proto_handle("S1", &h), -1);
	assert_int_equal(agent_proto_handle("s-1", &h), -1);
	assert_int_equal(agent_proto_handle("s1x", &h), -1);
}

static void
test_hex(void **state)
{
	unsigned char out[4];

	(void)state;
	assert_int_equal(agent_proto_unhex("", 0, out, sizeof(out)), 0);
	assert_int_equal(agent_proto_unhex("00fFa5", 6, out, sizeof(out)), 3);
	assert_memory_equal(out, "\x00\xff\xa5", 3);
	assert_int_equal(agent_proto_unhex("abc", 3, out, sizeof(out)), -1);
	assert_int_equal(agent_proto_unhex("zz", 2, out, sizeof(out)), -1);
	assert_int_equal(agent_proto_unhex("0011223344", 10, out,
	    sizeof(out)), -1);
}

static void
test_answers(void **state)
{
	static const char want[] = "12 ok sock=s3 bare data=007fff "
	    "why=\"a\\\"b\\\\c\\r\\n\\t\\x01\"\n";
	static struct agent_ans a;
	const char *line;
	size_t len;

	(void)state;
	agent_ans_begin(&a, "12", "ok");
	agent_ans_kv(&a, "sock", "s%u", 3u);
	agent_ans_kv(&a, NULL, "bare");
	agent_ans_hex(&a, "data", "\x00\x7f\xff", 3);
	agent_ans_quoted(&a, "why", "a\"b\\c\r\n\t\x01", 9);
	line = agent_ans_end(&a, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(line, want, len);

	agent_ans_err(&a, "-", ECONNREFUSED, "connect: %s", "refused");
	line = agent_ans_end(&a, &len);
	assert_memory_equal(line, "- err ECONNREFUSED \"connect: refused\"\n",
	    len);

	assert_string_equal(agent_proto_errname(EBADF), "EBADF");
	assert_string_equal(agent_proto_errname(ENOPROTOOPT), "ENOPROTOOPT");
	assert_string_equal(agent_proto_errname(-5), "EUNKNOWN");
	assert_string_equal(agent_proto_verbname(AGENT_V_SERVE), "serve");
	assert_null(agent_proto_verbname(AGENT_V_MAX));
	assert_null(agent_proto_verbname(-1));
}

/* An answer too big for a line is cut and marked, still one line. */
static void
test_truncation(void **state)
{
	static unsigned char data[AGENT_ANSMAX];
	static struct agent_ans a;
	const char *line;
	size_t len;

	(void)state;
	agent_ans_begin(&a, "1", "ok");
	agent_ans_hex(&a, "data", data, sizeof(data));
	agent_ans_kv(&a, "after", "%d", 1);
	line = agent_ans_end(&a, &len);
	assert_true(len <= AGENT_ANSMAX + 1);
	assert_memory_equal(line + len - 9, " trunc=1\n", 9);
	assert_null(memchr(line, '\n', len - 1));
}

/* The queue takes lines until AGENT_OUTMAX, then drops and counts. */
static void
test_outq(void **state)
{
	static struct agent_ans a;
	struct agent_outq q;
	size_t n = 0;
	int i;

	(void)state;
	memset(&q, 0, sizeof(q));
	for (i = 0; i < 2 * AGENT_OUTMAX / 100; i++) {
		agent_ans_begin(&a, "1", "ok");
		agent_ans_kv(&a, "pad", "%090d", i);
		if (agent_outq_put(&q, &a) == 0)
			n++;
	}
	assert_true(agent_outq_pending(&q) <= AGENT_OUTMAX);
	assert_true(q.dropped > 0);
	assert_int_equal(n + q.dropped, (size_t)i);
	agent_outq_done(&q, agent_outq_pending(&q) - 10);
	assert_int_equal(agent_outq_pending(&q), 10);
	agent_ans_begin(&a, "2", "ok");
	assert_int_equal(agent_outq_put(&q, &a), 0);
	assert_memory_equal(q.buf + q.off + 10, "2 ok\n", 5);
	agent_outq_free(&q);
	assert_int_equal(agent_outq_pending(&q), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_outq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
