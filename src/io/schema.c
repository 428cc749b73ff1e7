#include "io/schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"

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
    if (f == main_file || f[0] == '/' || !slash || strcmp(f, main_file) == 0)
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

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
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
        size_t d = edit_distance(name, cand);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    size_t limit = strlen(name) / 3 + 2;
    return best_d <= limit ? best : NULL;
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

static int check_choice(const es_key *k, const config_setting_t *st, const char *file,
                        const char *path, const char *v, es_error *err)
{
    if (!k->choices)
        return ES_OK;
    size_t n = strlen(v);
    for (const char *c = k->choices; *c;) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, v, n) == 0)
            return ES_OK;
        c += len + (bar ? 1 : 0);
    }
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
    case ES_KEY_INT:
    case ES_KEY_FLOAT:
    case ES_KEY_MONEY:
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

static const config_setting_t *member(const config_setting_t *parent, const char *pattern,
                                      const es_schema *s, const es_key **key)
{
    *key = es_schema_find(s, pattern);
    return parent ? config_setting_get_member(parent, last_component(pattern)) : NULL;
}

int es_schema_float(const es_schema *s, const config_setting_t *parent, const char *pattern,
                    double *out)
{
    const es_key *k;
    const config_setting_t *st = member(parent, pattern, s, &k);
    if (st && setting_number(st, out))
        return ES_OK;
    if (!k || !k->def)
        return ES_ENOENT;
    *out = strtod(k->def, NULL);
    return ES_OK;
}

int es_schema_money(const es_schema *s, const config_setting_t *parent, const char *pattern,
                    int64_t *cents)
{
    double dollars;
    int rc = es_schema_float(s, parent, pattern, &dollars);
    if (rc == ES_OK)
        *cents = (int64_t)llround(dollars * 100.0);
    return rc;
}

int es_schema_int(const es_schema *s, const config_setting_t *parent, const char *pattern,
                  int64_t *out)
{
    const es_key *k;
    const config_setting_t *st = member(parent, pattern, s, &k);
    if (st) {
        *out = config_setting_get_int64(st);
        return ES_OK;
    }
    if (!k || !k->def)
        return ES_ENOENT;
    *out = strtoll(k->def, NULL, 10);
    return ES_OK;
}

int es_schema_bool(const es_schema *s, const config_setting_t *parent, const char *pattern,
                   bool *out)
{
    const es_key *k;
    const config_setting_t *st = member(parent, pattern, s, &k);
    if (st) {
        *out = config_setting_get_bool(st);
        return ES_OK;
    }
    if (!k || !k->def)
        return ES_ENOENT;
    *out = strcmp(k->def, "true") == 0;
    return ES_OK;
}

int es_schema_string(const es_schema *s, const config_setting_t *parent, const char *pattern,
                     const char **out)
{
    const es_key *k;
    const config_setting_t *st = member(parent, pattern, s, &k);
    if (st && config_setting_get_string(st)) {
        *out = config_setting_get_string(st);
        return ES_OK;
    }
    if (!k || !k->def)
        return ES_ENOENT;
    *out = k->def;
    return ES_OK;
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
        fprintf(out, "| `%s` | %s | %s | %s%s%s | ", k->path, es_key_type_name(k->type),
                k->required ? "yes" : "no", k->def ? "`" : "", k->def ? k->def : "—",
                k->def ? "`" : "");
        write_range(k, out);
        fprintf(out, " | %s |\n", k->doc);
    }
}
