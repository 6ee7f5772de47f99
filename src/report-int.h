/*
 * report-int.h - the reporters' inside, shared by their files; the rest
 * of the tool has report.h.  The files call only downwards:
 *
 *	report.c	the API: a case's reported verdict (expectation
 *			file, levels, --strict), the counts, text and TAP
 *	report-doc.c	the formats written as one document at the end:
 *			JUnit XML and JSON
 *	report-emit.c	what every format shows alike: the message, notes
 *			and trace through one emitter, the events as lines,
 *			the words for levels and expectations, and escaping
 *			for XML and JSON
 */
#ifndef TC_REPORT_INT_H
#define TC_REPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "known.h"
#include "plan.h"
#include "report.h"

struct rep {
	FILE *out;
	struct rep_cfg cfg;
	struct rep_totals t;
	size_t reported;		/* cases reported so far */
	/* JUnit: the <testcase> elements, written after the counts */
	char *xml;
	size_t xmllen;
	FILE *xmlf;
	/* JSON: the document */
	json_t *root, *cases;
};

/* A case as every format shows it. */
struct rep_view {
	const struct rep_result *res;
	enum rep_verdict v;		/* res's, or XFAIL, XPASS */
	const struct known_entry *ke;	/* its expectation, or NULL */
	bool fatal;			/* it fails the run */
	const char *msg;		/* res's message, or XPASS's own */
};

enum rep_part {
	PART_MSG,	/* failure or skip reason */
	PART_NOTES,	/* events, as lines (rep_notes_text) */
	PART_TRACE,	/* packet trace */
};

/* ---- report-emit.c ------------------------------------------------------- */

/* JSON names of the verdicts ("pass", "n/a", "xfail", ...). */
extern const char *const rep_json_verdicts[REP_VERDICT_MAX];

/* A copy of the n bytes at s, terminated. */
char *rep_strndup(const char *s, size_t n);

/* Write s escaped for XML text and attributes (invalid bytes: '?'). */
void rep_xml_put(FILE *f, const char *s);

/* s as a JSON string, invalid UTF-8 bytes as '?'; NULL: JSON null. */
json_t *rep_json_str(const char *s);

/* Event e of res as one line of notes (with its '\n'), into b. */
void rep_event_line(struct buf *b, const struct rep_result *res,
    const struct rep_event *e);

/* JSON names of the event kinds. */
extern const char *const rep_event_names[REP_EV_MAX];

/*
 * The notes of res: its events as lines, bounded like a trace (buf.h).
 * NULL for none; the caller frees *keep with buf_free.
 */
const char *rep_notes_text(const struct rep_result *res, struct buf *keep);

/*
 * Emit one multi-line part of a case in r's format: indented lines
 * (text), "# " diagnostics (TAP), element content (JUnit), or a member of
 * jcase (JSON: the message; the trace as an array of lines).
 */
void rep_emit(struct rep *r, json_t *jcase, enum rep_part part,
    const char *text);

/* What a failure at level l means, for the reports: "deviates from a
 * MAY" and the like. */
const char *rep_level_words(enum plan_level l);

/* "expected: REASON (RFC)", the line an XFAIL shows (owned). */
char *rep_expected_line(const struct known_entry *ke);

/* ---- report-doc.c -------------------------------------------------------- */

/* Start the document of a JUnit or JSON reporter. */
void rep_doc_open(struct rep *r);

/* Add one case to the document. */
void rep_junit_case(struct rep *r, const struct rep_view *cv);
void rep_json_case(struct rep *r, const struct rep_view *cv);

/* Write the whole document, with the totals, to r->out. */
void rep_junit_summary(struct rep *r, uint64_t wall_ns);
void rep_json_summary(struct rep *r, uint64_t wall_ns);

#endif
