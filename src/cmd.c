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
#include "outfile.h"
#include "plan.h"
#include "profile.h"
#include "script.h"
#include "util.h"

void
cmd_usage(FILE *f)
{
	fprintf(f,
	    "usage: tcpconform run [-4|-6] -t TARGET [-p SERVICE=PORT[,...]]\n"
	    "                      [-A AGENT-ADDR:PORT | --agent-exec CMD] [-v]\n"
	    "                      [-i IFACE] [-s SPOOFED-SOURCE]\n"
	    "                      [-j JOBS] [-P PROFILE|FILE] [-x HOOK]\n"
	    "                      [--format text|tap|junit|json] [-o FILE]\n"
	    "                      [--pcap DIR] [--no-progress]\n"
	    "                      [--expect FILE] [--strict] PATH ...\n"
	    "       tcpconform check PATH ...\n"
	    "       tcpconform list [--tag TAG] [-P PROFILE|FILE] PATH ...\n"
	    "       tcpconform replay [-v] [-c ID] [-P PROFILE|FILE] [-f FORMAT]\n"
	    "                         [-o FILE] [--expect FILE] [--strict]\n"
	    "                         CASE.yaml CAPTURE.pcap\n"
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

/* -P NAME: 0, or the usage error naming the known profiles.  A file is
 * read once the cases are (cmd_load_profile). */
int
cmd_check_profile(const char *name)
{
	char names[128];

	if (plan_profile_known(name) || prof_is_file(name))
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

/* Print the messages of e; any: "N errors in OPT PATH; nothing was
 * sent" and -1. */
static int
errs_print(const struct yf_errs *e, const char *opt, const char *path)
{
	yf_print(e, stderr);
	if (e->n == 0)
		return 0;
	fprintf(stderr, "%s: %zu error%s in %s %s; nothing was sent\n",
	    CMD_PROGNAME, e->n, e->n == 1 ? "" : "s", opt, path);
	return -1;
}

int
cmd_load_expect(const char *path, const struct plan *p, struct known *k)
{
	if (known_load(path, k) == 0)
		known_check(k, p);
	return errs_print(&k->errs, "--expect", path);
}

const char *
cmd_load_profile(const char *arg, struct plan *p, struct prof *pr)
{
	if (!prof_is_file(arg))
		return arg;
	if (prof_load(arg, pr) == 0)
		prof_check(pr, p);
	yf_print(&pr->warns, stderr);
	if (errs_print(&pr->errs, "-P", arg) != 0)
		return NULL;
	prof_apply(pr, p);
	return pr->name;
}

int
cmd_close_report(struct outfile *of, int rc)
{
	char err[1400];		/* replay's, for a long path */

	/* A report that could not be written is no report: exit 3. */
	if (outfile_close(of, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", CMD_PROGNAME, err);
		return TC_EXIT_ENV;
	}
	return rc;
}
