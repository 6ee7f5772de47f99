/*
 * known.c - the expectation file of --expect (known.h), read with
 * libyaml's document API like the case loader, and as strictly: every
 * problem is a "file:line:col:" message, unknown keys and duplicate ids
 * are errors, and an id must name a case of the run (known_check).  The
 * walk never goes deeper than root, list, entry, value, so an alias that
 * loops back cannot make it recurse.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "known.h"
#include "plan.h"
#include "util.h"

#define QUOTE_MAX 40	/* bytes of a value quoted in a message */

/* Add "file:line:col: message" (line 0: "file: message") to k->errs. */
static void __attribute__((format(printf, 4, 5)))
kerr(struct known *k, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *body;

	if (k->nerrs >= KNOWN_MAX_ERRS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	k->errs = xreallocarray(k->errs, k->nerrs + 1, sizeof(*k->errs));
	if (line == 0)
		k->errs[k->nerrs++] = xasprintf("%s: %s", k->file, body);
	else
		k->errs[k->nerrs++] = xasprintf("%s:%zu:%zu: %s", k->file,
		    line, col, body);
	free(body);
}

/* An error at node n (libyaml's marks count from 0). */
#define NERR(k, n, ...)	kerr((k), (n)->start_mark.line + 1,		\
	(n)->start_mark.column + 1, __VA_ARGS__)

/* Scalar n for a message: escaped, cut at QUOTE_MAX bytes (owned). */
static char *
quote(const yaml_node_t *n)
{
	size_t len;
	char *s, *q;

	if (n->type != YAML_SCALAR_NODE)
		return xstrdup(n->type == YAML_MAPPING_NODE ? "{...}" :
		    "[...]");
	len = n->data.scalar.length;
	s = tc_strsafe((const char *)n->data.scalar.value,
	    len > QUOTE_MAX ? QUOTE_MAX : len, 0);
	if (len <= QUOTE_MAX)
		return s;
	q = xasprintf("%s...", s);
	free(s);
	return q;
}

/* Is n a scalar spelling word? */
static bool
is_word(const yaml_node_t *n, const char *word)
{
	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(word) &&
	    memcmp(n->data.scalar.value, word, n->data.scalar.length) == 0;
}

/* A copy of scalar n, non-empty, without NUL, at most KNOWN_MAX_STR
 * bytes; or NULL after a message naming it what. */
static char *
get_str(struct known *k, const yaml_node_t *n, const char *what)
{
	const char *s;
	size_t len;

	if (n->type != YAML_SCALAR_NODE) {
		NERR(k, n, "%s must be a string", what);
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (len == 0 || strlen(s) != len || len > KNOWN_MAX_STR) {
		NERR(k, n, "%s must be a non-empty string of at most %d bytes, "
		    "without NUL", what, KNOWN_MAX_STR);
		return NULL;
	}
	return xstrdup(s);
}

/* The keys of an entry, in the order of struct known_entry. */
static const char *const entry_keys[] = { "id", "reason", "rfc" };
#define NKEYS 3

/* The index of key kn in entry_keys, or NKEYS. */
static size_t
entry_key(const yaml_node_t *kn)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (is_word(kn, entry_keys[i]))
			break;
	return i;
}

/* One item of the expect list: {id, reason, rfc}. */
static void
get_entry(struct known *k, yaml_document_t *doc, const yaml_node_t *n)
{
	const char *const *keys = entry_keys;
	char *val[NKEYS] = { NULL, NULL, NULL }, *q;
	yaml_node_pair_t *pr;
	yaml_node_t *kn;
	size_t e0 = k->nerrs, i;

	if (n->type != YAML_MAPPING_NODE) {
		NERR(k, n, "an expect entry must be a mapping of id, reason "
		    "and rfc");
		return;
	}
	for (pr = n->data.mapping.pairs.start;
	    pr < n->data.mapping.pairs.top; pr++) {
		kn = yaml_document_get_node(doc, pr->key);
		if ((i = entry_key(kn)) == NKEYS) {
			q = quote(kn);
			NERR(k, kn, "unknown key '%s' in an expect entry "
			    "(expected id, reason or rfc)", q);
			free(q);
		} else if (val[i] != NULL)
			NERR(k, kn, "duplicate key '%s'", keys[i]);
		else
			val[i] = get_str(k, yaml_document_get_node(doc,
			    pr->value), keys[i]);
	}
	for (i = 0; i < NKEYS && k->nerrs == e0; i++)
		if (val[i] == NULL)
			NERR(k, n, "an expect entry needs %s (id, reason and "
			    "rfc: the case, why the stack fails it, and the "
			    "RFC section it deviates from)", keys[i]);
	if (k->nerrs != e0) {
		for (i = 0; i < NKEYS; i++)
			free(val[i]);
		return;
	}
	k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
	k->v[k->n].id = val[0];
	k->v[k->n].reason = val[1];
	k->v[k->n].rfc = val[2];
	k->v[k->n].line = (int)n->start_mark.line + 1;
	k->v[k->n].col = (int)n->start_mark.column + 1;
	k->n++;
}

static void
get_list(struct known *k, yaml_document_t *doc, const yaml_node_t *n)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE) {
		NERR(k, n, "expect must be a sequence of {id, reason, rfc}");
		return;
	}
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		get_entry(k, doc, yaml_document_get_node(doc, *it));
}

/* The top level: {stack, expect}. */
static void
get_root(struct known *k, yaml_document_t *doc, const yaml_node_t *root)
{
	yaml_node_pair_t *pr;
	yaml_node_t *kn, *vn;
	bool seen = false, seen_stack = false;
	char *q;

	if (root->type != YAML_MAPPING_NODE) {
		NERR(k, root, "an expectation file must be a mapping with "
		    "expect (and stack)");
		return;
	}
	for (pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		kn = yaml_document_get_node(doc, pr->key);
		vn = yaml_document_get_node(doc, pr->value);
		if (is_word(kn, "stack") && !seen_stack) {
			seen_stack = true;
			k->stack = get_str(k, vn, "stack");
		} else if (is_word(kn, "expect") && !seen) {
			seen = true;
			get_list(k, doc, vn);
		} else if (is_word(kn, "stack") || is_word(kn, "expect"))
			NERR(k, kn, "duplicate key '%s'",
			    (const char *)kn->data.scalar.value);
		else {
			q = quote(kn);
			NERR(k, kn, "unknown key '%s' (expected stack or "
			    "expect)", q);
			free(q);
		}
	}
	if (!seen)
		NERR(k, root, "no expect list: expect: [{id, reason, rfc}, "
		    "...]");
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct known_entry *)a)->id,
	    ((const struct known_entry *)b)->id);
}

/*
 * The file into a NUL-terminated buffer (owned by the caller), or NULL
 * after a message.  Only a regular file, opened without blocking: a FIFO
 * could hang the run before it starts.
 */
static char *
read_file(struct known *k, const char *path, size_t *lenp)
{
	struct stat sb;
	size_t len = 0;
	ssize_t r = 0;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		kerr(k, 0, 0, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > KNOWN_MAX_FILE) {
		kerr(k, 0, 0, "%s", !S_ISREG(sb.st_mode) ? "not a regular "
		    "file" : "larger than 256 KiB");
		close(fd);
		return NULL;
	}
	buf = xmalloc(KNOWN_MAX_FILE + 1);
	while (len < KNOWN_MAX_FILE) {
		r = read(fd, buf + len, KNOWN_MAX_FILE - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (r < 0) {
		kerr(k, 0, 0, "%s", strerror(errno));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

int
known_load(const char *path, struct known *k)
{
	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_node_t *root;
	size_t len, i, line, col;
	char *buf;

	k->file = xstrdup(path);
	if ((buf = read_file(k, path, &len)) == NULL)
		return -1;
	if (!yaml_parser_initialize(&yp))
		fatalx("known: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&yp, &doc)) {
		if (yp.error == YAML_MEMORY_ERROR)
			fatalx("known: libyaml out of memory");
		line = yp.problem_mark.line + 1;
		col = yp.problem_mark.column + 1;
		/* A reader error (bad UTF-8) has only a byte offset. */
		if (yp.error == YAML_READER_ERROR)
			for (i = 0, line = col = 1; i < yp.problem_offset &&
			    i < len; i++, col++)
				if (buf[i] == '\n') {
					line++;
					col = 0;
				}
		kerr(k, line, col, "YAML syntax error: %s", yp.problem != NULL ?
		    yp.problem : "unknown error");
		yaml_parser_delete(&yp);
		free(buf);
		return -1;
	}
	if ((root = yaml_document_get_root_node(&doc)) == NULL)
		kerr(k, 0, 0, "empty: expected stack: and expect: [{id, "
		    "reason, rfc}, ...]");
	else
		get_root(k, &doc, root);
	yaml_document_delete(&doc);
	/* One document: a second one would be ignored without a word. */
	if (root != NULL && k->nerrs == 0 && yaml_parser_load(&yp, &doc)) {
		if ((root = yaml_document_get_root_node(&doc)) != NULL)
			NERR(k, root, "more than one YAML document: an "
			    "expectation file holds one");
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&yp);
	free(buf);
	if (k->n > 0)
		qsort(k->v, k->n, sizeof(*k->v), entry_cmp);
	for (i = 1; i < k->n; i++)
		if (strcmp(k->v[i - 1].id, k->v[i].id) == 0) {
			const struct known_entry *a = &k->v[i - 1],
			    *b = &k->v[i];

			/* qsort is not stable: name the later one. */
			if (a->line > b->line || (a->line == b->line &&
			    a->col > b->col)) {
				const struct known_entry *t = a;

				a = b;
				b = t;
			}
			kerr(k, (size_t)b->line, (size_t)b->col, "duplicate id "
			    "'%s' (first listed at line %d)", b->id, a->line);
		}
	return k->nerrs > 0 ? -1 : 0;
}

int
known_check(struct known *k, const struct plan *p)
{
	bool *used;
	size_t i, e0 = k->nerrs;
	char *q;

	if (k->n == 0)
		return 0;
	used = xcalloc(k->n, sizeof(*used));
	for (i = 0; i < p->ncases; i++) {
		const struct known_entry *e = known_find(k, p->cases[i].id);

		if (e != NULL)
			used[e - k->v] = true;
	}
	for (i = 0; i < k->n; i++) {
		if (used[i])
			continue;
		q = tc_strsafe(k->v[i].id, strlen(k->v[i].id), 0);
		kerr(k, (size_t)k->v[i].line, (size_t)k->v[i].col, "unknown "
		    "case id '%s': no case of the run has it", q);
		free(q);
	}
	free(used);
	return k->nerrs > e0 ? -1 : 0;
}

const struct known_entry *
known_find(const struct known *k, const char *id)
{
	struct known_entry key = { .id = (char *)id };

	if (k == NULL || k->n == 0)
		return NULL;
	return bsearch(&key, k->v, k->n, sizeof(*k->v), entry_cmp);
}

void
known_free(struct known *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->n; i++) {
		free(k->v[i].id);
		free(k->v[i].reason);
		free(k->v[i].rfc);
	}
	free(k->v);
	for (i = 0; i < k->nerrs; i++)
		free(k->errs[i]);
	free(k->errs);
	free(k->stack);
	free(k->file);
	memset(k, 0, sizeof(*k));
}
