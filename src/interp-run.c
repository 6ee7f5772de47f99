/*
 * interp-run.c - a case run's record, the bottom of the engine: what it
 * matched, sent and traced, its events for the reporters, where it stands
 * in its steps, and its verdict.  cr_end records the verdict only; what
 * an ended case leaves behind (its commands, pins, capture file, open
 * connection) is cleaned up by interp-case.c after the loop's callback
 * returns (interp_settle), so no file below interp-case.c calls up to it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "match.h"
#include "pcapw.h"
#include "progress.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

struct match_ctx
cr_mctx(struct case_run *cr)
{
	struct match_ctx c = {
		.m = &cr->m,
		.us = &cr->me,
		.our_isn = cr->our_isn,
		.pc = cr->pc,
		.vals = cr->vals,
		.valset = cr->valset,
		.have_our_tsval = cr->have_our_tsval,
		.our_tsval = cr->our_tsval,
	};

	return c;
}

/* ---- structured results ------------------------------------------------ */

void
cr_step_log(struct case_run *cr, const struct plan_step *st)
{
	struct rep_step *e;

	cr->steplog = xreallocarray(cr->steplog, cr->nsteplog + 1,
	    sizeof(*cr->steplog));
	e = &cr->steplog[cr->nsteplog++];
	memset(e, 0, sizeof(*e));
	e->pos = &st->pos;
	e->kind = plan_step_names[st->kind];
}

void
cr_event(struct case_run *cr, enum rep_event_kind kind, const char *key,
    const char *value, long n, long expected)
{
	struct rep_event *e;

	cr->events = xreallocarray(cr->events, cr->nevents + 1,
	    sizeof(*cr->events));
	e = &cr->events[cr->nevents++];
	e->kind = kind;
	e->key = key != NULL ? xstrdup(key) : NULL;
	e->value = value != NULL ? xstrdup(value) : NULL;
	e->n = n;
	e->expected = expected;
}

bool
cr_has_event(const struct case_run *cr, enum rep_event_kind kind)
{
	size_t i;

	for (i = 0; i < cr->nevents; i++)
		if (cr->events[i].kind == kind)
			return true;
	return false;
}

/* Packet pkt belongs to steplog entry i (it sent or matched it). */
void
cr_step_pkt(struct case_run *cr, size_t i, unsigned pkt)
{
	struct rep_step *e;

	if (i >= cr->nsteplog || pkt == 0 || pkt > PKTMAX)
		return;
	e = &cr->steplog[i];
	if (e->npkts < REP_STEP_PKTS)
		e->pkts[e->npkts++] = pkt;
}

/* The segment being judged matched the current step. */
void
cr_matched(struct case_run *cr)
{
	if (cr->nsteplog > 0)
		cr_step_pkt(cr, cr->nsteplog - 1, cr->cur_pkt);
}

/* Count a captured packet of the case and write it to its pcap. */
unsigned
cr_packet(struct case_run *cr, const uint8_t *pkt, size_t caplen,
    size_t len, uint64_t ts)
{
	pcapw_write(cr->pcap, pkt, caplen, len, ts);
	return ++cr->npkt;
}

/* ---- trace ------------------------------------------------------------ */

/*
 * Print s like tcpdump -S off: seq relative to its sender's ISN and ack to
 * the receiver's, once that side's SYN was seen, absolute before (a case
 * that never opens a connection).  A SYN carries the ISN the model has
 * not learnt yet.
 */
static void
format_seg(const struct case_run *cr, const struct seg *s, int ours,
    char *buf, size_t len)
{
	const struct tcpsm *from = ours ? &cr->me : &cr->m;
	const struct tcpsm *to = ours ? &cr->m : &cr->me;

	seg_format(s, from->have_iss ? from->iss :
	    (s->flags & SEG_SYN) ? s->seq : 0, to->have_iss ? to->iss : 0,
	    buf, len);
}

void
cr_trace_seg(struct case_run *cr, const struct seg *s, int ours, uint64_t ts)
{
	char line[512];

	format_seg(cr, s, ours, line, sizeof(line));
	if (ts != 0 && cr->t_first_cap != 0)
		buf_printf(&cr->trace, "%+10.6f %s %s\n",
		    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ",
		    line);
	else
		buf_printf(&cr->trace, "%10s %s %s\n", "", ours ? "out" : "in ",
		    line);
}

/* A captured packet of the case that did not decode, with the reason. */
void
cr_trace_bad(struct case_run *cr, int ours, const char *what, const char *why,
    uint64_t ts)
{
	if (cr->t_first_cap == 0)
		cr->t_first_cap = ts;
	buf_printf(&cr->trace, "%+10.6f %s %s segment: %s\n",
	    (double)(ts - cr->t_first_cap) / 1e9, ours ? "out" : "in ", what,
	    why);
}

void
cr_describe(const struct case_run *cr, const struct seg *s, char *buf,
    size_t len)
{
	format_seg(cr, s, 0, buf, len);
}

/* ---- steps ------------------------------------------------------------ */

/* The step to run now, or NULL when every step is done. */
const struct plan_step *
cr_step(const struct case_run *cr)
{
	const struct frame *f = &cr->fr[cr->depth];

	return f->i < f->n ? &f->steps[f->i] : NULL;
}

const struct step_ops *
cr_ops(const struct case_run *cr)
{
	return cr->in->steps[cr_step(cr)->kind];
}

void
cr_frame_next(struct case_run *cr)
{
	cr->fr[cr->depth].i++;
	while (cr->depth > 0 && cr->fr[cr->depth].i >= cr->fr[cr->depth].n) {
		cr->depth--;
		cr->fr[cr->depth].i++;
	}
}

static const struct plan_pos *
cur_pos(const struct case_run *cr)
{
	const struct plan_step *st = cr_step(cr);

	return st != NULL ? &st->pos : &cr->pc->pos;
}

void
cr_del_timer(struct case_run *cr, uint64_t *id)
{
	if (*id != 0)
		ev_del_timer(cr->in->loop, *id);
	*id = 0;
	if (id == &cr->timer)
		prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs), 0);
}

void
cr_end(struct case_run *cr, enum rep_verdict v, char *msg)
{
	struct interp *in = cr->in;

	if (cr->status == CR_DONE) {
		free(msg);
		return;
	}
	cr_del_timer(cr, &cr->timer);
	cr_del_timer(cr, &cr->case_timer);
	cr_del_timer(cr, &cr->step_timer);
	cr->wait = CR_WAIT_NONE;
	cr->status = CR_DONE;
	cr->t_end = cr->t_start != 0 ? ev_now(in->loop) : 0;
	cr->verdict = v;
	cr->msg = msg;
	/* "failed" on the progress line: what will fail the run (not a
	 * MAY's deviation, not an expected failure; an XPASS does). */
	prog_case_end(in->prog, (size_t)(cr - in->runs), in->rep != NULL &&
	    rep_fails_run(in->rep, cr->pc, v, cr->level));
	/* The rest once the loop's callback returns (interp_settle). */
	cr->unsettled = true;
	in->nunsettled++;
}

/*
 * A failure of a case whose required sysctls were assumed, not read (no
 * target hook): the message names them, since a target set otherwise
 * fails for that and not for the rule.  Takes msg, returns the one to
 * keep.
 */
static char *
assumed_append(const struct case_run *cr, char *msg)
{
	struct buf b = { 0 };
	char *m;
	size_t i;

	for (i = 0; i < cr->nevents; i++)
		if (cr->events[i].kind == REP_EV_ASSUMED)
			buf_printf(&b, "%s%s=%s", b.s != NULL ? ", " : "",
			    cr->events[i].key, cr->events[i].value);
	if (b.s == NULL)
		return msg;
	m = xasprintf("%s\n  the case assumes %s (not checked: no target "
	    "hook); a target set otherwise fails here for that", msg,
	    buf_text(&b));
	free(msg);
	buf_free(&b);
	return m;
}

void
cr_fail(struct case_run *cr, const char *fmt, ...)
{
	const struct plan_pos *pos = cur_pos(cr);
	const struct plan_step *st = cr_step(cr);
	va_list ap;
	char *body, *msg;
	uint64_t drops;

	if (cr->status != CR_RUNNING)
		return;
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	drops = wire_drops(cr->in->wire) - cr->drops0;
	if (drops == 0)
		msg = xasprintf("%s:%d:%d: %s", pos->file, pos->line, pos->col,
		    body);
	else
		msg = xasprintf("%s:%d:%d: %s\n  capture: the kernel dropped "
		    "%ju packets while the case ran, so a segment may have "
		    "been lost to us, not by the target", pos->file, pos->line,
		    pos->col, body, (uintmax_t)drops);
	free(body);
	msg = assumed_append(cr, msg);
	cr->level = st != NULL ? st->level : cr->pc->level;
	cr_end(cr, REP_FAIL, msg);
}

/* A case that does not run: skipped, with why (owned). */
void
cr_skip(struct case_run *cr, char *why)
{
	cr->status = CR_RUNNING;
	cr_end(cr, REP_SKIP, why);
}

void
cr_model_note(const struct case_run *cr, char *buf, size_t len)
{
	tcpsm_note(&cr->m, &cr->me, cr->state_before,
	    cr->m.have_our ? &cr->last_sent : NULL, buf, len);
}

/* ---- the run ------------------------------------------------------------ */

uint64_t
interp_stall(uint64_t due, uint64_t now)
{
	return now > due && now - due > INTERP_STALL_NS ? now - due : 0;
}

void
interp_abort(struct interp *in, const char *why)
{
	size_t i, last;

	if (in->aborted)
		return;
	in->aborted = 1;
	/* An interruption is ours, not a deviation: at a MUST, whatever
	 * the step's level. */
	for (i = 0; i < in->nruns; i++)
		if (in->runs[i].status == CR_RUNNING) {
			cr_fail(&in->runs[i], "interrupted: %s", why);
			in->runs[i].level = PLAN_LEVEL_MUST;
		}
	/* Cases start out of plan order: one never started would hold back
	 * the report of a later one that ran.  Report those as not run; the
	 * ones after the last case that ran stay unreported, as before. */
	for (last = in->nruns; last > 0; last--)
		if (in->runs[last - 1].status == CR_DONE)
			break;
	for (i = 0; i + 1 < last; i++)
		if (in->runs[i].status == CR_PENDING)
			cr_skip(&in->runs[i],
			    xstrdup("not run: the run ended early"));
	ev_stop(in->loop);
}

