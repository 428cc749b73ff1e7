/* MSER truncation (see mser.h), in one pass over suffix sums of the batch means. */
#include "engine/mser.h"

#include <stdlib.h>

size_t es_mser_truncation(const double *x, size_t n, size_t batch, int *at_limit)
{
    *at_limit = 0;
    size_t k = batch ? n / batch : 0;
    if (k < 2)
        return 0;
    double sum = 0.0, sumsq = 0.0; /* of the batch means kept: j = d+1 .. k, grown from the end */
    double best = 0.0;
    size_t best_d = 0, last_d = k / 2;
    for (size_t d = k; d-- > 0;) {
        double z = 0.0;
        for (size_t i = 0; i < batch; i++)
            z += x[d * batch + i];
        z /= (double)batch;
        sum += z;
        sumsq += z * z;
        if (d > last_d)
            continue;
        double kept = (double)(k - d);
        double ss = sumsq - sum * sum / kept; /* sum of squared deviations */
        double mser = (ss > 0.0 ? ss : 0.0) / (kept * kept);
        if (d == last_d || mser <= best) { /* ties: the earlier truncation */
            best = mser;
            best_d = d;
        }
    }
    *at_limit = best_d == last_d && last_d > 0;
    return best_d * batch;
}
