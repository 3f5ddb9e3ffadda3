/* fuzz_inbox.c - the inbox's probe (format by content, page count) on any
 * bytes: a file it accepts says what it is and has at least one page. */
#include <string.h>

#include "fuzz.h"
#include "luutru/inbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("inbox", "", data, size);
	const char *format = NULL, *ext = NULL;
	struct lt_err err = { 0 };
	int pages = 0, rc = lt_inbox_probe(path, &pages, &format, &ext, &err);

	if (rc == LT_OK && (pages < 1 || !format)) {
		fprintf(stderr, "fuzz_inbox: accepted with %d pages, format %s\n", pages,
			format ? format : "(null)");
		abort();
	}
	if (rc != LT_OK && !err.msg[0]) {
		fprintf(stderr, "fuzz_inbox: refused (%d) without a reason\n", rc);
		abort();
	}
	return 0;
}
