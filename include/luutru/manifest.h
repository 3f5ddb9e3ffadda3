/* manifest.h - a batch spreadsheet (`ingest --manifest FILE.csv`): one row
 * per document, keyed by its folder (or loose file) name, one column per
 * metadata field.
 *
 * What Excel and LibreOffice save is read as they save it: UTF-8 with or
 * without a byte-order mark, LF or CRLF line ends, quoted cells holding
 * commas, quotes and line breaks, and ';' or tab instead of ',' (LibreOffice
 * in a Vietnamese locale): the separator is the one the header line uses
 * most. Parsing is libcsv's.
 *
 * The header names the columns: one column names the document (folder,
 * thư mục, tên thư mục, tệp, tên tệp, file or label, any case, with or
 * without diacritics); every other column is a metadata field named by its
 * TT05 key, TT02 name or Vietnamese label (profile.h). A column that is no
 * field refuses the whole spreadsheet, naming it, before anything is
 * queued: a misspelt header would otherwise drop a field from every row in
 * silence. So do two columns for one field, two rows for one folder and a
 * row with more cells than the header has columns.
 *
 * Rows are numbered as the spreadsheet numbers them: the header is row 1.
 * Cell values are not checked here: a bad value fails only its own
 * document, when it is applied (ingest.c). Empty cells give nothing.
 */
#ifndef LUUTRU_MANIFEST_H
#define LUUTRU_MANIFEST_H

#include <stddef.h>

#include "luutru/err.h"

struct lt_profile;

struct lt_manifest_cell {
	const char *key;     /* TT05 key, borrowed from the profile */
	const char *column;  /* the header as typed, borrowed from the manifest */
	char *value;         /* owned, never empty */
};

struct lt_manifest_row {
	char *name;          /* the folder or file name it describes, NFC, owned */
	int number;          /* the spreadsheet's row number (header = 1) */
	struct lt_manifest_cell *cells;
	size_t n_cells;
	int matched;         /* set by whoever matches rows to documents */
};

struct lt_manifest {
	char *path;          /* as given, owned */
	char delimiter;      /* ',', ';' or '\t' */
	char **columns;      /* header cells as typed, owned */
	size_t n_columns;
	struct lt_manifest_row *rows;
	size_t n_rows;
};

/* Reads and checks the spreadsheet at path against profile p (for the
 * column names). LT_EINPUT naming the file and, where it applies, the row
 * and column: unreadable, not UTF-8 CSV, no document column, an unknown or
 * repeated column, a repeated folder, too many cells. Rows whose cells are
 * all empty are left out; a row with values but no folder name is also an
 * error (it describes no document).
 * Returns: *out filled, release with lt_manifest_release(). */
int lt_manifest_read(const char *path, const struct lt_profile *p, struct lt_manifest *out,
		     struct lt_err *err);
/* The same from bytes in memory; path names it in messages. */
int lt_manifest_parse(const char *path, const char *data, size_t len, const struct lt_profile *p,
		      struct lt_manifest *out, struct lt_err *err);
void lt_manifest_release(struct lt_manifest *m); /* NULL-safe; m is empty afterwards */

/* The row describing folder or file `name` (compared in NFC), or NULL.
 * Borrowed from m. */
struct lt_manifest_row *lt_manifest_find(struct lt_manifest *m, const char *name);

#endif
