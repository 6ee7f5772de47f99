/*
 * runid.h - what makes one run distinct from every other run that shares
 * the host, its network namespace or the target: a random 64-bit run id
 * (names the guard table and the sysctl pins a run holds on the target),
 * and a range of source ports the run holds for its whole life.  Not the
 * pid: two containers sharing the host network both run as PID 1.
 */
#ifndef TC_RUNID_H
#define TC_RUNID_H

#include <stddef.h>
#include <stdint.h>

/* A run id in hex: 16 digits and the NUL. */
#define RUNID_STRLEN 17

struct run_ports;

/* runid.c */

/* A new random run id from getrandom(2) (never 0). */
uint64_t runid_new(void);

/* id as 16 lower-case hex digits into buf (RUNID_STRLEN bytes); buf. */
char *runid_str(uint64_t id, char *buf, size_t len);

/*
 * Pick span consecutive source ports at random in [lo_min, hi_max] that
 * no socket of this network namespace has bound, and hold them: each port
 * stays bound (a TCP socket, close-on-exec, never listening) until
 * runid_ports_free, so a second run here, and the kernel's own port
 * allocation, picks another range.  The sockets receive nothing: what the
 * target sends to these ports goes to the capture, and the guard drops the
 * kernel's RST.  Past 256 ports, or when the fd limit does not allow
 * holding more, the rest of the range is only checked.  Returns NULL with a message in errbuf when no
 * free range was found; *lo, *hi: the range.
 */
struct run_ports *runid_ports(unsigned span, uint16_t lo_min,
    uint16_t hi_max, uint16_t *lo, uint16_t *hi, char *errbuf,
    size_t errlen);

/* Release the ports (NULL: nothing). */
void runid_ports_free(struct run_ports *rp);

#endif
