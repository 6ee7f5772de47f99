/*
 * peer.c - tcpconform-peer: the target-side services the conformance
 * cases talk to.  Runs inside the lab's target namespace, or on any Linux
 * device under test.
 *
 * One process, one ppoll(2) loop, non-blocking sockets; no threads, no
 * fork, so the wire behaviour of every service is a function of what the
 * tester sends and nothing else.  Resources are bounded: at most MAXCONN
 * connections (more are closed at once).
 *
 * This file is main: the options, the SERVICE[:ARG]=PORT arguments, the
 * listeners and the loop that hands each connection's events to its
 * service (peer-srv.c, which lists the services).  "tcpconform-peer
 * connect ADDR PORT ..." is the client side instead: one active open to
 * the tester (SYN-SENT cases, simultaneous open), see peer-client.c.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

#define BACKLOG		128
#define MAXCONN		1024
#define MAXLISTEN	64
#define ACCEPTBURST	64		/* accepts per listener per wakeup */

struct listener {
	int			 fd;
	const struct service	*svc;
	struct kaparm		 ka;
	char			 name[INET6_ADDRSTRLEN + 16];
};

static struct conn	 conns[MAXCONN];
static size_t		 nconns, maxconns = MAXCONN;
static struct listener	 listeners[MAXLISTEN];
static size_t		 nlisteners;
static volatile sig_atomic_t quit;

static void
vlog(const struct conn *c, const char *what)
{
	if (peer_verbose)
		peer_warn("%s: %s %s%s%s", c->svc->name, what, c->name,
		    c->why ? ": " : "", c->why ? c->why : "");
}

static void
conn_close(struct conn *c)
{
	vlog(c, "close");
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	nconns--;
}

static void
do_accept(struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct conn *c;
	size_t i;
	int fd, k;

	for (k = 0; k < ACCEPTBURST; k++) {
		sslen = sizeof(ss);
		fd = accept4(l->fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				peer_warn("accept %s: %s", l->name,
				    strerror(errno));
			return;
		}
		if (nconns >= maxconns) {
			/* Bounded: refuse by closing at once. */
			if (peer_verbose)
				peer_warn("%s: refused: %zu connections",
				    l->svc->name, nconns);
			close(fd);
			continue;
		}
		for (i = 0; i < MAXCONN && conns[i].fd != -1; i++)
			;
		c = &conns[i];
		c->fd = fd;
		c->svc = l->svc;
		c->ka = &l->ka;
		peer_fmtaddr((struct sockaddr *)&ss, sslen, c->name,
		    sizeof(c->name));
		nconns++;
		vlog(c, "accept");
		if (c->svc->handler(c, EV_START))
			conn_close(c);
	}
}

static int
open_listener(const struct service *svc, const struct kaparm *ka,
    int family, const void *addr, int port, int optional)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct listener *l;
	socklen_t sslen;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
		sslen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
		sslen = sizeof(*sin6);
	}
	if (nlisteners == MAXLISTEN) {
		peer_warn("too many listeners (max %d)", MAXLISTEN);
		exit(EX_USAGE);
	}
	l = &listeners[nlisteners];
	l->svc = svc;
	l->ka = *ka;
	peer_fmtaddr((struct sockaddr *)&ss, sslen, l->name, sizeof(l->name));

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		if (optional && errno == EAFNOSUPPORT)
			return 0;
		peer_warn("socket %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1) {
		peer_warn("SO_REUSEADDR %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	/* The IPv4 socket serves IPv4; keep :: from claiming it too. */
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &on, sizeof(on)) == -1) {
		peer_warn("IPV6_V6ONLY %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		if (optional && errno == EADDRNOTAVAIL) {
			close(fd);
			return 0;
		}
		peer_warn("bind %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	if (listen(fd, BACKLOG) == -1) {
		peer_warn("listen %s: %s", l->name, strerror(errno));
		exit(EX_SOCKET);
	}
	l->fd = fd;
	nlisteners++;
	return 1;
}

static void
onsignal(int sig)
{
	(void)sig;
	quit = 1;
}

/* 1024 connections plus listeners need more than the usual soft limit. */
static void
raise_nofile(void)
{
	struct rlimit rl;
	rlim_t need = MAXCONN + MAXLISTEN + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max >= need ? need : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
		maxconns = rl.rlim_cur > MAXLISTEN + 16 + 1 ?
		    (size_t)(rl.rlim_cur - MAXLISTEN - 16) : 1;
}

/* "IDLE,INTVL,CNT" up to stop (the '='); 32767 is Linux's limit. */
static int
parse_ka(const char *s, const char *stop, struct kaparm *k)
{
	int *f[3] = { &k->idle, &k->intvl, &k->cnt };
	const char *e;
	long v;
	int i;

	for (i = 0; i < 3; i++) {
		for (e = s; e < stop && *e != ','; e++)
			;
		if ((i < 2) != (e < stop) ||
		    peer_parse_num(s, e, 1, 32767, &v) != 0)
			return -1;
		*f[i] = (int)v;
		s = e + 1;
	}
	return 0;
}

/*
 * One SERVICE[:ARG]=PORT argument into its service, keepalive parameters
 * and port; exits EX_USAGE, with a message, if it is not one.
 */
static void
parse_spec(const char *arg, const struct service **svcp, struct kaparm *ka,
    int *portp)
{
	const struct service *svc;
	const char *eq;
	char *end;
	size_t namelen;
	long port;

	if ((eq = strchr(arg, '=')) == NULL) {
		peer_warn("%s: expected SERVICE=PORT", arg);
		exit(EX_USAGE);
	}
	namelen = strcspn(arg, ":=");
	if (namelen == strlen("closed") && strncmp(arg, "closed", 6) == 0) {
		peer_warn("%s: \"closed\" is not a service: a closed port "
		    "is one with no listener, so just leave it out", arg);
		exit(EX_USAGE);
	}
	if ((svc = peer_srv_lookup(arg, namelen)) == NULL) {
		peer_warn("%s: unknown service (echo, discard, daytime, "
		    "hold, lazyclose, coa, roc, hc, ka, kaoff)", arg);
		exit(EX_USAGE);
	}
	*ka = (struct kaparm){ KA_IDLE, KA_INTVL, KA_CNT };
	if (arg[namelen] == ':' && (!svc->takes_arg ||
	    parse_ka(arg + namelen + 1, eq, ka) != 0)) {
		if (svc->takes_arg)
			peer_warn("%s: expected %s:IDLE,INTVL,CNT=PORT "
			    "(seconds, seconds, probes; each "
			    "1..32767)", arg, svc->name);
		else
			peer_warn("%s: this service takes no argument", arg);
		exit(EX_USAGE);
	}
	errno = 0;
	port = strtol(eq + 1, &end, 10);
	if (eq[1] == '\0' || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535) {
		peer_warn("%s: bad port", arg);
		exit(EX_USAGE);
	}
	*svcp = svc;
	*portp = (int)port;
}

/*
 * Signals stay blocked except inside ppoll(), so a SIGTERM can't slip in
 * between testing quit and going to sleep.  *orig is the mask for
 * ppoll(), with SIGTERM and SIGINT open.
 */
static void
catch_signals(sigset_t *orig)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, orig);
	sigdelset(orig, SIGTERM);
	sigdelset(orig, SIGINT);
}

/*
 * The loop, until SIGTERM or SIGINT: accept on every listener, hand each
 * connection its EV_IO, and its EV_TICK every TICK_MS while it asks for
 * them; close a connection when its service says so.
 */
static void
serve(const sigset_t *orig)
{
	static struct pollfd pfd[MAXLISTEN + MAXCONN];
	static struct conn *pconn[MAXLISTEN + MAXCONN];
	struct timespec tick = { 0, TICK_MS * 1000000L };
	size_t i, n;
	int ticking, r;

	while (!quit) {
		n = 0;
		for (i = 0; i < nlisteners; i++) {
			pfd[n].fd = listeners[i].fd;
			pfd[n].events = POLLIN;
			pconn[n++] = NULL;
		}
		ticking = 0;
		for (i = 0; i < MAXCONN; i++) {
			if (conns[i].fd == -1)
				continue;
			ticking |= conns[i].ticking;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = conns[i].events;
			pconn[n++] = &conns[i];
		}
		r = ppoll(pfd, n, ticking ? &tick : NULL, orig);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			peer_warn("ppoll: %s", strerror(errno));
			exit(EX_SOCKET);
		}
		for (i = 0; i < n; i++) {
			if (pconn[i] == NULL) {
				if (pfd[i].revents & POLLIN)
					do_accept(&listeners[i]);
				continue;
			}
			pconn[i]->revents = pfd[i].revents;
			if (pfd[i].revents != 0 &&
			    pconn[i]->svc->handler(pconn[i], EV_IO)) {
				conn_close(pconn[i]);
				continue;
			}
			if (pconn[i]->ticking && pfd[i].revents == 0 &&
			    pconn[i]->svc->handler(pconn[i], EV_TICK))
				conn_close(pconn[i]);
		}
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL,	'h' },
		{ "version",	no_argument,		NULL,	'V' },
		{ NULL,		0,			NULL,	0 },
	};
	const struct service *svcs[MAXLISTEN];
	struct kaparm kas[MAXLISTEN];
	struct in6_addr a6;
	struct in_addr a4;
	sigset_t orig;
	const char *bindaddr = NULL, *bannerarg = NULL;
	size_t i, j;
	int ch, family = 0, ports[MAXLISTEN];

	if (argc > 1 && strcmp(argv[1], "connect") == 0)
		return peer_client_main(argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "a:b:hVv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'V':
			printf("%s (%s)\n", PROG, PACKAGE_STRING);
			exit(0);
		case 'a':
			bindaddr = optarg;
			break;
		case 'b':
			bannerarg = optarg;
			break;
		default:
			peer_opt_shared(ch);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		peer_usage(EX_USAGE);
	if (argc > MAXLISTEN / 2) {
		peer_warn("too many services (max %d)", MAXLISTEN / 2);
		exit(EX_USAGE);
	}

	if (bindaddr != NULL) {
		if (inet_pton(AF_INET, bindaddr, &a4) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, bindaddr, &a6) == 1)
			family = AF_INET6;
		else {
			peer_warn("-a %s: not a numeric IPv4 or IPv6 address",
			    bindaddr);
			exit(EX_USAGE);
		}
	}
	peer_srv_banner(bannerarg);

	/* Validate everything before binding anything. */
	for (i = 0; i < (size_t)argc; i++) {
		parse_spec(argv[i], &svcs[i], &kas[i], &ports[i]);
		for (j = 0; j < i; j++)
			if (ports[j] == ports[i]) {
				peer_warn("%s: port %d given twice", argv[i],
				    ports[i]);
				exit(EX_USAGE);
			}
	}

	raise_nofile();
	for (i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;

	for (i = 0; i < (size_t)argc; i++) {
		if (family == AF_INET)
			open_listener(svcs[i], &kas[i], AF_INET, &a4, ports[i],
			    0);
		else if (family == AF_INET6)
			open_listener(svcs[i], &kas[i], AF_INET6, &a6,
			    ports[i], 0);
		else {
			a4.s_addr = htonl(INADDR_ANY);
			open_listener(svcs[i], &kas[i], AF_INET, &a4, ports[i],
			    0);
			open_listener(svcs[i], &kas[i], AF_INET6, &in6addr_any,
			    ports[i], 1);
		}
	}

	catch_signals(&orig);
	printf("ready\n");
	fflush(stdout);
	serve(&orig);

	for (i = 0; i < MAXCONN; i++)
		if (conns[i].fd != -1) {
			conns[i].why = "exiting";
			conn_close(&conns[i]);
		}
	for (i = 0; i < nlisteners; i++)
		close(listeners[i].fd);
	peer_srv_free();
	return 0;
}
