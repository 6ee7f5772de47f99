/*
 * plan.c - plan types: names, profiles, levels, retransmission timing,
 * and freeing.
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
	[PLAN_TARGET] = "target",
	[PLAN_ANY_OF] = "any_of",
};

/* The agent's verbs a target step may use (tcpconform-agent(1)). */
const struct plan_tverb_def plan_tverbs[PLAN_TV_MAX] = {
	[PLAN_TV_CONNECT] = { "connect", true, false },
	[PLAN_TV_ACCEPT] = { "accept", true, false },
	[PLAN_TV_WRITE] = { "write", false, true },
	[PLAN_TV_READ] = { "read", false, true },
	[PLAN_TV_SHUTDOWN] = { "shutdown", false, true },
	[PLAN_TV_CLOSE] = { "close", false, true },
	[PLAN_TV_ABORT] = { "abort", false, true },
	[PLAN_TV_SETSOCKOPT] = { "setsockopt", false, true },
	[PLAN_TV_GETSOCKOPT] = { "getsockopt", false, true },
	[PLAN_TV_INFO] = { "info", false, true },
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
	[PLAN_F_END] = "end",
};

const char *const plan_level_names[PLAN_LEVEL_MAX] = {
	[PLAN_LEVEL_MUST] = "MUST",
	[PLAN_LEVEL_SHOULD] = "SHOULD",
	[PLAN_LEVEL_MAY] = "MAY",
};

int
plan_level_parse(const char *name, enum plan_level *l)
{
	int i;

	for (i = 0; i < PLAN_LEVEL_MAX; i++)
		if (strcmp(name, plan_level_names[i]) == 0) {
			*l = (enum plan_level)i;
			return 0;
		}
	return -1;
}

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

/* The run's profile file (profile.c), if any: its name and the built-in
 * it inherits.  One per process, as there is one -P. */
static char alias_name[128], alias_base[32];

void
plan_profile_alias(const char *name, const char *base)
{
	snprintf(alias_name, sizeof(alias_name), "%s", name != NULL ? name :
	    "");
	snprintf(alias_base, sizeof(alias_base), "%s", base != NULL ? base :
	    "");
}

bool
plan_profile_is(const char *profile, const char *name)
{
	if (profile == NULL)
		return false;
	if (strcmp(profile, name) == 0)
		return true;
	/* A profile file is what it inherits too. */
	return alias_name[0] != '\0' && strcmp(profile, alias_name) == 0 &&
	    strcmp(alias_base, name) == 0;
}

bool
plan_sysctls_apply(const char *profile)
{
	return plan_profile_is(profile, PLAN_SYSCTL_PROFILE);
}

bool
plan_step_runs(const struct plan_step *st, const char *profile)
{
	if (profile == NULL || st->profile == NULL)
		return true;
	return (strcmp(st->profile, profile) == 0) != st->profile_not;
}

void
plan_levels_fill(struct plan_step *steps, size_t n, enum plan_level level)
{
	struct plan_any_of *a;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!steps[i].level_set)
			steps[i].level = level;
		if (steps[i].kind != PLAN_ANY_OF)
			continue;
		a = &steps[i].u.any_of;
		for (j = 0; j < a->nalts; j++)
			plan_levels_fill(a->alts[j].steps, a->alts[j].nsteps,
			    steps[i].level);
	}
}

/* ---- timing -------------------------------------------------------------- */

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
	case PLAN_TARGET:
		free(st->u.target.data);
		free(st->u.target.option);
		free(st->u.target.result.err);
		free(st->u.target.result.data);
		free(st->u.target.result.value);
		free(st->u.target.result.state);
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
		free(c->na_reason);
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

/*
 * The first step of kind among steps, any_of alternatives included; with
 * needed, only one that runs under profile and is not an optional exec.
 */
static const struct plan_step *
find_step(const struct plan_step *steps, size_t n, enum plan_step_kind kind,
    bool needed, const char *profile)
{
	const struct plan_step *e;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (needed && !plan_step_runs(&steps[i], profile))
			continue;
		if (steps[i].kind == kind && (!needed || kind != PLAN_EXEC ||
		    !steps[i].u.exec.optional))
			return &steps[i];
		if (steps[i].kind != PLAN_ANY_OF)
			continue;
		for (j = 0; j < steps[i].u.any_of.nalts; j++)
			if ((e = find_step(steps[i].u.any_of.alts[j].steps,
			    steps[i].u.any_of.alts[j].nsteps, kind, needed,
			    profile)) != NULL)
				return e;
	}
	return NULL;
}

const struct plan_step *
plan_find_kind(const struct plan_step *steps, size_t n,
    enum plan_step_kind kind)
{
	return find_step(steps, n, kind, false, NULL);
}

const struct plan_step *
plan_find_exec(const struct plan_step *steps, size_t n)
{
	return find_step(steps, n, PLAN_EXEC, false, NULL);
}

const struct plan_step *
plan_find_needed_exec(const struct plan_step *steps, size_t n,
    const char *profile)
{
	return find_step(steps, n, PLAN_EXEC, true, profile);
}
