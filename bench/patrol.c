/* bench/patrol.c — the patrol module's hot paths at scale: ranking 10 000 units
 * (a third police or gendarmerie with the intercept capability, the rest soldiers
 * and municipal police, within 15 km of Notre-Dame) for a pilot position, timed one
 * call at a time (median, p99, mean over 2 000 pilot positions); the once-a-second
 * coverage tick over 5 000 sites with those 10 000 units (median, p99, mean over
 * 200 ticks); and generating and evaluating an 8 h plan for 40 units over 60 sites.
 * Deterministic PRNG; figures go to docs/BENCHMARKS.md. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "vigie/patrol.h"

#define NUNITS 10000
#define NSITES 5000
#define NQUERIES 2000
#define NTICKS 200
#define LAT0 48.8530
#define LON0 2.3499
#define PI 3.14159265358979323846

static uint64_t rng = 20240726;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void sink(void *ud, const vg_event *ev)
{
    (void)ev;
    (*(uint64_t *)ud)++;
}

static void report(const char *what, int64_t *ns, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += (double)ns[i];
    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    printf("%-44s median %9.1f us  p99 %9.1f us  mean %9.1f us\n", what,
           (double)ns[n / 2] / 1e3, (double)ns[n * 99 / 100] / 1e3, sum / n / 1e3);
}

/* A point within r_m of Notre-Dame. */
static void around(double r_m, double *lat, double *lon)
{
    double r = r_m * sqrt(bench_uniform(&rng, 0, 1)), a = bench_uniform(&rng, 0, 2 * PI);
    *lat = LAT0 + r * cos(a) / 111320.0;
    *lon = LON0 + r * sin(a) / (111320.0 * cos(LAT0 * PI / 180.0));
}

static char *units_json(void)
{
    static const char *const forces[] = {"police", "gendarmerie", "army", "army", "municipal",
                                         "army"};
    static const char *const modes[] = {"foot", "vehicle", "bike"};
    size_t cap = (size_t)NUNITS * 200, len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, "[");
    for (int i = 0; i < NUNITS; i++) {
        double lat, lon;
        around(15000, &lat, &lon);
        const char *force = forces[i % 6];
        bool intercept = i % 6 < 2 || (i % 6 == 4 && i % 12 == 4);
        len += (size_t)snprintf(buf + len, cap - len,
                                "%s{\"unit\":\"U%05d\",\"force\":\"%s\",\"mode\":\"%s\","
                                "\"capabilities\":[%s],\"lat\":%.6f,\"lon\":%.6f}",
                                i ? "," : "", i, force, modes[i % 3],
                                intercept ? "\"intercept\"" : "", lat, lon);
    }
    snprintf(buf + len, cap - len, "]");
    return buf;
}

static char *sites_json(int n)
{
    size_t cap = (size_t)n * 200, len = 0;
    char *buf = malloc(cap);
    len += (size_t)snprintf(buf + len, cap - len, "[");
    for (int i = 0; i < n; i++) {
        double lat, lon;
        around(15000, &lat, &lon);
        if (i % 4 == 0)
            len += (size_t)snprintf(buf + len, cap - len,
                                    "%s{\"id\":\"S%05d\",\"category\":\"station\","
                                    "\"sector\":\"s%d\",\"polygon\":[[%.6f,%.6f],"
                                    "[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]}",
                                    i ? "," : "", i, i % 20, lat, lon, lat + 0.001, lon,
                                    lat + 0.001, lon + 0.0015, lat, lon + 0.0015);
        else
            len += (size_t)snprintf(buf + len, cap - len,
                                    "%s{\"id\":\"S%05d\",\"category\":\"school\","
                                    "\"sector\":\"s%d\",\"lat\":%.6f,\"lon\":%.6f}",
                                    i ? "," : "", i, i % 20, lat, lon);
    }
    snprintf(buf + len, cap - len, "]");
    return buf;
}

int main(void)
{
    vg_error err;
    vg_patrol *p;
    vg_patrol_opts o = {.units = NUNITS, .sites = NSITES};
    if (vg_patrol_create(&p, &o, NULL, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    char *sj = sites_json(NSITES), *uj = units_json();
    if (vg_patrol_load_sites(p, sj, strlen(sj), 0, &err) < 0 ||
        vg_patrol_load_units(p, uj, strlen(uj), 0, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    free(sj);
    free(uj);
    printf("bench_patrol: %d units, %d sites\n", NUNITS, NSITES);

    static int64_t ns[NQUERIES];
    vg_patrol_candidate best[3];
    double sum_eta = 0;
    for (int i = 0; i < NQUERIES; i++) {
        double lat, lon;
        around(8000, &lat, &lon);
        int64_t t0 = bench_now_ns();
        int n = vg_patrol_rank(p, lat, lon, 1000000, best, 3);
        ns[i] = bench_now_ns() - t0;
        if (n > 0)
            sum_eta += best[0].eta_s;
    }
    report("rank 10 000 units, best 3 (vg_patrol_rank)", ns, NQUERIES);
    printf("  mean ETA of the best unit: %.0f s\n", sum_eta / NQUERIES);

    vg_postures ps;
    vg_postures_init(&ps, 0);
    uint64_t events = 0;
    static int64_t tk[NTICKS];
    for (int i = 0; i < NTICKS; i++) {
        int64_t t0 = bench_now_ns();
        vg_patrol_tick(p, (vg_time)(i + 1) * 1000000, &ps, sink, &events);
        tk[i] = bench_now_ns() - t0;
    }
    report("coverage tick, 5 000 sites (vg_patrol_tick)", tk, NTICKS);
    vg_sector_summary sum;
    int64_t t0 = bench_now_ns();
    vg_patrol_sector_summary(p, NULL, 3600 * 1000000LL, &ps, &sum);
    printf("%-44s %9.1f us (%d sites, %d met)\n", "sector summary, all sites",
           (double)(bench_now_ns() - t0) / 1e3, sum.sites, sum.met);

    /* A plan: 40 foot patrols over 60 sites for 8 h, urgence attentat. */
    int nu = 40, nsites = 60;
    vg_unit *units = calloc((size_t)nu, sizeof *units);
    vg_patrol_site *sites = calloc((size_t)nsites, sizeof *sites);
    for (int i = 0; i < nu; i++) {
        snprintf(units[i].id, sizeof units[i].id, "SENT-%d", i);
        units[i].mode = VG_MODE_FOOT;
    }
    for (int i = 0; i < nsites; i++) {
        around(1500, &sites[i].lat, &sites[i].lon);
        sites[i].radius_m = 100;
    }
    int cap = 40 * 8 * 13, nv = 0;
    vg_plan_visit *v = malloc((size_t)cap * sizeof *v);
    const vg_posture_params *pp = vg_postures_params(&ps, VG_POSTURE_URGENCE_ATTENTAT);
    t0 = bench_now_ns();
    if (vg_plan_generate(units, nu, sites, nsites, pp, NULL, 0, 8, 1, v, cap, &nv, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double gen_ms = (double)(bench_now_ns() - t0) / 1e6;
    t0 = bench_now_ns();
    double cov = vg_plan_coverage(sites, nsites, v, nv, pp, NULL, 0, 8);
    double eval_ms = (double)(bench_now_ns() - t0) / 1e6;
    printf("plan 40 units x 60 sites x 8 h: generate %.1f ms (%d visits), evaluate %.2f ms, "
           "coverage %.1f%%\n", gen_ms, nv, eval_ms, cov * 100);

    /* Coverage evaluation at scale: 5 000 sites, each visited every 20 min for 8 h. */
    int nbig = NSITES * 24;
    vg_plan_visit *bv = malloc((size_t)nbig * sizeof *bv);
    vg_patrol_site *bs = calloc(NSITES, sizeof *bs);
    for (int i = 0; i < nbig; i++) {
        int s = (int)(bench_splitmix64(&rng) % NSITES);
        vg_time a = (vg_time)(bench_uniform(&rng, 0, 8 * 3600)) * 1000000;
        bv[i] = (vg_plan_visit){0, s, a, a + 600 * 1000000LL};
    }
    t0 = bench_now_ns();
    cov = vg_plan_coverage(bs, NSITES, bv, nbig, pp, NULL, 0, 8);
    printf("evaluate 5 000 sites x 8 h, %d visits: %.1f ms (coverage %.1f%%)\n", nbig,
           (double)(bench_now_ns() - t0) / 1e6, cov * 100);
    free(bv);
    free(bs);
    free(v);
    free(units);
    free(sites);
    vg_patrol_free(p);
    return 0;
}
