/*
 * tcpsm.c - reference TCP model (RFC 9293), table-driven.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tcpsm.h"

/* RFC 9293 3.3.2 spelling, as ss(8) prints them. */
const char *const tcpsm_state_names[TCPSM_STATE_MAX] = {
	[TCPSM_CLOSED] = "CLOSED",
	[TCPSM_LISTEN] = "LISTEN",
	[TCPSM_SYN_SENT] = "SYN-SENT",
	[TCPSM_SYN_RECEIVED] = "SYN-RECEIVED",
	[TCPSM_ESTABLISHED] = "ESTABLISHED",
	[TCPSM_FIN_WAIT_1] = "FIN-WAIT-1",
	[TCPSM_FIN_WAIT_2] = "FIN-WAIT-2",
	[TCPSM_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCPSM_CLOSING] = "CLOSING",
	[TCPSM_LAST_ACK] = "LAST-ACK",
	[TCPSM_TIME_WAIT] = "TIME-WAIT",
};

const char *
tcpsm_state_name(int st)
{
	if (st < 0 || st >= TCPSM_STATE_MAX)
		return "?";
	return tcpsm_state_names[st];
}

int
tcpsm_state_parse(const char *name)
{
	int st;
	size_t i, n;

	for (st = 0; st < TCPSM_STATE_MAX; st++) {
		const char *ref = tcpsm_state_names[st];

		n = strlen(ref);
		if (strlen(name) != n)
			continue;
		for (i = 0; i < n; i++) {
			char c = (char)toupper((unsigned char)name[i]);

			if (c == '_')
				c = '-';
			if (c != ref[i])
				break;
		}
		if (i == n)
			return st;
	}
	return -1;
}

/*
 * Events: what the target receives from us (R_*) or sends (S_*).  A
 * received segment is classified once (classify()), then the table says
 * where the target goes and what it must answer.  "ACKFIN" means the
 * segment's ACK covers the FIN the target sent.
 */
enum tcpsm_event {
	EV_R_RST_EXACT = 0,	/* RST, SEG.SEQ == RCV.NXT */
	EV_R_RST_INWIN,		/* RST, in window but not exact */
	EV_R_RST_OUT,		/* RST outside the window */
	EV_R_SYN,		/* SYN, no ACK */
	EV_R_SYNACK,
	EV_R_NOACK,		/* neither SYN, RST nor ACK (e.g. bare FIN) */
	EV_R_ACK,		/* ACK (with or without data) */
	EV_R_ACKFIN,		/* ACK that covers the target's FIN */
	EV_R_BADACK,		/* ACK of something the target never sent */
	EV_R_FIN,		/* FIN+ACK */
	EV_R_FIN_ACKFIN,	/* FIN+ACK whose ACK covers the target's FIN */
	EV_R_OLD,		/* unacceptable segment (sequence test failed) */
	EV_R_SYN_NEW,		/* TIME-WAIT: SYN above RCV.NXT or with a newer TSval */
	EV_R_SYNACK_SIM,	/* SYN-RECEIVED after an active OPEN: a SYN-ACK
				 * of our SYN (simultaneous open, Figure 7) */
	EV_S_SYN,		/* the target sends a SYN (active open) */
	EV_S_SYNACK,
	EV_S_FIN,
	EV_S_RST,
	EV_S_OTHER,		/* ACK or data */
	EV_MAX
};

#define STAY (-1)

struct tcpsm_cell {
	int valid;		/* 0: not in the table (unexpected event) */
	int next;		/* a state, or STAY */
	enum tcpsm_reply reply;
	const char *rule;
	const char *why;
	enum tcpsm_level level;	/* how strongly rule asks for reply */
};

/*
 * A cell: next state, reply, the RFC level of the rule (MUST, SHOULD,
 * MAY), the rule, why.  RFC 9293 3.10.7's segment processing is MUST.
 * RFC 5961's challenge ACKs are SHOULD: RFC 9293 3.10.7.4 applies them
 * "for stacks implementing the protection", an optional mitigation.
 */
#define MUST TCPSM_MUST
#define SHOULD TCPSM_SHOULD
#define MAY TCPSM_MAY
#define C(n, r, lv, rl, w) { 1, (n), (r), (rl), (w), (lv) }

/*
 * The target's transitions, RFC 9293 3.10.7 ("SEGMENT ARRIVES") and
 * RFC 5961 for RST and SYN in synchronized states.  A zero cell means the
 * model has no rule; the target is then expected to stay and send nothing.
 */
static const struct tcpsm_cell fsm[TCPSM_STATE_MAX][EV_MAX] = {
	/* 3.10.7.1: no TCB.  Anything but a RST gets a RST. */
	[TCPSM_CLOSED] = {
		[EV_R_RST_EXACT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.1", "an incoming RST is discarded"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.1", "an incoming RST is discarded"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.1", "an incoming RST is discarded"),
		[EV_R_SYN] = C(STAY, TCPSM_R_RSTACK, MUST, "RFC 9293 3.10.7.1", "no listener: RST <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"),
		[EV_R_NOACK] = C(STAY, TCPSM_R_RSTACK, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_ACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_ACKFIN] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_FIN] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_FIN_ACKFIN] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_OLD] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.1", "no TCB: RST <SEQ=SEG.ACK><CTL=RST>"),
		[EV_S_SYN] = C(TCPSM_SYN_SENT, TCPSM_R_NONE, MUST, "RFC 9293 3.10.1", "active OPEN"),
		[EV_S_RST] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.1", "reset for a segment without TCB"),
	},
	/* 3.10.7.2: first RST, then ACK, then SYN. */
	[TCPSM_LISTEN] = {
		[EV_R_RST_EXACT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.2 (first)", "an incoming RST in LISTEN is ignored"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.2 (first)", "an incoming RST in LISTEN is ignored"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.2 (first)", "an incoming RST in LISTEN is ignored"),
		[EV_R_ACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_ACKFIN] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_FIN] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_FIN_ACKFIN] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_OLD] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.2 (second)", "an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_SYN] = C(TCPSM_SYN_RECEIVED, TCPSM_R_SYNACK, MUST, "RFC 9293 3.10.7.2 (third)", "a SYN in LISTEN gets <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"),
		[EV_R_NOACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.2 (fourth)", "other segments in LISTEN are dropped"),
		[EV_S_SYNACK] = C(TCPSM_SYN_RECEIVED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.2 (third)", "SYN-ACK sent"),
	},
	/* 3.10.7.3: the target as client (service "client"). */
	[TCPSM_SYN_SENT] = {
		[EV_R_SYNACK] = C(TCPSM_ESTABLISHED, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.3 (fourth)", "SYN-ACK acknowledging our SYN gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
		[EV_R_SYN] = C(TCPSM_SYN_RECEIVED, TCPSM_R_SYNACK, MUST, "RFC 9293 3.10.7.3 (fourth)", "simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.3 (first)", "unacceptable ACK in SYN-SENT gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.3 (second)", "RST acknowledging our SYN: connection refused"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.3 (second)", "RST without an acceptable ACK is dropped"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.3 (second)", "RST without an acceptable ACK is dropped"),
		[EV_S_SYN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.8.1", "SYN retransmission"),
	},
	[TCPSM_SYN_RECEIVED] = {
		[EV_R_RST_EXACT] = C(TCPSM_LISTEN, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST in SYN-RECEIVED from a passive OPEN returns to LISTEN"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_ACK] = C(TCPSM_ESTABLISHED, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth)", "acceptable ACK in SYN-RECEIVED enters ESTABLISHED; text on it is acknowledged"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_RST, MUST, "RFC 9293 3.10.7.4 (fifth)", "unacceptable ACK in SYN-RECEIVED gets <SEQ=SEG.ACK><CTL=RST>"),
		[EV_R_FIN] = C(TCPSM_CLOSE_WAIT, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "FIN (with an acceptable ACK) gets ACK ack=FIN+1"),
		[EV_R_SYN] = C(STAY, TCPSM_R_SYNACK, MUST, "RFC 9293 3.10.7.4 (first)", "retransmitted SYN: the SYN-ACK is repeated"),
		[EV_R_SYNACK_SIM] = C(TCPSM_ESTABLISHED, TCPSM_R_NONE, MUST, "RFC 9293 3.5 (Figure 7)", "simultaneous open: a SYN-ACK acknowledging our SYN enters ESTABLISHED"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
		[EV_S_SYNACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.8.1", "SYN-ACK retransmission"),
		[EV_S_FIN] = C(TCPSM_FIN_WAIT_1, TCPSM_R_NONE, MUST, "RFC 9293 3.10.4", "CLOSE in SYN-RECEIVED sends FIN"),
		[EV_S_RST] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth)", "reset for a bad ACK"),
	},
	[TCPSM_ESTABLISHED] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second); RFC 5961 3.2", "RST with SEG.SEQ == RCV.NXT resets the connection"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2; RFC 9293 3.10.7.4 (fourth)", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2; RFC 9293 3.10.7.4 (fourth)", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_NOACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth)", "a segment without ACK is dropped"),
		[EV_R_ACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (seventh)", "data is acknowledged <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth)", "an ACK of unsent data gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
		[EV_R_FIN] = C(TCPSM_CLOSE_WAIT, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "FIN is acknowledged and ESTABLISHED enters CLOSE-WAIT"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
		[EV_S_FIN] = C(TCPSM_FIN_WAIT_1, TCPSM_R_NONE, MUST, "RFC 9293 3.10.4", "CLOSE in ESTABLISHED sends FIN"),
		[EV_S_RST] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.5", "ABORT sends RST"),
		[EV_S_OTHER] = C(STAY, TCPSM_R_NONE, MUST, NULL, NULL),
	},
	[TCPSM_FIN_WAIT_1] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST with SEG.SEQ == RCV.NXT resets the connection"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_ACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (seventh)", "data is acknowledged"),
		[EV_R_ACKFIN] = C(TCPSM_FIN_WAIT_2, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth, FIN-WAIT-1)", "our FIN is acknowledged: FIN-WAIT-2"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth)", "an ACK of unsent data gets an ACK"),
		[EV_R_FIN] = C(TCPSM_CLOSING, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "simultaneous close: FIN in FIN-WAIT-1 is acknowledged, CLOSING"),
		[EV_R_FIN_ACKFIN] = C(TCPSM_TIME_WAIT, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "FIN that acknowledges our FIN is acknowledged: TIME-WAIT"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets an ACK"),
		[EV_S_FIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.8.1", "FIN retransmission"),
		[EV_S_RST] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.5", "ABORT sends RST"),
		[EV_S_OTHER] = C(STAY, TCPSM_R_NONE, MUST, NULL, NULL),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
	},
	[TCPSM_FIN_WAIT_2] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST with SEG.SEQ == RCV.NXT resets the connection"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_ACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (seventh)", "FIN-WAIT-2 still receives: data is acknowledged"),
		[EV_R_ACKFIN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (seventh)", "FIN-WAIT-2 still receives: data is acknowledged"),
		[EV_R_FIN] = C(TCPSM_TIME_WAIT, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "FIN in FIN-WAIT-2 is acknowledged: TIME-WAIT"),
		[EV_R_FIN_ACKFIN] = C(TCPSM_TIME_WAIT, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "FIN in FIN-WAIT-2 is acknowledged: TIME-WAIT"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets an ACK"),
		[EV_S_RST] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.5", "ABORT sends RST"),
		[EV_S_OTHER] = C(STAY, TCPSM_R_NONE, MUST, NULL, NULL),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth)", "an ACK of unsent data gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
	},
	[TCPSM_CLOSE_WAIT] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST with SEG.SEQ == RCV.NXT resets the connection"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_ACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth)", "an ACK in CLOSE-WAIT is processed, nothing to send"),
		[EV_R_FIN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "a retransmitted FIN in CLOSE-WAIT is acknowledged again"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets an ACK"),
		[EV_S_FIN] = C(TCPSM_LAST_ACK, TCPSM_R_NONE, MUST, "RFC 9293 3.10.4", "CLOSE in CLOSE-WAIT sends FIN: LAST-ACK"),
		[EV_S_RST] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.5", "ABORT sends RST"),
		[EV_S_OTHER] = C(STAY, TCPSM_R_NONE, MUST, NULL, NULL),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth)", "an ACK of unsent data gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
	},
	[TCPSM_CLOSING] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST in CLOSING closes"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_ACKFIN] = C(TCPSM_TIME_WAIT, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, CLOSING)", "the ACK of our FIN in CLOSING enters TIME-WAIT"),
		[EV_R_ACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, CLOSING)", "ACK not covering our FIN: stay in CLOSING"),
		[EV_R_FIN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "a retransmitted FIN in CLOSING is acknowledged"),
		[EV_R_FIN_ACKFIN] = C(TCPSM_TIME_WAIT, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "a retransmitted FIN in CLOSING is acknowledged"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets an ACK"),
		[EV_S_FIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.8.1", "FIN retransmission"),
		[EV_S_OTHER] = C(STAY, TCPSM_R_NONE, MUST, NULL, NULL),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_BADACK] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fifth)", "an ACK of unsent data gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"),
	},
	[TCPSM_LAST_ACK] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST in LAST-ACK closes"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_ACKFIN] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, LAST-ACK)", "the ACK of our FIN in LAST-ACK deletes the TCB"),
		[EV_R_ACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, LAST-ACK)", "ACK not covering our FIN: stay in LAST-ACK"),
		[EV_R_FIN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth)", "a retransmitted FIN in LAST-ACK is acknowledged"),
		[EV_R_FIN_ACKFIN] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, LAST-ACK)", "the ACK of our FIN in LAST-ACK deletes the TCB"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets an ACK"),
		[EV_S_FIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.8.1", "FIN retransmission"),
		[EV_S_OTHER] = C(STAY, TCPSM_R_NONE, MUST, NULL, NULL),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
	},
	[TCPSM_TIME_WAIT] = {
		[EV_R_RST_EXACT] = C(TCPSM_CLOSED, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (second)", "RST in TIME-WAIT closes (RFC 1337 asks to ignore it)"),
		[EV_R_RST_INWIN] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 3.2", "in-window RST gets a challenge ACK"),
		[EV_R_RST_OUT] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (first)", "out-of-window RST is dropped"),
		[EV_R_ACK] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, TIME-WAIT)", "only a retransmitted FIN is expected in TIME-WAIT"),
		[EV_R_ACKFIN] = C(STAY, TCPSM_R_NONE, MUST, "RFC 9293 3.10.7.4 (fifth, TIME-WAIT)", "only a retransmitted FIN is expected in TIME-WAIT"),
		[EV_R_FIN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth, TIME-WAIT)", "a retransmitted FIN in TIME-WAIT is acknowledged and restarts 2 MSL"),
		[EV_R_FIN_ACKFIN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (eighth, TIME-WAIT)", "a retransmitted FIN in TIME-WAIT is acknowledged and restarts 2 MSL"),
		[EV_R_OLD] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (first)", "unacceptable segment gets an ACK"),
		[EV_R_SYN] = C(STAY, TCPSM_R_ACK, MUST, "RFC 9293 3.10.7.4 (fourth); RFC 5961 4.2", "an old SYN in TIME-WAIT gets an ACK (RFC 6191 2 would drop it)"),
		[EV_R_SYNACK] = C(STAY, TCPSM_R_ACK, SHOULD, "RFC 5961 4.2", "SYN in a synchronized state gets a challenge ACK"),
		[EV_R_SYN_NEW] = C(TCPSM_SYN_RECEIVED, TCPSM_R_SYNACK, MAY, "RFC 9293 3.6.1 (MAY-2); RFC 6191 2", "a SYN above RCV.NXT (or with a newer TSval) reopens the connection from TIME-WAIT"),
	},
};

static const char *const reply_names[TCPSM_R_MAX] = {
	[TCPSM_R_NONE] = "nothing",
	[TCPSM_R_SYNACK] = "SYN-ACK",
	[TCPSM_R_ACK] = "ACK",
	[TCPSM_R_RST] = "RST",
	[TCPSM_R_RSTACK] = "RST-ACK",
};

static const uint16_t reply_flags[TCPSM_R_MAX] = {
	[TCPSM_R_SYNACK] = SEG_SYN | SEG_ACK,
	[TCPSM_R_ACK] = SEG_ACK,
	[TCPSM_R_RST] = SEG_RST,
	[TCPSM_R_RSTACK] = SEG_RST | SEG_ACK,
};

const char *
tcpsm_reply_name(int r)
{
	if (r < 0 || r >= TCPSM_R_MAX)
		return "?";
	return reply_names[r];
}

/* Sequence comparisons modulo 2^32 (RFC 9293 3.4). */
static int
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static int
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

void
tcpsm_init(struct tcpsm *m, enum tcpsm_state st)
{
	memset(m, 0, sizeof(*m));
	m->state = st;
	m->passive = st == TCPSM_LISTEN;
	m->our_ws = -1;
	m->rcv_wnd = 65535;
}

/* Did the target send a FIN that it has not yet seen acknowledged? */
static int
fin_sent(const struct tcpsm *m)
{
	switch (m->state) {
	case TCPSM_FIN_WAIT_1:
	case TCPSM_CLOSING:
	case TCPSM_LAST_ACK:
		return 1;
	default:
		return 0;
	}
}

/*
 * RFC 9293 3.10.7.4 first check, simplified: a segment without text is
 * acceptable when it falls in the receive window (or is at RCV.NXT when
 * the window is zero); text is accepted only in order, since the model
 * keeps no reassembly queue: out-of-order text earns the duplicate ACK
 * a target sends for it anyway.
 */
static int
acceptable(const struct tcpsm *m, const struct seg *s)
{
	if (seg_len(s) > 0)
		return s->seq == m->rcv_nxt;
	if (m->rcv_wnd == 0)
		return s->seq == m->rcv_nxt;
	return seq_leq(m->rcv_nxt, s->seq) &&
	    seq_lt(s->seq, m->rcv_nxt + m->rcv_wnd);
}

/* Our TSval, if s carries a timestamps option. */
static int
tsval(const struct seg *s, uint32_t *val)
{
	return seg_opt_ts(s, val, NULL) == 0;
}

/*
 * TIME-WAIT may accept a new SYN whose sequence number is above the old
 * connection's (RFC 9293 3.6.1 MAY-2, RFC 1122 4.2.2.13), or, with
 * timestamps, whose TSval is newer than TS.Recent (RFC 6191 2).
 */
static int
syn_is_new(const struct tcpsm *m, const struct seg *s)
{
	uint32_t v;

	if (seq_lt(m->rcv_nxt, s->seq))
		return 1;
	return m->have_ts_recent && tsval(s, &v) && seq_lt(m->ts_recent, v);
}

/* Classify a segment we send, from the target's point of view. */
static enum tcpsm_event
classify(const struct tcpsm *m, const struct seg *s)
{
	uint16_t f = s->flags;
	int have_tcb = m->state != TCPSM_CLOSED && m->state != TCPSM_LISTEN;

	if (f & SEG_RST) {
		/* 3.10.7.3 second: in SYN-SENT a RST counts only with an
		 * ACK of our SYN. */
		if (m->state == TCPSM_SYN_SENT)
			return (f & SEG_ACK) && m->have_iss &&
			    s->ack == m->iss + 1 ? EV_R_RST_EXACT :
			    EV_R_RST_OUT;
		if (!have_tcb || s->seq == m->rcv_nxt)
			return EV_R_RST_EXACT;
		/* RFC 9293 3.10.7.4 first check, on the target's window. */
		if (seq_leq(m->rcv_nxt, s->seq) &&
		    seq_lt(s->seq, m->rcv_nxt + m->rcv_wnd))
			return EV_R_RST_INWIN;
		return EV_R_RST_OUT;
	}
	if ((f & SEG_SYN) && (f & SEG_ACK)) {
		/* 3.10.7.3 first: the ACK is checked before the SYN. */
		if (m->state == TCPSM_SYN_SENT && m->have_iss &&
		    s->ack != m->iss + 1)
			return EV_R_BADACK;
		/* Figure 7: after SYNs crossed, the peer's SYN-ACK repeats
		 * its SYN and acknowledges ours. */
		if (m->state == TCPSM_SYN_RECEIVED && !m->passive &&
		    m->have_iss && m->have_irs && s->seq + 1 == m->rcv_nxt &&
		    s->ack == m->iss + 1)
			return EV_R_SYNACK_SIM;
		return EV_R_SYNACK;
	}
	if (f & SEG_SYN) {
		if (m->state == TCPSM_TIME_WAIT && syn_is_new(m, s))
			return EV_R_SYN_NEW;
		return EV_R_SYN;
	}
	if (!(f & SEG_ACK))
		return EV_R_NOACK;
	if (have_tcb && m->have_irs && !acceptable(m, s))
		return EV_R_OLD;
	if (have_tcb && m->have_iss && seq_lt(m->snd_nxt, s->ack))
		return EV_R_BADACK;
	if (m->state == TCPSM_SYN_RECEIVED && s->ack != m->iss + 1)
		return EV_R_BADACK;
	if (f & SEG_FIN)
		return fin_sent(m) && s->ack == m->snd_nxt ?
		    EV_R_FIN_ACKFIN : EV_R_FIN;
	return fin_sent(m) && s->ack == m->snd_nxt ? EV_R_ACKFIN : EV_R_ACK;
}

static void
set_expect(struct tcpsm *m, const struct tcpsm_cell *c, const struct seg *s)
{
	struct tcpsm_expect *e = &m->next;

	memset(e, 0, sizeof(*e));
	e->reply = c->reply;
	e->flags = reply_flags[c->reply];
	e->rule = c->rule;
	e->why = c->why;
	e->level = c->level;
	switch (c->reply) {
	case TCPSM_R_NONE:
		break;
	case TCPSM_R_SYNACK:
		e->seq_known = m->have_iss;
		e->seq = m->iss;
		e->ack = m->rcv_nxt;
		break;
	case TCPSM_R_ACK:
		e->seq_known = m->have_iss;
		e->seq = m->snd_nxt;
		e->ack = m->rcv_nxt;
		break;
	case TCPSM_R_RST:
		e->seq_known = 1;
		e->seq = s->ack;
		break;
	case TCPSM_R_RSTACK:
		e->seq_known = 1;
		e->seq = 0;
		e->ack = s->seq + seg_len(s);
		break;
	case TCPSM_R_MAX:
		break;
	}
}

/*
 * Advance RCV.NXT for what the target accepts: the SYN that opens, and
 * in-order text and FIN (RFC 9293 3.10.7.4 seventh and eighth; text
 * after a FIN is ignored).  Out-of-order data is not modelled: it is
 * classified EV_R_OLD and only earns an ACK.
 */
static void
advance_rcv(struct tcpsm *m, const struct seg *s, enum tcpsm_event ev)
{
	switch (ev) {
	case EV_R_SYN_NEW:
		m->have_iss = false;	/* the new incarnation picks a new ISS */
		m->irs = s->seq;
		m->rcv_nxt = s->seq + 1;
		return;
	case EV_R_SYN:
	case EV_R_SYNACK:
		if (m->state == TCPSM_LISTEN || m->state == TCPSM_SYN_SENT) {
			m->irs = s->seq;
			m->have_irs = true;
			m->rcv_nxt = s->seq + 1;
		}
		/* 3.10.7.3 fourth: text (and FIN) on a SYN-ACK that completes
		 * the active open go on to the sixth step and are
		 * acknowledged; on a SYN in LISTEN they are only queued
		 * (3.10.7.2 third), so the SYN-ACK acknowledges the SYN. */
		if (ev == EV_R_SYNACK && m->state == TCPSM_SYN_SENT)
			m->rcv_nxt = s->seq + seg_len(s);
		return;
	case EV_R_ACK:
	case EV_R_ACKFIN:
	case EV_R_FIN:
	case EV_R_FIN_ACKFIN:
		break;
	default:
		return;
	}
	switch (m->state) {
	case TCPSM_SYN_RECEIVED:
	case TCPSM_ESTABLISHED:
	case TCPSM_FIN_WAIT_1:
	case TCPSM_FIN_WAIT_2:
		if (s->seq == m->rcv_nxt)
			m->rcv_nxt += seg_len(s);
		break;
	default:
		break;
	}
}

/*
 * Options the target learns from us: our window scale offer (RFC 7323
 * 2.2: scaling is on only if both SYNs carry WS) and TS.Recent (7323 4.3,
 * updated by acceptable segments).
 */
static void
note_options_sent(struct tcpsm *m, const struct seg *s, enum tcpsm_event ev)
{
	uint32_t v;
	uint8_t ws;

	if ((s->flags & SEG_SYN) && !(s->flags & SEG_ACK))
		m->our_ws = seg_opt_ws(s, &ws) == 0 ? ws : -1;
	if (ev != EV_R_OLD && ev != EV_R_RST_OUT && tsval(s, &v)) {
		m->ts_recent = v;
		m->have_ts_recent = true;
	}
}

void
tcpsm_on_send(struct tcpsm *m, const struct seg *s)
{
	enum tcpsm_event ev = classify(m, s);
	const struct tcpsm_cell *c = &fsm[m->state][ev];
	static const struct tcpsm_cell none = { 1, STAY, TCPSM_R_NONE,
	    NULL, "the model has no rule for this segment in this state", MUST };
	uint32_t end = s->seq + seg_len(s);
	struct tcpsm_cell bare;
	static const struct tcpsm_cell to_closed = { 1, TCPSM_CLOSED,
	    TCPSM_R_NONE, "RFC 9293 3.10.7.4 (second)",
	    "RST in SYN-RECEIVED after an active OPEN: connection refused", MUST };

	static const struct tcpsm_cell dropped = { 1, STAY, TCPSM_R_NONE,
	    "RFC 9293 3.1 (MUST-3)",
	    "a segment with a bad checksum is discarded unseen", MUST };
	static const struct tcpsm_cell bad_doff = { 1, STAY, TCPSM_R_NONE,
	    "RFC 9293 3.1",
	    "a segment whose data offset is below 5 words or past its end "
	    "has no valid header and is discarded", MUST };

	/* Nothing of it counts: not its state effect, not its sequence
	 * space (a resend reuses the numbers, as after a loss). */
	if (s->bad_csum) {
		set_expect(m, &dropped, s);
		return;
	}
	if (seg_doff_bad(s)) {
		set_expect(m, &bad_doff, s);
		return;
	}
	if (!m->have_our || seq_lt(m->our_nxt, end))
		m->our_nxt = end;
	m->have_our = true;
	if (!c->valid)
		c = &none;
	/* An ACK cell's reply acknowledges text; a bare ACK earns nothing
	 * (RFC 9293 3.10.7.4 seventh: only text is acknowledged). */
	if ((ev == EV_R_ACK || ev == EV_R_ACKFIN) && c->reply == TCPSM_R_ACK &&
	    seg_len(s) == 0) {
		bare = *c;
		bare.reply = TCPSM_R_NONE;
		c = &bare;
	}
	advance_rcv(m, s, ev);
	note_options_sent(m, s, ev);
	/* RFC 9293 3.10.7.4 sixth..eighth: an ACK in SYN-RECEIVED enters
	 * ESTABLISHED before a FIN on the same segment is processed. */
	if (c->next == TCPSM_LISTEN && !m->passive)
		c = &to_closed;	/* 3.10.7.4 second: active OPEN -> CLOSED */
	if (c->next != STAY)
		m->state = c->next;
	if (m->state == TCPSM_LISTEN && c->next == TCPSM_LISTEN) {
		/* Back to LISTEN (3.10.7.4 second): the TCB is gone, the
		 * next connection has new ISNs (3.4.1). */
		m->have_iss = m->have_irs = false;
		m->iss = m->irs = m->snd_nxt = m->rcv_nxt = 0;
	}
	/* Our next sequence number follows what the target accepted: a
	 * segment it dropped (a SYN answered by a challenge ACK, text out of
	 * order) does not move it. */
	if (m->have_irs && m->state != TCPSM_CLOSED &&
	    m->state != TCPSM_LISTEN)
		m->our_nxt = m->rcv_nxt;
	set_expect(m, c, s);
}

void
tcpsm_on_recv(struct tcpsm *m, const struct seg *s)
{
	uint16_t f = s->flags;
	enum tcpsm_event ev;
	const struct tcpsm_cell *c;

	if (f & SEG_RST)
		ev = EV_S_RST;
	else if ((f & SEG_SYN) && (f & SEG_ACK))
		ev = EV_S_SYNACK;
	else if (f & SEG_SYN)
		ev = EV_S_SYN;
	else if (f & SEG_FIN)
		ev = EV_S_FIN;
	else
		ev = EV_S_OTHER;

	if ((f & SEG_SYN) && !m->have_iss) {
		m->iss = s->seq;
		m->have_iss = true;
		m->snd_nxt = s->seq;
	}
	if (!(f & SEG_RST) && m->have_iss) {
		uint32_t end = s->seq + seg_len(s);

		if (seq_lt(m->snd_nxt, end))
			m->snd_nxt = end;
	}
	if ((f & SEG_SYN) && (f & SEG_ACK)) {
		uint8_t ws;

		/* RFC 7323 2.2: the SYN-ACK's own window is never scaled;
		 * later windows are shifted if both sides sent WS (at most
		 * 14, 2.3). */
		m->target_ws = seg_opt_ws(s, &ws) == 0 && m->our_ws >= 0 ?
		    (ws > 14 ? 14 : ws) : 0;
	}
	if (!(f & SEG_RST))
		m->rcv_wnd = (f & SEG_SYN) ? s->win :
		    (uint32_t)s->win << m->target_ws;
	c = &fsm[m->state][ev];
	if (c->valid && c->next != STAY)
		m->state = c->next;
	memset(&m->next, 0, sizeof(m->next));
}

static const char *const level_verbs[TCPSM_LEVEL_MAX] = {
	[TCPSM_MUST] = "requires",
	[TCPSM_SHOULD] = "recommends",
	[TCPSM_MAY] = "allows",
};

const char *
tcpsm_level_verb(int level)
{
	if (level < 0 || level >= TCPSM_LEVEL_MAX)
		return "requires";
	return level_verbs[level];
}

char *
tcpsm_num_str(uint32_t v, bool have_base, uint32_t base, char *buf,
    size_t len)
{
	if (have_base)
		snprintf(buf, len, "%+" PRId32, (int32_t)(v - base));
	else
		snprintf(buf, len, "%" PRIu32, v);
	return buf;
}

/* The ISN numbers of side m's sequence space count from, if known; a SYN
 * not yet learnt counts from itself (as the segment lines do). */
static bool
side_base(const struct tcpsm *m, const struct seg *s, uint32_t *base)
{
	if (m->have_iss) {
		*base = m->iss;
		return true;
	}
	if (s != NULL && (s->flags & SEG_SYN)) {
		*base = s->seq;
		return true;
	}
	return false;
}

void
tcpsm_note(const struct tcpsm *target, const struct tcpsm *us, int before,
    const struct seg *sent, char *buf, size_t len)
{
	const struct tcpsm_expect *e = &target->next;
	char fl[24], n1[16], n2[16];
	uint32_t ours = 0, theirs = 0;
	bool have_ours, have_theirs;
	size_t n;

	if (sent == NULL) {
		snprintf(buf, len, "target in %s",
		    tcpsm_state_name(target->state));
		return;
	}
	have_ours = side_base(us, sent, &ours);
	have_theirs = side_base(target, NULL, &theirs);
	snprintf(buf, len, "target in %s got [%s] seq=%s: ",
	    tcpsm_state_name(before), seg_flags_str(sent->flags, fl,
	    sizeof(fl)), tcpsm_num_str(sent->seq, have_ours, ours, n1,
	    sizeof(n1)));
	n = strlen(buf);
	if (e->rule != NULL)
		snprintf(buf + n, len - n, "%s %s %s", e->rule,
		    tcpsm_level_verb(e->level), tcpsm_reply_name(e->reply));
	else
		snprintf(buf + n, len - n, "the model predicts %s",
		    tcpsm_reply_name(e->reply));
	n = strlen(buf);
	/* RST: SEQ=SEG.ACK, in the target's space; the others' ACK field is
	 * in ours (RFC 9293 3.10.7). */
	if (e->reply == TCPSM_R_RST)
		snprintf(buf + n, len - n, " seq=%s", tcpsm_num_str(e->seq,
		    have_theirs, theirs, n2, sizeof(n2)));
	else if (e->reply != TCPSM_R_NONE && (e->flags & SEG_ACK))
		snprintf(buf + n, len - n, " ack=%s", tcpsm_num_str(e->ack,
		    have_ours, ours, n2, sizeof(n2)));
	n = strlen(buf);
	snprintf(buf + n, len - n, " (now target %s, us %s)",
	    tcpsm_state_name(target->state), tcpsm_state_name(us->state));
}

int
tcpsm_zero_window(const struct seg *ours, const struct seg *s, char *why,
    size_t len)
{
	uint32_t start, end;

	if (ours == NULL || ours->win != 0 || !(ours->flags & SEG_ACK) ||
	    (ours->flags & (SEG_SYN | SEG_RST)) || s->paylen == 0 ||
	    (s->flags & (SEG_SYN | SEG_RST)) || !(s->flags & SEG_ACK) ||
	    seq_lt(s->ack, ours->seq + seg_len(ours)))
		return 0;
	/* Our ACK field is RCV.NXT, the window's left edge: what lies below
	 * it is a retransmission of data sent while the window was open. */
	start = s->seq;
	end = s->seq + (uint32_t)s->paylen;
	if (seq_lt(start, ours->ack))
		start = ours->ack;
	if (!seq_lt(start + 1, end))
		return 0;
	snprintf(why, len, "target sent %" PRIu32 " bytes into our zero "
	    "window (RFC 9293 3.8.6: a sender fits its segments into the "
	    "window offered; a zero-window probe carries at most one octet, "
	    "3.8.6.1)", end - start);
	return 1;
}

bool
tcpsm_our_numbers(const struct tcpsm *m, uint32_t *seq, uint32_t *ack)
{
	*seq = m->our_nxt;
	*ack = m->have_iss ? m->snd_nxt : 0;
	return m->have_iss;
}
