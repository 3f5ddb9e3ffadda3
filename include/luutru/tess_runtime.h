/* tess_runtime.h - costs of the libraries under Tesseract that buy nothing
 * when a page is recognised on one thread, taken away: the PNG round trip of
 * every word image (Leptonica), an OpenMP team for every step of the LSTM
 * (libgomp), a pass over the page for every pixel of a brick when ruled lines
 * are looked for and a pixel-by-pixel scan of each blob's box (Leptonica),
 * and a heap that gives memory back between lines only to ask for it again (the C
 * library). Words, boxes and
 * confidences stay the same to the byte; tess_runtime.c says how,
 * test_recognize and test_brick check it.
 */
#ifndef LUUTRU_TESS_RUNTIME_H
#define LUUTRU_TESS_RUNTIME_H

#include <stdbool.h>

/* Marks the calling thread as inside TessBaseAPIRecognize (on) or out of it
 * (off). lt_recognize does it around the call; nothing else needs to. Other
 * threads, and this one outside the mark, get the libraries as they are. */
void lt_tess_runtime_recognising(bool on);

/* Sets the C library's heap (mallopt) to keep what a recognising thread
 * frees for its next line and page. Call once, before the threads that
 * recognise start. Returns: false if the C library refused a setting (the
 * others stay; recognition is slower, not wrong). */
bool lt_tess_runtime_keep_heap(void);

/* libgomp's entry points that GCC compiles OpenMP regions to (GOMP_4.0 ABI;
 * omp.h does not declare them), defined in tess_runtime.c in its place.
 * Leptonica's pixWriteMem, pixOpenBrick, pixCloseBrick and
 * pixClipBoxToForeground are replaced too (declared in allheaders.h). */
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads,
			    unsigned count, unsigned flags);
unsigned GOMP_sections_next(void);
void GOMP_sections_end_nowait(void);

#endif
