#include "api/alignment.h"

#include <string.h>

int es_experiment_check_aligned(const es_experiment *x, es_error *err)
{
    if (x->nreps < 2)
        return ES_OK;
    const es_results *first = &x->reps[0].results;
    for (int r = 1; r < x->nreps; r++) {
        const es_results *res = &x->reps[r].results;
        size_t n = res->n < first->n ? res->n : first->n;
        for (size_t i = 0; i <= n; i++) {
            if (i == n) {
                if (res->n == first->n)
                    break;
                return es_error_set(err, ES_EIO, NULL, 0,
                                    "replication %u records %zu measures, replication %u %zu: "
                                    "the summary tables would mix measures (a bug; please report it)",
                                    x->reps[r].number, res->n, x->reps[0].number, first->n);
            }
            const es_obs *a = &first->obs[i], *b = &res->obs[i];
            if (a->month != b->month || strcmp(a->measure, b->measure) != 0 ||
                strcmp(a->group, b->group) != 0)
                return es_error_set(err, ES_EIO, NULL, 0,
                                    "replication %u records %s (%s) where replication %u records "
                                    "%s (%s): the summary tables would mix measures (a bug; "
                                    "please report it)",
                                    x->reps[r].number, b->measure, b->group, x->reps[0].number,
                                    a->measure, a->group);
        }
    }
    return ES_OK;
}
