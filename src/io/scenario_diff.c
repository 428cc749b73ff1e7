/* What differs between two loaded scenarios or funding models, key by key: every bound key of
 * the key table whose effective value (as loaded, defaults applied) differs.  List elements
 * are paired by name, or by position where they have none. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "io/scenario.h"

typedef struct diff_ctx {
    const es_schema *schema;
    es_schema_diff_fn each;
    void *user;
    es_dated_view a, b; /* each side's dated schedules */
} diff_ctx;

static int diff_owner(const diff_ctx *ctx, int owner, const char *element, const void *a,
                      const void *b)
{
    return es_schema_diff_dated(ctx->schema, owner, element, a, b, &ctx->a, &ctx->b, ctx->each,
                                ctx->user);
}

/* A list of owner structs in an array: its path ("streams"), the owner of its elements, where
 * an element's name is (none: paired by position), and the lists inside each element. */
typedef struct list_spec {
    const char *path;
    int owner;
    size_t stride;
    bool named;
    size_t name_offset;
    int (*children)(const char *where, const void *a, const void *b, const diff_ctx *ctx);
} list_spec;

/* Not inlined: GCC then reasons about `where`'s length through the nested lists and warns of
 * a truncation that names bounded by the key table cannot reach. */
__attribute__((noinline)) static void element_path(const list_spec *l, const char *where, const void *e, int i, char *out,
                         size_t len)
{
    const char *sep = where[0] ? "." : "";
    if (l->named)
        snprintf(out, len, "%s%s%s[%s]", where, sep, l->path, (const char *)e + l->name_offset);
    else
        snprintf(out, len, "%s%s%s[%d]", where, sep, l->path, i);
}

static const void *find(const list_spec *l, const void *first, int n, const void *like, int i)
{
    const char *base = first;
    if (!l->named)
        return i < n ? base + (size_t)i * l->stride : NULL;
    for (int j = 0; j < n; j++)
        if (strcmp(base + (size_t)j * l->stride + l->name_offset,
                   (const char *)like + l->name_offset) == 0)
            return base + (size_t)j * l->stride;
    return NULL;
}

/* Compares the elements both lists have; an element only one has is one row. */
static int diff_list(const list_spec *l, const char *where, const void *a, int na, const void *b,
                     int nb, const diff_ctx *ctx)
{
    int rows = 0;
    char path[512];
    for (int i = 0; i < na; i++) {
        const void *ea = (const char *)a + (size_t)i * l->stride;
        const void *eb = find(l, b, nb, ea, i);
        element_path(l, where, ea, i, path, sizeof path);
        if (!eb) {
            ctx->each(path, "(present)", "(absent)", ctx->user);
            rows++;
            continue;
        }
        rows += diff_owner(ctx, l->owner, path, ea, eb);
        if (l->children)
            rows += l->children(path, ea, eb, ctx);
    }
    for (int i = 0; i < nb; i++) {
        const void *eb = (const char *)b + (size_t)i * l->stride;
        if (find(l, a, na, eb, i))
            continue;
        element_path(l, where, eb, i, path, sizeof path);
        ctx->each(path, "(absent)", "(present)", ctx->user);
        rows++;
    }
    return rows;
}

#define NAMED(path, owner, T) {path, owner, sizeof(T), true, offsetof(T, name), NULL}
#define UNNAMED(path, owner, T) {path, owner, sizeof(T), false, 0, NULL}

static int provider_children(const char *where, const void *a, const void *b,
                             const diff_ctx *ctx)
{
    static const list_spec sites = NAMED("sites", ES_OWN_SITE, es_site_params);
    const es_provider_params *pa = a, *pb = b;
    return diff_list(&sites, where, pa->sites, pa->nsites, pb->sites, pb->nsites, ctx);
}

static int catchment_children(const char *where, const void *a, const void *b,
                              const diff_ctx *ctx)
{
    static const list_spec providers = {"providers", ES_OWN_PROVIDER, sizeof(es_provider_params),
                                        true, offsetof(es_provider_params, name),
                                        provider_children};
    const es_catchment_params *ca = a, *cb = b;
    return diff_list(&providers, where, ca->providers, ca->nproviders, cb->providers,
                     cb->nproviders, ctx);
}

int es_scenario_diff_params(const es_params *a, const es_params *b, es_schema_diff_fn each,
                            void *user)
{
    static const list_spec streams = NAMED("streams", ES_OWN_STREAM, es_stream_params);
    static const list_spec catchments = {"catchments", ES_OWN_CATCHMENT,
                                         sizeof(es_catchment_params), true,
                                         offsetof(es_catchment_params, name), catchment_children};
    static const list_spec wages = UNNAMED("minimum_wage", ES_OWN_WAGE_STEP, es_wage_step);
    static const list_spec industries = NAMED("industries", ES_OWN_INDUSTRY, es_industry_params);
    static const list_spec sizes = NAMED("sizes", ES_OWN_SIZE, es_size_params);
    static const list_spec steps = UNNAMED("conditions", ES_OWN_CONDITION, es_lm_step);
    static const list_spec shocks = UNNAMED("shocks", ES_OWN_SHOCK, es_lm_shock);
    const diff_ctx ctx = {&es_scenario_schema, each, user, {&a->dated, a}, {&b->dated, b}};
    const es_labour_params *la = &a->labour, *lb = &b->labour;
    int rows = diff_owner(&ctx, ES_OWN_PARAMS, "", a, b);
    rows += diff_list(&streams, "", a->streams, a->nstreams, b->streams, b->nstreams, &ctx);
    rows += diff_list(&wages, "outcomes", a->minimum_wage, a->nwage_steps, b->minimum_wage,
                      b->nwage_steps, &ctx);
    rows += diff_owner(&ctx, ES_OWN_LABOUR, "labour_market", la, lb);
    rows += diff_list(&industries, "labour_market", la->industries, la->nindustries,
                      lb->industries, lb->nindustries, &ctx);
    rows += diff_list(&sizes, "labour_market", la->sizes, la->nsizes, lb->sizes, lb->nsizes, &ctx);
    rows += diff_list(&steps, "labour_market", la->steps, la->nsteps, lb->steps, lb->nsteps, &ctx);
    rows += diff_list(&shocks, "", la->shocks, la->nshocks, lb->shocks, lb->nshocks, &ctx);
    rows += diff_list(&catchments, "", a->catchments, a->ncatchments, b->catchments,
                      b->ncatchments, &ctx);
    return rows;
}

static int component_children(const char *where, const void *a, const void *b,
                              const diff_ctx *ctx)
{
    static const list_spec kpis = UNNAMED("kpis", ES_OWN_KPI, es_kpi_term);
    const es_component *ca = a, *cb = b;
    return diff_list(&kpis, where, ca->kpis, ca->nkpis, cb->kpis, cb->nkpis, ctx);
}

int es_scenario_diff_funding(const es_funding_model *a, const es_funding_model *b,
                             es_schema_diff_fn each, void *user)
{
    static const list_spec components = {"components", ES_OWN_COMPONENT, sizeof(es_component),
                                         true, offsetof(es_component, name), component_children};
    const diff_ctx ctx = {&es_funding_schema, each, user, {&a->dated, a}, {&b->dated, b}};
    int rows = diff_owner(&ctx, ES_OWN_MODEL, "funding", a, b);
    return rows + diff_list(&components, "funding", a->components, a->ncomponents, b->components,
                            b->ncomponents, &ctx);
}
