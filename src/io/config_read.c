/* Reading a libconfig file, around two faults of libconfig 1.5 (Debian 12):
 *
 * - An @include that names a folder (`@include "."`) opens, then the first read fails and
 *   libconfig's lexer prints "input in flex scanner failed" and calls exit(2): no FILE:LINE,
 *   and the end of any program using the API.  Every @include is checked first, by a scan
 *   that finds them as libconfig's lexer does (at the start of a line, outside strings and
 *   comments; the name resolved against the include folder), and one that is not a regular
 *   file is refused at its line.
 * - A syntax error that discards a string token leaks the string (below).
 * - Allocations it does not check (setting_intact, below; crashes inside libconfig cannot be
 *   helped: docs/testing.md).
 */
#include "io/schema.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/error.h"

#define INCLUDE_DEPTH_MAX 10 /* libconfig's: deeper nesting is its error to report */

/* libconfig 1.5 leaks the text of a string token that a syntax error makes its parser discard
 * (`name "x" = 1;`; for "" the lexer's calloc, else strbuf_append's realloc), fixed in
 * libconfig 1.7.3 (hyperrealm/libconfig#142).  Nothing outside libconfig can free it, so
 * sanitizer builds tell LeakSanitizer it is not ours: essim exits after reporting the syntax
 * error anyway.  Only the lexer's allocations are named, so a config_t that essim forgot to
 * destroy is still reported. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ES_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(ES_ASAN)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:strbuf_append\nleak:libconfig_yylex\n";
}
/* and not to list the suppressions it used, which would add to essim's error message */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

typedef struct scanner {
    FILE *f;
    const char *path; /* as opened, for messages */
    const char *dir;  /* the include folder */
    int line;
    int depth;
    es_error *err;
} scanner;

static int scan_file(const char *path, const char *dir, int depth, es_error *err);

static int next(scanner *s)
{
    int c = getc(s->f);
    if (c == '\n')
        s->line++;
    return c;
}

/* Past the end of a string (after its opening quote); a backslash escapes what follows. */
static void skip_string(scanner *s)
{
    int c;
    while ((c = next(s)) != EOF && c != '"')
        if (c == '\\')
            next(s);
}

static void skip_block_comment(scanner *s)
{
    int c, prev = 0;
    while ((c = next(s)) != EOF && !(prev == '*' && c == '/'))
        prev = c;
}

/* To the end of the line, leaving the newline to be read. */
static void skip_line(scanner *s)
{
    int c;
    while ((c = getc(s->f)) != EOF && c != '\n')
        ;
    if (c == '\n')
        ungetc(c, s->f);
}

/* After '@' at the start of a line: whether `include`, blanks and a quote follow, which
 * libconfig takes for an @include.  If not, the first character that differs is left to read
 * (libconfig will report a syntax error). */
static bool include_opens(scanner *s)
{
    const char *word = "include";
    int c = 0, blanks = 0;
    while (*word && (c = getc(s->f)) == *word)
        word++;
    if (!*word)
        while ((c = getc(s->f)) == ' ' || c == '\t')
            blanks++;
    if (!*word && blanks && c == '"')
        return true;
    if (c != EOF)
        ungetc(c, s->f);
    return false;
}

/* The name of an @include, after its opening quote: a backslash keeps the next character
 * (libconfig reads \\ and \" so, and drops another backslash).  False at the end of the file. */
static bool include_name(scanner *s, char *name, size_t size)
{
    size_t n = 0;
    int c;
    while ((c = next(s)) != EOF && c != '"') {
        if (c == '\\' && (c = next(s)) == EOF)
            break;
        if (n + 1 < size)
            name[n++] = (char)c;
    }
    name[n] = '\0';
    return c != EOF;
}

/* After '@' at the start of a line: an @include must name a regular file, whose own
 * @includes are checked in turn. */
static int scan_include(scanner *s)
{
    int line = s->line;
    char name[1024], full[2048];
    if (!include_opens(s) || !include_name(s, name, sizeof name))
        return ES_OK;
    snprintf(full, sizeof full, "%s/%s", s->dir, name); /* as libconfig 1.5 resolves it */
    struct stat st;
    if (stat(full, &st) != 0)
        return ES_OK; /* libconfig reports a missing file */
    if (S_ISDIR(st.st_mode))
        return es_error_set(s->err, ES_EINVAL, s->path, line,
                            "@include \"%s\" names a folder, not a file", name);
    if (!S_ISREG(st.st_mode))
        return es_error_set(s->err, ES_EINVAL, s->path, line,
                            "@include \"%s\" names a device, pipe or socket, not a file", name);
    if (s->depth + 1 >= INCLUDE_DEPTH_MAX)
        return ES_OK;
    return scan_file(full, s->dir, s->depth + 1, s->err);
}

/* Checks every @include of a file, and of the files it includes, names a regular file. */
static int scan_file(const char *path, const char *dir, int depth, es_error *err)
{
    scanner s = {.f = fopen(path, "r"), .path = path, .dir = dir, .line = 1, .depth = depth,
                 .err = err};
    if (!s.f)
        return ES_OK; /* libconfig reports it */
    bool line_start = true;
    int rc = ES_OK, c;
    while (rc == ES_OK && (c = next(&s)) != EOF) {
        bool at_start = line_start;
        line_start = c == '\n' || (at_start && (c == ' ' || c == '\t'));
        if (c == '@' && at_start) {
            rc = scan_include(&s);
        } else if (c == '"') {
            skip_string(&s);
        } else if (c == '#') {
            skip_line(&s);
        } else if (c == '/') {
            int d = getc(s.f);
            if (d == '/')
                skip_line(&s);
            else if (d == '*')
                skip_block_comment(&s);
            else if (d != EOF)
                ungetc(d, s.f);
        }
    }
    fclose(s.f);
    return rc;
}

/* libconfig 1.5 does not check every allocation: when a name or a string cannot be copied, it
 * keeps the setting with a NULL name or value and reports success.  Such a tree is refused as
 * out of memory rather than read as a different file. */
static bool setting_intact(const config_setting_t *st)
{
    int type = config_setting_type(st);
    if (type == CONFIG_TYPE_STRING)
        return config_setting_get_string(st) != NULL;
    if (type != CONFIG_TYPE_GROUP && type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY)
        return true;
    int n = config_setting_length(st);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
        if (!e || (type == CONFIG_TYPE_GROUP && !config_setting_name(e)) || !setting_intact(e))
            return false;
    }
    return true;
}

int es_config_read(config_t *cfg, const char *path, es_error *err)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    FILE *f = fopen(path, "r");
    if (!f && errno == ENOMEM)
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    if (!f)
        return es_error_set(err, ES_EINVAL, path, 0, "cannot open file");
    fclose(f);
    struct stat st;
    bool known = stat(path, &st) == 0;
    if (known && S_ISDIR(st.st_mode))
        return es_error_set(err, ES_EINVAL, path, 0, "is a folder, not a file");
    /* a pipe would be drained by the scan: only regular files are scanned */
    int rc = known && S_ISREG(st.st_mode) ? scan_file(path, dir, 0, err) : ES_OK;
    if (rc)
        return rc;
    config_init(cfg);
    config_set_options(cfg, CONFIG_OPTION_AUTOCONVERT);
    config_set_include_dir(cfg, dir);
    if (!config_get_include_dir(cfg)) { /* libconfig could not copy it */
        config_destroy(cfg);
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    errno = 0;
    if (config_read_file(cfg, path) == CONFIG_TRUE) {
        if (setting_intact(config_root_setting(cfg)))
            return ES_OK;
        config_destroy(cfg);
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    if (errno == ENOMEM) { /* libconfig says "cannot open include file" or "file I/O error" */
        config_destroy(cfg);
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    const char *file = config_error_file(cfg);
    int line = config_error_line(cfg);
    const char *text = config_error_text(cfg);
    es_error_set(err, ES_EINVAL, file ? file : path, line, "%s",
                 text ? text : "cannot read file");
    config_destroy(cfg); /* on failure nothing is left to free */
    return ES_EINVAL;
}
