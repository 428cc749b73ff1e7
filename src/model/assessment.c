#include "model/assessment.h"

#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "engine/error.h"
#include "engine/rng.h"
#include "model/client.h"

/* Rural share of the scenario's population: the calibration draws rural clients in it. */
static double rural_share(const es_params *p)
{
    if (!p->has_geography)
        return 0.0;
    double rural = 0.0, total = 0.0;
    for (int c = 0; c < p->ncatchments; c++) {
        int g = p->catchments[c].geo_index;
        if (g < 0)
            continue;
        const es_geo_catchment *gc = &p->geography.catchments[g];
        for (int k = 0; k < gc->ncds; k++) {
            const es_census_division *cd = &p->geography.cds[gc->cd_index[k]];
            total += (double)cd->population;
            if (es_cd_is_rural(p, cd))
                rural += (double)cd->population;
        }
    }
    return total > 0.0 ? rural / total : 0.0;
}

static void quantile_cuts(const double *sorted, size_t n, const es_params *p, double *cuts)
{
    double total = 0.0, acc = 0.0;
    for (int s = 0; s < p->nstreams; s++)
        total += p->streams[s].target_share;
    for (int s = 0; s < p->nstreams - 1; s++) {
        acc += p->streams[s].target_share;
        cuts[s] = gsl_stats_quantile_from_sorted_data(sorted, 1, n, acc / total);
    }
}

/* The mean need of the clients each score puts in each stream (cut at cuts): by the assessed
 * score, the mean need by assessed stream; by the need itself, by the stream of true need. */
static void mean_need_by_stream(const es_params *p, const double *cuts, const double *score,
                                const double *need, size_t n, double *mean)
{
    double sum[ES_MAX_STREAMS] = {0};
    size_t count[ES_MAX_STREAMS] = {0};
    for (size_t i = 0; i < n; i++) {
        int s = es_stream_of(cuts, p->nstreams, score[i]);
        sum[s] += need[i];
        count[s]++;
    }
    for (int s = 0; s < p->nstreams; s++)
        mean[s] = count[s] ? sum[s] / (double)count[s] : 0.0;
}

int es_assessment_calibrate(es_params *p, bool thresholds_given)
{
    const size_t n = ES_CALIBRATION_DRAWS;
    double *need = malloc(n * sizeof *need);
    double *score = malloc(n * sizeof *score);
    gsl_rng *r = es_rng_alloc(es_rng_xoshiro256p, p->seed, 0, "assessment-calibration");
    /* the priority groups from their own numbers, as for clients: a group whose need weight is
     * 0 then moves no threshold */
    gsl_rng *rg = es_rng_alloc(es_rng_xoshiro256p, p->seed, 0, "assessment-calibration-groups");
    if (!need || !score || !r || !rg) {
        free(need);
        free(score);
        gsl_rng_free(r);
        gsl_rng_free(rg);
        return ES_ENOMEM;
    }
    double rural = rural_share(p);
    for (size_t i = 0; i < n; i++) {
        es_attributes a;
        es_attributes_draw(p, r, gsl_rng_uniform(r) < rural, &a);
        es_groups_draw(p, rg, &a);
        need[i] = es_need_score(p, &a, r);
        score[i] = need[i] + (p->assessment_noise_sd > 0.0
                                  ? gsl_ran_gaussian_ziggurat(r, p->assessment_noise_sd)
                                  : 0.0);
    }
    if (!thresholds_given) {
        double *sorted = malloc(n * sizeof *sorted);
        if (!sorted) {
            free(need);
            free(score);
            gsl_rng_free(r);
            gsl_rng_free(rg);
            return ES_ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
            sorted[i] = score[i];
        gsl_sort(sorted, 1, n);
        quantile_cuts(sorted, n, p, p->thresholds);
        free(sorted);
    }
    mean_need_by_stream(p, p->thresholds, score, need, n, p->need_mean_by_stream);
    gsl_sort(need, 1, n);
    quantile_cuts(need, n, p, p->need_thresholds);
    mean_need_by_stream(p, p->need_thresholds, need, need, n, p->need_mean_by_true_stream);
    free(need);
    free(score);
    gsl_rng_free(r);
    gsl_rng_free(rg);
    return ES_OK;
}
