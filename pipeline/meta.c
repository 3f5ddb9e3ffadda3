/* meta.c - a document's metadata fields with their provenance (meta.h). */
#include <stdlib.h>
#include <string.h>

#include "luutru/meta.h"

static const char *const source_names[LT_META_N_SOURCES] = {
	"sidecar", "manifest", "default", "extracted", "technical", "corrected",
};

const char *lt_meta_source_name(enum lt_meta_source s)
{
	return (unsigned)s < LT_META_N_SOURCES ? source_names[s] : "unknown";
}

int lt_meta_source_parse(const char *name, enum lt_meta_source *s)
{
	for (int i = 0; i < LT_META_N_SOURCES; i++)
		if (name && strcmp(name, source_names[i]) == 0) {
			*s = (enum lt_meta_source)i;
			return LT_OK;
		}
	return lt_err_set(NULL, LT_EINPUT, "unknown metadata source");
}

static struct lt_meta_field *find(const struct lt_meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->fields[i].key, key) == 0)
			return &m->fields[i];
	return NULL;
}

const struct lt_meta_field *lt_meta_get(const struct lt_meta *m, const char *key)
{
	return find(m, key);
}

const char *lt_meta_value(const struct lt_meta *m, const char *key)
{
	const struct lt_meta_field *f = find(m, key);

	return f ? f->value : NULL;
}

static void field_release(struct lt_meta_field *f)
{
	free(f->key);
	free(f->value);
	free(f->origin);
	free(f->rule);
	memset(f, 0, sizeof(*f));
}

static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

int lt_meta_set(struct lt_meta *m, const char *key, const char *value,
		enum lt_meta_source source, const char *origin, const char *rule,
		double confidence, int confirmed, struct lt_err *err)
{
	struct lt_meta_field nf = { 0 }, *f;
	int bad = 0;

	if (!key || !*key || !value)
		return lt_err_set(err, LT_EINTERNAL, "metadata field without a key or value");
	nf.key = dup_or_null(key, &bad);
	nf.value = dup_or_null(value, &bad);
	nf.origin = dup_or_null(origin, &bad);
	nf.rule = dup_or_null(rule, &bad);
	nf.source = source;
	nf.confidence = confidence;
	nf.confirmed = confirmed;
	if (bad) {
		field_release(&nf);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	f = find(m, key);
	if (f) {
		field_release(f);
		*f = nf;
		return LT_OK;
	}
	f = realloc(m->fields, (m->n + 1) * sizeof(*f));
	if (!f) {
		field_release(&nf);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	m->fields = f;
	m->fields[m->n++] = nf;
	return LT_OK;
}

/* Does a value from source a beat one held from source b? */
static int outranks(enum lt_meta_source a, enum lt_meta_source b)
{
	if (b == LT_META_CORRECTED)
		return 0;
	if (a == LT_META_CORRECTED)
		return 1;
	return a < b;
}

int lt_meta_offer(struct lt_meta *m, const char *key, const char *value,
		  enum lt_meta_source source, const char *origin, const char *rule,
		  double confidence, int *taken, int *conflict, struct lt_err *err)
{
	const struct lt_meta_field *f = find(m, key);
	int given = source != LT_META_EXTRACTED && source != LT_META_TECHNICAL;

	if (taken)
		*taken = 0;
	if (conflict)
		*conflict = 0;
	if (f && strcmp(f->value, value) == 0)
		return LT_OK;
	if (f && !outranks(source, f->source)) {
		if (conflict)
			*conflict = 1;
		return LT_OK;
	}
	if (taken)
		*taken = 1;
	return lt_meta_set(m, key, value, source, origin, rule, confidence, given, err);
}

void lt_meta_unset(struct lt_meta *m, const char *key)
{
	struct lt_meta_field *f = find(m, key);

	if (!f)
		return;
	field_release(f);
	memmove(f, f + 1, (size_t)(m->fields + m->n - (f + 1)) * sizeof(*f));
	m->n--;
}

int lt_meta_copy(struct lt_meta *dst, const struct lt_meta *src, struct lt_err *err)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct lt_meta_field *f = &src->fields[i];
		int rc = lt_meta_set(dst, f->key, f->value, f->source, f->origin, f->rule,
				     f->confidence, f->confirmed, err);

		if (rc) {
			lt_meta_release(dst);
			return rc;
		}
	}
	return LT_OK;
}

void lt_meta_release(struct lt_meta *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		field_release(&m->fields[i]);
	free(m->fields);
	m->fields = NULL;
	m->n = 0;
}
