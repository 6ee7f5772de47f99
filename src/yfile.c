/*
 * yfile.c - the small YAML files of the command line (yfile.h): read
 * bounded and whole, parsed with libyaml's document API, and every
 * problem a "file:line:col:" message.  The callers walk the document
 * themselves, never deeper than a fixed number of levels, so an alias
 * that loops back cannot make them recurse.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "util.h"
#include "yfile.h"

void
yf_err(struct yf_errs *e, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *body;

	if (e->n >= YF_MAX_ERRS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		fatalx("out of memory");
	va_end(ap);
	e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
	if (line == 0)
		e->v[e->n++] = xasprintf("%s: %s", e->file, body);
	else
		e->v[e->n++] = xasprintf("%s:%zu:%zu: %s", e->file, line, col,
		    body);
	free(body);
}

char *
yf_quote(const yaml_node_t *n)
{
	size_t len;
	char *s, *q;

	if (n->type != YAML_SCALAR_NODE)
		return xstrdup(n->type == YAML_MAPPING_NODE ? "{...}" :
		    "[...]");
	len = n->data.scalar.length;
	s = tc_strsafe((const char *)n->data.scalar.value,
	    len > YF_QUOTE_MAX ? YF_QUOTE_MAX : len, 0);
	if (len <= YF_QUOTE_MAX)
		return s;
	q = xasprintf("%s...", s);
	free(s);
	return q;
}

bool
yf_is_word(const yaml_node_t *n, const char *word)
{
	return n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(word) &&
	    memcmp(n->data.scalar.value, word, n->data.scalar.length) == 0;
}

char *
yf_get_str(struct yf_errs *e, const yaml_node_t *n, const char *what,
    size_t max)
{
	const char *s;
	size_t len;

	if (n->type != YAML_SCALAR_NODE) {
		YF_NERR(e, n, "%s must be a string", what);
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (len == 0 || strlen(s) != len || len > max) {
		YF_NERR(e, n, "%s must be a non-empty string of at most %zu "
		    "bytes, without NUL", what, max);
		return NULL;
	}
	return xstrdup(s);
}

/* The file into d->buf, NUL-terminated; -1 after a message. */
static int
read_file(struct yf_errs *e, struct yf_doc *d, size_t max)
{
	struct stat sb;
	size_t len = 0;
	ssize_t r = 0;
	int fd;

	if ((fd = open(e->file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		yf_err(e, 0, 0, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uintmax_t)sb.st_size > max) {
		if (!S_ISREG(sb.st_mode))
			yf_err(e, 0, 0, "not a regular file");
		else
			yf_err(e, 0, 0, "larger than %zu KiB", max / 1024);
		close(fd);
		return -1;
	}
	d->buf = xmalloc(max + 1);
	while (len < max) {
		r = read(fd, d->buf + len, max - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (r < 0) {
		yf_err(e, 0, 0, "%s", strerror(errno));
		return -1;
	}
	d->buf[len] = '\0';
	d->len = len;
	return 0;
}

yaml_node_t *
yf_open(struct yf_errs *e, struct yf_doc *d, size_t max)
{
	yaml_parser_t *yp = &d->yp;
	size_t i, line, col;

	if (read_file(e, d, max) != 0)
		return NULL;
	if (!yaml_parser_initialize(yp))
		fatalx("yfile: yaml_parser_initialize failed");
	d->parser = true;
	yaml_parser_set_input_string(yp, (const unsigned char *)d->buf,
	    d->len);
	if (!yaml_parser_load(yp, &d->doc)) {
		if (yp->error == YAML_MEMORY_ERROR)
			fatalx("yfile: libyaml out of memory");
		line = yp->problem_mark.line + 1;
		col = yp->problem_mark.column + 1;
		/* A reader error (bad UTF-8) has only a byte offset. */
		if (yp->error == YAML_READER_ERROR)
			for (i = 0, line = col = 1; i < yp->problem_offset &&
			    i < d->len; i++, col++)
				if (d->buf[i] == '\n') {
					line++;
					col = 0;
				}
		yf_err(e, line, col, "YAML syntax error: %s", yp->problem !=
		    NULL ? yp->problem : "unknown error");
		return NULL;
	}
	d->loaded = true;
	return yaml_document_get_root_node(&d->doc);
}

void
yf_close(struct yf_errs *e, struct yf_doc *d, bool more, const char *what)
{
	yaml_node_t *root = NULL;

	if (d->loaded) {
		root = yaml_document_get_root_node(&d->doc);
		yaml_document_delete(&d->doc);
	}
	/* One document: a second one would be ignored without a word. */
	if (more && root != NULL && e->n == 0 &&
	    yaml_parser_load(&d->yp, &d->doc)) {
		if ((root = yaml_document_get_root_node(&d->doc)) != NULL)
			YF_NERR(e, root, "more than one YAML document: %s "
			    "holds one", what);
		yaml_document_delete(&d->doc);
	}
	if (d->parser)
		yaml_parser_delete(&d->yp);
	free(d->buf);
	memset(d, 0, sizeof(*d));
}

void
yf_print(const struct yf_errs *e, FILE *f)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		tc_fputs_safe(e->v[i], f);
		fputc('\n', f);
	}
}

void
yf_errs_free(struct yf_errs *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}
