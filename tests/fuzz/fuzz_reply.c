/*
 * fuzz_reply.c - libFuzzer harness for "tcpconform send"'s reply
 * handling (oneshot.c os_capture_cb): every frame the capture hands it
 * is decoded, sorted into our own copies (their capture time is the RTT
 * reference) and the target's replies, which are printed with their RTT.
 * oneshot.c is compiled into this file to reach that callback and its
 * run state; the replies go to /dev/null.
 *
 * Input: byte 0 picks the link type and family (bit 0: IPv6), byte 1 how
 * many segments were sent (0-15); then frames, each a 2-byte length (low
 * byte first), an 8-byte capture time (low byte first) and the frame.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <pcap/dlt.h>

#include "../../src/oneshot.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL,
	    DLT_NULL };
	static int quiet;
	uint64_t send_ts[16], ts;
	struct os_run r;
	size_t pos, n;
	int i;

	if (!quiet) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			fatalx("fuzz_reply: /dev/null: %s", strerror(errno));
		quiet = 1;
	}
	if (size < 2)
		return 0;
	memset(&r, 0, sizeof(r));
	seg_init(&r.tmpl);
	r.tmpl.af = data[0] & 1 ? AF_INET6 : AF_INET;
	(void)seg_addr_parse(r.tmpl.af == AF_INET ? "198.18.0.1" :
	    "2001:db8::1", &r.tmpl.src);
	(void)seg_addr_parse(r.tmpl.af == AF_INET ? "198.18.0.2" :
	    "2001:db8::2", &r.tmpl.dst);
	r.tmpl.sport = 20000;
	r.tmpl.dport = 80;
	r.tmpl.flags = SEG_SYN;
	r.tmpl.seq = 1000;
	r.dlt = dlts[(data[0] >> 1) % (sizeof(dlts) / sizeof(dlts[0]))];
	r.count = 16;
	r.sent = data[1] & 15;
	r.last_sent = -1;
	r.send_ts = send_ts;
	for (i = 0; i < 16; i++)
		send_ts[i] = (uint64_t)(i + 1) * 1000000;
	for (pos = 2; pos + 10 <= size; pos += n) {
		n = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		ts = 0;
		for (i = 7; i >= 0; i--)
			ts = ts << 8 | data[pos + 2 + i];
		pos += 10;
		if (n > size - pos)
			n = size - pos;
		os_capture_cb(data + pos, n, n, ts, &r);
	}
	return 0;
}
