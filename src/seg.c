/*
 * seg.c - the TCP segment model and its encoder: lengths, the flag codec,
 * the TCP checksum, the IPv4/IPv6 + TCP encoder, tcpdump-style printing,
 * offload pieces and addresses.  The decoder: seg-decode.c; options:
 * seg-opt.c.
 *
 * Wire bytes are read only through the cursors of decode.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cksum.h"
#include "decode.h"
#include "seg.h"
#include "util.h"

#define IP4_CSUM_OFF	10	/* offset of the header checksum */
#define TCP_HDRLEN	SEG_TCP_HDRLEN
#define TCP_CSUM_OFF	SEG_TCP_CSUM_OFF

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
	sum += SEG_IP_PROTO_TCP;
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

/* The IP header of seg_encode, its checksum 0 for now; -1 when it does
 * not fit. */
static int
encode_ip(struct enc *e, const struct seg *s, size_t total, size_t tcplen)
{
	if (s->af == AF_INET)
		return enc_u8(e, 0x45) || enc_u8(e, s->tos) ||
		    enc_be16(e, (uint16_t)total) || enc_be16(e, s->ipid) ||
		    enc_be16(e, s->df ? SEG_IP4_DF : 0) || enc_u8(e, s->ttl) ||
		    enc_u8(e, SEG_IP_PROTO_TCP) || enc_be16(e, 0) ||
		    enc_bytes(e, (const uint8_t *)&s->src.v4, 4) ||
		    enc_bytes(e, (const uint8_t *)&s->dst.v4, 4) ? -1 : 0;
	return enc_be32(e, 6u << 28 | (uint32_t)s->tos << 20 |
	    (s->flow & 0xfffff)) || enc_be16(e, (uint16_t)tcplen) ||
	    enc_u8(e, SEG_IP_PROTO_TCP) || enc_u8(e, s->ttl) ||
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
