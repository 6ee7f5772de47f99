/*
 * net.c - the route, the capture, the injector and the guard or the
 * neighbour answering, for run and send alike.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "inject.h"
#include "nd.h"
#include "net.h"
#include "route.h"
#include "sniff.h"
#include "util.h"

int
net_resolve(const char *name, int family, int *af, union seg_addr *dst,
    char *errbuf, size_t errlen)
{
	struct addrinfo hints = { .ai_family = family ? family : AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int rc;

	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		tc_errf(errbuf, errlen, "%s: %s", name, gai_strerror(rc));
		return -1;
	}
	*af = res->ai_family;
	memset(dst, 0, sizeof(*dst));
	if (*af == AF_INET)
		dst->v4 = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	else
		dst->v6 = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	return 0;
}

int
net_family_opt(int ch, int *family)
{
	if (ch != '4' && ch != '6')
		return 0;
	*family = ch == '4' ? AF_INET : AF_INET6;
	return 1;
}

/* The interface owning addr (family af), or NULL. */
static char *
net_owner(int af, const union seg_addr *addr, char *ifname, size_t len)
{
	struct ifaddrs *ifa, *i;
	const void *a;
	char *found = NULL;

	if (getifaddrs(&ifa) < 0)
		return NULL;
	for (i = ifa; i != NULL && found == NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != af)
			continue;
		a = af == AF_INET ?
		    (const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (memcmp(a, addr, seg_addr_len(af)) == 0) {
			snprintf(ifname, len, "%s", i->ifa_name);
			found = ifname;
		}
	}
	freeifaddrs(ifa);
	return found;
}

void
net_close(struct net *n)
{
	guard_close(n->guard);
	inj_close(n->inj);
	nd_close(n->nd);
	snf_close(n->snf);
	memset(n, 0, sizeof(*n));
}

#define NET_FAIL(w, e) do {		\
	*what = (w);			\
	*eperm = (e);			\
	return NET_ENV;			\
} while (0)

int
net_open(const struct net_cfg *c, struct net *n, const char **what,
    char *errbuf, size_t errlen, int *eperm)
{
	struct rt_path path;
	struct inj_link link;
	char filter[512], dst[INET6_ADDRSTRLEN], own[IF_NAMESIZE];
	union seg_addr spoof;
	int use_link, perm = 0;

	*eperm = 0;
	*what = "route";
	if (rt_lookup(c->af, &c->dst, c->iface, &path, errbuf, errlen) != 0)
		return NET_ENV;
	snprintf(n->ifname, sizeof(n->ifname), "%s", path.ifname);
	n->src = path.src;
	if (c->spoof != NULL) {
		if (seg_addr_parse(c->spoof, &spoof) != c->af) {
			tc_errf(errbuf, errlen, "%s %s: not an IPv%d address "
			    "like the target", c->spoof_opt, c->spoof,
			    c->af == AF_INET ? 4 : 6);
			return NET_USAGE;
		}
		if (net_owner(c->af, &spoof, own, sizeof(own)) != NULL) {
			tc_errf(errbuf, errlen, "%s %s: interface %s owns it; "
			    "a spoofed source must be an address no local "
			    "interface has", c->spoof_opt, c->spoof, own);
			return NET_USAGE;
		}
		n->src = spoof;
	}
	use_link = c->af == AF_INET6 || c->spoof != NULL;
	if (use_link && !path.has_mac) {
		tc_errf(errbuf, errlen, "IPv6 and spoofed sources inject "
		    "Ethernet frames, and this interface has no Ethernet "
		    "address");
		NET_FAIL(n->ifname, 0);
	}

	seg_addr_str(c->af, &c->dst, dst, sizeof(dst));
	/*
	 * "portrange" finds the TCP header through the IPv4 header length,
	 * so a target's segment whose header length is impossible or claims
	 * more than the packet holds would never reach us (a BPF load past
	 * the packet ends the program with "drop", so this clause must come
	 * first): take TCP from the target with any header length but 5
	 * too, and let the decoder judge it (issue 9, point 10).
	 */
	if (c->af == AF_INET)
		snprintf(filter, sizeof(filter), "(ip proto 6 and src host %s "
		    "and (ip[0] & 0xf) != 5) or ", dst);
	else
		filter[0] = '\0';
	snprintf(filter + strlen(filter), sizeof(filter) - strlen(filter),
	    "(tcp and host %s and portrange %u-%u)%s%s", dst, c->port_lo,
	    c->port_hi, use_link ? " or " : "",
	    use_link ? nd_filter(c->af) : "");
	if ((n->snf = snf_open(path.ifname, filter, errbuf, errlen,
	    &perm)) == NULL)
		NET_FAIL("capture", perm);
	if (use_link) {
		if ((n->nd = nd_open(path.ifname, path.mac, errbuf,
		    errlen)) == NULL)
			NET_FAIL("neighbour discovery", errno == EPERM ||
			    errno == EACCES);
		if (c->spoof != NULL)
			nd_claim(n->nd, c->af, &spoof);
		memcpy(link.src, path.mac, sizeof(link.src));
		if (nd_resolve(n->nd, n->snf, c->af, &n->src, &path.nexthop,
		    link.dst, errbuf, errlen) != 0)
			NET_FAIL("neighbour discovery", 0);
		snf_set_tap(n->snf, nd_tap, n->nd);
	}
	if ((n->inj = inj_open(path.ifname, c->af, use_link ? &link : NULL,
	    errbuf, errlen)) == NULL)
		NET_FAIL("injector", errno == EPERM || errno == EACCES);
	/* A spoofed source needs no guard: the tester's kernel drops what
	 * comes for an address it does not own, without a RST. */
	if (c->spoof == NULL && (n->guard = guard_open(c->af, &c->dst,
	    c->port_lo, c->port_hi, errbuf, errlen, &perm)) == NULL)
		NET_FAIL("guard", perm);
	return NET_OK;
}
