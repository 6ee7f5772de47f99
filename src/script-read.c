/*
 * script-read.c - the YAML loader's input: reading a file, the plan's copy
 * of its name, the pre-scan of the event stream for what the document API
 * would hide (aliases) or choke on (deep nesting), and libyaml's syntax
 * errors as messages.
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

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "util.h"

/* ---- files ------------------------------------------------------------- */

/*
 * Only regular files: a FIFO or a device could block for ever.  Opened
 * O_NONBLOCK too, since some files that stat calls regular block on read
 * (/proc/kmsg); they fail with EAGAIN instead.  The buffer starts at the
 * size fstat gives (a case is a few kB) and grows only for files that
 * report no size, such as those in /proc.
 */
int
scr_read_all(const char *path, char **buf, size_t *lenp, char *why,
    size_t whylen)
{
	struct stat sb = { 0 };
	size_t len = 0, cap;
	ssize_t r;
	int fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return SCR_READ_OPEN;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(why, whylen, "%s", S_ISREG(sb.st_mode) ?
		    strerror(errno) : "not a regular file");
		close(fd);
		return SCR_READ_OPEN;
	}
	/* One byte more than allowed tells a too large file apart. */
	cap = sb.st_size >= SCR_MAX_FILE ? SCR_MAX_FILE + 1 :
	    (size_t)sb.st_size + 1;
	if (cap < 4096)
		cap = 4096;
	*buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap == SCR_MAX_FILE + 1)
				break;
			cap = cap > (SCR_MAX_FILE + 1) / 2 ?
			    SCR_MAX_FILE + 1 : cap * 2;
			*buf = xrealloc(*buf, cap);
		}
		r = read(fd, *buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, whylen, "%s", strerror(errno));
			close(fd);
			return SCR_READ_READ;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > SCR_MAX_FILE) {
		snprintf(why, whylen, "file too large (more than %d bytes)",
		    SCR_MAX_FILE);
		return SCR_READ_READ;
	}
	*lenp = len;
	return 0;
}

/* The plan's copy of a file name, which positions point to. */
const char *
scr_plan_file(struct plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], name) == 0)
			return p->files[i];
	p->files = xreallocarray(p->files, p->nfiles + 1, sizeof(*p->files));
	return p->files[p->nfiles++] = xstrdup(name);
}

/* ---- the pre-scan and syntax errors ------------------------------------ */

static void scan_prob(struct scan *, size_t, const yaml_mark_t *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
scan_prob(struct scan *sc, size_t doc, const yaml_mark_t *m,
    const char *fmt, ...)
{
	va_list ap;

	sc->doc = doc;
	if (sc->n == SCR_MAX_PROBS)
		return;
	sc->probs[sc->n].mark = *m;
	va_start(ap, fmt);
	vsnprintf(sc->probs[sc->n].msg, sizeof(sc->probs[sc->n].msg), fmt,
	    ap);
	va_end(ap);
	sc->n++;
}

/* An anchor or alias name for a message. */
static const char *
qa(const yaml_char_t *a, char *buf, size_t len)
{
	return scr_quote(a, strlen((const char *)a), buf, len);
}

/*
 * Walk the event stream before loading, for what the loader would hide or
 * choke on.  It resolves aliases into shared nodes, invisible in the
 * document, so they are found here.  And libyaml's scanner costs time
 * proportional to the flow nesting for every token, so deep nesting is
 * stopped here, before the loader builds it.  Stops quietly at a syntax
 * error: the loader reports it.
 */
void
scr_scan_events(const char *buf, size_t len, struct scan *sc)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	yaml_char_t *a;
	size_t doc = 0, depth = 0;
	bool done = false;
	char q[QLEN];

	memset(sc, 0, sizeof(*sc));
	if (!yaml_parser_initialize(&yp))
		fatalx("script: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	while (!done && yaml_parser_parse(&yp, &ev)) {
		a = NULL;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			doc++;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = sc->doc != 0;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			scan_prob(sc, doc, &ev.start_mark, "aliases are not "
			    "supported (alias '*%s')",
			    qa(ev.data.alias.anchor, q, sizeof(q)));
			break;
		case YAML_SCALAR_EVENT:
			a = ev.data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			a = ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor :
			    ev.data.mapping_start.anchor;
			if (++depth > SCR_MAX_NEST) {
				scan_prob(sc, doc, &ev.start_mark, "YAML "
				    "nested more than %d levels deep",
				    SCR_MAX_NEST);
				done = true;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (a != NULL)
			scan_prob(sc, doc, &ev.start_mark, "aliases are not "
			    "supported (anchor '&%s')", qa(a, q, sizeof(q)));
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
}

void
scr_syntax_err(struct ld *ld, const yaml_parser_t *yp, const char *buf,
    size_t len)
{
	yaml_mark_t m = yp->problem_mark;
	const char *problem = yp->problem ? yp->problem : "unknown error";
	size_t i;

	if (yp->error == YAML_MEMORY_ERROR)
		fatalx("script: libyaml out of memory");
	if (yp->error == YAML_READER_ERROR) {
		/* Reader errors only have a byte offset. */
		memset(&m, 0, sizeof(m));
		for (i = 0; i < yp->problem_offset && i < len; i++) {
			if (buf[i] == '\n') {
				m.line++;
				m.column = 0;
			} else
				m.column++;
		}
	}
	if (yp->context != NULL)
		scr_mark_err(ld, &m, "YAML syntax error: %s (%s)", problem,
		    yp->context);
	else
		scr_mark_err(ld, &m, "YAML syntax error: %s", problem);
}
