/* What the model's concept files share (model.c, intake.c, routing.c, service.c, followup.c,
 * matching.c, contest.c, periods.c, open_data.c, measures.c): constants, and the functions one
 * file defines and others call.  Not the model's public interface (that is model/system.h). */
#ifndef ES_MODEL_INTERNAL_H
#define ES_MODEL_INTERNAL_H

#include <gsl/gsl_rng.h>

#include "model/system.h"

#define DAYS_PER_MONTH ES_DAYS_PER_MONTH_AVG
static const double checkpoint_months[4] = {1.0, 3.0, 6.0, 12.0};
static const es_milestone checkpoint_events[4] = {ES_MS_EMPLOYED_1M, ES_MS_EMPLOYED_3M,
                                                  ES_MS_EMPLOYED_6M, ES_MS_EMPLOYED_12M};
enum { OPEN_EMP, OPEN_TE, OPEN_UNEMP, OPEN_OTH, OPEN_UNKN, OPEN_NULL };

/* The next event after `from` of a Poisson process whose rate is constant between change
 * points (calendar months, dates where conditions change): by the memoryless property, an
 * exponential gap that crosses a change point restarts there.  INFINITY past the horizon. */
typedef double (*rate_fn)(es_model *m, int stream, double day, double *next_change);

/* model.c */
void es_model_notify(es_model *m, const es_model_event *ev);
/* The results observer (counts.c): counts an event into the model's counts. */
void es_counts_observe(es_model *m, const es_model_event *ev);
/* What the observer counts without an event of its own: a client completing its services
 * (before any job search), and the staff hours of a stay in service that ends. */
void es_counts_completed(es_model *m, const es_client *c);
void es_counts_stay(es_model *m, const es_client *c, double staff_hours);
es_model_event es_model_client_event(const es_model *m, es_milestone kind, const es_client *c);
void es_model_emit(es_model *m, es_milestone kind, const es_client *c);
double es_model_draw(gsl_rng *r, const es_dist *d);
double es_model_minimum_wage_at(const es_params *p, double day);
double es_model_draw_wage(const es_model *m, double mean_at_start, gsl_rng *r);
/* The log-odds of a probability, kept inside (1e-9, 1 - 1e-9); and back to a probability. */
double es_model_logit(double prob);
double es_model_expit(double logit);
int es_model_fiscal_index(const es_model *m, double day);
int es_model_new_client(es_model *m, uint32_t *index);
void es_model_free_client(es_model *m, uint32_t index);
void es_model_cancel(es_model *m, es_handle *h);
double es_model_next_event_time(es_model *m, gsl_rng *r, rate_fn rate_at, int stream,
                                double from);

/* A handler of an event about one client (its data is the client's index): registered
 * through es_model_client_event, it is given the model, the index and the client. */
typedef void (*es_client_handler)(es_model *m, uint32_t index, es_client *c);

/* The client's generator for one purpose: the replication's entity generator bound to the
 * client's substream.  Take it just before drawing: the next call rebinds it. */
gsl_rng *es_client_rng(es_model *m, es_client *c, es_draw purpose);

/* routing.c */
int es_routing_choose_site(es_model *m, const es_client *c, int exclude_provider);
void es_routing_dip_capacity(es_model *m, int site);
void es_routing_on_restore(es_sim *sim, const es_event *ev, void *ctx);
int es_routing_init_sites(es_model *m);

/* own_search.c */
void es_own_search_start(es_model *m, uint32_t index);
void es_own_search_set_rate(es_model *m, uint32_t index, double rate);
/* How a client's first episode ends: with a job now, out of the labour market (training or
 * education), or still looking for work alone. */
typedef enum { ES_END_JOB, ES_END_OUT, ES_END_SEARCHING } es_episode_end;
/* The first episode ends: the client's own search stops and its net impact is counted (once;
 * job_start: the episode ended in a job start at exit from service). */
void es_own_search_end(es_model *m, es_client *c, es_episode_end how, bool job_start);
void es_own_search_on_job(es_model *m, uint32_t index, es_client *c);

/* impact.c */
/* Counts the client's net impact, its first job (after the first intake) starting on
 * job_days (INFINITY: none) with the service; once per client. */
void es_impact_record(es_model *m, es_client *c, double job_days);
void es_impact_finish(es_model *m);

/* plan.c */
void es_plan_open(es_model *m, es_client *c, bool carried);
void es_plan_close(es_model *m, es_client *c, es_closure reason);
/* Voids a plan opened in error at the client's next plan event, and opens the valid one. */
void es_plan_check(es_model *m, es_client *c);

/* service.c */
void es_service_schedule_phase(es_model *m, uint32_t index, double duration);
void es_service_begin(es_model *m, uint32_t index);
int es_service_join_site(es_model *m, uint32_t index);
void es_service_defer_start(es_model *m, uint32_t index);
void es_service_flush_starts(es_model *m);
void es_service_exit(es_model *m, uint32_t index, es_closure reason);
void es_service_on_renege(es_model *m, uint32_t index, es_client *c);
void es_service_on_phase_end(es_model *m, uint32_t index, es_client *c);
void es_service_on_dropout(es_model *m, uint32_t index, es_client *c);
void es_service_on_transfer(es_model *m, uint32_t index, es_client *c);
/* A waiting client leaves the queue with a job its own search found. */
void es_service_leave_queue(es_model *m, uint32_t index, es_client *c);

/* cohorts.c */
int es_cohorts_init(es_model *m);
void es_cohorts_observe(es_model *m, const es_model_event *ev);
void es_cohorts_stay(es_model *m, const es_client *c, double from, double to);
int es_cohorts_collect(const es_model *m, es_results *r);

/* income_support.c */
void es_income_support_accrue(es_model *m);
void es_income_support_on_job(es_model *m, es_client *c);
void es_income_support_on_job_loss(es_model *m, es_client *c);
void es_income_support_on_exit(es_model *m, uint32_t index, es_client *c);
void es_income_support_on_return(es_model *m, uint32_t index, es_client *c);
void es_income_support_on_return_to_service(es_model *m, es_client *c);
void es_income_support_end_follow_up(es_model *m, const es_client *c);
double es_income_support_saved_cents(const es_model *m, int source);

/* followup.c */
int es_followup_status_after_3m(es_model *m, es_client *c, int exit_col);
/* Months until an event whose chance of not happening within 3 months is s3 (Weibull shape k). */
double es_followup_months_until(gsl_rng *r, double s3, double k);
void es_followup_schedule_next(es_model *m, uint32_t index);
void es_followup_start_job(es_model *m, uint32_t index);
void es_followup_on_checkpoint(es_model *m, uint32_t index, es_client *c);
void es_followup_on_job_loss(es_model *m, uint32_t index, es_client *c);
void es_followup_on_reemployment(es_model *m, uint32_t index, es_client *c);

/* matching.c */
void es_matching_enter_search(es_model *m, uint32_t index);
/* A client in job search leaves it for a job found otherwise. */
void es_matching_leave_search(es_model *m, uint32_t index);
void es_matching_on_search_end(es_model *m, uint32_t index, es_client *c);
double es_matching_next_posting(es_model *m, int stream, double from);
void es_matching_on_vacancy(es_sim *sim, const es_event *ev, void *ctx);
void es_matching_on_subsidy_end(es_model *m, uint32_t index, es_client *c);

/* intake.c */
double es_intake_next_arrival(es_model *m, int stream, double from);
void es_intake(es_model *m, uint32_t index, bool returning);
void es_intake_on_arrival(es_sim *sim, const es_event *ev, void *ctx);
void es_intake_on_review(es_model *m, uint32_t index, es_client *c);
int es_intake_init(es_model *m);
/* Recomputes the arrival rates that follow from the parameters (after a dated change). */
void es_intake_refresh_rates(es_model *m);

/* dated_params.c */
int es_dated_params_init(es_model *m);
void es_dated_params_free(es_model *m);
int es_dated_params_schedule(es_model *m);
void es_dated_params_on_change(es_sim *sim, const es_event *ev, void *ctx);

/* contest.c */
void es_contest_on_provider_review(es_sim *sim, const es_event *ev, void *ctx);
void es_contest_on_ssm_review(es_sim *sim, const es_event *ev, void *ctx);

/* periods.c */
void es_periods_on_warmup(es_sim *sim, const es_event *ev, void *ctx);
void es_periods_on_month(es_sim *sim, const es_event *ev, void *ctx);
double es_periods_staff_hours_until(const es_model *m, int provider, double now);
void es_periods_on_period(es_sim *sim, const es_event *ev, void *ctx);

/* open_data.c */
void es_open_data_record(es_model *m, const es_client *c, int exit_col, int after3_col);
int es_open_data_init(es_model *m);

#endif
