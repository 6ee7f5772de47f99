/*
 * buf.h - a growing text buffer with a bound, for a case's trace and
 * notes: the first BUF_HEAD_MAX bytes, then the last BUF_TAIL entries,
 * and the count of the entries dropped between them.  A target that
 * answers every probe, or a flood of segments in one case, costs at most
 * that much memory per case and per report.
 */
#ifndef TC_BUF_H
#define TC_BUF_H

#include <stddef.h>
#include <stdint.h>

#define BUF_HEAD_MAX	(64 * 1024)	/* bytes kept from the start */
#define BUF_TAIL	64		/* entries kept from the end */

struct buf {
	char *s;		/* the head; after buf_text, the whole text */
	size_t len, cap;
	char *tail[BUF_TAIL];	/* a ring of the entries after the head */
	size_t tnext, tn;
	uint64_t dropped;	/* entries between head and tail */
};

/* buf.c */

/*
 * Append one entry (for a trace: one line, with its '\n').  Entries that
 * no longer fit in the head go to the tail, which drops its oldest.
 */
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The whole text: the head, a line "[... N lines dropped ...]" if any
 * were, and the tail.  NULL when nothing was added.  Owned by b, valid
 * until buf_free; b takes no more entries after it.
 */
const char *buf_text(struct buf *b);

/* Free what b owns and zero it. */
void buf_free(struct buf *b);

#endif
