/* tests/unit/test_helpers.h — small helpers shared by the unit tests. */
#ifndef VIGIE_TEST_HELPERS_H
#define VIGIE_TEST_HELPERS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Deterministic pseudo-random numbers (splitmix64): tests never use rand(). */
static inline uint64_t th_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static inline double th_uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(th_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

#define assert_near(actual, expected, tol)                                              \
    do {                                                                                \
        double a_ = (actual), e_ = (expected);                                          \
        if (!(fabs(a_ - e_) <= (tol)))                                                  \
            fail_msg("%s = %.17g, expected %.17g within %g", #actual, a_, e_, (double)(tol)); \
    } while (0)

#define assert_contains(haystack, needle)                                               \
    do {                                                                                \
        const char *h_ = (haystack), *n_ = (needle);                                    \
        if (!strstr(h_, n_))                                                            \
            fail_msg("\"%s\" does not contain \"%s\"", h_, n_);                          \
    } while (0)

#endif
