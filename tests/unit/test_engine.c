/* tests/unit/test_engine.c — the deterministic core: same events, same bytes out;
 * detections located correctly in every measurement kind; bad events rejected
 * without side effects. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/engine.h"
#include "vigie/io.h"

/* Collects every output event: the formatted text and the last event. */
typedef struct capture {
    char *text;
    size_t len, cap;
    int count;
    vg_event last;
} capture;

static void capture_sink(void *userdata, const vg_event *ev)
{
    capture *c = userdata;
    char line[VG_LINE_MAX + 1];
    size_t n;
    vg_error err;
    if (vg_event_format(ev, line, sizeof line, &n, &err) != 0)
        fail_msg("output not writable: %s", err.msg);
    if (c->len + n + 2 > c->cap) {
        c->cap = (c->cap + n + 2) * 2;
        c->text = realloc(c->text, c->cap);
        assert_non_null(c->text);
    }
    memcpy(c->text + c->len, line, n);
    c->len += n;
    c->text[c->len++] = '\n';
    c->text[c->len] = '\0';
    c->count++;
    c->last = *ev;
}

static vg_engine *new_engine(const vg_config *cfg, capture *c)
{
    vg_engine *e = NULL;
    vg_error err;
    memset(c, 0, sizeof *c);
    if (vg_engine_new(cfg, capture_sink, c, NULL, &e, &err) != 0)
        fail_msg("%s", err.msg);
    return e;
}

static int push_line(vg_engine *e, const char *line, vg_error *err)
{
    vg_event ev;
    int rc = vg_event_parse(line, strlen(line), &ev, err);
    if (rc != 0)
        fail_msg("test input does not parse: %s\n  %s", err->msg, line);
    return vg_engine_push(e, &ev, err);
}

static void push_ok(vg_engine *e, const char *line)
{
    vg_error err = {0};
    if (push_line(e, line, &err) != 0)
        fail_msg("rejected: %s\n  %s", err.msg, line);
}

/* Runs the bundled Seine sample through an engine; returns the output text. */
static capture run_demo(void)
{
    const char *src = getenv("VG_SOURCE_DIR");
    assert_non_null(src);
    char path[1024];
    vg_config cfg;
    vg_config_defaults(&cfg);
    vg_error err;
    snprintf(path, sizeof path, "%s/scenarios/demo/seine.conf", src);
    if (vg_config_load_file(&cfg, path, &err) != 0)
        fail_msg("%s", err.msg);
    capture c;
    vg_engine *e = new_engine(&cfg, &c);
    /* The demo's site data, as `vigie replay -c seine.conf` loads it. */
    static const char *const data[] = {"seine-zones.ed269.json", "seine-assets.json",
                                       "seine-coverage.json"};
    for (int i = 0; i < 3; i++) {
        char *text;
        size_t n;
        snprintf(path, sizeof path, "%s/scenarios/demo/%s", src, data[i]);
        assert_int_equal(vg_read_file(path, 1 << 24, &text, &n, &err), 0);
        int rc = i == 0 ? vg_engine_load_zones(e, text, n, path, &err)
                 : i == 1 ? vg_threat_load_assets(vg_engine_threat(e), text, n, &err)
                          : vg_threat_load_coverage(vg_engine_threat(e), text, n, &err);
        free(text);
        if (rc < 0)
            fail_msg("%s: %s", data[i], err.msg);
    }
    vg_linereader lr;
    snprintf(path, sizeof path, "%s/scenarios/demo/seine-mini.jsonl", src);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(vg_linereader_init(&lr, f, VG_LINE_MAX, &err), 0);
    const char *line;
    size_t len;
    int rc;
    while ((rc = vg_linereader_next(&lr, &line, &len, &err)) == 1) {
        vg_event ev;
        assert_int_equal(vg_event_parse(line, len, &ev, &err), 0);
        if (vg_engine_push(e, &ev, &err) != 0)
            fail_msg("line %zu rejected: %s", lr.lineno, err.msg);
    }
    assert_int_equal(rc, 0);
    vg_engine_flush(e);
    vg_linereader_free(&lr);
    fclose(f);
    vg_engine_free(e);
    return c;
}

static void test_same_events_give_the_same_bytes(void **state)
{
    (void)state;
    capture a = run_demo();
    capture b = run_demo();
    assert_true(a.count > 50);
    assert_non_null(strstr(a.text, "\"type\":\"alert\""));
    assert_int_equal(a.count, b.count);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.text, b.text, a.len);
    free(a.text);
    free(b.text);
}

static vg_config site_config(void)
{
    vg_config cfg;
    vg_config_defaults(&cfg);
    cfg.site.has_origin = true;
    cfg.site.origin = (vg_geo){48.853, 2.3499, 35};
    cfg.site.alt_ref = VG_ALT_AMSL;
    cfg.site.geoid_undulation = 44.4;
    return cfg;
}

static void test_geodetic_detection_becomes_a_track_at_its_position(void **state)
{
    (void)state;
    vg_config cfg = site_config();
    capture c;
    vg_engine *e = new_engine(&cfg, &c);
    push_ok(e, "{\"type\":\"sensor\",\"time\":0,\"id\":\"rid\",\"kind\":\"remoteid\",\"lat\":48.85,"
               "\"lon\":2.34,\"alt\":80}");
    assert_int_equal(c.last.type, VG_EV_SENSOR_STATUS);
    assert_true(c.last.u.sensor_status.up);
    push_ok(e, "{\"type\":\"detection\",\"time\":1,\"sensor\":\"rid\",\"geodetic\":{\"lat\":48.86,"
               "\"lon\":2.33,\"alt\":100,\"alt_ref\":\"AMSL\",\"sigma_h\":3,\"sigma_v\":4},"
               "\"identity\":{\"source\":\"remoteid\",\"id\":\"SN1\"},"
               "\"operator\":{\"lat\":48.861,\"lon\":2.331,\"alt\":36,\"alt_ref\":\"AMSL\"}}");
    assert_int_equal(c.count, 1); /* the scan is still open */
    vg_engine_flush(e);
    assert_int_equal(c.count, 2);
    const vg_track *t = &c.last.u.track;
    assert_int_equal(c.last.type, VG_EV_TRACK);
    assert_true(t->id == 1);
    assert_int_equal(t->status, VG_TRACK_TENTATIVE);
    assert_near(t->pos.lat, 48.86, 1e-12);
    assert_near(t->pos.alt, 144.4, 1e-6); /* AMSL + geoid undulation */
    assert_near(t->sigma_h, 3, 1e-6); /* the detection's, rotated into the site frame */
    assert_string_equal(t->identity.id, "SN1");
    assert_true(t->class_p[VG_CLASS_DRONE] > 0.9);
    assert_true(t->has_operator && t->operator_has_alt);
    assert_near(t->operator_pos.alt, 80.4, 1e-9);
    assert_string_equal(t->sensor, "rid");

    /* A second fix of the same object, a second later and a metre away, updates the
     * same track (once the scan is complete: the next event or a flush ends it). */
    push_ok(e, "{\"type\":\"detection\",\"time\":2,\"sensor\":\"rid\",\"geodetic\":{\"lat\":48.86001,"
               "\"lon\":2.33,\"alt\":100,\"alt_ref\":\"AMSL\",\"sigma_h\":3,\"sigma_v\":4}}");
    vg_engine_flush(e);
    assert_int_equal(c.last.type, VG_EV_TRACK);
    assert_true(c.last.u.track.id == 1);
    assert_int_equal(c.last.u.track.updates, 2);
    assert_near(c.last.u.track.pos.lat, 48.86001, 2e-6);
    assert_true(c.last.u.track.sigma_h < 3);
    vg_engine_free(e);
    free(c.text);
}

static void test_polar_and_enu_detections_are_located_in_the_site_frame(void **state)
{
    (void)state;
    vg_config cfg = site_config();
    capture c;
    vg_engine *e = new_engine(&cfg, &c);
    push_ok(e, "{\"type\":\"sensor\",\"time\":0,\"id\":\"radar\",\"kind\":\"radar\",\"lat\":48.8575,"
               "\"lon\":2.3417,\"alt\":91.4}");
    push_ok(e, "{\"type\":\"detection\",\"time\":1,\"sensor\":\"radar\",\"polar\":{\"range\":1000,"
               "\"az\":90,\"el\":10,\"sigma_range\":5,\"sigma_az\":0.3,\"sigma_el\":0.5},"
               "\"class_hint\":{\"bird\":0.7,\"drone\":0.2}}");
    vg_engine_flush(e);
    const vg_track *t = &c.last.u.track;
    assert_int_equal(c.last.type, VG_EV_TRACK);
    /* The track lies 1000 m from the radar, 10° up, due east in the radar's frame. */
    vg_enu_frame radar;
    vg_enu_frame_init(&radar, (vg_geo){48.8575, 2.3417, 91.4});
    vg_vec3 off = vg_enu_from_geo(&radar, t->pos);
    double range, az, el;
    vg_enu_to_polar(off, &range, &az, &el);
    assert_near(range, 1000, 1e-6);
    assert_near(az, 90, 1e-9);
    assert_near(el, 10, 1e-9);
    /* Cross-range 1000 m × 0.3° = 5.2 m north, range 5 m east: about 5.1 m RMS. */
    if (!(t->sigma_h > 4.5 && t->sigma_h < 5.5))
        fail_msg("sigma_h %g", t->sigma_h);
    assert_true(t->class_p[VG_CLASS_BIRD] > t->class_p[VG_CLASS_DRONE]);

    push_ok(e, "{\"type\":\"detection\",\"time\":2,\"sensor\":\"radar\",\"enu\":{\"x\":0,\"y\":0,"
               "\"z\":0,\"sigma\":2}}");
    vg_engine_flush(e);
    assert_true(c.last.u.track.id == 2);
    assert_near(c.last.u.track.pos.lat, 48.853, 1e-12);
    assert_near(c.last.u.track.pos.lon, 2.3499, 1e-12);
    assert_near(c.last.u.track.pos.alt, 35 + 44.4, 1e-6);

    int before = c.count;
    push_ok(e, "{\"type\":\"detection\",\"time\":3,\"sensor\":\"radar\",\"bearing\":{\"az\":10,"
               "\"sigma_az\":2}}");
    vg_engine_flush(e);
    assert_int_equal(c.count, before); /* one bearing alone makes no track */
    vg_engine_stats st;
    vg_engine_get_stats(e, &st);
    assert_true(st.tracker.bearings_unused == 1);
    assert_true(st.in[VG_EV_DETECTION] == 3);
    assert_true(st.scans == 3);
    vg_engine_free(e);
    free(c.text);
}

static void test_rejected_events_change_nothing(void **state)
{
    (void)state;
    vg_config cfg;
    vg_config_defaults(&cfg); /* no site */
    cfg.engine.max_sensors = 2;
    cfg.engine.max_lateness_s = 1;
    capture c;
    vg_engine *e = new_engine(&cfg, &c);
    vg_error err = {0};
    static const struct {
        const char *line;
        int code;
        const char *message;
    } cases[] = {
        {"{\"type\":\"detection\",\"time\":10,\"sensor\":\"nope\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1}}", VG_ENOTFOUND, "unknown sensor \"nope\""},
        {"{\"type\":\"sensor\",\"time\":10,\"id\":\"a\",\"status\":\"up\"}", VG_EMISSING,
         "first declaration needs kind"},
        {"{\"type\":\"track_drop\",\"time\":10,\"id\":1,\"reason\":\"x\"}", VG_EINVAL,
         "output event"},
        {"{\"type\":\"command\",\"time\":10,\"kind\":\"posture_set\",\"user\":\"op\","
         "\"role\":\"operator\",\"args\":{\"level\":\"urgence_attentat\"}}", VG_EINVAL,
         "commander required"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = push_line(e, cases[i].line, &err);
        if (rc != cases[i].code || !strstr(err.msg, cases[i].message))
            fail_msg("case %zu: got %d \"%s\"", i, rc, err.msg);
    }
    assert_int_equal(c.count, 0);

    push_ok(e, "{\"type\":\"sensor\",\"time\":10,\"id\":\"a\",\"kind\":\"rf\",\"lat\":1,\"lon\":2,\"alt\":3}");
    assert_int_equal(push_line(e, "{\"type\":\"detection\",\"time\":10,\"sensor\":\"a\",\"enu\":"
                                  "{\"x\":1,\"y\":1,\"z\":1,\"sigma\":1}}", &err), VG_ESTATE);
    assert_contains(err.msg, "needs the site");
    assert_int_equal(push_line(e, "{\"type\":\"sensor\",\"time\":10,\"id\":\"a\",\"kind\":\"radar\"}",
                               &err), VG_EINVAL);
    assert_contains(err.msg, "kind cannot change from rf to radar");
    push_ok(e, "{\"type\":\"sensor\",\"time\":10,\"id\":\"b\",\"kind\":\"rf\",\"lat\":1,\"lon\":2,\"alt\":3}");
    assert_int_equal(push_line(e, "{\"type\":\"sensor\",\"time\":10,\"id\":\"c\",\"kind\":\"rf\","
                                  "\"lat\":1,\"lon\":2,\"alt\":3}", &err), VG_EFULL);
    assert_contains(err.msg, "max_sensors");

    /* Time order: 1 s of lateness is allowed, more is not. */
    push_ok(e, "{\"type\":\"tick\",\"time\":20}");
    push_ok(e, "{\"type\":\"tick\",\"time\":19}");
    assert_int_equal(push_line(e, "{\"type\":\"tick\",\"time\":18.5}", &err), VG_EORDER);
    assert_contains(err.msg, "1.500 s older");

    /* A status change is reported once. */
    int before = c.count;
    push_ok(e, "{\"type\":\"sensor\",\"time\":20,\"id\":\"a\",\"status\":\"down\"}");
    push_ok(e, "{\"type\":\"sensor\",\"time\":20,\"id\":\"a\",\"status\":\"down\"}");
    assert_int_equal(c.count, before + 1);
    assert_false(c.last.u.sensor_status.up);
    assert_string_equal(c.last.u.sensor_status.reason, "reported down");

    vg_engine_stats st;
    vg_engine_get_stats(e, &st);
    assert_true(st.rejected == 8);
    assert_true(st.late == 1);
    assert_true(st.in[VG_EV_SENSOR] == 4);
    assert_true(st.in[VG_EV_TICK] == 2);
    assert_true(st.now == 20 * VG_TIME_S);
    vg_engine_free(e);
    free(c.text);
}

static void test_new_validates_its_arguments(void **state)
{
    (void)state;
    vg_config cfg;
    vg_config_defaults(&cfg);
    vg_engine *e = NULL;
    vg_error err;
    assert_int_equal(vg_engine_new(&cfg, NULL, NULL, NULL, &e, &err), VG_EINVAL);
    cfg.engine.max_sensors = 0;
    capture c;
    assert_int_equal(vg_engine_new(&cfg, capture_sink, &c, NULL, &e, &err), VG_EINVAL);
    assert_null(e);
    vg_engine_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_events_give_the_same_bytes),
        cmocka_unit_test(test_geodetic_detection_becomes_a_track_at_its_position),
        cmocka_unit_test(test_polar_and_enu_detections_are_located_in_the_site_frame),
        cmocka_unit_test(test_rejected_events_change_nothing),
        cmocka_unit_test(test_new_validates_its_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
