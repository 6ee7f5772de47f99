/*
 * oneshot.h - "tcpconform send": one crafted segment (or a short train)
 * from the command line, every reply decoded with its RTT, like hping3 or
 * nping; and a bounded SYN flood for load tests ("send --flood").
 */
#ifndef TC_ONESHOT_H
#define TC_ONESHOT_H

#include <netinet/in.h>
#include <stddef.h>

/* main.c's environment error printer: prints, returns exit status 3. */
typedef int oneshot_env_fn(const char *what, const char *err, int eperm);

/* oneshot.c */

/*
 * Run "send" with argv[0] == "send".  Returns the exit status: 0 a reply
 * arrived (--flood: the flood was sent), 1 no reply, 2 usage, 3
 * environment (through env_error).
 */
int oneshot_main(int argc, char **argv, oneshot_env_fn *env_error);

#endif
