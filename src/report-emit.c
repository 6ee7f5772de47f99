/*
 * report-emit.c - what every report format shows alike (report-int.h):
 * the message, notes and trace of a case through one emitter, rep_emit(),
 * so the formats cannot drift; the events as lines of notes; the words
 * for levels and expectations; and text made safe for XML and JSON.
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

const char *const rep_json_verdicts[REP_VERDICT_MAX] = {
	[REP_PASS] = "pass",
	[REP_FAIL] = "fail",
	[REP_SKIP] = "skip",
	[REP_NA] = "n/a",
	[REP_XFAIL] = "xfail",
	[REP_XPASS] = "xpass",
};

/* ---- text cleaning ------------------------------------------------------ */

char *
rep_strndup(const char *s, size_t n)
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

void
rep_xml_put(FILE *f, const char *s)
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

/* Like rep_xml_put but keeps newlines literal (element content). */
static void
xml_put_text(FILE *f, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		char *line = rep_strndup(s, (size_t)(nl - s));

		rep_xml_put(f, line);
		fputc('\n', f);
		free(line);
		s = nl + 1;
	}
	rep_xml_put(f, s);
}

json_t *
rep_json_str(const char *s)
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

const char *const rep_event_names[REP_EV_MAX] = {
	[REP_EV_RTX] = "retransmission",
	[REP_EV_MEAS] = "measurement",
	[REP_EV_PIN_SET] = "pinned",
	[REP_EV_PIN_WAIT] = "pin-wait",
	[REP_EV_PIN_NOLOCK] = "pin-unlocked",
	[REP_EV_PIN_NOUNLOCK] = "pin-lock-kept",
	[REP_EV_PIN_NORESTORE] = "pin-not-restored",
	[REP_EV_EXEC_SIGNAL] = "background-exec-killed",
	[REP_EV_EXEC_STATUS] = "background-exec-status",
	[REP_EV_ASSUMED] = "assumed-sysctl",
	[REP_EV_EXEC_SKIPPED] = "exec-not-run",
};

void
rep_event_line(struct buf *b, const struct rep_result *res,
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
	case REP_EV_ASSUMED:
		buf_printf(b, "assumes %s=%s (not checked: no target hook)\n",
		    e->key, e->value);
		return;
	case REP_EV_EXEC_SKIPPED:
		buf_printf(b, "step %ld not run: no target hook (optional exec "
		    "at line %ld)\n", e->n, e->expected);
		return;
	case REP_EV_MAX:
		return;
	}
}

const char *
rep_notes_text(const struct rep_result *res, struct buf *keep)
{
	size_t i;

	memset(keep, 0, sizeof(*keep));
	for (i = 0; i < res->nevents; i++)
		rep_event_line(keep, res, &res->events[i]);
	return buf_text(keep);
}

/* ---- the shared emitter -------------------------------------------------- */

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
 * JUnit: the message goes into <failure>/<skipped>, notes and trace into
 * <system-out>; JSON: notes are structured in "events" (report-doc.c).
 */
void
rep_emit(struct rep *r, json_t *jcase, enum rep_part part, const char *text)
{
	const char *p = text, *nl;
	json_t *a;

	if (r->cfg.format == REP_JSON) {
		if (part == PART_MSG)
			json_object_set_new(jcase, "message",
			    rep_json_str(text));
		if (part != PART_TRACE)
			return;
		a = json_array();
		while (text != NULL && *p != '\0') {
			char *line;

			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			line = rep_strndup(p, (size_t)(nl - p));
			json_array_append_new(a, rep_json_str(line));
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

/* ---- levels and expectations ------------------------------------------- */

/* RFC 2119: a MUST is an absolute requirement; a SHOULD may be ignored
 * for a valid reason; a MAY is truly optional. */
static const char *const level_words[PLAN_LEVEL_MAX] = {
	[PLAN_LEVEL_MUST] = "violates a MUST",
	[PLAN_LEVEL_SHOULD] = "deviates from a SHOULD",
	[PLAN_LEVEL_MAY] = "deviates from a MAY",
};

const char *
rep_level_words(enum plan_level l)
{
	return l < PLAN_LEVEL_MAX ? level_words[l] : level_words[0];
}

char *
rep_expected_line(const struct known_entry *ke)
{
	return xasprintf("expected: %s (%s)", ke->reason, ke->rfc);
}
