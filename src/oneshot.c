/*
 * oneshot.c - "tcpconform send": craft one segment (or a short train) from
 * the command line, the way hping3 and nping users expect, and print every
 * reply decoded, with its RTT taken from capture timestamps.
 *
 * "send --flood" sends a bounded number of SYNs as fast as it can, with
 * varying source ports and sequence numbers, for load tests of a target
 * (tcpconform-peer, a lab kernel).  It never waits for replies.
 *
 * Set-up order as in cmd_run: the command line is parsed and checked
 * first (oneshot-cli.c), then this file opens the capture, the injector
 * and the guard, drops privileges and sends.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cksum.h"
#include "decode.h"
#include "defaults.h"
#include "evloop.h"
#include "guard.h"
#include "inject.h"
#include "oneshot.h"
#include "net.h"
#include "route.h"
#include "priv.h"
#include "seg.h"
#include "sniff.h"
#include "util.h"

/* Source ports: below the usual ephemeral range, as cmd_run's. */
#define OS_PORT_LO	TC_PORT_MIN
#define OS_PORT_SPAN	TC_SEND_PORT_SPAN
#define OS_BATCH	64		/* packets per sendmmsg(2) */
#define OS_IP_H		SEG_IP4_HDRLEN	/* the flood is IPv4 only */
#define OS_PKT_MAX	(OS_IP_H + 60 + 1460)	/* one Ethernet frame */
#define OS_MAX_WORKERS	8

/* The state of a plain send while the loop runs. */
struct os_run {
	struct seg tmpl;	/* what we send, every time */
	struct inj *inj;
	struct snf *snf;
	struct ev_loop *loop;
	int dlt;
	long count, sent, replies;
	uint64_t interval_ns, wait_ns;
	uint32_t their_isn;
	int have_their_isn;
	uint64_t *send_ts;	/* per send: capture ts, else the send clock */
	long captured;		/* our segments seen by the capture */
	long last_sent;		/* index of the latest captured send, -1 */
	int failed;
	char err[512];
};

static uint32_t
os_random32(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)(tc_clock_ns(CLOCK_MONOTONIC) ^
		    ((uint64_t)getpid() << 16));
	return r;
}

/* Options in the order Linux sends them on a SYN. */
static void
os_build_opts(const struct oneshot_opts *o, struct seg *s)
{
	struct seg_opt *p;

	/* seg_opt_add gives each its valid length; at most 7 options here,
	 * far from SEG_MAX_OPTS. */
	if (o->mss >= 0 && (p = seg_opt_add(s, SEG_OPT_MSS)) != NULL)
		(void)seg_opt_set(p, 0, (uint32_t)o->mss);
	if (o->sackok != o->ts) {
		(void)seg_opt_add(s, SEG_OPT_NOP);
		(void)seg_opt_add(s, SEG_OPT_NOP);
	}
	if (o->sackok)
		(void)seg_opt_add(s, SEG_OPT_SACKOK);
	if (o->ts && (p = seg_opt_add(s, SEG_OPT_TS)) != NULL)
		/* TSval: a millisecond clock; TSecr 0: nothing to echo. */
		(void)seg_opt_set(p, 1,
		    (uint32_t)(tc_clock_ns(CLOCK_MONOTONIC) / NS_PER_MS));
	if (o->wscale >= 0) {
		(void)seg_opt_add(s, SEG_OPT_NOP);
		if ((p = seg_opt_add(s, SEG_OPT_WS)) != NULL)
			(void)seg_opt_set(p, 0, (uint32_t)o->wscale);
	}
}

static void
os_build_seg(const struct oneshot_opts *o, const union seg_addr *src,
    struct seg *s)
{
	seg_init(s);
	s->af = o->af;
	s->src = *src;
	s->dst = o->dst;
	s->ttl = (uint8_t)o->ttl;
	s->sport = (uint16_t)o->sport;
	s->dport = (uint16_t)o->dport;
	s->seq = o->have_seq ? o->seq : os_random32();
	s->ack = o->have_ack ? o->ack : 0;
	s->flags = o->flags;
	s->win = (uint16_t)o->win;
	os_build_opts(o, s);
	if (o->data != NULL) {
		s->payload = (const uint8_t *)o->data;
		s->paylen = strlen(o->data);
	}
}

/* ---- plain send: one segment per --interval, replies until --wait ------ */

static void
os_print(const char *dir, const struct seg *s, uint32_t seq_base,
    uint32_t ack_base, const char *tail)
{
	char line[1024];

	printf("%s %s%s\n", dir, seg_format(s, seq_base, ack_base, line,
	    sizeof(line)), tail);
	fflush(stdout);
}

static void
os_capture_cb(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts_ns,
    void *arg)
{
	struct os_run *r = arg;
	const struct seg *t = &r->tmpl;
	struct seg s;
	char tail[64];
	uint64_t ref;

	(void)len;
	if (seg_decode(r->dlt, pkt, caplen, &s, NULL, 0) != SEG_OK)
		return;
	if (s.af == t->af && seg_addr_eq(s.af, &s.src, &t->src) &&
	    s.sport == t->sport && seg_addr_eq(s.af, &s.dst, &t->dst) &&
	    s.dport == t->dport) {
		/* Ours, in send order: the k-th capture is the k-th send. */
		if (r->captured < r->sent) {
			r->send_ts[r->captured] = ts_ns;
			r->last_sent = r->captured++;
		}
		return;
	}
	if (s.af != t->af || !seg_addr_eq(s.af, &s.src, &t->dst) ||
	    s.sport != t->dport || s.dport != t->sport)
		return;
	if ((s.flags & SEG_SYN) && !r->have_their_isn) {
		r->their_isn = s.seq;
		r->have_their_isn = 1;
	}
	r->replies++;
	ref = r->last_sent >= 0 ? r->send_ts[r->last_sent] :
	    r->sent > 0 ? r->send_ts[r->sent - 1] : 0;
	if (ref != 0 && ts_ns >= ref)
		snprintf(tail, sizeof(tail), ", rtt %.3f ms",
		    (double)(ts_ns - ref) / 1e6);
	else
		snprintf(tail, sizeof(tail), ", rtt ?");
	os_print("RECV", &s, r->have_their_isn ? r->their_isn : 0, t->seq,
	    tail);
}

static void
os_drain(struct os_run *r)
{
	if (snf_dispatch(r->snf, os_capture_cb, r, r->err,
	    sizeof(r->err)) < 0) {
		r->failed = 1;
		ev_stop(r->loop);
	}
}

static void
os_read_cb(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	os_drain(arg);
}

static void
os_stop_cb(uint64_t id, void *arg)
{
	struct os_run *r = arg;

	(void)id;
	os_drain(r);
	ev_stop(r->loop);
}

static void
os_send_cb(uint64_t id, void *arg)
{
	struct os_run *r = arg;
	uint32_t ack_base = r->have_their_isn ? r->their_isn : 0;

	(void)id;
	/* The fallback RTT reference if the capture misses our segment. */
	r->send_ts[r->sent] = tc_clock_ns(CLOCK_REALTIME);
	if (inj_send(r->inj, &r->tmpl, r->err, sizeof(r->err)) != 0) {
		r->failed = 1;
		ev_stop(r->loop);
		return;
	}
	r->sent++;
	os_print("SENT", &r->tmpl, r->tmpl.seq, ack_base, "");
	if (r->sent < r->count)
		ev_add_timer(r->loop, r->interval_ns, os_send_cb, r);
	else
		ev_add_timer(r->loop, r->wait_ns, os_stop_cb, r);
}

static int
os_plain(const struct oneshot_opts *o, oneshot_env_fn *env_error,
    char *errbuf, size_t errlen)
{
	struct os_run r = { 0 };
	struct net net = { 0 };
	struct net_cfg nc = { 0 };
	const char *what;
	char dst[INET6_ADDRSTRLEN];
	int rc = TC_EXIT_ENV, eperm = 0;

	/* Only this conversation: the target and our one source port.
	 * Without the guard (or, with -a, our ARP/ND answers) the tester's
	 * kernel would RST the target's SYN-ACK. */
	nc.af = o->af;
	nc.dst = o->dst;
	nc.iface = o->iface;
	nc.spoof = o->spoof;
	nc.spoof_opt = "-a";
	nc.port_lo = nc.port_hi = (uint16_t)o->sport;
	switch (net_open(&nc, &net, &what, r.err, sizeof(r.err), &eperm)) {
	case NET_OK:
		break;
	case NET_USAGE:
		net_close(&net);
		tc_errf(errbuf, errlen, "%s", r.err);
		return TC_EXIT_USAGE;
	default:
		rc = env_error(what, r.err, eperm);
		goto out;
	}
	os_build_seg(o, &net.src, &r.tmpl);
	r.count = o->count;
	r.interval_ns = o->interval_ns;
	r.wait_ns = o->wait_ns;
	r.last_sent = -1;
	r.send_ts = xcalloc((size_t)r.count, sizeof(*r.send_ts));
	seg_addr_str(o->af, &o->dst, dst, sizeof(dst));
	r.snf = net.snf;
	r.inj = net.inj;
	r.dlt = snf_datalink(r.snf);
	if (priv_drop(r.err, sizeof(r.err)) != 0) {
		rc = env_error("privileges", r.err, 0);
		goto out;
	}
	if ((r.loop = ev_new()) == NULL ||
	    ev_add_fd(r.loop, snf_fd(r.snf), os_read_cb, &r) != 0 ||
	    ev_add_timer(r.loop, 0, os_send_cb, &r) == 0) {
		rc = env_error("setup", strerror(errno ? errno : ENOMEM), 0);
		goto out;
	}
	if (ev_run(r.loop) != 0) {
		rc = env_error("poll", strerror(errno), 0);
		goto out;
	}
	if (r.failed) {
		rc = env_error("send", r.err, 0);
		goto out;
	}
	printf("--- %s port %ld: %ld sent, %ld repl%s received\n", dst,
	    o->dport, r.sent, r.replies, r.replies == 1 ? "y" : "ies");
	rc = r.replies > 0 ? TC_EXIT_PASS : TC_EXIT_FAILED;
out:
	ev_free(r.loop);
	net_close(&net);
	free(r.send_ts);
	return rc;
}

/* ---- --flood ------------------------------------------------------------ */

/*
 * libnet is bypassed here on purpose.  inj_send rebuilds the protocol
 * blocks, recomputes the checksum over the whole segment and makes one
 * sendto(2) per packet (libnet_build_* + libnet_write): that costs far
 * more than this batch path, and at flood rates it is time the kernel's
 * own per-packet work (BENCHMARKS.md) cannot use.  Instead the packet is
 * built once by the codec (seg_encode), copied into OS_BATCH buffers,
 * and per packet only the source port, the
 * sequence number and the TCP checksum are patched (incrementally,
 * RFC 1624 eqn. 3) before one sendmmsg(2) sends the whole batch on a raw
 * IPPROTO_RAW socket (IP_HDRINCL implied: the kernel fills in the IP
 * checksum, and the IP id because we leave it 0).
 */

/* One flood worker: its own raw socket, buffers and share of the count. */
struct os_worker {
	pthread_t tid;
	int fd;
	int vary_sport;
	uint8_t bufs[OS_BATCH][OS_PKT_MAX];
	int len;
	struct sockaddr_in sin;
	uint64_t count, sent, deadline;
	uint16_t base;		/* ~HC + ~m of the template, folded */
	unsigned port_i;	/* index into the source port range */
	uint32_t seq;
	int err;		/* errno of a failed sendmmsg, or 0 */
};

static void *
os_worker_run(void *arg)
{
	struct os_worker *w = arg;
	struct mmsghdr msgs[OS_BATCH];
	struct iovec iov[OS_BATCH];
	struct enc th;
	uint64_t sum;
	uint16_t sport;
	int i, n, want;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < OS_BATCH; i++) {
		iov[i].iov_base = w->bufs[i];
		iov[i].iov_len = (size_t)w->len;
		msgs[i].msg_hdr.msg_name = &w->sin;
		msgs[i].msg_hdr.msg_namelen = sizeof(w->sin);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (w->sent < w->count) {
		want = w->count - w->sent < OS_BATCH ?
		    (int)(w->count - w->sent) : OS_BATCH;
		for (i = 0; i < want; i++) {
			/* The buffer holds a whole TCP header: the
			 * writes below cannot fail. */
			enc_init(&th, w->bufs[i] + OS_IP_H, SEG_TCP_HDRLEN);

			/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
			sum = w->base;
			if (w->vary_sport) {
				w->port_i = w->port_i + 1 == OS_PORT_SPAN ? 0 :
				    w->port_i + 1;
				sport = (uint16_t)(OS_PORT_LO + w->port_i);
				(void)enc_be16(&th, sport);
				sum += sport;
			}
			w->seq += 0x9e3779b1u;	/* golden ratio: well spread */
			(void)enc_seek(&th, SEG_TCP_SEQ_OFF);
			(void)enc_be32(&th, w->seq);
			sum += (w->seq >> 16) + (w->seq & 0xffff);
			(void)enc_seek(&th, SEG_TCP_CSUM_OFF);
			(void)enc_be16(&th, (uint16_t)~cksum_fold(sum));
		}
		n = sendmmsg(w->fd, msgs, (unsigned)want, 0);
		if (n < 0) {
			if (errno != EINTR && errno != ENOBUFS &&
			    errno != EAGAIN) {
				w->err = errno;
				break;
			}
			n = 0;	/* a full queue: go again */
		}
		/* Packets of the batch not taken are rebuilt next time
		 * with new numbers; nothing repeats. */
		w->sent += (uint64_t)n;
		if (tc_clock_ns(CLOCK_MONOTONIC) >= w->deadline)
			break;
	}
	return NULL;
}

/*
 * One worker per CPU we may run on (at most OS_MAX_WORKERS): the cost per packet
 * is almost all in the kernel (our send, and on a veth the target's
 * receive and its SYN-ACK, run in the sender's context), so a second CPU
 * nearly doubles the rate.
 */
static int
os_flood(const struct oneshot_opts *o, const union seg_addr *src,
    oneshot_env_fn *env_error, char *errbuf, size_t errlen)
{
	struct os_worker *w;
	struct guard *guard = NULL;
	struct seg s;
	uint8_t pkt[OS_PKT_MAX];
	char err[512];
	uint64_t t0, now, sent = 0, count = (uint64_t)o->count, base;
	struct dec d;
	uint16_t csum0;
	cpu_set_t cpus;
	long ncpu;
	unsigned nw, k, started = 0;
	int len, i, eperm = 0, mark = INJ_MARK, rc = TC_EXIT_PASS, werr = 0;
	double secs;

	os_build_seg(o, src, &s);
	if ((len = seg_encode(&s, pkt, sizeof(pkt))) < 0) {
		tc_errf(errbuf, errlen, "--flood: options and data exceed %d "
		    "bytes", OS_PKT_MAX);
		return TC_EXIT_USAGE;
	}
	/* The CPUs we may run on (taskset(1) narrows them). */
	CPU_ZERO(&cpus);
	ncpu = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ?
	    CPU_COUNT(&cpus) : sysconf(_SC_NPROCESSORS_ONLN);
	nw = ncpu < 1 ? 1 : ncpu > OS_MAX_WORKERS ? OS_MAX_WORKERS :
	    (unsigned)ncpu;
	if ((uint64_t)nw > count)
		nw = (unsigned)count;

	/* ~HC + ~m over the template's variable words. */
	dec_init(&d, pkt + OS_IP_H, SEG_TCP_HDRLEN);
	if (dec_skip(&d, SEG_TCP_CSUM_OFF) || dec_be16(&d, &csum0))
		fatalx("flood: template shorter than a TCP header");
	base = (uint16_t)~csum0;
	if (!o->fixed_sport)
		base = cksum_sub16(base, s.sport);
	base = cksum_sub16(base, (uint16_t)(s.seq >> 16));
	base = cksum_sub16(base, (uint16_t)(s.seq & 0xffff));
	base = cksum_fold(base);

	w = xcalloc(nw, sizeof(*w));
	for (k = 0; k < nw; k++)
		w[k].fd = -1;
	for (k = 0; k < nw; k++) {
		if ((w[k].fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC,
		    IPPROTO_RAW)) == -1) {
			rc = env_error("injector", strerror(errno),
			    errno == EPERM || errno == EACCES);
			goto out;
		}
		/* Marked like inj's socket, so that the guard lets them
		 * pass. */
		if (setsockopt(w[k].fd, SOL_SOCKET, SO_MARK, &mark,
		    sizeof(mark)) == -1) {
			rc = env_error("injector", strerror(errno),
			    errno == EPERM);
			goto out;
		}
		if (o->iface != NULL && setsockopt(w[k].fd, SOL_SOCKET,
		    SO_BINDTODEVICE, o->iface, (socklen_t)strlen(o->iface)) ==
		    -1) {
			rc = env_error(o->iface, strerror(errno),
			    errno == EPERM);
			goto out;
		}
		for (i = 0; i < OS_BATCH; i++)
			memcpy(w[k].bufs[i], pkt, (size_t)len);
		w[k].len = len;
		w[k].sin.sin_family = AF_INET;
		w[k].sin.sin_addr = o->dst.v4;
		w[k].vary_sport = !o->fixed_sport;
		w[k].base = base;
		w[k].count = count / nw + (k < count % nw ? 1 : 0);
		/* Disjoint start points in the port range and seq space. */
		w[k].port_i = (unsigned)(s.sport - OS_PORT_LO +
		    k * (OS_PORT_SPAN / nw)) % OS_PORT_SPAN;
		w[k].seq = s.seq + k * 0x40000000u;
	}
	/* Source ports vary over the whole range: guard all of it. */
	if ((guard = guard_open(AF_INET, &s.dst,
	    o->fixed_sport ? s.sport : OS_PORT_LO,
	    o->fixed_sport ? s.sport : OS_PORT_LO + OS_PORT_SPAN - 1, err,
	    sizeof(err), &eperm)) == NULL) {
		rc = env_error("guard", err, eperm);
		goto out;
	}
	if (priv_drop(err, sizeof(err)) != 0) {
		rc = env_error("privileges", err, 0);
		goto out;
	}

	t0 = tc_clock_ns(CLOCK_MONOTONIC);
	for (k = 0; k < nw; k++) {
		w[k].deadline = t0 + o->max_ns;
		if (pthread_create(&w[k].tid, NULL, os_worker_run, &w[k]) != 0)
			break;
		started++;
	}
	for (k = 0; k < started; k++) {
		pthread_join(w[k].tid, NULL);
		sent += w[k].sent;
		if (w[k].err != 0)
			werr = w[k].err;
	}
	now = tc_clock_ns(CLOCK_MONOTONIC);
	if (started == 0) {
		rc = env_error("flood", "cannot start a thread", 0);
		goto out;
	}
	if (werr != 0) {
		rc = env_error("sendmmsg", strerror(werr), werr == EPERM);
		goto out;
	}
	secs = (double)(now - t0) / 1e9;
	printf("sent %llu packets in %.3f s: %.0f packets/s\n",
	    (unsigned long long)sent, secs,
	    secs > 0 ? (double)sent / secs : 0.0);
out:
	guard_close(guard);
	for (k = 0; k < nw; k++)
		if (w[k].fd >= 0)
			close(w[k].fd);
	free(w);
	return rc;
}

/* ---- after oneshot-cli.c's checks --------------------------------------- */

int
oneshot_run(struct oneshot_opts *o, oneshot_env_fn *env_error, char *errbuf,
    size_t errlen)
{
	struct rt_path path;

	if (o->sport < 0)
		o->sport = OS_PORT_LO + (long)(os_random32() % OS_PORT_SPAN);
	if (o->flood) {
		if (rt_lookup(AF_INET, &o->dst, o->iface, &path, errbuf,
		    errlen) != 0)
			return env_error("route", errbuf, 0);
		/* A given -s stays fixed; otherwise ports vary per packet. */
		return os_flood(o, &path.src, env_error, errbuf, errlen);
	}
	return os_plain(o, env_error, errbuf, errlen);
}
