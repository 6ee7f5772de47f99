/*
 * replay.c - tcpconform replay: the engine (interp.h) runs one case as
 * "run" would, on a replay wire that plays its capture back
 * (wire-replay.c), a replay target that answers for the target
 * (target-replay.c) and a virtual loop on the capture's clock
 * (ev_new_virtual).  The run's two ends are the capture's: our address
 * and port, and the target's, whose port is the case's service.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "interp.h"
#include "plan.h"
#include "replay.h"
#include "report.h"
#include "seg.h"
#include "target.h"
#include "target-replay.h"
#include "util.h"
#include "wire.h"
#include "wire-replay.h"

struct replay {
	const struct plan *one;
	struct wire *wire;
	struct target *target;
	struct ev_loop *loop;
	struct interp_cfg cfg;
	struct interp_service svc;
	char peer[INET6_ADDRSTRLEN];
	bool ran;
};

struct replay *
replay_open(const struct plan *one, const char *path, char *errbuf,
    size_t errlen)
{
	const struct plan_case *pc = &one->cases[0];
	struct replay *r;
	struct wire *w;
	uint16_t our_port;

	if ((w = wire_replay_open(path, strcmp(pc->service, "client") == 0,
	    errbuf, errlen)) == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->one = one;
	r->wire = w;
	/* Our one port leaves none for a health probe (interp-health.c),
	 * which would ask a target that is not there. */
	wire_replay_sides(w, &r->cfg.af, &r->cfg.src, &r->cfg.dst, &our_port,
	    &r->svc.port);
	r->svc.name = pc->service;
	r->cfg.port_lo = r->cfg.port_hi = our_port;
	r->cfg.svc = &r->svc;
	r->cfg.nsvc = 1;
	r->cfg.jobs = 1;
	r->cfg.app_unchecked = true;	/* no agent: the capture shows */
	r->cfg.default_within_ns = PLAN_DEFAULT_WITHIN_NS;
	r->cfg.default_timeout_ns = PLAN_DEFAULT_TIMEOUT_NS;
	if ((r->loop = ev_new_virtual(wire_replay_t0(w))) == NULL)
		fatalx("out of memory");
	r->cfg.target = r->target = target_replay_new(pc, r->loop);
	seg_addr_str(r->cfg.af, &r->cfg.dst, r->peer, sizeof(r->peer));
	return r;
}

int
replay_run(struct replay *r, FILE *out, const struct rep_cfg *rcfg,
    char *errbuf, size_t errlen)
{
	struct rep_cfg c = *rcfg;
	struct interp *in;
	const struct rep_totals *t;
	struct rep *rep;
	uint64_t t0;
	int rc, fatal;

	c.plan = r->one;
	c.target = r->peer;
	r->cfg.profile = c.profile;
	rep = rep_open(out, &c);
	in = interp_new(r->one, &r->cfg, r->wire, r->loop, rep);
	t0 = ev_now(r->loop);
	rc = interp_run(in, errbuf, errlen);
	/* The capture's word on a difference first: it is the whole one. */
	if (wire_replay_check(r->wire, errbuf, errlen) != 0)
		rc = -1;
	fatal = rep_summary(rep, ev_now(r->loop) - t0) > 0;
	/* A case that ran to its end sent all the capture holds; one that
	 * failed (expected or not, at any level) stopped early, and one not
	 * applicable (a stack profile's na:) sent nothing. */
	t = rep_totals(rep);
	if (rc == 0 && t->count[REP_FAIL] + t->count[REP_XFAIL] +
	    t->count[REP_NA] == 0 &&
	    wire_replay_unsent(r->wire, errbuf, errlen) != 0)
		rc = -1;
	interp_free(in);
	rep_free(rep);
	r->ran = rc == 0;
	return rc != 0 ? -1 : fatal;
}

void
replay_notes(struct replay *r, FILE *f, const char *progname)
{
	const struct plan_case *pc = &r->one->cases[0];

	if (!r->ran)
		return;
	target_replay_notes(r->target, f, progname);
	/* The capture shows what the application did, not what its calls
	 * returned: a target step's result is not known in a replay. */
	if (plan_find_kind(pc->steps, pc->nsteps, PLAN_TARGET) != NULL)
		fprintf(f, "%s: replay: target steps not re-run (no agent): "
		    "what the application's calls returned was not checked\n",
		    progname);
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	target_free(r->target);
	wire_free(r->wire);
	ev_free(r->loop);
	free(r);
}
