/* Reading a libconfig file, around the faults of libconfig 1.5 (Debian 12).
 *
 * essim scans every file itself before libconfig sees it, with a lexer that finds what
 * libconfig's does (@include at the start of a line, strings, comments, names, numbers), and
 * refuses or repairs what libconfig would get wrong:
 *
 * - An @include that names a folder (`@include "."`) opens, then the first read fails and
 *   libconfig's lexer prints "input in flex scanner failed" and calls exit(2); a FIFO hangs
 *   it.  Every @include must name a regular file (the name resolved against the include
 *   folder, as libconfig 1.5 does).  libconfig ignores an @include inside a comment or a
 *   string, and so does the scan.
 * - Integers: libconfig 1.5 reads a literal without an `L` suffix as 32 bits and cuts it
 *   silently (`seed = 4294967303` is 7, 0xFFFFFFFF is -1), and one beyond 64 bits saturates.
 *   The scan notes every integer literal that libconfig will misread, with the value written;
 *   after the parse the n-th integer setting of the tree is the n-th integer literal of the
 *   files (libconfig builds the tree in the order it reads, @includes inline), and each
 *   misread one is given back its written value as a 64-bit integer.  The key table's range
 *   then refuses it like any other value (`'scenario.replications' = 4294967297 is out of
 *   range`), or a 64-bit key (scenario.seed) takes it.  A literal beyond 64 bits is refused.
 *   No `L` is needed anywhere.
 * - Time: libconfig's lexer is quadratic in the length of one token (a 4 MB string, name,
 *   number, line comment or run of blanks takes 5 to 9 s) and in the number of settings of one
 *   group (65,536 took 38 s).  Tokens are limited to 64 KiB, groups to 10,000 settings, a file
 *   and its @includes to 16 MiB (ES_CONFIG_MAX_BYTES) together.
 * - A syntax error that discards a string token leaks the string (below).
 * - Allocations it does not check (setting_intact, below; crashes inside libconfig cannot be
 *   helped: docs/testing.md).
 */
#include "io/schema.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/error.h"
#include "io/input_file.h"

#define INCLUDE_DEPTH_MAX 10 /* libconfig's: deeper nesting is its error to report */
#define TOKEN_MAX_BYTES 65536
#define GROUP_SETTINGS_MAX 10000
#define NESTING_TRACKED 256 /* groups nested deeper are not counted (libconfig refuses them) */

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

/* An integer literal that libconfig 1.5 reads as another value. */
typedef struct misread {
    size_t ordinal; /* among the integer literals of the files, in reading order */
    int file;       /* index in scan_ctx.files */
    int line;
    bool too_big;   /* beyond 64 bits */
    long long value, as_read; /* as written (unless too_big); as libconfig reads it */
    char text[32];  /* as written, cut */
} misread;

/* What the scan of a file and its @includes keeps. */
typedef struct scan_ctx {
    const char *dir; /* the include folder */
    es_error *err;
    int64_t bytes_left; /* of ES_CONFIG_MAX_BYTES */
    size_t nints;
    misread *mis;
    size_t nmis, capmis;
    char **files; /* every file scanned, as opened, for messages */
    int nfiles, capfiles;
    int depth;                     /* groups open */
    int settings[NESTING_TRACKED]; /* settings in each open group */
    es_config_include_fn on_include;
    void *user;
} scan_ctx;

typedef struct scanner {
    const char *path;
    int file;
    const char *s; /* the file's bytes */
    size_t n, i;
    int line;
    int depth; /* of @include */
    scan_ctx *ctx;
} scanner;

static int scan_file(scan_ctx *ctx, const char *path, int depth, int include_line,
                     const char *includer);

static int peek(const scanner *s, size_t ahead)
{
    return s->i + ahead < s->n ? (unsigned char)s->s[s->i + ahead] : EOF;
}

static int too_long(scanner *s, int line, const char *what)
{
    return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                        "%s longer than %d bytes: essim reads no value that long", what,
                        TOKEN_MAX_BYTES);
}

/* Past the end of a string (from its opening quote); a backslash escapes what follows. */
static int skip_string(scanner *s)
{
    int line = s->line;
    size_t start = s->i++;
    while (s->i < s->n && s->s[s->i] != '"') {
        if (s->s[s->i] == '\\' && s->i + 1 < s->n)
            s->i++;
        if (s->s[s->i] == '\n')
            s->line++;
        s->i++;
    }
    s->i++;
    return s->i - start > TOKEN_MAX_BYTES ? too_long(s, line, "a string") : ES_OK;
}

static void skip_block_comment(scanner *s)
{
    s->i += 2;
    while (s->i < s->n && !(s->s[s->i] == '*' && peek(s, 1) == '/')) {
        if (s->s[s->i] == '\n')
            s->line++;
        s->i++;
    }
    s->i += 2;
}

/* To the end of the line, leaving the newline to be read.  libconfig reads a line comment as
 * one token: it is limited like one. */
static int skip_line(scanner *s)
{
    size_t start = s->i;
    while (s->i < s->n && s->s[s->i] != '\n')
        s->i++;
    return s->i - start > TOKEN_MAX_BYTES ? too_long(s, s->line, "a comment line") : ES_OK;
}

/* A run of characters from `set` (names, blanks): one token for libconfig. */
static int skip_run(scanner *s, const char *set, const char *what)
{
    size_t start = s->i++;
    while (s->i < s->n && s->s[s->i] != '\0' && strchr(set, s->s[s->i]))
        s->i++;
    return s->i - start > TOKEN_MAX_BYTES ? too_long(s, s->line, what) : ES_OK;
}

static int note_misread(scanner *s, const misread *m)
{
    scan_ctx *c = s->ctx;
    if (c->nmis == c->capmis) {
        size_t cap = c->capmis ? 2 * c->capmis : 16;
        misread *grown = realloc(c->mis, cap * sizeof *grown);
        if (!grown)
            return es_error_set(c->err, ES_ENOMEM, s->path, 0, "out of memory reading it");
        c->mis = grown;
        c->capmis = cap;
    }
    c->mis[c->nmis++] = *m;
    return ES_OK;
}

/* The value of `len` digits in base 10 or 16; false when it does not fit in 64 bits. */
static bool digits_value(const char *p, size_t len, int base, unsigned long long *out)
{
    unsigned long long v = 0;
    for (size_t k = 0; k < len; k++) {
        int d = isdigit((unsigned char)p[k]) ? p[k] - '0' : tolower((unsigned char)p[k]) - 'a' + 10;
        if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            return false;
        v = v * (unsigned)base + (unsigned)d;
    }
    *out = v;
    return true;
}

/* An integer literal: [+-]digits or 0xhex, with or without L or LL.  What libconfig 1.5 makes
 * of it: atoi, atoll, (int)strtoul or strtoull of the text (glibc's saturate). */
static int integer_literal(scanner *s, size_t start, bool neg, bool hex, size_t digits_at,
                           size_t ndigits, bool suffix)
{
    misread m = {.ordinal = s->ctx->nints++, .file = s->file, .line = s->line};
    unsigned long long u = 0;
    bool fits = digits_value(s->s + digits_at, ndigits, hex ? 16 : 10, &u);
    long long sat; /* strtol/strtoll/strtoull's value, as libconfig casts it */
    if (hex) {
        m.too_big = !fits || u > LLONG_MAX;
        m.value = m.too_big ? 0 : (long long)u;
        unsigned long long usat = fits ? u : ULLONG_MAX;
        sat = suffix ? (long long)usat : (long long)(int32_t)(uint32_t)usat;
    } else {
        unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
        m.too_big = !fits || u > limit;
        m.value = m.too_big ? 0 : neg ? (long long)(0 - u) : (long long)u;
        long long wide = m.too_big ? (neg ? LLONG_MIN : LLONG_MAX) : m.value;
        sat = suffix ? wide : (long long)(int32_t)(uint32_t)(unsigned long long)wide;
    }
    m.as_read = sat;
    if (!m.too_big && m.value == m.as_read)
        return ES_OK;
    size_t len = s->i - start;
    snprintf(m.text, sizeof m.text, "%.*s%s", (int)(len < 24 ? len : 20), s->s + start,
             len < 24 ? "" : "...");
    return note_misread(s, &m);
}

/* A number, from its first character, as libconfig's longest match reads it: a float
 * ([+-]digits.digits, an exponent), or an integer, noted. */
static int number(scanner *s)
{
    size_t start = s->i;
    bool neg = s->s[s->i] == '-', sign = neg || s->s[s->i] == '+';
    if (sign)
        s->i++;
    bool hex = !sign && peek(s, 0) == '0' && (peek(s, 1) == 'x' || peek(s, 1) == 'X') &&
               peek(s, 2) != EOF && isxdigit(peek(s, 2));
    if (hex)
        s->i += 2;
    size_t digits_at = s->i;
    while (s->i < s->n && (hex ? isxdigit(peek(s, 0)) : isdigit(peek(s, 0))))
        s->i++;
    size_t ndigits = s->i - digits_at;
    bool is_float = false;
    if (!hex && peek(s, 0) == '.') {
        is_float = true;
        s->i++;
        while (isdigit(peek(s, 0)))
            s->i++;
    }
    if (!hex && (ndigits > 0 || is_float) && (peek(s, 0) == 'e' || peek(s, 0) == 'E')) {
        size_t e = (peek(s, 1) == '+' || peek(s, 1) == '-') ? 2 : 1;
        if (isdigit(peek(s, e))) {
            is_float = true;
            s->i += e;
            while (isdigit(peek(s, 0)))
                s->i++;
        }
    }
    bool suffix = false;
    if (!is_float && ndigits > 0 && peek(s, 0) == 'L') {
        suffix = true;
        s->i += peek(s, 1) == 'L' ? 2 : 1;
    }
    if (s->i - start > TOKEN_MAX_BYTES)
        return too_long(s, s->line, "a number");
    if (is_float || ndigits == 0)
        return ES_OK;
    return integer_literal(s, start, neg, hex, digits_at, ndigits, suffix);
}

/* After '@' at the start of a line: whether `include`, blanks and a quote follow, which
 * libconfig takes for an @include.  If not, the first character that differs is left to read
 * (libconfig will report a syntax error). */
static bool include_opens(scanner *s)
{
    if (s->n - s->i < 7 || memcmp(s->s + s->i, "include", 7) != 0)
        return false;
    size_t k = s->i + 7, blanks = 0;
    while (k < s->n && (s->s[k] == ' ' || s->s[k] == '\t'))
        k++, blanks++;
    if (!blanks || k >= s->n || s->s[k] != '"')
        return false;
    s->i = k + 1;
    return true;
}

/* The name of an @include, after its opening quote: a backslash keeps the next character
 * (libconfig reads \\ and \" so, and drops another backslash).  False at the end of the file. */
static bool include_name(scanner *s, char *name, size_t size)
{
    size_t n = 0;
    while (s->i < s->n && s->s[s->i] != '"') {
        char c = s->s[s->i++];
        if (c == '\\' && s->i < s->n)
            c = s->s[s->i++];
        if (c == '\n')
            s->line++;
        if (n + 1 < size)
            name[n++] = c;
    }
    name[n] = '\0';
    if (s->i >= s->n)
        return false;
    s->i++;
    return true;
}

/* After '@' at the start of a line: an @include must name a regular file, whose own
 * @includes are checked in turn. */
static int scan_include(scanner *s)
{
    int line = s->line;
    char name[1024], full[2048];
    s->i++;
    if (!include_opens(s) || !include_name(s, name, sizeof name))
        return ES_OK;
    snprintf(full, sizeof full, "%s/%s", s->ctx->dir, name); /* as libconfig 1.5 resolves it */
    struct stat st;
    if (stat(full, &st) != 0)
        return ES_OK; /* libconfig reports a missing file */
    if (S_ISDIR(st.st_mode))
        return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                            "@include \"%s\" names a folder, not a file", name);
    if (!S_ISREG(st.st_mode))
        return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                            "@include \"%s\" names a device, pipe or socket, not a file", name);
    if (s->depth + 1 >= INCLUDE_DEPTH_MAX)
        return ES_OK;
    if (s->ctx->on_include) {
        int rc = s->ctx->on_include(name, full, s->ctx->user);
        if (rc)
            return es_error_set(s->ctx->err, rc, full, 0, "out of memory reading it");
    }
    return scan_file(s->ctx, full, s->depth + 1, line, s->path);
}

/* Braces open and close groups; `=` and `:` add a setting to the innermost one. */
static int punctuation(scanner *s, char c)
{
    scan_ctx *x = s->ctx;
    if (c == '{') {
        x->depth++;
        if (x->depth < NESTING_TRACKED)
            x->settings[x->depth] = 0;
    } else if (c == '}') {
        if (x->depth > 0)
            x->depth--;
    } else if ((c == '=' || c == ':') && x->depth < NESTING_TRACKED &&
               ++x->settings[x->depth] > GROUP_SETTINGS_MAX) {
        return es_error_set(x->err, ES_EINVAL, s->path, s->line,
                            "more than %d settings in one group: libconfig would take minutes "
                            "to read them",
                            GROUP_SETTINGS_MAX);
    }
    s->i++;
    return ES_OK;
}

static int scan_token(scanner *s, bool *line_start)
{
    int c = peek(s, 0), d = peek(s, 1);
    bool at_start = *line_start;
    *line_start = false;
    if (c == '\n') {
        s->line++;
        s->i++;
        *line_start = true;
        return ES_OK;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        *line_start = at_start;
        return skip_run(s, " \t\r\f\v", "a run of blanks");
    }
    if (c == '@' && at_start)
        return scan_include(s);
    if (c == '"')
        return skip_string(s);
    if (c == '#' || (c == '/' && d == '/'))
        return skip_line(s);
    if (c == '/' && d == '*') {
        skip_block_comment(s);
        return ES_OK;
    }
    if (isalpha(c) || c == '*')
        return skip_run(s, "-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_*",
                        "a name");
    if (isdigit(c) || ((c == '-' || c == '+') && (isdigit(d) || d == '.')) ||
        (c == '.' && isdigit(d)))
        return number(s);
    return punctuation(s, (char)c);
}

static int read_bytes(scan_ctx *ctx, const char *path, int include_line, const char *includer,
                      char **bytes, size_t *len)
{
    FILE *f;
    int64_t size;
    int errnum;
    int64_t cap = ctx->bytes_left;
    es_input_problem problem = es_input_open(path, cap, &f, &size, &errnum);
    if (problem == ES_INPUT_ERRNO && errnum == ENOMEM)
        return es_error_set(ctx->err, ES_ENOMEM, path, 0, "out of memory reading it");
    if (problem == ES_INPUT_ERRNO && includer)
        return ES_ENOENT; /* libconfig reports it */
    if (problem == ES_INPUT_ERRNO)
        return es_error_set(ctx->err, ES_EINVAL, path, 0, "cannot open file");
    if (problem == ES_INPUT_TOO_BIG) {
        char why[128];
        snprintf(why, sizeof why, "larger than %lld MiB together with the files that include it "
                 "or it includes: essim reads no scenario that large",
                 (long long)(ES_CONFIG_MAX_BYTES / ES_MIB));
        return includer ? es_error_set(ctx->err, ES_EINVAL, includer, include_line,
                                       "@include of %s: %s", path, why)
                        : es_error_set(ctx->err, ES_EINVAL, path, 0, "%s", why);
    }
    if (problem != ES_INPUT_OK) {
        char buf[128];
        return es_error_set(ctx->err, ES_EINVAL, path, 0, "%s",
                            es_input_why(problem, errnum, cap, buf, sizeof buf));
    }
    *bytes = malloc((size_t)size + 1);
    if (!*bytes) {
        fclose(f);
        return es_error_set(ctx->err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    *len = fread(*bytes, 1, (size_t)size, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(*bytes);
        return es_error_set(ctx->err, ES_EIO, path, 0, "cannot read it");
    }
    ctx->bytes_left -= (int64_t)*len;
    return ES_OK;
}

static int remember_file(scan_ctx *ctx, const char *path)
{
    if (ctx->nfiles == ctx->capfiles) {
        int cap = ctx->capfiles ? 2 * ctx->capfiles : 8;
        char **grown = realloc(ctx->files, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        ctx->files = grown;
        ctx->capfiles = cap;
    }
    size_t n = strlen(path);
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, path, n + 1);
    ctx->files[ctx->nfiles] = copy;
    return ctx->nfiles++;
}

/* Scans a file and, in turn, the files it includes. */
static int scan_file(scan_ctx *ctx, const char *path, int depth, int include_line,
                     const char *includer)
{
    char *bytes = NULL;
    size_t len = 0;
    int rc = read_bytes(ctx, path, include_line, includer, &bytes, &len);
    if (rc == ES_ENOENT)
        return ES_OK;
    if (rc)
        return rc;
    int file = remember_file(ctx, path);
    if (file < 0) {
        free(bytes);
        return es_error_set(ctx->err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    scanner s = {.path = ctx->files[file], .file = file, .s = bytes, .n = len, .line = 1,
                 .depth = depth, .ctx = ctx};
    bool line_start = true;
    while (rc == ES_OK && s.i < s.n)
        rc = scan_token(&s, &line_start);
    free(bytes);
    return rc;
}

static void scan_free(scan_ctx *ctx)
{
    for (int i = 0; i < ctx->nfiles; i++)
        free(ctx->files[i]);
    free(ctx->files);
    free(ctx->mis);
}

static void include_folder(const char *path, char *dir, size_t size)
{
    snprintf(dir, size, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, size, ".");
}

int es_config_includes(const char *path, es_config_include_fn each, void *user, es_error *err)
{
    char dir[1024];
    include_folder(path, dir, sizeof dir);
    scan_ctx ctx = {.dir = dir, .err = err, .bytes_left = ES_CONFIG_MAX_BYTES,
                    .on_include = each, .user = user};
    int rc = scan_file(&ctx, path, 0, 0, NULL);
    scan_free(&ctx);
    return rc;
}

/* ---- after the parse: integers given back the value written -------------------------------- */

typedef struct int_walk {
    const scan_ctx *ctx;
    size_t ordinal, next;    /* integer settings seen; next misread literal */
    config_setting_t **found; /* [nmis]: the setting of each misread literal */
    bool aligned;
} int_walk;

static void walk_ints(config_setting_t *st, int_walk *w)
{
    int type = config_setting_type(st);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        size_t k = w->next;
        if (k < w->ctx->nmis && w->ctx->mis[k].ordinal == w->ordinal) {
            w->aligned &= config_setting_get_int64(st) == w->ctx->mis[k].as_read;
            w->found[w->next++] = st;
        }
        w->ordinal++;
        return;
    }
    if (type != CONFIG_TYPE_GROUP && type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY)
        return;
    int n = config_setting_length(st);
    for (int i = 0; i < n; i++)
        walk_ints(config_setting_get_elem(st, (unsigned)i), w);
}

/* A setting's path as the key table's messages write it: "scenario.seed", "streams.[1].x". */
static void setting_path(const config_setting_t *st, char *out, size_t size)
{
    const config_setting_t *parent = config_setting_parent(st);
    if (!parent || !config_setting_parent(parent)) {
        snprintf(out, size, "%s", config_setting_name(st) ? config_setting_name(st) : "");
        return;
    }
    setting_path(parent, out, size);
    size_t n = strlen(out);
    if (config_setting_name(st) && config_setting_type(parent) == CONFIG_TYPE_GROUP)
        snprintf(out + n, size - n, ".%s", config_setting_name(st));
    else
        snprintf(out + n, size - n, ".[%d]", config_setting_index(st));
}

static int refuse_literal(const scan_ctx *ctx, const misread *m, const char *why, es_error *err)
{
    return es_error_set(err, ES_EINVAL, ctx->files[m->file], m->line, "integer %s %s", m->text,
                        why);
}

void es_setting_set_int64(config_setting_t *st, long long value)
{
    st->type = CONFIG_TYPE_INT64; /* config_setting_t's fields are public in libconfig 1.5 */
    st->value.llval = value;
}

/* Gives each integer setting that libconfig cut the value written, as a 64-bit integer.
 * The key table's ranges are checked afterwards, on the values written. */
static int restore_integers(config_t *cfg, const scan_ctx *ctx, const char *path, es_error *err)
{
    if (ctx->nmis == 0)
        return ES_OK;
    int_walk w = {.ctx = ctx, .aligned = true, .found = calloc(ctx->nmis, sizeof *w.found)};
    if (!w.found)
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    walk_ints(config_root_setting(cfg), &w);
    int rc = ES_OK;
    if (!w.aligned || w.ordinal != ctx->nints || w.next != ctx->nmis) {
        /* the tree does not follow the text (cannot happen with libconfig 1.5's parser):
         * refuse rather than guess which setting holds which literal */
        rc = refuse_literal(ctx, &ctx->mis[0], ctx->mis[0].too_big
                                 ? "does not fit in 64 bits"
                                 : "does not fit in 32 bits, and essim cannot tell which "
                                   "setting it belongs to",
                            err);
    }
    for (size_t k = 0; !rc && k < ctx->nmis; k++) {
        const misread *m = &ctx->mis[k];
        config_setting_t *st = w.found[k];
        if (m->too_big) {
            char where[512];
            setting_path(st, where, sizeof where);
            rc = es_cfg_error(err, st, path, "'%s' = %s does not fit in a 64-bit integer",
                              where, m->text);
        } else {
            es_setting_set_int64(st, m->value);
        }
    }
    free(w.found);
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

static int parse(config_t *cfg, const char *path, const char *dir, const scan_ctx *ctx,
                 es_error *err)
{
    config_init(cfg);
    config_set_options(cfg, CONFIG_OPTION_AUTOCONVERT);
    config_set_include_dir(cfg, dir);
    if (!config_get_include_dir(cfg)) { /* libconfig could not copy it */
        config_destroy(cfg);
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    errno = 0;
    if (config_read_file(cfg, path) == CONFIG_TRUE) {
        if (!setting_intact(config_root_setting(cfg))) {
            config_destroy(cfg);
            return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
        }
        int rc = restore_integers(cfg, ctx, path, err);
        if (rc)
            config_destroy(cfg);
        return rc;
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

int es_config_read(config_t *cfg, const char *path, es_error *err)
{
    char dir[1024];
    include_folder(path, dir, sizeof dir);
    scan_ctx ctx = {.dir = dir, .err = err, .bytes_left = ES_CONFIG_MAX_BYTES};
    int rc = scan_file(&ctx, path, 0, 0, NULL);
    if (!rc)
        rc = parse(cfg, path, dir, &ctx, err);
    scan_free(&ctx);
    return rc;
}
