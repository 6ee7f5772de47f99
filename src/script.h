/*
 * script.h - load YAML test-case files into a plan (libyaml).
 */
#ifndef TC_SCRIPT_H
#define TC_SCRIPT_H

#include <stdint.h>
#include <stdio.h>

#include "plan.h"

/* Error messages collected while loading, each "file:line:col: message". */
struct scr_errs {
	char **msgs;
	size_t n;
};

/* script.c */

/*
 * Load path into p: a .yaml/.yml file, or a directory searched recursively
 * for such files in sorted order.  Appends cases to p (p zeroed by the
 * caller before the first call).  Every problem found is appended to errs;
 * loading goes on after an error so that all errors are reported at once.
 * Returns the number of errors added (0 on success).  Duplicate case ids
 * across everything loaded into p are errors.
 */
int scr_load(const char *path, struct plan *p, struct scr_errs *errs);

/* Same, from a memory buffer; name is used in messages. */
int scr_load_buffer(const char *name, const char *buf, size_t len,
    struct plan *p, struct scr_errs *errs);

/* Free the messages and zero errs. */
void scr_errs_free(struct scr_errs *errs);

#endif
