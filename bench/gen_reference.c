/* bench/gen_reference.c — the reference multi-target scene, written as vigie input
 * and ground truth, to compare vigie's tracker with Stone Soup's standard GNN run.
 *
 *   bench_gen_reference N SEED DIR   →  DIR/input.jsonl, DIR/truth.jsonl
 *
 * The scene, exactly (every draw comes from one xoshiro256** stream seeded by SEED
 * through splitmix64, in the order listed, so N and SEED fix every byte):
 *
 * - N targets, ids 1..N, alive for the 50 scans k = 0..49, scan k at time
 *   2024-07-26T17:30:00Z + k s (dt = 1 s). State [x, vx, y, vy], metres and m/s, in
 *   the site's ENU frame, z = 0.
 * - Start (scan 0), target by target: x, y uniform in [0, L] with L = √(400·N) m
 *   (one target per 400 m² on average; or √(AREA·N) with the optional AREA argument,
 *   for sparse scenes), then vx, vy uniform in [−1, 1] m/s.
 * - Motion: constant velocity with discrete white-noise acceleration. At scans
 *   k ≥ 1 each target, in id order, moves x ← x + vx·dt, vx unchanged (same for y),
 *   then adds per axis, x axis first, a normal vector with covariance
 *   q·[[dt³/3, dt²/2], [dt²/2, dt]], q = 0.05 m²/s³ (drawn as C·z, C its lower
 *   Cholesky factor, z two standard normals).
 * - Detection, each scan after the motion, target by target: detected with
 *   probability 0.9 (one uniform < 0.9); if detected, x and y plus independent
 *   normal noise of variance 0.25 m² (σ = 0.5 m).
 * - Clutter: a Poisson(N) count (Knuth's product method for means below 10,
 *   Hörmann's PTRS transformed rejection above — both exact), then that many points
 *   with x, y uniform in [0, L].
 * - The scan's detections (targets first, then clutter) are shuffled (Fisher–Yates,
 *   index = next 64-bit draw mod i) and written with the scan's time, so they form
 *   one scan.
 *
 * input.jsonl: a `site` event (lat 48.853, lon 2.3499, alt 100 m WGS84, geoid
 * undulation 44.4 m), a `sensor` event (id "ref", kind "other", at the site origin),
 * both at the time of scan 0, then every detection as an `enu` measurement {x, y,
 * z: 0, sigma: 0.5} from sensor "ref" — all through the event codec, canonical.
 * truth.jsonl: per scan, per target in id order,
 *   {"type":"truth","time":"…","id":i,"enu":{"x":…,"y":…,"z":0}}
 * (the true position after the scan's motion), in the same canonical style. The
 * truth type is not an event of the codec, so those lines are built with vg_strbuf.
 *
 * Normal deviates use Marsaglia's polar method (sqrt and log only). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vigie/event.h"
#include "vigie/strbuf.h"
#include "vigie/time.h"

#define SCANS 50
#define DT 1.0
#define Q 0.05
#define PD 0.9
#define MEAS_VAR 0.25
#define MAX_TARGETS 1000000

/* ---- random numbers ------------------------------------------------------------ */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna). */
static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1), 53 random bits. */
static double uniform01(rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double uniform(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * uniform01(r);
}

/* A standard normal deviate (Marsaglia's polar method, one of the pair kept: a
 * cached second deviate would make the stream depend on call history). */
static double normal(rng *r)
{
    for (;;) {
        double u = 2.0 * uniform01(r) - 1.0, v = 2.0 * uniform01(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0)
            return u * sqrt(-2.0 * log(s) / s);
    }
}

/* Poisson(mu) deviate, exact. Knuth's method multiplies uniforms until the product
 * drops below e^−mu: O(mu) draws, fine for small means. Above, PTRS (Hörmann 1993,
 * "The transformed rejection method for generating Poisson random variables"),
 * whose cost does not grow with mu — N = 10 000 needs it. */
static long poisson(rng *r, double mu)
{
    if (mu < 10.0) {
        double limit = exp(-mu), prod = uniform01(r);
        long k = 0;
        while (prod > limit) {
            prod *= uniform01(r);
            k++;
        }
        return k;
    }
    double smu = sqrt(mu), logmu = log(mu);
    double b = 0.931 + 2.53 * smu;
    double a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = uniform01(r) - 0.5, v = uniform01(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= vr)
            return (long)k;
        if (k < 0.0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <=
            -mu + k * logmu - lgamma(k + 1.0))
            return (long)k;
    }
}

/* ---- output ---------------------------------------------------------------------- */

typedef struct out {
    FILE *f;
    const char *path;
    char line[VG_LINE_MAX + 1];
    long lines;
} out;

static int put_line(out *o, const char *s, size_t len)
{
    if (fwrite(s, 1, len, o->f) != len || putc('\n', o->f) == EOF) {
        fprintf(stderr, "bench_gen_reference: %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    o->lines++;
    return 0;
}

static int put_event(out *o, const vg_event *ev)
{
    vg_error err;
    size_t len;
    if (vg_event_format(ev, o->line, sizeof o->line, &len, &err) < 0) {
        fprintf(stderr, "bench_gen_reference: %s\n", err.msg);
        return -1;
    }
    return put_line(o, o->line, len);
}

static int put_truth(out *o, vg_time t, int id, double x, double y)
{
    char ts[VG_TIME_TEXT_MAX];
    vg_time_format_rfc3339(t, ts, sizeof ts);
    vg_strbuf sb;
    vg_strbuf_init(&sb, o->line, sizeof o->line);
    vg_strbuf_puts(&sb, "{\"type\":\"truth\",\"time\":");
    vg_strbuf_put_json_string(&sb, ts);
    vg_strbuf_puts(&sb, ",\"id\":");
    vg_strbuf_put_i64(&sb, id);
    vg_strbuf_puts(&sb, ",\"enu\":{\"x\":");
    vg_strbuf_put_double(&sb, x);
    vg_strbuf_puts(&sb, ",\"y\":");
    vg_strbuf_put_double(&sb, y);
    vg_strbuf_puts(&sb, ",\"z\":0}}");
    if (sb.overflow) {
        fprintf(stderr, "bench_gen_reference: truth line does not fit\n");
        return -1;
    }
    return put_line(o, sb.buf, sb.len);
}

static int open_out(out *o, const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    o->path = path;
    o->lines = 0;
    o->f = fopen(path, "w");
    if (!o->f) {
        fprintf(stderr, "bench_gen_reference: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int close_out(out *o)
{
    if (fclose(o->f) != 0) {
        fprintf(stderr, "bench_gen_reference: %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- the scene ---------------------------------------------------------------------- */

typedef struct target {
    double x, vx, y, vy;
} target;

typedef struct det {
    double x, y;
} det;

/* One axis of the discrete white-noise acceleration step: position and velocity
 * get C·z, with C the lower Cholesky factor of q·[[dt³/3, dt²/2], [dt²/2, dt]]. */
static void process_noise(rng *r, double *pos, double *vel)
{
    double l11 = sqrt(Q * DT * DT * DT / 3.0);
    double l21 = (Q * DT * DT / 2.0) / l11;
    double l22 = sqrt(Q * DT - l21 * l21);
    double z1 = normal(r), z2 = normal(r);
    *pos += l11 * z1;
    *vel += l21 * z1 + l22 * z2;
}

static int parse_args(int argc, char **argv, int *n, uint64_t *seed, double *area)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: bench_gen_reference N SEED DIR [AREA]\n"
                        "  N targets (1..%d), SEED an unsigned integer, DIR the output folder,\n"
                        "  AREA square metres per target (default 400, the reference scene;\n"
                        "  larger makes a sparse scene)\n",
                MAX_TARGETS);
        return -1;
    }
    *area = 400.0;
    if (argc == 5) {
        char *e;
        errno = 0;
        *area = strtod(argv[4], &e);
        if (errno || e == argv[4] || *e || !(*area >= 1.0 && *area <= 1e9)) {
            fprintf(stderr, "bench_gen_reference: AREA '%s' is not a number in 1..1e9\n",
                    argv[4]);
            return -1;
        }
    }
    char *end;
    errno = 0;
    long nv = strtol(argv[1], &end, 10);
    if (errno || end == argv[1] || *end || nv < 1 || nv > MAX_TARGETS) {
        fprintf(stderr, "bench_gen_reference: N '%s' is not an integer in 1..%d\n", argv[1],
                MAX_TARGETS);
        return -1;
    }
    errno = 0;
    unsigned long long sv = strtoull(argv[2], &end, 10);
    if (errno || end == argv[2] || *end || argv[2][0] == '-') {
        fprintf(stderr, "bench_gen_reference: SEED '%s' is not an unsigned integer\n",
                argv[2]);
        return -1;
    }
    *n = (int)nv;
    *seed = (uint64_t)sv;
    return 0;
}

static int write_header(out *in, vg_time t0)
{
    vg_geo origin = {48.853, 2.3499, 100.0};
    vg_event ev;
    vg_event_init(&ev, VG_EV_SITE, t0);
    ev.u.site.origin = origin;
    ev.u.site.alt_ref = VG_ALT_WGS84;
    ev.u.site.geoid_undulation = 44.4;
    if (put_event(in, &ev) < 0)
        return -1;
    vg_event_init(&ev, VG_EV_SENSOR, t0);
    snprintf(ev.u.sensor.id, sizeof ev.u.sensor.id, "ref");
    ev.u.sensor.has_kind = true;
    ev.u.sensor.kind = VG_SENSOR_OTHER;
    ev.u.sensor.has_pos = true;
    ev.u.sensor.pos = origin;
    ev.u.sensor.alt_ref = VG_ALT_WGS84;
    return put_event(in, &ev);
}

static int write_detection(out *in, vg_time t, det d)
{
    vg_event ev;
    vg_event_init(&ev, VG_EV_DETECTION, t);
    snprintf(ev.u.detection.sensor, sizeof ev.u.detection.sensor, "ref");
    ev.u.detection.meas.kind = VG_MEAS_ENU;
    ev.u.detection.meas.u.enu.pos = (vg_vec3){d.x, d.y, 0.0};
    ev.u.detection.meas.u.enu.sigma = sqrt(MEAS_VAR);
    return put_event(in, &ev);
}

static int generate(int n, uint64_t seed, double area, out *in, out *truth)
{
    vg_time t0;
    vg_error err;
    if (vg_time_parse_rfc3339("2024-07-26T17:30:00Z", 20, &t0, &err) < 0) {
        fprintf(stderr, "bench_gen_reference: %s\n", err.msg);
        return -1;
    }
    double side = sqrt(area * n);
    rng r;
    rng_seed(&r, seed);

    target *tg = malloc(sizeof *tg * (size_t)n);
    size_t det_cap = (size_t)n * 4 + 64;
    det *dets = malloc(sizeof *dets * det_cap);
    int rc = -1;
    if (!tg || !dets) {
        fprintf(stderr, "bench_gen_reference: out of memory\n");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        tg[i].x = uniform(&r, 0.0, side);
        tg[i].y = uniform(&r, 0.0, side);
        tg[i].vx = uniform(&r, -1.0, 1.0);
        tg[i].vy = uniform(&r, -1.0, 1.0);
    }
    if (write_header(in, t0) < 0)
        goto done;

    double sigma = sqrt(MEAS_VAR);
    for (int k = 0; k < SCANS; k++) {
        vg_time t = t0 + (vg_time)k * VG_TIME_S;
        if (k > 0)
            for (int i = 0; i < n; i++) {
                tg[i].x += tg[i].vx * DT;
                tg[i].y += tg[i].vy * DT;
                process_noise(&r, &tg[i].x, &tg[i].vx);
                process_noise(&r, &tg[i].y, &tg[i].vy);
            }
        size_t nd = 0;
        for (int i = 0; i < n; i++) {
            if (uniform01(&r) >= PD)
                continue;
            double x = tg[i].x + sigma * normal(&r);
            double y = tg[i].y + sigma * normal(&r);
            dets[nd++] = (det){x, y};
        }
        long clutter = poisson(&r, (double)n);
        if ((size_t)clutter > det_cap - nd) {
            /* Poisson(N) above 3N: possible in principle, never seen; grow. */
            det_cap = nd + (size_t)clutter;
            det *grown = realloc(dets, sizeof *dets * det_cap);
            if (!grown) {
                fprintf(stderr, "bench_gen_reference: out of memory\n");
                goto done;
            }
            dets = grown;
        }
        for (long c = 0; c < clutter; c++) {
            double x = uniform(&r, 0.0, side);
            double y = uniform(&r, 0.0, side);
            dets[nd++] = (det){x, y};
        }
        for (size_t i = nd; i > 1; i--) {
            size_t j = (size_t)(rng_next(&r) % (uint64_t)i);
            det tmp = dets[i - 1];
            dets[i - 1] = dets[j];
            dets[j] = tmp;
        }
        for (size_t i = 0; i < nd; i++)
            if (write_detection(in, t, dets[i]) < 0)
                goto done;
        for (int i = 0; i < n; i++)
            if (put_truth(truth, t, i + 1, tg[i].x, tg[i].y) < 0)
                goto done;
    }
    rc = 0;
done:
    free(tg);
    free(dets);
    return rc;
}

int main(int argc, char **argv)
{
    int n;
    uint64_t seed;
    double area;
    if (parse_args(argc, argv, &n, &seed, &area) < 0)
        return 2;
    const char *dir = argv[3];
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "bench_gen_reference: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    static out in, truth; /* static: each holds a VG_LINE_MAX buffer */
    char in_path[4096], truth_path[4096];
    if (open_out(&in, dir, "input.jsonl", in_path, sizeof in_path) < 0)
        return 1;
    if (open_out(&truth, dir, "truth.jsonl", truth_path, sizeof truth_path) < 0) {
        fclose(in.f);
        return 1;
    }
    int rc = generate(n, seed, area, &in, &truth);
    if (close_out(&in) < 0)
        rc = -1;
    if (close_out(&truth) < 0)
        rc = -1;
    if (rc < 0)
        return 1;
    fprintf(stderr, "bench_gen_reference: %d targets, seed %llu: %ld input lines, %ld truth lines\n",
            n, (unsigned long long)seed, in.lines, truth.lines);
    return 0;
}
