/*
 * fuzz_decode.c - libFuzzer harness for the segment decoder (seg-decode.c): any
 * bytes, on any link type we decode, over IPv4 and IPv6 with extension
 * headers.  The first input byte picks the link type.  A decoded segment
 * is also printed, which walks every option.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <pcap/dlt.h>

#include "seg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL,
	    DLT_NULL, DLT_LOOP, DLT_IPV4 };
	struct seg s;
	char why[128], line[1024];

	if (size < 1)
		return 0;
	if (seg_decode(dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))],
	    data + 1, size - 1, &s, why, sizeof(why)) == SEG_OK)
		seg_format(&s, s.seq, s.ack, line, sizeof(line));
	/* The same bytes as a whole frame: lengths beyond it are MALFORMED,
	 * and a malformed IPv4 header still yields addresses and ports. */
	if (seg_decode_frame(dlts[data[0] % (sizeof(dlts) /
	    sizeof(dlts[0]))], data + 1, size - 1, size - 1, &s, why,
	    sizeof(why)) == SEG_OK)
		seg_format(&s, s.seq, s.ack, line, sizeof(line));
	return 0;
}
