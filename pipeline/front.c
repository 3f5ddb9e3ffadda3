/* front.c - the `luutru` a person types: runs the commands that only read
 * the catalog (search, status) itself, and hands every other command to
 * luutru's engine by executing it in its place.
 *
 * Why two programs: the engine links Tesseract, Leptonica, qpdf,
 * libarchive, libmicrohttpd and, through them, some sixty shared libraries
 * (curl, gnutls, kerberos, ICU...). Loading and relocating them costs a
 * process 10-20 ms of CPU before main() - most of the budget of a search
 * that should answer in milliseconds, and all of it for `status` in a
 * monitoring loop. The front is linked with SQLite, zlib, utf8proc and
 * jansson only (the Makefile links it with --gc-sections against the
 * library's objects, so the link itself fails if search or status ever
 * reach for OCR, images or bundles). A command run here behaves exactly as
 * in the engine: the same descriptors (cmd_search.c, cmd_status.c), the
 * same parsing, catalog opening and exit codes (lt_cmd_execute).
 *
 * Where the engine is: beside the front in a source tree (build/), in the
 * front's own folder (a build folder such as build/san), else where it is
 * installed (LT_LIBEXECDIR, /usr/lib/luutru for the Debian package).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luutru/cmd.h"
#include "luutru/i18n.h"

#ifndef LT_LIBEXECDIR
#define LT_LIBEXECDIR "/usr/local/lib/luutru"
#endif

#define ENGINE_NAME "luutru-engine"

/* The commands the front runs itself: read-only, nothing but the catalog. */
static const struct lt_command *const front_commands[] = {
	&lt_cmd_search, &lt_cmd_status, NULL,
};

static int is_program(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Fills path (cap bytes) with the engine to run; returns 0, or -1 if there
 * is none (path then holds the installed location, for the message). */
static int find_engine(char *path, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(path, cap, "%s/build/" ENGINE_NAME, exe) < cap &&
			    is_program(path))
				return 0;
			if ((size_t)snprintf(path, cap, "%s/" ENGINE_NAME, exe) < cap &&
			    is_program(path))
				return 0;
		}
	}
	snprintf(path, cap, "%s/" ENGINE_NAME, LT_LIBEXECDIR);
	return is_program(path) ? 0 : -1;
}

/* Replaces this process by the engine with the same arguments; returns
 * only on failure, with the exit code. */
static int run_engine(char **argv)
{
	char path[PATH_MAX], self[PATH_MAX];

	/* The engine would otherwise execute itself once more to keep
	 * Tesseract's OpenMP on one thread (main.c): set it for it. */
	if (!getenv("OMP_THREAD_LIMIT"))
		setenv("OMP_THREAD_LIMIT", "1", 1);
	/* The program a person ran, for the engine's commands that write it
	 * into scripts (slurm's sbatch files). */
	if (realpath("/proc/self/exe", self))
		setenv("LUUTRU_FRONT", self, 1);
	if (find_engine(path, sizeof(path)) != 0) {
		fprintf(stderr, _("error: %s: luutru's engine is missing (%s); reinstall luutru, "
				  "or run `make` in its source tree\n"), path, strerror(ENOENT));
		return LT_EXIT_FATAL;
	}
	execv(path, argv);
	fprintf(stderr, _("error: %s: cannot start luutru's engine: %s\n"), path, strerror(errno));
	return LT_EXIT_FATAL;
}

int main(int argc, char **argv)
{
	struct lt_cli cli = { 0 };
	const struct lt_command *cmd = NULL;
	int i = 1;

	lt_i18n_init(argv[0]);
	cli.archive = getenv("LUUTRU_ARCHIVE");
	if (!cli.archive || !*cli.archive)
		cli.archive = "archive";
	/* The global options as main.c reads them; anything else (--help,
	 * --version, a mistake) is the engine's to answer. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--archive") == 0 && i + 1 < argc)
			cli.archive = argv[++i];
		else if (strncmp(argv[i], "--archive=", 10) == 0)
			cli.archive = argv[i] + 10;
		else
			break;
	}
	if (i < argc && argv[i][0] != '-')
		cmd = lt_cmd_find(front_commands, 1, argv + i);
	if (!cmd)
		return run_engine(argv);
	/* Results that never reached stdout (a full disk, a closed pipe) are a
	 * failure, whatever the command thought. */
	return lt_cmd_finish_stdout(lt_cmd_execute(cmd, argc - i, argv + i, &cli));
}
