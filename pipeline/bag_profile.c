/* bag_profile.c - a bag against a BagIt Profile (bag_profile.h).
 *
 * The profile stays the parsed JSON: its members are few and looked up once
 * per check, and keeping the document avoids a second description of the
 * specification in C structs. The types are checked once, at parse time.
 */
#include "luutru/bag_profile.h"

#include <fnmatch.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "luutru/embedded.h"
#include "luutru/i18n.h"

struct lt_bag_profile {
	json_t *root;
};

static const char *const string_lists[] = {
	"Manifests-Required", "Manifests-Allowed", "Tag-Manifests-Required", "Tag-Manifests-Allowed",
	"Accept-Serialization", "Accept-BagIt-Version", "Tag-Files-Required", "Tag-Files-Allowed",
	"Payload-Files-Required", "Payload-Files-Allowed",
};

static int is_string_list(const json_t *v)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return 0;
	return 1;
}

int lt_bag_profile_parse(const char *json, size_t len, const char *what, struct lt_bag_profile **out,
			 struct lt_err *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr), *info, *v;
	const char *key;

	*out = NULL;
	if (!root)
		return lt_err_set(err, LT_EINPUT, "%s: not JSON: %s (line %d)", what, jerr.text, jerr.line);
	info = json_object_get(root, "BagIt-Profile-Info");
	if (!json_is_object(info) || !json_is_string(json_object_get(info, "BagIt-Profile-Identifier"))) {
		json_decref(root);
		return lt_err_set(err, LT_EINPUT, "%s: no BagIt-Profile-Info with a BagIt-Profile-Identifier",
				  what);
	}
	for (size_t i = 0; i < sizeof(string_lists) / sizeof(string_lists[0]); i++) {
		v = json_object_get(root, string_lists[i]);
		if (v && !is_string_list(v)) {
			json_decref(root);
			return lt_err_set(err, LT_EINPUT, "%s: %s is not a list of strings", what,
					  string_lists[i]);
		}
	}
	v = json_object_get(root, "Bag-Info");
	if (v && !json_is_object(v)) {
		json_decref(root);
		return lt_err_set(err, LT_EINPUT, "%s: Bag-Info is not an object", what);
	}
	json_object_foreach(v, key, info)
		if (!json_is_object(info)) {
			/* key belongs to root: the message first. */
			int rc = lt_err_set(err, LT_EINPUT, "%s: Bag-Info member '%s' is not an object", what, key);

			json_decref(root);
			return rc;
		}
	*out = calloc(1, sizeof(**out));
	if (!*out) {
		json_decref(root);
		return lt_err_set(err, LT_ENOMEM, "out of memory reading %s", what);
	}
	(*out)->root = root;
	return LT_OK;
}

int lt_bag_profile_luutru(struct lt_bag_profile **out, struct lt_err *err)
{
	return lt_bag_profile_parse((const char *)lt_bagit_profile.data, lt_bagit_profile.len,
				    "luutru's BagIt profile", out, err);
}

const char *lt_bag_profile_id(const struct lt_bag_profile *p)
{
	return json_string_value(json_object_get(json_object_get(p->root, "BagIt-Profile-Info"),
						 "BagIt-Profile-Identifier"));
}

void lt_bag_profile_free(struct lt_bag_profile *p)
{
	if (!p)
		return;
	json_decref(p->root);
	free(p);
}

/* ---- checking ---- */

struct check {
	struct lt_buf *out;
	size_t *n;
	int rc;
	struct lt_err *err;
};

static void problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->rc)
		return;
	va_start(ap, fmt);
	/* Callers mark fmt with N_(): translated like an error message (i18n.h). */
	c->rc = lt_buf_vprintf(c->out, c->err, lt_i18n_err_format(fmt), ap);
	va_end(ap);
	if (!c->rc)
		c->rc = lt_buf_puts(c->out, "\n", c->err);
	(*c->n)++;
}

static int bool_member(const json_t *o, const char *key, int dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static int in_list(const json_t *list, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(e), s) == 0)
			return 1;
	return 0;
}

/* A file name against a list of names with '*' wildcards. */
static int matches_any(const json_t *list, const char *path)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
		if (fnmatch(json_string_value(e), path, 0) == 0)
			return 1;
	return 0;
}

static int has_file(const struct lt_bag_report *rep, const char *path)
{
	for (size_t i = 0; i < rep->n_files; i++)
		if (strcmp(rep->files[i].path, path) == 0)
			return 1;
	return 0;
}

static void check_bag_info(struct check *c, const json_t *bag_info, const struct lt_bag_report *rep)
{
	const char *tag;
	json_t *rule;

	json_object_foreach((json_t *)bag_info, tag, rule) {
		const json_t *values = json_object_get(rule, "values");
		int required = bool_member(rule, "required", 0), repeatable = bool_member(rule, "repeatable", 1);
		size_t seen = 0;

		for (size_t i = 0; i < rep->n_info; i++) {
			if (strcasecmp(rep->info[i].label, tag) != 0)
				continue;
			seen++;
			if (is_string_list(values) && json_array_size(values) &&
			    !in_list(values, rep->info[i].value))
				problem(c,
					N_("bag-info.txt: %s is '%s', not one of the profile's values"), tag,
					rep->info[i].value);
		}
		if (required && !seen)
			problem(c, N_("bag-info.txt: %s is required and missing"), tag);
		if (!repeatable && seen > 1)
			problem(c, N_("bag-info.txt: %s is not repeatable and appears %zu times"),
				tag, seen);
	}
}

/* Manifests ("manifest-" or "tagmanifest-" + algorithm + ".txt") against
 * the required and allowed algorithms. */
static void check_manifests(struct check *c, const struct lt_bag_report *rep, const char *prefix,
			    const json_t *required, const json_t *allowed)
{
	size_t i, plen = strlen(prefix);
	json_t *e;

	json_array_foreach(required, i, e) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s.txt", prefix, json_string_value(e));
		if (!has_file(rep, name))
			problem(c, N_("%s is required and missing"), name);
	}
	if (!allowed)
		return;
	for (i = 0; i < rep->n_files; i++) {
		const char *p = rep->files[i].path;
		size_t len = strlen(p);
		char alg[32];

		if (strchr(p, '/') || strncmp(p, prefix, plen) != 0 || len < plen + 5 ||
		    strcmp(p + len - 4, ".txt") != 0 || len - plen - 4 >= sizeof(alg))
			continue;
		memcpy(alg, p + plen, len - plen - 4);
		alg[len - plen - 4] = 0;
		if (!in_list(allowed, alg))
			problem(c, N_("%s: algorithm '%s' is not allowed by the profile"), p, alg);
	}
}

int lt_bag_profile_check(const struct lt_bag_profile *p, const struct lt_bag_report *rep,
			 struct lt_buf *out, size_t *n, struct lt_err *err)
{
	struct check c = { out, n, LT_OK, err };
	const json_t *r = p->root, *v, *allowed;
	const char *serial;
	size_t i;
	json_t *e;

	*n = 0;
	if ((v = json_object_get(r, "Bag-Info")))
		check_bag_info(&c, v, rep);
	check_manifests(&c, rep, "manifest-", json_object_get(r, "Manifests-Required"),
			json_object_get(r, "Manifests-Allowed"));
	check_manifests(&c, rep, "tagmanifest-", json_object_get(r, "Tag-Manifests-Required"),
			json_object_get(r, "Tag-Manifests-Allowed"));
	if (!bool_member(r, "Allow-Fetch.txt", 1) && has_file(rep, "fetch.txt"))
		problem(&c, N_("fetch.txt is present; the profile does not allow it"));
	serial = json_string_value(json_object_get(r, "Serialization"));
	if (serial && strcmp(serial, "required") == 0 && !rep->tar_format)
		problem(&c, N_("the bag is a folder; the profile requires it serialised (a tar)"));
	if (serial && strcmp(serial, "forbidden") == 0 && rep->tar_format)
		problem(&c, N_("the bag is serialised; the profile forbids it"));
	if ((v = json_object_get(r, "Accept-BagIt-Version")) && json_array_size(v) &&
	    !in_list(v, rep->version))
		problem(&c, N_("bagit.txt: BagIt-Version '%s' is not one the profile accepts"),
			rep->version);
	json_array_foreach(json_object_get(r, "Tag-Files-Required"), i, e)
		if (!has_file(rep, json_string_value(e)))
			problem(&c, N_("tag file %s is required and missing"),
				json_string_value(e));
	json_array_foreach(json_object_get(r, "Payload-Files-Required"), i, e)
		if (!has_file(rep, json_string_value(e)))
			problem(&c, N_("payload file %s is required and missing"),
				json_string_value(e));
	/* Tag files: every file outside data/. bagit.txt and the manifests are
	 * always allowed (the specification says so); fetch.txt has its own
	 * rule above. */
	if ((allowed = json_object_get(r, "Tag-Files-Allowed")))
		for (i = 0; i < rep->n_files; i++) {
			const char *path = rep->files[i].path;

			if (strncmp(path, "data/", 5) == 0 || strcmp(path, "bagit.txt") == 0 ||
			    strcmp(path, "fetch.txt") == 0 ||
			    strncmp(path, "manifest-", 9) == 0 || strncmp(path, "tagmanifest-", 12) == 0)
				continue;
			if (!matches_any(allowed, path))
				problem(&c, N_("tag file %s is not allowed by the profile"), path);
		}
	if ((allowed = json_object_get(r, "Payload-Files-Allowed")))
		for (i = 0; i < rep->n_files; i++)
			if (strncmp(rep->files[i].path, "data/", 5) == 0 &&
			    !matches_any(allowed, rep->files[i].path))
				problem(&c, N_("payload file %s is not allowed by the profile"),
					rep->files[i].path);
	return c.rc;
}
