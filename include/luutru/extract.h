/* extract.h - descriptive metadata read off the header of a document's first page.
 *
 * A Vietnamese administrative document prints most of its TT05 metadata in
 * a fixed header (NĐ 30/2020 for state bodies, HD 36-HD/VPTW for Party
 * bodies): the issuing body top left with `Số: 15/QĐ-BNV` (state) or
 * `Số 05-CT/TW` (Party) under it, the national motto or `ĐẢNG CỘNG SẢN VIỆT
 * NAM` top right with `<place>, ngày DD tháng MM năm YYYY` under it, then the
 * type line (`QUYẾT ĐỊNH`) with the summary (trích yếu) below, or for a
 * công văn a `V/v …` summary under the number. lt_extract_header() reads
 * those off page 1's OCR text with rules written from the two regulations,
 * not from any one office's documents; other documents give their date line
 * and subject (below).
 *
 * Every field says which rule matched and how far to trust it: strict rules
 * match the NFC text as printed; tolerant ones ("…-folded") match a
 * diacritic-folded copy and absorb the usual OCR damage (`S6:`, `Sô`, `;`
 * for `:`, `l`/`I`/`|` for `/`, `O` for `0`, spaces inside the notation,
 * `ngay 14 thang 7 nam 2016`) and get a lower confidence. Nothing is
 * invented: a field no rule matched is absent.
 *
 * Decisions (see README.md, "Metadata read off the page"):
 * - codeNumber is the number as printed (leading zero kept); codeNotation is
 *   everything after the number's separator, so for a legal normative
 *   document `Số: 666/2015/QĐ-UBND` it is `2015/QĐ-UBND` (the year belongs to
 *   the ký hiệu: number + "/" + notation gives back the printed string).
 * - organName is the issuing body as printed (capitals kept). Two header
 *   lines make one name when the first cannot stand alone (`ỦY BAN NHÂN
 *   DÂN` / `TỈNH QUẢNG NGÃI`, a line ending in a comma or followed by one
 *   starting with `VÀ`); otherwise the line above the body is its direct
 *   superior, parentOrganName (`BỘ NỘI VỤ` / `VỤ VĂN THƯ`, `TỈNH ỦY ĐÀ NẴNG` /
 *   `BAN TUYÊN GIÁO`, `UBND TỈNH BÌNH ĐỊNH` / `SỞ TÀI CHÍNH`).
 * - A number left blank at print time (`Số:      /QĐ-UBND`, written in by
 *   hand later) gives no codeNumber; the notation is read alone when it has
 *   two parts (`QĐ-UBND`, `CV/TU`), so a header still has its organ and type.
 * - subject is the trích yếu under the type line: lower case until a line in
 *   capitals (the enacting authority), or a title in capitals (legal
 *   normative documents) until the authority or a line that is not; a
 *   Party `CỦA BỘ CHÍNH TRỊ` line between type and summary is skipped.
 * - typeLabel is the type in sentence case (`Chỉ thị`); typeName its TT05
 *   code, 32 for Party-only types (Kết luận, Thông tri, …), 22 for a công văn.
 * - A page without that header (no motto, no number: an English letter or
 *   report, a Vietnamese invitation) gives issuedDate from a line that is a
 *   date alone or after a place or label (`London, 14 July 2016`, `Date:
 *   2019-02-28`, `Hà Nội, ngày 9 tháng 1 năm 2017`; issuedPlace the place
 *   before a comma) and subject from a `Subject:`/`Re:` line, else from a
 *   title standing over the first paragraph - never a letter's letterhead.
 */
#ifndef LUUTRU_EXTRACT_H
#define LUUTRU_EXTRACT_H

#include <stddef.h>

#include "luutru/err.h"

struct lt_extract_field {
	const char *key;    /* TT05 key ("codeNumber"); static */
	char *value;        /* UTF-8 NFC; owned */
	const char *rule;   /* the rule that matched ("state-number-strict"); static */
	double confidence;  /* 0-1 */
};

struct lt_extract {
	struct lt_extract_field *fields; /* in a fixed order: family, number, date, type, organ, subject, stamps */
	size_t n;
	/* Disagreements inside the header a person should look at (the type
	 * line against the notation's abbreviation), "; "-separated; NULL when
	 * none. Owned. */
	char *notes;
};

#define LT_EXTRACT_INIT { NULL, 0, NULL }

/* Reads the header of text (a page's OCR text, UTF-8; normalised to NFC
 * here, Ð repaired to Đ) into *out, which must be empty (LT_EXTRACT_INIT or
 * released). Two-column headers may come left block then right block, or
 * interleaved line by line. Pure: no I/O; the only state it reads is the
 * clock, for the latest plausible year (next year).
 * Errors: LT_EINPUT for invalid UTF-8, LT_ENOMEM. On error *out is empty. */
int lt_extract_header(const char *text, struct lt_extract *out, struct lt_err *err);

/* The field of that key, or NULL. Borrowed: valid until x changes. */
const struct lt_extract_field *lt_extract_get(const struct lt_extract *x, const char *key);

/* Frees every field and the notes; x is empty afterwards. NULL-safe. */
void lt_extract_release(struct lt_extract *x);

/* TT05 type code ("02") of a type name in any case, with or without
 * diacritics ("QUYẾT ĐỊNH", "quyet dinh", "Quyết định"); "32" for a type
 * only Party bodies use; NULL when the name is not a document type. Static. */
const char *lt_extract_type_code(const char *name);

#endif
