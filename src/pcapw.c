/*
 * pcapw.c - one pcap file per case, written with libpcap's dumper on a
 * "dead" handle of the capture's link type and nanosecond precision, so
 * the file shows the packets exactly as the run saw them.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "pcapw.h"
#include "util.h"

#define PCAPW_SNAPLEN 262144	/* as the capture (sniff.c) */

struct pcapw {
	pcap_t *dead;
	pcap_dumper_t *d;
	char *path;
};

struct pcapw *
pcapw_open(const char *dir, const char *id, int dlt, char *errbuf,
    size_t errlen)
{
	struct pcapw *w;
	char *name = xstrdup(id), *p;

	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-') || (p == name && *p == '.'))
			*p = '_';
	w = xcalloc(1, sizeof(*w));
	w->path = xasprintf("%s/%s.pcap", dir, name);
	free(name);
	w->dead = pcap_open_dead_with_tstamp_precision(dlt, PCAPW_SNAPLEN,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (w->dead == NULL) {
		tc_errf(errbuf, errlen, "%s: cannot create a pcap handle",
		    w->path);
		pcapw_free(w);
		return NULL;
	}
	if ((w->d = pcap_dump_open(w->dead, w->path)) == NULL) {
		tc_errf(errbuf, errlen, "%s", pcap_geterr(w->dead));
		pcapw_free(w);
		return NULL;
	}
	return w;
}

const char *
pcapw_path(const struct pcapw *w)
{
	return w->path;
}

void
pcapw_write(struct pcapw *w, const uint8_t *pkt, size_t caplen, size_t len,
    uint64_t ts_ns)
{
	struct pcap_pkthdr h;

	if (w == NULL || w->d == NULL)
		return;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts_ns / NS_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(ts_ns % NS_PER_SEC);	/* ns: nano handle */
	h.caplen = (bpf_u_int32)caplen;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->d, &h, pkt);
}

void
pcapw_close(struct pcapw *w)
{
	if (w == NULL)
		return;
	if (w->d != NULL)
		pcap_dump_close(w->d);
	w->d = NULL;
	if (w->dead != NULL)
		pcap_close(w->dead);
	w->dead = NULL;
}

void
pcapw_free(struct pcapw *w)
{
	if (w == NULL)
		return;
	pcapw_close(w);
	free(w->path);
	free(w);
}
