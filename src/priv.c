/*
 * priv.c - least privilege after set-up.
 *
 * tcpconform needs CAP_NET_RAW (capture handle, raw socket) and
 * CAP_NET_ADMIN (SO_MARK on the raw socket, the nftables guard table) only
 * to open its handles.  Once they are open, the run itself needs nothing
 * but the descriptors it holds, so every capability goes, except one:
 *
 * CAP_NET_ADMIN stays in the effective and permitted sets for guard_close.
 * With an owner table (Linux >= 5.12) it is not needed: the kernel deletes
 * the table when the nft context's netlink socket closes, without any nft
 * call.  But on older kernels guard.c falls back to a plain table that
 * guard_close deletes with an nft command, which needs CAP_NET_ADMIN, and
 * guard.c does not tell which mode it is in.  Rather than widen guard.c's
 * interface, keep that one capability: it cannot be passed on to children
 * (inheritable, ambient and bounding sets are cleared, no_new_privs is
 * set).
 */
#include "config.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <errno.h>
#include <string.h>

#include "priv.h"
#include "util.h"

/*
 * Clear the bounding set (all but keep) so that nothing exec'd later can
 * regain a capability, not even through a set-uid root binary or root's
 * own exec.  Needs CAP_SETPCAP: a binary with file capabilities
 * cap_net_raw,cap_net_admin does not have it, and then this is skipped
 * silently (no_new_privs covers the set-uid case there).
 */
static int
priv_drop_bound(cap_t cur, cap_value_t keep, char *errbuf, size_t errlen)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_value_t c, max;

	if (cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &v) != 0 ||
	    v != CAP_SET)
		return 0;
	max = cap_max_bits();
	for (c = 0; c < max; c++) {
		if (c == keep || CAP_IS_SUPPORTED(c) == 0)
			continue;
		if (cap_drop_bound(c) != 0 && errno != EINVAL) {
			tc_errf(errbuf, errlen, "cannot drop capability %d "
			    "from the bounding set: %s", (int)c,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
priv_drop(char *errbuf, size_t errlen)
{
	const cap_value_t keep = CAP_NET_ADMIN;
	cap_flag_value_t held = CAP_CLEAR;
	cap_t cur, next = NULL;
	int rc = -1;

	if ((cur = cap_get_proc()) == NULL) {
		tc_errf(errbuf, errlen, "cap_get_proc: %s", strerror(errno));
		return -1;
	}
	if (priv_drop_bound(cur, keep, errbuf, errlen) != 0)
		goto out;

	/* Only keep what we have: asking for more would fail (EPERM). */
	(void)cap_get_flag(cur, keep, CAP_PERMITTED, &held);
	if ((next = cap_init()) == NULL) {	/* all sets empty */
		tc_errf(errbuf, errlen, "cap_init: %s", strerror(errno));
		goto out;
	}
	if (held == CAP_SET &&
	    (cap_set_flag(next, CAP_PERMITTED, 1, &keep, CAP_SET) != 0 ||
	    cap_set_flag(next, CAP_EFFECTIVE, 1, &keep, CAP_SET) != 0)) {
		tc_errf(errbuf, errlen, "cap_set_flag: %s", strerror(errno));
		goto out;
	}
	/*
	 * The main thread's sets are what /proc/PID/status shows; the tool
	 * runs no other threads, so this covers the whole process.
	 */
	if (cap_set_proc(next) != 0) {
		tc_errf(errbuf, errlen, "cannot drop capabilities: %s",
		    strerror(errno));
		goto out;
	}
	/* The ambient set is already empty once inheritable is (the kernel
	 * enforces ambient <= permitted & inheritable); reset it anyway. */
	if (CAP_AMBIENT_SUPPORTED())
		(void)cap_reset_ambient();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		tc_errf(errbuf, errlen, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	cap_free(next);
	cap_free(cur);
	return rc;
}
