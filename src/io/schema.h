/* es_schema: configuration keys declared once, as a table.
 *
 * Each key has a path pattern, a type, whether it is required, a default, a range, a one-line
 * description and, for most, the struct field it is bound to.  Validation, loading
 * (es_schema_load), comparing two loaded files (es_schema_diff), `essim check` and the scenario
 * reference in docs/ all come from the same table.  Path patterns name list elements `[]` and
 * any member of a free-form group `*`: "streams.[].name", "components.[].amounts.*".
 */
#ifndef ES_SCHEMA_H
#define ES_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libconfig.h>

#include "engine/dated.h"
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

/* The C type of the struct field a key is bound to (ES_BIND derives it from the field). */
typedef enum es_field_kind {
    ES_FIELD_NONE,   /* unbound: the loader reads the key by hand */
    ES_FIELD_DOUBLE, /* ES_KEY_FLOAT */
    ES_FIELD_INT,    /* ES_KEY_INT; or ES_KEY_STRING with choices: the index of the choice */
    ES_FIELD_INT64,  /* ES_KEY_INT; ES_KEY_MONEY: cents */
    ES_FIELD_UINT64, /* ES_KEY_INT (a seed) */
    ES_FIELD_BOOL,   /* ES_KEY_BOOL */
    ES_FIELD_TEXT,   /* ES_KEY_STRING into a char array, cut to its size */
    ES_FIELD_ENUM    /* ES_KEY_STRING with choices, into an enum: the index of the choice */
} es_field_kind;

typedef struct es_key {
    const char *path;
    es_key_type type;
    bool required;
    const char *def;     /* default as text; NULL when none */
    double min, max;     /* range for numbers (elements of arrays), length of lists */
    const char *choices; /* "a|b|c" for strings with a fixed set of values, else NULL */
    const char *doc;
    /* The binding: the field of an owner struct that holds the key's value once loaded, so one
     * routine loads (es_schema_load) and compares (es_schema_diff) every bound key.  Unbound
     * keys (ES_UNBOUND) are read by hand: names that resolve to other entities, dates, lists. */
    int owner;           /* index in es_schema.owners; 0 = unbound */
    size_t offset;       /* offsetof the field in the owner's struct */
    es_field_kind field;
    size_t field_size;   /* sizeof the field (the tests check it against `field`) */
    /* A number or amount used when an event happens (a price, a rate), which may be given as a
     * dated schedule ( { from = "YYYY-MM-DD"; value = X; }, ... ) instead of one value. */
    bool dated;
} es_key;

#define ES_UNBOUND 0, 0, ES_FIELD_NONE, 0, false
#define ES_UNBOUND_DATED 0, 0, ES_FIELD_NONE, 0, true /* read by hand, may be dated */
#define ES_FIELD_KIND_OF(T, m)                                                                 \
    _Generic(((T *)0)->m, double: ES_FIELD_DOUBLE, int: ES_FIELD_INT, int64_t: ES_FIELD_INT64, \
             uint64_t: ES_FIELD_UINT64, bool: ES_FIELD_BOOL, char *: ES_FIELD_TEXT,           \
             default: ES_FIELD_ENUM)
/* Binds a key to member `m` (a member designator: "outcomes.need_effect", "source[1]") of the
 * struct `T` that owner `owner` names. */
#define ES_BIND(owner, T, m) ES_BIND_AS(owner, T, m, false)
/* The same, for a key that may be given as a dated schedule. */
#define ES_BIND_DATED(owner, T, m) ES_BIND_AS(owner, T, m, true)
#define ES_BIND_AS(owner, T, m, dated)                                                         \
    (owner), offsetof(T, m), ES_FIELD_KIND_OF(T, m), sizeof(((T *)0)->m), (dated)

/* A struct bound keys load into, and the path of the group it is read from: "" for the file's
 * root, "streams.[]" for each element of a list.  A bound key's path is its owner's path, a
 * dot, and the key's path inside that group ("streams.[]" + "service.mean_days"). */
typedef struct es_key_owner {
    const char *name; /* "stream" */
    const char *path; /* "streams.[]" */
} es_key_owner;

typedef struct es_schema {
    const char *name; /* "scenario", "funding model" */
    const es_key *keys;
    size_t nkeys;
    const es_key_owner *owners; /* owners[0] is "unbound" */
    int nowners;
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

/* The key nearest to a pattern that names none (a typo): the nearest last component among the
 * keys of the same group, else the nearest whole pattern; NULL when nothing is close (edit
 * distance above a third of the name, plus 2).  For "did you mean" in messages. */
const char *es_schema_nearest(const es_schema *schema, const char *pattern);

/* Reads the string key `pattern` (its last component) from `parent`, falling back on the
 * table's default: ES_ENOENT when absent without a default.  For keys read by hand; bound keys
 * load with es_schema_load. */
int es_schema_string(const es_schema *s, const config_setting_t *parent, const char *pattern,
                     const char **out);

/* Loads every key bound to `owner` into the struct at `base` from `group`, the setting that
 * holds the owner's keys (the root setting, or one element of a list; NULL: absent, so every
 * key takes its default).  A key absent from the file takes its default; one without a default
 * leaves its field as it was, so the caller may fill a computed default first.  Values are
 * checked against the key's type and range as es_schema_validate does.  `file` names the file
 * for errors, which point at FILE:LINE. */
int es_schema_load(const es_schema *s, int owner, const config_setting_t *group, void *base,
                   const char *file, es_error *err);

/* Where es_schema_load puts the dated schedules it reads: the table, the struct that owns it
 * (fields are named by their offset from it) and the scenario's start date (days count from
 * it).  NULL where nothing may be dated. */
typedef struct es_dated_sink {
    es_dated_table *table;
    void *root;
    int start_year, start_month, start_day;
} es_dated_sink;

/* es_schema_load that also reads dated schedules of the keys marked dated, into `sink`
 * (src/io/schema_dated.c). */
int es_schema_load_dated(const es_schema *s, int owner, const config_setting_t *group, void *base,
                         const char *file, const es_dated_sink *sink, es_error *err);
int es_schema_load_list_dated(const es_schema *s, int owner, const config_setting_t *list,
                              void *first, size_t stride, int *n, const char *file,
                              const es_dated_sink *sink, es_error *err);

/* Reads the dated schedule `st` (validated) of key `k` for `field` (a double, or int64_t cents
 * for money) into `sink`'s table, and stores the value in force at the scenario start in the
 * field.  Refused at st's FILE:LINE when the first date is after the start or the table is
 * full; `path` names the key in messages. */
int es_schema_dated_read(const es_key *k, const config_setting_t *st, const es_dated_sink *sink,
                         void *field, const char *path, const char *file, es_error *err);

/* Checks a dated schedule ( { from = "YYYY-MM-DD"; value = X; }, ... ) of key `k`: at most
 * ES_DATED_MAX_POINTS groups of a date and a value in the key's range, dates strictly
 * increasing. */
int es_schema_check_dated(const es_key *k, const config_setting_t *st, const char *path,
                          const char *file, es_error *err);

/* es_schema_load for each element of `list` (NULL: an empty list), into the owner structs of
 * an array, `stride` bytes apart from `first` (the table bounds the list's length to the
 * array's); `*n` becomes the number of elements. */
int es_schema_load_list(const es_schema *s, int owner, const config_setting_t *list, void *first,
                        size_t stride, int *n, const char *file, es_error *err);

/* Writes a bound key's value in the struct at `base` as text: numbers as short as they read back
 * exactly, money as dollars, choices by name. */
void es_schema_format(const es_key *k, const void *base, char *buf, size_t len);
/* A number or an amount in cents as es_schema_format writes it for key `k`. */
void es_schema_format_number(const es_key *k, double value, int64_t cents, char *buf, size_t len);

/* The dated schedules of a loaded struct, for es_schema_diff: the table and its owner. */
typedef struct es_dated_view {
    const es_dated_table *table;
    const void *root;
} es_dated_view;

/* es_schema_format of a key that may be dated: its schedule when `view` holds one for the
 * field ("from 2021-01-01: 0.9, from 2022-01-01: 0.5"), else its value. */
void es_schema_format_dated(const es_key *k, const void *base, const es_dated_view *view,
                            char *buf, size_t len);

/* Calls `each` with every key bound to `owner` whose value differs between the structs at `a`
 * and `b` (the same owner), with its path in the file: `element` ("streams[A]", "" at the root)
 * followed by the key's path in the owner's group.  Returns how many differ. */
typedef void (*es_schema_diff_fn)(const char *path, const char *a, const char *b, void *user);
int es_schema_diff(const es_schema *s, int owner, const char *element, const void *a,
                   const void *b, es_schema_diff_fn each, void *user);
/* The same, with the dated schedules of each side (views may be NULL). */
int es_schema_diff_dated(const es_schema *s, int owner, const char *element, const void *a,
                         const void *b, const es_dated_view *va, const es_dated_view *vb,
                         es_schema_diff_fn each, void *user);

/* Where a setting was written: file and line for error messages. */
const char *es_schema_setting_file(const config_setting_t *setting, const char *fallback);
int es_schema_setting_line(const config_setting_t *setting);
/* Records an error pointing at a setting. */
int es_schema_error(es_error *err, const config_setting_t *setting, const char *fallback_file,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Writes the schema as a Markdown table (the scenario reference in docs/). */
void es_schema_write_markdown(const es_schema *schema, FILE *out);
const char *es_key_type_name(es_key_type type);

/* Parses "YYYY-MM-DD"; returns 0 on success. */
int es_parse_date(const char *text, int *year, int *month, int *day);

#endif
