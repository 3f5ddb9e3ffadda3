/* bag.c - BagIt (RFC 8493) bags written as POSIX tar through libarchive.
 *
 * Order inside the tar: payload first (hashed while streamed), then
 * manifest-sha256.txt, bag-info.txt, bagit.txt and tagmanifest-sha256.txt,
 * whose contents depend on everything before them. The tar bytes pass
 * through a write callback that hashes them, so the bundle's own SHA-256 and
 * size come for free.
 */
#include "luutru/bag.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/version.h"
#include "luutru/i18n.h"

struct lt_bag {
	struct archive *ar;
	int fd;
	char *tar_path;
	char *name;
	time_t mtime;
	int fixed_time;            /* mtime is SOURCE_DATE_EPOCH: dates in UTC */
	struct lt_sha256 tar_hash;
	uint64_t tar_size;
	locale_t utf8;             /* BagIt names are UTF-8, whatever the process locale */
	struct lt_err write_err;   /* what the write callback hit, for the caller */
	struct lt_buf manifest;    /* manifest-sha256.txt, built as payload goes in */
	struct lt_bundle files;    /* every file written so far (path, size, sha) */
	uint64_t payload_bytes;
	size_t payload_files;
	int finished;
};

static la_ssize_t tar_write(struct archive *ar, void *ud, const void *buf, size_t len)
{
	struct lt_bag *bag = ud;

	(void)ar;
	if (lt_write_all(bag->fd, buf, len, bag->tar_path, &bag->write_err) ||
	    lt_sha256_update(&bag->tar_hash, buf, len, &bag->write_err))
		return -1;
	bag->tar_size += len;
	return (la_ssize_t)len;
}

static int archive_failed(struct lt_bag *bag, const char *what, struct lt_err *err)
{
	if (bag->write_err.code)
		return lt_err_set(err, bag->write_err.code, "%s", bag->write_err.msg);
	return lt_err_set(err, LT_EARCHIVE, "writing bundle '%s': %s: %s", bag->tar_path, what,
			  archive_error_string(bag->ar) ? archive_error_string(bag->ar) : lt_i18n_err_format(N_("unknown error")));
}

int lt_bag_create(const char *tar_path, const char *bag_name, struct lt_bag **out,
		  struct lt_err *err)
{
	struct lt_bag *bag = calloc(1, sizeof(*bag));
	int rc;

	*out = NULL;
	if (!bag)
		return lt_err_set(err, LT_ENOMEM, "out of memory creating a bag");
	bag->fd = -1;
	bag->mtime = lt_now(&bag->fixed_time);
	/* Without C.UTF-8 (not on every system) non-ASCII names fail with a
	 * clear libarchive error; luutru's own names are ASCII. */
	bag->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	rc = lt_strdup(tar_path, &bag->tar_path, err);
	if (!rc)
		rc = lt_strdup(bag_name, &bag->name, err);
	if (!rc)
		rc = lt_sha256_init(&bag->tar_hash, err);
	if (rc)
		goto fail;
	bag->fd = open(tar_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (bag->fd < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot create bundle '%s': %s", tar_path, strerror(errno));
		goto fail;
	}
	bag->ar = archive_write_new();
	if (!bag->ar) {
		rc = lt_err_set(err, LT_ENOMEM, "out of memory creating a tar writer");
		goto fail;
	}
	/* pax restricted: plain ustar unless a name or size needs an extension. */
	if (archive_write_set_format_pax_restricted(bag->ar) != ARCHIVE_OK ||
	    archive_write_add_filter_none(bag->ar) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(bag->ar, 1) != ARCHIVE_OK ||
	    archive_write_open2(bag->ar, bag, NULL, tar_write, NULL, NULL) != ARCHIVE_OK) {
		rc = archive_failed(bag, lt_i18n_err_format(N_("cannot start the tar")), err);
		goto fail;
	}
	*out = bag;
	return LT_OK;
fail:
	lt_bag_free(bag);
	return rc;
}

static int write_header(struct lt_bag *bag, const char *path, uint64_t size, struct lt_err *err)
{
	struct archive_entry *e = archive_entry_new();
	struct lt_buf full = LT_BUF_INIT;
	int rc;

	if (!e)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	rc = lt_buf_printf(&full, err, "%s/%s", bag->name, path);
	if (!rc) {
		archive_entry_set_pathname(e, lt_buf_str(&full));
		archive_entry_set_size(e, (la_int64_t)size);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, bag->mtime, 0);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		/* libarchive converts names through the current locale's charset;
		 * a thread-local UTF-8 locale keeps them UTF-8 without touching
		 * the process's locale (other workers, the caller). */
		locale_t old = bag->utf8 ? uselocale(bag->utf8) : (locale_t)0;
		if (archive_write_header(bag->ar, e) != ARCHIVE_OK)
			rc = archive_failed(bag, path, err);
		if (old)
			uselocale(old);
	}
	archive_entry_free(e);
	lt_buf_release(&full);
	return rc;
}

static int write_body(struct lt_bag *bag, const void *data, size_t len, struct lt_err *err)
{
	if (len && archive_write_data(bag->ar, data, len) != (la_ssize_t)len)
		return archive_failed(bag, lt_i18n_err_format(N_("writing file data")), err);
	return LT_OK;
}

/* RFC 8493 2.1.3: CR, LF and % in manifest paths are percent-encoded. */
static int append_manifest_line(struct lt_buf *m, const char *sha, const char *path,
				struct lt_err *err)
{
	int rc = lt_buf_printf(m, err, "%s  ", sha);

	for (const char *p = path; !rc && *p; p++) {
		if (*p == '\r')
			rc = lt_buf_puts(m, "%0D", err);
		else if (*p == '\n')
			rc = lt_buf_puts(m, "%0A", err);
		else if (*p == '%')
			rc = lt_buf_puts(m, "%25", err);
		else
			rc = lt_buf_append(m, p, 1, err);
	}
	return rc ? rc : lt_buf_puts(m, "\n", err);
}

static int record(struct lt_bag *bag, const char *path, uint64_t size, const char *sha,
		  int payload, struct lt_err *err)
{
	int rc = lt_bundle_add_file(&bag->files, path, size, sha, err);

	if (!rc && payload) {
		bag->payload_bytes += size;
		bag->payload_files++;
		rc = append_manifest_line(&bag->manifest, sha, path, err);
	}
	return rc;
}

/* Payload paths are relative file paths under data/: no empty, "." or ".."
 * component, which tar tools refuse or resolve outside the bag. */
static int check_payload_path(const char *path, struct lt_err *err)
{
	const char *p;

	if (strncmp(path, "data/", 5) != 0)
		return lt_err_set(err, LT_EINTERNAL, "payload path '%s' is not under data/", path);
	for (p = path; ; ) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return lt_err_set(err, LT_EINTERNAL, "bad payload path '%s'", path);
		if (!p[n])
			return LT_OK;
		p += n + 1;
	}
}

static int add_mem(struct lt_bag *bag, const char *path, const void *data, size_t len,
		   int payload, struct lt_err *err)
{
	char sha[LT_SHA256_HEX];
	int rc = lt_sha256_mem(data, len, sha, err);

	if (!rc)
		rc = write_header(bag, path, len, err);
	if (!rc)
		rc = write_body(bag, data, len, err);
	if (!rc)
		rc = record(bag, path, len, sha, payload, err);
	return rc;
}

int lt_bag_add_data(struct lt_bag *bag, const char *payload_path, const void *data, size_t len,
		    struct lt_err *err)
{
	int rc = check_payload_path(payload_path, err);

	return rc ? rc : add_mem(bag, payload_path, data, len, 1, err);
}

int lt_bag_add_file(struct lt_bag *bag, const char *payload_path, const char *src,
		    const char *expect_sha256, struct lt_err *err)
{
	unsigned char chunk[1 << 16];
	struct lt_sha256 h = { 0 };
	char sha[LT_SHA256_HEX];
	uint64_t size, done = 0;
	struct stat st;
	int fd, rc;

	rc = check_payload_path(payload_path, err);
	if (rc)
		return rc;
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lt_err_set(err, LT_EINPUT, "cannot open '%s': %s", src, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = lt_err_set(err, LT_EINPUT, "cannot stat '%s': %s", src, strerror(errno));
		goto out;
	}
	size = (uint64_t)st.st_size;
	rc = lt_sha256_init(&h, err);
	if (!rc)
		rc = write_header(bag, payload_path, size, err);
	while (!rc && done < size) {
		size_t want = size - done < sizeof(chunk) ? (size_t)(size - done) : sizeof(chunk);
		ssize_t n = read(fd, chunk, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", src, strerror(errno));
		} else if (n == 0) {
			rc = lt_err_set(err, LT_EVERIFY, "'%s' shrank while being archived", src);
		} else {
			done += (uint64_t)n;
			rc = lt_sha256_update(&h, chunk, (size_t)n, err);
			if (!rc)
				rc = write_body(bag, chunk, (size_t)n, err);
		}
	}
	if (!rc)
		rc = lt_sha256_final(&h, sha, err);
	if (!rc && expect_sha256 && strcmp(sha, expect_sha256) != 0)
		rc = lt_err_set(err, LT_EVERIFY, "'%s' changed since it was ingested "
				"(SHA-256 was %.12s…, now %.12s…): ingest it again", src, expect_sha256, sha);
	if (!rc)
		rc = record(bag, payload_path, size, sha, 1, err);
out:
	lt_sha256_release(&h);
	close(fd);
	return rc;
}

const struct lt_bundle *lt_bag_files(const struct lt_bag *bag)
{
	return &bag->files;
}

static int one_line(const char *s)
{
	return strchr(s, '\n') == NULL && strchr(s, '\r') == NULL;
}

/* Bag-Size (RFC 8493 2.2.2): the payload's approximate size, "3.4 MB". */
static void human_size(uint64_t bytes, char out[32])
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1000) {
		snprintf(out, 32, "%llu B", (unsigned long long)bytes);
		return;
	}
	for (v /= 1000; v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		v /= 1000;
	snprintf(out, 32, "%.1f %s", v, units[u]);
}

int lt_bag_finish(struct lt_bag *bag, const char *const *info, struct lt_bundle *out,
		  struct lt_err *err)
{
	struct lt_buf bag_info = LT_BUF_INIT, tagmanifest = LT_BUF_INIT;
	static const char bagit_txt[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
	char date[16], iso[32], size[32];
	struct tm tm;
	int rc;

	if (bag->fixed_time)
		gmtime_r(&bag->mtime, &tm);
	else
		localtime_r(&bag->mtime, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	lt_now_iso8601(iso);
	human_size(bag->payload_bytes, size);
	rc = lt_buf_printf(&bag_info, err,
			   "Bagging-Date: %s\nPayload-Oxum: %llu.%zu\n"
			   "Bag-Software-Agent: luutru " LT_VERSION "\nBag-Size: %s\n",
			   date, (unsigned long long)bag->payload_bytes, bag->payload_files, size);
	for (size_t i = 0; !rc && info && info[i] && info[i + 1]; i += 2) {
		if (!one_line(info[i]) || !one_line(info[i + 1]))
			rc = lt_err_set(err, LT_EINTERNAL, "bag-info value for '%s' spans lines", info[i]);
		else
			rc = lt_buf_printf(&bag_info, err, "%s: %s\n", info[i], info[i + 1]);
	}
	/* Tag files, then the tag manifest over them. */
	if (!rc)
		rc = add_mem(bag, "manifest-sha256.txt", lt_buf_str(&bag->manifest), bag->manifest.len, 0, err);
	if (!rc)
		rc = add_mem(bag, "bag-info.txt", lt_buf_str(&bag_info), bag_info.len, 0, err);
	if (!rc)
		rc = add_mem(bag, "bagit.txt", bagit_txt, sizeof(bagit_txt) - 1, 0, err);
	for (size_t i = 0; !rc && i < bag->files.n_files; i++) {
		const struct lt_bundle_file *f = &bag->files.files[i];

		if (strncmp(f->path, "data/", 5) != 0)
			rc = append_manifest_line(&tagmanifest, f->sha256, f->path, err);
	}
	if (!rc)
		rc = add_mem(bag, "tagmanifest-sha256.txt", lt_buf_str(&tagmanifest), tagmanifest.len, 0, err);
	if (!rc && archive_write_close(bag->ar) != ARCHIVE_OK)
		rc = archive_failed(bag, lt_i18n_err_format(N_("closing the tar")), err);
	if (!rc && fsync(bag->fd) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot fsync '%s': %s", bag->tar_path, strerror(errno));
	if (!rc)
		rc = lt_sha256_final(&bag->tar_hash, out->sha256, err);
	if (!rc) {
		out->size = bag->tar_size;
		memcpy(out->created, iso, sizeof(out->created));
		for (size_t i = 0; !rc && i < bag->files.n_files; i++)
			rc = lt_bundle_add_file(out, bag->files.files[i].path, bag->files.files[i].size,
						bag->files.files[i].sha256, err);
	}
	if (!rc) {
		/* Closed exactly once, error or not: a second close could hit a
		 * descriptor another worker has opened since. */
		int fd = bag->fd;

		bag->fd = -1;
		if (close(fd) != 0)
			rc = lt_err_set(err, LT_EIO, "cannot close '%s': %s", bag->tar_path, strerror(errno));
		else
			bag->finished = 1;
		if (rc)
			unlink(bag->tar_path);
	}
	lt_buf_release(&bag_info);
	lt_buf_release(&tagmanifest);
	return rc;
}

void lt_bag_free(struct lt_bag *bag)
{
	if (!bag)
		return;
	if (bag->ar)
		archive_write_free(bag->ar);
	if (bag->fd >= 0) {
		close(bag->fd);
		/* fd is still open only when we created the file and did not finish. */
		if (!bag->finished)
			unlink(bag->tar_path);
	}
	if (bag->utf8)
		freelocale(bag->utf8);
	lt_sha256_release(&bag->tar_hash);
	lt_buf_release(&bag->manifest);
	lt_bundle_release(&bag->files);
	free(bag->tar_path);
	free(bag->name);
	free(bag);
}
