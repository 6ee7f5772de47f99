/*
 * main.c - the tcpconform command line: the table of subcommands, and the
 * short ones (check, list, guard, send).  run: cmd-run.c; replay:
 * cmd-replay.c; what they share (usage, errors, loading cases): cmd.c.
 *
 * Order (STYLE 9): parse options, check conflicts, load and validate
 * every case (nothing is opened before the scripts are known good), open
 * the privileged handles, run, report.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "defaults.h"
#include "guard.h"
#include "interp.h"
#include "lab.h"
#include "oneshot.h"
#include "plan.h"
#include "profile.h"
#include "util.h"

static int
cmd_check(int argc, char **argv)
{
	struct plan plan = { 0 };
	int rc;

	if (argc < 2)
		return cmd_usage_error("check: no test case PATH given");
	rc = cmd_load_plan(argv + 1, argc - 1, &plan);
	if (rc == 0) {
		size_t i, nexec = 0;

		/* exec is the one step that runs a command on the target
		 * (through -x, as root there in a lab): name every case
		 * that has one, so a reviewer reads those commands. */
		for (i = 0; i < plan.ncases; i++) {
			const struct plan_case *c = &plan.cases[i];
			const struct plan_step *e = plan_find_exec(c->steps,
			    c->nsteps);
			char *file, *id, *cmd;

			if (e == NULL)
				continue;
			file = tc_strsafe(e->pos.file, strlen(e->pos.file), 0);
			id = tc_strsafe(c->id, strlen(c->id), 0);
			cmd = tc_strsafe(e->u.exec.cmd, strlen(e->u.exec.cmd),
			    0);
			printf("%s:%d:%d: %s runs a command on the target "
			    "(exec: %s)\n", file, e->pos.line, e->pos.col, id,
			    cmd);
			free(file);
			free(id);
			free(cmd);
			nexec++;
		}
		printf("%zu case%s OK", plan.ncases,
		    plan.ncases == 1 ? "" : "s");
		if (nexec > 0)
			printf(", %zu with exec steps (commands run on the "
			    "target with -x)", nexec);
		printf("\n");
	}
	plan_free(&plan);
	return rc == 0 ? TC_EXIT_PASS : TC_EXIT_USAGE;
}

/* Does the case carry tag? */
static int
has_tag(const struct plan_case *c, const char *tag)
{
	size_t i;

	for (i = 0; i < c->ntags; i++)
		if (strcmp(c->tags[i], tag) == 0)
			return 1;
	return 0;
}

/*
 * list PATH... [--tag TAG]: one block per case with its id, title, RFC
 * references, tags, service and how long it should take.
 */
static int
cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tag", required_argument, NULL, 'T' },
		{ "profile", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan plan = { 0 };
	struct prof prof = { 0 };
	const char *tag = NULL, *profile = "rfc";
	char d1[32], d2[32];
	uint64_t typ, max, sum_typ = 0;
	size_t i, j, shown = 0;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "P:T:", longopts, NULL)) != -1) {
		if (ch == 'T')
			tag = optarg;
		else if (ch == 'P' && cmd_check_profile(optarg) != 0)
			return TC_EXIT_USAGE;
		else if (ch == 'P')
			profile = optarg;
		else {
			cmd_usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	if (optind == argc)
		return cmd_usage_error("list: no test case PATH given");
	if (cmd_load_plan(argv + optind, argc - optind, &plan) != 0 ||
	    (profile = cmd_load_profile(profile, &plan, &prof)) == NULL) {
		prof_free(&prof);
		plan_free(&plan);
		return TC_EXIT_USAGE;
	}
	for (i = 0; i < plan.ncases; i++) {
		const struct plan_case *c = &plan.cases[i];

		if (tag != NULL && !has_tag(c, tag))
			continue;
		interp_duration(c, profile, TC_DEFAULT_WITHIN_NS, &typ, &max);
		sum_typ += typ;
		shown++;
		/* A title is free text from the case: escape what a
		 * terminal would act on (tc_strsafe). */
		tc_fputs_safe(c->id, stdout);
		fputs("\n  ", stdout);
		tc_fputs_safe(c->title, stdout);
		fputs("\n  service ", stdout);
		tc_fputs_safe(c->service, stdout);
		printf(", about %s (at most %s)%s\n",
		    tc_fmt_duration(typ, d1, sizeof(d1)),
		    tc_fmt_duration(max, d2, sizeof(d2)),
		    c->exclusive ? ", runs alone" : "");
		if (c->na_reason != NULL) {
			fputs("  n/a: ", stdout);
			tc_fputs_safe(c->na_reason, stdout);
			putchar('\n');
		}
		if (c->nrfc > 0) {
			printf("  rfc:");
			for (j = 0; j < c->nrfc; j++) {
				fputs(j ? ", " : " ", stdout);
				tc_fputs_safe(c->rfc[j], stdout);
			}
			putchar('\n');
		}
		if (c->ntags > 0) {
			printf("  tags:");
			for (j = 0; j < c->ntags; j++) {
				putchar(' ');
				tc_fputs_safe(c->tags[j], stdout);
			}
			putchar('\n');
		}
	}
	printf("%zu case%s, about %s one after another\n", shown,
	    shown == 1 ? "" : "s", tc_fmt_duration(sum_typ, d1, sizeof(d1)));
	prof_free(&prof);
	plan_free(&plan);
	return TC_EXIT_PASS;
}

static int
cmd_guard(int argc, char **argv)
{
	char err[512];
	int n;

	if (argc != 2 || strcmp(argv[1], "--clear") != 0)
		return cmd_usage_error("guard: expected --clear");
	n = guard_clear(err, sizeof(err));
	if (n < 0)
		return cmd_env_error("guard --clear", err, strstr(err,
		    "not permitted") != NULL);
	printf("removed %d stale table%s\n", n, n == 1 ? "" : "s");
	return TC_EXIT_PASS;
}

/* send: oneshot-cli.c, which reports through cmd.c's environment error. */
static int
cmd_send(int argc, char **argv)
{
	return oneshot_main(argc, argv, cmd_env_error);
}

/* Subcommands (as ip(8)'s cmds[]). */
static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
	{ "run", cmd_run },
	{ "check", cmd_check },
	{ "list", cmd_list },
	{ "guard", cmd_guard },
	{ "send", cmd_send },
	{ "replay", cmd_replay },
	{ "lab", lab_main },
};

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cmd_usage(stderr);
		return TC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_usage(stdout);
		return TC_EXIT_PASS;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s\n", PACKAGE_STRING);
		return TC_EXIT_PASS;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	return cmd_usage_error("unknown command '%s'", argv[1]);
}
