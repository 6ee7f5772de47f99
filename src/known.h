/*
 * known.h - an expectation file (--expect FILE): the cases a stack is
 * known to fail, each with the reason and the RFC section it deviates
 * from, so that a run tells a new regression from the deviations already
 * known (FreeBSD's tcp-testsuite calls these .exfail files):
 *
 *	stack: lwip-2.1.3
 *	expect:
 *	  - id: tmr/rto-backoff
 *	    reason: first RTO is 3 s
 *	    rfc: RFC6298 2.1
 *
 * The reporters (report.h) turn a listed case that fails into XFAIL and
 * one that passes into XPASS.
 */
#ifndef TC_KNOWN_H
#define TC_KNOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "yfile.h"

struct plan;

#define KNOWN_MAX_FILE	(256 * 1024)	/* bytes of an expectation file */
#define KNOWN_MAX_STR	512		/* bytes of an id, reason, rfc, stack */

/* One case the stack is known to fail. */
struct known_entry {
	char *id, *reason, *rfc;	/* owned */
	int line, col;			/* of the entry, 1-based */
};

struct known {
	char *file;			/* the path as given, owned */
	char *stack;			/* "stack:", or NULL; owned */
	struct known_entry *v;		/* sorted by id, owned */
	size_t n;
	struct yf_errs errs;		/* "file:line:col: message" */
};

/* known.c */

/*
 * Load the expectation file at path into k (zeroed by the caller).
 * Returns 0, or -1 with every problem found in k->errs (at most
 * YF_MAX_ERRS), each
 * "path:line:col: what is wrong" (or "path: ..." for the file as a
 * whole).  The caller frees k (known_free) in either case.
 */
int known_load(const char *path, struct known *k);

/*
 * Every id of k must name a case of p: a misspelt one would expect
 * nothing, silently.  Returns 0, or -1 with a message in k->errs naming
 * each id that names no case.
 */
int known_check(struct known *k, const struct plan *p);

/* The entry for case id, or NULL (k NULL: none). */
const struct known_entry *known_find(const struct known *k, const char *id);

/* Free what k owns and zero it (NULL is fine). */
void known_free(struct known *k);

#endif
