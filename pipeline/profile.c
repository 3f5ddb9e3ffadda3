/* profile.c - the metadata profile (profile.h): schemas/metadata-profile.json
 * read with jansson, an index of every name a key goes by (folded), and the
 * checks and normalisations a value gets before it is believed.
 *
 * The JSON tree stays loaded: keys, labels and codes handed out are borrowed
 * from it, so they live as long as the profile.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "luutru/fsutil.h"
#include "luutru/profile.h"
#include "luutru/text.h"

/* Compiled in by the Makefile from schemas/metadata-profile.json (build/schemas.c). */
extern const char lt_metadata_profile_json[];

enum field_type { T_STRING, T_DATE, T_NUMBER, T_CODE, T_CODES };

struct field {
	const char *key;       /* borrowed from root */
	json_t *def;           /* borrowed from root */
	enum field_type type;
	long max_length;       /* 0: none */
	int required_at_ingest;
	json_t *codes;         /* object code -> label, or NULL */
	json_t *code_aliases;  /* object label -> code, or NULL */
};

struct name {
	char *folded;          /* owned */
	const char *key;
};

struct lt_profile {
	json_t *root;
	char *origin;
	struct field *fields;
	size_t n_fields;
	const char **keys;
	struct name *names;
	size_t n_names;
};

/* ---- folding ---- */

/* Case, diacritics and đ folded, and everything but letters and digits
 * dropped: "Ngày, tháng, năm tài liệu" and "ngay thang nam tai lieu" meet. */
int lt_profile_fold_name(const char *s, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	size_t j = 0;
	int rc = lt_text_fold(s, strlen(s), &b, err);

	if (!rc && !b.data)
		rc = lt_buf_puts(&b, "", err);
	if (rc) {
		lt_buf_release(&b);
		return rc;
	}
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c >= 0x80 || isalnum(c))
			b.data[j++] = (char)c;
	}
	b.data[j] = '\0';
	b.len = j;
	*out = lt_buf_detach(&b);
	return LT_OK;
}

int lt_profile_fold(const char *value, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc = lt_text_fold(value, strlen(value), &b, err);

	if (!rc && !b.data)
		rc = lt_buf_puts(&b, "", err);
	if (rc) {
		lt_buf_release(&b);
		return rc;
	}
	*out = lt_buf_detach(&b);
	return LT_OK;
}

/* ---- loading ---- */

static void profile_free(struct lt_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_names; i++)
		free(p->names[i].folded);
	free(p->names);
	free(p->fields);
	free(p->keys);
	free(p->origin);
	json_decref(p->root);
	free(p);
}

void lt_profile_close(struct lt_profile *p)
{
	profile_free(p);
}

static int add_name(struct lt_profile *p, size_t cap, const char *name, const char *key,
		    struct lt_err *err)
{
	char *folded = NULL;
	int rc;

	if (p->n_names >= cap)
		return lt_err_set(err, LT_EINTERNAL, "profile name index overflow");
	rc = lt_profile_fold_name(name, &folded, err);
	if (rc)
		return rc;
	if (!*folded) {
		free(folded);
		return lt_err_set(err, LT_EINPUT, "name '%s' of key %s is empty once folded", name, key);
	}
	/* The same name for two keys would make a column mean one or the other
	 * by accident: a profile error. The same name twice for one key is
	 * harmless (a TT02 name equal to the key). */
	for (size_t i = 0; i < p->n_names; i++)
		if (strcmp(p->names[i].folded, folded) == 0) {
			const char *other = p->names[i].key;

			free(folded);
			if (strcmp(other, key) == 0)
				return LT_OK;
			return lt_err_set(err, LT_EINPUT, "the name '%s' is given to both %s and %s",
					  name, other, key);
		}
	p->names[p->n_names].folded = folded;
	p->names[p->n_names++].key = key;
	return LT_OK;
}

static size_t count_names(json_t *def)
{
	return 2 + json_array_size(json_object_get(def, "aliases")) +
	       json_array_size(json_object_get(def, "tt02"));
}

static int parse_type(const char *t, enum field_type *type)
{
	static const char *const names[] = { "string", "date", "number", "code", "codes" };

	for (size_t i = 0; t && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(t, names[i]) == 0) {
			*type = (enum field_type)i;
			return 1;
		}
	return 0;
}

static int load_field(struct lt_profile *p, struct field *f, const char *key, json_t *def,
		      size_t cap, struct lt_err *err)
{
	json_t *label = json_object_get(def, "label"), *len = json_object_get(def, "maxLength");
	const char *at = json_string_value(json_object_get(def, "requiredAt"));
	json_t *lists[2] = { json_object_get(def, "aliases"), json_object_get(def, "tt02") };
	int rc;

	f->key = key;
	f->def = def;
	if (!json_is_object(def) || !json_is_string(label))
		return lt_err_set(err, LT_EINPUT, "key %s has no \"label\"", key);
	if (!parse_type(json_string_value(json_object_get(def, "type")), &f->type))
		return lt_err_set(err, LT_EINPUT, "key %s: \"type\" must be string, date, number, "
				  "code or codes", key);
	if (len && (!json_is_integer(len) || json_integer_value(len) < 1))
		return lt_err_set(err, LT_EINPUT, "key %s: \"maxLength\" must be a positive integer", key);
	f->max_length = len ? (long)json_integer_value(len) : 0;
	if (at && strcmp(at, "ingest") != 0 && strcmp(at, "archive") != 0)
		return lt_err_set(err, LT_EINPUT, "key %s: \"requiredAt\" must be \"ingest\" or \"archive\"", key);
	f->required_at_ingest = at && strcmp(at, "ingest") == 0;
	f->codes = json_object_get(def, "codes");
	f->code_aliases = json_object_get(def, "codeAliases");
	if ((f->type == T_CODE || f->type == T_CODES) && (!json_is_object(f->codes) || !json_object_size(f->codes)))
		return lt_err_set(err, LT_EINPUT, "key %s of type code has no \"codes\"", key);
	if (f->code_aliases) {
		const char *alias;
		json_t *code;

		json_object_foreach(f->code_aliases, alias, code)
			if (!json_is_string(code) || !json_object_get(f->codes, json_string_value(code)))
				return lt_err_set(err, LT_EINPUT, "key %s: code alias '%s' names no code of "
						  "the key", key, alias);
	}
	if ((rc = add_name(p, cap, key, key, err)) || (rc = add_name(p, cap, json_string_value(label), key, err)))
		return rc;
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *v;

		if (lists[l] && !json_is_array(lists[l]))
			return lt_err_set(err, LT_EINPUT, "key %s: \"%s\" must be a list", key,
					  l ? "tt02" : "aliases");
		json_array_foreach(lists[l], i, v) {
			if (!json_is_string(v))
				return lt_err_set(err, LT_EINPUT, "key %s: a name that is not a string", key);
			if ((rc = add_name(p, cap, json_string_value(v), key, err)))
				return rc;
		}
	}
	return LT_OK;
}

static int load_dc(struct lt_profile *p, struct lt_err *err)
{
	json_t *dc = json_object_get(p->root, "dublinCore"), *keys;
	const char *element;

	if (!json_is_object(dc))
		return lt_err_set(err, LT_EINPUT, "no \"dublinCore\" mapping");
	json_object_foreach(dc, element, keys) {
		size_t i;
		json_t *k;

		if (!json_is_array(keys) || !json_array_size(keys))
			return lt_err_set(err, LT_EINPUT, "dublinCore %s must be a list of keys", element);
		json_array_foreach(keys, i, k)
			if (!json_is_string(k) || !lt_profile_label(p, json_string_value(k)))
				return lt_err_set(err, LT_EINPUT, "dublinCore %s maps to an unknown key",
						  element);
	}
	return LT_OK;
}

static int load(struct lt_profile *p, struct lt_err *err)
{
	json_t *doc = json_object_get(p->root, "document"), *def;
	json_t *sec = json_object_get(p->root, "secrecy");
	size_t cap = 0, i = 0;
	const char *key;
	int rc;

	if (!json_is_object(doc) || !json_object_size(doc))
		return lt_err_set(err, LT_EINPUT, "no \"document\" fields");
	json_object_foreach(doc, key, def)
		cap += count_names(def);
	p->fields = calloc(json_object_size(doc), sizeof(*p->fields));
	p->keys = calloc(json_object_size(doc), sizeof(*p->keys));
	p->names = calloc(cap, sizeof(*p->names));
	if (!p->fields || !p->keys || !p->names)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	json_object_foreach(doc, key, def) {
		rc = load_field(p, &p->fields[i], key, def, cap, err);
		if (rc)
			return rc;
		p->keys[i++] = key;
		p->n_fields = i;
	}
	if ((rc = load_dc(p, err)))
		return rc;
	if (!json_is_object(sec) || !lt_profile_secrecy_key(p) || !lt_profile_secret_mode_key(p) ||
	    !lt_profile_secret_mode(p))
		return lt_err_set(err, LT_EINPUT, "\"secrecy\" must name key, modeKey and secretMode");
	if (!lt_profile_label(p, lt_profile_secrecy_key(p)) ||
	    !lt_profile_code_label(p, lt_profile_secret_mode_key(p), lt_profile_secret_mode(p)))
		return lt_err_set(err, LT_EINPUT, "\"secrecy\" names an unknown key or mode code");
	return LT_OK;
}

int lt_profile_open_text(const char *text, const char *name, struct lt_profile **out,
			 struct lt_err *err)
{
	struct lt_profile *p = calloc(1, sizeof(*p));
	json_error_t jerr;
	int rc;

	*out = NULL;
	if (!p || !(p->origin = strdup(name))) {
		free(p);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	p->root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!p->root) {
		rc = lt_err_set(err, LT_EINPUT, "metadata profile '%s': line %d: %s", name, jerr.line,
				jerr.text);
		profile_free(p);
		return rc;
	}
	rc = load(p, err);
	if (rc) {
		lt_err_prefix(err, "metadata profile '%s': ", name);
		profile_free(p);
		return rc;
	}
	*out = p;
	return LT_OK;
}

/* A profile file larger than this is not a profile. */
#define PROFILE_MAX_BYTES (1 << 20)

int lt_profile_open(const char *archive, struct lt_profile **out, struct lt_err *err)
{
	char *path = NULL, *text = NULL;
	struct stat st;
	FILE *f = NULL;
	int rc;

	*out = NULL;
	if (!archive)
		return lt_profile_open_text(lt_metadata_profile_json, "built-in", out, err);
	rc = lt_path(&path, err, "%s/metadata-profile.json", archive);
	if (rc)
		return rc;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		free(path);
		return lt_profile_open_text(lt_metadata_profile_json, "built-in", out, err);
	}
	f = fopen(path, "rb");
	if (!f) {
		rc = lt_err_set(err, LT_EINPUT, "cannot read metadata profile '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > PROFILE_MAX_BYTES) {
		rc = lt_err_set(err, LT_EINPUT, "metadata profile '%s' is not a regular file of at "
				"most %d bytes", path, PROFILE_MAX_BYTES);
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory");
		goto out;
	}
	if (fread(text, 1, (size_t)st.st_size, f) != (size_t)st.st_size || ferror(f)) {
		rc = lt_err_set(err, LT_EINPUT, "cannot read metadata profile '%s'", path);
		goto out;
	}
	text[st.st_size] = '\0';
	rc = lt_profile_open_text(text, path, out, err);
out:
	if (f)
		fclose(f);
	free(text);
	free(path);
	return rc;
}

const char *lt_profile_origin(const struct lt_profile *p)
{
	return p->origin;
}

/* ---- lookups ---- */

static const struct field *field_of(const struct lt_profile *p, const char *key)
{
	for (size_t i = 0; key && i < p->n_fields; i++)
		if (strcmp(p->fields[i].key, key) == 0)
			return &p->fields[i];
	return NULL;
}

int lt_profile_resolve_key(const struct lt_profile *p, const char *label, const char **key)
{
	char *folded = NULL;
	int rc = LT_ENOTFOUND;

	*key = NULL;
	if (!label || lt_profile_fold_name(label, &folded, NULL))
		return LT_ENOTFOUND;
	for (size_t i = 0; i < p->n_names; i++)
		if (strcmp(p->names[i].folded, folded) == 0) {
			*key = p->names[i].key;
			rc = LT_OK;
			break;
		}
	free(folded);
	return rc;
}

const char *lt_profile_label(const struct lt_profile *p, const char *key)
{
	const struct field *f = field_of(p, key);

	return f ? json_string_value(json_object_get(f->def, "label")) : NULL;
}

const char *lt_profile_code_label(const struct lt_profile *p, const char *key, const char *code)
{
	const struct field *f = field_of(p, key);

	return f && f->codes && code ? json_string_value(json_object_get(f->codes, code)) : NULL;
}

void lt_profile_keys(const struct lt_profile *p, const char *const **keys, size_t *n)
{
	*keys = p->keys;
	*n = p->n_fields;
}

int lt_profile_dc(const struct lt_profile *p, const char *element, const char **key)
{
	json_t *keys = json_object_get(json_object_get(p->root, "dublinCore"), element ? element : "");

	*key = json_string_value(json_array_get(keys, 0));
	return *key ? LT_OK : LT_ENOTFOUND;
}

const char *lt_profile_dc_value(const struct lt_profile *p, const struct lt_meta *m,
				const char *element, const char **key)
{
	json_t *keys = json_object_get(json_object_get(p->root, "dublinCore"), element ? element : "");
	size_t i;
	json_t *k;

	if (key)
		*key = NULL;
	json_array_foreach(keys, i, k) {
		const char *v = lt_meta_value(m, json_string_value(k));

		if (v) {
			if (key)
				*key = json_string_value(k);
			return v;
		}
	}
	return NULL;
}

static const char *secrecy(const struct lt_profile *p, const char *member)
{
	return json_string_value(json_object_get(json_object_get(p->root, "secrecy"), member));
}

const char *lt_profile_secrecy_key(const struct lt_profile *p)
{
	return secrecy(p, "key");
}

const char *lt_profile_secret_mode_key(const struct lt_profile *p)
{
	return secrecy(p, "modeKey");
}

const char *lt_profile_secret_mode(const struct lt_profile *p)
{
	return secrecy(p, "secretMode");
}

int lt_profile_secrecy_refused(const struct lt_profile *p, const char *level)
{
	json_t *refused = json_object_get(json_object_get(p->root, "secrecy"), "refusedAtIngest");
	size_t i;
	json_t *v;

	json_array_foreach(refused, i, v)
		if (level && json_is_string(v) && strcmp(json_string_value(v), level) == 0)
			return 1;
	return 0;
}

/* ---- secrecy ---- */

int lt_profile_apply_secrecy(const struct lt_profile *p, struct lt_meta *m, int allow_refused,
			     struct lt_err *err)
{
	const char *level_key = lt_profile_secrecy_key(p), *mode_key = lt_profile_secret_mode_key(p);
	const char *secret_mode = lt_profile_secret_mode(p);
	const struct lt_meta_field *level = lt_meta_get(m, level_key), *mode = lt_meta_get(m, mode_key);
	char rule[128];

	if (!level)
		return LT_OK;
	if (lt_profile_secrecy_refused(p, level->value) && !allow_refused)
		return lt_err_set(err, LT_EINPUT, "%s %s (%s, from %s): refused: documents of this "
				  "level are not digitised (HD 40-HD/VPTW); --allow-secret=%s takes it "
				  "anyway", level_key, level->value,
				  lt_profile_code_label(p, level_key, level->value),
				  level->origin ? level->origin : lt_meta_source_name(level->source),
				  level->value);
	if (mode && strcmp(mode->value, secret_mode) != 0)
		return lt_err_set(err, LT_EINPUT, "%s '%s' (%s, from %s) conflicts with %s %s (%s): "
				  "a secret document is %s %s (%s)", mode_key, mode->value,
				  lt_profile_code_label(p, mode_key, mode->value),
				  mode->origin ? mode->origin : lt_meta_source_name(mode->source),
				  level_key, level->value, lt_profile_code_label(p, level_key, level->value),
				  mode_key, secret_mode, lt_profile_code_label(p, mode_key, secret_mode));
	if (mode)
		return LT_OK;
	snprintf(rule, sizeof(rule), "%s %s -> %s %s", level_key, level->value, mode_key, secret_mode);
	return lt_meta_set(m, mode_key, secret_mode, level->source, level->origin, rule, 1, 1, err);
}

/* ---- validation ---- */

static int is_space_at(const char *s, size_t *len)
{
	unsigned char c = (unsigned char)s[0];

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
		*len = 1;
		return 1;
	}
	if (c == 0xc2 && (unsigned char)s[1] == 0xa0) { /* no-break space, as spreadsheets paste it */
		*len = 2;
		return 1;
	}
	return 0;
}

/* value trimmed and in NFC, appended to out. */
static int trim_nfc(const char *value, struct lt_buf *out, struct lt_err *err)
{
	const char *start = value, *end = value + strlen(value);
	size_t n;

	while (*start && is_space_at(start, &n))
		start += n;
	while (end > start) {
		if (end - start >= 1 && is_space_at(end - 1, &n) && n == 1)
			end--;
		else if (end - start >= 2 && (unsigned char)end[-2] == 0xc2 && (unsigned char)end[-1] == 0xa0)
			end -= 2;
		else
			break;
	}
	return lt_text_nfc(start, (size_t)(end - start), out, err);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int parse_uint(const char *s, size_t len, int *v)
{
	int n = 0;

	if (len == 0 || len > 4)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		n = n * 10 + (s[i] - '0');
	}
	*v = n;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* DD/MM/YYYY, D/M/YYYY (also with - or .) or YYYY-MM-DD (YYYY-M-D) -> YYYY-MM-DD. */
static int normalise_date(const char *s, char out[32])
{
	const char *parts[3];
	size_t lens[3];
	int n = 0, y, m, d;
	char sep = 0;
	const char *p = s;

	while (n < 3) {
		const char *q = p;

		while (isdigit((unsigned char)*q))
			q++;
		parts[n] = p;
		lens[n++] = (size_t)(q - p);
		if (n == 3) {
			if (*q)
				return 0;
			break;
		}
		if (*q != '/' && *q != '-' && *q != '.')
			return 0;
		if (sep && *q != sep)
			return 0;
		sep = *q;
		p = q + 1;
	}
	if (lens[0] == 4 && sep == '-') {
		if (lens[1] > 2 || lens[2] > 2 || !parse_uint(parts[0], 4, &y) ||
		    !parse_uint(parts[1], lens[1], &m) || !parse_uint(parts[2], lens[2], &d))
			return 0;
	} else if (lens[2] == 4 && lens[0] <= 2 && lens[1] <= 2) {
		if (!parse_uint(parts[0], lens[0], &d) || !parse_uint(parts[1], lens[1], &m) ||
		    !parse_uint(parts[2], 4, &y))
			return 0;
	} else {
		return 0;
	}
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return 0;
	snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
	return 1;
}

/* The allowed codes, for a message: "01 Công khai, 02 ..., 03 Mật" when
 * few, else "01, 02, ... 32". Kept within the error buffer. */
static void allowed_codes(const struct field *f, char *out, size_t size)
{
	size_t n = json_object_size(f->codes), used = 0;
	const char *code;
	json_t *label;

	out[0] = '\0';
	json_object_foreach(f->codes, code, label) {
		int w = n <= 7 ? snprintf(out + used, size - used, "%s%s %s", used ? ", " : "", code,
					  json_string_value(label))
			       : snprintf(out + used, size - used, "%s%s", used ? ", " : "", code);

		if (w < 0 || (size_t)w >= size - used) {
			out[used] = '\0';
			return;
		}
		used += (size_t)w;
	}
}

/* One code: itself, a number to pad ("2" -> "02"), a label or an alias. */
static const char *find_code(const struct field *f, const char *v)
{
	const char *code, *found = NULL;
	char *folded = NULL, *other = NULL;
	json_t *label;

	if (json_object_get(f->codes, v))
		return json_object_iter_key(json_object_iter_at(f->codes, v));
	if (lt_profile_fold_name(v, &folded, NULL))
		return NULL;
	json_object_foreach(f->codes, code, label) {
		const char *digits = code;

		while (*digits == '0' && digits[1])
			digits++;
		if (strcmp(v, digits) == 0 && isdigit((unsigned char)*v))
			found = code;
		if (!found && !lt_profile_fold_name(code, &other, NULL)) {
			if (strcmp(other, folded) == 0)
				found = code;
			free(other);
		}
		if (!found && !lt_profile_fold_name(json_string_value(label), &other, NULL)) {
			if (strcmp(other, folded) == 0)
				found = code;
			free(other);
		}
		if (found)
			break;
	}
	if (!found && f->code_aliases) {
		json_object_foreach(f->code_aliases, code, label) {
			if (lt_profile_fold_name(code, &other, NULL))
				continue;
			if (strcmp(other, folded) == 0)
				found = json_object_iter_key(json_object_iter_at(f->codes, json_string_value(label)));
			free(other);
			if (found)
				break;
		}
	}
	free(folded);
	return found;
}

static int validate_codes(const struct field *f, const char *key, const char *v, struct lt_buf *out,
			  struct lt_err *err)
{
	char allowed[400];
	const char *p = v;
	int rc = LT_OK;

	do {
		const char *end = p + strcspn(p, f->type == T_CODES ? ",;" : "");
		char *one = strndup(p, (size_t)(end - p));
		struct lt_buf trimmed = LT_BUF_INIT;
		const char *code = NULL;

		if (!one)
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		rc = trim_nfc(one, &trimmed, err);
		free(one);
		if (rc)
			return rc;
		code = trimmed.data ? find_code(f, trimmed.data) : NULL;
		if (!code) {
			allowed_codes(f, allowed, sizeof(allowed));
			rc = lt_err_set(err, LT_EINPUT, "%s '%s': not a code of %s (allowed: %s)", key, v,
					key, allowed);
		} else if (out->len) {
			rc = lt_buf_puts(out, ",", err);
		}
		if (!rc && code)
			rc = lt_buf_puts(out, code, err);
		lt_buf_release(&trimmed);
		if (rc)
			return rc;
		p = *end ? end + 1 : end;
	} while (*p);
	return LT_OK;
}

int lt_profile_validate(const struct lt_profile *p, const char *key, const char *value,
			char **normalised, struct lt_err *err)
{
	const struct field *f = field_of(p, key);
	struct lt_buf v = LT_BUF_INIT, out = LT_BUF_INIT;
	char date[32];
	int rc;

	*normalised = NULL;
	if (!f)
		return lt_err_set(err, LT_EINPUT, "unknown key '%s': not a field of the metadata "
				  "profile (%s)", key ? key : "", p->origin);
	if (!value)
		return lt_err_set(err, LT_EINPUT, "%s: no value", key);
	rc = trim_nfc(value, &v, err);
	if (rc) {
		lt_buf_release(&v);
		return lt_err_prefix(err, "%s: ", key);
	}
	if (!v.len) {
		lt_buf_release(&v);
		return lt_err_set(err, LT_EINPUT, "%s '%s': empty value", key, value);
	}
	switch (f->type) {
	case T_STRING:
		rc = lt_buf_puts(&out, v.data, err);
		break;
	case T_DATE:
		if (!normalise_date(v.data, date))
			rc = lt_err_set(err, LT_EINPUT, "%s '%s': bad date (a real date as DD/MM/YYYY "
					"or YYYY-MM-DD)", key, v.data);
		else
			rc = lt_buf_puts(&out, date, err);
		break;
	case T_NUMBER: {
		const char *d = v.data;

		for (const char *c = d; !rc && *c; c++)
			if (!isdigit((unsigned char)*c))
				rc = lt_err_set(err, LT_EINPUT, "%s '%s': not a number (digits only)",
						key, v.data);
		while (!rc && *d == '0' && d[1])
			d++;
		if (!rc)
			rc = lt_buf_puts(&out, d, err);
		break;
	}
	case T_CODE:
	case T_CODES:
		rc = validate_codes(f, key, v.data, &out, err);
		break;
	}
	if (!rc && f->max_length && (long)utf8_chars(out.data) > f->max_length)
		rc = lt_err_set(err, LT_EINPUT, "%s '%.60s%s': too long (%zu characters, max %ld)", key,
				v.data, utf8_chars(v.data) > 60 ? "..." : "", utf8_chars(out.data),
				f->max_length);
	lt_buf_release(&v);
	if (rc) {
		lt_buf_release(&out);
		return rc;
	}
	*normalised = lt_buf_detach(&out);
	return LT_OK;
}

/* ---- required fields ---- */

static int described(const struct lt_meta *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->fields[i].source == LT_META_SIDECAR || m->fields[i].source == LT_META_MANIFEST)
			return 1;
	return 0;
}

int lt_profile_missing(const struct lt_profile *p, const struct lt_meta *m, const char *at,
		       struct lt_buf *out, int *n_missing, struct lt_err *err)
{
	int ingest = at && strcmp(at, "ingest") == 0;

	*n_missing = 0;
	for (size_t i = 0; i < p->n_fields; i++) {
		const struct field *f = &p->fields[i];
		int required = ingest ? f->required_at_ingest
				      : json_is_true(json_object_get(f->def, "required"));
		int rc;

		if (!required || lt_meta_value(m, f->key))
			continue;
		rc = lt_buf_printf(out, err, "%s%s", (*n_missing)++ ? ", " : "", f->key);
		if (rc)
			return rc;
	}
	return LT_OK;
}

int lt_profile_check_required(const struct lt_profile *p, const struct lt_meta *m,
			      struct lt_err *err)
{
	struct lt_buf missing = LT_BUF_INIT;
	int n = 0, rc;

	if (!described(m))
		return LT_OK;
	rc = lt_profile_missing(p, m, "ingest", &missing, &n, err);
	if (!rc && n == 1)
		rc = lt_err_set(err, LT_EINPUT, "missing required field %s (%s): give it in the "
				"spreadsheet, the sidecar or with --set", missing.data,
				lt_profile_label(p, missing.data));
	else if (!rc && n > 1)
		rc = lt_err_set(err, LT_EINPUT, "missing required fields %s: give them in the "
				"spreadsheet, the sidecar or with --set", missing.data);
	lt_buf_release(&missing);
	return rc;
}

/* `show --json` and the reading room's /api/documents say the same. */
json_t *lt_profile_fields_json(const struct lt_profile *p, const struct lt_meta *m)
{
	json_t *fields = json_object();

	for (size_t i = 0; fields && i < m->n; i++) {
		const struct lt_meta_field *f = &m->fields[i];
		const char *label = p ? lt_profile_label(p, f->key) : NULL;
		const char *code_label = p ? lt_profile_code_label(p, f->key, f->value) : NULL;
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:f, s:b}", "value", f->value,
				      "provenance", lt_meta_source_name(f->source), "origin", f->origin,
				      "rule", f->rule, "confidence", f->confidence,
				      "confirmed", f->confirmed);

		if (o && label)
			json_object_set_new(o, "label", json_string(label));
		if (o && code_label)
			json_object_set_new(o, "valueLabel", json_string(code_label));
		if (!o || json_object_set_new(fields, f->key, o)) {
			json_decref(fields);
			return NULL;
		}
	}
	return fields;
}
