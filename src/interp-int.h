/*
 * interp-int.h - the engine's inside: what its core and its step units
 * share.  Other modules use interp.h.
 *
 * The core runs cases, in layers that call only downwards:
 *   interp-case.c	cases start, and after every callback of the loop
 *			(interp_settle) ended ones are cleaned up, reported
 *			in plan order, and the next ones start
 *   interp-arrive.c	captured frames to the case they belong to
 *   interp-health.c	is the target alive
 *   interp-target.c	exec commands, required and pinned settings
 *			(through target.h)
 *   interp-app.c	the application on the target: target steps'
 *			requests to tcpconform-agent (agentc.h)
 *   interp-send.c	the segments we send
 *   interp-step.c	a case's steps in order, its waits and timers, the
 *			queue of early arrivals, what judging steps share
 *   interp-run.c	a case run's record: trace, events, where it stands,
 *			its verdict (cr_end records it; interp_settle does
 *			the rest, so nothing below interp-case.c calls up)
 * and interp-estimate.c (how long a case takes).  Each step kind is a
 * unit, src/step-KIND.c, with a const struct step_ops; interp.c holds the
 * table of them, indexed by enum plan_step_kind, and hands it to the core
 * (interp->steps).  The units call the core's cr_* functions below; the
 * core calls a unit only through the table, never by name, so no call
 * cycle runs through a step unit.  tools/check-arch checks that no call
 * cycle runs between any two files.
 */
#ifndef TC_INTERP_INT_H
#define TC_INTERP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "interp.h"
#include "match.h"
#include "plan.h"
#include "report.h"
#include "seg.h"
#include "tcpsm.h"

struct app_res;

#define MAX_DEPTH 8		/* any_of nesting */
#define QMAX 32			/* queued arrivals per case */
#define DRAIN_NS (100 * NS_PER_MS)
#define PENDMAX 64		/* our segments sent, not yet captured */
#define PKTMAX 4096		/* packet indices recorded per case */

struct case_run;
struct target_job;

/* ---- step units ---------------------------------------------------------- */

/* What a step's start did. */
enum step_start {
	STEP_NEXT = 0,		/* done at once: the next step runs */
	STEP_WAIT,		/* it armed a wait (cr_arm) or runs a command */
	STEP_ENDED,		/* the case ended (cr_fail and the like) */
};

/* A duration estimate being summed over steps (interp-estimate.c). */
struct step_est {
	uint64_t typ, max;	/* typical and longest so far */
	uint64_t since;		/* time since our last segment, typically */
	const char *profile;	/* the steps that run: plan_step_runs */
	uint64_t within_ns;	/* expect/connect without "within" */
	const struct step_ops *const *tab;	/* for nested steps */
};

/*
 * The operations of one step kind (tmux's cmd_entry).  A NULL operation
 * is one the kind never needs.  st is always the current step, cr's
 * case running.
 */
struct step_ops {
	/* Run st: send, check, arm a wait (cr_arm) or start a command. */
	enum step_start (*start)(struct case_run *cr,
	    const struct plan_step *st);

	/* A segment s from the target, captured at ts, while st waits
	 * (not called for a wait armed with CR_ARM_QUEUE). */
	void (*on_segment)(struct case_run *cr, const struct plan_step *st,
	    const struct seg *s, uint64_t ts);

	/* The capture copy of a segment we sent came in at ts while st
	 * waits. */
	void (*on_own)(struct case_run *cr, const struct plan_step *st,
	    uint64_t ts);

	/* st's wait is over (its timer, or a capture past its deadline). */
	void (*on_timeout)(struct case_run *cr, const struct plan_step *st);

	/* The command st started and waits for ended: exited with code, or
	 * killed by signal signo (not 0). */
	void (*on_exit)(struct case_run *cr, const struct plan_step *st,
	    int code, int signo);

	/* The agent answered the request the step waits for (target). */
	void (*on_answer)(struct case_run *cr, const struct plan_step *st,
	    const struct app_res *r);

	/* Add st's duration to e (the estimate "list" prints and the start
	 * order sorts by), next to the code it estimates. */
	void (*estimate)(const struct plan_step *st, struct step_est *e);
};

/* step-*.c: one per kind; any_of and connect share step-expect.c. */
extern const struct step_ops step_connect_ops, step_send_ops,
    step_expect_ops, step_silence_ops, step_state_ops, step_wait_ops,
    step_retransmits_ops, step_measure_ops, step_exec_ops, step_target_ops,
    step_any_of_ops;

/* step-silence.c, for retransmits' closing silence too: wait ns in
 * silence; s at ts came during one (allow: what may, NULL: nothing). */
void step_silence_arm(struct case_run *cr, uint64_t ns);
void step_silence_seg(struct case_run *cr, const struct plan_expect *allow,
    const struct seg *s, uint64_t ts);

/* ---- the case ------------------------------------------------------------- */

enum cr_status { CR_PENDING = 0, CR_RUNNING, CR_DONE };

/* What the case waits for. */
enum cr_wait {
	CR_WAIT_NONE = 0,
	CR_WAIT_STEP,	/* the current step (its ops) */
	CR_WAIT_DRAIN,	/* all steps done, our last segment not yet captured */
	CR_WAIT_PIN,	/* before the first step: another run pins a sysctl */
};

/* How a step's wait treats arrivals (cr_arm's flags). */
#define CR_ARM_QUEUE 0x1	/* they queue for the step after it */
#define CR_ARM_QUIET 0x2	/* a silence: one captured after its end
				 * came after it, whenever it is read */

struct frame {
	const struct plan_step *steps;
	size_t n, i;
};

/* A segment that arrived while no step waited for it. */
struct qseg {
	struct seg s;
	uint8_t *data;		/* owned copy of the payload */
	uint64_t ts;
	unsigned pkt;		/* its index in the case's capture */
};

/* The agent's answer to a target step's request, as data (interp-app.c). */
struct app_res {
	bool ok;		/* ok, else err */
	char err[32];		/* the errno name, "" when ok */
	char msg[128];		/* the agent's message */
	bool ret_set;
	long ret;		/* ret= */
	bool eof;		/* read: eof=1 */
	uint8_t *data;		/* read: data=, owned */
	size_t datalen;
	char value[64];		/* getsockopt: OPTION= */
	char state[32];		/* info: state= */
};

/* A request of the case to the agent, not answered yet. */
struct app_req {
	uint64_t id;
	enum plan_tverb verb;
};

struct case_run {
	struct interp *in;
	const struct plan_case *pc;
	enum cr_status status;
	enum rep_verdict verdict;
	enum plan_level level;	/* a failure's: the failed step's level */
	char *msg;
	bool unsettled;		/* ended, not cleaned up yet (interp_settle) */
	struct buf trace;
	struct rep_event *events;	/* owned, and their strings */
	size_t nevents;

	uint16_t sport, dport;	/* dport 0: a client case before its SYN */
	bool client;		/* service client: the target connects to us */
	uint32_t our_isn;
	struct tcpsm m;		/* the target, as a conformant one behaves */
	struct tcpsm me;	/* our own side, the same table mirrored */
	uint32_t *vals;
	bool *valset;

	struct frame fr[MAX_DEPTH];
	int depth;
	enum cr_wait wait;
	unsigned wait_flags;	/* CR_ARM_* */
	const char *wait_what;	/* the wait, for the stall message */
	uint64_t timer;		/* the current wait's timer */
	void (*wait_fn)(struct case_run *);	/* CR_WAIT_PIN's, at its end */
	uint64_t step_timer;	/* the current step's own (cr_step_timer) */
	void (*step_timer_fn)(struct case_run *);
	uint64_t wait_ns;	/* how long the current wait lasts */
	uint64_t wait_due;	/* loop clock: when it ends */
	uint64_t wait_due_cap;	/* the same on the capture clock */
	uint64_t case_timer;	/* whole-case timeout */

	uint64_t t_start, t_end;	/* loop clock; t_start 0: never started */
	uint64_t drops0;		/* capture drops when the case started */
	uint64_t t_sent_mono;	/* loop clock time of our last send */
	uint64_t t_first_cap;	/* capture time of the first packet seen */
	uint64_t t_sent_cap;	/* capture time of our last segment, 0: unseen */
	struct seg last_sent;	/* our last segment (no payload pointer) */
	uint16_t our_mss;	/* the MSS our SYN announced, 0: none */
	enum tcpsm_state state_before;	/* target state before last_sent */

	/* timestamps option (RFC 7323) */
	uint32_t ts_base;	/* our TSval clock: ts_base + ms since start */
	bool have_our_tsval, have_peer_tsval;
	uint32_t our_tsval, peer_tsval;

	/* The segment the last expect accepted, and its last copy since
	 * (what a retransmits step counts from). */
	struct seg match;	/* no payload pointer */
	bool have_match;
	uint64_t match_ts;	/* capture time of the last copy */
	uint64_t match_gap;	/* the gap before it (0: the first) */

	/* The target's first RTT sample as the capture shows it: from its
	 * SYN or SYN-ACK to our segment that acknowledged it. */
	uint64_t rtt_syn_ts;	/* capture time of that SYN, 0: none yet */
	uint64_t rtt;		/* 0: not known */
	bool opts_checked;	/* requires: options, on its first SYN */

	/* The current step's own state, by kind. */
	union {
		struct {
			unsigned n;	/* retransmits: copies seen */
			bool quiet;	/* all seen: its closing silence */
		} rtx;
		uint64_t meas_t0;	/* measure: capture-clock start, 0:
					 * our segment's copy sets it */
	} k;

	/* exec commands */
	struct target_job *job;	/* the latest, NULL: none; alive (with
				 * what it started) until cr_jobs_kill */
	bool job_ended;		/* it ended */
	const struct plan_exec *job_exec; /* the step that started it */
	struct target_job **done_jobs;	/* earlier ones: ended, what they
				 * left running alive until the case ends */
	size_t ndone_jobs;

	/* the application on the target (tcpconform-agent) */
	char app_conn[16];	/* the case's connection's handle, "" none */
	char app_lsn[16];	/* service listen: the case's listener */
	char app_lsn_err[160];	/* why it could not listen */
	bool app_closed;	/* a step closed or aborted app_conn */
	struct app_req *app;	/* requests not yet answered, owned */
	size_t napp;
	uint64_t app_wait;	/* the one the current step waits for */
	uint64_t app_bg[PLAN_TV_MAX];	/* the latest background request
				 * of each verb, for await */
	struct app_res *app_res[PLAN_TV_MAX];	/* its answer, once come */

	/* pinned sysctls: old values to restore */
	char **saved;
	/* the pin locks on the target: we hold those of sysctl[0..npins) */
	size_t npins;
	bool pins_locked;	/* all taken: pin */
	uint64_t pin_deadline;	/* loop clock: when waiting for them ends */

	struct qseg q[QMAX];
	unsigned qhead, qlen;

	/* structured results for the reporters */
	struct rep_meas *meas;
	size_t nmeas;
	struct rep_rtx *rtx;
	size_t nrtx;
	struct rep_step *steplog;	/* the steps that ran, in order */
	size_t nsteplog;
	unsigned npkt;		/* packets of the case captured so far */
	unsigned nsent;		/* segments we sent (TC_SEND_MAX_COUNT) */
	unsigned cur_pkt;	/* index of the segment being judged */
	size_t pend[PENDMAX];	/* steplog entries of our uncaptured sends */
	unsigned pend_head, pend_len;
	struct pcapw *pcap;	/* --pcap: this case's file */
};

/* The target's health checks (interp-health.c). */
struct health {
	uint16_t dports[2];	/* the target ports probed, in turn: */
	unsigned ndports;	/* closed first; 0: the link only */
	uint32_t seq;		/* our probe SYN's */
	unsigned tries;		/* SYNs sent in this check */
	uint64_t started;	/* loop clock: this check began, 0: none */
	uint64_t ok_since;	/* when the last answered check began */
	uint64_t timer, every;	/* next SYN or verdict; the periodic check */
	bool again;		/* a case ended during this check */
	bool dead;		/* the target did not answer: the run ends */
	bool ready;		/* a check passed: the cases may start */
	char why[256];
};

/* A sysctl the cases require, read from the target once before the run. */
struct req_val {
	const char *key;
	char *value;		/* NULL: could not be read */
};

struct interp {
	const struct interp_cfg *cfg;
	const struct step_ops *const *steps;	/* by enum plan_step_kind */
	struct wire *wire;
	struct ev_loop *loop;
	struct rep *rep;
	struct prog *prog;	/* the progress line, or NULL */
	uint64_t t_run0;	/* loop clock: when the first case could start */

	struct case_run *runs;
	size_t nruns;
	size_t *order;		/* start order: indices into runs */
	size_t next_start;	/* next case to start, index into order */
	size_t next_report;	/* next case to report (plan order) */
	unsigned running;
	size_t nunsettled;	/* cases ended, not yet cleaned up */
	uint64_t start_timer;	/* the loop comes round before the next
				 * case starts (interp-case.c) */
	int exclusive;		/* a case that must run alone is running */
	int aborted;
	int env_error;
	char errbuf[256];

	struct req_val *req;	/* requires.sysctl values of the target */
	size_t nreq;

	struct health h;
};

/* ---- interp-case.c: starting, settling, reporting --------------------------- */

/* After each callback of the loop (and once before it runs): clean up
 * the cases that ended, check the target's health, report in plan order,
 * start the next cases, stop the loop when all is done. */
void interp_settle(struct interp *in);

/* ---- interp-run.c: a case run's record ------------------------------------ */

/* The current step, or NULL when every step is done. */
const struct plan_step *cr_step(const struct case_run *cr);

/* The operations of the current step's kind (cr_step must not be NULL). */
const struct step_ops *cr_ops(const struct case_run *cr);

/* Move past the current step, leaving finished any_of branches. */
void cr_frame_next(struct case_run *cr);

/* A step starts running: log it (the report's steps). */
void cr_step_log(struct case_run *cr, const struct plan_step *st);

/* Cancel timer *id (0: none) and set it to 0. */
void cr_del_timer(struct case_run *cr, uint64_t *id);

/*
 * End the case with v and msg (owned; NULL for none); a case already
 * ended frees msg.  Records the verdict and stops its timers; interp_settle
 * cleans up on the target and starts the next cases once the loop's
 * current callback returns.
 */
void cr_end(struct case_run *cr, enum rep_verdict v, char *msg);

/* Fail the running case at the current step's file:line:col (a no-op
 * once it ended), quoting capture drops; the failure is at that step's
 * level (the case's when no step is current). */
void cr_fail(struct case_run *cr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Skip a case that does not run, with why (owned). */
void cr_skip(struct case_run *cr, char *why);

/* The matcher's view of the case. */
struct match_ctx cr_mctx(struct case_run *cr);

/* s as the trace prints it, from the target (for messages). */
void cr_describe(const struct case_run *cr, const struct seg *s, char *buf,
    size_t len);

/* What the model expected after our last segment (tcpsm_note). */
void cr_model_note(const struct case_run *cr, char *buf, size_t len);

/* Trace s (ours or the target's) at capture time ts (0: unknown). */
void cr_trace_seg(struct case_run *cr, const struct seg *s, int ours,
    uint64_t ts);

/* Trace a captured packet of the case that did not decode. */
void cr_trace_bad(struct case_run *cr, int ours, const char *what,
    const char *why, uint64_t ts);

/* Count a captured packet of the case (writes it to its pcap); returns
 * its index. */
unsigned cr_packet(struct case_run *cr, const uint8_t *pkt, size_t caplen,
    size_t len, uint64_t ts);

/* Packet pkt belongs to steplog entry i (it sent or matched it). */
void cr_step_pkt(struct case_run *cr, size_t i, unsigned pkt);

/* The segment being judged matched the current step. */
void cr_matched(struct case_run *cr);

/*
 * Record an event of the case for the reporters (report.h says which
 * fields kind uses); key and value are copied (NULL for none).
 */
void cr_event(struct case_run *cr, enum rep_event_kind kind,
    const char *key, const char *value, long n, long expected);

/* Has the case an event of kind already? */
bool cr_has_event(const struct case_run *cr, enum rep_event_kind kind);

/* ---- interp-step.c: the steps in order, waits, arrivals ------------------- */

/*
 * Wait ns for the current step: its timer then calls on_timeout, and
 * segments go to on_segment meanwhile (flags: CR_ARM_*).  what names the
 * wait in a stall message ("wait for a reply").  Replaces any wait.
 */
void cr_arm(struct case_run *cr, uint64_t ns, const char *what,
    unsigned flags);

/* Same, for the engine's own waits: CR_WAIT_DRAIN (fn NULL), CR_WAIT_PIN
 * (fn(cr) runs at its end). */
void cr_arm_wait(struct case_run *cr, enum cr_wait w, uint64_t ns,
    const char *what, void (*fn)(struct case_run *));

/* End the current wait (its timer and the step's timer) without moving
 * on: the step still has work (connect's ACK, any_of's branch). */
void cr_wait_end(struct case_run *cr);

/* The current step passed: end its wait, run the next steps. */
void cr_done(struct case_run *cr);

/* Move past the current step (leaving finished any_of branches) and run
 * steps until one waits or the case ends. */
void cr_next(struct case_run *cr);

/* Enter a branch of steps (any_of): its first step is current.  Returns
 * 0, or -1 after failing the case when branches nest too deep. */
int cr_push_branch(struct case_run *cr, const struct plan_step *steps,
    size_t n);

/* Call cb(cr) after ns, once; the step's own timer (measure's probes),
 * cancelled when its wait ends or the case does. */
void cr_step_timer(struct case_run *cr, uint64_t ns,
    void (*cb)(struct case_run *));

/* The current wait ended by its timer or a late capture: the step's
 * on_timeout, unless the tester stalled (then the case fails for it). */
void cr_expire(struct case_run *cr);

/* Run steps until one waits or the case ends. */
void cr_advance(struct case_run *cr);

/* The sysctls are set: start the case's timeout and its first step. */
void cr_go(struct case_run *cr);

/* Drop the oldest queued segment; drop them all. */
void cr_q_pop(struct case_run *cr);
void cr_q_clear(struct case_run *cr);

/* Hand queued segments to the step now waiting, oldest first. */
void cr_q_deliver(struct case_run *cr);

/* Time from our last segment to ts, on the capture clock if ours was
 * captured. */
uint64_t cr_elapsed(const struct case_run *cr, uint64_t ts);

/* s at ts was accepted by expectation ex (NULL: the model's): capture its
 * variables, advance the model, remember it for retransmits. */
void cr_accept(struct case_run *cr, const struct plan_expect *ex,
    const struct seg *s, uint64_t ts);

/* Fail the case if s puts data into the zero window we offered (a
 * window violation, said as one).  Returns 1 if it did. */
int cr_zero_window(struct case_run *cr, const struct seg *s);

/* Fail the case if a reply at ts came later than within after our last
 * segment.  Returns 1 if in time. */
int cr_in_time(struct case_run *cr, uint64_t ts, uint64_t within);

/* A segment s from the target for the case, captured at ts: to the step
 * that waits, or queued for the next one. */
void cr_arrive(struct case_run *cr, const struct seg *s, uint64_t ts);

/* ---- interp-send.c: our segments ------------------------------------------ */

/* Send what ps describes.  Returns 0, or -1 after failing the case. */
int cr_send(struct case_run *cr, const struct plan_send *ps);

/* Send our SYN with connect's options (MSS 1460 when none are given).
 * Returns 0, or -1 after failing the case. */
int cr_send_syn(struct case_run *cr, const struct plan_connect *pc);

/* Send the ACK that completes a handshake we opened (with TS if our SYN
 * had it).  Returns 0, or -1 after failing the case. */
int cr_send_ack(struct case_run *cr);

/* Abort what the case left open on the target (traced). */
void cr_cleanup(struct case_run *cr);

/* ---- interp-arrive.c: captured frames ------------------------------------- */

/* A captured frame (wire_frame_cb); the capture failed (wire_error_cb). */
void interp_frame_cb(const uint8_t *pkt, size_t caplen, size_t len,
    uint64_t ts, void *arg);
void interp_capture_error_cb(const char *why, void *arg);

/* ---- interp-health.c ------------------------------------------------------- */

/* The first check (the cases start once it passed); one after a case
 * ended; the answer to one (1: s was it); may cr's report go out; stop. */
void interp_health_begin(struct interp *in);
void interp_health_check(struct interp *in);
int interp_health_seg(struct interp *in, const struct seg *s);
int interp_report_held(const struct interp *in, const struct case_run *cr);
void interp_health_stop(struct interp *in);

/* Arm the periodic check if cases run and no check is under way. */
void interp_health_arm(struct interp *in);

/* ---- interp-target.c: on the target ----------------------------------------- */

/*
 * Start exec step ex's command (one at a time per case: a running one
 * ends here).  Returns 0, or -1 after failing the case.  When it ends,
 * the current step's on_exit hears it if the case waits for it.
 */
int cr_exec_start(struct case_run *cr, const struct plan_exec *ex);

/* ---- interp-app.c: the application on the target (the agent) ---------- */

/*
 * Send the request of target step t on the case's connection.  Returns
 * its id; 0 after failing the case (no connection yet, the agent gone).
 * Its answer goes to the current step's on_answer when cr->app_wait is
 * that id, else to cr->app_res[verb] when it is cr->app_bg[verb].
 */
uint64_t cr_app_request(struct case_run *cr, const struct plan_target *t);

/* Service "listen": the agent listens for this case; its port is dport.
 * Returns 0, or -1 after failing the case. */
int cr_app_listen(struct case_run *cr);

/* The case ended: forget its requests, abort its connection, close its
 * listener. */
void cr_app_end(struct case_run *cr);

/* Free r (NULL is fine). */
void cr_app_res_free(struct app_res *r);

/* Kill the case's commands and all they left running. */
void cr_jobs_kill(struct case_run *cr);

/* Put back the sysctls the case pinned and release their locks. */
void cr_pins_restore(struct case_run *cr);

/* Read every required sysctl once, before any case runs. */
void interp_req_read(struct interp *in);

/* Check requires and pin sysctls: 0 go on, 1 waits for a lock (the case
 * goes on by itself), -1 the case ended. */
int cr_settings(struct case_run *cr);


/* ---- interp-estimate.c ----------------------------------------------------- */

/* Add the duration of steps[0..n) to e, through e->tab. */
void cr_estimate(const struct plan_step *steps, size_t n,
    struct step_est *e);

/* Add typ to e's typical and max to its longest, saturating. */
void cr_est_add(struct step_est *e, uint64_t typ, uint64_t max);

/* a + b, at most UINT64_MAX. */
uint64_t cr_sat_add(uint64_t a, uint64_t b);

#endif
