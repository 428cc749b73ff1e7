/* The scenario file's keys: the single table behind validation, defaults, `essim check` and
 * docs/scenario-reference.md (tests/test_docs checks the doc against this table). */
#include "io/scenario.h"

#define BIG 1e12
#define NONE 0, 0, NULL

static const es_key scenario_keys[] = {
    {"scenario", ES_KEY_GROUP, true, NULL, NONE, "Run settings."},
    {"scenario.name", ES_KEY_STRING, true, NULL, 1, 150, NULL, "Scenario name, shown in outputs."},
    {"scenario.start_date", ES_KEY_DATE, false, "2021-01-01", NONE,
     "Calendar date of simulated day 0 (YYYY-MM-DD)."},
    {"scenario.horizon_days", ES_KEY_FLOAT, false, "1826.25", 1, 36525, NULL,
     "Length of each replication, in days (1826.25 = five years)."},
    {"scenario.warmup_days", ES_KEY_FLOAT, false, "0", 0, 36525, NULL,
     "Statistics on waiting and queues are reset at this time (warm-up deletion); must be below horizon_days."},
    {"scenario.seed", ES_KEY_INT, false, "20210101", 0, 9.2e18, NULL,
     "Scenario seed; each random stream's seed is a hash of (seed, replication, stream name)."},
    {"scenario.replications", ES_KEY_INT, false, "10", 1, 100000, NULL,
     "Number of replications (overridden by --replications)."},
    {"scenario.rng", ES_KEY_STRING, false, "xoshiro256+", 1, 31, NULL,
     "Random-number generator: xoshiro256+ (fast, default) or any GSL generator name such as taus2 or mt19937."},
    {"scenario.funding_model", ES_KEY_STRING, false, NULL, 1, 511, NULL,
     "Funding model file, relative to the scenario's folder; none means no payments."},

    {"assessment", ES_KEY_GROUP, false, NULL, NONE, "The common assessment tool."},
    {"assessment.noise_sd", ES_KEY_FLOAT, false, "0.5", 0, 10, NULL,
     "Standard deviation of measurement noise added to the need score (need ~ N(0,1)); an assumption, sweepable."},
    {"assessment.thresholds", ES_KEY_FLOATS, false, NULL, -10, 10, NULL,
     "Cut points on the assessed score, increasing, one fewer than streams; the default splits N(0,1) into equal shares."},

    {"streams", ES_KEY_LIST, true, NULL, 1, 8, NULL, "Service streams, from least to most need."},
    {"streams.[].name", ES_KEY_STRING, true, NULL, 1, 31, NULL, "Stream name (A, B, C ...), unique."},
    {"streams.[].service", ES_KEY_GROUP, true, NULL, NONE, "Time a client holds a caseload place."},
    {"streams.[].service.distribution", ES_KEY_STRING, false, "exponential", 0, 0,
     "exponential|deterministic|gamma|lognormal", "Shape of the service-time distribution."},
    {"streams.[].service.mean_days", ES_KEY_FLOAT, true, NULL, 0.001, 3650, NULL,
     "Mean service time in days."},
    {"streams.[].service.cv", ES_KEY_FLOAT, false, "1", 0.01, 10, NULL,
     "Coefficient of variation, for gamma and lognormal."},
    {"streams.[].job_start_prob", ES_KEY_FLOAT, false, "0", 0, 1, NULL,
     "Probability that a client who completes services starts a job."},
    {"streams.[].retention_3m_prob", ES_KEY_FLOAT, false, "1", 0, 1, NULL,
     "Probability that a job start is still employed at the 3-month checkpoint."},
    {"streams.[].patience_days", ES_KEY_FLOAT, false, "0", 0, 3650, NULL,
     "Mean patience (exponential) of a waiting client before giving up; 0 = never gives up."},
    {"streams.[].priority", ES_KEY_INT, false, "0", -100, 100, NULL,
     "Queue priority; higher is served first, ties in arrival order."},

    {"catchments", ES_KEY_LIST, true, NULL, 1, 32, NULL, "Catchments, each with one SSM."},
    {"catchments.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL, "Catchment name, unique."},
    {"catchments.[].ssm", ES_KEY_STRING, false, "SSM", 1, 95, NULL,
     "Service system manager (the payer in the ledger)."},
    {"catchments.[].arrivals_per_day", ES_KEY_FLOAT, true, NULL, 0.0001, 100000, NULL,
     "Poisson arrival rate of new clients, per day."},
    {"catchments.[].providers", ES_KEY_LIST, true, NULL, 1, 16, NULL,
     "Providers the SSM contracts; a client goes to the least loaded."},
    {"catchments.[].providers.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL, "Provider name."},
    {"catchments.[].providers.[].caseload_capacity", ES_KEY_INT, true, NULL, 1, 1000000, NULL,
     "Clients the provider serves at once."},
};

const es_schema es_scenario_schema = {"scenario", scenario_keys,
                                      sizeof scenario_keys / sizeof scenario_keys[0]};

static const es_key funding_keys[] = {
    {"funding", ES_KEY_GROUP, true, NULL, NONE, "A funding model."},
    {"funding.name", ES_KEY_STRING, true, NULL, 1, 150, NULL, "Model name, shown in outputs."},
    {"funding.currency", ES_KEY_STRING, false, "CAD", 0, 0, "CAD|AUD|GBP|USD",
     "Currency of the amounts in this file."},
    {"funding.price_year", ES_KEY_INT, false, "2021", 1990, 2100, NULL,
     "Year whose prices the amounts are stated in."},
    {"funding.cad_per_unit", ES_KEY_FLOAT, false, "1", 0.01, 100, NULL,
     "CAD per unit of the file's currency, applied once per payment (half to even, to the cent); 1 for CAD."},
    {"funding.source", ES_KEY_STRING, false, "", 0, 2000, NULL, "Where the figures come from."},
    {"funding.components", ES_KEY_LIST, true, NULL, 0, 32, NULL, "Payment components."},
    {"funding.components.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL,
     "Component name, unique, shown in the ledger."},
    {"funding.components.[].type", ES_KEY_STRING, true, NULL, 0, 0, "fixed|milestone|outcome",
     "fixed: per-client fee; milestone: pathway event; outcome: employment checkpoint."},
    {"funding.components.[].event", ES_KEY_STRING, true, NULL, 0, 0,
     "intake|assessed|service_start|service_end|job_start|employed_3m",
     "The model event that earns the payment."},
    {"funding.components.[].amounts", ES_KEY_GROUP, true, NULL, NONE,
     "Amount per stream: one key per stream name."},
    {"funding.components.[].amounts.*", ES_KEY_MONEY, false, NULL, 0, 1e7, NULL,
     "Dollars (at most two decimals) paid for a client of that stream."},
};

const es_schema es_funding_schema = {"funding model", funding_keys,
                                     sizeof funding_keys / sizeof funding_keys[0]};
