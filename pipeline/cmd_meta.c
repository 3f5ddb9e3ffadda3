/* cmd_meta.c - `luutru meta DOC`: a document's descriptive metadata with
 * where each value came from; with --set and --confirm, a person's
 * corrections, checked against the metadata profile, recorded as an event
 * and archived as a new bundle version (the repackage pipeline).
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/layout.h"
#include "luutru/meta.h"
#include "luutru/profile.h"
#include "luutru/runner.h"
#include "luutru/stage.h"

/* ---- corrections ---- */

static int quoted(struct lt_buf *b, const char *s, struct lt_err *err)
{
	return s ? lt_buf_printf(b, err, "'%s'", s) : lt_buf_puts(b, "(none)", err);
}

int lt_cmd_meta_apply(struct lt_meta *m, const struct lt_meta_change *changes, size_t n,
		      const char *by, struct lt_buf *detail, int *changed, struct lt_err *err)
{
	struct lt_buf origin = LT_BUF_INIT;
	int rc = lt_buf_printf(&origin, err, "luutru meta by %s", by);

	*changed = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		const struct lt_meta_change *c = &changes[i];
		const struct lt_meta_field *f = lt_meta_get(m, c->key);
		char *old = NULL;

		if (!c->value) {
			if (!f) {
				rc = lt_err_set(err, LT_EINPUT, "%s: nothing to confirm, the document has "
						"no value for it (give one with --set %s=VALUE)",
						c->key, c->key);
				break;
			}
			if (f->confirmed)
				continue;
			/* The value stays what its source gave; a person now vouches for it. */
			rc = lt_meta_set(m, f->key, f->value, f->source, f->origin, f->rule,
					 f->confidence, 1, err);
			f = lt_meta_get(m, c->key);
			if (!rc && detail->len)
				rc = lt_buf_puts(detail, "; ", err);
			if (!rc)
				rc = lt_buf_printf(detail, err, "%s '%s' confirmed", c->key, f->value);
		} else {
			if (f && f->source == LT_META_CORRECTED && strcmp(f->value, c->value) == 0)
				continue;
			if (f && !(old = strdup(f->value))) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory correcting %s", c->key);
				break;
			}
			rc = lt_meta_set(m, c->key, c->value, LT_META_CORRECTED, lt_buf_str(&origin), NULL,
					 1.0, 1, err);
			if (!rc && detail->len)
				rc = lt_buf_puts(detail, "; ", err);
			if (!rc)
				rc = lt_buf_printf(detail, err, "%s: ", c->key);
			if (!rc)
				rc = quoted(detail, old, err);
			if (!rc)
				rc = lt_buf_printf(detail, err, " -> '%s'", c->value);
			free(old);
		}
		if (!rc)
			(*changed)++;
	}
	lt_buf_release(&origin);
	return rc;
}

/* ---- the metadata as the newest bundle holds it ---- */

static int field_from_json(struct lt_meta *m, const char *key, json_t *o, struct lt_err *err)
{
	json_t *value = json_object_get(o, "value"), *conf = json_object_get(o, "confidence");
	const char *prov = json_string_value(json_object_get(o, "provenance"));
	enum lt_meta_source source = LT_META_SIDECAR;

	if (!json_is_string(value) || !prov || lt_meta_source_parse(prov, &source) != LT_OK)
		return lt_err_set(err, LT_EINPUT, "field %s has no value or no known provenance", key);
	return lt_meta_set(m, key, json_string_value(value), source,
			   json_string_value(json_object_get(o, "origin")),
			   json_string_value(json_object_get(o, "rule")),
			   json_is_number(conf) ? json_number_value(conf) : 1.0,
			   json_is_true(json_object_get(o, "confirmed")), err);
}

/* For a document whose metadata the catalog does not hold (bundles made
 * before it kept any): the "fields" of the newest bundle's metadata.json,
 * read with its digest checked. None there leaves m empty. */
static int meta_from_bundle(const char *archive, const struct lt_doc *doc, struct lt_meta *m,
			    struct lt_err *err)
{
	char *tar = NULL, tmp[] = "/tmp/luutru-meta-XXXXXX";
	json_t *root = NULL, *fields;
	json_error_t jerr;
	const char *key;
	json_t *o;
	int fd = -1, rc;

	if (!doc->bundle.path)
		return LT_OK;
	rc = lt_path(&tar, err, "%s/%s", archive, doc->bundle.path);
	if (!rc && (fd = mkstemp(tmp)) < 0)
		rc = lt_err_set(err, LT_EIO, "cannot create a temporary file in /tmp");
	if (fd >= 0)
		unlink(tmp);
	if (!rc)
		rc = lt_bag_extract(tar, LT_LAYOUT_METADATA_JSON, fd, err);
	if (!rc && lseek(fd, 0, SEEK_SET) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot read back the metadata record of '%s'", tar);
	if (!rc && !(root = json_loadfd(fd, 0, &jerr)))
		rc = lt_err_set(err, LT_EVERIFY, "'%s' in '%s' is not JSON: %s (line %d)",
				LT_LAYOUT_METADATA_JSON, tar, jerr.text, jerr.line);
	fields = root ? json_object_get(root, "fields") : NULL;
	if (!rc && json_is_object(fields))
		json_object_foreach(fields, key, o) {
			rc = field_from_json(m, key, o, err);
			if (rc) {
				lt_err_prefix(err, "'%s' in '%s': ", LT_LAYOUT_METADATA_JSON, tar);
				break;
			}
		}
	if (fd >= 0)
		close(fd);
	json_decref(root);
	free(tar);
	return rc;
}

/* ---- showing ---- */

static json_t *meta_json(const struct lt_doc *doc)
{
	json_t *root = json_object(), *fields = json_object();

	if (!root || !fields) {
		json_decref(root);
		json_decref(fields);
		return NULL;
	}
	json_object_set_new(root, "document", json_string(doc->id));
	json_object_set_new(root, "version", json_integer(doc->bundle.version));
	for (size_t i = 0; i < doc->meta.n; i++) {
		const struct lt_meta_field *f = &doc->meta.fields[i];
		json_t *o = json_object();

		if (!o)
			break;
		json_object_set_new(o, "value", json_string(f->value));
		json_object_set_new(o, "provenance", json_string(lt_meta_source_name(f->source)));
		json_object_set_new(o, "origin", f->origin ? json_string(f->origin) : json_null());
		json_object_set_new(o, "rule", f->rule ? json_string(f->rule) : json_null());
		json_object_set_new(o, "confidence", json_real(f->confidence));
		json_object_set_new(o, "confirmed", json_boolean(f->confirmed));
		json_object_set_new(fields, f->key, o);
	}
	json_object_set_new(root, "fields", fields);
	return root;
}

static int print_meta(const struct lt_doc *doc, int as_json)
{
	if (as_json) {
		json_t *root = meta_json(doc);

		if (!root || json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
			json_decref(root);
			fprintf(stderr, _("error: out of memory writing the metadata of %s\n"), doc->id);
			return LT_EXIT_FATAL;
		}
		putchar('\n');
		json_decref(root);
		return LT_EXIT_OK;
	}
	lt_cmd_label(stdout, _("document:"), 11);
	lt_cmd_printf(stdout, _("%s (bundle version %d)\n"), doc->id, doc->bundle.version);
	if (!doc->meta.n)
		lt_cmd_printf(stdout, "%s", _("no metadata fields\n"));
	for (size_t i = 0; i < doc->meta.n; i++) {
		const struct lt_meta_field *f = &doc->meta.fields[i];
		char n[LT_I18N_NUMBER_MAX];

		lt_cmd_printf(stdout, "%-16s %s\n", f->key, f->value);
		lt_cmd_printf(stdout, "%-16s   %s%s%s", "", lt_meta_source_name(f->source),
			      f->origin ? ", " : "", f->origin ? f->origin : "");
		if (f->rule)
			lt_cmd_printf(stdout, _(", rule %s"), f->rule);
		lt_cmd_printf(stdout, _(", confidence %s, %s\n"), lt_i18n_decimal(f->confidence, 2, n),
			      f->confirmed ? _("confirmed") : _("NOT CONFIRMED"));
	}
	return LT_EXIT_OK;
}

/* ---- the command ---- */

/* The positional arguments after DOC: KEY=VALUE (with --set) and KEY (with
 * --confirm), each resolved and checked by the profile; any refusal stops
 * everything before anything is written. values[] gets the normalised
 * values (owned). */
static int read_changes(const struct lt_args *args, const struct lt_profile *profile,
			struct lt_meta_change *changes, char **values, size_t *n, struct lt_err *err)
{
	int set = lt_args_get(args, "set") != NULL, confirm = lt_args_get(args, "confirm") != NULL;
	int rc = LT_OK;

	*n = 0;
	for (int i = 1; !rc && i < args->argc; i++) {
		const char *arg = args->argv[i], *eq = strchr(arg, '='), *key = NULL;
		char *label = strndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));

		if (!label)
			return lt_err_set(err, LT_ENOMEM, "out of memory");
		if (eq && !set)
			rc = lt_err_set(err, LT_EUSAGE, "meta: '%s': a value to set follows --set", arg);
		else if (!eq && !confirm)
			rc = lt_err_set(err, LT_EUSAGE, "meta: '%s': give KEY=VALUE after --set, or a "
					"KEY after --confirm", arg);
		else if (lt_profile_resolve_key(profile, label, &key) != LT_OK)
			rc = lt_err_set(err, LT_EINPUT, "%s: no such field in the metadata profile "
					"(rule: a TT05 key or label)", label);
		if (!rc && eq)
			rc = lt_profile_validate(profile, key, eq + 1, &values[*n], err);
		free(label);
		if (rc)
			break;
		for (size_t j = 0; j < *n; j++)
			if (strcmp(changes[j].key, key) == 0)
				rc = lt_err_set(err, LT_EUSAGE, "meta: %s given twice", key);
		if (rc) {
			free(values[*n]);
			values[*n] = NULL;
			break;
		}
		changes[*n].key = key;
		changes[*n].value = values[*n];
		(*n)++;
	}
	if (!rc && !*n)
		rc = lt_err_set(err, LT_EUSAGE, "meta: --set wants KEY=VALUE and --confirm a KEY");
	return rc;
}

static int correct(const struct lt_args *args, struct lt_doc *doc)
{
	struct lt_profile *profile = NULL;
	struct lt_meta_change *changes = NULL;
	struct lt_meta corrected = LT_META_INIT;
	struct lt_buf detail = LT_BUF_INIT, what = LT_BUF_INIT;
	struct lt_err err = { 0 };
	struct lt_run_opts opts = { 0 };
	const char *reason = lt_args_get(args, "reason"), *by = lt_args_get(args, "by");
	char **values = NULL;
	size_t n = 0, cap = (size_t)args->argc;
	int rc, changed = 0, code;

	if (!by)
		by = getenv("USER") && *getenv("USER") ? getenv("USER") : "unknown";
	changes = calloc(cap, sizeof(*changes));
	values = calloc(cap, sizeof(*values));
	rc = changes && values ? LT_OK : lt_err_set(&err, LT_ENOMEM, "out of memory");
	if (!rc)
		rc = lt_profile_open(args->cli->archive, &profile, &err);
	if (!rc)
		rc = read_changes(args, profile, changes, values, &n, &err);
	if (!rc)
		rc = lt_meta_copy(&corrected, &doc->meta, &err);
	if (!rc)
		rc = lt_cmd_meta_apply(&corrected, changes, n, by, &what, &changed, &err);
	if (!rc && !changed) {
		lt_cmd_printf(stdout, _("%s: nothing to change (the values are those already recorded)\n"),
			      doc->id);
		code = LT_EXIT_OK;
		goto out;
	}
	if (!rc)
		rc = lt_buf_printf(&detail, &err, "by %s; ", by);
	if (!rc && reason)
		rc = lt_buf_printf(&detail, &err, "reason: %s; ", reason);
	if (!rc)
		rc = lt_buf_puts(&detail, lt_buf_str(&what), &err);
	if (rc) {
		code = rc == LT_EUSAGE ? lt_cmd_usage_error(args->cmd, "%s", err.msg) : lt_cmd_fail(&err);
		goto out;
	}
	const struct lt_redo redo = {
		.id = doc->id,
		.meta = &corrected,
		.event_type = "metadata-corrected",
		.event_detail = lt_buf_str(&detail),
	};
	code = lt_cmd_redo(args->cli, &lt_pipeline_repackage, &opts, &redo);
	if (code == LT_EXIT_OK)
		lt_cmd_printf(stdout, "%s: %s\n", doc->id, lt_buf_str(&what));
out:
	for (size_t i = 0; values && i < cap; i++)
		free(values[i]);
	free(values);
	free(changes);
	lt_meta_release(&corrected);
	lt_buf_release(&detail);
	lt_buf_release(&what);
	lt_profile_close(profile);
	return code;
}

static int run_meta(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1];
	int editing = lt_args_get(args, "set") || lt_args_get(args, "confirm");
	int rc, code;

	if (!editing && args->argc > 1)
		return lt_cmd_usage_error(args->cmd, "meta: unexpected argument '%s' (to change a "
					  "value: --set KEY=VALUE)", args->argv[1]);
	if (!editing && (lt_args_get(args, "reason") || lt_args_get(args, "by")))
		return lt_cmd_usage_error(args->cmd, "meta: --reason and --by go with --set or --confirm");
	if (editing && lt_args_get(args, "json"))
		return lt_cmd_usage_error(args->cmd, "meta: --json is for showing, not with --set");
	rc = lt_catalog_resolve(cat, args->argv[0], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	if (!rc && doc->state != LT_ARCHIVED)
		rc = lt_err_set(&err, LT_EINPUT, "document %s is %s: its metadata is shown and corrected "
				"once it is archived", id, lt_doc_state_name(doc->state));
	if (!rc && doc->meta.n == 0)
		rc = meta_from_bundle(args->cli->archive, doc, &doc->meta, &err);
	if (rc) {
		lt_doc_free(doc);
		return rc == LT_EUSAGE ? lt_cmd_usage_error(args->cmd, "%s", err.msg) : lt_cmd_fail(&err);
	}
	code = editing ? correct(args, doc) : print_meta(doc, lt_args_get(args, "json") != NULL);
	lt_doc_free(doc);
	return code;
}

static const struct lt_option options[] = {
	{ "set", 0, NULL, N_("correct the KEY=VALUE arguments that follow DOC"), NULL },
	{ "confirm", 0, NULL, N_("confirm the values of the KEY arguments (extracted values\n"
	  "become confirmed, keeping their provenance)"), NULL },
	{ "reason", 0, "TEXT", N_("why, for the record"), NULL },
	{ "by", 0, "NAME", N_("who corrects (default: $USER)"), NULL },
	{ "json", 0, NULL, N_("print the fields as JSON (as in the bundle's metadata.json)"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_meta = {
	.name = "meta",
	.summary = N_("show or correct a document's metadata (a correction is a new version)"),
	.usage =
	N_("usage: luutru meta [--archive DIR] DOC [--json]\n"
	"       luutru meta [--archive DIR] DOC --set KEY=VALUE... [--confirm KEY...]\n"
	"                   [--reason TEXT] [--by NAME]\n"
	"\n"
	"Without --set or --confirm, prints every metadata field of document DOC\n"
	"with its provenance: where the value came from (sidecar, manifest,\n"
	"default, extracted, technical, corrected), exactly where (origin), the\n"
	"rule that read it off the page and its confidence, and whether a person\n"
	"gave or confirmed it.\n"
	"\n"
	"With --set, each KEY=VALUE (KEY a TT05 key such as issuedDate, organName,\n"
	"codeNumber) is checked against the metadata profile: if any is refused,\n"
	"nothing is written and meta exits 1 naming the key, the value and the\n"
	"rule. The values become \"corrected\"; --confirm marks the listed values\n"
	"confirmed and keeps them and their provenance. The change is archived as\n"
	"a new bundle version beside the old one (bundles/ab/DOC.vN.tar) with an\n"
	"event \"metadata-corrected\" naming who ($USER or --by), when, why\n"
	"(--reason) and each old -> new value. The old version stays; the catalog\n"
	"points to the newest. If the new version cannot be made, the document\n"
	"keeps its current one (exit 1).\n"),
	.options = options,
	.epilog =
	N_("Examples:\n"
	"  luutru meta 3f0c9a1b\n"
	"  luutru meta 3f0c9a1b --set issuedDate=2021-03-04 --set \"organName=Ủy ban nhân dân tỉnh\n"
	"    Quảng Ngãi\" --confirm codeNumber --reason \"date misread\" --by lan\n"),
	.min_args = 1,
	.max_args = -1,
	.args_error = N_("give one document id"),
	.access = LT_ACCESS_READ,
	.run = run_meta,
};
