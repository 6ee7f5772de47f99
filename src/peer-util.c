/*
 * peer-util.c - what every part of tcpconform-peer shares (peer.h):
 * messages, the usage text and the options the daemon and the client
 * both take, deadlines, printable addresses and bounded numbers.  It
 * calls nothing else of the peer.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "peer.h"

int peer_verbose;

void
peer_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

_Noreturn void
peer_usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: %s [-v] [-a ADDR] [-b BANNER] SERVICE[:ARG]=PORT ...\n"
	    "       %s connect [-v] [--syncnt N] [--send N] [--timeout S]"
	    " ADDR PORT\n"
	    "       %s -h | --help | -V | --version\n"
	    "  -a ADDR    bind to ADDR (default: any IPv4, and any IPv6 if"
	    " available)\n"
	    "  -b BANNER  daytime banner; \\r \\n \\t \\\\ are expanded"
	    " (default: \"tcpconform-peer greet\\r\\n\")\n"
	    "  -v         log each accept and close to stderr\n"
	    "services: echo (RFC 862), discard (RFC 863),"
	    " daytime (RFC 867, greet then close), hold,\n"
	    "          lazyclose (discard, close 250 ms after EOF),"
	    " coa (close on accept),\n"
	    "          roc (reset on close: SO_LINGER 0), hc (shutdown(SHUT_WR),"
	    " then read),\n"
	    "          ka[:IDLE,INTVL,CNT] (hold with SO_KEEPALIVE;"
	    " default 5,2,3),\n"
	    "          kaoff[:IDLE,INTVL,CNT] (the same timers, SO_KEEPALIVE"
	    " left off)\n"
	    "prints \"ready\" on stdout once every listener is up\n", PROG,
	    PROG, PROG);
	exit(status);
}

void
peer_opt_shared(int ch)
{
	switch (ch) {
	case 'h':
		peer_usage(0);
		/* NOTREACHED */
	case 'v':
		peer_verbose = 1;
		break;
	default:
		peer_usage(EX_USAGE);
	}
}

void
peer_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void
peer_fmtaddr(const struct sockaddr *sa, socklen_t salen, char *dst,
    size_t dstlen)
{
	char host[INET6_ADDRSTRLEN], serv[8];

	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(dst, dstlen, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(dst, dstlen, "[%s]:%s", host, serv);
	else
		snprintf(dst, dstlen, "%s:%s", host, serv);
}

int
peer_parse_num(const char *s, const char *stop, long lo, long hi, long *v)
{
	char buf[16], *end;
	size_t n = (size_t)(stop - s);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtol(buf, &end, 10);
	return *end != '\0' || errno != 0 || *v < lo || *v > hi ? -1 : 0;
}
