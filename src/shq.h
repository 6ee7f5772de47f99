/*
 * shq.h - the one place where tcpconform makes shell text.  A hook takes a
 * command line ("ssh dut sh -c CMD"), so some text must be built for a
 * shell; everything that comes from a case or from the target reaches it
 * only through shq_quote, and sysctl names and values must first pass the
 * grammar below (checked when a case loads and again before use).
 */
#ifndef TC_SHQ_H
#define TC_SHQ_H

#include <stddef.h>

/* Longest sysctl name and value a case may give. */
#define SHQ_SYSCTL_KEY_MAX 200
#define SHQ_SYSCTL_VAL_MAX 128

/* shq.c */

/*
 * s as one POSIX shell word: inside single quotes, each ' written as '\''.
 * Any byte string becomes exactly itself after the shell's quote removal
 * (no expansion of $, `, \, globs or newlines).  Returns a new string the
 * caller frees.
 */
char *shq_quote(const char *s);

/*
 * A sysctl name: dot-separated words of letters, digits, '_' and '-'
 * (net.ipv4.tcp_fin_timeout, net.ipv4.conf.veth-1.forwarding), no empty
 * word, at most SHQ_SYSCTL_KEY_MAX bytes.  Returns 1 when s is one.
 */
int shq_sysctl_key_ok(const char *s);

/*
 * A sysctl value: words of letters, digits and _ . : + - separated by one
 * blank or tab ("60", "4096 87380 6291456", "reno"), at most
 * SHQ_SYSCTL_VAL_MAX bytes, not empty.  Returns 1 when s is one.
 */
int shq_sysctl_value_ok(const char *s);

#endif
