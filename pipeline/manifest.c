/* manifest.c - a batch spreadsheet read with libcsv into rows of
 * (key, column, value) cells, checked for what would make it mean
 * something other than what the archivist typed (manifest.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "luutru/buf.h"
#include "luutru/manifest.h"
#include "luutru/profile.h"
#include "luutru/text.h"

/* A spreadsheet larger than this is not one archivists typed. */
#define MANIFEST_MAX_BYTES (64u << 20)

/* The header names of the column that says which document a row describes,
 * folded (no case, diacritics, spaces or punctuation). */
static const char *const name_columns[] = {
	"folder", "thumuc", "tenthumuc", "tep", "tentep", "file", "label",
};

struct parse {
	struct lt_manifest *m;
	const struct lt_profile *p;
	struct lt_err *err;
	int rc;
	int record;                /* records seen, header included */
	char **cells;              /* the record being read */
	size_t n_cells, cap_cells;
	const char **keys;         /* per column: TT05 key, NULL for the name column or an empty header */
	int name_column;
};

/* A cell's text in NFC with surrounding white space (and a header's
 * byte-order mark) removed; NULL-free. */
static int clean_cell(const char *s, size_t len, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc;

	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	rc = lt_text_nfc(s, len, &b, err);
	if (!rc && !b.data)
		rc = lt_buf_puts(&b, "", err);
	if (rc) {
		lt_buf_release(&b);
		return rc;
	}
	*out = lt_buf_detach(&b);
	return LT_OK;
}

static void on_field(void *s, size_t len, void *data)
{
	struct parse *ps = data;
	char *cell = NULL;

	if (ps->rc)
		return;
	if (ps->n_cells == ps->cap_cells) {
		size_t cap = ps->cap_cells ? ps->cap_cells * 2 : 16;
		char **cells = cap <= 4096 ? realloc(ps->cells, cap * sizeof(*cells)) : NULL;

		if (!cells) {
			ps->rc = cap > 4096 ? lt_err_set(ps->err, LT_EINPUT, "row %d has more than 4096 "
							 "cells", ps->record + 1)
					    : lt_err_set(ps->err, LT_ENOMEM, "out of memory");
			return;
		}
		ps->cells = cells;
		ps->cap_cells = cap;
	}
	ps->rc = clean_cell(s ? s : "", s ? len : 0, &cell, ps->err);
	if (ps->rc) {
		lt_err_prefix(ps->err, "row %d, column %zu: ", ps->record + 1, ps->n_cells + 1);
		return;
	}
	ps->cells[ps->n_cells++] = cell;
}

static int is_name_column(const char *header)
{
	char *f = NULL;
	int yes = 0;

	if (lt_profile_fold_name(header, &f, NULL))
		return 0;
	for (size_t i = 0; i < sizeof(name_columns) / sizeof(name_columns[0]); i++)
		yes |= strcmp(f, name_columns[i]) == 0;
	free(f);
	return yes;
}

static int take_header(struct parse *ps)
{
	struct lt_manifest *m = ps->m;

	m->columns = ps->cells;
	m->n_columns = ps->n_cells;
	ps->cells = NULL;
	ps->n_cells = ps->cap_cells = 0;
	ps->keys = calloc(m->n_columns ? m->n_columns : 1, sizeof(*ps->keys));
	if (!ps->keys)
		return lt_err_set(ps->err, LT_ENOMEM, "out of memory");
	ps->name_column = -1;
	for (size_t c = 0; c < m->n_columns; c++) {
		const char *h = m->columns[c];

		if (!*h)
			continue;
		if (is_name_column(h)) {
			if (ps->name_column >= 0)
				return lt_err_set(ps->err, LT_EINPUT, "columns %d '%s' and %zu '%s' both "
						  "name the document", ps->name_column + 1,
						  m->columns[ps->name_column], c + 1, h);
			ps->name_column = (int)c;
			continue;
		}
		if (lt_profile_resolve_key(ps->p, h, &ps->keys[c]) != LT_OK)
			return lt_err_set(ps->err, LT_EINPUT, "column %zu '%s' is not a metadata field "
					  "(a TT05 key, TT02 name or Vietnamese label of the profile)",
					  c + 1, h);
		for (size_t d = 0; d < c; d++)
			if (ps->keys[d] && strcmp(ps->keys[d], ps->keys[c]) == 0)
				return lt_err_set(ps->err, LT_EINPUT, "columns %zu '%s' and %zu '%s' are "
						  "both %s", d + 1, m->columns[d], c + 1, h, ps->keys[c]);
	}
	if (ps->name_column < 0)
		return lt_err_set(ps->err, LT_EINPUT, "no column names the documents: one header "
				  "must be 'thư mục' (or folder, tên thư mục, tệp, tên tệp, file, label) "
				  "holding each document's folder or file name in the inbox");
	return LT_OK;
}

static int take_row(struct parse *ps)
{
	struct lt_manifest *m = ps->m;
	struct lt_manifest_row row = { 0 }, *rows;
	int any = 0, rc = LT_OK;

	for (size_t c = 0; c < ps->n_cells; c++)
		any |= ps->cells[c][0] != '\0';
	if (!any)
		return LT_OK;
	row.number = ps->record;
	for (size_t c = m->n_columns; c < ps->n_cells; c++)
		if (ps->cells[c][0])
			return lt_err_set(ps->err, LT_EINPUT, "row %d has a value in column %zu, but the "
					  "header has only %zu columns", row.number, c + 1, m->n_columns);
	if ((size_t)ps->name_column >= ps->n_cells || !ps->cells[ps->name_column][0])
		return lt_err_set(ps->err, LT_EINPUT, "row %d names no document (column %d '%s' "
				  "is empty)", row.number, ps->name_column + 1, m->columns[ps->name_column]);
	row.name = ps->cells[ps->name_column];
	ps->cells[ps->name_column] = NULL;
	/* "scans/a/" and "a/" name the folder a. */
	while (strlen(row.name) > 1 && row.name[strlen(row.name) - 1] == '/')
		row.name[strlen(row.name) - 1] = '\0';
	for (size_t r = 0; r < m->n_rows; r++)
		if (strcmp(m->rows[r].name, row.name) == 0) {
			rc = lt_err_set(ps->err, LT_EINPUT, "rows %d and %d both describe '%s'",
					m->rows[r].number, row.number, row.name);
			free(row.name);
			return rc;
		}
	row.cells = calloc(ps->n_cells, sizeof(*row.cells));
	if (!row.cells) {
		free(row.name);
		return lt_err_set(ps->err, LT_ENOMEM, "out of memory");
	}
	for (size_t c = 0; c < ps->n_cells && c < m->n_columns; c++) {
		if (!ps->cells[c] || !ps->cells[c][0])
			continue;
		if (!ps->keys[c]) {
			rc = lt_err_set(ps->err, LT_EINPUT, "row %d has a value in column %zu, which has "
					"no header", row.number, c + 1);
			break;
		}
		row.cells[row.n_cells].key = ps->keys[c];
		row.cells[row.n_cells].column = m->columns[c];
		row.cells[row.n_cells++].value = ps->cells[c];
		ps->cells[c] = NULL;
	}
	if (!rc)
		rc = (rows = realloc(m->rows, (m->n_rows + 1) * sizeof(*rows))) ? LT_OK
			: lt_err_set(ps->err, LT_ENOMEM, "out of memory");
	if (rc) {
		for (size_t c = 0; c < row.n_cells; c++)
			free(row.cells[c].value);
		free(row.cells);
		free(row.name);
		return rc;
	}
	m->rows = rows;
	m->rows[m->n_rows++] = row;
	return LT_OK;
}

static void drop_cells(struct parse *ps)
{
	for (size_t c = 0; c < ps->n_cells; c++)
		free(ps->cells[c]);
	ps->n_cells = 0;
}

static void on_record(int c, void *data)
{
	struct parse *ps = data;

	(void)c;
	if (ps->rc)
		return;
	ps->record++;
	ps->rc = ps->record == 1 ? take_header(ps) : take_row(ps);
	drop_cells(ps);
}

/* The separator the header line uses most, outside quotes: ',' unless ';'
 * or a tab wins. */
static char detect_delimiter(const char *data, size_t len)
{
	size_t commas = 0, semis = 0, tabs = 0;
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = data[i];

		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted)
			commas += ch == ',', semis += ch == ';', tabs += ch == '\t';
	}
	if (semis > commas && semis >= tabs)
		return ';';
	if (tabs > commas && tabs > semis)
		return '\t';
	return ',';
}

void lt_manifest_release(struct lt_manifest *m)
{
	if (!m)
		return;
	for (size_t r = 0; r < m->n_rows; r++) {
		for (size_t c = 0; c < m->rows[r].n_cells; c++)
			free(m->rows[r].cells[c].value);
		free(m->rows[r].cells);
		free(m->rows[r].name);
	}
	free(m->rows);
	for (size_t c = 0; c < m->n_columns; c++)
		free(m->columns[c]);
	free(m->columns);
	free(m->path);
	memset(m, 0, sizeof(*m));
}

int lt_manifest_parse(const char *path, const char *data, size_t len, const struct lt_profile *p,
		      struct lt_manifest *out, struct lt_err *err)
{
	struct parse ps = { .m = out, .p = p, .err = err, .name_column = -1 };
	struct csv_parser csv;

	memset(out, 0, sizeof(*out));
	if (!(out->path = strdup(path)))
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	out->delimiter = detect_delimiter(data, len);
	if (csv_init(&csv, CSV_APPEND_NULL) != 0) {
		lt_manifest_release(out);
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	}
	csv_set_delim(&csv, (unsigned char)out->delimiter);
	if (csv_parse(&csv, data, len, on_field, on_record, &ps) != len && !ps.rc)
		ps.rc = lt_err_set(err, LT_EINPUT, "after row %d: %s", ps.record,
				   csv_strerror(csv_error(&csv)));
	if (!ps.rc && csv_fini(&csv, on_field, on_record, &ps) != 0 && !ps.rc)
		ps.rc = lt_err_set(err, LT_EINPUT, "after row %d: %s", ps.record,
				   csv_strerror(csv_error(&csv)));
	csv_free(&csv);
	if (!ps.rc && ps.record == 0)
		ps.rc = lt_err_set(err, LT_EINPUT, "it is empty: no header row");
	drop_cells(&ps);
	free(ps.cells);
	free(ps.keys);
	if (ps.rc) {
		lt_err_prefix(err, "spreadsheet '%s': ", path);
		lt_manifest_release(out);
	}
	return ps.rc;
}

int lt_manifest_read(const char *path, const struct lt_profile *p, struct lt_manifest *out,
		     struct lt_err *err)
{
	struct lt_buf data = LT_BUF_INIT;
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = LT_OK;

	memset(out, 0, sizeof(*out));
	if (!f)
		return lt_err_set(err, LT_EINPUT, "cannot read spreadsheet '%s': %s", path, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (data.len + n > MANIFEST_MAX_BYTES)
			rc = lt_err_set(err, LT_EINPUT, "spreadsheet '%s' is larger than %u MB", path,
					MANIFEST_MAX_BYTES >> 20);
		else
			rc = lt_buf_append(&data, chunk, n, err);
	}
	if (!rc && ferror(f))
		rc = lt_err_set(err, LT_EINPUT, "cannot read spreadsheet '%s': %s", path, strerror(errno));
	fclose(f);
	if (!rc)
		rc = lt_manifest_parse(path, data.data ? data.data : "", data.len, p, out, err);
	lt_buf_release(&data);
	return rc;
}

struct lt_manifest_row *lt_manifest_find(struct lt_manifest *m, const char *name)
{
	struct lt_buf nfc = LT_BUF_INIT;
	struct lt_manifest_row *found = NULL;

	if (!m || !name || lt_text_nfc(name, strlen(name), &nfc, NULL) || !nfc.data)
		goto out;
	for (size_t r = 0; r < m->n_rows; r++)
		if (strcmp(m->rows[r].name, nfc.data) == 0) {
			found = &m->rows[r];
			break;
		}
out:
	lt_buf_release(&nfc);
	return found;
}
