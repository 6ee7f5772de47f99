/*
 * target-replay.h - the target of a replayed run (target-replay.c): no
 * target to ask; settings read as the case requires or pins them, exec
 * commands end at once with the status their steps expect.
 */
#ifndef TC_TARGET_REPLAY_H
#define TC_TARGET_REPLAY_H

#include <stdio.h>

struct ev_loop;
struct plan_case;
struct target;

/* target-replay.c */

/*
 * The target for replaying case pc on loop (exec commands end from its
 * timers).  pc and loop must outlive it.  Never fails; free with
 * target_free().
 */
struct target *target_replay_new(const struct plan_case *pc,
    struct ev_loop *loop);

/*
 * Print to f, after the run, what replay took as given instead of asking
 * the target (exec commands not re-run, sysctls not read), one line each,
 * prefixed with progname; nothing if nothing was.  t is a replay target.
 */
void target_replay_notes(struct target *t, FILE *f, const char *progname);

#endif
