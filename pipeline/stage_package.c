/* stage_package.c - one document becomes one BagIt bag in a tar.
 *
 * The payload goes in first (masters, OCR files, the access PDF, the
 * schemas), so its digests are known; then EAD.xml and metadata.json, then
 * PREMIS.xml (which lists all of those), then METS.xml (which lists every
 * payload file but itself), then the tag files.
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
#include <tesseract/capi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/bag_profile.h"
#include "luutru/catalog.h"
#include "luutru/ead.h"
#include "luutru/embedded.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/mets.h"
#include "luutru/premis.h"
#include "luutru/rebuild.h"
#include "luutru/shard.h"
#include "luutru/stage.h"
#include "luutru/text.h"

/* Per worker: the bundle this worker moved into bundles/ for the document
 * in hand, so abort can take it back if the commit then fails. */
struct package_state {
	char *installed;
	struct lt_bag_profile *profile; /* luutru's BagIt profile, parsed once */
};

static void package_close(void *state);

static int package_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	struct package_state *s = calloc(1, sizeof(*s));
	int rc;

	(void)ctx;
	*state = NULL;
	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	rc = lt_bag_profile_luutru(&s->profile, err);
	if (rc) {
		package_close(s);
		return rc;
	}
	*state = s;
	return LT_OK;
}

/* The finished tar read back as any reader would: a sound bag that
 * conforms to luutru's BagIt profile, or the document fails naming why -
 * before it is moved into the archive. */
static int check_bundle(struct package_state *s, const char *tar, const char *id, struct lt_err *err)
{
	struct lt_bag_report *rep = NULL;
	struct lt_buf why = LT_BUF_INIT;
	size_t n = 0;
	int rc = lt_bag_read(tar, NULL, &rep, err);

	if (!rc && rep->n_problems)
		rc = lt_err_set(err, LT_EINTERNAL, "bundle of %s is not a sound bag: %s: %s", id,
				rep->problems[0].path ? rep->problems[0].path : "",
				rep->problems[0].reason ? rep->problems[0].reason : "");
	if (!rc)
		rc = lt_bag_profile_check(s->profile, rep, &why, &n, err);
	if (!rc && n) {
		why.data[strcspn(why.data, "\n")] = 0;
		rc = lt_err_set(err, LT_EINTERNAL, "bundle of %s does not conform to %s (%zu problem%s): %s",
				id, lt_bag_profile_id(s->profile), n, n == 1 ? "" : "s", why.data);
	}
	lt_bag_report_free(rep);
	lt_buf_release(&why);
	return rc;
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
static int metadata_json(struct lt_job *job, const struct lt_doc *known, int version,
			 const char *packaged_at, char **out, struct lt_err *err)
{
	const struct lt_doc *doc = job->doc;
	json_t *root = json_object(), *d = json_object(), *sources = json_array(),
	       *pages = json_array(), *events = json_array(), *bundle = json_object(),
	       *fields = json_object();
	int bad = !root || !d || !sources || !pages || !events || !bundle || !fields;
	int rc = LT_OK;

	*out = NULL;
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
		/* Where the scan was ingested from, as the catalog knows it: a new
		 * version of an archived document reads its masters out of the old
		 * bundle, from a work folder that is gone tomorrow. */
		bad |= put_bytes(o, "path", i < known->n_sources ? known->sources[i].path : src->path);
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
		if (p->technical) {
			json_t *tech = json_loads(p->technical, 0, NULL);

			bad |= !tech || json_object_set_new(o, "technical", tech);
		}
	}
	if (!bad)
		bad |= put_events(events, known->events, known->n_events);
	if (!bad)
		bad |= put_events(events, doc->events, doc->n_events);
	for (size_t i = 0; !bad && i < doc->meta.n; i++) {
		const struct lt_meta_field *f = &doc->meta.fields[i];
		json_t *o = json_object();

		bad |= !o || json_object_set_new(fields, f->key, o);
		if (!o)
			break;
		bad |= put_bytes(o, "value", f->value);
		bad |= put_bytes(o, "provenance", lt_meta_source_name(f->source));
		bad |= put_bytes(o, "origin", f->origin);
		bad |= put_bytes(o, "rule", f->rule);
		bad |= json_object_set_new(o, "confidence", json_real(f->confidence));
		bad |= json_object_set_new(o, "confirmed", json_boolean(f->confirmed));
	}
	bad |= json_object_set_new(bundle, "version", json_integer(version));
	bad |= put_bytes(bundle, "created", packaged_at);
	if (!bad) {
		bad |= json_object_set(root, "document", d);
		bad |= json_object_set(root, "fields", fields);
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
	json_decref(root);
	json_decref(d);
	json_decref(sources);
	json_decref(pages);
	json_decref(events);
	json_decref(bundle);
	json_decref(fields);
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

static void package_describe(void *state, const struct lt_job *job, struct lt_buf *note);

/* The access copy, when the PDF stage made one, and the schemas. */
static int add_access_and_schemas(struct lt_bag *bag, const struct lt_job *job, struct lt_err *err)
{
	char *work = NULL, *path = NULL;
	int rc = lt_layout_work_access_pdf(job->work_dir, &work, err);

	if (!rc && access(work, F_OK) == 0) {
		rc = lt_layout_access_pdf(job->doc->id, &path, err);
		if (!rc)
			rc = lt_bag_add_file(bag, path, work, NULL, err);
	} else if (!rc && errno != ENOENT) {
		rc = lt_err_set(err, LT_EIO, "cannot look at the access copy '%s': %s", work, strerror(errno));
	}
	free(work);
	free(path);
	path = NULL;
	for (size_t i = 0; !rc && i < lt_n_bundle_schemas; i++) {
		rc = lt_layout_schema(lt_bundle_schemas[i].name, &path, err);
		if (!rc)
			rc = lt_bag_add_data(bag, path, lt_bundle_schemas[i].data, lt_bundle_schemas[i].len, err);
		free(path);
		path = NULL;
	}
	return rc;
}

typedef int (*xml_writer_fn)(const struct lt_pkg *pkg, char **out, size_t *len, struct lt_err *err);

static int add_xml(struct lt_bag *bag, const struct lt_pkg *pkg, const char *path, xml_writer_fn fn,
		   struct lt_err *err)
{
	char *xml = NULL;
	size_t len = 0;
	int rc = fn(pkg, &xml, &len, err);

	if (!rc)
		rc = lt_bag_add_data(bag, path, xml, len, err);
	free(xml);
	return rc;
}

/* The descriptive and preservation metadata, then METS over everything:
 * each is written from the bag's files as they are by then. */
static int add_metadata(struct lt_bag *bag, struct lt_job *job, const struct lt_doc *known,
			int version, const char *packaged_at, const char *packaged_detail,
			struct lt_err *err)
{
	struct lt_pkg pkg = {
		.doc = job->doc,
		.history = known->events,
		.n_history = known->n_events,
		.created = packaged_at,
		.organization = job->ctx->opts->organization,
		.tesseract_version = TessVersion(),
	};
	char *json = NULL, *premis = NULL;
	size_t premis_len = 0;
	int rc;

	pkg.files = lt_bag_files(bag);
	rc = add_xml(bag, &pkg, LT_LAYOUT_EAD, lt_ead_write, err);
	if (!rc)
		rc = metadata_json(job, known, version, packaged_at, &json, err);
	if (!rc)
		rc = lt_bag_add_data(bag, LT_LAYOUT_METADATA_JSON, json, strlen(json), err);
	pkg.files = lt_bag_files(bag);
	if (!rc)
		rc = lt_premis_write(&pkg, packaged_detail, &premis, &premis_len, err);
	if (!rc)
		rc = lt_bag_add_data(bag, LT_LAYOUT_PREMIS, premis, premis_len, err);
	pkg.files = lt_bag_files(bag);
	if (!rc)
		rc = add_xml(bag, &pkg, LT_LAYOUT_METS, lt_mets_write, err);
	free(json);
	free(premis);
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
	struct lt_doc *known = NULL;
	const struct lt_doc *history = NULL; /* known, or the shard's work list's */
	struct lt_buf detail = LT_BUF_INIT;
	const char *info[20], *title;
	char *description = NULL, group[32];
	int64_t batch = 0;
	int version = 0, repaired = 0, rc;

	(void)page;
	/* Bundles are never rewritten: a new one is the next version. A shard's
	 * run has it (and the batch and history) from its work list. */
	if (job->ctx->opts->shard)
		rc = lt_shard_run_document(job->ctx->opts->shard, doc->id, &version, &batch, &history,
					   err);
	else {
		rc = lt_catalog_latest_bundle_version(job->ctx->catalog, doc->id, &version, err);
		version++;
	}
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
	/* The title as EAD gives it: the subject (trích yếu), else a free
	 * title, else the inbox label. */
	title = lt_meta_value(&doc->meta, "subject");
	if (!title || !*title)
		title = lt_meta_value(&doc->meta, "title");
	if (title && *title) {
		rc = lt_strdup(title, &description, err);
		if (rc)
			goto out;
		one_line(description);
	}
	if (!job->ctx->opts->shard)
		rc = lt_catalog_document_batch(job->ctx->catalog, doc->id, &batch, err);
	if (rc)
		goto out;
	snprintf(group, sizeof(group), "batch-%lld", (long long)batch);
	{
		size_t n = 0;

		info[n++] = "External-Identifier";
		info[n++] = doc->id;
		info[n++] = "External-Description";
		info[n++] = description ? description : label;
		if (job->ctx->opts->organization) {
			info[n++] = "Source-Organization";
			info[n++] = job->ctx->opts->organization;
		}
		if (batch > 0) {
			info[n++] = "Bag-Group-Identifier";
			info[n++] = group;
		}
		info[n++] = "Internal-Sender-Identifier";
		info[n++] = label;
		info[n++] = "Internal-Sender-Description";
		info[n++] = lt_buf_str(&sources);
		info[n++] = "Number-Of-Pages";
		info[n++] = pages;
		info[n++] = NULL;
		info[n++] = NULL;
	}
	/* A stale part file can only be from an earlier attempt in this folder. */
	unlink(tmp);
	/* The bundle's creation time is the one its own record gives, so a
	 * catalog rebuilt from it shows the same. */
	lt_now_iso8601(packaged_at);
	if (!history) {
		rc = lt_catalog_load(job->ctx->catalog, doc->id, &known, err);
		history = known;
	}
	if (!rc)
		rc = lt_bag_create(tmp, doc->id, &bag, err);
	if (!rc)
		rc = add_payload(bag, job, err);
	if (!rc)
		rc = add_access_and_schemas(bag, job, err);
	if (!rc)
		rc = add_metadata(bag, job, history, version, packaged_at, rel, err);
	if (!rc)
		rc = lt_bag_finish(bag, info, &bundle, err);
	if (rc)
		goto out;
	snprintf(bundle.created, sizeof(bundle.created), "%s", packaged_at);
	rc = check_bundle(s, tmp, doc->id, err);
	if (rc)
		goto out;
	if (chmod(tmp, 0444) != 0) {
		rc = lt_err_set(err, LT_EIO, "cannot make '%s' read-only: %s", tmp, strerror(errno));
		goto out;
	}
	rc = lt_mkdir_p(shard, 0755, err);
	if (!rc && job->ctx->opts->shard) {
		/* Nothing is there: the shard's run removed unjournaled bundles first. */
		int e = lt_rename_noreplace(tmp, final);

		rc = e ? lt_err_set(err, LT_EIO, "cannot move bundle '%s' to '%s': %s", tmp, final,
				    strerror(e))
			: lt_fsync_parent(final, err);
	} else if (!rc)
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
	/* The packaging event at the time PREMIS.xml gives it, its detail
	 * starting as PREMIS's does: the catalog and the bundle tell the same. */
	package_describe(s, job, &detail);
	rc = lt_doc_add_event(doc, LT_PREMIS_PACKAGED, packaged_at, "success", lt_buf_str(&detail), err);
out:
	lt_bag_free(bag);
	lt_doc_free(known);
	lt_buf_release(&detail);
	free(description);
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

	if (s) {
		free(s->installed);
		lt_bag_profile_free(s->profile);
	}
	free(s);
}

const struct lt_stage lt_stage_package = {
	.name = "package",
	.scope = LT_PER_DOCUMENT,
	/* None from the runner: process records "packaged" itself, at the
	 * time written into the bundle's PREMIS.xml. */
	.event = NULL,
	.open = package_open,
	.begin = package_begin,
	.process = package_document,
	.abort = package_abort,
	.describe = package_describe,
	.close = package_close,
};
