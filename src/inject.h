/*
 * inject.h - send crafted segments through libnet (raw IPv4).  One handle
 * per run: opening it is the expensive part.
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

/* inject.c */

/*
 * Open the injector (a libnet LIBNET_RAW4 handle; iface may be NULL) and
 * mark its socket with INJ_MARK.  Returns NULL with a message in errbuf
 * (e.g. "libnet_init: Operation not permitted") on failure.  errno is
 * left as the failing call set it (EPERM/EACCES for no privilege).
 */
struct inj *inj_open(const char *iface, char *errbuf, size_t errlen);

/*
 * Build s (IPv4 + TCP + options + payload; checksums by libnet, or a
 * deliberately wrong TCP checksum when s->bad_csum) and send it.
 * Returns 0, or -1 with a message in errbuf.
 */
int inj_send(struct inj *inj, const struct seg *s, char *errbuf,
    size_t errlen);

void inj_close(struct inj *inj);

#endif
