#include "api/disclosure.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PRIME 2147483647u /* 2^31 - 1 */
#define NCOL ES_DISCLOSURE_COLUMNS

/* One group of rows linked by the published relations: the rows of one fiscal year and one
 * catchment, sites first, then census divisions.  Cells are numbered row * NCOL + column. */
typedef struct group {
    int nrows, nsite_rows;
    uint64_t *value;  /* [nrows * NCOL] */
    uint8_t *hidden;  /* [nrows * NCOL] */
    /* equations: entries [eq_start[e], eq_start[e + 1]) of eq_cell / eq_coef */
    int neq, *eq_start, *eq_cell;
    int8_t *eq_coef;
} group;

static uint64_t mod_pow(uint64_t b, uint64_t e)
{
    uint64_t r = 1;
    for (b %= PRIME; e; e >>= 1, b = b * b % PRIME)
        if (e & 1)
            r = r * b % PRIME;
    return r;
}

static void add_entry(group *g, int *n, int cell, int8_t coef)
{
    g->eq_cell[*n] = cell;
    g->eq_coef[*n] = coef;
    (*n)++;
}

/* The equations a reader knows: two per row, and one per column where the sites' sum equals
 * the census divisions' sum in the data. */
static void build_equations(group *g)
{
    int n = 0;
    g->neq = 0;
    for (int r = 0; r < g->nrows; r++)
        for (int half = 0; half < 2; half++) {
            g->eq_start[g->neq++] = n;
            add_entry(g, &n, r * NCOL, 1);
            for (int k = 1; k <= ES_OPEN_DATA_COLUMNS / 2; k++)
                add_entry(g, &n, r * NCOL + half * (ES_OPEN_DATA_COLUMNS / 2) + k, -1);
        }
    bool both = g->nsite_rows > 0 && g->nsite_rows < g->nrows;
    for (int col = 0; both && col < NCOL; col++) {
        uint64_t sites = 0, cds = 0;
        for (int r = 0; r < g->nrows; r++)
            *(r < g->nsite_rows ? &sites : &cds) += g->value[r * NCOL + col];
        if (sites != cds)
            continue;
        g->eq_start[g->neq++] = n;
        for (int r = 0; r < g->nrows; r++)
            add_entry(g, &n, r * NCOL + col, r < g->nsite_rows ? 1 : -1);
    }
    g->eq_start[g->neq] = n;
}

/* Is `cand` a better complement than `best` (-1: none yet)?  Smallest non-zero count first,
 * zeros last, then the first cell. */
static bool better(const group *g, int cand, int best)
{
    if (best < 0)
        return true;
    uint64_t a = g->value[cand], b = g->value[best];
    if ((a == 0) != (b == 0))
        return a != 0;
    return a != b ? a < b : cand < best;
}

/* Hides one more count to protect `cell`: the best shown count sharing an equation with it,
 * or failing that the best shown count of the group.  False when every count is hidden. */
static bool hide_complement(group *g, int cell)
{
    int best = -1;
    for (int e = 0; e < g->neq; e++) {
        bool holds = false;
        for (int i = g->eq_start[e]; i < g->eq_start[e + 1]; i++)
            holds |= g->eq_cell[i] == cell;
        for (int i = g->eq_start[e]; holds && i < g->eq_start[e + 1]; i++)
            if (!g->hidden[g->eq_cell[i]] && better(g, g->eq_cell[i], best))
                best = g->eq_cell[i];
    }
    for (int c = 0; best < 0 && c < g->nrows * NCOL; c++)
        if (!g->hidden[c] && better(g, c, best))
            best = c;
    if (best < 0)
        return false;
    g->hidden[best] = 1;
    return true;
}

/* The cheap pass: an equation with a single hidden count gives it away. */
static void protect_singletons(group *g)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (int e = 0; e < g->neq; e++) {
            int nhidden = 0, which = -1;
            for (int i = g->eq_start[e]; i < g->eq_start[e + 1]; i++)
                if (g->hidden[g->eq_cell[i]]) {
                    nhidden++;
                    which = g->eq_cell[i];
                }
            if (nhidden == 1 && hide_complement(g, which))
                changed = true;
        }
    }
}

/* The exact pass: row-reduces the equations over the hidden counts and hides a complement for
 * every hidden count that the reduction determines.  Returns how many it hid (0: the pattern
 * is safe), or -1 when out of memory. */
static int protect_determined(group *g)
{
    int ncells = g->nrows * NCOL, nh = 0;
    int *column_of = malloc((size_t)ncells * sizeof *column_of);
    int *cell_of = malloc((size_t)ncells * sizeof *cell_of);
    if (!column_of || !cell_of) {
        free(column_of);
        free(cell_of);
        return -1;
    }
    for (int c = 0; c < ncells; c++) {
        column_of[c] = g->hidden[c] ? nh : -1;
        if (g->hidden[c])
            cell_of[nh++] = c;
    }
    int added = 0;
    uint32_t *m = nh ? calloc((size_t)g->neq * (size_t)nh, sizeof *m) : NULL;
    if (nh && !m) {
        added = -1;
        goto done;
    }
    for (int e = 0; e < g->neq; e++)
        for (int i = g->eq_start[e]; i < g->eq_start[e + 1]; i++) {
            int col = column_of[g->eq_cell[i]];
            if (col >= 0)
                m[(size_t)e * nh + col] = g->eq_coef[i] > 0 ? 1u : PRIME - 1u;
        }
    /* reduced row echelon form, modulo PRIME */
    int rank = 0;
    for (int col = 0; col < nh && rank < g->neq; col++) {
        int piv = rank;
        while (piv < g->neq && m[(size_t)piv * nh + col] == 0)
            piv++;
        if (piv == g->neq)
            continue;
        for (int k = 0; k < nh; k++) {
            uint32_t t = m[(size_t)piv * nh + k];
            m[(size_t)piv * nh + k] = m[(size_t)rank * nh + k];
            m[(size_t)rank * nh + k] = t;
        }
        uint64_t inv = mod_pow(m[(size_t)rank * nh + col], PRIME - 2);
        for (int k = 0; k < nh; k++)
            m[(size_t)rank * nh + k] = (uint32_t)(m[(size_t)rank * nh + k] * inv % PRIME);
        for (int r = 0; r < g->neq; r++) {
            uint64_t f = m[(size_t)r * nh + col];
            if (r == rank || f == 0)
                continue;
            for (int k = 0; k < nh; k++)
                m[(size_t)r * nh + k] = (uint32_t)((m[(size_t)r * nh + k] + (PRIME - f) * m[(size_t)rank * nh + k]) % PRIME);
        }
        rank++;
    }
    /* a row of the reduced form with a single non-zero entry fixes that hidden count; one
     * complement at a time, since it may protect several */
    for (int r = 0; r < rank && !added; r++) {
        int nonzero = 0, which = -1;
        for (int k = 0; k < nh; k++)
            if (m[(size_t)r * nh + k]) {
                nonzero++;
                which = k;
            }
        if (nonzero == 1 && hide_complement(g, cell_of[which]))
            added++;
    }
done:
    free(m);
    free(column_of);
    free(cell_of);
    return added;
}

static int protect_group(group *g)
{
    int added;
    do {
        protect_singletons(g);
        added = protect_determined(g);
    } while (added > 0);
    return added < 0 ? ES_ENOMEM : ES_OK;
}

/* Which catchment each site and each census division belongs to (-1: none). */
static void units_by_catchment(const es_params *p, const es_open_tables *t, int *site_catchment,
                               int *cd_catchment)
{
    int site = 0;
    for (int c = 0; c < p->ncatchments; c++)
        for (int j = 0; j < p->catchments[c].nproviders; j++)
            for (int k = 0; k < p->catchments[c].providers[j].nsites; k++)
                if (site < t->nsites)
                    site_catchment[site++] = c;
    for (; site < t->nsites; site++)
        site_catchment[site] = -1;
    for (int cd = 0; cd < t->ncds; cd++)
        cd_catchment[cd] = es_open_data_region(p, cd);
}

/* Fills the group of (fy, catchment) from the tables into g (whose arrays hold every unit). */
static void gather(group *g, int *units, const es_open_tables *t, int fy, int catchment,
                   const int *site_catchment, const int *cd_catchment, uint64_t below)
{
    g->nrows = 0;
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? t->ncds : t->nsites;
        for (int u = 0; u < n; u++) {
            if ((pass ? cd_catchment : site_catchment)[u] != catchment)
                continue;
            uint64_t assisted = (pass ? t->assisted_cd : t->assisted_site)[(size_t)fy * (size_t)n + (size_t)u];
            if (assisted == 0)
                continue; /* not printed */
            const uint64_t *cells = &(pass ? t->cd : t->site)[es_open_cell(n, fy, u, 0)];
            uint64_t *v = &g->value[g->nrows * NCOL];
            v[0] = assisted;
            memcpy(v + 1, cells, ES_OPEN_DATA_COLUMNS * sizeof *cells);
            for (int k = 0; k < NCOL; k++)
                g->hidden[g->nrows * NCOL + k] = v[k] > 0 && v[k] < below;
            units[g->nrows++] = pass ? -1 - u : u;
        }
        if (!pass)
            g->nsite_rows = g->nrows;
    }
}

int es_disclosure_protect(es_disclosure *d, const es_open_tables *t, const es_params *p,
                          es_error *err)
{
    memset(d, 0, sizeof *d);
    d->nfiscal_years = t->nfiscal_years;
    d->nsites = t->nsites;
    d->ncds = t->ncds;
    size_t fy = (size_t)(t->nfiscal_years > 0 ? t->nfiscal_years : 0);
    d->site_hidden = calloc(fy * (size_t)t->nsites * NCOL + 1, 1);
    d->cd_hidden = calloc(fy * (size_t)t->ncds * NCOL + 1, 1);
    int units_max = t->nsites + t->ncds + 1;
    group g = {0};
    int *units = malloc((size_t)units_max * sizeof *units);
    int *site_catchment = malloc((size_t)units_max * sizeof *site_catchment);
    int *cd_catchment = malloc((size_t)units_max * sizeof *cd_catchment);
    g.value = malloc((size_t)units_max * NCOL * sizeof *g.value);
    g.hidden = malloc((size_t)units_max * NCOL);
    g.eq_start = malloc((size_t)(2 * units_max + NCOL + 1) * sizeof *g.eq_start);
    size_t entries = (size_t)units_max * (2 * (1 + ES_OPEN_DATA_COLUMNS / 2) + NCOL);
    g.eq_cell = malloc(entries * sizeof *g.eq_cell);
    g.eq_coef = malloc(entries);
    int rc = ES_OK;
    if (!d->site_hidden || !d->cd_hidden || !units || !site_catchment || !cd_catchment ||
        !g.value || !g.hidden || !g.eq_start || !g.eq_cell || !g.eq_coef)
        rc = ES_ENOMEM;
    if (!rc && p->suppress_small_cells) {
        units_by_catchment(p, t, site_catchment, cd_catchment);
        for (int y = 0; !rc && y < t->nfiscal_years; y++)
            for (int c = -1; !rc && c < p->ncatchments; c++) {
                gather(&g, units, t, y, c, site_catchment, cd_catchment, (uint64_t)p->suppress_below);
                if (g.nrows == 0)
                    continue;
                build_equations(&g);
                rc = protect_group(&g);
                for (int r = 0; !rc && r < g.nrows; r++) {
                    int u = units[r];
                    uint8_t *out = u >= 0 ? &d->site_hidden[es_disclosure_cell(t->nsites, y, u, 0)]
                                          : &d->cd_hidden[es_disclosure_cell(t->ncds, y, -1 - u, 0)];
                    memcpy(out, &g.hidden[r * NCOL], NCOL);
                }
            }
    }
    free(units);
    free(site_catchment);
    free(cd_catchment);
    free(g.value);
    free(g.hidden);
    free(g.eq_start);
    free(g.eq_cell);
    free(g.eq_coef);
    if (rc) {
        es_disclosure_destroy(d);
        return es_error_set(err, rc, NULL, 0, "out of memory deciding which open-data counts to suppress");
    }
    return ES_OK;
}

void es_disclosure_destroy(es_disclosure *d)
{
    free(d->site_hidden);
    free(d->cd_hidden);
    d->site_hidden = d->cd_hidden = NULL;
}
