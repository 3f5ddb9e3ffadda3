/* i18n.c - binding luutru's message catalogs; numbers and dates for people. */
#include "luutru/i18n.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LT_LOCALEDIR
#define LT_LOCALEDIR "/usr/local/share/locale"
#endif

static int errors_untranslated;

/* A binary run from its build tree (./luutru beside build/) reads the
 * catalogs compiled next to it, so tests and `make demo` need no install. */
static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *locale_dir(char *buf, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return LT_LOCALEDIR;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return LT_LOCALEDIR;
	*slash = '\0';
	/* ./luutru beside build/, or a binary inside a build folder of its own
	 * (build/san/luutru of `make check`, its catalogs in build/san/locale). */
	if ((size_t)snprintf(buf, cap, "%s/build/locale", exe) < cap && is_dir(buf))
		return buf;
	/* A directory only: beside an installed /usr/bin/luutru stands the
	 * program /usr/bin/locale. */
	if ((size_t)snprintf(buf, cap, "%s/locale", exe) < cap && is_dir(buf))
		return buf;
	return LT_LOCALEDIR;
}

void lt_i18n_init(const char *argv0)
{
	char buf[PATH_MAX];
	const char *messages, *language = getenv("LANGUAGE");

	(void)argv0;
	setlocale(LC_ALL, "");
	/* Numbers written for programs (JSON, XML, SQL, bag-info) keep the point
	 * as decimal separator whatever the language; numbers for people are
	 * formatted for the language explicitly (lt_i18n_count). */
	setlocale(LC_NUMERIC, "C");
	/* gettext ignores LANGUAGE in the C locale (LANG unset, or a locale
	 * the system lacks): an archivist who asks for LANGUAGE=vi still gets
	 * Vietnamese. C.UTF-8 is glibc's own, always there. */
	messages = setlocale(LC_MESSAGES, NULL);
	if (language && *language && messages &&
	    (strcmp(messages, "C") == 0 || strcmp(messages, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	bindtextdomain(LT_TEXT_DOMAIN, locale_dir(buf, sizeof(buf)));
	bind_textdomain_codeset(LT_TEXT_DOMAIN, "UTF-8");
	textdomain(LT_TEXT_DOMAIN);
}

void lt_i18n_errors_untranslated(void)
{
	errors_untranslated = 1;
}

const char *lt_i18n_err_format(const char *fmt)
{
	return errors_untranslated ? fmt : gettext(fmt);
}

const char *pgettext_(const char *ctx, const char *msgid)
{
	char key[256];
	const char *t;

	/* gettext keys a message in context as "ctx\004msgid". */
	if ((size_t)snprintf(key, sizeof(key), "%s\004%s", ctx, msgid) >= sizeof(key))
		return msgid;
	t = gettext(key);
	return t == key ? msgid : t;
}

/* The separators of the message language, for people. */
static const char *group_separator(void)
{
	/* TRANSLATORS: the separator between groups of three digits in numbers
	 * for people: 1,234 pages in English (Vietnamese: 1.234 trang). */
	return pgettext_("digit group separator", ",");
}

static const char *decimal_separator(void)
{
	/* TRANSLATORS: the decimal separator in numbers for people: 12.5 pages
	 * per minute in English (Vietnamese: 12,5). */
	return pgettext_("decimal separator", ".");
}

/* digits (no sign) grouped by three with sep, after prefix, into out. */
static char *group(const char *prefix, const char *digits, const char *sep, char *out, size_t cap)
{
	size_t len = strlen(digits), used = 0;
	int n;

	n = snprintf(out, cap, "%s", prefix);
	used = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < len && used + 1 < cap; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			n = snprintf(out + used, cap - used, "%s", sep);
			used += n > 0 ? (size_t)n : 0;
			if (used >= cap) {
				used = cap - 1;
				break;
			}
		}
		out[used++] = digits[i];
	}
	out[used < cap ? used : cap - 1] = '\0';
	return out;
}

char *lt_i18n_count(long long n, char out[LT_I18N_NUMBER_MAX])
{
	char digits[24];
	unsigned long long magnitude = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	snprintf(digits, sizeof(digits), "%llu", magnitude);
	return group(n < 0 ? "-" : "", digits, group_separator(), out, LT_I18N_NUMBER_MAX);
}

char *lt_i18n_decimal(double x, int decimals, char out[LT_I18N_NUMBER_MAX])
{
	char digits[24];
	long long scale = 1, scaled;
	size_t used;

	decimals = decimals < 0 ? 0 : decimals > 3 ? 3 : decimals;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	if (!isfinite(x) || fabs(x) >= 1e15) {
		snprintf(out, LT_I18N_NUMBER_MAX, "%.*f", decimals, x);
		return out;
	}
	scaled = llround(fabs(x) * (double)scale);
	snprintf(digits, sizeof(digits), "%lld", scaled / scale);
	group(x < 0 && scaled > 0 ? "-" : "", digits, group_separator(), out, LT_I18N_NUMBER_MAX);
	used = strlen(out);
	if (decimals)
		snprintf(out + used, LT_I18N_NUMBER_MAX - used, "%s%0*lld", decimal_separator(),
			 decimals, scaled % scale);
	return out;
}

char *lt_i18n_date(const char *iso, char out[LT_I18N_DATE_MAX])
{
	int year, month, day, used = 0;

	if (!iso)
		iso = "";
	if (sscanf(iso, "%4d-%2d-%2d%n", &year, &month, &day, &used) == 3 && used == 10 &&
	    month >= 1 && month <= 12 && day >= 1 && day <= 31) {
		/* TRANSLATORS: a date for people, from its year (1$), month (2$)
		 * and day (3$); Vietnamese writes 30/11/2026. */
		snprintf(out, LT_I18N_DATE_MAX, _("%1$04d-%2$02d-%3$02d"), year, month, day);
		return out;
	}
	snprintf(out, LT_I18N_DATE_MAX, "%s", iso);
	return out;
}
