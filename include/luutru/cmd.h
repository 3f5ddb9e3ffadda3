/* cmd.h - the subcommands: one pipeline/cmd_<name>.c each, each exporting
 * one descriptor (struct lt_command) that main.c lists.
 *
 * A descriptor declares what the command needs: its options, how many
 * arguments it takes and which access to the catalog. One parser
 * (lt_cmd_parse) reads the command line for all of them, so --archive,
 * --help, unknown options and missing values behave the same everywhere;
 * main.c opens the catalog as declared, runs the command and checks that
 * what it printed reached standard output. A command reports each failure on
 * stderr as "error: ...", prints results on stdout and returns the exit code.
 */
#ifndef LUUTRU_CMD_H
#define LUUTRU_CMD_H

#include <stdarg.h>
#include <stdio.h>

#include "luutru/err.h"
#include "luutru/i18n.h"

/* Exit codes, for cron and scripts. */
enum lt_exit {
	LT_EXIT_OK = 0,       /* all good */
	LT_EXIT_PROBLEM = 1,  /* some documents failed, or a check found a problem */
	LT_EXIT_USAGE = 2,    /* bad command line */
	LT_EXIT_FATAL = 3,    /* environment or internal error */
};

struct lt_cli {
	const char *archive;  /* --archive, $LUUTRU_ARCHIVE or ./archive */
};

/* What a command needs of the catalog; main.c opens it so before the run
 * function is called and closes it after. */
enum lt_cmd_access {
	LT_ACCESS_NONE,    /* the command opens nothing, or opens what it needs itself */
	LT_ACCESS_READ,    /* lt_catalog_open(..., LT_CATALOG_READ, ...): must exist */
	LT_ACCESS_WRITE,   /* LT_CATALOG_WRITE: must exist */
	LT_ACCESS_CREATE,  /* LT_CATALOG_CREATE: archive and catalog made if missing */
};

/* One option of a command. Tables end with an entry whose name is NULL. */
struct lt_option {
	const char *name;    /* long name without "--": "jobs" */
	int letter;          /* short form ('j'), or 0 for none; 'h' is --help's */
	const char *arg;     /* the value's name in the help ("N"), NULL for a flag */
	const char *help;    /* for the usage text; may hold "\n" for more lines;
			      * NULL: accepted but not listed */
	/* Checks a value when it is read, before anything is opened, so a bad
	 * value is a usage error (exit 2) whatever else is wrong. cmd is the
	 * command's name. Returns LT_OK, or LT_EUSAGE with the message. May be
	 * NULL: any value (or, for a flag, its presence) is fine. */
	int (*check)(const char *cmd, const char *value, struct lt_err *err);
};

#define LT_CMD_MAX_OPTIONS 32
#define LT_CMD_MAX_DEPTH 4
/* Values kept in order for repeatable options (--set k=v --set k2=v2). */
#define LT_CMD_MAX_VALUES 128

struct lt_command;
struct lt_catalog;

/* What the parser hands a command. All pointers borrowed from argv and the
 * descriptor: valid while argv is. */
struct lt_args {
	const struct lt_command *cmd;  /* the command run (a sub-command if any) */
	struct lt_cli *cli;
	const char *values[LT_CMD_MAX_OPTIONS]; /* per cmd->options entry: last value given,
						 * the option's name for a flag, NULL if absent */
	int argc;                      /* positional arguments, in order */
	char **argv;
	/* Every option value given, in command-line order (lt_args_all). */
	const char *all_values[LT_CMD_MAX_VALUES];
	int all_options[LT_CMD_MAX_VALUES]; /* index into cmd->options of each */
	int n_all;
};

struct lt_command {
	const char *name;
	const char *summary;       /* one line for `luutru --help` and a parent's list */
	const char *usage;         /* synopsis and description, printed first */
	const struct lt_option *options; /* may be NULL; listed after usage */
	const char *epilog;        /* after the options: output, exit codes, examples; may be NULL */
	int min_args, max_args;    /* positional arguments; max_args -1: no limit */
	const char *args_error;    /* the usage error when their number is wrong (after "CMD: ");
				    * NULL: "unexpected argument 'X'" */
	enum lt_cmd_access access;
	/* Optional: checks the arguments against the world before the catalog
	 * is opened (an INBOX that can be read), so that a mistake creates no
	 * archive. Returns LT_OK or fills err. */
	int (*check)(const struct lt_args *args, struct lt_err *err);
	/* Runs the command; cat is open as `access` says (NULL for NONE) and
	 * closed by the caller. Returns an exit code. NULL for a command that
	 * only groups sub-commands. */
	int (*run)(const struct lt_args *args, struct lt_catalog *cat);
	const struct lt_command *const *subs; /* NULL-terminated sub-commands
					       * (`luutru bag validate`), or NULL */
	/* Runs Tesseract: main() first makes sure OpenMP keeps to one thread
	 * (a re-execution when OMP_THREAD_LIMIT is unset), a cost the other
	 * commands - a search, a status - do not pay. */
	int recognises;
};

/* The descriptors, one per cmd_<name>.c. */
extern const struct lt_command lt_cmd_ingest, lt_cmd_run, lt_cmd_batch, lt_cmd_status,
	lt_cmd_search, lt_cmd_show, lt_cmd_get, lt_cmd_review, lt_cmd_verify, lt_cmd_replicate,
	lt_cmd_rebuild, lt_cmd_bag, lt_cmd_meta, lt_cmd_reocr, lt_cmd_serve;
extern const struct lt_command lt_cmd_shard, lt_cmd_merge;
extern const struct lt_command lt_cmd_slurm;  /* cmd_slurm.c */

/* Parses argv (argv[0] is the command's name) for cmd: walks down to a
 * sub-command named by the first arguments, reads options with getopt_long
 * (--archive DIR into cli, --help prints the usage on stdout), checks each
 * value and the number of positional arguments. Usage errors print
 * "error: ..." and the usage on stderr (getopt's own message for unknown
 * options and missing values).
 * Returns: -1 and *args filled to go on, else the exit code to leave with
 * (LT_EXIT_OK after --help, LT_EXIT_USAGE). */
int lt_cmd_parse(const struct lt_command *cmd, int argc, char **argv, struct lt_cli *cli,
		 struct lt_args *args);

/* The value of option `name` of args->cmd (see lt_args.values), or NULL. */
const char *lt_args_get(const struct lt_args *args, const char *name);
/* Every value of a repeatable option, in order: fills out[0..max) and
 * returns how many were given (more than max: only max filled). */
int lt_args_all(const struct lt_args *args, const char *name, const char **out, int max);

/* A command's full help: usage, options, sub-commands, epilog. */
void lt_cmd_print_usage(const struct lt_command *cmd, FILE *out);

/* The command named by names[0], names[1], ... (sub-commands) in the
 * NULL-terminated table, or NULL. */
const struct lt_command *lt_cmd_find(const struct lt_command *const *table, int n_names,
				     char **names);

/* `luutru help CMD [SUB...]`: prints that command's help on out, returns
 * LT_EXIT_OK; an unknown name is an error on stderr and LT_EXIT_USAGE. */
int lt_cmd_help(const struct lt_command *const *table, int n_names, char **names, FILE *out);

/* Catalog mode for an access (LT_ACCESS_NONE has none: returns -1). */
int lt_cmd_catalog_mode(enum lt_cmd_access access);

/* Parses argv (argv[0] is the command's name) for cmd, checks it, opens
 * the catalog as its descriptor's access says, runs it and closes the
 * catalog: the whole life of one command after dispatch (main.c, front.c).
 * Returns an exit code. */
int lt_cmd_execute(const struct lt_command *cmd, int argc, char **argv, struct lt_cli *cli);

/* Flushes stdout; if anything written to it was lost (a full disk, a closed
 * pipe), prints "error: cannot write to standard output: <reason>" on
 * stderr and returns LT_EXIT_FATAL, else rc. */
int lt_cmd_finish_stdout(int rc);

/* The work of `ingest`, shared with `batch`; returns an exit code. quiet
 * prints only errors (no line per document, no closing count); also, if not
 * NULL, hears of every skipped file and every document after the printing;
 * *totals (may be NULL) gets ingest's counts. */
struct lt_ingest_report;
struct lt_ingest_totals;
struct lt_inbox_opts;
int lt_cmd_ingest_inbox_with(struct lt_catalog *cat, const char *inbox_dir,
			     const struct lt_inbox_opts *opts, int retry, int quiet,
			     const struct lt_ingest_report *also, struct lt_ingest_totals *totals);
struct lt_run_opts;
int lt_cmd_run_queue(struct lt_cli *cli, struct lt_run_opts *opts);

/* The same with the metadata given at ingest (im may be NULL); check:
 * validate only, queue nothing (cat may be NULL). */
struct lt_ingest_meta;
int lt_cmd_ingest_inbox_meta(struct lt_catalog *cat, const char *inbox_dir,
			     const struct lt_inbox_opts *opts, const struct lt_ingest_meta *im,
			     int retry, int check, int quiet, const struct lt_ingest_report *also,
			     struct lt_ingest_totals *totals);

/* Ingest's metadata options (--manifest, --set, --allow-secret), shared by
 * ingest and batch: LT_CMD_INGEST_META_OPTIONS in the option table,
 * lt_cmd_ingest_meta_open() reads them with the profile and luutru.conf
 * (returns -1 to go on, else the exit code, the error printed), and
 * lt_cmd_ingest_meta_close() releases them. */
#include "luutru/ingest.h"
#include "luutru/manifest.h"
#include "luutru/meta.h"
struct lt_cmd_ingest_meta {
	struct lt_profile *profile;
	struct lt_manifest manifest;
	struct lt_meta defaults;
	struct lt_ingest_meta im;
};
#define LT_CMD_INGEST_META_OPTIONS \
	{ "manifest", 0, "FILE.csv", N_("a spreadsheet of metadata, a row per folder ('thư mục')"), NULL }, \
	{ "set", 0, "KEY=VALUE", N_("a metadata default for every document (repeatable)"), NULL }, \
	{ "allow-secret", 0, "LEVEL", N_("take Tuyệt mật documents (LEVEL tuyet-mat)"), NULL }
int lt_cmd_ingest_meta_open(const struct lt_args *args, struct lt_cmd_ingest_meta *cm);
void lt_cmd_ingest_meta_close(struct lt_cmd_ingest_meta *cm);

/* The checks of -j (1-256 workers), --lang (Tesseract codes like vie+eng)
 * and --psm (1, 3-13): run, batch and reocr. */
int lt_cmd_check_jobs(const char *cmd, const char *value, struct lt_err *err);
int lt_cmd_check_lang(const char *cmd, const char *value, struct lt_err *err);
int lt_cmd_check_psm(const char *cmd, const char *value, struct lt_err *err);

/* A new bundle version of one archived document (cmd_reocr.c, for meta and
 * reocr): runs `pipeline` on it with lt_run_redo() (opts->archive is set
 * here, opts->jobs is the caller's), prints "DOC: version N (PATH)" or the
 * failure on stderr. Returns the exit code: OK, PROBLEM when the document
 * kept its version, else as the error says. */
struct lt_pipeline;
struct lt_redo;
int lt_cmd_redo(struct lt_cli *cli, const struct lt_pipeline *pipeline, struct lt_run_opts *opts,
		const struct lt_redo *redo);

/* One correction of `luutru meta DOC`: key (a TT05 key) set to value (checked
 * and normalised by the profile already), or, value NULL, the value it has
 * confirmed by a person. */
struct lt_meta_change {
	const char *key;
	const char *value;
};

/* Applies changes to m in order: a value becomes LT_META_CORRECTED (origin
 * "luutru meta by <by>", confidence 1, confirmed); a confirmation keeps the
 * value, its source, origin and rule, and marks it confirmed, so the record
 * still says where the value came from. Appends "key: 'old' -> 'new'" or
 * "key 'value' confirmed" to detail for each change that changes something
 * ("; " between them); *changed counts those. A confirmation of a key m
 * does not hold is LT_EINPUT naming it (m may then be half changed: apply
 * to a copy). */
struct lt_meta;
struct lt_buf;
int lt_cmd_meta_apply(struct lt_meta *m, const struct lt_meta_change *changes, size_t n,
		      const char *by, struct lt_buf *detail, int *changed, struct lt_err *err);

/* --min-age's check and value (seconds, 0 to 30 days). */
/* value as a whole number from lo to hi into *out: 1 if it is one, else 0. */
int lt_cmd_int_in(const char *value, long lo, long hi, long *out);
/* The check of --limit (search, review): a positive number. */
int lt_cmd_check_limit(const char *cmd, const char *value, struct lt_err *err);

/* The check of ingest and batch: their one argument is a readable folder. */
int lt_cmd_check_inbox_arg(const struct lt_args *args, struct lt_err *err);
int lt_cmd_check_min_age(const char *cmd, const char *value, struct lt_err *err);

/* Prints "error: <msg>" on stderr and returns the exit code for err's code. */
int lt_cmd_fail(const struct lt_err *err);

/* Exit code for an error code: usage -> 2, fatal -> 3, else 1. */
int lt_cmd_exit_code(enum lt_code code);

/* Prints "error: <msg>\n\n<cmd's help>" on stderr; returns LT_EXIT_USAGE. */
int lt_cmd_usage_error(const struct lt_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Human-readable output of names that come from outside: file names,
 * labels, OCR text, messages that quote them. As fprintf, except that each
 * %s argument is written escaped, so that no name can move the cursor,
 * recolour the terminal or start a new line in a log:
 *   - \\ \n \r \t for a backslash, newline, carriage return and tab;
 *   - \xHH for every other control character (ESC is \x1b, DEL \x7f) and
 *     for each byte that is not part of valid UTF-8;
 *   - \uHHHH for C1 controls (U+0080-U+009F), U+2028/U+2029 and the
 *     bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069);
 *   - everything else (Vietnamese included) as it is.
 * A backslash is doubled so that the escaped text reads back unambiguously.
 * Width and precision count the escaped bytes; precision never cuts an
 * escape. The format itself is written as it is (its own "\n" end lines).
 * Supported conversions: c d i u o x X e E f F g G a A p s %% with the
 * usual flags, widths (also *) and length modifiers; %n is refused.
 * The stream stays locked for the call (lines of worker callbacks do not
 * interleave). JSON output does not use this: jansson escapes on its own.
 * Returns the bytes written, or -1 on an error of the stream. */
int lt_cmd_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lt_cmd_vprintf(FILE *out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* s escaped as lt_cmd_printf() writes a %s, appended to out. Returns LT_OK
 * or LT_ENOMEM. */
struct lt_buf;
int lt_cmd_escape(const char *s, struct lt_buf *out, struct lt_err *err);

/* Human-readable byte count ("4.2 MB") into out. */
void lt_format_bytes(unsigned long long bytes, char out[32]);

/* Prints label (a translated "bundles:") and spaces up to `width` columns,
 * one space at least, so that the values after it line up in any language.
 * Returns what fprintf returns. */
int lt_cmd_label(FILE *out, const char *label, int width);

/* A document's state (enum lt_doc_state) as people read it, in their
 * language; lt_doc_state_name() is the one for programs. Static string. */
const char *lt_cmd_state_word(int state);

#endif
