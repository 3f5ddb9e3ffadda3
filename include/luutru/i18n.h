/* i18n.h - translated messages for people (GNU gettext, text domain "luutru").
 *
 * Wrap every string a person reads in _() (or N_() where a constant table
 * needs the text untranslated and translates it where it is printed), and
 * plural sentences in ngettext(). Strings a program reads never go through
 * these: --json keys and values, exit codes, log files' structure, bundle
 * contents, SQL, XML.
 *
 * lt_err_set(), lt_err_prefix() and lt_cmd_usage_error() translate their
 * format themselves, so their callers write plain literals (xgettext extracts
 * them by keyword: see XGETTEXT_FLAGS in the Makefile).
 */
#ifndef LUUTRU_I18N_H
#define LUUTRU_I18N_H

#include <libintl.h>
#include <stddef.h>

#define LT_TEXT_DOMAIN "luutru"

#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)

/* Sets the locale from the environment (LANG, LC_ALL, LANGUAGE) and binds the
 * text domain to the message catalogs: the build tree's when the binary runs
 * from it, else the installed LT_LOCALEDIR. LANGUAGE=vi is heard even when
 * LANG is unset or C (gettext alone ignores it there). Call once, first thing
 * in main. */
void lt_i18n_init(const char *argv0);

/* From now on error messages (lt_err_set, lt_err_prefix) stay in English, the
 * language of their msgids: for commands whose output is for programs
 * (--json), where a message is a value and must not change with the locale.
 * Call before any worker thread starts. */
void lt_i18n_errors_untranslated(void);

/* The format lt_err_set() and lt_err_prefix() use for fmt: its translation,
 * or fmt itself after lt_i18n_errors_untranslated(). Static storage. */
const char *lt_i18n_err_format(const char *fmt);

/* The message msgid in context ctx (gettext's pgettext), for a short msgid
 * that means different things in different places. */
const char *pgettext_(const char *ctx, const char *msgid);

/* Buffer sizes for the formatters below. */
#define LT_I18N_NUMBER_MAX 32
#define LT_I18N_DATE_MAX 32

/* n with its digits grouped as the message language writes them for people:
 * "1,234,567" in English, "1.234.567" in Vietnamese. Returns out. */
char *lt_i18n_count(long long n, char out[LT_I18N_NUMBER_MAX]);

/* x rounded to `decimals` places (0 to 3) as the message language writes it:
 * "1,234.5" in English, "1.234,5" in Vietnamese. Returns out. */
char *lt_i18n_decimal(double x, int decimals, char out[LT_I18N_NUMBER_MAX]);

/* A date for people from an ISO date ("2026-11-30", or a timestamp that
 * starts with one): "2026-11-30" in English, "30/11/2026" in Vietnamese.
 * Anything else is copied as it is (cut to fit). Returns out. */
char *lt_i18n_date(const char *iso, char out[LT_I18N_DATE_MAX]);

#endif
