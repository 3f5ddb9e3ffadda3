/* cmd_common.c - what every subcommand shares: error printing, exit codes,
 * checks of option values more than one command takes, and printing names
 * that come from the outside (file names, labels, OCR text) so that they
 * can neither drive the terminal nor forge a line of a log. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "luutru/buf.h"
#include "luutru/cmd.h"
#include "luutru/doc.h"

const char *lt_cmd_state_word(int state)
{
	switch ((enum lt_doc_state)state) {
	case LT_QUEUED: return _("queued");
	case LT_PROCESSING: return _("processing");
	case LT_ARCHIVED: return _("archived");
	case LT_FAILED: return _("failed");
	case LT_SUPERSEDED: return _("superseded");
	}
	return lt_doc_state_name((enum lt_doc_state)state);
}

int lt_cmd_exit_code(enum lt_code code)
{
	if (code == LT_OK)
		return LT_EXIT_OK;
	if (code == LT_EUSAGE)
		return LT_EXIT_USAGE;
	if (lt_code_is_fatal(code))
		return LT_EXIT_FATAL;
	return LT_EXIT_PROBLEM;
}

int lt_cmd_fail(const struct lt_err *err)
{
	/* Messages name files and documents: escaped like any other output. */
	lt_cmd_printf(stderr, _("error: %s\n"), err->msg[0] ? err->msg : _(lt_code_name(err->code)));
	return lt_cmd_exit_code(err->code);
}

int lt_cmd_usage_error(const struct lt_command *cmd, const char *fmt, ...)
{
	va_list ap;

	/* TRANSLATORS: the start of a usage error; the message follows. */
	fputs(_("error: "), stderr);
	va_start(ap, fmt);
	lt_cmd_vprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputs("\n\n", stderr);
	lt_cmd_print_usage(cmd, stderr);
	return LT_EXIT_USAGE;
}

int lt_cmd_check_min_age(const char *cmd, const char *value, struct lt_err *err)
{
	char *end;
	long v = strtol(value, &end, 10);

	(void)cmd;
	if (*end || v < 0 || v > 30 * 24 * 3600)
		return lt_err_set(err, LT_EUSAGE, "--min-age wants seconds (0 to 2592000), not '%s'",
				  value);
	return LT_OK;
}

int lt_cmd_int_in(const char *value, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (end == value || *end || errno || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

int lt_cmd_check_limit(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 1000000000, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --limit wants a positive number, not '%s'", cmd,
				  value);
	return LT_OK;
}

void lt_format_bytes(unsigned long long bytes, char out[32])
{
	char n[LT_I18N_NUMBER_MAX];

	if (bytes < 1000)
		snprintf(out, 32, ngettext("%llu byte", "%llu bytes", bytes), bytes);
	else if (bytes < 1000000)
		snprintf(out, 32, "%s kB", lt_i18n_decimal(bytes / 1e3, 1, n));
	else if (bytes < 1000000000)
		snprintf(out, 32, "%s MB", lt_i18n_decimal(bytes / 1e6, 1, n));
	else
		snprintf(out, 32, "%s GB", lt_i18n_decimal(bytes / 1e9, 2, n));
}

int lt_cmd_label(FILE *out, const char *label, int width)
{
	int columns = 0;

	/* Columns, not bytes: a translated label holds letters of two and
	 * three bytes (NFC Vietnamese: one code point a letter). */
	for (const unsigned char *p = (const unsigned char *)label; *p; p++)
		columns += (*p & 0xC0) != 0x80;
	return fprintf(out, "%s%*s", label, columns < width ? width - columns : 1, "");
}

/* ---- escaped output ---- */

/* The length of the valid UTF-8 sequence at s (1 to 4) and its code point,
 * or 0 if the bytes there are not one (overlong forms, surrogates and
 * values past U+10FFFF are not). */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points that move the cursor, end a line or reorder what follows on
 * a terminal: C1 controls (U+009B is CSI), line and paragraph separators,
 * bidirectional embeddings, overrides and isolates. */
static int invisible_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The next piece of s as printed: *used bytes of s become the returned
 * number of bytes in piece (at most 10). */
static size_t escape_piece(const unsigned char *s, size_t *used, char piece[12])
{
	uint32_t cp = 0;
	size_t n = utf8_seq(s, &cp);

	if (n == 0) {
		*used = 1;
		return (size_t)snprintf(piece, 12, "\\x%02x", s[0]);
	}
	*used = n;
	switch (cp) {
	case '\\': memcpy(piece, "\\\\", 2); return 2;
	case '\n': memcpy(piece, "\\n", 2); return 2;
	case '\r': memcpy(piece, "\\r", 2); return 2;
	case '\t': memcpy(piece, "\\t", 2); return 2;
	}
	if (cp < 0x20 || cp == 0x7f)
		return (size_t)snprintf(piece, 12, "\\x%02x", (unsigned)cp);
	if (invisible_control(cp))
		return (size_t)snprintf(piece, 12, "\\u%04x", (unsigned)cp);
	memcpy(piece, s, n);
	return n;
}

/* Writes s escaped, at most max bytes of it (pieces are never cut), with
 * the width and alignment of a %s conversion. */
static int put_escaped(FILE *out, const char *s, int left, long width, long max)
{
	const unsigned char *p;
	size_t len = 0, used, k;
	char piece[12];
	int n = 0;

	if (!s)
		s = "(null)"; /* as glibc's printf */
	for (p = (const unsigned char *)s; *p; p += used) {
		k = escape_piece(p, &used, piece);
		if (max >= 0 && len + k > (size_t)max)
			break;
		len += k;
	}
	for (long pad = width - (long)len; !left && pad > 0; pad--, n++)
		putc(' ', out);
	len = 0;
	for (p = (const unsigned char *)s; *p; p += used) {
		k = escape_piece(p, &used, piece);
		if (max >= 0 && len + k > (size_t)max)
			break;
		fwrite(piece, 1, k, out);
		len += k;
	}
	n += (int)len;
	for (long pad = width - (long)len; left && pad > 0; pad--, n++)
		putc(' ', out);
	return n;
}

int lt_cmd_escape(const char *s, struct lt_buf *out, struct lt_err *err)
{
	const unsigned char *p;
	size_t used, k;
	char piece[12];
	int rc = LT_OK;

	for (p = (const unsigned char *)s; !rc && *p; p += used) {
		k = escape_piece(p, &used, piece);
		rc = lt_buf_append(out, piece, k, err);
	}
	return rc;
}

/* One conversion of the format, everything but %s handed to fprintf with
 * its argument fetched by type; the stream stays locked for the whole call
 * so that workers' lines do not interleave. */
int lt_cmd_vprintf(FILE *out, const char *fmt, va_list ap)
{
	int total = 0;

	flockfile(out);
	while (*fmt) {
		char spec[32];
		const char *start = fmt;
		size_t n = 0;
		long width = 0, prec = -1;
		int left = 0, len_l = 0, len_h = 0, len_z = 0, len_j = 0, len_t = 0, len_L = 0, r = 0;

		if (*fmt != '%') {
			size_t lit = strcspn(fmt, "%");

			fwrite(fmt, 1, lit, out);
			total += (int)lit;
			fmt += lit;
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			putc('%', out);
			total++;
			fmt++;
			continue;
		}
		spec[n++] = '%';
		while (*fmt && strchr("-+ #0", *fmt)) {
			left |= *fmt == '-';
			if (n < 8)
				spec[n++] = *fmt;
			fmt++;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
				if (n < 8)
					spec[n++] = '-';
			}
			fmt++;
		} else {
			width = strtol(fmt, (char **)&fmt, 10);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				prec = strtol(fmt, (char **)&fmt, 10);
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				len_l++;
			else if (*fmt == 'h')
				len_h++;
			else if (*fmt == 'z')
				len_z = 1;
			else if (*fmt == 'j')
				len_j = 1;
			else if (*fmt == 't')
				len_t = 1;
			else if (*fmt == 'L')
				len_L = 1;
			else
				break;
		}
		if (!*fmt)
			break;
		/* The rebuilt spec: flags, width, precision, length, conversion. */
		n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%ld", width);
		if (prec >= 0)
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, ".%ld", prec);
		n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%c",
				      len_l == 2 ? "ll" : len_l ? "l" : len_z ? "z" : len_j ? "j"
				      : len_t ? "t" : len_L ? "L" : len_h == 2 ? "hh" : len_h ? "h" : "",
				      *fmt);
		switch (*fmt) {
		case 's':
			r = put_escaped(out, va_arg(ap, const char *), left, width, prec);
			break;
		case 'c':
			r = fprintf(out, spec, va_arg(ap, int));
			break;
		case 'd': case 'i':
			if (len_l == 2)
				r = fprintf(out, spec, va_arg(ap, long long));
			else if (len_l)
				r = fprintf(out, spec, va_arg(ap, long));
			else if (len_z)
				r = fprintf(out, spec, va_arg(ap, ssize_t));
			else if (len_j)
				r = fprintf(out, spec, va_arg(ap, intmax_t));
			else if (len_t)
				r = fprintf(out, spec, va_arg(ap, ptrdiff_t));
			else
				r = fprintf(out, spec, va_arg(ap, int));
			break;
		case 'u': case 'o': case 'x': case 'X':
			if (len_l == 2)
				r = fprintf(out, spec, va_arg(ap, unsigned long long));
			else if (len_l)
				r = fprintf(out, spec, va_arg(ap, unsigned long));
			else if (len_z)
				r = fprintf(out, spec, va_arg(ap, size_t));
			else if (len_j)
				r = fprintf(out, spec, va_arg(ap, uintmax_t));
			else if (len_t)
				r = fprintf(out, spec, va_arg(ap, ptrdiff_t));
			else
				r = fprintf(out, spec, va_arg(ap, unsigned));
			break;
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
			if (len_L)
				r = fprintf(out, spec, va_arg(ap, long double));
			else
				r = fprintf(out, spec, va_arg(ap, double));
			break;
		case 'p':
			r = fprintf(out, spec, va_arg(ap, void *));
			break;
		default:
			/* Not a conversion we know (%n included): written as it is,
			 * and the rest of the arguments cannot be trusted. */
			fwrite(start, 1, (size_t)(fmt + 1 - start), out);
			funlockfile(out);
			return -1;
		}
		if (r < 0) {
			funlockfile(out);
			return -1;
		}
		total += r;
		fmt++;
	}
	funlockfile(out);
	return ferror(out) ? -1 : total;
}

int lt_cmd_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = lt_cmd_vprintf(out, fmt, ap);
	va_end(ap);
	return n;
}
