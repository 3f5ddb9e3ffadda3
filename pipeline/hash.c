/* hash.c - SHA-256 through OpenSSL's EVP interface. */
#include "luutru/hash.h"

#include "luutru/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

void lt_hex_encode(const unsigned char *md, unsigned n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

int lt_sha256_init(struct lt_sha256 *h, struct lt_err *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (!ctx)
		return lt_err_set(err, LT_ENOMEM, "cannot allocate a SHA-256 context");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return lt_err_set(err, LT_EINTERNAL, "cannot initialise SHA-256 (OpenSSL)");
	}
	h->ctx = ctx;
	return LT_OK;
}

int lt_sha256_update(struct lt_sha256 *h, const void *data, size_t len, struct lt_err *err)
{
	if (!h->ctx || EVP_DigestUpdate(h->ctx, data, len) != 1)
		return lt_err_set(err, LT_EINTERNAL, "SHA-256 update failed");
	return LT_OK;
}

int lt_sha256_final(struct lt_sha256 *h, char hex[LT_SHA256_HEX], struct lt_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	int ok;

	if (!h->ctx)
		return lt_err_set(err, LT_EINTERNAL, "SHA-256 final on a released context");
	ok = EVP_DigestFinal_ex(h->ctx, md, &n) == 1;
	lt_sha256_release(h);
	if (!ok)
		return lt_err_set(err, LT_EINTERNAL, "SHA-256 final failed");
	lt_hex_encode(md, n, hex);
	return LT_OK;
}

void lt_sha256_release(struct lt_sha256 *h)
{
	if (h && h->ctx) {
		EVP_MD_CTX_free(h->ctx);
		h->ctx = NULL;
	}
}

int lt_sha256_mem(const void *data, size_t len, char hex[LT_SHA256_HEX], struct lt_err *err)
{
	struct lt_sha256 h;
	int rc = lt_sha256_init(&h, err);

	if (!rc)
		rc = lt_sha256_update(&h, data, len, err);
	if (!rc)
		rc = lt_sha256_final(&h, hex, err);
	lt_sha256_release(&h);
	return rc;
}

struct file_digest {
	struct lt_sha256 h;
	uint64_t total;
};

static int digest_chunk(void *ud, const void *data, size_t len, struct lt_err *err)
{
	struct file_digest *d = ud;

	d->total += len;
	return lt_sha256_update(&d->h, data, len, err);
}

int lt_sha256_fd(int fd, const char *name, char hex[LT_SHA256_HEX], uint64_t *size,
		 struct lt_err *err)
{
	struct file_digest d = { .total = 0 };
	int rc = lt_sha256_init(&d.h, err);

	if (!rc)
		rc = lt_read_chunks(fd, name, LT_EINPUT, digest_chunk, &d, err);
	if (!rc)
		rc = lt_sha256_final(&d.h, hex, err);
	lt_sha256_release(&d.h);
	if (!rc && size)
		*size = d.total;
	return rc;
}

int lt_sha256_file(const char *path, char hex[LT_SHA256_HEX], uint64_t *size, struct lt_err *err)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lt_err_set(err, LT_EINPUT, "cannot open '%s': %s", path, strerror(errno));
	rc = lt_sha256_fd(fd, path, hex, size, err);
	close(fd);
	return rc;
}

static int hex_digit(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int lt_sha256_pack(const char *hex, unsigned char out[32])
{
	for (int i = 0; i < 32; i++) {
		int hi = hex_digit((unsigned char)hex[2 * i]), lo = hi < 0 ? -1
			: hex_digit((unsigned char)hex[2 * i + 1]);

		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[64] == '\0' ? 0 : -1;
}
