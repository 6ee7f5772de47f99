/*
 * cmd-run.c - "tcpconform run": the options, the set-up in STYLE 9's
 * order (every case loaded and valid before anything is opened; the
 * capture, the injector, the guard and the report file; the capabilities
 * dropped), the run of the engine over the live wire, the summary and
 * the exit code.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent-proto.h"
#include "agentc.h"
#include "cmd.h"
#include "defaults.h"
#include "evloop.h"
#include "interp.h"
#include "known.h"
#include "net.h"
#include "outfile.h"
#include "plan.h"
#include "priv.h"
#include "profile.h"
#include "progress.h"
#include "report.h"
#include "runid.h"
#include "seg.h"
#include "sniff.h"
#include "target.h"
#include "util.h"
#include "wire.h"

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
	const char *agent;	/* --agent ADDR:PORT */
	const char *agent_exec;	/* --agent-exec CMD */
	enum rep_format format;
	const char *output;	/* -o FILE, NULL: stdout */
	const char *pcap_dir;
	int no_progress;	/* --no-progress */
	const char *expect;	/* --expect FILE */
	bool strict;		/* --strict */
};

/* A service of the plan that -p did not give: NULL when all are given. */
static const char *
svc_missing(const struct plan *p, const struct run_opts *o, size_t *from)
{
	size_t i, j;

	for (; *from < p->ncases; (*from)++) {
		const char *name = p->cases[*from].service;

		if (strcmp(name, "client") == 0 || strcmp(name, "listen") == 0)
			continue;
		for (j = 0; j < o->nsvc; j++)
			if (strcmp(o->svc[j].name, name) == 0)
				break;
		if (j == o->nsvc) {
			i = (*from)++;
			return p->cases[i].service;
		}
	}
	return NULL;
}

/* What listen or serve answered: the listener and its port. */
struct svc_ans {
	uint16_t port;
	char sock[16];
};

static void
port_cb(void *arg, uint64_t id, const struct agc_ans *a)
{
	struct svc_ans *s = arg;
	const char *v = agc_val(a, "local", NULL), *colon, *h;
	long port;

	(void)id;
	if (a->kind == AGC_OK && v != NULL &&
	    (colon = strrchr(v, ':')) != NULL &&
	    agent_proto_num(colon + 1, 1, 65535, &port) == 0)
		s->port = (uint16_t)port;
	if (a->kind == AGC_OK && (h = agc_val(a, "sock", NULL)) != NULL &&
	    strspn(h, "s0123456789") == strlen(h))
		snprintf(s->sock, sizeof(s->sock), "%s", h);
}

/*
 * --agent: the services the cases need and -p did not give run on the
 * agent, each on a port it picks (tcpconform-agent(1), serve); "closed"
 * is a port the agent listened on and closed.  A service the agent does
 * not offer stays missing: its cases are skipped, saying so.  Returns 0,
 * or -1 with err set when the agent failed.
 */
static int
agent_services(struct agc *c, const struct plan *p, struct run_opts *o,
    const char *addr, char *err, size_t errlen)
{
	const char *name;
	size_t from = 0;
	struct svc_ans s;
	int rc;

	while ((name = svc_missing(p, o, &from)) != NULL) {
		memset(&s, 0, sizeof(s));
		if (strcmp(name, "closed") == 0)
			rc = agc_call(c, TC_AGENT_OPEN_NS, port_cb, &s, err,
			    errlen, "listen %s 0", addr);
		else if (agc_offers(c, "services", name))
			rc = agc_call(c, TC_AGENT_OPEN_NS, port_cb, &s, err,
			    errlen, "serve %s 0 addr=%s", name, addr);
		else
			continue;
		if (rc != 0)
			return -1;
		if (s.port == 0 || s.sock[0] == '\0') {
			tc_errf(err, errlen, "the agent could not %s %s on %s",
			    strcmp(name, "closed") == 0 ? "find a closed port"
			    : "serve", name, addr);
			return -1;
		}
		/* A port nothing listens on: one the agent's system just
		 * gave a listener, closed again. */
		if (strcmp(name, "closed") == 0 && agc_call(c,
		    TC_AGENT_OPEN_NS, NULL, NULL, err, errlen, "close %s",
		    s.sock) != 0)
			return -1;
		o->svc = xreallocarray(o->svc, o->nsvc + 1, sizeof(*o->svc));
		o->svc[o->nsvc].name = xstrdup(name);
		o->svc[o->nsvc].port = s.port;
		o->nsvc++;
	}
	return 0;
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
			cmd_usage_error("-p %s: expected SERVICE=PORT", tok);
			free(copy);
			return -1;
		}
		*eq = '\0';
		errno = 0;
		port = strtol(eq + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == eq + 1 || port < 1 ||
		    port > 65535) {
			cmd_usage_error("-p %s=%s: bad port", tok, eq + 1);
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

int
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
		{ "agent", required_argument, NULL, 'A' },
		{ "agent-exec", required_argument, NULL, 'G' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "pcap", required_argument, NULL, 'C' },
		{ "no-progress", no_argument, NULL, 'N' },
		{ "expect", required_argument, NULL, 'E' },
		{ "strict", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .jobs = DEFAULT_JOBS, .profile = "rfc" };
	struct target *target = NULL;
	struct agc *agent = NULL;
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
	struct known known = { 0 };
	struct prof prof = { 0 };
	char err[512];
	sigset_t mask, omask;
	int ch, rc = TC_EXIT_ENV, sfd = -1, eperm = 0;
	unsigned span, failed;
	uint64_t t0, drops;
	long n;
	char *end;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+46A:hi:j:o:p:P:s:t:vx:", longopts,
	    NULL)) != -1) {
		if (net_family_opt(ch, &o.family))
			continue;
		switch (ch) {
		case 'h':
			cmd_usage(stdout);
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
				return cmd_usage_error("-j %s: expected "
				    "1..1024", optarg);
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
		case 'A':
			o.agent = optarg;
			break;
		case 'G':
			o.agent_exec = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'F':
			if (rep_format_parse(optarg, &o.format) != 0) {
				free_opts(&o);
				return cmd_usage_error("--format %s: expected "
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
		case 'E':
			o.expect = optarg;
			break;
		case 'S':
			o.strict = true;
			break;
		default:
			free_opts(&o);
			cmd_usage(stderr);
			return TC_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (o.target == NULL) {
		free_opts(&o);
		return cmd_usage_error("run: -t TARGET is required");
	}
	if (o.agent != NULL && o.agent_exec != NULL) {
		free_opts(&o);
		return cmd_usage_error("run: --agent and --agent-exec: one "
		    "agent at a time");
	}
	if (argc == 0) {
		free_opts(&o);
		return cmd_usage_error("run: no test case PATH given");
	}
	if (net_resolve(o.target, o.family, &cfg.af, &cfg.dst, err,
	    sizeof(err)) != 0) {
		free_opts(&o);
		return cmd_usage_error("-t %s", err);
	}
	if (cmd_check_profile(o.profile) != 0) {
		free_opts(&o);
		return TC_EXIT_USAGE;
	}

	/* Every case is checked before anything is opened or sent. */
	if (cmd_load_plan(argv, argc, &plan) != 0) {
		free_opts(&o);
		plan_free(&plan);
		return TC_EXIT_USAGE;
	}
	if (plan.ncases == 0) {
		free_opts(&o);
		plan_free(&plan);
		fprintf(stderr, "%s: no test cases found\n", CMD_PROGNAME);
		return TC_EXIT_USAGE;
	}
	/* A profile file next: it changes the cases. */
	if ((o.profile = cmd_load_profile(o.profile, &plan, &prof)) == NULL) {
		rc = TC_EXIT_USAGE;
		goto out;
	}
	/* The expectations too: a misspelt id would expect nothing. */
	if (o.expect != NULL && cmd_load_expect(o.expect, &plan,
	    &known) != 0) {
		rc = TC_EXIT_USAGE;
		goto out;
	}
	if (o.pcap_dir != NULL && stat(o.pcap_dir, &sb) != 0 &&
	    mkdir(o.pcap_dir, 0777) != 0 && errno != EEXIST) {
		rc = cmd_env_error(o.pcap_dir, strerror(errno), 0);
		goto out;
	}
	if (o.pcap_dir != NULL && (stat(o.pcap_dir, &sb) != 0 ||
	    !S_ISDIR(sb.st_mode))) {
		rc = cmd_env_error(o.pcap_dir, "not a directory", 0);
		goto out;
	}
	/* Only checked here: an existing report stays as it is until the
	 * run can start (outfile.c). */
	if (o.output != NULL && outfile_check(o.output, err,
	    sizeof(err)) != 0) {
		rc = cmd_env_error(o.output, err, 0);
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
		rc = cmd_env_error("source ports", err, 0);
		goto out;
	}
	if (o.agent != NULL || o.agent_exec != NULL) {
		const char *which = o.agent != NULL ? o.agent : o.agent_exec;
		char addr[64];

		agent = o.agent != NULL ? agc_open(o.agent, TC_AGENT_OPEN_NS,
		    err, sizeof(err)) : agc_open_cmd(o.agent_exec,
		    TC_AGENT_OPEN_NS, err, sizeof(err));
		if (agent == NULL) {
			rc = cmd_env_error(which, err, 0);
			goto out;
		}
		seg_addr_str(cfg.af, &cfg.dst, addr, sizeof(addr));
		if (agent_services(agent, &plan, &o, addr, err,
		    sizeof(err)) != 0) {
			rc = cmd_env_error(which, err, 0);
			goto out;
		}
		cfg.agent = agent;
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
		rc = cmd_usage_error("%s", err);
		goto out;
	default:
		rc = cmd_env_error(what, err, eperm);
		goto out;
	}
	cfg.src = net.src;
	/* The run can start: now the report may replace the old one.  Before
	 * the capabilities go, as the file was opened before them. */
	if ((of = outfile_open(o.output, err, sizeof(err))) == NULL) {
		rc = cmd_env_error(o.output != NULL ? o.output :
		    "standard output", err, 0);
		goto out;
	}
	/* Set-up done: give up the capabilities the run no longer needs.
	 * A --target-exec hook (ip netns exec, sudo) still needs them. */
	if (target == NULL && priv_drop(err, sizeof(err)) != 0) {
		rc = cmd_env_error("privileges", err, 0);
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
		rc = cmd_env_error("setup", strerror(errno), 0);
		goto out;
	}
	rcfg.format = o.format;
	rcfg.verbose = o.verbose;
	rcfg.plan = &plan;
	rcfg.target = o.target;
	rcfg.profile = o.profile;
	rcfg.strict = o.strict;
	rcfg.known = o.expect != NULL ? &known : NULL;
	rep = rep_open(outfile_fp(of), &rcfg);
	/* Only for a person watching: never into a pipe, file or CI log. */
	if (!o.no_progress && isatty(STDERR_FILENO))
		cfg.prog = prog = prog_new(loop, STDERR_FILENO,
		    (unsigned)plan.ncases);
	wire = wire_live_new(net.inj, net.snf, net.ifname);
	in = interp_new(&plan, &cfg, wire, loop, rep);
	if (agent != NULL && agc_attach(agent, loop) != 0) {
		rc = cmd_env_error("agent", agc_dead(agent), 0);
		goto out;
	}
	ev_add_fd(loop, sfd, signal_cb, in);
	t0 = ev_now_ns();
	if (interp_run(in, err, sizeof(err)) != 0) {
		prog_free(prog);
		prog = NULL;
		rep_summary(rep, ev_now_ns() - t0);
		rc = cmd_env_error("run", err, 0);
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
	else	/* failed: the cases that fail the run (rep_totals) */
		rc = failed > 0 ? TC_EXIT_FAILED : TC_EXIT_PASS;
out:
	prog_free(prog);
	interp_free(in);
	rep_free(rep);
	agc_free(agent);	/* before its loop */
	ev_free(loop);
	if (sfd >= 0)
		close(sfd);
	target_free(target);
	wire_free(wire);
	net_close(&net);
	runid_ports_free(ports);
	known_free(&known);
	prof_free(&prof);
	plan_free(&plan);
	rc = cmd_close_report(of, rc);
	free_opts(&o);
	return rc;
}
