/* Helpers shared by the benchmarks. */
#ifndef BENCH_H
#define BENCH_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine/rng.h"

/* CPU seconds used by this process.  The benchmarks run on one thread, so on an idle machine
 * this is the wall-clock time; on a busy one it leaves out the time other processes had the
 * core, which keeps the figures (and the ratio to SimPy, timed the same way) steady. */
static inline double bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* An exponential draw with the given mean: gsl_ran_exponential's inversion of the same
 * uniform, with log(1 - u) in place of log1p(-u).  1 - u is exact for the generator's 53-bit
 * uniforms, so the two agree to the last bit or so, but glibc's log is about three times
 * faster than its log1p (4.5 against 12 ns here).  It is also exactly what SimPy's model
 * draws (random.expovariate), so both sides pay for the same arithmetic. */
static inline double bench_exponential(const gsl_rng *r, double mean)
{
    return -mean * log(1.0 - gsl_rng_uniform(r));
}

/* ---- The M/M/c benchmarks (bench_mmc on essim's engine, bench_mmc_limit by hand) ---- */

#define BENCH_MMC_ARRIVAL_RATE 9.0
#define BENCH_MMC_SERVICE_RATE 1.0
#define BENCH_MMC_SERVERS 10
#define BENCH_MMC_SEED 20240101
#define BENCH_MMC_REPEATS 5

typedef struct bench_mmc_options {
    uint64_t customers;
    bool through_gsl; /* --gsl: draw with gsl_ran_exponential rather than bench_exponential */
    bool taus2;       /* --taus2: GSL's taus2 generator rather than essim's xoshiro256+ */
    bool once;        /* --once: one timed run rather than the best of BENCH_MMC_REPEATS */
    bool pop_push;    /* --pop-push (bench_mmc_limit only): no root replacement */
} bench_mmc_options;

/* Reads [--gsl] [--taus2] [--once] [--pop-push] [CUSTOMERS]; false (after printing the usage)
 * on anything else.  --pop-push is accepted only when `pop_push_allowed`. */
static inline bool bench_mmc_parse(int argc, char **argv, bool pop_push_allowed,
                                   bench_mmc_options *opt)
{
    *opt = (bench_mmc_options){.customers = 1000000};
    bool ok = true, counted = false;
    for (int i = 1; i < argc && ok; i++) {
        if (strcmp(argv[i], "--gsl") == 0)
            opt->through_gsl = true;
        else if (strcmp(argv[i], "--taus2") == 0)
            opt->taus2 = true;
        else if (strcmp(argv[i], "--once") == 0)
            opt->once = true;
        else if (pop_push_allowed && strcmp(argv[i], "--pop-push") == 0)
            opt->pop_push = true;
        else if (!counted && argv[i][0] >= '1' && argv[i][0] <= '9') {
            char *end;
            opt->customers = strtoull(argv[i], &end, 10);
            ok = *end == '\0' && opt->customers < (1ull << 31); /* 32-bit event sequences */
            counted = true;
        } else
            ok = false;
    }
    if (!ok)
        fprintf(stderr, "usage: %s [--gsl] [--taus2] [--once]%s [CUSTOMERS]   (default 1000000)\n",
                argv[0], pop_push_allowed ? " [--pop-push]" : "");
    return ok;
}

static inline const gsl_rng_type *bench_mmc_generator(const bench_mmc_options *opt)
{
    return opt->taus2 ? gsl_rng_taus2 : es_rng_xoshiro256p;
}

static inline double bench_mmc_draw(const bench_mmc_options *opt, const gsl_rng *r, double mean)
{
    return opt->through_gsl ? gsl_ran_exponential(r, mean) : bench_exponential(r, mean);
}

/* Erlang C mean wait in queue for an M/M/c queue. */
static inline double bench_erlang_c_wait(double lambda, double mu, int c)
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

/* The one line both M/M/c programs print (bench/run reads its fields by position):
 * NAME CUSTOMERS customers SECONDS cpu-s RATE customers/s Wq W (Erlang C E) EVENTS/s events/s
 * NAME is `base`, then '*' with --gsl and "/taus2" with --taus2. */
static inline void bench_mmc_print(const char *base, const bench_mmc_options *opt,
                                   double seconds, uint64_t events, double mean_wait)
{
    char name[32];
    snprintf(name, sizeof name, "%s%s%s", base, opt->through_gsl ? "*" : "",
             opt->taus2 ? "/taus2" : "");
    printf("%-13s %8llu customers %8.3f cpu-s %10.0f customers/s  Wq %.5f  (Erlang C %.5f) "
           "%10.0f events/s\n",
           name, (unsigned long long)opt->customers, seconds, (double)opt->customers / seconds,
           mean_wait,
           bench_erlang_c_wait(BENCH_MMC_ARRIVAL_RATE, BENCH_MMC_SERVICE_RATE, BENCH_MMC_SERVERS),
           (double)events / seconds);
}

/* One M/M/c run: its mean wait and its events; false when out of memory. */
typedef bool bench_mmc_run_fn(const bench_mmc_options *opt, double *mean_wait, uint64_t *events);

/* Times `run` (best CPU time of BENCH_MMC_REPEATS runs, or one with --once) and prints its
 * line under `name`; the exit status for main: 0, or 1 when a run ran out of memory. */
static inline int bench_mmc_main(const char *name, const bench_mmc_options *opt,
                                 bench_mmc_run_fn *run)
{
    double best = INFINITY, mean_wait = NAN;
    uint64_t events = 0;
    for (int i = 0; i < (opt->once ? 1 : BENCH_MMC_REPEATS); i++) {
        double start = bench_cpu_seconds();
        bool ok = run(opt, &mean_wait, &events);
        double elapsed = bench_cpu_seconds() - start;
        if (!ok) {
            fprintf(stderr, "%s: out of memory\n", name);
            return 1;
        }
        if (elapsed < best)
            best = elapsed;
    }
    bench_mmc_print(name, opt, best, events, mean_wait);
    return 0;
}

#endif
