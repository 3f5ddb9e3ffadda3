/* fuzz_manifest.c - a batch spreadsheet (lt_manifest_parse) from any bytes,
 * then every cell through the profile's validation, as ingest does: it must
 * never crash or leak, and a spreadsheet it accepts must hold what
 * manifest.h promises (a name on every row, no two rows for one name, no
 * empty cell, every cell's key a field of the profile). */
#include <string.h>

#include "fuzz.h"
#include "luutru/manifest.h"
#include "luutru/profile.h"

static struct lt_profile *profile;

static void check(const struct lt_manifest *m)
{
	for (size_t r = 0; r < m->n_rows; r++) {
		const struct lt_manifest_row *row = &m->rows[r];

		if (!row->name || !*row->name || row->number < 2 || row->n_cells > m->n_columns) {
			fprintf(stderr, "fuzz_manifest: row %zu broken\n", r);
			abort();
		}
		for (size_t o = 0; o < r; o++)
			if (strcmp(m->rows[o].name, row->name) == 0) {
				fprintf(stderr, "fuzz_manifest: two rows for '%s'\n", row->name);
				abort();
			}
		for (size_t c = 0; c < row->n_cells; c++) {
			struct lt_err err = { 0 };
			char *norm = NULL;
			int rc;

			if (!row->cells[c].value[0] || !lt_profile_label(profile, row->cells[c].key)) {
				fprintf(stderr, "fuzz_manifest: row %d: an empty cell or unknown key\n",
					row->number);
				abort();
			}
			rc = lt_profile_validate(profile, row->cells[c].key, row->cells[c].value, &norm, &err);
			if ((rc == LT_OK) != (norm != NULL) || (rc != LT_OK && rc != LT_EINPUT && rc != LT_ENOMEM)) {
				fprintf(stderr, "fuzz_manifest: validate %s: code %d\n", row->cells[c].key, rc);
				abort();
			}
			free(norm);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_manifest m;
	struct lt_err err = { 0 };
	int rc;

	if (!profile && lt_profile_open(NULL, &profile, &err) != LT_OK) {
		fprintf(stderr, "fuzz_manifest: %s\n", err.msg);
		abort();
	}
	rc = lt_manifest_parse("fuzz.csv", (const char *)data, size, profile, &m, &err);
	if (rc == LT_OK) {
		check(&m);
		lt_manifest_release(&m);
	} else if (rc != LT_EINPUT && rc != LT_ENOMEM) {
		fprintf(stderr, "fuzz_manifest: unexpected code %d: %s\n", rc, err.msg);
		abort();
	} else if (m.n_rows || m.rows) {
		fprintf(stderr, "fuzz_manifest: rows left after an error\n");
		abort();
	}
	return 0;
}
