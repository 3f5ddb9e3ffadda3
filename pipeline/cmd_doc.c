/* cmd_doc.c - man pages and the bash completion script, generated from the
 * command descriptors at build time (`make man`), so that what `--help`
 * says, what `man luutru-run` says and what Tab offers are one source.
 *
 * The roff is plain man(7) macros with every non-ASCII character written
 * as \[uXXXX]: the pages need no preconv and read the same under any locale.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "luutru/catalog.h"
#include "luutru/cmd_doc.h"

#ifndef LT_LIBEXECDIR
#define LT_LIBEXECDIR "/usr/local/lib/luutru"
#endif
#include "luutru/version.h"

/* What lt_cmd_parse() accepts for every command besides its own table. */
static const struct lt_option common_options[] = {
	{ "archive", 0, "DIR", N_("the archive (default: $LUUTRU_ARCHIVE, else ./archive)"), NULL },
	{ "help", 'h', NULL, N_("print the usage and exit"), NULL },
	{ 0 },
};

/* A descriptor's text in the message language; NULL and "" as they are
 * (gettext("") is the catalog's header). */
static const char *tr(const char *s)
{
	return s && *s ? _(s) : s;
}

/* ".SH NAME" with the heading in the message language. */
static void put_heading(FILE *out, const char *level, const char *heading);

/* ---- roff ---- */

/* The code point at p (n bytes left) into *cp; returns its length in bytes,
 * 0 for a byte that does not start valid UTF-8 (overlong forms, surrogates
 * and values past U+10FFFF included). */
static size_t utf8_next(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

void lt_roff_put(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len && p[i]) {
		unsigned cp = 0;
		size_t n = utf8_next(p + i, len - i, &cp);

		/* A control line starts with '.' or '\''; \& makes it text. */
		if ((i == 0 || p[i - 1] == '\n') && (p[i] == '.' || p[i] == '\''))
			fputs("\\&", out);
		if (n == 0) {
			fputc('?', out);
			i++;
			continue;
		}
		i += n;
		if (cp == '\\')
			fputs("\\e", out);
		else if (cp == '-')
			fputs("\\-", out); /* a hyphen of an option, not a typographic one */
		else if (cp == '\n')
			fputc('\n', out);
		else if (cp == '\t')
			fputc(' ', out);
		else if (cp < 0x20 || cp == 0x7F)
			fputc('?', out);
		else if (cp < 0x80)
			fputc((int)cp, out);
		else
			fprintf(out, "\\[u%04X]", cp);
	}
}

static void roff_puts(FILE *out, const char *s)
{
	lt_roff_put(out, s, strlen(s));
}

static int is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* Help text into roff: lines joined into paragraphs, a blank line starts
 * another, and lines indented by two spaces or more (examples, tables)
 * are kept as they are. */
static void put_text(FILE *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int literal = 0, pending_break = 0, any = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);

		if (is_blank(p, n)) {
			pending_break = any;
		} else {
			int indented = n >= 2 && p[0] == ' ' && p[1] == ' ';

			if (pending_break) {
				if (literal)
					fputs(".fi\n", out);
				literal = 0;
				fputs(".PP\n", out);
				pending_break = 0;
			}
			if (indented != literal)
				fputs(indented ? ".nf\n" : ".fi\n", out);
			literal = indented;
			if (!indented)
				while (n > 0 && *p == ' ')
					p++, n--;
			lt_roff_put(out, p, n);
			fputc('\n', out);
			any = 1;
		}
		p = nl ? nl + 1 : end;
	}
	if (literal)
		fputs(".fi\n", out);
}

static void put_text_z(FILE *out, const char *text)
{
	if (text)
		put_text(out, text, strlen(text));
}

/* The usage's first lines up to a blank line: the synopsis; its length. */
static size_t synopsis_len(const char *usage)
{
	const char *blank = strstr(usage, "\n\n");

	return blank ? (size_t)(blank - usage) + 1 : strlen(usage);
}

static void put_synopsis(FILE *out, const char *usage)
{
	size_t len = synopsis_len(usage);
	const char *p = usage, *end = usage + len;

	fputs(".nf\n", out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		/* TRANSLATORS: must be how every command's usage text starts. */
		const char *usage_word = _("usage: ");

		if (strncmp(p, usage_word, strlen(usage_word)) == 0)
			p += strlen(usage_word);
		else if (strncmp(p, "usage: ", 7) == 0)
			p += 7;
		if (eol > p) {
			lt_roff_put(out, p, (size_t)(eol - p));
			fputc('\n', out);
		}
		p = nl ? nl + 1 : end;
	}
	fputs(".fi\n", out);
}

static void put_description(FILE *out, const char *usage)
{
	size_t skip = synopsis_len(usage);

	put_text(out, usage + skip, strlen(usage + skip));
}

static void put_options(FILE *out, const struct lt_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		const struct lt_option *o = &opts[i];

		if (!o->help)
			continue;
		fputs(".TP\n", out);
		if (o->letter)
			fprintf(out, "\\fB\\-%c\\fR, ", o->letter);
		fputs("\\fB\\-\\-", out);
		roff_puts(out, o->name);
		fputs("\\fR", out);
		if (o->arg) {
			fputs(" \\fI", out);
			roff_puts(out, o->arg);
			fputs("\\fR", out);
		}
		fputc('\n', out);
		put_text_z(out, tr(o->help));
	}
}

/* "Example:" or "Examples:" at a line's start in an epilog, or NULL. */
static const char *find_examples(const char *epilog)
{
	/* TRANSLATORS: how the examples' heading starts in every command's
	 * epilog ("Example:", "Examples:"). */
	const char *word = _("Example");

	for (const char *p = epilog; p && *p;) {
		if (strncmp(p, word, strlen(word)) == 0 || strncmp(p, "Example", 7) == 0)
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static void put_epilog(FILE *out, const char *epilog, const char *heading_level)
{
	const char *examples = find_examples(epilog);
	size_t notes_len = examples ? (size_t)(examples - epilog) : strlen(epilog);

	if (!is_blank(epilog, notes_len)) {
		put_heading(out, heading_level, _("NOTES"));
		put_text(out, epilog, notes_len);
	}
	if (examples) {
		const char *body = strchr(examples, '\n');

		put_heading(out, heading_level, _("EXAMPLES"));
		put_text_z(out, body ? body + 1 : "");
	}
}

/* "2026-12-01" from SOURCE_DATE_EPOCH (reproducible builds), else empty:
 * a page generated twice must be the same bytes. */
static void page_date(char out[16])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	long long secs;
	struct tm tm;
	time_t t;

	out[0] = '\0';
	if (!sde || !*sde)
		return;
	secs = strtoll(sde, &end, 10);
	if (*end || secs < 0)
		return;
	t = (time_t)secs;
	if (gmtime_r(&t, &tm))
		strftime(out, 16, "%Y-%m-%d", &tm);
}

/* ".TH LUUTRU\-RUN 1 ...": the page's name (prefix then name) upper-cased. */
static void put_title(FILE *out, const char *prefix, const char *name)
{
	char date[16];

	page_date(date);
	fputs(".\\\" Generated by `luutru help --man` from the command descriptors: do not edit.\n",
	      out);
	fputs(".TH ", out);
	for (const char *part = prefix; part; part = part == prefix ? name : NULL)
		for (const char *p = part; p && *p; p++)
			if (*p == '-')
				fputs("\\-", out);
			else
				fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, out);
	fprintf(out, " 1 \"%s\" \"luutru %s\" \"", date, LT_VERSION);
	roff_puts(out, _("luutru manual"));
	fputs("\"\n", out);
}

static void put_heading(FILE *out, const char *level, const char *heading)
{
	fprintf(out, "%s ", level);
	roff_puts(out, heading);
	fputc('\n', out);
}

void lt_man_program(const struct lt_program_doc *prog, const struct lt_command *const *table,
		    FILE *out)
{
	put_title(out, "luutru", NULL);
	put_heading(out, ".SH", _("NAME"));
	fputs("luutru \\- ", out);
	roff_puts(out, tr(prog->summary));
	fputc('\n', out);
	put_heading(out, ".SH", _("SYNOPSIS"));
	put_synopsis(out, tr(prog->synopsis));
	put_heading(out, ".SH", _("DESCRIPTION"));
	put_text_z(out, tr(prog->description));
	put_heading(out, ".SH", _("COMMANDS"));
	for (size_t i = 0; table[i]; i++) {
		fputs(".TP\n\\fBluutru\\-", out);
		roff_puts(out, table[i]->name);
		fputs("\\fR(1)\n", out);
		put_text_z(out, tr(table[i]->summary));
	}
	put_heading(out, ".SH", _("OPTIONS"));
	put_options(out, prog->options);
	put_heading(out, ".SH", _("ENVIRONMENT"));
	fputs(".TP\n.B LUUTRU_ARCHIVE\n", out);
	put_text_z(out, _("The archive when --archive is not given; else ./archive.\n"));
	fputs(".TP\n.B OMP_THREAD_LIMIT\n", out);
	put_text_z(out, _("Unless it is set, luutru sets it to 1 for the commands that run OCR, so\n"
			  "that Tesseract's OpenMP threads do not compete with luutru's own workers.\n"));
	put_heading(out, ".SH", _("EXIT STATUS"));
	put_text_z(out, tr(prog->exit_status));
	put_heading(out, ".SH", _("FILES"));
	fputs(".TP\n.I ARCHIVE/catalog.sqlite\n", out);
	put_text_z(out, _("The catalog: documents, pages, full text, bundles, events.\n"));
	fputs(".TP\n.I ARCHIVE/bundles/\n", out);
	put_text_z(out, _("One BagIt bag in a tar per document version.\n"));
	fputs(".TP\n.I ARCHIVE/luutru.conf\n", out);
	put_text_z(out, _("The archive's settings (key = value).\n"));
	fputs(".TP\n.I " LT_LIBEXECDIR "/luutru-engine\n", out);
	put_text_z(out, _("luutru's engine: `luutru` runs search and status itself and executes the\n"
			  "engine for every other command.\n"));
	fputs(".TP\n.I /var/lib/luutru/archive\n", out);
	put_text_z(out, _("The archive of the Debian package's systemd units, owned by the luutru user.\n"));
	put_heading(out, ".SH", _("SEE ALSO"));
	for (size_t i = 0; table[i]; i++) {
		fputs("\\fBluutru\\-", out);
		roff_puts(out, table[i]->name);
		fputs("\\fR(1),\n", out);
	}
	fputs("\\fBtesseract\\fR(1)\n", out);
}

void lt_man_command(const struct lt_command *cmd, FILE *out)
{
	put_title(out, "luutru-", cmd->name);
	put_heading(out, ".SH", _("NAME"));
	fputs("luutru\\-", out);
	roff_puts(out, cmd->name);
	fputs(" \\- ", out);
	roff_puts(out, tr(cmd->summary));
	fputc('\n', out);
	put_heading(out, ".SH", _("SYNOPSIS"));
	put_synopsis(out, tr(cmd->usage));
	put_heading(out, ".SH", _("DESCRIPTION"));
	put_description(out, tr(cmd->usage));
	put_heading(out, ".SH", _("OPTIONS"));
	put_options(out, cmd->options);
	put_options(out, common_options);
	if (cmd->subs) {
		put_heading(out, ".SH", _("COMMANDS"));
		for (size_t i = 0; cmd->subs[i]; i++) {
			const struct lt_command *sub = cmd->subs[i];

			fprintf(out, ".SS \"luutru %s ", cmd->name);
			roff_puts(out, sub->name);
			fputs("\"\n", out);
			put_text_z(out, tr(sub->summary));
			fputs(".PP\n", out);
			put_synopsis(out, tr(sub->usage));
			fputs(".PP\n", out);
			put_description(out, tr(sub->usage));
			if (sub->options && sub->options[0].name) {
				fputs(".PP\n", out);
				put_text_z(out, _("Options:"));
				fputc('\n', out);
				put_options(out, sub->options);
			}
			if (sub->epilog) {
				fputs(".PP\n", out);
				put_text_z(out, tr(sub->epilog));
			}
		}
	}
	if (cmd->epilog)
		put_epilog(out, tr(cmd->epilog), ".SH");
	put_heading(out, ".SH", _("SEE ALSO"));
	fputs("\\fBluutru\\fR(1)\n", out);
}

/* ---- bash completion ---- */

/* Only these go into the script unquoted; anything else in a descriptor is
 * left out rather than trusted to the shell. */
static int shell_safe(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]))
			return 0;
	return 1;
}

enum value_kind { VALUE_NONE, VALUE_FILE, VALUE_DIR, VALUE_CHOICE, VALUE_DOC };

/* What an option's value or a positional argument named `name` is. */
static enum value_kind kind_of(const char *name)
{
	if (strchr(name, '|'))
		return VALUE_CHOICE;
	if (strcmp(name, "DOC") == 0)
		return VALUE_DOC;
	if (strstr(name, "DIR") || strcmp(name, "INBOX") == 0)
		return VALUE_DIR;
	if (strstr(name, "FILE") || strstr(name, "PATH"))
		return VALUE_FILE;
	return VALUE_NONE;
}

/* The positional arguments' kind, from the synopsis with the optional
 * "[-...]" groups (options and their values) left out: DOC first, then a
 * folder, then a file. */
static enum value_kind positional_kind(const char *usage)
{
	size_t len = synopsis_len(usage);
	enum value_kind best = VALUE_NONE;
	int skip_depth = 0;

	for (size_t i = 0; i < len;) {
		if (skip_depth) {
			skip_depth += usage[i] == '[';
			skip_depth -= usage[i] == ']';
			i++;
		} else if (usage[i] == '[' && i + 1 < len && usage[i + 1] == '-') {
			skip_depth = 1;
			i++;
		} else if (usage[i] >= 'A' && usage[i] <= 'Z') {
			char word[32];
			size_t n = 0;
			enum value_kind k;

			while (i < len && ((usage[i] >= 'A' && usage[i] <= 'Z') || usage[i] == '_')) {
				if (n + 1 < sizeof(word))
					word[n++] = usage[i];
				i++;
			}
			word[n] = '\0';
			k = kind_of(word);
			if (k == VALUE_DOC || (k == VALUE_DIR && best != VALUE_DOC) ||
			    (k == VALUE_FILE && best == VALUE_NONE))
				best = k;
		} else {
			i++;
		}
	}
	return best;
}

static void put_word_list(FILE *out, const struct lt_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		if (!opts[i].help || !shell_safe(opts[i].name, strlen(opts[i].name)))
			continue;
		fprintf(out, " --%s", opts[i].name);
		if (opts[i].letter && opts[i].letter < 128 && shell_safe((char[]){ (char)opts[i].letter }, 1))
			fprintf(out, " -%c", opts[i].letter);
	}
}

/* The case arms completing the value after an option of cmd (key is the
 * command as written: "run", "bag validate"). */
static void put_value_arms(FILE *out, const char *key, const struct lt_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		const struct lt_option *o = &opts[i];
		enum value_kind k;

		if (!o->arg || !shell_safe(o->name, strlen(o->name)))
			continue;
		k = kind_of(o->arg);
		fprintf(out, "\t\"%s:--%s\"", key, o->name);
		if (o->letter && shell_safe((char[]){ (char)o->letter }, 1))
			fprintf(out, " | \"%s:-%c\"", key, o->letter);
		/* A value of its own (N, LANGS): nothing to offer, but no options either. */
		fputs(")", out);
		if (k == VALUE_FILE)
			fputs("\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\t\t", out);
		else if (k == VALUE_DIR)
			fputs("\n\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n\t\t", out);
		else if (k == VALUE_CHOICE) {
			fputs("\n\t\tCOMPREPLY=($(compgen -W \"", out);
			for (const char *p = o->arg; *p;) {
				size_t n = strcspn(p, "|");

				if (shell_safe(p, n))
					fprintf(out, "%s%.*s", p == o->arg ? "" : " ", (int)n, p);
				p += n + (p[n] == '|');
			}
			fputs("\" -- \"$cur\"))\n\t\t", out);
		} else {
			fputc(' ', out);
		}
		fputs("return ;;\n", out);
	}
}

static void put_command_arms(FILE *out, const char *key, const struct lt_command *cmd,
			     int what /* 0 values, 1 options, 2 positional */)
{
	if (what == 0) {
		put_value_arms(out, key, cmd->options);
		return;
	}
	if (what == 1) {
		fprintf(out, "\t\"%s\") words=\"", key);
		put_word_list(out, cmd->options);
		put_word_list(out, common_options);
		fputs("\" ;;\n", out);
		return;
	}
	if (cmd->subs) {
		fprintf(out, "\t\"%s\") COMPREPLY=($(compgen -W \"", key);
		for (size_t i = 0; cmd->subs[i]; i++)
			if (shell_safe(cmd->subs[i]->name, strlen(cmd->subs[i]->name)))
				fprintf(out, "%s%s", i ? " " : "", cmd->subs[i]->name);
		fputs("\" -- \"$cur\")) ;;\n", out);
		return;
	}
	switch (positional_kind(cmd->usage)) {
	case VALUE_DOC:
		fprintf(out, "\t\"%s\") COMPREPLY=($(compgen -W \"$(_luutru_ids)\" -- \"$cur\")) ;;\n",
			key);
		break;
	case VALUE_DIR:
		fprintf(out, "\t\"%s\") COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n", key);
		break;
	case VALUE_FILE:
		fprintf(out, "\t\"%s\") COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n", key);
		break;
	default:
		break;
	}
}

/* Each command and each of its sub-commands, as the script names them. */
static void for_each_command(FILE *out, const struct lt_command *const *table, int what)
{
	for (size_t i = 0; table[i]; i++) {
		const struct lt_command *cmd = table[i];

		if (!shell_safe(cmd->name, strlen(cmd->name)))
			continue;
		put_command_arms(out, cmd->name, cmd, what);
		for (size_t j = 0; cmd->subs && cmd->subs[j]; j++) {
			char key[128];
			int n;

			if (!shell_safe(cmd->subs[j]->name, strlen(cmd->subs[j]->name)))
				continue;
			n = snprintf(key, sizeof(key), "%s %s", cmd->name, cmd->subs[j]->name);
			if (n < 0 || (size_t)n >= sizeof(key))
				continue; /* no command is named so long; a cut key would be wrong */
			put_command_arms(out, key, cmd->subs[j], what);
		}
	}
}

void lt_completion_bash(const struct lt_command *const *table, FILE *out)
{
	fputs("# bash completion for luutru(1): commands, options, option values and the\n"
	      "# archived documents' ids. Generated by `luutru help --completion` from the\n"
	      "# command descriptors: do not edit.\n"
	      "\n"
	      "_luutru()\n"
	      "{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= sub= archive= words= w i\n"
	      "\tlocal prog=${COMP_WORDS[0]}\n"
	      "\t(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tCOMPREPLY=()\n"
	      "\t# Ids of the archive named on the line (else $LUUTRU_ARCHIVE or ./archive).\n"
	      "\t_luutru_ids() { \"$prog\" ${archive:+--archive \"$archive\"} help --ids 2>/dev/null; }\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tcase $w in\n"
	      "\t\t--archive) archive=${COMP_WORDS[i+1]}; i=$((i + 1)); continue ;;\n"
	      "\t\t--archive=*) archive=${w#--archive=}; continue ;;\n"
	      "\t\t-*) continue ;;\n"
	      "\t\tesac\n"
	      "\t\tif [ -z \"$cmd\" ]; then\n"
	      "\t\t\tcmd=$w\n"
	      "\t\telif [ -z \"$sub\" ]; then\n"
	      "\t\t\tcase $cmd in\n", out);
	for (size_t i = 0; table[i]; i++)
		if (table[i]->subs && shell_safe(table[i]->name, strlen(table[i]->name)))
			fprintf(out, "\t\t\t%s) sub=$w ;;\n", table[i]->name);
	fputs("\t\t\tesac\n"
	      "\t\tfi\n"
	      "\tdone\n"
	      "\tlocal key=$cmd${sub:+ $sub}\n"
	      "\tcase $prev in\n"
	      "\t--archive) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
	      "\tesac\n"
	      "\tcase \"$key:$prev\" in\n", out);
	for_each_command(out, table, 0);
	fputs("\tesac\n"
	      "\tif [ -z \"$cmd\" ]; then\n"
	      "\t\tif [[ $cur == -* ]]; then\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"--archive --help --version\" -- \"$cur\"))\n"
	      "\t\telse\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"help", out);
	for (size_t i = 0; table[i]; i++)
		if (shell_safe(table[i]->name, strlen(table[i]->name)))
			fprintf(out, " %s", table[i]->name);
	fputs("\" -- \"$cur\"))\n"
	      "\t\tfi\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tif [ \"$key\" = help ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"", out);
	for (size_t i = 0; table[i]; i++)
		if (shell_safe(table[i]->name, strlen(table[i]->name)))
			fprintf(out, "%s%s", i ? " " : "", table[i]->name);
	fputs("\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tcase $key in\n", out);
	for_each_command(out, table, 1);
	fputs("\t\tesac\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $key in\n", out);
	for_each_command(out, table, 2);
	fputs("\tesac\n"
	      "}\n"
	      "complete -o filenames -F _luutru luutru\n", out);
}

/* ---- the hidden help requests ---- */

static void print_id(void *ud, const char *id, const char *label, const char *failure, int pages)
{
	(void)label, (void)failure, (void)pages;
	fprintf(ud, "%s\n", id);
}

int lt_cmd_doc(const struct lt_program_doc *prog, const struct lt_command *const *table,
	       const struct lt_cli *cli, int argc, char **argv)
{
	if (argc < 1)
		return -1;
	if (strcmp(argv[0], "--man") == 0 && argc <= 2) {
		const struct lt_command *cmd;

		if (argc == 1) {
			lt_man_program(prog, table, stdout);
			return LT_EXIT_OK;
		}
		cmd = lt_cmd_find(table, 1, argv + 1);
		if (!cmd) {
			fprintf(stderr, _("error: no command '%s'; `luutru --help` lists them\n"), argv[1]);
			return LT_EXIT_USAGE;
		}
		lt_man_command(cmd, stdout);
		return LT_EXIT_OK;
	}
	if (strcmp(argv[0], "--completion") == 0 && argc == 1) {
		lt_completion_bash(table, stdout);
		return LT_EXIT_OK;
	}
	if (strcmp(argv[0], "--commands") == 0 && argc == 1) {
		for (size_t i = 0; table[i]; i++)
			printf("%s\n", table[i]->name);
		return LT_EXIT_OK;
	}
	if (strcmp(argv[0], "--ids") == 0 && argc == 1) {
		struct lt_catalog *cat = NULL;
		struct lt_err err = { 0 };

		/* Tab in a folder with no archive: nothing to offer, nothing to say. */
		if (lt_catalog_open(cli->archive, LT_CATALOG_READ, &cat, &err) != LT_OK)
			return LT_EXIT_OK;
		if (lt_catalog_each_in_state(cat, LT_ARCHIVED, 0, print_id, stdout, &err) != LT_OK) {
			lt_catalog_close(cat);
			return lt_cmd_fail(&err);
		}
		lt_catalog_close(cat);
		return LT_EXIT_OK;
	}
	return -1;
}
