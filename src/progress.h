/*
 * progress.h - the live progress line of "tcpconform run" on a terminal:
 * cases done, running and failed, and the longest timer still pending.
 *
 * The interpreter feeds it (a case started, ended, armed or cleared its
 * wait); it never looks into the interpreter.  Every call accepts a NULL
 * struct prog and then does nothing, so a run without a terminal just
 * passes NULL.
 */
#ifndef TC_PROGRESS_H
#define TC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct prog;

/* What the line shows; the input of prog_format(). */
struct prog_stat {
	unsigned done, total, running, failed;
	const char *timer_id;	/* case of the longest pending timer, or NULL */
	uint64_t timer_ns;	/* time left on it */
};

/* progress.c */

/*
 * A progress line for total cases, drawn on fd (a terminal: the caller
 * checks) at most every 250 ms from a timer on loop.  Returns NULL when
 * out of memory.  Free with prog_free(), before the loop.
 */
struct prog *prog_new(struct ev_loop *loop, int fd, unsigned total);

/* Case slot (0 .. total-1) named id started; id must outlive p. */
void prog_case_start(struct prog *p, size_t slot, const char *id);

/* Case slot ended; failed: its verdict is FAIL.  Clears its timer. */
void prog_case_end(struct prog *p, size_t slot, int failed);

/*
 * Case slot now waits until deadline_ns (ev_now_ns() clock); 0: it waits
 * on no timer.
 */
void prog_timer(struct prog *p, size_t slot, uint64_t deadline_ns);

/*
 * Clear the line before other output goes to the terminal; the next tick
 * draws it again below that output.
 */
void prog_hide(struct prog *p);

/* Clear the line for good, stop the timer and free p. */
void prog_free(struct prog *p);

/*
 * Format st into buf as "[done/total] running N, failed F, longest
 * pending timer: ID 12.3 s" (the timer part only with a timer_id), cut
 * to at most cols - 1 characters so the terminal never wraps it (cols 0:
 * no limit).  Always NUL-terminates a non-empty buf.  Returns the length
 * written.
 */
size_t prog_format(char *buf, size_t len, const struct prog_stat *st,
    unsigned cols);

#endif
