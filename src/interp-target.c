/*
 * interp-target.c - the interpreter's work on the target through the
 * user's hook (hook.c): exec steps and their runtime variables, the
 * sysctls cases require (read once per run) and pin (set, then restored).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "hook.h"
#include "inject.h"
#include "interp.h"
#include "interp-int.h"
#include "match.h"
#include "pcapw.h"
#include "progress.h"
#include "runid.h"
#include "script.h"
#include "seg.h"
#include "shq.h"
#include "sniff.h"
#include "tcpsm.h"
#include "util.h"

/* Kill and reap the running command and its group, if there is one. */
static void
exec_reap_current(struct case_run *cr)
{
	if (cr->pid <= 0)
		return;
	/* The whole group: what a command left in the background ends with
	 * the case, the run, or a SIGINT/SIGTERM (they end the cases). */
	hook_kill(cr->pid, NULL);
	cr->pid = 0;
	cr->pid_exited = false;
	cr->pid_exec = NULL;
}

/* Kill and reap the case's commands, and all they left running. */
void
exec_reap(struct case_run *cr)
{
	size_t i;

	for (i = 0; i < cr->ndone_pids; i++)
		hook_kill(cr->done_pids[i], NULL);
	free(cr->done_pids);
	cr->done_pids = NULL;
	cr->ndone_pids = 0;
	exec_reap_current(cr);
}

static void pin_unlock(struct case_run *cr);

/*
 * Read key on the target into out.  key has passed shq.h's grammar when
 * its case loaded; both reach the shell only through shq_quote.  Returns
 * hook_run's status (0: read).
 */
static int
sysctl_get(const struct hook *h, const char *key, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char *q = shq_quote(key), *cmd = xasprintf("sysctl -n -- %s", q);
	int rc;

	err[0] = '\0';
	if ((rc = hook_run(h, cmd, HOOK_TIMEOUT_NS, out, outlen, err,
	    errlen)) > 0)
		tc_errf(err, errlen, "sysctl -n exited %d", rc);
	free(cmd);
	free(q);
	return rc;
}

/* Set key to value on the target; value may be what the target itself
 * printed (a saved value), which is quoted like the rest. */
static int
sysctl_set(const struct hook *h, const char *key, const char *value,
    char *err, size_t errlen)
{
	char *kv = xasprintf("%s=%s", key, value), *q = shq_quote(kv);
	char *cmd = xasprintf("sysctl -qw -- %s", q);
	int rc;

	err[0] = '\0';
	if ((rc = hook_run(h, cmd, HOOK_TIMEOUT_NS, NULL, 0, err, errlen)) > 0)
		tc_errf(err, errlen, "sysctl -w exited %d", rc);
	free(cmd);
	free(q);
	free(kv);
	return rc;
}

/* Put back the sysctls the case pinned, then let other runs pin them. */
void
sysctl_restore(struct case_run *cr)
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
		if (sysctl_set(cr->in->cfg->hook, pc->sysctl[i].key,
		    cr->saved[i], err, sizeof(err)) != 0)
			buf_printf(&cr->notes, "could not restore %s=%s\n",
			    pc->sysctl[i].key, cr->saved[i]);
		free(cr->saved[i]);
	}
	free(cr->saved);
	cr->saved = NULL;
	pin_unlock(cr);
}

/* The case's command exited with status (as from waitpid). */
void
exec_done(struct case_run *cr, int status)
{
	const struct plan_step *st = cur_step(cr);
	const struct plan_exec *ex = cr->pid_exec;

	/* Not reaped here: exec_reap kills its group and reaps it. */
	cr->pid_exited = true;
	if (cr->status != CR_RUNNING)
		return;
	if (cr->wait != W_EXEC) {
		/* A background command: its status is no verdict, but a
		 * failure is said (the case may fail for want of it). */
		if (ex == NULL)
			return;
		if (!WIFEXITED(status))
			buf_printf(&cr->notes, "background exec '%s' was killed "
			    "by signal %d\n", ex->cmd, WTERMSIG(status));
		else if (WEXITSTATUS(status) != ex->status)
			buf_printf(&cr->notes, "background exec '%s' exited "
			    "%d, expected %d\n", ex->cmd, WEXITSTATUS(status),
			    ex->status);
		return;
	}
	if (!WIFEXITED(status)) {
		case_fail(cr, "exec '%s' was killed by signal %d",
		    st->u.exec.cmd, WTERMSIG(status));
		return;
	}
	if (WEXITSTATUS(status) != st->u.exec.status) {
		case_fail(cr, "exec '%s' exited %d, expected %d",
		    st->u.exec.cmd, WEXITSTATUS(status), st->u.exec.status);
		return;
	}
	wait_done(cr);
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
start_exec(struct case_run *cr, const struct plan_exec *ex)
{
	char err[256], val[NEXECVARS][64], *cmd;
	size_t i;

	/*
	 * One command at a time per case: one still running ends here.  One
	 * that has exited may have left a server in the background for the
	 * steps that follow ("exec: server &"): its group lives on, with
	 * the leader unreaped to hold the group id, until the case ends.
	 */
	if (cr->pid > 0 && cr->pid_exited) {
		cr->done_pids = xreallocarray(cr->done_pids,
		    cr->ndone_pids + 1, sizeof(*cr->done_pids));
		cr->done_pids[cr->ndone_pids++] = cr->pid;
		cr->pid = 0;
		cr->pid_exited = false;
		cr->pid_exec = NULL;
	}
	exec_reap_current(cr);
	/* Nothing sent yet (a client case): "within" counts from here. */
	if (!cr->m.have_our)
		cr->t_sent_mono = ev_now_ns();
	exec_values(cr, val);
	cmd = exec_subst(ex->cmd, val);
	/* One thread: the environment holds them for this spawn only. */
	for (i = 0; i < NEXECVARS; i++)
		setenv(exec_vars[i], val[i], 1);
	cr->pid = hook_spawn(cr->in->cfg->hook, cmd, NULL, err, sizeof(err));
	for (i = 0; i < NEXECVARS; i++)
		unsetenv(exec_vars[i]);
	free(cmd);
	if (cr->pid < 0) {
		cr->pid = 0;
		case_fail(cr, "exec: %s", err);
		return -1;
	}
	cr->pid_exec = ex;
	cr->pid_exited = false;
	if (ex->background)
		return 0;
	arm_wait(cr, W_EXEC, ex->within_ns ? ex->within_ns :
	    HOOK_TIMEOUT_NS);
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
req_read(struct interp *in)
{
	char out[256], err[256];
	size_t i, j;

	if (in->cfg->hook == NULL)
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
			if (sysctl_get(in->cfg->hook, key, out, sizeof(out),
			    err, sizeof(err)) == 0)
				rv->value = xstrdup(out);
		}
	}
}

/* ---- pin locks ------------------------------------------------------------
 *
 * Two runs against one target must not pin the same sysctl at once: each
 * would judge its case against the other's value, and blame the target.
 * A run takes a lock on the target before it pins a key: a directory,
 * /tmp/tcpconform-pin.KEY@NETNS (NETNS: the inode of the target's network
 * namespace, where Linux has one), made atomically by mkdir(1), that holds
 * the run id, and that the run removes after it has put the value back.
 * A case that finds a key locked waits (polling, the loop stays free) up
 * to its timeout, then is skipped as not applicable, naming the holder.
 * The command is ours: a key reaches it only if it is a plain sysctl name
 * (shq.h's grammar), and then only through shq_quote.
 */

#define PIN_DIR "/tmp/tcpconform-pin."
/* Shell text that sets d to the lock of key %s: a sysctl belongs to a
 * network namespace, so on Linux its inode is in the name (two lab targets
 * that share one /tmp do not share their locks). */
#define PIN_PATH							\
	"n=$(readlink /proc/self/ns/net 2>/dev/null | tr -cd 0-9); "	\
	"d=%s${n:+@$n}; "
#define PIN_POLL_NS (250 * NS_PER_MS)

/* The lock directory of key, quoted for PIN_PATH; the caller frees it. */
static char *
pin_dir_quoted(const char *key)
{
	char *d = xasprintf(PIN_DIR "%s", key), *q = shq_quote(d);

	free(d);
	return q;
}

enum { PIN_TAKEN = 0, PIN_WAIT = 1, PIN_ENDED = -1 };

/*
 * Take the lock of key for this run.  Returns 1 taken, 0 held by another
 * run (its id, sanitised, in holder), -1 no lock could be made there (the
 * hook failed, or /tmp is not writable on the target).
 */
static int
pin_take(struct case_run *cr, const char *key, char *holder, size_t hlen)
{
	char cmd[768], out[64], err[256], id[RUNID_STRLEN], *qd;
	size_t i, n = 0;

	runid_str(cr->in->cfg->run_id, id, sizeof(id));
	qd = pin_dir_quoted(key);
	snprintf(cmd, sizeof(cmd),
	    PIN_PATH
	    "if mkdir \"$d\" 2>/dev/null; then "
	    "echo %s >\"$d/owner\"; echo taken; "
	    "elif [ -d \"$d\" ]; then "
	    "cat \"$d/owner\" 2>/dev/null || echo unknown; "
	    "else echo nolock; fi", qd, id);
	free(qd);
	if (hook_run(cr->in->cfg->hook, cmd, HOOK_TIMEOUT_NS, out,
	    sizeof(out), err, sizeof(err)) != 0 ||
	    strcmp(out, "nolock") == 0)
		return -1;
	if (strcmp(out, "taken") == 0 || strcmp(out, id) == 0)
		return 1;
	for (i = 0; out[i] != '\0' && n + 1 < hlen && n < 16; i++)
		if (isxdigit((unsigned char)out[i]))
			holder[n++] = out[i];
	holder[n] = '\0';
	if (n == 0)
		snprintf(holder, hlen, "unknown");
	return 0;
}

/* Give back the locks the case holds (only ours: the id must match). */
static void
pin_unlock(struct case_run *cr)
{
	char cmd[768], err[256], id[RUNID_STRLEN], *qd;

	runid_str(cr->in->cfg->run_id, id, sizeof(id));
	while (cr->npins > 0) {
		const char *key = cr->pc->sysctl[--cr->npins].key;

		qd = pin_dir_quoted(key);
		snprintf(cmd, sizeof(cmd),
		    PIN_PATH
		    "if [ \"$(cat \"$d/owner\" 2>/dev/null)\" = %s ]; then "
		    "rm -f \"$d/owner\" && rmdir \"$d\"; fi", qd, id);
		free(qd);
		if (hook_run(cr->in->cfg->hook, cmd, HOOK_TIMEOUT_NS, NULL, 0,
		    err, sizeof(err)) != 0)
			buf_printf(&cr->notes, "could not release the pin lock "
			    "%s%s on the target\n", PIN_DIR, key);
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
	char holder[32], d[32];
	int rc;

	if (cr->pin_deadline == 0)
		cr->pin_deadline = ev_now_ns() + (pc->timeout_ns ?
		    pc->timeout_ns : cr->in->cfg->default_timeout_ns);
	while (cr->npins < pc->nsysctl) {
		const char *key = pc->sysctl[cr->npins].key;

		if (!shq_sysctl_key_ok(key)) {
			case_end(cr, REP_SKIP, xasprintf("not applicable: "
			    "%s is not a sysctl name that can be locked",
			    key));
			return PIN_ENDED;
		}
		rc = pin_take(cr, key, holder, sizeof(holder));
		if (rc < 0) {
			/* Nowhere to lock: pin as before, unguarded. */
			buf_printf(&cr->notes, "could not lock %s on the "
			    "target (mkdir %s%s failed): another run may "
			    "change it\n", key, PIN_DIR, key);
			cr->npins++;
			continue;
		}
		if (rc == 0) {
			pin_unlock(cr);
			if (ev_now_ns() >= cr->pin_deadline) {
				case_end(cr, REP_SKIP, xasprintf("not "
				    "applicable: %s is pinned by another "
				    "tcpconform run (id %s) for longer than "
				    "%s", key, holder, tc_fmt_duration(
				    pc->timeout_ns ? pc->timeout_ns :
				    cr->in->cfg->default_timeout_ns, d,
				    sizeof(d))));
				return PIN_ENDED;
			}
			if (cr->notes.len == 0 || strstr(cr->notes.s,
			    "pinned by another") == NULL)
				buf_printf(&cr->notes, "%s is pinned by "
				    "another tcpconform run (id %s): "
				    "waiting\n", key, holder);
			arm_wait(cr, W_PIN, PIN_POLL_NS);
			return PIN_WAIT;
		}
		cr->npins++;
	}
	cr->pins_locked = true;
	return PIN_TAKEN;
}

/* The poll timer of a case waiting for a pin lock. */
void
pin_retry(struct case_run *cr)
{
	if (cr->status != CR_RUNNING)
		return;
	if (case_sysctls(cr) == 0)
		case_go(cr);
}

/*
 * Check requires.sysctl (read by req_read) and pin sysctl through the
 * hook; a case that pins runs alone, so blocking here delays no other
 * case.  Returns 0 to go on, 1 when the case waits for another run's pin
 * (pin_retry goes on), -1 when the case ended.
 */
int
case_sysctls(struct case_run *cr)
{
	const struct plan_case *pc = cr->pc;
	const struct hook *h = cr->in->cfg->hook;
	char out[256], err[256];
	size_t i;
	int rc;

	for (i = 0; i < pc->nreq_sysctl; i++) {
		const struct plan_sysctl *r = &pc->req_sysctl[i];
		const struct req_val *rv = req_find(cr->in, r->key);

		if (rv == NULL || rv->value == NULL) {
			case_end(cr, REP_SKIP, xasprintf("cannot read %s on "
			    "the target", r->key));
			return -1;
		}
		if (strcmp(rv->value, r->value) != 0) {
			case_end(cr, REP_SKIP, xasprintf("requires %s=%s, the "
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
		 * change, makes the case not applicable there: a skip with
		 * the reason, as for an unreadable requires (not a failure
		 * of the target).  What was set before is put back. */
		if (sysctl_get(h, p->key, out, sizeof(out), err,
		    sizeof(err)) != 0) {
			case_end(cr, REP_SKIP, xasprintf("not applicable: "
			    "cannot read %s on the target%s%s", p->key,
			    err[0] != '\0' ? ": " : "", err));
			return -1;
		}
		cr->saved[i] = xstrdup(out);
		if (sysctl_set(h, p->key, p->value, err, sizeof(err)) != 0) {
			case_end(cr, REP_SKIP, xasprintf("not applicable: "
			    "cannot set %s=%s on the target%s%s", p->key,
			    p->value, err[0] != '\0' ? ": " : "", err));
			return -1;
		}
		buf_printf(&cr->notes, "target %s=%s for this case\n", p->key,
		    p->value);
	}
	return 0;
}
