/*
 * route.c - one RTM_GETROUTE request: what `ip route get DST` asks.
 *
 * Written by hand rather than with libnl/libmnl: it is one request and one
 * reply of fixed shape, smaller than the glue a library would need.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if_arp.h>

#include <net/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "route.h"
#include "util.h"

#define RT_BUFSZ	8192	/* one route reply is a few hundred bytes */

struct rt_req {
	struct nlmsghdr	nh;
	struct rtmsg	rt;
	char		attrs[64];
};

/* Append attribute type with len bytes of data to the request. */
static void
rt_attr(struct rt_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a;

	a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* The interface's hardware address, when it is Ethernet-like. */
static void
rt_mac(struct rt_path *p)
{
	struct ifreq ifr;
	int fd;

	p->has_mac = 0;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
	    ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
		memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
		p->has_mac = 1;
	}
	close(fd);
}

/* Parse the RTM_NEWROUTE reply into p.  Returns 0 or -1 with errbuf. */
static int
rt_parse(const char *buf, size_t n, int af, const union seg_addr *dst,
    struct rt_path *p, char *errbuf, size_t errlen)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *e;
	const struct rtmsg *rt;
	const struct rtattr *a;
	size_t alen = seg_addr_len(af);
	int len, have_src = 0;
	char addr[INET6_ADDRSTRLEN];

	for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			e = NLMSG_DATA(nh);
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				break;
			tc_errf(errbuf, errlen, "no route to %s: %s",
			    seg_addr_str(af, dst, addr, sizeof(addr)),
			    strerror(-e->error));
			return -1;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		rt = NLMSG_DATA(nh);
		if (rt->rtm_type != RTN_UNICAST) {
			tc_errf(errbuf, errlen, "no route to %s: route type "
			    "%u is not unicast (local or unreachable)",
			    seg_addr_str(af, dst, addr, sizeof(addr)),
			    rt->rtm_type);
			return -1;
		}
		len = (int)RTM_PAYLOAD(nh);
		for (a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			switch (a->rta_type) {
			case RTA_OIF:
				if (RTA_PAYLOAD(a) == sizeof(int))
					memcpy(&p->ifindex, RTA_DATA(a),
					    sizeof(int));
				break;
			case RTA_PREFSRC:
				if (RTA_PAYLOAD(a) == alen) {
					memcpy(&p->src, RTA_DATA(a), alen);
					have_src = 1;
				}
				break;
			case RTA_GATEWAY:
				if (RTA_PAYLOAD(a) == alen) {
					memcpy(&p->nexthop, RTA_DATA(a), alen);
					p->gateway = 1;
				}
				break;
			}
		}
		if (p->ifindex == 0 || !have_src)
			break;
		if (if_indextoname((unsigned)p->ifindex, p->ifname) == NULL) {
			tc_errf(errbuf, errlen, "interface %d: %s",
			    p->ifindex, strerror(errno));
			return -1;
		}
		return 0;
	}
	tc_errf(errbuf, errlen, "no route to %s: the kernel's answer has no "
	    "interface or source address",
	    seg_addr_str(af, dst, addr, sizeof(addr)));
	return -1;
}

int
rt_lookup(int af, const union seg_addr *dst, const char *ifname,
    struct rt_path *p, char *errbuf, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct rt_req req;
	char buf[RT_BUFSZ];
	ssize_t n;
	int fd, oif, rc;

	memset(p, 0, sizeof(*p));
	p->af = af;
	memcpy(&p->nexthop, dst, seg_addr_len(af));
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = (unsigned char)af;
	req.rt.rtm_dst_len = (unsigned char)(seg_addr_len(af) * 8);
	rt_attr(&req, RTA_DST, dst, seg_addr_len(af));
	if (ifname != NULL) {
		if ((oif = (int)if_nametoindex(ifname)) == 0) {
			tc_errf(errbuf, errlen, "interface %s: %s", ifname,
			    strerror(errno));
			return -1;
		}
		rt_attr(&req, RTA_OIF, &oif, sizeof(oif));
	}

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0) {
		tc_errf(errbuf, errlen, "netlink: %s", strerror(errno));
		return -1;
	}
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0 || (n = recv(fd, buf, sizeof(buf), 0)) < 0) {
		tc_errf(errbuf, errlen, "netlink: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	rc = rt_parse(buf, (size_t)n, af, dst, p, errbuf, errlen);
	if (rc == 0)
		rt_mac(p);
	return rc;
}
