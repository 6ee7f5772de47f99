/*
 * fuzz_known.c - libFuzzer harness for the expectation file of --expect
 * (known.c): any bytes, read from a file as known_load reads one (a
 * memfd, reopened through /proc/self/fd, is a regular file and touches no
 * disk), then its ids checked against a small plan and looked up as the
 * reporters do.  Nothing may crash, hang or leak, and an input that loads
 * has its entries sorted with no id twice.
 */
#include "config.h"

#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "known.h"
#include "plan.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct plan_case pc[2] = { { .id = (char *)"data/echo" },
	    { .id = (char *)"tmr/rto-backoff" } };
	static const struct plan p = { .cases = pc, .ncases = 2 };
	struct known k = { 0 };
	char path[64];
	size_t i;
	int fd;

	if ((fd = memfd_create("fuzz_known", MFD_CLOEXEC)) < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (known_load(path, &k) == 0) {
		for (i = 1; i < k.n; i++)
			if (strcmp(k.v[i - 1].id, k.v[i].id) >= 0)
				abort();
		known_check(&k, &p);
		for (i = 0; i < k.n; i++)
			if (known_find(&k, k.v[i].id) != &k.v[i])
				abort();
	} else if (k.errs.n == 0)
		abort();	/* a failure always says why */
	known_free(&k);
	close(fd);
	return 0;
}
