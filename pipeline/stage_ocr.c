/* stage_ocr.c - one page read: a working copy prepared, Tesseract
 * recognises it through its C API, the results written and judged.
 *
 * One TessBaseAPI per worker, initialised once (loading vie+eng costs far
 * more than a page) and cleared between pages; a second handle with the
 * "osd" model is made on the first page the cheap orientation detector is
 * unsure of. Per page:
 *   1. preprocess.h makes the working copy (upright, straight, borders and
 *      uneven light gone, small scans enlarged); the master is untouched;
 *   2. recognition in automatic layout under a deadline (recognize.h),
 *      Vietnamese first (VIETNAMESE_WORD_SHARE), or every language first on
 *      a page that shows few of Vietnamese's marks (LATIN_MARK_RATE);
 *   3. one walk over Tesseract's result builds the page result (doc.h), in
 *      reading order (two-column headers left column first), boxes mapped
 *      back onto the master; the text (NFC), hOCR (hocr.h), ALTO 4.4
 *      (alto.h) and the PDF's words are all made from it - hOCR and ALTO
 *      spooled to the document's work folder and streamed into the bag;
 *   4. a quality score from it, and a review flag with its reason (quality.h), also
 *      when Tesseract's own skew after recognition disagrees with ours.
 * Nothing here fails a document for a bad page: a page that cannot be
 * preprocessed is read as scanned, one whose recognition fails or times out
 * is archived with empty text; both are flagged for review and warned about.
 */
#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include <time.h>
#include <unistd.h>

#include "luutru/alto.h"
#include "luutru/fsutil.h"
#include "luutru/hocr.h"
#include "luutru/layout.h"
#include "luutru/preprocess.h"
#include "luutru/quality.h"
#include "luutru/recognize.h"
#include "luutru/stage.h"
#include "luutru/text.h"
#include "luutru/transform.h"
#include "luutru/i18n.h"

/* Tesseract's skew after our deskew, beyond which the two disagree enough
 * for a person to look (our angle may have been wrong, or the page has
 * blocks at different angles). Degrees. */
#define SKEW_DISAGREEMENT_DEG 1.5

/* Vietnamese first. With "vie+eng", Tesseract weighs both models on every
 * word and often takes the English reading of a Vietnamese word without its
 * accents (bold capitals and names: "ĐẢNG" as "DANG", "Đặng Ngọc Ánh" as
 * "Dang Ngoc Anh"); Vietnamese alone reads those right, and a quarter
 * faster. So when the languages start with vie and name others, a page is
 * read with vie alone first, and again with all of them only if it does not
 * look Vietnamese: fewer than this share of its words carry a Vietnamese
 * letter (ă â đ ê ô ơ ư or a tone mark) - measured on the dev corpus,
 * Vietnamese pages are above 0.5, English ones read by vie below 0.05. */
#define VIETNAMESE_WORD_SHARE 0.20
/* A page with fewer words than this keeps its first reading: too little
 * text to tell the language, and little to gain. */
#define LANGUAGE_MIN_WORDS 8
/* A page whose letters carry fewer marks than this each (marks.h) is read
 * with every language first, and with Vietnamese alone only if that reading
 * looks Vietnamese: an English page is then read once, not twice (its
 * Vietnamese reading was thrown away). Measured: Vietnamese pages of text
 * 0.24-0.35, English ones 0.05-0.09. The guess decides only the order of
 * the readings, not which is kept, and a wrong guess costs a reading: an
 * English page guessed Vietnamese costs what every English page cost before,
 * a Vietnamese page guessed English one reading more than before. Figures
 * dilute the marks (a table whose labels are half its characters measured
 * 0.11-0.12, one with a fifth 0.076), so the line sits low, just above the
 * English pages (tables of figures alone are mostly left to OSD for their
 * orientation, and then not measured). Not below this many letters: too
 * few to tell. */
#define LATIN_MARK_RATE 0.10
#define LATIN_MIN_LETTERS 200

struct ocr_state {
	TessBaseAPI *api;      /* all the languages of the run */
	TessBaseAPI *first;    /* vie alone, when the run's languages are vie+others; else NULL */
	const char *lang;
	const char *tessdata;
	double page_timeout;
	struct lt_preprocess_opts pp;
	TessBaseAPI *osd;      /* "osd" handle, made on the first page that needs it */
	int osd_unavailable;   /* its data is missing or broken: do not try again */
};

static void ocr_close(void *state);

/* Tesseract's Init succeeds when the first language of "vie+eng" loads and
 * quietly drops the others; a run must not record languages it did not use.
 * Returns a pointer into langs at the first missing one, or NULL. */
static const char *first_missing_language(TessBaseAPI *api, const char *langs)
{
	char **loaded = TessBaseAPIGetLoadedLanguagesAsVector(api);
	const char *p = langs, *missing = NULL;

	while (!missing && *p) {
		size_t n = strcspn(p, "+");
		int found = 0;

		for (char **l = loaded; l && *l && !found; l++)
			found = strlen(*l) == n && strncmp(*l, p, n) == 0;
		if (!found && n > 0)
			missing = p;
		p += n;
		if (*p == '+')
			p++;
	}
	TessDeleteTextArray(loaded);
	return missing;
}

static int ocr_open(struct lt_ctx *ctx, void **state, struct lt_err *err)
{
	struct ocr_state *s = calloc(1, sizeof(*s));

	*state = NULL;
	if (!s)
		return lt_err_set(err, LT_ENOMEM, "out of memory starting Tesseract");
	if (ctx->opts->tessdata && access(ctx->opts->tessdata, R_OK | X_OK) != 0) {
		free(s);
		return lt_err_set(err, LT_EINTERNAL, "cannot use the Tesseract data folder '%s': %s",
				  ctx->opts->tessdata, strerror(errno));
	}
	s->lang = ctx->opts->lang;
	s->tessdata = ctx->opts->tessdata;
	s->page_timeout = ctx->opts->page_timeout;
	if (ctx->opts->preprocess)
		s->pp = *ctx->opts->preprocess;
	else
		lt_preprocess_opts_default(&s->pp);
	s->api = TessBaseAPICreate();
	if (!s->api) {
		free(s);
		return lt_err_set(err, LT_ENOMEM, "cannot create a Tesseract handle");
	}
	/* Tesseract's own diagnostics would interleave between workers on
	 * stderr; failures are reported through err instead. Set at Init so
	 * that Init's own messages are silenced too. */
	char *vars[] = { "debug_file" }, *values[] = { "/dev/null" };
	const char *missing = NULL;

	if (TessBaseAPIInit4(s->api, ctx->opts->tessdata, s->lang, OEM_DEFAULT, NULL, 0, vars, values,
			     1, 0) != 0)
		missing = s->lang;
	else
		missing = first_missing_language(s->api, s->lang);
	if (missing) {
		char lang[32], package[32];
		int rc;

		/* Debian names the package after the code, '_' as '-' (chi_sim). */
		snprintf(lang, sizeof(lang), "%.*s", (int)strcspn(missing, "+"), missing);
		snprintf(package, sizeof(package), "%s", lang);
		for (char *c = package; *c; c++)
			if (*c == '_')
				*c = '-';
		rc = lt_err_set(err, LT_EINTERNAL, "Tesseract cannot load the language data '%s'%s%s: "
				"is it installed (Debian: tesseract-ocr-%s)?", lang,
				ctx->opts->tessdata ? lt_i18n_err_format(N_(" from ")) : "",
				ctx->opts->tessdata ? ctx->opts->tessdata : "", package);
		ocr_close(s);
		return rc;
	}
	if (strncmp(s->lang, "vie+", 4) == 0) {
		s->first = TessBaseAPICreate();
		if (!s->first || TessBaseAPIInit4(s->first, ctx->opts->tessdata, "vie", OEM_DEFAULT, NULL,
						  0, vars, values, 1, 0) != 0) {
			ocr_close(s);
			return lt_err_set(err, LT_EINTERNAL, "Tesseract cannot load the language data "
					  "'vie' on its own");
		}
		TessBaseAPISetPageSegMode(s->first, ctx->opts->psm > 0 ? (TessPageSegMode)ctx->opts->psm
					  : PSM_AUTO);
	}
	/* The C API starts in single-block mode, which reads straight across
	 * columns; the CLI's automatic layout reads them one after the other. */
	TessBaseAPISetPageSegMode(s->api, ctx->opts->psm > 0 ? (TessPageSegMode)ctx->opts->psm
				  : PSM_AUTO);
	*state = s;
	return LT_OK;
}

/* Writes one of the page's files into the work folder (replacing a file of
 * an earlier attempt at the same page, which cannot be complete). */
static int spool(const struct lt_job *job, const struct lt_page *page,
		 enum lt_layout_page_file kind, const struct lt_buf *data, struct lt_err *err)
{
	char *path = NULL;
	int fd, rc;

	rc = lt_layout_work_page(job->work_dir, page->number, kind, &path, err);
	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = lt_write_all(fd, data->data, data->len, path, err);
	if (close(fd) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", path, strerror(errno));
out:
	free(path);
	return rc;
}

/* Is c a letter only Vietnamese uses among the Latin ones: a precomposed
 * vowel with a Vietnamese mark, đ, or a combining tone mark? */
static int vietnamese_letter(uint32_t c)
{
	return (c >= 0x00C0 && c <= 0x00FD && c != 0x00D7 && c != 0x00F7) ||
		c == 0x0102 || c == 0x0103 || c == 0x0110 || c == 0x0111 || c == 0x0128 ||
		c == 0x0129 || c == 0x0168 || c == 0x0169 || c == 0x01A0 || c == 0x01A1 ||
		c == 0x01AF || c == 0x01B0 || (c >= 0x1EA0 && c <= 0x1EF9) ||
		(c >= 0x0300 && c <= 0x0323);
}

/* Next code point of UTF-8 s at *i (invalid bytes read as themselves). */
static uint32_t next_code_point(const unsigned char *s, size_t *i)
{
	uint32_t c = s[(*i)++];
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

	if (more)
		c &= 0x3F >> more;
	for (; more > 0 && (s[*i] & 0xC0) == 0x80; more--)
		c = (c << 6) | (s[(*i)++] & 0x3F);
	return c;
}

/* Does this first reading (vie alone) look like Vietnamese? 1 also when
 * there is too little text to tell. */
static int looks_vietnamese(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	int words = 0, marked = 0, in_word = 0, word_marked = 0, word_letters = 0;

	for (;;) {
		uint32_t c = s[i] ? next_code_point(s, &i) : 0;
		int space = c == 0 || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';

		if (!space) {
			in_word = 1;
			word_letters += (c < 0x80 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) ||
				vietnamese_letter(c);
			word_marked |= vietnamese_letter(c);
		} else if (in_word) {
			words += word_letters > 0;
			marked += word_marked;
			in_word = word_marked = word_letters = 0;
		}
		if (c == 0)
			break;
	}
	return words < LANGUAGE_MIN_WORDS || marked >= VIETNAMESE_WORD_SHARE * words;
}

/* CPU seconds of the calling thread: what a page costs its worker,
 * whatever the other workers do meanwhile. */
static double thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The thread's CPU seconds since *mark; moves the mark. */
static double lap(double *mark)
{
	double now = thread_cpu(), d = now - *mark;

	*mark = now;
	return d;
}

/* Sets up api for the page and recognises it under the deadline, adding
 * the recognition's CPU time to *seconds; on failure the partial results
 * are cleared. Returns 1 if recognised. */
static int recognise_with(TessBaseAPI *api, const char *input_name, PIX *work, int dpi,
			  double timeout, double *seconds, struct lt_err *err)
{
	double t0;
	int ok;

	TessBaseAPISetInputName(api, input_name);
	TessBaseAPISetImage2(api, work);
	TessBaseAPISetSourceResolution(api, dpi > 0 ? dpi : 300);
	t0 = thread_cpu();
	ok = lt_recognize(api, timeout, err) == LT_OK;
	*seconds += thread_cpu() - t0;
	if (!ok)
		TessBaseAPIClear(api);
	return ok;
}

/* One reading of a page: which API read it and what came of it. */
struct reading {
	TessBaseAPI *api;          /* s->first or s->api; NULL when not read */
	const char *lang;          /* its languages */
	int recognised;
	struct lt_buf ordered;     /* the text in reading order */
	struct lt_ocr_page result; /* the page result, boxes on the master */
};

/* Reads the working copy with api and walks the result into r (empty).
 * Whether Tesseract read the page or not (a timeout, its failure: *rerr
 * says) is r->recognised; the return is an error of the walk. */
static int take_reading(struct ocr_state *s, struct reading *r, TessBaseAPI *api, const char *lang,
			const char *input_name, PIX *work, int dpi, const struct lt_page_transform *tf,
			struct lt_page *page, struct lt_err *rerr, struct lt_err *err)
{
	double recognise = 0, mark;
	int rc = LT_OK;

	r->api = api;
	r->lang = lang;
	r->recognised = recognise_with(api, input_name, work, dpi, s->page_timeout, &recognise, rerr);
	page->recognise_seconds += recognise;
	page->readings++;
	mark = thread_cpu();
	if (r->recognised)
		rc = lt_reading_order_page(api, tf, &r->ordered, &r->result, err);
	page->walk_seconds += thread_cpu() - mark;
	return rc;
}

/* Frees what a reading holds and clears its API's result. */
static void drop_reading(struct reading *r)
{
	lt_buf_release(&r->ordered);
	lt_ocr_page_release(&r->result);
	if (r->api)
		TessBaseAPIClear(r->api);
	memset(r, 0, sizeof(*r));
}

/* Does the page show too few of Vietnamese's marks to be Vietnamese
 * (marks.h)? Only a page with enough letters to tell. */
static int few_marks(const struct lt_marks *m)
{
	return m->letters >= LATIN_MIN_LETTERS && lt_marks_rate(m) < LATIN_MARK_RATE;
}

/* Orientation by Tesseract's OSD where the cheap detector was unsure. A
 * missing osd model leaves the page as it is (a note says so). */
static void second_opinion(struct ocr_state *s, PIX **work, struct lt_preprocess_result *pre)
{
	char *vars[] = { "debug_file" }, *values[] = { "/dev/null" };

	if (!s->pp.orient || !pre->orientation_unsure || s->osd_unavailable)
		return;
	if (!s->osd) {
		s->osd = TessBaseAPICreate();
		if (!s->osd || TessBaseAPIInit4(s->osd, s->tessdata, "osd", OEM_DEFAULT, NULL, 0, vars,
						values, 1, 0) != 0) {
			s->osd_unavailable = 1;
			return;
		}
	}
	lt_preprocess_osd(s->osd, &s->pp, work, pre, NULL);
}

/* Tesseract's own view of the skew after recognition, in degrees, if it has
 * one: a large angle means our deskew was wrong or the page is mixed. */
static int tesseract_skew(TessBaseAPI *api, double *deg)
{
	TessResultIterator *ri = TessBaseAPIGetIterator(api);
	TessOrientation orientation;
	TessWritingDirection direction;
	TessTextlineOrder order;
	float angle = 0;

	if (!ri)
		return 0;
	TessPageIteratorOrientation(TessResultIteratorGetPageIterator(ri), &orientation, &direction,
				    &order, &angle);
	TessResultIteratorDelete(ri);
	*deg = angle * 180.0 / 3.14159265358979323846;
	return 1;
}

/* What a person reads in `show`: the steps (preprocess.h says how an
 * orientation decided by OSD is marked), the resolution, an orientation
 * that could not be decided. */
static int describe_preprocessing(const struct lt_preprocess_result *pre, const char *failed,
				  char **out, struct lt_err *err)
{
	char steps[256];

	if (failed)
		return lt_strdup(failed, out, err);
	lt_preprocess_describe(pre, steps, sizeof(steps));
	if (!*steps || strcmp(steps, "none") == 0)
		snprintf(steps, sizeof(steps), "as scanned");
	if (pre->orientation_unsure && !pre->orientation_by_osd)
		snprintf(steps + strlen(steps), sizeof(steps) - strlen(steps),
			 "; orientation unsure, left as scanned");
	snprintf(steps + strlen(steps), sizeof(steps) - strlen(steps), "; %d dpi", pre->dpi);
	return lt_strdup(steps, out, err);
}

/* The review reasons of a page, joined: quality flags, a recognition that
 * stopped, a skew disagreement, preprocessing that could not be done. */
static int add_reason(char **review, const char *why, struct lt_err *err)
{
	char *joined = NULL;

	if (!*review)
		return lt_strdup(why, review, err);
	if (asprintf(&joined, "%s; %s", *review, why) < 0)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	free(*review);
	*review = joined;
	return LT_OK;
}

static int ocr_page(void *state, struct lt_job *job, struct lt_page *page, struct lt_err *err)
{
	struct ocr_state *s = state;
	const struct lt_doc *doc = job->doc;
	const struct lt_source *src = &doc->sources[page->source];
	struct lt_buf text = LT_BUF_INIT, hocr = LT_BUF_INIT, alto = LT_BUF_INIT;
	struct lt_preprocess_result pre;
	struct lt_page_transform tf;
	struct reading chosen = { 0 };
	struct lt_quality q;
	struct lt_err perr = { 0 }, rerr = { 0 };
	char *preprocessing = NULL, *review = NULL, input_name[32], engine[64];
	char pp_failed[sizeof(perr.msg) + 64];
	TessBaseAPI *api;
	const char *lang;
	PIX *work = NULL;
	int rc = LT_OK, recognised = 0, one_tone;
	double skew, mark;

	if (!page->pix)
		return lt_err_set(err, LT_EINTERNAL, "page %d reached OCR without an image", page->number);
	memset(&pre, 0, sizeof(pre));
	pp_failed[0] = '\0';
	mark = thread_cpu();
	/* 1. The working copy. An image preprocessing cannot handle is read as
	 * scanned, not lost. */
	rc = lt_preprocess_page(page->pix, &s->pp, &work, &pre, &perr);
	if (rc == LT_ENOMEM) {
		*err = perr;
		goto out;
	}
	if (rc) {
		snprintf(pp_failed, sizeof(pp_failed), "preprocessing failed (%s): read as scanned",
			 perr.msg);
		work = pixClone(page->pix);
		memset(&pre, 0, sizeof(pre));
		pre.scale = 1;
		pre.dpi = pre.work_dpi = page->dpi > 0 ? page->dpi : 300;
		pre.master_w = pixGetWidth(page->pix);
		pre.master_h = pixGetHeight(page->pix);
		rc = LT_OK;
	} else {
		second_opinion(s, &work, &pre);
	}
	page->orientation_seconds += pre.orientation_seconds;
	page->skew_seconds += pre.skew_seconds;
	lt_preprocess_transform(&pre, &tf);
	page->preprocess_seconds += lap(&mark);

	/* 2. Recognition, under the page deadline: Vietnamese first (see
	 * VIETNAMESE_WORD_SHARE), unless the page shows few of its marks
	 * (LATIN_MARK_RATE); then the one walk over the result that
	 * everything below is made from. A page of one tone is not read: its
	 * noise would only give specks read as letters (preprocess.h); the
	 * quality check below calls it blank. */
	lt_source_master_name(doc, (size_t)page->source, input_name);
	one_tone = (pre.steps & LT_PP_ONE_TONE) != 0;
	if (!one_tone) {
		int all_first = !s->first || few_marks(&pre.marks);

		rc = take_reading(s, &chosen, all_first ? s->api : s->first, all_first ? s->lang : "vie",
				  input_name, work, pre.work_dpi, &tf, page, &rerr, err);
	}
	if (!rc && chosen.recognised && s->first) {
		/* The first reading both decides the language and, when it was
		 * the right guess, is the text: read again only a page that
		 * turns out otherwise. */
		int vietnamese = looks_vietnamese(lt_buf_str(&chosen.ordered));

		if (chosen.api == s->first && !vietnamese) {
			drop_reading(&chosen);
			rc = take_reading(s, &chosen, s->api, s->lang, input_name, work, pre.work_dpi, &tf,
					  page, &rerr, err);
		} else if (chosen.api == s->api && vietnamese) {
			/* Few marks, yet it reads as Vietnamese: Vietnamese alone,
			 * kept if it looks Vietnamese too, as on any other page. */
			struct reading vie = { 0 };
			struct lt_err verr = { 0 };

			rc = take_reading(s, &vie, s->first, "vie", input_name, work, pre.work_dpi, &tf, page,
					  &verr, err);
			if (!rc && vie.recognised && looks_vietnamese(lt_buf_str(&vie.ordered))) {
				drop_reading(&chosen);
				chosen = vie;
			} else {
				drop_reading(&vie);
			}
		}
	}
	mark = thread_cpu();
	recognised = chosen.recognised;
	api = chosen.api;
	lang = chosen.lang ? chosen.lang : s->first ? "vie" : s->lang;
	if (!recognised) {
		/* Nothing to read: an empty page result on the master. */
		lt_ocr_page_release(&chosen.result);
		chosen.result.master_w = tf.master_w;
		chosen.result.master_h = tf.master_h;
	}

	/* 3. Text, hOCR and ALTO, all from the page result. */
	if (!rc)
		rc = lt_text_nfc(lt_buf_str(&chosen.ordered), chosen.ordered.len, &text, err);
	snprintf(engine, sizeof(engine), "tesseract %s", TessVersion());
	if (!rc) {
		struct lt_hocr_page hp = {
			.image = input_name,
			.number = page->number,
			.languages = lang,
			.engine = engine,
			.dpi = pre.work_dpi,
		};

		rc = lt_hocr_write(&chosen.result, &hp, &hocr, err);
	}
	if (!rc)
		rc = describe_preprocessing(&pre, pp_failed[0] ? pp_failed : NULL, &preprocessing, err);
	if (!rc) {
		struct lt_alto_page ap = {
			.file_name = input_name,
			.number = page->number,
			.languages = lang,
			.model = "tessdata_fast (LSTM)",
			.preprocessing = preprocessing,
		};

		rc = lt_alto_write(&chosen.result, &ap, &tf, &alto, err);
	}
	if (!rc)
		rc = spool(job, page, LT_PAGE_HOCR, &hocr, err);
	if (!rc)
		rc = spool(job, page, LT_PAGE_ALTO, &alto, err);

	page->outputs_seconds += lap(&mark);

	/* 4. Quality and review. */
	if (!rc)
		rc = lt_quality_assess(recognised ? &chosen.result : NULL, work, pre.work_dpi, &q, err);
	if (!rc && !recognised && !one_tone)
		rc = add_reason(&review, rerr.msg, err);
	if (!rc && q.flags)
		rc = add_reason(&review, q.reason, err);
	if (!rc && pp_failed[0])
		rc = add_reason(&review, pp_failed, err);
	if (!rc && recognised && !(q.flags & LT_QUALITY_BLANK) && s->pp.deskew &&
	    tesseract_skew(api, &skew) && fabs(skew) > SKEW_DISAGREEMENT_DEG) {
		char why[160];

		snprintf(why, sizeof(why), "skew: Tesseract still measures %.1f degrees after "
			 "deskewing by %.1f", skew, pre.skew_deg);
		rc = add_reason(&review, why, err);
	}
	page->quality_seconds += lap(&mark);
	if (!rc && review)
		rc = lt_job_warn(job, err, "page %d: %s", page->number, review);
	if (rc) {
		lt_err_prefix(err, "page %d of '%s': ", page->number, src->path);
		goto out;
	}
	free(page->text);
	free(page->lang);
	free(page->preprocessing);
	free(page->review);
	page->text = lt_buf_detach(&text);
	page->lang = NULL;
	rc = lt_strdup(lang, &page->lang, err);
	page->preprocessing = preprocessing;
	page->review = review;
	preprocessing = review = NULL;
	page->quality = q.score;
	/* For the access PDF, which frees them once the page is written. */
	lt_page_drop_words(page);
	page->words = chosen.result.words;
	page->n_words = chosen.result.n_words;
	page->orientation = tf.orientation;
	chosen.result.words = NULL;
	chosen.result.n_words = 0;
	page->confidence = recognised ? chosen.result.mean_confidence : 0;
out:
	lt_ocr_page_release(&chosen.result);
	TessBaseAPIClear(s->api);
	if (s->first)
		TessBaseAPIClear(s->first);
	pixDestroy(&work);
	free(preprocessing);
	free(review);
	lt_buf_release(&chosen.ordered);
	lt_buf_release(&text);
	lt_buf_release(&hocr);
	lt_buf_release(&alto);
	return rc;
}

static void ocr_describe(void *state, const struct lt_job *job, struct lt_buf *note)
{
	struct ocr_state *s = state;
	const struct lt_doc *doc = job->doc;
	double sum = 0;

	/* The pages hold their confidences: the mean is derived, not tracked. */
	for (size_t i = 0; i < doc->n_pages; i++)
		sum += doc->pages[i].confidence;
	lt_buf_printf(note, NULL, "tesseract %s, %s, %zu pages, mean confidence %.1f",
		      TessVersion(), s->lang, doc->n_pages, doc->n_pages ? sum / doc->n_pages : 0.0);
}

static void ocr_close(void *state)
{
	struct ocr_state *s = state;

	if (!s)
		return;
	if (s->api) {
		TessBaseAPIEnd(s->api);
		TessBaseAPIDelete(s->api);
	}
	if (s->first) {
		TessBaseAPIEnd(s->first);
		TessBaseAPIDelete(s->first);
	}
	if (s->osd) {
		TessBaseAPIEnd(s->osd);
		TessBaseAPIDelete(s->osd);
	}
	free(s);
}

const struct lt_stage lt_stage_ocr = {
	.name = "ocr",
	.scope = LT_PER_PAGE,
	.any_worker = 1,
	.event = "ocr",
	.open = ocr_open,
	.process = ocr_page,
	.describe = ocr_describe,
	.close = ocr_close,
};
