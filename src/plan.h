/*
 * plan.h - what a test-case file means once loaded: cases made of steps.
 * Produced by script.c, consumed by interp.c; every node keeps its
 * file:line:col so a failure can point at the YAML that caused it.
 */
#ifndef TC_PLAN_H
#define TC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seg.h"

struct plan_pos {
	const char *file;	/* owned by the plan (plan->files) */
	int line, col;		/* 1-based */
};

/*
 * A sequence or acknowledgement number in a step.  AUTO: the model
 * decides.  ABS: the literal value.  REL: an offset from the ISN of the
 * side owning that sequence space (our ISN for the seq we send and the ack
 * the target sends; the target's ISN otherwise), as tcpdump prints
 * relative numbers: "+1" after a SYN is the first data byte.
 */
enum plan_num_mode { PLAN_NUM_AUTO = 0, PLAN_NUM_ABS, PLAN_NUM_REL };

struct plan_num {
	enum plan_num_mode mode;
	int64_t v;
	struct plan_pos pos;
};

/*
 * Flags in a step.  set == false: the model decides (expect) or a default
 * applies (send).  exact: the segment's flags must equal value.  Otherwise
 * (a mask such as "+S -R", expect only) the bits in must are required and
 * the bits in mustnot forbidden.
 */
struct plan_flags {
	bool set;
	bool exact;
	uint16_t value, must, mustnot;
	struct plan_pos pos;
};

/* Options we offer in connect or put into send. */
struct plan_opts {
	bool set;		/* false: defaults (connect: MSS 1460) */
	struct seg_opt opts[SEG_MAX_OPTS];
	unsigned nopts;
};

enum plan_step_kind {
	PLAN_CONNECT = 0,	/* SYN, expect SYN-ACK, ACK through the model */
	PLAN_SEND,
	PLAN_EXPECT,
	PLAN_SILENCE,
	PLAN_STATE,
	PLAN_STEP_MAX
};

struct plan_send {
	struct plan_flags flags;	/* default "A" */
	struct plan_num seq, ack;
	bool win_set;
	uint16_t win;
	struct plan_opts opts;
	uint8_t *data;			/* payload, owned */
	size_t datalen;
};

struct plan_expect {
	struct plan_flags flags;	/* unset: what the model predicts */
	struct plan_num seq, ack;
	bool win_set;
	uint16_t win_min, win_max;
	bool data_set;
	uint8_t *data;			/* expected payload, owned */
	size_t datalen;
	uint64_t within_ns;		/* 0: the default (1 s) */
};

struct plan_connect {
	struct plan_opts opts;		/* options on our SYN */
	uint64_t within_ns;		/* wait for the SYN-ACK; 0: default */
};

struct plan_step {
	enum plan_step_kind kind;
	struct plan_pos pos;
	union {
		struct plan_connect connect;
		struct plan_send send;
		struct plan_expect expect;
		uint64_t silence_ns;
		int state;		/* enum tcpsm_state */
	} u;
};

struct plan_case {
	char *id;
	char *title;
	char **rfc;
	size_t nrfc;
	char *service;		/* a name given to -p, or "closed" */
	char **tags;
	size_t ntags;
	struct plan_step *steps;
	size_t nsteps;
	struct plan_pos pos;
};

struct plan {
	struct plan_case *cases;
	size_t ncases;
	char **files;		/* file names the positions point to */
	size_t nfiles;
};

/* plan.c */

/* Names of step kinds for messages ("connect", "send", ...). */
extern const char *const plan_step_names[PLAN_STEP_MAX];

/* Free everything a plan owns and zero it. */
void plan_free(struct plan *p);

#endif
