/*
 * pcapw.h - write the packets of one case to a pcap file (--pcap DIR),
 * with nanosecond timestamps and the capture's link type.
 */
#ifndef TC_PCAPW_H
#define TC_PCAPW_H

#include <stddef.h>
#include <stdint.h>

struct pcapw;

/* pcapw.c */

/*
 * Create DIR/NAME.pcap for a case id: every character of id but
 * [A-Za-z0-9._-] (and a leading '.') becomes '_'.  dlt: the link type.
 * A symbolic link there is not followed, and an existing file is
 * overwritten only if it is a plain file without other hard links.
 * Returns NULL with a message in errbuf.
 */
struct pcapw *pcapw_open(const char *dir, const char *id, int dlt,
    char *errbuf, size_t errlen);

/* The file's path. */
const char *pcapw_path(const struct pcapw *w);

void pcapw_write(struct pcapw *w, const uint8_t *pkt, size_t caplen,
    size_t len, uint64_t ts_ns);

/*
 * Close the file; the path stays valid until pcapw_free.  Returns 0, or
 * -1 with a message in errbuf (errbuf may be NULL with errlen 0) when a
 * write failed.
 */
int pcapw_close(struct pcapw *w, char *errbuf, size_t errlen);

void pcapw_free(struct pcapw *w);

#endif
