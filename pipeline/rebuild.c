/* rebuild.c - a new catalog from the bundles alone (rebuild.h): every tar
 * checked by the streaming bag reader, the newest sound version of each
 * document read back from its metadata record and page texts, the catalog
 * built beside the old one and renamed into place only when complete. */
#include "luutru/rebuild.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/i18n.h"

/* A page text or the record larger than this is not one luutru wrote. */
#define MEMBER_CAP ((size_t)64 << 20)
/* Pages a bundle may hold (0001.txt ... 9999.txt and beyond: 4+ digits). */
#define MAX_PAGES 100000

/* ---- the metadata record ---- */

static int hex_value(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The string under key, or decoded from KEY_hex; NULL (*ok 1) if absent or
 * null; *ok 0 if malformed. Returns: owned (free()). */
static char *get_bytes(json_t *obj, const char *key, int *ok)
{
	char hexkey[64];
	json_t *v = json_object_get(obj, key);
	const char *hex;
	size_t n;
	char *s;

	*ok = 1;
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || memchr(json_string_value(v), 0, json_string_length(v))) {
			*ok = 0;
			return NULL;
		}
		s = strdup(json_string_value(v));
		*ok = s != NULL;
		return s;
	}
	snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
	v = json_object_get(obj, hexkey);
	if (!v || json_is_null(v))
		return NULL;
	hex = json_string_value(v);
	n = hex ? strlen(hex) : 1;
	if (n % 2 || !(s = malloc(n / 2 + 1))) {
		*ok = 0;
		return NULL;
	}
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(s);
			*ok = 0;
			return NULL;
		}
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = 0;
	return s;
}

static int get_int(json_t *obj, const char *key, long long lo, long long hi, long long *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return 0;
	*out = json_integer_value(v);
	return 1;
}

/* A number, or -1 for null or absent. */
static int get_real(json_t *obj, const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		*out = -1;
		return 1;
	}
	if (!json_is_number(v))
		return 0;
	*out = json_number_value(v);
	return 1;
}

static int is_sha256_hex(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int parse_sources(json_t *list, struct lt_doc *doc, const char *what, struct lt_err *err)
{
	size_t i;
	json_t *o;
	int rc = LT_OK;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return lt_err_set(err, LT_EINPUT, "%s: metadata record has no sources", what);
	json_array_foreach(list, i, o) {
		long long seq, size, pages;
		int ok_path, ok_sha, ok_fmt;
		char *path = get_bytes(o, "path", &ok_path), *sha = get_bytes(o, "sha256", &ok_sha),
		     *fmt = get_bytes(o, "format", &ok_fmt);

		if (!get_int(o, "seq", 1, 1000000, &seq) || seq != (long long)i + 1 ||
		    !get_int(o, "size", 0, INT64_MAX, &size) ||
		    !get_int(o, "page_count", 1, MAX_PAGES, &pages) || !path || !is_sha256_hex(sha) ||
		    !fmt || !*fmt || strlen(fmt) >= sizeof(doc->sources[0].ext))
			rc = lt_err_set(err, LT_EINPUT, "%s: metadata record: source %zu is malformed",
					what, i + 1);
		if (!rc)
			rc = lt_doc_add_source(doc, path, sha, (uint64_t)size, (int)pages, fmt, err);
		if (!rc)
			rc = lt_doc_add_pages_of_last_source(doc, err);
		free(path);
		free(sha);
		free(fmt);
		if (rc)
			return rc;
		if (doc->n_pages > MAX_PAGES)
			return lt_err_set(err, LT_EINPUT, "%s: metadata record: more than %d pages",
					  what, MAX_PAGES);
	}
	return LT_OK;
}

/* Fills the pages derived from the sources with what the run found. */
static int parse_pages(json_t *list, struct lt_doc *doc, const char *what, struct lt_err *err)
{
	size_t i;
	json_t *o;

	if (!json_is_array(list) || json_array_size(list) != doc->n_pages)
		return lt_err_set(err, LT_EINPUT, "%s: metadata record lists %zu pages, its sources "
				  "hold %zu", what, json_array_size(list), doc->n_pages);
	json_array_foreach(list, i, o) {
		long long number, source, index, w, h, dpi;
		int ok1, ok2, ok3;
		json_t *tech;
		struct lt_page *p;

		if (!get_int(o, "number", 1, (long long)doc->n_pages, &number) ||
		    !get_int(o, "source", 1, (long long)doc->n_sources, &source) ||
		    !get_int(o, "index", 0, MAX_PAGES, &index) ||
		    !get_int(o, "width", 0, INT32_MAX, &w) || !get_int(o, "height", 0, INT32_MAX, &h) ||
		    !get_int(o, "dpi", 0, INT32_MAX, &dpi))
			return lt_err_set(err, LT_EINPUT, "%s: metadata record: page %zu is malformed",
					  what, i + 1);
		p = &doc->pages[number - 1];
		if (p->source != source - 1 || p->index_in_source != index || p->lang)
			return lt_err_set(err, LT_EINPUT, "%s: metadata record: page %lld does not match "
					  "its sources, or is listed twice", what, number);
		p->width = (int)w;
		p->height = (int)h;
		p->dpi = (int)dpi;
		if (!get_real(o, "confidence", &p->confidence) || !get_real(o, "quality", &p->quality))
			return lt_err_set(err, LT_EINPUT, "%s: metadata record: page %lld: confidence "
					  "or quality is not a number", what, number);
		p->lang = get_bytes(o, "lang", &ok1);
		p->preprocessing = get_bytes(o, "preprocessing", &ok2);
		p->review = get_bytes(o, "review", &ok3);
		/* Bundles made before technical metadata have none. */
		tech = json_object_get(o, "technical");
		if (json_is_object(tech)) {
			p->technical = json_dumps(tech, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (!p->technical)
				return lt_err_set(err, LT_ENOMEM, "out of memory");
		} else if (tech && !json_is_null(tech)) {
			return lt_err_set(err, LT_EINPUT, "%s: metadata record: page %lld: "
					  "\"technical\" is not an object", what, number);
		}
		/* lang marks the page as seen: "" where the run recorded none. */
		if (ok1 && !p->lang)
			ok1 = (p->lang = strdup("")) != NULL;
		if (!ok1 || !ok2 || !ok3)
			return lt_err_set(err, LT_EINPUT, "%s: metadata record: page %lld: a text "
					  "member is malformed", what, number);
	}
	/* Back to NULL where the run had none (the catalog keeps NULL). */
	for (size_t k = 0; k < doc->n_pages; k++)
		if (doc->pages[k].lang && !*doc->pages[k].lang) {
			free(doc->pages[k].lang);
			doc->pages[k].lang = NULL;
		}
	return LT_OK;
}

static int parse_events(json_t *list, struct lt_doc *doc, const char *what, struct lt_err *err)
{
	size_t i;
	json_t *o;
	int rc = LT_OK;

	if (list && !json_is_array(list))
		return lt_err_set(err, LT_EINPUT, "%s: metadata record: events is not a list", what);
	json_array_foreach(list, i, o) {
		int ok1, ok2, ok3, ok4;
		char *type = get_bytes(o, "type", &ok1), *at = get_bytes(o, "at", &ok2),
		     *outcome = get_bytes(o, "outcome", &ok3), *detail = get_bytes(o, "detail", &ok4);

		if (!ok1 || !ok2 || !ok3 || !ok4 || !type || !at || strlen(at) >= 32 || !outcome ||
		    (strcmp(outcome, "success") && strcmp(outcome, "failure") && strcmp(outcome, "warning")))
			rc = lt_err_set(err, LT_EINPUT, "%s: metadata record: event %zu is malformed",
					what, i + 1);
		if (!rc)
			rc = lt_doc_add_event(doc, type, at, outcome, detail ? detail : "", err);
		free(type);
		free(at);
		free(outcome);
		free(detail);
		if (rc)
			return rc;
	}
	return LT_OK;
}

/* "fields": { key: { "value", "provenance", "origin", "rule",
 * "confidence", "confirmed" } } into doc->meta. */
static int parse_fields(json_t *fields, struct lt_doc *doc, const char *what, struct lt_err *err)
{
	const char *key;
	json_t *o;
	int rc = LT_OK;

	if (!fields)
		return LT_OK;
	if (!json_is_object(fields))
		return lt_err_set(err, LT_EINPUT, "%s: metadata record: \"fields\" is not an object", what);
	json_object_foreach(fields, key, o) {
		int ok1 = 1, ok2 = 1, ok3 = 1, ok4 = 1;
		char *value = get_bytes(o, "value", &ok1), *prov = get_bytes(o, "provenance", &ok2),
		     *origin = get_bytes(o, "origin", &ok3), *rule = get_bytes(o, "rule", &ok4);
		json_t *conf = json_object_get(o, "confidence"), *confirmed = json_object_get(o, "confirmed");
		enum lt_meta_source source;

		if (!ok1 || !ok2 || !ok3 || !ok4 || !value || !prov || !json_is_number(conf) ||
		    !json_is_boolean(confirmed) || lt_meta_source_parse(prov, &source) != LT_OK)
			rc = lt_err_set(err, LT_EINPUT, "%s: metadata record: field '%s' malformed", what, key);
		else
			rc = lt_meta_set(&doc->meta, key, value, source, origin, rule, json_number_value(conf),
					 json_is_true(confirmed), err);
		free(value);
		free(prov);
		free(origin);
		free(rule);
		if (rc)
			return rc;
	}
	return rc;
}

int lt_metadata_parse(const char *text, size_t len, const char *what, struct lt_doc **out,
		      char created[32], struct lt_err *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *d, *v;
	struct lt_doc *doc = NULL;
	char *s = NULL;
	long long version;
	int ok = 1, rc = LT_OK;

	*out = NULL;
	created[0] = 0;
	if (!root)
		return lt_err_set(err, LT_EINPUT, "%s: metadata record is not JSON: %s (line %d)", what,
				  jerr.text, jerr.line);
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), LT_METADATA_FORMAT) != 0 ||
	    !get_int(root, "format_version", 1, LT_METADATA_VERSION, &version)) {
		rc = lt_err_set(err, LT_EINPUT, "%s: not a %s record of version 1 to %d", what,
				LT_METADATA_FORMAT, LT_METADATA_VERSION);
		goto out;
	}
	d = json_object_get(root, "document");
	doc = lt_doc_new();
	if (!doc) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading %s", what);
		goto out;
	}
	s = get_bytes(d, "id", &ok);
	if (!s || strlen(s) != LT_DOC_ID_LEN || strspn(s, "0123456789abcdef") != LT_DOC_ID_LEN) {
		rc = lt_err_set(err, LT_EINPUT, "%s: metadata record: no document id", what);
		goto out;
	}
	memcpy(doc->id, s, LT_DOC_ID_LEN + 1);
	free(s);
	s = NULL;
	doc->label = get_bytes(d, "label", &ok);
	if (ok)
		doc->origin = get_bytes(d, "origin", &ok);
	if (ok)
		doc->lang = get_bytes(d, "lang", &ok);
	if (ok && (s = get_bytes(d, "created", &ok)) != NULL) {
		snprintf(created, 32, "%s", s);
		ok = strlen(s) < 32;
	}
	free(s);
	s = NULL;
	if (!ok || !doc->label || !doc->origin) {
		rc = lt_err_set(err, LT_EINPUT, "%s: metadata record: document label or origin "
				"missing or malformed", what);
		goto out;
	}
	doc->state = LT_ARCHIVED;
	rc = parse_sources(json_object_get(root, "sources"), doc, what, err);
	if (!rc)
		rc = parse_pages(json_object_get(root, "pages"), doc, what, err);
	if (!rc)
		rc = parse_events(json_object_get(root, "events"), doc, what, err);
	/* Version 1 records have no "fields": the document had no metadata. */
	if (!rc && version >= 2)
		rc = parse_fields(json_object_get(root, "fields"), doc, what, err);
	v = json_object_get(root, "bundle");
	if (!rc && (!get_int(v, "version", 1, INT32_MAX, &version) ||
		    !(s = get_bytes(v, "created", &ok)) || strlen(s) >= sizeof(doc->bundle.created)))
		rc = lt_err_set(err, LT_EINPUT, "%s: metadata record: bundle version or creation "
				"time missing", what);
	if (!rc) {
		doc->bundle.version = (int)version;
		snprintf(doc->bundle.created, sizeof(doc->bundle.created), "%s", s);
	}
out:
	free(s);
	json_decref(root);
	if (rc) {
		lt_doc_free(doc);
		return rc;
	}
	*out = doc;
	return LT_OK;
}

/* ---- one bundle ---- */

/* What the bag reader hands over: the record and every page's text. */
struct capture {
	struct lt_buf meta;
	struct lt_buf *texts;     /* index page - 1 */
	unsigned char *seen;
	size_t n_texts;
	struct lt_buf *cur;
	int too_big;
};

static void capture_release(struct capture *c)
{
	lt_buf_release(&c->meta);
	for (size_t i = 0; i < c->n_texts; i++)
		lt_buf_release(&c->texts[i]);
	free(c->texts);
	free(c->seen);
	memset(c, 0, sizeof(*c));
}

/* "data/representations/ocr/data/0001.txt" -> 1; 0 for anything else. */
static long page_of(const char *path)
{
	static const char dir[] = LT_LAYOUT_OCR_DATA "/";
	const char *p = path + sizeof(dir) - 1;
	size_t digits;
	char *end;
	long n;

	if (strncmp(path, dir, sizeof(dir) - 1) != 0)
		return 0;
	digits = strspn(p, "0123456789");
	if (digits < 4 || strcmp(p + digits, ".txt") != 0)
		return 0;
	n = strtol(p, &end, 10);
	return n >= 1 && n <= MAX_PAGES ? n : 0;
}

static int capture_select(void *ud, const struct lt_bag_entry *e)
{
	struct capture *c = ud;
	long page;

	c->cur = NULL;
	if (e->type != S_IFREG)
		return 0;
	if (strcmp(e->path, LT_LAYOUT_METADATA_JSON) == 0) {
		lt_buf_reset(&c->meta);
		c->cur = &c->meta;
	} else if ((page = page_of(e->path)) > 0) {
		if ((size_t)page > c->n_texts) {
			struct lt_buf *t = realloc(c->texts, (size_t)page * sizeof(*t));
			unsigned char *s = t ? realloc(c->seen, (size_t)page) : NULL;

			if (t)
				c->texts = t;
			if (!s) {
				c->too_big = 1;
				return 0;
			}
			c->seen = s;
			for (size_t i = c->n_texts; i < (size_t)page; i++) {
				lt_buf_init(&c->texts[i]);
				c->seen[i] = 0;
			}
			c->n_texts = (size_t)page;
		}
		lt_buf_reset(&c->texts[page - 1]);
		c->seen[page - 1] = 1;
		c->cur = &c->texts[page - 1];
	}
	return c->cur != NULL;
}

static int capture_data(void *ud, const void *buf, size_t len, struct lt_err *err)
{
	struct capture *c = ud;

	if (!c->cur)
		return LT_OK;
	if (c->cur->len + len > MEMBER_CAP)
		return lt_err_set(err, LT_EINPUT, "a member is larger than %zu MiB", MEMBER_CAP >> 20);
	return lt_buf_append(c->cur, buf, len, err);
}

static const char *info_value(const struct lt_bag_report *rep, const char *label)
{
	for (size_t i = 0; i < rep->n_info; i++)
		if (strcasecmp(rep->info[i].label, label) == 0)
			return rep->info[i].value;
	return NULL;
}

/* A bundle file's name: "<id>.tar" (version 1) or "<id>.vN.tar". */
static int parse_name(const char *path, char id[LT_DOC_ID_LEN + 1], int *version)
{
	const char *b = lt_basename(path), *p = b + LT_DOC_ID_LEN;
	char *end;
	long v;

	if (strspn(b, "0123456789abcdef") != LT_DOC_ID_LEN)
		return 0;
	memcpy(id, b, LT_DOC_ID_LEN);
	id[LT_DOC_ID_LEN] = 0;
	if (strcmp(p, ".tar") == 0) {
		*version = 1;
		return 1;
	}
	if (strncmp(p, ".v", 2) != 0 || !(p[2] >= '2' && p[2] <= '9'))
		return 0;
	v = strtol(p + 2, &end, 10);
	if (strcmp(end, ".tar") != 0 || v < 2 || v > INT32_MAX)
		return 0;
	*version = (int)v;
	return 1;
}

/* Reads and checks one bundle. *doc NULL and *why set (owned) when it is
 * left out; an error return is run-scoped (out of memory). */
static int read_bundle(const char *path, const char *id, int version, struct lt_doc **out,
		       char created[32], char **why, struct lt_err *err)
{
	struct capture cap = { .meta = LT_BUF_INIT };
	struct lt_bag_read_opts opts = { .select = capture_select, .data = capture_data, .ud = &cap };
	struct lt_bag_report *rep = NULL;
	struct lt_doc *doc = NULL;
	struct lt_err local = { 0 };
	struct lt_buf msg = LT_BUF_INIT;
	const char *ext_id;
	int rc;

	*out = NULL;
	*why = NULL;
	rc = lt_bag_read(path, &opts, &rep, &local);
	if (rc == LT_ENOMEM) {
		*err = local;
		goto out;
	}
	if (rc) {
		rc = lt_buf_printf(&msg, err, lt_i18n_err_format(N_("cannot be read: %s")),
				   local.msg);
		goto left_out;
	}
	if (rep->n_problems) {
		const struct lt_bag_problem *p = &rep->problems[0];

		rc = lt_buf_printf(&msg, err, lt_i18n_err_format(N_("fails its check: %s: %s: %s")),
				   lt_bag_problem_name(p->kind),
				   p->path ? p->path : "", p->reason ? p->reason : "");
		if (!rc && rep->n_problems > 1)
			rc = lt_buf_printf(&msg, err,
					   lt_i18n_err_format(N_(" (more problems: %zu)")),
					   rep->n_problems - 1);
		goto left_out;
	}
	if (cap.too_big || !rep->sha256[0]) {
		rc = lt_buf_puts(&msg, lt_i18n_err_format(N_("could not be read whole")), err);
		goto left_out;
	}
	if (!cap.meta.len) {
		rc = lt_buf_printf(&msg, err,
				   lt_i18n_err_format(N_("has no %s (made by a luutru older than "
				   "rebuild-catalog: its catalog rows cannot be recovered from it)")),
				   LT_LAYOUT_METADATA_JSON);
		goto left_out;
	}
	rc = lt_metadata_parse(cap.meta.data, cap.meta.len, lt_i18n_err_format(N_("its record")),
			       &doc, created, &local);
	if (rc == LT_ENOMEM) {
		*err = local;
		goto out;
	}
	if (rc) {
		rc = lt_buf_puts(&msg, local.msg, err);
		goto left_out;
	}
	ext_id = info_value(rep, "External-Identifier");
	if (strcmp(doc->id, id) != 0 || (ext_id && strcmp(ext_id, id) != 0)) {
		rc = lt_buf_printf(&msg, err,
				   lt_i18n_err_format(N_("holds document %s (External-Identifier %s), not the %s "
				   "its name says")), doc->id, ext_id ? ext_id : lt_i18n_err_format(N_("none")), id);
		goto left_out;
	}
	if (doc->bundle.version != version) {
		rc = lt_buf_printf(&msg, err,
				   lt_i18n_err_format(N_("its record says version %d, its name version %d")),
				   doc->bundle.version, version);
		goto left_out;
	}
	for (size_t i = 0; i < doc->n_pages; i++) {
		if (i >= cap.n_texts || !cap.seen[i]) {
			rc = lt_buf_printf(&msg, err,
					   lt_i18n_err_format(N_("has no text for page %zu")), i + 1);
			goto left_out;
		}
		rc = lt_strdup(lt_buf_str(&cap.texts[i]), &doc->pages[i].text, err);
		if (rc)
			goto out;
	}
	/* The bag's own listing is what the run's commit recorded: every file. */
	doc->bundle.version = version;
	doc->bundle.size = rep->size;
	memcpy(doc->bundle.sha256, rep->sha256, sizeof(doc->bundle.sha256));
	for (size_t i = 0; !rc && i < rep->n_files; i++)
		rc = lt_bundle_add_file(&doc->bundle, rep->files[i].path, rep->files[i].size,
					rep->files[i].sha256, err);
	if (!rc)
		rc = lt_layout_bundle_path(id, version, &doc->bundle.path, err);
	if (rc)
		goto out;
	*out = doc;
	doc = NULL;
	goto out;
left_out:
	if (!rc)
		*why = lt_buf_detach(&msg);
	if (!rc && !*why)
		rc = lt_err_set(err, LT_ENOMEM, "out of memory");
out:
	lt_buf_release(&msg);
	lt_doc_free(doc);
	lt_bag_report_free(rep);
	capture_release(&cap);
	return rc;
}

/* ---- the archive ---- */

struct found {
	char *path;
	char id[LT_DOC_ID_LEN + 1];
	int version;
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

static void found_release(struct found_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

static int by_id_version(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->version > y->version) - (x->version < y->version);
}

/* Every *.tar under dir, bundle-named or not (the others are left out). */
static int walk(const char *dir, int depth, struct found_list *l, const struct lt_rebuild_opts *opts,
		struct lt_rebuild_stats *st, struct lt_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = LT_OK;

	if (!d)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot read '%s': %s",
				  dir, strerror(errno));
	while (!rc && (e = readdir(d)) != NULL) {
		char *path = NULL;
		struct stat sb;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		rc = lt_path(&path, err, "%s/%s", dir, e->d_name);
		if (rc)
			break;
		if (lstat(path, &sb) != 0) {
			free(path);
			continue;
		}
		if (S_ISDIR(sb.st_mode) && depth < 8) {
			rc = walk(path, depth + 1, l, opts, st, err);
		} else if (S_ISREG(sb.st_mode) && len > 4 && strcmp(e->d_name + len - 4, ".tar") == 0) {
			struct found f = { .path = path };

			st->bundles_found++;
			if (!parse_name(path, f.id, &f.version)) {
				st->bundles_left_out++;
				if (opts->left_out)
					opts->left_out(opts->ud, path,
						       lt_i18n_err_format(N_("is not named as a bundle "
						       "(<id>.tar or <id>.vN.tar)")));
			} else {
				if (l->n == l->cap) {
					size_t cap = l->cap ? 2 * l->cap : 64;
					struct found *v = realloc(l->v, cap * sizeof(*v));

					if (!v) {
						rc = lt_err_set(err, LT_ENOMEM, "out of memory listing bundles");
						break;
					}
					l->v = v;
					l->cap = cap;
				}
				l->v[l->n++] = f;
				path = NULL;
			}
		}
		free(path);
	}
	closedir(d);
	return rc;
}

/* The document of bundles v[0..n) (one id, ascending versions): each one
 * read and checked, the sound ones recorded, the newest sound one's record
 * and texts kept. */
static int rebuild_document(struct lt_catalog *cat, const struct found *v, size_t n,
			    const struct lt_rebuild_opts *opts, struct lt_rebuild_stats *st,
			    size_t *done, size_t total, struct lt_err *err)
{
	struct lt_bundle *bundles = calloc(n, sizeof(*bundles));
	struct lt_doc *newest = NULL;
	char created[32] = "", newest_created[32] = "";
	size_t n_ok = 0;
	int rc = bundles ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory");

	for (size_t i = 0; !rc && i < n; i++) {
		struct lt_doc *doc = NULL;
		char *why = NULL;

		rc = read_bundle(v[i].path, v[i].id, v[i].version, &doc, created, &why, err);
		if (!rc && why) {
			st->bundles_left_out++;
			if (opts->left_out)
				opts->left_out(opts->ud, v[i].path, why);
		}
		free(why);
		if (!rc && doc) {
			/* The bundle row takes the bundle; the newest doc keeps its record. */
			bundles[n_ok] = doc->bundle;
			bundles[n_ok].files = NULL;
			bundles[n_ok].n_files = 0;
			bundles[n_ok].path = NULL;
			rc = lt_strdup(doc->bundle.path, &bundles[n_ok].path, err);
			for (size_t k = 0; !rc && k < doc->bundle.n_files; k++)
				rc = lt_bundle_add_file(&bundles[n_ok], doc->bundle.files[k].path,
							doc->bundle.files[k].size,
							doc->bundle.files[k].sha256, err);
			n_ok++;
			lt_doc_free(newest);
			newest = doc;
			memcpy(newest_created, created, sizeof(created));
		} else {
			lt_doc_free(doc);
		}
		(*done)++;
		if (opts->progress)
			opts->progress(opts->ud, *done, total);
	}
	if (!rc && newest) {
		const struct lt_bundle *b = &bundles[n_ok - 1];
		char detail[256];

		/* The package stage's event: its detail is the tar's digest, which
		 * the tar cannot hold; made again from what was just read. */
		snprintf(detail, sizeof(detail), "%s, %zu files, %llu bytes, sha256 %s", b->path,
			 b->n_files, (unsigned long long)b->size, b->sha256);
		rc = lt_doc_add_event(newest, "packaged", b->created, "success", detail, err);
		if (!newest_created[0])
			snprintf(newest_created, sizeof(newest_created), "%s",
				 newest->n_events ? newest->events[0].at : b->created);
		if (!rc)
			rc = lt_catalog_rebuild_add(cat, newest, newest_created, bundles, n_ok, err);
		if (!rc) {
			st->bundles_used += n_ok;
			st->documents++;
			st->pages += newest->n_pages;
		}
	}
	for (size_t i = 0; bundles && i < n; i++)
		lt_bundle_release(&bundles[i]);
	free(bundles);
	lt_doc_free(newest);
	return rc;
}

static int take_run_lock(const char *archive, int *fd_out, struct lt_err *err)
{
	int rc = lt_lock_exclusive(archive, "run.lock", fd_out, err);

	if (rc == LT_EBUSY)
		lt_err_set(err, LT_EBUSY, "a `luutru run` is working on '%s': rebuild when it "
			   "has finished", archive);
	return rc;
}

static int exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* Old catalog aside (with its log, which holds committed transactions),
 * then the new one in. Each rename is atomic; a crash between them leaves
 * no catalog.sqlite and the old one under its new name, never a mix. */
static int swap_in(const char *archive, const char *built, char **old_out, struct lt_err *err)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char *cur = NULL, *old = NULL, *from = NULL, *to = NULL, stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc = lt_path(&cur, err, "%s/catalog.sqlite", archive);

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	for (int n = 0; !rc; n++) {
		free(old);
		old = NULL;
		rc = n ? lt_path(&old, err, "%s.old-%s-%d", cur, stamp, n)
		       : lt_path(&old, err, "%s.old-%s", cur, stamp);
		if (!rc && !exists(old))
			break;
	}
	if (!rc && !exists(cur)) {
		free(old);
		old = NULL;
	}
	for (size_t i = 0; !rc && old && i < 3; i++) {
		free(from);
		free(to);
		from = to = NULL;
		rc = lt_path(&from, err, "%s%s", cur, suffix[i]);
		if (!rc)
			rc = lt_path(&to, err, "%s%s", old, suffix[i]);
		if (!rc && exists(from) && rename(from, to) != 0)
			rc = lt_err_set(err, LT_EIO, "cannot move the old catalog '%s' aside to '%s': %s",
					from, to, strerror(errno));
	}
	/* A log left beside the new file would be read as its own. */
	for (size_t i = 1; !rc && i < 3; i++) {
		free(from);
		from = NULL;
		rc = lt_path(&from, err, "%s%s", cur, suffix[i]);
		if (!rc && exists(from))
			rc = lt_err_set(err, LT_EIO, "'%s' is still there (from a catalog whose main file "
					"is gone): move it away, then rebuild again", from);
	}
	if (!rc && rename(built, cur) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot move the new catalog '%s' to '%s': %s", built, cur,
				strerror(errno));
	if (!rc)
		rc = lt_fsync_dir(archive, err);
	if (!rc && old_out) {
		*old_out = old;
		old = NULL;
	}
	free(cur);
	free(old);
	free(from);
	free(to);
	return rc;
}

int lt_rebuild_catalog(const char *archive, const struct lt_rebuild_opts *opts,
		       struct lt_rebuild_stats *st, char **old_catalog, struct lt_err *err)
{
	struct lt_rebuild_opts none = { 0 };
	struct found_list list = { 0 };
	struct lt_catalog *cat = NULL;
	char *from = NULL, *dir = NULL, *built = NULL;
	size_t done = 0;
	int lock = -1, rc;

	if (!opts)
		opts = &none;
	memset(st, 0, sizeof(*st));
	if (old_catalog)
		*old_catalog = NULL;
	rc = opts->from ? lt_strdup(opts->from, &from, err) : lt_path(&from, err, "%s/bundles", archive);
	if (!rc)
		rc = lt_path(&dir, err, "%s/catalog.sqlite.rebuild", archive);
	if (!rc)
		rc = lt_path(&built, err, "%s/catalog.sqlite", dir);
	/* Looked for first, so a wrong --archive or --from creates nothing. */
	if (!rc)
		rc = walk(from, 0, &list, opts, st, err);
	if (!rc && list.n == 0)
		rc = lt_err_set(err, LT_ENOTFOUND, "no bundle (<id>.tar, <id>.vN.tar) under '%s': "
				"nothing rebuilt, the catalog is unchanged", from);
	if (!rc)
		rc = lt_mkdir_p(archive, 0755, err);
	/* A run committing meanwhile would commit into the catalog swapped out. */
	if (!rc)
		rc = take_run_lock(archive, &lock, err);
	if (rc)
		goto out;
	qsort(list.v, list.n, sizeof(list.v[0]), by_id_version);
	/* What an interrupted rebuild left is never half-used. */
	if (exists(dir))
		rc = lt_remove_tree(dir, err);
	if (!rc)
		rc = lt_catalog_open(dir, LT_CATALOG_CREATE, &cat, err);
	for (size_t i = 0, j; !rc && i < list.n; i = j) {
		for (j = i + 1; j < list.n && strcmp(list.v[j].id, list.v[i].id) == 0; j++)
			;
		rc = rebuild_document(cat, &list.v[i], j - i, opts, st, &done, list.n, err);
	}
	if (!rc)
		rc = lt_catalog_rebuild_seal(cat, err);
	lt_catalog_close(cat);
	cat = NULL;
	if (!rc)
		rc = swap_in(archive, built, old_catalog, err);
	if (!rc)
		rc = lt_remove_tree(dir, err);
out:
	lt_catalog_close(cat);
	if (lock >= 0)
		close(lock);
	found_release(&list);
	free(from);
	free(dir);
	free(built);
	return rc;
}
