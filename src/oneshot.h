/*
 * oneshot.h - "tcpconform send": one crafted segment (or a short train)
 * from the command line, every reply decoded with its RTT, like hping3 or
 * nping; and a bounded SYN flood for load tests ("send --flood").
 */
#ifndef TC_ONESHOT_H
#define TC_ONESHOT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "seg.h"

/* cmd.c's environment error printer: prints, returns exit status 3. */
typedef int oneshot_env_fn(const char *what, const char *err, int eperm);

/* What "send" sends, from its command line (oneshot-cli.c). */
struct oneshot_opts {
	const char *target;
	const char *iface;
	const char *spoof;	/* -a: a source address no interface owns */
	int family;		/* -4/-6, 0: from the target */
	int af;
	union seg_addr dst;
	long dport;
	long sport;		/* -1: random */
	int fixed_sport;	/* -s given */
	uint16_t flags;
	uint32_t seq, ack;
	int have_seq, have_ack;
	long win;
	long mss;		/* -1: none */
	long wscale;		/* -1: none */
	int sackok, ts;
	const char *data;
	long ttl;
	long count;		/* -1: not given */
	uint64_t interval_ns, wait_ns, max_ns;
	int have_max;
	int flood;
};

/* oneshot-cli.c */

/*
 * Run "send" with argv[0] == "send".  Returns the exit status: 0 a reply
 * arrived (--flood: the flood was sent), 1 no reply, 2 usage, 3
 * environment (through env_error).
 */
int oneshot_main(int argc, char **argv, oneshot_env_fn *env_error);

/* oneshot.c */

/*
 * Send what o asks for, every option already checked (o->dst resolved,
 * o->count set), and print the replies; o->sport -1 picks a random source
 * port first.  Returns the exit status: 0 a reply arrived (--flood: the
 * flood was sent), 1 no reply, 3 environment (printed through env_error),
 * or 2 with a usage error in errbuf, not printed: the caller prints it
 * with its usage.
 */
int oneshot_run(struct oneshot_opts *o, oneshot_env_fn *env_error,
    char *errbuf, size_t errlen);

#endif
