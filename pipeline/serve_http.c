/* serve_http.c - the reading room's HTTP server: libmicrohttpd with a thread
 * per connection (a slow or stuck client holds only its own thread, and is
 * dropped after the timeout), bounded connections (in all and per address)
 * and request size; GET and HEAD only, no request body; basic
 * authentication against the users file, over TLS off loopback; the same
 * security headers on every response. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <microhttpd.h>

#include "luutru/catalog.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/profile.h"
#include "luutru/serve_req.h"
#include "luutru/i18n.h"

/* No script at all; styles and images from the server only; no framing. */
#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " \
	    "base-uri 'none'; frame-ancestors 'none'"

/* One per connection (MHD's socket context): its catalog, opened at its
 * first request and closed with it. */
struct conn_state {
	struct lt_catalog *cat;
};

int lt_serve_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

const char *lt_serve_arg(const struct lt_serve_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Every parameter within its bound, and not too many of them. */
struct arg_check {
	int count, too_long_q, too_long;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct arg_check *c = cls;
	size_t n = value ? strlen(value) : 0;

	(void)kind;
	c->count++;
	if (strcmp(key, "q") == 0 && n > LT_SERVE_MAX_QUERY)
		c->too_long_q = 1;
	else if (strcmp(key, "q") != 0 && (n > LT_SERVE_MAX_PARAM || strlen(key) > 32))
		c->too_long = 1;
	return MHD_YES;
}

static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)conn;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = calloc(1, sizeof(struct conn_state));
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct conn_state *cs = *socket_context;

		lt_catalog_close(cs->cat);
		free(cs);
		*socket_context = NULL;
	}
}

static int wants_english(struct MHD_Connection *conn, const char **suffix)
{
	const char *lang = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT_LANGUAGE);

	*suffix = "";
	if (lang && strcmp(lang, "en") == 0) {
		*suffix = "&lang=en";
		return 1;
	}
	if (lang)
		return 0;
	/* The browser's first choice decides; Vietnamese unless it is English. */
	while (accept && *accept == ' ')
		accept++;
	return accept && strncasecmp(accept, "en", 2) == 0 && (accept[2] == 0 || strchr(",;-", accept[2]));
}

static void client_address(struct MHD_Connection *conn, char out[64])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
								     MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	strcpy(out, "?");
	if (ci && ci->client_addr)
		getnameinfo(ci->client_addr, ci->client_addr->sa_family == AF_INET6
			    ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
			    out, 64, NULL, 0, NI_NUMERICHOST);
}

/* Digits into *v, saturating at UINT64_MAX (a position past any file).
 * Returns how many characters were digits. */
static size_t read_position(const char *s, uint64_t *v)
{
	size_t n = 0;

	*v = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		*v = *v > (UINT64_MAX - d) / 10 ? UINT64_MAX : *v * 10 + d;
	}
	return n;
}

static const char *skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

enum lt_serve_range lt_serve_parse_range(const char *header, uint64_t size, uint64_t *first,
					 uint64_t *last)
{
	const char *s;
	uint64_t a, b = UINT64_MAX;
	size_t n;
	int suffix;

	*first = *last = 0;
	if (!header)
		return LT_RANGE_WHOLE;
	s = skip_ows(header);
	if (strncasecmp(s, "bytes=", 6) != 0)
		return LT_RANGE_WHOLE;
	s = skip_ows(s + 6);
	suffix = *s == '-';
	s += suffix;
	if (!(n = read_position(s, &a)))
		return LT_RANGE_WHOLE;
	s += n;
	if (!suffix) {
		if (*s++ != '-')
			return LT_RANGE_WHOLE;
		n = read_position(s, &b);
		s += n;
		if (!n)
			b = UINT64_MAX;
		else if (b < a)
			return LT_RANGE_WHOLE; /* invalid: the header is ignored */
	}
	/* One range only: a list of them gets the whole download. */
	if (*skip_ows(s) != '\0' || size == 0)
		return LT_RANGE_WHOLE;
	if (suffix) {
		if (a == 0)
			return LT_RANGE_UNSATISFIABLE;
		*first = a >= size ? 0 : size - a;
		*last = size - 1;
		return LT_RANGE_PART;
	}
	if (a >= size)
		return LT_RANGE_UNSATISFIABLE;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return LT_RANGE_PART;
}

/* The range of a file download the request asks for. With If-Range, only
 * when it names these very bytes (the strong ETag etag, the download's
 * checksum); a date or another tag gets the whole download. */
static enum lt_serve_range requested_range(const struct lt_serve_req *r, const char *etag,
					   uint64_t *first, uint64_t *last)
{
	const char *range = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_RANGE);
	const char *if_range = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							   MHD_HTTP_HEADER_IF_RANGE);

	*first = *last = 0;
	if (range && if_range && !(etag[0] && strcmp(skip_ows(if_range), etag) == 0))
		return LT_RANGE_WHOLE;
	return lt_serve_parse_range(range, r->fd_size, first, last);
}

static enum MHD_Result send_response(struct lt_serve_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;
	char etag[sizeof(r->checksum) + 2] = "", content_range[64] = "";
	int file = r->fd >= 0;
	uint64_t first = 0, last = 0, length = r->fd_size;

	if (file && r->checksum[0])
		snprintf(etag, sizeof(etag), "\"%s\"", r->checksum);
	switch (file && r->status == MHD_HTTP_OK ? requested_range(r, etag, &first, &last)
		: LT_RANGE_WHOLE) {
	case LT_RANGE_PART:
		r->status = MHD_HTTP_PARTIAL_CONTENT;
		length = last - first + 1;
		snprintf(content_range, sizeof(content_range), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64,
			 first, last, r->fd_size);
		break;
	case LT_RANGE_UNSATISFIABLE:
		close(r->fd);
		r->fd = -1;
		file = 0;
		r->status = MHD_HTTP_RANGE_NOT_SATISFIABLE;
		r->content_type = "text/plain; charset=utf-8";
		r->disposition[0] = '\0';
		r->checksum[0] = etag[0] = '\0';
		snprintf(content_range, sizeof(content_range), "bytes */%" PRIu64, r->fd_size);
		lt_buf_reset(&r->body);
		lt_buf_printf(&r->body, NULL,
			      "the range asked for holds no byte of this %" PRIu64 "-byte download "
			      "(it starts at or past the end, or is empty): ask from byte 0 to %" PRIu64
			      "\n", r->fd_size, r->fd_size - 1);
		break;
	case LT_RANGE_WHOLE:
		break;
	}
	if (file) {
		resp = MHD_create_response_from_fd_at_offset64(length, r->fd, first);
		if (resp)
			r->fd = -1; /* MHD's now */
	} else {
		size_t len = r->body.len;
		char *data = lt_buf_detach(&r->body);

		resp = MHD_create_response_from_buffer(len, data ? data : (char *)"",
						       data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!resp)
			free(data);
	}
	if (!resp)
		return MHD_NO;
	if (file)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	if (content_range[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				r->cache_control ? r->cache_control : "no-store");
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->checksum[0])
		MHD_add_response_header(resp, "X-Checksum-SHA256", r->checksum);
	if (r->srv->cfg->cert_file)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->status == MHD_HTTP_UNAUTHORIZED) {
		ok = MHD_queue_basic_auth_fail_response(r->conn, "luutru reading room", resp);
	} else {
		ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	}
	MHD_destroy_response(resp);
	return ok;
}

static void release_req(struct lt_serve_req *r)
{
	lt_buf_release(&r->body);
	if (r->fd >= 0)
		close(r->fd);
}

/* A plain-text refusal before any view runs. */
static enum MHD_Result refuse(struct lt_serve_req *r, int status, const char *message)
{
	enum MHD_Result ok;

	r->content_type = "text/plain; charset=utf-8";
	lt_buf_reset(&r->body);
	lt_buf_printf(&r->body, NULL, "%s\n", message);
	r->status = status;
	ok = send_response(r);
	release_req(r);
	return ok;
}

static int request_marker;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct lt_serve_server *srv = cls;
	struct lt_serve_req r = { .srv = srv, .conn = conn, .url = url, .fd = -1, .status = 200 };
	const union MHD_ConnectionInfo *ci;
	struct conn_state *cs;
	struct arg_check args = { 0 };
	struct lt_err err = { 0 };
	enum MHD_Result ok;

	(void)version;
	(void)upload_data;
	lt_buf_init(&r.body);
	client_address(conn, r.address);
	r.english = wants_english(conn, &r.lang_suffix);
	if (!*req_cls) {
		*req_cls = &request_marker;
		if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
			return refuse(&r, MHD_HTTP_METHOD_NOT_ALLOWED, "read-only: GET and HEAD only");
		return MHD_YES;
	}
	if (*upload_data_size) /* a GET with a body: not ours to read */
		return refuse(&r, 413, "no request body is accepted");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_arg, &args);
	if (args.too_long_q)
		return refuse(&r, 414, "the query is too long");
	if (args.too_long || args.count > 16)
		return refuse(&r, MHD_HTTP_BAD_REQUEST, "too many or too long parameters");
	if (srv->users) {
		char *pass = NULL, *user = MHD_basic_auth_get_username_password(conn, &pass);
		int clearance = 0, known = user && pass &&
			lt_serve_users_check(srv->users, user, pass, &clearance);

		if (known)
			snprintf(r.user, sizeof(r.user), "%s", user);
		if (pass)
			MHD_free(pass);
		if (user)
			MHD_free(user);
		if (!known) {
			lt_serve_log(srv->cfg->archive, NULL, r.address, "refused", NULL, 0, url, NULL);
			return refuse(&r, MHD_HTTP_UNAUTHORIZED, "who are you? (a user of the reading room)");
		}
		r.include_secret = srv->cfg->include_secret && clearance;
	} else {
		r.include_secret = srv->cfg->include_secret;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	cs = ci ? ci->socket_context : NULL;
	if (cs && !cs->cat && lt_catalog_open(srv->cfg->archive, LT_CATALOG_READ, &cs->cat, &err)) {
		fprintf(stderr, _("error: %s\n"), err.msg);
		return refuse(&r, MHD_HTTP_SERVICE_UNAVAILABLE, "the catalog cannot be opened");
	}
	if (!cs)
		return refuse(&r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	r.cat = cs->cat;
	lt_serve_route(&r);
	ok = send_response(&r);
	release_req(&r);
	return ok;
}

static int read_file(const char *path, const char *what, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	FILE *f = fopen(path, "r");
	char chunk[4096];
	size_t n;
	int rc = LT_OK;

	if (!f)
		return lt_err_set(err, LT_EIO, "serve: cannot read the %s '%s': %s", what, path,
				  strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = lt_buf_append(&b, chunk, n, err);
	if (!rc && ferror(f))
		rc = lt_err_set(err, LT_EIO, "serve: cannot read the %s '%s'", what, path);
	fclose(f);
	if (!rc && b.len == 0)
		rc = lt_err_set(err, LT_EINPUT, "serve: the %s '%s' is empty", what, path);
	if (rc)
		lt_buf_release(&b);
	else
		*out = lt_buf_detach(&b);
	return rc;
}

static int check_config(const struct lt_serve_config *cfg, struct lt_err *err)
{
	if ((cfg->cert_file != NULL) != (cfg->key_file != NULL))
		return lt_err_set(err, LT_EUSAGE, "serve: --cert and --key go together");
	if (lt_serve_is_loopback(cfg->host))
		return LT_OK;
	if (!cfg->users_file || !cfg->cert_file)
		return lt_err_set(err, LT_EUSAGE, "serve: %s is not a loopback address: the reading room "
				  "listens there only with --users FILE (luutru serve --add-user NAME) and "
				  "TLS (--cert FILE --key FILE), so that no one reads the archive unnamed "
				  "or sends passwords in the clear", cfg->host);
	return LT_OK;
}

int lt_serve_run(const struct lt_serve_config *cfg, struct lt_err *err)
{
	struct lt_serve_server srv = { .cfg = cfg };
	struct sockaddr_storage sa = { 0 };
	struct MHD_Daemon *d = NULL;
	struct lt_catalog *probe = NULL;
	struct lt_err perr = { 0 };
	char *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	sigset_t stop;
	int rc = check_config(cfg, err), sig = 0;

	if (!rc && cfg->users_file)
		rc = lt_serve_users_load(cfg->users_file, &srv.users, err);
	if (!rc && cfg->cert_file) {
		rc = read_file(cfg->cert_file, lt_i18n_err_format(N_("TLS certificate")), &cert,
			       err);
		if (!rc)
			rc = read_file(cfg->key_file, lt_i18n_err_format(N_("TLS private key")),
				       &key, err);
		if (!rc && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			rc = lt_err_set(err, LT_EINTERNAL, "serve: this libmicrohttpd has no TLS");
		flags |= MHD_USE_TLS;
	}
	/* libxml2 (the ALTO boxes) is used from many connection threads. */
	xmlInitParser();
	/* The catalog must be there and readable before anyone is told to come. */
	if (!rc)
		rc = lt_catalog_open(cfg->archive, LT_CATALOG_READ, &probe, err);
	lt_catalog_close(probe);
	if (!rc)
		rc = cfg->cache_dir ? lt_strdup(cfg->cache_dir, &srv.cache_dir, err)
				    : lt_path(&srv.cache_dir, err, "%s/log/serve-cache", cfg->archive);
	if (!rc && lt_profile_open(cfg->archive, &srv.profile, &perr) != LT_OK)
		fprintf(stderr, _("warning: %s: fields shown without their labels\n"), perr.msg);
	if (!rc) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;

		if (inet_pton(AF_INET, cfg->host, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)cfg->port);
		} else if (inet_pton(AF_INET6, cfg->host, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)cfg->port);
			flags |= MHD_USE_IPv6;
		} else {
			rc = lt_err_set(err, LT_EUSAGE, "serve: --listen wants a numeric address, not '%s'",
					cfg->host);
		}
	}
	/* The signals that stop the server are taken by this thread only;
	 * the daemon's threads inherit the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	if (!rc)
		pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (!rc) {
		d = cert ? MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv,
					    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					    MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
					    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_connections,
					    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds,
					    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LT_SERVE_CONNECTION_MEMORY,
					    MHD_OPTION_NOTIFY_CONNECTION, notify_connection, NULL,
					    MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
					    MHD_OPTION_END)
			 : MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv,
					    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					    MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
					    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_connections,
					    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds,
					    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LT_SERVE_CONNECTION_MEMORY,
					    MHD_OPTION_NOTIFY_CONNECTION, notify_connection, NULL,
					    MHD_OPTION_END);
		if (!d)
			rc = lt_err_set(err, LT_EIO, "serve: cannot listen on %s port %d (in use? a bad "
					"certificate or key?)", cfg->host, cfg->port);
	}
	if (!rc) {
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		int v6 = strchr(cfg->host, ':') != NULL;

		lt_cmd_printf(stdout, _("serving %s at %s://%s%s%s:%u/ (%s; Ctrl-C stops)\n"),
			      cfg->archive,
			      cert ? "https" : "http", v6 ? "[" : "", cfg->host, v6 ? "]" : "",
			      di ? (unsigned)di->port : (unsigned)cfg->port,
			      srv.users ? _("users from the users file") : _("loopback only, no login"));
		fflush(stdout);
		sigwait(&stop, &sig);
		MHD_stop_daemon(d);
	}
	lt_profile_close(srv.profile);
	lt_serve_users_free(srv.users);
	free(srv.cache_dir);
	free(cert);
	free(key);
	return rc;
}
