/* Merging the parsed layers of a file into one config_t, key by key, with provenance
 * (src/io/layers.h).
 *
 * The merge is planned on a tree of nodes first -- one per effective setting, pointing at the
 * layer's setting that gives its value -- and then copied into the output config in one pass,
 * so that a setting overridden by a later layer keeps the place where it was first set (the
 * key table checks and reports in that order) and every copy carries the file and line of the
 * layer that set it. */
#include "io/layers.h"

#include <stdlib.h>
#include <string.h>

typedef struct merge_node {
    const config_setting_t *src; /* gives the value; for a group, where it was first set */
    struct merge_node *kid;      /* a group's members, in the order first set */
    int nkids, capkids;
} merge_node;

const char **es_layers_attach_sources(config_t *cfg, const es_layers *l)
{
    size_t bytes = (size_t)(l->nfiles + 1) * sizeof(char *);
    for (int k = 0; k < l->nfiles; k++)
        bytes += strlen(l->source[k]) + 1;
    const char **names = malloc(bytes);
    if (!names)
        return NULL;
    char *text = (char *)(names + l->nfiles + 1);
    for (int k = 0; k < l->nfiles; k++) {
        size_t n = strlen(l->source[k]) + 1;
        memcpy(text, l->source[k], n);
        names[k] = text;
        text += n;
    }
    names[l->nfiles] = NULL;
    /* the root's hook is the only one: the destructor frees it when cfg is destroyed */
    config_set_destructor(cfg, free);
    config_setting_set_hook(config_root_setting(cfg), (void *)names);
    config_root_setting(cfg)->file = names[0];
    return names;
}

static void node_free(merge_node *n)
{
    for (int k = 0; k < n->nkids; k++)
        node_free(&n->kid[k]);
    free(n->kid);
    n->kid = NULL;
    n->nkids = n->capkids = 0;
}

typedef struct merge_ctx {
    const char *path; /* the main file */
    es_error *err;
} merge_ctx;

static int merge_group(merge_node *node, const config_setting_t *group, const merge_ctx *x);

/* Sets `node` from `st`: a group's members are merged in, anything else replaces it. */
static int merge_setting(merge_node *node, const config_setting_t *st, const merge_ctx *x)
{
    bool groups = node->src && config_setting_is_group(node->src) && config_setting_is_group(st);
    if (!groups) {
        node_free(node);
        node->src = st;
        if (!config_setting_is_group(st))
            return ES_OK;
    }
    return merge_group(node, st, x);
}

static int merge_group(merge_node *node, const config_setting_t *group, const merge_ctx *x)
{
    int n = config_setting_length(group);
    bool fresh = node->nkids == 0; /* libconfig refused duplicates within one layer */
    for (int i = 0; i < n; i++) {
        const config_setting_t *st = config_setting_get_elem(group, (unsigned)i);
        merge_node *into = NULL;
        for (int k = 0; !fresh && k < node->nkids && !into; k++)
            if (strcmp(config_setting_name(node->kid[k].src), config_setting_name(st)) == 0)
                into = &node->kid[k];
        if (!into && node->nkids == ES_GROUP_SETTINGS_MAX)
            return es_schema_error(x->err, st, x->path,
                                   "more than %d settings in one group, with those of the "
                                   "files before: libconfig would take minutes to read them",
                                   ES_GROUP_SETTINGS_MAX);
        if (!into) {
            if (node->nkids == node->capkids) {
                int cap = node->capkids ? 2 * node->capkids : 8;
                merge_node *grown = realloc(node->kid, (size_t)cap * sizeof *grown);
                if (!grown)
                    return es_error_set(x->err, ES_ENOMEM, x->path, 0, "out of memory reading it");
                node->kid = grown;
                node->capkids = cap;
            }
            into = &node->kid[node->nkids++];
            memset(into, 0, sizeof *into);
        }
        int rc = merge_setting(into, st, x);
        if (rc)
            return rc;
    }
    return ES_OK;
}

static config_setting_t *add_like(config_setting_t *parent, const config_setting_t *src)
{
    const char *name = config_setting_is_group(parent) ? config_setting_name(src) : NULL;
    config_setting_t *dst = config_setting_add(parent, name, config_setting_type(src));
    if (!dst || (name && !config_setting_name(dst)))
        return NULL;
    dst->file = src->file;
    dst->line = src->line;
    dst->format = src->format;
    return dst;
}

int es_config_copy_setting(config_setting_t *parent, const config_setting_t *src)
{
    config_setting_t *dst = add_like(parent, src);
    if (!dst)
        return ES_ENOMEM;
    int ok = CONFIG_TRUE;
    switch (config_setting_type(src)) {
    case CONFIG_TYPE_INT:
        ok = config_setting_set_int(dst, src->value.ival);
        break;
    case CONFIG_TYPE_INT64:
        es_setting_set_int64(dst, src->value.llval);
        break;
    case CONFIG_TYPE_FLOAT:
        ok = config_setting_set_float(dst, src->value.fval);
        break;
    case CONFIG_TYPE_BOOL:
        ok = config_setting_set_bool(dst, src->value.ival);
        break;
    case CONFIG_TYPE_STRING:
        ok = config_setting_set_string(dst, src->value.sval) && dst->value.sval;
        break;
    default: /* group, list, array */
        for (int i = 0; ok && i < config_setting_length(src); i++)
            ok = es_config_copy_setting(dst, config_setting_get_elem(src, (unsigned)i)) == ES_OK;
        break;
    }
    return ok ? ES_OK : ES_ENOMEM;
}

static int emit_node(config_setting_t *parent, const merge_node *node)
{
    if (!config_setting_is_group(node->src))
        return es_config_copy_setting(parent, node->src);
    config_setting_t *group = add_like(parent, node->src);
    if (!group)
        return ES_ENOMEM;
    for (int k = 0; k < node->nkids; k++) {
        int rc = emit_node(group, &node->kid[k]);
        if (rc)
            return rc;
    }
    return ES_OK;
}

int es_layers_merge(config_t *out, config_t *const *parsed, int nparsed, const char *path,
                    es_error *err)
{
    merge_node root = {0};
    merge_ctx x = {path, err};
    int rc = ES_OK;
    for (int k = 0; !rc && k < nparsed; k++) {
        const config_setting_t *r = config_root_setting(parsed[k]);
        rc = root.src ? merge_group(&root, r, &x) : merge_setting(&root, r, &x);
    }
    for (int k = 0; !rc && k < root.nkids; k++)
        if (emit_node(config_root_setting(out), &root.kid[k]) != ES_OK)
            rc = es_error_set(err, ES_ENOMEM, path, 0, "out of memory reading it");
    node_free(&root);
    return rc;
}
