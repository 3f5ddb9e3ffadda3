/* catalog_batch.c - which ingest batch a document came in with: packaging
 * names it in bag-info.txt (Bag-Group-Identifier), so the bags of one
 * delivery can be found together without the catalog. */
#include <sqlite3.h>

#include "catalog_int.h"

int lt_catalog_document_batch(struct lt_catalog *cat, const char *id, int64_t *batch,
			      struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*batch = 0;
	rc = lt_cat_prepare(cat, "SELECT batch_id FROM documents WHERE id = ?", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*batch = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("cannot read the document's batch"));
	sqlite3_finalize(st);
	return rc;
}
