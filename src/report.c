/*
 * report.c - the reporters' API (report.h): the verdict a case is
 * reported with, once the expectation file (--expect) and the level of
 * the step that failed (--strict) are applied, the totals, and the
 * formats that stream one case at a time, text and TAP:
 *
 *   PASS  cl/syn                        0.004s
 *   FAIL  neg/closed-expects-synack     0.003s  (MUST)
 *         negative.yaml:9:5: expected flags [S.], got [R.] ...
 *
 * JUnit and JSON need the totals first: report-doc.c collects the cases
 * and writes the document in rep_summary().  What every format shows
 * alike goes through report-emit.c, so the formats cannot drift.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "known.h"
#include "report.h"
#include "report-int.h"
#include "util.h"

const char *const rep_verdict_names[REP_VERDICT_MAX] = {
	[REP_PASS] = "PASS",
	[REP_FAIL] = "FAIL",
	[REP_SKIP] = "SKIP",
	[REP_NA] = "N/A",
	[REP_XFAIL] = "XFAIL",
	[REP_XPASS] = "XPASS",
};

const char *const rep_format_names[REP_FORMAT_MAX] = {
	[REP_TEXT] = "text",
	[REP_TAP] = "tap",
	[REP_JUNIT] = "junit",
	[REP_JSON] = "json",
};

int
rep_format_parse(const char *name, enum rep_format *f)
{
	int i;

	for (i = 0; i < REP_FORMAT_MAX; i++)
		if (strcmp(name, rep_format_names[i]) == 0) {
			*f = (enum rep_format)i;
			return 0;
		}
	return -1;
}

struct rep *
rep_open(FILE *out, const struct rep_cfg *cfg)
{
	struct rep *r = xcalloc(1, sizeof(*r));

	r->out = out;
	r->cfg = *cfg;
	switch (cfg->format) {
	case REP_TAP:
		/* The number of cases is known before the first one runs. */
		fprintf(out, "1..%zu\n", cfg->plan != NULL ?
		    cfg->plan->ncases : (size_t)0);
		fflush(out);
		break;
	case REP_JUNIT:
	case REP_JSON:
		rep_doc_open(r);
		break;
	case REP_TEXT:
	case REP_FORMAT_MAX:
		break;
	}
	return r;
}

struct rep *
rep_new(FILE *out, int verbose)
{
	struct rep_cfg cfg = { .format = REP_TEXT, .verbose = verbose };

	return rep_open(out, &cfg);
}

/* ---- the verdict a case is reported with --------------------------------- */

/*
 * res as reported: a case the expectation file lists is XFAIL when it
 * failed, XPASS when it passed (its message then says so: *own, for the
 * caller to free); a listed case that was skipped or is not applicable
 * stays so.  A failure fails the run unless it is a MAY's without
 * --strict; an XPASS always does: the list is out of date.
 */
static void
view_make(const struct rep *r, const struct rep_result *res,
    struct rep_view *cv, char **own)
{
	const struct known_entry *ke = known_find(r->cfg.known, res->pc->id);

	memset(cv, 0, sizeof(*cv));
	*own = NULL;
	cv->res = res;
	cv->v = res->verdict;
	cv->msg = res->msg;
	cv->ke = ke;
	if (ke != NULL && cv->v == REP_FAIL)
		cv->v = REP_XFAIL;
	else if (ke != NULL && cv->v == REP_PASS) {
		cv->v = REP_XPASS;
		cv->msg = *own = xasprintf("listed in %s:%d as failing (%s; "
		    "%s), but it passed: take it out of the file if the stack "
		    "was fixed", r->cfg.known->file, ke->line, ke->reason,
		    ke->rfc);
	}
	cv->fatal = rep_fails_run(r, res->pc, res->verdict, res->level);
}

bool
rep_fails_run(const struct rep *r, const struct plan_case *pc,
    enum rep_verdict v, enum plan_level level)
{
	bool known = known_find(r->cfg.known, pc->id) != NULL;

	/* An expected failure that passed; a failure not expected, unless
	 * a MAY's without --strict. */
	if (v == REP_PASS)
		return known;
	return v == REP_FAIL && !known && (level != PLAN_LEVEL_MAY ||
	    r->cfg.strict);
}

/* ---- text and TAP ------------------------------------------------------- */

static void
text_head(struct rep *r, const struct rep_view *cv)
{
	char dur[32];
	char *id = tc_strsafe(cv->res->pc->id, strlen(cv->res->pc->id), 0);

	fprintf(r->out, "%-5s %-40s %s", rep_verdict_names[cv->v], id,
	    tc_fmt_duration(cv->res->dur_ns, dur, sizeof(dur)));
	if (cv->v == REP_FAIL)
		fprintf(r->out, "  (%s%s)", plan_level_names[cv->res->level],
		    cv->fatal ? "" : ": does not fail the run");
	fputc('\n', r->out);
	free(id);
}

/* TAP: "#" starts a directive, so escape it in the description. */
static void
tap_put(FILE *f, const char *s)
{
	char *c = tc_strsafe(s, strlen(s), 0), *p;

	for (p = c; *p != '\0'; p++) {
		if (*p == '#' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	free(c);
}

/* TAP: the directive of a case, after " # " (NULL: none), owned. */
static char *
tap_directive(const struct rep_view *cv)
{
	const char *m = cv->msg;
	char *line, *d;

	switch (cv->v) {
	case REP_SKIP:
	case REP_NA:
		if (m == NULL)
			return xstrdup("SKIP");
		line = tc_strsafe(m, strcspn(m, "\n"), 0);
		d = xasprintf("SKIP %s%s", cv->v == REP_NA ? "n/a: " : "",
		    line);
		free(line);
		return d;
	case REP_XFAIL:
		line = rep_expected_line(cv->ke);
		d = tc_strsafe(line, strlen(line), 0);
		free(line);
		line = xasprintf("TODO %s", d);
		free(d);
		return line;
	case REP_FAIL:
		/* TODO: TAP's "not ok that fails nothing". */
		return cv->fatal ? NULL : xasprintf("TODO %s",
		    rep_level_words(cv->res->level));
	case REP_PASS:
	case REP_XPASS:
	case REP_VERDICT_MAX:
		break;
	}
	return NULL;
}

static void
tap_head(struct rep *r, const struct rep_view *cv)
{
	bool ok = cv->v == REP_PASS || cv->v == REP_SKIP || cv->v == REP_NA;
	char *d = tap_directive(cv);

	fprintf(r->out, "%s %zu - ", ok ? "ok" : "not ok", r->reported);
	tap_put(r->out, cv->res->pc->id);
	if (d != NULL)
		fprintf(r->out, " # %s", d);
	fputc('\n', r->out);
	free(d);
	if (cv->v == REP_FAIL && cv->fatal)
		fprintf(r->out, "# level: %s\n",
		    plan_level_names[cv->res->level]);
}

/* Is the trace shown?  Always in JUnit and JSON, which keep it apart. */
static int
show_trace(const struct rep *r, const struct rep_result *res)
{
	if (res->trace == NULL || *res->trace == '\0')
		return r->cfg.format == REP_JSON;
	return r->cfg.format == REP_JUNIT || r->cfg.format == REP_JSON ||
	    r->cfg.verbose || res->verdict == REP_FAIL;
}

/* A case in text or TAP. */
static void
stream_case(struct rep *r, const struct rep_view *cv)
{
	const struct rep_result *res = cv->res;
	const char *notes;
	struct buf nb;
	char *e;

	if (r->cfg.format == REP_TEXT)
		text_head(r, cv);
	else
		tap_head(r, cv);
	/* TAP: an XFAIL's expectation is in its directive. */
	if (cv->v == REP_XFAIL && r->cfg.format == REP_TEXT) {
		rep_emit(r, NULL, PART_MSG, e = rep_expected_line(cv->ke));
		free(e);
	}
	/* TAP: a skip's one-line reason is in its directive too. */
	if (cv->msg != NULL && !(r->cfg.format == REP_TAP &&
	    (cv->v == REP_SKIP || cv->v == REP_NA) &&
	    strchr(cv->msg, '\n') == NULL))
		rep_emit(r, NULL, PART_MSG, cv->msg);
	if ((notes = rep_notes_text(res, &nb)) != NULL)
		rep_emit(r, NULL, PART_NOTES, notes);
	buf_free(&nb);
	if (show_trace(r, res))
		rep_emit(r, NULL, PART_TRACE, res->trace);
	fflush(r->out);
}

void
rep_case(struct rep *r, const struct rep_result *res)
{
	struct rep_view cv;
	char *own;

	view_make(r, res, &cv, &own);
	r->t.count[cv.v]++;
	if (cv.v == REP_FAIL)
		r->t.failed[res->level]++;
	if (cv.fatal)
		r->t.fatal++;
	else if (cv.v == REP_FAIL)
		r->t.exempt++;
	r->reported++;
	switch (r->cfg.format) {
	case REP_TEXT:
	case REP_TAP:
		stream_case(r, &cv);
		break;
	case REP_JUNIT:
		rep_junit_case(r, &cv);
		break;
	case REP_JSON:
		rep_json_case(r, &cv);
		break;
	case REP_FORMAT_MAX:
		break;
	}
	free(own);
}

/* The summary of text, and of TAP as comments. */
static void
stream_summary(struct rep *r, uint64_t wall_ns)
{
	const struct rep_totals *t = &r->t;
	const char *pfx = r->cfg.format == REP_TAP ? "# " : "";
	char dur[32], lv[64] = "";
	unsigned n = 0;
	size_t off = 0;
	int i;

	for (i = 0; i < REP_VERDICT_MAX; i++)
		n += t->count[i];
	for (i = 0; i < PLAN_LEVEL_MAX && t->count[REP_FAIL] > 0; i++)
		if (t->failed[i] > 0)
			off += (size_t)snprintf(lv + off, sizeof(lv) - off,
			    "%s%u %s", off == 0 ? " (" : ", ", t->failed[i],
			    plan_level_names[i]);
	if (off > 0)
		snprintf(lv + off, sizeof(lv) - off, ")");
	fprintf(r->out, "%s%u case%s: %u passed, %u failed%s, %u skipped, "
	    "%u n/a", pfx, n, n == 1 ? "" : "s", t->count[REP_PASS],
	    t->count[REP_FAIL], lv, t->count[REP_SKIP], t->count[REP_NA]);
	if (r->cfg.known != NULL)
		fprintf(r->out, ", %u xfail, %u xpass", t->count[REP_XFAIL],
		    t->count[REP_XPASS]);
	fprintf(r->out, " in %s\n", tc_fmt_duration(wall_ns, dur,
	    sizeof(dur)));
	if (t->exempt > 0)
		fprintf(r->out, "%s%u failure%s of a MAY do%s not fail the "
		    "run without --strict\n", pfx, t->exempt,
		    t->exempt == 1 ? "" : "s", t->exempt == 1 ? "es" : "");
	if (t->count[REP_XPASS] > 0)
		fprintf(r->out, "%s%u case%s listed as failing in %s passed: "
		    "the run fails until the file is brought up to date\n",
		    pfx, t->count[REP_XPASS], t->count[REP_XPASS] == 1 ? "" :
		    "s", r->cfg.known->file);
}

unsigned
rep_summary(struct rep *r, uint64_t wall_ns)
{
	size_t total = r->cfg.plan != NULL ? r->cfg.plan->ncases :
	    r->reported;

	switch (r->cfg.format) {
	case REP_TAP:
		/* Cases an interrupted run never reported. */
		while (r->reported < total) {
			r->reported++;
			fprintf(r->out, "not ok %zu - ", r->reported);
			tap_put(r->out, r->cfg.plan->cases[r->reported - 1].id);
			fputs(" # not run: the run ended early\n", r->out);
		}
		stream_summary(r, wall_ns);
		break;
	case REP_TEXT:
		stream_summary(r, wall_ns);
		break;
	case REP_JUNIT:
		rep_junit_summary(r, wall_ns);
		break;
	case REP_JSON:
		rep_json_summary(r, wall_ns);
		break;
	case REP_FORMAT_MAX:
		break;
	}
	fflush(r->out);
	return r->t.fatal;
}

const struct rep_totals *
rep_totals(const struct rep *r)
{
	return &r->t;
}

void
rep_free(struct rep *r)
{
	if (r == NULL)
		return;
	if (r->xmlf != NULL)
		fclose(r->xmlf);
	free(r->xml);
	json_decref(r->cases);
	json_decref(r->root);
	free(r);
}
