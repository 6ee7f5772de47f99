/*
 * priv.h - least privilege: once the capture handle, the raw socket and
 * the guard table are open, give up the capabilities the run no longer
 * needs.
 */
#ifndef TC_PRIV_H
#define TC_PRIV_H

#include <stddef.h>

/* priv.c */

/*
 * Drop every capability but CAP_NET_ADMIN from the effective, permitted
 * and inheritable sets (and the ambient set), clear the bounding set when
 * CAP_SETPCAP allows it, and set PR_SET_NO_NEW_PRIVS.  Works the same for
 * real root (uid 0 stays, the capabilities go) and for a binary with file
 * capabilities.  Call it only when no --target-exec hook is configured:
 * the hook's commands (ip netns exec, sudo, ...) need privileges.  Returns
 * 0, or -1 with a message in errbuf.
 */
int priv_drop(char *errbuf, size_t errlen);

#endif
