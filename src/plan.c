/*
 * plan.c - plan types: names, profiles, retransmission timing, the
 * duration estimate, and freeing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

const char *const plan_step_names[PLAN_STEP_MAX] = {
	[PLAN_CONNECT] = "connect",
	[PLAN_SEND] = "send",
	[PLAN_EXPECT] = "expect",
	[PLAN_SILENCE] = "silence",
	[PLAN_STATE] = "state",
	[PLAN_WAIT] = "wait",
	[PLAN_RETRANSMITS] = "retransmits",
	[PLAN_MEASURE] = "measure",
	[PLAN_EXEC] = "exec",
	[PLAN_ANY_OF] = "any_of",
};

const char *const plan_field_names[PLAN_F_MAX] = {
	[PLAN_F_SEQ] = "seq",
	[PLAN_F_ACK] = "ack",
	[PLAN_F_WIN] = "win",
	[PLAN_F_URG] = "urg",
	[PLAN_F_LEN] = "len",
	[PLAN_F_TTL] = "ttl",
	[PLAN_F_IPID] = "ipid",
	[PLAN_F_TOS] = "tos",
	[PLAN_F_TSVAL] = "ts.val",
	[PLAN_F_TSECR] = "ts.ecr",
	[PLAN_F_MSS] = "mss",
	[PLAN_F_WS] = "ws",
};

const struct plan_profile plan_profiles[] = {
	{ "rfc", "the RFCs as written (default)" },
	{ "linux", "Linux 6.x: its documented, intended deviations" },
};
const size_t plan_nprofiles = sizeof(plan_profiles) / sizeof(plan_profiles[0]);

bool
plan_profile_known(const char *name)
{
	size_t i;

	for (i = 0; i < plan_nprofiles; i++)
		if (strcmp(name, plan_profiles[i].name) == 0)
			return true;
	return false;
}

char *
plan_profile_list(char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < plan_nprofiles && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
		    plan_profiles[i].name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

bool
plan_step_runs(const struct plan_step *st, const char *profile)
{
	if (profile == NULL || st->profile == NULL)
		return true;
	return (strcmp(st->profile, profile) == 0) != st->profile_not;
}

/* ---- timing -------------------------------------------------------------- */

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

uint64_t
plan_rtx_gap(const struct plan_retransmits *r, unsigned n, uint64_t prev_gap)
{
	if (r->backoff > 0 && n > 0 && prev_gap > 0)
		return sat_mul(prev_gap, r->backoff);
	if (r->nsched == 0)
		return 0;
	return r->schedule[n < r->nsched ? n : r->nsched - 1];
}

uint64_t
plan_rtx_tol(const struct plan_retransmits *r, uint64_t gap)
{
	uint64_t tol = gap > UINT64_MAX / 100 ? gap / 100 * r->tol_pct :
	    gap * r->tol_pct / 100;

	return tol < r->tol_min_ns ? r->tol_min_ns : tol;
}

/* The estimate so far: typical and longest time, and the typical time
 * since our last segment (measure counts from it). */
struct dur {
	uint64_t typ, max, since;
};

static void
dur_add(struct dur *d, uint64_t typ, uint64_t max)
{
	d->typ = sat_add(d->typ, typ);
	d->max = sat_add(d->max, max);
	d->since = sat_add(d->since, typ);
}

static void
steps_dur(const struct plan_step *st, size_t n, const char *profile,
    uint64_t within_ns, struct dur *d)
{
	const struct plan_retransmits *r;
	const struct plan_measure *m;
	struct dur b, best;
	uint64_t g, gx, prev, prevx, mid, t, x;
	size_t i, j;

	for (i = 0; i < n; i++, st++) {
		if (!plan_step_runs(st, profile))
			continue;
		switch (st->kind) {
		case PLAN_CONNECT:
			dur_add(d, 0, st->u.connect.within_ns ?
			    st->u.connect.within_ns : within_ns);
			d->since = 0;	/* our ACK ends it */
			break;
		case PLAN_SEND:
			d->since = 0;
			break;
		case PLAN_EXPECT:
			dur_add(d, 0, st->u.expect.within_ns ?
			    st->u.expect.within_ns : within_ns);
			break;
		case PLAN_SILENCE:
			dur_add(d, st->u.silence_ns, st->u.silence_ns);
			break;
		case PLAN_WAIT:
			dur_add(d, st->u.wait_ns, st->u.wait_ns);
			break;
		case PLAN_RETRANSMITS:
			/* The interpreter's gaps and tolerances: typically
			 * each gap as expected, at most each at its upper
			 * bound, which a backoff then multiplies. */
			r = &st->u.retransmits;
			t = x = prev = prevx = 0;
			for (j = 0; j < r->count; j++) {
				g = plan_rtx_gap(r, (unsigned)j, prev);
				gx = plan_rtx_gap(r, (unsigned)j, prevx);
				gx = sat_add(gx, plan_rtx_tol(r, gx));
				t = sat_add(t, g);
				x = sat_add(x, gx);
				prev = g;
				prevx = gx;
			}
			dur_add(d, sat_add(t, r->silence_ns),
			    sat_add(x, r->silence_ns));
			break;
		case PLAN_MEASURE:
			/* Timed from our last segment, which may have left
			 * steps before. */
			m = &st->u.measure;
			mid = m->range_set ? m->range_lo / 2 + m->range_hi / 2 :
			    m->max_ns / 2;
			dur_add(d, mid > d->since ? mid - d->since : 0,
			    m->max_ns);
			if (m->probe_set)
				d->since = 0;
			break;
		case PLAN_EXEC:
			if (!st->u.exec.background)
				dur_add(d, 0, st->u.exec.within_ns);
			break;
		case PLAN_ANY_OF:
			memset(&best, 0, sizeof(best));
			best.since = d->since;
			x = 0;
			for (j = 0; j < st->u.any_of.nalts; j++) {
				b = (struct dur){ 0, 0, d->since };
				steps_dur(st->u.any_of.alts[j].steps,
				    st->u.any_of.alts[j].nsteps, profile,
				    within_ns, &b);
				if (j == 0 || b.typ > best.typ)
					best = b;
				x = b.max > x ? b.max : x;
			}
			d->typ = sat_add(d->typ, best.typ);
			d->max = sat_add(d->max, x);
			d->since = best.since;
			break;
		case PLAN_STATE:
		case PLAN_STEP_MAX:
			break;
		}
	}
}

void
plan_duration(const struct plan_case *c, const char *profile,
    uint64_t within_ns, uint64_t *typical_ns, uint64_t *max_ns)
{
	struct dur d = { 0, 0, 0 };
	uint64_t limit = c->timeout_ns ? c->timeout_ns :
	    PLAN_DEFAULT_TIMEOUT_NS;

	steps_dur(c->steps, c->nsteps, profile, within_ns, &d);
	/* The interpreter ends the case at its timeout. */
	d.typ = d.typ < limit ? d.typ : limit;
	d.max = d.max < limit ? d.max : limit;
	if (typical_ns != NULL)
		*typical_ns = d.typ;
	if (max_ns != NULL)
		*max_ns = d.max;
}

/* ---- freeing --------------------------------------------------------------- */

static void
expect_free(struct plan_expect *e)
{
	free(e->data);
	free(e->opts);
	free(e->cap);
}

void
plan_step_free(struct plan_step *st)
{
	size_t i, j;

	free(st->profile);
	switch (st->kind) {
	case PLAN_SEND:
		free(st->u.send.data);
		break;
	case PLAN_EXPECT:
		expect_free(&st->u.expect);
		break;
	case PLAN_SILENCE:
		if (st->u.silence_allow != NULL)
			expect_free(st->u.silence_allow);
		free(st->u.silence_allow);
		break;
	case PLAN_RETRANSMITS:
		free(st->u.retransmits.schedule);
		break;
	case PLAN_MEASURE:
		free(st->u.measure.name);
		free(st->u.measure.probe.data);
		expect_free(&st->u.measure.until);
		break;
	case PLAN_EXEC:
		free(st->u.exec.cmd);
		break;
	case PLAN_ANY_OF:
		for (i = 0; i < st->u.any_of.nalts; i++) {
			struct plan_branch *b = &st->u.any_of.alts[i];

			for (j = 0; j < b->nsteps; j++)
				plan_step_free(&b->steps[j]);
			free(b->steps);
		}
		free(st->u.any_of.alts);
		break;
	default:
		break;
	}
}

static void
sysctl_free(struct plan_sysctl *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static void
free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
plan_free(struct plan *p)
{
	size_t i, j;

	for (i = 0; i < p->ncases; i++) {
		struct plan_case *c = &p->cases[i];

		free(c->id);
		free(c->title);
		free(c->service);
		free_strv(c->rfc, c->nrfc);
		free_strv(c->tags, c->ntags);
		for (j = 0; j < c->nsteps; j++)
			plan_step_free(&c->steps[j]);
		free(c->steps);
		free_strv(c->vars, c->nvars);
		sysctl_free(c->sysctl, c->nsysctl);
		sysctl_free(c->req_sysctl, c->nreq_sysctl);
	}
	free(p->cases);
	free_strv(p->files, p->nfiles);
	memset(p, 0, sizeof(*p));
}

const struct plan_step *
plan_find_exec(const struct plan_step *steps, size_t n)
{
	const struct plan_step *e;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (steps[i].kind == PLAN_EXEC)
			return &steps[i];
		if (steps[i].kind != PLAN_ANY_OF)
			continue;
		for (j = 0; j < steps[i].u.any_of.nalts; j++)
			if ((e = plan_find_exec(steps[i].u.any_of.alts[j].steps,
			    steps[i].u.any_of.alts[j].nsteps)) != NULL)
				return e;
	}
	return NULL;
}
