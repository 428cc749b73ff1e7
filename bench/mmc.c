/* M/M/c benchmark on essim's engine: es_sim events, an es_pool of servers, es_rng streams on
 * xoshiro256+.  The same model as bench/mmc_limit.c (by hand) and bench/mmc_simpy.py.
 *
 * Poisson arrivals at rate 9, c = 10 servers with Exp(1) service, FIFO; the run ends when
 * every customer has left.  Two calendar events per customer (arrival, departure).  Prints
 * customers and events simulated per CPU second and the mean wait in queue Wq beside Erlang
 * C's value.  Exponential draws are -mean log(1 - u), as in SimPy (see bench.h); with --gsl
 * they go through gsl_ran_exponential instead, as essim's model does, which costs more in
 * log1p; with --taus2 the streams run on GSL's taus2 rather than xoshiro256+.  The waits are
 * summed plainly, as bench_mmc_limit sums them, so that the two differ only in the engine.
 *
 * Usage: bench_mmc [--gsl] [--taus2] [--once] [CUSTOMERS]   (default 1000000)
 *   the best of 5 identical runs, or with --once a single run (bench/run interleaves those)
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "engine/error.h"
#include "engine/pool.h"
#include "engine/rng.h"
#include "engine/sim.h"

typedef struct mmc {
    es_sim sim;
    es_pool servers;
    gsl_rng *arrivals, *service;
    const bench_mmc_options *opt;
    uint32_t arrival_type, departure_type;
    uint64_t to_arrive;
    int status;
    double total_wait;
    uint64_t served;
} mmc;

/* A waiting customer is known to the pool only by a 64-bit entity id; the customer's arrival
 * time itself serves as that id, so no per-customer table is needed. */
static uint64_t time_as_entity(double t)
{
    uint64_t id;
    memcpy(&id, &t, sizeof id);
    return id;
}

static double entity_as_time(uint64_t id)
{
    double t;
    memcpy(&t, &id, sizeof t);
    return t;
}

static void schedule(mmc *m, double delay, uint32_t type)
{
    int status = es_sim_schedule(&m->sim, delay, type, 0, NULL);
    if (status != ES_OK) {
        m->status = status;
        es_sim_stop(&m->sim);
    }
}

static void start_service(mmc *m, double arrived)
{
    m->total_wait += m->sim.now - arrived;
    m->served++;
    schedule(m, bench_mmc_draw(m->opt, m->service, 1.0 / BENCH_MMC_SERVICE_RATE),
             m->departure_type);
}

static void on_arrival(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    mmc *m = ctx;
    if (--m->to_arrive > 0)
        schedule(m, bench_mmc_draw(m->opt, m->arrivals, 1.0 / BENCH_MMC_ARRIVAL_RATE),
                 m->arrival_type);
    int got = es_pool_acquire(&m->servers, sim->now, time_as_entity(sim->now), 0, NULL);
    if (got == 1)
        start_service(m, sim->now);
    else if (got < 0) {
        m->status = -got;
        es_sim_stop(sim);
    }
}

static void on_departure(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    mmc *m = ctx;
    uint64_t next;
    if (es_pool_release(&m->servers, sim->now, &next))
        start_service(m, entity_as_time(next));
}

/* Simulates opt->customers customers; writes their mean wait in queue and the events run. */
static int mmc_run(const bench_mmc_options *opt, double *mean_wait, uint64_t *events)
{
    mmc m = {.to_arrive = opt->customers, .opt = opt, .status = ES_OK};
    m.arrivals = es_rng_alloc(bench_mmc_generator(opt), BENCH_MMC_SEED, 0, "arrivals");
    m.service = es_rng_alloc(bench_mmc_generator(opt), BENCH_MMC_SEED, 0, "service");
    int status = ES_ENOMEM;
    if (!m.arrivals || !m.service || es_sim_init(&m.sim, 64) != ES_OK)
        goto free_rngs;
    if (es_pool_init(&m.servers, BENCH_MMC_SERVERS, 0.0) != ES_OK)
        goto free_sim;
    m.arrival_type = (uint32_t)es_sim_register(&m.sim, on_arrival, &m);
    m.departure_type = (uint32_t)es_sim_register(&m.sim, on_departure, &m);
    schedule(&m, bench_mmc_draw(opt, m.arrivals, 1.0 / BENCH_MMC_ARRIVAL_RATE), m.arrival_type);
    if (m.status == ES_OK)
        *events = es_sim_run(&m.sim, INFINITY);
    status = m.status;
    *mean_wait = m.total_wait / (double)m.served;
    es_pool_destroy(&m.servers);
free_sim:
    es_sim_destroy(&m.sim);
free_rngs:
    gsl_rng_free(m.arrivals);
    gsl_rng_free(m.service);
    return status;
}

static bool essim_run(const bench_mmc_options *opt, double *mean_wait, uint64_t *events)
{
    return mmc_run(opt, mean_wait, events) == ES_OK;
}

int main(int argc, char **argv)
{
    bench_mmc_options opt;
    if (!bench_mmc_parse(argc, argv, false, &opt))
        return 2;
    return bench_mmc_main("essim", &opt, essim_run);
}
