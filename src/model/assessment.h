/* The common assessment: an assessed score (true need plus measurement noise) cut into
 * streams by thresholds, calibrated so the split matches the streams' target shares. */
#ifndef ES_MODEL_ASSESSMENT_H
#define ES_MODEL_ASSESSMENT_H

#include <stdbool.h>

#include "model/params.h"

#ifndef ES_CALIBRATION_DRAWS /* the fuzz build takes fewer (fuzz/CMakeLists.txt) */
#define ES_CALIBRATION_DRAWS 200000
#endif

/* Sets p->thresholds (unless `thresholds_given`), p->need_thresholds and
 * p->need_mean_by_stream from ES_CALIBRATION_DRAWS simulated clients of the scenario's mix
 * (a fixed random stream: the same scenario always gives the same thresholds). */
int es_assessment_calibrate(es_params *p, bool thresholds_given);

/* The stream of a score under increasing thresholds. */
static inline int es_stream_of(const double *thresholds, int nstreams, double score)
{
    int s = 0;
    while (s < nstreams - 1 && score >= thresholds[s])
        s++;
    return s;
}

#endif
