/* es_schema: configuration keys declared once, as a table.
 *
 * Each key has a path pattern, a type, whether it is required, a default, a range and a
 * one-line description.  Validation, the accessors' defaults, `essim check` and the scenario
 * reference in docs/ all come from the same table.  Path patterns name list elements `[]` and
 * any member of a free-form group `*`: "streams.[].name", "components.[].amounts.*".
 */
#ifndef ES_SCHEMA_H
#define ES_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libconfig.h>

#include "engine/error.h"

typedef enum es_key_type {
    ES_KEY_INT,    /* 64-bit integer */
    ES_KEY_FLOAT,  /* number (integers accepted) */
    ES_KEY_MONEY,  /* dollars, at most two decimals */
    ES_KEY_BOOL,
    ES_KEY_STRING,
    ES_KEY_DATE,   /* "YYYY-MM-DD" */
    ES_KEY_GROUP,  /* { ... } */
    ES_KEY_LIST,   /* ( { ... }, ... ) */
    ES_KEY_FLOATS, /* [ 1.0, 2.0 ] */
    ES_KEY_STRINGS /* [ "a", "b" ] */
} es_key_type;

typedef struct es_key {
    const char *path;
    es_key_type type;
    bool required;
    const char *def;     /* default as text; NULL when none */
    double min, max;     /* range for numbers (elements of arrays), length of lists */
    const char *choices; /* "a|b|c" for strings with a fixed set of values, else NULL */
    const char *doc;
} es_key;

typedef struct es_schema {
    const char *name; /* "scenario", "funding model" */
    const es_key *keys;
    size_t nkeys;
} es_schema;

/* Reads a libconfig file into `cfg`: essim reads the file and expands its @includes itself
 * (resolved against the file's folder), in layers merged key by key -- a top-level @include
 * is a layer, and a later layer's value overrides an earlier one (src/io/layers.h,
 * docs/scenario-reference.md "How files are read").  Every setting's
 * config_setting_source_file()/_line() name the file and line that set its value.  Syntax
 * errors, a key set twice in one layer and missing includes come back as FILE:LINE errors; on
 * failure `cfg` holds nothing to destroy.  `cfg`'s root setting hook and destructor are
 * taken (they hold the file names). */
int es_config_read(config_t *cfg, const char *path, es_error *err);

/* Sets an integer setting to a 64-bit value.  libconfig 1.5's config_setting_set_int64 stores 0
 * in a setting read as 32 bits when the value does not fit in 32 bits. */
void es_setting_set_int64(config_setting_t *st, long long value);

/* Calls `each` with every file a libconfig file @includes, as written and as opened (resolved
 * against the file's folder), recursively, in reading order, as es_config_read reads them
 * (not in comments or strings), once per @include.  `each` returns ES_OK, or ES_ENOMEM to
 * stop. */
typedef int (*es_config_include_fn)(const char *name, const char *path, void *user);
int es_config_includes(const char *path, es_config_include_fn each, void *user, es_error *err);

/* Checks every setting against the schema: unknown keys (with the nearest known key
 * suggested), wrong types, values out of range, missing required keys. */
int es_schema_validate(const es_schema *schema, const config_t *cfg, es_error *err);

const es_key *es_schema_find(const es_schema *schema, const char *pattern);

/* Accessors: read `pattern`'s last component from `parent`, falling back on the schema
 * default.  They never return 0 for "missing": ES_ENOENT when absent and without default. */
int es_schema_float(const es_schema *s, const config_setting_t *parent, const char *pattern,
                    double *out);
int es_schema_int(const es_schema *s, const config_setting_t *parent, const char *pattern,
                  int64_t *out);
int es_schema_bool(const es_schema *s, const config_setting_t *parent, const char *pattern,
                   bool *out);
int es_schema_string(const es_schema *s, const config_setting_t *parent, const char *pattern,
                     const char **out);
/* Money in integer cents, rounded from the dollars written in the file. */
int es_schema_money(const es_schema *s, const config_setting_t *parent, const char *pattern,
                    int64_t *cents);

/* Where a setting was written: file and line for error messages. */
const char *es_schema_setting_file(const config_setting_t *setting, const char *fallback);
int es_schema_setting_line(const config_setting_t *setting);
/* Records an error pointing at a setting. */
int es_schema_error(es_error *err, const config_setting_t *setting, const char *fallback_file,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The old name, kept only while src/io/config_read.c (being rewritten for the input layer)
 * still calls it: remove once it calls es_schema_error. */
#define es_cfg_error es_schema_error

/* Writes the schema as a Markdown table (the scenario reference in docs/). */
void es_schema_write_markdown(const es_schema *schema, FILE *out);
const char *es_key_type_name(es_key_type type);

/* Parses "YYYY-MM-DD"; returns 0 on success. */
int es_parse_date(const char *text, int *year, int *month, int *day);

#endif
