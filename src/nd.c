/*
 * nd.c - ARP (RFC 826) and IPv6 Neighbor Discovery (RFC 4861 4.3, 4.4,
 * 7.2) for link-layer injection and spoofed sources.  Frames are built
 * with libnet and read from our capture with the bounds-checked cursor of
 * decode.h: a malformed request is ignored, never trusted.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libnet.h>

#include "decode.h"
#include "nd.h"
#include "sniff.h"
#include "util.h"

#define ND_ETHERTYPE_ARP	0x0806
#define ND_ETHERTYPE_IPV6	0x86dd
#define ND_ARP_REQUEST		1	/* RFC 826 ar$op */
#define ND_ARP_REPLY		2
#define ND_ICMP6		58
#define ND_NS			135	/* RFC 4861 4.3 */
#define ND_NA			136	/* RFC 4861 4.4 */
#define ND_OPT_SLLA		1	/* RFC 4861 4.6.1 */
#define ND_OPT_TLLA		2
#define ND_HOPLIMIT		255	/* RFC 4861 7.1.1: else not on-link */
#define ND_NA_SOLICITED		0x40000000u
#define ND_NA_OVERRIDE		0x20000000u
#define ND_TRIES		3
#define ND_WAIT_MS		1000

struct nd {
	libnet_t	*l;
	uint8_t		 mac[6];
	int		 claim_af;	/* 0: nothing claimed */
	union seg_addr	 claim;
	int		 want_af;	/* resolving: 0 when idle */
	union seg_addr	 want;
	int		 got;
	uint8_t		 got_mac[6];
	char		 err[LIBNET_ERRBUF_SIZE];
};

static const uint8_t nd_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct nd *
nd_open(const char *ifname, const uint8_t mac[6], char *errbuf, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE];
	struct nd *nd;
	libnet_t *l;

	lerr[0] = '\0';
	if ((l = libnet_init(LIBNET_LINK, (char *)ifname, lerr)) == NULL) {
		tc_errf(errbuf, errlen, "libnet_init %s: %s", ifname, lerr);
		return NULL;
	}
	/* Its link-layer socket is no command's to inherit (inject.c). */
	if (fcntl(libnet_getfd(l), F_SETFD, FD_CLOEXEC) == -1) {
		tc_errf(errbuf, errlen, "libnet socket close-on-exec: %s",
		    strerror(errno));
		libnet_destroy(l);
		return NULL;
	}
	nd = xcalloc(1, sizeof(*nd));
	nd->l = l;
	memcpy(nd->mac, mac, 6);
	return nd;
}

void
nd_claim(struct nd *nd, int af, const union seg_addr *addr)
{
	nd->claim_af = af;
	memcpy(&nd->claim, addr, sizeof(nd->claim));
}

const char *
nd_filter(int af)
{
	/* Solicitations and advertisements carry no extension headers
	 * (they would have to survive hop limit 255 checks anyway). */
	return af == AF_INET ? "arp" :
	    "(icmp6 and (ip6[40] == 135 or ip6[40] == 136))";
}

/* Write the packet built in nd->l; failures only lose this frame. */
static int
nd_write(struct nd *nd)
{
	int rc = libnet_write(nd->l) == -1 ? -1 : 0;

	if (rc == -1)
		tc_errf(nd->err, sizeof(nd->err), "%s", libnet_geterror(nd->l));
	libnet_clear_packet(nd->l);
	return rc;
}

static int
nd_arp(struct nd *nd, uint16_t op, const uint8_t *tha_eth,
    const uint8_t *spa, const uint8_t *tha, const uint8_t *tpa)
{
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, op, nd->mac,
	    spa, tha, tpa, NULL, 0, nd->l, 0) == -1 ||
	    libnet_build_ethernet(tha_eth, nd->mac, ETHERTYPE_ARP, NULL, 0,
	    nd->l, 0) == -1) {
		libnet_clear_packet(nd->l);
		return -1;
	}
	return nd_write(nd);
}

/*
 * An ICMPv6 NS or NA from src to dst (Ethernet eth_dst) about target,
 * with our MAC in a source or target link-layer address option.
 */
static int
nd_icmp6(struct nd *nd, int type, uint32_t flags, const uint8_t *eth_dst,
    const struct in6_addr *src, const struct in6_addr *dst,
    const struct in6_addr *target)
{
	struct libnet_in6_addr s, d, t;
	uint8_t opt[8];
	libnet_ptag_t p;

	memcpy(&s, src, 16);
	memcpy(&d, dst, 16);
	memcpy(&t, target, 16);
	opt[0] = type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
	opt[1] = 1;			/* in units of 8 bytes */
	memcpy(opt + 2, nd->mac, 6);
	/* NS and NA share a 24-byte layout: type, code, sum, 4 bytes of
	 * flags or reserved, target (RFC 4861 4.3, 4.4). */
	p = type == ND_NS ?
	    libnet_build_icmpv6_ndp_nsol(ND_NS, 0, 0, t, opt, sizeof(opt),
	    nd->l, 0) :
	    libnet_build_icmpv6_ndp_nadv(ND_NA, 0, 0, flags, t, opt,
	    sizeof(opt), nd->l, 0);
	if (p == -1 ||
	    libnet_build_ipv6(0, 0, 24 + sizeof(opt), ND_ICMP6, ND_HOPLIMIT,
	    s, d, NULL, 0, nd->l, 0) == -1 ||
	    libnet_build_ethernet(eth_dst, nd->mac, ETHERTYPE_IPV6, NULL, 0,
	    nd->l, 0) == -1) {
		libnet_clear_packet(nd->l);
		return -1;
	}
	return nd_write(nd);
}

/* RFC 826: answer a request for the claimed address, learn a reply. */
static void
nd_arp_input(struct nd *nd, struct dec *d, const uint8_t *eth_src)
{
	const uint8_t *sha, *spa, *tpa;
	uint16_t hrd, pro, op;
	uint8_t hln, pln;

	if (dec_be16(d, &hrd) == -1 || dec_be16(d, &pro) == -1 ||
	    dec_u8(d, &hln) == -1 || dec_u8(d, &pln) == -1 ||
	    dec_be16(d, &op) == -1)
		return;
	if (hrd != ARPHRD_ETHER || pro != ETHERTYPE_IP || hln != 6 ||
	    pln != 4)
		return;
	if ((sha = dec_bytes(d, 6)) == NULL || (spa = dec_bytes(d, 4)) ==
	    NULL || dec_skip(d, 6) == -1 || (tpa = dec_bytes(d, 4)) == NULL)
		return;
	if (op == ND_ARP_REQUEST && nd->claim_af == AF_INET &&
	    memcmp(tpa, &nd->claim.v4, 4) == 0 && memcmp(spa, tpa, 4) != 0) {
		/* A lost reply costs the target one more request. */
		(void)nd_arp(nd, ND_ARP_REPLY, eth_src,
		    (const uint8_t *)&nd->claim.v4, sha, spa);
		return;
	}
	if (op == ND_ARP_REPLY && nd->want_af == AF_INET &&
	    memcmp(spa, &nd->want.v4, 4) == 0) {
		memcpy(nd->got_mac, sha, 6);
		nd->got = 1;
	}
}

/* The link-layer address option of type want among the ND options. */
static const uint8_t *
nd_lla(struct dec *d, uint8_t want)
{
	const uint8_t *val;
	uint8_t type, len;

	while (dec_u8(d, &type) == 0 && dec_u8(d, &len) == 0) {
		/* RFC 4861 4.6: length 0 is invalid; drop the message. */
		if (len == 0 || (val = dec_bytes(d, (size_t)len * 8 - 2)) ==
		    NULL)
			return NULL;
		if (type == want && len == 1)
			return val;
	}
	return NULL;
}

/* RFC 4861 7.2.3-7.2.5 for the one address we claim or want. */
static void
nd_icmp6_input(struct nd *nd, struct dec *d, const uint8_t *eth_src)
{
	static const struct in6_addr all_nodes = { { { 0xff, 0x02, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };
	struct in6_addr src, target;
	const uint8_t *a, *lla;
	uint16_t plen;
	uint8_t nh, hlim, type, code;
	int dad;

	if (dec_skip(d, 4) == -1 || dec_be16(d, &plen) == -1 ||
	    dec_u8(d, &nh) == -1 || dec_u8(d, &hlim) == -1 ||
	    (a = dec_bytes(d, 32)) == NULL ||
	    dec_limit(d, dec_off(d) + plen) == -1)
		return;
	if (nh != ND_ICMP6 || hlim != ND_HOPLIMIT)
		return;
	memcpy(&src, a, 16);		/* a + 16: the destination */
	if (dec_u8(d, &type) == -1 || dec_u8(d, &code) == -1 || code != 0 ||
	    dec_skip(d, 6) == -1 || (a = dec_bytes(d, 16)) == NULL)
		return;
	memcpy(&target, a, 16);
	if (type == ND_NS && nd->claim_af == AF_INET6 &&
	    memcmp(&target, &nd->claim.v6, 16) == 0) {
		/* 7.2.4: to the soliciting address, or all-nodes when it
		 * was unspecified (DAD), the solicited flag only then
		 * clear.  A lost answer costs the target one more NS. */
		dad = IN6_IS_ADDR_UNSPECIFIED(&src);
		(void)nd_icmp6(nd, ND_NA, ND_NA_OVERRIDE |
		    (dad ? 0 : ND_NA_SOLICITED), eth_src, &nd->claim.v6,
		    dad ? &all_nodes : &src, &nd->claim.v6);
		return;
	}
	if (type == ND_NA && nd->want_af == AF_INET6 &&
	    memcmp(&target, &nd->want.v6, 16) == 0) {
		lla = nd_lla(d, ND_OPT_TLLA);
		memcpy(nd->got_mac, lla != NULL ? lla : eth_src, 6);
		nd->got = 1;
	}
}

void
nd_input(struct nd *nd, const uint8_t *pkt, size_t caplen)
{
	const uint8_t *eth_src;
	struct dec d;
	uint16_t type;

	dec_init(&d, pkt, caplen);
	if (dec_skip(&d, 6) == -1 || (eth_src = dec_bytes(&d, 6)) == NULL ||
	    dec_be16(&d, &type) == -1)
		return;
	if (memcmp(eth_src, nd->mac, 6) == 0)
		return;			/* our own frame, seen going out */
	if (type == ND_ETHERTYPE_ARP)
		nd_arp_input(nd, &d, eth_src);
	else if (type == ND_ETHERTYPE_IPV6)
		nd_icmp6_input(nd, &d, eth_src);
}

void
nd_tap(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts_ns,
    void *arg)
{
	(void)len;
	(void)ts_ns;
	nd_input(arg, pkt, caplen);
}

/* Send one ARP request or NS for nd->want from src. */
static int
nd_ask(struct nd *nd, int af, const union seg_addr *src)
{
	static const uint8_t zero[6];
	struct in6_addr sn = { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	    0xff } } };
	uint8_t mc[6] = { 0x33, 0x33, 0xff };

	if (af == AF_INET)
		return nd_arp(nd, ND_ARP_REQUEST, nd_bcast,
		    (const uint8_t *)&src->v4, zero,
		    (const uint8_t *)&nd->want.v4);
	/* RFC 4291 2.7.1 solicited-node group, RFC 2464 7 its MAC. */
	memcpy(&sn.s6_addr[13], &nd->want.v6.s6_addr[13], 3);
	memcpy(mc + 3, &nd->want.v6.s6_addr[13], 3);
	return nd_icmp6(nd, ND_NS, 0, mc, &src->v6, &sn, &nd->want.v6);
}

int
nd_resolve(struct nd *nd, struct snf *snf, int af,
    const union seg_addr *src, const union seg_addr *target, uint8_t mac[6],
    char *errbuf, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN], err[256];
	struct pollfd pfd;
	uint64_t end;
	int tries, ms;

	nd->want_af = af;
	memcpy(&nd->want, target, sizeof(nd->want));
	nd->got = 0;
	for (tries = 0; tries < ND_TRIES && !nd->got; tries++) {
		if (nd_ask(nd, af, src) != 0) {
			tc_errf(errbuf, errlen, "%s: %s", af == AF_INET ?
			    "arp" : "neighbour solicitation", nd->err);
			nd->want_af = 0;
			return -1;
		}
		end = tc_clock_ns(CLOCK_MONOTONIC) +
		    (uint64_t)ND_WAIT_MS * 1000000u;
		while (!nd->got) {
			ms = (int)(((int64_t)end -
			    (int64_t)tc_clock_ns(CLOCK_MONOTONIC)) / 1000000);
			if (ms <= 0)
				break;
			pfd.fd = snf_fd(snf);
			pfd.events = POLLIN;
			if (poll(&pfd, 1, ms) < 0)
				break;
			if (snf_dispatch(snf, nd_tap, nd, err,
			    sizeof(err)) < 0) {
				tc_errf(errbuf, errlen, "%s", err);
				nd->want_af = 0;
				return -1;
			}
		}
	}
	nd->want_af = 0;
	if (!nd->got) {
		tc_errf(errbuf, errlen, "%s is not answering %s (%d tries)",
		    seg_addr_str(af, target, addr, sizeof(addr)),
		    af == AF_INET ? "ARP" : "neighbour solicitations", tries);
		return -1;
	}
	memcpy(mac, nd->got_mac, 6);
	return 0;
}

void
nd_close(struct nd *nd)
{
	if (nd == NULL)
		return;
	libnet_destroy(nd->l);
	free(nd);
}
