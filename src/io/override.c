/* --param PATH=VALUE: one scenario key set from the command line, before the key table
 * validates the file (so an override is checked like any value written in the scenario). */
#include "io/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S (&es_scenario_schema)

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

int es_override_apply(config_t *cfg, const es_override *ov, es_error *err)
{
    char pattern[256];
    pattern_of(ov->path, pattern, sizeof pattern);
    const es_key *k = es_schema_find(S, pattern);
    if (!k)
        return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s: no such scenario key", ov->path);
    config_setting_t *st = config_lookup(cfg, ov->path);
    if (!st) {
        char parent[256];
        snprintf(parent, sizeof parent, "%s", ov->path);
        char *dot = strrchr(parent, '.');
        config_setting_t *group = dot ? (*dot = '\0', config_lookup(cfg, parent)) : config_root_setting(cfg);
        if (!group && dot && !strchr(parent, '.') && !strchr(parent, '[') &&
            es_schema_find(S, parent) && es_schema_find(S, parent)->type == ES_KEY_GROUP) {
            group = config_setting_add(config_root_setting(cfg), parent, CONFIG_TYPE_GROUP);
            if (group && !config_setting_name(group)) /* libconfig 1.5 could not copy the name */
                return es_error_set(err, ES_ENOMEM, NULL, 0, "--param %s: out of memory", ov->path);
        }
        if (!group || config_setting_type(group) != CONFIG_TYPE_GROUP)
            return es_error_set(err, ES_EINVAL, NULL, 0,
                                "--param %s: the scenario has no group to hold it", ov->path);
        int type = k->type == ES_KEY_INT ? CONFIG_TYPE_INT64
                   : k->type == ES_KEY_BOOL ? CONFIG_TYPE_BOOL
                   : (k->type == ES_KEY_STRING || k->type == ES_KEY_DATE) ? CONFIG_TYPE_STRING
                                                                          : CONFIG_TYPE_FLOAT;
        st = config_setting_add(group, dot ? dot + 1 : ov->path, type);
        if (st && !config_setting_name(st))
            return es_error_set(err, ES_ENOMEM, NULL, 0, "--param %s: out of memory", ov->path);
        if (!st)
            return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s: cannot add it", ov->path);
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
                                "--param %s=%s: does not fit in a 64-bit integer", ov->path,
                                ov->value);
        ok = *ov->value && !*end;
        if (ok) /* the key table's range is checked with the file's values, after this */
            es_setting_set_int64(st, v);
        break;
    }
    case CONFIG_TYPE_FLOAT: {
        double v = strtod(ov->value, &end);
        if (errno == ERANGE)
            return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s=%s: %s", ov->path,
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
            return es_error_set(err, ES_ENOMEM, NULL, 0, "--param %s: out of memory", ov->path);
        break;
    default:
        return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s: only single values can be set",
                            ov->path);
    }
    if (!ok)
        return es_error_set(err, ES_EINVAL, NULL, 0, "--param %s=%s: not a valid %s", ov->path,
                            ov->value, es_key_type_name(k->type));
    return ES_OK;
}
