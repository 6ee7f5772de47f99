/*
 * peer-client.c - "tcpconform-peer connect" (peer.h): the client side of
 * the target, for the cases where the target is the one that connects.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

#define CL_TIMEOUT	60		/* default --timeout, seconds */
#define CL_SENDMAX	(1024 * 1024)	/* largest --send */
#define CL_CHUNK	(64 * 1024)	/* --send: at most this per send() */

/* One connection's state, from the options to the end. */
struct client {
	int		 fd;
	int		 connected;
	long		 tosend;	/* --send bytes not yet queued */
	long		 timeout;	/* --timeout, seconds */
	struct timespec	 deadline;	/* timeout from just before connect() */
	char		 name[INET6_ADDRSTRLEN + 16];
	unsigned char	 pattern[CL_CHUNK];	/* what --send sends: a..z */
};

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000L +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000L;
}

/* ADDR (numeric IPv4 or IPv6) and PORT into *ss; exits EX_USAGE if bad. */
static void
parse_dest(const char *addr, const char *port, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	long v;

	memset(ss, 0, sizeof(*ss));
	if (peer_parse_num(port, port + strlen(port), 1, 65535, &v) != 0) {
		peer_warn("connect: %s: bad port", port);
		exit(EX_USAGE);
	}
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)v);
		*sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)v);
		*sslen = sizeof(*sin6);
	} else {
		peer_warn("connect: %s: not a numeric IPv4 or IPv6 address",
		    addr);
		exit(EX_USAGE);
	}
}

/*
 * The connection's life after connect(): wait for the handshake, queue
 * --send, read and drop until EOF or the deadline.  Returns at EOF or
 * when time is up once connected; exits EX_CONNECT, EX_RESET or
 * EX_SOCKET otherwise.
 */
static void
client_run(struct client *cl)
{
	struct pollfd pfd;
	socklen_t len;
	char rbuf[4096];
	long left;
	ssize_t n;
	int err;

	for (;;) {
		if ((left = ms_left(&cl->deadline)) <= 0) {
			if (!cl->connected) {
				peer_warn("connect %s: no answer in %ld s",
				    cl->name, cl->timeout);
				exit(EX_CONNECT);
			}
			if (peer_verbose)
				peer_warn("connect %s: time is up", cl->name);
			return;
		}
		pfd.fd = cl->fd;
		pfd.events = !cl->connected ? POLLOUT :
		    POLLIN | (cl->tosend > 0 ? POLLOUT : 0);
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) ==
		    -1) {
			if (errno == EINTR)
				continue;
			peer_warn("poll: %s", strerror(errno));
			exit(EX_SOCKET);
		}
		if (pfd.revents == 0)
			continue;
		if (!cl->connected || pfd.revents & (POLLERR | POLLNVAL)) {
			err = 0;
			len = sizeof(err);
			if (getsockopt(cl->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1)
				err = errno;
			if (err != 0) {
				peer_warn("connect %s: %s", cl->name,
				    strerror(err));
				exit(cl->connected ? EX_RESET : EX_CONNECT);
			}
			if (!cl->connected) {
				cl->connected = 1;
				if (peer_verbose)
					peer_warn("connect %s: connected",
					    cl->name);
				continue;
			}
		}
		while (cl->tosend > 0 && pfd.revents & POLLOUT) {
			n = send(cl->fd, cl->pattern,
			    (size_t)cl->tosend < sizeof(cl->pattern) ?
			    (size_t)cl->tosend : sizeof(cl->pattern),
			    MSG_NOSIGNAL);
			if (n > 0) {
				cl->tosend -= n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			peer_warn("connect %s: send: %s", cl->name,
			    strerror(errno));
			exit(EX_RESET);
		}
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		n = recv(cl->fd, rbuf, sizeof(rbuf), 0);
		if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK)))
			continue;
		if (n < 0) {
			peer_warn("connect %s: %s", cl->name, strerror(errno));
			exit(EX_RESET);
		}
		if (peer_verbose)
			peer_warn("connect %s: eof", cl->name);
		return;
	}
}

/*
 * Client mode: one active open to ADDR PORT, for the cases where the
 * target is the one that connects (SYN-SENT, simultaneous open).
 * --syncnt sets TCP_SYNCNT, so a case bounds the SYN retransmissions
 * without pinning net.ipv4.tcp_syn_retries; --send queues N bytes once
 * connected; what arrives is read and dropped.  It ends on EOF (then
 * close(), a FIN), on an error, or after --timeout seconds in all.
 */
int
peer_client_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "send",	required_argument,	NULL,	's' },
		{ "syncnt",	required_argument,	NULL,	'c' },
		{ "timeout",	required_argument,	NULL,	't' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 },
	};
	static struct client cl = { .fd = -1, .timeout = CL_TIMEOUT };
	struct sockaddr_storage ss;
	socklen_t sslen;
	const char *p;
	long syncnt = 0;
	size_t i;
	int ch;

	while ((ch = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		p = optarg;
		switch (ch) {
		case 'c':
			/* Linux accepts 1..MAX_TCP_SYNCNT (127). */
			if (peer_parse_num(p, p + strlen(p), 1, 127,
			    &syncnt) != 0)
				goto bad;
			break;
		case 's':
			if (peer_parse_num(p, p + strlen(p), 0, CL_SENDMAX,
			    &cl.tosend) != 0)
				goto bad;
			break;
		case 't':
			if (peer_parse_num(p, p + strlen(p), 1, 86400,
			    &cl.timeout) != 0)
				goto bad;
			break;
		default:
			peer_opt_shared(ch);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		peer_usage(EX_USAGE);
	parse_dest(argv[0], argv[1], &ss, &sslen);
	peer_fmtaddr((struct sockaddr *)&ss, sslen, cl.name, sizeof(cl.name));
	for (i = 0; i < sizeof(cl.pattern); i++)
		cl.pattern[i] = (unsigned char)('a' + i % 26);

	cl.fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (cl.fd == -1) {
		peer_warn("socket: %s", strerror(errno));
		exit(EX_SOCKET);
	}
	if (syncnt > 0 && setsockopt(cl.fd, IPPROTO_TCP, TCP_SYNCNT,
	    &(int){ (int)syncnt }, sizeof(int)) == -1) {
		peer_warn("TCP_SYNCNT: %s", strerror(errno));
		exit(EX_SOCKET);
	}
	peer_deadline(&cl.deadline, cl.timeout * 1000L);
	if (connect(cl.fd, (struct sockaddr *)&ss, sslen) == 0)
		cl.connected = 1;
	else if (errno != EINPROGRESS) {
		peer_warn("connect %s: %s", cl.name, strerror(errno));
		exit(EX_CONNECT);
	}
	client_run(&cl);
	close(cl.fd);
	return 0;
bad:
	peer_warn("connect: %s: bad value", p);
	exit(EX_USAGE);
}
