/*
 * match.c - the matcher: one segment against one expectation.
 *
 * Fields the step leaves out are judged by the model: its predicted reply
 * when the step's flags are the model's own, otherwise the rule that a
 * synchronized target sends in order (SEG.SEQ = SND.NXT, RFC 9293 3.4)
 * and acknowledges what it received (SEG.ACK = RCV.NXT).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "match.h"

void
match_flags_desc(const struct plan_flags *f, char *buf, size_t len)
{
	char a[24], b[24];

	if (f->exact)
		snprintf(buf, len, "[%s]", seg_flags_str(f->value, a,
		    sizeof(a)));
	else if (f->must == 0 && f->mustnot == 0)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "+[%s] -[%s]", seg_flags_str(f->must, a,
		    sizeof(a)), seg_flags_str(f->mustnot, b, sizeof(b)));
}

static int
flags_match(const struct plan_flags *f, uint16_t got)
{
	if (f->exact)
		return got == f->value;
	return (got & f->must) == f->must && (got & f->mustnot) == 0;
}

int
match_num(const struct match_ctx *c, const struct plan_num *n, uint32_t base,
    uint32_t autoval, uint32_t *out, char *why, size_t len)
{
	switch (n->mode) {
	case PLAN_NUM_ABS:
		*out = (uint32_t)n->v;
		return 0;
	case PLAN_NUM_REL:
		*out = base + (uint32_t)n->v;
		return 0;
	case PLAN_NUM_VAR:
		if (n->var < 0 || (size_t)n->var >= c->pc->nvars ||
		    !c->valset[n->var]) {
			snprintf(why, len, "variable $%s was never captured",
			    n->var >= 0 && (size_t)n->var < c->pc->nvars ?
			    c->pc->vars[n->var] : "?");
			return -1;
		}
		*out = c->vals[n->var] + (uint32_t)n->v;
		return 0;
	case PLAN_NUM_AUTO:
		break;
	}
	*out = autoval;
	return 0;
}

/*
 * Numbers for messages, as the segment lines beside them print them (and
 * as a case writes them): relative, signed, to the ISN of the side whose
 * sequence space they are in once it is known, else absolute.
 */
static char *
their_num(const struct match_ctx *c, const struct seg *s, uint32_t v,
    char *buf, size_t len)
{
	if (c->m->have_iss)
		return tcpsm_num_str(v, true, c->m->iss, buf, len);
	return tcpsm_num_str(v, (s->flags & SEG_SYN) != 0, s->seq, buf, len);
}

static char *
our_num(const struct match_ctx *c, uint32_t v, char *buf, size_t len)
{
	return tcpsm_num_str(v, c->us == NULL || c->us->have_iss, c->our_isn,
	    buf, len);
}

static int
range_ok(const struct plan_range *r, uint32_t v)
{
	return !r->set || (v >= r->lo && v <= r->hi);
}

static void
range_desc(const struct plan_range *r, char *buf, size_t len)
{
	if (r->lo == r->hi)
		snprintf(buf, len, "%u", r->lo);
	else
		snprintf(buf, len, "in [%u, %u]", r->lo, r->hi);
}

/* Check one scalar field; on mismatch describe it.  Returns 1 if fine. */
static int
check_range(const char *name, const struct plan_range *r, uint32_t got,
    char *why, size_t len)
{
	char want[48];

	if (range_ok(r, got))
		return 1;
	range_desc(r, want, sizeof(want));
	snprintf(why, len, "expected %s %s, got %s %u", name, want, name, got);
	return 0;
}

/* Blocks of a SACK option as "{11:21}{31:41}", relative to our ISN. */
static void
sack_desc(const struct match_ctx *c, const struct seg_opt *o, char *buf,
    size_t len)
{
	size_t off = 0;
	unsigned i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < o->nsack && i < SEG_MAX_SACK && off < len; i++) {
		n = snprintf(buf + off, len - off, "{%u:%u}",
		    o->u.sack[i].left - c->our_isn,
		    o->u.sack[i].right - c->our_isn);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* RFC 2018 4: the first blocks of the option, edges exact, in order. */
static int
check_sack(const struct match_ctx *c, const struct plan_optexp *oe,
    const struct seg_opt *o, char *why, size_t len)
{
	char got[4 * 26 + 1];
	uint32_t l, r;
	unsigned i;

	for (i = 0; i < oe->nsack; i++) {
		if (match_num(c, &oe->sack[i][0], c->our_isn, 0, &l, why,
		    len) != 0 ||
		    match_num(c, &oe->sack[i][1], c->our_isn, 0, &r, why,
		    len) != 0)
			return 0;
		if (i >= o->nsack) {
			sack_desc(c, o, got, sizeof(got));
			snprintf(why, len, "expected sack block %u {%u:%u}, "
			    "the option has %u: %s", i + 1, l - c->our_isn,
			    r - c->our_isn, o->nsack, got);
			return 0;
		}
		if (o->u.sack[i].left != l || o->u.sack[i].right != r) {
			sack_desc(c, o, got, sizeof(got));
			snprintf(why, len, "expected sack block %u {%u:%u}, "
			    "got blocks %s", i + 1, l - c->our_isn,
			    r - c->our_isn, got);
			return 0;
		}
	}
	return 1;
}

static int
check_option(const struct match_ctx *c, const struct plan_optexp *oe,
    const struct seg *s, char *why, size_t len)
{
	const struct seg_opt *o = seg_opt_find(s, oe->kind);
	const char *name = seg_opt_name(oe->kind);
	const char *fname = seg_opt_field_name(oe->kind, oe->field);
	char want[48];
	uint32_t v, ref;

	if (oe->match == PLAN_OM_ABSENT) {
		if (o == NULL)
			return 1;
		snprintf(why, len, "expected no %s option, got one", name);
		return 0;
	}
	if (o == NULL) {
		snprintf(why, len, "expected a %s option (kind %u), none sent",
		    name, oe->kind);
		return 0;
	}
	if (oe->match == PLAN_OM_SACK)
		return check_sack(c, oe, o, why, len);
	if (oe->match == PLAN_OM_PRESENT && !oe->echo && oe->var < 0)
		return 1;
	if (seg_opt_get(o, oe->field, &v) != 0) {
		snprintf(why, len, "%s option has a bad length %u", name,
		    o->len);
		return 0;
	}
	if (oe->echo) {
		/* RFC 7323 3.2: TSecr echoes the TSval last received. */
		if (!c->have_our_tsval) {
			snprintf(why, len, "expected %s to echo our TSval, "
			    "but we sent none", fname);
			return 0;
		}
		if (v != c->our_tsval) {
			snprintf(why, len, "expected %s %u (our TSval), got %u",
			    fname, c->our_tsval, v);
			return 0;
		}
		return 1;
	}
	if (oe->var >= 0) {
		if (!c->valset[oe->var]) {
			snprintf(why, len, "variable $%s was never captured",
			    c->pc->vars[oe->var]);
			return 0;
		}
		ref = c->vals[oe->var];
		if (v != ref) {
			snprintf(why, len, "expected %s $%s (%u), got %u",
			    fname, c->pc->vars[oe->var], ref, v);
			return 0;
		}
		return 1;
	}
	if (range_ok(&oe->value, v))
		return 1;
	range_desc(&oe->value, want, sizeof(want));
	snprintf(why, len, "expected %s %s, got %s %u", fname, want, fname, v);
	return 0;
}

/* Printable prefix of a payload for messages. */
static void
data_desc(const uint8_t *p, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < 32 && o + 5 < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			buf[o++] = (char)p[i];
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", p[i]);
	}
	if (i < n && o + 4 < len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o < len ? o : len - 1] = '\0';
}

int
match_expect(const struct match_ctx *c, const struct plan_expect *ex,
    const struct seg *s, char *why, size_t len)
{
	static const struct plan_expect empty = { .df = -1 };
	const struct tcpsm *m = c->m;
	const struct tcpsm_expect *e = &m->next;
	struct plan_flags mf;
	const struct plan_flags *f;
	char want[48], got[24], d1[160], d2[160], n1[16], n2[16];
	uint32_t iss_base, seq_want = 0, ack_want = 0;
	int seq_check = 0, ack_check = 0, model_flags;
	size_t i;

	if (ex == NULL)
		ex = &empty;
	f = &ex->flags;
	model_flags = !f->set;
	if (!f->set) {
		if (e->reply == TCPSM_R_NONE) {
			snprintf(why, len, "the step gives no flags and the "
			    "model predicts no reply");
			return 0;
		}
		memset(&mf, 0, sizeof(mf));
		mf.set = mf.exact = true;
		mf.value = e->flags;
		f = &mf;
	}
	if (!flags_match(f, s->flags)) {
		match_flags_desc(f, want, sizeof(want));
		snprintf(why, len, "expected flags %s, got [%s]", want,
		    seg_flags_str(s->flags, got, sizeof(got)));
		return 0;
	}

	/* The ISN of a SYN-ACK is learnt from it: relative seq is from it. */
	iss_base = m->have_iss ? m->iss : (s->flags & SEG_SYN) ? s->seq : 0;
	if (c->no_model)
		;	/* only what the step says */
	else if (e->reply != TCPSM_R_NONE &&
	    (model_flags || (f->exact && f->value == e->flags))) {
		seq_check = e->seq_known;
		seq_want = e->seq;
		ack_check = (e->flags & SEG_ACK) != 0;
		ack_want = e->ack;
	} else if (e->reply == TCPSM_R_NONE && m->have_iss &&
	    m->state != TCPSM_CLOSED && m->state != TCPSM_LISTEN &&
	    !(s->flags & (SEG_RST | SEG_SYN))) {
		seq_check = ack_check = 1;
		seq_want = m->snd_nxt;
		ack_want = m->rcv_nxt;
	}
	if (ex->seq.mode != PLAN_NUM_AUTO) {
		seq_check = 1;
		if (match_num(c, &ex->seq, iss_base, 0, &seq_want, why,
		    len) != 0)
			return 0;
	}
	if (ex->ack.mode != PLAN_NUM_AUTO) {
		ack_check = 1;
		if (match_num(c, &ex->ack, c->our_isn, 0, &ack_want, why,
		    len) != 0)
			return 0;
	}
	if (ex->end_max.mode != PLAN_NUM_AUTO) {
		uint32_t end_want, end = s->seq + seg_len(s);

		if (match_num(c, &ex->end_max, iss_base, 0, &end_want, why,
		    len) != 0)
			return 0;
		/* Modulo 2^32, as sequence numbers compare (RFC 9293 3.4). */
		if ((int32_t)(end - end_want) > 0) {
			snprintf(why, len, "expected the segment to end by "
			    "%s, it ends at %s", their_num(c, s, end_want, n1,
			    sizeof(n1)), their_num(c, s, end, n2, sizeof(n2)));
			return 0;
		}
	}
	if (seq_check && s->seq != seq_want) {
		snprintf(why, len, "expected seq %s, got seq %s",
		    their_num(c, s, seq_want, n1, sizeof(n1)),
		    their_num(c, s, s->seq, n2, sizeof(n2)));
		return 0;
	}
	if (ack_check && !(s->flags & SEG_ACK)) {
		snprintf(why, len, "expected an ACK field (ack %s), "
		    "ACK flag not set", our_num(c, ack_want, n1, sizeof(n1)));
		return 0;
	}
	if (ack_check && s->ack != ack_want) {
		snprintf(why, len, "expected ack %s, got ack %s",
		    our_num(c, ack_want, n1, sizeof(n1)),
		    our_num(c, s->ack, n2, sizeof(n2)));
		return 0;
	}
	if (ex->win_set && (s->win < ex->win_min || s->win > ex->win_max)) {
		if (ex->win_min == ex->win_max)
			snprintf(why, len, "expected win %u, got win %u",
			    ex->win_min, s->win);
		else
			snprintf(why, len, "expected win in [%u, %u], got "
			    "win %u", ex->win_min, ex->win_max, s->win);
		return 0;
	}
	if (!check_range("urg", &ex->urg, s->urp, why, len) ||
	    !check_range("ttl", &ex->ttl, s->ttl, why, len) ||
	    !check_range("tos", &ex->tos, s->tos, why, len) ||
	    !check_range("ipid", &ex->ipid, s->ipid, why, len) ||
	    !check_range("length", &ex->len, (uint32_t)s->paylen, why, len))
		return 0;
	if (ex->df >= 0 && (int)s->df != ex->df) {
		snprintf(why, len, "expected DF %s, got DF %s",
		    ex->df ? "set" : "clear", s->df ? "set" : "clear");
		return 0;
	}
	for (i = 0; i < ex->nopts; i++)
		if (!check_option(c, &ex->opts[i], s, why, len))
			return 0;
	if (ex->data_set && (s->paylen != ex->datalen ||
	    memcmp(s->payload, ex->data, ex->datalen) != 0)) {
		data_desc(ex->data, ex->datalen, d1, sizeof(d1));
		data_desc(s->payload, s->paylen, d2, sizeof(d2));
		snprintf(why, len, "expected %zu data bytes \"%s\", got %zu "
		    "bytes \"%s\"", ex->datalen, d1, s->paylen, d2);
		return 0;
	}
	return 1;
}

void
match_capture(const struct match_ctx *c, const struct plan_expect *ex,
    const struct seg *s)
{
	size_t i;
	uint32_t v, ecr = 0;
	uint16_t mss = 0;
	uint8_t ws = 0;

	for (i = 0; i < ex->ncap; i++) {
		const struct plan_capture *cp = &ex->cap[i];
		int ok = 1;

		switch (cp->field) {
		case PLAN_F_SEQ: v = s->seq; break;
		case PLAN_F_ACK: v = s->ack; break;
		case PLAN_F_WIN: v = s->win; break;
		case PLAN_F_URG: v = s->urp; break;
		case PLAN_F_LEN: v = (uint32_t)s->paylen; break;
		case PLAN_F_END: v = s->seq + seg_len(s); break;
		case PLAN_F_TTL: v = s->ttl; break;
		case PLAN_F_IPID: v = s->ipid; break;
		case PLAN_F_TOS: v = s->tos; break;
		case PLAN_F_TSVAL:
		case PLAN_F_TSECR:
			ok = seg_opt_ts(s, &v, &ecr) == 0;
			if (cp->field == PLAN_F_TSECR)
				v = ecr;
			break;
		case PLAN_F_MSS:
			ok = seg_opt_mss(s, &mss) == 0;
			v = mss;
			break;
		case PLAN_F_WS:
			ok = seg_opt_ws(s, &ws) == 0;
			v = ws;
			break;
		default:
			ok = 0;
			break;
		}
		if (ok && cp->var >= 0 && (size_t)cp->var < c->pc->nvars) {
			c->vals[cp->var] = v;
			c->valset[cp->var] = true;
		}
	}
}
