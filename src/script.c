/*
 * script.c - load YAML test cases into a plan.
 *
 * libyaml's document API gives every node its start mark, which is what
 * messages point at.  The schema is walked with tables: the top level, each
 * step kind, each option and each nested mapping list their keys with one
 * parser per key (or a generic one by the key's kind), so unknown,
 * duplicate and missing keys are checked in one place, scr_map_fields() in
 * script-value.c.  Parsing goes on after an error so that a run reports
 * every mistake at once; a case with an error is not added to the plan.
 *
 * The loader must survive hostile input: files are capped in size, aliases
 * are refused (no billion laughs), and recursion only follows the schema, so
 * its depth is bounded whatever the nesting of the YAML.
 *
 * This file has the public API: paths, directories, files and buffers,
 * each buffer a stream of documents.  The rest of the loader is layered,
 * each file calling only those below it (script-int.h declares what they
 * share):
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
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "plan.h"
#include "script.h"
#include "script-int.h"
#include "util.h"

/* ---- documents --------------------------------------------------------- */

static void
load_yaml(struct ld *ld, const char *buf, size_t len)
{
	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_node_t *root;
	struct scan sc;
	size_t i, ndoc = 0;

	scr_scan_events(buf, len, &sc);
	if (!yaml_parser_initialize(&yp))
		fatalx("script: yaml_parser_initialize failed");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	while (!ld->stop) {
		/* The bad document is never loaded, nor anything after it. */
		if (sc.doc != 0 && ndoc + 1 == sc.doc) {
			for (i = 0; i < sc.n; i++)
				scr_mark_err(ld, &sc.probs[i].mark, "%s",
				    sc.probs[i].msg);
			break;
		}
		if (!yaml_parser_load(&yp, &doc)) {
			scr_syntax_err(ld, &yp, buf, len);
			break;
		}
		if ((root = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		ndoc++;
		ld->doc = &doc;
		scr_case_load(ld, root);
		ld->doc = NULL;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&yp);
}

int
scr_load_buffer(const char *name, const char *buf, size_t len,
    struct plan *p, struct scr_errs *errs)
{
	struct ld ld;
	size_t i, n0 = errs->n;

	if (len > SCR_MAX_FILE) {
		scr_errs_add(errs, name, "file too large (%zu bytes, at most "
		    "%d)", len, SCR_MAX_FILE);
		return 1;
	}
	memset(&ld, 0, sizeof(ld));
	ld.p = p;
	ld.errs = errs;
	ld.file = scr_plan_file(p, name);
	/* For include cycles; NULL when name is not a file. */
	ld.incstack[0] = realpath(name, NULL);
	for (i = 0; i < p->ncases; i++)
		scr_ids_add(&ld.ids, p, i);
	load_yaml(&ld, buf, len);
	free(ld.ids.slot);
	free(ld.incstack[0]);
	free(ld.captured);
	return (int)(errs->n - n0);
}

/* ---- files and directories --------------------------------------------- */

static void
load_file(const char *path, struct plan *p, struct scr_errs *errs)
{
	char *buf, why[128];
	size_t len = 0;
	int r;

	if ((r = scr_read_all(path, &buf, &len, why, sizeof(why))) < 0)
		scr_errs_add(errs, path, "cannot %s: %s",
		    r == SCR_READ_OPEN ? "open" : "read", why);
	else
		scr_load_buffer(path, buf, len, p, errs);
	free(buf);
}

static bool
yaml_name(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Plain byte order: the same on every machine, whatever the locale. */
static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * The directories loaded so far, by device and inode: each is read once.
 * Without this, two symbolic links to "." make 2^SCR_MAX_DEPTH paths to
 * walk, and the load never ends.
 */
struct dirs_seen {
	struct dir_seen {
		dev_t dev;
		ino_t ino;
		char *path;
	} *v;
	size_t n;
};

static void load_path(const char *, int, bool, struct dirs_seen *,
    struct plan *, struct scr_errs *);

static void
load_dir(const char *path, const struct stat *sb, int depth,
    struct dirs_seen *seen, struct plan *p, struct scr_errs *errs)
{
	struct dirent **ents;
	char *sub;
	size_t j;
	int i, n;

	if (depth >= SCR_MAX_DEPTH) {
		scr_errs_add(errs, path, "directories nested more than %d deep "
		    "(symlink loop?)", SCR_MAX_DEPTH);
		return;
	}
	for (j = 0; j < seen->n; j++)
		if (seen->v[j].dev == sb->st_dev &&
		    seen->v[j].ino == sb->st_ino) {
			scr_errs_add(errs, path, "directory loaded already as "
			    "%s (symlink loop?)", seen->v[j].path);
			return;
		}
	seen->v = xreallocarray(seen->v, seen->n + 1, sizeof(*seen->v));
	seen->v[seen->n++] = (struct dir_seen){ sb->st_dev, sb->st_ino,
	    xstrdup(path) };
	if ((n = scandir(path, &ents, visible, by_name)) == -1) {
		scr_errs_add(errs, path, "cannot open: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		load_path(sub, depth + 1, false, seen, p, errs);
		free(sub);
		free(ents[i]);
	}
	free(ents);
}

/* named: given by the user, so loaded whatever its name. */
static void
load_path(const char *path, int depth, bool named, struct dirs_seen *seen,
    struct plan *p, struct scr_errs *errs)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		if (named || yaml_name(path))
			scr_errs_add(errs, path, "cannot open: %s",
			    strerror(errno));
		return;
	}
	if (S_ISDIR(sb.st_mode))
		load_dir(path, &sb, depth, seen, p, errs);
	else if (!named && !yaml_name(path))
		return;
	else if (!S_ISREG(sb.st_mode))
		scr_errs_add(errs, path, "not a regular file or directory");
	else
		load_file(path, p, errs);
}

int
scr_load(const char *path, struct plan *p, struct scr_errs *errs)
{
	struct dirs_seen seen = { NULL, 0 };
	size_t n0 = errs->n, i;

	if (*path == '\0') {
		scr_errs_add(errs, "(empty path)", "cannot open: %s",
		    strerror(ENOENT));
		return 1;
	}
	load_path(path, 0, true, &seen, p, errs);
	for (i = 0; i < seen.n; i++)
		free(seen.v[i].path);
	free(seen.v);
	return (int)(errs->n - n0);
}

void
scr_errs_free(struct scr_errs *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	memset(errs, 0, sizeof(*errs));
}

