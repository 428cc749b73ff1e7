/* --param PATH=VALUE (sweep) and --set PATH=VALUE: one scenario key set from the command line,
 * after the files and before the key table validates them (so an override is checked like any
 * value written in the scenario).  A --set value's provenance is "--set"; --param keeps the
 * file's.
 *
 * PATH names an element of a list by its `name` key or by its index:
 * `catchments[Peel].providers[Peel Provider 1].caseload_capacity`, or libconfig's
 * `catchments.[2].providers.[0].caseload_capacity`.  A name path is translated to the index
 * path before the lookup; `[N]` right after a key is a name, or an index when no element is
 * named N. */
#include "io/scenario.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S (&es_scenario_schema)

#include "io/layers.h"

static void mark_set(config_setting_t *st)
{
    st->file = "--set";
    st->line = 0;
    for (int i = 0; config_setting_is_aggregate(st) && i < config_setting_length(st); i++)
        mark_set(config_setting_get_elem(st, (unsigned)i));
}

/* Whether a value is a dated schedule: "[ { from = ...; value = ...; }, ... ]" or "( ... )". */
static bool dated_text(const char *v)
{
    v += strspn(v, " \t");
    return *v == '[' || *v == '(';
}

/* Replaces `st` by the dated schedule `ov->value`, which libconfig parses as the list it
 * writes: square brackets (as people write lists) or libconfig's parentheses.  The key table
 * checks it afterwards, as it checks a schedule written in a file. */
static int apply_dated(config_setting_t *st, const es_override *ov, const char *option,
                       es_error *err)
{
    const char *v = ov->value + strspn(ov->value, " \t");
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (strchr(v, '@')) /* no @include: essim reads every file itself */
        return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: a value cannot hold '@'", option,
                            ov->path);
    bool square = v[0] == '[' && n >= 2 && v[n - 1] == ']';
    char text[sizeof ov->value + 16];
    snprintf(text, sizeof text, "v = %s%.*s%s;", square ? "(" : "", (int)(square ? n - 2 : n),
             square ? v + 1 : v, square ? ")" : "");
    config_t tmp;
    config_init(&tmp);
    const config_setting_t *list = config_read_string(&tmp, text) ? config_lookup(&tmp, "v") : NULL;
    int rc = ES_OK;
    if (!list || config_setting_type(list) != CONFIG_TYPE_LIST) {
        rc = es_error_set(err, ES_EINVAL, NULL, 0,
                          "%s %s=%s: not a dated value [ { from = \"YYYY-MM-DD\"; value = X; }, "
                          "... ]", option, ov->path, ov->value);
    } else {
        config_setting_t *parent = config_setting_parent(st);
        char name[256];
        snprintf(name, sizeof name, "%s", config_setting_name(st));
        config_setting_t *dated = config_setting_remove_elem(parent, (unsigned)config_setting_index(st))
                                      ? config_setting_add(parent, name, CONFIG_TYPE_LIST)
                                      : NULL;
        for (int i = 0; dated && !rc && i < config_setting_length(list); i++)
            rc = es_config_copy_setting(dated, config_setting_get_elem(list, (unsigned)i));
        if (!dated || !config_setting_name(dated) || rc)
            rc = es_error_set(err, ES_ENOMEM, NULL, 0, "%s %s: out of memory", option, ov->path);
        else if (strcmp(option, "--set") == 0)
            mark_set(dated);
    }
    config_destroy(&tmp);
    return rc;
}

/* The schema pattern of a concrete path: list indexes become []. */
static void pattern_of(const char *path, char *out, size_t len)
{
    size_t j = 0;
    for (const char *c = path; *c && j + 3 < len; c++) {
        if (*c == '[') {
            out[j++] = '[';
            out[j++] = ']';
            while (*c && *c != ']')
                c++;
            if (!*c)
                break;
        } else {
            out[j++] = *c;
        }
    }
    out[j] = '\0';
}

#define PATH_MAX_CHARS 512

#define NAMES_SHOWN 5

/* The names of a list's elements, for a message: "'a', 'b', 'c'" (the first few). */
static void element_names(const config_setting_t *list, char *out, size_t len)
{
    size_t j = 0;
    out[0] = '\0';
    int n = config_setting_length(list);
    for (int i = 0; i < n && j + 1 < len; i++) {
        const char *name = NULL;
        config_setting_lookup_string(config_setting_get_elem(list, (unsigned)i), "name", &name);
        if (i == NAMES_SHOWN) {
            snprintf(out + j, len - j, ", ... (%d in all)", n);
            return;
        }
        int w = snprintf(out + j, len - j, "%s'%s'", i ? ", " : "", name ? name : "?");
        j = w < 0 ? len : j + (size_t)w;
    }
}

/* The index of the element of `list` whose name is `name`, or -1. */
static int element_named(const config_setting_t *list, const char *name)
{
    int n = config_setting_length(list);
    for (int i = 0; i < n; i++) {
        const char *have = NULL;
        if (config_setting_lookup_string(config_setting_get_elem(list, (unsigned)i), "name",
                                         &have) && strcmp(have, name) == 0)
            return i;
    }
    return -1;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* `list[NAME]`, the list's index path in `out` and the first `shown` characters of ov->path:
 * appends ".[i]" to out. */
static int name_to_index(const config_t *cfg, const es_override *ov, const char *option,
                         int shown, const char *name, char *out, size_t len, es_error *err)
{
    const config_setting_t *list = config_lookup(cfg, out);
    if (!list || !config_setting_is_list(list))
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "%s %s: the scenario has no list '%.*s'", option, ov->path, shown,
                            ov->path);
    int i = element_named(list, name);
    if (i < 0 && all_digits(name))
        i = atoi(name); /* the index, as a fallback; out of range is found by the lookup */
    if (i < 0) {
        char names[256];
        element_names(list, names, sizeof names);
        return es_error_set(err, ES_EINVAL, NULL, 0,
                            "%s %s: no element of '%.*s' is named '%s' (its names: %s)", option,
                            ov->path, shown, ov->path, name, names[0] ? names : "none");
    }
    size_t j = strlen(out);
    if ((size_t)snprintf(out + j, len - j, ".[%d]", i) >= len - j)
        return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: too long a path", option, ov->path);
    return ES_OK;
}

/* Translates ov->path into libconfig's index path. */
static int index_path(const config_t *cfg, const es_override *ov, const char *option, char *out,
                      size_t len, es_error *err)
{
    size_t j = 0;
    out[0] = '\0';
    for (const char *c = ov->path; *c;) {
        if (*c == '[' && j > 0 && out[j - 1] != '.') { /* key[NAME] */
            const char *close = strchr(c, ']');
            if (!close)
                return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: '[' without ']'", option,
                                    ov->path);
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(close - c - 1), c + 1);
            int rc = name_to_index(cfg, ov, option, (int)(c - ov->path), name, out, len, err);
            if (rc)
                return rc;
            j = strlen(out);
            c = close + 1;
            continue;
        }
        if (j + 1 >= len)
            return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: too long a path", option,
                                ov->path);
        out[j++] = *c++;
        out[j] = '\0';
    }
    return ES_OK;
}

/* The key nearest to a mistyped path, as the user would write it: the path with its last name
 * replaced when the nearest key is in the same group (catchments[Peel].providers[0].X), else
 * the key's pattern with NAME for each list element (catchments[NAME].name).  0 when none is
 * near. */
static int suggestion(const char *path, const char *pattern, char *out, size_t len)
{
    const char *near = es_schema_nearest(S, pattern);
    if (!near)
        return 0;
    const char *dot = strrchr(pattern, '.'), *near_dot = strrchr(near, '.');
    size_t parent = dot ? (size_t)(dot - pattern) : 0;
    if ((near_dot ? (size_t)(near_dot - near) : 0) == parent && strncmp(near, pattern, parent) == 0) {
        const char *path_dot = strrchr(path, '.');
        snprintf(out, len, "%.*s%s", path_dot ? (int)(path_dot - path + 1) : 0, path,
                 near_dot ? near_dot + 1 : near);
        return 1;
    }
    size_t j = 0;
    for (const char *c = near; *c && j + 8 < len; c++) {
        if (strncmp(c, ".[]", 3) == 0) {
            memcpy(out + j, "[NAME]", 6);
            j += 6;
            c += 2;
        } else {
            out[j++] = *c;
        }
    }
    out[j] = '\0';
    return 1;
}

static int apply(config_t *cfg, const es_override *ov, const char *option, es_error *err)
{
    char path[PATH_MAX_CHARS];
    int rc = index_path(cfg, ov, option, path, sizeof path, err);
    if (rc)
        return rc;
    char pattern[PATH_MAX_CHARS];
    pattern_of(path, pattern, sizeof pattern);
    const es_key *k = es_schema_find(S, pattern);
    if (!k) {
        char near[PATH_MAX_CHARS];
        if (suggestion(ov->path, pattern, near, sizeof near))
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "%s %s: no such scenario key (did you mean '%s'?)", option,
                                ov->path, near);
        return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: no such scenario key", option,
                            ov->path);
    }
    config_setting_t *st = config_lookup(cfg, path);
    if (!st) {
        char parent[PATH_MAX_CHARS];
        snprintf(parent, sizeof parent, "%s", path);
        char *dot = strrchr(parent, '.');
        config_setting_t *group = dot ? (*dot = '\0', config_lookup(cfg, parent)) : config_root_setting(cfg);
        if (!group && dot && !strchr(parent, '.') && !strchr(parent, '[') &&
            es_schema_find(S, parent) && es_schema_find(S, parent)->type == ES_KEY_GROUP) {
            group = config_setting_add(config_root_setting(cfg), parent, CONFIG_TYPE_GROUP);
            if (group && !config_setting_name(group)) /* libconfig 1.5 could not copy the name */
                return es_error_set(err, ES_ENOMEM, NULL, 0, "%s %s: out of memory", option,
                                    ov->path);
        }
        if (!group || config_setting_type(group) != CONFIG_TYPE_GROUP)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "%s %s: the scenario has no group to hold it", option, ov->path);
        int type = k->type == ES_KEY_INT ? CONFIG_TYPE_INT64
                   : k->type == ES_KEY_BOOL ? CONFIG_TYPE_BOOL
                   : (k->type == ES_KEY_STRING || k->type == ES_KEY_DATE) ? CONFIG_TYPE_STRING
                                                                          : CONFIG_TYPE_FLOAT;
        st = config_setting_add(group, dot ? dot + 1 : path, type);
        if (st && !config_setting_name(st))
            return es_error_set(err, ES_ENOMEM, NULL, 0, "%s %s: out of memory", option, ov->path);
        if (!st)
            return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: cannot add it", option, ov->path);
    }
    bool number = k->type == ES_KEY_FLOAT || k->type == ES_KEY_MONEY;
    if (number && dated_text(ov->value))
        return apply_dated(st, ov, option, err);
    if (number && config_setting_type(st) == CONFIG_TYPE_LIST) { /* a schedule set to one value */
        config_setting_t *parent = config_setting_parent(st);
        char name[256];
        snprintf(name, sizeof name, "%s", config_setting_name(st));
        st = config_setting_remove_elem(parent, (unsigned)config_setting_index(st))
                 ? config_setting_add(parent, name, CONFIG_TYPE_FLOAT)
                 : NULL;
        if (!st || !config_setting_name(st))
            return es_error_set(err, ES_ENOMEM, NULL, 0, "%s %s: out of memory", option, ov->path);
    }
    char *end;
    int ok = 1;
    errno = 0;
    switch (config_setting_type(st)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: {
        long long v = strtoll(ov->value, &end, 10);
        if (errno == ERANGE)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "%s %s=%s: does not fit in a 64-bit integer", option, ov->path,
                                ov->value);
        ok = *ov->value && !*end;
        if (ok) /* the key table's range is checked with the file's values, after this */
            es_setting_set_int64(st, v);
        break;
    }
    case CONFIG_TYPE_FLOAT: {
        double v = strtod(ov->value, &end);
        if (errno == ERANGE)
            return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s=%s: %s", option, ov->path,
                                ov->value, fabs(v) > 1.0 ? "too large a number"
                                                         : "too small a number (below 1e-307)");
        ok = *ov->value && !*end && config_setting_set_float(st, v);
        break;
    }
    case CONFIG_TYPE_BOOL:
        ok = (strcmp(ov->value, "true") == 0 || strcmp(ov->value, "false") == 0) &&
             config_setting_set_bool(st, strcmp(ov->value, "true") == 0);
        break;
    case CONFIG_TYPE_STRING:
        ok = config_setting_set_string(st, ov->value);
        if (!ok || !config_setting_get_string(st)) /* the only way it fails: copying the text */
            return es_error_set(err, ES_ENOMEM, NULL, 0, "%s %s: out of memory", option, ov->path);
        break;
    default:
        return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s: only single values can be set", option,
                            ov->path);
    }
    if (!ok)
        return es_error_set(err, ES_EINVAL, NULL, 0, "%s %s=%s: not a valid %s", option, ov->path,
                            ov->value, es_key_type_name(k->type));
    if (strcmp(option, "--set") == 0) { /* its provenance, for diff and the key table's messages */
        st->file = "--set";
        st->line = 0;
    }
    return ES_OK;
}

int es_override_apply(config_t *cfg, const es_override *ov, es_error *err)
{
    return apply(cfg, ov, "--param", err);
}

int es_override_apply_set(config_t *cfg, const es_override *ov, es_error *err)
{
    return apply(cfg, ov, "--set", err);
}

config_setting_t *es_override_lookup(const config_t *cfg, const char *path)
{
    es_override ov;
    if (snprintf(ov.path, sizeof ov.path, "%s", path) >= (int)sizeof ov.path)
        return NULL;
    char index[PATH_MAX_CHARS];
    es_error ignored;
    es_error_clear(&ignored);
    if (index_path(cfg, &ov, "--set", index, sizeof index, &ignored) != ES_OK)
        return NULL;
    return config_lookup(cfg, index);
}
