/* defaults.c - --set key=value and the set.KEY lines of ARCHIVE/luutru.conf,
 * validated against the profile into LT_META_DEFAULT fields (defaults.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/defaults.h"
#include "luutru/fsutil.h"
#include "luutru/profile.h"

/* Takes "name" and "value" (both trimmed by the profile or here) into m. */
static int take(const struct lt_profile *p, const char *name, const char *value, const char *origin,
		int keep_existing, struct lt_meta *m, enum lt_code code, struct lt_err *err)
{
	const char *key = NULL;
	char *norm = NULL;
	int rc;

	if (lt_profile_resolve_key(p, name, &key) != LT_OK)
		return lt_err_set(err, code, "%s: '%s' is not a metadata field (a TT05 key, TT02 "
				  "name or Vietnamese label of the profile)", origin, name);
	if (keep_existing && lt_meta_get(m, key))
		return LT_OK;
	rc = lt_profile_validate(p, key, value, &norm, err);
	if (rc) {
		err->code = code;
		return lt_err_prefix(err, "%s: ", origin);
	}
	rc = lt_meta_set(m, key, norm, LT_META_DEFAULT, origin, NULL, 1, 1, err);
	free(norm);
	return rc;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* A value may be quoted, as people write it after --set in a shell habit:
 * set.organName = "Tỉnh ủy Đà Nẵng". */
static char *unquote(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && ((s[0] == '"' && s[n - 1] == '"') || (s[0] == '\'' && s[n - 1] == '\''))) {
		s[n - 1] = '\0';
		return s + 1;
	}
	return s;
}

static int load_conf(const struct lt_profile *p, const char *archive, struct lt_meta *m,
		     struct lt_err *err)
{
	char *path = NULL, *line = NULL, origin[4200];
	size_t cap = 0;
	int rc, number = 0;
	FILE *f;

	if (!archive)
		return LT_OK;
	rc = lt_path(&path, err, "%s/luutru.conf", archive);
	if (rc)
		return rc;
	f = fopen(path, "r");
	if (!f) {
		rc = errno == ENOENT ? LT_OK : lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", path,
							  strerror(errno));
		free(path);
		return rc;
	}
	while (!rc && getline(&line, &cap, f) != -1) {
		char *s = trim(line), *eq;

		number++;
		if (strncmp(s, "set.", 4) != 0)
			continue;
		snprintf(origin, sizeof(origin), "%s line %d", path, number);
		eq = strchr(s, '=');
		if (!eq) {
			rc = lt_err_set(err, LT_EINPUT, "%s: 'set.KEY = VALUE' expected", origin);
			break;
		}
		*eq = '\0';
		rc = take(p, trim(s + 4), unquote(trim(eq + 1)), origin, 1, m, LT_EINPUT, err);
	}
	if (!rc && ferror(f))
		rc = lt_err_set(err, LT_EINPUT, "cannot read '%s'", path);
	fclose(f);
	free(line);
	free(path);
	return rc;
}

int lt_defaults_load(const struct lt_profile *p, const char *archive, const char *const *sets,
		     size_t n_sets, struct lt_meta *out, struct lt_err *err)
{
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < n_sets; i++) {
		char *copy = strdup(sets[i]), *eq;

		if (!copy)
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		eq = strchr(copy, '=');
		if (!eq || eq == copy)
			rc = lt_err_set(err, LT_EUSAGE, "--set '%s': KEY=VALUE expected, e.g. "
					"--set organName=\"Tỉnh ủy Đà Nẵng\"", sets[i]);
		else {
			*eq = '\0';
			rc = take(p, trim(copy), eq + 1, "--set", 0, out, LT_EUSAGE, err);
		}
		free(copy);
	}
	if (!rc)
		rc = load_conf(p, archive, out, err);
	if (rc)
		lt_meta_release(out);
	return rc;
}
