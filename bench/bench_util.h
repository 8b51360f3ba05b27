/* bench/bench_util.h — what every benchmark needs: a monotonic clock and a
 * deterministic pseudo-random sequence (splitmix64, so that every run measures the
 * same inputs). Header-only, for the bench programs. */
#ifndef VIGIE_BENCH_UTIL_H
#define VIGIE_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

static inline double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline uint64_t bench_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static inline double bench_uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * (double)(bench_splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
