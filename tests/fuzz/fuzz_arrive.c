/*
 * fuzz_arrive.c - libFuzzer harness for the code that judges what the
 * target sends: interp-arrive.c (demultiplexing by address and port, the
 * queue of early arrivals, expect, any_of, silence with allow,
 * retransmits, measure), the matcher (match.c) and the reference model
 * (tcpsm.c), for a plan and a sequence of captured frames.
 *
 * interp-arrive.c is compiled into this file, so its frame_cb is fed
 * frames directly, as the wire (wire.h) would.  What it calls in interp.c
 * (running steps, timers, sending) needs a live wire, so small stand-ins
 * below take its place: they move through the steps as step_advance does,
 * but send nothing.  Our own segments come from the input instead (they
 * advance the model as do_send does), and a wait's timer fires when the
 * input says so.
 *
 * Input: byte 0 picks a case from cases[] (the last choice: the case is
 * YAML in the input, up to a NUL byte); byte 1 the family (bit 0: IPv6),
 * the link type (bit 1: Ethernet, else raw IP) and a client case's
 * locked port (bit 2); bytes 2-5 our ISN.  FUZZ_ARRIVE_VERBOSE in the
 * environment prints each run's verdict and trace (to check seeds).  Then records, each a tag byte:
 *   tag & 7 == 0, 1  a raw frame from the target, from us: a length byte,
 *                    the frame (link header included);
 *              2, 3  a TCP header with options and payload from the
 *                    target, from us: a length byte, the bytes, wrapped
 *                    in an IP header with the case's addresses; ports are
 *                    set to the case's unless tag & 0x10, seq and ack are
 *                    offsets from the model's numbers when tag & 0x20,
 *                    the checksum is filled in unless tag & 0x40;
 *              4     the current wait's timer fires;
 *              5, 6, 7  the clock moves by (tag >> 3) ms, us, s.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <pcap/dlt.h>

#include "../../src/interp-arrive.c"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cases in the shapes the suite uses: every step kind that waits. */
static const char *const cases[] = {
	/* Handshake, data echoed, close; captures and relative numbers. */
	"id: f/echo\ntitle: t\nservice: echo\nsteps:\n"
	"  - connect: {options: [mss: 1460, sackok, ts: {val: auto, ecr: 0},"
	" nop, ws: 7]}\n"
	"  - send: {flags: PA, data: \"hello\\n\"}\n"
	"  - expect: {flags: A, seq: +1, ack: +7, win: [1, 65535],"
	" capture: {a1: ack, w1: win}}\n"
	"  - expect: {flags: PA, seq: +1, ack: $a1, data: \"hello\\n\","
	" options: [ts: {ecr: echo}]}\n"
	"  - send: {flags: FA, seq: +7}\n"
	"  - expect: {flags: FA, seq: +7, ack: +8, end_max: +8,"
	" options: [sack: absent]}\n"
	"  - state: LAST-ACK\n",
	/* any_of with branches of several steps, then a silence that
	 * allows copies of the data. */
	"id: f/anyof\ntitle: t\nservice: echo\nsteps:\n"
	"  - connect: {}\n"
	"  - send: {flags: FPA, data: \"last words\\n\"}\n"
	"  - any_of:\n"
	"      - - expect: {flags: A, seq: +1, ack: +13, len: 0}\n"
	"        - expect: {flags: \"+A +P -R -S\", seq: +1, ack: +13,"
	" data: \"last words\\n\"}\n"
	"      - - expect: {flags: \"+A +P -R -S\", seq: +1, ack: +13,"
	" data: \"last words\\n\"}\n"
	"  - silence: {for: 1s, allow: {flags: \"+A\", ack: +13,"
	" end_max: +13}}\n"
	"  - expect: {flags: FA, seq: +12, ack: +13, within: 1s}\n",
	/* Keepalive: measure, silence, expect, retransmits, measure. */
	"id: f/ka\ntitle: t\nservice: ka\ntimeout: 30s\nsteps:\n"
	"  - connect: {}\n"
	"  - state: ESTABLISHED\n"
	"  - measure: {name: idle, until: {flags: A, seq: +0, ack: +1,"
	" len: [0, 1]}, max: 8s, range: [4.9s, 6s]}\n"
	"  - send: {flags: A}\n"
	"  - silence: 4.9s\n"
	"  - expect: {flags: A, seq: +0, ack: +1, len: [0, 1], within: 6s}\n"
	"  - retransmits: {count: 2, schedule: [2s], tolerance: 10%}\n"
	"  - measure: {name: abort, until: {flags: \"+R\", seq: +1},"
	" max: 15s, range: [10.8s, 12s]}\n"
	"  - state: CLOSED\n",
	/* Retransmissions with backoff after a FIN. */
	"id: f/rtx\ntitle: t\nservice: lazyclose\nsteps:\n"
	"  - connect: {options: [mss: 1460]}\n"
	"  - send: {flags: FA}\n"
	"  - expect: {flags: A, seq: +1, ack: +2, within: 1s}\n"
	"  - expect: {flags: FA, seq: +1, ack: +2, within: 2s}\n"
	"  - retransmits: {count: 7, schedule: [230ms], min_tolerance: 50ms,"
	" backoff: 2, tolerance: 15%}\n"
	"  - wait: 1s\n"
	"  - expect: {}\n",
	/* A client case: the target's SYN locks the port. */
	"id: f/client\ntitle: t\nservice: client\nsteps:\n"
	"  - expect: {flags: S, options: [ws: present, mss: [536, 1460]],"
	" within: 2s, capture: {tsyn: seq, tsv: ts.val}}\n"
	"  - send: {flags: SA, win: 1000, options: [mss: 1460, nop, ws: 7]}\n"
	"  - expect: {flags: A, seq: $tsyn+1, ack: +1, len: 0}\n"
	"  - expect: {flags: \"+A\", seq: +1, ack: +1, len: [1, 1000],"
	" options: [ts: {val: $tsv, ecr: echo}, sack: [[+1, +2]]]}\n"
	"  - silence: {for: 1s, allow: {flags: \"+A\", ack: +1,"
	" end_max: +1001}}\n",
	/* Model-only expects: what a conformant target answers. */
	"id: f/model\ntitle: t\nservice: closed\nsteps:\n"
	"  - send: {flags: S}\n"
	"  - expect: {}\n"
	"  - send: {flags: A, seq: +5, ack: +100}\n"
	"  - expect: {}\n",
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct plan plans[NCASES];

/* ---- stand-ins for the capture, the loop and interp.c ------------------ */

static uint64_t fz_now;		/* the loop's and the capture's clock */
static int fz_dlt;

uint64_t
ev_now(const struct ev_loop *l)
{
	(void)l;
	return fz_now;
}

static int
fz_datalink(const struct wire *w)
{
	(void)w;
	return fz_dlt;
}

/* The harness's time is the input's: the tester never stalls. */
uint64_t
interp_stall(uint64_t due, uint64_t now)
{
	(void)due;
	(void)now;
	return 0;
}

/* No health checks run in the harness: no segment answers one. */
int
health_seg(struct interp *in, const struct seg *s)
{
	(void)in;
	(void)s;
	return 0;
}

static void fz_timeout(struct case_run *cr);

/* interp.c's timer expiry: the harness's verdicts (fz_timeout). */
void
wait_expire(struct case_run *cr)
{
	fz_timeout(cr);
}

/* An Ethernet MTU: target_seg cuts super-segments by it. */
static unsigned
fz_mtu(const struct wire *w)
{
	(void)w;
	return 1500;
}

/* The wire the harness's frames come from: the input, not a capture;
 * only what interp-arrive.c asks of it. */
static const struct wire_ops fz_wire_ops = {
	.name = "fuzz",
	.datalink = fz_datalink,
	.mtu = fz_mtu,
};
static struct wire fz_wire = { &fz_wire_ops };

void
interp_abort(struct interp *in, const char *why)
{
	(void)why;
	in->aborted = 1;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 64;
		b->s = xrealloc(b->s, b->cap);
	}
}

struct match_ctx
mctx(struct case_run *cr)
{
	struct match_ctx c = {
		.m = &cr->m,
		.our_isn = cr->our_isn,
		.pc = cr->pc,
		.vals = cr->vals,
		.valset = cr->valset,
		.have_our_tsval = cr->have_our_tsval,
		.our_tsval = cr->our_tsval,
	};

	return c;
}

void
step_pkt(struct case_run *cr, size_t i, unsigned pkt)
{
	(void)cr;
	(void)i;
	(void)pkt;
}

void
step_matched(struct case_run *cr)
{
	(void)cr;
}

unsigned
case_packet(struct case_run *cr, const uint8_t *pkt, size_t caplen,
    size_t len, uint64_t ts)
{
	(void)pkt;
	(void)caplen;
	(void)len;
	(void)ts;
	return cr->npkt++;
}

static void
format_seg(const struct case_run *cr, const struct seg *s, int ours,
    char *buf, size_t len)
{
	const struct tcpsm *from = ours ? &cr->me : &cr->m;
	const struct tcpsm *to = ours ? &cr->m : &cr->me;

	seg_format(s, from->have_iss ? from->iss :
	    (s->flags & SEG_SYN) ? s->seq : 0, to->have_iss ? to->iss : 0,
	    buf, len);
}

void
trace_seg(struct case_run *cr, const struct seg *s, int ours, uint64_t ts)
{
	char line[512];

	format_seg(cr, s, ours, line, sizeof(line));
	buf_printf(&cr->trace, "%+10.6f %s %s\n",
	    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ", line);
}

void
trace_bad(struct case_run *cr, int ours, const char *what, const char *why,
    uint64_t ts)
{
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	buf_printf(&cr->trace, "%+10.6f %s %s segment: %s\n",
	    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ", what,
	    why);
}

void
describe(const struct case_run *cr, const struct seg *s, char *buf,
    size_t len)
{
	format_seg(cr, s, 0, buf, len);
}

const struct plan_step *
cur_step(const struct case_run *cr)
{
	const struct frame *f = &cr->fr[cr->depth];

	return f->i < f->n ? &f->steps[f->i] : NULL;
}

void
step_done(struct case_run *cr)
{
	cr->fr[cr->depth].i++;
	while (cr->depth > 0 && cr->fr[cr->depth].i >= cr->fr[cr->depth].n) {
		cr->depth--;
		cr->fr[cr->depth].i++;
	}
}

void
del_timer(struct case_run *cr, uint64_t *id)
{
	(void)cr;
	*id = 0;
}

void
case_end(struct case_run *cr, enum rep_verdict v, char *msg)
{
	if (cr->status == CR_DONE) {
		free(msg);
		return;
	}
	cr->wait = W_NONE;
	cr->status = CR_DONE;
	cr->verdict = v;
	cr->msg = msg;
	q_clear(cr);
}

void
case_fail(struct case_run *cr, const char *fmt, ...)
{
	va_list ap;
	char *body;

	if (cr->status != CR_RUNNING)
		return;
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	case_end(cr, REP_FAIL, body);
}

/* We send s: the model moves as interp.c's do_send makes it. */
static void
fz_sent(struct case_run *cr, const struct seg *s)
{
	const struct seg_opt *o;

	if ((o = seg_opt_find(s, SEG_OPT_TS)) != NULL && o->len == 10) {
		cr->our_tsval = o->u.ts.val;
		cr->have_our_tsval = true;
	}
	cr->state_before = cr->m.state;
	cr->last_sent = *s;
	cr->last_sent.payload = NULL;
	cr->t_sent_mono = fz_now;
	cr->t_sent_cap = 0;
	tcpsm_on_send(&cr->m, s);
}

int
send_ack(struct case_run *cr)
{
	struct seg s;

	seg_init(&s);
	s.flags = SEG_ACK;
	(void)tcpsm_our_numbers(&cr->m, &s.seq, &s.ack);
	fz_sent(cr, &s);
	return 0;
}

void
arm_wait(struct case_run *cr, enum cr_wait w, uint64_t ns)
{
	cr->wait = w;
	cr->wait_ns = ns;
	cr->timer = 1;
}

void
wait_done(struct case_run *cr)
{
	del_timer(cr, &cr->timer);
	del_timer(cr, &cr->probe_timer);
	cr->wait = W_NONE;
	step_done(cr);
	step_advance(cr);
}

void
model_note(const struct case_run *cr, char *buf, size_t len)
{
	const struct tcpsm_expect *e = &cr->m.next;
	char fl[24];
	size_t n;

	if (!cr->m.have_our) {
		snprintf(buf, len, "target in %s",
		    tcpsm_state_name(cr->m.state));
		return;
	}
	snprintf(buf, len, "target in %s got [%s] seq=+%u: %s%s%s",
	    tcpsm_state_name(cr->state_before),
	    seg_flags_str(cr->last_sent.flags, fl, sizeof(fl)),
	    cr->last_sent.seq - cr->our_isn,
	    e->rule ? e->rule : "the model", e->rule ? " requires " :
	    " predicts ", tcpsm_reply_name(e->reply));
	n = strlen(buf);
	if (e->reply == TCPSM_R_RST)
		snprintf(buf + n, len - n, " seq=%u", e->seq);
	else if (e->reply != TCPSM_R_NONE && (e->flags & SEG_ACK))
		snprintf(buf + n, len - n, " ack=+%u", e->ack - cr->our_isn);
	n = strlen(buf);
	snprintf(buf + n, len - n, " (now target %s, us %s)",
	    tcpsm_state_name(cr->m.state), tcpsm_state_name(cr->me.state));
}

/* interp.c's step_advance, sending nothing: a send step is done at once
 * (the input sends), connect sends its SYN to the model. */
void
step_advance(struct case_run *cr)
{
	const struct plan_step *st;
	char line[512];
	struct seg s;

	while (cr->status == CR_RUNNING && cr->wait == W_NONE) {
		if ((st = cur_step(cr)) == NULL) {
			case_end(cr, REP_PASS, NULL);
			return;
		}
		switch (st->kind) {
		case PLAN_CONNECT:
			seg_init(&s);
			s.flags = SEG_SYN;
			s.seq = cr->our_isn;
			fz_sent(cr, &s);
			arm_wait(cr, W_EXPECT, st->u.connect.within_ns ?
			    st->u.connect.within_ns : NS_PER_SEC);
			break;
		case PLAN_SEND:
		case PLAN_EXEC:
			step_done(cr);
			break;
		case PLAN_EXPECT:
			arm_wait(cr, W_EXPECT, st->u.expect.within_ns ?
			    st->u.expect.within_ns : NS_PER_SEC);
			break;
		case PLAN_ANY_OF:
			arm_wait(cr, W_EXPECT, NS_PER_SEC);
			break;
		case PLAN_SILENCE:
			while (cr->qlen > 0 &&
			    silence_allows(cr, st, &cr->q[cr->qhead].s))
				q_pop(cr);
			if (cr->qlen > 0) {
				describe(cr, &cr->q[cr->qhead].s, line,
				    sizeof(line));
				case_fail(cr, "expected silence, but [%s] "
				    "arrived before it began", line);
				return;
			}
			arm_wait(cr, W_SILENCE, st->u.silence_ns);
			break;
		case PLAN_WAIT:
			arm_wait(cr, W_WAIT, st->u.wait_ns);
			break;
		case PLAN_STATE:
			if (cr->m.state != (enum tcpsm_state)st->u.state) {
				case_fail(cr, "the model has the target in %s",
				    tcpsm_state_name(cr->m.state));
				return;
			}
			step_done(cr);
			break;
		case PLAN_RETRANSMITS: {
			const struct plan_retransmits *r =
			    &st->u.retransmits;

			if (!cr->have_match) {
				case_fail(cr, "retransmits: nothing matched");
				return;
			}
			cr->rtx_n = 0;
			arm_wait(cr, W_RETRANS, r->schedule[0] +
			    plan_rtx_tol(r, r->schedule[0]) + 50 * NS_PER_MS);
			break;
		}
		case PLAN_MEASURE:
			if (cr->t_sent_cap != 0)
				cr->meas_t0 = cr->t_sent_cap;
			else if (!cr->m.have_our)
				cr->meas_t0 = fz_now;
			else
				cr->meas_t0 = 0;
			arm_wait(cr, W_MEASURE, st->u.measure.max_ns);
			break;
		case PLAN_STEP_MAX:
			fatalx("bad step kind");
		}
		q_deliver(cr);
	}
}

/* interp.c's wait_timeout_cb, the verdicts only. */
static void
fz_timeout(struct case_run *cr)
{
	const struct plan_step *st = cur_step(cr);
	char d1[32], note[512], orig[512];

	if (cr->status != CR_RUNNING)
		return;
	switch (cr->wait) {
	case W_NONE:
	case W_PIN:
		return;
	case W_SILENCE:
	case W_WAIT:
		wait_done(cr);
		return;
	case W_DRAIN:
		case_end(cr, REP_PASS, NULL);
		return;
	case W_EXPECT:
		model_note(cr, note, sizeof(note));
		case_fail(cr, "nothing arrived within %s\n  model: %s",
		    tc_fmt_duration(cr->wait_ns, d1, sizeof(d1)), note);
		return;
	case W_RETRANS:
		describe(cr, &cr->rtx_orig, orig, sizeof(orig));
		case_fail(cr, "retransmission %u of [%s] (expected after %s)",
		    cr->rtx_n + 1, orig, tc_fmt_duration(rtx_want(cr,
		    &st->u.retransmits), d1, sizeof(d1)));
		return;
	case W_MEASURE:
	case W_EXEC:
		case_fail(cr, "timed out");
		return;
	}
}

/* ---- the input --------------------------------------------------------- */

static uint16_t
fz_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Wrap TCP bytes t (n of them) from the target (ours 0) or from us in a
 * frame of the run's link type, in buf (room for 14 + 40 + 255 bytes).
 * Returns the frame's length.
 */
static size_t
fz_frame(struct case_run *cr, int ours, uint8_t tag, const uint8_t *t,
    size_t n, uint8_t *buf)
{
	const struct interp_cfg *cfg = cr->in->cfg;
	const union seg_addr *src = ours ? &cfg->src : &cfg->dst;
	const union seg_addr *dst = ours ? &cfg->dst : &cfg->src;
	uint8_t *ip = buf, *tcp;
	size_t link = 0, iph;
	struct seg ps;

	if (fz_dlt == DLT_EN10MB) {
		memset(buf, 0x02, 12);
		put16(buf + 12, cfg->af == AF_INET ? 0x0800 : 0x86dd);
		link = 14;
		ip = buf + 14;
	}
	iph = cfg->af == AF_INET ? 20 : 40;
	tcp = ip + iph;
	memcpy(tcp, t, n);
	if (n >= 20 && !(tag & 0x10)) {
		put16(tcp, ours ? cr->sport : cr->dport ? cr->dport : 33000);
		put16(tcp + 2, ours ? cr->dport : cr->sport);
	}
	if (n >= 12 && (tag & 0x20)) {
		const struct tcpsm *from = ours ? &cr->me : &cr->m;

		put32(tcp + 4, get32(tcp + 4) + (ours ? cr->our_isn :
		    from->iss));
		put32(tcp + 8, get32(tcp + 8) + (ours ? cr->m.iss :
		    cr->our_isn));
	}
	memset(ip, 0, iph);
	if (cfg->af == AF_INET) {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(iph + n));
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, &src->v4, 4);
		memcpy(ip + 16, &dst->v4, 4);
		put16(ip + 10, fz_csum(ip, 20));
	} else {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)n);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, &src->v6, 16);
		memcpy(ip + 24, &dst->v6, 16);
	}
	if (n >= 18 && !(tag & 0x40)) {
		memset(&ps, 0, sizeof(ps));
		ps.af = cfg->af;
		ps.src = *src;
		ps.dst = *dst;
		put16(tcp + 16, seg_tcp_checksum(&ps, tcp, n));
	}
	return link + iph + n;
}

/* Our frame: the model learns we sent it, then the capture sees it. */
static void
fz_ours(struct case_run *cr, const uint8_t *f, size_t n)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	if (seg_decode(fz_dlt, f, n, &s, NULL, 0) == SEG_OK &&
	    cr->status == CR_RUNNING)
		fz_sent(cr, &s);
	frame_cb(f, n, n, fz_now, cr->in);
}

static void
fz_free_run(struct case_run *cr)
{
	q_clear(cr);
	free(cr->vals);
	free(cr->valset);
	free(cr->trace.s);
	free(cr->notes.s);
	free(cr->msg);
	free(cr->meas);
	free(cr->rtx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct interp_cfg cfg;
	struct plan fuzzed = { 0 };
	struct scr_errs errs = { 0 };
	const struct plan *p;
	struct interp in;
	struct case_run cr;
	uint8_t frame[14 + 40 + 256];
	size_t pos, n, end;
	uint8_t tag;
	int i, records;

	if (plans[0].ncases == 0)
		for (i = 0; i < (int)NCASES; i++)
			if (scr_load_buffer("fuzz.yaml", cases[i],
			    strlen(cases[i]), &plans[i], &errs) != 0)
				fatalx("fuzz_arrive: case %d: %s", i,
				    errs.msgs[0]);
	if (size < 6)
		return 0;
	pos = 6;
	if (data[0] % (NCASES + 1) < NCASES)
		p = &plans[data[0] % (NCASES + 1)];
	else {
		/* A fuzzed case: YAML up to a NUL byte. */
		for (end = pos; end < size && data[end] != 0; end++)
			;
		scr_load_buffer("fuzz.yaml", (const char *)data + pos,
		    end - pos, &fuzzed, &errs);
		pos = end + 1;
		p = &fuzzed;
	}
	scr_errs_free(&errs);
	if (p->ncases == 0 || pos > size) {
		plan_free(&fuzzed);
		return 0;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.af = data[1] & 1 ? AF_INET6 : AF_INET;
	(void)seg_addr_parse(cfg.af == AF_INET ? "198.18.0.1" : "2001:db8::1",
	    &cfg.src);
	(void)seg_addr_parse(cfg.af == AF_INET ? "198.18.0.2" : "2001:db8::2",
	    &cfg.dst);
	cfg.port_lo = 40000;
	cfg.port_hi = 40009;
	cfg.jobs = 1;
	cfg.default_within_ns = NS_PER_SEC;
	cfg.profile = "rfc";
	fz_dlt = data[1] & 2 ? DLT_EN10MB : DLT_RAW;
	fz_now = 1000 * (uint64_t)NS_PER_SEC;

	memset(&in, 0, sizeof(in));
	memset(&cr, 0, sizeof(cr));
	in.cfg = &cfg;
	in.wire = &fz_wire;
	in.runs = &cr;
	in.nruns = 1;
	cr.in = &in;
	cr.pc = &p->cases[0];
	cr.client = strcmp(cr.pc->service, "client") == 0;
	cr.sport = cfg.port_lo;
	cr.dport = cr.client ? (data[1] & 4 ? 33000 : 0) : 7;
	cr.status = CR_RUNNING;
	cr.t_start = fz_now;
	cr.t_sent_mono = fz_now;
	cr.our_isn = get32(data + 2);
	cr.fr[0] = (struct frame){ cr.pc->steps, cr.pc->nsteps, 0 };
	cr.vals = xcalloc(cr.pc->nvars, sizeof(*cr.vals));
	cr.valset = xcalloc(cr.pc->nvars, sizeof(*cr.valset));
	tcpsm_init(&cr.m, cr.client || strcmp(cr.pc->service, "closed") == 0 ?
	    TCPSM_CLOSED : TCPSM_LISTEN);
	tcpsm_init(&cr.me, cr.client ? TCPSM_LISTEN : TCPSM_CLOSED);
	step_advance(&cr);

	/* Bounded: at most one record per two input bytes. */
	for (records = 0; pos < size && records < 4096; records++) {
		tag = data[pos++];
		switch (tag & 7) {
		case 0:
		case 1:
		case 2:
		case 3:
			if (pos >= size)
				break;
			n = data[pos++];
			if (n > size - pos)
				n = size - pos;
			if ((tag & 7) < 2) {
				if (tag & 1)
					fz_ours(&cr, data + pos, n);
				else
					frame_cb(data + pos, n, n, fz_now,
					    &in);
			} else {
				size_t len = fz_frame(&cr, tag & 1, tag,
				    data + pos, n, frame);

				if (tag & 1)
					fz_ours(&cr, frame, len);
				else
					frame_cb(frame, len, len, fz_now,
					    &in);
			}
			pos += n;
			break;
		case 4:
			fz_timeout(&cr);
			break;
		case 5:
			fz_now += (uint64_t)(tag >> 3) * NS_PER_MS;
			break;
		case 6:
			fz_now += (uint64_t)(tag >> 3) * 1000;
			break;
		case 7:
			fz_now += (uint64_t)(tag >> 3) * NS_PER_SEC;
			break;
		}
	}
	/* For writing seeds: how far the case got. */
	if (getenv("FUZZ_ARRIVE_VERBOSE") != NULL)
		fprintf(stderr, "%s: %s, step %zu, %s\n%s", cr.pc->id,
		    cr.status == CR_DONE ? cr.verdict == REP_PASS ? "pass" :
		    "fail" : "running", cr.fr[0].i, cr.msg ? cr.msg : "",
		    cr.trace.s ? cr.trace.s : "");
	fz_free_run(&cr);
	plan_free(&fuzzed);
	return 0;
}
