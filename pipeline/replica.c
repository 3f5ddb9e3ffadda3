/* replica.c - a second copy of every bundle somewhere else, and the repair
 * of the archive from it. Every copy, either way, is hashed as it is written,
 * checked against the catalog and as a bag before it takes its name, and
 * fsync'ed with its folder: a copy that is not proven good never replaces
 * anything and never counts as held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/bag.h"
#include "luutru/buf.h"
#include "luutru/catalog.h"
#include "luutru/fsutil.h"
#include "luutru/hash.h"
#include "luutru/replica.h"
#include "luutru/retrieve.h"
#include "luutru/i18n.h"

void lt_replicate_report_release(struct lt_replicate_report *rep)
{
	if (!rep)
		return;
	free(rep->snapshot);
	rep->snapshot = NULL;
}

/* The whole check of the file at path as bundle `bundle`: readable as a
 * bag with no problem, and the tar's size and digest the catalog's. */
static int check_file(const char *path, const struct lt_bundle *bundle, struct lt_err *err)
{
	struct lt_bag_report *rep = NULL;
	struct stat st;
	int rc;

	if (stat(path, &st) != 0)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing: %s", path, strerror(errno));
	rc = lt_bag_read(path, NULL, &rep, err);
	if (rc == LT_ENOTFOUND || rc == LT_EIO || rc == LT_EARCHIVE || rc == LT_EINPUT) {
		lt_err_prefix(err, "bundle '%s' is damaged: it cannot be read as a bag: ", path);
		rc = err ? (err->code = LT_EVERIFY) : LT_EVERIFY;
	} else if (!rc && rep->n_problems) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: %s: %s (%zu problem%s)", path,
				rep->problems[0].path, rep->problems[0].reason, rep->n_problems,
				rep->n_problems == 1 ? "" : "s");
	} else if (!rc && (strcmp(rep->sha256, bundle->sha256) != 0 || rep->size != bundle->size)) {
		rc = lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: SHA-256 %s, %llu bytes; "
				"the catalog recorded %s, %llu bytes", path, rep->sha256,
				(unsigned long long)rep->size, bundle->sha256,
				(unsigned long long)bundle->size);
	}
	lt_bag_report_free(rep);
	return rc;
}

int lt_replica_check_bundle(const char *root, const struct lt_bundle *bundle, struct lt_err *err)
{
	char *path = NULL;
	int rc = lt_path(&path, err, "%s/%s", root, bundle->path);

	if (!rc)
		rc = check_file(path, bundle, err);
	free(path);
	return rc;
}

/* Size and SHA-256 only: is the file at path byte for byte the bundle the
 * catalog recorded? LT_OK, or LT_EVERIFY naming what was found. */
static int same_bytes(const char *path, const struct lt_bundle *bundle, struct lt_err *err)
{
	char sha[LT_SHA256_HEX];
	uint64_t size = 0;
	struct stat st;
	int rc;

	if (stat(path, &st) != 0)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is missing: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is not a regular file", path);
	if ((uint64_t)st.st_size != bundle->size)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: %llu bytes; the catalog "
				  "recorded %llu bytes", path, (unsigned long long)st.st_size,
				  (unsigned long long)bundle->size);
	rc = lt_sha256_file(path, sha, &size, err);
	if (rc) {
		lt_err_prefix(err, "bundle '%s' cannot be read: ", path);
		return err ? (err->code = LT_EVERIFY) : LT_EVERIFY;
	}
	if (strcmp(sha, bundle->sha256) != 0 || size != bundle->size)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' is damaged: SHA-256 %s, %llu bytes; "
				  "the catalog recorded %s, %llu bytes", path, sha,
				  (unsigned long long)size, bundle->sha256,
				  (unsigned long long)bundle->size);
	return LT_OK;
}

/* Copies src to the open file out (named dst), hashing on the way, then
 * makes it read-only and fsyncs it. Problems of the source (unreadable, not
 * the catalog's bytes) are LT_EVERIFY; of the destination LT_EIO. */
static int copy_verified(const char *src, int out, const char *dst,
			 const struct lt_bundle *bundle, struct lt_err *err)
{
	int in, rc;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return lt_err_set(err, LT_EVERIFY, "bundle '%s' cannot be read: %s", src,
				  strerror(errno));
	rc = lt_copy_bundle_bytes(in, src, LT_EVERIFY, out, dst, bundle->sha256, bundle->size, err);
	close(in);
	/* Bundles are never edited: read-only on every copy, as in the archive. */
	if (!rc && (fchmod(out, 0444) != 0 || fsync(out) != 0))
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", dst, strerror(errno));
	return rc;
}

/* The folder part of path, owned. */
static int parent_of(const char *path, char **out, struct lt_err *err)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return lt_strdup(".", out, err);
	*out = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	return *out ? LT_OK : lt_err_set(err, LT_ENOMEM, "out of memory");
}

/* One bundle onto the replica. *outcome says what happened; *why is
 * filled for DAMAGED and FAILED. Returns a run-wide error only. */
static int replicate_one(const char *archive, const char *dir, const struct lt_bundle *b,
			 enum lt_replica_outcome *outcome, struct lt_err *why, struct lt_err *err)
{
	char *src = NULL, *dst = NULL, *tmp = NULL, *folder = NULL;
	struct stat st;
	int rc, fd = -1, e;

	rc = lt_path(&src, err, "%s/%s", archive, b->path);
	if (!rc)
		rc = lt_path(&dst, err, "%s/%s", dir, b->path);
	if (!rc)
		rc = lt_path(&tmp, err, "%s.part", dst);
	if (rc)
		goto out;
	if (lstat(dst, &st) == 0) {
		*outcome = same_bytes(dst, b, why) ? LT_REPLICA_DAMAGED : LT_REPLICA_PRESENT;
		goto out;
	}
	if (errno != ENOENT) {
		rc = lt_err_set(err, LT_EIO, "cannot look at '%s': %s", dst, strerror(errno));
		goto out;
	}
	rc = parent_of(dst, &folder, err);
	if (!rc)
		rc = lt_mkdir_p(folder, 0755, err);
	if (rc)
		goto out;
	/* A fixed temporary name: what a stopped replicate left is overwritten,
	 * not piled up; the lock keeps two replicates to dir apart. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	rc = copy_verified(src, fd, tmp, b, why);
	if (close(fd) != 0 && !rc)
		rc = lt_err_set(why, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	fd = -1;
	/* The bag itself, read back from the replica's disk. */
	if (!rc)
		rc = check_file(tmp, b, why);
	if (rc == LT_EVERIFY) {
		*outcome = LT_REPLICA_FAILED;
		rc = LT_OK;
		unlink(tmp);
		goto out;
	}
	if (rc) {
		/* A write problem on the replica concerns every bundle after this one. */
		if (err && why)
			*err = *why;
		unlink(tmp);
		goto out;
	}
	e = lt_rename_noreplace(tmp, dst);
	if (e == EEXIST) {
		unlink(tmp);
		*outcome = LT_REPLICA_FAILED;
		lt_err_set(why, LT_EVERIFY, "'%s' appeared while it was being copied: left as it is",
			   dst);
		goto out;
	}
	if (e) {
		unlink(tmp);
		rc = lt_err_set(err, LT_EIO, "cannot rename '%s' to '%s': %s", tmp, dst, strerror(e));
		goto out;
	}
	rc = lt_fsync_dir(folder, err);
	if (!rc)
		*outcome = LT_REPLICA_COPIED;
out:
	if (fd >= 0)
		close(fd);
	free(folder);
	free(tmp);
	free(dst);
	free(src);
	return rc;
}

/* Is path the folder `root` or inside it? Both must exist (real paths). */
static int inside(const char *real_path, const char *real_root)
{
	size_t n = strlen(real_root);

	return strncmp(real_path, real_root, n) == 0 &&
	       (real_path[n] == '/' || real_path[n] == '\0' || n == 1);
}

/* Refuses a dir that is (or would be, once created) inside the archive,
 * judged on the real path of its nearest existing ancestor, before anything
 * is created. */
static int check_outside(const char *dir, const char *real_archive, const char *archive,
			 struct lt_err *err)
{
	char *probe = NULL, *real = NULL, *slash;
	int rc = lt_strdup(dir, &probe, err);

	while (!rc && !(real = realpath(probe, NULL))) {
		if (errno != ENOENT || !(slash = strrchr(probe, '/'))) {
			if (errno == ENOENT)
				real = realpath(".", NULL);
			break;
		}
		if (slash == probe)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (!rc && real && inside(real, real_archive))
		rc = lt_err_set(err, LT_EUSAGE, "'%s' is inside the archive '%s': a replica belongs "
				"on another disk", dir, archive);
	free(real);
	free(probe);
	return rc;
}

int lt_replicate(struct lt_catalog *cat, const char *archive, const char *dir, lt_replicate_fn fn,
		 void *ud, struct lt_replicate_report *rep, struct lt_err *err)
{
	struct lt_bundle_ref *refs = NULL;
	char *real_archive = NULL, *real_dir = NULL, *lock = NULL;
	char now[32];
	int64_t replica = 0;
	size_t n = 0;
	int rc, lock_fd = -1;

	memset(rep, 0, sizeof(*rep));
	real_archive = realpath(archive, NULL);
	if (!real_archive)
		return lt_err_set(err, LT_EIO, "cannot resolve the archive '%s': %s", archive,
				  strerror(errno));
	rc = check_outside(dir, real_archive, archive, err);
	if (!rc)
		rc = lt_mkdir_p(dir, 0755, err);
	if (rc)
		goto out;
	real_dir = realpath(dir, NULL);
	if (!real_dir) {
		rc = lt_err_set(err, LT_EIO, "cannot resolve '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (inside(real_dir, real_archive)) {
		rc = lt_err_set(err, LT_EUSAGE, "'%s' is inside the archive '%s': a replica belongs "
				"on another disk", dir, archive);
		goto out;
	}
	rc = lt_path(&lock, err, "%s/.luutru-replica.lock", real_dir);
	if (rc)
		goto out;
	lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", lock, strerror(errno));
		goto out;
	}
	if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ?
		     lt_err_set(err, LT_EUSAGE, "another replicate to '%s' is running", real_dir) :
		     lt_err_set(err, LT_EIO, "cannot lock '%s': %s", lock, strerror(errno));
		goto out;
	}
	rc = lt_catalog_replica_add(cat, real_dir, &replica, err);
	if (!rc)
		rc = lt_catalog_bundles(cat, NULL, &refs, &n, err);
	if (rc)
		goto out;
	rep->bundles = n;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct lt_bundle *b = &refs[i].bundle;
		enum lt_replica_outcome outcome = LT_REPLICA_FAILED;
		struct lt_err why = { 0 };

		rc = replicate_one(real_archive, real_dir, b, &outcome, &why, err);
		if (rc)
			break;
		lt_now_iso8601(now);
		switch (outcome) {
		case LT_REPLICA_COPIED:
			rep->copied++;
			rep->bytes_copied += b->size;
			break;
		case LT_REPLICA_PRESENT:
			rep->present++;
			break;
		case LT_REPLICA_DAMAGED:
			rep->damaged++;
			break;
		case LT_REPLICA_FAILED:
			rep->failed++;
			break;
		}
		if (outcome == LT_REPLICA_COPIED || outcome == LT_REPLICA_PRESENT)
			rc = lt_catalog_replica_mark(cat, replica, b->path, 1, now, err);
		else if (outcome == LT_REPLICA_DAMAGED)
			rc = lt_catalog_replica_mark(cat, replica, b->path, 0, now, err);
		if (fn)
			fn(ud, refs[i].document, b, outcome,
			   outcome == LT_REPLICA_COPIED || outcome == LT_REPLICA_PRESENT ? NULL : why.msg);
	}
	if (!rc)
		rc = lt_path(&rep->snapshot, err, "%s/catalog.sqlite", real_dir);
	if (!rc)
		rc = lt_catalog_snapshot(cat, rep->snapshot, err);
	if (!rc) {
		lt_now_iso8601(now);
		rc = lt_catalog_replica_synced(cat, replica, now, (int64_t)rep->copied,
					       (int64_t)(rep->damaged + rep->failed), err);
	}
out:
	if (lock_fd >= 0)
		close(lock_fd); /* releases the lock */
	lt_bundle_refs_free(refs, n);
	free(lock);
	free(real_dir);
	free(real_archive);
	return rc;
}

/* ---- repair ---- */

/* Replaces archive/bundle->path by the sound copy at good (already checked):
 * a temporary file beside it, checked again as it is written, renamed over
 * it, the folder fsync'ed. */
static int replace_bundle(const char *good, const char *dst, const struct lt_bundle *bundle,
			  struct lt_err *err)
{
	char *tmp = NULL, *folder = NULL;
	int fd = -1, rc;

	rc = parent_of(dst, &folder, err);
	if (!rc)
		rc = lt_mkdir_p(folder, 0755, err);
	if (!rc)
		rc = lt_path(&tmp, err, "%s.repair-XXXXXX", dst);
	if (rc)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot create a file beside '%s': %s", dst,
				strerror(errno));
		goto out;
	}
	rc = copy_verified(good, fd, tmp, bundle, err);
	if (close(fd) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	fd = -1;
	/* The one place a bundle is replaced: a plain rename, over the damaged file. */
	if (!rc && rename(tmp, dst) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot rename '%s' to '%s': %s", tmp, dst, strerror(errno));
	if (rc)
		unlink(tmp);
	else
		rc = lt_fsync_dir(folder, err);
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(folder);
	return rc;
}

/* Repairs from replica_dir. On LT_EVERIFY from the replica's copy, *why
 * says what is wrong with it and nothing was touched or recorded. *done: 1
 * if the bundle was replaced. */
static int repair_from(struct lt_catalog *cat, const char *archive, const char *replica_dir,
		       const struct lt_bundle *bundle, const char *doc_id, const char *damage,
		       struct lt_err *why, struct lt_err *err)
{
	char *dst = NULL, *good = NULL, *detail = NULL;
	int rc, check;

	rc = lt_path(&dst, err, "%s/%s", archive, bundle->path);
	if (!rc)
		rc = lt_path(&good, err, "%s/%s", replica_dir, bundle->path);
	if (rc)
		goto out;
	check = check_file(good, bundle, why);
	if (check) {
		rc = check == LT_EVERIFY ? LT_EVERIFY : (err && why ? (*err = *why, check) : check);
		goto out;
	}
	rc = replace_bundle(good, dst, bundle, err);
	if (!rc)
		rc = lt_path(&detail, err, "bundle %s (SHA-256 %s) restored from the replica '%s'; "
			     "the archive's copy: %s", bundle->path, bundle->sha256, replica_dir,
			     damage);
	if (!rc)
		rc = lt_catalog_record_repair(cat, doc_id, "success", detail, err);
out:
	free(detail);
	free(good);
	free(dst);
	return rc;
}

/* Is the archive's copy intact? LT_OK, or LT_EVERIFY with what is wrong in damage. */
static int archive_copy_ok(const char *archive, const struct lt_bundle *bundle,
			   struct lt_err *damage, struct lt_err *err)
{
	char *path = NULL;
	int rc = lt_path(&path, err, "%s/%s", archive, bundle->path);

	if (!rc)
		rc = same_bytes(path, bundle, damage);
	free(path);
	return rc;
}

/* Records the failed repair and fills err with the message. */
static int repair_refused(struct lt_catalog *cat, const struct lt_bundle *bundle,
			  const char *doc_id, const char *damage, const char *replicas,
			  struct lt_err *err)
{
	char *detail = NULL;
	struct lt_err e2 = { 0 };
	int rc = lt_path(&detail, &e2, "bundle %s not repaired, both copies left as they are: "
			 "the archive's copy: %s; %s", bundle->path, damage, replicas);

	if (!rc)
		rc = lt_catalog_record_repair(cat, doc_id, "failure", detail, &e2);
	free(detail);
	if (rc) {
		if (err)
			*err = e2;
		return rc;
	}
	return lt_err_set(err, LT_EVERIFY, "cannot repair bundle %s of document %s: %s (the "
			  "archive's copy: %s); both copies left as they are", bundle->path, doc_id,
			  replicas, damage);
}

int lt_replica_repair(struct lt_catalog *cat, const char *archive, const char *replica_dir,
		      const struct lt_bundle *bundle, const char *doc_id, struct lt_err *err)
{
	struct lt_err damage = { 0 }, why = { 0 };
	char *replicas = NULL;
	int rc = archive_copy_ok(archive, bundle, &damage, err);

	if (rc != LT_EVERIFY)
		return rc;
	rc = repair_from(cat, archive, replica_dir, bundle, doc_id, damage.msg, &why, err);
	if (rc != LT_EVERIFY)
		return rc;
	rc = lt_path(&replicas, err,
		     lt_i18n_err_format(N_("the replica's copy is damaged too: %s")), why.msg);
	if (!rc)
		rc = repair_refused(cat, bundle, doc_id, damage.msg, replicas, err);
	free(replicas);
	return rc;
}

int lt_replica_repair_any(struct lt_catalog *cat, const char *archive,
			  const struct lt_bundle *bundle, const char *doc_id, char **used,
			  struct lt_err *err)
{
	struct lt_err damage = { 0 };
	struct lt_replica *reps = NULL;
	struct lt_buf tried = LT_BUF_INIT;
	size_t n = 0;
	int rc;

	if (used)
		*used = NULL;
	rc = archive_copy_ok(archive, bundle, &damage, err);
	if (rc != LT_EVERIFY)
		return rc;
	rc = lt_catalog_replicas(cat, &reps, &n, err);
	if (rc)
		return rc;
	rc = LT_EVERIFY;
	for (size_t i = 0; i < n && rc == LT_EVERIFY; i++) {
		struct lt_err why = { 0 };

		rc = repair_from(cat, archive, reps[i].path, bundle, doc_id, damage.msg, &why, err);
		if (!rc && used)
			rc = lt_strdup(reps[i].path, used, err);
		else if (rc == LT_EVERIFY &&
			 lt_buf_printf(&tried, err,
				       lt_i18n_err_format(N_("%sno good copy in replica '%s': %s")),
				       tried.len ? "; " : "", reps[i].path, why.msg) != LT_OK)
			rc = LT_ENOMEM;
	}
	if (rc == LT_EVERIFY)
		rc = repair_refused(cat, bundle, doc_id, damage.msg,
				    n ? lt_buf_str(&tried) : lt_i18n_err_format(N_("no replica is recorded (luutru replicate --to DIR)")),
				    err);
	lt_buf_release(&tried);
	lt_replicas_free(reps, n);
	return rc;
}
