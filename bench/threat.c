/* bench/threat.c — threat rules per track update, with a realistic zone index: 300
 * zones around Paris (circles of 100-800 m and 4-24-vertex polygons, a third of them
 * PROHIBITED, vertical band 0-150 m AGL, deterministic PRNG), 30 protected assets,
 * 50 whitelist entries, and 1 000 000 updates of 2 000 drones and birds flying
 * straight at 0-20 m/s within 8 km of Notre-Dame. Prints the median / p99 / mean of
 * vg_threat_track timed one call at a time (clock_gettime; the timer's own cost is
 * printed too), per posture level (vigilance: 30 s prediction, urgence attentat:
 * 120 s), and the alerts raised. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "vigie/threat.h"

#define NZONES 300
#define NTRACKS 2000
#define NUPDATES 1000000
#define LAT0 48.8530
#define LON0 2.3499

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

static void make_zones(vg_zone *zones)
{
    const double mlat = 111195.0, mlon = 111195.0 * cos(LAT0 * VG_PI / 180);
    for (int i = 0; i < NZONES; i++) {
        vg_zone *z = &zones[i];
        vg_zone_init(z);
        snprintf(z->identifier, sizeof z->identifier, "PZ%03d", i);
        z->restriction = i % 3 == 0 ? VG_ZONE_PROHIBITED
                                    : (i % 3 == 1 ? VG_ZONE_REQ_AUTHORISATION
                                                  : VG_ZONE_NO_RESTRICTION);
        vg_zone_volume v = {0};
        v.lower = 0;
        v.upper = 150;
        v.lower_ref = v.upper_ref = VG_ZREF_AGL;
        double clat = LAT0 + bench_uniform(&rng, -10000, 10000) / mlat;
        double clon = LON0 + bench_uniform(&rng, -10000, 10000) / mlon;
        double xy[2 * 25];
        uint32_t end;
        if (bench_splitmix64(&rng) % 2) {
            v.shape = VG_ZONE_CIRCLE;
            v.lat = clat;
            v.lon = clon;
            v.radius_m = bench_uniform(&rng, 100, 800);
        } else {
            int nv = 4 + (int)(bench_splitmix64(&rng) % 21);
            double r = bench_uniform(&rng, 100, 800);
            for (int k = 0; k < nv; k++) {
                double a = 2 * VG_PI * k / nv;
                double rk = r * bench_uniform(&rng, 0.7, 1.0);
                xy[2 * k] = clon + rk * cos(a) / mlon;
                xy[2 * k + 1] = clat + rk * sin(a) / mlat;
            }
            xy[2 * nv] = xy[0];
            xy[2 * nv + 1] = xy[1];
            v.shape = VG_ZONE_POLYGON;
            v.xy = xy;
            v.nvert = (size_t)nv + 1;
            end = (uint32_t)nv + 1;
            v.ring_end = &end;
            v.nrings = 1;
        }
        if (vg_zone_add_volume(z, &v) < 0)
            exit(1);
    }
}

typedef struct mover {
    vg_track tr;
} mover;

static void run(vg_zindex *ix, const vg_zone *zones, const vg_postures *post, const char *label)
{
    vg_threat *th;
    vg_threat_opts o = {.alerts = 16384};
    vg_error err;
    if (vg_threat_create(&th, &o, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    char buf[8192];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "[");
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "%s{\"id\":\"A%02d\",\"lat\":%.5f,\"lon\":%.5f%s}", i ? "," : "", i,
                              LAT0 + bench_uniform(&rng, -0.06, 0.06), LON0 + bench_uniform(&rng, -0.09, 0.09),
                              i % 5 == 0 ? ",\"class\":\"high\"" : "");
    snprintf(buf + n, sizeof buf - n, "]");
    if (vg_threat_load_assets(th, buf, strlen(buf), &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    n = (size_t)snprintf(buf, sizeof buf, "[");
    for (int i = 0; i < 50; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "%s{\"uas_id\":\"RID%04d\",\"zone\":\"PZ%03d\",\"purpose\":\"bench\"}",
                              i ? "," : "", i * 3, (i * 3) % NZONES);
    snprintf(buf + n, sizeof buf - n, "]");
    if (vg_threat_load_whitelist(th, buf, strlen(buf), &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }

    static mover m[NTRACKS];
    const double mlat = 111195.0, mlon = 111195.0 * cos(LAT0 * VG_PI / 180);
    for (int i = 0; i < NTRACKS; i++) {
        vg_track *tr = &m[i].tr;
        memset(tr, 0, sizeof *tr);
        tr->id = (uint64_t)i + 1;
        tr->pos = (vg_geo){LAT0 + bench_uniform(&rng, -8000, 8000) / mlat, LON0 + bench_uniform(&rng, -8000, 8000) / mlon,
                           bench_uniform(&rng, 80, 260)};
        double sp = bench_uniform(&rng, 0, 20), hd = bench_uniform(&rng, 0, 2 * VG_PI);
        tr->velocity = (vg_vec3){sp * sin(hd), sp * cos(hd), 0};
        bool bird = i % 5 == 4;
        tr->class_p[VG_CLASS_DRONE] = bird ? 0.2 : 0.8;
        tr->class_p[VG_CLASS_BIRD] = bird ? 0.7 : 0.1;
        tr->class_p[VG_CLASS_UNKNOWN] = 0.1;
        if (i % 2 == 0) {
            tr->identity.source = VG_IDSRC_REMOTEID;
            snprintf(tr->identity.id, sizeof tr->identity.id, "RID%04d", i);
            tr->has_operator = true;
            tr->operator_pos = tr->pos;
        }
    }
    static int64_t dt[NUPDATES];
    uint64_t alerts = 0;
    const vg_time t0 = (vg_time)1722015000 * VG_TIME_S;
    int errors = 0;
    for (int k = 0; k < NUPDATES; k++) {
        vg_track *tr = &m[k % NTRACKS].tr;
        vg_time t = t0 + (vg_time)(k / NTRACKS) * VG_TIME_S;
        tr->pos.lat += tr->velocity.y / mlat;   /* one second of flight */
        tr->pos.lon += tr->velocity.x / mlon;
        int64_t a = bench_now_ns();
        int rc = vg_threat_track(th, tr, t, ix, zones, post, sink, &alerts, NULL);
        dt[k] = bench_now_ns() - a;
        errors += rc < 0;
    }
    int64_t tmin = INT64_MAX;
    for (int i = 0; i < 1000; i++) {
        int64_t a = bench_now_ns(), b = bench_now_ns();
        if (b - a < tmin)
            tmin = b - a;
    }
    double sum = 0;
    for (int k = 0; k < NUPDATES; k++)
        sum += (double)dt[k];
    qsort(dt, NUPDATES, sizeof dt[0], cmp_i64);
    vg_threat_stats st;
    vg_threat_get_stats(th, &st);
    printf("%-18s median %.2f us  p99 %.2f us  mean %.2f us  (timer %lld ns)  alerts "
           "emitted %llu, raised %llu, errors %d\n",
           label, (double)dt[NUPDATES / 2] / 1000, (double)dt[NUPDATES / 100 * 99] / 1000,
           sum / NUPDATES / 1000, (long long)tmin, (unsigned long long)alerts,
           (unsigned long long)st.raised, errors);
    vg_threat_free(th);
}

int main(void)
{
    static vg_zone zones[NZONES];
    make_zones(zones);
    vg_zindex *ix;
    vg_error err;
    vg_zindex_opts zo = {.ground_elevation = 35, .geoid_undulation = 44};
    if (vg_zindex_build(&ix, zones, NZONES, &zo, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("threat: %d zones, %d tracks, %d updates\n", NZONES, NTRACKS, NUPDATES);
    static vg_postures post;
    vg_postures_init(&post, 0);
    run(ix, zones, &post, "vigilance");
    vg_command c;
    memset(&c, 0, sizeof c);
    strcpy(c.kind, "posture_set");
    strcpy(c.user, "bench");
    c.role = VG_ROLE_COMMANDER;
    strcpy(c.args, "{\"level\":\"urgence_attentat\"}");
    vg_event out[2];
    int nout;
    if (vg_postures_command(&post, &c, 0, out, 2, &nout, &err) < 0)
        return 1;
    run(ix, zones, &post, "urgence_attentat");
    vg_zindex_free(ix);
    for (int i = 0; i < NZONES; i++)
        vg_zone_free(&zones[i]);
    return 0;
}
