/* stage_extract.c - offers what the header says (extract.h; page 1's, or
 * the first page's with text) to the document's metadata, below everything
 * the archivist gave: an extracted value fills an empty field and stays
 * unconfirmed; one that disagrees with a given value is reported as a
 * warning, never written over it. Also the technical fields numberOfPage
 * and language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/buf.h"
#include "luutru/extract.h"
#include "luutru/meta.h"
#include "luutru/stage.h"
#include "luutru/text.h"

/* The header is read off the first page with text: a blank sheet or an
 * empty cover scanned before the first page (flagged blank by the OCR
 * stage) does not hide it. Only the first few pages are looked at, and a
 * page of a few words (specks read as letters) does not count. */
#define HEADER_MAX_PAGE 3
#define HEADER_MIN_WORDS 10

/* A page's words tell its languages from this many on; the second language
 * of a page counts from this share of them. Measured (text.h's counts) on
 * the dev corpus: Vietnamese pages 0.0-0.2% words that cannot be Vietnamese
 * and 89-92% marked; English pages 77-78% and 0%; a page of Vietnamese and
 * English paragraphs 9-37% and 48-80%. */
#define LANGUAGE_MIN_WORDS 20
#define SECOND_LANGUAGE_SHARE 0.05

/* Per worker: the description of the document in hand, for its event, and
 * where its header was read ("page 2"). */
struct extract_state {
	struct lt_buf found;
	char origin[32];
};

static int extract_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	struct extract_state *s = calloc(1, sizeof(*s));

	(void)ctx;
	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory opening the extraction stage");
	*state = s;
	return LT_OK;
}

static const char *source_phrase(enum lt_meta_source src)
{
	switch (src) {
	case LT_META_SIDECAR:
		return "the document's metadata.json";
	case LT_META_MANIFEST:
		return "the manifest";
	case LT_META_DEFAULT:
		return "the default";
	case LT_META_CORRECTED:
		return "a correction";
	default:
		return lt_meta_source_name(src);
	}
}

/* key="value" [rule confidence]; a '"' or '\' inside the value is escaped
 * with '\', so the list can be read back (bench/metadata does). */
static int describe_field(struct lt_buf *note, const char *key, const char *value, const char *rule,
			  double confidence, struct lt_err *err)
{
	int rc = lt_buf_printf(note, err, "%s%s=\"", note->len ? ", " : "", key);

	for (const char *p = value; !rc && *p; p++) {
		if (*p == '"' || *p == '\\')
			rc = lt_buf_puts(note, "\\", err);
		if (!rc)
			rc = lt_buf_append(note, p, 1, err);
	}
	if (!rc)
		rc = lt_buf_printf(note, err, "\" [%s %.2f]", rule, confidence);
	return rc;
}

/* Offers one value; a disagreement with a given value becomes a warning. */
static int offer(struct lt_job *job, struct extract_state *s, const char *key, const char *value,
		 enum lt_meta_source source, const char *rule, double confidence, struct lt_err *err)
{
	struct lt_meta *meta = &job->doc->meta;
	int taken = 0, conflict = 0, rc;

	rc = lt_meta_offer(meta, key, value, source, s->origin, rule, confidence, &taken, &conflict, err);
	if (!rc)
		rc = describe_field(&s->found, key, value, rule, confidence, err);
	if (!rc && conflict) {
		const struct lt_meta_field *given = lt_meta_get(meta, key);

		rc = lt_job_warn(job, err, "%s reads %s %s but %s says %s", s->origin, key, value,
				 source_phrase(given->source), given->value);
	}
	return rc;
}

/* TT05 language code from the languages each page was read with and what
 * its words say. A page read with "vie" alone is Vietnamese, and English too
 * when enough of its words cannot be Vietnamese (a bilingual page: vie
 * reads English well, so it is kept); with the run's list starting with vie
 * and read again with more, it is not Vietnamese (stage_ocr.c re-reads pages
 * with few Vietnamese letters) unless enough of its words carry Vietnamese
 * marks; a list that does not start with vie tells nothing page by page, so
 * its own languages count. NULL when nothing is known. */
static const char *language_code(const struct lt_doc *doc)
{
	int vie = 0, eng = 0, other = 0;
	const char *run = doc->lang ? doc->lang : "";
	int vie_first = strncmp(run, "vie", 3) == 0;

	for (size_t i = 0; i < doc->n_pages; i++) {
		const char *l = doc->pages[i].lang, *text = doc->pages[i].text;
		struct lt_text_languages words;
		int tells;

		if (!l || !*l || !text || !*text)
			continue;
		lt_text_count_languages(text, strlen(text), &words);
		tells = words.words >= LANGUAGE_MIN_WORDS;
		if (strcmp(l, "vie") == 0) {
			vie = 1;
			eng |= tells && words.not_vietnamese >= SECOND_LANGUAGE_SHARE * words.words;
		} else if (vie_first) {
			if (strstr(l, "eng"))
				eng = 1;
			else
				other = 1;
			vie |= tells && words.marked >= SECOND_LANGUAGE_SHARE * words.words;
		} else {
			vie |= strstr(l, "vie") != NULL;
			eng |= strstr(l, "eng") != NULL;
			other |= !strstr(l, "vie") && !strstr(l, "eng");
		}
	}
	if (other)
		return vie || eng ? NULL : "11";
	if (vie && eng)
		return "06";
	return vie ? "01" : eng ? "02" : NULL;
}

/* The first of the first HEADER_MAX_PAGE pages with HEADER_MIN_WORDS words;
 * page 1 when none has. */
static size_t header_page(const struct lt_doc *doc)
{
	for (size_t i = 0; i < doc->n_pages && i < HEADER_MAX_PAGE; i++) {
		const char *text = doc->pages[i].text;
		size_t pos = 0, start, end, len = text ? strlen(text) : 0;
		int words = 0;

		while (words < HEADER_MIN_WORDS && lt_text_next_word(text, len, &pos, &start, &end))
			words++;
		if (words >= HEADER_MIN_WORDS)
			return i;
	}
	return 0;
}

static int extract_process(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct extract_state *s = state;
	struct lt_doc *doc = job->doc;
	struct lt_extract x = LT_EXTRACT_INIT;
	char pages[24];
	const char *lang;
	size_t header;
	int rc = LT_OK;

	(void)page;
	lt_buf_reset(&s->found);
	header = header_page(doc);
	snprintf(s->origin, sizeof(s->origin), "page %zu", header + 1);
	if (header < doc->n_pages && doc->pages[header].text && doc->pages[header].text[0]) {
		rc = lt_extract_header(doc->pages[header].text, &x, err);
		if (rc == LT_EINPUT) {
			/* Text luutru stored is valid UTF-8; if not, the document
			 * goes on without extracted metadata. */
			char why[sizeof(err->msg)];

			snprintf(why, sizeof(why), "%s", err->msg);
			lt_err_clear(err);
			rc = lt_job_warn(job, err, "%s: no metadata extracted: %s", s->origin, why);
		}
	}
	for (size_t i = 0; !rc && i < x.n; i++)
		rc = offer(job, s, x.fields[i].key, x.fields[i].value, LT_META_EXTRACTED, x.fields[i].rule,
			   x.fields[i].confidence, err);
	if (!rc && x.notes)
		rc = lt_job_warn(job, err, "%s: %s", s->origin, x.notes);
	snprintf(pages, sizeof(pages), "%zu", doc->n_pages);
	if (!rc)
		rc = offer(job, s, "numberOfPage", pages, LT_META_TECHNICAL, "page-count", 1.0, err);
	lang = language_code(doc);
	if (!rc && lang)
		rc = offer(job, s, "language", lang, LT_META_TECHNICAL, "ocr-languages", 0.7, err);
	lt_extract_release(&x);
	return rc;
}

static void extract_describe(void *state, const struct lt_job *job, struct lt_buf *note)
{
	struct extract_state *s = state;

	(void)job;
	if (s->found.len)
		lt_buf_puts(note, lt_buf_str(&s->found), NULL);
	else
		lt_buf_printf(note, NULL, "nothing read off %s", s->origin[0] ? s->origin : "page 1");
}

static void extract_close(void *state)
{
	struct extract_state *s = state;

	if (!s)
		return;
	lt_buf_release(&s->found);
	free(s);
}

const struct lt_stage lt_stage_extract = {
	.name = "extract",
	.scope = LT_PER_DOCUMENT,
	.event = "metadata-extracted",
	.open = extract_open,
	.process = extract_process,
	.describe = extract_describe,
	.close = extract_close,
};
