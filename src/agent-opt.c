/*
 * agent-opt.c - socket options and connection state for tcpconform-agent
 * (agent-sock.h): setsockopt, getsockopt, info, and what hello says of
 * them.
 *
 * One table row per option the protocol names.  A row whose constant the
 * system's headers do not define is still there, marked absent: the verb
 * answers err ENOPROTOOPT and hello lists it under absent=, so the
 * controller learns what this OS offers before a case depends on it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent-proto.h"
#include "agent-sock.h"

enum otype {
	O_ABSENT,	/* not on this system */
	O_BOOL,		/* 0 or 1 */
	O_INT,		/* a non-negative int */
	O_LINGER,	/* -1 (off) or seconds */
	O_ERROR		/* SO_ERROR: read only, an errno name */
};

static const struct opt {
	const char	*name;
	int		 level, optname;
	enum otype	 type;
	const char	*rfc;		/* where the behaviour is defined */
} opts[] = {
	{ "nodelay", IPPROTO_TCP, TCP_NODELAY, O_BOOL, "9293 3.7.4" },
	{ "linger", SOL_SOCKET, SO_LINGER, O_LINGER, "9293 3.10.4" },
	{ "keepalive", SOL_SOCKET, SO_KEEPALIVE, O_BOOL, "9293 3.8.4" },
#ifdef TCP_KEEPIDLE
	{ "keepidle", IPPROTO_TCP, TCP_KEEPIDLE, O_INT, "1122 4.2.3.6" },
#else
	{ "keepidle", 0, 0, O_ABSENT, "1122 4.2.3.6" },
#endif
#ifdef TCP_KEEPINTVL
	{ "keepintvl", IPPROTO_TCP, TCP_KEEPINTVL, O_INT, "1122 4.2.3.6" },
#else
	{ "keepintvl", 0, 0, O_ABSENT, "1122 4.2.3.6" },
#endif
#ifdef TCP_KEEPCNT
	{ "keepcnt", IPPROTO_TCP, TCP_KEEPCNT, O_INT, "1122 4.2.3.6" },
#else
	{ "keepcnt", 0, 0, O_ABSENT, "1122 4.2.3.6" },
#endif
	{ "rcvbuf", SOL_SOCKET, SO_RCVBUF, O_INT, "9293 3.8.6" },
	{ "sndbuf", SOL_SOCKET, SO_SNDBUF, O_INT, "9293 3.8.6" },
#ifdef TCP_MAXSEG
	{ "maxseg", IPPROTO_TCP, TCP_MAXSEG, O_INT, "9293 3.7.1" },
#else
	{ "maxseg", 0, 0, O_ABSENT, "9293 3.7.1" },
#endif
	{ "error", SOL_SOCKET, SO_ERROR, O_ERROR, "9293 3.9" },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

/* The TCP states as Linux numbers them (include/net/tcp_states.h). */
static const char *const tcpstates[] = {
	"?", "ESTABLISHED", "SYN-SENT", "SYN-RECEIVED", "FIN-WAIT-1",
	"FIN-WAIT-2", "TIME-WAIT", "CLOSED", "CLOSE-WAIT", "LAST-ACK",
	"LISTEN", "CLOSING", "NEW-SYN-RECV",
};

void
agent_opt_caps(struct agent_ans *a)
{
	char have[256], absent[256];
	size_t i, h = 0, n = 0;

	have[0] = absent[0] = '\0';
	for (i = 0; i < NOPTS; i++) {
		if (opts[i].type == O_ABSENT)
			n += (size_t)snprintf(absent + n, sizeof(absent) - n,
			    "%s%s", n ? "," : "", opts[i].name);
		else
			h += (size_t)snprintf(have + h, sizeof(have) - h,
			    "%s%s", h ? "," : "", opts[i].name);
	}
	agent_ans_kv(a, "opts", "%s", have);
	agent_ans_kv(a, "absent", "%s", n ? absent : "-");
#if defined(__linux__) && defined(TCP_INFO)
	agent_ans_kv(a, "info", "tcp_info");
#else
	agent_ans_kv(a, "info", "names");
#endif
}

/* The row of r->pos[1], or NULL after answering ENOPROTOOPT. */
static const struct opt *
findopt(struct agent_ctx *ctx, const struct agent_req *r)
{
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		if (strcmp(opts[i].name, r->pos[1].val) != 0)
			continue;
		if (opts[i].type != O_ABSENT)
			return &opts[i];
		agent_senderr(ctx, r->id, ENOPROTOOPT, "%s: not on this "
		    "system", opts[i].name);
		return NULL;
	}
	agent_senderr(ctx, r->id, ENOPROTOOPT, "unknown option (hello lists "
	    "them)");
	return NULL;
}

static void
optfail(struct agent_ctx *ctx, const struct agent_req *r, const char *call,
    const char *what)
{
	char buf[64];
	int e = errno;

	snprintf(buf, sizeof(buf), "%s %s", call, what);
	agent_syserr(ctx, r->id, e, buf);
}

void
agent_opt_set(struct agent_ctx *ctx, const struct agent_req *r)
{
	const struct opt *o;
	struct agent_sock *s;
	struct agent_ans a;
	struct linger lg;
	const void *p;
	socklen_t len;
	long v;
	int iv;

	if ((s = agent_sock_find(ctx, r, 1)) == NULL ||
	    (o = findopt(ctx, r)) == NULL)
		return;
	if (o->type == O_ERROR) {
		agent_senderr(ctx, r->id, EINVAL, "error is read only");
		return;
	}
	if (agent_proto_num(r->pos[2].val, o->type == O_LINGER ? -1 : 0,
	    o->type == O_BOOL ? 1 : 0x7fffffffL, &v) == -1) {
		agent_senderr(ctx, r->id, EINVAL, "%s takes %s", o->name,
		    o->type == O_BOOL ? "0 or 1" : o->type == O_LINGER ?
		    "-1 (off) or seconds" : "a number");
		return;
	}
	if (o->type == O_LINGER) {
		lg.l_onoff = v >= 0;
		lg.l_linger = v >= 0 ? (int)v : 0;
		p = &lg;
		len = sizeof(lg);
	} else {
		iv = (int)v;
		p = &iv;
		len = sizeof(iv);
	}
	if (setsockopt(s->fd, o->level, o->optname, p, len) == -1) {
		optfail(ctx, r, "setsockopt", o->name);
		return;
	}
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "ret", "0");
	agent_send(ctx, &a);
}

void
agent_opt_get(struct agent_ctx *ctx, const struct agent_req *r)
{
	const struct opt *o;
	struct agent_sock *s;
	struct agent_ans a;
	struct linger lg;
	socklen_t len;
	int iv = 0;

	if ((s = agent_sock_find(ctx, r, 1)) == NULL ||
	    (o = findopt(ctx, r)) == NULL)
		return;
	if (o->type == O_LINGER) {
		len = sizeof(lg);
		if (getsockopt(s->fd, o->level, o->optname, &lg, &len) == -1) {
			optfail(ctx, r, "getsockopt", o->name);
			return;
		}
		iv = lg.l_onoff ? lg.l_linger : -1;
	} else {
		len = sizeof(iv);
		if (getsockopt(s->fd, o->level, o->optname, &iv, &len) == -1) {
			optfail(ctx, r, "getsockopt", o->name);
			return;
		}
	}
	agent_ans_begin(&a, r->id, "ok");
	if (o->type == O_ERROR)
		agent_ans_kv(&a, o->name, "%s", iv == 0 ? "0" :
		    agent_proto_errname(iv));
	else if (o->type == O_BOOL)
		agent_ans_kv(&a, o->name, "%d", iv != 0);
	else
		agent_ans_kv(&a, o->name, "%d", iv);
	agent_send(ctx, &a);
}

/* " local=... peer=...", as far as the socket has them. */
static void
names(struct agent_ans *a, int fd)
{
	struct sockaddr_storage ss;
	char buf[AGENT_ADDRLEN];
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		agent_sock_fmtaddr((struct sockaddr *)&ss, len, buf,
		    sizeof(buf));
		agent_ans_kv(a, "local", "%s", buf);
	}
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		agent_sock_fmtaddr((struct sockaddr *)&ss, len, buf,
		    sizeof(buf));
		agent_ans_kv(a, "peer", "%s", buf);
	}
}

#if defined(__linux__) && defined(TCP_INFO)
/*
 * Linux's TCP_INFO: the state and the numbers RFC 6298 (rto, rtt,
 * rttvar), RFC 5681 (cwnd, ssthresh) and RFC 7323 (wscale) speak of.
 * Times in microseconds, as the kernel gives them; cwnd in segments.
 */
static int
tcpinfo(struct agent_ans *a, int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return -1;
	agent_ans_kv(a, "state", "%s", ti.tcpi_state < sizeof(tcpstates) /
	    sizeof(tcpstates[0]) ? tcpstates[ti.tcpi_state] : "?");
	agent_ans_kv(a, "rto", "%u", ti.tcpi_rto);
	agent_ans_kv(a, "rtt", "%u", ti.tcpi_rtt);
	agent_ans_kv(a, "rttvar", "%u", ti.tcpi_rttvar);
	agent_ans_kv(a, "snd_cwnd", "%u", ti.tcpi_snd_cwnd);
	agent_ans_kv(a, "snd_ssthresh", "%u", ti.tcpi_snd_ssthresh);
	agent_ans_kv(a, "snd_mss", "%u", ti.tcpi_snd_mss);
	agent_ans_kv(a, "rcv_mss", "%u", ti.tcpi_rcv_mss);
	agent_ans_kv(a, "unacked", "%u", ti.tcpi_unacked);
	agent_ans_kv(a, "retransmits", "%u", (unsigned)ti.tcpi_retransmits);
	agent_ans_kv(a, "total_retrans", "%u", ti.tcpi_total_retrans);
	agent_ans_kv(a, "probes", "%u", (unsigned)ti.tcpi_probes);
	agent_ans_kv(a, "backoff", "%u", (unsigned)ti.tcpi_backoff);
	agent_ans_kv(a, "ts", "%d", (ti.tcpi_options & TCPI_OPT_TIMESTAMPS)
	    != 0);
	agent_ans_kv(a, "sack", "%d", (ti.tcpi_options & TCPI_OPT_SACK) != 0);
	if (ti.tcpi_options & TCPI_OPT_WSCALE) {
		agent_ans_kv(a, "snd_wscale", "%u",
		    (unsigned)ti.tcpi_snd_wscale);
		agent_ans_kv(a, "rcv_wscale", "%u",
		    (unsigned)ti.tcpi_rcv_wscale);
	}
	return 0;
}
#endif

void
agent_opt_info(struct agent_ctx *ctx, const struct agent_req *r)
{
	struct agent_sock *s;
	struct agent_ans a;

	if ((s = agent_sock_find(ctx, r, 1)) == NULL)
		return;
	agent_ans_begin(&a, r->id, "ok");
	agent_ans_kv(&a, "sock", "s%u", s->name);
#if defined(__linux__) && defined(TCP_INFO)
	if (tcpinfo(&a, s->fd) == -1) {
		optfail(ctx, r, "getsockopt", "TCP_INFO");
		return;
	}
#else
	(void)tcpstates;
#endif
	names(&a, s->fd);
	agent_send(ctx, &a);
}
