/*
 * pcapw.c - one pcap file per case, written with libpcap's dumper on a
 * "dead" handle of the capture's link type and nanosecond precision, so
 * the file shows the packets exactly as the run saw them.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapw.h"
#include "util.h"

#define PCAPW_SNAPLEN 262144	/* as the capture (sniff.c) */

struct pcapw {
	pcap_t *dead;
	pcap_dumper_t *d;
	char *path;
};

/*
 * The names in DIR are predictable (the case ids), so whoever else can
 * write there could plant a link to a file of ours: a symbolic link is
 * never followed (O_NOFOLLOW), a file that exists is reused only when it
 * is a plain one with no other hard link, and only then truncated.
 */
static FILE *
pcapw_fopen(const char *path, char *errbuf, size_t errlen)
{
	struct stat sb;
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0666);
	if (fd == -1 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK);
	if (fd == -1) {
		tc_errf(errbuf, errlen, "%s: %s", path, errno == ELOOP ?
		    "a symbolic link, not followed" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		tc_errf(errbuf, errlen, "%s: not a plain file (a device, or "
		    "a file with other hard links), not overwritten", path);
		close(fd);
		return NULL;
	}
	if (ftruncate(fd, 0) != 0 || (f = fdopen(fd, "wb")) == NULL) {
		tc_errf(errbuf, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	return f;
}

struct pcapw *
pcapw_open(const char *dir, const char *id, int dlt, char *errbuf,
    size_t errlen)
{
	struct pcapw *w;
	FILE *f;
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
	if ((f = pcapw_fopen(w->path, errbuf, errlen)) == NULL) {
		pcapw_free(w);
		return NULL;
	}
	if ((w->d = pcap_dump_fopen(w->dead, f)) == NULL) {
		tc_errf(errbuf, errlen, "%s", pcap_geterr(w->dead));
		fclose(f);
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

int
pcapw_close(struct pcapw *w, char *errbuf, size_t errlen)
{
	FILE *f;
	int rc = 0, e = 0;

	if (w == NULL)
		return 0;
	if (w->d != NULL) {
		/* pcap_dump() says nothing of a failed write; the stream
		 * does, and fclose (pcap_dump_close) has the last word. */
		f = pcap_dump_file(w->d);
		if (fflush(f) != 0)
			e = errno;
		else if (ferror(f))
			e = EIO;
		pcap_dump_close(w->d);	/* fclose: its status is lost */
		if (e != 0) {
			tc_errf(errbuf, errlen, "%s: %s", w->path,
			    strerror(e));
			rc = -1;
		}
	}
	w->d = NULL;
	if (w->dead != NULL)
		pcap_close(w->dead);
	w->dead = NULL;
	return rc;
}

void
pcapw_free(struct pcapw *w)
{
	if (w == NULL)
		return;
	pcapw_close(w, NULL, 0);
	free(w->path);
	free(w);
}
