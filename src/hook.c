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
#include <sys/syscall.h>
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

pid_t
hook_spawn(const struct hook *h, const char *cmd, int *pidfd, int *outfd,
    char *errbuf, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	int p[2] = { -1, -1 }, rc;
	pid_t pid;

	h->argv[h->argc] = (char *)cmd;
	h->argv[h->argc + 1] = NULL;
	if (outfd != NULL && pipe2(p, O_CLOEXEC) != 0) {
		tc_errf(errbuf, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (outfd != NULL)
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
	rc = posix_spawnp(&pid, h->argv[0], &fa, NULL, h->argv, environ);
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
	/* A pidfd (Linux 5.3) lets the event loop poll for the exit. */
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd < 0) {
		tc_errf(errbuf, errlen, "pidfd_open: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (outfd != NULL)
			close(*outfd);
		return -1;
	}
	return pid;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

int
hook_run(const struct hook *h, const char *cmd, uint64_t timeout_ns,
    char *out, size_t outlen, char *errbuf, size_t errlen)
{
	char buf[512];
	size_t got = 0;
	int pidfd, outfd, status, done = 0;
	uint64_t end = mono_ns() + timeout_ns;
	pid_t pid;

	pid = hook_spawn(h, cmd, &pidfd, &outfd, errbuf, errlen);
	if (pid < 0)
		return -1;
	while (!done) {
		struct pollfd pfd[2] = {
			{ outfd, POLLIN, 0 }, { pidfd, POLLIN, 0 },
		};
		uint64_t now = mono_ns();
		ssize_t n;

		if (now >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(pidfd);
			close(outfd);
			tc_errf(errbuf, errlen, "'%s' timed out", cmd);
			return -1;
		}
		if (poll(pfd, 2, (int)((end - now) /
		    NS_PER_MS) + 1) < 0 && errno != EINTR)
			break;
		if (outfd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP))) {
			n = read(outfd, buf + got, sizeof(buf) - 1 - got);
			if (n > 0 && got + (size_t)n < sizeof(buf) - 1) {
				got += (size_t)n;
			} else {
				close(outfd);
				outfd = -1;
			}
		}
		if (outfd < 0)
			done = 1;
	}
	if (outfd >= 0)
		close(outfd);
	waitpid(pid, &status, 0);
	close(pidfd);
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
