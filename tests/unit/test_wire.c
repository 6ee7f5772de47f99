/*
 * test_wire.c - what the capture point does to the target's segments
 * (issue 9, points 9 and 10): checksums captured before offload filled
 * them in, super-segments from segmentation offload, and malformed IPv4
 * headers, which must be decoded far enough to tell whose they are; and
 * when the tester itself was late (point 14).
 *
 * The two SYN-ACKs were captured with tcpdump -xx on the tester's end of
 * a lab veth pair with default offloads (tests/lab/lab.sh --offloads
 * default); tcpdump calls their checksums incorrect, and they are the
 * pseudo-header sums Linux leaves for the NIC (CHECKSUM_PARTIAL).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <pcap/dlt.h>

#include <cmocka.h>

#include "interp.h"
#include "seg.h"

#define ETH 14			/* IPv4 starts here, TCP at 34 */

/* Ethernet, IPv4 SYN-ACK (58 bytes), captured before checksum offload.
 * tcpdump -vv -nn: 198.18.0.2.7 > 198.18.0.1.22946: Flags [S.], cksum
 *     0x8c46 (incorrect -> 0x9170), seq 1703547185, ack 305110265, win
 *     64240, options [mss 1460], length 0
 * (IP header checksum 0xaea4, correct) */
static const uint8_t pkt4_partial[] = {
	0x02, 0x00, 0xc6, 0x12, 0x00, 0x01, 0x02, 0x00, 0xc6, 0x12, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
	0xae, 0xa4, 0xc6, 0x12, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x01, 0x00, 0x07,
	0x59, 0xa2, 0x65, 0x8a, 0x11, 0x31, 0x12, 0x2f, 0x9c, 0xf9, 0x60, 0x12,
	0xfa, 0xf0, 0x8c, 0x46, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};
#define PKT4_CSUM 50		/* offset of the TCP checksum */

/* Ethernet, IPv6 SYN-ACK (78 bytes), captured before checksum offload.
 * tcpdump -vv -nn: 2001:db8::2.7 > 2001:db8::1.22158: Flags [S.], cksum
 *     0x5b93 (incorrect -> 0xc5d7), seq 1777588101, ack 3884055084, win
 *     64800, options [mss 1440], length 0 */
static const uint8_t pkt6_partial[] = {
	0x02, 0x00, 0xc6, 0x12, 0x00, 0x01, 0x02, 0x00, 0xc6, 0x12, 0x00, 0x02,
	0x86, 0xdd, 0x60, 0x0e, 0x48, 0x5f, 0x00, 0x18, 0x06, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x56, 0x8e, 0x69, 0xf3,
	0xd7, 0x85, 0xe7, 0x81, 0xfa, 0x2c, 0x60, 0x12, 0xfd, 0x20, 0x5b, 0x93,
	0x00, 0x00, 0x02, 0x04, 0x05, 0xa0,
};
#define PKT6_CSUM 70

/* Decode a copy of pkt with the 16-bit value v at off (no patch: off 0). */
static int
decode16(const uint8_t *pkt, size_t len, size_t off, uint16_t v,
    struct seg *s, char *why, size_t whylen)
{
	uint8_t buf[128];

	assert_true(len <= sizeof(buf));
	memcpy(buf, pkt, len);
	if (off != 0) {
		buf[off] = (uint8_t)(v >> 8);
		buf[off + 1] = (uint8_t)v;
	}
	return seg_decode_frame(DLT_EN10MB, buf, len, len, s, why, whylen);
}

/* The three checksum outcomes, IPv4 and IPv6. */
static void
test_csum_classes(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t len, off;
		uint16_t partial, full;
	} t[] = {
		{ pkt4_partial, sizeof(pkt4_partial), PKT4_CSUM, 0x8c46,
		    0x9170 },
		{ pkt6_partial, sizeof(pkt6_partial), PKT6_CSUM, 0x5b93,
		    0xc5d7 },
	};
	struct seg s;
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* as captured: the pseudo-header sum, not the target's
		 * fault and not verifiable */
		assert_int_equal(decode16(t[i].p, t[i].len, 0, 0, &s, why,
		    sizeof(why)), SEG_OK);
		assert_true(s.csum_partial);
		assert_false(s.bad_csum);
		assert_int_equal(seg_tcp_pseudo_sum(&s, 24), t[i].partial);
		assert_int_equal(seg_csum_classify(&s, t[i].p + t[i].off - 16,
		    24, t[i].partial), SEG_CSUM_PARTIAL);

		/* as the NIC completes it */
		assert_int_equal(decode16(t[i].p, t[i].len, t[i].off,
		    t[i].full, &s, why, sizeof(why)), SEG_OK);
		assert_false(s.csum_partial);
		assert_false(s.bad_csum);
		assert_int_equal(seg_csum_classify(&s, t[i].p + t[i].off - 16,
		    24, t[i].full), SEG_CSUM_OK);

		/* anything else is still a bad checksum: one bit off either
		 * value, and the partial value's complement */
		assert_int_equal(decode16(t[i].p, t[i].len, t[i].off,
		    t[i].partial ^ 1, &s, why, sizeof(why)), SEG_OK);
		assert_true(s.bad_csum);
		assert_false(s.csum_partial);
		assert_int_equal(decode16(t[i].p, t[i].len, t[i].off,
		    t[i].full ^ 0x8000, &s, why, sizeof(why)), SEG_OK);
		assert_true(s.bad_csum);
		assert_int_equal(decode16(t[i].p, t[i].len, t[i].off,
		    (uint16_t)~t[i].partial, &s, why, sizeof(why)), SEG_OK);
		assert_true(s.bad_csum);
		assert_int_equal(decode16(t[i].p, t[i].len, t[i].off, 0, &s,
		    why, sizeof(why)), SEG_OK);
		assert_true(s.bad_csum);
	}
}

/* A 2500-byte super-segment cut at 1000 bytes the way GSO/TSO cuts it. */
static void
test_gso_pieces(void **state)
{
	static uint8_t data[2500];
	struct seg s, p;

	(void)state;
	seg_init(&s);
	s.seq = 1000;
	s.ack = 77;
	s.flags = SEG_ACK | SEG_PSH | SEG_FIN | SEG_CWR;
	s.payload = data;
	s.paylen = sizeof(data);
	s.csum_partial = true;

	assert_int_equal(seg_gso_count(&s, 0), 1);
	assert_int_equal(seg_gso_count(&s, 2500), 1);
	assert_int_equal(seg_gso_count(&s, 2499), 2);
	assert_int_equal(seg_gso_count(&s, 1000), 3);

	seg_gso_piece(&s, 1000, 0, &p);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.ack, 77);
	assert_int_equal(p.paylen, 1000);
	assert_ptr_equal(p.payload, data);
	assert_int_equal(p.flags, SEG_ACK | SEG_CWR);
	seg_gso_piece(&s, 1000, 1, &p);
	assert_int_equal(p.seq, 2000);
	assert_int_equal(p.paylen, 1000);
	assert_ptr_equal(p.payload, data + 1000);
	assert_int_equal(p.flags, SEG_ACK);
	seg_gso_piece(&s, 1000, 2, &p);
	assert_int_equal(p.seq, 3000);
	assert_int_equal(p.paylen, 500);
	assert_int_equal(p.flags, SEG_ACK | SEG_PSH | SEG_FIN);
	assert_true(p.csum_partial);
	assert_int_equal(seg_len(&p), 501);

	/* one that fits is itself */
	seg_gso_piece(&s, 0, 0, &p);
	assert_int_equal(p.paylen, 2500);
	assert_int_equal(p.flags, s.flags);
}

/*
 * Malformed IPv4 headers from the target (point 10): MALFORMED, with the
 * reason, the addresses and the ports (so the run can tell which case's
 * segment it was).  Each patch of the captured SYN-ACK leaves the rest as
 * it was; the TCP checksum is made the complete one first.
 */
static void
test_ip4_malformed(void **state)
{
	uint8_t buf[128];
	struct seg s;
	char why[128], a[INET_ADDRSTRLEN];
	size_t len = sizeof(pkt4_partial);

	(void)state;
	memcpy(buf, pkt4_partial, len);
	buf[PKT4_CSUM] = 0x91;
	buf[PKT4_CSUM + 1] = 0x70;
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, len, len, &s, why,
	    sizeof(why)), SEG_OK);

	/* IHL 4: the TCP ports are read where a 20-byte header ends */
	buf[ETH] = 0x44;
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, len, len, &s, why,
	    sizeof(why)), SEG_MALFORMED);
	assert_string_equal(why, "ip header length 4 < 5");
	assert_string_equal(inet_ntop(AF_INET, &s.src, a, sizeof(a)),
	    "198.18.0.2");
	assert_string_equal(inet_ntop(AF_INET, &s.dst, a, sizeof(a)),
	    "198.18.0.1");
	assert_int_equal(s.sport, 7);
	assert_int_equal(s.dport, 22946);

	/* IHL 15: 60 bytes of header in a 44-byte packet */
	buf[ETH] = 0x4f;
	memset(&s, 0, sizeof(s));
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, len, len, &s, why,
	    sizeof(why)), SEG_MALFORMED);
	assert_string_equal(why, "ip total length 44 < header length 60");
	assert_int_equal(s.af, AF_INET);
	assert_int_equal(s.sport, 7);
	assert_int_equal(s.dport, 22946);
	buf[ETH] = 0x45;

	/* a total length beyond the whole frame: the sender lied */
	buf[ETH + 3] = 0xf0;
	memset(&s, 0, sizeof(s));
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, len, len, &s, why,
	    sizeof(why)), SEG_MALFORMED);
	assert_string_equal(why, "ip total length 240 > the 44 bytes the "
	    "frame holds");
	assert_int_equal(s.dport, 22946);
	/* ... but with the capture cut short, or not known to be whole, it
	 * is our capture's problem (STYLE 2) */
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, len, 254, &s, why,
	    sizeof(why)), SEG_TRUNCATED);
	assert_string_equal(why, "ip total length 240 > captured 44");
	assert_int_equal(seg_decode(DLT_EN10MB, buf, len, &s, why,
	    sizeof(why)), SEG_TRUNCATED);
	buf[ETH + 3] = 0x2c;

	/* a wrong IP header checksum (RFC 791 3.1) */
	buf[ETH + 11] ^= 1;
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, len, len, &s, why,
	    sizeof(why)), SEG_MALFORMED);
	assert_string_equal(why, "ip header checksum 0xaea5 is wrong");
	assert_int_equal(s.sport, 7);
	assert_int_equal(s.dport, 22946);
	assert_int_equal(s.paylen, 0);
	buf[ETH + 11] ^= 1;

	/* a frame cut inside the IP header: malformed when whole, truncated
	 * when the capture cut it */
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, ETH + 10, ETH + 10,
	    &s, why, sizeof(why)), SEG_MALFORMED);
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, ETH + 10, len, &s,
	    why, sizeof(why)), SEG_TRUNCATED);

	/* and an IPv6 payload length beyond the frame */
	memcpy(buf, pkt6_partial, sizeof(pkt6_partial));
	buf[ETH + 5] = 0x40;
	assert_int_equal(seg_decode_frame(DLT_EN10MB, buf, sizeof(pkt6_partial),
	    sizeof(pkt6_partial), &s, why, sizeof(why)), SEG_MALFORMED);
	assert_string_equal(why, "ipv6 payload length 64 > the frame's 24");
	assert_int_equal(s.af, AF_INET6);
	assert_int_equal(s.sport, 7);
	assert_int_equal(s.dport, 22158);
}

/* Point 14: when is a late wake-up a stall of the tester? */
static void
test_stall(void **state)
{
	const uint64_t ms = 1000 * 1000, due = 5000 * ms;

	(void)state;
	assert_int_equal(interp_stall(due, due - 1), 0);	/* early */
	assert_int_equal(interp_stall(due, due), 0);
	assert_int_equal(interp_stall(due, due + 30 * ms), 0);	/* jitter */
	assert_int_equal(interp_stall(due, due + INTERP_STALL_NS), 0);
	assert_int_equal(interp_stall(due, due + INTERP_STALL_NS + 1),
	    INTERP_STALL_NS + 1);
	assert_int_equal(interp_stall(due, due + 1583 * ms), 1583 * ms);
	assert_int_equal(interp_stall(0, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_classes),
		cmocka_unit_test(test_gso_pieces),
		cmocka_unit_test(test_ip4_malformed),
		cmocka_unit_test(test_stall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
