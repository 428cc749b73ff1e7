/* The summary tables (summary.csv, kpis.csv, comparison*.csv, sweep.csv) take a measure by its
 * position in replication 1 and read the same position in every other replication.  That is
 * right only when every replication records the same measures, in the same order; the model
 * and the funding layer record measures by structure (every stream, payer of the model,
 * component...), never by what happened, so they do.  This check makes a break of that rule an
 * error instead of rows that silently mix measures. */
#ifndef ES_API_ALIGNMENT_H
#define ES_API_ALIGNMENT_H

#include "api/internal.h"

/* ES_OK when every replication of x records the measures of its first, in order; otherwise
 * ES_EIO naming the first replication and measure that differ. */
int es_experiment_check_aligned(const es_experiment *x, es_error *err);

#endif
