/*
 * cmd-replay.c - "tcpconform replay": judge a recorded run of one case
 * offline (replay.c), from its capture, with run's verdicts, messages and
 * report formats.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "defaults.h"
#include "known.h"
#include "outfile.h"
#include "plan.h"
#include "profile.h"
#include "replay.h"
#include "report.h"

/*
 * replay: judge a recorded run of one case offline (replay.c), as run
 * would have, from its capture.  Nothing is sent and nothing on the
 * target is asked: no root, no network.  Exit codes as run's (--expect
 * and --strict as well; the expectation file's ids must name cases of
 * CASE.yaml); a capture that cannot be read or that the case does not
 * follow is an environment error (3).
 */
int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "profile", required_argument, NULL, 'P' },
		{ "expect", required_argument, NULL, 'E' },
		{ "strict", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan plan = { 0 }, one;
	struct rep_cfg rcfg = { .profile = "rfc" };
	struct replay *r = NULL;
	struct outfile *of = NULL;
	struct known known = { 0 };
	struct prof prof = { 0 };
	const char *id = NULL, *output = NULL, *expect = NULL;
	char err[1400];
	size_t k = 0;
	int ch, rc = TC_EXIT_ENV;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+c:f:ho:P:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			id = optarg;
			break;
		case 'f':
			if (rep_format_parse(optarg, &rcfg.format) != 0)
				return cmd_usage_error("--format %s: expected "
				    "text, tap, junit or json", optarg);
			break;
		case 'h':
			cmd_usage(stdout);
			return TC_EXIT_PASS;
		case 'o':
			output = optarg;
			break;
		case 'P':
			if (cmd_check_profile(optarg) != 0)
				return TC_EXIT_USAGE;
			rcfg.profile = optarg;
			break;
		case 'v':
			rcfg.verbose++;
			break;
		case 'E':
			expect = optarg;
			break;
		case 'S':
			rcfg.strict = true;
			break;
		default:
			cmd_usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error("replay: expected CASE.yaml "
		    "CAPTURE.pcap");
	if (cmd_load_plan(argv + optind, 1, &plan) != 0) {
		plan_free(&plan);
		return TC_EXIT_USAGE;
	}
	while (id != NULL && k < plan.ncases && strcmp(plan.cases[k].id, id))
		k++;
	if (id == NULL && plan.ncases != 1)
		rc = cmd_usage_error("replay: %s holds %zu cases: pick one "
		    "with -c ID", argv[optind], plan.ncases);
	else if (id != NULL && k == plan.ncases)
		rc = cmd_usage_error("replay: -c %s: no such case in %s", id,
		    argv[optind]);
	else if ((rcfg.profile = cmd_load_profile(rcfg.profile, &plan,
	    &prof)) == NULL)
		rc = TC_EXIT_USAGE;
	else if (expect != NULL && cmd_load_expect(expect, &plan,
	    &known) != 0)
		rc = TC_EXIT_USAGE;
	if (rc == TC_EXIT_USAGE)
		goto out;
	rcfg.known = expect != NULL ? &known : NULL;
	one = plan;
	one.cases = &plan.cases[k];
	one.ncases = 1;
	/* The capture first: a report is replaced only by another. */
	if ((r = replay_open(&one, argv[optind + 1], err,
	    sizeof(err))) == NULL) {
		rc = cmd_env_error("replay", err, 0);
		goto out;
	}
	if ((of = outfile_open(output, err, sizeof(err))) == NULL) {
		rc = cmd_env_error(output != NULL ? output : "standard output",
		    err, 0);
		goto out;
	}
	switch (replay_run(r, outfile_fp(of), &rcfg, err, sizeof(err))) {
	case 0:
		rc = TC_EXIT_PASS;
		break;
	case 1:
		rc = TC_EXIT_FAILED;
		break;
	default:
		rc = cmd_env_error("replay", err, 0);
		break;
	}
	replay_notes(r, stderr, CMD_PROGNAME);
out:
	replay_free(r);
	known_free(&known);
	prof_free(&prof);
	plan_free(&plan);
	return cmd_close_report(of, rc);
}
