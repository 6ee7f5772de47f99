/*
 * defaults.h - one home for each policy fact the tool's modules share:
 * the exit codes, what we offer on our segments, default waits and
 * timeouts, and our source ports.  A value here changes everywhere it
 * applies, or it does not belong here.
 *
 * The stack profiles ("rfc", "linux") have their one table in plan.c
 * (plan_profiles): the loader, "run", "list" and the completion's test
 * read it from there.
 */
#ifndef TC_DEFAULTS_H
#define TC_DEFAULTS_H

#include "util.h"		/* NS_PER_SEC */

/*
 * Exit codes of every subcommand, documented in tcpconform(1), EXIT
 * STATUS.  "send" exits TC_EXIT_PASS when a reply arrived and
 * TC_EXIT_FAILED when none did.
 */
enum tc_exit {
	TC_EXIT_PASS = 0,	/* every case passed (or was skipped) */
	TC_EXIT_FAILED = 1,	/* a case failed */
	TC_EXIT_USAGE = 2,	/* bad usage or an invalid case file */
	TC_EXIT_ENV = 3,	/* no permission, no interface, no route */
	TC_EXIT_INTR = 130,	/* interrupted by SIGINT/SIGTERM (128 + 2) */
};

/* Our window and MSS when a case or "send" names none: what Linux offers
 * on a SYN over Ethernet (1500 - 40 - 20 of timestamps, times 44). */
#define TC_DEFAULT_WIN 64240
#define TC_DEFAULT_MSS 1460

/* What expect and connect wait without "within". */
#define TC_DEFAULT_WITHIN_NS NS_PER_SEC

/* A case's time limit without "timeout". */
#define TC_CASE_TIMEOUT_NS (60 * NS_PER_SEC)

/* The longest a command run through the target hook may take: an exec
 * step without "within", and the settings the engine reads and pins. */
#define TC_EXEC_TIMEOUT_NS (10 * NS_PER_SEC)
/*
 * tcpconform-agent: how long a target step waits for its answer by
 * default, and how long the agent itself waits in a connect, accept or
 * read that the case did not bound with "within" (the case's timeout ends
 * it anyway).  The agent is asked to give up first, so its ETIMEDOUT is
 * what the report shows, not our silence.
 */
#define TC_AGENT_WAIT_NS (2 * NS_PER_SEC)
#define TC_AGENT_BG_NS (10 * NS_PER_SEC)
#define TC_AGENT_MARGIN_NS (1 * NS_PER_SEC)
#define TC_AGENT_OPEN_NS (5 * NS_PER_SEC)	/* connect and hello, at set-up */

/*
 * Our source ports: below the usual ephemeral range (Linux
 * ip_local_port_range 32768-60999), so the tester's own connections
 * never collide with a case.  "run" takes a block of them per run
 * (runid_ports); "send" picks one in the first TC_SEND_PORT_SPAN, and
 * "send --flood" varies over all of those.
 */
#define TC_PORT_MIN 20000
#define TC_PORT_MAX 32767
#define TC_SEND_PORT_SPAN 10000

#endif
