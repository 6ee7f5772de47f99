/*
 * oneshot-cli.c - the command line of "tcpconform send": its usage, its
 * options (hping3's and nping's names where they have one) and the checks
 * between them, all before anything is opened; then oneshot.c sends.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "inject.h"
#include "net.h"
#include "oneshot.h"
#include "seg.h"
#include "util.h"

static void
os_usage(FILE *f)
{
	fprintf(f,
	    "usage: tcpconform send [-4|-6] -t TARGET -p PORT [--flags FLAGS]\n"
	    "                       [--seq N] [-a SPOOFED-SOURCE]\n"
	    "                       [--ack N] [--win N] [--mss N] [--wscale N]\n"
	    "                       [--sackok] [--ts] [--data TEXT] [--ttl N]\n"
	    "                       [-c COUNT] [--interval DUR] [--wait DUR]\n"
	    "                       [-i IFACE] [-s SPORT]\n"
	    "       tcpconform send --flood -c COUNT --max-time DUR -t TARGET\n"
	    "                       -p PORT [options above]\n");
}

static int
os_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
os_usage_error(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tc_usage_errv(os_usage, TC_EXIT_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

/* A whole decimal number in [lo, hi], or -1. */
static int
os_num(const char *s, long long lo, long long hi, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || *v < lo || *v > hi)
		return -1;
	return 0;
}

/* Options, then the checks between them (STYLE 9); oneshot.c sends. */
int
oneshot_main(int argc, char **argv, oneshot_env_fn *env_error)
{
	enum {
		O_FLAGS = 256, O_SEQ, O_ACK, O_WIN, O_MSS, O_WSCALE, O_SACKOK,
		O_TS, O_DATA, O_TTL, O_INTERVAL, O_WAIT, O_FLOOD, O_MAXTIME,
	};
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "interface", required_argument, NULL, 'i' },
		{ "spoof", required_argument, NULL, 'a' },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "sport", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "flags", required_argument, NULL, O_FLAGS },
		{ "seq", required_argument, NULL, O_SEQ },
		{ "ack", required_argument, NULL, O_ACK },
		{ "win", required_argument, NULL, O_WIN },
		{ "mss", required_argument, NULL, O_MSS },
		{ "wscale", required_argument, NULL, O_WSCALE },
		{ "sackok", no_argument, NULL, O_SACKOK },
		{ "ts", no_argument, NULL, O_TS },
		{ "data", required_argument, NULL, O_DATA },
		{ "ttl", required_argument, NULL, O_TTL },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "flood", no_argument, NULL, O_FLOOD },
		{ "max-time", required_argument, NULL, O_MAXTIME },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct oneshot_opts o = {
		.dport = -1, .sport = -1, .flags = SEG_SYN,
		.win = TC_DEFAULT_WIN, .mss = -1, .wscale = -1, .ttl = 64,
		.count = -1, .interval_ns = NS_PER_SEC, .wait_ns = NS_PER_SEC,
	};
	char err[512], dbuf[32], bad;
	long long v;
	uint64_t ns;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+46a:c:hi:p:s:t:", longopts,
	    NULL)) != -1) {
		if (net_family_opt(ch, &o.family))
			continue;
		switch (ch) {
		case 'a':
			o.spoof = optarg;
			break;
		case 'h':
			os_usage(stdout);
			return TC_EXIT_PASS;
		case 't':
			o.target = optarg;
			break;
		case 'i':
			o.iface = optarg;
			break;
		case 'p':
			if (os_num(optarg, 1, 65535, &v) != 0)
				return os_usage_error("-p %s: expected a port "
				    "1..65535", optarg);
			o.dport = (long)v;
			break;
		case 's':
			if (os_num(optarg, 1, 65535, &v) != 0)
				return os_usage_error("-s %s: expected a port "
				    "1..65535", optarg);
			o.sport = (long)v;
			o.fixed_sport = 1;
			break;
		case 'c':
			if (os_num(optarg, 1, TC_FLOOD_MAX_COUNT, &v) != 0)
				return os_usage_error("-c %s: expected 1..%u",
				    optarg, TC_FLOOD_MAX_COUNT);
			o.count = (long)v;
			break;
		case O_FLAGS:
			if (seg_flags_parse(optarg, &o.flags, &bad) != 0)
				return os_usage_error("--flags %s: bad flag "
				    "'%c' (expected letters of FSRPAUEC or "
				    "none)", optarg, bad ? bad : ' ');
			break;
		case O_SEQ:
		case O_ACK:
			if (os_num(optarg, 0, UINT32_MAX, &v) != 0)
				return os_usage_error("--%s %s: expected "
				    "0..4294967295", ch == O_SEQ ? "seq" :
				    "ack", optarg);
			if (ch == O_SEQ) {
				o.seq = (uint32_t)v;
				o.have_seq = 1;
			} else {
				o.ack = (uint32_t)v;
				o.have_ack = 1;
			}
			break;
		case O_WIN:
			if (os_num(optarg, 0, 65535, &v) != 0)
				return os_usage_error("--win %s: expected "
				    "0..65535", optarg);
			o.win = (long)v;
			break;
		case O_MSS:
			if (os_num(optarg, 0, 65535, &v) != 0)
				return os_usage_error("--mss %s: expected "
				    "0..65535", optarg);
			o.mss = (long)v;
			break;
		case O_WSCALE:
			if (os_num(optarg, 0, 255, &v) != 0)
				return os_usage_error("--wscale %s: expected "
				    "0..255", optarg);
			o.wscale = (long)v;
			break;
		case O_SACKOK:
			o.sackok = 1;
			break;
		case O_TS:
			o.ts = 1;
			break;
		case O_DATA:
			o.data = optarg;
			break;
		case O_TTL:
			if (os_num(optarg, 1, 255, &v) != 0)
				return os_usage_error("--ttl %s: expected "
				    "1..255", optarg);
			o.ttl = (long)v;
			break;
		case O_INTERVAL:
		case O_WAIT:
		case O_MAXTIME:
			if (tc_parse_duration(optarg, &ns) != 0)
				return os_usage_error("--%s %s: expected a "
				    "duration such as 500ms or 2s",
				    ch == O_INTERVAL ? "interval" :
				    ch == O_WAIT ? "wait" : "max-time", optarg);
			if (ch == O_INTERVAL)
				o.interval_ns = ns;
			else if (ch == O_WAIT)
				o.wait_ns = ns;
			else {
				o.max_ns = ns;
				o.have_max = 1;
			}
			break;
		case O_FLOOD:
			o.flood = 1;
			break;
		default:
			os_usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return os_usage_error("send: unexpected argument '%s'",
		    argv[optind]);
	if (o.target == NULL)
		return os_usage_error("send: -t TARGET is required");
	if (o.dport < 0)
		return os_usage_error("send: -p PORT is required");
	if (net_resolve(o.target, o.family, &o.af, &o.dst, err,
	    sizeof(err)) != 0)
		return os_usage_error("-t %s", err);
	if (o.flood) {
		if (o.af != AF_INET || o.spoof != NULL)
			return os_usage_error("--flood: IPv4 and the tester's "
			    "own address only");
		if (o.count < 0 || !o.have_max)
			return os_usage_error("--flood needs -c COUNT and "
			    "--max-time DUR");
		if (o.max_ns == 0 || o.max_ns > TC_FLOOD_MAX_NS)
			return os_usage_error("--max-time: at most 60s");
	} else {
		if (o.have_max)
			return os_usage_error("--max-time goes with --flood");
		if (o.count < 0)
			o.count = 1;
		if (o.count > TC_SEND_MAX_COUNT)
			return os_usage_error("-c %ld: at most %d without "
			    "--flood", o.count, TC_SEND_MAX_COUNT);
		if (o.count > 1 && o.interval_ns < TC_SEND_MIN_INTERVAL_NS)
			return os_usage_error("--interval: at least %s "
			    "without --flood", tc_fmt_duration(
			    TC_SEND_MIN_INTERVAL_NS, dbuf, sizeof(dbuf)));
	}
	/* Checked here, not by the injector: a usage error, and before
	 * anything is opened or sent. */
	if (o.data != NULL && strlen(o.data) > INJ_MAX_PAYLOAD)
		return os_usage_error("--data: %zu bytes, at most %d",
		    strlen(o.data), INJ_MAX_PAYLOAD);

	if ((rc = oneshot_run(&o, env_error, err, sizeof(err))) ==
	    TC_EXIT_USAGE)
		return os_usage_error("%s", err);
	return rc;
}

