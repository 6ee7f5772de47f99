/*
 * tcpsm.h - reference TCP model (RFC 9293) of the target's side of one
 * connection: its state, both ISNs, snd_nxt/rcv_nxt in both directions, and
 * what a conformant target must send next.
 */
#ifndef TC_TCPSM_H
#define TC_TCPSM_H

#include <stdbool.h>
#include <stdint.h>

#include "seg.h"

/* RFC 9293 3.3.2, Figure 5. */
enum tcpsm_state {
	TCPSM_CLOSED = 0,
	TCPSM_LISTEN,
	TCPSM_SYN_SENT,
	TCPSM_SYN_RECEIVED,
	TCPSM_ESTABLISHED,
	TCPSM_FIN_WAIT_1,
	TCPSM_FIN_WAIT_2,
	TCPSM_CLOSE_WAIT,
	TCPSM_CLOSING,
	TCPSM_LAST_ACK,
	TCPSM_TIME_WAIT,
	TCPSM_STATE_MAX
};

/* What the model predicts the target sends next. */
enum tcpsm_reply {
	TCPSM_R_NONE = 0,	/* nothing (segment dropped or absorbed) */
	TCPSM_R_SYNACK,		/* <SEQ=ISS><ACK=RCV.NXT><SYN,ACK> */
	TCPSM_R_ACK,		/* <SEQ=SND.NXT><ACK=RCV.NXT><ACK> */
	TCPSM_R_RST,		/* <SEQ=SEG.ACK><RST> */
	TCPSM_R_RSTACK,		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK> */
	TCPSM_R_MAX
};

/* The RFC 2119 level of a rule: "requires", "recommends", "allows". */
enum tcpsm_level { TCPSM_MUST = 0, TCPSM_SHOULD, TCPSM_MAY, TCPSM_LEVEL_MAX };

struct tcpsm_expect {
	enum tcpsm_reply reply;
	uint16_t flags;		/* SEG_* flags of that reply */
	bool seq_known;		/* false for a SYN-ACK: the ISS is not known yet */
	uint32_t seq, ack;
	const char *rule;	/* e.g. "RFC 9293 3.10.7.4 (eighth)" */
	const char *why;	/* short human reason */
	enum tcpsm_level level;	/* of rule */
};

struct tcpsm {
	enum tcpsm_state state;		/* the target's state */
	bool passive;			/* the connection began in LISTEN */
	bool have_iss, have_irs;
	uint32_t iss;			/* target's ISN */
	uint32_t irs;			/* our ISN */
	uint32_t snd_nxt;		/* target: next seq it sends */
	uint32_t rcv_nxt;		/* target: next seq it expects from us */
	uint32_t our_nxt;		/* our next seq (== rcv_nxt unless we skip) */
	bool have_our;			/* our_nxt is set (we sent something) */
	uint32_t rcv_wnd;		/* target's last window, scaled */
	int our_ws;			/* WS shift we offered on our SYN, -1: none */
	int target_ws;			/* shift applied to the target's windows */
	bool have_ts_recent;
	uint32_t ts_recent;		/* the target's TS.Recent: our last TSval */
	struct tcpsm_expect next;	/* prediction after the last event */
};

/* tcpsm.c */

extern const char *const tcpsm_state_names[TCPSM_STATE_MAX];

/* "ESTABLISHED", "CLOSE-WAIT", ... (RFC spelling). */
const char *tcpsm_state_name(int st);

/*
 * Parse a state name; '_' and '-' are interchangeable, case-insensitive.
 * Returns the state or -1.
 */
int tcpsm_state_parse(const char *name);

/* "SYN-ACK", "RST", "nothing", ... */
const char *tcpsm_reply_name(int r);

/* Start a model with the target in state st (LISTEN or CLOSED for now). */
void tcpsm_init(struct tcpsm *m, enum tcpsm_state st);

/*
 * We send s to the target: advance our side, move the target's state as
 * RFC 9293 3.10.7 says and set m->next to the reply it must give.
 */
void tcpsm_on_send(struct tcpsm *m, const struct seg *s);

/*
 * The target sent s.  Learn its ISN from a SYN, advance snd_nxt, move its
 * state (e.g. our FIN acknowledged, its own FIN) and clear m->next.
 */
void tcpsm_on_recv(struct tcpsm *m, const struct seg *s);

/* "requires" (MUST), "recommends" (SHOULD), "allows" (MAY). */
const char *tcpsm_level_verb(int level);

/*
 * A sequence number v for a message: the signed 32-bit offset from base
 * when have_base ("+1", "-1000", as a case writes relative numbers),
 * else the absolute value ("98623").  Returns buf.
 */
char *tcpsm_num_str(uint32_t v, bool have_base, uint32_t base, char *buf,
    size_t len);

/*
 * Explain what the model expects after our last segment, for a failure
 * message: "target in ESTABLISHED got [F.] seq=+1: RFC 9293 3.10.7.4
 * (eighth) requires ACK ack=+2 (now target CLOSE-WAIT, us FIN-WAIT-1)".
 * target: the target's model; us: our side's (it learns our ISN from our
 * SYN); before: the target's state before sent; sent: our last segment,
 * NULL if none.  Each number is relative to the ISN of the side whose
 * sequence space it is in, as the segment lines of the message print it,
 * or absolute while that ISN is unknown; never a mix.  The rule's level
 * gives the verb (tcpsm_level_verb).
 */
void tcpsm_note(const struct tcpsm *target, const struct tcpsm *us,
    int before, const struct seg *sent, char *buf, size_t len);

/*
 * Did the target, in s, send data into the zero window our segment ours
 * offered (RFC 9293 3.8.6: a sender fits its segments into the offered
 * window)?  Only once s acknowledges ours, so the target had seen that
 * window, and only past the one octet a zero-window probe may carry
 * (3.8.6.1).  Returns 1 with "target sent N bytes into our zero window
 * (...)" in why, N the bytes past RCV.NXT; else 0.  ours may be NULL.
 */
int tcpsm_zero_window(const struct seg *ours, const struct seg *s, char *why,
    size_t len);

/*
 * Fill the ack and seq we should use for a segment we send now (our next
 * seq, the target's next seq).  Returns false while the target's ISN is
 * unknown (ack is then 0).
 */
bool tcpsm_our_numbers(const struct tcpsm *m, uint32_t *seq, uint32_t *ack);

#endif
