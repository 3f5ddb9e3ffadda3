/* fuzz.h - what the fuzz targets share: the libFuzzer entry point, and the
 * input written to a file of this process's own for the readers that take a
 * path (Leptonica, libarchive through lt_bag_read, the inbox probe).
 * Built with clang -fsanitize=fuzzer,address by `make fuzz`, and with the
 * normal compiler and fuzz/replay.c by `make test`, which replays
 * tests/fuzz-regress/<target>/ through the same entry point. */
#ifndef LUUTRU_FUZZ_H
#define LUUTRU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_path[512];

static inline void fuzz_unlink(void)
{
	unlink(fuzz_path);
}

/* Writes data to $TMPDIR/luutru-fuzz-<name>-<pid><suffix>, the same path on
 * every call of the process (removed at exit); returns it (static), or aborts: a fuzzer that
 * cannot write its input finds nothing. */
static inline const char *fuzz_file(const char *name, const char *suffix, const uint8_t *data,
				    size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char *path = fuzz_path;
	FILE *f;

	if (!path[0])
		atexit(fuzz_unlink);
	snprintf(path, sizeof(fuzz_path), "%s/luutru-fuzz-%s-%ld%s", tmp && *tmp ? tmp : "/tmp", name,
		 (long)getpid(), suffix);
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

#endif
