/*
 * fuzz_nd.c - libFuzzer harness for ARP (RFC 826) and Neighbor Discovery
 * (RFC 4861) input, nd.c: every frame our capture hands the responder,
 * with an address claimed (we answer requests for it) and one being
 * resolved (we learn the answer).  nd.c is compiled into this file to
 * build its handle without an interface: a libnet context that only
 * constructs packets (LIBNET_NONE), so an answer is built in full, and
 * its write fails as a lost frame does.
 *
 * Input: byte 0 says what is claimed (bits 0-1) and wanted (bits 2-3):
 * 0 nothing, 1 IPv4, 2 IPv6.  Then frames, each a 2-byte length (low
 * byte first) and the Ethernet frame.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "../../src/nd.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* nd_resolve's capture; never called here (it would wait on a wire). */
int
snf_fd(const struct snf *s)
{
	(void)s;
	return -1;
}

/* snf_dispatch: fz_nocapture.c */

static const char *const addrs[2][2] = {
	{ "198.18.0.1", "2001:db8::1" },	/* claimed: our spoofed source */
	{ "198.18.0.2", "2001:db8::2" },	/* wanted: the target */
};

static void
fz_addr(int which, int mode, int *af, union seg_addr *a)
{
	*af = 0;
	memset(a, 0, sizeof(*a));
	if (mode == 1 || mode == 2)
		*af = seg_addr_parse(addrs[which][mode - 1], a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static libnet_t *l;
	char lerr[LIBNET_ERRBUF_SIZE];
	struct nd nd;
	size_t pos, n;
	volatile uint8_t sink = 0;

	if (l == NULL && (l = libnet_init(LIBNET_NONE, NULL, lerr)) == NULL)
		fatalx("fuzz_nd: libnet_init: %s", lerr);
	if (size < 1)
		return 0;
	memset(&nd, 0, sizeof(nd));
	nd.l = l;
	memcpy(nd.mac, mac, 6);
	fz_addr(0, data[0] & 3, &nd.claim_af, &nd.claim);
	fz_addr(1, (data[0] >> 2) & 3, &nd.want_af, &nd.want);
	(void)nd_filter(nd.want_af == AF_INET ? AF_INET : AF_INET6);
	for (pos = 1; pos + 2 <= size; pos += n) {
		n = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		pos += 2;
		if (n > size - pos)
			n = size - pos;
		nd_tap(data + pos, n, n, 0, &nd);
		if (nd.got)
			sink ^= nd.got_mac[0] ^ nd.got_mac[5];
	}
	(void)sink;
	libnet_clear_packet(l);
	return 0;
}
