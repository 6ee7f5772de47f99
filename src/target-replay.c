/*
 * target-replay.c - the target (target.h) of a replayed run: there is no
 * target to ask.  What the recorded run did on the target left no trace
 * in its capture but the segments that followed, so:
 *
 * - A setting the case requires (requires: sysctl) reads as the value it
 *   requires: a case the live run skipped for a requirement has an empty
 *   capture, which replay refuses, so a capture that holds the case's
 *   segments shows the requirement held.  A setting the case pins reads
 *   as its pinned value (restoring it changes nothing); any other is "not
 *   available in replay".  Setting and locking do nothing: every key is
 *   ours at once.
 * - A command of an exec step is not run again: it ends at once (from a
 *   timer of the loop, never inside exec_start) with the status its step
 *   expects, and its effect on the target is in the capture.
 *
 * What was taken as given is counted, for a note (target_replay_notes).
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "plan.h"
#include "target.h"
#include "target-replay.h"
#include "util.h"

struct target_job {
	struct target_replay *t;
	uint64_t timer;
	int code;
	target_exec_cb *done;
	void *arg;
};

struct target_replay {
	struct target t;
	const struct plan_case *pc;
	struct ev_loop *loop;
	unsigned nexec, nget, nset;
};

static const struct target_ops replay_target_ops;

static struct target_replay *
to_replay(struct target *t)
{
	return (struct target_replay *)t;
}

struct target *
target_replay_new(const struct plan_case *pc, struct ev_loop *loop)
{
	struct target_replay *r = xcalloc(1, sizeof(*r));

	r->t.ops = &replay_target_ops;
	r->pc = pc;
	r->loop = loop;
	return &r->t;
}

void
target_replay_notes(struct target *t, FILE *f, const char *progname)
{
	struct target_replay *r = to_replay(t);

	if (r->nexec > 0)
		fprintf(f, "%s: replay: %u exec command%s not re-run: each "
		    "ended with the status its step expects\n", progname,
		    r->nexec, r->nexec == 1 ? "" : "s");
	if (r->nget + r->nset > 0)
		fprintf(f, "%s: replay: the target's sysctls were not read "
		    "or set: the case's required and pinned values were "
		    "taken as the target's\n", progname);
}

static const char *
find_value(const struct plan_sysctl *s, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s[i].key, key) == 0)
			return s[i].value;
	return NULL;
}

static int
replay_get(struct target *t, const char *key, char *out, size_t outlen,
    char *err, size_t errlen)
{
	struct target_replay *r = to_replay(t);
	const char *v;

	r->nget++;
	if ((v = find_value(r->pc->req_sysctl, r->pc->nreq_sysctl,
	    key)) == NULL &&
	    (v = find_value(r->pc->sysctl, r->pc->nsysctl, key)) == NULL) {
		tc_errf(err, errlen, "%s: not available in replay", key);
		return -1;
	}
	snprintf(out, outlen, "%s", v);
	return 0;
}

static int
replay_set(struct target *t, const char *key, const char *value, char *err,
    size_t errlen)
{
	(void)key;
	(void)value;
	(void)err;
	(void)errlen;
	to_replay(t)->nset++;
	return 0;
}

static enum target_lock
replay_lock(struct target *t, const char *key, char *holder, size_t hlen,
    char *err, size_t errlen)
{
	(void)t;
	(void)key;
	(void)holder;
	(void)hlen;
	(void)err;
	(void)errlen;
	return TARGET_LOCK_TAKEN;
}

static int
replay_unlock(struct target *t, const char *key, char *err, size_t errlen)
{
	(void)t;
	(void)key;
	(void)err;
	(void)errlen;
	return 0;
}

/* The length of a reference to v ($NAME or ${NAME}) at p, 0 if none
 * ($TC_SRCX names another variable). */
static size_t
var_ref(const char *p, const struct target_var *v)
{
	size_t n = strlen(v->name);

	if (p[0] != '$')
		return 0;
	if (p[1] == '{')
		return strncmp(p + 2, v->name, n) == 0 && p[2 + n] == '}' ?
		    n + 3 : 0;
	if (strncmp(p + 1, v->name, n) != 0 || p[1 + n] == '_' ||
	    isalnum((unsigned char)p[1 + n]))
		return 0;
	return n + 1;
}

/*
 * Does cmd, as the engine ran it (its $TC_ variables put in), come from
 * pattern, a step's text?  A reference to var NAME in pattern stands for
 * its value.
 */
static bool
cmd_from(const char *pattern, const char *cmd, const struct target_var *vars,
    size_t nvars)
{
	const char *p = pattern, *c = cmd;
	size_t i, n = 0, vl = 0;

	while (*p != '\0') {
		for (i = 0; i < nvars; i++) {
			vl = strlen(vars[i].value);
			if ((n = var_ref(p, &vars[i])) > 0 &&
			    strncmp(c, vars[i].value, vl) == 0)
				break;
		}
		if (i < nvars) {
			p += n;
			c += vl;
		} else if (*p++ != *c++)
			return false;
	}
	return *c == '\0';
}

/* The status the exec step that ran cmd expects (0 when none is found). */
static int
want_status(const struct plan_step *steps, size_t n, const char *cmd,
    const struct target_var *vars, size_t nvars, bool *found)
{
	size_t i, j;
	int st;

	for (i = 0; i < n && !*found; i++) {
		if (steps[i].kind == PLAN_EXEC &&
		    cmd_from(steps[i].u.exec.cmd, cmd, vars, nvars)) {
			*found = true;
			return steps[i].u.exec.status;
		}
		if (steps[i].kind != PLAN_ANY_OF)
			continue;
		for (j = 0; j < steps[i].u.any_of.nalts && !*found; j++) {
			st = want_status(steps[i].u.any_of.alts[j].steps,
			    steps[i].u.any_of.alts[j].nsteps, cmd, vars, nvars,
			    found);
			if (*found)
				return st;
		}
	}
	return 0;
}

static void
job_cb(uint64_t id, void *arg)
{
	struct target_job *j = arg;

	(void)id;
	j->timer = 0;
	j->done(j->arg, j->code, 0);
}

static struct target_job *
replay_exec_start(struct target *t, const char *cmd,
    const struct target_var *vars, size_t nvars, target_exec_cb *done,
    void *arg, char *err, size_t errlen)
{
	struct target_replay *r = to_replay(t);
	struct target_job *j = xcalloc(1, sizeof(*j));
	bool found = false;

	(void)err;
	(void)errlen;
	j->t = r;
	j->done = done;
	j->arg = arg;
	j->code = want_status(r->pc->steps, r->pc->nsteps, cmd, vars, nvars,
	    &found);
	r->nexec++;
	if ((j->timer = ev_add_timer(r->loop, 0, job_cb, j)) == 0)
		fatalx("out of memory");
	return j;
}

static void
replay_exec_kill(struct target *t, struct target_job *j)
{
	(void)t;
	if (j == NULL)
		return;
	if (j->timer != 0)
		ev_del_timer(j->t->loop, j->timer);
	free(j);
}

static void
replay_free(struct target *t)
{
	free(to_replay(t));
}

static const struct target_ops replay_target_ops = {
	.name = "replay",
	.get = replay_get,
	.set = replay_set,
	.lock = replay_lock,
	.unlock = replay_unlock,
	.exec_start = replay_exec_start,
	.child = NULL,
	.exec_kill = replay_exec_kill,
	.free = replay_free,
};
