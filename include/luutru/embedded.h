/* embedded.h - files compiled into the binary (the Makefile's
 * build/embedded.c), so an installed luutru never looks for schemas/ on disk.
 */
#ifndef LUUTRU_EMBEDDED_H
#define LUUTRU_EMBEDDED_H

#include <stddef.h>

struct lt_embedded_file {
	const char *name;          /* file name, no folder: "mets.xsd" */
	const unsigned char *data; /* the file's bytes, followed by a NUL not counted in len */
	size_t len;
};

/* The files of schemas/xsd/: the XSDs (and catalog.xml) every bundle carries in
 * data/schemas/, sorted by name. Static: never freed. */
extern const struct lt_embedded_file lt_bundle_schemas[];
extern const size_t lt_n_bundle_schemas;

/* schemas/bagit-profile.json: the BagIt profile of luutru's bundles. */
extern const struct lt_embedded_file lt_bagit_profile;

#endif
