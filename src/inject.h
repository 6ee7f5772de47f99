/*
 * inject.h - send crafted segments through libnet: raw IPv4 routed by the
 * kernel, or Ethernet frames at the link layer (IPv6, spoofed sources).
 * One handle per run: opening it is the expensive part.
 */
#ifndef TC_INJECT_H
#define TC_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "seg.h"

struct inj;

/* Firewall mark put on every packet we inject, so the guard (guard.c) can
 * tell our crafted segments from the tester kernel's own RSTs. */
#define INJ_MARK 0x7463u	/* "tc" */

/* The largest payload inj_send takes: an IPv4 total length (16 bits, RFC
 * 791) less its header and the longest TCP header (RFC 9293 3.1); IPv6
 * counts no header and is looser. */
#define INJ_MAX_PAYLOAD (65535 - 20 - 60)

/* Link-layer injection: our MAC and the next hop's. */
struct inj_link {
	uint8_t src[6], dst[6];
};

/* inject.c */

/*
 * Open the injector for segments of family af.  With link NULL: a libnet
 * LIBNET_RAW4 handle (IPv4 only; iface may be NULL), the kernel routes and
 * resolves.  With link: a LIBNET_LINK handle on iface that frames every
 * segment with link's addresses.  The socket is marked with INJ_MARK.  Returns NULL with a message in errbuf
 * (e.g. "libnet_init: Operation not permitted") on failure.  errno is
 * left as the failing call set it (EPERM/EACCES for no privilege).
 */
struct inj *inj_open(const char *iface, int af, const struct inj_link *link,
    char *errbuf, size_t errlen);

/*
 * Build s (IPv4 or IPv6 + TCP + options + payload, framed in link mode;
 * checksums by libnet, or a
 * deliberately wrong TCP checksum when s->bad_csum) and send it.
 * Returns 0, or -1 with a message in errbuf.
 */
int inj_send(struct inj *inj, const struct seg *s, char *errbuf,
    size_t errlen);

void inj_close(struct inj *inj);

#endif
