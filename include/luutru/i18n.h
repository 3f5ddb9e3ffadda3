/* i18n.h - translated messages for people (GNU gettext, text domain "luutru").
 *
 * Wrap every string a person reads in _() (or N_() where a constant table
 * needs the text untranslated and translates it where it is printed), and
 * plural sentences in ngettext(). Strings a program reads never go through
 * these: --json keys and values, exit codes, log files' structure, bundle
 * contents, SQL, XML.
 *
 * lt_err_set() and lt_err_prefix() translate their format themselves, so
 * their callers write plain literals (xgettext extracts them by keyword).
 */
#ifndef LUUTRU_I18N_H
#define LUUTRU_I18N_H

#include <libintl.h>

#define LT_TEXT_DOMAIN "luutru"

#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)

/* Sets the locale from the environment (LANG, LC_ALL, LANGUAGE) and binds the
 * text domain to the message catalogs: the build tree's when the binary runs
 * from it, else the installed LT_LOCALEDIR. Call once, first thing in main. */
void lt_i18n_init(const char *argv0);

#endif
