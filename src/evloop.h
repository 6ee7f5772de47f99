/*
 * evloop.h - the event loop: one poll(2) over a few fds and a binary heap
 * of timers (redis ae-sized API, STYLE 10).  Script time comes from here,
 * never from sleep().
 */
#ifndef TC_EVLOOP_H
#define TC_EVLOOP_H

#include <stdint.h>

#define EV_READ 0x1

struct ev_loop;

typedef void ev_fd_cb(int fd, short what, void *arg);
typedef void ev_timer_cb(uint64_t id, void *arg);

/* evloop.c */

/* Monotonic clock in nanoseconds (CLOCK_MONOTONIC). */
uint64_t ev_now_ns(void);

/*
 * The time of loop l in nanoseconds: the clock its timers run on, and the
 * only clock the engine reads.  CLOCK_MONOTONIC (ev_now_ns), or a virtual
 * loop's own clock.
 */
uint64_t ev_now(const struct ev_loop *l);

/* New loop, or NULL when out of memory. Free with ev_free. */
struct ev_loop *ev_new(void);

/*
 * New virtual loop whose clock starts at start_ns, or NULL when out of
 * memory.  It watches no fds (ev_add_fd fails) and never sleeps: ev_run
 * sets the clock to the next timer's deadline and fires it.  Timers due
 * at the same time fire I/O timers first, then in the order they were
 * added.  For replaying a recorded run (wire-replay.c).
 */
struct ev_loop *ev_new_virtual(uint64_t start_ns);
void ev_free(struct ev_loop *l);

/* Watch fd for readability; at most a handful of fds. Returns 0, or -1
 * (too many, or a virtual loop). */
int ev_add_fd(struct ev_loop *l, int fd, ev_fd_cb *cb, void *arg);
void ev_del_fd(struct ev_loop *l, int fd);

/*
 * Call cb once, after_ns from now.  Returns a timer id (never 0), or 0 when
 * out of memory.
 */
uint64_t ev_add_timer(struct ev_loop *l, uint64_t after_ns, ev_timer_cb *cb,
    void *arg);

/*
 * ev_add_timer for an I/O event: it fires before every ordinary timer due
 * at the same time, as a live loop serves ready fds before due timers.  A
 * replayed capture delivers its frames with these, so that a frame
 * captured before a deadline is seen before the deadline fires.
 */
uint64_t ev_add_io_timer(struct ev_loop *l, uint64_t after_ns,
    ev_timer_cb *cb, void *arg);

/* Cancel a pending timer; unknown or fired ids are ignored. */
void ev_del_timer(struct ev_loop *l, uint64_t id);

/*
 * Call fn(arg) after every callback the loop makes (fd or timer), NULL for
 * none: where the caller finishes what its callbacks only recorded (the
 * engine's interp_settle), so code below it never calls up.
 */
void ev_set_after(struct ev_loop *l, void (*fn)(void *), void *arg);

/* Run until ev_stop() or nothing is left to wait for. Returns 0, or -1 on a
 * poll error other than EINTR. */
int ev_run(struct ev_loop *l);
void ev_stop(struct ev_loop *l);

#endif
