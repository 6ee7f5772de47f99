/*
 * cmd.c - what the subcommands of tcpconform share: the usage, the
 * usage and environment errors with their exit codes, -P, and loading
 * the cases with every error printed.  Program-only, like main.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cmd.h"
#include "defaults.h"
#include "known.h"
#include "plan.h"
#include "script.h"
#include "util.h"

void
cmd_usage(FILE *f)
{
	fprintf(f,
	    "usage: tcpconform run [-4|-6] -t TARGET -p SERVICE=PORT[,...] [-v]\n"
	    "                      [-i IFACE] [-s SPOOFED-SOURCE]\n"
	    "                      [-j JOBS] [-P PROFILE] [-x HOOK]\n"
	    "                      [--format text|tap|junit|json] [-o FILE]\n"
	    "                      [--pcap DIR] [--no-progress]\n"
	    "                      [--expect FILE] [--strict] PATH ...\n"
	    "       tcpconform check PATH ...\n"
	    "       tcpconform list [--tag TAG] [-P PROFILE] PATH ...\n"
	    "       tcpconform replay [-v] [-c ID] [-P PROFILE] [-f FORMAT] [-o FILE]\n"
	    "                         [--expect FILE] [--strict] CASE.yaml CAPTURE.pcap\n"
	    "       tcpconform guard --clear\n"
	    "       tcpconform send -t TARGET -p PORT [--flags FLAGS] [-c COUNT] ...\n"
	    "       tcpconform send --flood -c COUNT --max-time DUR -t TARGET -p PORT\n"
	    "       tcpconform lab run|shell|down [--sysctl K=V] ...\n"
	    "       tcpconform --help | --version\n");
}

int
cmd_usage_error(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tc_usage_errv(cmd_usage, TC_EXIT_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

/* -P NAME: 0, or the usage error naming the known profiles. */
int
cmd_check_profile(const char *name)
{
	char names[128];

	if (plan_profile_known(name))
		return 0;
	return cmd_usage_error("-P %s: unknown profile (%s)", name,
	    plan_profile_list(names, sizeof(names)));
}

/* Load every path; print all errors.  Returns 0 when everything is valid. */
int
cmd_load_plan(char **paths, int n, struct plan *p)
{
	struct scr_errs errs = { 0 };
	size_t i;
	int k;

	for (k = 0; k < n; k++)
		scr_load(paths[k], p, &errs);
	/* File names come from directories: nothing raw to a terminal. */
	for (i = 0; i < errs.n; i++) {
		tc_fputs_safe(errs.msgs[i], stderr);
		fputc('\n', stderr);
	}
	k = errs.n > 0 ? -1 : 0;
	if (errs.n > 0)
		fprintf(stderr, "%s: %zu error%s; nothing was sent\n",
		    CMD_PROGNAME, errs.n, errs.n == 1 ? "" : "s");
	scr_errs_free(&errs);
	return k;
}

int
cmd_env_error(const char *what, const char *err, int eperm)
{
	fprintf(stderr, "%s: %s: %s\n", CMD_PROGNAME, what, err);
	if (eperm)
		fprintf(stderr, "%s: sending crafted segments needs root, or "
		    "the capabilities cap_net_raw and cap_net_admin\n",
		    CMD_PROGNAME);
	return TC_EXIT_ENV;
}

int
cmd_load_expect(const char *path, const struct plan *p, struct known *k)
{
	size_t i;

	if (known_load(path, k) == 0)
		known_check(k, p);
	/* Names come from the file and the command line: nothing raw to a
	 * terminal. */
	for (i = 0; i < k->nerrs; i++) {
		tc_fputs_safe(k->errs[i], stderr);
		fputc('\n', stderr);
	}
	if (k->nerrs == 0)
		return 0;
	fprintf(stderr, "%s: %zu error%s in --expect %s; nothing was sent\n",
	    CMD_PROGNAME, k->nerrs, k->nerrs == 1 ? "" : "s", path);
	return -1;
}
