/* hash.h - SHA-256 (OpenSSL libcrypto), streaming and for whole files.
 *
 * Digests are reported as 64 lowercase hex characters plus NUL, the form
 * sha256sum and BagIt manifests use.
 */
#ifndef LUUTRU_HASH_H
#define LUUTRU_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/err.h"

#define LT_SHA256_HEX 65

struct lt_sha256 {
	void *ctx; /* EVP_MD_CTX *, owned; NULL after final or release */
};

int lt_sha256_init(struct lt_sha256 *h, struct lt_err *err);
int lt_sha256_update(struct lt_sha256 *h, const void *data, size_t len, struct lt_err *err);
/* Writes the hex digest and releases the context. */
int lt_sha256_final(struct lt_sha256 *h, char hex[LT_SHA256_HEX], struct lt_err *err);
/* Frees the context if final was not reached (error paths); NULL-safe. */
void lt_sha256_release(struct lt_sha256 *h);

/* n bytes of a digest as 2n lowercase hex characters plus NUL into hex. */
void lt_hex_encode(const unsigned char *md, unsigned n, char *hex);

/* A SHA-256 in 64 hex digits (either case, NUL-terminated) -> its 32
 * bytes: 0, or -1 when hex is not that. How the catalog keeps files.sha256
 * (015-compact-index.sql) and sources.sha256 (018-source-digests.sql). */
int lt_sha256_pack(const char *hex, unsigned char out[32]);

/* One-shot digest of a memory block. */
int lt_sha256_mem(const void *data, size_t len, char hex[LT_SHA256_HEX], struct lt_err *err);

/* Digest and size of a file. Errors (LT_EINPUT) name the path. size may be NULL. */
int lt_sha256_file(const char *path, char hex[LT_SHA256_HEX], uint64_t *size, struct lt_err *err);

/* The same of what an open file holds from its offset to its end (the
 * offset is left there); name is what errors call it. The caller keeps fd. */
int lt_sha256_fd(int fd, const char *name, char hex[LT_SHA256_HEX], uint64_t *size,
		 struct lt_err *err);

#endif
