/* cmd_slurm.c - `luutru slurm`: a shard plan submitted to Slurm as a job
 * array (one task per shard, `luutru run --shard`) and a merge job that
 * starts once every task has ended; `--resume DIR` resubmits only the tasks
 * whose shard is not DONE. The plan is made by this same binary's `shard`
 * command, run as a child, so the two stay decoupled behind plan.json; Slurm
 * is driven through its own commands (sbatch, squeue, scontrol, sacct), as a
 * site's operators would, and nothing of it is linked in.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "luutru/buf.h"
#include "luutru/cmd.h"
#include "luutru/fsutil.h"
#include "luutru/i18n.h"

extern char **environ;

#define MAX_TASKS 10000         /* a Slurm site's MaxArraySize is 1001 by default */
#define POLL_FIRST_SECONDS 1
#define POLL_MAX_SECONDS 5

/* What the scripts are made of: every path absolute, so that a task finds
 * everything from whatever folder and node Slurm starts it on. */
struct slurm_setup {
	char *luutru;        /* this binary */
	char *archive;       /* the archive (plan.json's) */
	char *dir;           /* the plan's folder */
	char *plan_id;       /* plan.json's "plan" */
	long tasks;          /* plan.json's "tasks" */
	const char *partition, *time_limit, *cpus, *merge_node; /* options, or NULL */
};

static void setup_release(struct slurm_setup *s)
{
	free(s->luutru);
	free(s->archive);
	free(s->dir);
	free(s->plan_id);
	memset(s, 0, sizeof(*s));
}

/* ---- running Slurm's commands and our own ---- */

/* Runs argv[0] (looked up in PATH) with input on its stdin (NULL: /dev/null),
 * its stdout into out, its stderr into errtext (NULL: our own stderr).
 * *status: its exit code, or 128 + the signal that ended it. A program that
 * is not there is LT_ENOTFOUND naming it. */
static int run_program(char *const argv[], const char *input, struct lt_buf *out,
		       struct lt_buf *errtext, int *status, struct lt_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t defaults;
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	size_t input_len = input ? strlen(input) : 0, written = 0;
	pid_t pid = -1;
	int rc = LT_OK, e, wstatus;

	if (pipe2(out_pipe, O_CLOEXEC) || (input && pipe2(in_pipe, O_CLOEXEC)) ||
	    (errtext && pipe2(err_pipe, O_CLOEXEC))) {
		rc = lt_err_set(err, LT_EIO, "cannot run '%s': pipe: %s", argv[0], strerror(errno));
		goto close_pipes;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* We ignore SIGPIPE (a child gone before reading its input); the child
	 * must not inherit that. */
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	if (input)
		posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
	if (errtext)
		posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
	e = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e) {
		rc = lt_err_set(err, e == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot run '%s': %s",
				argv[0], e == ENOENT ? lt_i18n_err_format(N_("not found in PATH")) : strerror(e));
		goto close_pipes;
	}
	close(out_pipe[1]);
	out_pipe[1] = -1;
	if (errtext) {
		close(err_pipe[1]);
		err_pipe[1] = -1;
	}
	if (input) {
		close(in_pipe[0]);
		in_pipe[0] = -1;
		if (!input_len) {
			close(in_pipe[1]);
			in_pipe[1] = -1;
		}
	}
	/* One loop for the three pipes: a child blocked writing a full stderr
	 * while we wait on its stdout would never finish. */
	while (out_pipe[0] >= 0 || err_pipe[0] >= 0 || in_pipe[1] >= 0) {
		struct pollfd p[3] = {
			{ .fd = out_pipe[0], .events = POLLIN },
			{ .fd = err_pipe[0], .events = POLLIN },
			{ .fd = in_pipe[1], .events = POLLOUT },
		};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = lt_err_set(err, LT_EIO, "cannot run '%s': poll: %s", argv[0],
					strerror(errno));
			break;
		}
		for (int i = 0; i < 2; i++) {
			int *fd = i == 0 ? &out_pipe[0] : &err_pipe[0];
			struct lt_buf *to = i == 0 ? out : errtext;
			char chunk[4096];
			ssize_t n;

			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(*fd);
				*fd = -1;
			} else if (!rc) {
				rc = lt_buf_append(to, chunk, (size_t)n, err);
			}
		}
		if (in_pipe[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in_pipe[1], input + written, input_len - written);

			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EINTR && errno != EAGAIN) || written == input_len) {
				close(in_pipe[1]);
				in_pipe[1] = -1;
			}
		}
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			if (!rc)
				rc = lt_err_set(err, LT_EIO, "cannot wait for '%s': %s", argv[0],
						strerror(errno));
			goto close_pipes;
		}
	}
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
close_pipes:
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
	return rc;
}

/* The end of a program's stderr, without its last newline, for a message. */
static const char *trimmed(struct lt_buf *b)
{
	while (b->len && isspace((unsigned char)b->data[b->len - 1]))
		b->data[--b->len] = '\0';
	return lt_buf_str(b);
}

/* Is `name` an executable file in one of PATH's folders? Asked before
 * anything is planned, so that a machine without Slurm leases nothing. */
static int find_in_path(const char *name, struct lt_err *err)
{
	const char *path = getenv("PATH"), *p;

	for (p = path ? path : ""; *p;) {
		size_t len = strcspn(p, ":");
		char *candidate = NULL;
		int found;

		if (lt_path(&candidate, err, "%.*s/%s", (int)len, len ? p : ".", name))
			return err->code;
		found = access(candidate, X_OK) == 0;
		free(candidate);
		if (found)
			return LT_OK;
		p += len;
		if (*p == ':')
			p++;
	}
	return lt_err_set(err, LT_EINTERNAL, "'%s' is not in PATH (%s): this machine is not a Slurm "
			  "submit host; install slurm-client, or see README \"Sharded runs\" for "
			  "running the shards without Slurm", name, path ? path : "unset");
}

/* ---- quoting into the scripts ---- */

static int refuse_line_breaks(const char *what, const char *s, struct lt_err *err)
{
	if (strpbrk(s, "\n\r"))
		return lt_err_set(err, LT_EUSAGE, "%s '%s' holds a line break: it cannot go into a "
				  "Slurm script", what, s);
	return LT_OK;
}

/* s for /bin/sh: one word in single quotes, a quote written '\''. */
static int sh_word(struct lt_buf *b, const char *s, struct lt_err *err)
{
	if (lt_buf_puts(b, "'", err))
		return err->code;
	for (; *s; s++)
		if (*s == '\'' ? lt_buf_puts(b, "'\\''", err) : lt_buf_append(b, s, 1, err))
			return err->code;
	return lt_buf_puts(b, "'", err);
}

/* s inside the double quotes of an #SBATCH value: sbatch reads those lines
 * itself (not the shell), splits them at spaces outside double quotes, takes
 * a backslash as an escape and an unescaped # as the start of a comment. In
 * file names given to --output, % starts a pattern: pct doubles it. */
static int sbatch_escaped(struct lt_buf *b, const char *s, int pct, struct lt_err *err)
{
	for (; *s; s++) {
		if (strchr("\"\\#", *s) && lt_buf_puts(b, "\\", err))
			return err->code;
		if (pct && *s == '%' && lt_buf_puts(b, "%", err))
			return err->code;
		if (lt_buf_append(b, s, 1, err))
			return err->code;
	}
	return LT_OK;
}

/* "#SBATCH --name=\"value\"\n". */
static int sbatch_line(struct lt_buf *b, const char *name, const char *value, struct lt_err *err)
{
	if (lt_buf_printf(b, err, "#SBATCH --%s=\"", name) || sbatch_escaped(b, value, 0, err))
		return err->code;
	return lt_buf_puts(b, "\"\n", err);
}

/* "#SBATCH --name=\"DIR/leaf\"\n" for a file Slurm names: DIR's own % kept,
 * leaf's % patterns (%A, %a, %j) for Slurm. */
static int sbatch_file_line(struct lt_buf *b, const char *name, const char *dir, const char *leaf,
			    struct lt_err *err)
{
	if (lt_buf_printf(b, err, "#SBATCH --%s=\"", name) || sbatch_escaped(b, dir, 1, err))
		return err->code;
	return lt_buf_printf(b, err, "/%s\"\n", leaf);
}

/* The #SBATCH lines both jobs share: the options the user gave. */
static int common_lines(struct lt_buf *b, const struct slurm_setup *s, struct lt_err *err)
{
	if (s->partition && sbatch_line(b, "partition", s->partition, err))
		return err->code;
	if (s->time_limit && sbatch_line(b, "time", s->time_limit, err))
		return err->code;
	if (sbatch_line(b, "chdir", s->dir, err))
		return err->code;
	return LT_OK;
}

/* array.sbatch: one task per shard. The task's shard is its array index,
 * and its workers the CPUs Slurm gave it. */
static int array_script(struct lt_buf *b, const struct slurm_setup *s, struct lt_err *err)
{
	if (lt_buf_printf(b, err,
			  "#!/bin/sh\n"
			  "# luutru plan %s: one task of this job array per shard of the plan's folder;\n"
			  "# each runs `luutru run --shard` on its own shard, which needs the scans and\n"
			  "# this folder only. Written by `luutru slurm`; `luutru slurm --resume` submits\n"
			  "# it again for the shards that are not DONE (with --array on sbatch's line).\n"
			  "#SBATCH --job-name=luutru-shards\n"
			  "#SBATCH --array=0-%ld\n"
			  "#SBATCH --cpus-per-task=%s\n",
			  s->plan_id, s->tasks - 1, s->cpus ? s->cpus : "1"))
		return err->code;
	if (common_lines(b, s, err) || sbatch_file_line(b, "output", s->dir, "%a/slurm-%A_%a.out", err))
		return err->code;
	if (lt_buf_puts(b, "exec ", err) || sh_word(b, s->luutru, err) ||
	    lt_buf_puts(b, " --archive ", err) || sh_word(b, s->archive, err) ||
	    lt_buf_puts(b, " run --shard ", err) || sh_word(b, s->dir, err) ||
	    lt_buf_puts(b, "/\"$SLURM_ARRAY_TASK_ID\" -j \"${SLURM_CPUS_PER_TASK:-1}\"\n", err))
		return err->code;
	return LT_OK;
}

/* merge.sbatch: the dependency on the array is given on sbatch's line, since
 * the array's id exists only once it is submitted (and a resume gives
 * another). */
static int merge_script(struct lt_buf *b, const struct slurm_setup *s, struct lt_err *err)
{
	if (lt_buf_printf(b, err,
			  "#!/bin/sh\n"
			  "# luutru plan %s: merges the finished shards into the archive. `luutru slurm`\n"
			  "# submits it with --dependency=afterany:<array job>, so it starts once every\n"
			  "# task has ended, finished or not. It writes the catalog: it must run on the\n"
			  "# machine whose disk holds the archive (--merge-node).\n"
			  "#SBATCH --job-name=luutru-merge\n"
			  "#SBATCH --cpus-per-task=1\n",
			  s->plan_id))
		return err->code;
	if (s->merge_node && sbatch_line(b, "nodelist", s->merge_node, err))
		return err->code;
	if (common_lines(b, s, err) || sbatch_file_line(b, "output", s->dir, "merge-%j.out", err))
		return err->code;
	if (lt_buf_puts(b, "exec ", err) || sh_word(b, s->luutru, err) ||
	    lt_buf_puts(b, " --archive ", err) || sh_word(b, s->archive, err) ||
	    lt_buf_puts(b, " merge ", err) || sh_word(b, s->dir, err) || lt_buf_puts(b, "\n", err))
		return err->code;
	return LT_OK;
}

/* ---- files of the plan's folder ---- */

/* data into dir/name: a temporary file, fsync'ed, renamed over the old one. */
static int write_durably(const char *dir, const char *name, const char *data, mode_t mode,
			 struct lt_err *err)
{
	char *path = NULL, *tmp = NULL;
	int fd = -1, rc;

	rc = lt_path(&path, err, "%s/%s", dir, name);
	if (!rc)
		rc = lt_path(&tmp, err, "%s/.%s.tmp", dir, name);
	if (rc)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	rc = lt_write_all(fd, data, strlen(data), tmp, err);
	if (!rc && fsync(fd) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': fsync: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = lt_err_set(err, LT_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	fd = -1;
	if (!rc && rename(tmp, path) != 0)
		rc = lt_err_set(err, LT_EIO, "cannot rename '%s' to '%s': %s", tmp, path,
				strerror(errno));
	if (!rc)
		rc = lt_fsync_dir(dir, err);
	if (rc)
		unlink(tmp);
out:
	free(path);
	free(tmp);
	return rc;
}

static int file_exists(const char *dir, const char *leaf, int *exists, struct lt_err *err)
{
	char *path = NULL;
	struct stat st;

	if (lt_path(&path, err, "%s/%s", dir, leaf))
		return err->code;
	*exists = stat(path, &st) == 0;
	free(path);
	return LT_OK;
}

/* plan.json's plan id, task count and archive into s. */
static int read_plan(struct slurm_setup *s, struct lt_err *err)
{
	char *path = NULL;
	json_error_t jerr;
	json_t *root = NULL, *plan, *tasks, *archive;
	int rc = lt_path(&path, err, "%s/plan.json", s->dir);

	if (rc)
		return rc;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		rc = lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EINPUT,
				"cannot read the plan '%s': %s", path, jerr.text);
		goto out;
	}
	plan = json_object_get(root, "plan");
	tasks = json_object_get(root, "tasks");
	archive = json_object_get(root, "archive");
	if (!json_is_string(plan) || !json_is_integer(tasks) || json_integer_value(tasks) < 1 ||
	    json_integer_value(tasks) > MAX_TASKS || !json_is_string(archive)) {
		rc = lt_err_set(err, LT_EINPUT, "'%s' is not a luutru plan: it wants \"plan\", "
				"\"tasks\" (1 to %d) and \"archive\"", path, MAX_TASKS);
		goto out;
	}
	/* The id goes into the scripts' comments: a line break would end one. */
	if (strpbrk(json_string_value(plan), "\n\r")) {
		rc = lt_err_set(err, LT_EINPUT, "'%s': the plan's id holds a line break", path);
		goto out;
	}
	s->plan_id = strdup(json_string_value(plan));
	s->archive = strdup(json_string_value(archive));
	s->tasks = (long)json_integer_value(tasks);
	if (!s->plan_id || !s->archive)
		rc = lt_err_set(err, LT_ENOMEM, "out of memory reading '%s'", path);
out:
	json_decref(root);
	free(path);
	return rc;
}

static int write_scripts(const struct slurm_setup *s, struct lt_buf *array, struct lt_buf *merge,
			 struct lt_err *err)
{
	if (array_script(array, s, err) || merge_script(merge, s, err))
		return err->code;
	if (write_durably(s->dir, "array.sbatch", lt_buf_str(array), 0755, err) ||
	    write_durably(s->dir, "merge.sbatch", lt_buf_str(merge), 0755, err))
		return err->code;
	return LT_OK;
}

/* The tasks whose shard has no DONE yet, in order, into unfinished[]. */
static int unfinished_tasks(const struct slurm_setup *s, long *unfinished, size_t *n,
			    struct lt_err *err)
{
	*n = 0;
	for (long k = 0; k < s->tasks; k++) {
		char leaf[32];
		int done = 0;

		snprintf(leaf, sizeof(leaf), "%ld/DONE", k);
		if (file_exists(s->dir, leaf, &done, err))
			return err->code;
		if (!done)
			unfinished[(*n)++] = k;
	}
	return LT_OK;
}

/* Task numbers as Slurm's --array wants them: "0-2", "1,4-6". */
static int task_list(struct lt_buf *b, const long *tasks, size_t n, struct lt_err *err)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && tasks[j + 1] == tasks[j] + 1)
			j++;
		if (lt_buf_printf(b, err, i ? ",%ld" : "%ld", tasks[i]))
			return err->code;
		if (j > i && lt_buf_printf(b, err, "-%ld", tasks[j]))
			return err->code;
		i = j + 1;
	}
	return LT_OK;
}

static json_t *tasks_json(const long *tasks, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_integer(tasks[i]));
	return a;
}

/* Appends one submission to DIR/slurm.json (created if missing): the record
 * --resume reads to know which jobs may still hold a task. */
static int record_submission(const struct slurm_setup *s, const char *array_job,
			     const long *tasks, size_t n, const char *merge_job, struct lt_err *err)
{
	char *path = NULL, *text = NULL, when[32];
	json_t *root = NULL, *subs, *sub = NULL;
	json_error_t jerr;
	struct tm tm;
	time_t now = time(NULL);
	int rc = lt_path(&path, err, "%s/slurm.json", s->dir);

	if (rc)
		return rc;
	/* The first submission of a plan makes the file. */
	root = access(path, F_OK) == 0 ? json_load_file(path, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!root && access(path, F_OK) == 0) {
		rc = lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", path, jerr.text);
		goto out;
	}
	if (!root)
		root = json_pack("{s:s, s:s, s:s, s:[]}", "plan", s->plan_id, "archive", s->archive,
				 "luutru", s->luutru, "submissions");
	subs = root ? json_object_get(root, "submissions") : NULL;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sub = json_pack("{s:s, s:s?, s:o, s:s?}", "submitted", when, "array_job", array_job,
			"tasks", tasks_json(tasks, n), "merge_job", merge_job);
	if (!json_is_array(subs) || !sub || json_array_append_new(subs, sub)) {
		rc = lt_err_set(err, json_is_array(subs) || !root ? LT_ENOMEM : LT_EINPUT,
				"cannot record the submission in '%s'", path);
		goto out;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	rc = text ? write_durably(s->dir, "slurm.json", text, 0644, err)
		  : lt_err_set(err, LT_ENOMEM, "out of memory writing '%s'", path);
out:
	free(text);
	json_decref(root);
	free(path);
	return rc;
}

/* The array jobs of every earlier submission (slurm.json), for --resume. */
static int earlier_array_jobs(const struct slurm_setup *s, json_t **jobs, struct lt_err *err)
{
	char *path = NULL;
	json_t *root, *subs, *sub;
	json_error_t jerr;
	size_t i;
	int rc = lt_path(&path, err, "%s/slurm.json", s->dir);

	*jobs = json_array();
	if (rc || !*jobs)
		return rc ? rc : lt_err_set(err, LT_ENOMEM, "out of memory");
	if (access(path, F_OK) != 0) {  /* never submitted: a plan made by `shard` alone */
		free(path);
		return LT_OK;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		rc = lt_err_set(err, LT_EINPUT, "cannot read '%s': %s", path, jerr.text);
		free(path);
		return rc;
	}
	subs = json_object_get(root, "submissions");
	json_array_foreach(subs, i, sub) {
		json_t *id = json_object_get(sub, "array_job");

		if (json_is_string(id))
			json_array_append(*jobs, id);
	}
	json_decref(root);
	free(path);
	return LT_OK;
}

/* ---- Slurm ---- */

/* sbatch --parsable ARGS... SCRIPT: the job id into id[] ("123" of
 * "123;cluster"). sbatch's own complaints are shown as they are. */
static int sbatch(char **argv, char id[32], struct lt_err *err)
{
	struct lt_buf out = LT_BUF_INIT, errtext = LT_BUF_INIT;
	int status = 0, rc = run_program(argv, NULL, &out, &errtext, &status, err);
	const char *o;
	size_t len;

	if (rc)
		goto out;
	o = trimmed(&out);
	len = strspn(o, "0123456789");
	if (status != 0 || !len || len >= 32 || (o[len] && o[len] != ';')) {
		size_t last = 0;

		while (argv[last + 1])
			last++;
		rc = lt_err_set(err, LT_EINTERNAL, "sbatch refused '%s' (exit %d): %s", argv[last],
				status, errtext.len ? trimmed(&errtext) : o);
		goto out;
	}
	memcpy(id, o, len);
	id[len] = '\0';
	if (errtext.len)  /* warnings of an accepted job */
		lt_cmd_printf(stderr, "%s\n", trimmed(&errtext));
out:
	lt_buf_release(&out);
	lt_buf_release(&errtext);
	return rc;
}

/* A job's state and exit code, from scontrol while slurmctld keeps the job
 * (MinJobAge), else from the accounting (sacct). */
static int job_state(const char *job, char state[32], int *exit_code, int *never,
		     struct lt_err *err)
{
	char *scontrol[] = { "scontrol", "-o", "show", "job", (char *)job, NULL };
	char *sacct[] = { "sacct", "-n", "-X", "-P", "-o", "State,ExitCode", "-j", (char *)job, NULL };
	struct lt_buf out = LT_BUF_INIT, errtext = LT_BUF_INIT;
	const char *s, *e;
	int status = 1, rc = run_program(scontrol, NULL, &out, &errtext, &status, err);

	*exit_code = -1;
	*never = strstr(lt_buf_str(&out), " Reason=DependencyNeverSatisfied") != NULL;
	if (!rc && status == 0 && (s = strstr(lt_buf_str(&out), "JobState="))) {
		s += strlen("JobState=");
		snprintf(state, 32, "%.*s", (int)strcspn(s, " \n"), s);
		e = strstr(lt_buf_str(&out), " ExitCode=");
		if (e)
			*exit_code = atoi(e + strlen(" ExitCode="));
		goto out;
	}
	lt_buf_reset(&out);
	lt_buf_reset(&errtext);
	rc = run_program(sacct, NULL, &out, &errtext, &status, err);
	if (!rc && status == 0 && lt_buf_str(&out)[0]) {
		s = lt_buf_str(&out);
		snprintf(state, 32, "%.*s", (int)strcspn(s, "| \n"), s);
		e = strchr(s, '|');
		if (e)
			*exit_code = atoi(e + 1);
		goto out;
	}
	if (!rc)
		rc = lt_err_set(err, LT_EINTERNAL, "Slurm no longer knows job %s (scontrol and sacct "
				"found nothing): %s", job, trimmed(&errtext));
out:
	lt_buf_release(&out);
	lt_buf_release(&errtext);
	return rc;
}

static int state_is_final(const char *state)
{
	static const char *const final[] = { "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
		"NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", NULL };

	for (size_t i = 0; final[i]; i++)
		if (strncmp(state, final[i], strlen(final[i])) == 0)
			return 1;
	return 0;
}

/* Waits until job has ended; its final state and exit code (-1 unknown). */
static int wait_job(const char *job, char state[32], int *exit_code, struct lt_err *err)
{
	unsigned delay = POLL_FIRST_SECONDS;

	for (;;) {
		int never = 0, rc = job_state(job, state, exit_code, &never, err);

		if (rc)
			return rc;
		if (state_is_final(state))
			return LT_OK;
		/* Kept pending for ever unless a person cancels it. */
		if (never)
			return lt_err_set(err, LT_EINTERNAL, "job %s can never start: its dependency "
					  "cannot be satisfied (scancel %s; then luutru slurm --resume)",
					  job, job);
		sleep(delay);
		if (delay < POLL_MAX_SECONDS)
			delay++;
	}
}

/* The array tasks Slurm still holds (pending or running) for the jobs of
 * earlier submissions, marked in queued[0..tasks). A job Slurm forgot holds
 * nothing. */
static int queued_tasks(const struct slurm_setup *s, json_t *jobs, char *queued, struct lt_err *err)
{
	size_t i;
	json_t *job;

	json_array_foreach(jobs, i, job) {
		char *argv[] = { "squeue", "-h", "-r", "-o", "%K", "-j",
				 (char *)json_string_value(job), NULL };
		struct lt_buf out = LT_BUF_INIT, errtext = LT_BUF_INIT;
		int status = 0, rc = run_program(argv, NULL, &out, &errtext, &status, err);
		char *line, *save = NULL;

		if (!rc && status != 0 && !strstr(lt_buf_str(&errtext), "Invalid job id"))
			rc = lt_err_set(err, LT_EINTERNAL, "squeue cannot list job %s: %s",
					json_string_value(job), trimmed(&errtext));
		for (line = status || rc || !out.data ? NULL : strtok_r(out.data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			long k;

			if (lt_cmd_int_in(line, 0, s->tasks - 1, &k))
				queued[k] = 1;
		}
		lt_buf_release(&out);
		lt_buf_release(&errtext);
		if (rc)
			return rc;
	}
	return LT_OK;
}

/* ---- the command ---- */

static int check_tasks(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, MAX_TASKS, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --tasks wants a number of shards from 1 to %d, "
				  "not '%s'", cmd, MAX_TASKS, value);
	return LT_OK;
}

static int check_cpus(const char *cmd, const char *value, struct lt_err *err)
{
	long v;

	if (!lt_cmd_int_in(value, 1, 256, &v))
		return lt_err_set(err, LT_EUSAGE, "%s: --cpus-per-task wants a number from 1 to 256, "
				  "not '%s'", cmd, value);
	return LT_OK;
}

static int check_text(const char *cmd, const char *value, struct lt_err *err)
{
	if (!*value)
		return lt_err_set(err, LT_EUSAGE, "%s: an option here wants a value", cmd);
	return refuse_line_breaks(cmd, value, err);
}

/* The absolute form of path, which must exist. */
static int absolute(const char *path, char **out, struct lt_err *err)
{
	*out = realpath(path, NULL);
	if (!*out)
		return lt_err_set(err, errno == ENOENT ? LT_ENOTFOUND : LT_EIO, "cannot find '%s': %s",
				  path, strerror(errno));
	return LT_OK;
}

/* The absolute form of a folder that must not exist yet (its parent must). */
static int absolute_new(const char *path, char **out, struct lt_err *err)
{
	char *copy = strdup(path), *slash, *parent = NULL;
	struct stat st;
	int rc = LT_OK;

	*out = NULL;
	if (!copy)
		return lt_err_set(err, LT_ENOMEM, "out of memory");
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	if (lstat(copy, &st) == 0) {
		rc = lt_err_set(err, LT_EUSAGE, "'%s' exists already: a plan goes into a new folder "
				"(to submit an existing plan's unfinished shards: luutru slurm "
				"--resume '%s')", path, path);
		goto out;
	}
	slash = strrchr(copy, '/');
	if (slash == copy) {
		rc = lt_path(out, err, "%s", copy);
		goto out;
	}
	if (slash)
		*slash = '\0';
	if ((rc = absolute(slash ? copy : ".", &parent, err)))
		goto out;
	rc = lt_path(out, err, "%s/%s", strcmp(parent, "/") ? parent : "",
		     slash ? slash + 1 : copy);
out:
	free(parent);
	free(copy);
	return rc;
}

/* The default folder of a plan: ARCHIVE/shards/<UTC time>. */
static int default_dir(const char *archive, char **out, struct lt_err *err)
{
	char stamp[32], *shards = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	rc = lt_path(&shards, err, "%s/shards", archive);
	if (!rc && mkdir(shards, 0755) != 0 && errno != EEXIST)
		rc = lt_err_set(err, LT_EIO, "cannot create '%s': %s", shards, strerror(errno));
	if (!rc)
		rc = lt_path(out, err, "%s/%s", shards, stamp);
	free(shards);
	return rc;
}

/* `luutru shard --tasks N --out DIR --json`, run by this same binary: its
 * messages go to our stderr, its plan.json is read back from DIR. Returns
 * the exit code (LT_EXIT_OK when the plan is there). */
static int plan_shards(struct slurm_setup *s, const char *tasks)
{
	char *argv[] = { s->luutru, "--archive", s->archive, "shard", "--tasks", (char *)tasks,
			 "--out", s->dir, "--json", NULL };
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };
	int status = 0, rc = run_program(argv, NULL, &out, NULL, &status, &err);

	lt_buf_release(&out);
	if (rc)
		return lt_cmd_fail(&err);
	if (status != 0)  /* shard said why on stderr (an empty queue, ...) */
		return status < LT_EXIT_USAGE ? status : LT_EXIT_FATAL;
	free(s->plan_id);
	free(s->archive);
	s->plan_id = s->archive = NULL;
	if (read_plan(s, &err))
		return lt_cmd_fail(&err);
	return LT_EXIT_OK;
}

/* Gives a plan's documents back to the queue after its array was refused. */
static void cancel_plan(const struct slurm_setup *s)
{
	char *argv[] = { s->luutru, "--archive", s->archive, "shard", "--cancel", s->dir, NULL };
	struct lt_buf out = LT_BUF_INIT;
	struct lt_err err = { 0 };
	int status = 0;

	if (run_program(argv, NULL, &out, NULL, &status, &err))
		lt_cmd_fail(&err);
	else if (status == 0)
		lt_cmd_printf(stderr, _("plan %s cancelled: its documents are queued again\n"),
			      s->plan_id);
	lt_buf_release(&out);
}

/* One "--name=value" option of sbatch's line, kept in opts (NUL-separated);
 * its offset into at[(*k)++]. */
static int add_option(struct lt_buf *opts, size_t *at, int *k, struct lt_err *err,
		      const char *name, const char *value)
{
	at[(*k)++] = opts->len;
	if (lt_buf_printf(opts, err, "--%s=%s", name, value) || lt_buf_append(opts, "", 1, err))
		return err->code;
	return LT_OK;
}

/* sbatch's line for one job into argv (12 entries at most). A resume's
 * options override the script's (sbatch's own rule: its command line wins
 * over #SBATCH lines). */
static int sbatch_argv(char **argv, const struct slurm_setup *s, int resume, int is_array,
		       const char *array, const char *dependency, const char *script,
		       struct lt_buf *opts, struct lt_err *err)
{
	size_t at[6], n = 0;
	int k = 0;

	lt_buf_reset(opts);
	if (array && add_option(opts, at, &k, err, "array", array))
		return err->code;
	if (dependency && add_option(opts, at, &k, err, "dependency", dependency))
		return err->code;
	if (resume && s->partition && add_option(opts, at, &k, err, "partition", s->partition))
		return err->code;
	if (resume && s->time_limit && add_option(opts, at, &k, err, "time", s->time_limit))
		return err->code;
	if (resume && is_array && s->cpus && add_option(opts, at, &k, err, "cpus-per-task", s->cpus))
		return err->code;
	argv[n++] = "sbatch";
	argv[n++] = "--parsable";
	for (int i = 0; i < k; i++)  /* opts no longer grows: the pointers hold */
		argv[n++] = opts->data + at[i];
	argv[n++] = (char *)script;
	argv[n] = NULL;
	return LT_OK;
}

/* argv as a line a person can paste into a shell, after prefix and before
 * suffix. The dependency on "$ARRAY_JOB" stays unquoted for the shell to
 * expand. */
static int print_command(const char *prefix, char **argv, const char *suffix, struct lt_err *err)
{
	struct lt_buf line = LT_BUF_INIT;
	int rc = lt_buf_puts(&line, prefix, err);

	for (size_t i = 0; argv[i] && !rc; i++) {
		if (i)
			rc = lt_buf_puts(&line, " ", err);
		if (!rc)
			rc = strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789-_=:,./%") == strlen(argv[i]) ||
				     strcmp(argv[i], "--dependency=afterany:$ARRAY_JOB") == 0
				     ? lt_buf_puts(&line, argv[i], err) : sh_word(&line, argv[i], err);
	}
	if (!rc)
		rc = lt_buf_puts(&line, suffix, err);
	if (!rc)
		printf("%s\n", lt_buf_str(&line));
	lt_buf_release(&line);
	return rc;
}

struct submit_result {
	char array_job[32];   /* "" when no task was submitted */
	char merge_job[32];
	char merge_state[32]; /* with --wait */
	int merge_exit;
};

/* Submits the array (tasks[], all of them when !resume) and the merge job
 * after it, records them in slurm.json. print: shows the sbatch lines instead. */
static int submit(const struct slurm_setup *s, int resume, const long *tasks, size_t n,
		  int print, struct submit_result *res, struct lt_err *err)
{
	struct lt_buf list = LT_BUF_INIT, opts = LT_BUF_INIT, dependency = LT_BUF_INIT;
	char *array_path = NULL, *merge_path = NULL, *argv[12];
	int rc;

	memset(res, 0, sizeof(*res));
	rc = lt_path(&array_path, err, "%s/array.sbatch", s->dir);
	if (!rc)
		rc = lt_path(&merge_path, err, "%s/merge.sbatch", s->dir);
	if (!rc)
		rc = task_list(&list, tasks, n, err);
	if (rc)
		goto out;
	if (n) {
		rc = sbatch_argv(argv, s, resume, 1, resume ? lt_buf_str(&list) : NULL, NULL,
				 array_path, &opts, err);
		if (rc)
			goto out;
		rc = print ? print_command("ARRAY_JOB=$(", argv, ")", err)
			   : sbatch(argv, res->array_job, err);
		if (rc)
			goto out;
	}
	if (n && lt_buf_printf(&dependency, err, "afterany:%s",
			       print ? "$ARRAY_JOB" : res->array_job)) {
		rc = err->code;
		goto out;
	}
	rc = sbatch_argv(argv, s, resume, 0, NULL, n ? lt_buf_str(&dependency) : NULL, merge_path,
			 &opts, err);
	if (rc)
		goto out;
	if (print) {
		rc = print_command("", argv, "", err);
		goto out;
	}
	rc = sbatch(argv, res->merge_job, err);
	if (rc) {
		lt_err_prefix(err, "the array job %s is submitted, its merge job is not "
			      "(run `luutru merge %s` once the array has ended): ",
			      res->array_job[0] ? res->array_job : "-", s->dir);
		record_submission(s, res->array_job, tasks, n, NULL, NULL);
		goto out;
	}
	rc = record_submission(s, n ? res->array_job : NULL, tasks, n, res->merge_job, err);
out:
	lt_buf_release(&list);
	lt_buf_release(&opts);
	lt_buf_release(&dependency);
	free(array_path);
	free(merge_path);
	return rc;
}

static int report(const struct lt_args *args, const struct slurm_setup *s, const long *tasks,
		  size_t n, const struct submit_result *res, int waited, const long *unfinished,
		  size_t n_unfinished)
{
	struct lt_buf list = LT_BUF_INIT;
	struct lt_err err = { 0 };

	if (lt_args_get(args, "json")) {
		json_t *o = json_pack("{s:s, s:s, s:s?, s:o, s:s}", "plan", s->plan_id, "dir", s->dir,
				      "array_job", res->array_job[0] ? res->array_job : NULL,
				      "tasks", tasks_json(tasks, n), "merge_job", res->merge_job);

		if (o && waited) {
			json_object_set_new(o, "merge_state", json_string(res->merge_state));
			json_object_set_new(o, "merge_exit", res->merge_exit < 0 ? json_null()
								: json_integer(res->merge_exit));
			json_object_set_new(o, "unfinished", tasks_json(unfinished, n_unfinished));
		}
		if (!o || json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) {
			json_decref(o);
			lt_err_set(&err, LT_ENOMEM, "cannot write the JSON report");
			return lt_cmd_fail(&err);
		}
		putchar('\n');
		json_decref(o);
		return LT_EXIT_OK;
	}
	if (task_list(&list, tasks, n, &err))
		return lt_cmd_fail(&err);
	if (res->array_job[0])
		lt_cmd_printf(stdout, _("plan %s: array job %s (tasks %s), merge job %s after it; "
					"folder %s\n"), s->plan_id, res->array_job, lt_buf_str(&list),
			      res->merge_job, s->dir);
	else
		lt_cmd_printf(stdout, _("plan %s: every shard is DONE; merge job %s; folder %s\n"),
			      s->plan_id, res->merge_job, s->dir);
	lt_buf_release(&list);
	if (!waited)
		return LT_EXIT_OK;
	lt_cmd_printf(stdout, _("merge job %s ended: %s, exit %d\n"), res->merge_job,
		      res->merge_state, res->merge_exit);
	if (n_unfinished) {
		lt_buf_reset(&list);
		if (task_list(&list, unfinished, n_unfinished, &err))
			return lt_cmd_fail(&err);
		lt_cmd_printf(stdout, _("shards not finished: %s; submit them again with: luutru "
					"slurm --resume %s\n"), lt_buf_str(&list), s->dir);
		lt_buf_release(&list);
	}
	return LT_EXIT_OK;
}

/* --wait: until the merge job has ended; the exit code it deserves. */
static int wait_merge(const struct slurm_setup *s, struct submit_result *res, long *unfinished,
		      size_t *n_unfinished, struct lt_err *err)
{
	int rc;

	lt_cmd_printf(stderr, _("waiting for merge job %s (Ctrl-C stops the waiting, not "
					"the jobs)\n"), res->merge_job);
	rc = wait_job(res->merge_job, res->merge_state, &res->merge_exit, err);
	if (!rc)
		rc = unfinished_tasks(s, unfinished, n_unfinished, err);
	return rc;
}

static int exit_after_wait(const struct submit_result *res, size_t n_unfinished)
{
	int rc = LT_EXIT_OK;

	if (strncmp(res->merge_state, "COMPLETED", 9) != 0 || res->merge_exit != 0)
		rc = res->merge_exit >= LT_EXIT_PROBLEM && res->merge_exit <= LT_EXIT_FATAL
			     ? res->merge_exit : LT_EXIT_PROBLEM;
	if (!rc && n_unfinished)
		rc = LT_EXIT_PROBLEM;
	return rc;
}

static int run_new(const struct lt_args *args, struct slurm_setup *s)
{
	const char *dir = lt_args_get(args, "dir"), *tasks = lt_args_get(args, "tasks");
	int print = lt_args_get(args, "print") != NULL, wait = lt_args_get(args, "wait") != NULL;
	struct lt_buf array = LT_BUF_INIT, merge = LT_BUF_INIT;
	struct submit_result res;
	struct lt_err err = { 0 };
	long *all = NULL, *unfinished = NULL;
	char *default_path = NULL;
	size_t n_unfinished = 0;
	int rc;

	if (!tasks)
		return lt_cmd_usage_error(args->cmd, _("slurm: say how many shards with --tasks N, "
						       "or --resume DIR"));
	if (print && (wait || lt_args_get(args, "json")))
		return lt_cmd_usage_error(args->cmd, _("slurm: --print submits nothing: it goes "
						       "with neither --wait nor --json"));
	if (!print && find_in_path("sbatch", &err))
		return lt_cmd_fail(&err);
	if (absolute(args->cli->archive, &s->archive, &err))
		return lt_cmd_fail(&err);
	rc = dir ? LT_OK : default_dir(s->archive, &default_path, &err);
	if (!rc)
		rc = absolute_new(dir ? dir : default_path, &s->dir, &err);
	free(default_path);
	if (!rc)
		rc = refuse_line_breaks(lt_i18n_err_format(N_("the plan's folder")), s->dir, &err);
	if (!rc)
		rc = refuse_line_breaks(lt_i18n_err_format(N_("the archive's path")), s->archive, &err);
	if (rc)
		return lt_cmd_fail(&err);
	/* Ask Slurm first whether it would take such an array (a partition that
	 * does not exist, more CPUs than a node has), so that a refusal leases
	 * nothing. */
	if (!print) {
		struct lt_buf out = LT_BUF_INIT, errtext = LT_BUF_INIT;
		char *argv[] = { "sbatch", "--test-only", NULL };
		int status = 0;

		s->plan_id = strdup("(test)");
		s->tasks = strtol(tasks, NULL, 10);
		rc = s->plan_id ? array_script(&array, s, &err)
				: lt_err_set(&err, LT_ENOMEM, "out of memory");
		if (!rc)
			rc = run_program(argv, lt_buf_str(&array), &out, &errtext, &status, &err);
		if (!rc && status != 0)
			rc = lt_err_set(&err, LT_EINTERNAL, "sbatch refuses the job array (exit %d), "
					"nothing was planned: %s", status, trimmed(&errtext));
		lt_buf_release(&out);
		lt_buf_release(&errtext);
		lt_buf_reset(&array);
		if (rc) {
			rc = lt_cmd_fail(&err);
			goto out;
		}
	}
	rc = plan_shards(s, tasks);
	if (rc)
		goto out;
	if (write_scripts(s, &array, &merge, &err)) {
		rc = lt_cmd_fail(&err);
		cancel_plan(s);
		goto out;
	}
	all = calloc((size_t)s->tasks, sizeof(*all));
	unfinished = calloc((size_t)s->tasks, sizeof(*unfinished));
	if (!all || !unfinished) {
		lt_err_set(&err, LT_ENOMEM, "out of memory");
		rc = lt_cmd_fail(&err);
		goto out;
	}
	for (long k = 0; k < s->tasks; k++)
		all[k] = k;
	if (print) {
		struct lt_buf quoted = LT_BUF_INIT;

		printf("==> %s/array.sbatch <==\n%s\n==> %s/merge.sbatch <==\n%s\n", s->dir,
		       lt_buf_str(&array), s->dir, lt_buf_str(&merge));
		if (sh_word(&quoted, s->dir, &err)) {
			rc = lt_cmd_fail(&err);
			goto out;
		}
		printf(_("# Nothing submitted. Submit with: luutru slurm --resume %s\n"
			 "# or by hand:\n"), lt_buf_str(&quoted));
		lt_buf_release(&quoted);
		rc = submit(s, 0, all, (size_t)s->tasks, 1, &res, &err) ? lt_cmd_fail(&err)
									  : LT_EXIT_OK;
		goto out;
	}
	if (submit(s, 0, all, (size_t)s->tasks, 0, &res, &err)) {
		rc = lt_cmd_fail(&err);
		if (!res.array_job[0])
			cancel_plan(s);
		goto out;
	}
	if (wait && wait_merge(s, &res, unfinished, &n_unfinished, &err)) {
		report(args, s, all, (size_t)s->tasks, &res, 0, NULL, 0);
		rc = lt_cmd_fail(&err);
		goto out;
	}
	rc = report(args, s, all, (size_t)s->tasks, &res, wait, unfinished, n_unfinished);
	if (!rc && wait)
		rc = exit_after_wait(&res, n_unfinished);
out:
	free(all);
	free(unfinished);
	lt_buf_release(&array);
	lt_buf_release(&merge);
	return rc;
}

static int run_resume(const struct lt_args *args, struct slurm_setup *s, const char *dir)
{
	int print = lt_args_get(args, "print") != NULL, wait = lt_args_get(args, "wait") != NULL;
	struct lt_buf array = LT_BUF_INIT, merge = LT_BUF_INIT, list = LT_BUF_INIT;
	struct submit_result res;
	struct lt_err err = { 0 };
	json_t *jobs = NULL;
	long *unfinished = NULL, *todo = NULL, *left = NULL;
	char *queued = NULL;
	size_t n_unfinished = 0, n_todo = 0, n_queued = 0, n_left = 0;
	int scripts = 0, rc;

	if (lt_args_get(args, "tasks") || lt_args_get(args, "dir"))
		return lt_cmd_usage_error(args->cmd, _("slurm: --resume DIR takes the plan in DIR: "
						       "no --tasks nor --dir"));
	if (print && (wait || lt_args_get(args, "json")))
		return lt_cmd_usage_error(args->cmd, _("slurm: --print submits nothing: it goes "
						       "with neither --wait nor --json"));
	if (!print && find_in_path("sbatch", &err))
		return lt_cmd_fail(&err);
	if (absolute(dir, &s->dir, &err) || read_plan(s, &err) ||
	    file_exists(s->dir, "array.sbatch", &scripts, &err))
		return lt_cmd_fail(&err);
	/* A plan made by `luutru shard` alone gets its scripts now. */
	if (!scripts && write_scripts(s, &array, &merge, &err))
		return lt_cmd_fail(&err);
	unfinished = calloc((size_t)s->tasks, sizeof(*unfinished));
	todo = calloc((size_t)s->tasks, sizeof(*todo));
	left = calloc((size_t)s->tasks, sizeof(*left));
	queued = calloc((size_t)s->tasks, 1);
	if (!unfinished || !todo || !left || !queued) {
		lt_err_set(&err, LT_ENOMEM, "out of memory");
		rc = lt_cmd_fail(&err);
		goto out;
	}
	/* A task Slurm still holds (pending, or running and not DONE yet) is
	 * left to it: submitting it again would run one shard twice at once. */
	rc = unfinished_tasks(s, unfinished, &n_unfinished, &err);
	if (!rc)
		rc = earlier_array_jobs(s, &jobs, &err);
	if (!rc && json_array_size(jobs))
		rc = queued_tasks(s, jobs, queued, &err);
	if (rc) {
		rc = lt_cmd_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < n_unfinished; i++) {
		if (queued[unfinished[i]])
			left[n_left++] = unfinished[i];
		else
			todo[n_todo++] = unfinished[i];
	}
	for (long k = 0; k < s->tasks; k++)
		n_queued += queued[k] != 0;
	if (n_left) {
		if (task_list(&list, left, n_left, &err)) {
			rc = lt_cmd_fail(&err);
			goto out;
		}
		lt_cmd_printf(stderr, _("shards %s are still in Slurm's queue: left to it\n"),
			      lt_buf_str(&list));
	}
	if (!n_todo && n_queued) {
		lt_cmd_printf(stdout, _("plan %s: nothing to submit again; tasks still queued will "
					"be merged by the merge job already waiting for them\n"),
			      s->plan_id);
		rc = LT_EXIT_OK;
		goto out;
	}
	if (print) {
		rc = submit(s, 1, todo, n_todo, 1, &res, &err) ? lt_cmd_fail(&err) : LT_EXIT_OK;
		goto out;
	}
	if (submit(s, 1, todo, n_todo, 0, &res, &err)) {
		rc = lt_cmd_fail(&err);
		goto out;
	}
	if (wait && wait_merge(s, &res, unfinished, &n_unfinished, &err)) {
		report(args, s, todo, n_todo, &res, 0, NULL, 0);
		rc = lt_cmd_fail(&err);
		goto out;
	}
	rc = report(args, s, todo, n_todo, &res, wait, unfinished, n_unfinished);
	if (!rc && wait)
		rc = exit_after_wait(&res, n_unfinished);
out:
	json_decref(jobs);
	free(unfinished);
	free(todo);
	free(left);
	free(queued);
	lt_buf_release(&array);
	lt_buf_release(&merge);
	lt_buf_release(&list);
	return rc;
}

static int run_slurm(const struct lt_args *args, struct lt_catalog *cat)
{
	struct slurm_setup s = { 0 };
	const char *front;
	const char *resume = lt_args_get(args, "resume");
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	struct lt_err err = { 0 };
	int rc;

	(void)cat;  /* the catalog is `shard`'s and `merge`'s: we run them */
	s.partition = lt_args_get(args, "partition");
	s.time_limit = lt_args_get(args, "time");
	s.cpus = lt_args_get(args, "cpus-per-task");
	s.merge_node = lt_args_get(args, "merge-node");
	/* Tasks on other nodes run this same luutru: its absolute path, the
	 * front's that handed us the command (front.c) rather than the
	 * engine's, so the scripts read as a person would type them. */
	front = getenv("LUUTRU_FRONT");
	if (front && front[0] == '/' && access(front, X_OK) == 0)
		s.luutru = realpath(front, NULL);
	else
		s.luutru = realpath("/proc/self/exe", NULL);
	if (!s.luutru) {
		lt_err_set(&err, LT_EINTERNAL, "cannot find this program's own path "
			   "(/proc/self/exe): %s", strerror(errno));
		return lt_cmd_fail(&err);
	}
	if (refuse_line_breaks(lt_i18n_err_format(N_("this program's path")), s.luutru, &err)) {
		free(s.luutru);
		return lt_cmd_fail(&err);
	}
	/* A child gone before reading its input must be an error, not our end. */
	sigaction(SIGPIPE, &ignore, &old);
	rc = resume ? run_resume(args, &s, resume) : run_new(args, &s);
	sigaction(SIGPIPE, &old, NULL);
	setup_release(&s);
	return rc;
}

static const struct lt_option options[] = {
	{ "tasks", 'n', "N", N_("plan the queue into N shards: a job array of N tasks"), check_tasks },
	{ "dir", 0, "DIR", N_("the plan's folder, new, on storage every node sees\n"
	  "(default: ARCHIVE/shards/<UTC time>)"), check_text },
	{ "partition", 'p', "P", N_("the Slurm partition of the jobs"), check_text },
	{ "time", 't', "T", N_("each job's time limit, as sbatch takes it (2:00:00)"), check_text },
	{ "cpus-per-task", 'c', "C", N_("CPUs of each task, its OCR workers (default 1)"), check_cpus },
	{ "merge-node", 0, "NODE", N_("run the merge job on NODE, the machine whose disk holds the "
	  "archive"), check_text },
	{ "print", 0, NULL, N_("write and print the scripts (and plan), submit nothing"), NULL },
	{ "wait", 'w', NULL, N_("wait for the merge job to end; exit with its status"), NULL },
	{ "resume", 0, "DIR", N_("submit again the tasks of plan DIR whose shard is not DONE,\n"
	  "and a new merge job after them"), check_text },
	{ "json", 0, NULL, N_("the plan's folder and job ids as a JSON object"), NULL },
	{ 0 },
};

const struct lt_command lt_cmd_slurm = {
	.name = "slurm",
	.summary = N_("run the queue on a Slurm cluster: a job array of shards, then a merge"),
	.usage =
	N_("usage: luutru slurm [--archive DIR] --tasks N [--dir DIR] [--partition P] [--time T]\n"
	"                    [--cpus-per-task C] [--merge-node NODE] [--print] [--wait] [--json]\n"
	"       luutru slurm [--archive DIR] --resume DIR [--partition P] [--time T]\n"
	"                    [--cpus-per-task C] [--print] [--wait] [--json]\n"
	"\n"
	"Plans the queued documents into N shards (`luutru shard`), writes DIR/array.sbatch\n"
	"(a job array, one task per shard: `luutru run --shard DIR/$SLURM_ARRAY_TASK_ID\n"
	"-j $SLURM_CPUS_PER_TASK`, its output in DIR/K/slurm-JOB_K.out) and DIR/merge.sbatch\n"
	"(`luutru merge DIR`), submits the array and then the merge job with\n"
	"--dependency=afterany on it, records both in DIR/slurm.json and prints their ids.\n"
	"DIR and the scans must be on storage every node sees; the merge job writes the\n"
	"catalog and must run where the archive's disk is local (--merge-node).\n"
	"\n"
	"--resume DIR submits again only the tasks whose shard has no DONE and that Slurm\n"
	"no longer holds (a node lost, a time limit, a task cancelled), and a new merge\n"
	"job after them. sbatch must be in PATH; Slurm is asked (sbatch --test-only) before\n"
	"anything is planned, so a refused array leases nothing.\n"),
	.options = options,
	.epilog =
	N_("Exit: 0 submitted (with --wait: merged, every shard DONE); 1 an empty queue, a\n"
	"shard not finished or a bundle refused by the merge; 2 usage (DIR exists\n"
	"already); 3 environment (no sbatch, Slurm refused the jobs).\n"
	"\n"
	"Examples:\n"
	"  luutru slurm --tasks 64 --partition batch --time 4:00:00 --cpus-per-task 8\n"
	"  luutru slurm --tasks 3 --dir /shared/plans/2026-12 --print\n"
	"  luutru slurm --resume /shared/plans/2026-12 --wait\n"),
	.access = LT_ACCESS_NONE,
	.run = run_slurm,
};
