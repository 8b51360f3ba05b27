/* test_tracker_order.c — two of the tracker's internal choices, made for speed,
 * that must change no output.
 *
 * The first association pass queries the grid in the order of the detections'
 * cells (for the cache) and gates in detection order: its outputs must be exactly
 * those of queries in detection order. Two trackers take the same dense scans — a
 * crowd of moving objects in random order, clutter, Remote ID drones — one sorting
 * its scans, the other made to query in detection order (a private knob, hence the
 * internal header).
 *
 * A CV track whose axes are decoupled is kept in a compact form (vg_kf_axes) until a
 * measurement couples them (a radar plot, a bearing, a position with a full R):
 * two trackers, one allowed that form and one not, take a scene that mixes all of
 * these. Every output is compared field by field, numbers by their bits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include "track/tracker_int.h"
#include "vigie/track.h"

enum { OBJECTS = 900, CLUTTER = 500, RID = 6, SCANS = 12, MAX_EVENTS = 200000 };

typedef struct capture {
    int n;
    vg_event *ev;
} capture;

static void sink(void *ud, const vg_event *ev)
{
    capture *c = ud;
    if (c->n < MAX_EVENTS)
        c->ev[c->n++] = *ev;
}

static void position(vg_track_input *in, double x, double y, double z, double sigma)
{
    memset(in, 0, sizeof *in);
    in->mm.kind = VG_MM_POSITION;
    in->mm.dim = 3;
    in->mm.z[0] = x;
    in->mm.z[1] = y;
    in->mm.z[2] = z;
    for (int a = 0; a < 3; a++)
        in->mm.R[a * 3 + a] = sigma * sigma;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_same_event(const vg_event *a, const vg_event *b, int k)
{
    if (a->type != b->type || a->time != b->time)
        fail_msg("event %d: type or time differ", k);
    if (a->type == VG_EV_TRACK_DROP) {
        assert_int_equal(a->u.track_drop.id, b->u.track_drop.id);
        assert_string_equal(a->u.track_drop.reason, b->u.track_drop.reason);
        return;
    }
    const vg_track *x = &a->u.track, *y = &b->u.track;
    if (x->id != y->id || x->status != y->status || x->updates != y->updates ||
        x->integrity != y->integrity || x->born != y->born ||
        !same_bits(x->pos.lat, y->pos.lat) || !same_bits(x->pos.lon, y->pos.lon) ||
        !same_bits(x->pos.alt, y->pos.alt) || !same_bits(x->velocity.x, y->velocity.x) ||
        !same_bits(x->velocity.y, y->velocity.y) || !same_bits(x->sigma_h, y->sigma_h) ||
        !same_bits(x->sigma_v, y->sigma_v) || x->identity.source != y->identity.source ||
        strcmp(x->identity.id, y->identity.id) != 0)
        fail_msg("event %d (track %llu at %lld): differs", k, (unsigned long long)x->id,
                 (long long)a->time);
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        if (!same_bits(x->class_p[c], y->class_p[c]))
            fail_msg("event %d: class probabilities differ", k);
}

static void test_space_ordered_queries_change_no_output(void **cm_state)
{
    (void)cm_state;
    vg_tracker_config cfg;
    vg_tracker_config_defaults(&cfg);
    cfg.model = VG_TRACK_MODEL_CV;
    cfg.process_noise = 0.05;
    cfg.gate = 3;
    cfg.confirm_hits = 2;
    cfg.confirm_window = 3;
    cfg.delete_pos_var = 6;
    cfg.init_vel_var = 1;
    cfg.grid_cell_m = 10;
    cfg.search_radius_m = 10;
    cfg.clutter_map_rate = 0;
    cfg.max_tracks = 20000;
    cfg.max_scan = 4000;
    vg_enu_frame site;
    vg_enu_frame_init(&site, (vg_geo){48.853, 2.3499, 100});
    vg_error err;
    vg_tracker *sorted, *plain;
    assert_int_equal(vg_tracker_new(&cfg, &site, &sorted, &err), 0);
    assert_int_equal(vg_tracker_new(&cfg, &site, &plain, &err), 0);
    sorted->space_order_tracks = 0; /* the scene has fewer tracks than the default */
    plain->space_order_min = INT32_MAX;

    capture a = {0, calloc(MAX_EVENTS, sizeof(vg_event))};
    capture b = {0, calloc(MAX_EVENTS, sizeof(vg_event))};
    vg_track_input *in = calloc(OBJECTS + CLUTTER + RID + 2, sizeof *in);
    assert_non_null(a.ev);
    assert_non_null(b.ev);
    assert_non_null(in);

    /* Objects on a jittered lattice 20 m apart, each with its own velocity. */
    const double L = 600.0;
    double px[OBJECTS], py[OBJECTS], vx[OBJECTS], vy[OBJECTS];
    uint64_t seed = 11;
    for (int o = 0; o < OBJECTS; o++) {
        px[o] = (o % 30) * 20.0 + th_uniform(&seed, -5, 5);
        py[o] = (o / 30) * 20.0 + th_uniform(&seed, -5, 5);
        vx[o] = th_uniform(&seed, -1, 1);
        vy[o] = th_uniform(&seed, -1, 1);
    }
    int idx[OBJECTS];
    for (int o = 0; o < OBJECTS; o++)
        idx[o] = o;
    for (int s = 0; s < SCANS; s++) {
        vg_time time = (vg_time)(s + 1) * VG_TIME_S;
        /* A new random order of the objects each scan (Fisher–Yates). */
        for (int o = OBJECTS - 1; o > 0; o--) {
            int j = (int)th_uniform(&seed, 0, o + 1);
            j = j > o ? o : j;
            int tmp = idx[o];
            idx[o] = idx[j];
            idx[j] = tmp;
        }
        int n = 0;
        for (int k = 0; k < OBJECTS; k++) {
            int o = idx[k];
            if (th_uniform(&seed, 0, 1) < 0.1)
                continue; /* missed */
            double x = px[o] + vx[o] * s, y = py[o] + vy[o] * s;
            position(&in[n++], x + th_uniform(&seed, -0.5, 0.5), y + th_uniform(&seed, -0.5, 0.5),
                     0, 0.5);
        }
        for (int c = 0; c < CLUTTER; c++)
            position(&in[n++], th_uniform(&seed, 0, L), th_uniform(&seed, 0, L), 0, 0.5);
        for (int r = 0; r < RID; r++) {
            vg_track_input *d = &in[n++];
            position(d, 100.0 + 80.0 * r + 2.0 * s, 300.0 - 3.0 * s, 40, 3);
            d->identity.source = VG_IDSRC_REMOTEID;
            snprintf(d->identity.id, sizeof d->identity.id, "SN-%d", r);
        }
        if (s == 5) {
            /* Two detections a million kilometres apart: a bounding rectangle of more
             * cells than a sort key holds, so this scan stays in detection order. */
            position(&in[n++], -1e9, 0, 0, 0.5);
            position(&in[n++], 1e9, 1e9, 0, 0.5);
        }
        assert_true(n >= VG_SPACE_ORDER_MIN);
        assert_int_equal(vg_tracker_scan(sorted, time, "radar", in, n, sink, &a, &err), 0);
        assert_int_equal(vg_tracker_scan(plain, time, "radar", in, n, sink, &b, &err), 0);
        vg_tracker_maintain(sorted, time + VG_TIME_S / 2, sink, &a);
        vg_tracker_maintain(plain, time + VG_TIME_S / 2, sink, &b);
    }
    assert_true(a.n < MAX_EVENTS);
    assert_int_equal(a.n, b.n);
    int confirmed = 0, drops = 0;
    for (int k = 0; k < a.n; k++) {
        assert_same_event(&a.ev[k], &b.ev[k], k);
        confirmed += a.ev[k].type == VG_EV_TRACK && a.ev[k].u.track.status == VG_TRACK_CONFIRMED;
        drops += a.ev[k].type == VG_EV_TRACK_DROP;
    }
    /* The scene exercised what matters: confirmed tracks, clutter tracks dropped. */
    assert_true(confirmed > OBJECTS * (SCANS - 3));
    assert_true(drops > CLUTTER * (SCANS - 3));

    vg_tracker_free(sorted);
    vg_tracker_free(plain);
    free(a.ev);
    free(b.ev);
    free(in);
}

/* A radar plot of the point (x, y, z) from a sensor at the site's origin, whose
 * frame is the site's. */
static void polar(vg_track_input *in, double x, double y, double z)
{
    memset(in, 0, sizeof *in);
    in->mm.kind = VG_MM_POLAR;
    in->mm.dim = 3;
    double range, az, el;
    vg_enu_to_polar((vg_vec3){x, y, z}, &range, &az, &el);
    in->mm.z[0] = range;
    in->mm.z[1] = az * VG_PI / 180.0;
    in->mm.z[2] = el * VG_PI / 180.0;
    in->mm.R[0] = 4.0;
    in->mm.R[4] = in->mm.R[8] = 1e-5;
    for (int a = 0; a < 3; a++)
        in->mm.rot[a][a] = 1.0;
}

static void test_axes_form_changes_no_output(void **cm_state)
{
    (void)cm_state;
    enum { MOVERS = 80 };
    vg_tracker_config cfg;
    vg_tracker_config_defaults(&cfg);
    cfg.model = VG_TRACK_MODEL_CV;
    cfg.process_noise = 0.5;
    cfg.confirm_hits = 2;
    cfg.confirm_window = 3;
    cfg.init_vel_var = 4;
    cfg.grid_cell_m = 20;
    cfg.search_radius_m = 40;
    cfg.clutter_map_rate = 0;
    vg_enu_frame site;
    vg_enu_frame_init(&site, (vg_geo){48.853, 2.3499, 100});
    vg_error err;
    vg_tracker *compact, *full;
    assert_int_equal(vg_tracker_new(&cfg, &site, &compact, &err), 0);
    assert_int_equal(vg_tracker_new(&cfg, &site, &full, &err), 0);
    full->axes_form = false;
    capture a = {0, calloc(MAX_EVENTS, sizeof(vg_event))};
    capture b = {0, calloc(MAX_EVENTS, sizeof(vg_event))};
    vg_track_input *in = calloc(2 * MOVERS + 40, sizeof *in);
    assert_non_null(a.ev);
    assert_non_null(b.ev);
    assert_non_null(in);

    double px[MOVERS], py[MOVERS], vx[MOVERS], vy[MOVERS];
    uint64_t seed = 2026;
    for (int o = 0; o < MOVERS; o++) {
        px[o] = 200.0 + (o % 10) * 60.0 + th_uniform(&seed, -10, 10);
        py[o] = 200.0 + (o / 10) * 60.0 + th_uniform(&seed, -10, 10);
        vx[o] = th_uniform(&seed, -3, 3);
        vy[o] = th_uniform(&seed, -3, 3);
    }
    int scans = 0, with_polar = 0, with_full_r = 0;
    for (int s = 0; s < 30; s++) {
        vg_time time = (vg_time)(s + 1) * VG_TIME_S;
        /* Most scans enu plots (diagonal R); every fourth a radar, every seventh
         * positions with a full R: tracks leave the axes form at different times. */
        const char *sensor = s % 4 == 3 ? "radar" : s % 7 == 6 ? "fused" : "enu";
        int n = 0;
        for (int o = 0; o < MOVERS; o++) {
            if (th_uniform(&seed, 0, 1) < 0.15 || (o % 3 == 0 && s % 4 == 3))
                continue;
            double x = px[o] + vx[o] * s + th_uniform(&seed, -1, 1);
            double y = py[o] + vy[o] * s + th_uniform(&seed, -1, 1);
            double z = 30.0 + th_uniform(&seed, -1, 1);
            if (s % 4 == 3) {
                polar(&in[n++], x, y, z);
                with_polar++;
                continue;
            }
            position(&in[n], x, y, z, 1.0);
            if (s % 7 == 6) {
                in[n].mm.R[1] = in[n].mm.R[3] = 0.3;
                with_full_r++;
            }
            n++;
        }
        for (int c = 0; c < 30; c++)
            position(&in[n++], th_uniform(&seed, 0, 1000), th_uniform(&seed, 0, 1000),
                     th_uniform(&seed, 0, 60), 1.0);
        assert_int_equal(vg_tracker_scan(compact, time, sensor, in, n, sink, &a, &err), 0);
        assert_int_equal(vg_tracker_scan(full, time, sensor, in, n, sink, &b, &err), 0);
        vg_tracker_maintain(compact, time + VG_TIME_S / 2, sink, &a);
        vg_tracker_maintain(full, time + VG_TIME_S / 2, sink, &b);
        scans++;
    }
    assert_true(a.n < MAX_EVENTS);
    assert_int_equal(a.n, b.n);
    int confirmed = 0;
    for (int k = 0; k < a.n; k++) {
        assert_same_event(&a.ev[k], &b.ev[k], k);
        confirmed += a.ev[k].type == VG_EV_TRACK && a.ev[k].u.track.status == VG_TRACK_CONFIRMED;
    }
    /* The scene exercised both forms and the change between them. */
    assert_true(confirmed > MOVERS * (scans - 5));
    assert_true(with_polar > 0 && with_full_r > 0);
    int in_axes_form = 0;
    for (int32_t n = 0; n < compact->nlive; n++)
        in_axes_form += trk_at(compact, compact->live[n])->axes;
    assert_true(in_axes_form > 0 && in_axes_form < compact->nlive);
    for (int32_t n = 0; n < full->nlive; n++)
        assert_false(trk_at(full, full->live[n])->axes);

    vg_tracker_free(compact);
    vg_tracker_free(full);
    free(a.ev);
    free(b.ev);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_space_ordered_queries_change_no_output),
        cmocka_unit_test(test_axes_form_changes_no_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
