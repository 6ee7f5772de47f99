/*
 * wire-replay.h - the wire of a replayed run (wire-replay.c): a recorded
 * capture of one case played back on a virtual event loop.
 */
#ifndef TC_WIRE_REPLAY_H
#define TC_WIRE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "seg.h"

struct wire;

/* wire-replay.c */

/*
 * Read the capture at path (pcap or pcapng, any link type seg_decode
 * knows) whole and tell our side from the target's: the side that opened
 * the connection is ours, the target's when client is set (a client case:
 * the target connects to us).  Returns the wire, or NULL with a message
 * in errbuf for a capture that cannot be read, is damaged (truncated), or
 * holds no TCP segment.  Free with wire_free().
 */
struct wire *wire_replay_open(const char *path, bool client, char *errbuf,
    size_t errlen);

/*
 * The run's two ends as the capture shows them: the address family, our
 * address and port, the target's address and port.  w is a replay wire.
 * Returns 0.
 */
int wire_replay_sides(const struct wire *w, int *af, union seg_addr *ours,
    union seg_addr *peer, uint16_t *our_port, uint16_t *peer_port);

/* The capture time of the first packet (ns): the virtual clock's start. */
uint64_t wire_replay_t0(const struct wire *w);

/*
 * After the run: did every segment the case sent stand for the capture's?
 * Returns 0, or -1 with the first difference in errbuf ("the case sent
 * ... but the capture has ... (packet N)").
 */
int wire_replay_check(const struct wire *w, char *errbuf, size_t errlen);

/*
 * After the run: did the case send every segment of ours the capture
 * holds?  Returns 0, or -1 naming the first it did not send in errbuf.
 * A case that failed stops where it failed, and a capture of a run that
 * judged otherwise (an older model) goes on: only a case that passed
 * without sending them went another way than the recorded run.
 */
int wire_replay_unsent(const struct wire *w, char *errbuf, size_t errlen);

#endif
