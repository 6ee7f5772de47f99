/*
 * test_replay.c - unit tests for the replay wire (wire-replay.c) on
 * captures of the golden table (tests/replay): which side is ours, the
 * values of the recorded run (ISN, IP id), frames delivered in capture
 * order on the virtual clock with our own ones only after the send they
 * stand for, a send that differs from the capture, the cleanup RST that
 * was never captured, and damaged captures; and the replay target
 * (target-replay.c): settings as the case requires or pins them, exec
 * commands that end with the status their step expects.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <cmocka.h>

#include "evloop.h"
#include "plan.h"
#include "seg.h"
#include "target.h"
#include "target-replay.h"
#include "util.h"
#include "wire.h"
#include "wire-replay.h"

#define MAXF 64

/* What a test reads straight from a capture, to compare with the wire. */
struct cap {
	int dlt;
	size_t n;
	uint8_t data[MAXF][1600];
	size_t len[MAXF];
	uint64_t ts[MAXF];
	struct seg s[MAXF];
};

/* What the wire delivered: capture timestamps and the loop's times. */
struct got {
	struct ev_loop *loop;
	size_t n;
	uint64_t ts[MAXF], at[MAXF];
};

static char *
path(const char *name)
{
	const char *top = getenv("top_srcdir");

	return xasprintf("%s/tests/replay/%s.pcap", top ? top : ".", name);
}

static void
read_cap(const char *name, struct cap *c)
{
	char err[PCAP_ERRBUF_SIZE], *p = path(name);
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc;

	pc = pcap_open_offline_with_tstamp_precision(p,
	    PCAP_TSTAMP_PRECISION_NANO, err);
	assert_non_null(pc);
	c->dlt = pcap_datalink(pc);
	c->n = 0;
	while (c->n < MAXF && pcap_next_ex(pc, &h, &d) == 1) {
		memcpy(c->data[c->n], d, h->caplen);
		c->len[c->n] = h->caplen;
		c->ts[c->n] = (uint64_t)h->ts.tv_sec * NS_PER_SEC +
		    (uint64_t)h->ts.tv_usec;
		memset(&c->s[c->n], 0, sizeof(c->s[c->n]));
		(void)seg_decode_frame(c->dlt, c->data[c->n], h->caplen,
		    h->len, &c->s[c->n], NULL, 0);
		c->n++;
	}
	pcap_close(pc);
	free(p);
}

static struct wire *
open_wire(const char *name, bool client, char *err, size_t len)
{
	char *p = path(name);
	struct wire *w = wire_replay_open(p, client, err, len);

	free(p);
	return w;
}

static void
frame_cb(const uint8_t *f, size_t caplen, size_t len, uint64_t ts,
    void *arg)
{
	struct got *g = arg;

	(void)f;
	(void)caplen;
	(void)len;
	g->ts[g->n] = ts;
	g->at[g->n++] = ev_now(g->loop);
}

/* The side that sent the first segment is ours; in a client case, the
 * one that did not send the first SYN. */
static void
test_sides(void **state)
{
	char err[256], a[64];
	union seg_addr us, peer;
	uint16_t up, pp;
	struct wire *w;
	static struct cap c;
	int af;

	(void)state;
	w = open_wire("ba_ack-too-old", false, err, sizeof(err));
	assert_non_null(w);
	wire_replay_sides(w, &af, &us, &peer, &up, &pp);
	assert_int_equal(af, AF_INET);
	assert_string_equal(seg_addr_str(af, &us, a, sizeof(a)), "198.18.0.1");
	assert_string_equal(seg_addr_str(af, &peer, a, sizeof(a)),
	    "198.18.0.2");
	assert_int_equal(pp, 7);
	read_cap("ba_ack-too-old", &c);
	assert_int_equal(up, c.s[0].sport);
	wire_free(w);

	/* A client case (a simultaneous open): the target connects to our
	 * port, and our ISN is that of our own SYN, which comes second. */
	read_cap("sim_open", &c);
	w = open_wire("sim_open", true, err, sizeof(err));
	assert_non_null(w);
	wire_replay_sides(w, &af, &us, &peer, &up, &pp);
	assert_string_equal(seg_addr_str(af, &us, a, sizeof(a)), "198.18.0.1");
	assert_int_equal(c.s[0].flags & (SEG_SYN | SEG_ACK), SEG_SYN);
	assert_int_equal(c.s[1].flags & (SEG_SYN | SEG_ACK), SEG_SYN);
	assert_int_equal(up, c.s[0].dport);
	assert_int_equal(pp, c.s[0].sport);
	assert_int_equal(wire_random32(w, WIRE_RAND_ISN, up), c.s[1].seq);
	wire_free(w);
}

/*
 * Playback: nothing flows before the case starts (its ISN is asked for),
 * our frame only after the send it stands for, the target's at their
 * capture times from the anchor our send set, timestamps unchanged.
 */
static void
test_playback(void **state)
{
	struct got g = { 0 };
	struct wire *w;
	static struct cap c;
	struct seg s;
	char err[256];
	uint64_t v0;

	(void)state;
	read_cap("ba_ack-too-old", &c);
	w = open_wire("ba_ack-too-old", false, err, sizeof(err));
	assert_non_null(w);
	g.loop = ev_new_virtual(wire_replay_t0(w));
	v0 = ev_now(g.loop);
	assert_int_equal(wire_start(w, g.loop, frame_cb, NULL, &g, err,
	    sizeof(err)), 0);
	assert_int_equal(ev_run(g.loop), 0);
	assert_int_equal(g.n, 0);		/* the case has not started */
	assert_int_equal(wire_random32(w, WIRE_RAND_ISN, c.s[0].sport),
	    c.s[0].seq);
	assert_int_equal(wire_random32(w, WIRE_RAND_IPID, c.s[0].sport),
	    c.s[0].ipid);
	assert_int_equal(ev_run(g.loop), 0);
	assert_int_equal(g.n, 0);	/* our SYN waits for its send */
	s = c.s[0];
	assert_int_equal(wire_send(w, &s, err, sizeof(err)), 0);
	assert_int_equal(ev_run(g.loop), 0);
	/* Our SYN, the SYN-ACK; our ACK waits again. */
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ts[0], c.ts[0]);
	assert_int_equal(g.ts[1], c.ts[1]);
	assert_int_equal(g.at[0], v0);
	assert_int_equal(g.at[1], v0 + (c.ts[1] - c.ts[0]));
	assert_int_equal(wire_cap_now(w), c.ts[1]);
	wire_free(w);
	ev_free(g.loop);
}

/* A send that is not the capture's next segment of ours fails, and the
 * check after the run names both and the packet. */
static void
test_mismatch(void **state)
{
	struct got g = { 0 };
	struct wire *w;
	static struct cap c;
	struct seg s;
	char err[1400];

	(void)state;
	read_cap("ba_ack-too-old", &c);
	w = open_wire("ba_ack-too-old", false, err, sizeof(err));
	assert_non_null(w);
	g.loop = ev_new_virtual(0);
	wire_start(w, g.loop, frame_cb, NULL, &g, err, sizeof(err));
	wire_random32(w, WIRE_RAND_ISN, c.s[0].sport);
	wire_random32(w, WIRE_RAND_IPID, c.s[0].sport);
	s = c.s[0];
	s.win = 1000;
	assert_int_equal(wire_send(w, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "packet 1"));
	assert_int_equal(wire_replay_check(w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the case sent "));
	assert_non_null(strstr(err, "win 1000"));
	assert_non_null(strstr(err, "but the capture has "));
	assert_non_null(strstr(err, "win 64240, options [mss 1460], length 0 "
	    "(packet 1)"));
	wire_free(w);
	ev_free(g.loop);
}

/* Every segment of ours sent: the cleanup RST (no IP id drawn for it)
 * is accepted; before that, wire_replay_unsent names the first one not
 * sent. */
static void
test_cleanup_rst(void **state)
{
	struct got g = { 0 };
	struct wire *w;
	static struct cap c;
	struct seg s;
	char err[1400];
	size_t i;

	(void)state;
	read_cap("ba_ack-too-old", &c);
	w = open_wire("ba_ack-too-old", false, err, sizeof(err));
	assert_non_null(w);
	g.loop = ev_new_virtual(0);
	wire_start(w, g.loop, frame_cb, NULL, &g, err, sizeof(err));
	wire_random32(w, WIRE_RAND_ISN, c.s[0].sport);
	assert_int_equal(wire_replay_check(w, err, sizeof(err)), 0);
	assert_int_equal(wire_replay_unsent(w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "(packet 1)"));
	for (i = 0; i < c.n; i++) {
		if (c.s[i].sport != c.s[0].sport)
			continue;
		wire_random32(w, WIRE_RAND_IPID, c.s[0].sport);
		s = c.s[i];
		assert_int_equal(wire_send(w, &s, err, sizeof(err)), 0);
	}
	assert_int_equal(ev_run(g.loop), 0);
	assert_int_equal(g.n, c.n);
	assert_int_equal(wire_replay_check(w, err, sizeof(err)), 0);
	assert_int_equal(wire_replay_unsent(w, err, sizeof(err)), 0);
	seg_init(&s);
	s.sport = c.s[0].sport;
	s.dport = c.s[0].dport;
	s.flags = SEG_RST;
	assert_int_equal(wire_send(w, &s, err, sizeof(err)), 0);
	/* Not an RST, or a step's (an IP id was drawn): too many. */
	wire_random32(w, WIRE_RAND_IPID, c.s[0].sport);
	assert_int_equal(wire_send(w, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than the capture holds"));
	wire_free(w);
	ev_free(g.loop);
}

/* Damaged, empty and foreign files are refused with a reason. */
static void
test_damaged(void **state)
{
	static const struct {
		const char *name, *why;
	} bad[] = {
		{ "replay_truncated", "truncated dump file" },
		{ "replay_empty", "no TCP segment in 0 packets" },
		{ "replay_garbage", "unknown file format" },
		{ "no-such-capture", "No such file" },
	};
	struct wire *w;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(open_wire(bad[i].name, false, err, sizeof(err)));
		assert_non_null(strstr(err, bad[i].why));
	}
	/* pcapng reads as pcap does. */
	w = open_wire("replay_pcapng", false, err, sizeof(err));
	assert_non_null(w);
	wire_free(w);
}

static int exec_code = -1;

static void
exec_cb(void *arg, int code, int signo)
{
	(void)arg;
	assert_int_equal(signo, 0);
	exec_code = code;
}

static void
test_target(void **state)
{
	struct plan_step steps[2];
	struct plan_sysctl req = { .key = "net.ipv4.tcp_sack", .value = "1" };
	struct plan_sysctl pin = { .key = "net.ipv4.tcp_ecn", .value = "0" };
	struct plan_case pc = { .steps = steps, .nsteps = 2,
	    .req_sysctl = &req, .nreq_sysctl = 1, .sysctl = &pin,
	    .nsysctl = 1 };
	const struct target_var vars[] = {
		{ "TC_SPORT", "20001" }, { "TC_SRC", "198.18.0.1" },
	};
	struct target_job *j;
	struct ev_loop *l;
	struct target *t;
	char out[64], err[256], holder[32];

	(void)state;
	memset(steps, 0, sizeof(steps));
	steps[0].kind = PLAN_EXEC;
	steps[0].u.exec.cmd = "peer connect $TC_SRC ${TC_SPORT}";
	steps[0].u.exec.status = 3;
	steps[1].kind = PLAN_EXEC;
	steps[1].u.exec.cmd = "peer close $TC_SPORT";
	steps[1].u.exec.status = 7;
	l = ev_new_virtual(0);
	t = target_replay_new(&pc, l);
	/* Required and pinned settings read as the case gives them. */
	assert_int_equal(target_get(t, "net.ipv4.tcp_sack", out, sizeof(out),
	    err, sizeof(err)), 0);
	assert_string_equal(out, "1");
	assert_int_equal(target_get(t, "net.ipv4.tcp_ecn", out, sizeof(out),
	    err, sizeof(err)), 0);
	assert_string_equal(out, "0");
	assert_int_equal(target_get(t, "net.ipv4.tcp_dsack", out, sizeof(out),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not available in replay"));
	assert_int_equal(target_set(t, "net.ipv4.tcp_ecn", "0", err,
	    sizeof(err)), 0);
	assert_int_equal(target_lock(t, "net.ipv4.tcp_ecn", holder,
	    sizeof(holder), err, sizeof(err)), TARGET_LOCK_TAKEN);
	/* A command ends from the loop, with its own step's status. */
	j = target_exec_start(t, "peer close 20001", vars, 2, exec_cb, NULL,
	    err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(exec_code, -1);	/* never from inside */
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(exec_code, 7);
	target_exec_kill(t, j);
	j = target_exec_start(t, "peer connect 198.18.0.1 20001", vars, 2,
	    exec_cb, NULL, err, sizeof(err));
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(exec_code, 3);
	target_exec_kill(t, j);
	/* Killed before it ended: no callback. */
	exec_code = -1;
	j = target_exec_start(t, "peer close 20001", vars, 2, exec_cb, NULL,
	    err, sizeof(err));
	target_exec_kill(t, j);
	assert_int_equal(ev_run(l), 0);
	assert_int_equal(exec_code, -1);
	target_free(t);
	ev_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sides),
		cmocka_unit_test(test_playback),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_cleanup_rst),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
