/*
 * report.c - the text reporter.
 *
 *   PASS  cl/syn                        0.004s
 *   FAIL  neg/closed-expects-synack     0.003s
 *         negative.yaml:9:5: expected flags [S.], got [R.] ...
 *
 * Other formats (TAP, JUnit, JSON) will hang off the same rep_case() call.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

const char *const rep_verdict_names[REP_VERDICT_MAX] = {
	[REP_PASS] = "PASS",
	[REP_FAIL] = "FAIL",
	[REP_SKIP] = "SKIP",
};

struct rep {
	FILE *out;
	int verbose;
	unsigned count[REP_VERDICT_MAX];
};

struct rep *
rep_new(FILE *out, int verbose)
{
	struct rep *r = xcalloc(1, sizeof(*r));

	r->out = out;
	r->verbose = verbose;
	return r;
}

/* Print text with every line indented, so messages stay under their case. */
static void
print_indented(FILE *out, const char *text, const char *indent)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		fprintf(out, "%s%.*s\n", indent, (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

void
rep_case(struct rep *r, const struct rep_result *res)
{
	char dur[32];

	r->count[res->verdict]++;
	fprintf(r->out, "%s  %-40s %s\n", rep_verdict_names[res->verdict],
	    res->pc->id, tc_fmt_duration(res->dur_ns, dur, sizeof(dur)));
	if (res->msg != NULL)
		print_indented(r->out, res->msg, "      ");
	if (res->notes != NULL && *res->notes != '\0')
		print_indented(r->out, res->notes, "      ");
	if (res->trace != NULL && *res->trace != '\0' &&
	    (r->verbose || res->verdict == REP_FAIL))
		print_indented(r->out, res->trace, "      | ");
	fflush(r->out);
}

unsigned
rep_summary(struct rep *r, uint64_t wall_ns)
{
	char dur[32];
	unsigned n = r->count[REP_PASS] + r->count[REP_FAIL] +
	    r->count[REP_SKIP];

	fprintf(r->out, "%u case%s: %u passed, %u failed, %u skipped in %s\n",
	    n, n == 1 ? "" : "s", r->count[REP_PASS], r->count[REP_FAIL],
	    r->count[REP_SKIP], tc_fmt_duration(wall_ns, dur, sizeof(dur)));
	fflush(r->out);
	return r->count[REP_FAIL];
}

void
rep_free(struct rep *r)
{
	free(r);
}
