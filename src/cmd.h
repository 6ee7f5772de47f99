/*
 * cmd.h - the subcommands of the tcpconform program (main.c's table) and
 * what they share.  Program-only: none of it is in libtc.a.
 */
#ifndef TC_CMD_H
#define TC_CMD_H

#include <stdio.h>

struct known;
struct outfile;
struct plan;
struct prof;

/* The name in every message of the program: "tcpconform: ...". */
#define CMD_PROGNAME "tcpconform"

/* cmd.c */

/* Print the synopsis of every subcommand (the man page's SYNOPSIS) to f. */
void cmd_usage(FILE *f);

/*
 * A usage error: "tcpconform: MESSAGE" and the usage on stderr.  Returns
 * exit status 2, for "return cmd_usage_error(...)".
 */
int cmd_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * An environment error: "tcpconform: WHAT: ERR" on stderr, and with eperm
 * how to get the privileges that were missing.  Returns exit status 3.
 * Also "send"'s oneshot_env_fn.
 */
int cmd_env_error(const char *what, const char *err, int eperm);

/* -P NAME: 0 for a known profile or a profile file (prof_is_file: read
 * by cmd_load_profile), else the usage error naming the known ones (exit
 * status 2). */
int cmd_check_profile(const char *name);

/*
 * -P ARG once the cases of p are loaded.  A built-in profile's name is
 * returned as it is.  A profile file is loaded into pr (zeroed), checked
 * against p and applied to it, its warnings and errors printed; returns
 * its name (owned by pr), or NULL after errors (exit status 2: nothing
 * was sent).  The caller frees pr (prof_free) in every case.
 */
const char *cmd_load_profile(const char *arg, struct plan *p,
    struct prof *pr);

/*
 * Load the n cases or directories of cases in paths into p, printing
 * every error of every file and then their count.  Returns 0 when all are
 * valid, else -1.  The caller frees p (plan_free) in either case.
 */
int cmd_load_plan(char **paths, int n, struct plan *p);

/*
 * --expect FILE: load the expectation file at path into k (zeroed) and
 * check its ids against the cases of p, printing every error.  Returns
 * 0, or -1 (exit status 2: nothing was sent).  The caller frees k
 * (known_free) in either case.
 */
int cmd_load_expect(const char *path, const struct plan *p, struct known *k);

/* Close the report of run or replay (outfile_close; NULL is fine):
 * returns rc, or after a message exit status 3 when it could not be
 * written (a report that could not be written is no report). */
int cmd_close_report(struct outfile *of, int rc);

/* cmd-run.c */

/* "run" with argv[0] == "run".  Returns the exit status (defaults.h):
 * PASS, FAILED (a case fails the run: rep_totals), USAGE, ENV, or INTR
 * (SIGINT, SIGTERM). */
int cmd_run(int argc, char **argv);

/* cmd-replay.c */

/* "replay" with argv[0] == "replay".  Returns the exit status, as run's. */
int cmd_replay(int argc, char **argv);

#endif
