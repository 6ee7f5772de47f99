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
	int fd;
	int err;	/* errno of the first failed write, 0: none */
};

/*
 * The stream writes through here (fopencookie) so that the errno of a
 * failed write is kept for the message: stdio keeps only an error flag,
 * and the reporters flush as they go.
 */
static ssize_t
of_write(void *cookie, const char *buf, size_t n)
{
	struct outfile *o = cookie;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = write(o->fd, buf + done, n - done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (o->err == 0)
				o->err = r == 0 ? EIO : errno;
			return done > 0 ? (ssize_t)done : -1;
		}
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static int
of_close(void *cookie)
{
	struct outfile *o = cookie;

	return close(o->fd);
}

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
	o->name = xstrdup(path != NULL ? path : "standard output");
	/* Standard output too goes through a copy of its descriptor, so
	 * that a failed write keeps its errno (of_write). */
	if ((sfd = path == NULL ? STDOUT_FILENO : std_fd(path)) >= 0) {
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
	o->fd = fd;
	if ((o->f = fopencookie(o, "w", (cookie_io_functions_t){
	    .write = of_write, .close = of_close })) == NULL) {
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
	/* ferror: a write that failed earlier; of_write kept its errno. */
	if (fflush(o->f) != 0 || ferror(o->f))
		e = o->err != 0 ? o->err : -1;
	if (fclose(o->f) != 0 && e == 0)
		e = o->err != 0 ? o->err : errno;
	if (e != 0)
		tc_errf(errbuf, errlen, "%s: cannot write the report: %s",
		    o->name, e > 0 ? strerror(e) : "a write failed");
	free(o->name);
	free(o);
	return e != 0 ? -1 : 0;
}
