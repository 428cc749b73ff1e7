/* Helpers shared by the benchmarks. */
#ifndef BENCH_H
#define BENCH_H

#include <math.h>
#include <time.h>

#include <gsl/gsl_rng.h>

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

#endif
