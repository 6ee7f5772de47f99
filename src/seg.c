/*
 * seg.c - the TCP segment codec: link/IPv4/TCP decoding, the flag codec,
 * the TCP checksum and tcpdump-style printing.  Options: seg-opt.c.
 *
 * Wire bytes are read only through the cursors of decode.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
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
#define IP_PROTO_TCP	6
#define IP6_NH_HOPOPTS	0	/* RFC 8200 4.3 */
#define IP6_NH_ROUTING	43	/* RFC 8200 4.4 */
#define IP6_NH_FRAGMENT	44	/* RFC 8200 4.5 */
#define IP6_NH_DSTOPTS	60	/* RFC 8200 4.6 */
#define IP6_MAX_EXT	8	/* more is an attack, not a test */
#define IP_DF		0x4000	/* RFC 791 3.1 flags */
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff
#define IP4_CSUM_OFF	10	/* offset of the header checksum */
#define TCP_HDRLEN	SEG_TCP_HDRLEN
#define TCP_CSUM_OFF	SEG_TCP_CSUM_OFF

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

/* Flag letters in the order tcpdump prints them; alt is also parsed. */
static const struct flag_desc {
	uint16_t bit;
	char letter;
	char alt;
} flag_descs[] = {
	{ SEG_FIN, 'F', 0 },
	{ SEG_SYN, 'S', 0 },
	{ SEG_RST, 'R', 0 },
	{ SEG_PSH, 'P', 0 },
	{ SEG_ACK, '.', 'A' },
	{ SEG_URG, 'U', 0 },
	{ SEG_ECE, 'E', 0 },
	{ SEG_CWR, 'W', 'C' },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

void
seg_init(struct seg *s)
{
	memset(s, 0, sizeof(*s));
	s->af = AF_INET;
	s->ttl = 64;
	s->df = true;
}

size_t
seg_hlen(const struct seg *s)
{
	uint8_t opt[SEG_OPTSPACE];
	int n = seg_opts_encode(s, opt, sizeof(opt));

	return TCP_HDRLEN + (n > 0 ? (size_t)n : 0);
}

/* Is the forced data offset invalid for a segment of hlen + paylen? */
static bool
doff_bad(const struct seg *s, size_t hlen)
{
	return s->doff < 5 || (size_t)s->doff * 4 > hlen + s->paylen;
}

bool
seg_doff_bad(const struct seg *s)
{
	return s->doff_set && doff_bad(s, seg_hlen(s));
}

uint32_t
seg_len(const struct seg *s)
{
	uint32_t n = (uint32_t)s->paylen;
	size_t hlen;

	if (s->doff_set && !doff_bad(s, hlen = seg_hlen(s)))
		n = (uint32_t)(hlen + s->paylen - (size_t)s->doff * 4);

	if (s->flags & SEG_SYN)
		n++;
	if (s->flags & SEG_FIN)
		n++;
	return n;
}

int
seg_flags_parse(const char *str, uint16_t *flags, char *bad)
{
	uint16_t f = 0;
	size_t i;
	int c;

	if (bad != NULL)
		*bad = '\0';
	if (strcasecmp(str, "none") == 0) {
		*flags = 0;
		return 0;
	}
	if (*str == '\0')
		return -1;
	for (; *str != '\0'; str++) {
		c = toupper((unsigned char)*str);
		for (i = 0; i < NITEMS(flag_descs); i++)
			if (c == flag_descs[i].letter ||
			    (flag_descs[i].alt != 0 && c == flag_descs[i].alt))
				break;
		if (i == NITEMS(flag_descs)) {
			if (bad != NULL)
				*bad = *str;
			return -1;
		}
		f |= flag_descs[i].bit;
	}
	*flags = f;
	return 0;
}

const char *
seg_flags_str(uint16_t flags, char *buf, size_t len)
{
	char letters[NITEMS(flag_descs) + 1];
	unsigned res = flags & SEG_RES_MASK;
	size_t i, n = 0;

	for (i = 0; i < NITEMS(flag_descs); i++)
		if (flags & flag_descs[i].bit)
			letters[n++] = flag_descs[i].letter;
	letters[n] = '\0';
	if (res != 0)
		tc_errf(buf, len, "%s+res0x%x", n ? letters : "none", res);
	else
		tc_errf(buf, len, "%s", n ? letters : "none");
	return buf;
}

/* Unfolded sum of the pseudo-header: RFC 9293 3.1 (IPv4), RFC 8200 8.1
 * (IPv6, with a 32-bit upper-layer length; its high half is 0 for any TCP
 * we can capture). */
static uint64_t
pseudo_sum(const struct seg *s, size_t tcplen)
{
	uint64_t sum;

	sum = cksum_add(0, (const uint8_t *)&s->src, seg_addr_len(s->af));
	sum = cksum_add(sum, (const uint8_t *)&s->dst, seg_addr_len(s->af));
	sum += IP_PROTO_TCP;
	sum += tcplen & 0xffff;
	sum += tcplen >> 16;
	return sum;
}

uint16_t
seg_tcp_pseudo_sum(const struct seg *s, size_t tcplen)
{
	return cksum_fold(pseudo_sum(s, tcplen));
}

/*
 * RFC 1071 sum over the RFC 9293 3.1 pseudo-header and the segment.  The
 * checksum field itself (bytes 16-17) counts as zero, so one function both
 * builds and verifies.
 */
uint16_t
seg_tcp_checksum(const struct seg *s, const uint8_t *tcphdr, size_t tcplen)
{
	uint64_t sum = pseudo_sum(s, tcplen);

	sum = cksum_add(sum, tcphdr, tcplen < TCP_CSUM_OFF ? tcplen :
	    TCP_CSUM_OFF);
	if (tcplen > TCP_CSUM_OFF + 2)
		sum = cksum_add(sum, tcphdr + TCP_CSUM_OFF + 2,
		    tcplen - TCP_CSUM_OFF - 2);
	return (uint16_t)~cksum_fold(sum);
}

/*
 * Offload (Linux CHECKSUM_PARTIAL, and any NIC's "checksum start/offset"
 * model) leaves the pseudo-header sum in the field and the NIC adds the
 * segment's sum and complements.  A packet tap before the NIC (AF_PACKET
 * on the sender, or on the receiving end of a veth pair, which hands the
 * skb over unfinished) sees that intermediate value; the kernel marks it
 * TP_STATUS_CSUMNOTREADY, which libpcap does not pass on.  So recognise
 * the value itself.
 */
enum seg_csum
seg_csum_classify(const struct seg *s, const uint8_t *tcphdr, size_t tcplen,
    uint16_t csum)
{
	if (cksum_eq(seg_tcp_checksum(s, tcphdr, tcplen), csum))
		return SEG_CSUM_OK;
	if (cksum_eq(seg_tcp_pseudo_sum(s, tcplen), csum))
		return SEG_CSUM_PARTIAL;
	return SEG_CSUM_BAD;
}

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
		    TCP_HDRLEN);
		return SEG_MALFORMED;
	}
	s->csum = csum;
	s->doff = off >> 4;	/* as seen; doff_set stays false */
	s->flags = (uint16_t)((off & 0x0f) << 8 | fl);
	if (off >> 4 < 5) {
		tc_errf(why, whylen, "tcp data offset %u < 5", off >> 4);
		return SEG_MALFORMED;
	}
	optlen = (size_t)(off >> 4) * 4 - TCP_HDRLEN;
	if ((opts = dec_bytes(&t, optlen)) == NULL) {
		tc_errf(why, whylen, "tcp data offset %u (%zu bytes) > ip "
		    "payload %zu", off >> 4, optlen + TCP_HDRLEN, tcplen);
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

/* The IP header of seg_encode, its checksum 0 for now; -1 when it does
 * not fit. */
static int
encode_ip(struct enc *e, const struct seg *s, size_t total, size_t tcplen)
{
	if (s->af == AF_INET)
		return enc_u8(e, 0x45) || enc_u8(e, s->tos) ||
		    enc_be16(e, (uint16_t)total) || enc_be16(e, s->ipid) ||
		    enc_be16(e, s->df ? IP_DF : 0) || enc_u8(e, s->ttl) ||
		    enc_u8(e, IP_PROTO_TCP) || enc_be16(e, 0) ||
		    enc_bytes(e, (const uint8_t *)&s->src.v4, 4) ||
		    enc_bytes(e, (const uint8_t *)&s->dst.v4, 4) ? -1 : 0;
	return enc_be32(e, 6u << 28 | (uint32_t)s->tos << 20 |
	    (s->flow & 0xfffff)) || enc_be16(e, (uint16_t)tcplen) ||
	    enc_u8(e, IP_PROTO_TCP) || enc_u8(e, s->ttl) ||
	    enc_bytes(e, (const uint8_t *)&s->src.v6, 16) ||
	    enc_bytes(e, (const uint8_t *)&s->dst.v6, 16) ? -1 : 0;
}

/* The TCP header of seg_encode with its options and payload, the
 * checksum 0 for now; -1 when it does not fit. */
static int
encode_tcp(struct enc *e, const struct seg *s, const uint8_t *opt,
    size_t optlen)
{
	uint8_t doff = s->doff_set ? s->doff & 0x0f :
	    (uint8_t)((TCP_HDRLEN + optlen) / 4);

	/* The reserved bits go to byte 12's low nibble (RFC 9293 3.1). */
	return enc_be16(e, s->sport) || enc_be16(e, s->dport) ||
	    enc_be32(e, s->seq) || enc_be32(e, s->ack) ||
	    enc_u8(e, (uint8_t)(doff << 4 | (s->flags & SEG_RES_MASK) >> 8)) ||
	    enc_u8(e, (uint8_t)(s->flags & 0xff)) ||
	    enc_be16(e, s->win) || enc_be16(e, 0) || enc_be16(e, s->urp) ||
	    enc_bytes(e, opt, optlen) ||
	    enc_bytes(e, s->payload, s->paylen) ? -1 : 0;
}

int
seg_encode(const struct seg *s, uint8_t *buf, size_t bufsz)
{
	uint8_t opt[SEG_OPTSPACE];
	struct enc ip, th;
	size_t iphlen, tcplen, total;
	uint16_t csum;
	int optlen;

	if (s->af != AF_INET && s->af != AF_INET6)
		return -1;
	if ((optlen = seg_opts_encode(s, opt, sizeof(opt))) < 0 ||
	    (s->paylen > 0 && s->payload == NULL))
		return -1;
	iphlen = s->af == AF_INET ? SEG_IP4_HDRLEN : SEG_IP6_HDRLEN;
	tcplen = TCP_HDRLEN + (size_t)optlen + s->paylen;
	total = iphlen + tcplen;
	/* IPv4 counts its header in the length field, IPv6 does not. */
	if (total > bufsz || (s->af == AF_INET ? total : tcplen) > 65535)
		return -1;
	enc_init(&ip, buf, iphlen);
	enc_init(&th, buf + iphlen, tcplen);
	if (encode_ip(&ip, s, total, tcplen) == -1 ||
	    encode_tcp(&th, s, opt, (size_t)optlen) == -1)
		return -1;
	csum = seg_tcp_checksum(s, buf + iphlen, tcplen);
	if (s->bad_csum)
		csum ^= 0x8000;
	if (enc_seek(&th, TCP_CSUM_OFF) == -1 || enc_be16(&th, csum) == -1)
		return -1;
	if (s->af == AF_INET) {
		/* RFC 791 3.1: over the header, its own field counting 0. */
		csum = (uint16_t)~cksum_fold(cksum_add(0, buf, iphlen));
		if (enc_seek(&ip, IP4_CSUM_OFF) == -1 ||
		    enc_be16(&ip, csum) == -1)
			return -1;
	}
	return (int)total;
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
	s->df = (frag & IP_DF) != 0;
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
	if (proto != IP_PROTO_TCP) {
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
		if (nh == IP_PROTO_TCP)
			peek_ports(d->start, caplen, 40, s);
		return SEG_MALFORMED;
	}
	/* Bounded: each header is at least 8 bytes of a 16-bit length. */
	for (hops = 0; nh != IP_PROTO_TCP; hops++) {
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

/* A bounded appender: output is cut, never overrun. */
struct fmtbuf {
	char *buf;
	size_t len;
	size_t off;
};

static void fb_add(struct fmtbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fb_add(struct fmtbuf *fb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fb->off + 1 >= fb->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(fb->buf + fb->off, fb->len - fb->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= fb->len - fb->off)
		fb->off = fb->len - 1;
	else
		fb->off += (size_t)n;
}

char *
seg_format(const struct seg *s, uint32_t seq_base, uint32_t ack_base,
    char *buf, size_t len)
{
	struct fmtbuf fb = { buf, len, 0 };
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], fl[32], opt[160];
	uint32_t seq = s->seq - seq_base;
	unsigned i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	seg_addr_str(s->af, &s->src, src, sizeof(src));
	seg_addr_str(s->af, &s->dst, dst, sizeof(dst));
	fb_add(&fb, "%s.%u > %s.%u: Flags [%s]", src, s->sport, dst, s->dport,
	    seg_flags_str(s->flags, fl, sizeof(fl)));
	/* tcpdump leaves out seq on a bare ACK. */
	if (s->paylen > 0 || (s->flags & (SEG_SYN | SEG_FIN | SEG_RST))) {
		fb_add(&fb, ", seq %u", seq);
		if (s->paylen > 0)
			fb_add(&fb, ":%u", (uint32_t)(seq + s->paylen));
	}
	if (s->flags & SEG_ACK)
		fb_add(&fb, ", ack %u", (uint32_t)(s->ack - ack_base));
	fb_add(&fb, ", win %u", s->win);
	if (s->flags & SEG_URG)
		fb_add(&fb, ", urg %u", s->urp);
	if (s->nopts > 0) {
		fb_add(&fb, ", options [");
		for (i = 0; i < s->nopts && i < SEG_MAX_OPTS; i++) {
			if (i > 0)
				fb_add(&fb, ",");
			fb_add(&fb, "%s", seg_opt_format(&s->opts[i],
			    ack_base, opt, sizeof(opt)));
		}
		fb_add(&fb, "]");
	}
	fb_add(&fb, ", length %zu", s->paylen);
	if (s->bad_csum)
		fb_add(&fb, ", bad cksum");
	return buf;
}

size_t
seg_gso_count(const struct seg *s, size_t max)
{
	if (max == 0 || s->paylen <= max)
		return 1;
	return (s->paylen + max - 1) / max;
}

void
seg_gso_piece(const struct seg *s, size_t max, size_t i, struct seg *out)
{
	size_t n = seg_gso_count(s, max), off;

	*out = *s;
	if (n == 1)
		return;
	if (i >= n)
		i = n - 1;
	off = i * max;
	out->seq = s->seq + (uint32_t)off;
	out->payload = s->payload != NULL ? s->payload + off : NULL;
	out->paylen = i + 1 < n ? max : s->paylen - off;
	if (i > 0)
		out->flags &= (uint16_t)~SEG_CWR;
	if (i + 1 < n)
		out->flags &= (uint16_t)~(SEG_PSH | SEG_FIN);
	out->csum_partial = true;
	out->bad_csum = false;
}

size_t
seg_addr_len(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

bool
seg_addr_eq(int af, const union seg_addr *a, const union seg_addr *b)
{
	size_t n = seg_addr_len(af);

	return n > 0 && memcmp(a, b, n) == 0;
}

int
seg_addr_parse(const char *str, union seg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, str, &a->v4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, str, &a->v6) == 1)
		return AF_INET6;
	return -1;
}

const char *
seg_addr_str(int af, const union seg_addr *a, char *buf, size_t len)
{
	if (inet_ntop(af, a, buf, (socklen_t)len) == NULL)
		tc_errf(buf, len, "?");
	return buf;
}
