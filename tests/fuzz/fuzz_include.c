/*
 * fuzz_include.c - libFuzzer harness for loading from the file system
 * (script.c scr_load, script-step.c include): a directory searched
 * recursively, files that include each other with params, symbolic links
 * that loop, names that are not YAML.  Each input is written as a small
 * tree into a private temporary directory (under TMPDIR, else /dev/shm
 * or /tmp), made once per process and removed at exit; every run first
 * removes what the previous one wrote.
 *
 * Input: chunks separated by NUL bytes, written in turn to the names in
 * names[] (at most NNAMES; what is left over is ignored).  A chunk that
 * starts with '@' makes a symbolic link instead, to links[] picked by
 * its second byte.  The tree is loaded as a directory, then its first
 * file by name, as "tcpconform check DIR" and "check FILE" do.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"
#include "script.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"a.yaml", "inc.yaml", "sub/b.yaml", "sub/inc.yml", "sub/deep/c.yaml",
	"notes.txt", "sub/.hidden.yaml", "sub/deep/loop",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Link targets stay inside the tree: a loop, a parent, a file, nothing. */
static const char *const links[] = {
	".", "..", "../..", "a.yaml", "../inc.yaml", "sub", "missing",
	"deep/c.yaml",
};
#define NLINKS (sizeof(links) / sizeof(links[0]))

static char top[256];

static void
fz_cleanup(void)
{
	char p[512];
	size_t i;

	for (i = 0; i < NNAMES; i++) {
		snprintf(p, sizeof(p), "%s/%s", top, names[i]);
		(void)unlink(p);
	}
	snprintf(p, sizeof(p), "%s/sub/deep", top);
	(void)rmdir(p);
	snprintf(p, sizeof(p), "%s/sub", top);
	(void)rmdir(p);
}

static void
fz_rmtop(void)
{
	fz_cleanup();
	(void)rmdir(top);
}

static void
fz_init(void)
{
	const char *t = getenv("TMPDIR");
	struct stat sb;

	if (t == NULL || *t == '\0')
		t = stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(top, sizeof(top), "%s/fuzz_include.XXXXXX", t);
	if (mkdtemp(top) == NULL)
		fatalx("fuzz_include: mkdtemp %s: %s", top, strerror(errno));
	atexit(fz_rmtop);
}

static void
fz_write(const char *path, const uint8_t *p, size_t n)
{
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return;		/* e.g. a link made it a directory */
	while (n > 0 && (w = write(fd, p, n)) > 0) {
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p = { 0 };
	struct scr_errs errs = { 0 };
	char path[512];
	size_t pos = 0, end, i;

	if (top[0] == '\0')
		fz_init();
	fz_cleanup();
	snprintf(path, sizeof(path), "%s/sub", top);
	(void)mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sub/deep", top);
	(void)mkdir(path, 0700);
	for (i = 0; i < NNAMES && pos <= size; i++) {
		for (end = pos; end < size && data[end] != 0; end++)
			;
		snprintf(path, sizeof(path), "%s/%s", top, names[i]);
		if (end - pos >= 1 && data[pos] == '@')
			(void)symlink(links[(end - pos >= 2 ? data[pos + 1] :
			    0) % NLINKS], path);
		else
			fz_write(path, data + pos, end - pos);
		pos = end + 1;
	}
	scr_load(top, &p, &errs);
	plan_free(&p);
	scr_errs_free(&errs);
	memset(&p, 0, sizeof(p));
	snprintf(path, sizeof(path), "%s/%s", top, names[0]);
	scr_load(path, &p, &errs);
	plan_free(&p);
	scr_errs_free(&errs);
	return 0;
}
