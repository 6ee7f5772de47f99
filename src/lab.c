/*
 * lab.c - "tcpconform lab": run the suite, or a shell, against a Linux
 * target in network namespaces made for the purpose, so the first run
 * needs no second machine.  The namespaces, veth pair, pinned sysctls,
 * tcpconform-peer and clean-up on every exit path are the lab scripts'
 * job (lab.sh, common.sh); this wrapper finds them and puts tcpconform
 * itself inside.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab.h"
#include "util.h"

/* Run the suite inside: the lab's environment names target, services and
 * the hook into the target namespace.  The target is Linux, so it is
 * judged by the linux profile unless the user gives --profile.  Indexed
 * by [ipv6][spoof]: -6 runs to the target's IPv6 address, --spoof from an
 * address no interface owns (no guard). */
#define LAB_RUN_HEAD \
	"exec \"$0\" run --profile linux -x \"$TC_TARGET_EXEC\" " \
	"-p \"$TC_SERVICES\" "
static const char *const lab_run_script[2][2] = {
	{ LAB_RUN_HEAD "-t \"$TC_TARGET\" \"$@\"",
	  LAB_RUN_HEAD "-t \"$TC_TARGET\" -s \"$TC_SPOOF\" \"$@\"" },
	{ LAB_RUN_HEAD "-6 -t \"$TC_TARGET6\" \"$@\"",
	  LAB_RUN_HEAD "-6 -t \"$TC_TARGET6\" -s \"$TC_SPOOF6\" \"$@\"" },
};

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* lab.sh: the source tree's while it exists (a build being tried out),
 * else the installed copy. */
static const char *
lab_script(void)
{
	const char *env = getenv("TCPCONFORM_LABDIR");
	static char path[PATH_MAX];

	if (env != NULL) {
		snprintf(path, sizeof(path), "%s/lab.sh", env);
		return path;
	}
	if (is_file(LAB_SRCDIR "/lab.sh"))
		return LAB_SRCDIR "/lab.sh";
	return LAB_INSTDIR "/lab.sh";
}

/* Our own executable, and tcpconform-peer beside it if it is there. */
static int
self_paths(char *self, size_t len, char *peer, size_t plen)
{
	ssize_t n = readlink("/proc/self/exe", self, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	snprintf(peer, plen, "%s", self);
	if ((slash = strrchr(peer, '/')) != NULL)
		snprintf(slash + 1, plen - (size_t)(slash + 1 - peer),
		    "tcpconform-peer");
	if (!is_file(peer))
		snprintf(peer, plen, "tcpconform-peer");
	return 0;
}

static void
lab_usage(FILE *f)
{
	fprintf(f,
	    "usage: tcpconform lab run [-4|-6] [--spoof] [--sysctl KEY=VALUE]..."
	    " [--netem SPEC]\n"
	    "                          [--offloads off|default] "
	    "[run options] PATH ...\n"
	    "       tcpconform lab shell [--sysctl KEY=VALUE]... "
	    "[--netem SPEC]\n"
	    "                            [--offloads off|default]\n"
	    "       tcpconform lab down\n");
}

/* exec lab.sh with argv; returns only on failure. */
static int
exec_lab(char **argv)
{
	execv("/bin/bash", argv);
	fprintf(stderr, "tcpconform: lab: cannot run %s: %s\n", argv[1],
	    strerror(errno));
	return 3;
}

/*
 * Remove lab namespaces whose lab.sh is gone (killed with SIGKILL, so its
 * traps never ran).  Names are tcl-tester-PID and tcl-target-PID.
 */
static int
lab_down(void)
{
	FILE *f = popen("ip netns list 2>/dev/null", "r");
	char line[256], name[128], cmd[300];
	int removed = 0, rc = 0;
	long pid;

	if (f == NULL) {
		fprintf(stderr, "tcpconform: lab down: %s\n", strerror(errno));
		return 3;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%127s", name) != 1 ||
		    (sscanf(name, "tcl-tester-%ld", &pid) != 1 &&
		    sscanf(name, "tcl-target-%ld", &pid) != 1) || pid <= 0)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			continue;	/* its lab is still running */
		snprintf(cmd, sizeof(cmd), "ip netns del '%s'", name);
		if (system(cmd) == 0) {
			printf("removed %s\n", name);
			removed++;
		} else {
			rc = 3;
		}
	}
	pclose(f);
	printf("removed %d stale namespace%s\n", removed,
	    removed == 1 ? "" : "s");
	return rc;
}

int
lab_main(int argc, char **argv)
{
	char self[PATH_MAX], peer[PATH_MAX];
	char **av;
	int i, n = 0, k, paths = 0, v6 = 0, spoof = 0;

	if (argc < 2) {
		lab_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "down") == 0)
		return argc == 2 ? lab_down() : (lab_usage(stderr), 2);
	if (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "shell") != 0) {
		lab_usage(stderr);
		return 2;
	}
	if (self_paths(self, sizeof(self), peer, sizeof(peer)) != 0) {
		fprintf(stderr, "tcpconform: lab: cannot find myself\n");
		return 3;
	}
	av = xcalloc((size_t)argc + 16, sizeof(char *));
	av[n++] = "bash";
	av[n++] = (char *)lab_script();
	/* Lab options first, the rest goes to "run". */
	for (k = 2; k < argc; k++) {
		if (strcmp(argv[k], "-6") == 0 || strcmp(argv[k], "-4") == 0)
			v6 = argv[k][1] == '6';
		else if (strcmp(argv[k], "--spoof") == 0)
			spoof = 1;
		else if ((strcmp(argv[k], "--sysctl") == 0 ||
		    strcmp(argv[k], "--netem") == 0 ||
		    strcmp(argv[k], "--offloads") == 0) && k + 1 < argc) {
			av[n++] = argv[k++];
			av[n++] = argv[k];
		} else if (strncmp(argv[k], "--sysctl=", 9) == 0 ||
		    strncmp(argv[k], "--offloads=", 11) == 0) {
			av[n++] = argv[k];
		} else {
			break;
		}
	}
	av[n++] = "--peer";
	av[n++] = peer;
	av[n++] = "--";
	if (strcmp(argv[1], "shell") == 0) {
		if (k != argc) {
			lab_usage(stderr);
			free(av);
			return 2;
		}
		av[n++] = getenv("SHELL") ? getenv("SHELL") : "/bin/sh";
		av[n++] = "-i";
	} else {
		for (i = k; i < argc; i++)
			paths += argv[i][0] != '-';
		if (paths == 0) {
			fprintf(stderr, "tcpconform: lab run: no test case "
			    "PATH given\n");
			lab_usage(stderr);
			free(av);
			return 2;
		}
		av[n++] = "sh";
		av[n++] = "-c";
		av[n++] = (char *)lab_run_script[v6][spoof];
		av[n++] = self;
		for (i = k; i < argc; i++)
			av[n++] = argv[i];
	}
	av[n] = NULL;
	k = exec_lab(av);
	free(av);
	return k;
}
