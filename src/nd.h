/*
 * nd.h - neighbour resolution at the link layer, done by us: ARP (RFC 826)
 * for IPv4 and Neighbor Discovery (RFC 4861) for IPv6.  It finds the next
 * hop's MAC for link-layer injection, and answers the target's ARP
 * requests and neighbour solicitations for a spoofed source address that
 * no local interface owns (DESIGN 4b), so the target's replies come to
 * our wire while the tester's kernel ignores them: no firewall rule.
 */
#ifndef TC_ND_H
#define TC_ND_H

#include <stddef.h>
#include <stdint.h>

#include "seg.h"

struct nd;
struct snf;

/* nd.c */

/*
 * Open on ifname (an Ethernet interface whose MAC is mac) with a libnet
 * link-layer handle.  Returns NULL with a message in errbuf.
 */
struct nd *nd_open(const char *ifname, const uint8_t mac[6], char *errbuf,
    size_t errlen);

/* Answer ARP requests (AF_INET) or neighbour solicitations (AF_INET6)
 * for addr with our MAC from now on.  One address per handle. */
void nd_claim(struct nd *nd, int af, const union seg_addr *addr);

/*
 * The pcap filter expression for the frames nd_input needs: "arp" or the
 * ICMPv6 neighbour solicitations and advertisements.
 */
const char *nd_filter(int af);

/*
 * Look at one captured Ethernet frame: answer a request for the claimed
 * address, learn the answer to our own request.  Any bytes are safe.
 */
void nd_input(struct nd *nd, const uint8_t *pkt, size_t caplen);

/*
 * Find target's MAC: ask from src (ARP request or neighbour solicitation)
 * up to three times, one second apart, reading the answers from snf
 * (whose filter must include nd_filter(af)).  Returns 0 with the MAC in
 * mac, or -1 with a message in errbuf.
 */
int nd_resolve(struct nd *nd, struct snf *snf, int af,
    const union seg_addr *src, const union seg_addr *target, uint8_t mac[6],
    char *errbuf, size_t errlen);

/* nd_input as a sniffer callback (sniff.h snf_cb), arg the nd handle:
 * for snf_set_tap during a run. */
void nd_tap(const uint8_t *pkt, size_t caplen, size_t len, uint64_t ts_ns,
    void *arg);

void nd_close(struct nd *nd);

#endif
