/*
 * outfile.c - the report file of "run -o FILE" (outfile.h).
 *
 * Why not a temporary file renamed into place at the end: the run drops
 * its capabilities once its handles are open (priv.c), and root without
 * CAP_DAC_OVERRIDE may not rename in a user's directory where it could
 * create the file before; a rename would also give the report a new inode
 * (other owner, no hard links, a "tail -f" left behind) and cannot write
 * to a device or a pipe.  So the file is opened before the capabilities
 * go, after the capture and the injector opened (the run can start), and
 * truncated only then, through the descriptor that was checked.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

struct outfile {
	FILE *f;
	char *name;	/* for messages */
	int is_stdout;	/* standard output itself: flushed, not closed */
};

/* /dev/stdout, /dev/stderr, /dev/fd/N: our own descriptor N, or -1. */
static int
std_fd(const char *path)
{
	const char *p;
	char *end;
	long n;

	if (strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) != 0)
		return -1;
	p = path + 8;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || n > 65535)
		return -1;
	return (int)n;
}

static int
kind_ok(mode_t m)
{
	return S_ISREG(m) || S_ISCHR(m) || S_ISFIFO(m);
}

int
outfile_check(const char *path, char *errbuf, size_t errlen)
{
	struct stat sb;

	if (std_fd(path) >= 0)
		return 0;
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0;	/* created by outfile_open */
		tc_errf(errbuf, errlen, "%s", strerror(errno));
		return -1;
	}
	if (S_ISLNK(sb.st_mode)) {
		tc_errf(errbuf, errlen, "a symbolic link, not followed "
		    "(give the file it points to)");
		return -1;
	}
	if (!kind_ok(sb.st_mode)) {
		tc_errf(errbuf, errlen, "not a file, character device or "
		    "FIFO");
		return -1;
	}
	return 0;
}

struct outfile *
outfile_open(const char *path, char *errbuf, size_t errlen)
{
	struct outfile *o;
	struct stat sb;
	int fd, sfd;

	o = xcalloc(1, sizeof(*o));
	if (path == NULL) {
		o->f = stdout;
		o->is_stdout = 1;
		o->name = xstrdup("standard output");
		return o;
	}
	o->name = xstrdup(path);
	if ((sfd = std_fd(path)) >= 0) {
		fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
		if (fd == -1) {
			tc_errf(errbuf, errlen, "%s", strerror(errno));
			goto fail;
		}
		goto stream;
	}
	if (outfile_check(path, errbuf, errlen) != 0)
		goto fail;
	/* A new file, or what is there now: never through a symlink. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0666);
	if (fd == -1 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		tc_errf(errbuf, errlen, "%s", errno == ELOOP ? "a symbolic "
		    "link, not followed" : strerror(errno));
		goto fail;
	}
	if (fstat(fd, &sb) != 0 || !kind_ok(sb.st_mode) ||
	    (S_ISREG(sb.st_mode) && sb.st_nlink != 1)) {
		tc_errf(errbuf, errlen, "not a plain file (or one with other "
		    "hard links), not overwritten");
		close(fd);
		goto fail;
	}
	if (S_ISREG(sb.st_mode) && ftruncate(fd, 0) != 0) {
		tc_errf(errbuf, errlen, "%s", strerror(errno));
		close(fd);
		goto fail;
	}
stream:
	if ((o->f = fdopen(fd, "w")) == NULL) {
		tc_errf(errbuf, errlen, "%s", strerror(errno));
		close(fd);
		goto fail;
	}
	return o;
fail:
	free(o->name);
	free(o);
	return NULL;
}

FILE *
outfile_fp(struct outfile *o)
{
	return o->f;
}

int
outfile_close(struct outfile *o, char *errbuf, size_t errlen)
{
	int e = 0;

	if (o == NULL)
		return 0;
	/* ferror: a write that failed earlier, its errno gone (-1). */
	if (fflush(o->f) != 0)
		e = errno;
	else if (ferror(o->f))
		e = -1;
	if (!o->is_stdout && fclose(o->f) != 0 && e == 0)
		e = errno;
	if (e != 0)
		tc_errf(errbuf, errlen, "%s: cannot write the report: %s",
		    o->name, e > 0 ? strerror(e) : "a write failed");
	free(o->name);
	free(o);
	return e != 0 ? -1 : 0;
}
