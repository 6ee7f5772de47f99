/*
 * fz_nocapture.c - the capture a harness links against when the code under
 * test may poll it: there is none, the input is the traffic.
 */
#include "config.h"

#include <stddef.h>

#include "sniff.h"
#include "util.h"

int
snf_dispatch(struct snf *s, snf_cb *cb, void *arg, char *errbuf,
    size_t errlen)
{
	(void)s;
	(void)cb;
	(void)arg;
	tc_errf(errbuf, errlen, "no capture in the harness");
	return -1;
}
