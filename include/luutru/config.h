/* config.h - ARCHIVE/luutru.conf: settings of an archive that every run
 * uses, so they need not be repeated on each command line.
 *
 * One setting a line, "key = value"; blank lines and lines starting with
 * '#' are ignored; blanks around key and value are dropped; a key given
 * twice keeps the last value. Keys are read by whoever needs them
 * (lt_config_get); known today:
 *
 *   organization   the operating archive: bag-info.txt Source-Organization,
 *                  the custodian in METS, an agent in PREMIS, the
 *                  maintenance agency in EAD (`luutru run --organization`
 *                  overrides it)
 */
#ifndef LUUTRU_CONFIG_H
#define LUUTRU_CONFIG_H

#include <stddef.h>

#include "luutru/err.h"

#define LT_CONFIG_FILE "luutru.conf"

struct lt_config_entry {
	char *key;
	char *value;
};

/* Owns its entries; release with lt_config_release(). */
struct lt_config {
	struct lt_config_entry *entries;
	size_t n;
};

#define LT_CONFIG_INIT { NULL, 0 }

/* Reads ARCHIVE/luutru.conf into cfg (which must be empty). No file is not
 * an error: cfg stays empty. LT_EINPUT naming the file and the line for a
 * line that is not "key = value", a value that is not UTF-8, or a file
 * over 64 KiB; LT_EIO when it cannot be read. */
int lt_config_load(const char *archive, struct lt_config *cfg, struct lt_err *err);

/* Parses text (len bytes) as a config file; what names it in errors. */
int lt_config_parse(const char *text, size_t len, const char *what, struct lt_config *cfg,
		    struct lt_err *err);

/* The value of key, or NULL. Borrowed: valid until cfg is released. */
const char *lt_config_get(const struct lt_config *cfg, const char *key);

/* NULL-safe. */
void lt_config_release(struct lt_config *cfg);

#endif
