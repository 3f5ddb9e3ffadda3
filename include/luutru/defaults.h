/* defaults.h - metadata defaults for a whole ingest: `--set key=value`
 * (repeatable) and `set.KEY = VALUE` lines of ARCHIVE/luutru.conf.
 *
 * Both give LT_META_DEFAULT values, below a sidecar and a spreadsheet row.
 * --set wins over the config file; of two --set for one key the last wins.
 * Keys may be TT05 keys, TT02 names or Vietnamese labels; values are
 * validated and normalised by the profile. Other lines of luutru.conf
 * (`organization = ...`, comments starting with '#', blank lines) are not
 * this module's and are left alone.
 */
#ifndef LUUTRU_DEFAULTS_H
#define LUUTRU_DEFAULTS_H

#include <stddef.h>

#include "luutru/err.h"
#include "luutru/meta.h"

struct lt_profile;

/* Fills *out (empty) with the defaults: sets[0..n_sets) ("key=value", as
 * typed after --set; origin "--set"), then ARCHIVE/luutru.conf's set.*
 * lines (origin "PATH line N") for keys --set did not give; archive may be
 * NULL, and a missing file gives nothing. A bad --set is LT_EUSAGE, a bad
 * line of the file LT_EINPUT naming file and line; either way naming key,
 * value and the rule broken. */
int lt_defaults_load(const struct lt_profile *p, const char *archive, const char *const *sets,
		     size_t n_sets, struct lt_meta *out, struct lt_err *err);

#endif
