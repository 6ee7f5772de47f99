/*
 * guard.h - keep the tester's own kernel out of crafted connections: drop
 * the RSTs it would send for our source ports (DESIGN 4a).  An nftables
 * table with "flags owner" made through libnftables: the kernel deletes
 * it when this process exits, by any path.
 */
#ifndef TC_GUARD_H
#define TC_GUARD_H

#include <netinet/in.h>

#include "seg.h"
#include <stddef.h>
#include <stdint.h>

/* Our tables are named GUARD_TABLE "_" RUNID (16 hex digits, random per
 * run, see runid.h) so that two runs never clash, not even two PID 1s of
 * containers sharing the host's network. */
#define GUARD_TABLE "tcpconform"

struct guard;

/* guard.c */

/* The table name of run id into buf; returns buf. */
char *guard_table_name(uint64_t id, char *buf, size_t len);

/*
 * Install the guard: in table "inet tcpconform_RUNID" (owner flag, a new
 * random name on a clash), drop every
 * packet from this host to dst (family af) with a TCP source port in [port_lo,
 * port_hi] that does not carry INJ_MARK.  The nft context stays open until
 * guard_close.  If the kernel refuses owner tables, falls back to a plain
 * table that guard_close deletes.  Returns NULL with a message in errbuf;
 * *eperm = 1 when the cause is a missing privilege.
 */
struct guard *guard_open(int af, const union seg_addr *dst,
    uint16_t port_lo, uint16_t port_hi, char *errbuf, size_t errlen,
    int *eperm);

/* Remove the guard (explicitly, in case of the fallback table). */
void guard_close(struct guard *g);

/*
 * Delete every stale "tcpconform*" table (any family) left by an older version or by the
 * fallback path after a crash.  Returns the number deleted (0 if none
 * existed), -1 with a message in errbuf on error.
 */
int guard_clear(char *errbuf, size_t errlen);

#endif
