/*
 * target.h - what a run does on the target besides talking TCP to it:
 * read and set its settings (sysctl keys on Linux), hold a lock on a
 * setting while a case pins it, and run the commands of exec steps.  One
 * handle with a const table of operations, like wire.h; target-hook.c is
 * today's implementation (shell commands through the user's hook).  The
 * engine calls these operations only, through the target_* wrappers, and
 * builds no command text of its own.
 */
#ifndef TC_TARGET_H
#define TC_TARGET_H

#include <stddef.h>
#include <stdint.h>

struct target;
struct target_job;		/* a command an exec step started */

/* What target_lock found. */
enum target_lock {
	TARGET_LOCK_TAKEN = 1,	/* ours now (or already) */
	TARGET_LOCK_HELD = 0,	/* another run holds it: holder says which */
	TARGET_LOCK_NONE = -1,	/* no lock can be made there: err says why */
	TARGET_LOCK_BADKEY = -2, /* not a key the target can lock */
};

/* A name and a value a command of an exec step gets (TC_SRC=...). */
struct target_var {
	const char *name, *value;
};

/*
 * A command the target started has ended: exited with code (0..255), or,
 * when signo is not 0, was killed by signal signo.
 */
typedef void target_exec_cb(void *arg, int code, int signo);

struct target_ops {
	const char *name;	/* "hook": for messages */

	/*
	 * Read setting key into out (its first line).  key is a setting
	 * name the loader accepted (shq.h's grammar).  Returns 0, or -1
	 * with a reason in err (possibly empty).  May block for a while
	 * (at most the target's command timeout).
	 */
	int (*get)(struct target *t, const char *key, char *out,
	    size_t outlen, char *err, size_t errlen);

	/* Set key to value (a loader-checked value, or one get returned).
	 * Returns 0, or -1 with a reason in err (possibly empty). */
	int (*set)(struct target *t, const char *key, const char *value,
	    char *err, size_t errlen);

	/*
	 * Take this run's lock on key, which two runs against one target
	 * must not pin at once.  Taking a lock already ours is TAKEN.  On
	 * HELD, holder gets the other run's id (sanitised, never empty);
	 * on NONE, err says what failed.
	 */
	enum target_lock (*lock)(struct target *t, const char *key,
	    char *holder, size_t hlen, char *err, size_t errlen);

	/* Give back this run's lock on key (another run's is left alone).
	 * Returns 0, or -1 with the lock's name in err. */
	int (*unlock)(struct target *t, const char *key, char *err,
	    size_t errlen);

	/*
	 * Start cmd (the exec step's text, its variables already put in)
	 * with vars in its environment.  When it ends, done(arg) is called
	 * once, from a later loop callback or target_child(), never from
	 * inside exec_start and never after exec_kill.  What it leaves
	 * running lives on until exec_kill.  Returns a handle, or NULL
	 * with a message in err.
	 */
	struct target_job *(*exec_start)(struct target *t, const char *cmd,
	    const struct target_var *vars, size_t nvars, target_exec_cb *done,
	    void *arg, char *err, size_t errlen);

	/*
	 * A child process of ours exited (SIGCHLD): call done for each job
	 * that has ended since.  A target whose jobs are not our processes
	 * may leave it NULL.
	 */
	void (*child)(struct target *t);

	/* End job and all it started, whether it ended or not, and free
	 * it: done is not called for it afterwards. */
	void (*exec_kill)(struct target *t, struct target_job *job);

	/* Free t (its jobs must have been killed). */
	void (*free)(struct target *t);
};

/* An implementation embeds this first and sets ops. */
struct target {
	const struct target_ops *ops;
};

/* The wrappers the engine calls: see the operations above. */
static inline int
target_get(struct target *t, const char *key, char *out, size_t outlen,
    char *err, size_t errlen)
{
	return t->ops->get(t, key, out, outlen, err, errlen);
}

static inline int
target_set(struct target *t, const char *key, const char *value, char *err,
    size_t errlen)
{
	return t->ops->set(t, key, value, err, errlen);
}

static inline enum target_lock
target_lock(struct target *t, const char *key, char *holder, size_t hlen,
    char *err, size_t errlen)
{
	return t->ops->lock(t, key, holder, hlen, err, errlen);
}

static inline int
target_unlock(struct target *t, const char *key, char *err, size_t errlen)
{
	return t->ops->unlock(t, key, err, errlen);
}

static inline struct target_job *
target_exec_start(struct target *t, const char *cmd,
    const struct target_var *vars, size_t nvars, target_exec_cb *done,
    void *arg, char *err, size_t errlen)
{
	return t->ops->exec_start(t, cmd, vars, nvars, done, arg, err, errlen);
}

static inline void
target_child(struct target *t)
{
	if (t != NULL && t->ops->child != NULL)
		t->ops->child(t);
}

static inline void
target_exec_kill(struct target *t, struct target_job *job)
{
	t->ops->exec_kill(t, job);
}

/* Free t (NULL is fine). */
static inline void
target_free(struct target *t)
{
	if (t != NULL)
		t->ops->free(t);
}

/* target-hook.c */

/*
 * A Linux target reached through the user's hook prefix (hook.h: "ip
 * netns exec NS sh -c", "ssh dut sh -c"): settings are sysctls, locks
 * are directories in the target's /tmp named by run_id, commands are
 * our child processes.  Returns NULL for an empty prefix (no target
 * control).
 */
struct target *target_hook_new(const char *prefix, uint64_t run_id);

#endif
