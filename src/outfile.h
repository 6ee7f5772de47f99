/*
 * outfile.h - the report file of "run -o FILE": checked before anything
 * is opened, opened and truncated only once the run can start, and every
 * write, flush and close checked, so a report that could not be written
 * is an error (exit 3), never an empty file and exit 0.
 */
#ifndef TC_OUTFILE_H
#define TC_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct outfile;

/* outfile.c */

/*
 * Is path a place a report may go?  A symbolic link is refused (the name
 * is often predictable, in a shared directory), and so are a directory,
 * a block device and a socket.  /dev/stdout, /dev/stderr and /dev/fd/N
 * name our own descriptors and are always fine.  Returns 0, or -1 with a
 * message in errbuf.  Opens and changes nothing.
 */
int outfile_check(const char *path, char *errbuf, size_t errlen);

/*
 * Open path for the report: NULL is standard output; /dev/stdout,
 * /dev/stderr and /dev/fd/N a copy of that descriptor; a character device
 * or FIFO (/dev/full, /dev/null, a pipe) is written as it is; a new file
 * is created with O_EXCL and mode 0666 less the umask; an existing one is
 * truncated only if it is a plain file without other hard links.  Never
 * follows a symbolic link.  Returns NULL with a message in errbuf.
 */
struct outfile *outfile_open(const char *path, char *errbuf, size_t errlen);

/* The stream to write the report to. */
FILE *outfile_fp(struct outfile *o);

/*
 * Flush and close (standard output: our copy of it) and free o.  Returns 0,
 * or -1 with a message in errbuf when any write, the flush or the close
 * failed.  NULL: 0.
 */
int outfile_close(struct outfile *o, char *errbuf, size_t errlen);

#endif
