/* fuzz_image.c - a page loaded as a run loads it: probed by the inbox, then
 * each of its images decoded by the load stage under a pixel cap (20
 * megapixels here, so a decompression bomb is refused before decoding
 * rather than exhausting the fuzzer's memory). */
#include <leptonica/allheaders.h>
#include <string.h>

#include "fuzz.h"
#include "luutru/doc.h"
#include "luutru/inbox.h"
#include "luutru/stage.h"

#define CAP_MEGAPIXELS 20
#define MAX_IMAGES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("image", "", data, size);
	const char *format = NULL, *ext = NULL;
	struct lt_run_opts opts = { .max_megapixels = CAP_MEGAPIXELS };
	struct lt_ctx ctx = { .opts = &opts };
	struct lt_doc *doc = NULL;
	struct lt_job job = { 0 };
	struct lt_err err = { 0 };
	char sha256[LT_SHA256_HEX] = "";
	int pages = 0;

	setMsgSeverity(L_SEVERITY_NONE);
	if (lt_inbox_probe(path, &pages, &format, &ext, &err) != LT_OK)
		return 0;
	doc = lt_doc_new();
	if (!doc || lt_doc_add_source(doc, path, sha256, (uint64_t)size, pages, ext, &err) != LT_OK) {
		lt_doc_free(doc);
		return 0;
	}
	job.doc = doc;
	job.ctx = &ctx;
	for (int i = 0; i < pages && i < MAX_IMAGES; i++) {
		struct lt_page page = { .number = i + 1, .source = 0, .index_in_source = i };

		if (lt_stage_load.process(NULL, &job, &page, &err) == LT_OK) {
			if (!page.pix || (double)page.width * page.height > CAP_MEGAPIXELS * 1e6) {
				fprintf(stderr, "fuzz_image: %dx%d decoded over a %d-megapixel cap\n",
					page.width, page.height, CAP_MEGAPIXELS);
				abort();
			}
			pixDestroy(&page.pix);
		}
	}
	lt_doc_free(doc);
	return 0;
}
