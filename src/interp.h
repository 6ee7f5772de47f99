/*
 * interp.h - run the cases of a plan against a target: drive each case's
 * steps from the event loop, keep its reference model, match what the
 * target sends.
 */
#ifndef TC_INTERP_H
#define TC_INTERP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "seg.h"
#include "report.h"

struct wire;
struct target;
struct agc;
struct ev_loop;
struct prog;

struct interp_service {
	char *name;
	uint16_t port;
};

struct interp_cfg {
	int af;				/* AF_INET or AF_INET6 */
	union seg_addr src, dst;	/* our address, the target's */
	uint16_t port_lo, port_hi;	/* our source ports: one per case,
					 * then the health probe's */
	uint64_t run_id;		/* names our sysctl pins on the target */
	const struct interp_service *svc;
	size_t nsvc;
	unsigned jobs;			/* cases at once (>= 1) */
	uint64_t default_within_ns;	/* expect/connect without "within" */
	uint64_t default_timeout_ns;	/* a case without "timeout" */
	const char *profile;		/* "rfc", "linux": selects steps */
	struct target *target;		/* settings and commands on the
					 * target (target.h), or NULL */
	struct agc *agent;		/* tcpconform-agent on the target
					 * (agentc.h), or NULL */
	bool app_unchecked;		/* replay: target steps pass at once,
					 * their answers unknown */
	const char *pcap_dir;		/* --pcap: one file per case, or NULL */
	struct prog *prog;		/* progress line fed by interp_run, or NULL */
};

struct interp;

/* interp.c */

/*
 * Prepare a run of every case of p on wire (wire.h) and loop, reporting
 * each case to rep as it ends, in plan order.  wire and cfg->target stay
 * the caller's, to free after interp_free().  Nothing is sent before
 * interp_run().  Free with interp_free().
 */
struct interp *interp_new(const struct plan *p, const struct interp_cfg *cfg,
    struct wire *wire, struct ev_loop *loop, struct rep *rep);

/*
 * The order the cases of p start in under jobs and profile: order[k] is
 * the index into p->cases of the k-th case to start (order holds
 * p->ncases entries, the caller's).  Exclusive cases first in plan order,
 * then the others by interp_duration()'s typical, then its maximum, both
 * longest first, ties in plan order; with jobs 1 the plan's order.
 */
void interp_order(const struct plan *p, const char *profile, unsigned jobs,
    size_t *order);

/*
 * How long case c takes under profile (NULL: with every step), when an
 * expect or connect without "within" waits within_ns: typically (each
 * wait as long as a conforming target makes it) to *typical_ns, at most
 * (every wait to its limit) to *max_ns; either may be NULL.  Both stop at
 * the case's timeout.  What "list" prints and the start order sorts by.
 */
void interp_duration(const struct plan_case *c, const char *profile,
    uint64_t within_ns, uint64_t *typical_ns, uint64_t *max_ns);

/*
 * Run until every case has ended.  Returns 0, or -1 with a message in
 * errbuf for an environment error (injection or capture failed).
 */
int interp_run(struct interp *in, char *errbuf, size_t errlen);

/*
 * End the run early (e.g. on SIGINT, from a loop callback): cases still
 * running fail with why, cases not started are not reported.
 */
void interp_abort(struct interp *in, const char *why);

/*
 * How much later than due (monotonic ns) a deadline was handled at now,
 * if that shows the tester itself stalled (SIGSTOP, an overloaded
 * machine): the lateness, or 0 when it is within INTERP_STALL_NS, the
 * event loop's ordinary jitter.  A wait handled that late cannot be
 * judged: the target was not watched, or was answered, on time.
 */
#define INTERP_STALL_NS (500 * 1000 * 1000ull)
uint64_t interp_stall(uint64_t due, uint64_t now);

/* A child exited (SIGCHLD): the target learns which commands of exec
 * steps ended (target_child). */
void interp_reap(struct interp *in);

/* True once interp_abort() was called. */
int interp_aborted(const struct interp *in);

void interp_free(struct interp *in);

#endif
