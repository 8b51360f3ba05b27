/* base/dtoa.h — shortest round-trip digits of a double (base/dtoa.cc, double-conversion).
 * Internal to libvigie: vg_format_double (strbuf.c) is the public face. */
#ifndef VIGIE_BASE_DTOA_H
#define VIGIE_BASE_DTOA_H

#ifdef __cplusplus
extern "C" {
#endif

/* The fewest decimal digits that read back as v (finite, nonzero), closest to v;
 * halfway cases round away from zero. v = 0.DIGITS × 10^point, sign ignored.
 * digits gets *len digits and a NUL (cap ≥ 18). Returns 0, or -1 if cap is short. */
int vg_dtoa_shortest(double v, char *digits, int cap, int *len, int *point);

#ifdef __cplusplus
}
#endif

#endif
