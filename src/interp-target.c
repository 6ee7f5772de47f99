/*
 * interp-target.c - the interpreter's work on the target (target.h):
 * exec steps and their runtime variables, the sysctls cases require (read
 * once per run) and pin (set, then restored) under the target's pin locks.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "seg.h"
#include "target.h"
#include "util.h"

/* Kill the latest command and its group, if there is one. */
static void
jobs_kill_current(struct case_run *cr)
{
	if (cr->job == NULL)
		return;
	target_exec_kill(cr->in->cfg->target, cr->job);
	cr->job = NULL;
	cr->job_ended = false;
	cr->job_exec = NULL;
}

void
cr_jobs_kill(struct case_run *cr)
{
	size_t i;

	for (i = 0; i < cr->ndone_jobs; i++)
		target_exec_kill(cr->in->cfg->target, cr->done_jobs[i]);
	free(cr->done_jobs);
	cr->done_jobs = NULL;
	cr->ndone_jobs = 0;
	jobs_kill_current(cr);
}

static void pin_unlock(struct case_run *cr);

void
cr_pins_restore(struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	char err[256];
	size_t i;

	if (cr->saved == NULL) {
		pin_unlock(cr);
		return;
	}
	for (i = 0; i < pc->nsysctl; i++) {
		if (cr->saved[i] == NULL)
			continue;
		if (target_set(cr->in->cfg->target, pc->sysctl[i].key,
		    cr->saved[i], err, sizeof(err)) != 0)
			cr_event(cr, REP_EV_PIN_NORESTORE, pc->sysctl[i].key,
			    cr->saved[i], 0, 0);
		free(cr->saved[i]);
	}
	free(cr->saved);
	cr->saved = NULL;
	pin_unlock(cr);
}

/*
 * The case's command ended (target_exec_cb): exited with code, or was
 * killed by signal signo.  The step that waits for it judges that; a
 * command in the background is no verdict, but its failure is said (the
 * case may fail for want of it).
 */
static void
exec_done(void *arg, int code, int signo)
{
	struct case_run *cr = arg;
	const struct plan_exec *ex = cr->job_exec;

	/* Not killed here: cr_jobs_kill ends its group. */
	cr->job_ended = true;
	if (cr->status != CR_RUNNING)
		return;
	if (cr->wait == CR_WAIT_STEP && cr_ops(cr)->on_exit != NULL) {
		cr_ops(cr)->on_exit(cr, cr_step(cr), code, signo);
		return;
	}
	if (ex == NULL)
		return;
	if (signo != 0)
		cr_event(cr, REP_EV_EXEC_SIGNAL, ex->cmd, NULL, signo, 0);
	else if (code != ex->status)
		cr_event(cr, REP_EV_EXEC_STATUS, ex->cmd, NULL, code,
		    ex->status);
}

/*
 * The runtime values an exec command may name: our address as the target
 * sees it, the case's port (ours), the target's address and port (0 in a
 * client case until its SYN arrived).  Substituted in the command, as
 * $NAME or ${NAME}, so they work through any hook (ssh too), and set in
 * the command's environment.
 */
static const char *const exec_vars[] = {
	"TC_SRC", "TC_SPORT", "TC_DST", "TC_DPORT",
};
#define NEXECVARS (sizeof(exec_vars) / sizeof(exec_vars[0]))

static void
exec_values(const struct case_run *cr, char val[NEXECVARS][64])
{
	const struct interp_cfg *cfg = cr->in->cfg;

	seg_addr_str(cfg->af, &cfg->src, val[0], 64);
	snprintf(val[1], 64, "%u", cr->sport);
	seg_addr_str(cfg->af, &cfg->dst, val[2], 64);
	snprintf(val[3], 64, "%u", cr->dport);
}

/* cmd with the exec variables substituted; the caller frees it. */
static char *
exec_subst(const char *cmd, char val[NEXECVARS][64])
{
	struct buf b = { 0 };
	const char *p;
	size_t i, n;
	int brace;

	buf_printf(&b, "%s", "");
	for (p = cmd; *p != '\0'; ) {
		if (*p == '$') {
			brace = p[1] == '{';
			for (i = 0; i < NEXECVARS; i++) {
				n = strlen(exec_vars[i]);
				if (strncmp(p + 1 + brace, exec_vars[i], n) != 0)
					continue;
				/* $TC_SRCX is another variable; ${..} must close */
				if (brace ? p[1 + brace + n] != '}' :
				    p[1 + n] == '_' || isalnum((unsigned char)
				    p[1 + n]))
					continue;
				buf_printf(&b, "%s", val[i]);
				p += 1 + n + 2 * brace;
				break;
			}
			if (i < NEXECVARS)
				continue;
		}
		buf_printf(&b, "%c", *p++);
	}
	return b.s;
}

int
cr_exec_start(struct case_run *cr, const struct plan_exec *ex)
{
	char err[256], val[NEXECVARS][64], *cmd;
	struct target_var vars[NEXECVARS];
	size_t i;

	/*
	 * One command at a time per case: one still running ends here.  One
	 * that has ended may have left a server in the background for the
	 * steps that follow ("exec: server &"): it lives on until the case
	 * ends.
	 */
	if (cr->job != NULL && cr->job_ended) {
		cr->done_jobs = xreallocarray(cr->done_jobs,
		    cr->ndone_jobs + 1, sizeof(*cr->done_jobs));
		cr->done_jobs[cr->ndone_jobs++] = cr->job;
		cr->job = NULL;
		cr->job_ended = false;
		cr->job_exec = NULL;
	}
	jobs_kill_current(cr);
	/* Nothing sent yet (a client case): "within" counts from here. */
	if (!cr->m.have_our)
		cr->t_sent_mono = ev_now(cr->in->loop);
	exec_values(cr, val);
	cmd = exec_subst(ex->cmd, val);
	for (i = 0; i < NEXECVARS; i++)
		vars[i] = (struct target_var){ exec_vars[i], val[i] };
	cr->job = target_exec_start(cr->in->cfg->target, cmd, vars, NEXECVARS,
	    exec_done, cr, err, sizeof(err));
	free(cmd);
	if (cr->job == NULL) {
		cr_fail(cr, "exec: %s", err);
		return -1;
	}
	cr->job_exec = ex;
	cr->job_ended = false;
	return 0;
}

/* ---- starting cases ----------------------------------------------------- */

static const struct req_val *
req_find(const struct interp *in, const char *key)
{
	size_t i;

	for (i = 0; i < in->nreq; i++)
		if (strcmp(in->req[i].key, key) == 0)
			return &in->req[i];
	return NULL;
}

/*
 * Read every sysctl a case requires, once per key, before any case runs:
 * a hook command blocks the loop, and cases with only a requires share
 * the target with others (their timers must not be held up).  No case
 * has pinned anything yet, so these are the target's own values.
 */
void
interp_req_read(struct interp *in)
{
	char out[256], err[256];
	size_t i, j;

	if (in->cfg->target == NULL || !plan_sysctls_apply(in->cfg->profile))
		return;
	for (i = 0; i < in->nruns; i++) {
		const struct plan_case *pc = in->runs[i].pc;

		for (j = 0; j < pc->nreq_sysctl; j++) {
			const char *key = pc->req_sysctl[j].key;
			struct req_val *rv;

			if (req_find(in, key) != NULL)
				continue;
			in->req = xreallocarray(in->req, in->nreq + 1,
			    sizeof(*in->req));
			rv = &in->req[in->nreq++];
			rv->key = key;
			rv->value = NULL;
			if (target_get(in->cfg->target, key, out, sizeof(out),
			    err, sizeof(err)) == 0)
				rv->value = xstrdup(out);
		}
	}
}

/* ---- pin locks ------------------------------------------------------------
 *
 * Two runs against one target must not pin the same sysctl at once: each
 * would judge its case against the other's value, and blame the target.
 * A run takes the target's lock on a key before it pins it
 * (target_lock), and gives it back after it has put the value back.  A
 * case that finds a key locked waits (polling, the loop stays free) up to
 * its timeout, then is skipped, naming the holder: it could not run here
 * and now, which says nothing of the target.
 */

#define PIN_POLL_NS (250 * NS_PER_MS)

enum { PIN_TAKEN = 0, PIN_WAIT = 1, PIN_ENDED = -1 };

static void pin_retry(struct case_run *cr);

/* Give back the locks the case holds. */
static void
pin_unlock(struct case_run *cr)
{
	char err[256];

	while (cr->npins > 0) {
		const char *key = cr->pc->sysctl[--cr->npins].key;

		if (target_unlock(cr->in->cfg->target, key, err,
		    sizeof(err)) != 0)
			cr_event(cr, REP_EV_PIN_NOUNLOCK, key, err, 0, 0);
	}
	cr->pins_locked = false;
}

/*
 * Lock every key the case pins, in order.  A key another run holds: give
 * back what we took (two runs pinning the same keys never deadlock) and
 * wait, or skip the case once its time is up.
 */
static int
pin_lock(struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	char holder[32], d[32], err[256];

	if (cr->pin_deadline == 0)
		cr->pin_deadline = ev_now(cr->in->loop) + (pc->timeout_ns ?
		    pc->timeout_ns : cr->in->cfg->default_timeout_ns);
	while (cr->npins < pc->nsysctl) {
		const char *key = pc->sysctl[cr->npins].key;

		switch (target_lock(cr->in->cfg->target, key, holder,
		    sizeof(holder), err, sizeof(err))) {
		case TARGET_LOCK_BADKEY:
			cr_end(cr, REP_NA, xasprintf("%s is not a sysctl "
			    "name that can be locked", key));
			return PIN_ENDED;
		case TARGET_LOCK_NONE:
			/* Nowhere to lock: pin as before, unguarded. */
			cr_event(cr, REP_EV_PIN_NOLOCK, key, err, 0, 0);
			cr->npins++;
			continue;
		case TARGET_LOCK_HELD:
			pin_unlock(cr);
			if (ev_now(cr->in->loop) >= cr->pin_deadline) {
				cr_end(cr, REP_SKIP, xasprintf("%s is "
				    "pinned by another tcpconform run (id %s) "
				    "for longer than %s", key, holder,
				    tc_fmt_duration(
				    pc->timeout_ns ? pc->timeout_ns :
				    cr->in->cfg->default_timeout_ns, d,
				    sizeof(d))));
				return PIN_ENDED;
			}
			if (!cr_has_event(cr, REP_EV_PIN_WAIT))
				cr_event(cr, REP_EV_PIN_WAIT, key, holder, 0,
				    0);
			cr_arm_wait(cr, CR_WAIT_PIN, PIN_POLL_NS,
			    "wait for a pin lock", pin_retry);
			return PIN_WAIT;
		case TARGET_LOCK_TAKEN:
			break;
		}
		cr->npins++;
	}
	cr->pins_locked = true;
	return PIN_TAKEN;
}

/* The pin lock poll timer fired: try again. */
static void
pin_retry(struct case_run *cr)
{
	if (cr->status != CR_RUNNING)
		return;
	if (cr_settings(cr) == 0)
		cr_go(cr);
}

/*
 * Check requires.sysctl (read by req_read) and pin sysctl on the
 * target, under the profile whose facts they are (plan_sysctls_apply);
 * without a hook, note each requires as assumed.  A case that pins runs alone, so blocking here delays no other
 * case.  Returns 0 to go on, 1 when the case waits for another run's pin
 * (pin_retry goes on), -1 when the case ended.
 */
int
cr_settings(struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	struct target *t = cr->in->cfg->target;
	char out[256], err[256];
	size_t i;
	int rc;

	/* Linux knobs: under another profile the case runs as written. */
	if (!plan_sysctls_apply(cr->in->cfg->profile))
		return 0;
	/* Nothing to read them with: what the case requires is assumed,
	 * and said (a pin without a hook was skipped, case_start). */
	if (t == NULL) {
		for (i = 0; i < pc->nreq_sysctl; i++)
			cr_event(cr, REP_EV_ASSUMED, pc->req_sysctl[i].key,
			    pc->req_sysctl[i].value, 0, 0);
		return 0;
	}
	for (i = 0; i < pc->nreq_sysctl; i++) {
		const struct plan_sysctl *r = &pc->req_sysctl[i];
		const struct req_val *rv = req_find(cr->in, r->key);

		/* A target without the setting, or with another value,
		 * does not offer what the case is about: not applicable to
		 * it, which is no failure of the target (and no skip,
		 * which says the case could not run from here). */
		if (rv == NULL || rv->value == NULL) {
			cr_end(cr, REP_NA, xasprintf("cannot read %s on "
			    "the target", r->key));
			return -1;
		}
		if (strcmp(rv->value, r->value) != 0) {
			cr_end(cr, REP_NA, xasprintf("requires %s=%s, the "
			    "target has %s", r->key, r->value, rv->value));
			return -1;
		}
	}
	if (pc->nsysctl == 0)
		return 0;
	if (!cr->pins_locked && (rc = pin_lock(cr)) != PIN_TAKEN)
		return rc;	/* 1: waits (pin_retry), -1: ended */
	cr->saved = xcalloc(pc->nsysctl, sizeof(char *));
	for (i = 0; i < pc->nsysctl; i++) {
		const struct plan_sysctl *p = &pc->sysctl[i];

		/* A setting the target lacks, or that the hook may not
		 * change, makes the case not applicable there, as for an
		 * unreadable requires (not a failure of the target).  What
		 * was set before is put back. */
		if (target_get(t, p->key, out, sizeof(out), err,
		    sizeof(err)) != 0) {
			cr_end(cr, REP_NA, xasprintf("cannot read %s on the "
			    "target%s%s", p->key, err[0] != '\0' ? ": " : "",
			    err));
			return -1;
		}
		cr->saved[i] = xstrdup(out);
		if (target_set(t, p->key, p->value, err, sizeof(err)) != 0) {
			cr_end(cr, REP_NA, xasprintf("cannot set %s=%s on the "
			    "target%s%s", p->key, p->value, err[0] != '\0' ?
			    ": " : "", err));
			return -1;
		}
		cr_event(cr, REP_EV_PIN_SET, p->key, p->value, 0, 0);
	}
	return 0;
}
