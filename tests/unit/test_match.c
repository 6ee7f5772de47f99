/*
 * test_match.c - unit tests for the matcher's messages (match.c): each
 * number is printed as the segment line beside it in a failure prints
 * it, relative and signed to the ISN of its side once that is known
 * ("+1", "-1000", as a case writes relative numbers), absolute before;
 * never a mix of the two (issue 9 point 15).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "match.h"
#include "plan.h"
#include "seg.h"
#include "tcpsm.h"

#define U0	1000u		/* our ISN */
#define T0	5000u		/* the target's ISN */

static struct seg
mkseg(uint16_t flags, uint32_t seq, uint32_t ack, size_t len)
{
	static uint8_t payload[64];
	struct seg s;

	seg_init(&s);
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.win = 64240;
	s.payload = len > 0 ? payload : NULL;
	s.paylen = len;
	return s;
}

/* Both models after a handshake we opened: m the target's, us ours. */
static void
synced(struct tcpsm *m, struct tcpsm *us)
{
	struct seg s;

	tcpsm_init(m, TCPSM_LISTEN);
	tcpsm_init(us, TCPSM_CLOSED);
	s = mkseg(SEG_SYN, U0, 0, 0);
	tcpsm_on_send(m, &s);
	tcpsm_on_recv(us, &s);
	s = mkseg(SEG_SYN | SEG_ACK, T0, U0 + 1, 0);
	tcpsm_on_recv(m, &s);
	tcpsm_on_send(us, &s);
	s = mkseg(SEG_ACK, U0 + 1, T0 + 1, 0);
	tcpsm_on_send(m, &s);
	tcpsm_on_recv(us, &s);
}

static struct match_ctx
ctx(const struct tcpsm *m, const struct tcpsm *us)
{
	static const struct plan_case pc;
	struct match_ctx c = { .m = m, .us = us, .our_isn = U0, .pc = &pc,
	    .no_model = true };

	return c;
}

static struct plan_expect
exp_seq_ack(enum plan_num_mode sm, int64_t sv, enum plan_num_mode am,
    int64_t av)
{
	struct plan_expect e;

	memset(&e, 0, sizeof(e));
	e.df = -1;
	e.flags.set = true;		/* any flags */
	e.seq = (struct plan_num){ sm, sv, -1, { NULL, 0, 0 } };
	e.ack = (struct plan_num){ am, av, -1, { NULL, 0, 0 } };
	e.end_max.var = -1;
	return e;
}

/* A relative number the case wrote as -1000 prints as -1000. */
static void
test_signed_relative(void **state)
{
	struct tcpsm m, us;
	struct match_ctx c;
	struct plan_expect e;
	struct seg s = mkseg(SEG_ACK, T0 + 1, U0 + 1, 0);
	char why[256];

	(void)state;
	synced(&m, &us);
	c = ctx(&m, &us);
	e = exp_seq_ack(PLAN_NUM_REL, -1000, PLAN_NUM_AUTO, 0);
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected seq -1000, got seq +1");
	e = exp_seq_ack(PLAN_NUM_AUTO, 0, PLAN_NUM_REL, -5);
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected ack -5, got ack +1");
	e = exp_seq_ack(PLAN_NUM_AUTO, 0, PLAN_NUM_AUTO, 0);
	e.end_max = (struct plan_num){ PLAN_NUM_REL, 0, -1, { NULL, 0, 0 } };
	s.paylen = 10;
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected the segment to end by +0, it ends "
	    "at +11");
}

/* Before any SYN the numbers have no base: absolute, as the case wrote
 * them (a closed port), not offsets from an ISN nobody sent. */
static void
test_absolute(void **state)
{
	struct tcpsm m, us;
	struct match_ctx c;
	struct plan_expect e;
	struct seg s = mkseg(SEG_RST | SEG_ACK, 0, 1013, 0);
	char why[256];

	(void)state;
	tcpsm_init(&m, TCPSM_CLOSED);
	tcpsm_init(&us, TCPSM_CLOSED);
	c = ctx(&m, &us);
	e = exp_seq_ack(PLAN_NUM_ABS, 0, PLAN_NUM_ABS, 1000);
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected ack 1000, got ack 1013");
	e = exp_seq_ack(PLAN_NUM_ABS, 98623, PLAN_NUM_AUTO, 0);
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected seq 98623, got seq 0");
}

/* Option expectations read the registry: its names in messages, its
 * valid lengths for values (RFC 9293 3.2, RFC 7323). */
static void
test_options(void **state)
{
	static const struct plan_case pc;
	struct tcpsm m, us;
	struct match_ctx c;
	struct plan_expect e;
	struct plan_optexp oe;
	struct seg s = mkseg(SEG_ACK, T0 + 1, U0 + 1, 0);
	struct seg_opt *o;
	char why[256];

	(void)state;
	synced(&m, &us);
	c = ctx(&m, &us);
	c.pc = &pc;
	e = exp_seq_ack(PLAN_NUM_AUTO, 0, PLAN_NUM_AUTO, 0);
	e.opts = &oe;
	e.nopts = 1;

	memset(&oe, 0, sizeof(oe));
	oe.var = -1;
	oe.kind = SEG_OPT_SACKOK;
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected a sackok option (kind 4), none "
	    "sent");

	o = seg_opt_add(&s, SEG_OPT_TS);
	seg_opt_set(o, 1, 77);
	seg_opt_set(o, 2, 66);
	oe.kind = SEG_OPT_TS;
	oe.match = PLAN_OM_VALUE;
	oe.field = 2;
	oe.value = (struct plan_range){ .set = true, .lo = 5, .hi = 5 };
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected ts.ecr 5, got ts.ecr 66");
	oe.field = 1;
	oe.value.lo = oe.value.hi = 77;
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 1);
	o->len = 9;			/* no longer a valid TS */
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "ts option has a bad length 9");
	oe.match = PLAN_OM_ABSENT;
	assert_int_equal(match_expect(&c, &e, &s, why, sizeof(why)), 0);
	assert_string_equal(why, "expected no ts option, got one");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_relative),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
