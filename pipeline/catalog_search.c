/* catalog_search.c - search over the catalog: full text (ignoring case and
 * diacritics, pages that match as typed first) and the metadata filters.
 *
 * The whole order - exact spellings first, then bm25 - is decided inside
 * SQLite: "exact" is the query's match restricted to the pages that
 * page_exact, the index of the exact forms (fts.h), finds for the words
 * typed with diacritics, so --limit/--offset cut a window of the real
 * order and no candidate page is read or folded in C. Snippets and metadata
 * are fetched for the hits returned only.
 */
#include "catalog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/fts.h"
#include "luutru/text.h"

void lt_hits_free(struct lt_hit *hits, size_t n)
{
	for (size_t i = 0; hits && i < n; i++) {
		free(hits[i].label);
		free(hits[i].snippet);
		free(hits[i].state);
		free(hits[i].type);
		free(hits[i].type_label);
		free(hits[i].number);
		free(hits[i].notation);
		free(hits[i].issued);
		free(hits[i].organ);
		free(hits[i].subject);
	}
	free(hits);
}

/* ---- the filters, as SQL over documents d with numbered parameters ---- */

#define MAX_BINDS 24

struct sql {
	struct lt_buf text;
	const char *binds[MAX_BINDS];  /* borrowed or in owned[] */
	char *owned[MAX_BINDS];
	int64_t ints[MAX_BINDS];
	int is_int[MAX_BINDS];
	int n;
};

static void sql_release(struct sql *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->owned[i]);
	lt_buf_release(&s->text);
}

/* Appends "?N" for a new parameter bound to value (owned: freed with s). */
static int sql_param(struct sql *s, const char *value, char *owned, struct lt_err *err)
{
	if (s->n == MAX_BINDS) {
		free(owned);
		return lt_err_set(err, LT_EINTERNAL, "search: too many query parameters");
	}
	s->binds[s->n] = owned ? owned : value;
	s->owned[s->n] = owned;
	s->n++;
	return lt_buf_printf(&s->text, err, "?%d", s->n);
}

static int sql_int(struct sql *s, int64_t v, struct lt_err *err)
{
	int rc = sql_param(s, NULL, NULL, err);

	if (!rc) {
		s->is_int[s->n - 1] = 1;
		s->ints[s->n - 1] = v;
	}
	return rc;
}

static void sql_bind(const struct sql *s, sqlite3_stmt *st)
{
	for (int i = 0; i < s->n; i++) {
		if (s->is_int[i])
			sqlite3_bind_int64(st, i + 1, s->ints[i]);
		else
			sqlite3_bind_text(st, i + 1, s->binds[i], -1, SQLITE_STATIC);
	}
}

static int sql_puts(struct sql *s, const char *text, struct lt_err *err)
{
	return lt_buf_puts(&s->text, text, err);
}

/* A date bound's upper end: every full date that starts with it sorts at or
 * before bound + "~" ("2016-07-31" < "2016-07~"). */
static int date_to(const char *bound, char **out, struct lt_err *err)
{
	size_t n = strlen(bound);

	*out = malloc(n + 2);
	if (!*out)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	memcpy(*out, bound, n);
	memcpy(*out + n, "~", 2);
	return LT_OK;
}

static int folded_copy(const char *s, char **out, struct lt_err *err)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc = lt_text_fold(s, strlen(s), &b, err);

	if (!rc && !b.data)
		rc = lt_buf_puts(&b, "", err);
	*out = rc ? NULL : lt_buf_detach(&b);
	lt_buf_release(&b);
	return rc;
}

/* A document number however typed -> its number without leading zeros
 * (*digits, "" if none) and its notation's letters and digits, folded
 * (*notation, "" if none): "Số 05-CT/TW" -> "5", "cttw"; "1127 QĐ UBND" ->
 * "1127", "qdubnd". Both owned. */
static int split_number(const char *typed, char **digits, char **notation, struct lt_err *err)
{
	struct lt_buf num = LT_BUF_INIT, note = LT_BUF_INIT, folded = LT_BUF_INIT;
	size_t pos = 0, start, end, len = strlen(typed);
	int rc = LT_OK, first = 1;

	while (!rc && lt_text_next_word(typed, len, &pos, &start, &end)) {
		rc = lt_fts_word_forms(typed + start, end - start, &folded, NULL, err);
		if (rc || folded.len == 0)
			continue;
		if (first && strcmp(folded.data, "so") == 0) {   /* "Số 05" */
			first = 0;
			continue;
		}
		first = 0;
		if (num.len == 0 && note.len == 0 && strspn(folded.data, "0123456789") == folded.len)
			rc = lt_buf_puts(&num, folded.data, err);
		else
			rc = lt_buf_puts(&note, folded.data, err);
	}
	if (!rc && !num.data)
		rc = lt_buf_puts(&num, "", err);
	if (!rc && !note.data)
		rc = lt_buf_puts(&note, "", err);
	lt_buf_release(&folded);
	if (rc) {
		lt_buf_release(&num);
		lt_buf_release(&note);
		return rc;
	}
	*digits = lt_buf_detach(&num);
	*notation = lt_buf_detach(&note);
	return LT_OK;
}

/* A codeNotation's folded value with its punctuation and spaces gone, as
 * split_number() leaves a typed notation. */
#define NOTATION_KEY(col) "replace(replace(replace(replace(replace(" col \
	", '/', ''), '-', ''), ' ', ''), '.', ''), '_', '')"

static int number_filter(struct sql *s, const char *doc, const char *typed, struct lt_err *err)
{
	char *digits = NULL, *notation = NULL;
	int rc = split_number(typed, &digits, &notation, err);

	if (rc)
		return rc;
	if (!*digits && !*notation) {
		free(digits);
		free(notation);
		return lt_err_set(err, LT_EUSAGE, "search: --number '%s' holds no number or "
				  "notation", typed);
	}
	if (*digits) {
		/* codeNumber is kept as given ("05"): the index finds each padding. */
		rc = lt_buf_printf(&s->text, err, " AND %s IN (SELECT n.document_id FROM metadata n "
				   "WHERE n.key = 'codeNumber' AND n.folded IN (", doc);
		for (int zeros = 0; !rc && zeros < 4; zeros++) {
			char *padded = malloc(strlen(digits) + 5);

			if (!padded) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory");
				break;
			}
			sprintf(padded, "%.*s%s", zeros, "0000", digits);
			rc = sql_puts(s, zeros ? ", " : "", err);
			if (!rc)
				rc = sql_param(s, NULL, padded, err);
			else
				free(padded);
		}
		if (!rc)
			rc = sql_puts(s, ")", err);
		if (!rc && *notation) {
			rc = sql_puts(s, " AND EXISTS (SELECT 1 FROM metadata c WHERE "
				      "c.document_id = n.document_id AND c.key = 'codeNotation' AND "
				      NOTATION_KEY("c.folded") " = ", err);
			if (!rc)
				rc = sql_param(s, NULL, notation, err);
			notation = NULL;
			if (!rc)
				rc = sql_puts(s, ")", err);
		}
		if (!rc)
			rc = sql_puts(s, ")", err);
	} else {
		rc = lt_buf_printf(&s->text, err, " AND %s IN (SELECT c.document_id FROM metadata c "
				   "WHERE c.key = 'codeNotation' AND " NOTATION_KEY("c.folded") " = ",
				   doc);
		if (!rc)
			rc = sql_param(s, NULL, notation, err);
		notation = NULL;
		if (!rc)
			rc = sql_puts(s, ")", err);
	}
	free(digits);
	free(notation);
	return rc;
}

/* The start of a condition on d's metadata row `key`, to be followed by
 * " AND ..." on its columns and a closing ")": as an IN list when it is to
 * drive the query (SQLite then reads the documents from the list) or to be
 * looked up, else as a seek per document checked in metadata_check (016),
 * which holds the columns checked: SQLite's own choice, the primary key,
 * reads the table row too (the list would be built whole first: all the
 * documents of a type, tens of milliseconds at a million pages). */
enum { AS_CHECK, AS_DRIVER, AS_LIST };

static int meta_condition(struct sql *s, const char *doc, const char *key, int how,
			  struct lt_err *err)
{
	/* A list that is not to drive is looked up with a unary + on the
	 * document: SQLite must not read the documents from it. */
	return how != AS_CHECK
		? lt_buf_printf(&s->text, err, " AND %s%s IN (SELECT document_id FROM metadata "
				"WHERE key = '%s'", how == AS_LIST && doc[0] != '+' ? "+" : "", doc, key)
		: lt_buf_printf(&s->text, err, " AND EXISTS (SELECT 1 FROM metadata INDEXED BY "
				"metadata_check WHERE document_id = %s AND key = '%s'", doc, key);
}

/* Which filter the documents are read from (choose_driver): --number
 * always (a handful of documents); --type, the dates or --organ when they let few
 * documents through; else none: documents are read in id order (or from
 * the full-text matches) and each is checked, which stops as soon as a
 * screenful passes. */
enum { DRIVE_NONE = 0, DRIVE_TYPE = 1, DRIVE_DATE = 2, DRIVE_ORGAN = 4, DRIVE_STREAM = 8 };

/* Whether a filter of q reads columns of documents d itself (its state
 * other than archived, its batch, its OCR languages): a full-text window
 * joins documents only then. */
static int needs_documents(const struct lt_search *q)
{
	return q->batch || (q->state && strcmp(q->state, "archived") != 0) ||
	       (q->language && !(q->language[0] >= '0' && q->language[0] <= '9'));
}

/* The document the filters are about: d.id, documents d driving or joined;
 * in a full-text window walked match first, the id with a unary + (SQLite
 * must keep reading the matches, never turn an IN list of the filters into
 * the loop the pages are read from), as documents d's when it is joined,
 * else as pages p's (see needs_documents). */
#define DOC_D "d.id"
#define DOC_D_CHECKED "+d.id"
#define DOC_P_CHECKED "+p.document_id"

/* How filter `bit` (DRIVE_*) is written: the list the documents are read
 * from, a list looked up, or a check of each document. A --number is
 * always the list (a handful of documents), the others checks. */
static int how_of(const struct lt_search *q, int drive, int lists, int bit)
{
	if (q->number)
		return AS_CHECK;
	return (drive & bit) ? AS_DRIVER : (lists & bit) ? AS_LIST : AS_CHECK;
}

/* " AND ..." conditions on the document `doc` for q's state (archived
 * when not given) and, unless q->include_secret, no secrecy level. */
static int state_checks(const struct lt_search *q, const char *doc, struct sql *s,
			struct lt_err *err)
{
	const char *state = q->state ? q->state : lt_doc_state_name(LT_ARCHIVED);
	int rc;

	/* Nearly every document is archived: that state's index would hand
	 * them all over to be sorted by id (the unary + keeps SQLite off it);
	 * the other states are few and their index drives. Without d, the
	 * few documents not archived are looked up in their own index
	 * (documents_unarchived, 016): one seek in a tiny tree per match. */
	if (strcmp(doc, DOC_P_CHECKED) == 0) {
		rc = lt_buf_printf(&s->text, err, " AND NOT EXISTS (SELECT 1 FROM documents o "
				   "INDEXED BY documents_unarchived WHERE o.id = %s AND "
				   "o.state <> 'archived')", doc);
	} else if (strcmp(state, "review") == 0) {
		rc = sql_puts(s, " AND +d.state = 'archived' AND EXISTS (SELECT 1 FROM pages r "
			      "WHERE r.document_id = d.id AND r.review IS NOT NULL)", err);
	} else {
		rc = sql_puts(s, strcmp(state, "archived") == 0 ? " AND +d.state = " : " AND d.state = ",
			      err);
		if (!rc)
			rc = sql_param(s, state, NULL, err);
	}
	if (!rc && !q->include_secret)
		/* Any secrecy level, given or read off a stamp, keeps it out:
		 * looked up in the index of the secret documents alone (016). */
		rc = lt_buf_printf(&s->text, err, " AND NOT EXISTS (SELECT 1 FROM metadata x "
				   "INDEXED BY metadata_secret WHERE x.document_id = %s AND "
				   "x.key = '" LT_SECRECY_KEY "')", doc);
	return rc;
}

/* " AND ..." conditions on the document `doc` (DOC_*) for every filter of
 * q: the one whose DRIVE_* bit is `drive` as the IN list the documents are
 * read from, those in `lists` as lists built once and looked up, the
 * others as checks of each document; with DRIVE_STREAM, none for --type
 * (the query reads its documents itself, see streams_type). */
static int filters_with(const struct lt_search *q, int drive, int lists, const char *doc,
			struct sql *s, struct lt_err *err)
{
	int organ_how = how_of(q, drive, lists, DRIVE_ORGAN);
	int rc = LT_OK;

	if (!rc && q->type && !(drive & DRIVE_STREAM)) {
		rc = meta_condition(s, doc, "typeName", how_of(q, drive, lists, DRIVE_TYPE), err);
		if (!rc)
			rc = sql_puts(s, " AND value = ", err);
		if (!rc)
			rc = sql_param(s, q->type, NULL, err);
		if (!rc)
			rc = sql_puts(s, ")", err);
	}
	if (!rc && (q->from || q->to)) {
		rc = meta_condition(s, doc, "issuedDate", how_of(q, drive, lists, DRIVE_DATE), err);
		if (!rc && q->from) {
			rc = sql_puts(s, " AND value >= ", err);
			if (!rc)
				rc = sql_param(s, q->from, NULL, err);
		}
		if (!rc && q->to) {
			char *upper = NULL;

			rc = sql_puts(s, " AND value <= ", err);
			if (!rc)
				rc = date_to(q->to, &upper, err);
			if (!rc)
				rc = sql_param(s, NULL, upper, err);
		}
		if (!rc)
			rc = sql_puts(s, ")", err);
	}
	if (!rc && q->organ) {
		char *folded = NULL;

		/* The names matching are looked up among the distinct ones
		 * (organs, 014), their documents then read through the index
		 * on (key, folded); a document checked alone seeks its row. */
		rc = meta_condition(s, doc, "organName", organ_how, err);
		if (!rc)
			rc = sql_puts(s, organ_how != AS_CHECK
				      ? " AND folded IN (SELECT folded FROM organs WHERE instr(folded, "
				      : " AND instr(folded, ", err);
		if (!rc)
			rc = folded_copy(q->organ, &folded, err);
		if (!rc)
			rc = sql_param(s, NULL, folded, err);
		if (!rc)
			rc = sql_puts(s, organ_how != AS_CHECK ? ") > 0))" : ") > 0)",
				      err);
	}
	if (!rc && q->number)
		rc = number_filter(s, doc, q->number, err);
	if (!rc && q->batch) {
		rc = sql_puts(s, " AND d.batch_id = ", err);
		if (!rc)
			rc = sql_int(s, q->batch, err);
	}
	if (!rc && q->language) {
		if (q->language[0] >= '0' && q->language[0] <= '9') {
			rc = meta_condition(s, doc, "language", AS_CHECK, err);
			if (!rc)
				rc = sql_puts(s, " AND instr(',' || replace(value, ' ', '') "
					      "|| ',', ',' || ", err);
			if (!rc)
				rc = sql_param(s, q->language, NULL, err);
			if (!rc)
				rc = sql_puts(s, " || ',') > 0)", err);
		} else {
			rc = sql_puts(s, " AND instr('+' || d.lang || '+', '+' || ", err);
			if (!rc)
				rc = sql_param(s, q->language, NULL, err);
			if (!rc)
				rc = sql_puts(s, " || '+') > 0", err);
		}
	}
	/* The state and the secrecy last: in a window walked match first,
	 * a match the other filters turn away (most, when they are broad)
	 * costs one seek, not three. */
	if (!rc)
		rc = state_checks(q, doc, s, err);
	return rc;
}

/* Up to this many documents, the documents of a --type, a date range or an
 * --organ are read as a list: off the covering indexes of 016, about
 * 0.3 us a document, so a list this long costs a few milliseconds where
 * checking each document against its metadata row costs two seeks. The
 * shortest list drives a listing; in a window walked match first each list
 * is built once and every match looked up in it. Longer ones are checked
 * per document (they let most documents through: few are checked before a
 * screenful passes). */
#define LIST_DOCUMENTS 12000

/* How many metadata rows a filter's index range holds, counted up to
 * LIST_DOCUMENTS + 1. */
static int range_count(struct lt_catalog *cat, const char *key, const char *lo, const char *hi,
		       int equal, int64_t *n, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char *upper = NULL;
	int rc = equal ? LT_OK : date_to(hi ? hi : "9999", &upper, err);

	if (!rc)
		rc = lt_cat_prepare(cat, equal
				    ? "SELECT count(*) FROM (SELECT 1 FROM metadata WHERE key = ?1 "
				      "AND value = ?2 LIMIT ?4)"
				    : "SELECT count(*) FROM (SELECT 1 FROM metadata WHERE key = ?1 "
				      "AND value >= ?2 AND value <= ?3 LIMIT ?4)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, lo ? lo : "", -1, SQLITE_STATIC);
		if (!equal)
			sqlite3_bind_text(st, 3, upper, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, LIST_DOCUMENTS + 1);
		if (sqlite3_step(st) == SQLITE_ROW)
			*n = sqlite3_column_int64(st, 0);
		else
			rc = lt_cat_db_error(cat, err, "search: sizing a filter");
	}
	sqlite3_finalize(st);
	free(upper);
	return rc;
}

/* How many organName rows name an organ whose folded name holds `folded`,
 * counted up to LIST_DOCUMENTS + 1: the few thousand distinct names are
 * searched, then each match's documents counted through the index. */
static int organ_count(struct lt_catalog *cat, const char *organ, int64_t *n, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	char *folded = NULL;
	int rc = folded_copy(organ, &folded, err);

	if (!rc)
		rc = lt_cat_prepare(cat, "SELECT count(*) FROM (SELECT 1 FROM metadata WHERE "
				    "key = 'organName' AND folded IN (SELECT folded FROM organs "
				    "WHERE instr(folded, ?1) > 0) LIMIT ?2)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, folded, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, LIST_DOCUMENTS + 1);
		if (sqlite3_step(st) == SQLITE_ROW)
			*n = sqlite3_column_int64(st, 0);
		else
			rc = lt_cat_db_error(cat, err, "search: sizing the --organ filter");
	}
	sqlite3_finalize(st);
	free(folded);
	return rc;
}

/* The filter to read the documents from (*drive, one DRIVE_* bit or none):
 * the shortest of --type, the date range and --organ when it is short
 * enough; *lists: all of those short enough (DRIVE_* bits). counts[]: how
 * many documents --type, the dates and --organ let through, in DRIVE_* bit
 * order (LIST_DOCUMENTS + 1: more, or no such filter); NULL if not wanted. */
static int choose_driver(struct lt_catalog *cat, const struct lt_search *q, int *drive, int *lists,
			 int64_t counts[3], struct lt_err *err)
{
	int64_t types = LIST_DOCUMENTS + 1, dates = LIST_DOCUMENTS + 1;
	int64_t organs = LIST_DOCUMENTS + 1, least = LIST_DOCUMENTS + 1;
	int rc = LT_OK;

	*drive = DRIVE_NONE;
	*lists = 0;
	if (counts)
		counts[0] = counts[1] = counts[2] = least;
	if (q->number)
		return LT_OK;
	if (q->type)
		rc = range_count(cat, "typeName", q->type, NULL, 1, &types, err);
	if (!rc && (q->from || q->to))
		rc = range_count(cat, "issuedDate", q->from, q->to, 0, &dates, err);
	if (!rc && q->organ)
		rc = organ_count(cat, q->organ, &organs, err);
	if (rc)
		return rc;
	if (types <= LIST_DOCUMENTS) {
		*lists |= DRIVE_TYPE;
		*drive = DRIVE_TYPE;
		least = types;
	}
	if (dates <= LIST_DOCUMENTS) {
		*lists |= DRIVE_DATE;
		if (dates < least) {
			*drive = DRIVE_DATE;
			least = dates;
		}
	}
	if (organs <= LIST_DOCUMENTS) {
		*lists |= DRIVE_ORGAN;
		if (organs < least) {
			*drive = DRIVE_ORGAN;
			least = organs;
		}
	}
	if (counts) {
		counts[0] = types;
		counts[1] = dates;
		counts[2] = organs;
	}
	return LT_OK;
}

/* The archived documents (the catalog's counters, 011): what the filters'
 * counts are fractions of. */
static int archived_documents(struct lt_catalog *cat, int64_t *n, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT n FROM counts WHERE name = 'documents:archived'", &st,
				err);

	*n = 0;
	if (!rc && sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/* A full-text window checks a filter on a match for about this many list
 * entries (measured at 100,000 pages, --type 'Quyết định' --from 2016
 * 'lưu trữ': 3,700 matches walked a window, two filters checked in
 * metadata_check, cost what lists of 12,800 documents did; an entry put in
 * a list ~0.3 us, each list built once per window). */
#define CHECK_PER_ENTRY 2

/* Which of the short filters (lists, DRIVE_* bits) a window walked match
 * first looks up in a list: it walks about window / (the filters' joint
 * share of the documents) matches, each checked against every filter; a
 * list pays when building it costs less than that many checks. A filter
 * whose count is unknown (more than LIST_DOCUMENTS) is taken to let
 * LIST_DOCUMENTS through: fewer matches walked, lists less often built. */
static int window_lists(const struct lt_search *q, int lists, const int64_t counts[3],
			int64_t documents, int window)
{
	const int given[3] = { q->type != NULL, q->from || q->to, q->organ != NULL };
	double walked = window;
	int out = 0;

	if (documents <= 0)
		return lists;
	for (int i = 0; i < 3; i++)
		if (given[i] && counts[i] < documents)
			walked *= (double)documents / (double)(counts[i] > 0 ? counts[i] : 1);
	for (int i = 0; i < 3; i++)
		if ((lists & (1 << i)) && (double)counts[i] <= CHECK_PER_ENTRY * walked)
			out |= 1 << i;
	return out;
}

/* ---- the statements ---- */

/* How many of the newest matching pages are ranked (per MATCH: the pages
 * as typed, and all). bm25() costs per page it scores: ranking every match
 * of a word on half of a million pages takes seconds, ranking this many
 * a few milliseconds. A query with fewer matches is ranked whole; one with
 * more is ranked among its newest pages (rowid order, which FTS5 walks
 * without sorting). Exact-first holds in every window: if the exact pages
 * are more than the window, every hit a window can show is one of them
 * (those among the newest EXACT_WINDOW_FACTOR times the window pages that
 * hold the words as typed: see xw in candidates()). */
#define RANK_WINDOW 1000
/* Pages of page_exact looked at per page of the window (candidates()). */
#define EXACT_WINDOW_FACTOR 4
/* Document hits: pages scored per document hit asked for. */
#define PAGES_PER_DOCUMENT 20
/* Words in a hit's snippet. */
#define SNIPPET_WORDS 16

static int has_filter(const struct lt_search *q);

/* How a text query with filters runs (choose_plan). */
struct plan {
	int filter_first;
	int drive;                       /* DRIVE_*: for the filters listed alone or first */
	int lists;                       /* DRIVE_* bits: filters looked up in a list built
					  * once by a window walked match first */
	int64_t first_page, last_page;   /* the filtered documents' pages lie within; 0: unknown */
};

/* Newest matches of a phrase read to estimate how many pages hold it. */
#define PHRASE_SAMPLE 256

/* How many pages hold one phrase: counted when fewer than PHRASE_SAMPLE,
 * else estimated from how far back the newest PHRASE_SAMPLE reach (pages
 * are numbered in the order they were archived). A few index pages read,
 * where bm25() walks the whole doclist. */
static int phrase_pages(struct lt_catalog *cat, const char *phrase, int64_t last_page,
			double *pages, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = lt_cat_prepare(cat, "SELECT count(*), min(rowid) FROM (SELECT rowid FROM page_text "
				"WHERE page_text MATCH ?1 ORDER BY rowid DESC LIMIT ?2)", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, PHRASE_SAMPLE);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 0), oldest = sqlite3_column_int64(st, 1);

		*pages = n < PHRASE_SAMPLE || last_page <= oldest ? (double)n
			: (double)n * (double)last_page / (double)(last_page - oldest + 1);
	} else {
		rc = lt_cat_db_error(cat, err, "search: estimating a word's frequency");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The ranking expression of the query: lt_rank() (fts.h) with each
 * phrase's estimated number of pages. */
static int rank_expression(struct lt_catalog *cat, const struct lt_fts_match *fm,
			   struct lt_buf *out, struct lt_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t last_page = 0;
	int rc = lt_cat_prepare(cat, "SELECT COALESCE(max(id), 0) FROM pages", &st, err);

	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		last_page = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	rc = lt_buf_puts(out, "lt_rank(page_text", err);
	for (size_t i = 0; !rc && i < fm->phrases.len; i += strlen(fm->phrases.data + i) + 1) {
		double pages = 0;

		rc = phrase_pages(cat, fm->phrases.data + i, last_page, &pages, err);
		if (!rc)
			rc = lt_buf_printf(out, err, ", %.1f", pages);
	}
	if (!rc)
		rc = lt_buf_puts(out, ")", err);
	return rc;
}

/* "name AS MATERIALIZED (...)": the newest `window` pages that match
 * `match` and pass the filters, with their score (rank: lt_rank(...)).
 * Materialized: an FTS5 function only works on the FTS5 query itself,
 * never inside the aggregate a flattened subquery would put it in.
 * Match first: FTS5 walks the matches newest first (between the filtered
 * documents' first and last page when known) and each is checked against
 * the filters until the window is full. Filter first (when few documents
 * pass the filters): each filtered document's pages probed in the index
 * as one rowid range, then sorted. */
static int window_cte(const struct lt_search *q, const char *name, const char *table,
		      const char *match, const char *exact, const char *rank, int window,
		      const struct plan *plan, struct sql *s, struct lt_err *err)
{
	/* Match first, each match's document and page come from the dense
	 * pages_window (016), documents d only when a filter reads it. */
	const char *t = table;
	const char *doc = plan->filter_first ? DOC_D : needs_documents(q) ? DOC_D_CHECKED
		: DOC_P_CHECKED;
	int rc = plan->filter_first
		? lt_buf_printf(&s->text, err, "%s AS MATERIALIZED (SELECT %s.rowid AS id, "
				"p.document_id AS doc, p.number AS page, %s AS score FROM "
				"documents d CROSS JOIN %s ON %s.rowid BETWEEN "
				"(SELECT min(id) FROM pages WHERE document_id = d.id) AND "
				"(SELECT max(id) FROM pages WHERE document_id = d.id) "
				"CROSS JOIN pages p ON p.id = %s.rowid AND p.document_id = d.id "
				"WHERE %s MATCH ", name, t, rank, t, t, t, t)
		: lt_buf_printf(&s->text, err, "%s AS MATERIALIZED (SELECT %s.rowid AS id, "
				"p.document_id AS doc, p.number AS page, %s AS score FROM "
				"%s JOIN pages p INDEXED BY pages_window ON p.id = %s.rowid%s "
				"WHERE %s MATCH ", name, t, rank, t, t,
				needs_documents(q) ? " JOIN documents d ON d.id = p.document_id" : "", t);

	if (!rc)
		rc = sql_param(s, match, NULL, err);
	/* The pages as typed: those of the match among the newest pages that
	 * hold the exact words (`exact` names that CTE, see candidates()).
	 * The walk of the match is bounded by their range, and each page is
	 * looked up among them (the + keeps the IN from becoming one FTS5
	 * query per page: seconds). */
	if (!rc && exact)
		rc = lt_buf_printf(&s->text, err, " AND %s.rowid BETWEEN (SELECT min(id) FROM %s) "
				   "AND (SELECT max(id) FROM %s) AND +%s.rowid IN (SELECT id FROM %s)",
				   t, exact, exact, t, exact);
	if (!rc && plan->last_page) {
		rc = lt_buf_printf(&s->text, err, " AND %s.rowid BETWEEN ", t);
		if (!rc)
			rc = sql_int(s, plan->first_page, err);
		if (!rc)
			rc = sql_puts(s, " AND ", err);
		if (!rc)
			rc = sql_int(s, plan->last_page, err);
	}
	if (!rc)
		rc = filters_with(q, plan->filter_first ? plan->drive : DRIVE_NONE, plan->lists, doc, s,
				  err);
	if (!rc)
		rc = lt_buf_printf(&s->text, err, " ORDER BY %s.rowid DESC LIMIT ", t);
	if (!rc)
		rc = sql_int(s, window, err);
	if (!rc)
		rc = sql_puts(s, ")", err);
	return rc;
}

/* The CTEs of a text listing: f (id, doc, page, score, exact), the ranked
 * candidates: the pages as typed (exact 1), then the others (exact 0). */
static int candidates(const struct lt_search *q, const struct lt_fts_match *fm, const char *rank,
		      const struct plan *plan, struct sql *s, struct lt_err *err)
{
	int64_t wanted = (int64_t)(q->offset > 0 ? q->offset : 0) + (q->limit > 0 ? q->limit : 1);
	int window;
	int rc;

	if (!q->pages)
		wanted *= PAGES_PER_DOCUMENT;
	/* With filters, every match walked is checked against them: a window
	 * of a quarter is a quarter of the walk. */
	int least = has_filter(q) ? RANK_WINDOW / 4 : RANK_WINDOW;

	window = wanted > least ? (wanted > 1000000000 ? 1000000000 : (int)wanted) : least;
	rc = sql_puts(s, "WITH ", err);
	if (!rc)
		rc = window_cte(q, "an", "page_text", lt_buf_str(&fm->any), NULL, rank, window, plan,
				s, err);
	if (!rc && fm->has_exact) {
		/* xw: the newest pages that hold the words typed with diacritics
		 * as typed (page_exact, fts.h), a few times the window: a lazy
		 * walk of position-less doclists, a few ms; ex: the matches
		 * among them, ranked. An exact page older than all of them
		 * ranks among the others. */
		int xwindow = window > 1000000000 / EXACT_WINDOW_FACTOR ? 1000000000
			: window * EXACT_WINDOW_FACTOR;

		rc = sql_puts(s, ", xw AS MATERIALIZED (SELECT rowid AS id FROM page_exact "
			      "WHERE page_exact MATCH ", err);
		if (!rc)
			rc = sql_param(s, lt_buf_str(&fm->exact), NULL, err);
		if (has_filter(q)) {
			/* With filters, every match walked is checked against them:
			 * a walk of page_exact four times the window, checked too,
			 * cost most of a filtered query (two broad filters: tens of
			 * thousands of checks at a million pages). The pages as
			 * typed are looked for among the window's own instead, in
			 * page_exact over the window's range, unchecked. */
			if (!rc)
				rc = sql_puts(s, " AND rowid BETWEEN (SELECT min(id) FROM an) AND "
					      "(SELECT max(id) FROM an)), f AS (SELECT id, doc, page, "
					      "score, id IN (SELECT id FROM xw) AS exact FROM an) ", err);
			return rc;
		}
		if (!rc)
			rc = sql_puts(s, " ORDER BY rowid DESC LIMIT ", err);
		if (!rc)
			rc = sql_int(s, xwindow, err);
		if (!rc)
			rc = sql_puts(s, ")", err);
		if (!rc)
			rc = sql_puts(s, ", ", err);
		if (!rc)
			rc = window_cte(q, "ex", "page_text", lt_buf_str(&fm->any), "xw", rank,
					window, plan, s, err);
		if (!rc)
			rc = sql_puts(s, ", f AS (SELECT id, doc, page, score, 1 AS exact FROM ex "
				      "UNION ALL SELECT id, doc, page, score, 0 FROM an "
				      "WHERE id NOT IN (SELECT id FROM ex)) ", err);
	} else if (!rc) {
		rc = sql_puts(s, ", f AS (SELECT id, doc, page, score, 1 AS exact FROM an) ", err);
	}
	return rc;
}

/* Whether a listing of the filters alone reads the documents of --type
 * straight off metadata_filter (016), in id order, one by one until a
 * screenful passes the other filters: no list built, and a type of any
 * size (a fifth of the archive) drives. Not when a shorter list drives, or
 * a number, a batch or a state reads the documents through its own index. */
static int streams_type(const struct lt_search *q, const struct plan *plan)
{
	return q->type && !q->number && !q->batch && (!q->state || !strcmp(q->state, "archived")) &&
	       (plan->drive == DRIVE_TYPE || plan->drive == DRIVE_NONE);
}

/* Columns of every listing: page id (0 without text), document, page,
 * score, exact, matching pages, and a document hit's matching pages as
 * "number:exact,..." (NULL otherwise). */
static int listing(const struct lt_search *q, const struct lt_fts_match *fm, const char *rank,
		   const struct plan *plan, struct sql *s, struct lt_err *err)
{
	int rc = LT_OK;

	if (fm) {
		rc = candidates(q, fm, rank, plan, s, err);
		if (!rc && q->pages) {
			rc = sql_puts(s, "SELECT id, doc, page, score, exact, 1, NULL FROM f "
				      "ORDER BY exact DESC, score, doc, page", err);
		} else if (!rc) {
			/* One row per document: its best page (SQLite takes the bare
			 * columns from the row of min()). bm25 scores are negative and
			 * far above -1e4 (32 terms of idf < 20); a larger offset would
			 * round the small scores of common words away. */
			rc = sql_puts(s, "SELECT id, doc, page, score, exact, n, pages FROM (SELECT id, "
				      "doc, page, score, exact, count(*) AS n, "
				      "min(score - exact * 1e4) AS k, "
				      "group_concat(page || ':' || exact) AS pages FROM f GROUP BY doc) "
				      "ORDER BY k, doc", err);
		}
	} else {
		int stream = streams_type(q, plan);

		rc = sql_puts(s, q->pages ? "SELECT p.id, d.id, p.number, 0, 0, 1, NULL FROM "
			      : "SELECT 0, d.id, 0, 0, 0, (SELECT count(*) FROM pages c WHERE "
				"c.document_id = d.id), NULL FROM ", err);
		if (!rc && stream) {
			rc = sql_puts(s, "metadata t CROSS JOIN documents d ON d.id = t.document_id", err);
			if (!rc && q->pages)
				rc = sql_puts(s, " JOIN pages p ON p.document_id = d.id", err);
			if (!rc)
				rc = sql_puts(s, " WHERE t.key = 'typeName' AND t.value = ", err);
			if (!rc)
				rc = sql_param(s, q->type, NULL, err);
		} else if (!rc) {
			rc = sql_puts(s, q->pages ? "documents d JOIN pages p ON p.document_id = d.id "
				      "WHERE 1" : "documents d WHERE 1", err);
		}
		if (!rc)
			rc = filters_with(q, stream ? DRIVE_STREAM : plan->drive, plan->lists, DOC_D, s,
					  err);
		/* t.document_id is d.id: the order the index reads them in. */
		if (!rc)
			rc = sql_puts(s, stream ? (q->pages ? " ORDER BY t.document_id, p.number"
						   : " ORDER BY t.document_id")
				      : (q->pages ? " ORDER BY d.id, p.number" : " ORDER BY d.id"), err);
	}
	return rc;
}

static int has_text(const struct lt_search *q)
{
	return q->text && *q->text;
}

/* ---- per hit shown ---- */

static void render_marks(char *s)
{
	char *out = s;

	/* Adjacent marked words read as one match: "[Đà Nẵng]". */
	for (const char *in = s; *in; ) {
		if (in[0] == LT_HIT_MARK_CLOSE && in[1] == ' ' && in[2] == LT_HIT_MARK_OPEN) {
			*out++ = ' ';
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

static int dup_col(sqlite3_stmt *st, int col, char **out, struct lt_err *err)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		*out = NULL;
		return LT_OK;
	}
	return lt_strdup(lt_cat_col_text(st, col), out, err);
}

/* The snippet of one hit, made from its page's text by lt_fts_snippet():
 * no FTS5 query per hit. */
/* The statements made once per search for its hits shown (fill_*): a
 * prepare costs what reading a hit's rows does. */
struct hit_stmts {
	sqlite3_stmt *text, *document, *metadata;
};

static void hit_stmts_release(struct hit_stmts *hs)
{
	sqlite3_finalize(hs->text);
	sqlite3_finalize(hs->document);
	sqlite3_finalize(hs->metadata);
}

/* *st prepared from sql the first time, reset after. */
static int hit_stmt(struct lt_catalog *cat, const char *sql, sqlite3_stmt **st, struct lt_err *err)
{
	if (*st) {
		sqlite3_reset(*st);
		return LT_OK;
	}
	return lt_cat_prepare(cat, sql, st, err);
}

static int fill_snippet(struct lt_catalog *cat, struct hit_stmts *hs, const struct lt_fts_match *fm,
			int64_t page_id, struct lt_hit *h, struct lt_err *err)
{
	struct lt_buf snip = LT_BUF_INIT;
	sqlite3_stmt *st;
	int rc = hit_stmt(cat, "SELECT lt_text_unpack(text) FROM pages WHERE id = ?1", &hs->text, err);

	if (rc)
		return rc;
	st = hs->text;
	sqlite3_bind_int64(st, 1, page_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = lt_fts_snippet(fm, lt_cat_col_text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
				    SNIPPET_WORDS, LT_HIT_MARK_OPEN, LT_HIT_MARK_CLOSE, &snip, err);
	else
		rc = lt_buf_puts(&snip, "", err);
	sqlite3_reset(st);
	if (!rc) {
		h->snippet = lt_buf_detach(&snip);
		render_marks(h->snippet);
	}
	lt_buf_release(&snip);
	return rc;
}

static int by_exact_then_number(const void *a, const void *b)
{
	const int *x = a, *y = b;

	/* Each is number * 2 + !exact. */
	return (x[0] & 1) != (y[0] & 1) ? (x[0] & 1) - (y[0] & 1) : (x[0] > y[0]) - (x[0] < y[0]);
}

/* A document hit's best pages from its ranked window's "number:exact,..."
 * (the listing's last column): the pages as typed first, then in page
 * order. Read off the window the search already made: probing each of the
 * document's pages with MATCH cost a query per page (for a prefix, FTS5's
 * whole merged doclist each time: seconds a screen). */
static void fill_best_pages(const char *list, struct lt_hit *h)
{
	int keys[256];
	size_t n = 0;

	for (const char *p = list; p && *p && n < sizeof(keys) / sizeof(keys[0]); ) {
		char *end;
		long number = strtol(p, &end, 10);
		int exact = *end == ':' && end[1] == '1';

		keys[n++] = (int)number * 2 + !exact;
		p = strchr(end, ',');
		p = p ? p + 1 : NULL;
	}
	qsort(keys, n, sizeof(keys[0]), by_exact_then_number);
	h->n_pages = 0;
	for (size_t i = 0; i < n && h->n_pages < LT_HIT_MAX_PAGES; i++)
		h->pages[h->n_pages++] = keys[i] / 2;
}

static int fill_document(struct lt_catalog *cat, struct hit_stmts *hs, struct lt_hit *h,
			 struct lt_err *err)
{
	sqlite3_stmt *st;
	int rc = hit_stmt(cat, "SELECT label, state FROM documents WHERE id = ?1", &hs->document, err);

	if (rc)
		return rc;
	st = hs->document;
	sqlite3_bind_text(st, 1, h->document, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		rc = dup_col(st, 0, &h->label, err);
		if (!rc)
			rc = dup_col(st, 1, &h->state, err);
	}
	sqlite3_reset(st);
	if (rc)
		return rc;
	rc = hit_stmt(cat, "SELECT key, value FROM metadata WHERE document_id = ?1 AND key IN "
		      "('typeName', 'typeLabel', 'codeNumber', 'codeNotation', 'issuedDate', "
		      "'organName', 'subject')", &hs->metadata, err);
	if (rc)
		return rc;
	st = hs->metadata;
	sqlite3_bind_text(st, 1, h->document, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *key = lt_cat_col_text(st, 0);
		char **field = !strcmp(key, "typeName") ? &h->type
			: !strcmp(key, "typeLabel") ? &h->type_label
			: !strcmp(key, "codeNumber") ? &h->number
			: !strcmp(key, "codeNotation") ? &h->notation
			: !strcmp(key, "issuedDate") ? &h->issued
			: !strcmp(key, "organName") ? &h->organ : &h->subject;

		free(*field);
		rc = dup_col(st, 1, field, err);
	}
	sqlite3_reset(st);
	return rc;
}

/* lt_fts_expand_fn over the catalog's list of indexed words (page_words,
 * schemas/catalog/013-search-compact.sql). */
static int expand_from_catalog(void *ctx, const char *prefix, int max, struct lt_buf *words,
			       struct lt_err *err)
{
	struct lt_catalog *cat = ctx;
	struct lt_buf upper = LT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t start = words->len;
	int rc = lt_buf_printf(&upper, err, "%s\xff", prefix), step, n = 0;

	if (!rc)
		rc = lt_cat_prepare(cat, "SELECT word FROM page_words WHERE word >= ?1 AND word < ?2 "
				    "ORDER BY word LIMIT ?3", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, lt_buf_str(&upper), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, max + 1);
		while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
			n++;
			rc = lt_buf_append(words, sqlite3_column_text(st, 0),
					   (size_t)sqlite3_column_bytes(st, 0) + 1, err);
		}
		if (!rc && step != SQLITE_DONE)
			rc = lt_cat_db_error(cat, err, "search: expanding a prefix");
	}
	/* Too many words: FTS5's own prefix query, slow but complete. */
	if (!rc && n > max) {
		words->len = start;
		words->data[start] = '\0';
	}
	sqlite3_finalize(st);
	lt_buf_release(&upper);
	return rc;
}

static int parse_query(struct lt_catalog *cat, const char *typed, struct lt_fts_match *fm,
		       struct lt_err *err)
{
	return lt_fts_parse_with(typed, expand_from_catalog, cat, fm, err);
}

/* ---- the list of indexed words ---- */

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int all_digits(const char *s)
{
	return strspn(s, "0123456789") == strlen(s);
}

int lt_cat_note_words(struct lt_catalog *cat, const char *text, struct lt_err *err)
{
	struct lt_buf folds = LT_BUF_INIT, folded = LT_BUF_INIT;
	size_t *offsets = NULL, n = 0, cap = 0, pos = 0, start, end, len = strlen(text);
	const char **words = NULL;
	sqlite3_stmt *st = NULL;
	int rc = LT_OK;

	while (!rc && lt_text_next_word(text, len, &pos, &start, &end)) {
		/* As the tokenizer: over-long words are not indexed (fts.c). */
		if (end - start > 256)
			continue;
		rc = lt_fts_word_forms(text + start, end - start, &folded, NULL, err);
		if (rc || folded.len == 0 || all_digits(folded.data))
			continue;
		if (n == cap) {
			size_t want = cap ? cap * 2 : 256;
			size_t *grown = realloc(offsets, want * sizeof(*offsets));

			if (!grown) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory listing a page's words");
				break;
			}
			offsets = grown;
			cap = want;
		}
		offsets[n++] = folds.len;
		rc = lt_buf_append(&folds, folded.data, folded.len + 1, err);
	}
	/* Offsets until the buffer stops moving, pointers after. */
	if (!rc && n) {
		words = malloc(n * sizeof(*words));
		if (!words)
			rc = lt_err_set(err, LT_ENOMEM, "out of memory listing a page's words");
		for (size_t i = 0; !rc && i < n; i++)
			words[i] = folds.data + offsets[i];
		if (!rc)
			qsort(words, n, sizeof(*words), by_string);
	}
	if (!rc && n)
		rc = lt_cat_stmt(cat, LT_ST_WORD_ADD, &st, err);
	for (size_t i = 0; !rc && i < n; i++) {
		if (i && strcmp(words[i], words[i - 1]) == 0)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, words[i], -1, SQLITE_STATIC);
		rc = lt_cat_step_done(cat, st, "cannot list a page's words", err);
	}
	lt_cat_put(st);
	free(words);
	free(offsets);
	lt_buf_release(&folds);
	lt_buf_release(&folded);
	return rc;
}

/* Documents passing the filters up to which a text query runs filter first:
 * each one's pages are a range probed in the index, a few seeks per word.
 * Past it, the matches are walked newest first. */
#define FILTER_FIRST_DOCUMENTS 200
/* Documents passing the filters up to which their pages' range is worked
 * out, to bound the walk of the matches (a batch's pages are one range). */
#define RANGE_DOCUMENTS 5000

static int has_filter(const struct lt_search *q)
{
	return q->type || q->from || q->to || q->organ || q->number || q->batch || q->language ||
	       (q->state && strcmp(q->state, "archived") != 0);
}

/* A filter an index finds the documents of (--organ through the list of
 * distinct organs). --language matches inside values (instr): counting its
 * documents is a scan of every document, so alone it is checked on the
 * matches walked. */
static int has_indexed_filter(const struct lt_search *q)
{
	return q->type || q->from || q->to || q->organ || q->number || q->batch ||
	       (q->state && strcmp(q->state, "archived") != 0);
}

/* Filter first when the filters let few documents through; with --batch,
 * the range of its documents' pages when they are not too many: both
 * counted up to a bound, which costs what listing that many documents
 * costs. Only a batch's documents lie together: the documents of a type,
 * dates or an organ are spread over the archive, their pages' range is
 * nearly all of it and working it out cost more than it saved. */
static int choose_plan(struct lt_catalog *cat, const struct lt_search *q, struct plan *plan,
		       struct lt_err *err)
{
	struct sql s = { LT_BUF_INIT, { 0 }, { 0 }, { 0 }, { 0 }, 0 };
	sqlite3_stmt *st = NULL;
	int rc, forced = q->plan, archived = !q->state || strcmp(q->state, "archived") == 0;
	int64_t counts[3], documents = 0, shortest;

	/* For measuring both plans on one catalog (bench/search). */
	if (forced == LT_PLAN_AUTO && getenv("LUUTRU_SEARCH_PLAN"))
		forced = strcmp(getenv("LUUTRU_SEARCH_PLAN"), "filter") == 0 ? LT_PLAN_FILTER_FIRST
			: strcmp(getenv("LUUTRU_SEARCH_PLAN"), "checked") == 0 ? LT_PLAN_MATCH_CHECKED
			: LT_PLAN_MATCH_FIRST;
	memset(plan, 0, sizeof(*plan));
	plan->filter_first = forced == LT_PLAN_FILTER_FIRST;
	rc = choose_driver(cat, q, &plan->drive, &plan->lists, counts, err);
	if (!rc && has_text(q) && plan->lists)
		rc = archived_documents(cat, &documents, err);
	if (!rc && has_text(q))
		plan->lists = forced == LT_PLAN_MATCH_CHECKED ? 0
			: window_lists(q, plan->lists, counts, documents, RANK_WINDOW / 4);
	if (rc || forced != LT_PLAN_AUTO || !has_text(q) || !has_indexed_filter(q))
		return rc;
	shortest = counts[0] < counts[1] ? counts[0] : counts[1];
	shortest = shortest < counts[2] ? shortest : counts[2];
	/* No short list to read the documents from (--type and the dates each
	 * let many through): counting them would check every document. */
	if (plan->drive == DRIVE_NONE && !q->number && !q->batch &&
	    (archived || strcmp(q->state, "review") == 0))
		return LT_OK;
	/* Even the shortest list is too long to read first, and no batch to
	 * bound the walk: the matches are walked, each looked up in the lists. */
	if (shortest > FILTER_FIRST_DOCUMENTS && !q->number && !q->batch && archived)
		return LT_OK;
	rc = sql_puts(&s, "SELECT count(*), min(lo), max(hi) FROM (SELECT "
		      "(SELECT min(id) FROM pages WHERE document_id = d.id) AS lo, "
		      "(SELECT max(id) FROM pages WHERE document_id = d.id) AS hi "
		      "FROM documents d WHERE 1", err);
	if (!rc)
		rc = filters_with(q, plan->drive, plan->lists, DOC_D, &s, err);
	if (!rc)
		rc = sql_puts(&s, " LIMIT ", err);
	if (!rc)
		rc = sql_int(&s, q->batch ? RANGE_DOCUMENTS + 1 : FILTER_FIRST_DOCUMENTS + 1, err);
	if (!rc)
		rc = sql_puts(&s, ")", err);
	if (!rc)
		rc = lt_cat_prepare(cat, lt_buf_str(&s.text), &st, err);
	if (!rc) {
		sql_bind(&s, st);
		if (sqlite3_step(st) == SQLITE_ROW) {
			int n = sqlite3_column_int(st, 0);

			plan->filter_first = n <= FILTER_FIRST_DOCUMENTS;
			if (q->batch && n > 0 && n <= RANGE_DOCUMENTS && !plan->filter_first) {
				plan->first_page = sqlite3_column_int64(st, 1);
				plan->last_page = sqlite3_column_int64(st, 2);
			}
		} else {
			rc = lt_cat_db_error(cat, err, "search: counting the filtered documents");
		}
	}
	sqlite3_finalize(st);
	sql_release(&s);
	return rc;
}

/* ---- the API ---- */

int lt_catalog_find_hits(struct lt_catalog *cat, const struct lt_search *q, struct lt_hit **out,
			 size_t *n_out, struct lt_err *err)
{
	struct lt_fts_match fm = LT_FTS_MATCH_INIT;
	struct sql s = { LT_BUF_INIT, { 0 }, { 0 }, { 0 }, { 0 }, 0 };
	struct lt_buf rank = LT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct lt_hit *hits = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = LT_OK, step;
	int limit = q->limit < 1 ? 1 : q->limit, offset = q->offset < 0 ? 0 : q->offset;
	int trace = getenv("LUUTRU_SEARCH_TRACE") != NULL;
	struct plan plan = { 0, 0, 0, 0, 0 };
	struct hit_stmts hs = { NULL, NULL, NULL };
	double t0 = lt_monotonic_seconds(), t1 = 0;

	*out = NULL;
	*n_out = 0;
	if (has_text(q))
		rc = parse_query(cat, q->text, &fm, err);
	if (!rc && has_text(q))
		rc = rank_expression(cat, &fm, &rank, err);
	if (!rc)
		rc = choose_plan(cat, q, &plan, err);
	if (!rc)
		rc = listing(q, has_text(q) ? &fm : NULL, lt_buf_str(&rank), &plan, &s, err);
	if (!rc)
		rc = sql_puts(&s, " LIMIT ", err);
	if (!rc)
		rc = sql_int(&s, limit, err);
	if (!rc)
		rc = sql_puts(&s, " OFFSET ", err);
	if (!rc)
		rc = sql_int(&s, offset, err);
	if (!rc)
		rc = lt_cat_prepare(cat, lt_buf_str(&s.text), &st, err);
	if (!rc)
		sql_bind(&s, st);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct lt_hit *h;

		if (n == cap) {
			size_t want = cap ? cap * 2 : 16;
			struct lt_hit *grown = realloc(hits, want * sizeof(*hits));
			int64_t *grown_ids = grown ? realloc(ids, want * sizeof(*ids)) : NULL;

			if (grown)
				hits = grown;
			if (grown_ids)
				ids = grown_ids;
			if (!grown || !grown_ids) {
				rc = lt_err_set(err, LT_ENOMEM, "out of memory collecting search hits");
				break;
			}
			cap = want;
		}
		h = &hits[n];
		memset(h, 0, sizeof(*h));
		ids[n++] = sqlite3_column_int64(st, 0);
		snprintf(h->document, sizeof(h->document), "%s", lt_cat_col_text(st, 1));
		h->page = sqlite3_column_int(st, 2);
		h->score = -sqlite3_column_double(st, 3);
		h->exact = sqlite3_column_int(st, 4);
		h->matching_pages = sqlite3_column_int(st, 5);
		if (q->pages && h->page) {
			h->pages[0] = h->page;
			h->n_pages = 1;
		} else if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			fill_best_pages(lt_cat_col_text(st, 6), h);
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = lt_cat_db_error(cat, err, N_("search failed"));
	sqlite3_finalize(st);
	if (trace) {
		t1 = lt_monotonic_seconds();
		fprintf(stderr, "search trace: %s\nsearch trace: match %s | exact %s\n"
			"search trace: ranked listing %.1f ms, %zu hits, %s first\n", lt_buf_str(&s.text),
			lt_buf_str(&fm.any), lt_buf_str(&fm.exact), (t1 - t0) * 1e3, n,
			plan.filter_first ? "filter" : "match");
	}
	sql_release(&s);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = fill_document(cat, &hs, &hits[i], err);
		if (!rc && has_text(q))
			rc = fill_snippet(cat, &hs, &fm, ids[i], &hits[i], err);
		if (!rc && !hits[i].label)
			rc = lt_strdup("", &hits[i].label, err);
	}
	hit_stmts_release(&hs);
	free(ids);
	lt_fts_match_release(&fm);
	lt_buf_release(&rank);
	if (trace)
		fprintf(stderr, "search trace: metadata and snippets %.1f ms\n",
			(lt_monotonic_seconds() - t1) * 1e3);
	if (rc) {
		lt_hits_free(hits, n);
		return rc;
	}
	*out = hits;
	*n_out = n;
	return LT_OK;
}

int lt_catalog_count_hits(struct lt_catalog *cat, const struct lt_search *q, int64_t bound,
			  int64_t *count, struct lt_err *err)
{
	struct lt_fts_match fm = LT_FTS_MATCH_INIT;
	struct sql s = { LT_BUF_INIT, { 0 }, { 0 }, { 0 }, { 0 }, 0 };
	sqlite3_stmt *st = NULL;
	int rc = LT_OK, drive = DRIVE_NONE, lists = 0;

	*count = 0;
	rc = sql_puts(&s, "SELECT count(*) FROM (SELECT ", err);
	if (!rc && has_text(q)) {
		rc = parse_query(cat, q->text, &fm, err);
		if (!rc)
			rc = sql_puts(&s, q->pages ? "1" : "DISTINCT p.document_id", err);
		if (!rc)
			rc = lt_buf_printf(&s.text, err, " FROM page_text JOIN pages p INDEXED BY "
					   "pages_window ON p.id = page_text.rowid%s WHERE page_text "
					   "MATCH ", needs_documents(q)
					   ? " JOIN documents d ON d.id = p.document_id" : "");
		if (!rc)
			rc = sql_param(&s, lt_buf_str(&fm.any), NULL, err);
	} else if (!rc) {
		rc = sql_puts(&s, q->pages ? "1 FROM documents d JOIN pages p ON "
			      "p.document_id = d.id WHERE 1" : "1 FROM documents d WHERE 1", err);
	}
	if (!rc && !has_text(q))
		rc = choose_driver(cat, q, &drive, &lists, NULL, err);
	if (!rc)
		rc = filters_with(q, drive, lists, !has_text(q) ? DOC_D : needs_documents(q) ? DOC_D_CHECKED
				  : DOC_P_CHECKED, &s, err);
	if (!rc && bound > 0) {
		rc = sql_puts(&s, " LIMIT ", err);
		if (!rc)
			rc = sql_int(&s, bound + 1, err);
	}
	if (!rc)
		rc = sql_puts(&s, ")", err);
	if (!rc)
		rc = lt_cat_prepare(cat, lt_buf_str(&s.text), &st, err);
	if (!rc) {
		sql_bind(&s, st);
		if (sqlite3_step(st) == SQLITE_ROW)
			*count = sqlite3_column_int64(st, 0);
		else
			rc = lt_cat_db_error(cat, err, N_("search: counting failed"));
	}
	sqlite3_finalize(st);
	sql_release(&s);
	lt_fts_match_release(&fm);
	return rc;
}

int lt_catalog_search(struct lt_catalog *cat, const char *query, int limit,
		      struct lt_hit **out, size_t *n_out, struct lt_err *err)
{
	return lt_catalog_search_with(cat, query, limit, 0, out, n_out, err);
}

int lt_catalog_search_with(struct lt_catalog *cat, const char *query, int limit, int include_secret,
			   struct lt_hit **out, size_t *n_out, struct lt_err *err)
{
	struct lt_search q = { 0 };
	int rc;

	q.text = query;
	q.pages = 1;
	q.limit = limit;
	q.include_secret = include_secret;
	rc = lt_catalog_find_hits(cat, &q, out, n_out, err);
	for (size_t i = 0; !rc && i < *n_out; i++)
		for (char *c = (*out)[i].snippet; c && *c; c++)
			if (*c == LT_HIT_MARK_OPEN || *c == LT_HIT_MARK_CLOSE)
				*c = *c == LT_HIT_MARK_OPEN ? '[' : ']';
	return rc;
}
