/*
 * hook.h - run commands on the target through the user's hook: a command
 * prefix that gets the command line as its last argument, e.g.
 * "ip netns exec tcl-target-42 sh -c" in the lab or "ssh dut sh -c".
 */
#ifndef TC_HOOK_H
#define TC_HOOK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hook;

/* hook.c */

/* Split prefix on blanks.  Returns NULL for an empty prefix. */
struct hook *hook_new(const char *prefix);
void hook_free(struct hook *h);

/*
 * Start cmd through the hook, its output to /dev/null (or to the pipe
 * *outfd when outfd is not NULL), with default signal handling, an
 * empty signal mask, no file descriptor of ours past 2 and a process
 * group of its own (end it with hook_kill).  Returns the child's pid, or -1 with errbuf set.
 * The caller reaps it (waitpid); its exit raises SIGCHLD.
 */
pid_t hook_spawn(const struct hook *h, const char *cmd, int *outfd,
    char *errbuf, size_t errlen);

/*
 * The same with iofd as the command's stdin and stdout (a socket it talks
 * through: tcpconform-agent over --agent-exec); stderr stays ours.
 */
pid_t hook_spawn_io(const struct hook *h, const char *cmd, int iofd,
    char *errbuf, size_t errlen);

/*
 * End a command hook_spawn started: SIGKILL to its process group (what it
 * started in the background too) and to itself, then reap it; its wait
 * status to *status when not NULL (the status it exited with, if it had).
 * Call it while the command is unreaped (waitid WNOWAIT to learn that it
 * exited): a reaped leader's group id may belong to someone else.
 */
void hook_kill(pid_t pid, int *status);

/*
 * Run cmd and wait at most timeout_ns.  Its first line of output goes to
 * out (may be NULL).  Returns the exit status (0..255), or -1 with errbuf
 * set (could not run, killed by a signal, timed out).
 */
int hook_run(const struct hook *h, const char *cmd, uint64_t timeout_ns,
    char *out, size_t outlen, char *errbuf, size_t errlen);

#endif
