/* M/M/c benchmark on essim's engine: es_sim events, an es_pool of servers, es_rng streams on
 * xoshiro256+.  The same model as bench/mmc_simpy.py.
 *
 * Poisson arrivals at rate 9, c = 10 servers with Exp(1) service, FIFO; the run ends when
 * every customer has left.  Prints customers simulated per second (best of a few identical
 * runs, to discount interference) and the mean wait in queue Wq beside Erlang C's value.
 * Exponential draws are -mean log(1 - u), as in SimPy (see bench.h); with --gsl they go
 * through gsl_ran_exponential instead, as essim's model does, which costs more in log1p.
 *
 * Usage: bench_mmc [--gsl] [CUSTOMERS]   (default 1000000)
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "bench.h"
#include "engine/error.h"
#include "engine/pool.h"
#include "engine/rng.h"
#include "engine/sim.h"
#include "engine/stats.h"

#define ARRIVAL_RATE 9.0
#define SERVICE_RATE 1.0
#define SERVERS 10
#define SEED 20240101
#define REPEATS 5

typedef struct mmc {
    es_sim sim;
    es_pool servers;
    gsl_rng *arrivals, *service;
    bool through_gsl; /* draw with gsl_ran_exponential rather than bench_exponential */
    uint32_t arrival_type, departure_type;
    uint64_t to_arrive;
    int status;
    es_tally wait;
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

static double draw(const mmc *m, const gsl_rng *r, double mean)
{
    return m->through_gsl ? gsl_ran_exponential(r, mean) : bench_exponential(r, mean);
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
    es_tally_add(&m->wait, m->sim.now - arrived);
    schedule(m, draw(m, m->service, 1.0 / SERVICE_RATE), m->departure_type);
}

static void on_arrival(es_sim *sim, const es_event *ev, void *ctx)
{
    (void)ev;
    mmc *m = ctx;
    if (--m->to_arrive > 0)
        schedule(m, draw(m, m->arrivals, 1.0 / ARRIVAL_RATE), m->arrival_type);
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

/* Simulates `customers` customers; writes their mean wait in queue. */
static int mmc_run(uint64_t customers, bool through_gsl, double *mean_wait)
{
    mmc m = {.to_arrive = customers, .through_gsl = through_gsl, .status = ES_OK};
    es_tally_reset(&m.wait);
    m.arrivals = es_rng_alloc(es_rng_xoshiro256p, SEED, 0, "arrivals");
    m.service = es_rng_alloc(es_rng_xoshiro256p, SEED, 0, "service");
    int status = ES_ENOMEM;
    if (!m.arrivals || !m.service || es_sim_init(&m.sim, 64) != ES_OK)
        goto free_rngs;
    if (es_pool_init(&m.servers, SERVERS, 0.0) != ES_OK)
        goto free_sim;
    m.arrival_type = (uint32_t)es_sim_register(&m.sim, on_arrival, &m);
    m.departure_type = (uint32_t)es_sim_register(&m.sim, on_departure, &m);
    schedule(&m, draw(&m, m.arrivals, 1.0 / ARRIVAL_RATE), m.arrival_type);
    if (m.status == ES_OK)
        es_sim_run(&m.sim, INFINITY);
    status = m.status;
    *mean_wait = es_tally_mean(&m.wait);
    es_pool_destroy(&m.servers);
free_sim:
    es_sim_destroy(&m.sim);
free_rngs:
    gsl_rng_free(m.arrivals);
    gsl_rng_free(m.service);
    return status;
}

/* Erlang C mean wait in queue for an M/M/c queue. */
static double erlang_c_wait(double lambda, double mu, int c)
{
    double a = lambda / mu, term = 1.0, sum = 0.0;
    for (int k = 0; k < c; k++) {
        sum += term;          /* a^k / k! */
        term *= a / (k + 1);
    }
    double tail = term * c / (c - a); /* a^c / c! * c / (c - a) */
    double prob_wait = tail / (sum + tail);
    return prob_wait / (c * mu - lambda);
}

int main(int argc, char **argv)
{
    uint64_t customers = 1000000;
    bool through_gsl = argc > 1 && strcmp(argv[1], "--gsl") == 0;
    int nargs = argc - 1 - through_gsl;
    if (nargs > 1 || (nargs == 1 && (customers = strtoull(argv[argc - 1], NULL, 10)) == 0)) {
        fprintf(stderr, "usage: %s [--gsl] [CUSTOMERS]\n", argv[0]);
        return 2;
    }
    double best = INFINITY, mean_wait = NAN;
    for (int i = 0; i < REPEATS; i++) {
        double start = bench_cpu_seconds();
        int status = mmc_run(customers, through_gsl, &mean_wait);
        double elapsed = bench_cpu_seconds() - start;
        if (status != ES_OK) {
            fprintf(stderr, "bench_mmc: out of memory\n");
            return 1;
        }
        if (elapsed < best)
            best = elapsed;
    }
    printf("%-6s %8llu customers %8.3f cpu-s %10.0f customers/s  Wq %.5f  (Erlang C %.5f)\n",
           through_gsl ? "essim*" : "essim", (unsigned long long)customers, best, (double)customers / best, mean_wait,
           erlang_c_wait(ARRIVAL_RATE, SERVICE_RATE, SERVERS));
    return 0;
}
