/* config.c - ARCHIVE/luutru.conf (config.h): a few "key = value" lines,
 * parsed strictly enough that a typo is reported with its line. */
#include "luutru/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/text.h"

#define CONFIG_MAX_BYTES (64 * 1024)

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *trimmed(const char *s, size_t n)
{
	char *out;

	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	out = malloc(n + 1);
	if (out) {
		memcpy(out, s, n);
		out[n] = 0;
	}
	return out;
}

static int set(struct lt_config *cfg, char *key, char *value, struct lt_err *err)
{
	struct lt_config_entry *grown;

	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->entries[i].key, key) == 0) {
			free(cfg->entries[i].value);
			cfg->entries[i].value = value;
			free(key);
			return LT_OK;
		}
	grown = realloc(cfg->entries, (cfg->n + 1) * sizeof(*grown));
	if (!grown) {
		free(key);
		free(value);
		return lt_err_set(err, LT_ENOMEM, "out of memory reading the configuration");
	}
	cfg->entries = grown;
	cfg->entries[cfg->n].key = key;
	cfg->entries[cfg->n].value = value;
	cfg->n++;
	return LT_OK;
}

int lt_config_parse(const char *text, size_t len, const char *what, struct lt_config *cfg,
		    struct lt_err *err)
{
	const char *p = text, *end = text + len;
	int line = 0;

	if (memchr(text, 0, len))
		return lt_err_set(err, LT_EINPUT, "%s: not a text file (holds a NUL byte)", what);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end, *eq;
		const char *s = p;
		char *key, *value;
		struct lt_buf check = LT_BUF_INIT;
		int rc;

		line++;
		p = nl ? nl + 1 : end;
		while (s < eol && is_blank(*s))
			s++;
		if (s == eol || *s == '#')
			continue;
		eq = memchr(s, '=', (size_t)(eol - s));
		if (!eq)
			return lt_err_set(err, LT_EINPUT, "%s line %d: expected 'key = value'", what, line);
		key = trimmed(s, (size_t)(eq - s));
		value = trimmed(eq + 1, (size_t)(eol - eq - 1));
		if (!key || !value) {
			free(key);
			free(value);
			return lt_err_set(err, LT_ENOMEM, "out of memory reading %s", what);
		}
		rc = lt_text_repair_utf8(value, &check, err);
		if (!rc && (!*key || strcspn(key, " \t=") != strlen(key)))
			rc = lt_err_set(err, LT_EINPUT, "%s line %d: '%s' is not a key", what, line, key);
		else if (!rc && strcmp(lt_buf_str(&check), value) != 0)
			rc = lt_err_set(err, LT_EINPUT, "%s line %d: the value of '%s' is not UTF-8", what,
					line, key);
		lt_buf_release(&check);
		if (rc) {
			free(key);
			free(value);
			return rc;
		}
		rc = set(cfg, key, value, err);
		if (rc)
			return rc;
	}
	return LT_OK;
}

int lt_config_load(const char *archive, struct lt_config *cfg, struct lt_err *err)
{
	char *path = NULL, *text = NULL;
	FILE *f = NULL;
	size_t len = 0;
	int rc = lt_path(&path, err, "%s/%s", archive, LT_CONFIG_FILE);

	if (rc)
		return rc;
	f = fopen(path, "rb");
	if (!f) {
		rc = errno == ENOENT ? LT_OK
				     : lt_err_set(err, LT_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	text = malloc(CONFIG_MAX_BYTES + 1);
	if (!text) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", path);
		goto out;
	}
	len = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f))
		rc = lt_err_set(err, LT_EIO, "cannot read '%s': %s", path, strerror(errno));
	else if (len > CONFIG_MAX_BYTES)
		rc = lt_err_set(err, LT_EINPUT, "'%s' is larger than %d bytes: not a luutru configuration",
				path, CONFIG_MAX_BYTES);
	else
		rc = lt_config_parse(text, len, path, cfg, err);
out:
	if (f)
		fclose(f);
	if (rc)
		lt_config_release(cfg);
	free(text);
	free(path);
	return rc;
}

const char *lt_config_get(const struct lt_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->entries[i].key, key) == 0)
			return cfg->entries[i].value;
	return NULL;
}

void lt_config_release(struct lt_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	cfg->entries = NULL;
	cfg->n = 0;
}
