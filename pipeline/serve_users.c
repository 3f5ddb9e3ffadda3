/* serve_users.c - the reading room's users file: salted, slow password
 * hashes (PBKDF2-HMAC-SHA256 from libcrypto, which luutru links already),
 * checked in constant time. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/serve.h"

#define PBKDF2_ITERATIONS 300000
#define SALT_LEN 16
#define HASH_LEN 32
#define MAX_NAME 64

struct user {
	char name[MAX_NAME + 1];
	int clearance;
	unsigned iterations;
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	/* SHA-256 of salt + the last password that passed, so a browser's
	 * every request does not pay the slow hash; all zero until then. */
	unsigned char remembered[SHA256_DIGEST_LENGTH];
	int has_remembered;
};

struct lt_serve_users {
	struct user *users;
	size_t n;
	pthread_mutex_t lock;
};

static int valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > MAX_NAME)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static int from_hex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	if (slen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int derive(const char *password, const unsigned char *salt, unsigned iterations,
		  unsigned char *hash)
{
	return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, SALT_LEN, (int)iterations,
				 EVP_sha256(), HASH_LEN, hash) == 1 ? 0 : -1;
}

/* "name:clearance:pbkdf2-sha256:iterations:salt:hash" */
static int parse_line(char *line, struct user *u)
{
	char *f[6], *save = NULL, *tok = strtok_r(line, ":", &save);
	int n = 0;
	char *end;
	long it;

	while (tok && n < 6) {
		f[n++] = tok;
		tok = strtok_r(NULL, ":", &save);
	}
	if (n != 6 || tok || !valid_name(f[0]) || (strcmp(f[1], "0") && strcmp(f[1], "1")) ||
	    strcmp(f[2], "pbkdf2-sha256"))
		return -1;
	it = strtol(f[3], &end, 10);
	if (*end || it < 1000 || it > 100000000)
		return -1;
	memset(u, 0, sizeof(*u));
	strcpy(u->name, f[0]);
	u->clearance = f[1][0] == '1';
	u->iterations = (unsigned)it;
	if (from_hex(f[4], strlen(f[4]), u->salt, SALT_LEN) || from_hex(f[5], strlen(f[5]), u->hash, HASH_LEN))
		return -1;
	return 0;
}

int lt_serve_users_load(const char *path, struct lt_serve_users **out, struct lt_err *err)
{
	FILE *f = fopen(path, "r");
	struct lt_serve_users *us;
	char line[512];
	int lineno = 0, rc = LT_OK;

	*out = NULL;
	if (!f)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO,
				  "cannot read the users file '%s': %s", path, strerror(errno));
	us = calloc(1, sizeof(*us));
	if (!us) {
		fclose(f);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&us->lock, NULL);
	while (!rc && fgets(line, sizeof(line), f)) {
		struct user u, *grown;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (parse_line(line, &u)) {
			rc = lt_err_set(err, LT_EINPUT, "users file '%s' line %d: not \"name:clearance:"
					"pbkdf2-sha256:iterations:salt:hash\" (make it with luutru serve "
					"--add-user)", path, lineno);
			break;
		}
		grown = realloc(us->users, (us->n + 1) * sizeof(*grown));
		if (!grown) {
			rc = lt_err_set(err, LT_ENOMEM, "out of memory");
			break;
		}
		us->users = grown;
		us->users[us->n++] = u;
	}
	if (!rc && ferror(f))
		rc = lt_err_set(err, LT_EIO, "cannot read the users file '%s': %s", path, strerror(errno));
	fclose(f);
	if (!rc && us->n == 0)
		rc = lt_err_set(err, LT_EINPUT, "users file '%s' holds no user: add one with luutru serve "
				"--add-user NAME --users %s", path, path);
	if (rc) {
		lt_serve_users_free(us);
		return rc;
	}
	*out = us;
	return LT_OK;
}

void lt_serve_users_free(struct lt_serve_users *us)
{
	if (!us)
		return;
	OPENSSL_cleanse(us->users, us->n * sizeof(*us->users));
	free(us->users);
	pthread_mutex_destroy(&us->lock);
	free(us);
}

static void remember_digest(const struct user *u, const char *password, unsigned char *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(out, 0, SHA256_DIGEST_LENGTH);
	if (c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, u->salt, SALT_LEN) == 1 &&
	    EVP_DigestUpdate(c, password, strlen(password)) == 1)
		EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
}

int lt_serve_users_check(struct lt_serve_users *us, const char *name, const char *password,
			 int *clearance)
{
	unsigned char hash[HASH_LEN], quick[SHA256_DIGEST_LENGTH];
	struct user u;
	size_t i;
	int ok = 0;

	if (!us || !name || !password)
		return 0;
	pthread_mutex_lock(&us->lock);
	for (i = 0; i < us->n && strcmp(us->users[i].name, name); i++)
		;
	if (i < us->n)
		u = us->users[i];
	pthread_mutex_unlock(&us->lock);
	if (i == us->n) {
		/* Same cost for an unknown name: no timing tells names apart. */
		static const unsigned char salt[SALT_LEN];

		PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, SALT_LEN, PBKDF2_ITERATIONS,
				  EVP_sha256(), HASH_LEN, hash);
		return 0;
	}
	remember_digest(&u, password, quick);
	if (u.has_remembered && CRYPTO_memcmp(quick, u.remembered, sizeof(quick)) == 0)
		ok = 1;
	else if (derive(password, u.salt, u.iterations, hash) == 0 &&
		 CRYPTO_memcmp(hash, u.hash, HASH_LEN) == 0)
		ok = 1;
	if (ok) {
		pthread_mutex_lock(&us->lock);
		if (i < us->n && strcmp(us->users[i].name, name) == 0) {
			memcpy(us->users[i].remembered, quick, sizeof(quick));
			us->users[i].has_remembered = 1;
		}
		pthread_mutex_unlock(&us->lock);
		*clearance = u.clearance;
	}
	OPENSSL_cleanse(&u, sizeof(u));
	return ok;
}

int lt_serve_add_user(const char *path, const char *name, const char *password, int clearance,
		      struct lt_err *err)
{
	struct lt_buf out = LT_BUF_INIT;
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt_hex[2 * SALT_LEN + 1], hash_hex[2 * HASH_LEN + 1], line[512], *tmp = NULL;
	FILE *f;
	int rc = LT_OK, fd;

	if (!valid_name(name))
		return lt_err_set(err, LT_EUSAGE, "serve: a user name is 1 to 64 letters, digits, '.', "
				  "'_' or '-', not '%s'", name);
	if (strlen(password) < 8)
		return lt_err_set(err, LT_EUSAGE, "serve: the password for %s is too short (8 characters "
				  "at least)", name);
	if (RAND_bytes(salt, SALT_LEN) != 1 || derive(password, salt, PBKDF2_ITERATIONS, hash))
		return lt_err_set(err, LT_EINTERNAL, "serve: cannot hash the password (libcrypto)");
	f = fopen(path, "r");
	if (!f && errno != ENOENT)
		return lt_err_set(err, LT_EIO, "cannot read the users file '%s': %s", path, strerror(errno));
	/* Keep every other user's line as it was. */
	while (!rc && f && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, ":");

		if (n == strlen(name) && strncmp(line, name, n) == 0)
			continue;
		rc = lt_buf_puts(&out, line, err);
		if (!rc && line[strlen(line) - 1] != '\n')
			rc = lt_buf_puts(&out, "\n", err);
	}
	if (f)
		fclose(f);
	to_hex(salt, SALT_LEN, salt_hex);
	to_hex(hash, HASH_LEN, hash_hex);
	if (!rc)
		rc = lt_buf_printf(&out, err, "%s:%d:pbkdf2-sha256:%d:%s:%s\n", name, clearance ? 1 : 0,
				   PBKDF2_ITERATIONS, salt_hex, hash_hex);
	if (!rc)
		rc = lt_path(&tmp, err, "%s.tmp%ld", path, (long)getpid());
	if (!rc) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			rc = lt_err_set(err, LT_EIO, "cannot write the users file '%s': %s", tmp,
					strerror(errno));
		else {
			rc = lt_write_all(fd, out.data, out.len, tmp, err);
			if (!rc && fsync(fd) != 0)
				rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
			close(fd);
			if (!rc && rename(tmp, path) != 0)
				rc = lt_err_set(err, LT_EIO, "cannot replace the users file '%s': %s", path,
						strerror(errno));
			if (rc)
				unlink(tmp);
		}
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	free(tmp);
	lt_buf_release(&out);
	return rc;
}
