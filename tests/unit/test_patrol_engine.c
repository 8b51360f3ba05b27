/* tests/unit/test_patrol_engine.c — patrols through the engine: a drone near a
 * protected asset with its pilot's position raises an alert, the nearest free police
 * unit is proposed at once with its ETA, a scripted confirmation sends it, it
 * reaches the pilot, and the outcome resolves the alert. Also: coverage gaps come
 * out as alerts on the engine's ticks, and the output stays byte-identical between
 * two runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/engine.h"

typedef struct capture {
    char text[65536];
    size_t len;
    int dispatches;
    vg_event last_dispatch, last_alert;
} capture;

static void sink(void *ud, const vg_event *ev)
{
    capture *c = ud;
    char line[VG_LINE_MAX + 1];
    size_t n;
    vg_error err;
    if (vg_event_format(ev, line, sizeof line, &n, &err) != 0)
        fail_msg("output not writable: %s", err.msg);
    if (c->len + n + 2 < sizeof c->text) {
        memcpy(c->text + c->len, line, n);
        c->len += n;
        c->text[c->len++] = '\n';
        c->text[c->len] = '\0';
    }
    if (ev->type == VG_EV_DISPATCH) {
        /* The extended dispatch event (rank, target) reads back to the same bytes. */
        vg_event back;
        char again[VG_LINE_MAX + 1];
        size_t n2;
        if (vg_event_parse(line, n, &back, &err) != 0 ||
            vg_event_format(&back, again, sizeof again, &n2, &err) != 0 || n2 != n ||
            memcmp(line, again, n) != 0)
            fail_msg("dispatch does not round-trip: %s", line);
        c->dispatches++;
        c->last_dispatch = *ev;
    }
    if (ev->type == VG_EV_ALERT)
        c->last_alert = *ev;
}

static int push(vg_engine *e, const char *line, vg_error *err)
{
    vg_event ev;
    if (vg_event_parse(line, strlen(line), &ev, err) != 0)
        fail_msg("test input does not parse: %s\n  %s", err->msg, line);
    return vg_engine_push(e, &ev, err);
}

static void push_ok(vg_engine *e, const char *line)
{
    vg_error err = {0};
    if (push(e, line, &err) != 0)
        fail_msg("rejected: %s\n  %s", err.msg, line);
}

static vg_engine *scene(capture *c)
{
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.site.has_origin = true;
    cfg.site.origin = (vg_geo){48.853, 2.3499, 35};
    cfg.site.alt_ref = VG_ALT_AMSL;
    cfg.site.geoid_undulation = 44.4;
    vg_engine *e = NULL;
    vg_error err;
    memset(c, 0, sizeof *c);
    if (vg_engine_new(&cfg, sink, c, NULL, &e, &err) != 0)
        fail_msg("%s", err.msg);
    const char *assets = "[{\"id\":\"notre-dame\",\"lat\":48.8530,\"lon\":2.3499,\"class\":\"high\"}]";
    assert_int_equal(vg_threat_load_assets(vg_engine_threat(e), assets, strlen(assets), &err), 0);
    const char *sites = "[{\"id\":\"notre-dame\",\"category\":\"place_of_worship\","
                        "\"lat\":48.8530,\"lon\":2.3499}]";
    assert_int_equal(vg_patrol_load_sites(vg_engine_patrol(e), sites, strlen(sites), VG_TIME_MIN,
                                          &err), 1);
    const char *units =
        "[{\"unit\":\"SENT-11\",\"force\":\"army\",\"size\":8,\"status\":\"patrolling\","
        "\"lat\":48.8531,\"lon\":2.3500},"
        "{\"unit\":\"PN-7\",\"force\":\"police\",\"mode\":\"vehicle\",\"capabilities\":[\"intercept\"],"
        "\"lat\":48.8580,\"lon\":2.3420},"
        "{\"unit\":\"GD-3\",\"force\":\"gendarmerie\",\"mode\":\"foot\",\"capabilities\":[\"intercept\"],"
        "\"lat\":48.8600,\"lon\":2.3350}]";
    assert_int_equal(vg_patrol_load_units(vg_engine_patrol(e), units, strlen(units), VG_TIME_MIN,
                                          &err), 3);
    push_ok(e, "{\"type\":\"sensor\",\"time\":1000,\"id\":\"rid\",\"kind\":\"remoteid\","
               "\"lat\":48.853,\"lon\":2.35,\"alt\":80}");
    return e;
}

static void drone(vg_engine *e, int t, double op_lat, double op_lon)
{
    char line[1024];
    snprintf(line, sizeof line,
             "{\"type\":\"detection\",\"time\":%d,\"sensor\":\"rid\",\"geodetic\":{\"lat\":48.8535,"
             "\"lon\":2.3495,\"alt\":100,\"alt_ref\":\"AMSL\",\"sigma_h\":3,\"sigma_v\":4},"
             "\"identity\":{\"source\":\"remoteid\",\"id\":\"SN-HOBBY\"},"
             "\"operator\":{\"lat\":%.5f,\"lon\":%.5f}}", t, op_lat, op_lon);
    push_ok(e, line);
}

static void test_pilot_gets_the_nearest_police_unit(void **state)
{
    (void)state;
    static capture c;
    vg_engine *e = scene(&c);
    drone(e, 1001, 48.8560, 2.3450);
    vg_engine_flush(e);
    /* An alert at 1001 and, with it, the proposals: the police car first (≈ 0.5 km
     * at 9 m/s), the gendarmes on foot second; never the soldiers. */
    assert_int_equal(c.last_alert.type, VG_EV_ALERT);
    assert_int_equal(c.dispatches, 2);
    assert_contains(c.text, "\"type\":\"dispatch\",\"time\":\"1970-01-01T00:16:41Z\",\"alert\":1,"
                            "\"unit\":\"PN-7\",\"eta_s\":");
    assert_contains(c.text, "\"unit\":\"GD-3\",\"eta_s\":856.2,\"state\":\"proposed\",\"rank\":2,"
                            "\"target\":{\"lat\":48.856,\"lon\":2.345}}");
    assert_null(strstr(c.text, "SENT-11\",\"eta"));
    push_ok(e, "{\"type\":\"command\",\"time\":1005,\"kind\":\"dispatch_confirm\",\"user\":\"op1\","
               "\"role\":\"operator\",\"args\":{\"alert\":1,\"unit\":\"PN-7\"}}");
    assert_string_equal(c.last_dispatch.u.dispatch.state, "en_route");
    assert_int_equal(c.last_alert.u.alert.state, VG_ALERT_DISPATCHED);
    /* A duplicate confirmation is refused. */
    vg_error err;
    assert_int_equal(push(e, "{\"type\":\"command\",\"time\":1006,\"kind\":\"dispatch_confirm\","
                             "\"user\":\"op2\",\"role\":\"operator\",\"args\":{\"alert\":1,"
                             "\"unit\":\"GD-3\"}}", &err), VG_ESTATE);
    /* The pilot moves 300 m (the alert moves to the drone's new track); the car
     * follows the new position. */
    drone(e, 1010, 48.8587, 2.3450);
    push_ok(e, "{\"type\":\"tick\",\"time\":1011}");
    assert_string_equal(c.last_dispatch.u.dispatch.state, "en_route");
    push_ok(e, "{\"type\":\"command\",\"time\":1100,\"kind\":\"unit_position\",\"user\":\"feed\","
               "\"role\":\"operator\",\"args\":{\"unit\":\"PN-7\",\"lat\":48.8586,\"lon\":2.3451}}");
    assert_string_equal(c.last_dispatch.u.dispatch.state, "on_scene");
    push_ok(e, "{\"type\":\"command\",\"time\":1200,\"kind\":\"dispatch_outcome\",\"user\":\"op1\","
               "\"role\":\"operator\",\"args\":{\"alert\":1,\"unit\":\"PN-7\","
               "\"outcome\":\"pilot_arrested\"}}");
    assert_string_equal(c.last_dispatch.u.dispatch.state, "pilot_arrested");
    assert_int_equal(c.last_alert.u.alert.state, VG_ALERT_RESOLVED);
    assert_contains(c.last_alert.u.alert.message, "op1");
    vg_engine_free(e);
}

static void test_same_events_same_bytes_with_patrols(void **state)
{
    (void)state;
    static capture a, b;
    vg_engine *e1 = scene(&a), *e2 = scene(&b);
    for (int i = 0; i < 2; i++) {
        vg_engine *e = i ? e2 : e1;
        drone(e, 1001, 48.8560, 2.3450);
        drone(e, 1002, 48.8561, 2.3450);
        push_ok(e, "{\"type\":\"tick\",\"time\":30000}");
        vg_engine_flush(e);
    }
    assert_true(a.len > 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.text, b.text, a.len);
    /* Vigilance: the soldiers standing in Notre-Dame reported at the first event
     * only; silent for more than 300 s they count no more, and 4 h later the site
     * has an info gap. */
    assert_contains(a.text, "\"rule\":\"coverage_gap\",\"severity\":\"info\"");
    vg_engine_free(e1);
    vg_engine_free(e2);
}

/* [patrol] tunables reach the module: a slower car makes the gendarmes first. */
static void test_patrol_config_section(void **state)
{
    (void)state;
    vg_config cfg;
    vg_config_defaults(&cfg);
    const char *ini = "[patrol]\nunits_file = u.json\nsites_file = s.json\ndetour_factor = 2\n"
                      "speed_vehicle_mps = 0.5\nproposals = 1\nstale_after_s = 60\n";
    vg_error err;
    assert_int_equal(vg_config_parse(&cfg, ini, strlen(ini), "t.conf", &err), 0);
    assert_string_equal(cfg.patrol.units_file, "u.json");
    assert_string_equal(cfg.patrol.sites_file, "s.json");
    assert_near(cfg.patrol.detour_factor, 2, 0);
    assert_int_equal(cfg.patrol.proposals, 1);
    const char *bad = "[patrol]\nproposals = 9\n";
    assert_true(vg_config_parse(&cfg, bad, strlen(bad), "t.conf", &err) < 0);
    assert_contains(err.msg, "[patrol] proposals");
    cfg.site.has_origin = true;
    cfg.site.origin = (vg_geo){48.853, 2.3499, 35};
    static capture c;
    memset(&c, 0, sizeof c);
    vg_engine *e = NULL;
    assert_int_equal(vg_engine_new(&cfg, sink, &c, NULL, &e, &err), 0);
    const char *units =
        "[{\"unit\":\"PN-7\",\"force\":\"police\",\"mode\":\"vehicle\",\"capabilities\":[\"intercept\"],"
        "\"lat\":48.8580,\"lon\":2.3420},"
        "{\"unit\":\"GD-3\",\"force\":\"gendarmerie\",\"mode\":\"foot\",\"capabilities\":[\"intercept\"],"
        "\"lat\":48.8600,\"lon\":2.3350}]";
    assert_int_equal(vg_patrol_load_units(vg_engine_patrol(e), units, strlen(units), 0, &err), 2);
    vg_patrol_candidate best[2];
    assert_int_equal(vg_patrol_rank(vg_engine_patrol(e), 48.8560, 2.3450, 0, best, 2), 2);
    assert_string_equal(vg_patrol_unit(vg_engine_patrol(e), best[0].unit)->id, "GD-3");
    assert_near(best[0].eta_s, best[0].distance_m * 2 / 1.4, 1e-9);
    vg_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patrol_config_section),
        cmocka_unit_test(test_pilot_gets_the_nearest_police_unit),
        cmocka_unit_test(test_same_events_same_bytes_with_patrols),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
