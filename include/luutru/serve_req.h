/* serve_req.h - one request of the reading room as the views see it
 * (serve_http.c makes it, serve_routes.c and serve_api.c fill its
 * response). Everything is borrowed from the connection for the request's
 * life, except the response body and fd, which serve_http.c sends and frees.
 */
#ifndef LUUTRU_SERVE_REQ_H
#define LUUTRU_SERVE_REQ_H

#include <stdint.h>

#include "luutru/buf.h"
#include "luutru/serve.h"

struct MHD_Connection;
struct lt_catalog;
struct lt_profile;

/* What lives as long as the server. */
struct lt_serve_server {
	const struct lt_serve_config *cfg;
	char *cache_dir;                  /* owned */
	struct lt_serve_users *users;     /* NULL: no authentication */
	struct lt_profile *profile;       /* labels for the metadata; may be NULL */
};

struct lt_serve_req {
	struct lt_serve_server *srv;
	struct MHD_Connection *conn;
	struct lt_catalog *cat;           /* this connection's, read-only */
	const char *url;
	int english;
	const char *lang_suffix;          /* "&lang=en" when asked for by the URL, else "" */
	char user[72];                    /* "" without authentication */
	char address[64];
	int include_secret;               /* the server shows them and this user is cleared */
	/* The response. */
	int status;
	const char *content_type;
	const char *cache_control;        /* NULL: "no-store" */
	struct lt_buf body;
	int fd;                           /* >= 0: sent instead of body (then closed) */
	uint64_t fd_size;
	char disposition[160];            /* Content-Disposition, "" for none */
	char checksum[80];                /* X-Checksum-SHA256 of the whole file sent (on a
					   * part too: it checks the file put together), and
					   * its ETag; "" if not known */
};

/* A query parameter, or NULL. */
const char *lt_serve_arg(const struct lt_serve_req *r, const char *name);

/* Routes the request (serve_routes.c): fills r's response. */
void lt_serve_route(struct lt_serve_req *r);

/* An error page (HTML, or JSON under /api/) with status and message. */
void lt_serve_error(struct lt_serve_req *r, int status, const char *message);

/* The JSON API (serve_api.c): /api/search, /api/documents/ID. */
void lt_serve_api_search(struct lt_serve_req *r);
void lt_serve_api_document(struct lt_serve_req *r, const char *id_text);

/* Looks a document up for showing: an id or unique prefix (hex only) ->
 * the loaded document, archived with a bundle, and not secret unless the
 * request may see secret documents. 404/400/500 filled into r on failure
 * (returns NULL). Returns: owned, free with lt_doc_free(). */
struct lt_doc *lt_serve_find_doc(struct lt_serve_req *r, const char *id_text);

#endif
