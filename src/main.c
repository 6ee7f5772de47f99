/*
 * main.c - the tcpconform command line: subcommands, options, exit codes.
 *
 * Order (STYLE 9): parse options, check conflicts, load and validate
 * every case (nothing is opened before the scripts are known good), open
 * the privileged handles, run, report.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "defaults.h"
#include "guard.h"
#include "net.h"
#include "lab.h"
#include "oneshot.h"
#include "outfile.h"
#include "interp.h"
#include "plan.h"
#include "priv.h"
#include "progress.h"
#include "report.h"
#include "runid.h"
#include "evloop.h"
#include "script.h"
#include "sniff.h"
#include "target.h"
#include "util.h"
#include "wire.h"
#include "replay.h"

/*
 * Cases at once.  A case spends nearly all its time waiting on the
 * target's timers (retransmissions, TIME-WAIT, FIN-WAIT-2), not on CPU:
 * one capture handle and one event loop serve them all, each on its own
 * source port.  32 keeps a suite of ~100 cases near its longest case and
 * stays far below what the target's listen backlogs (tcpconform-peer:
 * 128) and the capture buffer take in a burst of handshakes.
 */
#define DEFAULT_JOBS 32
#define PORT_SPAN_MIN 64

struct run_opts {
	const char *target;
	const char *iface;
	const char *spoof;	/* -s ADDR: a source no interface owns */
	int family;		/* -4/-6: AF_INET/AF_INET6, 0: from -t */
	struct interp_service *svc;
	size_t nsvc;
	unsigned jobs;
	int verbose;
	const char *profile;
	const char *target_exec;
	enum rep_format format;
	const char *output;	/* -o FILE, NULL: stdout */
	const char *pcap_dir;
	int no_progress;	/* --no-progress */
};

static const char *progname = "tcpconform";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tcpconform run [-4|-6] -t TARGET -p SERVICE=PORT[,...] [-v]\n"
	    "                      [-i IFACE] [-s SPOOFED-SOURCE]\n"
	    "                      [-j JOBS] [-P PROFILE] [-x HOOK]\n"
	    "                      [--format text|tap|junit|json] [-o FILE]\n"
	    "                      [--pcap DIR] [--no-progress] PATH ...\n"
	    "       tcpconform check PATH ...\n"
	    "       tcpconform list [--tag TAG] [-P PROFILE] PATH ...\n"
	    "       tcpconform replay [-v] [-c ID] [-P PROFILE] [-f FORMAT] [-o FILE]\n"
	    "                         CASE.yaml CAPTURE.pcap\n"
	    "       tcpconform guard --clear\n"
	    "       tcpconform send -t TARGET -p PORT [--flags FLAGS] [-c COUNT] ...\n"
	    "       tcpconform send --flood -c COUNT --max-time DUR -t TARGET -p PORT\n"
	    "       tcpconform lab run|shell|down [--sysctl K=V] ...\n"
	    "       tcpconform --help | --version\n");
}

static int
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int env_error(const char *what, const char *err, int eperm);

static int
usage_error(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tc_usage_errv(usage, TC_EXIT_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

/* -P NAME: 0, or the usage error naming the known profiles. */
static int
check_profile(const char *name)
{
	char names[128];

	if (plan_profile_known(name))
		return 0;
	return usage_error("-P %s: unknown profile (%s)", name,
	    plan_profile_list(names, sizeof(names)));
}

/* Load every path; print all errors.  Returns 0 when everything is valid. */
static int
load_plan(char **paths, int n, struct plan *p)
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
		    progname, errs.n, errs.n == 1 ? "" : "s");
	scr_errs_free(&errs);
	return k;
}

/* -p echo=7,daytime=13 (repeatable) */
static int
parse_services(const char *arg, struct run_opts *o)
{
	char *copy = xstrdup(arg), *tok, *save = NULL, *eq, *end;
	long port;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL || eq == tok) {
			usage_error("-p %s: expected SERVICE=PORT", tok);
			free(copy);
			return -1;
		}
		*eq = '\0';
		errno = 0;
		port = strtol(eq + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == eq + 1 || port < 1 ||
		    port > 65535) {
			usage_error("-p %s=%s: bad port", tok, eq + 1);
			free(copy);
			return -1;
		}
		o->svc = xreallocarray(o->svc, o->nsvc + 1, sizeof(*o->svc));
		o->svc[o->nsvc].name = xstrdup(tok);
		o->svc[o->nsvc].port = (uint16_t)port;
		o->nsvc++;
	}
	free(copy);
	return 0;
}


static void
signal_cb(int fd, short what, void *arg)
{
	struct signalfd_siginfo si;

	(void)what;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			interp_reap(arg);
		else
			interp_abort(arg, si.ssi_signo == SIGINT ? "SIGINT" :
			    "SIGTERM");
	}
}

static void
free_opts(struct run_opts *o)
{
	size_t i;

	for (i = 0; i < o->nsvc; i++)
		free(o->svc[i].name);
	free(o->svc);
}

static int
env_error(const char *what, const char *err, int eperm)
{
	fprintf(stderr, "%s: %s: %s\n", progname, what, err);
	if (eperm)
		fprintf(stderr, "%s: sending crafted segments needs root, or "
		    "the capabilities cap_net_raw and cap_net_admin\n",
		    progname);
	return TC_EXIT_ENV;
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "interface", required_argument, NULL, 'i' },
		{ "source", required_argument, NULL, 's' },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "profile", required_argument, NULL, 'P' },
		{ "target-exec", required_argument, NULL, 'x' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "pcap", required_argument, NULL, 'C' },
		{ "no-progress", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .jobs = DEFAULT_JOBS, .profile = "rfc" };
	struct target *target = NULL;
	struct wire *wire = NULL;
	struct plan plan = { 0 };
	struct interp_cfg cfg = { 0 };
	struct net net = { 0 };
	struct net_cfg ncfg = { 0 };
	const char *what;
	struct ev_loop *loop = NULL;
	struct interp *in = NULL;
	struct rep *rep = NULL;
	struct rep_cfg rcfg = { 0 };
	struct prog *prog = NULL;
	struct run_ports *ports = NULL;
	struct stat sb;
	struct outfile *of = NULL;
	char err[512];
	sigset_t mask, omask;
	int ch, rc = TC_EXIT_ENV, sfd = -1, eperm = 0;
	unsigned span, failed;
	uint64_t t0, drops;
	long n;
	char *end;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+46hi:j:o:p:P:s:t:vx:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
			o.family = AF_INET;
			break;
		case '6':
			o.family = AF_INET6;
			break;
		case 'h':
			usage(stdout);
			free_opts(&o);
			return TC_EXIT_PASS;
		case 'i':
			o.iface = optarg;
			break;
		case 's':
			o.spoof = optarg;
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 1024) {
				free_opts(&o);
				return usage_error("-j %s: expected 1..1024",
				    optarg);
			}
			o.jobs = (unsigned)n;
			break;
		case 'p':
			if (parse_services(optarg, &o) != 0) {
				free_opts(&o);
				return TC_EXIT_USAGE;
			}
			break;
		case 't':
			o.target = optarg;
			break;
		case 'P':
			o.profile = optarg;
			break;
		case 'x':
			o.target_exec = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'F':
			if (rep_format_parse(optarg, &o.format) != 0) {
				free_opts(&o);
				return usage_error("--format %s: expected "
				    "text, tap, junit or json", optarg);
			}
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'C':
			o.pcap_dir = optarg;
			break;
		case 'N':
			o.no_progress = 1;
			break;
		default:
			free_opts(&o);
			usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (o.target == NULL) {
		free_opts(&o);
		return usage_error("run: -t TARGET is required");
	}
	if (argc == 0) {
		free_opts(&o);
		return usage_error("run: no test case PATH given");
	}
	if (net_resolve(o.target, o.family, &cfg.af, &cfg.dst, err,
	    sizeof(err)) != 0) {
		free_opts(&o);
		return usage_error("-t %s", err);
	}
	if (!plan_profile_known(o.profile)) {
		free_opts(&o);
		return check_profile(o.profile);
	}

	/* Every case is checked before anything is opened or sent. */
	if (load_plan(argv, argc, &plan) != 0) {
		free_opts(&o);
		plan_free(&plan);
		return TC_EXIT_USAGE;
	}
	if (plan.ncases == 0) {
		free_opts(&o);
		plan_free(&plan);
		fprintf(stderr, "%s: no test cases found\n", progname);
		return TC_EXIT_USAGE;
	}
	if (o.pcap_dir != NULL && stat(o.pcap_dir, &sb) != 0 &&
	    mkdir(o.pcap_dir, 0777) != 0 && errno != EEXIST) {
		rc = env_error(o.pcap_dir, strerror(errno), 0);
		goto out;
	}
	if (o.pcap_dir != NULL && (stat(o.pcap_dir, &sb) != 0 ||
	    !S_ISDIR(sb.st_mode))) {
		rc = env_error(o.pcap_dir, "not a directory", 0);
		goto out;
	}
	/* Only checked here: an existing report stays as it is until the
	 * run can start (outfile.c). */
	if (o.output != NULL && outfile_check(o.output, err,
	    sizeof(err)) != 0) {
		rc = env_error(o.output, err, 0);
		goto out;
	}

	/*
	 * Our source ports: one per case and one for the health probe, a
	 * random free range below the usual ephemeral range (32768-60999)
	 * so the tester's own connections do not collide with ours, held
	 * for the run so that another run on this host (another container
	 * sharing its network, both PID 1) picks another.
	 */
	span = plan.ncases + 1 > PORT_SPAN_MIN ? (unsigned)plan.ncases + 1 :
	    PORT_SPAN_MIN;
	if ((ports = runid_ports(span, TC_PORT_MIN, TC_PORT_MAX, &cfg.port_lo,
	    &cfg.port_hi, err, sizeof(err))) == NULL) {
		rc = env_error("source ports", err, 0);
		goto out;
	}
	cfg.run_id = runid_new();
	cfg.svc = o.svc;
	cfg.nsvc = o.nsvc;
	cfg.jobs = o.jobs;
	cfg.default_within_ns = TC_DEFAULT_WITHIN_NS;
	cfg.default_timeout_ns = TC_CASE_TIMEOUT_NS;
	cfg.profile = o.profile;
	cfg.target = target = target_hook_new(o.target_exec, cfg.run_id);
	cfg.pcap_dir = o.pcap_dir;

	ncfg.af = cfg.af;
	ncfg.dst = cfg.dst;
	ncfg.iface = o.iface;
	ncfg.spoof = o.spoof;
	ncfg.spoof_opt = "-s";
	ncfg.port_lo = cfg.port_lo;
	ncfg.port_hi = cfg.port_hi;
	switch (net_open(&ncfg, &net, &what, err, sizeof(err), &eperm)) {
	case NET_OK:
		break;
	case NET_USAGE:
		rc = usage_error("%s", err);
		goto out;
	default:
		rc = env_error(what, err, eperm);
		goto out;
	}
	cfg.src = net.src;
	/* The run can start: now the report may replace the old one.  Before
	 * the capabilities go, as the file was opened before them. */
	if ((of = outfile_open(o.output, err, sizeof(err))) == NULL) {
		rc = env_error(o.output != NULL ? o.output : "standard output",
		    err, 0);
		goto out;
	}
	/* Set-up done: give up the capabilities the run no longer needs.
	 * A --target-exec hook (ip netns exec, sudo) still needs them. */
	if (target == NULL && priv_drop(err, sizeof(err)) != 0) {
		rc = env_error("privileges", err, 0);
		goto out;
	}

	/* SIGINT/SIGTERM end the run through the loop: cases still running
	 * fail, the report and the guard are closed properly.  SIGCHLD
	 * reaps the commands of exec steps. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &omask);
	if ((sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    (loop = ev_new()) == NULL) {
		rc = env_error("setup", strerror(errno), 0);
		goto out;
	}
	rcfg.format = o.format;
	rcfg.verbose = o.verbose;
	rcfg.plan = &plan;
	rcfg.target = o.target;
	rcfg.profile = o.profile;
	rep = rep_open(outfile_fp(of), &rcfg);
	/* Only for a person watching: never into a pipe, file or CI log. */
	if (!o.no_progress && isatty(STDERR_FILENO))
		cfg.prog = prog = prog_new(loop, STDERR_FILENO,
		    (unsigned)plan.ncases);
	wire = wire_live_new(net.inj, net.snf, net.ifname);
	in = interp_new(&plan, &cfg, wire, loop, rep);
	ev_add_fd(loop, sfd, signal_cb, in);
	t0 = ev_now_ns();
	if (interp_run(in, err, sizeof(err)) != 0) {
		prog_free(prog);
		prog = NULL;
		rep_summary(rep, ev_now_ns() - t0);
		rc = env_error("run", err, 0);
		goto out;
	}
	prog_free(prog);
	prog = NULL;
	failed = rep_summary(rep, ev_now_ns() - t0);
	if ((drops = snf_drops(net.snf)) > 0)
		fprintf(stderr, "tcpconform: warning: the capture dropped %ju "
		    "packets (see -j in tcpconform(1))\n", (uintmax_t)drops);
	if (interp_aborted(in))
		rc = TC_EXIT_INTR;
	else
		rc = failed > 0 ? TC_EXIT_FAILED : TC_EXIT_PASS;
out:
	prog_free(prog);
	interp_free(in);
	rep_free(rep);
	ev_free(loop);
	if (sfd >= 0)
		close(sfd);
	target_free(target);
	wire_free(wire);
	net_close(&net);
	runid_ports_free(ports);
	plan_free(&plan);
	/* A report that could not be written is no report: exit 3. */
	if (outfile_close(of, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", progname, err);
		rc = TC_EXIT_ENV;
	}
	free_opts(&o);
	return rc;
}

static int
cmd_check(int argc, char **argv)
{
	struct plan plan = { 0 };
	int rc;

	if (argc < 2)
		return usage_error("check: no test case PATH given");
	rc = load_plan(argv + 1, argc - 1, &plan);
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
	const char *tag = NULL, *profile = "rfc";
	char d1[32], d2[32];
	uint64_t typ, max, sum_typ = 0;
	size_t i, j, shown = 0;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "P:T:", longopts, NULL)) != -1) {
		if (ch == 'T')
			tag = optarg;
		else if (ch == 'P' && !plan_profile_known(optarg))
			return check_profile(optarg);
		else if (ch == 'P')
			profile = optarg;
		else {
			usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	if (optind == argc)
		return usage_error("list: no test case PATH given");
	if (load_plan(argv + optind, argc - optind, &plan) != 0) {
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
	plan_free(&plan);
	return TC_EXIT_PASS;
}

static int
cmd_guard(int argc, char **argv)
{
	char err[512];
	int n;

	if (argc != 2 || strcmp(argv[1], "--clear") != 0)
		return usage_error("guard: expected --clear");
	n = guard_clear(err, sizeof(err));
	if (n < 0)
		return env_error("guard --clear", err, strstr(err,
		    "not permitted") != NULL);
	printf("removed %d stale table%s\n", n, n == 1 ? "" : "s");
	return TC_EXIT_PASS;
}

/* send: oneshot.c, with this file's route lookup and error messages. */
/*
 * replay: judge a recorded run of one case offline (replay.c), as run
 * would have, from its capture.  Nothing is sent and nothing on the
 * target is asked: no root, no network.  Exit codes as run's; a capture
 * that cannot be read or that the case does not follow is an environment
 * error (3).
 */
static int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "profile", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan plan = { 0 }, one;
	struct rep_cfg rcfg = { .profile = "rfc" };
	struct replay *r = NULL;
	struct outfile *of = NULL;
	const char *id = NULL, *output = NULL;
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
				return usage_error("--format %s: expected "
				    "text, tap, junit or json", optarg);
			break;
		case 'h':
			usage(stdout);
			return TC_EXIT_PASS;
		case 'o':
			output = optarg;
			break;
		case 'P':
			if (check_profile(optarg) != 0)
				return TC_EXIT_USAGE;
			rcfg.profile = optarg;
			break;
		case 'v':
			rcfg.verbose++;
			break;
		default:
			usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return usage_error("replay: expected CASE.yaml CAPTURE.pcap");
	if (load_plan(argv + optind, 1, &plan) != 0) {
		plan_free(&plan);
		return TC_EXIT_USAGE;
	}
	while (id != NULL && k < plan.ncases && strcmp(plan.cases[k].id, id))
		k++;
	if (id == NULL && plan.ncases != 1)
		rc = usage_error("replay: %s holds %zu cases: pick one with "
		    "-c ID", argv[optind], plan.ncases);
	else if (id != NULL && k == plan.ncases)
		rc = usage_error("replay: -c %s: no such case in %s", id,
		    argv[optind]);
	if (rc == TC_EXIT_USAGE)
		goto out;
	one = plan;
	one.cases = &plan.cases[k];
	one.ncases = 1;
	/* The capture first: a report is replaced only by another. */
	if ((r = replay_open(&one, argv[optind + 1], err,
	    sizeof(err))) == NULL) {
		rc = env_error("replay", err, 0);
		goto out;
	}
	if ((of = outfile_open(output, err, sizeof(err))) == NULL) {
		rc = env_error(output != NULL ? output : "standard output",
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
		rc = env_error("replay", err, 0);
		break;
	}
	replay_notes(r, stderr, progname);
out:
	replay_free(r);
	plan_free(&plan);
	if (outfile_close(of, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", progname, err);
		rc = TC_EXIT_ENV;
	}
	return rc;
}

static int
cmd_send(int argc, char **argv)
{
	return oneshot_main(argc, argv, env_error);
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
		usage(stderr);
		return TC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return TC_EXIT_PASS;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s\n", PACKAGE_STRING);
		return TC_EXIT_PASS;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
