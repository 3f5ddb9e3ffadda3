/* serve.h - `luutru serve`: a read-only reading room in the browser.
 *
 * One HTTP server (libmicrohttpd, a thread per connection, bounded) over the
 * catalog opened read-only: search, a document's page, a page viewer, the
 * downloads (each file taken out of its bundle and verified before a byte
 * is sent: retrieve.h) and a JSON API. The server writes nothing in the
 * archive but its access log (ARCHIVE/log/access-YYYY-MM.log) and, unless
 * --cache says elsewhere, its rendered page images (ARCHIVE/log/serve-cache).
 *
 * Split by concern: serve_http.c (the daemon, limits, headers, auth, TLS),
 * serve_routes.c (routes and HTML views), serve_html.c (escaping, the page
 * shell, UI strings), serve_search.c (the one adapter to the catalog's
 * search), serve_image.c (page images, cache), serve_users.c (the users
 * file), serve_log.c (the access log), serve_api.c (the JSON API).
 */
#ifndef LUUTRU_SERVE_H
#define LUUTRU_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/buf.h"
#include "luutru/doc.h"
#include "luutru/err.h"

struct lt_catalog;

/* ---- the server (serve_http.c) ---- */

struct lt_serve_config {
	const char *archive;
	const char *host;          /* numeric address to listen on: "127.0.0.1", "::1", "0.0.0.0" */
	int port;                  /* 0: any free port (printed) */
	const char *users_file;    /* NULL: no authentication (loopback only) */
	const char *cert_file;     /* PEM; with key_file: HTTPS */
	const char *key_file;
	const char *cache_dir;     /* NULL: ARCHIVE/log/serve-cache */
	int include_secret;        /* show documents with a secrecy level (to cleared users) */
	unsigned max_connections;  /* at once, all clients */
	unsigned per_ip_connections;
	unsigned timeout_seconds;  /* an idle or slow connection is closed after this */
};

/* Limits a request cannot pass: beyond them it gets 413/414 or 400. */
#define LT_SERVE_MAX_QUERY 256          /* bytes of ?q= */
#define LT_SERVE_MAX_PARAM 128          /* bytes of every other parameter */
#define LT_SERVE_CONNECTION_MEMORY 32768 /* request line + headers of one request */
#define LT_SERVE_PAGE_SIZE 20           /* search hits per page */

/* 1 when host is a loopback address (127.0.0.0/8, ::1). */
int lt_serve_is_loopback(const char *host);

/* What a request's Range header asks of a download of size bytes (RFC 9110,
 * 14.1-14.2), so that an interrupted download of a large bag can be resumed
 * (curl -C -, wget -c, a browser's download manager) where it stopped:
 *   LT_RANGE_WHOLE          no header, a unit other than bytes, more than
 *                           one range, a syntax error or an empty download:
 *                           the whole body, 200, as the RFC lets a server do;
 *   LT_RANGE_PART           bytes *first to *last, both inclusive and inside
 *                           the download (an end past it is cut to it): 206;
 *   LT_RANGE_UNSATISFIABLE  one well-formed range that starts at or past the
 *                           end, or a suffix of 0 bytes: 416.
 * header may be NULL (no Range). */
enum lt_serve_range { LT_RANGE_WHOLE, LT_RANGE_PART, LT_RANGE_UNSATISFIABLE };
enum lt_serve_range lt_serve_parse_range(const char *header, uint64_t size, uint64_t *first,
					 uint64_t *last);

/* Checks the configuration (a non-loopback address needs users and TLS:
 * LT_EUSAGE otherwise), starts the server, prints its address on stdout and
 * serves until SIGINT or SIGTERM. LT_EIO for a port that cannot be bound or
 * a certificate that cannot be read. */
int lt_serve_run(const struct lt_serve_config *cfg, struct lt_err *err);

/* ---- users (serve_users.c) ---- */

/* Users file: one line per user, "name:clearance:pbkdf2-sha256:iterations:salt:hash"
 * (clearance 1 may see secret documents when the server shows them; salt and
 * hash in hex). Made with `luutru serve --add-user`. */
struct lt_serve_users;

/* Adds or replaces user name (letters, digits, . _ -; 1-64) with password
 * (PBKDF2-HMAC-SHA256, a fresh random salt), writing the file anew
 * (mode 0600, replaced by rename). */
int lt_serve_add_user(const char *path, const char *name, const char *password, int clearance,
		      struct lt_err *err);
/* Returns: *users owned, free with lt_serve_users_free(). LT_EINPUT naming
 * the file and line for a malformed line; LT_EIO. */
int lt_serve_users_load(const char *path, struct lt_serve_users **users, struct lt_err *err);
void lt_serve_users_free(struct lt_serve_users *users);
/* 1 if name/password is a user (then *clearance set), else 0. Thread-safe;
 * a password checked once is remembered (by a digest) so that a browser's
 * every request does not pay the slow hash again. */
int lt_serve_users_check(struct lt_serve_users *users, const char *name, const char *password,
			 int *clearance);

/* ---- access log (serve_log.c) ---- */

/* Appends one line to ARCHIVE/log/access-YYYY-MM.log (made if missing):
 * "time<TAB>user<TAB>address<TAB>what<TAB>document<TAB>page<TAB>detail",
 * "-" for what is absent; tabs and line breaks in values become spaces. */
int lt_serve_log(const char *archive, const char *user, const char *address, const char *what,
		 const char *document, int page, const char *detail, struct lt_err *err);

/* ---- HTML (serve_html.c) ---- */

/* Appends s escaped for HTML text and for a quoted attribute value
 * (& < > " ' all become references). NULL appends nothing. */
int lt_html_escape(struct lt_buf *b, const char *s, struct lt_err *err);
/* Appends s percent-encoded for a URL's query or path component: every
 * byte but A-Z a-z 0-9 - . _ ~. */
int lt_url_encode(struct lt_buf *b, const char *s, struct lt_err *err);

/* UI strings, Vietnamese or English. */
enum lt_ui_msg {
	UI_TITLE, UI_SEARCH, UI_QUERY_HINT, UI_TYPE, UI_FROM, UI_TO, UI_ORGAN, UI_NUMBER,
	UI_NO_HITS, UI_HITS, UI_PAGE, UI_PAGES, UI_NEXT, UI_PREV, UI_DOCUMENT, UI_METADATA,
	UI_PROVENANCE, UI_VERSIONS, UI_FIXITY, UI_EVENTS, UI_DOWNLOADS, UI_PDF, UI_BAG,
	UI_MASTER, UI_TEXT, UI_ALTO, UI_OCR_TEXT, UI_NOT_FOUND, UI_BAD_REQUEST, UI_ERROR,
	UI_BACK_TO_SEARCH, UI_STATE, UI_NEVER_CHECKED, UI_SOUND, UI_DAMAGED, UI_UNCONFIRMED,
	UI_FILTERS_NOTE, UI_LANG_OTHER, UI_PAGE_IMAGE, UI_CONFIDENCE, UI_N_PAGES, UI_N_MSGS
};
const char *lt_ui(int english, enum lt_ui_msg m);

/* The page shell around body (already HTML): doctype, lang, title (escaped
 * here), the stylesheet, a header with the search box (query escaped). */
int lt_html_page(struct lt_buf *out, int english, const char *title, const char *query,
		 const char *lang_suffix, const char *body, struct lt_err *err);

/* The stylesheet served at /static/luutru.css. */
extern const char lt_serve_css[];

/* OCR text as HTML: escaped, lines kept, every word whose folded form is
 * one of the query's folded words wrapped in <mark>. */
int lt_html_highlight(struct lt_buf *b, const char *text, const char *query, struct lt_err *err);
/* 1 if word (not folded) matches one of the query's words, diacritics and
 * case ignored. */
int lt_query_matches_word(const char *query, const char *word, size_t len);

/* ---- search adapter (serve_search.c) ---- */

/* What the search form sends. Strings borrowed from the request. */
struct lt_serve_query {
	const char *q;
	const char *type, *from, *to, *organ, *number;
	int offset;                /* hits skipped, for paging */
	int include_secret;
};

struct lt_serve_hit {
	int page;
	char *snippet;             /* owned; matches wrapped in [ ] */
	double score;
	int exact;
};

/* Hits of one document, in the order of its best hit. */
struct lt_serve_group {
	char document[LT_DOC_ID_LEN + 1];
	char *label;               /* owned */
	struct lt_serve_hit *hits; /* owned */
	size_t n_hits;
};

struct lt_serve_results {
	struct lt_serve_group *groups;
	size_t n_groups;
	size_t n_hits;             /* on this page */
	int more;                  /* another page follows */
};

/* The one call to the catalog's search: builds its query from q, fills
 * res: page hits of lt_catalog_find_hits() (words and filters; filters
 * alone list documents), grouped by document, one screenful from q->offset. */
int lt_serve_search(struct lt_catalog *cat, const struct lt_serve_query *q,
		    struct lt_serve_results *res, struct lt_err *err);
void lt_serve_results_release(struct lt_serve_results *res);

/* ---- page images (serve_image.c) ---- */

/* Page `page` of doc (loaded, with its bundle) as a JPEG at most max_width
 * pixels wide, rendered from the verified master by Leptonica and kept in
 * cache_dir under a name made of the master's digest: *fd (the caller
 * closes) and *size. */
int lt_serve_page_image(const char *archive, const char *cache_dir, const struct lt_doc *doc,
			const struct lt_page *page, int max_width, int *fd, uint64_t *size,
			struct lt_err *err);

/* A word box of the page's ALTO, in master pixels. */
struct lt_serve_box {
	int x, y, w, h;
	char *text;                /* owned */
};
/* The words of page `page`'s ALTO (verified out of the bundle).
 * Returns: *boxes owned, free with lt_serve_boxes_free(). */
int lt_serve_page_boxes(const char *archive, const struct lt_doc *doc, int page,
			struct lt_serve_box **boxes, size_t *n, struct lt_err *err);
void lt_serve_boxes_free(struct lt_serve_box *boxes, size_t n);

#endif
