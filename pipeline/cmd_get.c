/* cmd_get.c - `luutru get DOC --out PATH`: a document's bundle, out of the
 * archive, with its integrity proven on the way (retrieve.c): the copy is
 * hashed as it is written and must match the checksum the catalog recorded,
 * or it is removed. With --format bag, the bag extracted into a new folder,
 * every entry checked before anything is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/bag.h"
#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/retrieve.h"

static int check_out(const char *cmd, const char *value, struct lt_err *err)
{
	if (!*value)
		return lt_err_set(err, LT_EUSAGE, "%s: --out wants a path", cmd);
	return LT_OK;
}

static int check_format(const char *cmd, const char *value, struct lt_err *err)
{
	if (strcmp(value, "tar") != 0 && strcmp(value, "bag") != 0)
		return lt_err_set(err, LT_EUSAGE, "%s: --format is tar or bag, not '%s'", cmd, value);
	return LT_OK;
}

static int check_version(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 1000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --version wants a bundle version (1, 2, ...), "
				  "not '%s'", cmd, value);
	return LT_OK;
}

/* Bundle version `version` of document id, as the catalog recorded it
 * (path, size, sha256: what retrieval checks), into *out (path owned). */
static int find_version(struct lt_catalog *cat, const char *id, int version, struct lt_bundle *out,
			struct lt_err *err)
{
	struct lt_bundle_ref *refs = NULL;
	size_t n = 0;
	int rc = lt_catalog_bundles(cat, id, &refs, &n, err), newest = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		if (refs[i].bundle.version > newest)
			newest = refs[i].bundle.version;
		if (refs[i].bundle.version != version)
			continue;
		*out = refs[i].bundle;
		out->files = NULL;
		out->n_files = 0;
		refs[i].bundle.path = NULL; /* now out's */
		lt_bundle_refs_free(refs, n);
		return LT_OK;
	}
	if (!rc)
		rc = newest ? lt_err_set(err, LT_ENOTFOUND, "document %s has no bundle version %d (versions "
					 "1 to %d)", id, version, newest)
			    : lt_err_set(err, LT_ENOTFOUND, "document %s has no bundle yet", id);
	lt_bundle_refs_free(refs, n);
	return rc;
}

/* --format bag: out is the new folder itself (default ./DOC). */
static int get_bag(const struct lt_args *args, const struct lt_doc *doc, const char *out,
		   struct lt_err *err)
{
	struct lt_bag_report *rep = NULL;
	char bytes[32];
	unsigned flags = lt_args_get(args, "follow-symlinks") ? LT_RETRIEVE_FOLLOW_SYMLINK : 0;
	int rc = lt_retrieve_bag(args->cli->archive, &doc->bundle, out ? out : doc->id, flags, &rep,
				 err);

	if (rc)
		return rc;
	lt_format_bytes(rep->payload_bytes, bytes);
	lt_cmd_printf(stdout, "extracted %s (version %d: %zu files, payload %zu files %s, bag valid; "
		      "bundle sha256 %s)\n", out ? out : doc->id, doc->bundle.version, rep->n_files,
		      rep->payload_files, bytes, doc->bundle.sha256);
	lt_bag_report_free(rep);
	return LT_OK;
}

static int run_get(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1], *dst = NULL;
	const char *out = lt_args_get(args, "out"), *format = lt_args_get(args, "format");
	const char *version = lt_args_get(args, "version");
	int rc, is_dir = 0, bag = format && strcmp(format, "bag") == 0;

	rc = lt_catalog_resolve(cat, args->argv[0], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	if (!rc && !doc->bundle.path)
		rc = lt_err_set(&err, LT_ENOTFOUND, "document %s has no bundle yet (state: %s)", id,
				lt_doc_state_name(doc->state));
	if (!rc && version && atoi(version) != doc->bundle.version) {
		struct lt_bundle older = { 0 };

		rc = find_version(cat, id, atoi(version), &older, &err);
		if (!rc) {
			lt_bundle_release(&doc->bundle);
			doc->bundle = older;
		}
	}
	if (!out && !bag)
		out = ".";
	if (!rc && bag)
		rc = get_bag(args, doc, out, &err);
	else if (!rc && lt_is_dir(out, &is_dir, NULL) == LT_OK && is_dir)
		rc = lt_path(&dst, &err, "%s%s%s", out, out[strlen(out) - 1] == '/' ? "" : "/",
			     lt_basename(doc->bundle.path));
	else if (!rc)
		rc = lt_strdup(out, &dst, &err);
	if (!rc && !bag)
		rc = lt_retrieve_bundle(args->cli->archive, &doc->bundle, dst,
					lt_args_get(args, "follow-symlinks") ? LT_RETRIEVE_FOLLOW_SYMLINK : 0,
					&err);
	if (!rc && !bag && strcmp(dst, "-") != 0)
		lt_cmd_printf(stdout, "wrote %s (version %d, %llu bytes, sha256 %s)\n",
			      dst, doc->bundle.version, (unsigned long long)doc->bundle.size,
			      doc->bundle.sha256);
	free(dst);
	lt_doc_free(doc);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "out", 'o', "PATH", "where to write (never inside the archive)", check_out },
	{ "format", 'f', "FORMAT", "tar (default): the bundle as it is archived;\n"
	  "bag: the bag extracted into the new folder PATH", check_format },
	{ "version", 0, "N", "bundle version N (default: the newest; `luutru show DOC` lists them)",
	  check_version },
	{ "follow-symlinks", 0, NULL, "if PATH is a symlink, write where it points (by default\n"
	  "a symlink at PATH is refused: another user may have planted it)", NULL },
	{ 0 },
};

const struct lt_command lt_cmd_get = {
	.name = "get",
	.summary = "write a document's bundle out of the archive",
	.usage =
	"usage: luutru get [--archive DIR] DOC [--out PATH] [--format tar|bag] [--version N]\n"
	"                  [--follow-symlinks]\n"
	"\n"
	"Writes the newest bundle of document DOC (a BagIt bag in a tar), or with\n"
	"--version N that version, to PATH: a file name, a folder to write the\n"
	"bundle's own file name into (DOC.tar for version 1, DOC.vN.tar after), or\n"
	"- for standard output (default: the current folder). The\n"
	"copy is checked against the SHA-256 the catalog recorded before it replaces\n"
	"PATH; on a mismatch nothing is written and get exits 1. Open the bundle\n"
	"with any tar; check it with\n"
	"`sha256sum -c manifest-sha256.txt` inside the bag.\n"
	"\n"
	"With --format bag, the bag is extracted into PATH, a new folder (or an\n"
	"empty one; default: ./DOC) that then holds bagit.txt, data/ and the\n"
	"manifests. Every entry of the tar is checked before anything is written:\n"
	"an absolute name, \"..\", a symlink, a hard link, a device or a FIFO is\n"
	"refused and get exits 1. The bag is extracted beside PATH and moved into\n"
	"place only once it validates; a non-empty PATH is refused (exit 2).\n"
	"\n"
	"Safe as root: the copy is written to a new temporary file beside PATH\n"
	"(created exclusively, never through a link) and renamed over PATH. A PATH\n"
	"that is a symlink is refused unless --follow-symlinks is given, and so is\n"
	"a PATH in a folder anyone may write to without the sticky bit (chmod +t,\n"
	"as /tmp has): exit 2 for both.\n",
	.options = options,
	.epilog =
	"Example:\n"
	"  luutru get 3f0c9a1b --out /tmp/\n"
	"  luutru get 3f0c9a1b --format bag --out /tmp/3f0c9a1b-bag\n"
	"  luutru get 3f0c9a1b --version 1 --out /tmp/\n",
	.min_args = 1,
	.max_args = 1,
	.args_error = "give one document id",
	.access = LT_ACCESS_READ,
	.run = run_get,
};
