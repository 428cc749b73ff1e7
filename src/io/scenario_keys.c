/* The scenario file's keys: the single table behind validation, defaults, `essim check` and
 * docs/scenario-reference.md (tests/docs.sh checks the doc against this table). */
#include "io/scenario.h"

#include <stddef.h>

#define NONE 0, 0, NULL
#define PROB 0, 1, NULL
#define SHARE(path, def, doc, ...) {path, ES_KEY_FLOAT, false, def, 0, 1, NULL, doc, __VA_ARGS__}
#define WEIGHT(path, def, doc, ...) {path, ES_KEY_FLOAT, false, def, -10, 10, NULL, doc, __VA_ARGS__}

/* Where each bound key's value lives (the owners are listed in io/scenario.h). */
#define PARAMS(m) ES_BIND(ES_OWN_PARAMS, es_params, m)
#define LABOUR(m) ES_BIND(ES_OWN_LABOUR, es_labour_params, m)
#define STREAM(m) ES_BIND(ES_OWN_STREAM, es_stream_params, m)
/* keys that may be given as dated schedules: numbers the model uses when an event happens */
#define PARAMS_DATED(m) ES_BIND_DATED(ES_OWN_PARAMS, es_params, m)
#define LABOUR_DATED(m) ES_BIND_DATED(ES_OWN_LABOUR, es_labour_params, m)
#define STREAM_DATED(m) ES_BIND_DATED(ES_OWN_STREAM, es_stream_params, m)
#define CATCHMENT(m) ES_BIND(ES_OWN_CATCHMENT, es_catchment_params, m)
#define PROVIDER(m) ES_BIND(ES_OWN_PROVIDER, es_provider_params, m)
#define SITE(m) ES_BIND(ES_OWN_SITE, es_site_params, m)
#define INDUSTRY(m) ES_BIND(ES_OWN_INDUSTRY, es_industry_params, m)
#define SIZE(m) ES_BIND(ES_OWN_SIZE, es_size_params, m)
#define CONDITION(m) ES_BIND(ES_OWN_CONDITION, es_lm_step, m)
#define SHOCK(m) ES_BIND(ES_OWN_SHOCK, es_lm_shock, m)
#define WAGE_STEP(m) ES_BIND(ES_OWN_WAGE_STEP, es_wage_step, m)
#define MODEL(m) ES_BIND(ES_OWN_MODEL, es_funding_model, m)
#define COMPONENT(m) ES_BIND(ES_OWN_COMPONENT, es_component, m)
#define KPI(m) ES_BIND(ES_OWN_KPI, es_kpi_term, m)

static const es_key_owner scenario_owners[ES_SCENARIO_NOWNERS] = {
    [ES_OWN_UNBOUND] = {"unbound", ""},
    [ES_OWN_PARAMS] = {"scenario", ""},
    [ES_OWN_LABOUR] = {"labour market", "labour_market"},
    [ES_OWN_STREAM] = {"stream", "streams.[]"},
    [ES_OWN_CATCHMENT] = {"catchment", "catchments.[]"},
    [ES_OWN_PROVIDER] = {"provider", "catchments.[].providers.[]"},
    [ES_OWN_SITE] = {"site", "catchments.[].providers.[].sites.[]"},
    [ES_OWN_INDUSTRY] = {"industry", "labour_market.industries.[]"},
    [ES_OWN_SIZE] = {"size class", "labour_market.sizes.[]"},
    [ES_OWN_CONDITION] = {"condition", "labour_market.conditions.[]"},
    [ES_OWN_SHOCK] = {"shock", "shocks.[]"},
    [ES_OWN_WAGE_STEP] = {"minimum wage step", "outcomes.minimum_wage.[]"},
};

static const es_key_owner funding_owners[ES_FUNDING_NOWNERS] = {
    [ES_OWN_UNBOUND] = {"unbound", ""},
    [ES_OWN_MODEL] = {"funding model", "funding"},
    [ES_OWN_COMPONENT] = {"component", "funding.components.[]"},
    [ES_OWN_KPI] = {"KPI", "funding.components.[].kpis.[]"},
};

static const es_key scenario_keys[] = {
    {"scenario", ES_KEY_GROUP, true, NULL, NONE, "Run settings.", ES_UNBOUND},
    {"scenario.name", ES_KEY_STRING, true, NULL, 1, 150, NULL, "Scenario name, shown in outputs.", PARAMS(name)},
    {"scenario.start_date", ES_KEY_DATE, false, "2021-01-01", NONE, "Calendar date of simulated day 0 (YYYY-MM-DD).", ES_UNBOUND},
    {"scenario.horizon_days", ES_KEY_FLOAT, false, "1826.25", 1, 36525, NULL, "Length of each replication, in days (1826.25 = five years).", PARAMS(horizon_days)},
    {"scenario.warmup_days", ES_KEY_FLOAT, false, "0", 0, 36525, NULL, "Warm-up deletion: measures count events from this time on, and client outcomes of clients whose intake came at or after it (docs/experiments.md, Warm-up); must be below horizon_days.", PARAMS(warmup_days)},
    {"scenario.seed", ES_KEY_INT, false, "20210101", 0, 9.2e18, NULL, "Scenario seed; each random stream's seed is a hash of (seed, replication, stream name).", PARAMS(seed)},
    {"scenario.replications", ES_KEY_INT, false, "10", 1, 100000, NULL, "Number of replications (overridden by --replications).", PARAMS(replications)},
    {"scenario.rng", ES_KEY_STRING, false, "xoshiro256+", 1, 31, NULL, "Random-number generator of the processes that belong to no client (arrivals, vacancy postings): xoshiro256+ (fast, default) or any GSL generator name such as taus2 or mt19937. Each client draws from its own counter-based substreams whatever this says (docs/experiments.md).", PARAMS(rng)},
    {"scenario.funding_model", ES_KEY_STRING, false, NULL, 1, 511, NULL, "Funding model file, relative to the scenario's folder; none means no payments.", ES_UNBOUND},
    {"scenario.funding_models", ES_KEY_STRINGS, false, NULL, 0, 0, NULL, "Several funding model files instead of one: essim run then compares them on the same client flows, as essim compare does (the first is the baseline).", ES_UNBOUND},

    {"geography", ES_KEY_GROUP, false, NULL, NONE, "Census divisions and catchments; without it, each catchment needs arrivals_per_day.", ES_UNBOUND},
    {"geography.census_divisions", ES_KEY_STRING, true, NULL, 1, 511, NULL, "CSV of census divisions (model/geography/census_divisions.csv), relative to the scenario's folder.", ES_UNBOUND},
    {"geography.catchments", ES_KEY_STRING, true, NULL, 1, 511, NULL, "CSV of catchments built from census divisions (model/geography/catchments.csv).", ES_UNBOUND},
    {"geography.phase3_start", ES_KEY_STRING, false, "2025-01", 7, 7, NULL, "Assumed IES start (YYYY-MM) for catchments whose start the CSV leaves blank (phase 3).", ES_UNBOUND},

    {"intake", ES_KEY_GROUP, false, NULL, NONE, "New clients from census-division populations.", ES_UNBOUND},
    {"intake.per_1000_per_year", ES_KEY_FLOAT, false, "17.6", 0, 1000, NULL, "New clients per 1,000 population a year (about 250,000 a year province-wide; illustrative).", PARAMS_DATED(intake_per_1000)},
    {"intake.seasonality", ES_KEY_FLOATS, false, NULL, 0, 5, NULL, "Twelve multipliers of the intake rate, January to December (rescaled to mean 1); default flat.", ES_UNBOUND},

    {"clients", ES_KEY_GROUP, false, NULL, NONE, "How client attributes are drawn.", ES_UNBOUND},
    SHARE("clients.source_EO", "0.55", "Share of clients from Employment Ontario without income support.", PARAMS(clients.source_share[ES_SRC_EO])),
    SHARE("clients.source_OW", "0.30", "Share of clients on Ontario Works.", PARAMS(clients.source_share[ES_SRC_OW])),
    SHARE("clients.source_ODSP", "0.10", "Share of clients on ODSP (all have a disability).", PARAMS(clients.source_share[ES_SRC_ODSP])),
    SHARE("clients.source_none", "0.05", "Share of clients with no recorded source.", PARAMS(clients.source_share[ES_SRC_NONE])),
    SHARE("clients.disability_prob", "0.12", "Probability of a disability for clients not on ODSP.", PARAMS(clients.disability_prob)),
    SHARE("clients.age_15_24", "0.22", "Share aged 15 to 24 (youth).", PARAMS(clients.age_share[ES_AGE_15_24])),
    SHARE("clients.age_25_44", "0.45", "Share aged 25 to 44.", PARAMS(clients.age_share[ES_AGE_25_44])),
    SHARE("clients.age_45_64", "0.30", "Share aged 45 to 64.", PARAMS(clients.age_share[ES_AGE_45_64])),
    SHARE("clients.age_65_up", "0.03", "Share aged 65 and over.", PARAMS(clients.age_share[ES_AGE_65_UP])),
    SHARE("clients.education_less_hs", "0.18", "Share without a high-school diploma.", PARAMS(clients.education_share[ES_EDU_LESS_HS])),
    SHARE("clients.education_hs", "0.37", "Share with a high-school diploma only.", PARAMS(clients.education_share[ES_EDU_HS])),
    SHARE("clients.education_post", "0.45", "Share with a postsecondary credential.", PARAMS(clients.education_share[ES_EDU_POST])),
    SHARE("clients.out_of_work_under_3m", "0.35", "Share out of work under 3 months.", PARAMS(clients.out_of_work_share[ES_OOW_UNDER_3M])),
    SHARE("clients.out_of_work_3_12m", "0.35", "Share out of work 3 to 12 months.", PARAMS(clients.out_of_work_share[ES_OOW_3_12M])),
    SHARE("clients.out_of_work_over_12m", "0.30", "Share out of work over 12 months.", PARAMS(clients.out_of_work_share[ES_OOW_OVER_12M])),
    SHARE("clients.language_barrier_prob", "0.12", "Probability of a language barrier.", PARAMS(clients.language_barrier_prob)),
    {"clients.rural_density_per_km2", ES_KEY_FLOAT, false, "50", 0, 100000, NULL, "A census division with fewer people per km2 than this is rural.", PARAMS(clients.rural_density_per_km2)},

    {"need", ES_KEY_GROUP, false, NULL, NONE, "True need score: a weighted sum of attributes plus noise (higher = more need).", ES_UNBOUND},
    WEIGHT("need.source_OW", "0.8", "Weight of being on Ontario Works.", PARAMS(need.source[ES_SRC_OW])),
    WEIGHT("need.source_ODSP", "1.0", "Weight of being on ODSP.", PARAMS(need.source[ES_SRC_ODSP])),
    WEIGHT("need.source_none", "0", "Weight of no recorded source.", PARAMS(need.source[ES_SRC_NONE])),
    WEIGHT("need.disability", "0.8", "Weight of a disability.", PARAMS(need.disability)),
    WEIGHT("need.language_barrier", "0.5", "Weight of a language barrier.", PARAMS(need.language_barrier)),
    WEIGHT("need.rural", "0.2", "Weight of living in a rural census division.", PARAMS(need.rural)),
    WEIGHT("need.age_15_24", "0.3", "Weight of age 15 to 24 (25 to 44 is the reference).", PARAMS(need.age[ES_AGE_15_24])),
    WEIGHT("need.age_45_64", "0.3", "Weight of age 45 to 64.", PARAMS(need.age[ES_AGE_45_64])),
    WEIGHT("need.age_65_up", "0.6", "Weight of age 65 and over.", PARAMS(need.age[ES_AGE_65_UP])),
    WEIGHT("need.education_less_hs", "0.8", "Weight of no high-school diploma (postsecondary is the reference).", PARAMS(need.education[ES_EDU_LESS_HS])),
    WEIGHT("need.education_hs", "0.3", "Weight of a high-school diploma only.", PARAMS(need.education[ES_EDU_HS])),
    WEIGHT("need.out_of_work_3_12m", "0.4", "Weight of 3 to 12 months out of work (under 3 is the reference).", PARAMS(need.out_of_work[ES_OOW_3_12M])),
    WEIGHT("need.out_of_work_over_12m", "1.0", "Weight of over 12 months out of work.", PARAMS(need.out_of_work[ES_OOW_OVER_12M])),
    {"need.residual_sd", ES_KEY_FLOAT, false, "0.6", 0, 10, NULL, "Standard deviation of need not explained by the attributes above.", PARAMS(need.residual_sd)},

    {"channels", ES_KEY_GROUP, false, NULL, NONE, "Doors into the system; every channel leads to the same assessment (no wrong door).", ES_UNBOUND},
    SHARE("channels.in_person", "0.50", "Base share of clients who come in person.", PARAMS(channel_share[ES_CH_IN_PERSON])),
    SHARE("channels.online", "0.30", "Base share who come online.", PARAMS(channel_share[ES_CH_ONLINE])),
    SHARE("channels.phone", "0.20", "Base share who phone.", PARAMS(channel_share[ES_CH_PHONE])),
    SHARE("channels.youth_online_shift", "0.15", "Share of youth (15-24) moved from in person to online.", PARAMS(youth_online_shift)),
    SHARE("channels.language_in_person_shift", "0.20", "Share of clients with a language barrier moved to in person.", PARAMS(language_in_person_shift)),
    {"channels.minutes_in_person", ES_KEY_FLOAT, false, "60", 0, 600, NULL, "Staff minutes per in-person contact.", PARAMS_DATED(staff_minutes_per_contact[ES_CH_IN_PERSON])},
    {"channels.minutes_online", ES_KEY_FLOAT, false, "30", 0, 600, NULL, "Staff minutes per online contact.", PARAMS_DATED(staff_minutes_per_contact[ES_CH_ONLINE])},
    {"channels.minutes_phone", ES_KEY_FLOAT, false, "40", 0, 600, NULL, "Staff minutes per phone contact.", PARAMS_DATED(staff_minutes_per_contact[ES_CH_PHONE])},
    {"channels.contacts_per_month", ES_KEY_FLOAT, false, "2", 0, 100, NULL, "Contacts per month of service.", PARAMS_DATED(contacts_per_month)},

    {"assessment", ES_KEY_GROUP, false, NULL, NONE, "The common assessment tool, one for the province.", ES_UNBOUND},
    {"assessment.noise_sd", ES_KEY_FLOAT, false, "0.5", 0, 10, NULL, "Measurement noise added to the need score (an assumption: misclassification is reported in the field; sweepable).", PARAMS(assessment_noise_sd)},
    {"assessment.thresholds", ES_KEY_FLOATS, false, NULL, -100, 100, NULL, "Cut points on the assessed score, increasing, one fewer than streams; default: calibrated to the streams' target_share.", ES_UNBOUND},

    {"streams", ES_KEY_LIST, true, NULL, 1, 8, NULL, "Service streams, from least to most need.", ES_UNBOUND},
    {"streams.[].name", ES_KEY_STRING, true, NULL, 1, 31, NULL, "Stream name (A, B, C ...), unique.", STREAM(name)},
    {"streams.[].target_share", ES_KEY_FLOAT, false, NULL, 0.001, 1, NULL, "Share of clients the assessment should place here (thresholds are calibrated to these; default equal shares).", STREAM(target_share)},
    {"streams.[].service", ES_KEY_GROUP, true, NULL, NONE, "Employment services (job search, matching, placement), which every client receives.", ES_UNBOUND},
    {"streams.[].service.distribution", ES_KEY_STRING, false, "exponential", 0, 0, "exponential|deterministic|gamma|lognormal", "Shape of the service-time distribution.", STREAM(services[ES_SVC_EMPLOYMENT].days.kind)},
    {"streams.[].service.mean_days", ES_KEY_FLOAT, true, NULL, 0.001, 3650, NULL, "Mean duration in days.", STREAM_DATED(services[ES_SVC_EMPLOYMENT].days.mean)},
    {"streams.[].service.cv", ES_KEY_FLOAT, false, "1", 0.01, 10, NULL, "Coefficient of variation, for gamma and lognormal.", STREAM_DATED(services[ES_SVC_EMPLOYMENT].days.cv)},
    {"streams.[].training", ES_KEY_GROUP, false, NULL, NONE, "Training (skills, literacy, apprenticeship) before employment services.", ES_UNBOUND},
    {"streams.[].training.prob", ES_KEY_FLOAT, false, "0", PROB, "Probability a client of the stream takes training.", STREAM_DATED(services[ES_SVC_TRAINING].prob)},
    {"streams.[].training.distribution", ES_KEY_STRING, false, "exponential", 0, 0, "exponential|deterministic|gamma|lognormal", "Shape of the training duration.", STREAM(services[ES_SVC_TRAINING].days.kind)},
    {"streams.[].training.mean_days", ES_KEY_FLOAT, false, "90", 0.001, 3650, NULL, "Mean training duration in days.", STREAM_DATED(services[ES_SVC_TRAINING].days.mean)},
    {"streams.[].training.cv", ES_KEY_FLOAT, false, "1", 0.01, 10, NULL, "Coefficient of variation.", STREAM_DATED(services[ES_SVC_TRAINING].days.cv)},
    {"streams.[].specialized", ES_KEY_GROUP, false, NULL, NONE, "Specialised services (disability, mental health) before employment services.", ES_UNBOUND},
    {"streams.[].specialized.prob", ES_KEY_FLOAT, false, "0", PROB, "Probability a client of the stream needs specialised services (clients with a disability always do when > 0).", STREAM_DATED(services[ES_SVC_SPECIALIZED].prob)},
    {"streams.[].specialized.distribution", ES_KEY_STRING, false, "exponential", 0, 0, "exponential|deterministic|gamma|lognormal", "Shape of the specialised-service duration.", STREAM(services[ES_SVC_SPECIALIZED].days.kind)},
    {"streams.[].specialized.mean_days", ES_KEY_FLOAT, false, "60", 0.001, 3650, NULL, "Mean duration in days.", STREAM_DATED(services[ES_SVC_SPECIALIZED].days.mean)},
    {"streams.[].specialized.cv", ES_KEY_FLOAT, false, "1", 0.01, 10, NULL, "Coefficient of variation.", STREAM_DATED(services[ES_SVC_SPECIALIZED].days.cv)},
    {"streams.[].staff_hours_per_month", ES_KEY_FLOAT, false, "2", 0, 200, NULL, "Staff hours per client per month of service, on top of contact time.", STREAM_DATED(staff_hours_per_month)},
    {"streams.[].dropout_prob", ES_KEY_FLOAT, false, "0", PROB, "Probability a client leaves before completing services.", STREAM_DATED(dropout_prob)},
    {"streams.[].training_exit_prob", ES_KEY_FLOAT, false, "0", PROB, "Probability a client who completes services leaves for training or education.", STREAM_DATED(training_exit_prob)},
    {"streams.[].job_start_prob", ES_KEY_FLOAT, false, "0", PROB, "Probability that a completer in job search starts a job, for a client of the stream's mean need and source EO.", STREAM_DATED(job_start_prob)},
    {"streams.[].retention_3m_prob", ES_KEY_FLOAT, false, "1", 0.0001, 1, NULL, "Probability a job lasts 3 months; with outcomes.separation_shape it sets the whole tenure curve, so retention at 1, 6 and 12 months too.", STREAM_DATED(retention_3m_prob)},
    {"streams.[].reemployment_3m_prob", ES_KEY_FLOAT, false, "0", PROB, "Probability a client who loses a job after services, and does not come back for service, starts another within 3 months (the unemployment spell's hazard follows outcomes.reemployment_shape); 0 = never re-employed.", STREAM_DATED(reemployment_3m_prob)},
    {"streams.[].patience_days", ES_KEY_FLOAT, false, "0", 0, 3650, NULL, "Mean patience (exponential) of a waiting client before giving up; 0 = never gives up.", STREAM_DATED(patience_days)},
    {"streams.[].priority", ES_KEY_INT, false, "0", -100, 100, NULL, "Queue priority; higher is served first, ties in arrival order.", STREAM(priority)},
    WEIGHT("streams.[].match_effect", "0", "Labour market: log-odds shift of the stream's clients being hired into a vacancy they are offered.", STREAM_DATED(match_effect)),
    {"streams.[].subsidy_prob", ES_KEY_FLOAT, false, "0", PROB, "Labour market: probability a wage subsidy is offered with a job-ready client of the stream (the placement is then subsidised).", STREAM_DATED(subsidy_prob)},

    {"outcomes", ES_KEY_GROUP, false, NULL, NONE, "Jobs, follow-up and income support.", ES_UNBOUND},
    {"outcomes.need_effect", ES_KEY_FLOAT, false, "0.5", 0, 10, NULL, "Fall in the log-odds of a job start per unit of true need above the stream's mean need.", PARAMS_DATED(outcomes.need_effect)},
    WEIGHT("outcomes.source_effect_OW", "-0.55", "Log-odds shift of a job start for Ontario Works clients.", PARAMS_DATED(outcomes.source_effect[ES_SRC_OW])),
    WEIGHT("outcomes.source_effect_ODSP", "-0.7", "Log-odds shift of a job start for ODSP clients.", PARAMS_DATED(outcomes.source_effect[ES_SRC_ODSP])),
    WEIGHT("outcomes.source_effect_none", "0", "Log-odds shift of a job start for clients with no source.", PARAMS_DATED(outcomes.source_effect[ES_SRC_NONE])),
    {"outcomes.hours_mean", ES_KEY_FLOAT, false, "32", 1, 60, NULL, "Mean hours a week of a job (normal, 1 to 60).", PARAMS_DATED(outcomes.hours_mean)},
    {"outcomes.hours_sd", ES_KEY_FLOAT, false, "8", 0, 40, NULL, "Standard deviation of hours a week.", PARAMS_DATED(outcomes.hours_sd)},
    {"outcomes.wage_mean", ES_KEY_FLOAT, false, "18.60", 1, 500, NULL, "Mean hourly wage at job start when the scenario starts, dollars (prototype clients' mean at exit: $18.60); it rises with the minimum wage.", PARAMS_DATED(outcomes.wage_mean)},
    {"outcomes.wage_cv", ES_KEY_FLOAT, false, "0.2", 0.001, 5, NULL, "Coefficient of variation of the wage (lognormal).", PARAMS(outcomes.wage_cv)},
    {"outcomes.funded_hours_per_week", ES_KEY_FLOAT, false, "20", 0, 60, NULL, "A funded outcome is at least this many hours a week at or above the minimum wage of the day.", PARAMS(funded_hours_per_week)},
    {"outcomes.return_to_service_prob", ES_KEY_FLOAT, false, "0.3", PROB, "Probability a client who loses a job comes back for service.", PARAMS_DATED(outcomes.return_to_service_prob)},
    {"outcomes.separation_shape", ES_KEY_FLOAT, false, "1", 0.05, 5, NULL, "Weibull shape of job tenure: below 1 the hazard of losing a job is high early and falls with tenure; 1 = a constant hazard.", PARAMS_DATED(outcomes.separation_shape)},
    {"outcomes.reemployment_shape", ES_KEY_FLOAT, false, "1", 0.05, 5, NULL, "Weibull shape of an unemployment spell after a job loss: below 1 the chance of finding another job falls with the spell's duration; 1 = a constant hazard.", PARAMS_DATED(outcomes.reemployment_shape)},
    {"outcomes.income_support_exit_prob", ES_KEY_FLOAT, false, "0.5", PROB, "Probability an OW or ODSP client employed at 3 months leaves income support.", PARAMS_DATED(outcomes.income_support_exit_prob)},
    {"outcomes.followup_unknown_prob", ES_KEY_FLOAT, false, "0.1", PROB, "Probability a client's status 3 months after exit cannot be reached (unknown).", PARAMS_DATED(outcomes.followup_unknown_prob)},
    {"outcomes.plan_error_prob", ES_KEY_FLOAT, false, "0.005", PROB, "Probability a service plan was opened in error.", PARAMS_DATED(outcomes.plan_error_prob)},
    {"outcomes.transfer_request_prob", ES_KEY_FLOAT, false, "0.02", PROB, "Probability a client asks to change provider during service.", PARAMS_DATED(outcomes.transfer_request_prob)},
    {"outcomes.transfer_consent_prob", ES_KEY_FLOAT, false, "0.8", PROB, "Probability the client gives written consent (a transfer happens only with consent).", PARAMS_DATED(outcomes.transfer_consent_prob)},
    {"outcomes.reassessment_days", ES_KEY_FLOAT, false, "90", 0, 3650, NULL, "Days into service of the plan review, where the client is reassessed and may change stream; 0 = no review.", PARAMS_DATED(outcomes.reassessment_days)},
    {"outcomes.minimum_wage", ES_KEY_LIST, false, NULL, 1, 32, NULL, "Minimum wage schedule; default: Ontario's general minimum wage from October 2019 to October 2025.", ES_UNBOUND},
    {"outcomes.minimum_wage.[].from", ES_KEY_DATE, true, NULL, NONE, "Date the rate takes effect.", ES_UNBOUND},
    {"outcomes.minimum_wage.[].dollars", ES_KEY_FLOAT, true, NULL, 0, 1000, NULL, "Dollars an hour.", WAGE_STEP(dollars)},

    {"contestability", ES_KEY_GROUP, false, NULL, NONE, "Performance reviews of providers and SSMs.", ES_UNBOUND},
    {"contestability.provider_review_days", ES_KEY_FLOAT, false, "365.25", 0, 36525, NULL, "Days between SSM reviews of providers (employment rate at exit since the last review); 0 = none.", PARAMS(contest.provider_review_days)},
    {"contestability.provider_threshold", ES_KEY_FLOAT, false, "0.75", 0, 1, NULL, "A provider scoring below this share of its catchment's mean is replaced.", PARAMS_DATED(contest.provider_threshold)},
    {"contestability.ssm_review_days", ES_KEY_FLOAT, false, "0", 0, 36525, NULL, "Days between provincial reviews of SSMs; 0 = none.", PARAMS(contest.ssm_review_days)},
    {"contestability.ssm_threshold", ES_KEY_FLOAT, false, "0.75", 0, 1, NULL, "An SSM scoring below this share of the province's mean is replaced.", PARAMS_DATED(contest.ssm_threshold)},
    {"contestability.transition_days", ES_KEY_FLOAT, false, "90", 0, 3650, NULL, "Length of a transition.", PARAMS(contest.transition_days)},
    {"contestability.capacity_dip", ES_KEY_FLOAT, false, "0.2", 0, 0.95, NULL, "Share of caseload capacity lost during a transition (caseload is transferred, not dropped).", PARAMS_DATED(contest.capacity_dip)},

    {"behaviour", ES_KEY_GROUP, false, NULL, NONE, "How providers respond to prices in behavioural comparisons (essim compare --behavioural); ASSUMED values, sweep them.", ES_UNBOUND},
    {"behaviour.elasticity", ES_KEY_FLOAT, false, "0.6", 0, 10, NULL, "Parking probability per unit of a stream's shortfall in expected net revenue per client, relative to the best-paying stream.", PARAMS(behaviour.elasticity)},
    {"behaviour.max_parked", ES_KEY_FLOAT, false, "0.5", 0, 1, NULL, "Largest share of a stream's clients that can be parked.", PARAMS(behaviour.max_parked)},
    {"behaviour.parked_job_effect", ES_KEY_FLOAT, false, "1.0", 0, 10, NULL, "Fall in the log-odds of a job start for a parked client.", PARAMS(behaviour.parked_job_effect)},
    {"behaviour.parked_staff_share", ES_KEY_FLOAT, false, "0.3", 0, 1, NULL, "Share of the usual staff time a parked client receives.", PARAMS(behaviour.parked_staff_share)},
    {"behaviour.cream", ES_KEY_BOOL, false, "true", NONE, "Intake selection: waiting clients are served in order of their stream's expected net revenue.", PARAMS(behaviour.cream)},

    {"costs", ES_KEY_GROUP, false, NULL, NONE, "Providers' costs, for margins and cash positions.", ES_UNBOUND},
    {"costs.staff_per_hour", ES_KEY_FLOAT, false, "45", 0, 10000, NULL, "Loaded cost of an hour of front-line staff time, dollars (ILLUSTRATIVE).", PARAMS_DATED(staff_cost_per_hour)},
    {"costs.overhead_per_place_per_month", ES_KEY_FLOAT, false, "60", 0, 100000, NULL, "Overhead (rent, systems, management) per caseload place per month, dollars (ILLUSTRATIVE).", PARAMS_DATED(overhead_per_place_per_month)},

    {"labour_market", ES_KEY_GROUP, false, NULL, NONE, "Registered employers, vacancies and job matching; without it a job start is a probability and hours and wages come from outcomes.", ES_UNBOUND},
    {"labour_market.enabled", ES_KEY_BOOL, false, "true", NONE, "false keeps the group but switches the labour market off (job starts as a probability).", LABOUR(enabled)},
    {"labour_market.employers_per_1000", ES_KEY_FLOAT, false, "32", 0, 1000, NULL, "Employer businesses per 1,000 population of a census division (ILLUSTRATIVE, order of magnitude of Statistics Canada business counts).", LABOUR(employers_per_1000)},
    {"labour_market.registered_share", ES_KEY_FLOAT, false, "0.1", PROB, "Share of employers registered with the employment services (they list vacancies with providers).", LABOUR(registered_share)},
    {"labour_market.industries", ES_KEY_LIST, false, NULL, 1, 8, NULL, "Industries of employers and their vacancies.", ES_UNBOUND},
    {"labour_market.industries.[].name", ES_KEY_STRING, true, NULL, 1, 31, NULL, "Industry name, unique.", INDUSTRY(name)},
    {"labour_market.industries.[].employer_share", ES_KEY_FLOAT, true, NULL, 0, 1, NULL, "Share of employers in the industry (shares are rescaled to sum to 1).", INDUSTRY(employer_share)},
    {"labour_market.industries.[].hours_mean", ES_KEY_FLOAT, false, "34", 1, 60, NULL, "Mean hours a week of its vacancies (normal, kept between 1 and 60).", INDUSTRY(hours_mean)},
    {"labour_market.industries.[].hours_sd", ES_KEY_FLOAT, false, "7", 0, 40, NULL, "Standard deviation of hours a week.", INDUSTRY(hours_sd)},
    {"labour_market.industries.[].wage_factor", ES_KEY_FLOAT, false, "1", 0.1, 10, NULL, "Mean wage of its vacancies as a multiple of outcomes.wage_mean (lognormal with outcomes.wage_cv; rises with the minimum wage).", INDUSTRY(wage_factor)},
    WEIGHT("labour_market.industries.[].match_effect", "0", "Log-odds shift of a client being hired into a vacancy of the industry.", INDUSTRY(match_effect)),
    {"labour_market.industries.[].seasonality", ES_KEY_FLOATS, false, NULL, 0, 10, NULL, "Twelve multipliers of the industry's postings, January to December (rescaled to mean 1); default flat.", ES_UNBOUND},
    {"labour_market.sizes", ES_KEY_LIST, false, NULL, 1, 4, NULL, "Employer size classes.", ES_UNBOUND},
    {"labour_market.sizes.[].name", ES_KEY_STRING, true, NULL, 1, 31, NULL, "Size class name, unique.", SIZE(name)},
    {"labour_market.sizes.[].employer_share", ES_KEY_FLOAT, true, NULL, 0, 1, NULL, "Share of employers of this size (shares are rescaled to sum to 1).", SIZE(employer_share)},
    {"labour_market.sizes.[].postings_per_year", ES_KEY_FLOAT, true, NULL, 0, 10000, NULL, "Vacancies a registered employer of this size lists with the employment services a year, at the reference vacancy rate.", SIZE(postings_per_year)},
    {"labour_market.vacancy_days", ES_KEY_FLOAT, false, "45", 0.1, 3650, NULL, "Mean time (exponential) before a vacancy nobody fills is withdrawn (closes unfilled).", LABOUR(vacancy_days)},
    {"labour_market.others_fill_days", ES_KEY_FLOAT, false, "30", 0.1, 3650, NULL, "Mean time (exponential) before a job seeker from outside the employment services fills a vacancy, at the reference unemployment rate; it shortens as unemployment rises.", LABOUR(others_fill_days)},
    {"labour_market.reference_unemployment_rate", ES_KEY_FLOAT, false, "0.065", 0.001, 0.9, NULL, "Unemployment rate at which others_fill_days holds.", LABOUR(reference_unemployment_rate)},
    {"labour_market.reference_vacancy_rate", ES_KEY_FLOAT, false, "0.045", 0.001, 0.9, NULL, "Vacancy rate at which sizes' postings_per_year hold; postings scale with vacancy_rate / this.", LABOUR(reference_vacancy_rate)},
    {"labour_market.conditions", ES_KEY_LIST, false, NULL, 1, 64, NULL, "Regional conditions as a time series: each step holds from its date until the next step of the same region; default: the reference rates throughout.", ES_UNBOUND},
    {"labour_market.conditions.[].from", ES_KEY_DATE, true, NULL, NONE, "Date the step takes effect.", ES_UNBOUND},
    {"labour_market.conditions.[].er", ES_KEY_INT, false, "0", 0, 9999, NULL, "Statistics Canada economic region code (e.g. 3550); 0 = every region without steps of its own.", CONDITION(er_uid)},
    {"labour_market.conditions.[].unemployment_rate", ES_KEY_FLOAT, true, NULL, 0.001, 0.9, NULL, "Unemployment rate in the region.", CONDITION(unemployment_rate)},
    {"labour_market.conditions.[].vacancy_rate", ES_KEY_FLOAT, true, NULL, 0.0001, 0.9, NULL, "Job vacancy rate in the region (vacancies / (payroll employment + vacancies)).", CONDITION(vacancy_rate)},
    {"labour_market.match_base", ES_KEY_FLOAT, false, "1.5", -20, 20, NULL, "Log-odds that a job-ready client offered a vacancy is hired into it, before the effects below.", LABOUR_DATED(match_base)},
    WEIGHT("labour_market.training_effect", "0.3", "Log-odds shift for a client who completed training.", LABOUR_DATED(training_effect)),
    WEIGHT("labour_market.job_developer_effect", "0.5", "Log-odds shift for a client of a provider with job developers (providers' job_developers).", LABOUR_DATED(developer_effect)),
    WEIGHT("labour_market.subsidy_effect", "0.7", "Log-odds shift when a wage subsidy comes with the client.", LABOUR_DATED(subsidy_effect)),
    {"labour_market.offers_per_search", ES_KEY_INT, false, "6", 1, 100, NULL, "Open vacancies a client entering job search is offered (oldest first); searchers a new vacancy is offered to.", LABOUR(offers_per_search)},
    {"labour_market.max_search_days", ES_KEY_FLOAT, false, "90", 0, 3650, NULL, "A job-ready client still unmatched after this long in job search leaves unemployed (the place is held meanwhile).", LABOUR(max_search_days)},
    {"labour_market.subsidy_months", ES_KEY_FLOAT, false, "6", 0.1, 12, NULL, "Length of a wage subsidy; outcome checkpoints up to its end are not funded outcomes.", LABOUR(subsidy_months)},
    {"labour_market.stacking_prob", ES_KEY_FLOAT, false, "0.25", PROB, "Probability a client hired into a job under the funded hours also takes a second open vacancy (job stacking).", LABOUR_DATED(stacking_prob)},
    {"labour_market.stacking_max_share", ES_KEY_FLOAT, false, "0.05", PROB, "Stacked jobs make funded outcomes for at most this share of the clients employed at each checkpoint, per catchment (IES rule: 5 %).", LABOUR(stacking_max_share)},

    {"shocks", ES_KEY_LIST, false, NULL, 1, 16, NULL, "Labour-market shocks of this scenario: multipliers of labour_market.conditions over a date range (e.g. a recession); a top-level list so that a scenario including model/ontario.cfg can add it.", ES_UNBOUND},
    {"shocks.[].from", ES_KEY_DATE, true, NULL, NONE, "First day of the shock.", ES_UNBOUND},
    {"shocks.[].to", ES_KEY_DATE, true, NULL, NONE, "Day the shock ends (after from).", ES_UNBOUND},
    {"shocks.[].vacancy_multiplier", ES_KEY_FLOAT, false, "1", 0, 10, NULL, "Multiplier of the vacancy rate (postings), e.g. 0.67 for a third fewer vacancies.", SHOCK(vacancy_multiplier)},
    {"shocks.[].unemployment_multiplier", ES_KEY_FLOAT, false, "1", 0.01, 10, NULL, "Multiplier of the unemployment rate (outside job seekers fill vacancies faster).", SHOCK(unemployment_multiplier)},
    {"shocks.[].regions", ES_KEY_FLOATS, false, NULL, 0, 9999, NULL, "Economic region codes hit by the shock (at most 16); default all.", ES_UNBOUND},

    {"outputs", ES_KEY_GROUP, false, NULL, NONE, "Output options.", ES_UNBOUND},
    {"outputs.suppress_small_cells", ES_KEY_BOOL, false, "false", NONE, "Replace counts below suppress_below by x in the open-data tables, as the ministry does, and enough others that none can be worked out.", PARAMS(suppress_small_cells)},
    {"outputs.suppress_below", ES_KEY_INT, false, "10", 1, 1000, NULL, "Smallest count shown when suppressing.", PARAMS(suppress_below)},

    {"catchments", ES_KEY_LIST, true, NULL, 1, 32, NULL, "Catchments, each with one SSM.", ES_UNBOUND},
    {"catchments.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL, "Catchment name, unique; with a geography, the name of a catchment in its CSV.", CATCHMENT(name)},
    {"catchments.[].ssm", ES_KEY_STRING, false, NULL, 1, 95, NULL, "Service system manager (the payer in the ledger); default: the geography's, else \"SSM\".", ES_UNBOUND},
    {"catchments.[].start_date", ES_KEY_DATE, false, NULL, NONE, "Day IES intake begins; default: the geography's month (phase3_start when blank), else the scenario start.", ES_UNBOUND},
    {"catchments.[].arrivals_per_day", ES_KEY_FLOAT, false, "0", 0, 100000, NULL, "A fixed Poisson arrival rate per day; 0 = population x intake rate (needs a geography).", CATCHMENT(arrivals_per_day)},
    {"catchments.[].routing", ES_KEY_STRING, false, "nearest", 0, 0, "nearest|least_loaded|specialist_first", "How the SSM routes an assessed client to a site: same census division first, least loaded, or specialist first.", CATCHMENT(routing)},
    {"catchments.[].initial_waiting", ES_KEY_INT, false, "0", 0, 1000000, NULL, "Clients already on the waiting list when intake begins.", CATCHMENT(initial_waiting)},
    {"catchments.[].providers", ES_KEY_LIST, true, NULL, 1, 16, NULL, "Providers the SSM contracts.", ES_UNBOUND},
    {"catchments.[].providers.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL, "Provider name.", PROVIDER(name)},
    {"catchments.[].providers.[].specialisations", ES_KEY_STRINGS, false, NULL, NONE, "Any of \"disability\", \"youth\": clients the provider serves first under specialist_first routing.", ES_UNBOUND},
    {"catchments.[].providers.[].channels", ES_KEY_STRINGS, false, NULL, NONE, "Channels offered: any of \"in_person\", \"online\", \"phone\"; default all three.", ES_UNBOUND},
    {"catchments.[].providers.[].job_developers", ES_KEY_BOOL, false, "true", NONE, "Labour market: the provider has job developers who canvass employers (raises match odds).", PROVIDER(job_developers)},
    {"catchments.[].providers.[].caseload_capacity", ES_KEY_INT, false, NULL, 1, 1000000, NULL, "Clients served at once, for a provider with a single site and no sites list.", ES_UNBOUND},
    {"catchments.[].providers.[].sites", ES_KEY_LIST, false, NULL, 1, 16, NULL, "Service delivery sites; each has its own caseload.", ES_UNBOUND},
    {"catchments.[].providers.[].sites.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL, "Site name.", SITE(name)},
    {"catchments.[].providers.[].sites.[].cd", ES_KEY_INT, false, "0", 0, 9999, NULL, "Census division code of the site (must be in the catchment).", SITE(cd_uid)},
    {"catchments.[].providers.[].sites.[].caseload_capacity", ES_KEY_INT, true, NULL, 1, 1000000, NULL, "Clients the site serves at once.", SITE(caseload_capacity)},
};

const es_schema es_scenario_schema = {"scenario", scenario_keys,
                                      sizeof scenario_keys / sizeof scenario_keys[0],
                                      scenario_owners, ES_SCENARIO_NOWNERS};

static const es_key funding_keys[] = {
    {"funding", ES_KEY_GROUP, true, NULL, NONE, "A funding model.", ES_UNBOUND},
    {"funding.name", ES_KEY_STRING, true, NULL, 1, 150, NULL, "Model name, shown in outputs.", MODEL(name)},
    {"funding.currency", ES_KEY_STRING, false, "CAD", 0, 0, "CAD|AUD|GBP|USD", "Currency of the amounts in this file.", MODEL(currency)},
    {"funding.price_year", ES_KEY_INT, false, "2021", 1990, 2100, NULL, "Year whose prices the amounts are stated in.", MODEL(price_year)},
    {"funding.cad_per_unit", ES_KEY_FLOAT, false, "1", 0.01, 100, NULL, "CAD per unit of the file's currency, applied once per payment (half to even, to the cent); 1 for CAD.", MODEL(cad_per_unit)},
    {"funding.source", ES_KEY_STRING, false, "", 0, 2000, NULL, "Where the figures come from.", ES_UNBOUND},
    {"funding.components", ES_KEY_LIST, true, NULL, 0, 32, NULL, "Payment components.", ES_UNBOUND},
    {"funding.components.[].name", ES_KEY_STRING, true, NULL, 1, 95, NULL, "Component name, unique, shown in the ledger.", COMPONENT(name)},
    {"funding.components.[].type", ES_KEY_STRING, true, NULL, 0, 0, "fixed|milestone|outcome|flow_through|block|performance", "fixed: per-client fee; milestone: pathway event; outcome: employment checkpoint (funded outcomes only); flow_through: supports or incentives spent; block: per caseload place per year, paid monthly; performance: a pot per caseload place per year, paid after the fiscal year by KPI scores.", COMPONENT(type)},
    {"funding.components.[].event", ES_KEY_STRING, false, NULL, 0, 0, "intake|assessed|plan_agreed|service_start|service_end|training_completed|job_start|employed_1m|employed_3m|employed_6m|employed_12m|income_support_exit|subsidised_hire|subsidy_end|period", "The model event that earns the payment (required except for block components, which use period).", ES_UNBOUND},
    {"funding.components.[].payer", ES_KEY_STRING, false, "ssm", 0, 0, "province|ssm", "Who pays: the province (to SSMs) or the SSM (to providers, employers, clients).", COMPONENT(payer)},
    {"funding.components.[].payee", ES_KEY_STRING, false, NULL, 0, 0, "ssm|provider|employer|client", "Who is paid; default: ssm when the province pays, else provider.", ES_UNBOUND},
    {"funding.components.[].amount", ES_KEY_MONEY, false, NULL, 0, 1e9, NULL, "Dollars (at most two decimals) for a client of any stream; give this or amounts.", ES_UNBOUND_DATED},
    {"funding.components.[].amounts", ES_KEY_GROUP, false, NULL, NONE, "Amount per stream: one key per stream name; give this or amount.", ES_UNBOUND},
    {"funding.components.[].amounts.*", ES_KEY_MONEY, false, NULL, 0, 1e9, NULL, "Dollars (at most two decimals) paid for a client of that stream.", ES_UNBOUND_DATED},
    {"funding.components.[].per_month_of_service", ES_KEY_BOOL, false, "false", NONE, "flow_through at service_end: the amount is per month the plan lasted.", COMPONENT(per_month_of_service)},
    {"funding.components.[].per_month_of_subsidy", ES_KEY_BOOL, false, "false", NONE, "flow_through at subsidy_end: the amount is per month the wage subsidy was paid (a job that ends early is subsidised up to its end).", COMPONENT(per_month_of_subsidy)},
    {"funding.components.[].cap_per_client", ES_KEY_MONEY, false, "0", 0, 1e9, NULL, "Largest payment for one client's event, dollars; 0 = no cap.", COMPONENT(cap_per_client_cents)},
    {"funding.components.[].budget_per_year", ES_KEY_MONEY, false, "0", 0, 1e11, NULL, "Most the component pays in a catchment in a fiscal year (e.g. a flow-through budget), dollars; later claims are refused; 0 = no budget.", COMPONENT(budget_per_year_cents)},
    {"funding.components.[].lag_days", ES_KEY_FLOAT, false, "0", 0, 3650, NULL, "Days between the event and the payment (invoicing, verification); payments due after the horizon are reported, not paid.", COMPONENT(lag_days)},
    {"funding.components.[].adjusted", ES_KEY_BOOL, false, "true", NONE, "Whether the complex-needs multipliers apply.", COMPONENT(adjusted)},
    {"funding.components.[].partial_hours", ES_KEY_FLOAT, false, "0", 0, 60, NULL, "outcome: a job of at least this many hours a week (at minimum wage) that is not a funded outcome earns partial_share; 0 = no partial credit.", COMPONENT(partial_hours)},
    {"funding.components.[].partial_share", ES_KEY_FLOAT, false, "0.5", 0, 1, NULL, "Share of the amount paid for a partial outcome.", COMPONENT(partial_share)},
    {"funding.components.[].clawback_days", ES_KEY_FLOAT, false, "0", 0, 3650, NULL, "Reversed if the job ends within this many days of the earning event; 0 = never.", COMPONENT(clawback_days)},
    {"funding.components.[].year_multipliers", ES_KEY_FLOATS, false, NULL, 0, 100, NULL, "Multipliers by contract year of the catchment (first year first; the last repeats), e.g. performance funding rising from 20 % to 25 % of the envelope in year 4.", ES_UNBOUND},
    {"funding.components.[].kpis", ES_KEY_LIST, false, NULL, 1, 4, NULL, "performance: the KPIs scored, their weights (summing to 1) and targets; the pot is paid times the sum of weight x min(1, achieved / target).", ES_UNBOUND},
    {"funding.components.[].kpis.[].kpi", ES_KEY_STRING, true, NULL, 0, 0, "employment_rate_at_exit|funded_3m_rate|priority_group_share", "Job starts per plan closed; funded 3-month outcomes per plan closed; share of plans opened for OW, ODSP or disability clients (catchment, fiscal year).", KPI(kpi)},
    {"funding.components.[].kpis.[].weight", ES_KEY_FLOAT, true, NULL, 0, 1, NULL, "Weight of the KPI in the score.", KPI(weight)},
    {"funding.components.[].kpis.[].target", ES_KEY_FLOAT, true, NULL, 0.0001, 1, NULL, "Target value: reaching it earns the KPI's full weight.", KPI(target)},
    {"funding.adjustments", ES_KEY_GROUP, false, NULL, NONE, "Complex-needs multipliers, applied once per payment.", ES_UNBOUND},
    {"funding.adjustments.disability", ES_KEY_FLOAT, false, "1", 0, 10, NULL, "Multiplier for clients with a disability.", MODEL(adjust_disability)},
    {"funding.adjustments.source_OW", ES_KEY_FLOAT, false, "1", 0, 10, NULL, "Multiplier for Ontario Works clients.", MODEL(adjust_source[ES_SRC_OW])},
    {"funding.adjustments.source_ODSP", ES_KEY_FLOAT, false, "1", 0, 10, NULL, "Multiplier for ODSP clients.", MODEL(adjust_source[ES_SRC_ODSP])},
    {"funding.adjustments.rural", ES_KEY_FLOAT, false, "1", 0, 10, NULL, "Multiplier for clients in rural census divisions.", MODEL(adjust_rural)},
    {"funding.limits", ES_KEY_GROUP, false, NULL, NONE, "Limits on payments to providers.", ES_UNBOUND},
    {"funding.limits.provider_cap_per_year", ES_KEY_MONEY, false, "0", 0, 1e11, NULL, "Most a provider can be paid in a fiscal year (April-March), dollars; 0 = no cap.", MODEL(provider_cap_per_year_cents)},
    {"funding.limits.holdback_share", ES_KEY_FLOAT, false, "0", 0, 0.5, NULL, "Share of each payment to a provider withheld and released at the start of the next fiscal year.", MODEL(holdback_share)},
};

const es_schema es_funding_schema = {"funding model", funding_keys,
                                     sizeof funding_keys / sizeof funding_keys[0],
                                     funding_owners, ES_FUNDING_NOWNERS};
