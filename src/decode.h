/*
 * decode.h - bounds-checked cursors over packet bytes.
 *
 * This is the only place that does pointer arithmetic over wire bytes.
 * Every read compares against the end of the buffer first and returns an
 * explicit status (0, or -1 when it would run past the end), in the spirit
 * of tcpdump's GET_BE_U_2 but without its hidden longjmp/goto: the caller
 * decides whether running out means "truncated" or "malformed".  A failed
 * read leaves the cursor where it was.
 *
 * struct enc is the same discipline for writing (option encoding).
 */
#ifndef TC_DECODE_H
#define TC_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct dec {
	const uint8_t *start;
	const uint8_t *pos;
	const uint8_t *end;
};

struct enc {
	uint8_t *start;
	uint8_t *pos;
	uint8_t *end;
};

/* Cursor over p[0..len).  p may be NULL only when len is 0. */
static inline void
dec_init(struct dec *d, const uint8_t *p, size_t len)
{
	d->start = d->pos = p;
	d->end = p != NULL ? p + len : p;	/* NULL + 0 is undefined */
}

/* Bytes not yet consumed. */
static inline size_t
dec_left(const struct dec *d)
{
	return (size_t)(d->end - d->pos);
}

/* Bytes consumed since dec_init. */
static inline size_t
dec_off(const struct dec *d)
{
	return (size_t)(d->pos - d->start);
}

static inline int
dec_u8(struct dec *d, uint8_t *out)
{
	if (dec_left(d) < 1)
		return -1;
	*out = d->pos[0];
	d->pos++;
	return 0;
}

static inline int
dec_be16(struct dec *d, uint16_t *out)
{
	if (dec_left(d) < 2)
		return -1;
	*out = (uint16_t)(d->pos[0] << 8 | d->pos[1]);
	d->pos += 2;
	return 0;
}

static inline int
dec_be32(struct dec *d, uint32_t *out)
{
	if (dec_left(d) < 4)
		return -1;
	*out = (uint32_t)d->pos[0] << 24 | (uint32_t)d->pos[1] << 16 |
	    (uint32_t)d->pos[2] << 8 | (uint32_t)d->pos[3];
	d->pos += 4;
	return 0;
}

static inline int
dec_skip(struct dec *d, size_t n)
{
	if (dec_left(d) < n)
		return -1;
	d->pos += n;
	return 0;
}

/* Pointer to the next n bytes (consumed), or NULL if fewer are left. */
static inline const uint8_t *
dec_bytes(struct dec *d, size_t n)
{
	const uint8_t *p = d->pos;

	if (dec_left(d) < n)
		return NULL;
	if (n > 0)
		d->pos += n;
	return p;
}

/*
 * Shorten the cursor so it covers at most total bytes from its start (the
 * IPv4 total length, ignoring link-layer padding after it).  Returns -1,
 * changing nothing, if total is beyond the current end.
 */
static inline int
dec_limit(struct dec *d, size_t total)
{
	if (total > (size_t)(d->end - d->start))
		return -1;
	if (d->start != NULL)
		d->end = d->start + total;
	if (d->pos > d->end)
		d->pos = d->end;
	return 0;
}

/* Consume the next n bytes as an independent cursor sub. */
static inline int
dec_sub(struct dec *d, size_t n, struct dec *sub)
{
	const uint8_t *p = dec_bytes(d, n);

	if (p == NULL)
		return -1;
	dec_init(sub, p, n);
	return 0;
}

/* Writer over buf[0..len). */
static inline void
enc_init(struct enc *e, uint8_t *buf, size_t len)
{
	e->start = e->pos = buf;
	e->end = buf != NULL ? buf + len : buf;
}

static inline size_t
enc_left(const struct enc *e)
{
	return (size_t)(e->end - e->pos);
}

static inline size_t
enc_off(const struct enc *e)
{
	return (size_t)(e->pos - e->start);
}

/* Move the writer to off bytes from its start (to patch a field written
 * earlier); -1, changing nothing, if that is past the end. */
static inline int
enc_seek(struct enc *e, size_t off)
{
	if (off > (size_t)(e->end - e->start))
		return -1;
	e->pos = e->start + off;
	return 0;
}

static inline int
enc_u8(struct enc *e, uint8_t v)
{
	if (enc_left(e) < 1)
		return -1;
	*e->pos++ = v;
	return 0;
}

static inline int
enc_be16(struct enc *e, uint16_t v)
{
	if (enc_left(e) < 2)
		return -1;
	e->pos[0] = (uint8_t)(v >> 8);
	e->pos[1] = (uint8_t)v;
	e->pos += 2;
	return 0;
}

static inline int
enc_be32(struct enc *e, uint32_t v)
{
	if (enc_left(e) < 4)
		return -1;
	e->pos[0] = (uint8_t)(v >> 24);
	e->pos[1] = (uint8_t)(v >> 16);
	e->pos[2] = (uint8_t)(v >> 8);
	e->pos[3] = (uint8_t)v;
	e->pos += 4;
	return 0;
}

static inline int
enc_bytes(struct enc *e, const uint8_t *src, size_t n)
{
	if (enc_left(e) < n)
		return -1;
	if (n > 0) {
		memcpy(e->pos, src, n);
		e->pos += n;
	}
	return 0;
}

#endif
