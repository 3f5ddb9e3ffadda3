/* cmd_serve.c - `luutru serve`: the reading room in the browser (serve.h),
 * and `luutru serve --add-user NAME --users FILE` to make its users. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "luutru/cmd.h"
#include "luutru/serve.h"

/* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:443" into host and port. */
static int parse_listen(const char *value, char *host, size_t host_size, int *port)
{
	const char *colon = value[0] == '[' ? strstr(value, "]:") : strrchr(value, ':');
	size_t n;
	long p;

	if (!colon)
		return -1;
	if (value[0] == '[') {
		n = (size_t)(colon - value - 1);
		value++;
		colon++;
	} else {
		n = (size_t)(colon - value);
	}
	if (n == 0 || n >= host_size || !lt_cmd_int_in(colon + 1, 0, 65535, &p))
		return -1;
	memcpy(host, value, n);
	host[n] = 0;
	*port = (int)p;
	return 0;
}

static int check_listen(const char *cmd, const char *value, struct lt_err *err)
{
	char host[64];
	int port;

	if (parse_listen(value, host, sizeof(host), &port))
		return lt_err_set(err, LT_EUSAGE, "%s: --listen wants ADDRESS:PORT (127.0.0.1:8080, "
				  "[::1]:8080), not '%s'", cmd, value);
	return LT_OK;
}

static int check_connections(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 10000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --max-connections wants 1 to 10000, not '%s'", cmd,
				  value);
	return LT_OK;
}

static int check_timeout(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 3600, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --timeout wants 1 to 3600 seconds, not '%s'", cmd,
				  value);
	return LT_OK;
}

/* The password from standard input, one line; not echoed on a terminal. */
static int read_password(char *out, size_t size, struct lt_err *err)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;

	if (tty) {
		fprintf(stderr, "%s", _("password: "));
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(out, (int)size, stdin))
		out[0] = 0;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	out[strcspn(out, "\r\n")] = 0;
	if (!out[0])
		return lt_err_set(err, LT_EUSAGE, "serve: --add-user reads the password from standard "
				  "input, and got none");
	return LT_OK;
}

static int add_user(const struct lt_args *args)
{
	struct lt_err err = { 0 };
	const char *users = lt_args_get(args, "users");
	char password[256];
	int rc;

	if (!users) {
		lt_err_set(&err, LT_EUSAGE, "serve: --add-user wants --users FILE, the file to add to");
		return lt_cmd_fail(&err);
	}
	rc = read_password(password, sizeof(password), &err);
	if (!rc)
		rc = lt_serve_add_user(users, lt_args_get(args, "add-user"), password,
				       lt_args_get(args, "clearance") != NULL, &err);
	memset(password, 0, sizeof(password));
	if (rc)
		return lt_cmd_fail(&err);
	lt_cmd_printf(stdout, lt_args_get(args, "clearance")
		      ? _("user %s (may read secret documents) saved in %s\n") : _("user %s saved in %s\n"),
		      lt_args_get(args, "add-user"), users);
	return LT_EXIT_OK;
}

static int run_serve(const struct lt_args *args, struct lt_catalog *cat)
{
	struct lt_serve_config cfg = { .archive = args->cli->archive, .host = "127.0.0.1", .port = 8080,
				       .max_connections = 64, .per_ip_connections = 32,
				       .timeout_seconds = 30 };
	struct lt_err err = { 0 };
	const char *listen = lt_args_get(args, "listen"), *v;
	char host[64];

	(void)cat;
	if (lt_args_get(args, "add-user"))
		return add_user(args);
	if (listen && parse_listen(listen, host, sizeof(host), &cfg.port) == 0)
		cfg.host = host;
	cfg.users_file = lt_args_get(args, "users");
	cfg.cert_file = lt_args_get(args, "cert");
	cfg.key_file = lt_args_get(args, "key");
	cfg.cache_dir = lt_args_get(args, "cache");
	cfg.include_secret = lt_args_get(args, "include-secret") != NULL;
	if ((v = lt_args_get(args, "max-connections")))
		cfg.max_connections = (unsigned)atoi(v);
	if (cfg.per_ip_connections > cfg.max_connections)
		cfg.per_ip_connections = cfg.max_connections;
	if ((v = lt_args_get(args, "timeout")))
		cfg.timeout_seconds = (unsigned)atoi(v);
	if (lt_serve_run(&cfg, &err))
		return lt_cmd_fail(&err);
	return LT_EXIT_OK;
}

static const struct lt_option options[] = {
	{ "listen", 'l', "ADDRESS:PORT", N_("where to listen (default 127.0.0.1:8080; port 0: any free\n"
	  "port). Off loopback only with --users and --cert/--key"), check_listen },
	{ "users", 'u', "FILE", N_("users allowed in (HTTP basic authentication), made with --add-user"), NULL },
	{ "cert", 0, "FILE", N_("TLS certificate (PEM): serve HTTPS"), NULL },
	{ "key", 0, "FILE", N_("TLS private key (PEM) of --cert"), NULL },
	{ "include-secret", 0, NULL, N_("show documents with a secrecy level, to users added with\n"
	  "--clearance (to everyone on loopback without --users)"), NULL },
	{ "cache", 0, "DIR", N_("where rendered page images are kept (default ARCHIVE/log/serve-cache)"), NULL },
	{ "max-connections", 0, "N", N_("connections at once, all clients together (default 64)"),
	  check_connections },
	{ "timeout", 0, "SECONDS", N_("an idle or slow connection is closed after this (default 30)"),
	  check_timeout },
	{ "add-user", 0, "NAME", N_("add (or replace) user NAME in --users FILE, the password read\n"
	  "from standard input; then exit"), NULL },
	{ "clearance", 0, NULL, N_("with --add-user: the user may read secret documents"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_serve = {
	.name = "serve",
	.summary = N_("a read-only reading room in the browser"),
	.usage =
	N_("usage: luutru serve [--archive DIR] [--listen ADDRESS:PORT] [--users FILE]\n"
	"                    [--cert FILE --key FILE] [--include-secret] [--cache DIR]\n"
	"       luutru serve --add-user NAME --users FILE [--clearance] < password\n"
	"\n"
	"Serves the archive to a browser: search (with or without diacritics), a\n"
	"document's metadata with provenance, pages, versions and fixity checks, a\n"
	"page viewer (the page image beside its OCR text, the search words\n"
	"highlighted on both) and downloads (PDF/A, a page's master, text or ALTO,\n"
	"the whole bag), each file checked against the bundle's manifests and the\n"
	"catalog before it is sent, with its SHA-256, and resumable (HTTP byte\n"
	"ranges: curl -C -, wget -c). A JSON API beside: /api/search?q=...,\n"
	"/api/documents/ID. Vietnamese by default; English with ?lang=en or the\n"
	"browser's language. The catalog is opened read-only; the server writes\n"
	"only its access log (ARCHIVE/log/access-YYYY-MM.log: time, user, address,\n"
	"what, document, page) and its image cache.\n"
	"\n"
	"It listens on loopback only unless given --users and --cert/--key: off\n"
	"loopback it refuses to start without both (exit 2). Documents with a\n"
	"secrecy level are not shown unless --include-secret is given (and, with\n"
	"--users, only to users added with --clearance).\n"),
	.options = options,
	.epilog =
	N_("Examples:\n"
	"  luutru serve                      # then open http://127.0.0.1:8080/\n"
	"  luutru serve --add-user lan --users /etc/luutru/users < pw.txt\n"
	"  luutru serve --listen 0.0.0.0:8443 --users /etc/luutru/users \\\n"
	"               --cert /etc/luutru/cert.pem --key /etc/luutru/key.pem\n"),
	.min_args = 0,
	.max_args = 0,
	.access = LT_ACCESS_NONE,
	.run = run_serve,
};
