/*
 * hook.c - the target hook: run a command on the device under test.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"
#include "util.h"

extern char **environ;

struct hook {
	char **argv;		/* prefix words, NULL-terminated, +1 slot */
	size_t argc;
};

struct hook *
hook_new(const char *prefix)
{
	struct hook *h;
	char *copy, *w, *save = NULL;

	if (prefix == NULL || strspn(prefix, " \t") == strlen(prefix))
		return NULL;
	h = xcalloc(1, sizeof(*h));
	copy = xstrdup(prefix);
	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		h->argv = xreallocarray(h->argv, h->argc + 3, sizeof(char *));
		h->argv[h->argc++] = xstrdup(w);
	}
	free(copy);
	return h;
}

void
hook_free(struct hook *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->argc; i++)
		free(h->argv[i]);
	free(h->argv);
	free(h);
}

/*
 * Start cmd through h: its stdin and stdout iofd when iofd >= 0, else
 * /dev/null in and /dev/null (or the pipe *outfd) out.
 */
static pid_t
spawn(const struct hook *h, const char *cmd, int iofd, int *outfd,
    char *errbuf, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int p[2] = { -1, -1 }, rc;
	pid_t pid;

	h->argv[h->argc] = (char *)cmd;
	h->argv[h->argc + 1] = NULL;
	if (outfd != NULL && pipe2(p, O_CLOEXEC) != 0) {
		tc_errf(errbuf, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	if (iofd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, iofd, 0);
		posix_spawn_file_actions_adddup2(&fa, iofd, 1);
	} else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		    O_RDONLY, 0);
	if (outfd != NULL)
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	else if (iofd < 0)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
	/* We block SIGINT, SIGTERM and SIGCHLD for our signalfd; the
	 * command must not inherit that. */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	/* Nothing of ours past stdio: our raw, capture and nftables
	 * sockets (libpcap, libnet and libnftables open theirs without
	 * close-on-exec) must not reach a command run as another user. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	/* A group of its own, so hook_kill reaches what it starts too. */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, h->argv[0], &fa, &attr, h->argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (p[1] >= 0)
		close(p[1]);
	if (rc != 0) {
		tc_errf(errbuf, errlen, "cannot run %s: %s", h->argv[0],
		    strerror(rc));
		if (p[0] >= 0)
			close(p[0]);
		return -1;
	}
	if (outfd != NULL)
		*outfd = p[0];
	return pid;
}

pid_t
hook_spawn(const struct hook *h, const char *cmd, int *outfd, char *errbuf,
    size_t errlen)
{
	return spawn(h, cmd, -1, outfd, errbuf, errlen);
}

pid_t
hook_spawn_io(const struct hook *h, const char *cmd, int iofd, char *errbuf,
    size_t errlen)
{
	return spawn(h, cmd, iofd, NULL, errbuf, errlen);
}

/* Milliseconds until end (monotonic), rounded up; 0 once past. */
static int
left_ms(uint64_t end)
{
	uint64_t now = tc_clock_ns(CLOCK_MONOTONIC);

	return now >= end ? 0 : (int)((end - now + NS_PER_MS - 1) / NS_PER_MS);
}

int
hook_run(const struct hook *h, const char *cmd, uint64_t timeout_ns,
    char *out, size_t outlen, char *errbuf, size_t errlen)
{
	char buf[512];
	size_t got = 0;
	int outfd, status;
	uint64_t end = tc_clock_ns(CLOCK_MONOTONIC) + timeout_ns;
	pid_t pid, r;

	pid = hook_spawn(h, cmd, &outfd, errbuf, errlen);
	if (pid < 0)
		return -1;
	/* Read its output until EOF, then reap it; both bounded by end. */
	while (outfd >= 0 && left_ms(end) > 0) {
		struct pollfd pfd = { outfd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, left_ms(end)) <= 0)
			continue;
		n = read(outfd, buf + got, sizeof(buf) - 1 - got);
		if (n > 0 && got + (size_t)n < sizeof(buf) - 1)
			got += (size_t)n;
		else if (n == 0 || (n < 0 && errno != EINTR)) {
			close(outfd);
			outfd = -1;
		}
	}
	/* Wait for it without reaping it (WNOWAIT): while it is a zombie its
	 * process group cannot be reused, so hook_kill ends exactly what it
	 * left running in the background. */
	for (;;) {
		siginfo_t si = { 0 };

		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == 0 && si.si_pid == pid) {
			r = pid;
			break;
		}
		if (left_ms(end) <= 1) {
			r = 0;
			break;
		}
		poll(NULL, 0, 2);
	}
	if (outfd >= 0)
		close(outfd);
	if (r != pid) {
		hook_kill(pid, NULL);
		tc_errf(errbuf, errlen, "'%s' timed out", cmd);
		return -1;
	}
	hook_kill(pid, &status);
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (out != NULL)
		snprintf(out, outlen, "%s", buf);
	if (!WIFEXITED(status)) {
		tc_errf(errbuf, errlen, "'%s' was killed by signal %d", cmd,
		    WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

void
hook_kill(pid_t pid, int *status)
{
	int st;

	if (pid <= 0)
		return;
	/* The group first (the leader, alive or a zombie, holds its id),
	 * then the leader itself, in case it left its group. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (status != NULL)
		*status = st;
}
