/*
 * runid.c - the run id and the run's source ports (see runid.h).
 */
#include "config.h"

#include <sys/random.h>
#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runid.h"
#include "util.h"

/* Ranges tried before giving up: a busy host still has free ones. */
#define PORT_TRIES 64
/* Ports held at most (an fd each); the rest of a longer range is only
 * checked, so that the run keeps fds for captures, pcaps and hooks. */
#define PORT_HOLD_MAX 256

struct run_ports {
	int *fd;
	unsigned n;
};

uint64_t
runid_new(void)
{
	uint64_t id = 0;

	/* getrandom(2) blocks only before the pool is initialised, at
	 * boot; the fallback mixes the clocks, never the pid alone. */
	while (id == 0) {
		if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
			id = (tc_clock_ns(CLOCK_REALTIME) *
			    0x9e3779b97f4a7c15ULL) ^
			    tc_clock_ns(CLOCK_MONOTONIC) ^
			    ((uint64_t)getpid() << 32);
	}
	return id;
}

char *
runid_str(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)id);
	return buf;
}

/*
 * Bind a TCP socket to port on every local address: dual stack where
 * IPv6 exists, so that an IPv4 or IPv6 user of the port conflicts.
 * Returns the fd, -1 with errno (EADDRINUSE: taken).
 */
static int
bind_port(uint16_t port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
	    .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in s4 = { .sin_family = AF_INET,
	    .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
	int fd, off = 0, e;

	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
		if (bind(fd, (struct sockaddr *)&s6, sizeof(s6)) == 0)
			return fd;
		e = errno;
		close(fd);
		errno = e;
		if (e != EADDRNOTAVAIL && e != EAFNOSUPPORT)
			return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&s4, sizeof(s4)) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static void
release(struct run_ports *rp)
{
	unsigned i;

	for (i = 0; i < rp->n; i++)
		if (rp->fd[i] >= 0)
			close(rp->fd[i]);
	rp->n = 0;
}

struct run_ports *
runid_ports(unsigned span, uint16_t lo_min, uint16_t hi_max, uint16_t *lo,
    uint16_t *hi, char *errbuf, size_t errlen)
{
	struct run_ports *rp;
	unsigned t, i, room;
	uint16_t base;
	int fd, hold, busy = 0;

	if (span == 0 || lo_min > hi_max ||
	    span > (unsigned)(hi_max - lo_min) + 1) {
		tc_errf(errbuf, errlen, "%u source ports do not fit in "
		    "%u-%u", span, lo_min, hi_max);
		return NULL;
	}
	room = (unsigned)(hi_max - lo_min) + 1 - span + 1;
	rp = xcalloc(1, sizeof(*rp));
	rp->fd = xcalloc(span, sizeof(*rp->fd));
	for (t = 0; t < PORT_TRIES; t++) {
		base = (uint16_t)(lo_min + runid_new() % room);
		hold = 1;
		busy = 0;
		for (i = 0; i < span; i++) {
			fd = bind_port((uint16_t)(base + i));
			if (fd < 0 && errno == EADDRINUSE) {
				busy = 1;
				break;
			}
			/* No fd left to hold it, no socket support: the port
			 * was not seen taken; check the rest only. */
			if (fd >= 0 && (!hold || i >= PORT_HOLD_MAX))
				close(fd), fd = -1;
			if (fd < 0)
				hold = 0;
			rp->fd[rp->n++] = fd;
		}
		if (!busy) {
			*lo = base;
			*hi = (uint16_t)(base + span - 1);
			return rp;
		}
		release(rp);
	}
	tc_errf(errbuf, errlen, "no range of %u free source ports in %u-%u "
	    "after %d tries", span, lo_min, hi_max, PORT_TRIES);
	free(rp->fd);
	free(rp);
	return NULL;
}

void
runid_ports_free(struct run_ports *rp)
{
	if (rp == NULL)
		return;
	release(rp);
	free(rp->fd);
	free(rp);
}
