/* Spend and cost-per-outcome measures of a funding model (spend.c). */
#ifndef ES_SPEND_H
#define ES_SPEND_H

#include "engine/results.h"
#include "funding/funder.h"
#include "funding/ledger.h"
#include "model/params.h"

/* Adds the spend measures of one replication to r; the cost-per-outcome measures divide by
 * r's clients_served, job_starts and employed_12m, so the model's measures come first.
 * ES_OK or ES_ENOMEM. */
int es_spend_measures(es_results *r, const es_ledger *l, const es_funding_model *f,
                      const es_funder *fd, const es_params *p);
/* Adds providers' revenue, costs, margins and peak working capital. ES_OK or ES_ENOMEM. */
int es_spend_provider_cash_measures(es_results *r, const es_finance *fin, const es_params *p);

#endif
