"""The M/M/c peer: a standard SimPy model (one simpy.Resource with c servers, a generator
process creating the customers, one process per customer) measuring the mean wait in queue.

usage: mmc_peer.py SERVERS ARRIVAL_RATE SERVICE_RATE CUSTOMERS SEED OUT.json
Prints the seconds the simulation took (in-process, after imports); writes the result.
As astana does, the first 1% of the customers are a warm-up and are not counted.
"""
import json
import random
import sys
import time

import simpy


def erlang_c_wait(c, lam, mu):
    """Erlang C: mean wait in queue of an M/M/c station, Wq = C(c, a) / (c mu - lam)."""
    a = lam / mu
    rho = a / c
    if rho >= 1.0:
        return None
    term, below = 1.0, 0.0
    for k in range(c):
        below += term
        term *= a / (k + 1)
    top = term / (1.0 - rho)  # a^c / c! / (1 - rho)
    return top / (below + top) / (c * mu - lam)


def simulate(c, lam, mu, n, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=c)
    warm = n // 100
    stats = {"waited": 0.0, "counted": 0}

    def customer(env, i):
        arrive = env.now
        with server.request() as req:
            yield req
            if i >= warm:
                stats["waited"] += env.now - arrive
                stats["counted"] += 1
            yield env.timeout(rng.expovariate(mu))

    def source(env):
        for i in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer(env, i))

    env.process(source(env))
    env.run()
    return stats["waited"] / stats["counted"], stats["counted"]


def main():
    c, lam, mu, n, seed, out = sys.argv[1:7]
    c, lam, mu, n, seed = int(c), float(lam), float(mu), int(n), int(seed)
    t0 = time.perf_counter()
    wait, counted = simulate(c, lam, mu, n, seed)
    dt = time.perf_counter() - t0
    with open(out, "w") as f:
        json.dump(
            {
                "simpy": simpy.__version__,
                "customers": n,
                "counted": counted,
                "mean_wait_hours": wait,
                "erlang_c_mean_wait_hours": erlang_c_wait(c, lam, mu),
                "seconds": dt,
            },
            f,
        )
    print(f"{dt:.4f}")


if __name__ == "__main__":
    main()
