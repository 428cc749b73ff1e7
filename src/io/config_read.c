/* Reading a libconfig file: essim's own input layer over libconfig 1.5 (Debian 12).
 *
 * The decision, taken once: essim reads every file and expands every @include itself, cuts
 * the text into layers, and hands libconfig each layer's expanded text to parse
 * (config_read_string), with no @include left in it; then it merges the layers' trees key by
 * key into one config_t and gives every setting the file and line it came from.  It does not
 * replace libconfig's parser.  Why:
 *
 * - What libconfig lacks is around the parser, not in it: no include hook, a duplicate key is
 *   an error (so a scenario could not override a key of model/ontario.cfg), an @include of a
 *   folder or a pipe kills or hangs it.  Reading the files ourselves fixes all of these while
 *   libconfig still decides what is valid syntax: every scenario, funding model and error
 *   message of today reads as before (the goldens, tests/bad/) and the tree is the same
 *   config_t the key table, the loaders and --param already use.
 * - A parser of our own would have to match libconfig's grammar to the letter (string
 *   escapes and concatenation, hex, L suffixes, optional terminators, lists against arrays,
 *   "syntax error" lines) to keep today's files and messages, and be fuzzed again; the lexer
 *   below already finds tokens as libconfig's does, which is all the expansion needs.  The
 *   cost of keeping libconfig -- integers it misreads, its quadratic lexer -- is paid here.
 *   If libconfig has to go (1.7's syntax, several syntax errors per run), the layers keep:
 *   only the parse of one layer's text changes.
 *
 * Layers (src/io/layers.h, docs/scenario-reference.md "How files are read"): an @include at
 * depth 0 of the main file (outside every group, list and array, between settings) starts a
 * new layer; so does the text after it.  A later layer's value replaces an earlier one (a
 * scalar, a list or an array whole); groups merge member by member.  Within one layer a key
 * set twice is still libconfig's "duplicate setting name" at its FILE:LINE.  Any other
 * @include (inside a list, as the scenarios in scenarios/ include their catchments) is expanded inline.
 * Provenance: config_setting_source_file()/config_setting_source_line() of every setting give
 * the file and line that set its effective value, so es_schema_setting_file()/_line() and every
 * FILE:LINE message work unchanged.  The file names live on the root setting's hook.
 *
 * What the reading refuses or repairs (src/io/config_scan.c):
 *
 * - An @include that names a folder (`@include "."`) made libconfig's lexer print "input in
 *   flex scanner failed" and exit(2); a FIFO hung it.  Every @include must name a regular
 *   file (resolved against the main file's folder, as libconfig 1.5 resolves it).  An
 *   @include inside a comment or a string is text, as for libconfig.  An included file may not
 *   end inside a string or a comment; no file may hold a NUL byte; a UTF-8 BOM is dropped.
 * - Integers: libconfig 1.5 reads a literal without an `L` suffix as 32 bits and cuts it
 *   silently (`seed = 4294967303` is 7, 0xFFFFFFFF is -1), and one beyond 64 bits saturates.
 *   The scan notes every integer literal that libconfig will misread, with the value written;
 *   after the parse of a layer the n-th integer setting of its tree is the n-th integer
 *   literal of its text (libconfig builds the tree in the order it reads), and each misread
 *   one is given back its written value as a 64-bit integer.  The key table's range then
 *   refuses it like any other value (`'scenario.replications' = 4294967297 is out of range`),
 *   or a 64-bit key (scenario.seed) takes it.  A literal beyond 64 bits is refused.  No `L`
 *   is needed anywhere.
 * - Time: libconfig's lexer is quadratic in the length of one token (a 4 MB string, name,
 *   number, line comment or run of blanks takes 5 to 9 s) and in the number of settings of one
 *   group (65,536 took 38 s).  Tokens are limited to 64 KiB, groups to 10,000 settings (also
 *   a group merged from several layers: the merge looks each key up among the group's), a
 *   file and its @includes to 16 MiB (ES_CONFIG_MAX_BYTES) together.
 * - A syntax error that discards a string token leaks the string (below).
 * - Allocations it does not check (setting_intact, below; crashes inside libconfig cannot be
 *   helped: docs/testing.md).
 */
#include "io/schema.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"
#include "io/layers.h"

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

/* ---- after the parse: integers given back the value written -------------------------------- */

typedef struct int_walk {
    const es_layer *layer;
    size_t ordinal, next;     /* integer settings seen; next misread literal */
    config_setting_t **found; /* [nmis]: the setting of each misread literal */
    bool aligned;
} int_walk;

static void walk_ints(config_setting_t *st, int_walk *w)
{
    int type = config_setting_type(st);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        size_t k = w->next;
        if (k < w->layer->nmis && w->layer->mis[k].ordinal == w->ordinal) {
            w->aligned &= config_setting_get_int64(st) == w->layer->mis[k].as_read;
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

void es_setting_set_int64(config_setting_t *st, long long value)
{
    st->type = CONFIG_TYPE_INT64; /* config_setting_t's fields are public in libconfig 1.5 */
    st->value.llval = value;
}

/* Gives each integer setting of a layer that libconfig cut the value written, as a 64-bit
 * integer.  The key table's ranges are checked afterwards, on the values written. */
static int restore_integers(config_t *cfg, const es_layer *layer, const es_layers *l,
                            const char *path, es_error *err)
{
    if (layer->nmis == 0)
        return ES_OK;
    int_walk w = {.layer = layer, .aligned = true, .found = calloc(layer->nmis, sizeof *w.found)};
    if (!w.found)
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    walk_ints(config_root_setting(cfg), &w);
    int rc = ES_OK;
    if (!w.aligned || w.ordinal != layer->nints || w.next != layer->nmis) {
        /* the tree does not follow the text (cannot happen with libconfig 1.5's parser):
         * refuse rather than guess which setting holds which literal */
        const es_misread *m = &layer->mis[0];
        rc = es_error_set(err, ES_EINVAL, l->shown[m->at.file], m->at.line, "integer %s %s",
                          m->text, m->too_big ? "does not fit in 64 bits"
                                              : "does not fit in 32 bits, and essim cannot "
                                                "tell which setting it belongs to");
    }
    for (size_t k = 0; !rc && k < layer->nmis; k++) {
        const es_misread *m = &layer->mis[k];
        config_setting_t *st = w.found[k];
        if (m->too_big) {
            char where[512];
            setting_path(st, where, sizeof where);
            rc = es_schema_error(err, st, path, "'%s' = %s does not fit in a 64-bit integer",
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

/* ---- one layer ---------------------------------------------------------------------------- */

/* Every setting of a layer's tree takes the file and line its text came from. */
static void give_provenance(config_setting_t *st, const es_layer *layer, const char **sources)
{
    es_line_origin o = es_layer_origin(layer, (int)st->line);
    st->file = sources[o.file];
    st->line = (unsigned)o.line;
    if (!config_setting_is_aggregate(st))
        return;
    for (int i = 0; i < config_setting_length(st); i++)
        give_provenance(config_setting_get_elem(st, (unsigned)i), layer, sources);
}

static int config_start(config_t *cfg, const char *path, es_error *err)
{
    config_init(cfg);
    config_set_options(cfg, CONFIG_OPTION_AUTOCONVERT);
    /* No @include is left in the text; should one be, libconfig would look for it in a folder
     * that cannot exist (/dev/null/...) rather than open a file essim has not checked. */
    config_set_include_dir(cfg, "/dev/null");
    if (config_get_include_dir(cfg))
        return ES_OK;
    config_destroy(cfg); /* libconfig could not copy it */
    return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
}

/* Parses layer k into *cfg; on failure *cfg holds nothing to destroy. */
static int parse_layer(config_t *cfg, const es_layers *l, int k, const char **sources,
                       const char *path, es_error *err)
{
    const es_layer *layer = &l->layer[k];
    int rc = config_start(cfg, path, err);
    if (rc)
        return rc;
    errno = 0;
    if (config_read_string(cfg, layer->text) == CONFIG_TRUE) {
        config_setting_t *root = config_root_setting(cfg);
        if (!setting_intact(root)) {
            config_destroy(cfg);
            return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
        }
        for (int i = 0; i < config_setting_length(root); i++)
            give_provenance(config_setting_get_elem(root, (unsigned)i), layer, sources);
        root->file = sources[0];
        rc = restore_integers(cfg, layer, l, path, err);
        if (rc)
            config_destroy(cfg);
        return rc;
    }
    if (errno == ENOMEM) {
        config_destroy(cfg);
        return es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    }
    es_line_origin o = es_layer_origin(layer, config_error_line(cfg));
    const char *text = config_error_text(cfg);
    es_error_set(err, ES_EINVAL, l->shown[o.file], o.line, "%s",
                 text ? text : "cannot read file");
    config_destroy(cfg); /* on failure nothing is left to free */
    return ES_EINVAL;
}

static int read_layers(config_t *cfg, const es_layers *l, const char *path, es_error *err)
{
    int rc = config_start(cfg, path, err);
    if (rc)
        return rc;
    const char **sources = es_layers_attach_sources(cfg, l);
    config_t *parsed = sources ? calloc((size_t)l->nlayers, sizeof *parsed) : NULL;
    config_t **trees = parsed ? calloc((size_t)l->nlayers, sizeof *trees) : NULL;
    if (!trees)
        rc = es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    int nparsed = 0;
    for (; !rc && nparsed < l->nlayers; nparsed++) {
        rc = parse_layer(&parsed[nparsed], l, nparsed, sources, path, err);
        trees[nparsed] = &parsed[nparsed];
        if (rc)
            break;
    }
    if (!rc)
        rc = es_layers_merge(cfg, trees, nparsed, path, err);
    if (!rc && !setting_intact(config_root_setting(cfg)))
        rc = es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    for (int k = 0; k < nparsed; k++)
        config_destroy(&parsed[k]);
    free(trees);
    free(parsed);
    if (rc)
        config_destroy(cfg);
    return rc;
}

int es_config_read(config_t *cfg, const char *path, es_error *err)
{
    return es_config_read_layered(cfg, path, NULL, 0, err);
}

int es_config_read_layered(config_t *cfg, const char *path, const char *const *overlays,
                           int noverlays, es_error *err)
{
    es_layers l;
    int rc = es_layers_read(&l, path, NULL, NULL, err);
    if (rc)
        return rc;
    for (int i = 0; !rc && i < noverlays; i++)
        rc = es_layers_append(&l, path, overlays[i], err);
    if (!rc)
        rc = read_layers(cfg, &l, path, err);
    es_layers_free(&l);
    return rc;
}

int es_config_includes(const char *path, es_config_include_fn each, void *user, es_error *err)
{
    es_layers l;
    int rc = es_layers_read(&l, path, each, user, err);
    if (!rc)
        es_layers_free(&l);
    return rc;
}
