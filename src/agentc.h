/*
 * agentc.h - the tester's end of tcpconform-agent's control channel
 * (tcpconform-agent(1)): one TCP connection to the agent on the target,
 * requests with ids, answers and events handed to the requester's
 * callback.  Knows the protocol's lines, not what a case does with them.
 */
#ifndef TC_AGENTC_H
#define TC_AGENTC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct agc;
struct ev_loop;

enum agc_kind {
	AGC_OK,
	AGC_ERR,		/* the request failed: what = errno name */
	AGC_EV,			/* an event: what = its kind */
};

#define AGC_MAXKV 32		/* KEY=VALUE pairs of an answer we keep */

/*
 * One answer or event, valid during the callback only.  Every string is
 * printable ASCII: a byte of the line that is not ends the channel, and
 * a quoted value's escapes that decode to one are '?'.
 */
struct agc_ans {
	enum agc_kind kind;
	const char *what;	/* err: "ECONNREFUSED"; ev: "connecting" */
	const char *msg;	/* err: the agent's message; else "" */
	int nkv;
	const char *key[AGC_MAXKV], *val[AGC_MAXKV];
	size_t vlen[AGC_MAXKV];
};

/*
 * An answer or an event of request id.  After an ok or err answer the
 * request is over (unless it was made with keep: a service's events go
 * on).  When the control channel fails, every request still open gets an
 * err answer with what "EPIPE".
 */
typedef void agc_cb(void *arg, uint64_t id, const struct agc_ans *a);

/*
 * Connect to the agent at spec ("198.18.0.2:7100", "[2001:db8::2]:7100";
 * numeric only), waiting at most timeout_ns, and ask hello: the agent
 * must speak our protocol.  Blocks.  Returns the handle, or NULL with the
 * reason in err.
 */
struct agc *agc_open(const char *spec, uint64_t timeout_ns, char *err,
    size_t errlen);

/*
 * The same over the standard input and output of cmd, run with sh -c:
 * "ssh dut tcpconform-agent" (the user's command line, not a case's).
 * Freeing the handle closes the channel and waits a little for cmd to
 * end, then kills it.
 */
struct agc *agc_open_cmd(const char *cmd, uint64_t timeout_ns, char *err,
    size_t errlen);

/* Answers come through loop from now on (before: only agc_call). */
int agc_attach(struct agc *c, struct ev_loop *loop);

/*
 * Send request "ID " + fmt.  cb(arg) hears its answer and events (cb may
 * be NULL: nothing to hear).  keep: cb hears events after the answer too,
 * until agc_forget.  Returns the request's id (> 0), or 0 when the
 * channel has failed (agc_dead says why).
 */
uint64_t agc_request(struct agc *c, agc_cb *cb, void *arg, bool keep,
    const char *fmt, ...) __attribute__((__format__(__printf__, 5, 6)));

/*
 * Send a request and wait for its answer, at most timeout_ns, handling
 * other answers meanwhile; cb hears the answer (and the events before
 * it).  For set-up and the start of a case: it blocks.  Returns 0 when
 * an ok or err answer came, -1 on time-out or a failed channel (err).
 */
int agc_call(struct agc *c, uint64_t timeout_ns, agc_cb *cb, void *arg,
    char *err, size_t errlen, const char *fmt, ...)
    __attribute__((__format__(__printf__, 7, 8)));

/* cb no longer hears request id (its answer is dropped when it comes). */
void agc_forget(struct agc *c, uint64_t id);

/* The value of key in a, or NULL (its length in *len if len not NULL). */
const char *agc_val(const struct agc_ans *a, const char *key, size_t *len);

/* Does hello's comma list key (verbs, services, opts) name name? */
bool agc_offers(const struct agc *c, const char *key, const char *name);

/* hello's value of key ("os", "agent"), or "" when it gave none. */
const char *agc_hello(const struct agc *c, const char *key);

/* NULL while the channel works, else why it failed. */
const char *agc_dead(const struct agc *c);

/* Close the channel (the agent then closes every socket it holds). */
void agc_free(struct agc *c);

#endif
