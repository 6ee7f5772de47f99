/*
 * fuzz_arrive.c - libFuzzer harness for the engine's judging of what the
 * target sends: demultiplexing by address and port, the queue of early
 * arrivals, the step units (expect, any_of, silence with allow,
 * retransmits, measure), the matcher (match.c) and the reference model
 * (tcpsm.c), for a plan and a sequence of captured frames.
 *
 * The real engine runs, behind a fake wire (wire.h) and a fake loop: the
 * frames come from the input through interp_frame_cb, as a wire would
 * deliver them; what the engine sends goes nowhere (the model moves as it
 * sends); time is the input's, and a wait's timer fires when the input
 * says so (cr_expire).  No target: a case with exec or sysctls is
 * skipped.  Each input also has the engine estimate its case
 * (interp_duration).
 *
 * Input: byte 0 picks a case from cases[] (the last choice: the case is
 * YAML in the input, up to a NUL byte); byte 1 the family (bit 0: IPv6)
 * and the link type (bit 1: Ethernet, else raw IP); bytes 2-5 our ISN.
 * FUZZ_ARRIVE_VERBOSE in the environment prints each run's verdict and
 * trace (to check seeds).  Then records, each a tag byte:
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "pcapw.h"
#include "report.h"
#include "script.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

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

/* ---- the fake loop, wire and pcap writer ------------------------------- */

static uint64_t fz_now;		/* the loop's and the capture's clock */
static uint64_t fz_timer_id;
static int fz_dlt;
static uint32_t fz_isn;

uint64_t
ev_now_ns(void)
{
	return fz_now;
}

uint64_t
ev_now(const struct ev_loop *l)
{
	(void)l;
	return fz_now;
}

/* Timers are never due by themselves: the input fires the wait's. */
uint64_t
ev_add_timer(struct ev_loop *l, uint64_t after_ns, ev_timer_cb *cb,
    void *arg)
{
	(void)l;
	(void)after_ns;
	(void)cb;
	(void)arg;
	return ++fz_timer_id;
}

void
ev_del_timer(struct ev_loop *l, uint64_t id)
{
	(void)l;
	(void)id;
}

void
ev_stop(struct ev_loop *l)
{
	(void)l;
}

/* The agent's control channel (agentc.c) is linked, never opened: the
 * harness runs no case with target steps against an agent. */
int
ev_add_fd(struct ev_loop *l, int fd, ev_fd_cb *cb, void *arg)
{
	(void)l;
	(void)fd;
	(void)cb;
	(void)arg;
	return -1;
}

void
ev_del_fd(struct ev_loop *l, int fd)
{
	(void)l;
	(void)fd;
}

/* The harness calls interp_settle itself after each input record, as the
 * loop would after each callback. */
void
ev_set_after(struct ev_loop *l, void (*fn)(void *), void *arg)
{
	(void)l;
	(void)fn;
	(void)arg;
}

/* interp_run is linked, never called: the harness starts the case. */
int
ev_run(struct ev_loop *l)
{
	(void)l;
	return -1;
}

static int
fz_send(struct wire *w, const struct seg *s, char *errbuf, size_t errlen)
{
	(void)w;
	(void)s;
	(void)errbuf;
	(void)errlen;
	return 0;
}

static int
fz_datalink(const struct wire *w)
{
	(void)w;
	return fz_dlt;
}

/* An Ethernet MTU: the engine cuts super-segments by it. */
static unsigned
fz_mtu(const struct wire *w)
{
	(void)w;
	return 1500;
}

static uint64_t
fz_drops(struct wire *w)
{
	(void)w;
	return 0;
}

static uint64_t
fz_cap_now(const struct wire *w)
{
	(void)w;
	return fz_now;
}

static int
fz_link_ok(struct wire *w, char *why, size_t len)
{
	(void)w;
	(void)why;
	(void)len;
	return 0;
}

/* Our ISN is the input's; the rest need not be random. */
static uint32_t
fz_random32(struct wire *w, enum wire_rand what, uint16_t port)
{
	(void)w;
	(void)port;
	return what == WIRE_RAND_ISN ? fz_isn : 0;
}

static const struct wire_ops fz_wire_ops = {
	.name = "fuzz",
	.send = fz_send,
	.datalink = fz_datalink,
	.mtu = fz_mtu,
	.drops = fz_drops,
	.cap_now = fz_cap_now,
	.link_ok = fz_link_ok,
	.random32 = fz_random32,
};
static struct wire fz_wire = { &fz_wire_ops };

/* No --pcap in the harness. */
void
pcapw_write(struct pcapw *w, const uint8_t *pkt, size_t caplen, size_t len,
    uint64_t ts_ns)
{
	(void)w;
	(void)pkt;
	(void)caplen;
	(void)len;
	(void)ts_ns;
}

struct pcapw *
pcapw_open(const char *dir, const char *id, int dlt, char *errbuf,
    size_t errlen)
{
	(void)dir;
	(void)id;
	(void)dlt;
	tc_errf(errbuf, errlen, "no pcap in the harness");
	return NULL;
}

const char *
pcapw_path(const struct pcapw *w)
{
	(void)w;
	return NULL;
}

int
pcapw_close(struct pcapw *w, char *errbuf, size_t errlen)
{
	(void)w;
	(void)errbuf;
	(void)errlen;
	return 0;
}

void
pcapw_free(struct pcapw *w)
{
	(void)w;
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct interp_cfg cfg;
	static struct interp_service svc;
	static FILE *devnull;
	struct plan fuzzed = { 0 };
	struct scr_errs errs = { 0 };
	const struct plan *p;
	struct interp *in;
	struct case_run *cr;
	struct rep *rep;
	uint8_t frame[14 + 40 + 256];
	size_t pos, n, end;
	uint64_t t, x;
	uint8_t tag;
	int i, records;

	if (plans[0].ncases == 0)
		for (i = 0; i < (int)NCASES; i++)
			if (scr_load_buffer("fuzz.yaml", cases[i],
			    strlen(cases[i]), &plans[i], &errs) != 0)
				fatalx("fuzz_arrive: case %d: %s", i,
				    errs.msgs[0]);
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		fatalx("fuzz_arrive: /dev/null");
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
	interp_duration(&p->cases[0], NULL, PLAN_DEFAULT_WITHIN_NS, &t, &x);

	memset(&cfg, 0, sizeof(cfg));
	cfg.af = data[1] & 1 ? AF_INET6 : AF_INET;
	(void)seg_addr_parse(cfg.af == AF_INET ? "198.18.0.1" : "2001:db8::1",
	    &cfg.src);
	(void)seg_addr_parse(cfg.af == AF_INET ? "198.18.0.2" : "2001:db8::2",
	    &cfg.dst);
	/* One port: none left for a health probe, so the checks look at
	 * the (fake) link only and pass at once. */
	cfg.port_lo = cfg.port_hi = 40000;
	svc.name = p->cases[0].service;
	svc.port = 7;
	cfg.svc = &svc;
	cfg.nsvc = 1;
	cfg.jobs = 1;
	cfg.default_within_ns = NS_PER_SEC;
	cfg.default_timeout_ns = PLAN_DEFAULT_TIMEOUT_NS;
	cfg.profile = "rfc";
	fz_dlt = data[1] & 2 ? DLT_EN10MB : DLT_RAW;
	fz_now = 1000 * (uint64_t)NS_PER_SEC;
	fz_isn = get32(data + 2);

	rep = rep_new(devnull, 0);
	in = interp_new(p, &cfg, &fz_wire, NULL, rep);
	cr = &in->runs[0];
	interp_health_begin(in);
	interp_settle(in);		/* starts the case */

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
			if ((tag & 7) < 2)
				interp_frame_cb(data + pos, n, n, fz_now, in);
			else {
				size_t len = fz_frame(cr, tag & 1, tag,
				    data + pos, n, frame);

				interp_frame_cb(frame, len, len, fz_now, in);
			}
			pos += n;
			break;
		case 4:
			cr_expire(cr);
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
		interp_settle(in);
	}
	/* For writing seeds: how far the case got. */
	if (getenv("FUZZ_ARRIVE_VERBOSE") != NULL)
		fprintf(stderr, "%s: %s, step %zu, %s\n%s", cr->pc->id,
		    cr->status == CR_DONE ? cr->verdict == REP_PASS ? "pass" :
		    cr->verdict == REP_SKIP ? "skip" : "fail" : "running",
		    cr->fr[0].i, cr->msg ? cr->msg : "",
		    cr->trace.s ? cr->trace.s : "");
	interp_free(in);
	rep_free(rep);
	plan_free(&fuzzed);
	return 0;
}
