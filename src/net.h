/*
 * net.h - what a run or a send sends and captures with, set up in one
 * place: the route to the target, the capture, the injector, and what
 * keeps the tester's own kernel out of crafted connections (DESIGN 4):
 * the nftables guard for our own address, or, for a spoofed source, our
 * answers to ARP and neighbour solicitations (nd.c).  IPv6 and spoofed
 * sources are injected at the link layer.
 */
#ifndef TC_NET_H
#define TC_NET_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "seg.h"

struct net_cfg {
	int af;				/* of dst */
	union seg_addr dst;
	const char *iface;		/* NULL: the one the route uses */
	const char *spoof;		/* a source no interface owns, or NULL */
	const char *spoof_opt;		/* its option, for messages ("-s") */
	uint16_t port_lo, port_hi;	/* our source ports */
};

struct net {
	struct snf *snf;
	struct inj *inj;
	struct guard *guard;
	struct nd *nd;
	union seg_addr src;		/* the source address we send from */
	char ifname[IF_NAMESIZE];
};

enum net_status { NET_OK = 0, NET_USAGE, NET_ENV };

/* net.c */

/*
 * The target: a numeric address or a host name, of family 0 (any),
 * AF_INET or AF_INET6, like ping -4/-6.  Returns 0, or -1 with a message
 * in errbuf.
 */
int net_resolve(const char *name, int family, int *af, union seg_addr *dst,
    char *errbuf, size_t errlen);

/*
 * -4 and -6, the family for net_resolve, read the same way by run and
 * send: when ch (what getopt returned) is '4' or '6', set *family to
 * AF_INET or AF_INET6 and return 1; otherwise return 0, *family as it was.
 */
int net_family_opt(int ch, int *family);

/*
 * Set up n for c.  Returns NET_OK; NET_USAGE when c->spoof is unusable
 * (message in errbuf); NET_ENV when the environment fails, with what
 * failed in *what ("capture", "guard", ...), the reason in errbuf and
 * *eperm = 1 when it is a missing privilege.  Call net_close in any case.
 */
int net_open(const struct net_cfg *c, struct net *n, const char **what,
    char *errbuf, size_t errlen, int *eperm);

void net_close(struct net *n);

#endif
