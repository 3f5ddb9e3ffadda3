/* cmd_get.c - `luutru get DOC --out PATH`: a document's bundle, out of the
 * archive, with its integrity proven on the way: the copy is hashed as it is
 * written and must match the checksum the catalog recorded, or it is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"

const char lt_usage_get[] =
	"usage: luutru get [--archive DIR] DOC [--out PATH]\n"
	"\n"
	"Writes the newest bundle of document DOC (a BagIt bag in a tar) to PATH:\n"
	"a file name, a folder to write DOC.tar into, or - for standard output\n"
	"(default: ./DOC.tar). The\n"
	"copy is checked against the SHA-256 the catalog recorded before it replaces\n"
	"PATH; on a mismatch nothing is written and get exits 1. Open the bundle\n"
	"with any tar; check it with\n"
	"`sha256sum -c manifest-sha256.txt` inside the bag.\n"
	"\n"
	"  -o, --out PATH   where to write (never inside the archive)\n"
	"\n"
	"Example:\n"
	"  luutru get 3f0c9a1b --out /tmp/\n";

struct copy {
	struct lt_sha256 h;
	uint64_t total;
	int out;
	const char *dst;
};

static int copy_chunk(void *ud, const void *data, size_t len, struct lt_err *err)
{
	struct copy *c = ud;
	int rc = lt_sha256_update(&c->h, data, len, err);

	c->total += len;
	return rc ? rc : lt_write_all(c->out, data, len, c->dst, err);
}

/* Is dst inside the archive? As root, 0444 does not stop a write, so `get`
 * must not be the tool that overwrites a bundle or the catalog. */
static int inside_archive(const char *archive, const char *dst)
{
	char dir[PATH_MAX], real_archive[PATH_MAX], real_dir[PATH_MAX];
	const char *slash = strrchr(dst, '/');
	size_t n;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == dst ? 1 : (int)(slash - dst), dst);
	if (!realpath(archive, real_archive) || !realpath(dir, real_dir))
		return 0;
	n = strlen(real_archive);
	return strncmp(real_dir, real_archive, n) == 0 && (real_dir[n] == '/' || real_dir[n] == '\0');
}

static int copy_into(int in, const char *src, int out, const char *dst, const char *expect_sha,
		     uint64_t expect_size, struct lt_err *err)
{
	struct copy c = { .out = out, .dst = dst };
	char sha[LT_SHA256_HEX];
	int rc = lt_sha256_init(&c.h, err);

	if (!rc)
		rc = lt_read_chunks(in, src, LT_EIO, copy_chunk, &c, err);
	if (!rc)
		rc = lt_sha256_final(&c.h, sha, err);
	if (!rc && (strcmp(sha, expect_sha) != 0 || c.total != expect_size))
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: SHA-256 %s, %llu bytes; "
				"the catalog recorded %s, %llu bytes", src, sha, (unsigned long long)c.total,
				expect_sha, (unsigned long long)expect_size);
	lt_sha256_release(&c.h);
	return rc;
}

/* Copies src to dst, hashing as it goes. A regular file (new or existing)
 * is written beside dst and renamed into place only if it matches the
 * catalog's digest, so a damaged bundle never replaces what dst held. A
 * device, pipe or "-" (stdout) is written straight through: the check then
 * comes at the end, and its failure is reported. */
static int copy_verified(const char *archive, const char *src, const char *dst,
			 const char *expect_sha, uint64_t expect_size, struct lt_err *err)
{
	char *tmp = NULL, target[PATH_MAX];
	struct stat st;
	int in, out = -1, rc;
	mode_t mask;

	/* Through a symlink to where it points, not over the link; and the
	 * archive check is on where the bytes would really go. */
	if (strcmp(dst, "-") != 0 && lstat(dst, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!realpath(dst, target))
			return lt_err_set(err, LT_EUSAGE, "'%s' is a symlink to nothing: choose another --out",
					  dst);
		dst = target;
	}
	if (strcmp(dst, "-") != 0 && inside_archive(archive, dst))
		return lt_err_set(err, LT_EUSAGE, "'%s' is inside the archive: choose another --out", dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing from the archive: %s", src,
				  strerror(errno));
	if (strcmp(dst, "-") == 0) {
		rc = copy_into(in, src, STDOUT_FILENO, "standard output", expect_sha, expect_size, err);
		goto out;
	}
	if (stat(dst, &st) == 0 && !S_ISREG(st.st_mode)) {
		out = open(dst, O_WRONLY | O_CLOEXEC);
		if (out < 0) {
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
			goto out;
		}
		rc = copy_into(in, src, out, dst, expect_sha, expect_size, err);
		if (close(out) != 0 && !rc)
			rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
		goto out;
	}
	if (asprintf(&tmp, "%s.part-XXXXXX", dst) < 0) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory");
		goto out;
	}
	out = mkstemp(tmp);
	if (out < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst,
				errno == ENOENT ? "its folder does not exist" : strerror(errno));
		goto out;
	}
	rc = copy_into(in, src, out, tmp, expect_sha, expect_size, err);
	/* mkstemp makes 0600; a copy gets what any new file would. */
	mask = umask(0);
	umask(mask);
	if (!rc && (fchmod(out, 0666 & ~mask) != 0 || fsync(out) != 0))
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (close(out) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, dst) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	if (rc)
		unlink(tmp);
out:
	close(in);
	free(tmp);
	return rc;
}

int cmd_get(int argc, char **argv, struct lt_cli *cli)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		LT_COMMON_OPTIONS,
		{ 0 },
	};
	struct lt_catalog *cat = NULL;
	struct lt_doc *doc = NULL;
	struct lt_err err = { 0 };
	char id[LT_DOC_ID_LEN + 1], *src = NULL, *dst = NULL;
	const char *out = ".";
	int opt, exit_now = -1, rc, is_dir = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		if (opt == 'o') {
			if (!*optarg)
				return lt_cmd_usage_error(lt_usage_get, "get: --out wants a path");
			out = optarg;
			continue;
		}
		if (!lt_cmd_common_option(opt, optarg, lt_usage_get, cli, &exit_now))
			return lt_cmd_usage_error(lt_usage_get, "get: unexpected option");
		if (exit_now >= 0)
			return exit_now;
	}
	if (argc - optind != 1)
		return lt_cmd_usage_error(lt_usage_get, "get: give one document id");
	rc = lt_catalog_open(cli->archive, LT_CATALOG_READ, &cat, &err);
	if (!rc)
		rc = lt_catalog_resolve(cat, argv[optind], id, &err);
	if (!rc)
		rc = lt_catalog_load(cat, id, &doc, &err);
	if (!rc && !doc->bundle.path)
		rc = lt_err_set(&err, LT_ENOTFOUND, "document %s has no bundle yet (state: %s)", id,
				lt_doc_state_name(doc->state));
	if (!rc && lt_is_dir(out, &is_dir, NULL) == LT_OK && is_dir)
		rc = asprintf(&dst, "%s%s%s.tar", out, out[strlen(out) - 1] == '/' ? "" : "/", id) < 0
			? lt_err_set(&err, LT_ENOMEM, "out of memory") : LT_OK;
	else if (!rc)
		rc = lt_strdup(out, &dst, &err);
	if (!rc && asprintf(&src, "%s/%s", cli->archive, doc->bundle.path) < 0)
		rc = lt_err_set(&err, LT_ENOMEM, "out of memory");
	if (!rc)
		rc = copy_verified(cli->archive, src, dst, doc->bundle.sha256, doc->bundle.size, &err);
	if (!rc && strcmp(dst, "-") != 0)
		printf("wrote %s (%llu bytes, sha256 %s)\n", dst, (unsigned long long)doc->bundle.size,
		       doc->bundle.sha256);
	free(src);
	free(dst);
	lt_doc_free(doc);
	lt_catalog_close(cat);
	return rc ? lt_cmd_fail(&err) : LT_EXIT_OK;
}
