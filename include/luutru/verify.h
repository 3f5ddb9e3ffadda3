/* verify.h - fixity: is every bundle still what the catalog recorded?
 *
 * lt_verify_bundle() checks one bundle in ONE streaming read of its tar
 * (lt_bag_read(): the tar's SHA-256 and every member's digests are computed
 * in the same pass, nothing is unpacked): the tar's size and SHA-256 against
 * the catalog, every file against the manifests and the tag manifest,
 * Payload-Oxum, nothing missing or extra, every path safe, the files against
 * the catalog's own list, and that the bag is the document's (top directory
 * and bag-info's External-Identifier are its id: a bundle swapped with
 * another's is caught even if both are sound bags).
 *
 * lt_verify_many() runs it over a list of bundles with N worker threads,
 * records each verdict in the catalog (a "fixity" event of the document and
 * the bundle's last check, catalog_fixity.c), serialising the catalog
 * writes, and stops starting new bundles at a deadline. lt_verify_strays()
 * walks bundles/ for files the catalog does not know.
 *
 * A caller that repairs (replication) looks at the verdict and the problems
 * of each bundle: lt_verify_bundle() alone, or lt_verify_many()'s callback.
 * Nothing here prints.
 */
#ifndef LUUTRU_VERIFY_H
#define LUUTRU_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/catalog.h"
#include "luutru/doc.h"
#include "luutru/err.h"

enum lt_verdict {
	LT_VERDICT_OK = 0,   /* the bundle is exactly what the catalog recorded */
	LT_VERDICT_DAMAGED,  /* it is there but differs, or cannot be read */
	LT_VERDICT_MISSING,  /* there is no file at its path */
};

/* One problem: in `file`, `expected` was wanted and `found` was there. */
struct lt_verify_problem {
	char *file;      /* path inside the bag ("data/METS.xml"), or "" for the tar itself */
	char *expected;  /* e.g. "sha256 ab12..., 4096 bytes (catalog)" */
	char *found;     /* e.g. "sha256 9f00..., 4096 bytes", or "no such file" */
};

/* A bundle's verdict. Caller-owned struct: zero it (or lt_verify_result_init)
 * before use, lt_verify_result_release() after. */
struct lt_verify_result {
	enum lt_verdict verdict;
	struct lt_verify_problem *problems; /* none when verdict is LT_VERDICT_OK */
	size_t n_problems;
	uint64_t bytes;  /* bytes of the tar read */
	size_t n_files;  /* files in the bag */
	double seconds;  /* wall time of the check */
};

void lt_verify_result_init(struct lt_verify_result *r);
/* NULL-safe; leaves r zeroed. */
void lt_verify_result_release(struct lt_verify_result *r);

/* Checks the bundle archive/expect->path of document doc_id against expect
 * (size, sha256 and, when expect->n_files > 0, its files as the catalog
 * recorded them). Fills *out (released and refilled).
 * Returns LT_OK whenever a verdict was reached, whatever it is (a missing or
 * damaged bundle is a verdict, not an error); LT_ENOMEM or LT_EINTERNAL
 * otherwise. */
int lt_verify_bundle(const char *archive, const struct lt_bundle *expect, const char *doc_id,
		     struct lt_verify_result *out, struct lt_err *err);

/* A short word for a verdict: "ok", "damaged", "missing". */
const char *lt_verdict_name(enum lt_verdict v);

struct lt_verify_opts {
	int jobs;           /* worker threads, >= 1 */
	double deadline;    /* lt_monotonic_seconds() after which no bundle is started; 0: none */
	int record;         /* 1: record each check in the catalog (event and last check) */
	/* Called once per bundle checked, one call at a time (under the lock
	 * that serialises the catalog), after its check was recorded. All
	 * borrowed for the call. May be NULL. */
	void (*done)(void *ud, const struct lt_bundle_ref *ref, const struct lt_verify_result *res);
	void *ud;
	/* Polled before each bundle is started; non-zero stops (a signal). May be NULL. */
	volatile int *stop;
};

struct lt_verify_totals {
	size_t checked, ok, damaged, missing;
	size_t not_started;  /* left for later by the deadline or stop */
	uint64_t bytes;
	double seconds;
};

/* Checks refs[0..n) in that order (oldest-checked first when they come
 * from lt_catalog_bundles_to_verify()) with opts->jobs threads; cat is used
 * by one thread at a time. A catalog error stops the run: the bundles
 * already started finish, the error is returned. */
int lt_verify_many(struct lt_catalog *cat, const char *archive, const struct lt_bundle_ref *refs,
		   size_t n, const struct lt_verify_opts *opts, struct lt_verify_totals *totals,
		   struct lt_err *err);

/* Files under archive/bundles/ that are none of known[0..n_known) (paths
 * relative to the archive, as the catalog records them; any order): a
 * bundle the catalog does not know, or anything else left there. Returns:
 * *out owned, NULL-terminated list of paths relative to the archive, sorted;
 * free with lt_verify_strays_free(). A missing bundles/ has none. */
int lt_verify_strays(const char *archive, char *const *known, size_t n_known, char ***out,
		     struct lt_err *err);
void lt_verify_strays_free(char **strays);

#endif
