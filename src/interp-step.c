/*
 * interp-step.c - a case's steps in order: each runs through its unit's
 * operations (interp-int.h, step-*.c), waits on the loop's timers, and is
 * handed the target's segments that arrive while it waits; those that
 * come while no step waits queue for the next one.  What the judging
 * steps share (in time, the zero window, accepting a segment) is here
 * too.  Timing verdicts use capture timestamps.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "match.h"
#include "progress.h"
#include "seg.h"
#include "tcpsm.h"
#include "util.h"
#include "wire.h"

static void wait_timeout_cb(uint64_t id, void *arg);

/* ---- waiting ---------------------------------------------------------- */

static void
arm(struct case_run *cr, enum cr_wait w, uint64_t ns, const char *what,
    unsigned flags, void (*fn)(struct case_run *))
{
	cr->wait = w;
	cr->wait_fn = fn;
	cr->wait_flags = flags;
	cr->wait_what = what;
	cr->wait_ns = ns;
	cr->wait_due = ev_now(cr->in->loop) + ns;
	cr->wait_due_cap = wire_cap_now(cr->in->wire) + ns;
	cr_del_timer(cr, &cr->timer);
	cr->timer = ev_add_timer(cr->in->loop, ns, wait_timeout_cb, cr);
	if (cr->timer == 0)
		fatalx("out of memory");
	prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs),
	    ev_now(cr->in->loop) + ns);
}

void
cr_arm(struct case_run *cr, uint64_t ns, const char *what, unsigned flags)
{
	arm(cr, CR_WAIT_STEP, ns, what, flags, NULL);
}

void
cr_arm_wait(struct case_run *cr, enum cr_wait w, uint64_t ns,
    const char *what, void (*fn)(struct case_run *))
{
	arm(cr, w, ns, what, 0, fn);
}

void
cr_wait_end(struct case_run *cr)
{
	cr_del_timer(cr, &cr->timer);
	cr_del_timer(cr, &cr->step_timer);
	cr->wait = CR_WAIT_NONE;
}

void
cr_done(struct case_run *cr)
{
	cr_wait_end(cr);
	cr_next(cr);
}

void
cr_next(struct case_run *cr)
{
	cr_frame_next(cr);
	cr_advance(cr);
}

int
cr_push_branch(struct case_run *cr, const struct plan_step *steps, size_t n)
{
	if (cr->depth + 1 >= MAX_DEPTH) {
		cr_fail(cr, "any_of nested too deeply");
		return -1;
	}
	cr->fr[++cr->depth] = (struct frame){ steps, n, 0 };
	return 0;
}

static void
step_timer_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	void (*cb)(struct case_run *) = cr->step_timer_fn;

	(void)id;
	cr->step_timer = 0;
	if (cr->status == CR_RUNNING && cr->wait == CR_WAIT_STEP)
		cb(cr);
}

void
cr_step_timer(struct case_run *cr, uint64_t ns, void (*cb)(struct case_run *))
{
	cr_del_timer(cr, &cr->step_timer);
	cr->step_timer_fn = cb;
	cr->step_timer = ev_add_timer(cr->in->loop, ns, step_timer_cb, cr);
}



/*
 * The tester handled the end of the current wait late (interp_stall):
 * whatever the wait was to show, we did not watch or answer the target on
 * time, so the target is not judged.  The case fails with a message that
 * blames the tester, and the run ends with an environment error (exit 3),
 * as when the capture fails: a CI must count it neither as the target's
 * nonconformance nor as a pass.
 */
static void
tester_stalled(struct case_run *cr, uint64_t late)
{
	struct interp *in = cr->in;
	char d1[32], d2[32];

	tc_fmt_duration(late, d1, sizeof(d1));
	in->env_error = 1;
	tc_errf(in->errbuf, sizeof(in->errbuf), "the tester stalled (%s "
	    "late in case %s): a stopped or overloaded tester cannot judge "
	    "a target", d1, cr->pc->id);
	cr_fail(cr, "tester stalled: the end of this step's %s of %s was "
	    "handled %s late (the tester was stopped or overloaded); cannot "
	    "judge the target", cr->wait_what,
	    tc_fmt_duration(cr->wait_ns, d2, sizeof(d2)), d1);
	cr->level = PLAN_LEVEL_MUST;	/* ours: never a deviation of a MAY */
}

static void
wait_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;

	(void)id;
	cr->timer = 0;
	prog_timer(cr->in->prog, (size_t)(cr - cr->in->runs), 0);
	cr_expire(cr);
}

/*
 * The current wait is over: from its timer, or from interp-arrive.c when
 * a segment captured after the deadline comes in before the timer fired
 * (the capture is read first after a stall).
 */
void
cr_expire(struct case_run *cr)
{
	uint64_t late;

	cr_del_timer(cr, &cr->timer);
	if (cr->status != CR_RUNNING)
		return;
	if (cr->wait != CR_WAIT_NONE &&
	    (late = interp_stall(cr->wait_due, ev_now(cr->in->loop))) != 0) {
		tester_stalled(cr, late);
		return;
	}
	switch (cr->wait) {
	case CR_WAIT_NONE:
		return;
	case CR_WAIT_DRAIN:
		cr_end(cr, REP_PASS, NULL);
		return;
	case CR_WAIT_PIN:
		cr->wait = CR_WAIT_NONE;
		cr->wait_fn(cr);
		return;
	case CR_WAIT_STEP:
		cr_ops(cr)->on_timeout(cr, cr_step(cr));
		return;
	}
}

static void
case_timeout_cb(uint64_t id, void *arg)
{
	struct case_run *cr = arg;
	char d[32];

	(void)id;
	cr->case_timer = 0;
	if (cr->status == CR_RUNNING && cr->wait != CR_WAIT_NONE &&
	    interp_stall(cr->wait_due, ev_now(cr->in->loop)) != 0) {
		cr_expire(cr);	/* reports the stall */
		return;
	}
	cr_fail(cr, "case timed out after %s", tc_fmt_duration(
	    cr->pc->timeout_ns ? cr->pc->timeout_ns :
	    cr->in->cfg->default_timeout_ns, d, sizeof(d)));
}

/* Every step passed; wait briefly for our last segment's capture copy so
 * the trace is complete. */
static void
case_pass(struct case_run *cr)
{
	if (cr->t_sent_cap != 0 || !cr->m.have_our) {
		cr_end(cr, REP_PASS, NULL);
		return;
	}
	cr_arm_wait(cr, CR_WAIT_DRAIN, DRAIN_NS, "final capture", NULL);
}

/* Run steps until one has to wait or the case ends. */
void
cr_advance(struct case_run *cr)
{
	const struct plan_step *st;

	while (cr->status == CR_RUNNING && cr->wait == CR_WAIT_NONE) {
		if ((st = cr_step(cr)) == NULL) {
			case_pass(cr);
			return;
		}
		if (!plan_step_runs(st, cr->in->cfg->profile)) {
			cr_frame_next(cr);
			continue;
		}
		cr_step_log(cr, st);
		switch (cr_ops(cr)->start(cr, st)) {
		case STEP_ENDED:
			return;
		case STEP_NEXT:
			cr_frame_next(cr);
			break;
		case STEP_WAIT:
			break;
		}
		cr_q_deliver(cr);
	}
}
/* The case's sysctls are set: its timeout starts, and its first step. */
void
cr_go(struct case_run *cr)
{
	struct interp *in = cr->in;
	const struct plan_case *pc = cr->pc;

	cr->case_timer = ev_add_timer(in->loop, pc->timeout_ns ?
	    pc->timeout_ns : in->cfg->default_timeout_ns, case_timeout_cb, cr);
	cr_advance(cr);
}


/* ---- queue of early arrivals ------------------------------------------- */

static void
q_push(struct case_run *cr, const struct seg *s, uint64_t ts)
{
	struct qseg *q;

	if (cr->qlen == QMAX) {
		cr_fail(cr, "more than %d segments arrived that no step "
		    "expected", QMAX);
		return;
	}
	q = &cr->q[(cr->qhead + cr->qlen++) % QMAX];
	q->s = *s;
	q->ts = ts;
	q->pkt = cr->cur_pkt;
	q->data = NULL;
	if (s->paylen > 0) {
		q->data = xmalloc(s->paylen);
		memcpy(q->data, s->payload, s->paylen);
	}
	q->s.payload = q->data;
}

/* Drop the oldest queued segment. */
void
cr_q_pop(struct case_run *cr)
{
	if (cr->qlen == 0)
		return;
	free(cr->q[cr->qhead].data);
	cr->qhead = (cr->qhead + 1) % QMAX;
	cr->qlen--;
}

void
cr_q_clear(struct case_run *cr)
{
	while (cr->qlen > 0)
		cr_q_pop(cr);
}

/* Hand queued segments to the step now waiting, oldest first. */
void
cr_q_deliver(struct case_run *cr)
{
	while (cr->qlen > 0 && cr->status == CR_RUNNING &&
	    (cr->wait == CR_WAIT_DRAIN || (cr->wait == CR_WAIT_STEP &&
	    !(cr->wait_flags & CR_ARM_QUEUE)))) {
		struct qseg q = cr->q[cr->qhead];

		cr->qhead = (cr->qhead + 1) % QMAX;
		cr->qlen--;
		cr->cur_pkt = q.pkt;
		cr_arrive(cr, &q.s, q.ts);
		free(q.data);
	}
}

uint64_t
cr_elapsed(const struct case_run *cr, uint64_t ts)
{
	if (cr->t_sent_cap != 0 && ts >= cr->t_sent_cap)
		return ts - cr->t_sent_cap;
	return ev_now(cr->in->loop) - cr->t_sent_mono;
}

void
cr_accept(struct case_run *cr, const struct plan_expect *ex,
    const struct seg *s, uint64_t ts)
{
	struct match_ctx c = cr_mctx(cr);

	if (ex != NULL)
		match_capture(&c, ex, s);
	cr_matched(cr);
	tcpsm_on_recv(&cr->m, s);
	cr->match = *s;
	cr->match.payload = NULL;
	cr->have_match = true;
	cr->match_ts = ts;
	cr->match_gap = 0;
}

/*
 * A segment no step expects that carries data into the zero window we
 * offered is a window violation, and is reported as one rather than as
 * the step's mismatch.
 */
int
cr_zero_window(struct case_run *cr, const struct seg *s)
{
	char why[256], line[512];

	if (!tcpsm_zero_window(cr->m.have_our ? &cr->last_sent : NULL, s, why,
	    sizeof(why)))
		return 0;
	cr_describe(cr, s, line, sizeof(line));
	cr_fail(cr, "%s\n  got:   %s", why, line);
	return 1;
}

int
cr_in_time(struct case_run *cr, uint64_t ts, uint64_t within)
{
	char d1[32], d2[32], note[512];
	uint64_t el = cr_elapsed(cr, ts);

	if (el <= within)
		return 1;
	cr_model_note(cr, note, sizeof(note));
	cr_fail(cr, "reply came after %s, later than %s\n  model: %s",
	    tc_fmt_duration(el, d1, sizeof(d1)),
	    tc_fmt_duration(within, d2, sizeof(d2)), note);
	return 0;
}

void
cr_arrive(struct case_run *cr, const struct seg *s, uint64_t ts)
{
	const struct plan_step *st = cr_step(cr);

	/*
	 * The loop reads the capture before it runs the timers, so after a
	 * stall a segment captured after the current wait ended can come
	 * first: a silence ends before it, as if we had kept time; a
	 * reply's lateness is judged from capture times (in_time and the
	 * like say by how much), unless we stalled, which wait_expire then
	 * reports.  A wait or command ends without the target's help: its
	 * segments queue for the step after it.
	 */
	if (cr->timer != 0 && ts > cr->wait_due_cap &&
	    cr->wait == CR_WAIT_STEP && !(cr->wait_flags & CR_ARM_QUEUE) &&
	    ((cr->wait_flags & CR_ARM_QUIET) ||
	    interp_stall(cr->wait_due, ev_now(cr->in->loop)) != 0)) {
		cr_expire(cr);
		if (cr->status != CR_RUNNING)
			return;
		st = cr_step(cr);
	}
	switch (cr->wait) {
	case CR_WAIT_NONE:
	case CR_WAIT_PIN:
		q_push(cr, s, ts);
		return;
	case CR_WAIT_DRAIN:
		return;
	case CR_WAIT_STEP:
		if (cr->wait_flags & CR_ARM_QUEUE)
			q_push(cr, s, ts);
		else
			cr_ops(cr)->on_segment(cr, st, s, ts);
		return;
	}
}

