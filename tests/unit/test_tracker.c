/* tests/unit/test_tracker.c — the tracker through the engine, on the scenes that
 * matter to operators: crossing drones, a handover from radar to Remote ID, birds
 * near a drone, a spoofed Remote ID, bearings from two sites. Each scene is built
 * from events with fixed-seed noise, and the assertions are about track identity
 * over time, not just "a track exists". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/engine.h"

#define MAX_OUT 20000

typedef struct capture {
    int n;
    vg_event *ev;
} capture;

static void sink(void *ud, const vg_event *ev)
{
    capture *c = ud;
    if (c->n < MAX_OUT)
        c->ev[c->n++] = *ev;
}

typedef struct scene {
    vg_engine *e;
    capture cap;
    vg_enu_frame site;
    uint64_t seed;
} scene;

static void scene_open(scene *s, const vg_config *override)
{
    vg_config cfg;
    vg_config_defaults(&cfg);
    if (override)
        cfg = *override;
    cfg.site.has_origin = true;
    cfg.site.origin = (vg_geo){48.853, 2.3499, 80};
    cfg.site.geoid_undulation = 44.4;
    memset(s, 0, sizeof *s);
    s->cap.ev = calloc(MAX_OUT, sizeof *s->cap.ev);
    assert_non_null(s->cap.ev);
    vg_error err;
    if (vg_engine_new(&cfg, sink, &s->cap, NULL, &s->e, &err) != 0)
        fail_msg("%s", err.msg);
    vg_enu_frame_init(&s->site, cfg.site.origin);
    s->seed = 2024;
}

static void scene_close(scene *s)
{
    vg_engine_free(s->e);
    free(s->cap.ev);
}

static void push(scene *s, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    vg_event ev;
    vg_error err;
    if (vg_event_parse(line, strlen(line), &ev, &err) != 0)
        fail_msg("test event does not parse: %s\n  %s", err.msg, line);
    if (vg_engine_push(s->e, &ev, &err) != 0)
        fail_msg("rejected: %s\n  %s", err.msg, line);
}

static double gauss(uint64_t *seed)
{
    double u1 = th_uniform(seed, 1e-12, 1.0), u2 = th_uniform(seed, 0.0, 1.0);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * VG_PI * u2);
}

static void declare(scene *s, const char *id, const char *kind, vg_vec3 at)
{
    vg_geo g = vg_enu_to_geo(&s->site, at);
    push(s, "{\"type\":\"sensor\",\"time\":0,\"id\":\"%s\",\"kind\":\"%s\",\"lat\":%.10f,"
            "\"lon\":%.10f,\"alt\":%.3f}", id, kind, g.lat, g.lon, g.alt);
}

/* A radar-like plot in the site frame, with sigma 2 m. */
static void plot(scene *s, double t, vg_vec3 p, const char *extra)
{
    push(s, "{\"type\":\"detection\",\"time\":%.3f,\"sensor\":\"radar\",\"enu\":{\"x\":%.3f,"
            "\"y\":%.3f,\"z\":%.3f,\"sigma\":2}%s}", t, p.x + 2 * gauss(&s->seed),
         p.y + 2 * gauss(&s->seed), p.z + 2 * gauss(&s->seed), extra ? extra : "");
}

static void remote_id(scene *s, double t, vg_vec3 p, const char *serial, double noise)
{
    vg_vec3 q = {p.x + noise * gauss(&s->seed), p.y + noise * gauss(&s->seed), p.z};
    vg_geo g = vg_enu_to_geo(&s->site, q);
    push(s, "{\"type\":\"detection\",\"time\":%.3f,\"sensor\":\"rid\",\"geodetic\":{\"lat\":%.9f,"
            "\"lon\":%.9f,\"alt\":%.2f,\"sigma_h\":3,\"sigma_v\":4},\"identity\":{\"source\":"
            "\"remoteid\",\"id\":\"%s\"}}", t, g.lat, g.lon, g.alt, serial);
}

/* The last track event of track id, or NULL. */
static const vg_track *last_of(const scene *s, uint64_t id)
{
    for (int i = s->cap.n - 1; i >= 0; i--)
        if (s->cap.ev[i].type == VG_EV_TRACK && s->cap.ev[i].u.track.id == id)
            return &s->cap.ev[i].u.track;
    return NULL;
}

/* The track nearest to p among the track events at time t (seconds). */
static const vg_track *nearest_at(const scene *s, double t, vg_vec3 p, double *dist)
{
    const vg_track *best = NULL;
    *dist = 1e300;
    vg_time when = (vg_time)llround(t * 1e6);
    for (int i = 0; i < s->cap.n; i++) {
        const vg_event *ev = &s->cap.ev[i];
        if (ev->type != VG_EV_TRACK || ev->time != when)
            continue;
        vg_vec3 q = vg_enu_from_geo(&s->site, ev->u.track.pos);
        double d = hypot(q.x - p.x, q.y - p.y);
        if (d < *dist) {
            *dist = d;
            best = &ev->u.track;
        }
    }
    return best;
}

static int count_started(const scene *s)
{
    vg_engine_stats st;
    vg_engine_get_stats(s->e, &st);
    return (int)st.tracker.started;
}

static void test_crossing_drones_keep_their_tracks(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    uint64_t id_a = 0, id_b = 0;
    for (int k = 0; k <= 40; k++) {
        double t = 1000 + k;
        /* A flies east, B flies north; they cross at (0, 0) at k = 20. */
        vg_vec3 a = {-200 + 10.0 * k, 0, 60}, b = {0, -200 + 10.0 * k, 60};
        plot(&s, t, a, NULL);
        plot(&s, t, b, NULL);
        vg_engine_flush(s.e);
        if (k == 10 || k == 35) {
            double da, db;
            const vg_track *ta = nearest_at(&s, t, a, &da), *tb = nearest_at(&s, t, b, &db);
            assert_non_null(ta);
            assert_non_null(tb);
            assert_true(da < 8 && db < 8);
            if (k == 10) {
                id_a = ta->id;
                id_b = tb->id;
                assert_true(id_a != id_b);
                assert_int_equal(ta->status, VG_TRACK_CONFIRMED);
            } else {
                /* No swap at the crossing. */
                assert_true(ta->id == id_a);
                assert_true(tb->id == id_b);
            }
        }
    }
    assert_int_equal(count_started(&s), 2);
    scene_close(&s);
}

static void test_radar_track_takes_the_remote_id_identity_at_handover(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    declare(&s, "rid", "remoteid", (vg_vec3){500, 0, 2});
    for (int k = 0; k <= 40; k++) {
        double t = 1000 + k;
        vg_vec3 p = {-300 + 12.0 * k, 50, 80};
        if (k < 20)
            plot(&s, t, p, NULL); /* radar coverage */
        else
            remote_id(&s, t, p, "1596F3A8B2C4D5E6F7A8", 2.0); /* Remote ID coverage */
    }
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 1); /* one object, one track */
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_int_equal(t->identity.source, VG_IDSRC_REMOTEID);
    assert_string_equal(t->identity.id, "1596F3A8B2C4D5E6F7A8");
    assert_true(t->class_p[VG_CLASS_DRONE] > 0.9);
    assert_int_equal(t->updates, 41);
    scene_close(&s);
}

static void test_birds_near_a_drone_leave_its_track_and_class_alone(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    declare(&s, "rid", "remoteid", (vg_vec3){0, 100, 2});
    for (int k = 0; k <= 30; k++) {
        double t = 1000 + k;
        vg_vec3 drone = {-150 + 10.0 * k, 0, 60};
        remote_id(&s, t + 0.5, drone, "SN-DRONE", 2.0);
        plot(&s, t, drone, ",\"class_hint\":{\"drone\":0.5,\"bird\":0.3}");
        for (int b = 0; b < 5; b++) {
            /* a flock 40-80 m to the side, drifting and circling */
            double ang = 0.3 * k + b;
            vg_vec3 bird = {drone.x + 10 * cos(ang) + 8.0 * b, 40 + 15.0 * b + 10 * sin(ang), 30};
            plot(&s, t, bird, ",\"class_hint\":{\"drone\":0.1,\"bird\":0.8}");
        }
    }
    vg_engine_flush(s.e);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_string_equal(t->identity.id, "SN-DRONE");
    assert_true(t->class_p[VG_CLASS_DRONE] > 0.9);
    assert_true(t->updates >= 55); /* 31 Remote ID + most of 31 radar plots */
    vg_vec3 q = vg_enu_from_geo(&s.site, t->pos);
    assert_true(hypot(q.x - 150, q.y) < 10);
    /* The flock is tracked as birds, apart from the drone. */
    int birds = 0;
    for (uint64_t id = 2; id < 20; id++) {
        const vg_track *b = last_of(&s, id);
        if (b && b->status != VG_TRACK_TENTATIVE && b->class_p[VG_CLASS_BIRD] > 0.5)
            birds++;
    }
    assert_true(birds >= 3);
    scene_close(&s);
}

static void test_spoofed_remote_id_position_is_flagged(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "rid", "remoteid", (vg_vec3){0, 0, 2});
    for (int k = 0; k <= 20; k++) {
        double t = 1000 + k;
        remote_id(&s, t, (vg_vec3){10.0 * k, 0, 60}, "SN-REAL", 2.0);
        if (k >= 10) /* a second transmitter claims the same identity 2 km away */
            remote_id(&s, t + 0.2, (vg_vec3){2000, 1000, 60}, "SN-REAL", 2.0);
    }
    vg_engine_flush(s.e);
    const vg_track *real = last_of(&s, 1);
    assert_non_null(real);
    assert_int_equal(real->integrity, 0);
    assert_int_equal(real->updates, 21);
    vg_vec3 q = vg_enu_from_geo(&s.site, real->pos);
    assert_true(hypot(q.x - 200, q.y) < 10);
    const vg_track *fake = last_of(&s, 2);
    assert_non_null(fake);
    assert_true(fake->integrity & VG_INTEG_IDENTITY_OUTSIDE_GATE);
    assert_string_equal(fake->identity.id, "SN-REAL");
    scene_close(&s);
}

/* A bearing of the RF link "sig" from sensor id at rf to p, with 1° of noise. */
static void rf_bearing(scene *s, double t, const char *id, vg_vec3 rf, vg_vec3 p, const char *sig)
{
    vg_enu_frame f;
    vg_enu_frame_init(&f, vg_enu_to_geo(&s->site, rf));
    double r, az, el;
    vg_enu_to_polar(vg_enu_from_geo(&f, vg_enu_to_geo(&s->site, p)), &r, &az, &el);
    az = fmod(az + gauss(&s->seed) + 360.0, 360.0);
    push(s, "{\"type\":\"detection\",\"time\":%.3f,\"sensor\":\"%s\",\"bearing\":{\"az\":"
            "%.4f,\"sigma_az\":1},\"identity\":{\"source\":\"rf\",\"id\":\"%s\"}}",
         t, id, az, sig);
}

/* Two drones, each heard by one direction finder first: their bearings cross where
 * there is no drone. Only bearings of the same link triangulate, so no ghost starts;
 * the second site's bearing of the first link then places that drone. */
static void test_bearings_of_different_links_make_no_ghost(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    vg_vec3 a = {-600, 0, 5}, b = {600, 0, 5}, d1 = {-200, 900, 60}, d2 = {300, 700, 60};
    declare(&s, "dfa", "rf", a);
    declare(&s, "dfb", "rf", b);
    rf_bearing(&s, 1000.0, "dfa", a, d1, "sig-ONE");
    rf_bearing(&s, 1000.2, "dfb", b, d2, "sig-TWO");
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 0);
    rf_bearing(&s, 1000.5, "dfb", b, d1, "sig-ONE");
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 1);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    vg_vec3 q = vg_enu_from_geo(&s.site, t->pos);
    if (hypot(q.x - d1.x, q.y - d1.y) > 60)
        fail_msg("triangulated at (%g, %g), drone one at (%g, %g)", q.x, q.y, d1.x, d1.y);
    assert_string_equal(t->identity.id, "sig-ONE");
    scene_close(&s);
}

/* A Remote ID drone flies out of its receivers' range and its radar's and turns; one
 * direction finder keeps hearing its link, and its bearings keep the track on their
 * line while its range uncertainty grows; a second radar then finds the drone, and
 * its plots join the same track: one object, one track, one identity, no restart. */
static void test_drone_bridged_by_its_link_stays_one_track(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    vg_vec3 df = {0, -1000, 5};
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    declare(&s, "rid", "remoteid", (vg_vec3){0, 100, 2});
    declare(&s, "df", "rf", df);
    for (int k = 0; k <= 40; k++) {
        double t = 1000 + k;
        /* flies east, then turns north at k = 10 */
        vg_vec3 d = k < 10 ? (vg_vec3){-200 + 12.0 * k, 300, 60}
                           : (vg_vec3){-80, 300 + 12.0 * (k - 10), 60};
        if (k < 8) {
            remote_id(&s, t + 0.5, d, "SN-BRIDGED", 2.0);
            plot(&s, t, d, NULL);
        }
        if (k >= 18) /* a second radar (same sensor name: a plot is a plot) */
            plot(&s, t + 0.1, d, NULL);
        rf_bearing(&s, t + 0.3, "df", df, d, "sig-BRIDGED");
    }
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 1);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_int_equal(t->identity.source, VG_IDSRC_REMOTEID);
    assert_string_equal(t->identity.id, "SN-BRIDGED");
    assert_int_equal(t->updates, 8 + 8 + 23 + 41); /* RID, radar, second radar, bearings */
    vg_vec3 q = vg_enu_from_geo(&s.site, t->pos);
    assert_true(hypot(q.x + 80, q.y - 660) < 10);
    scene_close(&s);
}

/* A Remote ID drone whose control link a direction finder hears, with a flock of
 * birds and radar clutter on the bearing line: the link stays with the drone's
 * track (which keeps its Remote ID identity), no other track gets the link or
 * becomes a drone. */
static void test_rf_link_stays_with_its_drone_not_what_lies_on_its_line(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    vg_vec3 df = {0, -1000, 5};
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    declare(&s, "rid", "remoteid", (vg_vec3){0, 100, 2});
    declare(&s, "df", "rf", df);
    for (int k = 0; k <= 40; k++) {
        double t = 1000 + k;
        vg_vec3 drone = {-100 + 5.0 * k, 300, 60};
        remote_id(&s, t + 0.5, drone, "SN-LINKED", 2.0);
        plot(&s, t, drone, ",\"class_hint\":{\"drone\":0.5,\"bird\":0.3}");
        /* birds 150-250 m beyond the drone along the bearing line, and a fresh
         * clutter plot on the line every second */
        for (int b = 0; b < 3; b++) {
            vg_vec3 bird = {drone.x * (1.15 + 0.05 * b) + 3 * sin(0.4 * k + b),
                            df.y + (drone.y - df.y) * (1.15 + 0.05 * b), 40};
            plot(&s, t, bird, ",\"class_hint\":{\"drone\":0.1,\"bird\":0.8}");
        }
        plot(&s, t, (vg_vec3){drone.x * 0.6, df.y + (drone.y - df.y) * 0.6, 60}, NULL);
        rf_bearing(&s, t + 0.7, "df", df, drone, "sig-LINK");
    }
    vg_engine_flush(s.e);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_int_equal(t->identity.source, VG_IDSRC_REMOTEID);
    assert_string_equal(t->identity.id, "SN-LINKED");
    assert_true(t->updates >= 100); /* Remote ID, most radar plots and bearings */
    int rf_tracks = 0, drones = 0;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type != VG_EV_TRACK || ev->u.track.id == 1)
            continue;
        rf_tracks += ev->u.track.identity.source == VG_IDSRC_RF;
        drones += ev->u.track.status != VG_TRACK_TENTATIVE &&
                  ev->u.track.class_p[VG_CLASS_DRONE] >= 0.5;
    }
    assert_int_equal(rf_tracks, 0);
    assert_int_equal(drones, 0);
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    assert_true(st.tracker.identity_bound >= 70); /* the Remote ID and the link's bearings */
    scene_close(&s);
}

/* A drone that stops dead at a waypoint (19 m/s to a hover in a second): its own
 * Remote ID position falls outside the gate of a track that expected it 19 m on,
 * but within reach — a manoeuvre, not a spoof: one track, no flag. */
static void test_remote_id_drone_stopping_dead_is_not_a_spoof(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "rid", "remoteid", (vg_vec3){0, 0, 2});
    for (int k = 0; k <= 30; k++) {
        double t = 1000 + k;
        double x = k <= 15 ? 19.0 * k : 19.0 * 15;
        remote_id(&s, t, (vg_vec3){x, 0, 60}, "SN-HOVER", 0.5);
    }
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 1);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_int_equal(t->integrity, 0);
    assert_int_equal(t->updates, 31);
    scene_close(&s);
}

/* With the CV model, a Remote ID drone heard again after a silence longer than
 * coast_after_s, where its track predicts it: its identity binds through the gate
 * and the track is updated — its velocity kept — not restarted at the new position
 * as a re-acquisition would (the identity gate once read an IMM-only field). */
static void test_cv_remote_id_track_resumes_after_a_silence(void **state)
{
    (void)state;
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.tracker.model = VG_TRACK_MODEL_CV;
    scene s;
    scene_open(&s, &cfg);
    declare(&s, "rid", "remoteid", (vg_vec3){0, 0, 2});
    for (int k = 0; k <= 20; k++)
        remote_id(&s, 1000 + k, (vg_vec3){10.0 * k, 0, 60}, "SN-QUIET", 0.3);
    /* Five seconds of silence (coast_after_s is 3), then on its line again. */
    remote_id(&s, 1025, (vg_vec3){250.0, 0, 60}, "SN-QUIET", 0.3);
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 1);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_int_equal(t->updates, 22);
    assert_int_equal(t->integrity, 0);
    assert_true(t->velocity.x > 8.0 && t->velocity.x < 12.0);
    scene_close(&s);
}

static void test_bearings_from_two_sites_start_a_track(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    vg_vec3 rf1 = {-500, 0, 5}, rf2 = {500, 0, 5}, drone = {100, 800, 60};
    declare(&s, "rf1", "rf", rf1);
    declare(&s, "rf2", "rf", rf2);
    vg_enu_frame f1, f2;
    vg_enu_frame_init(&f1, vg_enu_to_geo(&s.site, rf1));
    vg_enu_frame_init(&f2, vg_enu_to_geo(&s.site, rf2));
    double r, az1, az2, el;
    vg_enu_to_polar(vg_enu_from_geo(&f1, vg_enu_to_geo(&s.site, drone)), &r, &az1, &el);
    vg_enu_to_polar(vg_enu_from_geo(&f2, vg_enu_to_geo(&s.site, drone)), &r, &az2, &el);
    push(&s, "{\"type\":\"detection\",\"time\":1000,\"sensor\":\"rf1\",\"bearing\":{\"az\":%.4f,"
             "\"sigma_az\":1},\"identity\":{\"source\":\"rf\",\"id\":\"ocusync\"}}", az1);
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 0);
    push(&s, "{\"type\":\"detection\",\"time\":1000.5,\"sensor\":\"rf2\",\"bearing\":{\"az\":%.4f,"
             "\"sigma_az\":1},\"identity\":{\"source\":\"rf\",\"id\":\"ocusync\"}}", az2);
    vg_engine_flush(s.e);
    assert_int_equal(count_started(&s), 1);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    vg_vec3 q = vg_enu_from_geo(&s.site, t->pos);
    if (hypot(q.x - drone.x, q.y - drone.y) > 5)
        fail_msg("triangulated at (%g, %g), drone at (%g, %g)", q.x, q.y, drone.x, drone.y);
    assert_true(t->class_p[VG_CLASS_DRONE] > t->class_p[VG_CLASS_BIRD]);
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    assert_true(st.tracker.triangulated == 1);
    scene_close(&s);
}

/* A radar that measures range rate: the track's velocity along the line of sight
 * is right from the second plot on, where positions alone would need several. */
static void test_radar_range_rate_feeds_the_velocity(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    for (int k = 0; k < 2; k++) {
        double range = 1000 + 20.0 * k; /* due north, moving away at 20 m/s */
        push(&s, "{\"type\":\"detection\",\"time\":%d,\"sensor\":\"radar\",\"polar\":"
                 "{\"range\":%.3f,\"az\":0,\"el\":3,\"sigma_range\":5,\"sigma_az\":0.3,"
                 "\"sigma_el\":0.3,\"range_rate\":20,\"sigma_range_rate\":0.3}}",
             1000 + k, range);
    }
    vg_engine_flush(s.e);
    const vg_track *t = last_of(&s, 1);
    assert_non_null(t);
    assert_int_equal(t->updates, 2);
    if (fabs(t->velocity.y - 20) > 1.5)
        fail_msg("vn %g, expected about 20", t->velocity.y);
    scene_close(&s);
}

/* End to end through tracker and threat rules: a drone seen first by radar, then by
 * its Remote ID, inside a prohibited zone, raises one zone_entry alert — not one per
 * sensor — and the alert carries the identity once it is known. */
static void test_radar_to_remote_id_handover_yields_one_alert(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    /* A 2 km prohibited circle around the site origin, 0–500 m above ground. */
    const char *zones =
        "{\"features\":[{\"identifier\":\"NFZ\",\"country\":\"FRA\",\"name\":\"test\","
        "\"type\":\"COMMON\",\"restriction\":\"PROHIBITED\",\"applicability\":"
        "{\"permanent\":\"YES\"},\"geometry\":[{\"uomDimensions\":\"M\",\"lowerLimit\":0,"
        "\"lowerVerticalReference\":\"AGL\",\"upperLimit\":500,\"upperVerticalReference\":"
        "\"AGL\",\"horizontalProjection\":{\"type\":\"Circle\",\"center\":[2.3499,48.853],"
        "\"radius\":2000}}]}]}";
    vg_error err;
    if (vg_engine_load_zones(s.e, zones, strlen(zones), "test", &err) != 1)
        fail_msg("zones: %s", err.msg);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    declare(&s, "rid", "remoteid", (vg_vec3){500, 0, 2});
    for (int k = 0; k <= 40; k++) {
        vg_vec3 p = {-300 + 12.0 * k, 50, 80};
        if (k < 20)
            plot(&s, 1000 + k, p, ",\"class_hint\":{\"drone\":0.8}");
        else
            remote_id(&s, 1000 + k, p, "SN-HANDOVER", 2.0);
    }
    vg_engine_flush(s.e);
    uint64_t ids[8];
    int n_ids = 0;
    bool identified = false;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type != VG_EV_ALERT || strcmp(ev->u.alert.rule, "zone_entry") != 0)
            continue;
        bool seen = false;
        for (int j = 0; j < n_ids; j++)
            seen |= ids[j] == ev->u.alert.id;
        if (!seen && n_ids < 8)
            ids[n_ids++] = ev->u.alert.id;
        identified |= strstr(ev->u.alert.message, "SN-HANDOVER") != NULL;
        assert_string_equal(ev->u.alert.zone, "NFZ");
    }
    assert_int_equal(n_ids, 1);
    assert_true(identified);
    assert_int_equal(count_started(&s), 1);
    scene_close(&s);
}

static void test_tentative_tracks_are_dropped_and_confirmed_ones_coast(void **state)
{
    (void)state;
    scene s;
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.tracker.coast_after_s = 2;
    cfg.tracker.delete_after_s = 5;
    scene_open(&s, &cfg);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    for (int k = 0; k < 5; k++)
        plot(&s, 1000 + k, (vg_vec3){10.0 * k, 0, 50}, NULL);
    plot(&s, 1000, (vg_vec3){3000, 3000, 50}, NULL); /* one lone clutter plot */
    for (int k = 5; k < 12; k++)
        push(&s, "{\"type\":\"tick\",\"time\":%d}", 1000 + k);
    bool coasted = false, dropped = false;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type == VG_EV_TRACK && ev->u.track.id == 1 &&
            ev->u.track.status == VG_TRACK_COASTING)
            coasted = true;
        if (ev->type == VG_EV_TRACK_DROP && ev->u.track_drop.id == 1) {
            assert_true(coasted); /* coasting comes first */
            dropped = true;
        }
    }
    assert_true(coasted && dropped);
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    assert_true(st.tracker.live == 0);
    scene_close(&s);
}

/* A tentative track hit on the last scan of its confirmation window without
 * enough hits is dropped there — and is gone: no track event after its drop, no
 * place in the spatial grid for a later plot to find (its slot goes to the next
 * new track, whose state such a plot would overwrite). Plots 1 s apart; the
 * second is 60 m off (outside the gate, inside the search radius: an opportunity
 * without a hit) and starts a track of its own. */
static void test_a_track_dropped_while_hit_is_gone(void **state)
{
    (void)state;
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.tracker.confirm_hits = 3;
    cfg.tracker.confirm_window = 3;
    scene s;
    scene_open(&s, &cfg);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    const vg_vec3 x = {100, 100, 50};
    plot(&s, 1000, x, NULL);
    plot(&s, 1001, (vg_vec3){x.x + 60, x.y, x.z}, NULL);
    plot(&s, 1002, x, NULL);                        /* hit, and dropped: 2 hits of 3 */
    for (int k = 3; k < 8; k++) {
        plot(&s, 1000 + k, x, NULL);                /* a new track, near the old one */
        plot(&s, 1000 + k + 0.5, (vg_vec3){x.x - 900, x.y, x.z}, NULL); /* elsewhere */
    }
    vg_engine_flush(s.e);
    int drops = 0;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type != VG_EV_TRACK_DROP)
            continue;
        drops++;
        for (int j = i + 1; j < s.cap.n; j++)
            if (s.cap.ev[j].type == VG_EV_TRACK)
                assert_true(s.cap.ev[j].u.track.id != ev->u.track_drop.id);
    }
    assert_true(drops >= 1);
    /* The first track's last output is its birth; the plot that hit it at 1002
     * comes out as its drop. */
    const vg_track *first = last_of(&s, 1);
    assert_non_null(first);
    assert_int_equal(first->updates, 1);
    bool first_dropped = false;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type == VG_EV_TRACK_DROP && ev->u.track_drop.id == 1) {
            assert_int_equal(ev->time, (vg_time)1002 * VG_TIME_S);
            assert_string_equal(ev->u.track_drop.reason, "unconfirmed");
            first_dropped = true;
        }
    }
    assert_true(first_dropped);
    /* The plots at x from 1003 on make one track, and it moves as they say. */
    double d;
    const vg_track *now = nearest_at(&s, 1007, x, &d);
    assert_non_null(now);
    assert_true(d < 10.0);
    assert_true(now->updates >= 4);
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    assert_int_equal(st.tracker.deleted, drops);
    scene_close(&s);
}

/* Many objects at once: 1 500 of them, 200 m apart, appear in one scan. The
 * tracker's spatial table starts small and must grow in the middle of that scan
 * (and its tentative candidates, set aside for the second association pass, must
 * all come back): every later plot updates its own object's track, none starts
 * another, and all 1 500 are confirmed. */
static void test_a_crowd_of_objects_grows_the_grid_and_keeps_one_track_each(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 0});
    enum { SIDE = 30, COUNT = SIDE * 50 };
    for (int scan = 0; scan < 4; scan++)
        for (int k = 0; k < COUNT; k++) {
            double x = (k % SIDE) * 200.0 - 3000.0 + scan * 3.0;
            double y = (k / SIDE) * 200.0 - 5000.0 - scan * 2.0;
            push(&s, "{\"type\":\"detection\",\"time\":%d,\"sensor\":\"radar\",\"enu\":"
                     "{\"x\":%.3f,\"y\":%.3f,\"z\":50,\"sigma\":2}}", scan + 1, x, y);
        }
    vg_engine_flush(s.e);
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    assert_int_equal(st.tracker.started, COUNT);
    assert_int_equal(st.tracker.assigned, 3 * COUNT);
    assert_int_equal(st.tracker.live, COUNT);
    assert_int_equal(st.tracker.confirmed, COUNT);
    assert_int_equal(st.tracker.full, 0);
    scene_close(&s);
}

/* Hundreds of Remote ID drones: the identity table grows from its first few slots
 * as they come (and its tombstones are swept when they go), and every later
 * detection still finds its drone's track by identity. */
static void test_many_identities_grow_the_identity_table(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    declare(&s, "rid", "remoteid", (vg_vec3){0, 0, 2});
    enum { DRONES = 600, SIDE = 25 };
    char serial[32];
    for (int wave = 0; wave < 2; wave++) {
        double t0 = 1000 + wave * 100; /* the first wave is long gone (10 s) by the second */
        for (int scan = 0; scan < 3; scan++)
            for (int k = 0; k < DRONES; k++) {
                snprintf(serial, sizeof serial, "SN-%d-%04d", wave, k);
                vg_vec3 p = {(k % SIDE) * 200.0 - 2500.0 + scan * 5.0,
                             (k / SIDE) * 200.0 - 2500.0 + wave * 50.0, 60};
                remote_id(&s, t0 + scan, p, serial, 0.5);
            }
    }
    vg_engine_flush(s.e);
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    assert_int_equal(st.tracker.started, 2 * DRONES);
    assert_int_equal(st.tracker.identity_bound, 2 * 2 * DRONES);
    assert_int_equal(st.tracker.spoof_flags, 0);
    assert_int_equal(st.tracker.live, DRONES);
    /* Every track of the second wave carries its own serial. */
    int named = 0;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type == VG_EV_TRACK && ev->time == (vg_time)1102 * VG_TIME_S &&
            strncmp(ev->u.track.identity.id, "SN-1-", 5) == 0)
            named++;
    }
    assert_int_equal(named, DRONES);
    scene_close(&s);
}

/* Forty radars, each drone seen by a different one every second: every track event
 * names the sensor of the plot that made it (the tracker keeps each name once, in a
 * table that grows several times here). */
static void test_each_track_event_names_its_sensor(void **state)
{
    (void)state;
    scene s;
    scene_open(&s, NULL);
    enum { SENSORS = 40, DRONES = 40, SECONDS = 6 };
    char id[32];
    for (int k = 0; k < SENSORS; k++) {
        snprintf(id, sizeof id, "radar-%02d", k);
        declare(&s, id, "radar", (vg_vec3){k * 500.0, -300, 5});
    }
    for (int t = 1; t <= SECONDS; t++)
        for (int k = 0; k < DRONES; k++)
            push(&s, "{\"type\":\"detection\",\"time\":%d,\"sensor\":\"radar-%02d\",\"enu\":"
                     "{\"x\":%.3f,\"y\":0,\"z\":50,\"sigma\":2}}",
                 t, (k + t) % SENSORS, k * 500.0 + 0.3 * gauss(&s.seed));
    vg_engine_flush(s.e);
    int checked = 0;
    for (int i = 0; i < s.cap.n; i++) {
        const vg_event *ev = &s.cap.ev[i];
        if (ev->type != VG_EV_TRACK)
            continue;
        vg_vec3 q = vg_enu_from_geo(&s.site, ev->u.track.pos);
        int k = (int)lround(q.x / 500.0);
        int t = (int)(ev->time / VG_TIME_S);
        assert_true(k >= 0 && k < DRONES && fabs(q.x - k * 500.0) < 10.0);
        snprintf(id, sizeof id, "radar-%02d", (k + t) % SENSORS);
        assert_string_equal(ev->u.track.sensor, id);
        checked++;
    }
    assert_int_equal(checked, DRONES * SECONDS);
    assert_int_equal(count_started(&s), DRONES);
    scene_close(&s);
}

/* Ten minutes of radar clutter over a 40-m spot (a plot a second: the river's
 * surface), a drone flying through it at 10 m/s on a track it had before, and a
 * Remote ID drone appearing in it. Returns the confirmed-track count. */
static uint64_t clutter_scene(double clutter_map_rate, uint64_t *suppressed, bool *drone_kept,
                              bool *rid_started)
{
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.tracker.clutter_map_rate = clutter_map_rate;
    scene s;
    scene_open(&s, &cfg);
    declare(&s, "radar", "radar", (vg_vec3){0, 0, 10});
    declare(&s, "rid", "remoteid", (vg_vec3){0, 100, 2});
    const vg_vec3 spot = {520, 480, 0};
    uint64_t seed = 7;
    uint64_t before = 0, after = 0;
    for (int k = 0; k < 600; k++) {
        double t = 1000 + k;
        double r = 40 * sqrt(th_uniform(&seed, 0, 1)), a = th_uniform(&seed, 0, 2 * VG_PI);
        plot(&s, t, (vg_vec3){spot.x + r * cos(a), spot.y + r * sin(a), 0}, NULL);
        if (k >= 300 && k <= 400) {
            vg_vec3 drone = {10.0 * (k - 300), 480, 40};
            plot(&s, t + 0.5, drone, ",\"class_hint\":{\"drone\":0.55,\"bird\":0.3}");
        }
        if (k == 500)
            remote_id(&s, t + 0.25, (vg_vec3){spot.x, spot.y, 30}, "SN-IN-CLUTTER", 1.0);
    }
    vg_engine_flush(s.e);
    double d1, d2;
    const vg_track *a1 = nearest_at(&s, 1320.5, (vg_vec3){200, 480, 40}, &d1);
    const vg_track *a2 = nearest_at(&s, 1390.5, (vg_vec3){900, 480, 40}, &d2);
    before = a1 ? a1->id : 0;
    after = a2 ? a2->id : 0;
    *drone_kept = a1 && a2 && d1 < 10 && d2 < 10 && before == after;
    *rid_started = false;
    for (int i = 0; i < s.cap.n; i++)
        if (s.cap.ev[i].type == VG_EV_TRACK &&
            strcmp(s.cap.ev[i].u.track.identity.id, "SN-IN-CLUTTER") == 0)
            *rid_started = true;
    vg_engine_stats st;
    vg_engine_get_stats(s.e, &st);
    *suppressed = st.tracker.clutter_suppressed;
    scene_close(&s);
    return st.tracker.confirmed;
}

static void test_clutter_map_stops_tracks_born_of_clutter_not_drones(void **state)
{
    (void)state;
    uint64_t supp_off, supp_on;
    bool kept_off, kept_on, rid_off, rid_on;
    uint64_t off = clutter_scene(0, &supp_off, &kept_off, &rid_off);
    uint64_t on = clutter_scene(0.05, &supp_on, &kept_on, &rid_on);
    /* Without the map, the spot strings plots into confirmed "objects". */
    assert_int_equal(supp_off, 0);
    assert_true(off >= 10);
    /* With it, once the spot's cells pass 0.05 plots/s (a few dozen seconds) most
     * clutter plots start nothing (the others join tentative tracks, which are not
     * confirmed there), and few tracks are confirmed. */
    print_message("clutter map off: %llu confirmed; on: %llu confirmed, %llu plots suppressed\n",
                  (unsigned long long)off, (unsigned long long)on, (unsigned long long)supp_on);
    assert_true(supp_on >= 300);
    assert_true(on * 4 <= off);
    /* The drone keeps its track across the spot, and a Remote ID drone there still
     * starts one, with or without the map. */
    assert_true(kept_off && kept_on);
    assert_true(rid_off && rid_on);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossing_drones_keep_their_tracks),
        cmocka_unit_test(test_a_crowd_of_objects_grows_the_grid_and_keeps_one_track_each),
        cmocka_unit_test(test_many_identities_grow_the_identity_table),
        cmocka_unit_test(test_clutter_map_stops_tracks_born_of_clutter_not_drones),
        cmocka_unit_test(test_radar_track_takes_the_remote_id_identity_at_handover),
        cmocka_unit_test(test_birds_near_a_drone_leave_its_track_and_class_alone),
        cmocka_unit_test(test_spoofed_remote_id_position_is_flagged),
        cmocka_unit_test(test_bearings_from_two_sites_start_a_track),
        cmocka_unit_test(test_rf_link_stays_with_its_drone_not_what_lies_on_its_line),
        cmocka_unit_test(test_bearings_of_different_links_make_no_ghost),
        cmocka_unit_test(test_drone_bridged_by_its_link_stays_one_track),
        cmocka_unit_test(test_remote_id_drone_stopping_dead_is_not_a_spoof),
        cmocka_unit_test(test_cv_remote_id_track_resumes_after_a_silence),
        cmocka_unit_test(test_radar_range_rate_feeds_the_velocity),
        cmocka_unit_test(test_radar_to_remote_id_handover_yields_one_alert),
        cmocka_unit_test(test_tentative_tracks_are_dropped_and_confirmed_ones_coast),
        cmocka_unit_test(test_a_track_dropped_while_hit_is_gone),
        cmocka_unit_test(test_each_track_event_names_its_sensor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
