/*
 * sniff.h - capture with libpcap: immediate mode, a narrow BPF filter,
 * nanosecond timestamps and a poll-able fd.
 */
#ifndef TC_SNIFF_H
#define TC_SNIFF_H

#include <stddef.h>
#include <stdint.h>

struct snf;

/* Called for each captured packet; ts_ns is the capture timestamp in ns
 * (CLOCK_REALTIME based, as the kernel stamps it). */
typedef void snf_cb(const uint8_t *pkt, size_t caplen, size_t len,
    uint64_t ts_ns, void *arg);

/* sniff.c */

/*
 * Open iface for capture (NULL: the interface that routes to dst, found
 * by the caller; we require a name), apply filter (pcap syntax), set
 * non-blocking.  Returns NULL with a message in errbuf.  *eperm is set to 1
 * when the failure is a permission problem.
 */
struct snf *snf_open(const char *iface, const char *filter, char *errbuf,
    size_t errlen, int *eperm);

/* The pcap datalink type (DLT_*), for seg_decode. */
int snf_datalink(const struct snf *s);

/* The capture interface's MTU when it was opened, 0 if unknown: the
 * largest IP packet the link carries (a bigger captured one was never on
 * it as such, see seg_gso_piece). */
unsigned snf_mtu(const struct snf *s);

/* A file descriptor to poll for readability. */
int snf_fd(const struct snf *s);

/* Deliver every packet that is waiting to cb; never blocks.  Returns the
 * number delivered or -1 with a message in errbuf. */
int snf_dispatch(struct snf *s, snf_cb *cb, void *arg, char *errbuf,
    size_t errlen);

/* Give every packet to tap too, before snf_dispatch's callback (the
 * neighbour responder, nd.c, sees the ARP/ND frames this way). */
void snf_set_tap(struct snf *s, snf_cb *tap, void *arg);

/* Packets the kernel dropped from this capture so far (buffer full), or
 * 0 when libpcap cannot tell.  A failing case quotes the count: a lost
 * segment looks to the matcher like a silent target. */
uint64_t snf_drops(struct snf *s);

void snf_close(struct snf *s);

#endif
