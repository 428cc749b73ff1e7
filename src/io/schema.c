#include "io/schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"
#include "io/text.h"

#define PATTERN_MAX 256

const char *es_schema_setting_file(const config_setting_t *setting, const char *fallback)
{
    const char *f = setting ? config_setting_source_file(setting) : NULL;
    return f ? f : fallback;
}

int es_schema_setting_line(const config_setting_t *setting)
{
    return setting ? (int)config_setting_source_line(setting) : 0;
}

/* libconfig names an @included file as written in the @include line, relative to the include
 * folder (the main file's folder): give it back its folder so the user can open it. */
static void source_path(const config_setting_t *setting, const char *main_file, char *out,
                        size_t len)
{
    const char *f = es_schema_setting_file(setting, main_file);
    const char *slash = main_file ? strrchr(main_file, '/') : NULL;
    /* "--set": a value given on the command line (override.c) */
    if (f == main_file || f[0] == '/' || f[0] == '-' || !slash || strcmp(f, main_file) == 0)
        snprintf(out, len, "%s", f);
    else
        snprintf(out, len, "%.*s/%s", (int)(slash - main_file), main_file, f);
}

int es_schema_error(es_error *err, const config_setting_t *setting, const char *fallback_file,
                    const char *fmt, ...)
{
    char file[1024];
    source_path(setting, fallback_file, file, sizeof file);
    va_list ap;
    va_start(ap, fmt);
    es_error_vset(err, ES_EINVAL, file, es_schema_setting_line(setting), fmt, ap);
    va_end(ap);
    return ES_EINVAL;
}

const es_key *es_schema_find(const es_schema *schema, const char *pattern)
{
    for (size_t i = 0; i < schema->nkeys; i++)
        if (strcmp(schema->keys[i].path, pattern) == 0)
            return &schema->keys[i];
    return NULL;
}

const char *es_key_type_name(es_key_type type)
{
    switch (type) {
    case ES_KEY_INT: return "integer";
    case ES_KEY_FLOAT: return "number";
    case ES_KEY_MONEY: return "dollars";
    case ES_KEY_BOOL: return "boolean";
    case ES_KEY_STRING: return "string";
    case ES_KEY_DATE: return "date";
    case ES_KEY_GROUP: return "group";
    case ES_KEY_LIST: return "list of groups";
    case ES_KEY_FLOATS: return "array of numbers";
    case ES_KEY_STRINGS: return "array of strings";
    }
    return "?";
}

/* Splits a pattern into parent and last component. */
static const char *last_component(const char *pattern)
{
    const char *dot = strrchr(pattern, '.');
    return dot ? dot + 1 : pattern;
}

static int parent_is(const char *path, const char *parent)
{
    const char *dot = strrchr(path, '.');
    size_t plen = dot ? (size_t)(dot - path) : 0;
    return strlen(parent) == plen && strncmp(path, parent, plen) == 0;
}

static const char *nearest_key(const es_schema *s, const char *parent, const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < s->nkeys; i++) {
        if (!parent_is(s->keys[i].path, parent))
            continue;
        const char *cand = last_component(s->keys[i].path);
        if (strcmp(cand, "*") == 0)
            continue;
        size_t d = es_edit_distance(name, cand);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    size_t limit = strlen(name) / 3 + 2;
    return best_d <= limit ? best : NULL;
}

const char *es_schema_nearest(const es_schema *s, const char *pattern)
{
    const char *dot = strrchr(pattern, '.');
    char parent[PATTERN_MAX];
    snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - pattern) : 0, pattern);
    const char *near = nearest_key(s, parent, last_component(pattern));
    if (near) /* the key of that name among the group's */
        for (size_t i = 0; i < s->nkeys; i++)
            if (parent_is(s->keys[i].path, parent) &&
                strcmp(last_component(s->keys[i].path), near) == 0)
                return s->keys[i].path;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < s->nkeys; i++) {
        if (strcmp(last_component(s->keys[i].path), "*") == 0)
            continue;
        size_t d = es_edit_distance(pattern, s->keys[i].path);
        if (d < best_d) {
            best_d = d;
            best = s->keys[i].path;
        }
    }
    return best_d <= strlen(pattern) / 3 + 2 ? best : NULL;
}

static int setting_number(const config_setting_t *st, double *out)
{
    switch (config_setting_type(st)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(st);
        return 1;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(st);
        return 1;
    default:
        return 0;
    }
}

static int check_number(const es_key *k, const config_setting_t *st, const char *file,
                        const char *pattern, es_error *err)
{
    double v;
    int t = config_setting_type(st);
    if (k->type == ES_KEY_INT && t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
        return es_schema_error(err, st, file, "'%s' must be an integer", pattern);
    if (!setting_number(st, &v))
        return es_schema_error(err, st, file, "'%s' must be a number", pattern);
    if (!isfinite(v))
        return es_schema_error(err, st, file, "'%s' must be finite", pattern);
    bool integer = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
    if (integer && (v < k->min || v > k->max)) /* as written: 4294967297, not 4.29497e+09 */
        return es_schema_error(err, st, file, "'%s' = %lld is out of range [%g, %g]", pattern,
                               config_setting_get_int64(st), k->min, k->max);
    if (v < k->min || v > k->max)
        return es_schema_error(err, st, file, "'%s' = %g is out of range [%g, %g]", pattern, v,
                               k->min, k->max);
    if (k->type == ES_KEY_MONEY && fabs(v * 100.0 - nearbyint(v * 100.0)) > 1e-6)
        return es_schema_error(err, st, file, "'%s' = %.6g has more than two decimals (dollars)",
                               pattern, v);
    return ES_OK;
}

int es_parse_date(const char *text, int *year, int *month, int *day)
{
    int y, m, d;
    char tail;
    if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return -1;
    *year = y;
    *month = m;
    *day = d;
    return 0;
}

/* The date of a dated schedule's entry as YYYYMMDD, or -1 when it has none or not a date. */
static long entry_date(const config_setting_t *e)
{
    const config_setting_t *from = config_setting_get_member(e, "from");
    const char *text = from ? config_setting_get_string(from) : NULL;
    int y, m, d;
    if (!text || es_parse_date(text, &y, &m, &d) != 0)
        return -1;
    return (long)y * 10000 + m * 100 + d;
}

int es_schema_check_dated(const es_key *k, const config_setting_t *st, const char *path,
                          const char *file, es_error *err)
{
    if (!k->dated)
        return es_schema_error(err, st, file,
                               "'%s' must be a number: it cannot take dated values (the "
                               "reference marks the keys that can)", path);
    int n = config_setting_length(st);
    if (n < 1 || n > ES_DATED_MAX_POINTS)
        return es_schema_error(err, st, file, "dated '%s' must hold 1 to %d entries, not %d",
                               path, ES_DATED_MAX_POINTS, n);
    long last = 0;
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_GROUP)
            return es_schema_error(err, e, file,
                                   "each entry of dated '%s' must be a group "
                                   "{ from = \"YYYY-MM-DD\"; value = X; }", path);
        char entry[PATTERN_MAX + 100];
        snprintf(entry, sizeof entry, "%s.[%d]", path, i);
        for (int j = 0; j < config_setting_length(e); j++) {
            const config_setting_t *m = config_setting_get_elem(e, (unsigned)j);
            const char *name = config_setting_name(m);
            if (strcmp(name, "from") != 0 && strcmp(name, "value") != 0)
                return es_schema_error(err, m, file,
                                       "unknown key '%s.%s' (a dated entry holds from and value)",
                                       entry, name);
        }
        const config_setting_t *from = config_setting_get_member(e, "from");
        const config_setting_t *value = config_setting_get_member(e, "value");
        if (!from || !value)
            return es_schema_error(err, e, file, "'%s' needs both from and value", entry);
        long date = entry_date(e);
        if (date < 0)
            return es_schema_error(err, from, file, "'%s.from' is not a date \"YYYY-MM-DD\"",
                                   entry);
        if (i > 0 && date <= last)
            return es_schema_error(err, from, file,
                                   "'%s.from' must come after the entry before it: dates "
                                   "strictly increasing", entry);
        last = date;
        snprintf(entry + strlen(entry), sizeof entry - strlen(entry), ".value");
        int rc = check_number(k, value, file, entry, err);
        if (rc)
            return rc;
    }
    return ES_OK;
}

/* The index of `text` among the choices "a|b|c", or -1. */
static int choice_index(const char *choices, const char *text)
{
    size_t n = strlen(text);
    int i = 0;
    for (const char *c = choices; *c; i++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, text, n) == 0)
            return i;
        c += len + (bar ? 1 : 0);
    }
    return -1;
}

static int check_choice(const es_key *k, const config_setting_t *st, const char *file,
                        const char *path, const char *v, es_error *err)
{
    if (!k->choices || choice_index(k->choices, v) >= 0)
        return ES_OK;
    char list[512];
    size_t j = 0;
    for (const char *c = k->choices; *c && j + 3 < sizeof list; c++) {
        if (*c == '|') {
            list[j++] = ',';
            list[j++] = ' ';
        } else {
            list[j++] = *c;
        }
    }
    list[j] = '\0';
    return es_schema_error(err, st, file, "'%s' = \"%s\" is not one of: %s", path, v, list);
}

/* A place in the file being checked: the key's table pattern ("streams.[].name") and its
 * concrete path in libconfig's lookup syntax ("streams.[1].name"), used in messages. */
typedef struct where {
    const char *pattern;
    const char *path;
    const char *file;
} where;

static int walk_group(const es_schema *s, const config_setting_t *group, where at, es_error *err);

static int check_list(const es_schema *s, const es_key *k, const config_setting_t *st, where at,
                      es_error *err)
{
    int t = config_setting_type(st);
    if (t != CONFIG_TYPE_LIST && !(t == CONFIG_TYPE_ARRAY && config_setting_length(st) == 0))
        return es_schema_error(err, st, at.file, "'%s' must be a list ( { ... }, ... )", at.path);
    int n = config_setting_length(st);
    if (n < k->min || n > k->max)
        return es_schema_error(err, st, at.file, "'%s' must hold %g to %g entries, not %d", at.path,
                               k->min, k->max, n);
    char elem[PATTERN_MAX + 8], elem_path[PATTERN_MAX + 80];
    snprintf(elem, sizeof elem, "%s.[]", at.pattern);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_GROUP)
            return es_schema_error(err, e, at.file, "each entry of '%s' must be a group { ... }",
                                   at.path);
        if (snprintf(elem_path, sizeof elem_path, "%s.[%d]", at.path, i) >= (int)sizeof elem_path)
            return es_schema_error(err, e, at.file, "'%s' is nested too deeply", at.path);
        int rc = walk_group(s, e, (where){elem, elem_path, at.file}, err);
        if (rc)
            return rc;
    }
    return ES_OK;
}

static int check_array(const es_key *k, const config_setting_t *st, where at, es_error *err)
{
    int t = config_setting_type(st);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
        return es_schema_error(err, st, at.file, "'%s' must be an %s [ ... ]", at.path,
                               es_key_type_name(k->type));
    int n = config_setting_length(st);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
        if (k->type == ES_KEY_FLOATS) {
            es_key elem = *k;
            elem.type = ES_KEY_FLOAT;
            int rc = check_number(&elem, e, at.file, at.path, err);
            if (rc)
                return rc;
        } else if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            return es_schema_error(err, e, at.file, "'%s' must hold strings", at.path);
        }
    }
    return ES_OK;
}

static int check_text(const es_key *k, const config_setting_t *st, where at, es_error *err)
{
    if (config_setting_type(st) != CONFIG_TYPE_STRING)
        return es_schema_error(err, st, at.file, "'%s' must be a %s in double quotes", at.path,
                               es_key_type_name(k->type));
    const char *v = config_setting_get_string(st);
    int y, m, d;
    if (k->type == ES_KEY_DATE && es_parse_date(v, &y, &m, &d) != 0)
        return es_schema_error(err, st, at.file, "'%s' = \"%s\" is not a date YYYY-MM-DD", at.path, v);
    if (k->type == ES_KEY_STRING && !k->choices &&
        (strlen(v) < (size_t)k->min || strlen(v) > (size_t)k->max))
        return es_schema_error(err, st, at.file, "'%s' must have %g to %g characters", at.path,
                               k->min, k->max);
    return check_choice(k, st, at.file, at.path, v, err);
}

static int check_setting(const es_schema *s, const es_key *k, const config_setting_t *st,
                         where at, es_error *err)
{
    switch (k->type) {
    case ES_KEY_FLOAT:
    case ES_KEY_MONEY:
        if (config_setting_type(st) == CONFIG_TYPE_LIST)
            return es_schema_check_dated(k, st, at.path, at.file, err);
        return check_number(k, st, at.file, at.path, err);
    case ES_KEY_INT:
        return check_number(k, st, at.file, at.path, err);
    case ES_KEY_BOOL:
        if (config_setting_type(st) != CONFIG_TYPE_BOOL)
            return es_schema_error(err, st, at.file, "'%s' must be true or false", at.path);
        return ES_OK;
    case ES_KEY_STRING:
    case ES_KEY_DATE:
        return check_text(k, st, at, err);
    case ES_KEY_GROUP:
        if (config_setting_type(st) != CONFIG_TYPE_GROUP)
            return es_schema_error(err, st, at.file, "'%s' must be a group { ... }", at.path);
        return walk_group(s, st, at, err);
    case ES_KEY_LIST:
        return check_list(s, k, st, at, err);
    case ES_KEY_FLOATS:
    case ES_KEY_STRINGS:
        return check_array(k, st, at, err);
    }
    return ES_OK;
}

static int check_required(const es_schema *s, const config_setting_t *group, where at,
                          es_error *err)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const es_key *k = &s->keys[i];
        if (!k->required || !parent_is(k->path, at.pattern))
            continue;
        const char *name = last_component(k->path);
        if (strcmp(name, "*") == 0 || config_setting_get_member(group, name))
            continue;
        char want[PATTERN_MAX + 80];
        snprintf(want, sizeof want, "%s%s%s", at.path, at.path[0] ? "." : "", name);
        int line = es_schema_setting_line(group);
        char file[1024];
        source_path(group, at.file, file, sizeof file);
        /* the root group has no line of its own: point at the top of the file */
        return es_error_set(err, ES_EINVAL, file, line > 0 ? line : 1,
                            "missing required key '%s'", want);
    }
    return ES_OK;
}

/* Keys an earlier essim read and this one does not, with what replaced them, so an old
 * scenario gets a way forward rather than a near miss. */
static const struct {
    const char *pattern, *instead;
} retired_keys[] = {
    {"streams.[].training_exit_prob",
     "plan goals: streams.[].goal_training_prob and outcomes.education_goal_prob_youth / _adult"},
    {"outcomes.income_support_exit_prob",
     "income_support.exit_3m_prob_OW / _ODSP and income_support.return_12m_prob_OW / _ODSP"},
};

static const char *retired_key(const char *pattern)
{
    for (size_t i = 0; i < sizeof retired_keys / sizeof retired_keys[0]; i++)
        if (strcmp(retired_keys[i].pattern, pattern) == 0)
            return retired_keys[i].instead;
    return NULL;
}

static int walk_group(const es_schema *s, const config_setting_t *group, where at, es_error *err)
{
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        const config_setting_t *st = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(st);
        char child[PATTERN_MAX], child_path[PATTERN_MAX + 80];
        snprintf(child, sizeof child, "%s%s%s", at.pattern, at.pattern[0] ? "." : "", name);
        snprintf(child_path, sizeof child_path, "%s%s%s", at.path, at.path[0] ? "." : "", name);
        const es_key *k = es_schema_find(s, child);
        if (!k) {
            char any[PATTERN_MAX + 4];
            snprintf(any, sizeof any, "%s%s*", at.pattern, at.pattern[0] ? "." : "");
            k = es_schema_find(s, any);
        }
        const char *instead = k ? NULL : retired_key(child);
        if (instead)
            return es_schema_error(err, st, at.file, "'%s' is no longer a key; use %s",
                                   child_path, instead);
        if (!k) {
            const char *near = nearest_key(s, at.pattern, name);
            if (near)
                return es_schema_error(err, st, at.file, "unknown key '%s' (did you mean '%s'?)",
                                       child_path, near);
            return es_schema_error(err, st, at.file, "unknown key '%s'", child_path);
        }
        int rc = check_setting(s, k, st, (where){child, child_path, at.file}, err);
        if (rc)
            return rc;
    }
    return check_required(s, group, at, err);
}

int es_schema_validate(const es_schema *schema, const config_t *cfg, es_error *err)
{
    const config_setting_t *root = config_root_setting(cfg);
    return walk_group(schema, root, (where){"", "", es_schema_setting_file(root, "?")}, err);
}

/* A key's value, from its setting or else from its default text, in the forms fields take. */
typedef struct key_value {
    double number;
    long long integer; /* as written for integers; 1/0 for booleans */
    const char *text;  /* strings */
} key_value;

/* Reads `st` (a setting of the key's type, or NULL for the default): ES_ENOENT when absent
 * without a default, or when the setting is not of the key's kind. */
static int value_of(const es_key *k, const config_setting_t *st, key_value *v)
{
    *v = (key_value){0};
    if (!st) {
        if (!k || !k->def)
            return ES_ENOENT;
        v->text = k->def;
        v->number = strtod(k->def, NULL);
        v->integer = strcmp(k->def, "true") == 0 ? 1 : strtoll(k->def, NULL, 10);
        return ES_OK;
    }
    switch (config_setting_type(st)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        v->integer = config_setting_get_int64(st);
        v->number = (double)v->integer;
        return ES_OK;
    case CONFIG_TYPE_FLOAT:
        v->number = config_setting_get_float(st);
        v->integer = (long long)v->number;
        return ES_OK;
    case CONFIG_TYPE_BOOL:
        v->integer = config_setting_get_bool(st);
        return ES_OK;
    case CONFIG_TYPE_STRING:
        v->text = config_setting_get_string(st);
        return v->text ? ES_OK : ES_ENOENT;
    default:
        return ES_ENOENT;
    }
}

int es_schema_string(const es_schema *s, const config_setting_t *parent, const char *pattern,
                     const char **out)
{
    const config_setting_t *st =
        parent ? config_setting_get_member(parent, last_component(pattern)) : NULL;
    if (st && config_setting_type(st) != CONFIG_TYPE_STRING)
        st = NULL; /* validation refuses it; read as absent */
    key_value v;
    int rc = value_of(es_schema_find(s, pattern), st, &v);
    if (rc == ES_OK)
        *out = v.text;
    return rc;
}

/* A field's value, as the C types fields have (each member at the union's start). */
typedef union field_value {
    int index; /* also an enum's value */
    int64_t i64;
    uint64_t u64;
    double d;
    bool b;
} field_value;

static size_t value_size(const es_key *k)
{
    return k->field_size < sizeof(field_value) ? k->field_size : sizeof(field_value);
}

static void store(const es_key *k, const key_value *v, char *field)
{
    field_value fv = {0};
    switch (k->field) {
    case ES_FIELD_NONE:
        return;
    case ES_FIELD_DOUBLE:
        fv.d = v->number;
        break;
    case ES_FIELD_INT:
    case ES_FIELD_ENUM: /* an enum of non-negative values is an int's size (the tests check) */
        fv.index = k->choices ? choice_index(k->choices, v->text ? v->text : "") : (int)v->integer;
        if (fv.index < 0) /* not a choice: validation refuses it */
            fv.index = 0;
        break;
    case ES_FIELD_INT64:
        fv.i64 = k->type == ES_KEY_MONEY ? (int64_t)llround(v->number * 100.0) : v->integer;
        break;
    case ES_FIELD_UINT64:
        fv.u64 = (uint64_t)v->integer;
        break;
    case ES_FIELD_BOOL:
        fv.b = v->integer != 0;
        break;
    case ES_FIELD_TEXT:
        snprintf(field, k->field_size, "%s", v->text ? v->text : "");
        return;
    }
    memcpy(field, &fv, value_size(k));
}

/* A bound key's path inside its owner's group. */
static const char *owner_relative(const es_schema *s, const es_key *k)
{
    size_t n = strlen(s->owners[k->owner].path);
    return k->path + n + (n ? 1 : 0);
}

int es_schema_load(const es_schema *s, int owner, const config_setting_t *group, void *base,
                   const char *file, es_error *err)
{
    return es_schema_load_dated(s, owner, group, base, file, NULL, err);
}

int es_schema_load_dated(const es_schema *s, int owner, const config_setting_t *group, void *base,
                         const char *file, const es_dated_sink *sink, es_error *err)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const es_key *k = &s->keys[i];
        if (k->owner != owner || k->field == ES_FIELD_NONE)
            continue;
        /* libconfig 1.5 takes a mutable setting; the lookup changes nothing */
        const config_setting_t *st =
            group ? config_setting_lookup((config_setting_t *)group, owner_relative(s, k)) : NULL;
        if (st) {
            int rc = check_setting(s, k, st, (where){k->path, k->path, file}, err);
            if (rc == ES_OK && config_setting_type(st) == CONFIG_TYPE_LIST)
                rc = es_schema_dated_read(k, st, sink, (char *)base + k->offset, k->path, file,
                                          err);
            if (rc)
                return rc;
            if (config_setting_type(st) == CONFIG_TYPE_LIST)
                continue; /* the field holds the value in force at the start */
        }
        key_value v;
        if (value_of(k, st, &v) == ES_OK)
            store(k, &v, (char *)base + k->offset);
    }
    return ES_OK;
}

int es_schema_load_list(const es_schema *s, int owner, const config_setting_t *list, void *first,
                        size_t stride, int *n, const char *file, es_error *err)
{
    return es_schema_load_list_dated(s, owner, list, first, stride, n, file, NULL, err);
}

int es_schema_load_list_dated(const es_schema *s, int owner, const config_setting_t *list,
                              void *first, size_t stride, int *n, const char *file,
                              const es_dated_sink *sink, es_error *err)
{
    *n = list ? config_setting_length(list) : 0;
    for (int i = 0; i < *n; i++) {
        int rc = es_schema_load_dated(s, owner, config_setting_get_elem(list, (unsigned)i),
                                      (char *)first + (size_t)i * stride, file, sink, err);
        if (rc)
            return rc;
    }
    return ES_OK;
}

static void choice_name(const char *choices, int index, char *buf, size_t len)
{
    const char *c = choices;
    for (int i = 0; i < index && strchr(c, '|'); i++)
        c = strchr(c, '|') + 1;
    const char *bar = strchr(c, '|');
    snprintf(buf, len, "%.*s", bar ? (int)(bar - c) : (int)strlen(c), c);
}

static void format_double(double d, char *buf, size_t len)
{
    snprintf(buf, len, "%.15g", d); /* short when it reads back exactly, else all digits */
    if (strtod(buf, NULL) != d)
        snprintf(buf, len, "%.17g", d);
}

static void format_cents(int64_t i64, char *buf, size_t len)
{
    long long cents = llabs((long long)i64);
    snprintf(buf, len, "%s%lld.%02lld", i64 < 0 ? "-" : "", cents / 100, cents % 100);
}

void es_schema_format_number(const es_key *k, double value, int64_t cents, char *buf, size_t len)
{
    if (k->type == ES_KEY_MONEY)
        format_cents(cents, buf, len);
    else
        format_double(value, buf, len);
}

void es_schema_format(const es_key *k, const void *base, char *buf, size_t len)
{
    const char *field = (const char *)base + k->offset;
    field_value fv = {0};
    if (k->field != ES_FIELD_TEXT)
        memcpy(&fv, field, value_size(k));
    switch (k->field) {
    case ES_FIELD_NONE:
        snprintf(buf, len, "?");
        break;
    case ES_FIELD_DOUBLE:
        format_double(fv.d, buf, len);
        break;
    case ES_FIELD_INT:
    case ES_FIELD_ENUM:
        if (k->choices)
            choice_name(k->choices, fv.index, buf, len);
        else
            snprintf(buf, len, "%d", fv.index);
        break;
    case ES_FIELD_INT64:
        if (k->type == ES_KEY_MONEY)
            format_cents(fv.i64, buf, len);
        else
            snprintf(buf, len, "%lld", (long long)fv.i64);
        break;
    case ES_FIELD_UINT64:
        snprintf(buf, len, "%llu", (unsigned long long)fv.u64);
        break;
    case ES_FIELD_BOOL:
        snprintf(buf, len, "%s", fv.b ? "true" : "false");
        break;
    case ES_FIELD_TEXT:
        snprintf(buf, len, "%s", field);
        break;
    }
}

int es_schema_diff(const es_schema *s, int owner, const char *element, const void *a,
                   const void *b, es_schema_diff_fn each, void *user)
{
    return es_schema_diff_dated(s, owner, element, a, b, NULL, NULL, each, user);
}

int es_schema_diff_dated(const es_schema *s, int owner, const char *element, const void *a,
                         const void *b, const es_dated_view *view_a, const es_dated_view *view_b,
                         es_schema_diff_fn each, void *user)
{
    int n = 0;
    for (size_t i = 0; i < s->nkeys; i++) {
        const es_key *k = &s->keys[i];
        if (k->owner != owner || k->field == ES_FIELD_NONE)
            continue;
        char va[2048], vb[2048], path[512];
        es_schema_format_dated(k, a, view_a, va, sizeof va);
        es_schema_format_dated(k, b, view_b, vb, sizeof vb);
        if (strcmp(va, vb) == 0)
            continue;
        snprintf(path, sizeof path, "%s%s%s", element, element[0] ? "." : "", owner_relative(s, k));
        each(path, va, vb, user);
        n++;
    }
    return n;
}

static void write_range(const es_key *k, FILE *out)
{
    switch (k->type) {
    case ES_KEY_INT:
    case ES_KEY_FLOAT:
    case ES_KEY_MONEY:
    case ES_KEY_FLOATS:
        fprintf(out, "%g to %g", k->min, k->max);
        break;
    case ES_KEY_LIST:
        fprintf(out, "%g to %g entries", k->min, k->max);
        break;
    case ES_KEY_STRING:
        if (k->choices) {
            fputs("one of", out);
            for (const char *c = k->choices; *c;) {
                const char *bar = strchr(c, '|');
                int len = bar ? (int)(bar - c) : (int)strlen(c);
                fprintf(out, " `%.*s`", len, c);
                c += len + (bar ? 1 : 0);
            }
        }
        else
            fprintf(out, "%g to %g characters", k->min, k->max);
        break;
    default:
        fputs("—", out);
    }
}

void es_schema_write_markdown(const es_schema *schema, FILE *out)
{
    fputs("| key | type | required | default | range | description |\n", out);
    fputs("|---|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < schema->nkeys; i++) {
        const es_key *k = &schema->keys[i];
        fprintf(out, "| `%s` | %s%s | %s | %s%s%s | ", k->path, es_key_type_name(k->type),
                k->dated ? ", or dated" : "",
                k->required ? "yes" : "no", k->def ? "`" : "", k->def ? k->def : "—",
                k->def ? "`" : "");
        write_range(k, out);
        fprintf(out, " | %s |\n", k->doc);
    }
}
