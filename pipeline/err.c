/* err.c - filling struct lt_err without allocating. */
#include "luutru/err.h"
#include "luutru/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int lt_err_set(struct lt_err *err, enum lt_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->cause = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), lt_i18n_err_format(fmt), ap);
	va_end(ap);
	return code;
}

int lt_err_prefix(struct lt_err *err, const char *fmt, ...)
{
	char prefix[sizeof(err->msg)];
	size_t plen, mlen, cap = sizeof(err->msg) - 1;
	va_list ap;

	if (!err)
		return LT_EINTERNAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), lt_i18n_err_format(fmt), ap);
	va_end(ap);
	plen = strlen(prefix);
	mlen = strlen(err->msg);
	/* Keep the prefix whole; the old message is cut at the end if needed. */
	if (plen + mlen > cap)
		mlen = cap - plen;
	memmove(err->msg + plen, err->msg, mlen);
	memcpy(err->msg, prefix, plen);
	err->msg[plen + mlen] = '\0';
	return err->code;
}

void lt_err_clear(struct lt_err *err)
{
	if (!err)
		return;
	err->code = LT_OK;
	err->cause = 0;
	err->msg[0] = '\0';
}

const char *lt_code_name(enum lt_code code)
{
	switch (code) {
	case LT_OK: return _("ok");
	case LT_ENOMEM: return _("out of memory");
	case LT_EIO: return _("I/O error");
	case LT_EINPUT: return _("bad input");
	case LT_EOCR: return _("OCR error");
	case LT_EARCHIVE: return _("bundle error");
	case LT_EDB: return _("catalog error");
	case LT_ENOTFOUND: return _("not found");
	case LT_EVERIFY: return _("verification failed");
	case LT_EUSAGE: return _("usage error");
	case LT_EBUSY: return _("busy");
	case LT_EINTERNAL: return _("internal error");
	}
	return _("unknown error");
}

int lt_code_is_fatal(enum lt_code code)
{
	return code == LT_ENOMEM || code == LT_EDB || code == LT_EIO || code == LT_EINTERNAL ||
	       code == LT_EBUSY;
}
