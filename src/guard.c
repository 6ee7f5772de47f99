/*
 * guard.c - keep the tester's own kernel out of crafted connections: drop
 * the RSTs it would send for our source ports (DESIGN 4a).
 *
 * The table carries "flags owner": it belongs to the netlink socket of
 * our nft context, and the kernel deletes it when that socket closes, so
 * no exit path (SIGKILL included) leaves the host filtering.  That is why
 * the context stays open for the whole run.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "guard.h"
#include "inject.h"
#include "runid.h"
#include "util.h"

/* Names tried: a clash with a random 64-bit name is a bug elsewhere, or
 * a missing privilege (the kernel answers EPERM for another owner's
 * table and for no CAP_NET_ADMIN alike), so a few are enough to tell. */
#define GUARD_TRIES 4

struct guard {
	struct nft_ctx	*nft;
	char		 table[64];	/* GUARD_TABLE "_" RUNID */
	int		 fallback;	/* plain table: delete it ourselves */
};

/* A quiet context: libnftables prints to stdout/stderr otherwise. */
static struct nft_ctx *
guard_ctx(char *errbuf, size_t errlen)
{
	struct nft_ctx *nft;

	if ((nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		tc_errf(errbuf, errlen, "nft_ctx_new failed");
		return NULL;
	}
	if (nft_ctx_buffer_output(nft) != 0 || nft_ctx_buffer_error(nft) != 0) {
		tc_errf(errbuf, errlen, "nft: cannot buffer output");
		nft_ctx_free(nft);
		return NULL;
	}
	return nft;
}

/*
 * Run one command buffer (one transaction).  On failure put the first
 * line of nft's error ("Error: Could not process rule: ...") in errbuf
 * and set *eperm for "Operation not permitted" (a missing privilege, or
 * a table of that name owned by another process) and *eexist for "File
 * exists" (either may be NULL).
 */
static int
guard_run2(struct nft_ctx *nft, const char *cmd, char *errbuf, size_t errlen,
    int *eperm, int *eexist)
{
	const char *e;
	size_t n;
	int rc;

	errno = 0;
	rc = nft_run_cmd_from_buffer(nft, cmd);
	if (rc == 0) {
		/* Reading rewinds the buffer: drop warnings. */
		(void)nft_ctx_get_error_buffer(nft);
		return 0;
	}
	if (eperm != NULL && errno == EPERM)
		*eperm = 1;
	if (eexist != NULL && errno == EEXIST)
		*eexist = 1;
	e = nft_ctx_get_error_buffer(nft);
	if (e == NULL || *e == '\0')
		e = "unknown error";
	if (eperm != NULL && strstr(e, "Operation not permitted") != NULL)
		*eperm = 1;
	if (eexist != NULL && strstr(e, "File exists") != NULL)
		*eexist = 1;
	n = strcspn(e, "\n");
	tc_errf(errbuf, errlen, "nft: %.*s", (int)n, e);
	return -1;
}

static int
guard_run(struct nft_ctx *nft, const char *cmd, char *errbuf, size_t errlen,
    int *eperm)
{
	return guard_run2(nft, cmd, errbuf, errlen, eperm, NULL);
}

char *
guard_table_name(uint64_t id, char *buf, size_t len)
{
	char hex[RUNID_STRLEN];

	snprintf(buf, len, "%s_%s", GUARD_TABLE, runid_str(id, hex,
	    sizeof(hex)));
	return buf;
}

/* The whole guard as one nft script; owner selects "flags owner". */
static char *
guard_script(const char *table, int af, const union seg_addr *dst,
    uint16_t lo, uint16_t hi, int owner)
{
	char addr[INET6_ADDRSTRLEN], ports[16];

	seg_addr_str(af, dst, addr, sizeof(addr));
	if (lo == hi)
		snprintf(ports, sizeof(ports), "%u", lo);
	else
		snprintf(ports, sizeof(ports), "%u-%u", lo, hi);
	/*
	 * "create" fails (EEXIST, or EPERM for another process's owner
	 * table) where "add" would quietly join a table of that name: the
	 * name is random per run, and a clash is retried with another.
	 */
	return xasprintf(
	    "create table inet %s { %s}\n"
	    "add chain inet %s out { type filter hook output priority 0; "
	    "policy accept; }\n"
	    "add rule inet %s out %s daddr %s tcp sport %s "
	    "meta mark != 0x%x counter drop\n",
	    table, owner ? "flags owner; " : "",
	    table, table, af == AF_INET ? "ip" : "ip6", addr, ports,
	    INJ_MARK);
}

struct guard *
guard_open(int af, const union seg_addr *dst, uint16_t port_lo,
    uint16_t port_hi, char *errbuf, size_t errlen, int *eperm)
{
	struct guard *g;
	char *cmd;
	int t, perm, exist, nperm = 0, nexist = 0, owner = 1;

	*eperm = 0;
	if (port_lo > port_hi) {
		tc_errf(errbuf, errlen, "guard: bad port range %u-%u",
		    port_lo, port_hi);
		return NULL;
	}
	g = xcalloc(1, sizeof(*g));
	if ((g->nft = guard_ctx(errbuf, errlen)) == NULL) {
		free(g);
		return NULL;
	}
	/*
	 * A name per run, never per pid: two containers sharing the host's
	 * network both run as PID 1.  EPERM or EEXIST: another name; only
	 * when every name is refused with EPERM is it the privilege.
	 */
	for (t = 0; t < GUARD_TRIES; t++) {
		guard_table_name(runid_new(), g->table, sizeof(g->table));
		perm = exist = 0;
		cmd = guard_script(g->table, af, dst, port_lo, port_hi, owner);
		if (guard_run2(g->nft, cmd, errbuf, errlen, &perm,
		    &exist) == 0) {
			free(cmd);
			g->fallback = !owner;
			return g;
		}
		free(cmd);
		if (perm || exist) {
			nperm += perm;
			nexist += exist;
			continue;
		}
		if (!owner)
			goto fail;
		/* Owner tables need Linux 5.12: without them guard_close
		 * (or a later guard_clear, after a crash) deletes the
		 * table.  Same name, once more without the flag. */
		owner = 0;
		t--;
	}
	if (nperm == GUARD_TRIES)
		*eperm = 1;
	else
		tc_errf(errbuf, errlen, "nft: %d tables named %s_<random> "
		    "could not be created (%d exist already)", GUARD_TRIES,
		    GUARD_TABLE, nexist);
fail:
	nft_ctx_free(g->nft);
	free(g);
	return NULL;
}

void
guard_close(struct guard *g)
{
	char *cmd, err[256];

	if (g == NULL)
		return;
	if (g->fallback) {
		/* Nothing to report to: best effort, guard_clear mops up. */
		cmd = xasprintf("delete table inet %s\n", g->table);
		(void)guard_run(g->nft, cmd, err, sizeof(err), NULL);
		free(cmd);
	}
	/* Closes the netlink socket: the kernel drops an owner table. */
	nft_ctx_free(g->nft);
	free(g);
}

int
guard_clear(char *errbuf, size_t errlen)
{
	struct nft_ctx *nft;
	char family[16], name[256], err[256], *list, *line, *next, *cmd;
	const char *out;
	int n = 0;

	tc_errf(errbuf, errlen, "%s", "");
	if ((nft = guard_ctx(errbuf, errlen)) == NULL)
		return -1;
	if (guard_run(nft, "list tables", errbuf, errlen, NULL) != 0) {
		nft_ctx_free(nft);
		return -1;
	}
	/* Copy: the next command overwrites the output buffer. */
	out = nft_ctx_get_output_buffer(nft);
	list = xstrdup(out != NULL ? out : "");

	for (line = list; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (sscanf(line, "table %15s %255s", family, name) != 2 ||
		    strncmp(name, GUARD_TABLE, strlen(GUARD_TABLE)) != 0)
			continue;
		/* Another live run's owner table refuses (EPERM): go on. */
		cmd = xasprintf("delete table %s %s\n", family, name);
		if (guard_run(nft, cmd, err, sizeof(err), NULL) == 0)
			n++;
		else
			tc_errf(errbuf, errlen, "delete table %s %s: %s",
			    family, name, err);
		free(cmd);
	}
	free(list);
	nft_ctx_free(nft);
	return n;
}
