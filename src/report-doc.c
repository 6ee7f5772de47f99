/*
 * report-doc.c - the report formats written as one document when the run
 * ends, since they put the totals first: JUnit XML (each case a
 * <testcase>, collected in a memory stream) and JSON (built with jansson).
 *
 * JUnit knows failures and skips only: a case that fails the run is a
 * <failure> (type: the level it failed at, or "xpass"); one that does not
 * is <skipped> with a type that says why ("MAY", "xfail",
 * "not-applicable"; none for a plain skip); the totals of every verdict
 * and level are the <testsuite>'s <properties>.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "known.h"
#include "report.h"
#include "report-int.h"
#include "util.h"

void
rep_doc_open(struct rep *r)
{
	const struct known *k = r->cfg.known;
	json_t *e;

	if (r->cfg.format == REP_JUNIT) {
		if ((r->xmlf = open_memstream(&r->xml, &r->xmllen)) == NULL)
			fatalx("out of memory");
		return;
	}
	r->root = json_object();
	r->cases = json_array();
	if (r->root == NULL || r->cases == NULL)
		fatalx("out of memory");
	json_object_set_new(r->root, "tool", json_string("tcpconform"));
	json_object_set_new(r->root, "version", json_string(PACKAGE_VERSION));
	json_object_set_new(r->root, "target", r->cfg.target ?
	    json_string(r->cfg.target) : json_null());
	json_object_set_new(r->root, "profile", r->cfg.profile ?
	    json_string(r->cfg.profile) : json_null());
	json_object_set_new(r->root, "strict", json_boolean(r->cfg.strict));
	e = json_null();
	if (k != NULL) {
		e = json_object();
		json_object_set_new(e, "file", rep_json_str(k->file));
		json_object_set_new(e, "stack", rep_json_str(k->stack));
	}
	json_object_set_new(r->root, "expect", e);
}

/* ---- JUnit -------------------------------------------------------------- */

/* "ba/syn-in-window" -> "ba" */
static void
junit_group(FILE *f, const char *id)
{
	const char *sl = strchr(id, '/');
	char *g = rep_strndup(id, sl != NULL ? (size_t)(sl - id) :
	    strlen(id));

	rep_xml_put(f, g);
	free(g);
}

/* The <failure> or <skipped> of a case (nothing for a pass). */
static void
junit_verdict(struct rep *r, const struct rep_view *cv)
{
	FILE *f = r->xmlf;
	const char *m = cv->msg != NULL ? cv->msg : "";
	const char *elem = "skipped", *type = NULL;
	char *first = rep_strndup(m, strcspn(m, "\n")), *attr = NULL;
	bool body = true;

	switch (cv->v) {
	case REP_PASS:
	case REP_VERDICT_MAX:
		free(first);
		return;
	case REP_FAIL:
		type = plan_level_names[cv->res->level];
		if (cv->fatal)
			elem = "failure";
		else
			attr = xasprintf("%s: %s",
			    rep_level_words(cv->res->level), first);
		break;
	case REP_XPASS:
		elem = "failure";
		type = "xpass";
		break;
	case REP_XFAIL:
		type = "xfail";
		attr = rep_expected_line(cv->ke);
		break;
	case REP_NA:
		type = "not-applicable";
		body = false;
		break;
	case REP_SKIP:
		body = false;
		break;
	}
	fprintf(f, "      <%s message=\"", elem);
	rep_xml_put(f, attr != NULL ? attr : first);
	fputc('"', f);
	if (type != NULL) {
		fputs(" type=\"", f);
		rep_xml_put(f, type);
		fputc('"', f);
	}
	if (body) {
		fputc('>', f);
		rep_emit(r, NULL, PART_MSG, m);
		fprintf(f, "</%s>\n", elem);
	} else
		fputs("/>\n", f);
	free(attr);
	free(first);
}

void
rep_junit_case(struct rep *r, const struct rep_view *cv)
{
	const struct rep_result *res = cv->res;
	FILE *f = r->xmlf;
	const char *notes;
	struct buf nb;

	fputs("    <testcase classname=\"tcpconform.", f);
	junit_group(f, res->pc->id);
	fputs("\" name=\"", f);
	rep_xml_put(f, res->pc->id);
	fprintf(f, "\" time=\"%.6f\">\n", (double)res->dur_ns / 1e9);
	junit_verdict(r, cv);
	notes = rep_notes_text(res, &nb);
	if ((notes != NULL && *notes != '\0') ||
	    (res->trace != NULL && *res->trace != '\0')) {
		fputs("      <system-out>", f);
		if (notes != NULL)
			rep_emit(r, NULL, PART_NOTES, notes);
		if (res->trace != NULL)
			rep_emit(r, NULL, PART_TRACE, res->trace);
		fputs("</system-out>\n", f);
	}
	buf_free(&nb);
	fputs("    </testcase>\n", f);
}

static void
junit_prop(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"%s\" value=\"", name);
	rep_xml_put(f, value);
	fputs("\"/>\n", f);
}

static void
junit_count(FILE *f, const char *name, unsigned n)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", n);
	junit_prop(f, name, v);
}

void
rep_junit_summary(struct rep *r, uint64_t wall_ns)
{
	const struct rep_totals *t = &r->t;
	FILE *f = r->out;
	unsigned n = 0, skipped;
	char name[32];
	int i;

	for (i = 0; i < REP_VERDICT_MAX; i++)
		n += t->count[i];
	/* Every case that does not fail the run and did not pass. */
	skipped = t->count[REP_SKIP] + t->count[REP_NA] +
	    t->count[REP_XFAIL] + t->exempt;
	fflush(r->xmlf);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites tests=\"%u\" failures=\"%u\" errors=\"0\" "
	    "skipped=\"%u\" time=\"%.6f\">\n"
	    "  <testsuite name=\"tcpconform\" tests=\"%u\" "
	    "failures=\"%u\" errors=\"0\" skipped=\"%u\" "
	    "time=\"%.6f\">\n", n, t->fatal, skipped, (double)wall_ns / 1e9,
	    n, t->fatal, skipped, (double)wall_ns / 1e9);
	fputs("    <properties>\n", f);
	for (i = 0; i < REP_VERDICT_MAX; i++)
		junit_count(f, rep_json_verdicts[i], t->count[i]);
	for (i = 0; i < PLAN_LEVEL_MAX; i++) {
		snprintf(name, sizeof(name), "fail.%s", plan_level_names[i]);
		junit_count(f, name, t->failed[i]);
	}
	junit_prop(f, "strict", r->cfg.strict ? "true" : "false");
	if (r->cfg.known != NULL) {
		junit_prop(f, "expect", r->cfg.known->file);
		if (r->cfg.known->stack != NULL)
			junit_prop(f, "stack", r->cfg.known->stack);
	}
	fputs("    </properties>\n", f);
	fwrite(r->xml, 1, r->xmllen, f);
	fputs("  </testsuite>\n</testsuites>\n", f);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *
json_secs(uint64_t ns)
{
	return json_real((double)ns / 1e9);
}

/*
 * "events": what the notes of the other formats say, as data (kind, key,
 * value, n, expected as the kind uses them) with the same line as text;
 * "notes": those lines.  Nothing in one format is missing from another.
 */
static void
json_events(json_t *c, const struct rep_result *res)
{
	const struct rep_event *e;
	struct buf line, nb;
	json_t *a = json_array(), *o;
	const char *t;
	char *l;
	size_t i;

	for (i = 0; i < res->nevents; i++) {
		e = &res->events[i];
		o = json_object();
		json_object_set_new(o, "kind",
		    json_string(rep_event_names[e->kind]));
		json_object_set_new(o, "key", rep_json_str(e->key));
		json_object_set_new(o, "value", rep_json_str(e->value));
		json_object_set_new(o, "n", json_integer(e->n));
		json_object_set_new(o, "expected", json_integer(e->expected));
		memset(&line, 0, sizeof(line));
		rep_event_line(&line, res, e);
		t = buf_text(&line);
		l = t != NULL ? rep_strndup(t, strcspn(t, "\n")) : NULL;
		json_object_set_new(o, "text", rep_json_str(l));
		free(l);
		buf_free(&line);
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "events", a);
	json_object_set_new(c, "notes", rep_json_str(rep_notes_text(res, &nb)));
	buf_free(&nb);
}

void
rep_json_case(struct rep *r, const struct rep_view *cv)
{
	const struct rep_result *res = cv->res;
	const struct plan_case *pc = res->pc;
	json_t *c = json_object(), *a, *o, *p;
	size_t i, j;

	json_object_set_new(c, "id", rep_json_str(pc->id));
	json_object_set_new(c, "title", rep_json_str(pc->title));
	a = json_array();
	for (i = 0; i < pc->nrfc; i++)
		json_array_append_new(a, rep_json_str(pc->rfc[i]));
	json_object_set_new(c, "rfc", a);
	json_object_set_new(c, "verdict",
	    json_string(rep_json_verdicts[cv->v]));
	json_object_set_new(c, "level", cv->v == REP_FAIL ||
	    cv->v == REP_XFAIL ? json_string(plan_level_names[res->level]) :
	    json_null());
	json_object_set_new(c, "fails_run", json_boolean(cv->fatal));
	o = json_null();
	if (cv->ke != NULL) {
		o = json_object();
		json_object_set_new(o, "reason", rep_json_str(cv->ke->reason));
		json_object_set_new(o, "rfc", rep_json_str(cv->ke->rfc));
		json_object_set_new(o, "line", json_integer(cv->ke->line));
	}
	json_object_set_new(c, "expected", o);
	json_object_set_new(c, "start_s", json_secs(res->start_ns));
	json_object_set_new(c, "duration_s", json_secs(res->dur_ns));
	rep_emit(r, c, PART_MSG, cv->msg);
	a = json_array();
	for (i = 0; i < res->nmeas; i++) {
		const struct rep_meas *m = &res->meas[i];

		o = json_object();
		json_object_set_new(o, "name", rep_json_str(m->name));
		json_object_set_new(o, "value_s", json_secs(m->value_ns));
		json_object_set_new(o, "min_s", m->range_set ?
		    json_secs(m->min_ns) : json_null());
		json_object_set_new(o, "max_s", m->range_set ?
		    json_secs(m->max_ns) : json_null());
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "measurements", a);
	a = json_array();
	for (i = 0; i < res->nrtx; i++) {
		o = json_object();
		json_object_set_new(o, "n", json_integer(res->rtx[i].n));
		json_object_set_new(o, "gap_s", json_secs(res->rtx[i].gap_ns));
		json_object_set_new(o, "expected_s",
		    json_secs(res->rtx[i].expected_ns));
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "retransmissions", a);
	json_events(c, res);
	json_object_set_new(c, "pcap", rep_json_str(res->pcap));
	a = json_array();
	for (i = 0; i < res->nsteps; i++) {
		const struct rep_step *s = &res->steps[i];

		o = json_object();
		json_object_set_new(o, "file", rep_json_str(s->pos->file));
		json_object_set_new(o, "line", json_integer(s->pos->line));
		json_object_set_new(o, "col", json_integer(s->pos->col));
		json_object_set_new(o, "kind", rep_json_str(s->kind));
		p = json_array();
		for (j = 0; j < s->npkts; j++)
			json_array_append_new(p, json_integer(s->pkts[j]));
		json_object_set_new(o, "packets", p);
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "steps", a);
	rep_emit(r, c, PART_TRACE, res->trace);
	json_array_append_new(r->cases, c);
}

void
rep_json_summary(struct rep *r, uint64_t wall_ns)
{
	const struct rep_totals *t = &r->t;
	json_t *s = json_object(), *l = json_object();
	int i;

	json_object_set(r->root, "cases", r->cases);
	json_object_set_new(s, "passed", json_integer(t->count[REP_PASS]));
	json_object_set_new(s, "failed", json_integer(t->count[REP_FAIL]));
	for (i = 0; i < PLAN_LEVEL_MAX; i++)
		json_object_set_new(l, plan_level_names[i],
		    json_integer(t->failed[i]));
	json_object_set_new(s, "failed_by_level", l);
	json_object_set_new(s, "skipped", json_integer(t->count[REP_SKIP]));
	json_object_set_new(s, "not_applicable",
	    json_integer(t->count[REP_NA]));
	json_object_set_new(s, "xfail", json_integer(t->count[REP_XFAIL]));
	json_object_set_new(s, "xpass", json_integer(t->count[REP_XPASS]));
	json_object_set_new(s, "fails_run", json_integer(t->fatal));
	json_object_set_new(s, "wall_s", json_secs(wall_ns));
	json_object_set_new(r->root, "summary", s);
	json_dumpf(r->root, r->out, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
	fputc('\n', r->out);
}
