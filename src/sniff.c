/*
 * sniff.c - capture with libpcap: immediate mode, a narrow BPF filter,
 * nanosecond timestamps and a poll-able fd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "sniff.h"
#include "util.h"

#define SNF_SNAPLEN	262144		/* tcpdump's default: whole packets */
#define SNF_BUFSIZE	(4 << 20)	/* room for bursts between polls */

struct snf {
	pcap_t		*p;
	uint64_t	 ts_mult;	/* 1 with ns timestamps, 1000 with us */
	int		 fd;
	unsigned	 mtu;		/* the interface's, 0: unknown */
	snf_cb		*tap;		/* sees every packet first, or NULL */
	void		*tap_arg;
};

/* What pcap_dispatch carries to snf_pcap_cb. */
struct snf_call {
	snf_cb		*cb;
	void		*arg;
	uint64_t	 ts_mult;
	snf_cb		*tap;
	void		*tap_arg;
};

/* The pcap error text, or the status name when pcap left none. */
static const char *
snf_err(pcap_t *p, int rc)
{
	const char *e = pcap_geterr(p);

	return (e != NULL && *e != '\0') ? e : pcap_statustostr(rc);
}

/* The MTU of iface, 0 when it cannot be read. */
static unsigned
snf_if_mtu(const char *iface)
{
	struct ifreq ifr;
	unsigned mtu = 0;
	int fd;

	if (strlen(iface) >= sizeof(ifr.ifr_name))
		return 0;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, iface, strlen(iface));
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

struct snf *
snf_open(const char *iface, const char *filter, char *errbuf, size_t errlen,
    int *eperm)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct snf *s;
	pcap_t *p;
	uint64_t mult = 1;
	int rc, fd;

	*eperm = 0;
	if (iface == NULL) {
		tc_errf(errbuf, errlen, "pcap: no interface given");
		return NULL;
	}
	perr[0] = '\0';
	if ((p = pcap_create(iface, perr)) == NULL) {
		tc_errf(errbuf, errlen, "pcap_create %s: %s", iface, perr);
		return NULL;
	}
	if (pcap_set_snaplen(p, SNF_SNAPLEN) != 0 ||
	    pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_buffer_size(p, SNF_BUFSIZE) != 0) {
		tc_errf(errbuf, errlen, "pcap setup %s: %s", iface,
		    pcap_geterr(p));
		goto fail;
	}
	/* Some capture types refuse ns: then keep us and scale below. */
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

	errno = 0;
	rc = pcap_activate(p);
	if (rc < 0) {
		if (rc == PCAP_ERROR_PERM_DENIED ||
		    (rc == PCAP_ERROR && errno == EPERM))
			*eperm = 1;
		tc_errf(errbuf, errlen, "pcap_activate %s: %s", iface,
		    snf_err(p, rc));
		goto fail;
	}
	/* rc > 0 is a warning (e.g. no promiscuous mode): harmless here. */
	if (pcap_get_tstamp_precision(p) != PCAP_TSTAMP_PRECISION_NANO)
		mult = 1000;

	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		tc_errf(errbuf, errlen, "pcap_compile \"%s\": %s", filter,
		    pcap_geterr(p));
		goto fail;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		tc_errf(errbuf, errlen, "pcap_setfilter %s: %s", iface,
		    pcap_geterr(p));
		goto fail;
	}
	if (pcap_setnonblock(p, 1, perr) != 0) {
		tc_errf(errbuf, errlen, "pcap_setnonblock %s: %s", iface,
		    perr);
		goto fail;
	}
	if ((fd = pcap_get_selectable_fd(p)) == -1) {
		tc_errf(errbuf, errlen, "pcap %s: no selectable fd", iface);
		goto fail;
	}
	/* libpcap opens its packet socket without close-on-exec: no
	 * command we run may inherit our capture. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		tc_errf(errbuf, errlen, "pcap %s: close-on-exec: %s", iface,
		    strerror(errno));
		goto fail;
	}

	s = xcalloc(1, sizeof(*s));
	s->p = p;
	s->fd = fd;
	s->ts_mult = mult;
	s->mtu = snf_if_mtu(iface);
	return s;

fail:
	pcap_close(p);
	return NULL;
}

uint64_t
snf_drops(struct snf *s)
{
	struct pcap_stat st;

	if (pcap_stats(s->p, &st) != 0)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

int
snf_datalink(const struct snf *s)
{
	return pcap_datalink(s->p);
}

unsigned
snf_mtu(const struct snf *s)
{
	return s->mtu;
}

int
snf_fd(const struct snf *s)
{
	return s->fd;
}

static void
snf_pcap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct snf_call *c = (struct snf_call *)user;
	uint64_t ts;

	/* tv_usec holds ns when the handle has nanosecond precision. */
	ts = (uint64_t)h->ts.tv_sec * NS_PER_SEC +
	    (uint64_t)h->ts.tv_usec * c->ts_mult;
	if (c->tap != NULL)
		c->tap(bytes, h->caplen, h->len, ts, c->tap_arg);
	c->cb(bytes, h->caplen, h->len, ts, c->arg);
}

int
snf_dispatch(struct snf *s, snf_cb *cb, void *arg, char *errbuf,
    size_t errlen)
{
	struct snf_call c = { cb, arg, s->ts_mult, s->tap, s->tap_arg };
	int n;

	/* Non-blocking: -1 takes everything the ring holds, 0 is "none". */
	n = pcap_dispatch(s->p, -1, snf_pcap_cb, (u_char *)&c);
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n < 0) {
		tc_errf(errbuf, errlen, "pcap_dispatch: %s", pcap_geterr(s->p));
		return -1;
	}
	return n;
}

void
snf_set_tap(struct snf *s, snf_cb *tap, void *arg)
{
	s->tap = tap;
	s->tap_arg = arg;
}

void
snf_close(struct snf *s)
{
	if (s == NULL)
		return;
	pcap_close(s->p);
	free(s);
}
