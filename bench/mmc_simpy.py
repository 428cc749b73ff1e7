"""M/M/c benchmark in SimPy: the same model as bench/mmc.c, written the usual SimPy way
(a process per customer, a Resource for the servers, random.expovariate).

Poisson arrivals at rate 9, c = 10 servers with Exp(1) service, FIFO; the run ends when every
customer has left.  Prints customers simulated per second and the mean wait in queue Wq beside
Erlang C's value, in the same columns as bench_mmc.  It draws from Python's Mersenne Twister, so
its Wq is not bench_mmc's number, only near Erlang C's.

Usage: /usr/bin/python3 bench/mmc_simpy.py [CUSTOMERS]   (default 1000000)
"""
import math
import random
import sys
import time

import simpy

ARRIVAL_RATE = 9.0
SERVICE_RATE = 1.0
SERVERS = 10
SEED = 20240101


class Waits:
    def __init__(self):
        self.n = 0
        self.total = 0.0


def customer(env, servers, rng, waits):
    arrived = env.now
    with servers.request() as request:
        yield request
        waits.n += 1
        waits.total += env.now - arrived
        yield env.timeout(rng.expovariate(SERVICE_RATE))


def source(env, customers, servers, arrivals_rng, service_rng, waits):
    for i in range(customers):
        env.process(customer(env, servers, service_rng, waits))
        if i + 1 < customers:
            yield env.timeout(arrivals_rng.expovariate(ARRIVAL_RATE))


def erlang_c_wait(lam, mu, c):
    a = lam / mu
    tail = a**c / math.factorial(c) * c / (c - a)
    prob_wait = tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)
    return prob_wait / (c * mu - lam)


def main():
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    waits = Waits()
    env.process(source(env, customers, servers, random.Random(SEED), random.Random(SEED + 1),
                       waits))
    start = time.process_time()  # CPU seconds, as bench_mmc times itself
    env.run()
    elapsed = time.process_time() - start
    # events/s counts the model's two events per customer (arrival, departure), as bench_mmc
    # and bench_mmc_limit count their calendar events; SimPy itself schedules several more
    # (process start, request, release) for each.
    print("%-13s %8d customers %8.3f cpu-s %10.0f customers/s  Wq %.5f  (Erlang C %.5f) "
          "%10.0f events/s"
          % ("SimPy", customers, elapsed, customers / elapsed, waits.total / waits.n,
             erlang_c_wait(ARRIVAL_RATE, SERVICE_RATE, SERVERS), 2 * customers / elapsed))


if __name__ == "__main__":
    main()
