/* Reading a libconfig file and its @includes into layers of text (src/io/layers.h).
 *
 * A lexer that finds what libconfig 1.5's does -- @include at the start of a line (after
 * blanks), strings, comments, names, numbers, brackets -- copies each file's text into the
 * current layer, line by line with its origin, and replaces each @include by the included
 * file's text, so that libconfig is handed text with no @include in it.  On the way it refuses
 * what libconfig would get wrong or hang on (config_read.c lists them) and notes the integer
 * literals libconfig 1.5 misreads. */
#include "io/layers.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/input_file.h"

#define INCLUDE_DEPTH_MAX 10 /* libconfig's: the main file and 9 nested @includes */
#define TOKEN_MAX_BYTES 65536
#define NESTING_TRACKED 256 /* groups nested deeper are not counted (libconfig refuses them) */

/* What the reading of a file and its @includes keeps. */
typedef struct scan_ctx {
    es_layers *out;
    const char *path; /* the main file */
    const char *dir;  /* the include folder: the main file's */
    es_error *err;
    int64_t bytes_left; /* of ES_CONFIG_MAX_BYTES */
    int depth;                     /* groups open, across files */
    int settings[NESTING_TRACKED]; /* settings in each open group */
    es_config_include_fn on_include;
    void *user;
} scan_ctx;

/* Where a setting stands, at depth 0 of a file: between settings, after its name, after = */
enum { STMT_NONE, STMT_NAMED, STMT_VALUE };

typedef struct scanner {
    const char *path; /* as messages name it */
    int file;
    const char *s; /* the file's bytes */
    size_t n, i;
    int line;
    int depth;        /* of @include */
    bool splits;      /* an @include at depth 0 here starts a new layer */
    int nest, stmt;   /* brackets open in this file; STMT_* at nest 0 */
    size_t line_begin; /* where the current line starts */
    size_t emit_from;  /* bytes before it are in the layer */
    int emit_line;     /* the line at emit_from */
    scan_ctx *ctx;
} scanner;

static int scan_file(scan_ctx *ctx, const char *name, const char *full, int depth, bool splits,
                     int include_line, const scanner *includer);

static int out_of_memory(scan_ctx *ctx, const char *path)
{
    return es_error_set(ctx->err, ES_ENOMEM, path, 0, "out of memory reading it");
}

static es_layer *current(scan_ctx *ctx)
{
    return &ctx->out->layer[ctx->out->nlayers - 1];
}

/* ---- layers ----------------------------------------------------------------------------- */

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *grown = realloc(*v, cap2 * size);
    if (!grown)
        return false;
    *v = grown;
    *cap = cap2;
    return true;
}

/* Starts a layer at (file, line), unless the current one is still empty. */
static int begin_layer(scan_ctx *ctx, int file, int line)
{
    es_layers *l = ctx->out;
    if (l->nlayers > 0 && current(ctx)->len == 0) {
        current(ctx)->start = (es_line_origin){file, line};
        return ES_OK;
    }
    size_t cap = (size_t)l->caplayers;
    if (!grow((void **)&l->layer, &cap, (size_t)l->nlayers + 1, sizeof *l->layer))
        return out_of_memory(ctx, ctx->path);
    l->caplayers = (int)cap;
    es_layer *y = &l->layer[l->nlayers++];
    memset(y, 0, sizeof *y);
    y->at_line_start = true;
    y->start = (es_line_origin){file, line};
    if (!grow((void **)&y->text, &y->cap, 1, 1))
        return out_of_memory(ctx, ctx->path);
    y->text[0] = '\0';
    return ES_OK;
}

/* Appends n bytes of file `file`, the first on line *line, to the current layer. */
static int emit(scan_ctx *ctx, int file, int *line, const char *bytes, size_t n)
{
    es_layer *y = current(ctx);
    if (!grow((void **)&y->text, &y->cap, y->len + n + 1, 1))
        return out_of_memory(ctx, ctx->path);
    for (size_t k = 0; k < n; k++) {
        if (y->at_line_start) {
            if (!grow((void **)&y->lines, &y->caplines, y->nlines + 1, sizeof *y->lines))
                return out_of_memory(ctx, ctx->path);
            y->lines[y->nlines++] = (es_line_origin){file, *line};
            y->at_line_start = false;
        }
        y->text[y->len++] = bytes[k];
        if (bytes[k] == '\n') {
            ++*line;
            y->at_line_start = true;
        }
    }
    y->text[y->len] = '\0';
    return ES_OK;
}

/* The file's bytes up to `upto` go into the layer. */
static int flush(scanner *s, size_t upto)
{
    int rc = emit(s->ctx, s->file, &s->emit_line, s->s + s->emit_from, upto - s->emit_from);
    s->emit_from = upto;
    return rc;
}

es_line_origin es_layer_origin(const es_layer *layer, int line)
{
    if (line >= 1 && (size_t)line <= layer->nlines)
        return layer->lines[line - 1];
    if (layer->nlines == 0 || line < 1)
        return layer->start;
    es_line_origin last = layer->lines[layer->nlines - 1];
    last.line += line - (int)layer->nlines;
    return last;
}

/* ---- the lexer ---------------------------------------------------------------------------- */

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

/* An included file's text goes on into the including file's: it may not end inside a string
 * or a comment, which would swallow what follows (and hide an @include from essim, not from
 * libconfig).  The main file may: libconfig reports it or ignores it, as before. */
static int unterminated(scanner *s, int line, const char *what)
{
    if (s->depth == 0)
        return ES_OK;
    return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                        "%s opened here is not closed before the end of the file", what);
}

/* At the end of a value at depth 0 of the file, the setting is complete. */
static void value_seen(scanner *s)
{
    if (s->nest == 0 && s->stmt == STMT_VALUE)
        s->stmt = STMT_NONE;
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
    if (s->i >= s->n)
        return unterminated(s, line, "a string");
    s->i++;
    value_seen(s);
    return s->i - start > TOKEN_MAX_BYTES ? too_long(s, line, "a string") : ES_OK;
}

static int skip_block_comment(scanner *s)
{
    int line = s->line;
    s->i += 2;
    while (s->i < s->n && !(s->s[s->i] == '*' && peek(s, 1) == '/')) {
        if (s->s[s->i] == '\n')
            s->line++;
        s->i++;
    }
    if (s->i >= s->n) {
        s->i = s->n;
        return unterminated(s, line, "a comment /*");
    }
    s->i += 2;
    return ES_OK;
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

/* A name at depth 0 begins a setting, or is its value (true, false). */
static int name(scanner *s)
{
    if (s->nest == 0)
        s->stmt = s->stmt == STMT_VALUE ? STMT_NONE : STMT_NAMED;
    return skip_run(s, "-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_*",
                    "a name");
}

static int note_misread(scanner *s, const es_misread *m)
{
    es_layer *y = current(s->ctx);
    if (!grow((void **)&y->mis, &y->capmis, y->nmis + 1, sizeof *y->mis))
        return out_of_memory(s->ctx, s->path);
    y->mis[y->nmis++] = *m;
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
    es_misread m = {.ordinal = current(s->ctx)->nints++, .at = {s->file, s->line}};
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
    value_seen(s);
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
 * (libconfig will report a syntax error: '@' begins no other token). */
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

/* An @include must name a regular file that can be opened (libconfig's words when not). */
static int include_target(scanner *s, const char *name, const char *full, int line)
{
    struct stat st;
    if (stat(full, &st) != 0)
        return es_error_set(s->ctx->err, errno == ENOMEM ? ES_ENOMEM : ES_EINVAL, s->path, line,
                            errno == ENOMEM ? "out of memory reading it"
                                            : "cannot open include file");
    if (S_ISDIR(st.st_mode))
        return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                            "@include \"%s\" names a folder, not a file", name);
    if (!S_ISREG(st.st_mode))
        return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                            "@include \"%s\" names a device, pipe or socket, not a file", name);
    if (s->depth + 1 >= INCLUDE_DEPTH_MAX)
        return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                            "include file nesting too deep");
    return ES_OK;
}

/* After '@' at the start of a line: the included file's text replaces the @include line (the
 * blanks before the '@' are dropped; what follows the closing quote stays, on a line of its
 * own).  At depth 0 of a file that splits, it is a layer of its own. */
static int scan_include(scanner *s)
{
    int line = s->line;
    size_t at = s->i;
    char name[1024], full[2048];
    s->i++;
    if (!include_opens(s)) {
        s->i = at + 1;
        return ES_OK;
    }
    if (!include_name(s, name, sizeof name))
        return es_error_set(s->ctx->err, ES_EINVAL, s->path, line,
                            "@include without its closing quote");
    if (name[0] == '/')
        snprintf(full, sizeof full, "%s", name);
    else
        snprintf(full, sizeof full, "%s/%s", s->ctx->dir, name); /* as libconfig 1.5 does */
    int rc = include_target(s, name, full, line);
    if (!rc && s->ctx->on_include && (rc = s->ctx->on_include(name, full, s->ctx->user)) != 0)
        return es_error_set(s->ctx->err, rc, full, 0, "out of memory reading it");
    if (!rc)
        rc = flush(s, s->line_begin);
    bool layer = s->splits && s->nest == 0 && s->stmt == STMT_NONE;
    if (!rc && layer)
        rc = begin_layer(s->ctx, s->ctx->out->nfiles, 1);
    if (!rc)
        rc = scan_file(s->ctx, name, full, s->depth + 1, layer, line, s);
    if (!rc && layer)
        rc = begin_layer(s->ctx, s->file, s->line);
    else if (!rc && !current(s->ctx)->at_line_start)
        rc = emit(s->ctx, s->file, &(int){line}, "\n", 1);
    s->emit_from = s->line_begin = s->i;
    s->emit_line = s->line;
    return rc;
}

/* Brackets open and close groups, lists and arrays; `=` and `:` add a setting to the
 * innermost group. */
static int punctuation(scanner *s, char c)
{
    scan_ctx *x = s->ctx;
    if (c == '{' || c == '(' || c == '[') {
        s->nest++;
    } else if (c == '}' || c == ')' || c == ']') {
        if (s->nest > 0)
            s->nest--;
        value_seen(s);
    } else if (s->nest == 0) {
        if (c == '=' || c == ':')
            s->stmt = STMT_VALUE;
        else if (c == ';' || c == ',')
            s->stmt = STMT_NONE;
    }
    if (c == '{') {
        x->depth++;
        if (x->depth < NESTING_TRACKED)
            x->settings[x->depth] = 0;
    } else if (c == '}') {
        if (x->depth > 0)
            x->depth--;
    } else if ((c == '=' || c == ':') && x->depth < NESTING_TRACKED &&
               ++x->settings[x->depth] > ES_GROUP_SETTINGS_MAX) {
        return es_error_set(x->err, ES_EINVAL, s->path, s->line,
                            "more than %d settings in one group: libconfig would take minutes "
                            "to read them",
                            ES_GROUP_SETTINGS_MAX);
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
        s->line_begin = s->i;
        *line_start = true;
        return ES_OK;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        *line_start = at_start;
        return skip_run(s, " \t\r\f\v", "a run of blanks");
    }
    if (c == '@' && at_start) {
        int rc = scan_include(s);
        *line_start = true; /* what follows an @include starts a line for libconfig too */
        return rc;
    }
    if (c == '"')
        return skip_string(s);
    if (c == '#' || (c == '/' && d == '/'))
        return skip_line(s);
    if (c == '/' && d == '*')
        return skip_block_comment(s);
    if (isalpha(c) || c == '*')
        return name(s);
    if (isdigit(c) || ((c == '-' || c == '+') && (isdigit(d) || d == '.')) ||
        (c == '.' && isdigit(d)))
        return number(s);
    return punctuation(s, (char)c);
}

/* ---- files -------------------------------------------------------------------------------- */

static int read_bytes(scan_ctx *ctx, const char *path, int include_line, const scanner *includer,
                      char **bytes, size_t *len)
{
    FILE *f;
    int64_t size;
    int errnum;
    int64_t cap = ctx->bytes_left;
    es_input_problem problem = es_input_open(path, cap, &f, &size, &errnum);
    if (problem == ES_INPUT_ERRNO && errnum == ENOMEM)
        return out_of_memory(ctx, path);
    if (problem == ES_INPUT_ERRNO && includer)
        return es_error_set(ctx->err, ES_EINVAL, includer->path, include_line,
                            "cannot open include file");
    char near[4096];
    if (problem == ES_INPUT_ERRNO && errnum == ENOENT && es_input_nearest(path, near, sizeof near))
        return es_error_set(ctx->err, ES_EINVAL, path, 0, "no such file (did you mean %s?)", near);
    if (problem == ES_INPUT_ERRNO && errnum == ENOENT)
        return es_error_set(ctx->err, ES_EINVAL, path, 0, "no such file");
    if (problem == ES_INPUT_ERRNO)
        return es_error_set(ctx->err, ES_EINVAL, path, 0, "cannot open file: %s", strerror(errnum));
    if (problem == ES_INPUT_TOO_BIG) {
        char why[128];
        snprintf(why, sizeof why, "larger than %lld MiB together with the files that include it "
                 "or it includes: essim reads no scenario that large",
                 (long long)(ES_CONFIG_MAX_BYTES / ES_MIB));
        return includer ? es_error_set(ctx->err, ES_EINVAL, includer->path, include_line,
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
        return out_of_memory(ctx, path);
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

static char *copy_text(const char *a, const char *b)
{
    size_t na = strlen(a), nb = b ? strlen(b) + 1 : 0;
    char *c = malloc(na + nb + 1);
    if (!c)
        return NULL;
    memcpy(c, a, na);
    if (b) {
        c[na] = '/';
        memcpy(c + na + 1, b, nb);
    } else {
        c[na] = '\0';
    }
    return c;
}

/* A file read: its name as schema.c's messages rebuild it (source) and as shown. */
static int remember_file(scan_ctx *ctx, const char *name, bool included)
{
    es_layers *l = ctx->out;
    size_t cap = (size_t)l->capfiles, cap2 = cap;
    if (!grow((void **)&l->shown, &cap, (size_t)l->nfiles + 1, sizeof *l->shown) ||
        !grow((void **)&l->source, &cap2, (size_t)l->nfiles + 1, sizeof *l->source))
        return -1;
    l->capfiles = (int)(cap < cap2 ? cap : cap2);
    const char *slash = strrchr(ctx->path, '/');
    char *source = copy_text(name, NULL);
    char *shown = !included || name[0] == '/' || !slash ? copy_text(name, NULL)
                                                        : copy_text(ctx->dir, name);
    if (!source || !shown) {
        free(source);
        free(shown);
        return -1;
    }
    l->source[l->nfiles] = source;
    l->shown[l->nfiles] = shown;
    return l->nfiles++;
}

/* A NUL byte would end the text libconfig is handed (config_read_string): refused. */
static int refuse_nul(scan_ctx *ctx, const char *shown, const char *bytes, size_t len)
{
    const char *nul = memchr(bytes, '\0', len);
    if (!nul)
        return ES_OK;
    int line = 1;
    for (const char *p = bytes; p < nul; p++)
        line += *p == '\n';
    return es_error_set(ctx->err, ES_EINVAL, shown, line,
                        "a NUL byte: essim reads text files only");
}

/* Reads a file into the current layer and, in turn, the files it includes. */
static int scan_file(scan_ctx *ctx, const char *name, const char *full, int depth, bool splits,
                     int include_line, const scanner *includer)
{
    char *bytes = NULL;
    size_t len = 0;
    int rc = read_bytes(ctx, full, include_line, includer, &bytes, &len);
    if (rc)
        return rc;
    int file = remember_file(ctx, name, includer != NULL);
    if (file < 0) {
        free(bytes);
        return out_of_memory(ctx, full);
    }
    scanner s = {.path = ctx->out->shown[file], .file = file, .s = bytes, .n = len, .line = 1,
                 .depth = depth, .splits = splits, .emit_line = 1, .ctx = ctx};
    rc = refuse_nul(ctx, s.path, bytes, len);
    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte-order mark */
        s.i = s.line_begin = s.emit_from = 3;
    bool line_start = true;
    while (rc == ES_OK && s.i < s.n)
        rc = scan_token(&s, &line_start);
    if (!rc)
        rc = flush(&s, s.n);
    free(bytes);
    return rc;
}

void es_layers_free(es_layers *l)
{
    for (int k = 0; k < l->nlayers; k++) {
        free(l->layer[k].text);
        free(l->layer[k].lines);
        free(l->layer[k].mis);
    }
    free(l->layer);
    for (int k = 0; k < l->nfiles; k++) {
        free(l->shown[k]);
        free(l->source[k]);
    }
    free(l->shown);
    free(l->source);
    memset(l, 0, sizeof *l);
}

/* The folder @includes of `path` resolve against: its directory, or "." for a bare name.  A
 * path too long for `dir` is refused rather than cut (a cut folder would find other files). */
static int folder_of(const char *path, char *dir, size_t len, es_error *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, len, ".");
        return ES_OK;
    }
    size_t n = (size_t)(slash - path);
    if (n >= len)
        return es_error_set(err, ES_EINVAL, NULL, 0, "%.200s...: the path is too long", path);
    memcpy(dir, path, n);
    dir[n] = '\0';
    return ES_OK;
}

int es_layers_read(es_layers *l, const char *path, es_config_include_fn each, void *user,
                   es_error *err)
{
    memset(l, 0, sizeof *l);
    char dir[1024];
    if (folder_of(path, dir, sizeof dir, err))
        return ES_EINVAL;
    scan_ctx ctx = {.out = l, .path = path, .dir = dir, .err = err,
                    .bytes_left = ES_CONFIG_MAX_BYTES, .on_include = each, .user = user};
    int rc = begin_layer(&ctx, 0, 1);
    if (!rc)
        rc = scan_file(&ctx, path, path, 0, true, 0, NULL);
    if (rc)
        es_layers_free(l);
    return rc;
}

/* The name schema.c's messages rebuild an overlay's file from (source_path there puts the main
 * file's folder before a relative name): the path inside that folder when it is there, else an
 * absolute path. */
static char *overlay_source(const char *main_path, const char *shown)
{
    const char *slash = strrchr(main_path, '/');
    if (shown[0] == '/' || !slash)
        return copy_text(shown, NULL);
    size_t dir = (size_t)(slash - main_path);
    if (strncmp(shown, main_path, dir) == 0 && shown[dir] == '/')
        return copy_text(shown + dir + 1, NULL);
    char cwd[4096];
    return getcwd(cwd, sizeof cwd) ? copy_text(cwd, shown) : NULL;
}

int es_layers_append(es_layers *l, const char *main_path, const char *overlay, es_error *err)
{
    char dir[1024];
    if (folder_of(overlay, dir, sizeof dir, err))
        return ES_EINVAL;
    int64_t used = 0;
    for (int k = 0; k < l->nlayers; k++)
        used += (int64_t)l->layer[k].len;
    scan_ctx ctx = {.out = l, .path = overlay, .dir = dir, .err = err,
                    .bytes_left = ES_CONFIG_MAX_BYTES - used};
    int first = l->nfiles;
    int rc = begin_layer(&ctx, first, 1);
    if (!rc)
        rc = scan_file(&ctx, overlay, overlay, 0, true, 0, NULL);
    for (int k = first; !rc && k < l->nfiles; k++) {
        char *source = overlay_source(main_path, l->shown[k]);
        if (!source)
            return out_of_memory(&ctx, overlay);
        free(l->source[k]);
        l->source[k] = source;
    }
    return rc;
}
