/*
 * report.c - the reporters: text, TAP, JUnit XML and JSON.
 *
 *   PASS  cl/syn                        0.004s
 *   FAIL  neg/closed-expects-synack     0.003s
 *         negative.yaml:9:5: expected flags [S.], got [R.] ...
 *
 * Every format hangs off the same rep_case() call with the same struct
 * rep_result; the parts every format shows (message, notes, trace) go
 * through one emitter, rep_emit(), so the formats cannot drift.  Text and
 * TAP stream one case at a time; JUnit and JSON need the totals first,
 * so they collect the cases and write the document in rep_summary().
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report.h"
#include "util.h"

const char *const rep_verdict_names[REP_VERDICT_MAX] = {
	[REP_PASS] = "PASS",
	[REP_FAIL] = "FAIL",
	[REP_SKIP] = "SKIP",
};

const char *const rep_format_names[REP_FORMAT_MAX] = {
	[REP_TEXT] = "text",
	[REP_TAP] = "tap",
	[REP_JUNIT] = "junit",
	[REP_JSON] = "json",
};

static const char *const json_verdicts[REP_VERDICT_MAX] = {
	[REP_PASS] = "pass",
	[REP_FAIL] = "fail",
	[REP_SKIP] = "skip",
};

struct rep {
	FILE *out;
	struct rep_cfg cfg;
	unsigned count[REP_VERDICT_MAX];
	size_t reported;		/* cases reported so far */
	uint64_t sum_ns;
	/* JUnit: the <testcase> elements, written after the counts */
	char *xml;
	size_t xmllen;
	FILE *xmlf;
	/* JSON: the document */
	json_t *root, *cases;
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
		if ((r->xmlf = open_memstream(&r->xml, &r->xmllen)) == NULL)
			fatalx("out of memory");
		break;
	case REP_JSON:
		r->root = json_object();
		r->cases = json_array();
		if (r->root == NULL || r->cases == NULL)
			fatalx("out of memory");
		json_object_set_new(r->root, "tool", json_string("tcpconform"));
		json_object_set_new(r->root, "version",
		    json_string(PACKAGE_VERSION));
		json_object_set_new(r->root, "target", cfg->target ?
		    json_string(cfg->target) : json_null());
		json_object_set_new(r->root, "profile", cfg->profile ?
		    json_string(cfg->profile) : json_null());
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

/* ---- text cleaning ------------------------------------------------------ */

static char *
xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there
 * are not one.  xml: also reject what XML 1.0 forbids (control characters
 * but tab, newline and return; U+FFFE, U+FFFF).
 */
static size_t
utf8_len(const unsigned char *s, int xml)
{
	unsigned char c = s[0];

	if (c < 0x80) {
		if (xml && c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		if (xml && c == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* A copy of n bytes of s that is valid UTF-8: bad bytes become '?'. */
static char *
utf8_clean(const char *s, size_t n)
{
	char *d = xmalloc(n + 1), *o = d;
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;
	char tmp[5];
	size_t k;

	while (p < end) {
		/* utf8_len may look ahead: give it a terminated copy. */
		memset(tmp, 0, sizeof(tmp));
		memcpy(tmp, p, (size_t)(end - p) < 4 ? (size_t)(end - p) : 4);
		k = utf8_len((const unsigned char *)tmp, 0);
		if (k == 0) {
			*o++ = '?';
			p++;
			continue;
		}
		memcpy(o, p, k);
		o += k;
		p += k;
	}
	*o = '\0';
	return d;
}

/* Write s escaped for XML text and attributes. */
static void
xml_put(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	while (*p != '\0') {
		switch (*p) {
		case '&': fputs("&amp;", f); p++; continue;
		case '<': fputs("&lt;", f); p++; continue;
		case '>': fputs("&gt;", f); p++; continue;
		case '"': fputs("&quot;", f); p++; continue;
		case '\'': fputs("&apos;", f); p++; continue;
		case '\n': fputs("&#10;", f); p++; continue;
		case '\t': fputs("&#9;", f); p++; continue;
		case '\r': fputs("&#13;", f); p++; continue;
		default:
			break;
		}
		if ((k = utf8_len(p, 1)) == 0) {
			fputc('?', f);
			p++;
			continue;
		}
		fwrite(p, 1, k, f);
		p += k;
	}
}

/* Like xml_put but keeps newlines literal (element content). */
static void
xml_put_text(FILE *f, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		char *line = xstrndup(s, (size_t)(nl - s));

		xml_put(f, line);
		fputc('\n', f);
		free(line);
		s = nl + 1;
	}
	xml_put(f, s);
}

static json_t *
json_str(const char *s)
{
	char *c;
	json_t *j;

	if (s == NULL)
		return json_null();
	c = utf8_clean(s, strlen(s));
	j = json_string(c);
	free(c);
	return j != NULL ? j : json_null();
}

/* ---- events -------------------------------------------------------------- */

/* JSON names of the event kinds. */
static const char *const event_names[REP_EV_MAX] = {
	[REP_EV_RTX] = "retransmission",
	[REP_EV_MEAS] = "measurement",
	[REP_EV_PIN_SET] = "pinned",
	[REP_EV_PIN_WAIT] = "pin-wait",
	[REP_EV_PIN_NOLOCK] = "pin-unlocked",
	[REP_EV_PIN_NOUNLOCK] = "pin-lock-kept",
	[REP_EV_PIN_NORESTORE] = "pin-not-restored",
	[REP_EV_EXEC_SIGNAL] = "background-exec-killed",
	[REP_EV_EXEC_STATUS] = "background-exec-status",
};

/* Event e of res as one line of notes (with its '\n'), into b. */
static void
event_line(struct buf *b, const struct rep_result *res,
    const struct rep_event *e)
{
	const struct rep_meas *m;
	const struct rep_rtx *x;
	char d1[32], d2[32], d3[32];

	switch (e->kind) {
	case REP_EV_RTX:
		if (e->n < 0 || (size_t)e->n >= res->nrtx)
			return;
		x = &res->rtx[e->n];
		buf_printf(b, "retransmission %u after %s (expected %s)\n",
		    x->n, tc_fmt_duration(x->gap_ns, d1, sizeof(d1)),
		    tc_fmt_duration(x->expected_ns, d2, sizeof(d2)));
		return;
	case REP_EV_MEAS:
		if (e->n < 0 || (size_t)e->n >= res->nmeas)
			return;
		m = &res->meas[e->n];
		tc_fmt_duration(m->value_ns, d1, sizeof(d1));
		if (m->range_set)
			buf_printf(b, "measured %s = %s (expected %s .. %s)\n",
			    m->name, d1,
			    tc_fmt_duration(m->min_ns, d2, sizeof(d2)),
			    tc_fmt_duration(m->max_ns, d3, sizeof(d3)));
		else
			buf_printf(b, "measured %s = %s\n", m->name, d1);
		return;
	case REP_EV_PIN_SET:
		buf_printf(b, "target %s=%s for this case\n", e->key,
		    e->value);
		return;
	case REP_EV_PIN_WAIT:
		buf_printf(b, "%s is pinned by another tcpconform run (id %s): "
		    "waiting\n", e->key, e->value);
		return;
	case REP_EV_PIN_NOLOCK:
		buf_printf(b, "could not lock %s on the target (%s): another "
		    "run may change it\n", e->key, e->value);
		return;
	case REP_EV_PIN_NOUNLOCK:
		buf_printf(b, "could not release %s on the target\n",
		    e->value);
		return;
	case REP_EV_PIN_NORESTORE:
		buf_printf(b, "could not restore %s=%s\n", e->key, e->value);
		return;
	case REP_EV_EXEC_SIGNAL:
		buf_printf(b, "background exec '%s' was killed by signal %ld\n",
		    e->key, e->n);
		return;
	case REP_EV_EXEC_STATUS:
		buf_printf(b, "background exec '%s' exited %ld, expected %ld\n",
		    e->key, e->n, e->expected);
		return;
	case REP_EV_MAX:
		return;
	}
}

/*
 * The notes of res: its events as lines, bounded like a trace (buf.h).
 * NULL for none; the caller frees *keep with buf_free.
 */
static const char *
notes_text(const struct rep_result *res, struct buf *keep)
{
	size_t i;

	memset(keep, 0, sizeof(*keep));
	for (i = 0; i < res->nevents; i++)
		event_line(keep, res, &res->events[i]);
	return buf_text(keep);
}

/* ---- the shared emitter -------------------------------------------------- */

enum rep_part {
	PART_MSG,	/* failure or skip reason */
	PART_NOTES,	/* events, as lines (notes_text) */
	PART_TRACE,	/* packet trace */
};

/* Text: indentation of each part. */
static const char *const text_indent[] = {
	[PART_MSG] = "      ",
	[PART_NOTES] = "      ",
	[PART_TRACE] = "      | ",
};

/* TAP: diagnostic prefixes. */
static const char *const tap_indent[] = {
	[PART_MSG] = "# ",
	[PART_NOTES] = "# ",
	[PART_TRACE] = "# | ",
};

/*
 * Emit one multi-line part of a case in the reporter's format: indented
 * lines (text), "# " diagnostics (TAP), element content (JUnit, where the
 * message goes into <failure>/<skipped> and notes and trace into
 * <system-out>), or a JSON member (message; trace as an array of lines;
 * notes are structured in "events", json_events).
 */
static void
rep_emit(struct rep *r, json_t *jcase, enum rep_part part, const char *text)
{
	const char *p = text, *nl;
	json_t *a;

	if (r->cfg.format == REP_JSON) {
		if (part == PART_MSG)
			json_object_set_new(jcase, "message", json_str(text));
		if (part != PART_TRACE)
			return;
		a = json_array();
		while (text != NULL && *p != '\0') {
			char *line;

			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			line = xstrndup(p, (size_t)(nl - p));
			json_array_append_new(a, json_str(line));
			free(line);
			p = *nl ? nl + 1 : nl;
		}
		json_object_set_new(jcase, "trace", a);
		return;
	}
	if (text == NULL || *text == '\0')
		return;
	if (r->cfg.format == REP_JUNIT) {
		xml_put_text(r->xmlf, text);
		if (text[strlen(text) - 1] != '\n')
			fputc('\n', r->xmlf);
		return;
	}
	/* Messages quote the case and the target: nothing raw to a
	 * terminal (tc_strsafe). */
	while (*p != '\0') {
		char *line;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = tc_strsafe(p, (size_t)(nl - p), 0);
		fprintf(r->out, "%s%s\n", r->cfg.format == REP_TAP ?
		    tap_indent[part] : text_indent[part], line);
		free(line);
		p = *nl ? nl + 1 : nl;
	}
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

/* ---- per format -------------------------------------------------------- */

static void
text_head(struct rep *r, const struct rep_result *res)
{
	char dur[32];

	char *id = tc_strsafe(res->pc->id, strlen(res->pc->id), 0);

	fprintf(r->out, "%s  %-40s %s\n", rep_verdict_names[res->verdict],
	    id, tc_fmt_duration(res->dur_ns, dur, sizeof(dur)));
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

static void
tap_head(struct rep *r, const struct rep_result *res)
{
	const char *m = res->msg;

	fprintf(r->out, "%s %zu - ", res->verdict == REP_FAIL ? "not ok" :
	    "ok", r->reported);
	tap_put(r->out, res->pc->id);
	if (res->verdict == REP_SKIP && m != NULL) {
		char *line = tc_strsafe(m, strcspn(m, "\n"), 0);

		fputs(" # SKIP ", r->out);
		fputs(line, r->out);
		free(line);
	}
	fputc('\n', r->out);
}

/* "ba/syn-in-window" -> "ba" */
static void
junit_group(FILE *f, const char *id)
{
	const char *sl = strchr(id, '/');
	char *g = xstrndup(id, sl != NULL ? (size_t)(sl - id) : strlen(id));

	xml_put(f, g);
	free(g);
}

static void
junit_case(struct rep *r, const struct rep_result *res)
{
	FILE *f = r->xmlf;
	const char *m = res->msg != NULL ? res->msg : "";
	const char *nl = strchr(m, '\n'), *notes;
	char *first = xstrndup(m, nl != NULL ? (size_t)(nl - m) : strlen(m));
	struct buf nb;

	fputs("    <testcase classname=\"tcpconform.", f);
	junit_group(f, res->pc->id);
	fputs("\" name=\"", f);
	xml_put(f, res->pc->id);
	fprintf(f, "\" time=\"%.6f\">\n", (double)res->dur_ns / 1e9);
	if (res->verdict == REP_FAIL) {
		fputs("      <failure message=\"", f);
		xml_put(f, first);
		fputs("\" type=\"failure\">", f);
		rep_emit(r, NULL, PART_MSG, m);
		fputs("</failure>\n", f);
	} else if (res->verdict == REP_SKIP) {
		fputs("      <skipped message=\"", f);
		xml_put(f, first);
		fputs("\"/>\n", f);
	}
	free(first);
	notes = notes_text(res, &nb);
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
		    json_string(event_names[e->kind]));
		json_object_set_new(o, "key", json_str(e->key));
		json_object_set_new(o, "value", json_str(e->value));
		json_object_set_new(o, "n", json_integer(e->n));
		json_object_set_new(o, "expected", json_integer(e->expected));
		memset(&line, 0, sizeof(line));
		event_line(&line, res, e);
		t = buf_text(&line);
		l = t != NULL ? xstrndup(t, strcspn(t, "\n")) : NULL;
		json_object_set_new(o, "text", json_str(l));
		free(l);
		buf_free(&line);
		json_array_append_new(a, o);
	}
	json_object_set_new(c, "events", a);
	json_object_set_new(c, "notes", json_str(notes_text(res, &nb)));
	buf_free(&nb);
}

static void
json_case(struct rep *r, const struct rep_result *res)
{
	const struct plan_case *pc = res->pc;
	json_t *c = json_object(), *a, *o, *p;
	size_t i, j;

	json_object_set_new(c, "id", json_str(pc->id));
	json_object_set_new(c, "title", json_str(pc->title));
	a = json_array();
	for (i = 0; i < pc->nrfc; i++)
		json_array_append_new(a, json_str(pc->rfc[i]));
	json_object_set_new(c, "rfc", a);
	json_object_set_new(c, "verdict",
	    json_string(json_verdicts[res->verdict]));
	json_object_set_new(c, "start_s", json_secs(res->start_ns));
	json_object_set_new(c, "duration_s", json_secs(res->dur_ns));
	rep_emit(r, c, PART_MSG, res->msg);
	a = json_array();
	for (i = 0; i < res->nmeas; i++) {
		const struct rep_meas *m = &res->meas[i];

		o = json_object();
		json_object_set_new(o, "name", json_str(m->name));
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
	json_object_set_new(c, "pcap", json_str(res->pcap));
	a = json_array();
	for (i = 0; i < res->nsteps; i++) {
		const struct rep_step *s = &res->steps[i];

		o = json_object();
		json_object_set_new(o, "file", json_str(s->pos->file));
		json_object_set_new(o, "line", json_integer(s->pos->line));
		json_object_set_new(o, "col", json_integer(s->pos->col));
		json_object_set_new(o, "kind", json_str(s->kind));
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
rep_case(struct rep *r, const struct rep_result *res)
{
	const char *notes;
	struct buf nb;

	r->count[res->verdict]++;
	r->reported++;
	r->sum_ns += res->dur_ns;
	switch (r->cfg.format) {
	case REP_TEXT:
	case REP_TAP:
		if (r->cfg.format == REP_TEXT)
			text_head(r, res);
		else
			tap_head(r, res);
		/* TAP: a SKIP's reason is on its line already. */
		if (res->msg != NULL && !(r->cfg.format == REP_TAP &&
		    res->verdict == REP_SKIP && strchr(res->msg, '\n') == NULL))
			rep_emit(r, NULL, PART_MSG, res->msg);
		if ((notes = notes_text(res, &nb)) != NULL)
			rep_emit(r, NULL, PART_NOTES, notes);
		buf_free(&nb);
		if (show_trace(r, res))
			rep_emit(r, NULL, PART_TRACE, res->trace);
		fflush(r->out);
		break;
	case REP_JUNIT:
		junit_case(r, res);
		break;
	case REP_JSON:
		json_case(r, res);
		break;
	case REP_FORMAT_MAX:
		break;
	}
}

unsigned
rep_summary(struct rep *r, uint64_t wall_ns)
{
	char dur[32];
	unsigned n = r->count[REP_PASS] + r->count[REP_FAIL] +
	    r->count[REP_SKIP];
	size_t total = r->cfg.plan != NULL ? r->cfg.plan->ncases : n;
	json_t *s;

	switch (r->cfg.format) {
	case REP_TEXT:
	case REP_TAP:
		if (r->cfg.format == REP_TAP) {
			/* Cases an interrupted run never reported. */
			while (r->reported < total) {
				r->reported++;
				fprintf(r->out, "not ok %zu - ", r->reported);
				tap_put(r->out,
				    r->cfg.plan->cases[r->reported - 1].id);
				fputs(" # not run: the run ended early\n",
				    r->out);
			}
			fputs("# ", r->out);
		}
		fprintf(r->out, "%u case%s: %u passed, %u failed, %u skipped "
		    "in %s\n", n, n == 1 ? "" : "s", r->count[REP_PASS],
		    r->count[REP_FAIL], r->count[REP_SKIP],
		    tc_fmt_duration(wall_ns, dur, sizeof(dur)));
		break;
	case REP_JUNIT:
		fflush(r->xmlf);
		fprintf(r->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<testsuites tests=\"%u\" failures=\"%u\" errors=\"0\" "
		    "skipped=\"%u\" time=\"%.6f\">\n"
		    "  <testsuite name=\"tcpconform\" tests=\"%u\" "
		    "failures=\"%u\" errors=\"0\" skipped=\"%u\" "
		    "time=\"%.6f\">\n", n, r->count[REP_FAIL],
		    r->count[REP_SKIP], (double)wall_ns / 1e9, n,
		    r->count[REP_FAIL], r->count[REP_SKIP],
		    (double)wall_ns / 1e9);
		fwrite(r->xml, 1, r->xmllen, r->out);
		fputs("  </testsuite>\n</testsuites>\n", r->out);
		break;
	case REP_JSON:
		json_object_set(r->root, "cases", r->cases);
		s = json_object();
		json_object_set_new(s, "passed",
		    json_integer(r->count[REP_PASS]));
		json_object_set_new(s, "failed",
		    json_integer(r->count[REP_FAIL]));
		json_object_set_new(s, "skipped",
		    json_integer(r->count[REP_SKIP]));
		json_object_set_new(s, "wall_s", json_secs(wall_ns));
		json_object_set_new(r->root, "summary", s);
		json_dumpf(r->root, r->out, JSON_INDENT(2) |
		    JSON_REAL_PRECISION(9));
		fputc('\n', r->out);
		break;
	case REP_FORMAT_MAX:
		break;
	}
	fflush(r->out);
	return r->count[REP_FAIL];
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
