/* stage_package.c - one document becomes one BagIt bag in a tar.
 *
 * The tar is written in the document's work folder, fsync'ed, made read-only
 * and moved into ARCHIVE/bundles/ under the name of the next version
 * (layout.h), and the directory is fsync'ed - all before the catalog commit
 * that records it. The move never replaces a file: a crash leaves either no
 * bundle of that version or an orphan the catalog does not know, which the
 * next run replaces explicitly; a recorded bundle is never overwritten.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/pdf.h"
#include "luutru/rebuild.h"
#include "luutru/stage.h"
#include "luutru/text.h"

/* Per worker: the bundle this worker moved into bundles/ for the document
 * in hand, so abort can take it back if the commit then fails. */
struct package_state {
	char *installed;
};

static int package_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	(void)ctx;
	*state = calloc(1, sizeof(struct package_state));
	if (!*state)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	return LT_OK;
}

static int add_payload(struct lt_bag *bag, const struct lt_job *job, struct lt_err *err)
{
	static const enum lt_layout_page_file spooled[] = { LT_PAGE_HOCR, LT_PAGE_ALTO };
	const struct lt_doc *doc = job->doc;
	char *path = NULL, *spool = NULL;
	int rc = LT_OK;

	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		rc = lt_layout_master(doc, i, &path, err);
		if (!rc)
			rc = lt_bag_add_file(bag, path, doc->sources[i].path, doc->sources[i].sha256, err);
		free(path);
		path = NULL;
	}
	for (size_t i = 0; !rc && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];

		if (!p->text)
			return lt_err_set(err, LT_EINTERNAL, "page %d has no OCR result to package", p->number);
		rc = lt_layout_page(p->number, LT_PAGE_TEXT, &path, err);
		if (!rc)
			rc = lt_bag_add_data(bag, path, p->text, strlen(p->text), err);
		free(path);
		path = NULL;
		/* Spooled by the OCR stage: streamed, never loaded whole. */
		for (size_t k = 0; !rc && k < sizeof(spooled) / sizeof(spooled[0]); k++) {
			rc = lt_layout_work_page(job->work_dir, p->number, spooled[k], &spool, err);
			if (!rc && access(spool, R_OK) != 0)
				rc = lt_err_set(err, LT_EINTERNAL, "page %d has no %s to package: '%s': %s",
						p->number, spooled[k] == LT_PAGE_HOCR ? "hOCR" : "ALTO",
						spool, strerror(errno));
			if (!rc)
				rc = lt_layout_page(p->number, spooled[k], &path, err);
			if (!rc)
				rc = lt_bag_add_file(bag, path, spool, NULL, err);
			free(path);
			free(spool);
			path = spool = NULL;
		}
	}
	/* The access copy (stage_access.c), until the bundle layout's rewrite
	 * takes it over. */
	if (!rc)
		rc = lt_path(&spool, err, "%s/%s", job->work_dir, LT_WORK_ACCESS_PDF);
	if (!rc && access(spool, R_OK) == 0) {
		rc = lt_path(&path, err, "%s/%s.pdf", LT_LAYOUT_ACCESS_DATA, doc->id);
		if (!rc)
			rc = lt_bag_add_file(bag, path, spool, NULL, err);
	}
	free(path);
	free(spool);
	return rc;
}

/* A string member: as is when it is UTF-8, else its bytes in hex under
 * KEY_hex (a scan's path on Linux is bytes; the catalog must get them back). */
static int put_bytes(json_t *obj, const char *key, const char *s)
{
	json_t *v;

	if (!s)
		return json_object_set_new(obj, key, json_null());
	v = json_string(s);
	if (!v) {
		char hexkey[64], *hex = malloc(2 * strlen(s) + 1);

		if (!hex)
			return -1;
		for (size_t i = 0; s[i]; i++)
			sprintf(hex + 2 * i, "%02x", (unsigned char)s[i]);
		snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
		v = json_string(hex);
		free(hex);
		return json_object_set_new(obj, hexkey, v);
	}
	return json_object_set_new(obj, key, v);
}

static json_t *real_or_null(double v)
{
	return v >= 0 ? json_real(v) : json_null();
}

static int put_events(json_t *list, const struct lt_event *ev, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object();

		bad |= !e || json_array_append_new(list, e);
		if (!e)
			break;
		bad |= put_bytes(e, "type", ev[i].type);
		bad |= put_bytes(e, "at", ev[i].at);
		bad |= put_bytes(e, "outcome", ev[i].outcome);
		bad |= put_bytes(e, "detail", ev[i].detail ? ev[i].detail : "");
	}
	return bad;
}

/* The record described in rebuild.h (LT_METADATA_FORMAT): what the catalog
 * knows of the document up to its packaging, so that a catalog rebuilt from
 * the bundles alone shows the same. The history is the catalog's events so
 * far, then this run's (the stages before this one). */
static int metadata_json(struct lt_job *job, int version, const char *packaged_at, char **out,
			 struct lt_err *err)
{
	const struct lt_doc *doc = job->doc;
	struct lt_doc *known = NULL;
	json_t *root = json_object(), *d = json_object(), *sources = json_array(),
	       *pages = json_array(), *events = json_array(), *bundle = json_object();
	int bad = !root || !d || !sources || !pages || !events || !bundle;
	int rc = lt_catalog_load(job->ctx->catalog, doc->id, &known, err);

	*out = NULL;
	if (rc)
		goto out;
	bad |= json_object_set_new(root, "format", json_string(LT_METADATA_FORMAT));
	bad |= json_object_set_new(root, "format_version", json_integer(LT_METADATA_VERSION));
	bad |= put_bytes(d, "id", doc->id);
	bad |= put_bytes(d, "label", doc->label);
	bad |= put_bytes(d, "origin", doc->origin);
	bad |= put_bytes(d, "lang", doc->lang);
	/* The "ingested" event's time is the document row's created. */
	for (size_t i = 0; i < known->n_events; i++)
		if (strcmp(known->events[i].type, "ingested") == 0) {
			bad |= put_bytes(d, "created", known->events[i].at);
			break;
		}
	for (size_t i = 0; !bad && i < doc->n_sources; i++) {
		const struct lt_source *src = &doc->sources[i];
		json_t *o = json_object();

		bad |= !o || json_array_append_new(sources, o);
		if (!o)
			break;
		bad |= json_object_set_new(o, "seq", json_integer((json_int_t)i + 1));
		bad |= put_bytes(o, "path", src->path);
		bad |= json_object_set_new(o, "size", json_integer((json_int_t)src->size));
		bad |= put_bytes(o, "sha256", src->sha256);
		bad |= put_bytes(o, "format", src->ext);
		bad |= json_object_set_new(o, "page_count", json_integer(src->page_count));
	}
	for (size_t i = 0; !bad && i < doc->n_pages; i++) {
		const struct lt_page *p = &doc->pages[i];
		json_t *o = json_object();

		bad |= !o || json_array_append_new(pages, o);
		if (!o)
			break;
		bad |= json_object_set_new(o, "number", json_integer(p->number));
		bad |= json_object_set_new(o, "source", json_integer(p->source + 1));
		bad |= json_object_set_new(o, "index", json_integer(p->index_in_source));
		bad |= json_object_set_new(o, "width", json_integer(p->width));
		bad |= json_object_set_new(o, "height", json_integer(p->height));
		bad |= json_object_set_new(o, "dpi", json_integer(p->dpi));
		bad |= json_object_set_new(o, "confidence", real_or_null(p->confidence));
		bad |= put_bytes(o, "lang", p->lang);
		bad |= put_bytes(o, "preprocessing", p->preprocessing);
		bad |= json_object_set_new(o, "quality", real_or_null(p->quality));
		bad |= put_bytes(o, "review", p->review);
	}
	if (!bad)
		bad |= put_events(events, known->events, known->n_events);
	if (!bad)
		bad |= put_events(events, doc->events, doc->n_events);
	bad |= json_object_set_new(bundle, "version", json_integer(version));
	bad |= put_bytes(bundle, "created", packaged_at);
	if (!bad) {
		bad |= json_object_set(root, "document", d);
		bad |= json_object_set(root, "sources", sources);
		bad |= json_object_set(root, "pages", pages);
		bad |= json_object_set(root, "events", events);
		bad |= json_object_set(root, "bundle", bundle);
	}
	if (!bad)
		*out = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!*out)
		rc = lt_err_set(err, LT_ENOMEM, "out of memory writing the metadata record of document %s",
				doc->id);
out:
	json_decref(root);
	json_decref(d);
	json_decref(sources);
	json_decref(pages);
	json_decref(events);
	json_decref(bundle);
	lt_doc_free(known);
	return rc;
}

/* bag-info values must be one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

/* A file name as bag-info.txt (UTF-8) can hold it: as it is when it is
 * UTF-8; else with U+FFFD for the bytes that are not, followed by
 * " (bytes: ...)", the name's exact bytes percent-encoded (every byte but
 * A-Z a-z 0-9 . _ ~ - as %HH), so the bundle alone still names the
 * original scan. Into out (reset first); *repaired: whether the name was
 * not UTF-8. */
static int name_with_bytes(const char *raw, struct lt_buf *out, int *repaired, struct lt_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc;

	lt_buf_reset(out);
	rc = lt_text_repair_utf8(raw, out, err);
	*repaired = !rc && strcmp(lt_buf_str(out), raw) != 0;
	if (!*repaired)
		return rc;
	rc = lt_buf_puts(out, " (bytes: ", err);
	for (const unsigned char *p = (const unsigned char *)raw; !rc && *p; p++) {
		char enc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("._~-", *p))
			rc = lt_buf_append(out, p, 1, err);
		else
			rc = lt_buf_append(out, enc, 3, err);
	}
	if (!rc)
		rc = lt_buf_puts(out, ")", err);
	return rc;
}

static int package_document(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct package_state *s = state;
	struct lt_doc *doc = job->doc;
	const char *archive = job->ctx->opts->archive;
	struct lt_bag *bag = NULL;
	struct lt_bundle bundle = { 0 };
	char *tmp = NULL, *shard = NULL, *final = NULL, *rel = NULL, *rel_dir = NULL, *label = NULL;
	struct lt_buf sources = LT_BUF_INIT, name = LT_BUF_INIT;
	char pages[32], packaged_at[32];
	char *metadata = NULL;
	int version = 0, repaired = 0, rc;

	(void)page;
	/* Bundles are never rewritten: a new one is the next version. */
	rc = lt_catalog_latest_bundle_version(job->ctx->catalog, doc->id, &version, err);
	if (!rc)
		version++;
	if (!rc)
		rc = lt_layout_bundle_path(doc->id, version, &rel, err);
	if (!rc)
		rc = lt_layout_bundle_dir(doc->id, &rel_dir, err);
	if (!rc)
		rc = lt_path(&tmp, err, "%s/%s.tar.part", job->work_dir, doc->id);
	if (!rc)
		rc = lt_path(&shard, err, "%s/%s", archive, rel_dir);
	if (!rc)
		rc = lt_path(&final, err, "%s/%s", archive, rel);
	if (!rc)
		rc = lt_strdup(doc->label, &label, err);
	if (rc)
		goto out;
	one_line(label);
	snprintf(pages, sizeof(pages), "%zu", doc->n_pages);
	/* The inbox name's own bytes, when the label had to be repaired. */
	if (doc->origin) {
		rc = name_with_bytes(lt_basename(doc->origin), &name, &repaired, err);
		if (!rc && repaired)
			rc = lt_buf_printf(&sources, err, "inbox name: %s; ", lt_buf_str(&name));
	}
	/* The scans' own names, so the bundle alone maps 0002.png to page-2.jpg. */
	for (size_t i = 0; !rc && i < doc->n_sources; i++) {
		char master[32];

		lt_source_master_name(doc, i, master);
		lt_buf_reset(&name);
		rc = name_with_bytes(lt_basename(doc->sources[i].path), &name, &repaired, err);
		if (!rc)
			rc = lt_buf_printf(&sources, err, "%s%s = %s", i ? "; " : "scans: ", master,
					   lt_buf_str(&name));
	}
	if (rc)
		goto out;
	if (sources.data)
		one_line(sources.data);
	const char *info[] = {
		"External-Identifier", doc->id,
		"Internal-Sender-Identifier", label,
		"Internal-Sender-Description", lt_buf_str(&sources),
		"Number-Of-Pages", pages,
		NULL, NULL,
	};
	/* A stale part file can only be from an earlier attempt in this folder. */
	unlink(tmp);
	/* The bundle's creation time is the one its own record gives, so a
	 * catalog rebuilt from it shows the same. */
	lt_now_iso8601(packaged_at);
	rc = metadata_json(job, version, packaged_at, &metadata, err);
	if (!rc)
		rc = lt_bag_create(tmp, doc->id, &bag, err);
	if (!rc)
		rc = add_payload(bag, job, err);
	if (!rc)
		rc = lt_bag_add_data(bag, LT_LAYOUT_METADATA_JSON, metadata, strlen(metadata), err);
	if (!rc)
		rc = lt_bag_finish(bag, info, &bundle, err);
	if (rc)
		goto out;
	snprintf(bundle.created, sizeof(bundle.created), "%s", packaged_at);
	if (chmod(tmp, 0444) != 0) {
		rc = lt_err_set(err, LT_EIO, "cannot make '%s' read-only: %s", tmp, strerror(errno));
		goto out;
	}
	rc = lt_mkdir_p(shard, 0755, err);
	if (!rc)
		rc = lt_layout_install_bundle(job->ctx->catalog, doc->id, version, tmp, final, err);
	if (rc)
		goto out;
	s->installed = final;
	final = NULL;
	lt_bundle_release(&doc->bundle);
	doc->bundle = bundle;
	doc->bundle.version = version;
	doc->bundle.path = rel;
	memset(&bundle, 0, sizeof(bundle));
	rel = NULL;
out:
	lt_bag_free(bag);
	free(metadata);
	if (rc && tmp)
		unlink(tmp);
	lt_bundle_release(&bundle);
	lt_buf_release(&sources);
	lt_buf_release(&name);
	free(label);
	free(tmp);
	free(shard);
	free(final);
	free(rel);
	free(rel_dir);
	return rc;
}

/* Forgets the previous document's bundle: it is committed, and abort must
 * never touch it. */
static int package_begin(void *state, struct lt_job *job, struct lt_err *err)
{
	struct package_state *s = state;

	(void)job;
	(void)err;
	free(s->installed);
	s->installed = NULL;
	return LT_OK;
}

/* The document failed after its bundle was moved into place (the commit
 * failed): the catalog does not record it, so it is taken back rather than
 * left as an orphan for the next run to find. */
static void package_abort(void *state, struct lt_job *job)
{
	struct package_state *s = state;

	(void)job;
	if (s->installed && unlink(s->installed) == 0)
		lt_fsync_parent(s->installed, NULL);
	free(s->installed);
	s->installed = NULL;
}

static void package_describe(void *state, const struct lt_job *job, struct lt_buf *note)
{
	const struct lt_doc *doc = job->doc;

	(void)state;
	lt_buf_printf(note, NULL, "%s, %zu files, %llu bytes, sha256 %s", doc->bundle.path,
		      doc->bundle.n_files, (unsigned long long)doc->bundle.size, doc->bundle.sha256);
}

static void package_close(void *state)
{
	struct package_state *s = state;

	if (s)
		free(s->installed);
	free(s);
}

const struct lt_stage lt_stage_package = {
	.name = "package",
	.scope = LT_PER_DOCUMENT,
	.event = "packaged",
	.open = package_open,
	.begin = package_begin,
	.process = package_document,
	.abort = package_abort,
	.describe = package_describe,
	.close = package_close,
};
