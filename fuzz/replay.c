/* replay.c - runs a fuzz target's entry point on saved inputs, built with
 * the normal compiler: `make test` replays tests/fuzz-regress/<target>/
 * (crashes the fuzzers found, and hostile inputs written by hand) without
 * clang or libFuzzer. Arguments are files or folders of files; exit 0 when
 * every input was run (a crash aborts the process, failing the test). */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	data = malloc(size ? (size_t)size : 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **list = NULL;
		int m;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 2;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= replay_file(argv[i]);
			n++;
			continue;
		}
		m = scandir(argv[i], &list, NULL, alphasort);
		for (int j = 0; j < m; j++) {
			char *path = NULL;

			if (list[j]->d_name[0] != '.' &&
			    asprintf(&path, "%s/%s", argv[i], list[j]->d_name) >= 0 &&
			    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				fprintf(stderr, "replay %s\n", path);
				bad |= replay_file(path);
				n++;
			}
			free(path);
			free(list[j]);
		}
		free(list);
	}
	printf("%s: %d inputs replayed\n", argv[0], n);
	return bad ? 1 : 0;
}
