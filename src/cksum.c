/*
 * cksum.c - the Internet checksum core (RFC 1071, RFC 1624).
 */
#include "config.h"

#include "cksum.h"

uint64_t
cksum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t
cksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint64_t
cksum_sub16(uint64_t sum, uint16_t old)
{
	return sum + (uint16_t)~old;
}

int
cksum_eq(uint16_t a, uint16_t b)
{
	return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0);
}
