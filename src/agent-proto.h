/*
 * agent-proto.h - the line protocol of tcpconform-agent (tcpconform-agent(1)):
 * parsing a request line and formatting answer lines.  Pure functions on
 * caller-owned memory: no I/O, no socket, no global state, so the unit test
 * (tests/unit/test_agent_proto.c) can feed them any hostile line.
 *
 * A request is one line of printable ASCII, at most AGENT_MAXLINE bytes:
 *
 *	ID VERB [ARG...]	ARG: WORD, KEY=WORD, "TEXT" or KEY="TEXT"
 *
 * An answer is "ID ok [KEY=VALUE...]" or "ID err ERRNAME "MESSAGE"
 * [KEY=VALUE...]": exactly one per request, maybe after the answers to
 * requests sent later.  An event is "ID ev KIND [KEY=VALUE...]": any
 * number, before or after the answer (connect, serve).
 */
#ifndef TC_AGENT_PROTO_H
#define TC_AGENT_PROTO_H

#include <stdarg.h>
#include <stddef.h>

#define AGENT_PROTO	1		/* hello's proto=: bumped on a change */
#define AGENT_MAXLINE	4096		/* a request, without its newline */
#define AGENT_MAXARGS	8		/* positional, and KEY=, arguments */
#define AGENT_IDLEN	32		/* longest request id */
#define AGENT_READMAX	16384		/* read: most bytes in one answer */
#define AGENT_WRITEMAX	1048576		/* write: most pattern bytes */
#define AGENT_ANSMAX	(2 * AGENT_READMAX + 512)	/* one answer line */
#define AGENT_OUTMAX	(4 * 1024 * 1024)	/* answers not yet written */

/* The verbs, in the order of hello's verbs= list. */
enum agent_verb {
	AGENT_V_HELLO,
	AGENT_V_LISTEN,
	AGENT_V_ACCEPT,
	AGENT_V_CONNECT,
	AGENT_V_WRITE,
	AGENT_V_READ,
	AGENT_V_SHUTDOWN,
	AGENT_V_CLOSE,
	AGENT_V_ABORT,
	AGENT_V_SETSOCKOPT,
	AGENT_V_GETSOCKOPT,
	AGENT_V_INFO,
	AGENT_V_SERVE,
	AGENT_V_QUIT,
	AGENT_V_MAX
};

/*
 * One argument: key is NULL for a positional one.  val points into the
 * request's store, NUL-terminated; len is its length (a quoted TEXT may
 * hold a NUL written as \x00, so len is what counts for data).
 */
struct agent_arg {
	const char	*key;
	const char	*val;
	size_t		 len;
};

/* A parsed request.  Large (AGENT_MAXLINE of store): not for the stack of
 * a deep call chain, one per control channel is enough. */
struct agent_req {
	char			 id[AGENT_IDLEN + 1];
	enum agent_verb		 verb;
	int			 npos, nkey;
	struct agent_arg	 pos[AGENT_MAXARGS];
	struct agent_arg	 key[AGENT_MAXARGS];
	char			 store[AGENT_MAXLINE + 2];
};

/* Why a line is no request: an errno symbol and a message for "err". */
struct agent_perr {
	int		 errnum;
	char		 msg[160];
};

/*
 * Parse the len bytes at line (no newline; a trailing CR is ignored) into
 * *r.  Returns 0 for a request, 1 for a line to ignore (empty, or a
 * comment starting with '#'), -1 for a bad line: then r->id is the line's
 * id if it starts with a valid one, else "-", and *e says why (EMSGSIZE
 * too long, EINVAL bad byte, quoting or arguments, ENOSYS unknown verb,
 * E2BIG too many arguments).  The checks of each verb's argument count and
 * keys are made here, from the verb table; values are checked by the verb.
 */
int	 agent_proto_parse(const char *line, size_t len, struct agent_req *r,
	    struct agent_perr *e);

/*
 * The id a line starts with, into id (AGENT_IDLEN + 1 bytes), or "-" when
 * it starts with none: for the answer to a line too long to parse.
 */
void	 agent_proto_id(const char *line, size_t len, char *id);

/*
 * Split any line of the protocol (an answer too) into its words, KEY=
 * values and quoted texts, escapes decoded, as agent_proto_parse does:
 * into store (len + 1 bytes) and toks (maxtoks).  No check of bytes or
 * ids.  Returns the number of tokens, or -1 with *e set (a bad quote or
 * escape; E2BIG over maxtoks).
 */
int	 agent_proto_split(const char *line, size_t len, char *store,
	    struct agent_arg *toks, int maxtoks, struct agent_perr *e);

/* The value of argument key of r, or NULL when it was not given. */
const struct agent_arg *agent_req_key(const struct agent_req *r,
	    const char *key);

/* A verb's name ("listen"), or NULL past AGENT_V_MAX. */
const char *agent_proto_verbname(int verb);

/*
 * A decimal number s (all of it) in lo..hi into *v.  Returns 0, or -1 when
 * it is empty, not all digits (a leading '-' allowed), or out of range.
 */
int	 agent_proto_num(const char *s, long lo, long hi, long *v);

/*
 * A socket handle "s1".."s4294967295" into *n.  Returns 0, or -1 when s is
 * no handle (no leading zero, no sign, not 0).
 */
int	 agent_proto_handle(const char *s, unsigned *n);

/*
 * Decode the hex digits s (len of them, even, upper or lower case) into
 * out (cap bytes).  Returns the number of bytes, or -1 when a digit is
 * bad, the count is odd or out is too small.
 */
long	 agent_proto_unhex(const char *s, size_t len, unsigned char *out,
	    size_t cap);

/* "ECONNREFUSED" for ECONNREFUSED; "EUNKNOWN" for a number not known. */
const char *agent_proto_errname(int errnum);

/*
 * An answer line under construction.  Appending past AGENT_ANSMAX drops the
 * rest and marks the line "trunc=1" at its end (the limits of the verbs
 * keep that from happening).
 */
struct agent_ans {
	size_t		 len;
	int		 trunc;
	char		 buf[AGENT_ANSMAX];
};

/* Start "ID KIND" (kind "ok", "err" or "ev"). */
void	 agent_ans_begin(struct agent_ans *a, const char *id, const char *kind);

/*
 * Start "ID err ERRNAME "MESSAGE"", the message from fmt; more KEY=VALUE
 * may follow.
 */
void	 agent_ans_err(struct agent_ans *a, const char *id, int errnum,
	    const char *fmt, ...) __attribute__((__format__(__printf__, 4, 5)));

/* Append " KEY=VALUE" (" VALUE" when key is NULL), VALUE from fmt. */
void	 agent_ans_kv(struct agent_ans *a, const char *key, const char *fmt,
	    ...) __attribute__((__format__(__printf__, 3, 4)));

/*
 * Append " KEY="TEXT"" with ", \ and every byte outside printable ASCII
 * escaped (\" \\ \r \n \t \xHH), so the line stays one line.
 */
void	 agent_ans_quoted(struct agent_ans *a, const char *key, const void *p,
	    size_t len);

/* Append " KEY=HEX", two lower-case digits a byte (KEY= alone if len 0). */
void	 agent_ans_hex(struct agent_ans *a, const char *key, const void *p,
	    size_t len);

/*
 * Finish the line with its newline; returns the line and its length in
 * *lenp (both valid until *a changes).
 */
const char *agent_ans_end(struct agent_ans *a, size_t *lenp);

/*
 * The answers waiting for the control channel: a byte queue bounded by
 * AGENT_OUTMAX.  Zero it to start.
 */
struct agent_outq {
	char		*buf;
	size_t		 off, len, cap;
	unsigned long	 dropped;	/* lines lost to the bound */
};

/*
 * Finish a and queue it.  Returns 0, or -1 when it does not fit under
 * AGENT_OUTMAX or memory ran out (the line is dropped and counted).
 */
int	 agent_outq_put(struct agent_outq *q, struct agent_ans *a);

/* Bytes waiting (at q->buf + q->off), and n of them written. */
size_t	 agent_outq_pending(const struct agent_outq *q);
void	 agent_outq_done(struct agent_outq *q, size_t n);
void	 agent_outq_free(struct agent_outq *q);

#endif /* TC_AGENT_PROTO_H */
