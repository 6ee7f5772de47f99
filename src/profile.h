/*
 * profile.h - a stack profile file (-P FILE): a profile of its own for
 * one stack, built on "rfc" or "linux", with per-case and per-step
 * overrides of what the cases check:
 *
 *	name: lwip-2.1.3
 *	inherits: rfc
 *	description: "lwIP 2.1.3 on a tap device"
 *	cases:
 *	  tmr/retransmit-backoff:
 *	    na: "lwIP's slow timer ticks every 500 ms"
 *	  ba/syn-in-window:
 *	    level: MAY
 *	    timeout: 90s
 *	    steps:
 *	      4: {level: MAY}
 *
 * The overrides are applied to the plan once it is loaded (prof_apply),
 * so the engine runs a plan as it would any other and knows nothing of
 * the file.
 */
#ifndef TC_PROFILE_H
#define TC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "yfile.h"

#define PROF_MAX_FILE	(256 * 1024)	/* bytes of a profile file */
#define PROF_MAX_NAME	64		/* bytes of its name */
#define PROF_MAX_STR	512		/* bytes of an id, a reason, ... */
#define PROF_MAX_CASES	2048		/* entries under cases: */
#define PROF_MAX_STEPS	64		/* step entries of one case */
#define PROF_MAX_STEP	9999		/* the largest step number */

/* A step's override: N: {level: L}. */
struct prof_step {
	size_t n;			/* 1-based, in the case's steps: */
	enum plan_level level;
	int line, col;			/* of N */
	bool bad;			/* reported out of range once */
};

/* What the file says of one case id (or base id of a matrix). */
struct prof_case {
	char *id;			/* owned */
	char *na;			/* not applicable, why; or NULL */
	bool level_set;
	enum plan_level level;
	uint64_t timeout_ns;		/* 0: the case's own */
	struct prof_step *steps;	/* owned */
	size_t nsteps;
	int line, col;			/* of the id */
};

struct prof {
	char *file;			/* the path as given, owned */
	char *name;			/* "name:", owned */
	const char *inherits;		/* a name of plan_profiles */
	char *description;		/* or NULL; owned */
	struct prof_case *v;		/* sorted by id, owned */
	size_t n;
	struct yf_errs errs;		/* "file:line:col: message" */
	struct yf_errs warns;		/* the same, for what is no error */
};

/* profile.c */

/* Does the -P argument name a file: a '/' in it, or ".yaml"/".yml" at
 * its end?  Otherwise it names a profile of plan_profiles. */
bool prof_is_file(const char *arg);

/*
 * Load the profile file at path into pr (zeroed by the caller).  Returns
 * 0, or -1 with every problem found in pr->errs.  The caller frees pr
 * (prof_free) in either case.
 */
int prof_load(const char *path, struct prof *pr);

/*
 * Check pr against the cases of p: a step number past the end of a case
 * it applies to is an error (in pr->errs: returns -1); an id that names
 * no case of p is only a warning (pr->warns), as one file may cover the
 * cases of several suites.  Returns 0 otherwise.
 */
int prof_check(struct prof *pr, const struct plan *p);

/*
 * Apply pr to p (checked by prof_check): a case's entry for its base id
 * (a matrix case's id without its "[...]") first, then the one for its
 * own id; and the steps marked "profile: X" run when X is pr's name or the
 * name it inherits ("!X": otherwise), so that plan_step_runs(st,
 * pr->name) selects them.
 */
void prof_apply(const struct prof *pr, struct plan *p);

/* Free what pr owns and zero it (NULL is fine). */
void prof_free(struct prof *pr);

#endif
