/* tess_runtime.c - Tesseract's word images without PNG, its OpenMP regions
 * without a team, its ruled-line search and blob boxes in fewer passes,
 * while a thread recognises a page; a heap that keeps what recognition
 * frees.
 *
 * The first four are done by giving the program its own definition of a
 * function that libtesseract calls in another library: when libtesseract's
 * references are bound, the executable's symbols come first. Each definition
 * does the cheaper thing only on a thread marked by
 * lt_tess_runtime_recognising, and passes every other call to the library's
 * own function (dlsym RTLD_NEXT).
 * test_recognize checks that libtesseract binds to these, and that the page
 * recognised through them reads the same, word for word and box for box.
 *
 * 1. Word images. Tesseract 5 (ImageData::SetPixInternal) hands each word
 *    image it feeds the LSTM to pixWriteMem as a PNG and decodes it straight
 *    back (GetPixInternal): deflate, row filters and inflate on every word,
 *    5-9% of recognition, which the command line pays too. The bytes never
 *    leave those two calls, so their format is free: a PNG asked for while
 *    the thread recognises is written as Leptonica's spix instead (a header
 *    and the raw rows; depth, samples per pixel, colormap and resolution
 *    kept), and pixReadMem reads it back to the same pix.
 *
 * 2. OpenMP. Tesseract runs the gates of every LSTM step as an OpenMP
 *    parallel region (GOMP_parallel_sections) and some layers as parallel
 *    loops (GOMP_parallel). With a thread limit of 1, as luutru runs it (one
 *    page per worker, main.c), libgomp still builds a team of one thread for
 *    each region and ends it with a futex wake, a system call: thousands a
 *    line, 4-10% of recognition. A team of one runs the region's body once
 *    on the calling thread, its sections in order; that is what happens here,
 *    without the team. Only at the outermost level and only when the thread
 *    limit is 1: any other setting (OMP_THREAD_LIMIT=4, say) gets libgomp.
 *    The body then sees omp_get_thread_num() 0 and omp_get_num_threads() 1,
 *    as in a team of one.
 *
 * 3. Ruled lines. Before it segments a page, Tesseract looks for ruled
 *    lines (LineFinder::FindAndRemoveLines) by opening the binarised page
 *    with Leptonica's pixOpenBrick: a 15x15 brick, then lines of 75 pixels
 *    at 300 dpi, one way and the other, and pixCloseBrick 5x5. Leptonica
 *    shifts the whole page once per pixel of a brick's sides, 380 passes,
 *    4-5% of recognition. brick.c gives the same pixels in 60 (its window
 *    doubles at each pass); test_brick compares it with Leptonica's.
 *    Only 1-bpp images under Leptonica's default boundary condition, and
 *    only for a new pix: anything else goes to Leptonica.
 *
 * 4. Bounding a blob's pixels. Tesseract's page layout asks Leptonica for
 *    the box around the ON pixels in each blob's box
 *    (pixClipBoxToForeground), thousands of times a page; Leptonica scans
 *    the box a pixel at a time, column by column, 1.2% of recognition.
 *    bitscan.c gives the same box a word at a time; a box not inside the
 *    image goes to Leptonica.
 *
 * 5. The heap (lt_tess_runtime_keep_heap). Tesseract allocates and frees
 *    megabytes for every text line. glibc's defaults give a thread's heap
 *    back to the kernel as soon as 128 kB at its top is free and grow it
 *    again: over a thousand mprotect calls a page, and page faults that zero
 *    the same memory anew. Kept instead (given back past 64 MB free; blocks
 *    under 32 MB, such as a 300-dpi page in grey, from the heap rather than
 *    mmap), a run takes half the page faults and 40% less system time, and
 *    its peak resident size stays where it was (+1.5 MB on 4 pages).
 */
#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "luutru/bitscan.h"
#include "luutru/brick.h"
#include "luutru/tess_runtime.h"

/* libgomp's OpenMP API (omp.h comes with GCC, not with every compiler that
 * builds luutru: clang for `make fuzz`). */
int omp_get_thread_limit(void);
int omp_get_level(void);

/* Leptonica's boundary condition for erosion (morph.c; its headers name
 * only the values, morph.h). */
extern l_int32 MORPH_BC;

static _Thread_local bool recognising;

void lt_tess_runtime_recognising(bool on)
{
	recognising = on;
}

bool lt_tess_runtime_keep_heap(void)
{
	bool all = true;

	all &= mallopt(M_TOP_PAD, 16 << 20) == 1; /* the main arena's growth step */
	all &= mallopt(M_TRIM_THRESHOLD, 64 << 20) == 1;
	all &= mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
	return all;
}

/* The libraries' own definitions, looked up once. */
typedef l_ok (*pix_write_mem_fn)(l_uint8 **, size_t *, PIX *, l_int32);
typedef PIX *(*brick_fn)(PIX *, PIX *, l_int32, l_int32);
typedef l_ok (*clip_box_fn)(PIX *, BOX *, PIX **, BOX **);
typedef void (*parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef void (*parallel_sections_fn)(void (*)(void *), void *, unsigned, unsigned, unsigned);
typedef unsigned (*sections_next_fn)(void);
typedef void (*sections_end_fn)(void);

static struct {
	pix_write_mem_fn pix_write_mem;
	brick_fn open_brick, close_brick;
	clip_box_fn clip_box_to_foreground;
	parallel_fn parallel;
	parallel_sections_fn parallel_sections;
	sections_next_fn sections_next;
	sections_end_fn sections_end_nowait;
} lib;
static pthread_once_t lib_lookup = PTHREAD_ONCE_INIT;

static void find_library_functions(void)
{
	lib.pix_write_mem = (pix_write_mem_fn)dlsym(RTLD_NEXT, "pixWriteMem");
	lib.open_brick = (brick_fn)dlsym(RTLD_NEXT, "pixOpenBrick");
	lib.close_brick = (brick_fn)dlsym(RTLD_NEXT, "pixCloseBrick");
	lib.clip_box_to_foreground = (clip_box_fn)dlsym(RTLD_NEXT, "pixClipBoxToForeground");
	lib.parallel = (parallel_fn)dlsym(RTLD_NEXT, "GOMP_parallel");
	lib.parallel_sections = (parallel_sections_fn)dlsym(RTLD_NEXT, "GOMP_parallel_sections");
	lib.sections_next = (sections_next_fn)dlsym(RTLD_NEXT, "GOMP_sections_next");
	lib.sections_end_nowait = (sections_end_fn)dlsym(RTLD_NEXT, "GOMP_sections_end_nowait");
}

static _Noreturn void missing_library_function(const char *name)
{
	fprintf(stderr, "luutru: the library function behind %s is missing: "
			"reinstall libgomp1 and liblept5\n", name);
	abort();
}

/* The library's function, or abort with its name: a program linked with
 * libgomp and Leptonica always finds them, so a miss is a broken install,
 * and there is no way to do what the caller asked without it. */
#define LIB(name)                                                               \
	(pthread_once(&lib_lookup, find_library_functions),                     \
	 lib.name ? lib.name : (missing_library_function(#name), lib.name))

l_ok pixWriteMem(l_uint8 **pdata, size_t *psize, PIX *pix, l_int32 format)
{
	if (recognising && format == IFF_PNG && pdata && psize && pix)
		return pixWriteMemSpix(pdata, psize, pix);
	return LIB(pix_write_mem)(pdata, psize, pix, format);
}

/* brick.c's result where it gives Leptonica's pixels, else NULL. */
static PIX *brick_in_fewer_passes(PIX *pixd, PIX *pixs, l_int32 hsize, l_int32 vsize, bool open)
{
	if (!recognising || pixd || MORPH_BC != ASYMMETRIC_MORPH_BC)
		return NULL;
	return open ? lt_brick_open(pixs, hsize, vsize) : lt_brick_close(pixs, hsize, vsize);
}

PIX *pixOpenBrick(PIX *pixd, PIX *pixs, l_int32 hsize, l_int32 vsize)
{
	PIX *opened = brick_in_fewer_passes(pixd, pixs, hsize, vsize, true);

	return opened ? opened : LIB(open_brick)(pixd, pixs, hsize, vsize);
}

PIX *pixCloseBrick(PIX *pixd, PIX *pixs, l_int32 hsize, l_int32 vsize)
{
	PIX *closed = brick_in_fewer_passes(pixd, pixs, hsize, vsize, false);

	return closed ? closed : LIB(close_brick)(pixd, pixs, hsize, vsize);
}

/* Leptonica first cuts the box's width and height at the image's right and
 * bottom edges; a box that then lies inside the image is bitscan.c's. */
l_ok pixClipBoxToForeground(PIX *pixs, BOX *boxs, PIX **ppixd, BOX **pboxd)
{
	l_int32 x, y, w, h;
	BOX *found = NULL;
	int rc = -1;

	if (recognising && pixs && boxs && (ppixd || pboxd) &&
	    boxGetGeometry(boxs, &x, &y, &w, &h) == 0 && x >= 0 && y >= 0) {
		w = L_MIN(w, pixGetWidth(pixs) - x);
		h = L_MIN(h, pixGetHeight(pixs) - y);
		rc = lt_foreground_box(pixs, x, y, w, h, &found);
	}
	if (rc < 0)
		return LIB(clip_box_to_foreground)(pixs, boxs, ppixd, pboxd);
	if (ppixd)
		*ppixd = found ? pixClipRectangle(pixs, found, NULL) : NULL;
	if (pboxd)
		*pboxd = found;
	else
		boxDestroy(&found);
	return found ? 0 : 1; /* 1: no ON pixel in the box, as Leptonica says */
}

/* The sections construct run inline on this thread: the next section to
 * hand out and how many there are; active only inside such a run. */
struct inline_sections {
	bool active;
	unsigned next, count;
};
static _Thread_local struct inline_sections inline_sections;

/* True when a region about to start would get a team of one thread. */
static bool team_of_one(void)
{
	return recognising && omp_get_thread_limit() == 1 && omp_get_level() == 0;
}

/* The ABI GCC compiles `#pragma omp parallel` to (libgomp, GOMP_4.0). */
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
{
	if (team_of_one()) {
		bool sections = inline_sections.active;

		/* A sections construct inside this body is its own (libgomp's). */
		inline_sections.active = false;
		fn(data);
		inline_sections.active = sections;
		return;
	}
	LIB(parallel)(fn, data, num_threads, flags);
}

/* `#pragma omp parallel sections`: fn asks GOMP_sections_next for section
 * numbers 1..count until it gets 0, then calls GOMP_sections_end_nowait. */
void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads,
			    unsigned count, unsigned flags)
{
	if (team_of_one()) {
		struct inline_sections outer = inline_sections;

		inline_sections.active = true;
		inline_sections.next = 1;
		inline_sections.count = count;
		fn(data);
		inline_sections = outer;
		return;
	}
	LIB(parallel_sections)(fn, data, num_threads, count, flags);
}

unsigned GOMP_sections_next(void)
{
	if (inline_sections.active)
		return inline_sections.next <= inline_sections.count ? inline_sections.next++ : 0;
	return LIB(sections_next)();
}

void GOMP_sections_end_nowait(void)
{
	if (inline_sections.active)
		return;
	LIB(sections_end_nowait)();
}
