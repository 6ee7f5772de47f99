/*
 * yfile.h - the small YAML files given on the command line (--expect
 * FILE, -P FILE): read whole and bounded, parsed with libyaml's document
 * API, every problem kept as a "file:line:col: message" for the caller to
 * print.  What the keys mean is the caller's (known.c, profile.c).
 */
#ifndef TC_YFILE_H
#define TC_YFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

#define YF_MAX_ERRS	100	/* messages kept */
#define YF_QUOTE_MAX	40	/* bytes of a value quoted in a message */

/* The messages about one file. */
struct yf_errs {
	const char *file;	/* the path as given, for messages; not owned */
	char **v;		/* "file:line:col: message", owned */
	size_t n;
};

/* An open file: its text and its first document. */
struct yf_doc {
	yaml_parser_t yp;
	yaml_document_t doc;
	char *buf;		/* the file, NUL-terminated, owned */
	size_t len;
	bool parser, loaded;
};

/* yfile.c */

/* Add "file:line:col: message" (line 0: "file: message") to e; past
 * YF_MAX_ERRS messages, nothing. */
void yf_err(struct yf_errs *e, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* An error at node n (libyaml's marks count from 0). */
#define YF_NERR(e, n, ...)	yf_err((e), (n)->start_mark.line + 1,	\
	(n)->start_mark.column + 1, __VA_ARGS__)

/* Scalar n for a message: escaped, cut at YF_QUOTE_MAX bytes; "{...}" or
 * "[...]" for a mapping or sequence.  The caller frees it. */
char *yf_quote(const yaml_node_t *n);

/* Is n a scalar spelling word? */
bool yf_is_word(const yaml_node_t *n, const char *word);

/* A copy of scalar n (the caller frees it), non-empty, without NUL, at
 * most max bytes; or NULL after a message naming it what. */
char *yf_get_str(struct yf_errs *e, const yaml_node_t *n, const char *what,
    size_t max);

/*
 * Read the regular file at e->file (at most max bytes, opened without
 * blocking: a FIFO could hang the run before it starts) and parse its
 * first document into d (zeroed by the caller).  Returns the document's
 * root; NULL after a message, or for an empty file with no message (the
 * caller says what it expected).  yf_close(d) in every case.
 */
yaml_node_t *yf_open(struct yf_errs *e, struct yf_doc *d, size_t max);

/*
 * Free d.  more: when e holds no message yet, a second document is an
 * error ("more than one YAML document: WHAT holds one"), as it would be
 * ignored without a word.
 */
void yf_close(struct yf_errs *e, struct yf_doc *d, bool more,
    const char *what);

/* Print every message of e to f, one a line, escaped (names come from
 * files and the command line: nothing raw to a terminal). */
void yf_print(const struct yf_errs *e, FILE *f);

/* Free the messages of e and zero them (file stays). */
void yf_errs_free(struct yf_errs *e);

#endif
