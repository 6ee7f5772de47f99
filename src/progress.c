/*
 * progress.c - the live progress line on a terminal.
 *
 * One line, redrawn in place with a carriage return from a 250 ms timer
 * on the run's loop, so it costs nothing between ticks however many
 * cases start and end.  Erased with spaces, not terminal escapes, so it
 * needs no terminfo.  Cut to the terminal's width: a wrapped line could
 * not be erased with a carriage return.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "evloop.h"
#include "progress.h"
#include "util.h"

#define TICK_NS (250 * NS_PER_MS)	/* at most 4 redraws a second */
#define LINEMAX 256

struct prog_slot {
	const char *id;
	uint64_t deadline;	/* 0: no pending timer */
	int running;
};

struct prog {
	struct ev_loop *loop;
	int fd;
	uint64_t tick;		/* timer id, 0: none */
	struct prog_slot *slot;
	unsigned total, done, running, failed;
	size_t shown;		/* length of the line on screen, 0: none */
};

static void tick_cb(uint64_t id, void *arg);

static void
put(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* a progress line is not worth an error */
		s += w;
		n -= (size_t)w;
	}
}

/* Overwrite n columns from the start of the line with spaces. */
static void
blank(int fd, size_t n)
{
	char sp[64];
	size_t k;

	memset(sp, ' ', sizeof(sp));
	while (n > 0) {
		k = n < sizeof(sp) ? n : sizeof(sp);
		put(fd, sp, k);
		n -= k;
	}
}

static unsigned
term_cols(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

size_t
prog_format(char *buf, size_t len, const struct prog_stat *st,
    unsigned cols)
{
	int n;
	size_t max;

	if (len == 0)
		return 0;
	if (st->timer_id != NULL)
		n = snprintf(buf, len, "[%u/%u] running %u, failed %u, "
		    "longest pending timer: %s %.1f s", st->done, st->total,
		    st->running, st->failed, st->timer_id,
		    (double)st->timer_ns / 1e9);
	else
		n = snprintf(buf, len, "[%u/%u] running %u, failed %u",
		    st->done, st->total, st->running, st->failed);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	max = (size_t)n < len ? (size_t)n : len - 1;
	/* The last column would make some terminals wrap at once. */
	if (cols > 0 && max > cols - 1) {
		max = cols - 1;
		buf[max] = '\0';
	}
	return max;
}

static void
draw(struct prog *p)
{
	struct prog_stat st = { p->done, p->total, p->running, p->failed,
	    NULL, 0 };
	char line[LINEMAX];
	uint64_t now = ev_now_ns();
	size_t i, n;

	for (i = 0; i < p->total; i++) {
		const struct prog_slot *s = &p->slot[i];

		if (s->running && s->deadline > now &&
		    s->deadline - now > st.timer_ns) {
			st.timer_ns = s->deadline - now;
			st.timer_id = s->id;
		}
	}
	n = prog_format(line, sizeof(line), &st, term_cols(p->fd));
	put(p->fd, "\r", 1);
	put(p->fd, line, n);
	if (p->shown > n)	/* what is left of a longer line */
		blank(p->fd, p->shown - n);
	p->shown = n > p->shown ? n : p->shown;
}

static void
tick_cb(uint64_t id, void *arg)
{
	struct prog *p = arg;

	(void)id;
	p->tick = ev_add_timer(p->loop, TICK_NS, tick_cb, p);
	draw(p);
}

struct prog *
prog_new(struct ev_loop *loop, int fd, unsigned total)
{
	struct prog *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->slot = calloc(total ? total : 1, sizeof(*p->slot))) == NULL) {
		free(p);
		return NULL;
	}
	p->loop = loop;
	p->fd = fd;
	p->total = total;
	if ((p->tick = ev_add_timer(loop, TICK_NS, tick_cb, p)) == 0) {
		free(p->slot);
		free(p);
		return NULL;
	}
	return p;
}

void
prog_case_start(struct prog *p, size_t slot, const char *id)
{
	if (p == NULL || slot >= p->total || p->slot[slot].running)
		return;
	p->slot[slot].id = id;
	p->slot[slot].deadline = 0;
	p->slot[slot].running = 1;
	p->running++;
}

void
prog_case_end(struct prog *p, size_t slot, int failed)
{
	if (p == NULL || slot >= p->total)
		return;
	if (p->slot[slot].running) {
		p->slot[slot].running = 0;
		p->running--;
	}
	p->slot[slot].deadline = 0;
	p->done++;
	if (failed)
		p->failed++;
}

void
prog_timer(struct prog *p, size_t slot, uint64_t deadline_ns)
{
	if (p == NULL || slot >= p->total)
		return;
	p->slot[slot].deadline = deadline_ns;
}

void
prog_hide(struct prog *p)
{
	if (p == NULL || p->shown == 0)
		return;
	/* Cursor at column 0 afterwards: the next output starts clean. */
	put(p->fd, "\r", 1);
	blank(p->fd, p->shown);
	put(p->fd, "\r", 1);
	p->shown = 0;
}

void
prog_free(struct prog *p)
{
	if (p == NULL)
		return;
	prog_hide(p);
	if (p->tick != 0)
		ev_del_timer(p->loop, p->tick);
	free(p->slot);
	free(p);
}
