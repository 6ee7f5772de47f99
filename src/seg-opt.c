/*
 * seg-opt.c - the TCP option registry and codec: one row per option kind
 * we understand (kind, names, valid length, the form a case writes it in,
 * encoder, decoder, printer, value getter and setter).  The codec, the
 * printer, the loader (script-value.c), the matcher and the model read
 * option facts from here only.
 *
 * Adding an option: its kind in enum seg_optkind and its value in struct
 * seg_opt (seg.h), one row in optdescs[] with its functions below, and
 * its description in tcpconform-testcase(5).
 *
 * Wire bytes are read and written only through the cursors of decode.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "seg.h"
#include "util.h"

/* ---- the kinds, one function set each ---------------------------------- */

/* Each codec function gets the value bytes only (after kind and length);
 * the decoder's cursor holds exactly a valid length's worth. */

static int
mss_decode(struct seg_opt *o, struct dec *v)
{
	return dec_be16(v, &o->u.mss);
}

static int
mss_encode(struct enc *e, const struct seg_opt *o)
{
	return enc_be16(e, o->u.mss);
}

static int
mss_get(const struct seg_opt *o, unsigned field, uint32_t *v)
{
	if (field != 0)
		return -1;
	*v = o->u.mss;
	return 0;
}

static void
mss_set(struct seg_opt *o, unsigned field, uint32_t v)
{
	if (field == 0)
		o->u.mss = (uint16_t)v;
}

static int
ws_decode(struct seg_opt *o, struct dec *v)
{
	return dec_u8(v, &o->u.ws);
}

static int
ws_encode(struct enc *e, const struct seg_opt *o)
{
	return enc_u8(e, o->u.ws);
}

static int
ws_get(const struct seg_opt *o, unsigned field, uint32_t *v)
{
	if (field != 0)
		return -1;
	*v = o->u.ws;
	return 0;
}

static void
ws_set(struct seg_opt *o, unsigned field, uint32_t v)
{
	if (field == 0)
		o->u.ws = (uint8_t)v;
}

static int
ts_decode(struct seg_opt *o, struct dec *v)
{
	return dec_be32(v, &o->u.ts.val) == -1 ||
	    dec_be32(v, &o->u.ts.ecr) == -1 ? -1 : 0;
}

static int
ts_encode(struct enc *e, const struct seg_opt *o)
{
	return enc_be32(e, o->u.ts.val) || enc_be32(e, o->u.ts.ecr) ? -1 : 0;
}

/* Field 1 is TSval, field 2 TSecr (RFC 7323 3.2). */
static int
ts_get(const struct seg_opt *o, unsigned field, uint32_t *v)
{
	if (field == 1)
		*v = o->u.ts.val;
	else if (field == 2)
		*v = o->u.ts.ecr;
	else
		return -1;
	return 0;
}

static void
ts_set(struct seg_opt *o, unsigned field, uint32_t v)
{
	if (field == 1)
		o->u.ts.val = v;
	else if (field == 2)
		o->u.ts.ecr = v;
}

static void
ts_print(const struct seg_opt *o, uint32_t ack_base, char *buf, size_t len)
{
	(void)ack_base;
	tc_errf(buf, len, "TS val %u ecr %u", o->u.ts.val, o->u.ts.ecr);
}

static int
sack_decode(struct seg_opt *o, struct dec *v)
{
	unsigned i, n = (unsigned)(dec_left(v) / 8);

	for (i = 0; i < n; i++)
		if (dec_be32(v, &o->u.sack[i].left) == -1 ||
		    dec_be32(v, &o->u.sack[i].right) == -1)
			return -1;
	o->nsack = (uint8_t)n;
	return 0;
}

static int
sack_encode(struct enc *e, const struct seg_opt *o)
{
	unsigned i;

	for (i = 0; i < o->nsack; i++)
		if (enc_be32(e, o->u.sack[i].left) == -1 ||
		    enc_be32(e, o->u.sack[i].right) == -1)
			return -1;
	return 0;
}

/* Blocks live in the sequence space we acknowledge: relative to ack_base. */
static void
sack_print(const struct seg_opt *o, uint32_t ack_base, char *buf, size_t len)
{
	size_t off;
	unsigned i;

	tc_errf(buf, len, "sack %u ", o->nsack);
	for (i = 0; i < o->nsack && (off = strlen(buf)) < len; i++)
		tc_errf(buf + off, len - off, "{%u:%u}",
		    (uint32_t)(o->u.sack[i].left - ack_base),
		    (uint32_t)(o->u.sack[i].right - ack_base));
}

/* A SACK is typed whenever it has 1..4 blocks; its length is then derived
 * from them. */
static bool
sack_typed(const struct seg_opt *o)
{
	return o->nsack >= 1 && o->nsack <= SEG_MAX_SACK;
}

/* ---- the registry ------------------------------------------------------- */

/*
 * In kind order, which is also the order the loader lists the names in.
 * Lengths count the kind and length bytes (RFC 9293 3.2); EOL and NOP are
 * one byte.
 */
static const struct seg_optdesc optdescs[] = {
	{ .kind = SEG_OPT_EOL, .name = "eol", .dump = "eol",
	  .rfc = "RFC 9293 3.2", .len_min = 1, .len_max = 1,
	  .form = SEG_OPTF_NONE },
	{ .kind = SEG_OPT_NOP, .name = "nop", .dump = "nop",
	  .rfc = "RFC 9293 3.2", .len_min = 1, .len_max = 1,
	  .form = SEG_OPTF_NONE },
	{ .kind = SEG_OPT_MSS, .name = "mss", .dump = "mss",
	  .rfc = "RFC 9293 3.2", .len_min = 4, .len_max = 4,
	  .form = SEG_OPTF_UINT, .expect = true, .max = UINT16_MAX,
	  .example = "{mss: 1460}", .decode = mss_decode,
	  .encode = mss_encode, .get = mss_get, .set = mss_set },
	/* A shift over 14 (RFC 7323 2.3) is still a valid option: the
	 * receiver clamps it, and testing that is the point. */
	{ .kind = SEG_OPT_WS, .name = "ws", .dump = "wscale",
	  .rfc = "RFC 7323 2.2", .len_min = 3, .len_max = 3,
	  .form = SEG_OPTF_UINT, .expect = true, .max = UINT8_MAX,
	  .example = "{ws: 7}", .decode = ws_decode, .encode = ws_encode,
	  .get = ws_get, .set = ws_set },
	{ .kind = SEG_OPT_SACKOK, .name = "sackok", .dump = "sackOK",
	  .rfc = "RFC 2018 2", .len_min = 2, .len_max = 2,
	  .form = SEG_OPTF_NONE, .expect = true },
	{ .kind = SEG_OPT_SACK, .name = "sack", .dump = "sack",
	  .rfc = "RFC 2018 3", .len_min = 2 + 8,
	  .len_max = 2 + 8 * SEG_MAX_SACK, .len_step = 8,
	  .form = SEG_OPTF_SACK, .expect = true,
	  .example = "{sack: [[1, 100]]}", .decode = sack_decode,
	  .encode = sack_encode, .print = sack_print, .typed = sack_typed },
	{ .kind = SEG_OPT_TS, .name = "ts", .dump = "TS",
	  .rfc = "RFC 7323 3.2", .len_min = 10, .len_max = 10,
	  .form = SEG_OPTF_TS, .expect = true,
	  .example = "{ts: {val: 1, ecr: 0}}", .fields = { "ts.val", "ts.ecr" },
	  .decode = ts_decode, .encode = ts_encode, .print = ts_print,
	  .get = ts_get, .set = ts_set },
};

const struct seg_optdesc *const seg_optdescs = optdescs;
const size_t seg_noptdescs = sizeof(optdescs) / sizeof(optdescs[0]);

const struct seg_optdesc *
seg_optdesc(uint8_t kind)
{
	size_t i;

	for (i = 0; i < seg_noptdescs; i++)
		if (optdescs[i].kind == kind)
			return &optdescs[i];
	return NULL;
}

bool
seg_optdesc_len_ok(const struct seg_optdesc *od, size_t len)
{
	if (len < od->len_min || len > od->len_max)
		return false;
	return od->len_step == 0 || (len - od->len_min) % od->len_step == 0;
}

const char *
seg_opt_name(uint8_t kind)
{
	const struct seg_optdesc *od = seg_optdesc(kind);

	return od != NULL ? od->name : "option";
}

const char *
seg_opt_field_name(uint8_t kind, unsigned field)
{
	const struct seg_optdesc *od = seg_optdesc(kind);

	if (od == NULL)
		return "option";
	if (field >= 1 && field <= 2 && od->fields[field - 1] != NULL)
		return od->fields[field - 1];
	return od->name;
}

/*
 * Is o encoded and printed from its typed fields (true) or from raw[]
 * (false)?  EOL and NOP always; SACK by its blocks (typed); the others
 * only with their one valid length and no forced length byte.
 */
static bool
opt_typed(const struct seg_opt *o, const struct seg_optdesc *od)
{
	if (od != NULL && od->len_max == 1)
		return true;
	if (od == NULL || o->len_forced)
		return false;
	if (od->typed != NULL)
		return od->typed(o);
	return o->len == od->len_min;
}

/* Value bytes of a raw option (len - 2, clamped to raw[]). */
static size_t
opt_rawlen(const struct seg_opt *o)
{
	size_t n = o->len >= 2 ? (size_t)o->len - 2 : 0;

	return n < sizeof(o->u.raw) ? n : sizeof(o->u.raw);
}

/* The option's kind is known and its length is a valid one. */
static const struct seg_optdesc *
opt_valid(const struct seg_opt *o)
{
	const struct seg_optdesc *od = seg_optdesc(o->kind);

	return od != NULL && seg_optdesc_len_ok(od, o->len) ? od : NULL;
}

int
seg_opt_get(const struct seg_opt *o, unsigned field, uint32_t *v)
{
	const struct seg_optdesc *od = opt_valid(o);

	if (od == NULL || od->get == NULL)
		return -1;
	return od->get(o, field, v);
}

int
seg_opt_set(struct seg_opt *o, unsigned field, uint32_t v)
{
	const struct seg_optdesc *od = seg_optdesc(o->kind);

	if (od == NULL || od->set == NULL)
		return -1;
	od->set(o, field, v);
	return 0;
}

void
seg_opt_raw_fill(struct seg_opt *o)
{
	const struct seg_optdesc *od = seg_optdesc(o->kind);
	uint8_t b[sizeof(o->u.raw)];
	struct dec v;

	if (od == NULL || o->len_forced || od->len_max != od->len_min ||
	    od->decode == NULL || o->len != od->len_min)
		return;
	memcpy(b, o->u.raw, sizeof(b));
	dec_init(&v, b, (size_t)o->len - 2);
	(void)od->decode(o, &v);
}

/* ---- typed getters ------------------------------------------------------ */

/* The value of s's first option of kind, field; -1 unless it is valid. */
static int
first_value(const struct seg *s, uint8_t kind, unsigned field, uint32_t *v)
{
	const struct seg_opt *o = seg_opt_find(s, kind);

	return o != NULL ? seg_opt_get(o, field, v) : -1;
}

int
seg_opt_mss(const struct seg *s, uint16_t *mss)
{
	uint32_t v;

	if (first_value(s, SEG_OPT_MSS, 0, &v) != 0)
		return -1;
	if (mss != NULL)
		*mss = (uint16_t)v;
	return 0;
}

int
seg_opt_ws(const struct seg *s, uint8_t *shift)
{
	uint32_t v;

	if (first_value(s, SEG_OPT_WS, 0, &v) != 0)
		return -1;
	if (shift != NULL)
		*shift = (uint8_t)v;
	return 0;
}

int
seg_opt_ts(const struct seg *s, uint32_t *val, uint32_t *ecr)
{
	uint32_t v, e;

	if (first_value(s, SEG_OPT_TS, 1, &v) != 0 ||
	    first_value(s, SEG_OPT_TS, 2, &e) != 0)
		return -1;
	if (val != NULL)
		*val = v;
	if (ecr != NULL)
		*ecr = e;
	return 0;
}

/* ---- the option list ---------------------------------------------------- */

struct seg_opt *
seg_opt_add(struct seg *s, uint8_t kind)
{
	const struct seg_optdesc *od;
	struct seg_opt *o;

	if (s->nopts >= SEG_MAX_OPTS)
		return NULL;
	o = &s->opts[s->nopts++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	od = seg_optdesc(kind);
	/* Unknown, or SACK: no value yet. */
	o->len = od != NULL && od->len_max == od->len_min ? od->len_min : 2;
	return o;
}

const struct seg_opt *
seg_opt_find(const struct seg *s, uint8_t kind)
{
	unsigned i;

	for (i = 0; i < s->nopts && i < SEG_MAX_OPTS; i++)
		if (s->opts[i].kind == kind)
			return &s->opts[i];
	return NULL;
}

/*
 * RFC 9293 3.2 option list.  s->opts is replaced, not appended to; on
 * SEG_MALFORMED it holds the options before the bad one.  A known kind
 * with a length its row does not allow is kept raw, like an unknown kind.
 */
int
seg_opts_decode(const uint8_t *p, size_t len, struct seg *s, char *why,
    size_t whylen)
{
	const struct seg_optdesc *od;
	struct dec d, v, raw;
	struct seg_opt *o;
	const uint8_t *rp;
	uint8_t kind, olen;
	size_t off;

	s->nopts = 0;
	dec_init(&d, p, len);
	while (dec_u8(&d, &kind) == 0) {
		off = dec_off(&d) - 1;
		if (s->nopts >= SEG_MAX_OPTS) {
			tc_errf(why, whylen, "tcp options: more than %d",
			    SEG_MAX_OPTS);
			return SEG_MALFORMED;
		}
		/* RFC 9293 3.2: EOL and NOP are single octets. */
		if (kind == SEG_OPT_EOL || kind == SEG_OPT_NOP) {
			(void)seg_opt_add(s, kind);
			if (kind == SEG_OPT_EOL)
				break;	/* the rest is padding */
			continue;
		}
		/* Every other kind has a length octet counting kind and
		 * length, which must fit in what is left. */
		if (dec_u8(&d, &olen) == -1) {
			tc_errf(why, whylen, "tcp option %u at offset %zu: "
			    "no length byte", kind, off);
			return SEG_MALFORMED;
		}
		if (olen < 2) {
			tc_errf(why, whylen, "tcp option %u at offset %zu: "
			    "length %u < 2", kind, off, olen);
			return SEG_MALFORMED;
		}
		if (dec_sub(&d, (size_t)olen - 2, &v) == -1) {
			tc_errf(why, whylen, "tcp option %u at offset %zu: "
			    "length %u > %zu bytes left", kind, off, olen,
			    dec_left(&d) + 2);
			return SEG_MALFORMED;
		}
		if ((size_t)olen - 2 > sizeof(o->u.raw)) {
			tc_errf(why, whylen, "tcp option %u at offset %zu: "
			    "length %u > %d", kind, off, olen, SEG_OPTSPACE);
			return SEG_MALFORMED;
		}
		o = seg_opt_add(s, kind);
		o->len = olen;
		raw = v;
		od = seg_optdesc(kind);
		if (od != NULL && seg_optdesc_len_ok(od, olen) &&
		    (od->decode == NULL || od->decode(o, &v) == 0))
			continue;
		/* Wrong length for a known kind, or unknown: keep bytes. */
		memset(&o->u, 0, sizeof(o->u));
		o->nsack = 0;
		rp = dec_bytes(&raw, (size_t)olen - 2);
		if (rp != NULL && olen > 2)
			memcpy(o->u.raw, rp, (size_t)olen - 2);
	}
	return SEG_OK;
}

static int
opt_encode(struct enc *e, const struct seg_opt *o)
{
	const struct seg_optdesc *od = seg_optdesc(o->kind);
	uint8_t val[sizeof(o->u.raw)];
	struct enc v;

	if (!opt_typed(o, od)) {
		/* Raw: exactly what was seen, or a deliberately bad option
		 * (a length byte that does not match the bytes after it). */
		if (enc_u8(e, o->kind) == -1 ||
		    enc_u8(e, o->len_forced ? o->len_byte : o->len) == -1)
			return -1;
		if (o->len >= 2 && (size_t)o->len - 2 > sizeof(o->u.raw))
			return -1;
		return enc_bytes(e, o->u.raw, opt_rawlen(o));
	}
	if (od->len_max == 1)
		return enc_u8(e, o->kind);
	/* The length byte is derived from the value as encoded. */
	enc_init(&v, val, sizeof(val));
	if (od->encode != NULL && od->encode(&v, o) == -1)
		return -1;
	/* || keeps the writes in order and stops at the first failure. */
	return enc_u8(e, o->kind) || enc_u8(e, (uint8_t)(2 + enc_off(&v))) ||
	    enc_bytes(e, val, enc_off(&v)) ? -1 : 0;
}

/*
 * Known kinds are written from their typed fields when len is their valid
 * length (SACK: whenever nsack is 1..4, len then being 2 + 8 * nsack);
 * otherwise kind, len and len - 2 bytes of raw[] are written verbatim, which
 * is how a test sends a malformed option.  A failed write may leave partial
 * bytes in buf; the -1 tells the caller not to use them.
 */
int
seg_opts_encode(const struct seg *s, uint8_t *buf, size_t bufsz)
{
	struct enc e;
	unsigned i;

	enc_init(&e, buf, bufsz < SEG_OPTSPACE ? bufsz : SEG_OPTSPACE);
	for (i = 0; i < s->nopts && i < SEG_MAX_OPTS; i++)
		if (opt_encode(&e, &s->opts[i]) != 0)
			return -1;
	/* RFC 9293 3.1: the header ends on a 32-bit boundary; pad with
	 * zeros, which read as EOL. */
	while (enc_off(&e) % 4 != 0)
		if (enc_u8(&e, SEG_OPT_EOL) == -1)
			return -1;
	return (int)enc_off(&e);
}

/* One option the way tcpdump's tcp_print() does. */
const char *
seg_opt_format(const struct seg_opt *o, uint32_t ack_base, char *buf,
    size_t len)
{
	const struct seg_optdesc *od = seg_optdesc(o->kind);
	size_t i, n, off;
	uint32_t v;

	if (len == 0)
		return buf;
	if (!opt_typed(o, od)) {
		/* Unknown kinds as tcpdump does; a known kind with a bad
		 * length gets its name and the length. */
		if (od != NULL)
			tc_errf(buf, len, "%s[len %u]", od->dump, o->len);
		else
			tc_errf(buf, len, "unknown-%u", o->kind);
		n = opt_rawlen(o);
		if (n > 0 && (off = strlen(buf)) < len)
			tc_errf(buf + off, len - off, " 0x");
		for (i = 0; i < n && (off = strlen(buf)) < len; i++)
			tc_errf(buf + off, len - off, "%02x", o->u.raw[i]);
		return buf;
	}
	if (od->print != NULL)
		od->print(o, ack_base, buf, len);
	else if (od->get != NULL && od->get(o, 0, &v) == 0)
		tc_errf(buf, len, "%s %u", od->dump, v); /* mss, wscale */
	else
		tc_errf(buf, len, "%s", od->dump);	/* eol, nop, sackOK */
	return buf;
}
