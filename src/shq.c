/*
 * shq.c - shell quoting and the sysctl grammar (see shq.h).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "shq.h"
#include "util.h"

char *
shq_quote(const char *s)
{
	size_t n = 2, i;
	char *q, *p;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '\'' ? 4 : 1;
	q = p = xmalloc(n + 1);
	*p++ = '\'';
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\'') {
			/* close the quote, an escaped ', reopen */
			memcpy(p, "'\\''", 4);
			p += 4;
		} else
			*p++ = s[i];
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

static int
word_char(int c, const char *extra)
{
	return isascii(c) && (isalnum(c) || (c != '\0' &&
	    strchr(extra, c) != NULL));
}

int
shq_sysctl_key_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SHQ_SYSCTL_KEY_MAX || s[0] == '.' || s[n - 1] == '.'
	    || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!word_char((unsigned char)s[i], "_-"))
			return 0;
	}
	return 1;
}

int
shq_sysctl_value_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SHQ_SYSCTL_VAL_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			/* one separator between two words */
			if (i == 0 || i == n - 1 || s[i + 1] == ' ' ||
			    s[i + 1] == '\t')
				return 0;
		} else if (!word_char((unsigned char)s[i], "_.:+-"))
			return 0;
	}
	return 1;
}
