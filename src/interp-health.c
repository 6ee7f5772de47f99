/*
 * interp-health.c - is the target still there?  A dead target (its link
 * down, its stack gone) answers nothing, and a run against it turned
 * every case into "nothing arrived" and passed the cases that expect
 * silence.  So a run checks the target before the first case, after
 * cases end and every few seconds while cases run, and no case is
 * reported before a check that began after it ended has come back.  A
 * check: our interface is up with carrier, and the target answers a SYN
 * from a port of ours that no case uses, to the "closed" service if the
 * user gave one (a RST, no state on the target), and, taking turns with
 * it (a firewall may drop what goes to a closed port), to the first other
 * service (a SYN-ACK, which we then abort with a RST).  Any TCP answer
 * proves a live stack (RFC 9293 3.10.7.1: a closed port answers a SYN
 * with RST; 3.10.7.2: a listener with SYN-ACK).
 *
 * With --agent, the agent's control channel is checked too: an agent
 * gone (its process ended, its host unreachable) is a dead target.
 *
 * When the target does not answer, the run ends: cases that ended since
 * the last good check, and those still running, are "not judged: the
 * target is unreachable", never passed, and interp_run fails (exit 3).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentc.h"
#include "defaults.h"
#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "seg.h"
#include "util.h"
#include "wire.h"

#define PROBE_TRIES 4			/* SYNs per check */
#define PROBE_GAP_NS (500 * NS_PER_MS)	/* between them: 2 s in all */
#define PROBE_EVERY_NS (2 * NS_PER_SEC)	/* while cases run */

static void probe_send(struct interp *in);

static uint16_t
probe_port(const struct interp *in)
{
	return in->cfg->port_hi;	/* runs use port_lo + case index */
}


/*
 * Why a SYN got no answer, if the kernel's ARP table says: an entry for
 * the target without a link-layer address (flags 0) is a resolution that
 * failed.  IPv4 through the kernel only: IPv6 and spoofed sources resolve
 * the next hop themselves before the run (nd.c), and a routed target's
 * entry is its gateway's.
 */
static const char *
arp_hint(const struct interp *in)
{
	char line[256], ip[64], want[INET_ADDRSTRLEN];
	unsigned type, flags;
	const char *hint = "";
	FILE *f;

	if (in->cfg->af != AF_INET ||
	    (f = fopen("/proc/net/arp", "re")) == NULL)
		return "";
	seg_addr_str(AF_INET, &in->cfg->dst, want, sizeof(want));
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%63s 0x%x 0x%x", ip, &type, &flags) == 3 &&
		    strcmp(ip, want) == 0 && flags == 0)
			hint = " (and no answer to ARP: nothing has that "
			    "address on the link)";
	fclose(f);
	return hint;
}

/* A case that ran, ended after the last good check: not judged. */
static void
not_judged(struct interp *in, struct case_run *cr)
{
	char *msg, *nl;

	if (cr->msg != NULL && (nl = strchr(cr->msg, '\n')) != NULL)
		*nl = '\0';
	msg = xasprintf("not judged: the target is unreachable (%s)%s%s",
	    in->h.why, cr->msg != NULL ? "\n  before that was found: " : "",
	    cr->msg != NULL ? cr->msg : "");
	free(cr->msg);
	cr->msg = msg;
	cr->verdict = REP_FAIL;
	cr->level = PLAN_LEVEL_MUST;	/* no deviation: not judged */
}

/* The target is dead: end the run (see the top of the file). */
static void
health_dead(struct interp *in)
{
	size_t i;

	if (in->h.dead)
		return;
	in->h.dead = true;
	interp_health_stop(in);
	in->env_error = 1;
	tc_errf(in->errbuf, sizeof(in->errbuf), "target unreachable: %s",
	    in->h.why);
	for (i = in->next_report; i < in->nruns; i++) {
		struct case_run *cr = &in->runs[i];

		if (cr->status == CR_DONE && cr->t_start != 0 &&
		    cr->verdict != REP_SKIP && cr->verdict != REP_NA &&
		    cr->t_end > in->h.ok_since)
			not_judged(in, cr);
	}
	in->aborted = 1;	/* start nothing more */
	for (i = 0; i < in->nruns; i++) {
		struct case_run *cr = &in->runs[i];

		if (cr->status == CR_RUNNING)
			cr_end(cr, REP_FAIL, xasprintf("not judged: the "
			    "target is unreachable (%s)", in->h.why));
		else if (cr->status == CR_PENDING)
			cr_end(cr, REP_SKIP, xasprintf("not run: the "
			    "target is unreachable (%s)", in->h.why));
	}
	ev_stop(in->loop);	/* interp_settle reports what ended */
}

void
interp_health_stop(struct interp *in)
{
	if (in->h.timer != 0)
		ev_del_timer(in->loop, in->h.timer);
	if (in->h.every != 0)
		ev_del_timer(in->loop, in->h.every);
	in->h.timer = in->h.every = 0;
}

static void
every_cb(uint64_t id, void *arg)
{
	struct interp *in = arg;

	(void)id;
	in->h.every = 0;
	if (in->running > 0)
		interp_health_check(in);
}

/* The check came back: the target lives.  interp_settle, after this
 * callback, reports what it held back and (the first time) starts the
 * cases. */
static void
health_ok(struct interp *in)
{
	if (in->h.timer != 0)
		ev_del_timer(in->loop, in->h.timer);
	in->h.timer = 0;
	in->h.ok_since = in->h.started;
	in->h.started = 0;
	in->h.ready = true;
	if (in->h.again) {
		in->h.again = false;
		interp_health_check(in);
	}
}

void
interp_health_arm(struct interp *in)
{
	if (in->h.ready && !in->h.dead && in->h.started == 0 &&
	    in->h.every == 0 && in->running > 0)
		in->h.every = ev_add_timer(in->loop, PROBE_EVERY_NS, every_cb,
		    in);
}

static void
probe_timeout_cb(uint64_t id, void *arg)
{
	struct interp *in = arg;
	char addr[64], d[32], ports[32];

	(void)id;
	in->h.timer = 0;
	if (in->h.dead || in->h.started == 0)
		return;
	if (wire_link_ok(in->wire, in->h.why, sizeof(in->h.why)) != 0) {
		health_dead(in);
		return;
	}
	if (in->h.tries < PROBE_TRIES) {
		probe_send(in);
		return;
	}
	seg_addr_str(in->cfg->af, &in->cfg->dst, addr, sizeof(addr));
	if (in->h.ndports > 1)
		snprintf(ports, sizeof(ports), "ports %u and %u",
		    in->h.dports[0], in->h.dports[1]);
	else
		snprintf(ports, sizeof(ports), "port %u", in->h.dports[0]);
	tc_errf(in->h.why, sizeof(in->h.why), "%s did not answer %u SYNs "
	    "to %s within %s%s; a live TCP stack answers with SYN-ACK or "
	    "RST", addr, PROBE_TRIES, ports,
	    tc_fmt_duration((uint64_t)PROBE_TRIES * PROBE_GAP_NS, d,
	    sizeof(d)), arp_hint(in));
	health_dead(in);
}

static void
probe_send(struct interp *in)
{
	struct seg s;
	char err[256];

	seg_init(&s);
	s.af = in->cfg->af;
	s.src = in->cfg->src;
	s.dst = in->cfg->dst;
	s.sport = probe_port(in);
	s.dport = in->h.dports[in->h.tries % in->h.ndports];
	s.flags = SEG_SYN;
	s.seq = in->h.seq;
	s.win = TC_DEFAULT_WIN;
	in->h.tries++;
	if (wire_send(in->wire, &s, err, sizeof(err)) != 0) {
		tc_errf(in->h.why, sizeof(in->h.why), "cannot send to it: %s",
		    err);
		health_dead(in);
		return;
	}
	in->h.timer = ev_add_timer(in->loop, PROBE_GAP_NS, probe_timeout_cb,
	    in);
}

void
interp_health_check(struct interp *in)
{
	if (in->h.dead)
		return;
	if (in->h.started != 0) {
		in->h.again = true;	/* one more, after this one */
		return;
	}
	if (in->h.every != 0)
		ev_del_timer(in->loop, in->h.every);
	in->h.every = 0;
	in->h.started = ev_now(in->loop);
	if (wire_link_ok(in->wire, in->h.why, sizeof(in->h.why)) != 0) {
		health_dead(in);
		return;
	}
	/* The agent is part of the target: its services and its cases'
	 * steps are gone with its control channel. */
	if (in->cfg->agent != NULL && agc_dead(in->cfg->agent) != NULL) {
		snprintf(in->h.why, sizeof(in->h.why), "tcpconform-agent: %s",
		    agc_dead(in->cfg->agent));
		health_dead(in);
		return;
	}
	if (in->h.ndports == 0) {	/* nothing to ask: the link will do */
		health_ok(in);
		return;
	}
	in->h.tries = 0;
	in->h.seq = wire_random32(in->wire, WIRE_RAND_PROBE_SEQ,
	    probe_port(in));
	probe_send(in);
}

int
interp_health_seg(struct interp *in, const struct seg *s)
{
	struct seg r;
	char err[256];

	if (s->dport != probe_port(in) || in->h.ndports == 0)
		return 0;
	if ((s->sport != in->h.dports[0] && s->sport !=
	    in->h.dports[in->h.ndports - 1]) || in->h.started == 0 ||
	    in->h.dead)
		return 1;	/* a late answer to an earlier check */
	if ((s->flags & (SEG_SYN | SEG_ACK)) == (SEG_SYN | SEG_ACK)) {
		/* A listener: abort the connection it opened for us. */
		seg_init(&r);
		r.af = in->cfg->af;
		r.src = in->cfg->src;
		r.dst = in->cfg->dst;
		r.sport = probe_port(in);
		r.dport = s->sport;
		r.flags = SEG_RST;
		r.seq = s->ack;
		(void)wire_send(in->wire, &r, err, sizeof(err));
	}
	health_ok(in);
	return 1;
}

void
interp_health_begin(struct interp *in)
{
	size_t i;

	/* The closed port first: its RST leaves no state on the target. */
	for (i = 0; i < in->cfg->nsvc && in->h.ndports == 0; i++)
		if (strcmp(in->cfg->svc[i].name, "closed") == 0)
			in->h.dports[in->h.ndports++] = in->cfg->svc[i].port;
	for (i = 0; i < in->cfg->nsvc && in->h.ndports < 2; i++)
		if (strcmp(in->cfg->svc[i].name, "closed") != 0 &&
		    (in->h.ndports == 0 ||
		    in->cfg->svc[i].port != in->h.dports[0]))
			in->h.dports[in->h.ndports++] = in->cfg->svc[i].port;
	if (in->cfg->port_hi < in->cfg->port_lo + in->nruns)
		in->h.ndports = 0;	/* no port of ours left for it */
	interp_health_check(in);
}

/* Interrupted (SIGINT): report at once, the loop stops now. */
int
interp_report_held(const struct interp *in, const struct case_run *cr)
{
	return !in->h.dead && !in->aborted && cr->t_start != 0 &&
	    cr->t_end > in->h.ok_since;
}
