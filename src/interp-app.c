/*
 * interp-app.c - the interpreter's work with the application on the
 * target, tcpconform-agent (agentc.h): a case's listener (service
 * "listen"), the requests of its target steps, their answers kept as data
 * (struct app_res) for the step that waits or awaits them, and the
 * sockets left behind when the case ends.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-proto.h"
#include "agentc.h"
#include "defaults.h"
#include "evloop.h"
#include "interp.h"
#include "interp-int.h"
#include "seg.h"
#include "util.h"

#define APP_SETUP_NS (2 * NS_PER_SEC)	/* the listener's answer */

void
cr_app_res_free(struct app_res *r)
{
	if (r == NULL)
		return;
	free(r->data);
	free(r);
}

/* The answer a as data the case keeps. */
static struct app_res *
res_make(const struct agc_ans *a, const char *option)
{
	struct app_res *r = xcalloc(1, sizeof(*r));
	const char *v;
	size_t len;
	long n;

	r->ok = a->kind == AGC_OK;
	/* The agent's text is printable (agentc.h): copied as it is. */
	snprintf(r->err, sizeof(r->err), "%s", r->ok ? "" : a->what);
	snprintf(r->msg, sizeof(r->msg), "%s", a->msg);
	if ((v = agc_val(a, "ret", NULL)) != NULL &&
	    agent_proto_num(v, -1, INT32_MAX, &n) == 0) {
		r->ret_set = true;
		r->ret = n;
	}
	r->eof = (v = agc_val(a, "eof", NULL)) != NULL && strcmp(v, "1") == 0;
	if ((v = agc_val(a, "data", &len)) != NULL && len > 0) {
		r->data = xmalloc(len / 2 + 1);
		n = agent_proto_unhex(v, len, r->data, len / 2 + 1);
		r->datalen = n > 0 ? (size_t)n : 0;
	}
	if (option != NULL && (v = agc_val(a, option, NULL)) != NULL)
		snprintf(r->value, sizeof(r->value), "%s", v);
	if ((v = agc_val(a, "state", NULL)) != NULL)
		snprintf(r->state, sizeof(r->state), "%s", v);
	return r;
}

/* Which of the case's requests is id: its verb, or -1. */
static int
req_verb(const struct case_run *cr, uint64_t id)
{
	size_t i;

	for (i = 0; i < cr->napp; i++)
		if (cr->app[i].id == id)
			return (int)cr->app[i].verb;
	return -1;
}

static void
req_drop(struct case_run *cr, uint64_t id)
{
	size_t i;

	for (i = 0; i < cr->napp; i++)
		if (cr->app[i].id == id) {
			cr->app[i] = cr->app[--cr->napp];
			return;
		}
}

/* A handle the agent gave ("s12"), kept if it is one. */
static void
take_sock(char *dst, size_t len, const char *v)
{
	unsigned n;

	if (v != NULL && agent_proto_handle(v, &n) == 0)
		snprintf(dst, len, "s%u", n);
}

/*
 * An answer or event for one of the case's requests (agc_cb).  A socket
 * it names becomes the case's connection; the answer goes to the step
 * that waits for it, or is kept for a later await.
 */
static void
app_answer(void *arg, uint64_t id, const struct agc_ans *a)
{
	struct case_run *cr = arg;
	const struct plan_step *st;
	struct app_res *r;
	int verb = req_verb(cr, id);

	if (verb < 0)
		return;
	if (verb == PLAN_TV_CONNECT || verb == PLAN_TV_ACCEPT)
		take_sock(cr->app_conn, sizeof(cr->app_conn),
		    agc_val(a, "sock", NULL));
	if (a->kind == AGC_EV)
		return;
	req_drop(cr, id);
	if (cr->status != CR_RUNNING)
		return;
	st = cr_step(cr);
	r = res_make(a, st != NULL && st->kind == PLAN_TARGET ?
	    st->u.target.option : NULL);
	if (cr->app_wait == id && cr->wait == CR_WAIT_STEP &&
	    cr_ops(cr)->on_answer != NULL) {
		cr->app_wait = 0;
		cr_ops(cr)->on_answer(cr, st, r);
		cr_app_res_free(r);
		return;
	}
	/* A system without what the case asked for (TCP_SYNCNT): the case
	 * cannot be run there. */
	if (!r->ok && strcmp(r->err, "ENOPROTOOPT") == 0) {
		cr_end(cr, REP_NA, xasprintf("the target's system lacks what "
		    "target %s asked for (its agent says: %s)",
		    plan_tverbs[verb].name, r->msg));
		cr_app_res_free(r);
		return;
	}
	/* A background request's: the latest of its verb, for await. */
	if (cr->app_bg[verb] == id) {
		cr_app_res_free(cr->app_res[verb]);
		cr->app_res[verb] = r;
		return;
	}
	cr_app_res_free(r);
}

uint64_t
cr_app_request(struct case_run *cr, const struct plan_target *t)
{
	struct agc *c = cr->in->cfg->agent;
	const char *verb = plan_tverbs[t->verb].name;
	char addr[64], arg[2 * 1024 + 64];
	uint64_t id;
	size_t i;

	if (plan_tverbs[t->verb].sock && cr->app_conn[0] == '\0') {
		cr_fail(cr, "target %s: the target has no connection of this "
		    "case yet (its connect or accept has not completed)",
		    verb);
		return 0;
	}
	arg[0] = '\0';
	switch (t->verb) {
	case PLAN_TV_CONNECT:
		seg_addr_str(cr->in->cfg->af, &cr->in->cfg->src, addr,
		    sizeof(addr));
		/* Nothing sent yet: "within" counts from here, as for exec. */
		if (!cr->m.have_our)
			cr->t_sent_mono = ev_now(cr->in->loop);
		if (t->syncnt != 0)
			snprintf(arg, sizeof(arg), " syncnt=%u", t->syncnt);
		id = agc_request(c, app_answer, cr, false, "connect %s %u%s "
		    "timeout=%" PRIu64, addr, cr->sport, arg,
		    (uint64_t)((t->within_ns ? t->within_ns :
		    TC_AGENT_WAIT_NS) / NS_PER_MS));
		break;
	case PLAN_TV_ACCEPT:
		id = agc_request(c, app_answer, cr, false, "accept %s "
		    "timeout=%" PRIu64, cr->app_lsn, (uint64_t)((t->within_ns ?
		    t->within_ns : TC_AGENT_WAIT_NS) / NS_PER_MS));
		break;
	case PLAN_TV_WRITE:
		if (t->data != NULL) {
			memcpy(arg, "hex=", 4);
			for (i = 0; i < t->datalen; i++)
				snprintf(arg + 4 + 2 * i, 3, "%02x",
				    t->data[i]);
		} else
			snprintf(arg, sizeof(arg), "%" PRIu32, t->bytes);
		id = agc_request(c, app_answer, cr, false, "write %s %s%s",
		    cr->app_conn, arg, t->oob ? " oob=1" : "");
		break;
	case PLAN_TV_READ:
		if (t->max > 0)
			snprintf(arg, sizeof(arg), " %" PRIu32, t->max);
		id = agc_request(c, app_answer, cr, false, "read %s%s "
		    "timeout=%" PRIu64, cr->app_conn, arg, (uint64_t)((t->within_ns ?
		    t->within_ns : TC_AGENT_WAIT_NS) / NS_PER_MS));
		break;
	case PLAN_TV_SHUTDOWN:
		id = agc_request(c, app_answer, cr, false, "shutdown %s %s",
		    cr->app_conn, t->how == 0 ? "rd" : t->how == 1 ? "wr" :
		    "rdwr");
		break;
	case PLAN_TV_SETSOCKOPT:
		id = agc_request(c, app_answer, cr, false, "setsockopt %s %s "
		    "%" PRId32, cr->app_conn, t->option, t->value);
		break;
	case PLAN_TV_GETSOCKOPT:
		id = agc_request(c, app_answer, cr, false, "getsockopt %s %s",
		    cr->app_conn, t->option);
		break;
	default:	/* close, abort, info: the socket alone */
		id = agc_request(c, app_answer, cr, false, "%s %s", verb,
		    cr->app_conn);
		break;
	}
	if (id == 0) {
		cr_fail(cr, "target %s: %s", verb, agc_dead(c));
		return 0;
	}
	cr->app = xreallocarray(cr->app, cr->napp + 1, sizeof(*cr->app));
	cr->app[cr->napp++] = (struct app_req){ id, t->verb };
	if (t->verb == PLAN_TV_CLOSE || t->verb == PLAN_TV_ABORT)
		cr->app_closed = true;
	return id;
}

/* listen's answer: the case's listener and its port. */
static void
listen_cb(void *arg, uint64_t id, const struct agc_ans *a)
{
	struct case_run *cr = arg;
	const char *v = agc_val(a, "local", NULL), *colon;
	long port;

	(void)id;
	if (a->kind != AGC_OK) {
		snprintf(cr->app_lsn_err, sizeof(cr->app_lsn_err), "%s",
		    a->msg);
		return;
	}
	take_sock(cr->app_lsn, sizeof(cr->app_lsn), agc_val(a, "sock",
	    NULL));
	if (v != NULL && (colon = strrchr(v, ':')) != NULL &&
	    agent_proto_num(colon + 1, 1, 65535, &port) == 0)
		cr->dport = (uint16_t)port;
}

int
cr_app_listen(struct case_run *cr)
{
	struct agc *c = cr->in->cfg->agent;
	char addr[64], err[256];

	seg_addr_str(cr->in->cfg->af, &cr->in->cfg->dst, addr, sizeof(addr));
	/* Blocks the loop for one round trip to the agent, as a pin's
	 * hook command does; the case has sent nothing yet. */
	if (agc_call(c, APP_SETUP_NS, listen_cb, cr, err, sizeof(err),
	    "listen %s 0", addr) != 0) {
		cr_fail(cr, "service listen: %s", err);
		return -1;
	}
	if (cr->app_lsn[0] == '\0' || cr->dport == 0) {
		cr_fail(cr, "service listen: the agent could not listen on "
		    "%s: %s", addr, cr->app_lsn_err[0] != '\0' ?
		    cr->app_lsn_err : "no port in its answer");
		return -1;
	}
	return 0;
}

void
cr_app_end(struct case_run *cr)
{
	struct agc *c = cr->in->cfg->agent;
	size_t i;

	for (i = 0; i < PLAN_TV_MAX; i++) {
		cr_app_res_free(cr->app_res[i]);
		cr->app_res[i] = NULL;
	}
	if (c == NULL)
		return;
	for (i = 0; i < cr->napp; i++)
		agc_forget(c, cr->app[i].id);
	free(cr->app);
	cr->app = NULL;
	cr->napp = 0;
	/* What the case left open on the target goes: the connection
	 * with a RST (no TIME-WAIT piling up over a suite), the listener. */
	if (cr->app_conn[0] != '\0' && !cr->app_closed)
		(void)agc_request(c, NULL, NULL, false, "abort %s",
		    cr->app_conn);
	if (cr->app_lsn[0] != '\0')
		(void)agc_request(c, NULL, NULL, false, "close %s",
		    cr->app_lsn);
	cr->app_conn[0] = cr->app_lsn[0] = '\0';
}
