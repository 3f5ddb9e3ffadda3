/* marks.c - marks above and below letters, counted on a binarised page. */
#include <stdlib.h>

#include "luutru/marks.h"

/* More components than a dozen pages of dense text would give: not text, or
 * too noisy for the count to mean anything. */
#define MARKS_MAX_COMPONENTS 60000

/* Sizes against the page's typical component height m (the median of those
 * that can be letters): a letter stands 0.6-2.5 m tall and at most 3 m wide;
 * a mark is under half a letter tall and under 1.2 m wide, sits at most
 * 0.6 m above a letter's top (tone marks over a circumflex included) or
 * 0.5 m below its foot (the dot of nang), its middle over the letter. */
#define LETTER_MIN_H 0.6
#define LETTER_MAX_H 2.5
#define LETTER_MAX_W 3.0
#define MARK_MAX_H 0.5
#define MARK_MAX_W 1.2
#define MARK_GAP_ABOVE 0.6
#define MARK_GAP_BELOW 0.5

struct comp {
	int x, y, w, h;
};

static int by_height(const void *a, const void *b)
{
	const struct comp *p = a, *q = b;

	return (p->h > q->h) - (p->h < q->h);
}

static int by_left(const void *a, const void *b)
{
	const struct comp *p = a, *q = b;

	return (p->x > q->x) - (p->x < q->x);
}

/* Is the mark just above or below one of the letters (sorted by left edge,
 * none wider than max_w)? */
static int on_a_letter(const struct comp *mark, const struct comp *letters, size_t n, double m,
		       int max_w)
{
	int cx = mark->x + mark->w / 2;
	size_t lo = 0, hi = n;

	/* The first letter whose left edge can reach cx. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (letters[mid].x < cx - max_w)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && letters[i].x <= cx + 1; i++) {
		const struct comp *l = &letters[i];
		int above = l->y - (mark->y + mark->h), below = mark->y - (l->y + l->h);

		if (cx < l->x - 1 || cx > l->x + l->w)
			continue;
		if ((above >= -1 && above <= MARK_GAP_ABOVE * m) ||
		    (below >= -1 && below <= MARK_GAP_BELOW * m))
			return 1;
	}
	return 0;
}

int lt_marks_count(PIX *bin, struct lt_marks *out)
{
	BOXA *boxes;
	struct comp *all = NULL, *letters = NULL, *sized = NULL;
	size_t n, n_sized = 0, n_letters = 0;
	double m;
	int rc = -1;

	out->letters = out->marks = out->letter_px = out->specks = 0;
	if (!bin || pixGetDepth(bin) != 1)
		return 0;
	boxes = pixConnCompBB(bin, 8);
	if (!boxes)
		return -1;
	n = (size_t)boxaGetCount(boxes);
	if (n == 0 || n > MARKS_MAX_COMPONENTS) {
		boxaDestroy(&boxes);
		return 0;
	}
	all = malloc(n * sizeof(*all));
	sized = malloc(n * sizeof(*sized));
	letters = malloc(n * sizeof(*letters));
	if (!all || !sized || !letters)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct comp *c = &all[i];

		boxaGetBoxGeometry(boxes, (l_int32)i, &c->x, &c->y, &c->w, &c->h);
		/* What can be a letter: neither a speck nor a rule. */
		if (c->h >= 3 && c->w <= 3 * c->h)
			sized[n_sized++] = *c;
	}
	rc = 0;
	if (n_sized == 0)
		goto out;
	qsort(sized, n_sized, sizeof(*sized), by_height);
	m = sized[n_sized / 2].h;
	out->letter_px = sized[n_sized / 2].h;
	for (size_t i = 0; i < n; i++)
		if (all[i].h >= LETTER_MIN_H * m && all[i].h <= LETTER_MAX_H * m &&
		    all[i].w <= LETTER_MAX_W * m)
			letters[n_letters++] = all[i];
	qsort(letters, n_letters, sizeof(*letters), by_left);
	out->letters = (int)n_letters;
	for (size_t i = 0; i < n; i++) {
		const struct comp *c = &all[i];

		int small = c->h < MARK_MAX_H * m && c->w < MARK_MAX_W * m;
		int speck = c->w <= MARKS_SPECK_PX && c->h <= MARKS_SPECK_PX;
		int on_letter = (small || speck) &&
				on_a_letter(c, letters, n_letters, m, (int)(LETTER_MAX_W * m));

		if (small && c->w * c->h >= 2 && on_letter)
			out->marks++;
		if (speck && !on_letter)
			out->specks++;
	}
out:
	free(all);
	free(sized);
	free(letters);
	boxaDestroy(&boxes);
	return rc;
}

double lt_marks_rate(const struct lt_marks *m)
{
	return m->letters > 0 ? (double)m->marks / m->letters : -1;
}
