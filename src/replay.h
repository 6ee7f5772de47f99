/*
 * replay.h - tcpconform replay (replay.c): one case judged offline from a
 * recorded capture, by the engine, on a replay wire (wire-replay.c), a
 * replay target (target-replay.c) and a virtual loop.
 */
#ifndef TC_REPLAY_H
#define TC_REPLAY_H

#include <stddef.h>
#include <stdio.h>

struct plan;
struct rep_cfg;
struct replay;

/* replay.c */

/*
 * Read the capture at path for the one case of one (a plan of one case,
 * which must outlive the replay).  Returns the replay, or NULL with a
 * message in errbuf (the capture cannot be read, is damaged or empty).
 */
struct replay *replay_open(const struct plan *one, const char *path,
    char *errbuf, size_t errlen);

/*
 * Judge the case, reporting to out as rcfg says (its plan and target are
 * set here; --strict and --expect in it).  Returns 1 when the case fails
 * the run (rep_totals' fatal), 0 when it does not, or -1 with a message
 * in errbuf when the replay could not judge it: the case did not send
 * what the capture holds (the report is written all the same).
 */
int replay_run(struct replay *r, FILE *out, const struct rep_cfg *rcfg,
    char *errbuf, size_t errlen);

/* After replay_run: print to f what replay took as given instead of
 * asking the target (target_replay_notes), prefixed with progname. */
void replay_notes(struct replay *r, FILE *f, const char *progname);

/* Free r (NULL is fine). */
void replay_free(struct replay *r);

#endif
