/*
 * lab.c - "tcpconform lab": run the suite, or a shell, against a Linux
 * target in network namespaces made for the purpose, so the first run
 * needs no second machine.  The namespaces, veth pair, pinned sysctls,
 * tcpconform-peer and clean-up on every exit path are the lab scripts'
 * job (lab.sh, common.sh); this wrapper finds them and puts tcpconform
 * itself inside.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "defaults.h"
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
	return TC_EXIT_ENV;
}

/* Where lab.sh records a lab (common.sh, LAB_STATE_DIR). */
static const char *
lab_state_dir(void)
{
	const char *env = getenv("TCPCONFORM_STATEDIR");

	return env != NULL && *env != '\0' ? env : "/run/tcpconform";
}

/* Field 22 of /proc/pid/stat, the start time; 0 when pid is gone. */
static unsigned long long
proc_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the command name, which may hold ") ". */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (i = 2; i < 22 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}

/* pid runs, and is the process that started at start (not a reuse). */
static int
proc_same(long pid, unsigned long long start)
{
	return pid > 0 && start != 0 && proc_start(pid) == start;
}

/* A lab namespace name: tcl-tester-PID or tcl-target-PID. */
static int
lab_ns_name(const char *name, long *pid)
{
	char rest[24];
	int n = 0;

	if (sscanf(name, "tcl-tester-%ld%n", pid, &n) != 1 &&
	    sscanf(name, "tcl-target-%ld%n", pid, &n) != 1)
		return 0;
	if (name[n] != '\0' || *pid <= 0)
		return 0;
	snprintf(rest, sizeof(rest), "%ld", *pid);
	return strcmp(name + 11, rest) == 0;
}

/* SIGKILL every process in namespace ns (by pid), then delete it. */
static int
ns_remove(const char *name)
{
	char cmd[300], line[64];
	FILE *f;
	long pid;
	long dummy;

	if (!lab_ns_name(name, &dummy))
		return -1;
	snprintf(cmd, sizeof(cmd), "ip netns pids '%s' 2>/dev/null", name);
	if ((f = popen(cmd, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%ld", &pid) == 1 && pid > 1)
				kill((pid_t)pid, SIGKILL);
		pclose(f);
	}
	snprintf(cmd, sizeof(cmd), "ip netns del '%s' 2>/dev/null", name);
	return system(cmd) == 0 ? 0 : -1;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Detach the mounts lab__confine made in a lab's directory dir. */
static void
lab_unconfine(const char *dir)
{
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/mnt/ns", dir);
	(void)umount2(p, MNT_DETACH);
	snprintf(p, sizeof(p), "%s/mnt", dir);
	(void)umount2(p, MNT_DETACH);
}

/*
 * One lab's state file (common.sh, lab__record): if its lab.sh is gone,
 * kill the processes it recorded (by pid, each checked against its start
 * time), delete its namespaces and its temporary directory, and the file.
 * Returns the number of things removed, -1 on an error.
 */
static int
lab_down_state(const char *path)
{
	char line[PATH_MAX + 16], kind[8], arg[PATH_MAX], *base;
	unsigned long long start;
	long pid;
	int n = 0, rc = 0, pass;
	FILE *f;

	for (pass = 0; pass < 3; pass++) {
		if ((f = fopen(path, "re")) == NULL)
			return 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (sscanf(line, "%7s", kind) != 1)
				continue;
			if (strcmp(kind, "lab") == 0 ||
			    strcmp(kind, "pid") == 0) {
				if (sscanf(line, "%*s %ld %llu", &pid,
				    &start) != 2)
					continue;
				if (pass == 0 && strcmp(kind, "lab") == 0 &&
				    proc_same(pid, start)) {
					fclose(f);
					return 0;	/* still running */
				}
				/* Its group too: the command's children
				 * (setsid made it a group leader). */
				if (pass == 1 && strcmp(kind, "pid") == 0 &&
				    proc_same(pid, start)) {
					kill((pid_t)-pid, SIGKILL);
					kill((pid_t)pid, SIGKILL);
					printf("killed process %ld\n", pid);
					n++;
				}
				continue;
			}
			if (sscanf(line, "%*s %4095[^\n]", arg) != 1 ||
			    pass != 2)
				continue;
			if (strcmp(kind, "ns") == 0) {
				char nsp[PATH_MAX + 16];
				struct stat st;

				snprintf(nsp, sizeof(nsp), "/run/netns/%s",
				    arg);
				if (!lab_ns_name(arg, &pid) ||
				    stat(nsp, &st) != 0)
					continue;
				if (ns_remove(arg) == 0) {
					printf("removed %s\n", arg);
					n++;
				} else {
					rc = -1;
				}
			} else if (strcmp(kind, "dir") == 0) {
				/* Only what mktemp made: an absolute
				 * .../tcl-lab.XXXXXX directory. */
				base = strrchr(arg, '/');
				if (arg[0] != '/' || base == NULL ||
				    strncmp(base + 1, "tcl-lab.", 8) != 0 ||
				    strstr(arg, "/../") != NULL)
					continue;
				if (access(arg, F_OK) != 0)
					continue;
				/* The target's mount namespace (common.sh,
				 * lab__confine) is bound in it. */
				lab_unconfine(arg);
				if (nftw(arg, rm_entry, 16,
				    FTW_DEPTH | FTW_PHYS) == 0) {
					printf("removed %s\n", arg);
					n++;
				} else {
					rc = -1;
				}
			}
		}
		fclose(f);
	}
	if (rc == 0 && unlink(path) != 0 && errno != ENOENT)
		rc = -1;
	return rc < 0 ? -1 : n;
}

/* Every dead lab that left a state file. */
static int
lab_down_states(int *removed)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = TC_EXIT_PASS, n;

	if ((d = opendir(lab_state_dir())) == NULL)
		return TC_EXIT_PASS;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "lab-", 4) != 0 ||
		    strstr(de->d_name, ".state") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", lab_state_dir(),
		    de->d_name);
		if ((n = lab_down_state(path)) < 0)
			rc = TC_EXIT_ENV;
		else
			*removed += n;
	}
	closedir(d);
	return rc;
}

/*
 * Remove what a lab whose lab.sh is gone (killed with SIGKILL, so its
 * traps never ran) left: first what its state file names (processes,
 * namespaces, temporary directory), then any namespace tcl-tester-PID or
 * tcl-target-PID whose PID is gone (a lab of an older version).
 */
static int
lab_down(void)
{
	FILE *f;
	char line[256], name[128];
	int removed = 0, rc;
	long pid;

	rc = lab_down_states(&removed);
	if ((f = popen("ip netns list 2>/dev/null", "re")) == NULL) {
		fprintf(stderr, "tcpconform: lab down: %s\n", strerror(errno));
		return TC_EXIT_ENV;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%127s", name) != 1 ||
		    !lab_ns_name(name, &pid))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			continue;	/* its lab is still running */
		if (ns_remove(name) == 0) {
			printf("removed %s\n", name);
			removed++;
		} else {
			rc = TC_EXIT_ENV;
		}
	}
	pclose(f);
	printf("removed %d stale item%s\n", removed,
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
		return TC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "down") == 0)
		return argc == 2 ? lab_down() :
		    (lab_usage(stderr), TC_EXIT_USAGE);
	if (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "shell") != 0) {
		lab_usage(stderr);
		return TC_EXIT_USAGE;
	}
	if (self_paths(self, sizeof(self), peer, sizeof(peer)) != 0) {
		fprintf(stderr, "tcpconform: lab: cannot find myself\n");
		return TC_EXIT_ENV;
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
			return TC_EXIT_USAGE;
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
			return TC_EXIT_USAGE;
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
