/*
 * script-int.h - the YAML loader's internal API, shared by its files and
 * not for use outside the loader (the rest of the tool has script.h).
 *
 * The files are layered; each calls only the files below it, and its
 * section below declares what it offers to those above:
 *
 *	script.c	paths, directories, files, documents (script.h)
 *	script-case.c	a document: one case, its keys, its matrix
 *	script-step.c	step sequences: any_of, repeat, include
 *	script-kind.c	the steps that hold no steps: send, expect...
 *	script-opt.c	TCP options to send, option expectations
 *	script-value.c	scalars, numbers, flags, data, key tables
 *	script-param.c	${name} parameters and their substitution
 *	script-read.c	reading files, the pre-scan, syntax errors
 *	script-ctx.c	messages, the budget, nodes, quoting
 *
 * Ownership: everything a parser builds belongs to the plan being loaded
 * (plan_free() walks it), also half-built after an error; the YAML
 * document belongs to whoever loaded it (script.c, or script-step.c for an
 * include) and a node pointer is good only while ld->doc is that
 * document.  Strings a getter returns point into the document: copy them
 * to keep them.  Parsers report through scr_lerr() and go on; a caller
 * tells whether a part failed by comparing ld->nerr before and after.
 */
#ifndef TC_SCRIPT_INT_H
#define TC_SCRIPT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"

#define SCR_MAX_FILE	(1024 * 1024)	/* bytes per file */
#define SCR_MAX_STEPS	10000		/* steps per case */
#define SCR_MAX_ERRS	100		/* messages per file */
#define SCR_MAX_DEPTH	32		/* directories (symlink loops) */
#define SCR_MAX_DATA	65535		/* payload bytes in one step */
#define SCR_OPT_SPACE	40		/* TCP option bytes (RFC 9293) */
#define SCR_MAX_NEST	64		/* YAML nesting (schema: 8) */
#define SCR_MAX_PROBS	10		/* anchors reported per doc */
#define QLEN		48		/* a value quoted in a message */
#define SCR_MAX_FILE_STEPS 100000	/* steps of all cases in a file */
#define SCR_MAX_COMBOS	1000		/* matrix combinations */
#define SCR_MAX_REPEAT	1000		/* repeat count */
#define SCR_MAX_ANYOF	4		/* any_of nesting */
#define SCR_MAX_ALTS	16		/* any_of alternatives */
#define SCR_MAX_INCLUDE	8		/* include nesting */
#define SCR_MAX_CMD	4096		/* exec command bytes */
#define SCR_MAX_OPTEXP	40		/* option expectations in an expect */
/*
 * What a whole plan may expand to.  A small file multiplies through
 * matrix x repeat x include (100,000 steps of 64 KiB payloads: 6.5 GB), so
 * the loader counts every node it visits (each repeat and matrix copy
 * again) and every byte of steps and payloads it builds, over all the
 * files of a plan.  The suite uses about 1/50 of each.
 */
#define SCR_MAX_NODES	(4 * 1000 * 1000)	/* node visits per plan */
#define SCR_MAX_PLAN_BYTES (64 * 1024 * 1024)	/* steps and payloads */

/* Payload bytes while parsing data: p owned, n bytes. */
struct bytes {
	uint8_t *p;
	size_t n;
};

/* ${name} values: matrix parameters and include params. */
struct param {
	char *name, *value;		/* owned */
};

/* A list of parameters, owned; free with scr_params_free(). */
struct params {
	struct param *v;
	size_t n;
};

/* A growing list of steps; v becomes the case's (or alternative's). */
struct stepv {
	struct plan_step *v;
	size_t n, cap;
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Case ids in the plan, hashed for the duplicate check (the ids are the
 * plan's; slot is the loader's, freed with free()).
 */
struct idset {
	size_t *slot;			/* index in p->cases + 1; 0: empty */
	size_t cap, n;			/* cap: a power of 2 */
};

/*
 * Loading one file: the context every parser gets.  scr_load_buffer()
 * creates it on its stack and frees ids.slot, incstack[0] and captured.
 */
struct ld {
	struct plan *p;			/* the caller's, filled */
	struct scr_errs *errs;		/* the caller's, appended to */
	struct idset ids;
	const char *file;		/* owned by p->files */
	yaml_document_t *doc;		/* the document being walked */
	size_t nerr;			/* messages for this file */
	bool stop;			/* too many errors: skip the rest */
	/* The case being loaded. */
	struct plan_case *c;
	bool *captured;			/* per c->vars[]: captured so far;
					 * owned, grown by scr_var_get() */
	size_t nsteps;			/* steps in c, all levels */
	size_t filesteps;		/* steps in every case of the file */
	bool toomany;			/* the step cap was reported */
	int nest;			/* any_of depth */
	const struct params *params;	/* ${name} values, not owned */
	int incdepth;
	/* realpaths, owned by the frame that pushed them; [0] the file */
	char *incstack[SCR_MAX_INCLUDE + 1];
	bool ts_form, ts_val_seen, ts_echo; /* the last option parsed */
	/* The last sack option parsed had a relative or $var edge: its
	 * edges as numbers, for the send-time resolution. */
	bool sack_rel;
	struct plan_num sack[SEG_MAX_SACK][2];
};

/*
 * Scalars whose value was replaced for one expansion, to restore: the new
 * value is owned (freed by scr_unswap()), the old one is the document's.
 */
struct swap {
	yaml_node_t *n;
	yaml_char_t *value;
	size_t length;
};

struct swaps {
	struct swap *v;
	size_t n;
};

/*
 * What the pre-scan found wrong in the first bad document: anchors or
 * aliases, or nesting too deep.
 */
struct scan {
	size_t doc;			/* 1-based; 0: nothing wrong */
	size_t n;
	struct {
		yaml_mark_t mark;
		char msg[96];
	} probs[SCR_MAX_PROBS];
};

/* How a key of a mapping is parsed when it has no parser of its own. */
enum fld_kind {
	FLD_FN,			/* field.parse does it all */
	FLD_NUM,		/* struct plan_num: N, +N, -N, $var */
	FLD_FLAGS,		/* struct plan_flags, send: letters only */
	FLD_XFLAGS,		/* struct plan_flags, expect: masks, any */
	FLD_UINT,		/* an unsigned of size 1, 2, 4 or 8, min..max */
	FLD_RANGE,		/* struct plan_range: N or [min, max] <= max */
	FLD_BOOL,		/* bool */
	FLD_DURATION,		/* uint64_t ns, over 0 */
	FLD_NODE,		/* yaml_node_t *: kept for the caller */
};

/*
 * A key of a mapping and its parser; dst is the struct being filled.  A key
 * with parse NULL is parsed by its kind into the member at off of dst, what
 * naming it in messages; set, when not 0, is 1 + the offset of a bool made
 * true when the value was parsed without error (FLD_UINT, FLD_BOOL).
 * Write entries with the F_* macros below.
 */
struct field {
	const char *name;		/* first member: see scr_join() */
	void (*parse)(struct ld *, yaml_node_t *, void *dst);
	bool required;
	enum fld_kind kind;
	size_t off, size, set;
	const char *what;
	uint64_t min, max;		/* FLD_UINT; max for FLD_RANGE */
};

#define FLD_SIZE(T, m)	sizeof(((T *)0)->m)
#define FLD_AT(T, m)	.off = offsetof(T, m), .size = FLD_SIZE(T, m)

/* A key with its own parser. */
#define F_FN(key, fn, req)	\
	{ .name = (key), .parse = (fn), .required = (req) }
/* A key parsed by kind k into member m of struct T. */
#define F_KIND(key, k, T, m, w, req)	\
	{ .name = (key), .required = (req), .kind = (k), FLD_AT(T, m), \
	    .what = (w) }
/* An unsigned in lo..hi; setm: a bool member set too, or omitted. */
#define F_UINT(key, T, m, w, lo, hi, req)	\
	{ .name = (key), .required = (req), .kind = FLD_UINT, FLD_AT(T, m), \
	    .what = (w), .min = (lo), .max = (hi) }
#define F_UINT_SET(key, T, m, setm, w, lo, hi, req)	\
	{ .name = (key), .required = (req), .kind = FLD_UINT, FLD_AT(T, m), \
	    .set = offsetof(T, setm) + 1, .what = (w), .min = (lo), \
	    .max = (hi) }
#define F_BOOL_SET(key, T, m, setm, w)	\
	{ .name = (key), .kind = FLD_BOOL, FLD_AT(T, m), \
	    .set = offsetof(T, setm) + 1, .what = (w) }
#define F_RANGE(key, T, m, w, hi)	\
	{ .name = (key), .kind = FLD_RANGE, FLD_AT(T, m), .what = (w), \
	    .max = (hi) }

/* ---- script-ctx.c: messages, the budget, nodes ------------------------- */

/*
 * Append "where: message" to errs (a message about a whole file or path);
 * errs owns the copy.
 */
void scr_errs_add(struct scr_errs *errs, const char *where, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * An error at mark m (line and column) of the current file, unless the file
 * has given up; past SCR_MAX_ERRS it gives up with one last message and
 * sets ld->stop.  Every message counts in ld->nerr.
 */
void scr_mark_err(struct ld *ld, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same, at node n's first character. */
void scr_lerr(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Charge nodes visits and bytes to the plan's budget (SCR_MAX_NODES,
 * SCR_MAX_PLAN_BYTES).  Over it: stops the file and returns false; the
 * first time in the plan with a message at n, later files quietly (no
 * case of theirs is added).
 */
bool scr_budget(struct ld *ld, const yaml_node_t *n, size_t nodes,
    size_t bytes);

/*
 * n bytes of s for a message, into buf (len bytes, at least 8):
 * non-printables escaped, a long value cut with "...".  Returns buf.
 */
const char *scr_quote(const unsigned char *s, size_t n, char *buf,
    size_t len);

/*
 * Scalar n's value for a message, into buf as scr_quote() does; "{...}" or
 * "[...]" (static strings) for a mapping or a sequence.
 */
const char *scr_qs(const yaml_node_t *n, char *buf, size_t len);

/*
 * "a, b, c", or "a, b or c" with last = " or ", into buf from a table of
 * n entries of stride bytes that start with their name (a struct's first
 * member, or a plain string).  Returns buf, cut at len.
 */
const char *scr_join(char *buf, size_t len, const void *tab, size_t n,
    size_t stride, const char *last);

#define JOIN(buf, tab, n, last)	\
	scr_join(buf, sizeof(buf), tab, n, sizeof((tab)[0]), last)

/*
 * Node id of the current document (ld->doc), charged to the budget: every
 * walk of the schema goes through here.  A missing node is fatal (libyaml
 * gave the id).
 */
yaml_node_t *scr_node(struct ld *ld, int id);

/* Item i of sequence n (i < scr_nitems(n)), as scr_node() gives it. */
yaml_node_t *scr_item(struct ld *ld, const yaml_node_t *n, size_t i);

/* Node n's position in the current file (the file name is ld->file's). */
struct plan_pos scr_pos(struct ld *ld, const yaml_node_t *n);

/* The pairs of mapping n, the items of sequence n. */
size_t scr_npairs(const yaml_node_t *n);
size_t scr_nitems(const yaml_node_t *n);

/* A plain empty, "~" or "null" scalar: what "key:" alone gives. */
bool scr_is_null(const yaml_node_t *n);

/* Does scalar n spell name exactly (no NUL tricks)? */
bool scr_is_word(const yaml_node_t *n, const char *name);

/* ---- script-read.c: files, the pre-scan -------------------------------- */

/*
 * Read a whole regular file of at most SCR_MAX_FILE bytes into *buf (owned
 * by the caller, also after an error) and *lenp.  Returns 0, or
 * SCR_READ_OPEN (no such file, not a regular file, no permission) or
 * SCR_READ_READ (a read failed, too large) with why filled in.
 */
#define SCR_READ_OPEN	(-1)
#define SCR_READ_READ	(-2)
int scr_read_all(const char *path, char **buf, size_t *lenp, char *why,
    size_t whylen);

/*
 * The plan's copy of file name name, added if new: positions point to it,
 * so it lives as long as p (p->files owns it).
 */
const char *scr_plan_file(struct plan *p, const char *name);

/*
 * Pre-scan buf for anchors, aliases and nesting beyond SCR_MAX_NEST; sc
 * tells the first bad document (sc->doc, 0 if none) and its problems.
 */
void scr_scan_events(const char *buf, size_t len, struct scan *sc);

/* Report libyaml's error in parser yp, which was reading buf. */
void scr_syntax_err(struct ld *ld, const yaml_parser_t *yp, const char *buf,
    size_t len);

/* ---- script-param.c: ${name} parameters -------------------------------- */

/* Append a copy of name (nlen bytes) = value (vlen bytes) to ps. */
void scr_params_add(struct params *ps, const char *name, size_t nlen,
    const char *value, size_t vlen);

/* Free ps's names and values and zero it. */
void scr_params_free(struct params *ps);

/*
 * Replace every ${name} in the scalars of doc, but those under node skipid
 * (0: none), by its value in ps, recording the old values in sw; an
 * unknown name is an error.  Charges the document's nodes to the budget.
 * scr_unswap() must restore them before doc is freed or substituted again.
 */
void scr_subst_doc(struct ld *ld, yaml_document_t *doc, int skipid,
    const struct params *ps, struct swaps *sw);

/* Restore the scalars scr_subst_doc() replaced, free them and zero sw. */
void scr_unswap(struct swaps *sw);

/* ---- script-value.c: scalars, key tables ------------------------------- */

/*
 * A non-empty scalar without NUL bytes (the document's string, not a
 * copy), or NULL after a message naming it what.
 */
const char *scr_get_str(struct ld *ld, yaml_node_t *n, const char *what);

/*
 * Unsigned decimal, or hex with 0x, at most max, into *v; no sign, no
 * blanks.  Returns 0, or -1 (no message).
 */
int scr_parse_uint(const char *s, uint64_t max, uint64_t *v);

/*
 * An integer scalar in min..max into *v.  Returns 0, or -1 after a
 * message.
 */
int scr_get_uint(struct ld *ld, yaml_node_t *n, const char *what,
    uint64_t min, uint64_t max, uint64_t *v);

/* A duration over 0 into *ns, or a message. */
void scr_get_duration(struct ld *ld, yaml_node_t *n, const char *what,
    uint64_t *ns);

/* true or false into *b.  Returns 0, or -1 after a message. */
int scr_get_bool(struct ld *ld, yaml_node_t *n, const char *what, bool *b);

/* A requirement level, MUST, SHOULD or MAY, into *l.  Returns 0, or -1
 * after a message. */
int scr_get_level(struct ld *ld, yaml_node_t *n, enum plan_level *l);

/*
 * N, or [min, max], each at most max, into *r (r->set, its position).
 * Returns 0, or -1 after a message.
 */
int scr_get_range(struct ld *ld, yaml_node_t *n, const char *what,
    uint64_t max, struct plan_range *r);

/* [lo, hi] durations.  Returns 0, or -1 after a message. */
int scr_get_duration_range(struct ld *ld, yaml_node_t *n, const char *what,
    uint64_t *lo, uint64_t *hi);

/*
 * A sequence number: N (or 0xN) absolute, +N or -N relative to the ISN, or
 * $var, $var+N, $var-N of a variable captured before; into *num, with its
 * position.  After a message *num is left as it was.
 */
void scr_get_num(struct ld *ld, yaml_node_t *n, const char *what,
    struct plan_num *num);

/*
 * Hex digits, blanks allowed anywhere, at most max bytes, into b (its old
 * buffer freed, the new one owned by b).  Returns 0, or -1 after a
 * message, b intact.
 */
int scr_get_hex(struct ld *ld, yaml_node_t *n, const char *what, size_t max,
    struct bytes *b);

/*
 * Payload: text as given, {hex: "0a0b"} or {len: N} filler bytes, replacing
 * *data (freed; the new one owned by the caller) and *len, charged to the
 * budget.  Returns 0, or -1 after a message, *data intact.
 */
int scr_get_data(struct ld *ld, yaml_node_t *n, uint8_t **data, size_t *len);

/*
 * Walk mapping map, parsing each key by its entry in f[] (its parse, else
 * its kind) into dst.  Unknown keys, duplicates and missing required keys
 * are errors; what names the mapping in messages (NULL at the top level).
 * Returns the keys seen as bits (nf <= 32).
 */
unsigned scr_map_fields(struct ld *ld, yaml_node_t *map, const char *what,
    const struct field *f, size_t nf, void *dst);

/* Length of the variable name at s ([A-Za-z_][A-Za-z0-9_]*), 0 if none. */
size_t scr_var_len(const char *s);

/*
 * The index of variable name (len bytes) in the case ld->c, registered
 * (a copy, owned by the case) if new, not yet captured.
 */
int scr_var_get(struct ld *ld, const char *name, size_t len);

/*
 * A use of variable name (len bytes) at n: its index, or -1 after a
 * message if no earlier step captured it.
 */
int scr_var_use(struct ld *ld, yaml_node_t *n, const char *name, size_t len);

/* ---- script-opt.c: TCP options ----------------------------------------- */

/*
 * A connect's or send's options key: a sequence of options to write, by
 * the codec's registry, into po (set; at most SCR_OPT_SPACE bytes).
 */
void scr_get_opts(struct ld *ld, yaml_node_t *n, struct plan_opts *po);

/*
 * An expect's options key: a sequence of option expectations into dst, a
 * struct plan_expect (its opts, owned by it).
 */
void scr_expect_options(struct ld *ld, yaml_node_t *n, void *dst);

/*
 * requires' options key: a sequence of option names that a target's SYN
 * can carry (mss, ws, sackok, ts) into kinds[0..*n), at most max, each
 * once.
 */
void scr_opt_kinds(struct ld *ld, yaml_node_t *n, uint8_t *kinds, size_t *np,
    size_t max);

/* ---- script-kind.c: the steps that hold no steps ----------------------- */

/*
 * Parse the value n of a step of this kind (name: its key, for messages)
 * into st, whose kind is set and whose defaults are filled in
 * (scr_step_defaults()).  What st points to is owned by st (plan_free()).
 */
typedef void scr_step_fn(struct ld *ld, yaml_node_t *n, struct plan_step *st,
    const char *name);

scr_step_fn scr_step_connect, scr_step_send, scr_step_expect,
    scr_step_silence, scr_step_state, scr_step_wait, scr_step_retransmits,
    scr_step_measure, scr_step_exec;

/* script-target.c: the target step (tcpconform-agent's verbs). */
scr_step_fn scr_step_target;

/*
 * Fill in the defaults of a zeroed step of kind st->kind: no variable in
 * seq or ack, df unchecked, the retransmission tolerance, the exec timeout.
 */
void scr_step_defaults(struct plan_step *st);

/* ---- script-step.c: step sequences ------------------------------------- */

/*
 * Append the steps of sequence n to sv, repeat and include spliced in;
 * stops at ld->stop or at the step caps.  sv owns the steps.
 */
void scr_parse_steps(struct ld *ld, yaml_node_t *n, struct stepv *sv);

/* ---- script-case.c: cases ---------------------------------------------- */

/*
 * Add p->cases[ci] to ids, growing it; ids->slot is the caller's to
 * free.
 */
void scr_ids_add(struct idset *ids, const struct plan *p, size_t ci);

/*
 * Load the case in document root (ld->doc), once per matrix combination,
 * and add each to ld->p unless it has an error; an empty document adds
 * nothing.  A document that is no case at all stops the file.
 */
void scr_case_load(struct ld *ld, yaml_node_t *root);

#endif
