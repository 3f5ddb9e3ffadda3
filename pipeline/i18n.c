/* i18n.c - binding luutru's message catalogs. */
#include "luutru/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef LT_LOCALEDIR
#define LT_LOCALEDIR "/usr/local/share/locale"
#endif

/* A binary run from its build tree (./luutru beside build/) reads the
 * catalogs compiled next to it, so tests and `make demo` need no install. */
static const char *locale_dir(const char *argv0, char *buf, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	(void)argv0;
	if (n <= 0)
		return LT_LOCALEDIR;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return LT_LOCALEDIR;
	*slash = '\0';
	if ((size_t)snprintf(buf, cap, "%s/build/locale", exe) >= cap ||
	    access(buf, R_OK | X_OK) != 0)
		return LT_LOCALEDIR;
	return buf;
}

void lt_i18n_init(const char *argv0)
{
	char buf[PATH_MAX];

	setlocale(LC_ALL, "");
	/* Numbers written for programs (JSON, XML, SQL, bag-info) keep the point
	 * as decimal separator whatever the language; numbers for people are
	 * formatted for the locale explicitly where they are printed. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(LT_TEXT_DOMAIN, locale_dir(argv0, buf, sizeof(buf)));
	bind_textdomain_codeset(LT_TEXT_DOMAIN, "UTF-8");
	textdomain(LT_TEXT_DOMAIN);
}
