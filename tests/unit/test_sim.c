/* tests/unit/test_sim.c — the simulator: its generator's statistics, the radar's
 * detection probability and noise measured over many scans against the model, the
 * Remote ID frames decoded back to the true positions, determinism, and scenario
 * errors that name their path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "test_helpers.h"
#include "vigie/rid.h"
#include "vigie/ridframe.h"
#include "vigie/sim.h"

static void test_rng_statistics(void **state)
{
    (void)state;
    vg_sim_rng r;
    vg_sim_rng_seed(&r, 7);
    enum { N = 200000 };
    double sum = 0, sq = 0, u = 0;
    long pois = 0;
    for (int i = 0; i < N; i++) {
        double x = vg_sim_rng_normal(&r);
        sum += x;
        sq += x * x;
        u += vg_sim_rng_uniform(&r);
        pois += vg_sim_rng_poisson(&r, 0.7);
    }
    assert_near(sum / N, 0, 0.01);
    assert_near(sq / N, 1, 0.015);
    assert_near(u / N, 0.5, 0.003);
    assert_near((double)pois / N, 0.7, 0.01);
    vg_sim_rng a, b;
    vg_sim_rng_seed(&a, 42);
    vg_sim_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++)
        assert_true(vg_sim_rng_next(&a) == vg_sim_rng_next(&b));
}

static void test_radar_pd_model(void **state)
{
    (void)state;
    vg_sim_sensor s = {.range_m = 3000, .pd = 0.9};
    assert_near(vg_sim_radar_pd(&s, 1500, 0.01), 0.45, 1e-12); /* x = 1: pd / 2 */
    assert_true(vg_sim_radar_pd(&s, 300, 0.01) > 0.89);
    assert_true(vg_sim_radar_pd(&s, 2500, 0.01) < vg_sim_radar_pd(&s, 2000, 0.01));
    assert_true(vg_sim_radar_pd(&s, 2500, 1.0) > vg_sim_radar_pd(&s, 2500, 0.01));
    assert_near(vg_sim_radar_pd(&s, 3001, 10), 0, 0);
}

/* A drone hovering 1 200 m from one radar for 2 000 scans. */
static const char HOVER[] =
    "{\"name\":\"hover\",\"site\":{\"lat\":48.853,\"lon\":2.3499,\"alt\":80},"
    "\"start\":\"2024-07-26T17:30:00Z\",\"duration_s\":2000,\"seed\":5,"
    "\"sensors\":[{\"id\":\"r\",\"kind\":\"radar\",\"lat\":48.853,\"lon\":2.3499,\"alt\":80,"
    "\"range_m\":3000,\"pd\":0.9,\"sigma_range\":5,\"sigma_az\":0.3,\"sigma_el\":0.5},"
    "{\"id\":\"rid\",\"kind\":\"remoteid\",\"lat\":48.853,\"lon\":2.3499,\"alt\":80,"
    "\"range_m\":3000,\"loss\":0.25}],"
    "\"targets\":[{\"id\":\"d\",\"type\":\"drone\",\"role\":\"intruder\",\"rcs\":0.01,"
    "\"remote_id\":\"TESTSERIAL0001\",\"pilot\":{\"lat\":48.86,\"lon\":2.35},"
    "\"waypoints\":[{\"t\":0,\"lat\":48.8638,\"lon\":2.3499,\"alt\":180},"
    "{\"t\":2000,\"lat\":48.8638,\"lon\":2.3499,\"alt\":180}]}]}";

typedef struct collect {
    const vg_scenario *sc;
    long radar, rid, frames, frame_checks;
    double sum_dr, sq_dr;
    double true_range;
    uint64_t hash;
} collect;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static int on_event(void *user, const vg_event *ev)
{
    collect *c = user;
    char line[4096];
    size_t len;
    vg_event_format(ev, line, sizeof line, &len, NULL);
    c->hash = mix(c->hash, line, len);
    if (ev->type != VG_EV_DETECTION)
        return 0;
    if (ev->u.detection.meas.kind == VG_MEAS_POLAR) {
        double dr = ev->u.detection.meas.u.polar.range - c->true_range;
        c->radar++;
        c->sum_dr += dr;
        c->sq_dr += dr * dr;
    } else if (ev->u.detection.meas.kind == VG_MEAS_GEODETIC) {
        c->rid++;
        assert_string_equal(ev->u.detection.identity.id, "TESTSERIAL0001");
        assert_true(ev->u.detection.has_operator);
    }
    return 0;
}

static int on_frame(void *user, vg_time t, int linktype, const uint8_t *data, size_t len)
{
    collect *c = user;
    c->frames++;
    assert_int_equal(linktype, VG_LINKTYPE_IEEE802_11_RADIOTAP);
    vg_rid_payload pl[4];
    int n = 0;
    assert_int_equal(vg_ridframe_parse(VG_LINKTYPE_IEEE802_11_RADIOTAP, data, len, pl, 4, &n, NULL), 0);
    assert_int_equal(n, 1);
    vg_rid_pack pack;
    assert_int_equal(vg_rid_decode_pack(pl[0].data, pl[0].len, &pack, NULL, NULL), 0);
    vg_geo truth;
    double s = (double)(t - c->sc->start) / 1e6;
    assert_true(vg_sim_target_at(c->sc, 0, 0, s, &truth, NULL));
    for (int i = 0; i < pack.count; i++) {
        if (pack.msgs[i].type != VG_RID_LOCATION)
            continue;
        const vg_rid_location *l = &pack.msgs[i].u.location;
        assert_near(l->lat, truth.lat, 1e-7); /* the format's 1e-7 degree */
        assert_near(l->lon, truth.lon, 1e-7);
        assert_near(l->geodetic_alt_m, truth.alt, 0.5); /* 0.5 m steps */
        c->frame_checks++;
    }
    return 0;
}

static void run_hover(collect *c, uint64_t seed)
{
    vg_scenario *sc;
    vg_error err = {0};
    assert_int_equal(vg_scenario_parse(HOVER, sizeof HOVER - 1, &sc, &err), 0);
    sc->seed = seed;
    c->sc = sc;
    c->hash = 1469598103934665603ull;
    vg_geo p;
    assert_true(vg_sim_target_at(sc, 0, 0, 10, &p, NULL));
    vg_enu_frame f;
    vg_enu_frame_init(&f, sc->sensors[0].pos);
    vg_vec3 e = vg_enu_from_geo(&f, p);
    c->true_range = sqrt(e.x * e.x + e.y * e.y + e.z * e.z);
    vg_sim_sinks sinks = {c, on_event, NULL, on_frame};
    vg_sim_stats st;
    assert_int_equal(vg_sim_run(sc, 0, 0, 0, &sinks, &st, &err), 0);
    assert_int_equal(st.frames, (uint64_t)c->frames);
    vg_scenario_free(sc);
}

static void test_radar_and_rid_statistics(void **state)
{
    (void)state;
    collect c = {0};
    run_hover(&c, 5);
    const double scans = 2000;
    vg_sim_sensor s = {.range_m = 3000, .pd = 0.9};
    double pd = vg_sim_radar_pd(&s, c.true_range, 0.01);
    /* Within 4 binomial standard deviations. */
    double sd = sqrt(scans * pd * (1 - pd));
    if (fabs((double)c.radar - scans * pd) > 4 * sd)
        fail_msg("radar detections %ld, model %.1f ± %.1f", c.radar, scans * pd, sd);
    double mean = c.sum_dr / (double)c.radar;
    double sigma = sqrt(c.sq_dr / (double)c.radar - mean * mean);
    assert_near(mean, 0, 4 * 5 / sqrt((double)c.radar));
    assert_near(sigma, 5, 0.5);
    /* Remote ID: 25 % of broadcasts lost; each received one is a frame and a detection
     * (the first pack carries the Basic ID, so every Location is identified). */
    double rx = 0.75 * scans, rsd = sqrt(scans * 0.75 * 0.25);
    if (fabs((double)c.frames - rx) > 4 * rsd)
        fail_msg("frames %ld, expected %.0f ± %.0f", c.frames, rx, rsd);
    assert_int_equal(c.rid, c.frames);
    assert_int_equal(c.frame_checks, c.frames);
}

static void test_determinism(void **state)
{
    (void)state;
    collect a = {0}, b = {0}, other = {0};
    run_hover(&a, 5);
    run_hover(&b, 5);
    run_hover(&other, 6);
    assert_true(a.hash == b.hash);
    assert_true(a.hash != other.hash);
}

static void expect_error(const char *json, int code, const char *text)
{
    vg_scenario *sc = NULL;
    vg_error err = {0};
    assert_int_equal(vg_scenario_parse(json, strlen(json), &sc, &err), code);
    assert_null(sc);
    assert_contains(err.msg, text);
}

static void test_scenario_errors(void **state)
{
    (void)state;
    expect_error("{", VG_EPARSE, "scenario: line");
    expect_error("[]", VG_ETYPE, "expected a JSON object");
    expect_error("{\"name\":\"x\",\"start\":\"2024-07-26T17:30:00Z\",\"duration_s\":10}", VG_EMISSING,
                 "site");
    expect_error("{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","
                 "\"duration_s\":10,\"colour\":1}",
                 VG_EUNKNOWN, "unknown field \"colour\"");
    expect_error("{\"name\":\"x\",\"site\":{\"lat\":91,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","
                 "\"duration_s\":10}",
                 VG_ERANGE, "site.lat");
    expect_error("{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","
                 "\"duration_s\":10,\"targets\":[{\"id\":\"d\",\"type\":\"drone\",\"role\":\"r\","
                 "\"waypoints\":[{\"t\":5,\"lat\":48,\"lon\":2,\"alt\":100},{\"t\":5,\"lat\":48,\"lon\":2,\"alt\":100}]}]}",
                 VG_EORDER, "targets[0].waypoints[1].t");
    expect_error("{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","
                 "\"duration_s\":10,\"sensors\":[{\"id\":\"s\",\"kind\":\"sonar\",\"lat\":48,\"lon\":2,\"alt\":0,\"range_m\":5}]}",
                 VG_EINVAL, "sensors[0].kind");
    expect_error("{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"yesterday\",\"duration_s\":10}",
                 VG_EPARSE, "scenario.start");
    expect_error("{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","
                 "\"duration_s\":10,\"actions\":[{\"t\":1,\"kind\":\"k\",\"user\":\"u\",\"role\":\"god\"}]}",
                 VG_EINVAL, "actions[0].role");
#define DRONE_WITH(fields)                                                                         \
    "{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","   \
    "\"duration_s\":10,\"targets\":[{\"id\":\"d\",\"type\":\"drone\",\"role\":\"r\"," fields            \
    ",\"waypoints\":[{\"t\":0,\"lat\":48,\"lon\":2,\"alt\":100},{\"t\":5,\"lat\":48,\"lon\":2,\"alt\":100}]}]}"
    expect_error(DRONE_WITH("\"class\":\"C7\""), VG_EINVAL, "targets[0].class");
    expect_error(DRONE_WITH("\"class\":\"c1\""), VG_EINVAL, "targets[0].class");
    expect_error(DRONE_WITH("\"rid_transport\":\"fr-beacon\""), VG_EINVAL,
                 "targets[0].rid_transport");
    expect_error(DRONE_WITH("\"pilot\":[{\"t\":5,\"lat\":48,\"lon\":2},{\"t\":4,\"lat\":48,\"lon\":2}]"),
                 VG_EORDER, "targets[0].pilot[1].t");
    expect_error(DRONE_WITH("\"pilot\":[]"), VG_EMISSING, "targets[0].pilot");
    expect_error(DRONE_WITH("\"pilot\":\"quay\""), VG_ETYPE, "targets[0].pilot");
#undef DRONE_WITH
#define SENSOR_WITH(kind, fields)                                                                  \
    "{\"name\":\"x\",\"site\":{\"lat\":48,\"lon\":2,\"alt\":0},\"start\":\"2024-07-26T17:30:00Z\","   \
    "\"duration_s\":10,\"sensors\":[{\"id\":\"s\",\"kind\":\"" kind "\",\"lat\":48,\"lon\":2,\"alt\":0,"     \
    "\"range_m\":500," fields "}]}"
    expect_error(SENSOR_WITH("radar", "\"az_from\":400"), VG_ERANGE, "sensors[0].az_from");
    expect_error(SENSOR_WITH("rf", "\"clutter\":[]"), VG_EINVAL, "sensors[0].clutter");
    expect_error(SENSOR_WITH("radar", "\"clutter\":[{\"lat\":48,\"lon\":2,\"alt\":0,\"radius_m\":50}]"),
                 VG_EMISSING, "sensors[0].clutter[0].per_scan");
#undef SENSOR_WITH
}

static void test_swarm(void **state)
{
    (void)state;
    vg_scenario *sc;
    vg_error err = {0};
    assert_int_equal(vg_scenario_swarm(100, 3, 30, &sc, &err), 0);
    assert_int_equal(sc->ntargets, 100);
    for (int i = 0; i < sc->ntargets; i++) {
        vg_geo a, b;
        assert_true(vg_sim_target_at(sc, i, 0, 0, &a, NULL));
        assert_true(vg_sim_target_at(sc, i, 0, 30, &b, NULL));
        assert_true(fabs(a.lat - sc->site.lat) < 0.1 && fabs(a.lon - sc->site.lon) < 0.15);
    }
    vg_scenario_free(sc);
    assert_int_equal(vg_scenario_swarm(0, 3, 30, &sc, &err), VG_ERANGE);
}

/* Four drones, one per Remote ID transport, each of another EU class; the Bluetooth 4
 * one's pilot walks 400 m north in 100 s. */
static const char TRANSPORTS[] =
    "{\"name\":\"transports\",\"site\":{\"lat\":48.853,\"lon\":2.3499,\"alt\":80},"
    "\"start\":\"2024-07-26T17:30:00Z\",\"duration_s\":120,\"seed\":3,"
    "\"sensors\":[{\"id\":\"rid\",\"kind\":\"remoteid\",\"lat\":48.853,\"lon\":2.3499,"
    "\"alt\":80,\"range_m\":3000,\"loss\":0}],"
    "\"targets\":["
    "{\"id\":\"nan\",\"type\":\"drone\",\"role\":\"intruder\",\"remote_id\":\"SER-NAN\","
    "\"rid_transport\":\"wifi-nan\",\"class\":\"C0\",\"pilot\":{\"lat\":48.854,\"lon\":2.35},"
    "\"waypoints\":[{\"t\":0,\"lat\":48.856,\"lon\":2.35,\"alt\":150},"
    "{\"t\":120,\"lat\":48.857,\"lon\":2.35,\"alt\":150}]},"
    "{\"id\":\"ble4\",\"type\":\"drone\",\"role\":\"intruder\",\"remote_id\":\"SER-BLE4\","
    "\"rid_transport\":\"ble4\",\"class\":\"C2\","
    "\"pilot\":[{\"t\":10,\"lat\":48.852,\"lon\":2.351},{\"t\":110,\"lat\":48.8556,\"lon\":2.351}],"
    "\"waypoints\":[{\"t\":0,\"lat\":48.852,\"lon\":2.352,\"alt\":150},"
    "{\"t\":120,\"lat\":48.856,\"lon\":2.352,\"alt\":150}]},"
    "{\"id\":\"ble5\",\"type\":\"drone\",\"role\":\"intruder\",\"remote_id\":\"SER-BLE5\","
    "\"rid_transport\":\"ble5\",\"class\":\"C3\",\"pilot\":{\"lat\":48.85,\"lon\":2.35},"
    "\"waypoints\":[{\"t\":0,\"lat\":48.851,\"lon\":2.353,\"alt\":150},"
    "{\"t\":120,\"lat\":48.851,\"lon\":2.356,\"alt\":150}]},"
    "{\"id\":\"wifi\",\"type\":\"drone\",\"role\":\"intruder\",\"remote_id\":\"SER-WIFI\","
    "\"pilot\":{\"lat\":48.85,\"lon\":2.34},"
    "\"waypoints\":[{\"t\":0,\"lat\":48.854,\"lon\":2.345,\"alt\":150},"
    "{\"t\":120,\"lat\":48.854,\"lon\":2.346,\"alt\":150}]}]}";

typedef struct by_transport {
    const vg_scenario *sc;
    long frames[2];         /* Wi-Fi, Bluetooth */
    long seen[VG_RID_TR_COUNT];
    long detections[4];     /* per target, in the scenario's order */
    long pilot_checks;
} by_transport;

static int transport_frame(void *user, vg_time t, int linktype, const uint8_t *data, size_t len)
{
    (void)t;
    by_transport *c = user;
    c->frames[linktype != VG_LINKTYPE_IEEE802_11_RADIOTAP]++;
    vg_rid_payload pl[4];
    int n = 0;
    assert_int_equal(vg_ridframe_parse(linktype, data, len, pl, 4, &n, NULL), 0);
    assert_int_equal(n, 1);
    c->seen[pl[0].transport]++;
    /* Bluetooth 4 carries one message; the others a pack. */
    assert_int_equal(pl[0].kind, pl[0].transport == VG_RID_TR_BLE4 ? VG_RIDP_ASTM_MESSAGE
                                                                   : VG_RIDP_ASTM_PACK);
    assert_int_equal(linktype, pl[0].transport == VG_RID_TR_BLE4 || pl[0].transport == VG_RID_TR_BLE5
                                   ? VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR
                                   : VG_LINKTYPE_IEEE802_11_RADIOTAP);
    return 0;
}

static int transport_event(void *user, const vg_event *ev)
{
    by_transport *c = user;
    if (ev->type != VG_EV_DETECTION)
        return 0;
    static const char *const serial[] = {"SER-NAN", "SER-BLE4", "SER-BLE5", "SER-WIFI"};
    static const char *const cls[] = {"\"eu_class\":\"C0\"", "\"eu_class\":\"C2\"",
                                      "\"eu_class\":\"C3\"", "\"eu_class\":\"C1\""};
    const vg_detection *d = &ev->u.detection;
    int k = 0;
    while (k < 4 && strcmp(d->identity.id, serial[k]) != 0)
        k++;
    assert_true(k < 4);
    c->detections[k]++;
    assert_non_null(strstr(d->attrs, cls[k]));
    assert_true(d->has_operator);
    if (k == 1) {
        /* The walking pilot: still until t = 10 s, then 400 m north in 100 s. */
        double s = (double)(ev->time - c->sc->start) / 1e6;
        double u = s <= 10 ? 0 : s >= 110 ? 1 : (s - 10) / 100;
        assert_near(d->operator_pos.lon, 2.351, 1e-7);
        assert_near(d->operator_pos.lat, 48.852 + u * 0.0036, 2e-7);
        c->pilot_checks++;
    }
    return 0;
}

static void test_rid_transports_classes_moving_pilot(void **state)
{
    (void)state;
    vg_scenario *sc;
    vg_error err = {0};
    assert_int_equal(vg_scenario_parse(TRANSPORTS, sizeof TRANSPORTS - 1, &sc, &err), 0);
    by_transport c = {.sc = sc};
    vg_sim_sinks sinks = {&c, transport_event, NULL, transport_frame};
    vg_sim_stats st;
    assert_int_equal(vg_sim_run(sc, 0, 0, 0, &sinks, &st, &err), 0);
    for (int k = 0; k < 4; k++)
        assert_true(c.detections[k] >= 100); /* about one a second for 120 s, none lost */
    /* Bluetooth 4 sends Basic ID, Location and System apart: three frames a broadcast. */
    assert_int_equal(c.seen[VG_RID_TR_BLE4], 3 * c.seen[VG_RID_TR_BLE5]);
    assert_int_equal(c.seen[VG_RID_TR_WIFI_NAN], c.seen[VG_RID_TR_WIFI_BEACON]);
    assert_int_equal(c.frames[0] + c.frames[1], (long)st.frames);
    assert_true(c.pilot_checks >= 100);
    /* Class C3's default radar cross-section is bigger than C0's. */
    assert_true(sc->targets[2].rcs_m2 > sc->targets[0].rcs_m2);
    vg_scenario_free(sc);
}

/* A radar looking north-east only (azimuth 0–90°, up to 30° of elevation), with one
 * clutter spot on the river; one drone in view, one behind it, one overhead. */
static const char SECTOR[] =
    "{\"name\":\"sector\",\"site\":{\"lat\":48.853,\"lon\":2.3499,\"alt\":80},"
    "\"start\":\"2024-07-26T17:30:00Z\",\"duration_s\":1000,\"seed\":11,"
    "\"sensors\":[{\"id\":\"r\",\"kind\":\"radar\",\"lat\":48.853,\"lon\":2.3499,\"alt\":80,"
    "\"range_m\":3000,\"pd\":0.9,\"false_alarms\":1,\"az_from\":0,\"az_to\":90,\"el_max\":30,"
    "\"clutter\":[{\"lat\":48.856,\"lon\":2.354,\"alt\":80,\"radius_m\":100,\"per_scan\":2},"
    "{\"lat\":48.85,\"lon\":2.345,\"alt\":80,\"radius_m\":100,\"per_scan\":2}]}],"
    "\"targets\":["
    "{\"id\":\"seen\",\"type\":\"drone\",\"role\":\"intruder\",\"rcs\":0.1,"
    "\"waypoints\":[{\"t\":0,\"lat\":48.862,\"lon\":2.352,\"alt\":180},"
    "{\"t\":1000,\"lat\":48.862,\"lon\":2.352,\"alt\":180}]},"
    "{\"id\":\"behind\",\"type\":\"drone\",\"role\":\"intruder\",\"rcs\":0.1,"
    "\"waypoints\":[{\"t\":0,\"lat\":48.845,\"lon\":2.34,\"alt\":180},"
    "{\"t\":1000,\"lat\":48.845,\"lon\":2.34,\"alt\":180}]},"
    "{\"id\":\"overhead\",\"type\":\"drone\",\"role\":\"intruder\",\"rcs\":0.1,"
    "\"waypoints\":[{\"t\":0,\"lat\":48.8535,\"lon\":2.3505,\"alt\":500},"
    "{\"t\":1000,\"lat\":48.8535,\"lon\":2.3505,\"alt\":500}]}]}";

typedef struct sector_count {
    const vg_scenario *sc;
    long seen, other, clutter, false_plots;
} sector_count;

static int sector_event(void *user, const vg_event *ev)
{
    sector_count *c = user;
    if (ev->type != VG_EV_DETECTION)
        return 0;
    double range = ev->u.detection.meas.u.polar.range, az = ev->u.detection.meas.u.polar.az,
           el = ev->u.detection.meas.u.polar.el;
    assert_true(az >= 0 && az <= 90.5); /* noise may step just outside */
    assert_true(el <= 31);
    vg_enu_frame sf, site;
    vg_enu_frame_init(&sf, c->sc->sensors[0].pos);
    vg_enu_frame_init(&site, c->sc->site);
    vg_geo p = vg_enu_to_geo(&sf, vg_polar_to_enu(range, az, el));
    vg_vec3 e = vg_enu_from_geo(&site, p);
    vg_vec3 seen = vg_enu_from_geo(&site, c->sc->targets[0].wp[0].pos);
    vg_vec3 spot = vg_enu_from_geo(&site, c->sc->sensors[0].clutter[0].center);
    if (ev->u.detection.class_hint[0] == 0.55 && hypot(e.x - seen.x, e.y - seen.y) < 60)
        c->seen++;
    else if (ev->u.detection.class_hint[0] == 0.55)
        c->other++;
    else if (hypot(e.x - spot.x, e.y - spot.y) <= 100.5 && e.z >= spot.z - 0.5 && e.z <= spot.z + 5.5)
        c->clutter++;
    else
        c->false_plots++;
    return 0;
}

static void test_radar_field_of_view_and_clutter(void **state)
{
    (void)state;
    vg_scenario *sc;
    vg_error err = {0};
    assert_int_equal(vg_scenario_parse(SECTOR, sizeof SECTOR - 1, &sc, &err), 0);
    sector_count c = {.sc = sc};
    vg_sim_sinks sinks = {&c, sector_event, NULL, NULL};
    vg_sim_stats st;
    assert_int_equal(vg_sim_run(sc, 0, 0, 0, &sinks, &st, &err), 0);
    const double scans = 1000;
    /* The drone in view: about pd; the one behind and the one above 30°: never. */
    assert_true(c.seen > 0.8 * scans);
    assert_int_equal(c.other, 0);
    /* The clutter spot in view: Poisson(2) a scan, within 4 standard deviations; the
     * one behind the radar gives nothing; false plots near 1 a scan (a few of them
     * may fall on the spot and count as clutter). */
    assert_near((double)c.clutter, 2 * scans, 4 * sqrt(2 * scans) + 10);
    assert_near((double)c.false_plots, 1 * scans, 4 * sqrt(scans) + 10);
    assert_int_equal((long)st.false_alarms, c.clutter + c.false_plots);
    vg_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_statistics),
        cmocka_unit_test(test_radar_pd_model),
        cmocka_unit_test(test_radar_and_rid_statistics),
        cmocka_unit_test(test_rid_transports_classes_moving_pilot),
        cmocka_unit_test(test_radar_field_of_view_and_clutter),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_swarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
