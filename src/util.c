/*
 * util.c - allocation, message and duration helpers.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void
oom(void)
{
	fputs("tcpconform: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

void
tc_errf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Length of the valid UTF-8 sequence at p (1..4) before end, or 0. */
static size_t
u8len(const unsigned char *p, const unsigned char *end)
{
	size_t k, i;

	if (p[0] < 0x80)
		k = 1;
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if ((size_t)(end - p) < k)
		return 0;
	for (i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates, over U+10FFFF. */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return k;
}

char *
tc_strsafe(const char *s, size_t n, int keep_nl)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *d = xmalloc(n * 4 + 1), *o = d;
	size_t k, i;

	while (p < end) {
		k = u8len(p, end);
		/* C1 controls are U+0080..U+009F: 0xc2 0x80..0x9f. */
		if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f) &&
		    !(keep_nl && *p == '\n')) ||
		    (k == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			if (k == 0)
				k = 1;
			for (i = 0; i < k; i++)
				o += sprintf(o, "\\x%02x", p[i]);
		} else {
			memcpy(o, p, k);
			o += k;
		}
		p += k;
	}
	*o = '\0';
	return d;
}

void
tc_fputs_safe(const char *s, FILE *f)
{
	char *c = tc_strsafe(s, strlen(s), 0);

	fputs(c, f);
	free(c);
}

/* Unit suffixes, longest first so "ms" is not read as "m". */
static const struct {
	const char *suffix;
	double ns;
} dur_units[] = {
	{ "ns", 1 },
	{ "us", 1e3 },
	{ "ms", 1e6 },
	{ "s", 1e9 },
	{ "m", 60e9 },
	{ "h", 3600e9 },
};

int
tc_parse_duration(const char *s, uint64_t *ns)
{
	char *end;
	double v, mult = 1e9;
	size_t i;

	const char *p;
	size_t digits = 0, dots = 0;

	if (s == NULL)
		return -1;
	/* Only plain decimals: strtod would also take hex floats ("0x10s"),
	 * exponents ("1e3s"), "inf" and "nan", which no case means. */
	for (p = s; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.')
			dots++;
		else
			digits++;
	}
	if (digits == 0 || dots > 1)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end != p || !isfinite(v) || v < 0)
		return -1;
	if (*end != '\0') {
		for (i = 0; i < sizeof(dur_units) / sizeof(dur_units[0]); i++)
			if (strcmp(end, dur_units[i].suffix) == 0)
				break;
		if (i == sizeof(dur_units) / sizeof(dur_units[0]))
			return -1;
		mult = dur_units[i].ns;
	}
	v *= mult;
	if (v > 86400e9)
		return -1;
	*ns = (uint64_t)(v + 0.5);
	return 0;
}

char *
tc_fmt_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns >= NS_PER_SEC)
		snprintf(buf, len, "%.3fs", (double)ns / 1e9);
	else if (ns >= NS_PER_MS)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	return buf;
}

uint64_t
tc_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpconform: internal error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int
tc_usage_errv(void (*usage)(FILE *), int status, const char *fmt, va_list ap)
{
	fputs("tcpconform: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	usage(stderr);
	return status;
}
