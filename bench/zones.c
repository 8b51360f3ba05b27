/* bench/zones.c — the zone index under load: 50 000 zones over metropolitan France
 * (circles and 4-40-vertex polygons, deterministic PRNG), 1 000 000 random 4-D point
 * queries. Prints build time, memory (VmRSS), and the median / p99 / mean query time
 * measured one query at a time with clock_gettime (the timer's own cost, measured
 * the same way, is printed too), and the mean of an untimed batch. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "vigie/zones.h"

#define NZONES 50000
#define NQUERIES 1000000

static uint64_t rng = 20240726;

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void make_zones(vg_zone_list *zl)
{
    const vg_time t0 = 1721952000 * VG_TIME_S;   /* 2024-07-26T00:00:00Z */
    for (int i = 0; i < NZONES; i++) {
        vg_zone z;
        vg_zone_init(&z);
        snprintf(z.identifier, sizeof z.identifier, "Z%05d", i);
        vg_zone_volume v = {0};
        v.lower = bench_uniform(&rng, 0, 100);
        v.upper = v.lower + bench_uniform(&rng, 50, 500);
        double clat = bench_uniform(&rng, 42.3, 51.0), clon = bench_uniform(&rng, -4.8, 8.2);
        double xy[2 * 41];
        uint32_t end;
        if (bench_splitmix64(&rng) % 2) {
            v.shape = VG_ZONE_CIRCLE;
            v.lat = clat;
            v.lon = clon;
            v.radius_m = bench_uniform(&rng, 200, 5000);
        } else {
            int k = 4 + (int)(bench_splitmix64(&rng) % 37);
            double r0 = bench_uniform(&rng, 0.003, 0.04);
            for (int j = 0; j < k; j++) {
                double a = 2 * VG_PI * j / k, r = r0 * bench_uniform(&rng, 0.4, 1);
                xy[2 * j] = clon + r * cos(a) * 1.5;
                xy[2 * j + 1] = clat + r * sin(a);
            }
            xy[2 * k] = xy[0];
            xy[2 * k + 1] = xy[1];
            v.shape = VG_ZONE_POLYGON;
            v.xy = xy;
            v.nvert = (size_t)k + 1;
            end = (uint32_t)k + 1;
            v.ring_end = &end;
            v.nrings = 1;
        }
        vg_zone_add_volume(&z, &v);
        if (bench_splitmix64(&rng) % 4 == 0) {
            vg_zone_applicability a;
            vg_zone_applicability_init(&a);
            a.start = t0;
            a.end = t0 + 86400 * VG_TIME_S;
            vg_zone_add_window(&a, 0x7f, 16 * 3600, 22 * 3600, 0);
            vg_zone_add_applicability(&z, &a);
        }
        if (vg_zone_list_push(zl, &z) < 0) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
}

int main(void)
{
    long rss0 = rss_kib();
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    double t = bench_now_s();
    make_zones(&zl);
    double t_make = bench_now_s() - t;
    long rss1 = rss_kib();
    vg_zindex *ix;
    vg_error err = {0};
    vg_zindex_opts o = {35, 44};
    t = bench_now_s();
    if (vg_zindex_build(&ix, zl.zones, zl.n, &o, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    /* the STR tree is built by GEOS at the first query: time it with the build */
    size_t out[64];
    vg_zpoint p0 = {46, 2, 50, VG_ZREF_AGL, 1721995200 * VG_TIME_S};
    vg_zindex_query(ix, &p0, out, 64);
    double t_build = bench_now_s() - t;
    long rss2 = rss_kib();

    vg_zpoint *q = malloc(NQUERIES * sizeof *q);
    int64_t *ns = malloc(NQUERIES * sizeof *ns);
    for (int i = 0; i < NQUERIES; i++)
        q[i] = (vg_zpoint){bench_uniform(&rng, 42.3, 51.0), bench_uniform(&rng, -4.8, 8.2), bench_uniform(&rng, 0, 600),
                           (vg_zone_vref)(bench_splitmix64(&rng) % 3),
                           1721952000 * VG_TIME_S + (vg_time)(bench_splitmix64(&rng) % 86400) * VG_TIME_S};
    /* the timer alone */
    for (int i = 0; i < NQUERIES; i++) {
        int64_t a = bench_now_ns();
        ns[i] = bench_now_ns() - a;
    }
    qsort(ns, NQUERIES, sizeof *ns, cmp_i64);
    int64_t timer_med = ns[NQUERIES / 2];
    long hits = 0;
    for (int i = 0; i < NQUERIES; i++) {
        int64_t a = bench_now_ns();
        int n = vg_zindex_query(ix, &q[i], out, 64);
        ns[i] = bench_now_ns() - a;
        hits += n > 0 ? n : 0;
    }
    double sum = 0;
    for (int i = 0; i < NQUERIES; i++)
        sum += (double)ns[i];
    qsort(ns, NQUERIES, sizeof *ns, cmp_i64);
    t = bench_now_s();
    for (int i = 0; i < NQUERIES; i++)
        vg_zindex_query(ix, &q[i], out, 64);
    double batch = bench_now_s() - t;
    printf("zones %d, queries %d, matches %ld (%.3f per query)\n", NZONES, NQUERIES, hits,
           (double)hits / NQUERIES);
    printf("generate zones %.3f s, build index %.3f s (incl. STR tree)\n", t_make, t_build);
    printf("VmRSS: start %ld KiB, zones +%ld KiB, index +%ld KiB\n", rss0, rss1 - rss0,
           rss2 - rss1);
    printf("per query (timed singly, timer included): median %.0f ns, p99 %.0f ns, "
           "p99.9 %.0f ns, max %.0f ns, mean %.0f ns\n",
           (double)ns[NQUERIES / 2], (double)ns[NQUERIES / 100 * 99],
           (double)ns[NQUERIES / 1000 * 999], (double)ns[NQUERIES - 1], sum / NQUERIES);
    printf("timer overhead (median of an empty interval): %lld ns\n", (long long)timer_med);
    printf("batch of %d untimed queries: %.3f s, mean %.0f ns per query\n", NQUERIES, batch,
           batch * 1e9 / NQUERIES);
    free(q);
    free(ns);
    vg_zindex_free(ix);
    vg_zone_list_free(&zl);
    return 0;
}
