/*
 * seg-decode.c - the TCP segment decoder: a captured frame's link header,
 * IPv4 (RFC 791) or IPv6 with its extension headers (RFC 8200), then the
 * TCP header, options and payload (RFC 9293 3.1), into a struct seg.
 * Three outcomes (STYLE 2): TRUNCATED is the capture's fault, MALFORMED
 * the sender's; NOT_TCP is what a run ignores.  The model, the encoder
 * and the printer: seg.c; options: seg-opt.c.
 *
 * Wire bytes are read only through the cursors of decode.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "cksum.h"
#include "decode.h"
#include "seg.h"
#include "util.h"

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_8021Q	0x8100	/* IEEE 802.1Q customer tag */
#define ETHERTYPE_8021AD 0x88a8	/* IEEE 802.1ad service tag */
#define ETHERTYPE_IPV6	0x86dd
#define IP6_NH_HOPOPTS	0	/* RFC 8200 4.3 */
#define IP6_NH_ROUTING	43	/* RFC 8200 4.4 */
#define IP6_NH_FRAGMENT	44	/* RFC 8200 4.5 */
#define IP6_NH_DSTOPTS	60	/* RFC 8200 4.6 */
#define IP6_MAX_EXT	8	/* more is an attack, not a test */
#define IP_MF		0x2000	/* RFC 791 3.1 flags, beside SEG_IP4_DF */
#define IP_OFFMASK	0x1fff

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Link layers: how long the header is and where it says what follows.
 * For LINK_FAMILY the header is a 4-byte address family in the capturing
 * host's order (DLT_NULL) or network order (DLT_LOOP); we accept both.
 */
enum link_kind { LINK_ETHERTYPE, LINK_FAMILY, LINK_NONE };

static const struct link_desc {
	int dlt;
	const char *name;
	enum link_kind kind;
	size_t hdrlen;
	size_t typeoff;		/* LINK_ETHERTYPE: offset of the type */
	int vlan;		/* may carry one 802.1Q tag */
} link_descs[] = {
	{ DLT_EN10MB, "ethernet", LINK_ETHERTYPE, 14, 12, 1 },
	{ DLT_LINUX_SLL, "linux cooked", LINK_ETHERTYPE, 16, 14, 0 },
#ifdef DLT_LINUX_SLL2
	{ DLT_LINUX_SLL2, "linux cooked v2", LINK_ETHERTYPE, 20, 0, 0 },
#endif
	{ DLT_NULL, "null/loopback", LINK_FAMILY, 4, 0, 0 },
	{ DLT_LOOP, "loopback", LINK_FAMILY, 4, 0, 0 },
	{ DLT_RAW, "raw ip", LINK_NONE, 0, 0, 0 },
#ifdef DLT_IPV4
	{ DLT_IPV4, "ipv4", LINK_NONE, 0, 0, 0 },
#endif
};

/* The TCP header, options and payload: th[0..tcplen) (RFC 9293 3.1). */
static int
decode_tcp(const uint8_t *th, size_t tcplen, struct seg *s, char *why,
    size_t whylen)
{
	struct dec t;
	const uint8_t *opts;
	uint16_t csum;
	uint8_t off, fl;
	size_t optlen;
	int rv;

	dec_init(&t, th, tcplen);
	if (dec_be16(&t, &s->sport) == -1 || dec_be16(&t, &s->dport) == -1 ||
	    dec_be32(&t, &s->seq) == -1 || dec_be32(&t, &s->ack) == -1 ||
	    dec_u8(&t, &off) == -1 || dec_u8(&t, &fl) == -1 ||
	    dec_be16(&t, &s->win) == -1 || dec_be16(&t, &csum) == -1 ||
	    dec_be16(&t, &s->urp) == -1) {
		tc_errf(why, whylen, "ip payload %zu < tcp header %d", tcplen,
		    SEG_TCP_HDRLEN);
		return SEG_MALFORMED;
	}
	s->csum = csum;
	s->doff = off >> 4;	/* as seen; doff_set stays false */
	s->flags = (uint16_t)((off & 0x0f) << 8 | fl);
	if (off >> 4 < 5) {
		tc_errf(why, whylen, "tcp data offset %u < 5", off >> 4);
		return SEG_MALFORMED;
	}
	optlen = (size_t)(off >> 4) * 4 - SEG_TCP_HDRLEN;
	if ((opts = dec_bytes(&t, optlen)) == NULL) {
		tc_errf(why, whylen, "tcp data offset %u (%zu bytes) > ip "
		    "payload %zu", off >> 4, optlen + SEG_TCP_HDRLEN, tcplen);
		return SEG_MALFORMED;
	}
	if ((rv = seg_opts_decode(opts, optlen, s, why, whylen)) != SEG_OK)
		return rv;
	s->paylen = dec_left(&t);
	s->payload = dec_bytes(&t, s->paylen);

	/* The whole segment is captured here (the IP length <= caplen). */
	switch (seg_csum_classify(s, th, tcplen, s->csum)) {
	case SEG_CSUM_OK:
		break;
	case SEG_CSUM_PARTIAL:
		s->csum_partial = true;
		break;
	case SEG_CSUM_BAD:
		s->bad_csum = true;
		break;
	}
	return SEG_OK;
}

/* RFC 791 3.1: the header checksum sums to zero over hlen bytes. */
static int
ip4_csum_ok(const uint8_t *ip, size_t hlen)
{
	return cksum_fold(cksum_add(0, ip, hlen)) == 0xffff;
}

/*
 * A malformed IPv4 header still says who sent it: take the ports from
 * where a TCP header would start (off bytes into ip[0..n)) so that the
 * caller can hand the packet to the case it belongs to.
 */
static void
peek_ports(const uint8_t *ip, size_t n, size_t off, struct seg *s)
{
	struct dec d;

	dec_init(&d, ip, n);
	if (dec_skip(&d, off) == 0 && dec_be16(&d, &s->sport) == 0)
		(void)dec_be16(&d, &s->dport);
}

/*
 * IPv4 header at ip[0..caplen) (RFC 791 3.1), then TCP.  cut: the capture
 * may end before the frame does (snap length), so running out of bytes
 * is TRUNCATED; otherwise a length that claims more than the frame holds
 * is the sender's lie: MALFORMED.  The addresses are set before any
 * verdict on the header, and on a malformed header the ports too
 * (peek_ports), so that the caller knows whose it was.
 */
static int
decode_ip4(const uint8_t *ip, size_t caplen, bool cut, struct seg *s,
    char *why, size_t whylen)
{
	struct dec dd, *d = &dd;
	uint32_t src, dst;
	uint16_t totlen, id, frag, hcsum;
	uint8_t vhl, tos, ttl, proto;
	size_t hlen, tcplen;
	int rv;

	dec_init(d, ip, caplen);
	if (dec_u8(d, &vhl) == -1 || dec_u8(d, &tos) == -1 ||
	    dec_be16(d, &totlen) == -1 ||
	    dec_be16(d, &id) == -1 || dec_be16(d, &frag) == -1 ||
	    dec_u8(d, &ttl) == -1 || dec_u8(d, &proto) == -1 ||
	    dec_be16(d, &hcsum) == -1 || dec_be32(d, &src) == -1 ||
	    dec_be32(d, &dst) == -1) {
		tc_errf(why, whylen, "ip header truncated: captured %zu of 20 "
		    "bytes", caplen);
		return cut ? SEG_TRUNCATED : SEG_MALFORMED;
	}
	s->af = AF_INET;
	s->tos = tos;
	s->ipid = id;
	s->df = (frag & SEG_IP4_DF) != 0;
	s->ttl = ttl;
	s->src.v4.s_addr = htonl(src);
	s->dst.v4.s_addr = htonl(dst);
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < 20) {
		peek_ports(ip, caplen, 20, s);
		tc_errf(why, whylen, "ip header length %u < 5", vhl & 0x0f);
		return SEG_MALFORMED;
	}
	if (totlen < hlen) {
		peek_ports(ip, caplen, hlen <= caplen ? hlen : 20, s);
		tc_errf(why, whylen, "ip total length %u < header length %zu",
		    totlen, hlen);
		return SEG_MALFORMED;
	}
	if (frag & (IP_MF | IP_OFFMASK)) {
		tc_errf(why, whylen, "fragment");
		return SEG_NOT_TCP;
	}
	if (proto != SEG_IP_PROTO_TCP) {
		tc_errf(why, whylen, "ip protocol %u", proto);
		return SEG_NOT_TCP;
	}
	/* Trust the total length: a short frame may carry link padding. */
	if (dec_limit(d, totlen) == -1) {
		if (cut) {
			tc_errf(why, whylen, "ip total length %u > captured "
			    "%zu", totlen, caplen);
			return SEG_TRUNCATED;
		}
		peek_ports(ip, caplen, hlen <= caplen ? hlen : 20, s);
		tc_errf(why, whylen, "ip total length %u > the %zu bytes the "
		    "frame holds", totlen, caplen);
		return SEG_MALFORMED;
	}
	if (dec_skip(d, hlen - 20) == -1) {
		/* unreachable: totlen >= hlen */
		tc_errf(why, whylen, "ip options truncated");
		return SEG_MALFORMED;
	}
	tcplen = dec_left(d);
	rv = decode_tcp(dec_bytes(d, tcplen), tcplen, s, why, whylen);
	/* After TCP, so that a malformed TCP header keeps its own reason;
	 * the ports are decoded by now. */
	if (rv == SEG_OK && !ip4_csum_ok(ip, hlen)) {
		s->payload = NULL;
		s->paylen = 0;
		tc_errf(why, whylen, "ip header checksum 0x%04x is wrong",
		    hcsum);
		return SEG_MALFORMED;
	}
	return rv;
}

/*
 * IPv6 header at d (first byte already read as vtc), its extension
 * headers (RFC 8200 4), then TCP.  Jumbograms (payload length 0,
 * RFC 2675) are not TCP we send or expect: NOT_TCP.
 */
static int
decode_ip6(struct dec *d, uint8_t vtc, size_t caplen, bool cut,
    struct seg *s, char *why, size_t whylen)
{
	const uint8_t *a;
	uint16_t plen, fragoff;
	uint8_t b1, b2, b3, nh, hlim, elen;
	size_t tcplen, skip;
	int hops;

	if (dec_u8(d, &b1) == -1 || dec_u8(d, &b2) == -1 ||
	    dec_u8(d, &b3) == -1 || dec_be16(d, &plen) == -1 ||
	    dec_u8(d, &nh) == -1 || dec_u8(d, &hlim) == -1 ||
	    (a = dec_bytes(d, 32)) == NULL) {
		tc_errf(why, whylen, "ipv6 header truncated: captured %zu of "
		    "40 bytes", caplen);
		return SEG_TRUNCATED;
	}
	s->af = AF_INET6;
	s->tos = (uint8_t)((vtc & 0x0f) << 4 | b1 >> 4);
	s->flow = (uint32_t)(b1 & 0x0f) << 16 | (uint32_t)b2 << 8 | b3;
	s->ttl = hlim;
	s->df = false;
	memcpy(&s->src.v6, a, 16);
	memcpy(&s->dst.v6, a + 16, 16);
	if (plen == 0) {
		tc_errf(why, whylen, "ipv6 payload length 0");
		return SEG_NOT_TCP;
	}
	if (dec_limit(d, dec_off(d) + plen) == -1) {
		tc_errf(why, whylen, "ipv6 payload length %u > %s %zu",
		    plen, cut ? "captured" : "the frame's",
		    caplen > 40 ? caplen - 40 : 0);
		if (cut)
			return SEG_TRUNCATED;
		if (nh == SEG_IP_PROTO_TCP)
			peek_ports(d->start, caplen, 40, s);
		return SEG_MALFORMED;
	}
	/* Bounded: each header is at least 8 bytes of a 16-bit length. */
	for (hops = 0; nh != SEG_IP_PROTO_TCP; hops++) {
		switch (nh) {
		case IP6_NH_HOPOPTS:
		case IP6_NH_ROUTING:
		case IP6_NH_DSTOPTS:
			if (dec_u8(d, &nh) == -1 || dec_u8(d, &elen) == -1) {
				tc_errf(why, whylen, "ipv6 extension header "
				    "truncated");
				return SEG_MALFORMED;
			}
			skip = ((size_t)elen + 1) * 8 - 2;
			break;
		case IP6_NH_FRAGMENT:
			/* RFC 8200 4.5: only an atomic fragment (offset 0,
			 * M clear) holds a whole segment. */
			if (dec_u8(d, &nh) == -1 || dec_skip(d, 1) == -1 ||
			    dec_be16(d, &fragoff) == -1) {
				tc_errf(why, whylen, "ipv6 fragment header "
				    "truncated");
				return SEG_MALFORMED;
			}
			if (fragoff & 0xfff9) {
				tc_errf(why, whylen, "fragment");
				return SEG_NOT_TCP;
			}
			skip = 4;
			break;
		default:
			tc_errf(why, whylen, "ipv6 next header %u", nh);
			return SEG_NOT_TCP;
		}
		if (dec_skip(d, skip) == -1) {
			tc_errf(why, whylen, "ipv6 extension header truncated");
			return SEG_MALFORMED;
		}
		if (hops > IP6_MAX_EXT) {
			tc_errf(why, whylen, "more than %d ipv6 extension "
			    "headers", IP6_MAX_EXT);
			return SEG_NOT_TCP;
		}
	}
	tcplen = dec_left(d);
	return decode_tcp(dec_bytes(d, tcplen), tcplen, s, why, whylen);
}

/* seg_decode_ip, knowing whether the capture may have been cut. */
static int
decode_ip(const uint8_t *p, size_t caplen, bool cut, struct seg *s,
    char *why, size_t whylen)
{
	struct dec d;
	uint8_t vhl;

	seg_init(s);
	dec_init(&d, p, caplen);

	/* RFC 791 3.1, RFC 8200 3: the version is the first nibble. */
	if (dec_u8(&d, &vhl) == -1) {
		tc_errf(why, whylen, "ip header truncated: captured 0 of 20 "
		    "bytes");
		return cut ? SEG_TRUNCATED : SEG_MALFORMED;
	}
	switch (vhl >> 4) {
	case 4:
		return decode_ip4(p, caplen, cut, s, why, whylen);
	case 6:
		return decode_ip6(&d, vhl, caplen, cut, s, why, whylen);
	default:
		tc_errf(why, whylen, "ip version %u is neither 4 nor 6",
		    vhl >> 4);
		return SEG_MALFORMED;
	}
}

int
seg_decode_ip(const uint8_t *p, size_t caplen, struct seg *s, char *why,
    size_t whylen)
{
	return decode_ip(p, caplen, true, s, why, whylen);
}

static const struct link_desc *
link_desc_find(int dlt)
{
	size_t i;

	for (i = 0; i < NITEMS(link_descs); i++)
		if (link_descs[i].dlt == dlt)
			return &link_descs[i];
	return NULL;
}

/*
 * A capture that ends inside the link header is TRUNCATED, like one that
 * ends inside IP or TCP: we cannot tell what it was, and a short capture
 * is never the peer's fault.
 */
int
seg_decode(int dlt, const uint8_t *p, size_t caplen, struct seg *s,
    char *why, size_t whylen)
{
	return seg_decode_frame(dlt, p, caplen, SIZE_MAX, s, why, whylen);
}

int
seg_decode_frame(int dlt, const uint8_t *p, size_t caplen, size_t len,
    struct seg *s, char *why, size_t whylen)
{
	const struct link_desc *ld;
	struct dec d, h;
	uint32_t fam;
	uint16_t type = ETHERTYPE_IPV4;
	size_t n;

	seg_init(s);
	if ((ld = link_desc_find(dlt)) == NULL) {
		tc_errf(why, whylen, "link type %d not supported", dlt);
		return SEG_NOT_TCP;
	}
	dec_init(&d, p, caplen);
	if (dec_sub(&d, ld->hdrlen, &h) == -1) {
		tc_errf(why, whylen, "%s header truncated: captured %zu of %zu "
		    "bytes", ld->name, caplen, ld->hdrlen);
		return SEG_TRUNCATED;
	}
	switch (ld->kind) {
	case LINK_ETHERTYPE:
		if (dec_skip(&h, ld->typeoff) == -1 ||
		    dec_be16(&h, &type) == -1)
			fatalx("link table: %s type offset", ld->name);
		if (ld->vlan && (type == ETHERTYPE_8021Q ||
		    type == ETHERTYPE_8021AD)) {
			/* IEEE 802.1Q 9.3: TCI, then the inner type. */
			if (dec_skip(&d, 2) == -1 ||
			    dec_be16(&d, &type) == -1) {
				tc_errf(why, whylen, "802.1Q tag truncated: "
				    "captured %zu of %zu bytes", caplen,
				    ld->hdrlen + 4);
				return SEG_TRUNCATED;
			}
		}
		break;
	case LINK_FAMILY:
		if (dec_be32(&h, &fam) == -1)
			fatalx("link table: %s family", ld->name);
		if (fam > 0xffff)	/* little-endian DLT_NULL */
			fam = fam >> 24 | (fam >> 8 & 0xff00) |
			    (fam << 8 & 0xff0000) | fam << 24;
		/* BSDs number AF_INET6 24, 28 or 30 in DLT_NULL headers. */
		if (fam != AF_INET && fam != 24 && fam != 28 && fam != 30 &&
		    fam != AF_INET6) {
			tc_errf(why, whylen, "%s address family %u", ld->name,
			    fam);
			return SEG_NOT_TCP;
		}
		break;
	case LINK_NONE:
		break;		/* the version nibble tells */
	}
	if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) {
		tc_errf(why, whylen, "ethertype 0x%04x is not IP", type);
		return SEG_NOT_TCP;
	}
	n = dec_left(&d);
	return decode_ip(dec_bytes(&d, n), n, caplen < len, s, why, whylen);
}
