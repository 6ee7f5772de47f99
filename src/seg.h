/*
 * seg.h - the TCP segment model: one struct for what we build and what we
 * decode, the flag and option codec, and tcpdump-style printing.
 *
 * Wire layout follows RFC 9293 3.1 (TCP header), RFC 791 (IPv4),
 * RFC 7323 (window scale, timestamps), RFC 2018 (SACK).
 */
#ifndef TC_SEG_H
#define TC_SEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Flag bits: the low byte is header byte 13, bits 8..11 are the four
 * reserved bits of byte 12 (RFC 9293 3.1; bit 8 is AE of RFC 3540/AccECN). */
#define SEG_FIN 0x001
#define SEG_SYN 0x002
#define SEG_RST 0x004
#define SEG_PSH 0x008
#define SEG_ACK 0x010
#define SEG_URG 0x020
#define SEG_ECE 0x040
#define SEG_CWR 0x080
#define SEG_RES_MASK 0xf00	/* reserved bits, settable for tests */
#define SEG_FLAGS_MASK 0xfff

/* TCP option kinds (IANA "TCP Option Kind Numbers"). */
enum seg_optkind {
	SEG_OPT_EOL = 0,	/* RFC 9293 3.1 */
	SEG_OPT_NOP = 1,	/* RFC 9293 3.1 */
	SEG_OPT_MSS = 2,	/* RFC 9293 3.1, 3.7.1 */
	SEG_OPT_WS = 3,		/* RFC 7323 2.2 */
	SEG_OPT_SACKOK = 4,	/* RFC 2018 2 */
	SEG_OPT_SACK = 5,	/* RFC 2018 3 */
	SEG_OPT_TS = 8,		/* RFC 7323 3.2 */
};

/* Header sizes and the offsets a packet patcher needs (RFC 791 3.1,
 * RFC 8200 3, RFC 9293 3.1). */
#define SEG_IP4_HDRLEN 20	/* without options */
#define SEG_IP6_HDRLEN 40
#define SEG_TCP_HDRLEN 20	/* without options */
#define SEG_TCP_SEQ_OFF 4
#define SEG_TCP_CSUM_OFF 16
#define SEG_IP4_DF 0x4000	/* IPv4 flags: don't fragment (RFC 791 3.1) */
#define SEG_IP_PROTO_TCP 6	/* IPv4 protocol, IPv6 next header (IANA) */

#define SEG_MAX_SACK 4
#define SEG_OPTSPACE 40		/* option bytes (RFC 9293 3.1) */
#define SEG_MAX_OPTS 40		/* 40 option bytes => at most 40 options */

/*
 * One option.  len is the option's length on the wire including kind and
 * length bytes (1 for EOL and NOP).  For unknown kinds, raw[] holds the
 * len - 2 value bytes exactly as seen or to be sent.
 */
struct seg_opt {
	uint8_t kind;
	uint8_t len;
	union {
		uint16_t mss;
		uint8_t ws;
		struct { uint32_t val, ecr; } ts;
		struct { uint32_t left, right; } sack[SEG_MAX_SACK];
		uint8_t raw[38];
	} u;
	uint8_t nsack;		/* SEG_OPT_SACK: number of blocks */
	bool len_forced;	/* build: write len_byte as the length, */
	uint8_t len_byte;	/* still followed by len - 2 raw bytes */
};

/* An IPv4 or IPv6 address; the holder's af says which. */
union seg_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* A segment over IPv4 (RFC 791) or IPv6 (RFC 8200). */
struct seg {
	int af;			/* AF_INET or AF_INET6 */
	union seg_addr src, dst;
	uint8_t ttl, tos;	/* IPv6: hop limit, traffic class */
	uint16_t ipid;		/* IPv4 only */
	bool df;		/* IPv4 only (IPv6 never fragments en route) */
	uint32_t flow;		/* IPv6 flow label (20 bits) */

	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t flags;		/* SEG_* bits */
	uint16_t win, urp;
	uint16_t csum;		/* decoded: the field's value, host order */
	bool bad_csum;		/* build: corrupt the checksum; decode: it was wrong */
	bool csum_partial;	/* decode: the field holds only the pseudo-header
				 * sum: captured before checksum offload filled
				 * it in (seg_csum_classify), not verifiable */
	bool doff_set;		/* build: write doff, not the true data offset */
	uint8_t doff;		/* 0..15 words (RFC 9293 3.1); decode: as seen */

	struct seg_opt opts[SEG_MAX_OPTS];
	unsigned nopts;

	const uint8_t *payload;	/* decode: points into the caller's buffer */
	size_t paylen;
};

/* Decoder outcomes (STYLE 2): a truncated capture is our problem, a
 * malformed header is the sender's. */
enum seg_status {
	SEG_OK = 0,
	SEG_TRUNCATED,		/* capture ends before the headers do */
	SEG_MALFORMED,		/* header fields contradict each other */
	SEG_NOT_TCP,		/* valid packet, but not TCP over IP: ignore it */
};

/* seg.c */

/* What a captured TCP checksum field says (seg_csum_classify). */
enum seg_csum {
	SEG_CSUM_OK = 0,	/* the RFC 9293 3.1 checksum */
	SEG_CSUM_PARTIAL,	/* the pseudo-header sum checksum offload starts
				 * from: captured before the NIC (or veth peer)
				 * completed it; says nothing about the sender */
	SEG_CSUM_BAD,		/* neither: the segment is corrupt */
};

/*
 * Initialise s to a blank IPv4 segment: TTL 64, DF set, window 0, no
 * options, no payload.
 */
void seg_init(struct seg *s);

/*
 * Parse flag letters: F S R P A U E C (and '.' for ACK, W for CWR as
 * tcpdump prints them), case-insensitive.  Returns 0, or -1 with the
 * offending character in *bad.
 */
int seg_flags_parse(const char *str, uint16_t *flags, char *bad);

/*
 * tcpdump's rendering of flags ("S.", "F.", "R.", "P.", "none"), with
 * "+res0x100" appended for reserved bits.  18 bytes hold any value; a
 * shorter buf truncates.  Returns buf.
 */
const char *seg_flags_str(uint16_t flags, char *buf, size_t len);

/* Sequence space length of s: payload + SYN + FIN (RFC 9293 3.4).  With
 * a forced data offset the payload is what a receiver would take for it:
 * everything after doff words. */
uint32_t seg_len(const struct seg *s);

/* The TCP header length s is built with: 20 + its padded options. */
size_t seg_hlen(const struct seg *s);

/* A forced data offset a receiver must discard the segment for: below the
 * 5-word minimum header, or beyond the segment's end (RFC 9293 3.1). */
bool seg_doff_bad(const struct seg *s);

/*
 * Print s on one line the way tcpdump does:
 * "198.18.0.1.40000 > 198.18.0.2.7: Flags [S.], seq 0, ack 1, win 64240,
 *  options [mss 1460,nop,wscale 7], length 0"
 * with seq printed as seq - seq_base and ack as ack - ack_base (pass 0 for
 * absolute numbers; ack is printed only when ACK is set, and like tcpdump
 * seq is left out of a segment with no payload and no SYN, FIN or RST).
 * Returns buf.
 */
char *seg_format(const struct seg *s, uint32_t seq_base, uint32_t ack_base,
    char *buf, size_t len);

/*
 * Write s as an IP packet into buf (bufsz bytes): an IPv4 header without
 * options (RFC 791 3.1: ID s->ipid, DF, TTL, TOS, its header checksum) or
 * an IPv6 header (RFC 8200 3: traffic class, flow label, hop limit), then
 * the TCP header with s's options (a forced data offset as given), the
 * payload, and the TCP checksum, flipped in one bit with bad_csum (never
 * one's complement equal to the right one).  The codec's counterpart of
 * inj_send for callers that send the bytes themselves.  Returns the
 * packet's length, or -1 when the options exceed 40 bytes, the packet
 * bufsz or its IP length field, or s->af is neither family.
 */
int seg_encode(const struct seg *s, uint8_t *buf, size_t bufsz);

/*
 * TCP checksum (RFC 9293 3.1, RFC 1071) over the pseudo-header of s
 * (IPv4, or IPv6 per RFC 8200 8.1: s->src, s->dst, tcplen) and tcplen bytes at tcphdr, the checksum field
 * (bytes 16-17) counting as zero.  Returns the value that belongs in that
 * field, in host order like s->csum: write it big-endian (htons), compare
 * it with a decoded s->csum directly.
 */
uint16_t seg_tcp_checksum(const struct seg *s, const uint8_t *tcphdr,
    size_t tcplen);

/*
 * The RFC 1071 sum of the pseudo-header of s for tcplen bytes of TCP,
 * folded to 16 bits and not complemented: what Linux leaves in the
 * checksum field of a CHECKSUM_PARTIAL segment (__tcp_v4_send_check,
 * __tcp_v6_send_check: th->check = ~tcp_v4_check(len, saddr, daddr, 0))
 * for the NIC to complete.  Host order.
 */
uint16_t seg_tcp_pseudo_sum(const struct seg *s, size_t tcplen);

/*
 * Classify the checksum field csum of tcplen bytes at tcphdr sent with
 * the addresses of s: SEG_CSUM_OK, SEG_CSUM_PARTIAL (the pseudo-header
 * sum: captured before checksum offload; a random corruption hits it with
 * probability 2^-16) or SEG_CSUM_BAD.
 */
enum seg_csum seg_csum_classify(const struct seg *s, const uint8_t *tcphdr,
    size_t tcplen, uint16_t csum);


/*
 * A segment captured before segmentation offload (TSO/GSO on the sender,
 * or GRO on the capturing side, merged) stands for the segments the
 * offload cuts it into: payload pieces of max bytes, each with the same
 * header, sequence numbers advanced, CWR only on the first piece, PSH and
 * FIN only on the last (Linux tcp_gso_segment, and what a TSO NIC does).
 * The number of pieces (1 when max is 0 or the payload fits).
 */
size_t seg_gso_count(const struct seg *s, size_t max);

/* Piece i (0 .. seg_gso_count - 1) of s into *out; out->payload points
 * into s's payload.  out's checksum is unverifiable (csum_partial). */
void seg_gso_piece(const struct seg *s, size_t max, size_t i,
    struct seg *out);

/* seg-decode.c */

/*
 * Decode a packet as captured on a link of pcap type dlt (DLT_EN10MB,
 * DLT_LINUX_SLL, DLT_RAW, DLT_NULL/LOOP, DLT_IPV4) with caplen captured bytes.
 * Never reads outside p[0..caplen).  On SEG_OK, s->payload points into p.
 * On any other status, why (if not NULL) receives a one-line reason such as
 * "tcp data offset 3 < 5".  Returns an enum seg_status.
 */
int seg_decode(int dlt, const uint8_t *p, size_t caplen, struct seg *s,
    char *why, size_t whylen);

/*
 * seg_decode for a frame of len bytes on the wire of which caplen were
 * captured.  When the whole frame was captured (caplen == len), an IPv4
 * total length or IPv6 payload length beyond it is the sender's lie:
 * SEG_MALFORMED, not SEG_TRUNCATED.  seg_decode assumes the capture may
 * have been cut.  On SEG_MALFORMED at the IP layer the addresses, and the
 * ports where a TCP header could be found (at the header length, or at 20
 * bytes when the header length is impossible), are filled in, so that the
 * caller can tell whose segment it was.
 */
int seg_decode_frame(int dlt, const uint8_t *p, size_t caplen, size_t len,
    struct seg *s, char *why, size_t whylen);

/* Same, starting at the IPv4 or IPv6 header (the version nibble says
 * which).  IPv6 extension headers are walked (RFC 8200 4); a fragment is
 * SEG_NOT_TCP. */
int seg_decode_ip(const uint8_t *p, size_t caplen, struct seg *s,
    char *why, size_t whylen);

/* seg-opt.c: the option registry and codec */

struct dec;
struct enc;

/* How a case writes an option (tcpconform-testcase(5)); the loader has
 * one parser per form, not per option. */
enum seg_optform {
	SEG_OPTF_NONE,		/* a bare name: "- sackok" */
	SEG_OPTF_UINT,		/* one number: {mss: 1460} */
	SEG_OPTF_TS,		/* {ts: {val: N|auto, ecr: N|echo}} */
	SEG_OPTF_SACK,		/* {sack: [[left, right], ...]} */
};

/*
 * One row of the registry: everything the tool knows about an option
 * kind.  A valid length len (kind and length bytes included) has
 * len_min <= len <= len_max and, with len_step, (len - len_min) % len_step
 * == 0; a known kind seen with another length is kept raw.  The codec
 * functions see only the value bytes.  Field numbers: 0 for the one value
 * of an SEG_OPTF_UINT option, 1 and 2 for TSval and TSecr.
 */
struct seg_optdesc {
	uint8_t kind;
	const char *name;	/* in cases and messages: "mss", "sackok" */
	const char *dump;	/* as tcpdump prints it: "wscale", "sackOK" */
	const char *rfc;	/* where its format is defined */
	uint8_t len_min, len_max, len_step;
	enum seg_optform form;
	bool expect;		/* may be named in expect.options */
	uint32_t max;		/* SEG_OPTF_UINT: the largest value */
	const char *example;	/* a case's form with a value, for messages */
	const char *fields[2];	/* names of fields 1 and 2 ("ts.val") */
	/* The value bytes of a valid length into o's typed fields. */
	int (*decode)(struct seg_opt *o, struct dec *v);
	/* o's typed fields as value bytes; the length byte follows. */
	int (*encode)(struct enc *e, const struct seg_opt *o);
	/* tcpdump's rendering (NULL: dump, and " %u" of field 0 if any). */
	void (*print)(const struct seg_opt *o, uint32_t ack_base, char *buf,
	    size_t len);
	int (*get)(const struct seg_opt *o, unsigned field, uint32_t *v);
	void (*set)(struct seg_opt *o, unsigned field, uint32_t v);
	/* Built from typed fields?  NULL: when len is len_min. */
	bool (*typed)(const struct seg_opt *o);
};

/* The registry, in kind order (the order the loader lists names in). */
extern const struct seg_optdesc *const seg_optdescs;
extern const size_t seg_noptdescs;

/* The row of kind, or NULL for a kind we do not know. */
const struct seg_optdesc *seg_optdesc(uint8_t kind);

/* Is len (the wire length, kind and length bytes included) valid for od? */
bool seg_optdesc_len_ok(const struct seg_optdesc *od, size_t len);

/* The registry's name of kind ("mss", "ts"), or "option" when unknown. */
const char *seg_opt_name(uint8_t kind);

/* The name of field of kind for messages: "ts.val", "ts.ecr", else as
 * seg_opt_name. */
const char *seg_opt_field_name(uint8_t kind, unsigned field);

/*
 * Encode s->opts into buf (bufsz bytes), padded with EOL to a multiple of
 * 4.  Returns the encoded length (0..40), or -1 if they do not fit into 40
 * bytes or bufsz.
 */
int seg_opts_encode(const struct seg *s, uint8_t *buf, size_t bufsz);

/*
 * Decode len option bytes into s->opts.  Returns SEG_OK or SEG_MALFORMED
 * (bad length; the options before it are kept) with a reason in why.
 */
int seg_opts_decode(const uint8_t *p, size_t len, struct seg *s,
    char *why, size_t whylen);

/* Append an option of kind with its valid length (2 for SACK and unknown
 * kinds: no value yet); returns a pointer to it or NULL when full. */
struct seg_opt *seg_opt_add(struct seg *s, uint8_t kind);

/* First option of a kind, or NULL. */
const struct seg_opt *seg_opt_find(const struct seg *s, uint8_t kind);

/*
 * Field field of o into *v.  Returns 0, or -1 when o's kind is unknown,
 * its length is not a valid one, or it has no such field.
 */
int seg_opt_get(const struct seg_opt *o, unsigned field, uint32_t *v);

/* Set field field of o (kind and len unchanged); -1 if it has none. */
int seg_opt_set(struct seg_opt *o, unsigned field, uint32_t v);

/*
 * o holds a raw option from a case (kind, len, raw[]): when its kind has
 * one fixed valid length and o has it, without a forced length byte,
 * fill the typed fields from the bytes, since the encoder writes such an
 * option from them; the wire then carries exactly the bytes given.
 */
void seg_opt_raw_fill(struct seg_opt *o);

/*
 * Typed getters: the value of s's first option of the kind.  Each returns
 * 0 only when that option is there with its valid length (RFC 9293 3.2
 * MSS 4, RFC 7323 WS 3 and TS 10); -1 leaves the outputs alone.  Output
 * pointers may be NULL.
 */
int seg_opt_mss(const struct seg *s, uint16_t *mss);
int seg_opt_ws(const struct seg *s, uint8_t *shift);
int seg_opt_ts(const struct seg *s, uint32_t *val, uint32_t *ecr);

/*
 * One option the way tcpdump prints it ("mss 1460", "TS val 1 ecr 0",
 * "sack 1 {1:2}" with SACK edges minus ack_base, "unknown-30 0x0102",
 * "mss[len 3] 0x05").  Returns buf.
 */
const char *seg_opt_format(const struct seg_opt *o, uint32_t ack_base,
    char *buf, size_t len);

/* seg.c */

/* Address length of af (4 or 16), 0 for an unknown family. */
size_t seg_addr_len(int af);
/* True when a and b are the same address of family af. */
bool seg_addr_eq(int af, const union seg_addr *a, const union seg_addr *b);
/* Parse an IPv4 or IPv6 literal into *a; returns its family or -1. */
int seg_addr_parse(const char *str, union seg_addr *a);
/* inet_ntop of a; "?" when it cannot be printed.  Returns buf. */
const char *seg_addr_str(int af, const union seg_addr *a, char *buf,
    size_t len);
#endif
