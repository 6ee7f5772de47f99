/*
 * evloop.c - poll(2) event loop with a binary min-heap of timers.
 *
 * Many cases share one loop: each registers timers, the capture fd wakes
 * whoever owns the packet.  Cancelled timers are removed from the heap at
 * once (by index), so the heap never holds dead entries.
 *
 * A virtual loop (ev_new_virtual) has no fds and never sleeps: its clock
 * jumps to the next due timer.  It replays a recorded run: the same
 * engine, the same timers, on the capture's time.  Timers due at the same
 * time fire in a fixed order (I/O timers first, then by creation), so a
 * replay gives the same result every time.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evloop.h"
#include "util.h"

#define EV_MAX_FDS 8

struct ev_timer {
	uint64_t id;		/* also the order of timers due together */
	uint64_t when;		/* ev_now() deadline */
	int io;			/* stands for a ready fd: fires first */
	ev_timer_cb *cb;
	void *arg;
};

struct ev_fd {
	int fd;
	ev_fd_cb *cb;
	void *arg;
};

struct ev_loop {
	struct ev_fd fds[EV_MAX_FDS];
	size_t nfds;
	struct ev_timer *heap;
	size_t nheap, cap;
	uint64_t next_id;
	int stop;
	int virt;		/* a virtual loop: no fds, no sleeping */
	uint64_t vnow;		/* its clock */
	void (*after)(void *);	/* ev_set_after's */
	void *after_arg;
};

uint64_t
ev_now_ns(void)
{
	return tc_clock_ns(CLOCK_MONOTONIC);
}

uint64_t
ev_now(const struct ev_loop *l)
{
	return l->virt ? l->vnow : ev_now_ns();
}

struct ev_loop *
ev_new(void)
{
	struct ev_loop *l = calloc(1, sizeof(*l));

	if (l != NULL)
		l->next_id = 1;
	return l;
}

struct ev_loop *
ev_new_virtual(uint64_t start_ns)
{
	struct ev_loop *l = ev_new();

	if (l != NULL) {
		l->virt = 1;
		l->vnow = start_ns;
	}
	return l;
}

void
ev_free(struct ev_loop *l)
{
	if (l == NULL)
		return;
	free(l->heap);
	free(l);
}

int
ev_add_fd(struct ev_loop *l, int fd, ev_fd_cb *cb, void *arg)
{
	if (l->nfds == EV_MAX_FDS || fd < 0 || l->virt)
		return -1;
	l->fds[l->nfds++] = (struct ev_fd){ fd, cb, arg };
	return 0;
}

void
ev_del_fd(struct ev_loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[--l->nfds];
			return;
		}
	}
}

/* Does timer a fire before timer b? */
static int
timer_before(const struct ev_timer *a, const struct ev_timer *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	if (a->io != b->io)
		return a->io;
	return a->id < b->id;
}

static void
heap_swap(struct ev_loop *l, size_t a, size_t b)
{
	struct ev_timer t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
}

static void
heap_up(struct ev_loop *l, size_t i)
{
	while (i > 0 && timer_before(&l->heap[i], &l->heap[(i - 1) / 2])) {
		heap_swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct ev_loop *l, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;

		if (c < l->nheap && timer_before(&l->heap[c], &l->heap[m]))
			m = c;
		if (c + 1 < l->nheap &&
		    timer_before(&l->heap[c + 1], &l->heap[m]))
			m = c + 1;
		if (m == i)
			return;
		heap_swap(l, i, m);
		i = m;
	}
}

static void
heap_remove(struct ev_loop *l, size_t i)
{
	l->heap[i] = l->heap[--l->nheap];
	if (i < l->nheap) {
		heap_up(l, i);
		heap_down(l, i);
	}
}

static uint64_t
add_timer(struct ev_loop *l, uint64_t after_ns, int io, ev_timer_cb *cb,
    void *arg)
{
	struct ev_timer *t;

	if (l->nheap == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		void *n = reallocarray(l->heap, ncap, sizeof(*l->heap));

		if (n == NULL)
			return 0;
		l->heap = n;
		l->cap = ncap;
	}
	t = &l->heap[l->nheap];
	t->id = l->next_id++;
	t->when = ev_now(l) + after_ns;
	t->io = io;
	t->cb = cb;
	t->arg = arg;
	heap_up(l, l->nheap++);
	return l->next_id - 1;
}

uint64_t
ev_add_timer(struct ev_loop *l, uint64_t after_ns, ev_timer_cb *cb, void *arg)
{
	return add_timer(l, after_ns, 0, cb, arg);
}

uint64_t
ev_add_io_timer(struct ev_loop *l, uint64_t after_ns, ev_timer_cb *cb,
    void *arg)
{
	return add_timer(l, after_ns, 1, cb, arg);
}

void
ev_del_timer(struct ev_loop *l, uint64_t id)
{
	size_t i;

	/* Linear: a run holds a few timers per running case. */
	for (i = 0; i < l->nheap; i++) {
		if (l->heap[i].id == id) {
			heap_remove(l, i);
			return;
		}
	}
}

void
ev_set_after(struct ev_loop *l, void (*fn)(void *), void *arg)
{
	l->after = fn;
	l->after_arg = arg;
}

void
ev_stop(struct ev_loop *l)
{
	l->stop = 1;
}

/* Fire every timer that is due. */
static void
run_timers(struct ev_loop *l)
{
	uint64_t now = ev_now(l);

	while (!l->stop && l->nheap > 0 && l->heap[0].when <= now) {
		struct ev_timer t = l->heap[0];

		heap_remove(l, 0);
		t.cb(t.id, t.arg);
		if (l->after != NULL)
			l->after(l->after_arg);
	}
}

/*
 * The virtual loop: the clock moves to the earliest timer and it fires,
 * until nothing is left.  Never backwards: a timer added for the past
 * (there is no such call) would fire now.
 */
static int
run_virtual(struct ev_loop *l)
{
	while (!l->stop && l->nheap > 0) {
		if (l->heap[0].when > l->vnow)
			l->vnow = l->heap[0].when;
		run_timers(l);
	}
	return 0;
}

int
ev_run(struct ev_loop *l)
{
	struct pollfd pfd[EV_MAX_FDS];
	size_t i, n;

	l->stop = 0;
	if (l->virt)
		return run_virtual(l);
	while (!l->stop && (l->nheap > 0 || l->nfds > 0)) {
		int timeout = -1, rc;

		if (l->nheap > 0) {
			uint64_t now = ev_now_ns(), when = l->heap[0].when;

			/* Round up so we never wake just before a deadline. */
			timeout = when <= now ? 0 :
			    (int)((when - now + NS_PER_MS - 1) / NS_PER_MS);
		}
		n = l->nfds;
		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ l->fds[i].fd, POLLIN, 0 };
		rc = poll(pfd, n, timeout);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n && !l->stop; i++) {
			if (pfd[i].revents == 0)
				continue;
			/* The callback may remove fds: look it up again. */
			for (size_t j = 0; j < l->nfds; j++)
				if (l->fds[j].fd == pfd[i].fd) {
					l->fds[j].cb(pfd[i].fd, pfd[i].revents,
					    l->fds[j].arg);
					if (l->after != NULL)
						l->after(l->after_arg);
					break;
				}
		}
		run_timers(l);
	}
	return 0;
}
