/*
 * util.h - small helpers shared by every module.
 */
#ifndef TC_UTIL_H
#define TC_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NS_PER_SEC 1000000000ULL
#define NS_PER_MS 1000000ULL

/*
 * Sending limits, one definition for "send" and for the cases of "run".
 * Paced sends (send -c with --interval, a measure step's probes) go at
 * most every TC_SEND_MIN_INTERVAL_NS and at most TC_SEND_MAX_COUNT of
 * them per command or case; only send --flood goes faster, and it stops
 * after TC_FLOOD_MAX_COUNT packets or TC_FLOOD_MAX_NS.
 */
#define TC_SEND_MIN_INTERVAL_NS NS_PER_MS
#define TC_SEND_MAX_COUNT 100000
#define TC_FLOOD_MAX_COUNT 10000000u
#define TC_FLOOD_MAX_NS (60 * NS_PER_SEC)

/* util.c */

/* Allocation that aborts with a message on failure (out of memory is not a
 * condition the tool can recover from). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* asprintf that aborts on failure; returns the new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * n bytes of s made safe for a terminal, as a new string: control
 * characters (C0 but '\n' when keep_nl, DEL, C1) and bytes that are not
 * UTF-8 become \xNN, so a case's title or a file name cannot move the
 * cursor, retitle the window or reprogram the terminal.  Valid printable
 * UTF-8 stays.
 */
char *tc_strsafe(const char *s, size_t n, int keep_nl);

/* fputs(s) through tc_strsafe (keep_nl 0). */
void tc_fputs_safe(const char *s, FILE *f);

/* snprintf into a fixed buffer, truncating safely. */
void tc_errf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Parse a duration: "250ms", "1s", "1.5s", "2m", "500us", "10ns"; a bare
 * number is seconds.  Only decimal digits with at most one '.': no hex
 * floats, exponents, signs or spaces.  Returns 0 and sets *ns, or -1 for
 * bad syntax or a value over a day.
 */
int tc_parse_duration(const char *s, uint64_t *ns);

/* Format ns as "1.234s" / "12.3ms" into buf. Returns buf. */
char *tc_fmt_duration(uint64_t ns, char *buf, size_t len);

/* Nanoseconds on clock id (CLOCK_MONOTONIC for timers, CLOCK_REALTIME
 * for comparing with capture timestamps). */
uint64_t tc_clock_ns(clockid_t id);

/* Internal invariant broken: print and abort (tmux fatalx). */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A usage error: "tcpconform: MESSAGE" and the subcommand's usage (printed
 * by usage to stderr).  Returns status, for "return tc_usage_errv(...)".
 */
int tc_usage_errv(void (*usage)(FILE *), int status, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

#endif
