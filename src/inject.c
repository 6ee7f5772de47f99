/*
 * inject.c - send crafted segments through libnet: a raw IPv4 socket that
 * the kernel routes, or whole Ethernet frames at the link layer (IPv6, and
 * spoofed sources whose replies we answer ARP/ND for ourselves).
 *
 * The packet is kept between sends: libnet rebuilds a protocol block in
 * place when given its ptag, so a run does not allocate per segment.  A
 * change in the options length or in the presence of a payload starts
 * over instead (see inj_send).
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libnet.h>

#include "cksum.h"
#include "inject.h"
#include "seg.h"
#include "util.h"

#define INJ_TCP_HMAX	60	/* RFC 9293 3.1: data offset is 4 bits */
#define INJ_IP_MAX	65535	/* RFC 791: total length is 16 bits */

struct inj {
	libnet_t	*l;
	libnet_ptag_t	 opt_tag;	/* 0 when the packet has no options */
	libnet_ptag_t	 tcp_tag;
	libnet_ptag_t	 ip_tag;
	libnet_ptag_t	 eth_tag;	/* link mode only */
	int		 af;		/* of the IP header we build */
	int		 link;		/* 1: LIBNET_LINK, frames with eth_* */
	uint8_t		 eth_src[6], eth_dst[6];
	int		 optlen;	/* -1: nothing built yet */
	int		 has_data;
};

struct inj *
inj_open(const char *iface, int af, const struct inj_link *link,
    char *errbuf, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE];
	const char *what = NULL;
	struct inj *inj;
	libnet_t *l;
	int mark = INJ_MARK, saved, fd;

	if (af != AF_INET && link == NULL) {
		tc_errf(errbuf, errlen, "inject: IPv6 needs link-layer "
		    "injection");
		errno = EINVAL;
		return NULL;
	}
	lerr[0] = '\0';
	/* libnet_init's prototype wants char *, it does not modify it. */
	l = libnet_init(link != NULL ? LIBNET_LINK : LIBNET_RAW4,
	    (char *)iface, lerr);
	if (l == NULL) {
		/*
		 * libnet 1.1.6 cleans up with close(-1) and leaves EBADF:
		 * redo the socket call it makes to recover the real errno.
		 */
		saved = errno;
		if ((fd = link != NULL ? socket(AF_PACKET, SOCK_RAW, 0) :
		    socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) == -1)
			saved = errno;
		else
			close(fd);
		tc_errf(errbuf, errlen, "libnet_init: %s", lerr);
		errno = saved;
		return NULL;
	}
	/* libnet's raw socket is not close-on-exec: no command we run may
	 * inherit it (one run as nobody could send through it).  The guard
	 * drops unmarked packets to our ports (guard.c). */
	if (fcntl(libnet_getfd(l), F_SETFD, FD_CLOEXEC) == -1)
		what = "close-on-exec";
	else if (setsockopt(libnet_getfd(l), SOL_SOCKET, SO_MARK, &mark,
	    sizeof(mark)) == -1)
		what = "setsockopt SO_MARK";
	if (what != NULL) {
		saved = errno;
		tc_errf(errbuf, errlen, "libnet socket %s: %s", what,
		    strerror(saved));
		libnet_destroy(l);
		errno = saved;
		return NULL;
	}
	inj = xcalloc(1, sizeof(*inj));
	inj->l = l;
	inj->af = af;
	inj->optlen = -1;
	if (link != NULL) {
		inj->link = 1;
		memcpy(inj->eth_src, link->src, sizeof(inj->eth_src));
		memcpy(inj->eth_dst, link->dst, sizeof(inj->eth_dst));
	}
	return inj;
}

/*
 * The correct TCP checksum (host order) of the segment: pseudo-header
 * (RFC 9293 3.1), header with a zero checksum field, options, payload.
 * The pieces are not contiguous in libnet's blocks, hence not
 * seg_tcp_checksum().
 */
static uint16_t
inj_tcp_csum(const struct seg *s, const uint8_t *hdr, const uint8_t *opt,
    size_t optlen)
{
	uint8_t ph[4];
	uint8_t h[LIBNET_TCP_H];
	uint64_t sum;
	uint32_t tcplen;
	size_t alen = seg_addr_len(s->af);

	/* RFC 9293 3.1 / RFC 8200 8.1: addresses, then protocol and TCP
	 * length; the IPv6 zero padding adds nothing to the sum. */
	tcplen = LIBNET_TCP_H + optlen + s->paylen;
	ph[0] = 0;
	ph[1] = IPPROTO_TCP;
	ph[2] = tcplen >> 8;
	ph[3] = tcplen & 0xff;
	memcpy(h, hdr, sizeof(h));
	h[16] = h[17] = 0;

	/* Every piece but the payload is of even length (cksum_add). */
	sum = cksum_add(0, (const uint8_t *)&s->src, alen);
	sum = cksum_add(sum, (const uint8_t *)&s->dst, alen);
	sum = cksum_add(sum, ph, sizeof(ph));
	sum = cksum_add(sum, h, sizeof(h));
	sum = cksum_add(sum, opt, optlen);
	sum = cksum_add(sum, s->payload, s->paylen);
	return (uint16_t)~cksum_fold(sum);
}

/* Forget the packet so the next send builds every block afresh. */
static void
inj_reset(struct inj *inj)
{
	libnet_clear_packet(inj->l);
	inj->opt_tag = inj->tcp_tag = inj->ip_tag = inj->eth_tag = 0;
	inj->optlen = -1;
	inj->has_data = 0;
}

int
inj_send(struct inj *inj, const struct seg *s, char *errbuf, size_t errlen)
{
	uint8_t opt[40];
	libnet_t *l = inj->l;
	libnet_ptag_t t;
	uint8_t *hdr;
	uint32_t tcplen;
	uint16_t csum;
	int optlen, has_data;

	struct libnet_in6_addr a6s, a6d;

	if (s->af != inj->af) {
		tc_errf(errbuf, errlen, "inject: segment is IPv%d, the "
		    "injector IPv%d", s->af == AF_INET ? 4 : 6,
		    inj->af == AF_INET ? 4 : 6);
		return -1;
	}
	if ((optlen = seg_opts_encode(s, opt, sizeof(opt))) < 0) {
		tc_errf(errbuf, errlen, "inject: TCP options exceed 40 bytes");
		return -1;
	}
	/* The IPv4 bound is the tighter one (IPv6 counts no header). */
	if (s->paylen > INJ_MAX_PAYLOAD ||
	    (s->paylen > 0 && s->payload == NULL)) {
		tc_errf(errbuf, errlen, "inject: bad payload length %zu",
		    s->paylen);
		return -1;
	}
	tcplen = LIBNET_TCP_H + optlen + s->paylen;
	has_data = s->paylen > 0;

	/*
	 * Adding or dropping a block in place means libnet 1.1.6 must
	 * splice it into the chain and patch lengths behind our back;
	 * starting over is simpler and rare (options change per phase).
	 * Payload size changes in place were checked on the wire.
	 */
	if (inj->optlen != optlen || inj->has_data != has_data)
		inj_reset(inj);

	/* Build innermost first: options, TCP, IPv4 (libnet's order). */
	if (optlen > 0) {
		t = libnet_build_tcp_options(opt, optlen, l, inj->opt_tag);
		if (t == -1)
			goto fail;
		inj->opt_tag = t;
	}
	/* sum 0: libnet fills in the checksum at write time. */
	t = libnet_build_tcp(s->sport, s->dport, s->seq, s->ack,
	    s->flags & 0xff, s->win, 0, s->urp, tcplen,
	    has_data ? s->payload : NULL, s->paylen, l, inj->tcp_tag);
	if (t == -1)
		goto fail;
	inj->tcp_tag = t;
	if ((hdr = libnet_getpbuf(l, t)) == NULL)
		goto fail;
	/* libnet zeroes th_x2; the reserved bits go to byte 12's low nibble
	 * (RFC 9293 3.1), before the checksum is computed at write time. */
	hdr[12] = (hdr[12] & 0xf0) | ((s->flags & SEG_RES_MASK) >> 8);
	/* A forced data offset, also only in the header: the IP length
	 * and the checksum still cover the segment as built. */
	if (s->doff_set)
		hdr[12] = (uint8_t)(s->doff << 4) | (hdr[12] & 0x0f);

	if (s->bad_csum) {
		/* Flip one bit: never ones'-complement equal to the right
		 * value, unlike ~csum when csum is 0 or 0xffff. */
		csum = inj_tcp_csum(s, hdr, opt, optlen) ^ 0x8000;
		if (libnet_toggle_checksum(l, t, LIBNET_OFF) == -1)
			goto fail;
		hdr[16] = csum >> 8;
		hdr[17] = csum & 0xff;
	} else if (libnet_toggle_checksum(l, t, LIBNET_ON) == -1)
		goto fail;

	if (s->af == AF_INET) {
		/* With IP_HDRINCL Linux recomputes the IP checksum, and
		 * replaces an ipid of 0 with one of its own
		 * (raw_send_hdrinc); at the link layer libnet sums it. */
		t = libnet_build_ipv4(LIBNET_IPV4_H + tcplen, s->tos, s->ipid,
		    s->df ? IP_DF : 0, s->ttl, IPPROTO_TCP, 0,
		    s->src.v4.s_addr, s->dst.v4.s_addr, NULL, 0, l,
		    inj->ip_tag);
	} else {
		memcpy(&a6s, &s->src.v6, sizeof(a6s));
		memcpy(&a6d, &s->dst.v6, sizeof(a6d));
		/* RFC 8200 3: payload length excludes the 40-byte header. */
		t = libnet_build_ipv6(s->tos, s->flow & 0xfffff, tcplen,
		    IPPROTO_TCP, s->ttl, a6s, a6d, NULL, 0, l, inj->ip_tag);
	}
	if (t == -1)
		goto fail;
	inj->ip_tag = t;
	if (inj->link) {
		t = libnet_build_ethernet(inj->eth_dst, inj->eth_src,
		    s->af == AF_INET ? ETHERTYPE_IP : ETHERTYPE_IPV6, NULL, 0,
		    l, inj->eth_tag);
		if (t == -1)
			goto fail;
		inj->eth_tag = t;
	}
	inj->optlen = optlen;
	inj->has_data = has_data;

	if (libnet_write(l) == -1) {
		tc_errf(errbuf, errlen, "libnet_write: %s",
		    libnet_geterror(l));
		return -1;
	}
	return 0;

fail:
	tc_errf(errbuf, errlen, "libnet: %s", libnet_geterror(l));
	inj_reset(inj);
	return -1;
}

void
inj_close(struct inj *inj)
{
	if (inj == NULL)
		return;
	libnet_destroy(inj->l);
	free(inj);
}
