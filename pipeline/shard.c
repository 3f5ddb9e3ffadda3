/* shard.c - sharded runs: the plan and its work lists (`shard`), a shard's
 * run without the catalog (the runner's claim, failure and commit go
 * through lt_shard_run_*), and `merge`, which verifies each shard bundle
 * with verify.c, moves it into the archive and commits the journal's rows
 * (catalog_shard.c). Files are written under a temporary name, fsync'ed
 * and renamed; journal lines are appended and fsync'ed one at a time, so a
 * kill leaves at most one line cut short, which the next reader drops. */
#include "luutru/shard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/layout.h"
#include "luutru/verify.h"

/* ---- JSON members that may not be UTF-8 ---- */

static int put_str(json_t *o, const char *key, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char name[64];
	json_t *v;
	char *h;
	size_t n;

	if (!s)
		return json_object_set_new(o, key, json_null());
	v = json_string(s);
	if (v)
		return json_object_set_new(o, key, v);
	/* Not UTF-8 (a scan's path is bytes): its bytes in hex. */
	n = strlen(s);
	h = malloc(2 * n + 1);
	if (!h)
		return -1;
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = hex[(unsigned char)s[i] >> 4];
		h[2 * i + 1] = hex[(unsigned char)s[i] & 15];
	}
	h[2 * n] = '\0';
	snprintf(name, sizeof(name), "%s_hex", key);
	v = json_string(h);
	free(h);
	return v ? json_object_set_new(o, name, v) : -1;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* *out: an owned copy of member key (or key_hex decoded); NULL when absent
 * or null. */
static int get_str(const json_t *o, const char *key, char **out, const char *what, struct lt_err *err)
{
	char name[64];
	const json_t *v = json_object_get(o, key);
	const char *h;
	size_t n;

	*out = NULL;
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return lt_err_set(err, LT_EINPUT, "%s: member '%s' is not a string", what, key);
		return lt_strdup(json_string_value(v), out, err);
	}
	snprintf(name, sizeof(name), "%s_hex", key);
	v = json_object_get(o, name);
	if (!v || json_is_null(v))
		return LT_OK;
	h = json_string_value(v);
	n = h ? strlen(h) : 1;
	if (n % 2)
		return lt_err_set(err, LT_EINPUT, "%s: member '%s' is not hex", what, name);
	*out = malloc(n / 2 + 1);
	if (!*out)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(*out);
			*out = NULL;
			return lt_err_set(err, LT_EINPUT, "%s: member '%s' is not hex", what, name);
		}
		(*out)[i] = (char)(hi << 4 | lo);
	}
	(*out)[n / 2] = '\0';
	return LT_OK;
}

static json_t *real_or_null(double x)
{
	return x < 0 ? json_null() : json_real(x);
}

static double real_or(const json_t *o, const char *key, double dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

static json_int_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* ---- document records ---- */

static int put_events(json_t *arr, const struct lt_event *ev, size_t n)
{
	int bad = 0;

	for (size_t i = 0; !bad && i < n; i++) {
		json_t *e = json_object();

		bad |= !e || json_array_append_new(arr, e);
		if (bad)
			break;
		bad |= put_str(e, "type", ev[i].type);
		bad |= put_str(e, "at", ev[i].at);
		bad |= put_str(e, "outcome", ev[i].outcome);
		bad |= put_str(e, "detail", ev[i].detail);
	}
	return bad;
}

void *lt_shard_doc_json(const struct lt_doc *doc, int results)
{
	json_t *d = json_object(), *sources = json_array(), *pages = json_array(),
	       *events = json_array(), *fields = json_object();
	int bad = !d || !sources || !pages || !events || !fields;

	bad |= put_str(d, "id", doc->id);
	bad |= put_str(d, "label", doc->label);
	bad |= put_str(d, "origin", doc->origin);
	bad |= put_str(d, "lang", doc->lang);
	bad |= json_object_set_new(d, "attempts", json_integer(doc->attempts));
	for (size_t i = 0; !bad && i < doc->n_sources; i++) {
		const struct lt_source *s = &doc->sources[i];
		json_t *o = json_object();

		bad |= !o || json_array_append_new(sources, o);
		if (bad)
			break;
		bad |= put_str(o, "path", s->path);
		bad |= put_str(o, "sha256", s->sha256);
		bad |= json_object_set_new(o, "size", json_integer((json_int_t)s->size));
		bad |= json_object_set_new(o, "page_count", json_integer(s->page_count));
		bad |= put_str(o, "format", s->ext);
	}
	for (size_t i = 0; !bad && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];
		json_t *o = json_object();

		bad |= !o || json_array_append_new(pages, o);
		if (bad)
			break;
		bad |= json_object_set_new(o, "number", json_integer(p->number));
		bad |= json_object_set_new(o, "source", json_integer(p->source));
		bad |= json_object_set_new(o, "index", json_integer(p->index_in_source));
		if (!results)
			continue;
		bad |= json_object_set_new(o, "width", json_integer(p->width));
		bad |= json_object_set_new(o, "height", json_integer(p->height));
		bad |= json_object_set_new(o, "dpi", json_integer(p->dpi));
		bad |= put_str(o, "text", p->text);
		bad |= json_object_set_new(o, "confidence", real_or_null(p->confidence));
		bad |= put_str(o, "lang", p->lang);
		bad |= put_str(o, "preprocessing", p->preprocessing);
		bad |= json_object_set_new(o, "quality", real_or_null(p->quality));
		bad |= put_str(o, "review", p->review);
		bad |= put_str(o, "technical", p->technical);
	}
	if (!bad)
		bad |= put_events(events, doc->events, doc->n_events);
	for (size_t i = 0; !bad && i < doc->meta.n; i++) {
		const struct lt_meta_field *f = &doc->meta.fields[i];
		json_t *o = json_object();

		bad |= !o || json_object_set_new(fields, f->key, o);
		if (bad)
			break;
		bad |= put_str(o, "value", f->value);
		bad |= put_str(o, "provenance", lt_meta_source_name(f->source));
		bad |= put_str(o, "origin", f->origin);
		bad |= put_str(o, "rule", f->rule);
		bad |= json_object_set_new(o, "confidence", json_real(f->confidence));
		bad |= json_object_set_new(o, "confirmed", json_boolean(f->confirmed));
	}
	if (!bad && results && doc->bundle.path) {
		const struct lt_bundle *b = &doc->bundle;
		json_t *bo = json_object(), *files = json_array();

		bad |= !bo || !files || json_object_set_new(d, "bundle", bo);
		bad |= !files || json_object_set_new(bo, "files", files);
		if (!bad) {
			bad |= json_object_set_new(bo, "version", json_integer(b->version));
			bad |= put_str(bo, "path", b->path);
			bad |= json_object_set_new(bo, "size", json_integer((json_int_t)b->size));
			bad |= put_str(bo, "sha256", b->sha256);
			bad |= put_str(bo, "created", b->created);
		}
		for (size_t i = 0; !bad && i < b->n_files; i++) {
			json_t *o = json_object();

			bad |= !o || json_array_append_new(files, o);
			if (bad)
				break;
			bad |= put_str(o, "path", b->files[i].path);
			bad |= json_object_set_new(o, "size", json_integer((json_int_t)b->files[i].size));
			bad |= put_str(o, "sha256", b->files[i].sha256);
		}
	}
	if (!bad) {
		bad |= json_object_set(d, "sources", sources);
		bad |= json_object_set(d, "pages", pages);
		bad |= json_object_set(d, "events", events);
		bad |= json_object_set(d, "fields", fields);
	}
	json_decref(sources);
	json_decref(pages);
	json_decref(events);
	json_decref(fields);
	if (bad) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static int copy_digest(const json_t *o, const char *key, char out[LT_SHA256_HEX], const char *what,
		       struct lt_err *err)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || strlen(s) != LT_SHA256_HEX - 1 || strspn(s, "0123456789abcdef") != LT_SHA256_HEX - 1)
		return lt_err_set(err, LT_EINPUT, "%s: '%s' is not a SHA-256", what, key);
	memcpy(out, s, LT_SHA256_HEX);
	return LT_OK;
}

static int parse_events(const json_t *arr, const char *what, struct lt_doc *doc, struct lt_err *err)
{
	size_t i;
	json_t *e;
	int rc = LT_OK;

	json_array_foreach(arr, i, e) {
		char *type = NULL, *at = NULL, *outcome = NULL, *detail = NULL;

		rc = get_str(e, "type", &type, what, err);
		if (!rc)
			rc = get_str(e, "at", &at, what, err);
		if (!rc)
			rc = get_str(e, "outcome", &outcome, what, err);
		if (!rc)
			rc = get_str(e, "detail", &detail, what, err);
		if (!rc && (!type || !at || !outcome))
			rc = lt_err_set(err, LT_EINPUT, "%s: an event without type, time or outcome", what);
		if (!rc)
			rc = lt_doc_add_event(doc, type, at, outcome, detail, err);
		free(type);
		free(at);
		free(outcome);
		free(detail);
		if (rc)
			break;
	}
	return rc;
}

static int parse_fields(const json_t *obj, const char *what, struct lt_doc *doc, struct lt_err *err)
{
	const char *key;
	json_t *f;
	int rc = LT_OK;

	json_object_foreach((json_t *)obj, key, f) {
		char *value = NULL, *prov = NULL, *origin = NULL, *rule = NULL;
		enum lt_meta_source src = LT_META_DEFAULT;

		rc = get_str(f, "value", &value, what, err);
		if (!rc)
			rc = get_str(f, "provenance", &prov, what, err);
		if (!rc)
			rc = get_str(f, "origin", &origin, what, err);
		if (!rc)
			rc = get_str(f, "rule", &rule, what, err);
		if (!rc && (!value || !prov || lt_meta_source_parse(prov, &src) != LT_OK))
			rc = lt_err_set(err, LT_EINPUT, "%s: field '%s' has no value or provenance", what,
					key);
		if (!rc)
			rc = lt_meta_set(&doc->meta, key, value, src, origin, rule,
					 real_or(f, "confidence", 1),
					 json_is_true(json_object_get(f, "confirmed")), err);
		free(value);
		free(prov);
		free(origin);
		free(rule);
		if (rc)
			break;
	}
	return rc;
}

static int parse_bundle(const json_t *bo, const char *what, struct lt_doc *doc, struct lt_err *err)
{
	struct lt_bundle *b = &doc->bundle;
	const json_t *files = json_object_get(bo, "files");
	char *created = NULL;
	size_t i;
	json_t *f;
	int rc;

	b->version = (int)int_of(bo, "version");
	b->size = (uint64_t)int_of(bo, "size");
	rc = get_str(bo, "path", &b->path, what, err);
	if (!rc && (!b->path || b->version < 1))
		rc = lt_err_set(err, LT_EINPUT, "%s: a bundle without path or version", what);
	if (!rc)
		rc = copy_digest(bo, "sha256", b->sha256, what, err);
	if (!rc)
		rc = get_str(bo, "created", &created, what, err);
	if (!rc && created)
		snprintf(b->created, sizeof(b->created), "%s", created);
	free(created);
	if (!rc && !json_is_array(files))
		rc = lt_err_set(err, LT_EINPUT, "%s: a bundle without its files", what);
	json_array_foreach(files, i, f) {
		char sha[LT_SHA256_HEX], *path = NULL;

		if (rc)
			break;
		rc = get_str(f, "path", &path, what, err);
		if (!rc && !path)
			rc = lt_err_set(err, LT_EINPUT, "%s: a bundle file without path", what);
		if (!rc)
			rc = copy_digest(f, "sha256", sha, what, err);
		if (!rc)
			rc = lt_bundle_add_file(b, path, (uint64_t)int_of(f, "size"), sha, err);
		free(path);
	}
	return rc;
}

int lt_shard_doc_parse(const void *json, const char *what, struct lt_doc **out, struct lt_err *err)
{
	const json_t *d = json;
	const json_t *sources = json_object_get(d, "sources"), *pages = json_object_get(d, "pages");
	struct lt_doc *doc = lt_doc_new();
	char *id = NULL;
	size_t i;
	json_t *o;
	int rc;

	*out = NULL;
	if (!doc)
		return lt_err_set(err, LT_ENOMEM, "out of memory reading %s", what);
	rc = json_is_object(d) && json_is_array(sources) && json_is_array(pages) ? LT_OK
		: lt_err_set(err, LT_EINPUT, "%s: not a document record", what);
	if (!rc)
		rc = get_str(d, "id", &id, what, err);
	if (!rc && (!id || strlen(id) != LT_DOC_ID_LEN || strspn(id, "0123456789abcdef") != LT_DOC_ID_LEN))
		rc = lt_err_set(err, LT_EINPUT, "%s: '%s' is not a document id", what, id ? id : "");
	if (!rc)
		memcpy(doc->id, id, LT_DOC_ID_LEN + 1);
	free(id);
	if (!rc)
		rc = get_str(d, "label", &doc->label, what, err);
	if (!rc)
		rc = get_str(d, "origin", &doc->origin, what, err);
	if (!rc)
		rc = get_str(d, "lang", &doc->lang, what, err);
	doc->attempts = (int)int_of(d, "attempts");
	json_array_foreach(sources, i, o) {
		char sha[LT_SHA256_HEX], *path = NULL, *format = NULL;
		int count = (int)int_of(o, "page_count");

		if (rc)
			break;
		rc = get_str(o, "path", &path, what, err);
		if (!rc && !path)
			rc = lt_err_set(err, LT_EINPUT, "%s: a source without path", what);
		if (!rc && (count < 1 || count > 100000))
			rc = lt_err_set(err, LT_EINPUT, "%s: source '%s' has %d pages", what, path, count);
		if (!rc)
			rc = copy_digest(o, "sha256", sha, what, err);
		if (!rc)
			rc = get_str(o, "format", &format, what, err);
		if (!rc)
			rc = lt_doc_add_source(doc, path, sha, (uint64_t)int_of(o, "size"), count,
					       format && *format ? format : NULL, err);
		if (!rc)
			rc = lt_doc_add_pages_of_last_source(doc, err);
		free(path);
		free(format);
	}
	if (!rc && json_array_size(pages) != doc->n_pages)
		rc = lt_err_set(err, LT_EINPUT, "%s: %zu pages listed, the sources have %zu", what,
				json_array_size(pages), doc->n_pages);
	json_array_foreach(pages, i, o) {
		struct lt_page *p = &doc->pages[i];

		if (rc)
			break;
		if (int_of(o, "number") != p->number)
			rc = lt_err_set(err, LT_EINPUT, "%s: page %zu is numbered %lld", what, i + 1,
					(long long)int_of(o, "number"));
		if (rc || !json_object_get(o, "text"))
			continue;
		p->width = (int)int_of(o, "width");
		p->height = (int)int_of(o, "height");
		p->dpi = (int)int_of(o, "dpi");
		p->confidence = real_or(o, "confidence", -1);
		p->quality = real_or(o, "quality", -1);
		rc = get_str(o, "text", &p->text, what, err);
		if (!rc)
			rc = get_str(o, "lang", &p->lang, what, err);
		if (!rc)
			rc = get_str(o, "preprocessing", &p->preprocessing, what, err);
		if (!rc)
			rc = get_str(o, "review", &p->review, what, err);
		if (!rc)
			rc = get_str(o, "technical", &p->technical, what, err);
	}
	if (!rc)
		rc = parse_events(json_object_get(d, "events"), what, doc, err);
	if (!rc && json_is_object(json_object_get(d, "fields")))
		rc = parse_fields(json_object_get(d, "fields"), what, doc, err);
	if (!rc && json_is_object(json_object_get(d, "bundle")))
		rc = parse_bundle(json_object_get(d, "bundle"), what, doc, err);
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

/* ---- files ---- */

/* text written to path durably: a temporary name, fsync, rename, the
 * folder fsync'ed. */
static int write_file(const char *path, const char *text, size_t len, struct lt_err *err)
{
	char *tmp = NULL;
	int fd = -1, rc = lt_path(&tmp, err, "%s.part", path);

	if (!rc && (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", tmp, strerror(errno));
	if (!rc)
		rc = lt_write_all(fd, text, len, tmp, err);
	if (!rc && fsync(fd) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (fd >= 0 && close(fd) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
	if (!rc)
		rc = lt_fsync_parent(path, err);
	if (rc && tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int write_json(const char *path, json_t *j, struct lt_err *err)
{
	char *text = j ? json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	int rc;

	if (!text)
		return lt_err_set(err, LT_ENOMEM, "out of memory writing '%s'", path);
	rc = write_file(path, text, strlen(text), err);
	free(text);
	return rc;
}

static int read_json(const char *path, json_t **out, struct lt_err *err)
{
	json_error_t je;

	*out = json_load_file(path, 0, &je);
	if (*out)
		return LT_OK;
	if (access(path, F_OK) != 0)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot read '%s': %s",
				  path, strerror(errno));
	return lt_err_set(err, LT_EINPUT, "'%s' is not valid JSON: line %d: %s", path, je.line,
			  je.text);
}

/* ---- the plan ---- */

void lt_plan_release(struct lt_plan *plan)
{
	if (!plan)
		return;
	free(plan->archive);
	free(plan->dir);
	free(plan->shards);
	memset(plan, 0, sizeof(*plan));
}

static json_t *plan_json(const struct lt_plan *plan)
{
	json_t *shards = json_array();
	json_t *o = json_pack("{s:s, s:i, s:s, s:s}", "plan", plan->id, "tasks", plan->tasks,
			      "archive", plan->archive, "created", plan->created);

	for (int k = 0; o && shards && k < plan->tasks; k++)
		json_array_append_new(shards, json_pack("{s:i, s:i, s:I}", "task", k, "documents",
							plan->shards[k].documents, "pages",
							(json_int_t)plan->shards[k].pages));
	if (!o || !shards || json_object_set_new(o, "shards", shards)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int lt_plan_read(const char *dir, struct lt_plan *plan, struct lt_err *err)
{
	char *path = NULL, *abs = NULL;
	json_t *j = NULL, *shards;
	const char *id, *archive, *created;
	int rc;

	memset(plan, 0, sizeof(*plan));
	rc = lt_path(&path, err, "%s/%s", dir, LT_SHARD_PLAN_FILE);
	if (!rc)
		rc = read_json(path, &j, err);
	if (rc == LT_ENOTFOUND)
		lt_err_set(err, LT_ENOTFOUND, "'%s' holds no plan (no %s): make one with `luutru shard`",
			   dir, LT_SHARD_PLAN_FILE);
	if (rc)
		goto out;
	id = json_string_value(json_object_get(j, "plan"));
	archive = json_string_value(json_object_get(j, "archive"));
	created = json_string_value(json_object_get(j, "created"));
	shards = json_object_get(j, "shards");
	plan->tasks = (int)int_of(j, "tasks");
	if (!id || !archive || !created || strlen(id) >= sizeof(plan->id) || plan->tasks < 1 ||
	    plan->tasks > LT_SHARD_MAX_TASKS || json_array_size(shards) != (size_t)plan->tasks) {
		rc = lt_err_set(err, LT_EINPUT, "'%s' is not a luutru plan", path);
		goto out;
	}
	snprintf(plan->id, sizeof(plan->id), "%s", id);
	snprintf(plan->created, sizeof(plan->created), "%s", created);
	plan->shards = calloc((size_t)plan->tasks, sizeof(*plan->shards));
	if (!plan->shards) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", path);
		goto out;
	}
	for (int k = 0; k < plan->tasks; k++) {
		json_t *s = json_array_get(shards, (size_t)k);

		plan->shards[k].documents = (int)int_of(s, "documents");
		plan->shards[k].pages = int_of(s, "pages");
	}
	abs = realpath(dir, NULL);
	rc = lt_strdup(archive, &plan->archive, err);
	if (!rc)
		rc = lt_strdup(abs ? abs : dir, &plan->dir, err);
out:
	if (rc)
		lt_plan_release(plan);
	json_decref(j);
	free(abs);
	free(path);
	return rc;
}

/* The worklist of shard k: its documents as the catalog holds them. */
static int write_worklist(struct lt_catalog *cat, const struct lt_plan *plan, int k,
			  const struct lt_lease_item *items, size_t n, const char *organization,
			  struct lt_err *err)
{
	json_t *root = json_pack("{s:s, s:i}", "plan", plan->id, "task", k), *docs = json_array();
	char *dir = NULL, *path = NULL;
	int rc = root && docs ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory planning");

	if (!rc && (organization ? put_str(root, "organization", organization)
				 : json_object_set_new(root, "organization", json_null())))
		rc = lt_err_set(err, LT_ENOMEM, "out of memory planning");
	for (size_t i = 0; !rc && i < n; i++) {
		struct lt_doc *doc = NULL;
		int64_t batch = 0;
		int version = 0;
		json_t *d;

		if (items[i].task != k)
			continue;
		rc = lt_catalog_load(cat, items[i].id, &doc, err);
		if (!rc)
			rc = lt_catalog_document_batch(cat, doc->id, &batch, err);
		if (!rc)
			rc = lt_catalog_latest_bundle_version(cat, doc->id, &version, err);
		if (!rc) {
			/* What was archived before (a requeued document with a bundle)
			 * stays out of the record: only its history matters. */
			lt_bundle_release(&doc->bundle);
			d = lt_shard_doc_json(doc, 0);
			if (!d || json_object_set_new(d, "batch", json_integer(batch)) ||
			    json_object_set_new(d, "bundle_version", json_integer(version + 1)) ||
			    json_array_append_new(docs, d))
				rc = lt_err_set(err, LT_ENOMEM, "out of memory planning");
		}
		lt_doc_free(doc);
	}
	if (!rc && json_object_set(root, "documents", docs))
		rc = lt_err_set(err, LT_ENOMEM, "out of memory planning");
	if (!rc)
		rc = lt_path(&dir, err, "%s/%d", plan->dir, k);
	if (!rc)
		rc = lt_mkdir_p(dir, 0755, err);
	if (!rc)
		rc = lt_path(&path, err, "%s/%s", dir, LT_SHARD_WORKLIST);
	if (!rc)
		rc = write_json(path, root, err);
	json_decref(root);
	json_decref(docs);
	free(dir);
	free(path);
	return rc;
}

static int cmp_pages_desc(const void *a, const void *b)
{
	const struct lt_lease_item *x = a, *y = b;

	return (y->pages > x->pages) - (y->pages < x->pages);
}

/* A plan's id: its UTC time and this process, unique enough for plans made
 * by one catalog's machine. */
static void plan_id(char out[64], char created[32])
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];

	gmtime_r(&now, &tm);
	strftime(created, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(out, 64, "%s-%ld", stamp, (long)getpid());
}

static void remove_plan_files(const char *dir, int tasks)
{
	char *p = NULL;

	for (int k = 0; k < tasks; k++) {
		if (lt_path(&p, NULL, "%s/%d", dir, k) == LT_OK)
			lt_remove_tree(p, NULL);
		free(p);
		p = NULL;
	}
	if (lt_path(&p, NULL, "%s/%s", dir, LT_SHARD_PLAN_FILE) == LT_OK)
		unlink(p);
	free(p);
}

int lt_shard_plan(struct lt_catalog *cat, const struct lt_shard_opts *opts, struct lt_plan *plan,
		  struct lt_err *err)
{
	struct lt_lease_item *items = NULL;
	size_t n = 0;
	char *plan_path = NULL;
	int rc, wrote = 0;
	json_t *pj = NULL;

	memset(plan, 0, sizeof(*plan));
	if (opts->tasks < 1 || opts->tasks > LT_SHARD_MAX_TASKS)
		return lt_err_set(err, LT_EUSAGE, "a plan has from 1 to %d tasks, not %d",
				  LT_SHARD_MAX_TASKS, opts->tasks);
	rc = lt_path(&plan_path, err, "%s/%s", opts->dir, LT_SHARD_PLAN_FILE);
	if (!rc && access(plan_path, F_OK) == 0)
		rc = lt_err_set(err, LT_EINPUT, "'%s' holds a plan already (%s): give another folder, "
				"or cancel it with `luutru shard --cancel %s`", opts->dir,
				LT_SHARD_PLAN_FILE, opts->dir);
	if (rc)
		goto out;
	rc = lt_catalog_plan_begin(cat, err);
	if (rc)
		goto out;
	rc = lt_catalog_leasable(cat, &items, &n, err);
	if (!rc && n == 0)
		rc = lt_err_set(err, LT_ENOTFOUND, "nothing to plan: no queued document that is not "
				"leased already (ingest some first)");
	if (!rc) {
		plan->tasks = opts->tasks;
		plan->shards = calloc((size_t)plan->tasks, sizeof(*plan->shards));
		plan->archive = realpath(opts->archive, NULL);
		if (!plan->shards || !plan->archive)
			rc = lt_err_set(err, plan->shards ? LT_EIO : LT_ENOMEM, "cannot plan for '%s': %s",
					opts->archive, strerror(errno));
	}
	if (!rc)
		rc = lt_mkdir_p(opts->dir, 0755, err);
	if (!rc && !(plan->dir = realpath(opts->dir, NULL)))
		rc = lt_err_set(err, LT_EIO, "cannot resolve '%s': %s", opts->dir, strerror(errno));
	if (rc)
		goto end;
	plan_id(plan->id, plan->created);
	/* Two plans by one process in one second: -2, -3, ... */
	for (int suffix = 2, found = 1, closed = 0; !rc && found; suffix++) {
		rc = lt_catalog_plan_state(cat, plan->id, &found, &closed, err);
		if (!rc && found) {
			char *dash = strrchr(plan->id, '-');

			if (suffix > 2 && dash)
				*dash = '\0';
			snprintf(plan->id + strlen(plan->id), sizeof(plan->id) - strlen(plan->id), "-%d",
				 suffix);
		}
	}
	if (rc)
		goto end;
	/* Longest first into the lightest shard: within a page of the best
	 * balance for any mix of long and short documents. */
	qsort(items, n, sizeof(*items), cmp_pages_desc);
	for (size_t i = 0; i < n; i++) {
		int best = 0;

		for (int k = 1; k < plan->tasks; k++)
			if (plan->shards[k].pages < plan->shards[best].pages ||
			    (plan->shards[k].pages == plan->shards[best].pages &&
			     plan->shards[k].documents < plan->shards[best].documents))
				best = k;
		items[i].task = best;
		plan->shards[best].documents++;
		plan->shards[best].pages += items[i].pages;
	}
	wrote = 1;
	for (int k = 0; !rc && k < plan->tasks; k++)
		rc = write_worklist(cat, plan, k, items, n, opts->organization, err);
	if (!rc)
		rc = lt_catalog_plan_record(cat, plan, items, n, err);
	/* plan.json last: a folder with one is a plan whose work lists are all there. */
	if (!rc && !(pj = plan_json(plan)))
		rc = lt_err_set(err, LT_ENOMEM, "out of memory planning");
	if (!rc)
		rc = write_json(plan_path, pj, err);
end:
	rc = lt_catalog_plan_end(cat, rc, err);
	if (rc && wrote)
		remove_plan_files(plan->dir, plan->tasks);
out:
	if (rc)
		lt_plan_release(plan);
	json_decref(pj);
	free(items);
	free(plan_path);
	return rc;
}

int lt_shard_cancel(struct lt_catalog *cat, const char *dir, int *returned, struct lt_err *err)
{
	struct lt_plan plan;
	int found = 0, closed = 0, rc = lt_plan_read(dir, &plan, err);

	*returned = 0;
	if (!rc)
		rc = lt_catalog_plan_state(cat, plan.id, &found, &closed, err);
	if (!rc && !found)
		rc = lt_err_set(err, LT_ENOTFOUND, "plan %s ('%s') is not one of this archive's", plan.id,
				dir);
	if (!rc && !closed)
		rc = lt_catalog_plan_cancel(cat, plan.id, returned, err);
	lt_plan_release(&plan);
	return rc;
}

/* ---- journals ---- */

/* Calls fn on each complete line of the journal at path (one ending in a
 * newline; a kill leaves at most the last one cut short) with its offset
 * after the line; *good_end the end of the last complete line. A missing
 * journal has none. A line that is not JSON is LT_EINPUT naming it. */
typedef int (*journal_fn)(void *ud, json_t *line, size_t lineno, struct lt_err *err);

static int journal_each(const char *path, journal_fn fn, void *ud, off_t *good_end, struct lt_err *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	off_t end = 0;
	int rc = LT_OK;

	if (good_end)
		*good_end = 0;
	if (!f)
		return errno == ENOENT ? LT_OK
			: lt_err_set(err, LT_EIO, "cannot read '%s': %s", path, strerror(errno));
	while (!rc && (len = getline(&line, &cap, f)) > 0) {
		json_error_t je;
		json_t *j;

		lineno++;
		if (line[len - 1] != '\n')
			break; /* cut short by a kill: as if never written */
		j = json_loadb(line, (size_t)len, 0, &je);
		if (!j)
			rc = lt_err_set(err, LT_EINPUT, "'%s' line %zu is not JSON: %s", path, lineno, je.text);
		else
			rc = fn ? fn(ud, j, lineno, err) : LT_OK;
		json_decref(j);
		end += len;
	}
	if (!rc && ferror(f))
		rc = lt_err_set(err, LT_EIO, "cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	free(line);
	if (good_end)
		*good_end = end;
	return rc;
}

/* ---- a shard's run ---- */

struct shard_item {
	json_t *record;      /* the work list's, borrowed from sr->worklist */
	struct lt_doc *known; /* parsed on first use */
	int journaled;
};

struct lt_shard_run {
	char *dir;
	char *journal_path;
	json_t *worklist;
	json_t *by_id;       /* id -> index into items */
	char *organization;
	struct shard_item *items;
	size_t n, next;
	pthread_mutex_t lock;
	int fd;              /* the journal, O_APPEND */
};

void lt_shard_run_free(struct lt_shard_run *sr)
{
	if (!sr)
		return;
	for (size_t i = 0; i < sr->n; i++)
		lt_doc_free(sr->items[i].known);
	free(sr->items);
	if (sr->fd >= 0)
		close(sr->fd);
	pthread_mutex_destroy(&sr->lock);
	json_decref(sr->worklist);
	json_decref(sr->by_id);
	free(sr->organization);
	free(sr->journal_path);
	free(sr->dir);
	free(sr);
}

/* By id through a hash (sr->by_id), not a walk: a shard of 100,000
 * documents journals each in constant time. */
static struct shard_item *find_item(struct lt_shard_run *sr, const char *id)
{
	json_t *at = json_object_get(sr->by_id, id);

	return at ? &sr->items[json_integer_value(at)] : NULL;
}

static int mark_journaled(void *ud, json_t *line, size_t lineno, struct lt_err *err)
{
	struct lt_shard_run *sr = ud;
	const char *id = json_string_value(json_object_get(line, "id"));
	struct shard_item *it = id ? find_item(sr, id) : NULL;

	if (!it)
		return lt_err_set(err, LT_EINPUT, "'%s' line %zu names a document that is not in the "
				  "shard's work list", sr->journal_path, lineno);
	it->journaled = 1;
	return LT_OK;
}

/* The path under DIR/K an archived journal line's bundle has. */
static int note_bundle(void *ud, json_t *line, size_t lineno, struct lt_err *err)
{
	json_t *known = ud;
	const char *path = json_string_value(json_object_get(json_object_get(json_object_get(line,
				"document"), "bundle"), "path"));

	(void)lineno;
	(void)err;
	if (path)
		json_object_set_new(known, path, json_true());
	return LT_OK;
}

/* Bundles under DIR/K/bundles that no journal line names were left by a
 * kill between the rename and the line: the document is done again. */
static int sweep_unjournaled(struct lt_shard_run *sr, struct lt_err *err)
{
	json_t *known = json_object();
	char *bundles = NULL;
	DIR *top = NULL;
	struct dirent *e;
	int rc = known ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory");

	if (!rc)
		rc = journal_each(sr->journal_path, note_bundle, known, NULL, err);
	if (!rc)
		rc = lt_path(&bundles, err, "%s/bundles", sr->dir);
	if (!rc && !(top = opendir(bundles)) && errno != ENOENT)
		rc = lt_err_set(err, LT_EIO, "cannot read '%s': %s", bundles, strerror(errno));
	while (!rc && top && (e = readdir(top))) {
		char *sub = NULL;
		DIR *d;
		struct dirent *f;

		if (e->d_name[0] == '.')
			continue;
		rc = lt_path(&sub, err, "%s/%s", bundles, e->d_name);
		if (rc)
			break;
		d = opendir(sub);
		while (d && !rc && (f = readdir(d))) {
			char rel[600], *file = NULL;

			if (f->d_name[0] == '.')
				continue;
			snprintf(rel, sizeof(rel), "bundles/%s/%s", e->d_name, f->d_name);
			if (json_object_get(known, rel))
				continue;
			rc = lt_path(&file, err, "%s/%s", sub, f->d_name);
			if (!rc && unlink(file) != 0 && errno != ENOENT)
				rc = lt_err_set(err, LT_EIO, "cannot remove '%s', a bundle of an "
						"interrupted run: %s", file, strerror(errno));
			free(file);
		}
		if (d)
			closedir(d);
		free(sub);
	}
	if (top)
		closedir(top);
	json_decref(known);
	free(bundles);
	return rc;
}

int lt_shard_run_open(const char *shard_dir, struct lt_shard_run **out, struct lt_err *err)
{
	struct lt_shard_run *sr = calloc(1, sizeof(*sr));
	char *wl_path = NULL;
	json_t *docs;
	int rc;

	*out = NULL;
	if (!sr)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	sr->fd = -1;
	pthread_mutex_init(&sr->lock, NULL);
	rc = lt_strdup(shard_dir, &sr->dir, err);
	if (!rc)
		rc = lt_path(&wl_path, err, "%s/%s", shard_dir, LT_SHARD_WORKLIST);
	if (!rc)
		rc = lt_path(&sr->journal_path, err, "%s/%s", shard_dir, LT_SHARD_JOURNAL);
	if (!rc)
		rc = read_json(wl_path, &sr->worklist, err);
	if (rc == LT_ENOTFOUND)
		lt_err_set(err, LT_ENOTFOUND, "'%s' is not a shard folder: it has no %s (make a plan "
			   "with `luutru shard --tasks N --out DIR`, then run DIR/K)", shard_dir,
			   LT_SHARD_WORKLIST);
	docs = rc ? NULL : json_object_get(sr->worklist, "documents");
	if (!rc && !json_is_array(docs))
		rc = lt_err_set(err, LT_EINPUT, "'%s' is not a shard's work list", wl_path);
	if (!rc && json_array_size(docs)) {
		sr->items = calloc(json_array_size(docs), sizeof(*sr->items));
		if (!sr->items)
			rc = lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", wl_path);
	}
	if (!rc && !(sr->by_id = json_object()))
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", wl_path);
	for (size_t i = 0; !rc && i < json_array_size(docs); i++) {
		json_t *d = json_array_get(docs, i);
		const char *id = json_string_value(json_object_get(d, "id"));

		if (!id)
			rc = lt_err_set(err, LT_EINPUT, "'%s': document %zu has no id", wl_path, i + 1);
		else if (json_object_get(sr->by_id, id))
			rc = lt_err_set(err, LT_EINPUT, "'%s': document %s is listed twice", wl_path, id);
		else if (json_object_set_new(sr->by_id, id, json_integer((json_int_t)sr->n)))
			rc = lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", wl_path);
		else
			sr->items[sr->n++].record = d;
	}
	if (!rc)
		rc = get_str(sr->worklist, "organization", &sr->organization, wl_path, err);
	if (!rc)
		rc = journal_each(sr->journal_path, mark_journaled, sr, NULL, err);
	free(wl_path);
	if (rc) {
		lt_shard_run_free(sr);
		return rc;
	}
	*out = sr;
	return LT_OK;
}

int lt_shard_run_recover(struct lt_shard_run *sr, struct lt_err *err)
{
	off_t good = 0;
	int rc;

	/* Another run of this shard may have gone on since it was opened. */
	for (size_t i = 0; i < sr->n; i++)
		sr->items[i].journaled = 0;
	sr->next = 0;
	rc = journal_each(sr->journal_path, mark_journaled, sr, &good, err);
	if (sr->fd >= 0)
		close(sr->fd);
	sr->fd = -1;
	/* A line cut short by a kill goes, so the next one starts clean. */
	if (!rc && (sr->fd = open(sr->journal_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
		rc = lt_err_set(err, LT_EIO, "cannot open '%s': %s", sr->journal_path, strerror(errno));
	if (!rc && ftruncate(sr->fd, good) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot repair '%s': %s", sr->journal_path, strerror(errno));
	if (!rc)
		rc = sweep_unjournaled(sr, err);
	return rc;
}

void lt_shard_run_left(const struct lt_shard_run *sr, int *documents, int *pages)
{
	*documents = *pages = 0;
	for (size_t i = 0; i < sr->n; i++) {
		if (sr->items[i].journaled)
			continue;
		(*documents)++;
		*pages += (int)json_array_size(json_object_get(sr->items[i].record, "pages"));
	}
}

const char *lt_shard_run_organization(const struct lt_shard_run *sr)
{
	return sr->organization;
}

static int item_known(struct lt_shard_run *sr, struct shard_item *it, struct lt_err *err)
{
	char what[600];

	if (it->known)
		return LT_OK;
	snprintf(what, sizeof(what), "%s/%s", sr->dir, LT_SHARD_WORKLIST);
	return lt_shard_doc_parse(it->record, what, &it->known, err);
}

int lt_shard_run_next(struct lt_shard_run *sr, struct lt_doc **out, struct lt_err *err)
{
	struct shard_item *it = NULL;
	struct lt_doc *doc = NULL;
	char what[600];
	int rc = LT_OK;

	*out = NULL;
	pthread_mutex_lock(&sr->lock);
	while (sr->next < sr->n && sr->items[sr->next].journaled)
		sr->next++;
	if (sr->next < sr->n)
		it = &sr->items[sr->next++];
	pthread_mutex_unlock(&sr->lock);
	if (!it)
		return LT_OK;
	snprintf(what, sizeof(what), "%s/%s", sr->dir, LT_SHARD_WORKLIST);
	/* As a claim loads it: no history (the stages add this run's events),
	 * no languages (the run's), one attempt more. */
	rc = lt_shard_doc_parse(it->record, what, &doc, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < doc->n_events; i++) {
		free(doc->events[i].type);
		free(doc->events[i].outcome);
		free(doc->events[i].detail);
	}
	free(doc->events);
	doc->events = NULL;
	doc->n_events = 0;
	free(doc->lang);
	doc->lang = NULL;
	doc->attempts++;
	/* The history the bundle records is the catalog's at the claim, as a
	 * local run's is: the claim merge will record, with the same detail. */
	pthread_mutex_lock(&sr->lock);
	rc = item_known(sr, it, err);
	if (!rc) {
		char detail[160], now[32];

		lt_shard_claim_detail(doc->attempts, json_string_value(json_object_get(sr->worklist, "plan")),
				      (int)int_of(sr->worklist, "task"), detail);
		lt_now_iso8601(now);
		rc = lt_doc_add_event(it->known, "claimed", now, "success", detail, err);
	}
	pthread_mutex_unlock(&sr->lock);
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

void lt_shard_claim_detail(int attempt, const char *plan_id, int task, char out[160])
{
	snprintf(out, 160, "attempt %d (plan %s, shard %d)", attempt, plan_id ? plan_id : "?", task);
}

int lt_shard_run_document(struct lt_shard_run *sr, const char *id, int *version, int64_t *batch,
			  const struct lt_doc **known, struct lt_err *err)
{
	struct shard_item *it = find_item(sr, id);
	int rc;

	if (!it)
		return lt_err_set(err, LT_ENOTFOUND, "document %s is not in shard '%s'", id, sr->dir);
	pthread_mutex_lock(&sr->lock);
	rc = item_known(sr, it, err);
	pthread_mutex_unlock(&sr->lock);
	if (rc)
		return rc;
	*version = (int)int_of(it->record, "bundle_version");
	*batch = int_of(it->record, "batch");
	*known = it->known;
	if (*version < 1)
		return lt_err_set(err, LT_EINPUT, "document %s in '%s/%s' has no bundle_version", id,
				  sr->dir, LT_SHARD_WORKLIST);
	return LT_OK;
}

static int append_line(struct lt_shard_run *sr, const char *id, json_t *line, struct lt_err *err)
{
	char *text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	struct shard_item *it = find_item(sr, id);
	size_t len;
	int rc;

	if (!text)
		return lt_err_set(err, LT_ENOMEM, "out of memory writing the journal line of %s", id);
	len = strlen(text);
	text[len] = '\n'; /* over the NUL: the line is written with its end */
	pthread_mutex_lock(&sr->lock);
	rc = lt_write_all(sr->fd, text, len + 1, sr->journal_path, err);
	if (!rc && fdatasync(sr->fd) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", sr->journal_path, strerror(errno));
	if (!rc && it)
		it->journaled = 1;
	pthread_mutex_unlock(&sr->lock);
	free(text);
	return rc;
}

int lt_shard_run_archived(struct lt_shard_run *sr, const struct lt_doc *doc, struct lt_err *err)
{
	json_t *d = lt_shard_doc_json(doc, 1);
	json_t *line = d ? json_pack("{s:s, s:s, s:o}", "id", doc->id, "outcome", "archived",
				     "document", d) : NULL;
	int rc = append_line(sr, doc->id, line, err);

	json_decref(line);
	return rc;
}

int lt_shard_run_failed(struct lt_shard_run *sr, const struct lt_doc *doc, const char *stage,
			const char *reason, struct lt_err *err)
{
	json_t *line = json_pack("{s:s, s:s}", "id", doc->id, "outcome", "failed");
	int rc;

	if (line && (put_str(line, "stage", stage) || put_str(line, "reason", reason))) {
		json_decref(line);
		line = NULL;
	}
	rc = append_line(sr, doc->id, line, err);
	json_decref(line);
	return rc;
}

int lt_shard_run_finish(struct lt_shard_run *sr, int *done, struct lt_err *err)
{
	char *path = NULL, stamp[32];
	int left = 0, pages = 0, rc;

	*done = 0;
	lt_shard_run_left(sr, &left, &pages);
	if (left)
		return LT_OK;
	lt_now_iso8601(stamp);
	stamp[sizeof(stamp) - 1] = '\0';
	rc = lt_path(&path, err, "%s/%s", sr->dir, LT_SHARD_DONE);
	if (!rc) {
		char line[64];

		snprintf(line, sizeof(line), "%s\n", stamp);
		rc = write_file(path, line, strlen(line), err);
	}
	free(path);
	*done = !rc;
	return rc;
}

/* ---- merge ---- */

struct merge {
	struct lt_catalog *cat;
	const char *archive;
	const struct lt_plan *plan;
	int task;
	const char *shard_dir;
	const char *journal;
	lt_merge_fn fn;
	void *ud;
	struct lt_merge_report *report;
};

/* Copies src to dst (a new file), fsync'ed: a plan folder on another file
 * system than the archive. */
static int copy_file(const char *src, const char *dst, struct lt_err *err)
{
	char buf[1 << 16];
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = LT_OK;
	ssize_t n;

	if (in < 0)
		return lt_err_set(err, LT_EIO, "cannot read '%s': %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (out < 0)
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", dst, strerror(errno));
	while (!rc && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0)
			rc = lt_err_set(err, LT_EIO, "cannot read '%s': %s", src, strerror(errno));
		else
			rc = lt_write_all(out, buf, (size_t)n, dst, err);
	}
	if (!rc && fsync(out) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	if (out >= 0 && close(out) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	close(in);
	if (rc && out >= 0)
		unlink(dst);
	return rc;
}

/* Each page's text in the journal is the text the bundle holds: its
 * SHA-256 against the bundle's list (which verify checked the tar against),
 * so the catalog's rows and the bundle cannot disagree. */
static int texts_match(const struct lt_doc *doc, struct lt_buf *why, struct lt_err *err)
{
	for (size_t i = 0; i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];
		char *path = NULL, hex[LT_SHA256_HEX];
		const struct lt_bundle_file *f = NULL;
		int rc = lt_layout_page(p->number, LT_PAGE_TEXT, &path, err);

		if (rc)
			return rc;
		for (size_t k = 0; k < doc->bundle.n_files; k++)
			if (strcmp(doc->bundle.files[k].path, path) == 0)
				f = &doc->bundle.files[k];
		rc = lt_sha256_mem(p->text ? p->text : "", p->text ? strlen(p->text) : 0, hex, err);
		if (rc) {
			free(path);
			return rc;
		}
		if (!f || strcmp(f->sha256, hex) != 0) {
			rc = lt_buf_printf(why, err, "the journal's text of page %d is not the bundle's %s",
					   p->number, path);
			free(path);
			return rc;
		}
		free(path);
	}
	return LT_OK;
}

/* The bundle of an archived line, where it is now: still in the shard, or
 * already in the archive (a merge killed between the move and the commit). */
static int verify_where(struct merge *m, const struct lt_doc *doc, const char **root,
			struct lt_buf *why, struct lt_err *err)
{
	struct lt_verify_result res;
	char *in_shard = NULL;
	int rc = lt_path(&in_shard, err, "%s/%s", m->shard_dir, doc->bundle.path);

	*root = m->shard_dir;
	if (!rc && access(in_shard, F_OK) != 0)
		*root = m->archive;
	free(in_shard);
	if (rc)
		return rc;
	lt_verify_result_init(&res);
	rc = lt_verify_bundle(*root, &doc->bundle, doc->id, &res, err);
	if (!rc && res.verdict != LT_VERDICT_OK) {
		const struct lt_verify_problem *p = res.n_problems ? &res.problems[0] : NULL;

		rc = lt_buf_printf(why, err, "its bundle %s/%s is %s%s%s%s%s%s%s", *root, doc->bundle.path,
				   lt_verdict_name(res.verdict), p ? ": " : "",
				   p && p->file[0] ? p->file : "", p && p->file[0] ? ": " : "",
				   p ? p->found : "", p ? ", expected " : "", p ? p->expected : "");
	}
	lt_verify_result_release(&res);
	if (!rc && !why->len)
		rc = texts_match(doc, why, err);
	return rc;
}

/* Moves a verified bundle from the shard into the archive at the same
 * relative path, never over a file; across file systems, a copy (fsync'ed)
 * under a temporary name first. */
static int adopt(struct merge *m, const struct lt_doc *doc, struct lt_err *err)
{
	char *src = NULL, *dst = NULL, *tmp = NULL, *dir = NULL;
	int rc = lt_path(&src, err, "%s/%s", m->shard_dir, doc->bundle.path), e;

	if (!rc)
		rc = lt_path(&dst, err, "%s/%s", m->archive, doc->bundle.path);
	if (!rc)
		rc = lt_path(&dir, err, "%s", dst);
	if (!rc) {
		char *slash = strrchr(dir, '/');

		if (slash)
			*slash = '\0';
		rc = lt_mkdir_p(dir, 0755, err);
	}
	if (rc)
		goto out;
	e = lt_rename_noreplace(src, dst);
	if (e == EXDEV) {
		rc = lt_path(&tmp, err, "%s.merge-%ld", dst, (long)getpid());
		if (!rc)
			rc = copy_file(src, tmp, err);
		if (rc)
			goto out;
		e = lt_rename_noreplace(tmp, dst);
		if (e)
			unlink(tmp);
		else if (unlink(src) != 0)
			e = errno;
	}
	if (e)
		rc = lt_err_set(err, e == EEXIST ? LT_EARCHIVE : LT_EIO, "cannot move bundle '%s' into "
				"the archive at '%s': %s", src, dst, strerror(e));
	if (!rc)
		rc = lt_fsync_parent(dst, err);
out:
	free(src);
	free(dst);
	free(tmp);
	free(dir);
	return rc;
}

static int merge_line(void *ud, json_t *line, size_t lineno, struct lt_err *err)
{
	struct merge *m = ud;
	const char *id = json_string_value(json_object_get(line, "id"));
	const char *outcome = json_string_value(json_object_get(line, "outcome"));
	struct lt_buf why = LT_BUF_INIT;
	struct lt_doc *doc = NULL;
	const char *root = NULL;
	enum lt_doc_state state = LT_QUEUED;
	char what[700];
	int leased = 0, found = 0, rc;

	if (!id || !outcome)
		return lt_err_set(err, LT_EINPUT, "'%s' line %zu is not a journal line", m->journal, lineno);
	rc = lt_catalog_plan_leased(m->cat, m->plan->id, id, &leased, err);
	if (rc)
		return rc;
	if (!leased) {
		m->report->skipped++;
		return LT_OK;
	}
	rc = lt_catalog_find(m->cat, id, &found, &state, err);
	if (rc)
		return rc;
	if (!found || state != LT_QUEUED) {
		/* Superseded meanwhile (its folder ingested again with other
		 * content): it only leaves the plan. */
		rc = lt_buf_printf(&why, err, "document %s is %s now, not queued: it leaves the plan", id,
				   found ? lt_doc_state_name(state) : "gone");
		outcome = "refused";
	}
	if (!rc && strcmp(outcome, "failed") == 0) {
		char *stage = NULL, *reason = NULL;

		snprintf(what, sizeof(what), "'%s' line %zu", m->journal, lineno);
		rc = get_str(line, "stage", &stage, what, err);
		if (!rc)
			rc = get_str(line, "reason", &reason, what, err);
		if (!rc)
			rc = lt_catalog_merge_failed(m->cat, m->plan->id, m->task, id,
						     stage ? stage : "run", reason ? reason : "", err);
		if (!rc) {
			m->report->failed++;
			if (m->fn)
				m->fn(m->ud, LT_MERGE_FAILED, m->task, id, "", reason ? reason : "");
		}
		free(stage);
		free(reason);
		return rc;
	}
	snprintf(what, sizeof(what), "'%s' line %zu", m->journal, lineno);
	if (!rc && !why.len && strcmp(outcome, "archived") != 0)
		rc = lt_buf_printf(&why, err, "%s: outcome '%s' is neither archived nor failed", what,
				   outcome);
	if (!rc && !why.len) {
		struct lt_err perr = { 0 };

		if (lt_shard_doc_parse(json_object_get(line, "document"), what, &doc, &perr) != LT_OK) {
			if (perr.code == LT_ENOMEM) {
				*err = perr;
				rc = LT_ENOMEM;
			} else
				rc = lt_buf_puts(&why, perr.msg, err);
		}
		else if (strcmp(doc->id, id) != 0 || !doc->bundle.path)
			rc = lt_buf_printf(&why, err, "%s: the record is not document %s's, or has no bundle",
					   what, id);
	}
	if (!rc && !why.len)
		rc = verify_where(m, doc, &root, &why, err);
	if (!rc && !why.len && root == m->shard_dir)
		rc = adopt(m, doc, err);
	if (!rc && !why.len)
		rc = lt_catalog_merge_archived(m->cat, m->plan->id, m->task, doc, err);
	if (!rc && !why.len) {
		m->report->archived++;
		m->report->pages += (int)doc->n_pages;
		if (m->fn)
			m->fn(m->ud, LT_MERGE_ARCHIVED, m->task, id, doc->label ? doc->label : "",
			      doc->bundle.path);
	}
	if (!rc && why.len) {
		rc = lt_catalog_merge_refused(m->cat, m->plan->id, m->task, id, lt_buf_str(&why), err);
		if (!rc) {
			m->report->refused++;
			if (m->fn)
				m->fn(m->ud, LT_MERGE_REFUSED, m->task, id, doc && doc->label ? doc->label : "",
				      lt_buf_str(&why));
		}
	}
	lt_buf_release(&why);
	lt_doc_free(doc);
	return rc;
}

/* One merge of a plan at a time: two would race for the same documents. */
static int take_merge_lock(const char *dir, int *fd_out, struct lt_err *err)
{
	int rc = lt_lock_exclusive(dir, "merge.lock", fd_out, err);

	if (rc == LT_EBUSY)
		lt_err_set(err, LT_EBUSY, "another `luutru merge` is working on '%s'", dir);
	return rc;
}

int lt_shard_merge(struct lt_catalog *cat, const char *archive, const char *dir, lt_merge_fn fn,
		   void *ud, struct lt_merge_report *report, struct lt_err *err)
{
	struct lt_plan plan;
	double t0 = lt_monotonic_seconds();
	int found = 0, closed = 0, lock_fd = -1, rc;

	memset(report, 0, sizeof(*report));
	rc = lt_plan_read(dir, &plan, err);
	if (rc)
		return rc;
	rc = take_merge_lock(plan.dir, &lock_fd, err);
	if (rc) {
		lt_plan_release(&plan);
		return rc;
	}
	report->tasks = plan.tasks;
	rc = lt_catalog_plan_state(cat, plan.id, &found, &closed, err);
	if (!rc && !found)
		rc = lt_err_set(err, LT_EINPUT, "plan %s ('%s') was not made on this archive's catalog "
				"(it names '%s')", plan.id, dir, plan.archive);
	if (!rc && closed == 2)
		rc = lt_err_set(err, LT_EINPUT, "plan %s ('%s') was cancelled: its documents went back "
				"to the queue, nothing of it can be merged now", plan.id, dir);
	if (!rc && closed == 1) {
		/* Merged whole already: nothing changes. */
		report->closed = 1;
		report->shards_done = plan.tasks;
		lt_plan_release(&plan);
		close(lock_fd);
		return LT_OK;
	}
	for (int k = 0; !rc && k < plan.tasks; k++) {
		char *shard = NULL, *journal = NULL, *done = NULL;
		struct merge m = { .cat = cat, .archive = archive, .plan = &plan, .task = k, .fn = fn,
				   .ud = ud, .report = report };

		rc = lt_path(&shard, err, "%s/%d", plan.dir, k);
		if (!rc)
			rc = lt_path(&journal, err, "%s/%s", shard, LT_SHARD_JOURNAL);
		if (!rc)
			rc = lt_path(&done, err, "%s/%s", shard, LT_SHARD_DONE);
		m.shard_dir = shard;
		m.journal = journal;
		if (!rc)
			rc = journal_each(journal, merge_line, &m, NULL, err);
		if (!rc && access(done, F_OK) == 0)
			report->shards_done++;
		free(shard);
		free(journal);
		free(done);
	}
	if (!rc)
		rc = lt_catalog_plan_pending(cat, plan.id, &report->pending, err);
	if (!rc && report->shards_done == plan.tasks)
		rc = lt_catalog_plan_close_if_merged(cat, plan.id, &report->closed, err);
	report->seconds = lt_monotonic_seconds() - t0;
	lt_plan_release(&plan);
	close(lock_fd);
	return rc;
}
