/* fuzz_bag.c - lt_bag_read on any bytes as a tar: it may refuse the bag or
 * list problems, never crash, leak or read outside what it was given. */
#include "fuzz.h"
#include "luutru/bag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("bag", ".tar", data, size);
	struct lt_bag_report *rep = NULL;
	struct lt_err err = { 0 };

	if (lt_bag_read(path, NULL, &rep, &err) == LT_OK && !rep) {
		fprintf(stderr, "fuzz_bag: LT_OK without a report\n");
		abort();
	}
	lt_bag_report_free(rep);
	return 0;
}
