/* serve_log.c - the reading room's access log: archives must know who read
 * what. One line per view, search and download, appended with one write()
 * to an O_APPEND file, so concurrent requests never interleave. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "luutru/buf.h"
#include "luutru/fsutil.h"
#include "luutru/serve.h"
#include "luutru/i18n.h"

/* value with tabs and line breaks as spaces; "-" when empty. */
static int field(struct lt_buf *b, const char *value, struct lt_err *err)
{
	size_t start = b->len;
	int rc = lt_buf_puts(b, value && *value ? value : "-", err);

	for (size_t i = start; !rc && i < b->len; i++)
		if (b->data[i] == '\t' || b->data[i] == '\n' || b->data[i] == '\r')
			b->data[i] = ' ';
	if (!rc)
		rc = lt_buf_puts(b, "\t", err);
	return rc;
}

int lt_serve_log(const char *archive, const char *user, const char *address, const char *what,
		 const char *document, int page, const char *detail, struct lt_err *err)
{
	struct lt_buf line = LT_BUF_INIT;
	char now[32], month[8], page_s[16], *dir = NULL, *path = NULL;
	int rc, fd;

	lt_now_iso8601(now);
	memcpy(month, now, 7);
	month[7] = 0;
	snprintf(page_s, sizeof(page_s), "%d", page);
	rc = lt_path(&dir, err, "%s/log", archive);
	if (!rc)
		rc = lt_mkdir_p(dir, 0755, err);
	if (!rc)
		rc = lt_path(&path, err, "%s/access-%s.log", dir, month);
	if (!rc)
		rc = lt_buf_printf(&line, err, "%s\t", now);
	if (!rc)
		rc = field(&line, user, err);
	if (!rc)
		rc = field(&line, address, err);
	if (!rc)
		rc = field(&line, what, err);
	if (!rc)
		rc = field(&line, document, err);
	if (!rc)
		rc = field(&line, page > 0 ? page_s : NULL, err);
	if (!rc)
		rc = field(&line, detail, err);
	if (!rc)
		line.data[line.len - 1] = '\n';
	if (!rc) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
		if (fd < 0)
			rc = lt_err_set(err, LT_EIO, "cannot open the access log '%s': %s", path,
					strerror(errno));
		else {
			ssize_t w = write(fd, line.data, line.len);

			if (w != (ssize_t)line.len)
				rc = lt_err_set(err, LT_EIO, "cannot write the access log '%s': %s", path,
						w < 0 ? strerror(errno) : lt_i18n_err_format(N_("short write (the disk is full?)")));
			close(fd);
		}
	}
	free(dir);
	free(path);
	lt_buf_release(&line);
	return rc;
}
