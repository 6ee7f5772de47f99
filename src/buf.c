/*
 * buf.c - bounded text buffers (buf.h): a case's trace keeps its start,
 * which shows how the conversation began, and its end, which shows how it
 * failed, and says how much of the middle it left out.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *e;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&e, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("buf: out of memory");
	if (b->tn == 0 && b->dropped == 0 &&
	    b->len + (size_t)n <= BUF_HEAD_MAX) {
		if (b->len + (size_t)n + 1 > b->cap) {
			b->cap = b->cap * 2 + (size_t)n + 64;
			if (b->cap > BUF_HEAD_MAX + 1)
				b->cap = BUF_HEAD_MAX + 1;
			b->s = xrealloc(b->s, b->cap);
		}
		memcpy(b->s + b->len, e, (size_t)n + 1);
		b->len += (size_t)n;
		free(e);
		return;
	}
	/* The head is full: the ring keeps the last BUF_TAIL entries. */
	if (b->tn == BUF_TAIL) {
		free(b->tail[b->tnext]);
		b->dropped++;
	} else
		b->tn++;
	b->tail[b->tnext] = e;
	b->tnext = (b->tnext + 1) % BUF_TAIL;
}

const char *
buf_text(struct buf *b)
{
	char mark[64];
	size_t i, k, len, mlen = 0;

	if (b->tn == 0)
		return b->s;
	if (b->dropped > 0)
		mlen = (size_t)snprintf(mark, sizeof(mark),
		    "[... %ju line%s dropped ...]\n", (uintmax_t)b->dropped,
		    b->dropped == 1 ? "" : "s");
	len = b->len + mlen;
	for (i = 0; i < b->tn; i++)
		len += strlen(b->tail[i]);
	b->s = xrealloc(b->s, len + 1);
	memcpy(b->s + b->len, mark, mlen);
	b->len += mlen;
	/* Oldest first: the ring starts at tnext once it is full. */
	for (i = 0; i < b->tn; i++) {
		k = (b->tnext + BUF_TAIL - b->tn + i) % BUF_TAIL;
		len = strlen(b->tail[k]);
		memcpy(b->s + b->len, b->tail[k], len);
		b->len += len;
		free(b->tail[k]);
		b->tail[k] = NULL;
	}
	b->s[b->len] = '\0';
	b->cap = b->len + 1;
	b->tn = 0;
	b->dropped = 0;
	/* Closed: the head is over its bound, so later entries would go to
	 * a new tail.  Nothing adds to a trace after its report. */
	return b->s;
}

void
buf_free(struct buf *b)
{
	size_t i;

	for (i = 0; i < BUF_TAIL; i++)
		free(b->tail[i]);
	free(b->s);
	memset(b, 0, sizeof(*b));
}
