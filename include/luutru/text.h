/* text.h - Unicode text handling for OCR output and search (utf8proc).
 *
 * OCR text is kept as the record in NFC; search matches a folded form of it:
 * case-folded, combining marks dropped, and đ/Đ mapped to d (Unicode has no
 * decomposition for đ, so plain mark stripping would keep it).
 */
#ifndef LUUTRU_TEXT_H
#define LUUTRU_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "luutru/buf.h"
#include "luutru/err.h"

/* Appends the NFC form of in[0..len) to out. Also repairs the look-alikes
 * Tesseract emits for Vietnamese: Ð (U+00D0, Icelandic eth) -> Đ (U+0110) and
 * ð -> đ. Fails with LT_EINPUT on invalid UTF-8. */
int lt_text_nfc(const char *in, size_t len, struct lt_buf *out, struct lt_err *err);

/* Appends the search-folded form of in[0..len) to out:
 * "Văn phòng Đảng" -> "van phong dang". */
int lt_text_fold(const char *in, size_t len, struct lt_buf *out, struct lt_err *err);

/* Appends s with every byte that is not part of valid UTF-8 replaced by
 * U+FFFD, so a file name in a legacy encoding can still be shown, put in
 * JSON and in bag-info.txt (which is UTF-8). */
int lt_text_repair_utf8(const char *s, struct lt_buf *out, struct lt_err *err);

/* Appends the case-folded NFC form of in[0..len), keeping diacritics:
 * "Văn PHÒNG" -> "văn phòng". For matching "as typed". */
int lt_text_casefold(const char *in, size_t len, struct lt_buf *out, struct lt_err *err);

/* Finds the next word (letters, digits and their combining marks) at or after
 * *pos in s[0..len). Sets [*start, *end) to its byte range and *pos past it.
 * Returns 1 if a word was found, 0 at the end; invalid UTF-8 bytes separate
 * words. */
int lt_text_next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *end);

/* What the words of a page say about its languages, counted over its words
 * in Latin letters that can tell one: figures, single letters and
 * abbreviations in capitals (UBND, TW) are left out. */
struct lt_text_languages {
	int words;
	int marked;         /* with a diacritic or đ: Vietnamese, nearly always */
	int not_vietnamese; /* cannot be a Vietnamese syllable: "and", "records",
			     * "of" (but "the", "to", "in" can) */
};

void lt_text_count_languages(const char *s, size_t len, struct lt_text_languages *out);

#endif
