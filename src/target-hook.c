/*
 * target-hook.c - a Linux target reached through the user's hook (hook.c):
 * settings are sysctls read and set by sysctl(8), pin locks are
 * directories made by mkdir(1) in the target's /tmp, the commands of exec
 * steps are our child processes, each in a process group of its own.
 * All the shell text tcpconform sends to a target is built here, and
 * anything from a case or from the target reaches it only through
 * shq_quote (shq.h).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "hook.h"
#include "runid.h"
#include "shq.h"
#include "target.h"
#include "util.h"

struct target_job {
	pid_t pid;		/* unreaped until killed: its group stays ours */
	bool ended;		/* done was called */
	target_exec_cb *done;
	void *arg;
	struct target_job *next;
};

struct tgt_hook {
	struct target t;	/* first: a struct target * is one of these */
	struct hook *hook;
	uint64_t run_id;	/* names our locks */
	struct target_job *jobs;
};

/* The handle is the first member: the cast is the container. */
static struct tgt_hook *
tgt_hook(struct target *t)
{
	return (struct tgt_hook *)t;
}

/* ---- settings: sysctl(8) --------------------------------------------- */

/*
 * Read key on the target into out.  key has passed shq.h's grammar when
 * its case loaded; both reach the shell only through shq_quote.
 */
static int
tgt_get(struct target *t, const char *key, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char *q = shq_quote(key), *cmd = xasprintf("sysctl -n -- %s", q);
	int rc;

	err[0] = '\0';
	if ((rc = hook_run(tgt_hook(t)->hook, cmd, TC_EXEC_TIMEOUT_NS, out,
	    outlen, err, errlen)) > 0)
		tc_errf(err, errlen, "sysctl -n exited %d", rc);
	free(cmd);
	free(q);
	return rc != 0 ? -1 : 0;
}

/* Set key to value on the target; value may be what the target itself
 * printed (a saved value), which is quoted like the rest. */
static int
tgt_set(struct target *t, const char *key, const char *value, char *err,
    size_t errlen)
{
	char *kv = xasprintf("%s=%s", key, value), *q = shq_quote(kv);
	char *cmd = xasprintf("sysctl -qw -- %s", q);
	int rc;

	err[0] = '\0';
	if ((rc = hook_run(tgt_hook(t)->hook, cmd, TC_EXEC_TIMEOUT_NS, NULL,
	    0, err, errlen)) > 0)
		tc_errf(err, errlen, "sysctl -w exited %d", rc);
	free(cmd);
	free(q);
	free(kv);
	return rc != 0 ? -1 : 0;
}

/* ---- pin locks ------------------------------------------------------------
 *
 * Two runs against one target must not pin the same sysctl at once: each
 * would judge its case against the other's value, and blame the target.
 * A run takes a lock on the target before it pins a key: a directory,
 * /tmp/tcpconform-pin.KEY@NETNS (NETNS: the inode of the target's network
 * namespace, where Linux has one), made atomically by mkdir(1), that holds
 * the run id, and that the run removes after it has put the value back.
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

/* The lock directory of key, quoted for PIN_PATH; the caller frees it. */
static char *
tgt_pin_dir_quoted(const char *key)
{
	char *d = xasprintf(PIN_DIR "%s", key), *q = shq_quote(d);

	free(d);
	return q;
}

static enum target_lock
tgt_lock(struct target *t, const char *key, char *holder, size_t hlen,
    char *err, size_t errlen)
{
	struct tgt_hook *th = tgt_hook(t);
	char cmd[768], out[64], herr[256], id[RUNID_STRLEN], *qd;
	size_t i, n = 0;

	if (!shq_sysctl_key_ok(key))
		return TARGET_LOCK_BADKEY;
	runid_str(th->run_id, id, sizeof(id));
	qd = tgt_pin_dir_quoted(key);
	snprintf(cmd, sizeof(cmd),
	    PIN_PATH
	    "if mkdir \"$d\" 2>/dev/null; then "
	    "echo %s >\"$d/owner\"; echo taken; "
	    "elif [ -d \"$d\" ]; then "
	    "cat \"$d/owner\" 2>/dev/null || echo unknown; "
	    "else echo nolock; fi", qd, id);
	free(qd);
	if (hook_run(th->hook, cmd, TC_EXEC_TIMEOUT_NS, out, sizeof(out),
	    herr, sizeof(herr)) != 0 || strcmp(out, "nolock") == 0) {
		tc_errf(err, errlen, "mkdir %s%s failed", PIN_DIR, key);
		return TARGET_LOCK_NONE;
	}
	if (strcmp(out, "taken") == 0 || strcmp(out, id) == 0)
		return TARGET_LOCK_TAKEN;
	for (i = 0; out[i] != '\0' && n + 1 < hlen && n < 16; i++)
		if (isxdigit((unsigned char)out[i]))
			holder[n++] = out[i];
	holder[n] = '\0';
	if (n == 0)
		snprintf(holder, hlen, "unknown");
	return TARGET_LOCK_HELD;
}

/* Only ours goes: the owner file must hold our id. */
static int
tgt_unlock(struct target *t, const char *key, char *err, size_t errlen)
{
	struct tgt_hook *th = tgt_hook(t);
	char cmd[768], herr[256], id[RUNID_STRLEN], *qd;

	runid_str(th->run_id, id, sizeof(id));
	qd = tgt_pin_dir_quoted(key);
	snprintf(cmd, sizeof(cmd),
	    PIN_PATH
	    "if [ \"$(cat \"$d/owner\" 2>/dev/null)\" = %s ]; then "
	    "rm -f \"$d/owner\" && rmdir \"$d\"; fi", qd, id);
	free(qd);
	if (hook_run(th->hook, cmd, TC_EXEC_TIMEOUT_NS, NULL, 0, herr,
	    sizeof(herr)) != 0) {
		tc_errf(err, errlen, "the pin lock %s%s", PIN_DIR, key);
		return -1;
	}
	return 0;
}

/* ---- commands ------------------------------------------------------------ */

static struct target_job *
tgt_exec_start(struct target *t, const char *cmd,
    const struct target_var *vars, size_t nvars, target_exec_cb *done,
    void *arg, char *err, size_t errlen)
{
	struct tgt_hook *th = tgt_hook(t);
	struct target_job *j, **jp;
	pid_t pid;
	size_t i;

	/* One thread: the environment holds them for this spawn only. */
	for (i = 0; i < nvars; i++)
		setenv(vars[i].name, vars[i].value, 1);
	pid = hook_spawn(th->hook, cmd, NULL, err, errlen);
	for (i = 0; i < nvars; i++)
		unsetenv(vars[i].name);
	if (pid < 0)
		return NULL;
	j = xcalloc(1, sizeof(*j));
	j->pid = pid;
	j->done = done;
	j->arg = arg;
	/* At the tail: ended jobs are said in the order they started. */
	for (jp = &th->jobs; *jp != NULL; jp = &(*jp)->next)
		;
	*jp = j;
	return j;
}

/* The first job that has ended and was not said yet, or NULL. */
static struct target_job *
tgt_ended(struct tgt_hook *th, siginfo_t *si)
{
	struct target_job *j;

	for (j = th->jobs; j != NULL; j = j->next) {
		/* WNOWAIT: a zombie keeps the group id ours until
		 * tgt_exec_kill kills the group and reaps it. */
		memset(si, 0, sizeof(*si));
		if (!j->ended && waitid(P_PID, (id_t)j->pid, si, WEXITED |
		    WNOHANG | WNOWAIT) == 0 && si->si_pid == j->pid)
			return j;
	}
	return NULL;
}

/* One at a time from the head: done may kill (and free) any job. */
static void
tgt_child(struct target *t)
{
	struct target_job *j;
	siginfo_t si;

	while ((j = tgt_ended(tgt_hook(t), &si)) != NULL) {
		j->ended = true;
		if (si.si_code == CLD_EXITED)
			j->done(j->arg, si.si_status, 0);
		else
			j->done(j->arg, 0, si.si_status);
	}
}

/* The whole group: what a command left in the background ends with the
 * case, the run, or a SIGINT/SIGTERM (they end the cases). */
static void
tgt_exec_kill(struct target *t, struct target_job *job)
{
	struct tgt_hook *th = tgt_hook(t);
	struct target_job **jp;

	for (jp = &th->jobs; *jp != NULL; jp = &(*jp)->next)
		if (*jp == job) {
			*jp = job->next;
			break;
		}
	hook_kill(job->pid, NULL);
	free(job);
}

static void
tgt_free(struct target *t)
{
	struct tgt_hook *th = tgt_hook(t);

	while (th->jobs != NULL)
		tgt_exec_kill(t, th->jobs);
	hook_free(th->hook);
	free(th);
}

static const struct target_ops tgt_hook_ops = {
	.name = "hook",
	.get = tgt_get,
	.set = tgt_set,
	.lock = tgt_lock,
	.unlock = tgt_unlock,
	.exec_start = tgt_exec_start,
	.child = tgt_child,
	.exec_kill = tgt_exec_kill,
	.free = tgt_free,
};

struct target *
target_hook_new(const char *prefix, uint64_t run_id)
{
	struct tgt_hook *th;
	struct hook *h;

	if ((h = hook_new(prefix)) == NULL)
		return NULL;
	th = xcalloc(1, sizeof(*th));
	th->t.ops = &tgt_hook_ops;
	th->hook = h;
	th->run_id = run_id;
	return &th->t;
}
