/*
 * cksum.h - the Internet checksum (RFC 1071), once: the one's complement
 * sum of 16-bit big-endian words, its fold to 16 bits, and the
 * incremental update of RFC 1624.  The TCP pseudo-header (seg.c), the
 * injector's pieces (inject.c) and the flood path's per-packet patch
 * (oneshot.c) all sum through here.
 */
#ifndef TC_CKSUM_H
#define TC_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* cksum.c */

/*
 * Add len bytes at p to the unfolded sum and return it.  An odd last
 * byte is padded with zero (RFC 1071 4.1), so a caller summing a buffer
 * in pieces keeps every piece but the last of even length.  p may be
 * NULL only when len is 0.  64 bits hold the sum of any IP packet.
 */
uint64_t cksum_add(uint64_t sum, const uint8_t *p, size_t len);

/* Fold an unfolded sum to 16 bits, end-around carry (RFC 1071 2(C)), not
 * complemented. */
uint16_t cksum_fold(uint64_t sum);

/*
 * RFC 1624 eqn. 3: take the 16-bit word old out of an unfolded sum (add
 * its complement) so that its replacement can be added later:
 * HC' = ~(~HC + ~m + m').  Returns the new unfolded sum.
 */
uint64_t cksum_sub16(uint64_t sum, uint16_t old);

/* One's complement equality (RFC 1624 3): 0x0000 and 0xffff are both
 * zero, so a checksum field may hold either. */
int cksum_eq(uint16_t a, uint16_t b);

#endif
