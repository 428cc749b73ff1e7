/* Writes the man pages (essim(1), and essim-COMMAND(1) for each command) and the bash
 * completion from the help's tables (src/cli/help.c), at build time, so that they say what
 * `essim --help` says.  Not installed: `cmake --install` installs what it wrote.
 * Usage: essim_docgen OUTDIR   (writes OUTDIR/man1/ *.1 and OUTDIR/bash-completion/essim) */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/help.h"

#define MAN_SOURCE "essim " ESSIM_VERSION
#define EXIT_STATUS "0 success, 1 runtime failure (I/O, memory), 2 bad input."

/* Text for roff: backslashes and hyphens escaped, and a line that would start with a control
 * character made plain text. */
static void roff_text(FILE *f, const char *text)
{
    bool line_start = true;
    for (const char *c = text; *c; c++) {
        if (line_start && (*c == '.' || *c == '\''))
            fputs("\\&", f);
        if (*c == '\\')
            fputs("\\e", f);
        else if (*c == '-')
            fputs("\\-", f);
        else
            fputc(*c, f);
        line_start = *c == '\n';
    }
}

/* A command's what-it-does text as a sentence: capital first, full stop last. */
static void roff_sentence(FILE *f, const char *text)
{
    char first[2] = {(char)toupper((unsigned char)text[0]), '\0'};
    roff_text(f, first);
    roff_text(f, text + 1);
    size_t n = strlen(text);
    fputs(n && !strchr(".!?", text[n - 1]) ? ".\n" : "\n", f);
}

/* The NAME line's summary: the first line of what it does, up to its first ',', ';' or " (". */
static void roff_summary(FILE *f, const char *what)
{
    size_t n = strcspn(what, ",;\n");
    const char *paren = strstr(what, " (");
    if (paren && (size_t)(paren - what) < n)
        n = (size_t)(paren - what);
    char summary[256];
    snprintf(summary, sizeof summary, "%.*s", (int)n, what);
    roff_text(f, summary);
    fputc('\n', f);
}

/* A synopsis of --help ("run SCENARIO ...", its next lines indented to line up and starting
 * with "essim"): one line of the form each. */
static void roff_synopsis(FILE *f, const char *synopsis)
{
    for (const char *line = synopsis; *line;) {
        line += strspn(line, " ");
        size_t n = strcspn(line, "\n");
        char text[512];
        snprintf(text, sizeof text, "%.*s", (int)n, line);
        fputs(line == synopsis ? "essim " : "", f);
        roff_text(f, text);
        fputc('\n', f);
        line += n + (line[n] == '\n');
    }
}

static void roff_options(FILE *f, unsigned bit)
{
    size_t n;
    const essim_cli_option *opt = essim_cli_options(&n);
    for (size_t i = 0; i < n; i++) {
        if (!(opt[i].commands & bit))
            continue;
        fputs(".TP\n.B ", f);
        roff_text(f, opt[i].name);
        fputc('\n', f);
        roff_text(f, opt[i].text);
        fputc('\n', f);
    }
}

static void roff_header(FILE *f, const char *title)
{
    fputs(".\\\" Generated from src/cli/help.c by essim_docgen (src/cli/docgen.c): do not edit.\n", f);
    fprintf(f, ".TH %s 1 \"\" \"%s\" \"essim manual\"\n", title, MAN_SOURCE);
    fputs(".nh\n.ad l\n", f); /* option names are not hyphenated, nor lines stretched */
}

static void roff_see_also(FILE *f, const char *except)
{
    size_t n;
    const essim_cli_command *cmd = essim_cli_commands(&n);
    fputs(".SH SEE ALSO\n", f);
    if (except)
        fputs(".BR essim (1),\n", f);
    for (size_t i = 0; i < n; i++) {
        if (except && strcmp(cmd[i].name, except) == 0)
            continue;
        fprintf(f, ".BR essim\\-%s (1)%s\n", cmd[i].name, i + 1 < n ? "," : "");
    }
    fputs(".PP\nThe user guide, docs/user\\-guide.md (installed in the documentation folder, "
          "PREFIX/share/doc/essim/).\n", f);
}

static void man_command(FILE *f, const essim_cli_command *cmd)
{
    char title[64];
    snprintf(title, sizeof title, "ESSIM-%s", cmd->name);
    for (char *c = title; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    roff_header(f, title);
    fprintf(f, ".SH NAME\nessim\\-%s \\- ", cmd->name);
    roff_summary(f, cmd->what);
    fputs(".SH SYNOPSIS\n.nf\n", f);
    roff_synopsis(f, cmd->synopsis);
    fputs(".fi\n.SH DESCRIPTION\n", f);
    roff_sentence(f, cmd->what);
    fputs(".SH OPTIONS\n", f);
    roff_options(f, cmd->bit);
    fputs(".SH EXAMPLE\n.nf\n.RS\n", f);
    roff_text(f, cmd->example);
    fputs("\n.RE\n.fi\n.SH EXIT STATUS\n" EXIT_STATUS "\n", f);
    roff_see_also(f, cmd->name);
}

static void man_essim(FILE *f)
{
    roff_header(f, "ESSIM");
    fputs(".SH NAME\nessim \\- employment services system simulator\n"
          ".SH SYNOPSIS\n.nf\n\\fBessim\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
          ".B essim \\-\\-help\n.B essim \\-\\-version\n.fi\n"
          ".SH DESCRIPTION\n"
          "essim is a discrete\\-event simulator of Ontario's Employment Services Transformation:\n"
          "clients arrive in catchments, are assessed and segmented into streams, are served by\n"
          "providers contracted by a service system manager, start jobs and are followed to\n"
          "retention checkpoints; a funding model prices every step into a ledger.\n"
          "A scenario file describes the situation; essim runs its replications and writes an\n"
          "output folder of tables, charts and report.html.\n"
          ".SH COMMANDS\n",
          f);
    size_t n;
    const essim_cli_command *cmd = essim_cli_commands(&n);
    for (size_t i = 0; i < n; i++) {
        /* the first form as the heading, any other below it, then what it does */
        size_t first = strcspn(cmd[i].synopsis, "\n");
        char heading[256];
        snprintf(heading, sizeof heading, "%.*s", (int)first, cmd[i].synopsis);
        fputs(".TP\n.B essim ", f);
        roff_text(f, heading);
        fputc('\n', f);
        if (cmd[i].synopsis[first]) {
            fputs(".nf\n.B\n", f);
            roff_synopsis(f, cmd[i].synopsis + first + 1);
            fputs(".fi\n", f);
        }
        roff_sentence(f, cmd[i].what);
        fprintf(f, "See\n.BR essim\\-%s (1).\n", cmd[i].name);
    }
    fputs(".SH OPTIONS\n", f);
    roff_options(f, ~0u);
    fputs(".TP\n.B \\-\\-version\nessim's version, and whether it was built with MPI\n", f);
    fputs(".SH FILES\n"
          "A scenario, funding model or overlay named on the command line that is not a file\n"
          "where essim runs is looked for among the files essim ships: in the folders of\n"
          ".BR ESSIM_PATH ,\n"
          "then in the data folder of the installation (\\fIPREFIX\\fR/share/essim beside\n"
          "\\fIPREFIX\\fR/bin/essim), which holds scenarios/ and model/.\n"
          "So \\fBessim run scenarios/default.cfg\\fR works from any folder, and a bare name\n"
          "is looked for in scenarios/ too: \\fBessim check default\\fR.\n"
          "A scenario's @include \"../model/...\" lines resolve against its own folder.\n"
          ".SH ENVIRONMENT\n.TP\n.B ESSIM_PATH\n"
          "folders, separated by colons, searched before the installed data folder.\n"
          ".SH EXIT STATUS\n" EXIT_STATUS "\n",
          f);
    roff_see_also(f, NULL);
}

/* ---- bash completion ----------------------------------------------------------------------- */

/* The argument an option takes, as written after its name ("DIR" of "-o, --out DIR"), or "". */
static const char *option_argument(const essim_cli_option *opt)
{
    const char *space = strrchr(opt->name, ' ');
    return space && space[1] != '-' ? space + 1 : "";
}

/* Its spellings: "-o --out" of "-o, --out DIR". */
static void option_words(FILE *f, const essim_cli_option *opt)
{
    for (const char *c = opt->name; *c;) {
        size_t n = strcspn(c, ", ");
        if (c[0] == '-')
            fprintf(f, " %.*s", (int)n, c);
        c += n;
        c += strspn(c, ", ");
    }
}

/* A case pattern ("-o | --out") of the options whose argument `match` accepts. */
static void case_pattern(FILE *f, bool (*match)(const char *arg))
{
    size_t n;
    const essim_cli_option *opt = essim_cli_options(&n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const char *arg = option_argument(&opt[i]);
        if (!arg[0] || !match(arg))
            continue;
        for (const char *c = opt[i].name; *c;) {
            size_t len = strcspn(c, ", ");
            if (c[0] == '-') {
                fprintf(f, "%s%.*s", first ? "" : " | ", (int)len, c);
                first = false;
            }
            c += len;
            c += strspn(c, ", ");
        }
    }
    if (first)
        fputs("--essim-no-such-option", f);
}

static bool takes_dir(const char *arg) { return strcmp(arg, "DIR") == 0; }
static bool takes_file(const char *arg) { return !strcmp(arg, "FILE") || !strcmp(arg, "LIST"); }
static bool takes_word(const char *arg) { return islower((unsigned char)arg[0]); }
static bool takes_other(const char *arg)
{
    return !takes_dir(arg) && !takes_file(arg) && !takes_word(arg);
}

static void completion(FILE *f)
{
    size_t ncmd, nopt;
    const essim_cli_command *cmd = essim_cli_commands(&ncmd);
    const essim_cli_option *opt = essim_cli_options(&nopt);
    fputs("# bash completion for essim: commands, options, scenario files.\n"
          "# Generated from src/cli/help.c by essim_docgen (src/cli/docgen.c): do not edit.\n\n"
          "# The folders essim looks in for the files it ships (essim(1), FILES).\n"
          "_essim_data_dirs()\n{\n"
          "  local IFS=: d exe\n"
          "  for d in $ESSIM_PATH; do [[ -n $d ]] && printf '%s\\n' \"$d\"; done\n"
          "  exe=$(type -P essim) && printf '%s\\n' \"${exe%/*}/../share/essim\"\n}\n\n"
          "# Scenario files (*.cfg) and folders: where essim runs, then the shipped ones.\n"
          "_essim_cfg()\n{\n"
          "  local IFS=$'\\n' cur=$1 d f\n"
          "  for f in $(compgen -f -- \"$cur\"); do\n"
          "    if [[ -d $f ]]; then COMPREPLY+=(\"$f/\"); elif [[ $f == *.cfg ]]; then "
          "COMPREPLY+=(\"$f\"); fi\n"
          "  done\n"
          "  for d in $(_essim_data_dirs); do\n"
          "    [[ -d $d ]] || continue\n"
          "    for f in $(cd \"$d\" && compgen -f -- \"$cur\"); do\n"
          "      [[ -e $f ]] && continue\n"
          "      if [[ -d $d/$f ]]; then COMPREPLY+=(\"$f/\"); elif [[ $f == *.cfg ]]; then "
          "COMPREPLY+=(\"$f\"); fi\n"
          "    done\n"
          "  done\n"
          "  [[ ${COMPREPLY[*]} == */* ]] && compopt -o nospace 2>/dev/null\n"
          "  return 0\n}\n\n"
          "_essim()\n{\n"
          "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "  COMPREPLY=()\n"
          "  if ((COMP_CWORD == 1)); then\n"
          "    mapfile -t COMPREPLY < <(compgen -W '",
          f);
    for (size_t i = 0; i < ncmd; i++)
        fprintf(f, "%s ", cmd[i].name);
    fputs("help --help --version' -- \"$cur\")\n"
          "    return 0\n  fi\n"
          "  case $prev in\n    ",
          f);
    case_pattern(f, takes_dir);
    fputs(")\n      mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n"
          "      compopt -o filenames 2>/dev/null\n      return 0 ;;\n    ",
          f);
    case_pattern(f, takes_file);
    fputs(")\n      local head= # --funding A.cfg,B.cfg: the files after the last comma\n"
          "      [[ $cur == *,* ]] && head=${cur%,*},\n"
          "      _essim_cfg \"${cur##*,}\"\n"
          "      COMPREPLY=(\"${COMPREPLY[@]/#/$head}\")\n      return 0 ;;\n    ", f);
    case_pattern(f, takes_word);
    fputs(")\n      mapfile -t COMPREPLY < <(compgen -W 'auto' -- \"$cur\")\n      return 0 ;;\n    ", f);
    case_pattern(f, takes_other);
    fputs(")\n      return 0 ;;\n  esac\n  local options\n  case ${COMP_WORDS[1]} in\n", f);
    for (size_t i = 0; i < ncmd; i++) {
        fprintf(f, "    %s) options='", cmd[i].name);
        for (size_t k = 0; k < nopt; k++)
            if (opt[k].commands & cmd[i].bit)
                option_words(f, &opt[k]);
        fputs(" ' ;;\n", f);
    }
    fputs("    help) mapfile -t COMPREPLY < <(compgen -W '", f);
    for (size_t i = 0; i < ncmd; i++)
        fprintf(f, "%s%s", i ? " " : "", cmd[i].name);
    fputs("' -- \"$cur\"); return 0 ;;\n"
          "    *) return 0 ;;\n  esac\n"
          "  if [[ $cur == -* ]]; then\n"
          "    mapfile -t COMPREPLY < <(compgen -W \"$options\" -- \"$cur\")\n"
          "  elif [[ ${COMP_WORDS[1]} == reference ]]; then\n"
          "    mapfile -t COMPREPLY < <(compgen -W 'scenario funding' -- \"$cur\")\n"
          "  elif [[ ${COMP_WORDS[1]} == merge ]]; then\n"
          "    mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n"
          "    compopt -o filenames 2>/dev/null\n"
          "  else\n"
          "    _essim_cfg \"$cur\"\n"
          "  fi\n  return 0\n}\n"
          "complete -F _essim essim\n",
          f);
}

/* ---- files ---------------------------------------------------------------------------------- */

static int write_file(const char *dir, const char *name, void (*body)(FILE *, const void *),
                      const void *arg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "essim_docgen: %s: %s\n", path, strerror(errno));
        return 1;
    }
    body(f, arg);
    if (ferror(f) | (fclose(f) != 0)) {
        fprintf(stderr, "essim_docgen: %s: cannot write it\n", path);
        return 1;
    }
    return 0;
}

static void body_essim(FILE *f, const void *arg) { (void)arg; man_essim(f); }
static void body_command(FILE *f, const void *arg) { man_command(f, arg); }
static void body_completion(FILE *f, const void *arg) { (void)arg; completion(f); }

static int make_folder(const char *dir, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s%s%s", dir, name[0] ? "/" : "", name);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "essim_docgen: %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: essim_docgen OUTDIR\n", stderr);
        return 2;
    }
    char top[2048], man1[2100], completions[2100];
    if (make_folder(argv[1], "", top, sizeof top) || make_folder(top, "man1", man1, sizeof man1) ||
        make_folder(top, "bash-completion", completions, sizeof completions))
        return 1;
    int rc = write_file(man1, "essim.1", body_essim, NULL);
    size_t n;
    const essim_cli_command *cmd = essim_cli_commands(&n);
    for (size_t i = 0; !rc && i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "essim-%s.1", cmd[i].name);
        rc = write_file(man1, name, body_command, &cmd[i]);
    }
    if (!rc)
        rc = write_file(completions, "essim", body_completion, NULL);
    return rc;
}
