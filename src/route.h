/*
 * route.h - ask the kernel how it would reach a target: the interface,
 * our source address on it, and the next hop (the target itself when it
 * is on-link, else the gateway), plus the interface's MAC.  One
 * RTM_GETROUTE request over rtnetlink (rtnetlink(7)); nothing is sent on
 * the wire.
 */
#ifndef TC_ROUTE_H
#define TC_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "seg.h"

struct rt_path {
	int af;
	union seg_addr src;		/* the kernel's preferred source */
	union seg_addr nexthop;		/* gateway, or the target on-link */
	int gateway;			/* 1 when nexthop is a gateway */
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];			/* ifname's address (Ethernet) */
	int has_mac;			/* 0 on links without one */
};

/* route.c */

/*
 * Look up the route to dst (family af).  With ifname not NULL, the route
 * out of that interface (SO_BINDTODEVICE semantics).  Returns 0, or -1
 * with a message in errbuf ("no route to 2001:db8::9: Network is
 * unreachable").
 */
int rt_lookup(int af, const union seg_addr *dst, const char *ifname,
    struct rt_path *p, char *errbuf, size_t errlen);

#endif
