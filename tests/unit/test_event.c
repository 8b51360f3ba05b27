/* tests/unit/test_event.c — the JSON Lines codec: known lines, round trips, and
 * every kind of malformed input the contract promises to reject with a message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/event.h"

static char buf[VG_LINE_MAX + 1];
static char buf2[VG_LINE_MAX + 1];

static void parse_ok(const char *line, vg_event *ev)
{
    vg_error err = {0};
    int rc = vg_event_parse(line, strlen(line), ev, &err);
    if (rc != 0)
        fail_msg("parse failed (%d): %s\n  line: %s", rc, err.msg, line);
}

/* format(ev) must parse back and format to the same bytes. */
static void assert_canonical_round_trip(const vg_event *ev)
{
    vg_error err = {0};
    size_t n1, n2;
    if (vg_event_format(ev, buf, sizeof buf, &n1, &err) != 0)
        fail_msg("format failed: %s", err.msg);
    vg_event back;
    if (vg_event_parse(buf, n1, &back, &err) != 0)
        fail_msg("re-parse failed: %s\n  line: %s", err.msg, buf);
    assert_int_equal(vg_event_format(&back, buf2, sizeof buf2, &n2, &err), 0);
    assert_int_equal(n1, n2);
    assert_string_equal(buf, buf2);
}

static void test_parses_geodetic_detection_with_every_option(void **state)
{
    (void)state;
    vg_event ev;
    parse_ok("{\"type\":\"detection\",\"time\":\"2024-07-26T17:30:02.25Z\",\"sensor\":\"rid-1\","
             "\"geodetic\":{\"lat\":48.8582683,\"lon\":2.3375,\"alt\":95,\"alt_ref\":\"AMSL\","
             "\"sigma_h\":3,\"sigma_v\":4.5},\"velocity\":{\"ve\":12.5,\"vn\":-3,\"vu\":0.5},"
             "\"identity\":{\"source\":\"remoteid\",\"id\":\"1596F3A8\"},"
             "\"operator\":{\"lat\":48.859,\"lon\":2.3369},"
             "\"class_hint\":{\"drone\":0.75,\"bird\":0.25},"
             "\"integrity\":[\"counter_backwards\",\"impossible_speed\"],"
             "\"attrs\":{\"class_eu\":\"C1\",\"n\":[1,2]}}",
             &ev);
    assert_int_equal(ev.type, VG_EV_DETECTION);
    assert_true(ev.time == 1722015002250000);
    const vg_detection *d = &ev.u.detection;
    assert_string_equal(d->sensor, "rid-1");
    assert_int_equal(d->meas.kind, VG_MEAS_GEODETIC);
    assert_near(d->meas.u.geodetic.pos.lat, 48.8582683, 0);
    assert_near(d->meas.u.geodetic.pos.alt, 95, 0);
    assert_int_equal(d->meas.u.geodetic.alt_ref, VG_ALT_AMSL);
    assert_near(d->meas.u.geodetic.sigma_v, 4.5, 0);
    assert_true(d->has_velocity);
    assert_near(d->velocity.y, -3, 0);
    assert_int_equal(d->identity.source, VG_IDSRC_REMOTEID);
    assert_string_equal(d->identity.id, "1596F3A8");
    assert_true(d->has_operator);
    assert_false(d->operator_has_alt);
    assert_near(d->operator_pos.lon, 2.3369, 0);
    assert_true(d->has_class_hint);
    assert_near(d->class_hint[0], 0.75, 0);
    assert_near(d->class_hint[2], 0, 0);
    assert_string_equal(d->attrs, "{\"class_eu\":\"C1\",\"n\":[1,2]}");
    assert_true(d->integrity == (VG_INTEG_COUNTER_BACKWARDS | VG_INTEG_IMPOSSIBLE_SPEED));
    assert_canonical_round_trip(&ev);
    vg_error err;
    size_t n;
    assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), 0);
    assert_contains(buf, "\"integrity\":[\"impossible_speed\",\"counter_backwards\"],");
}

static void test_formats_canonically(void **state)
{
    (void)state;
    vg_event ev;
    parse_ok("{ \"sensor\" : \"r\", \"time\": 1722015000.5, \"type\": \"detection\", "
             "\"polar\": {\"sigma_el\": 0.5, \"range\": 333.60, \"az\": 285.72, \"el\": 9.5, "
             "\"sigma_range\": 5, \"sigma_az\": 0.3} }",
             &ev);
    vg_error err;
    size_t n;
    assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), 0);
    assert_string_equal(buf, "{\"type\":\"detection\",\"time\":\"2024-07-26T17:30:00.500Z\","
                             "\"sensor\":\"r\",\"polar\":{\"range\":333.6,\"az\":285.72,"
                             "\"el\":9.5,\"sigma_range\":5,\"sigma_az\":0.3,\"sigma_el\":0.5}}");
    assert_int_equal(n, strlen(buf));
}

static void test_parses_every_measurement_kind(void **state)
{
    (void)state;
    vg_event ev;
    parse_ok("{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"enu\":{\"x\":-10.5,\"y\":"
             "20,\"z\":30,\"sigma\":2}}", &ev);
    assert_int_equal(ev.u.detection.meas.kind, VG_MEAS_ENU);
    assert_near(ev.u.detection.meas.u.enu.pos.x, -10.5, 0);
    assert_canonical_round_trip(&ev);

    parse_ok("{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":296.7,"
             "\"sigma_az\":2}}", &ev);
    assert_int_equal(ev.u.detection.meas.kind, VG_MEAS_BEARING);
    assert_false(ev.u.detection.meas.u.bearing.has_el);
    assert_canonical_round_trip(&ev);

    parse_ok("{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":10,"
             "\"sigma_az\":2,\"el\":5,\"sigma_el\":3}}", &ev);
    assert_true(ev.u.detection.meas.u.bearing.has_el);
    assert_near(ev.u.detection.meas.u.bearing.sigma_el, 3, 0);
    assert_canonical_round_trip(&ev);
}

static void test_polar_range_rate_is_optional_and_paired(void **state)
{
    (void)state;
    vg_event ev;
    parse_ok("{\"type\":\"detection\",\"time\":0,\"sensor\":\"r\",\"polar\":{\"range\":800,"
             "\"az\":10,\"el\":3,\"sigma_range\":5,\"sigma_az\":0.3,\"sigma_el\":0.5,"
             "\"range_rate\":-12.5,\"sigma_range_rate\":0.5}}", &ev);
    assert_true(ev.u.detection.meas.u.polar.has_range_rate);
    assert_near(ev.u.detection.meas.u.polar.range_rate, -12.5, 0);
    assert_canonical_round_trip(&ev);
    vg_error err = {0};
    const char *half = "{\"type\":\"detection\",\"time\":0,\"sensor\":\"r\",\"polar\":{"
                       "\"range\":800,\"az\":10,\"el\":3,\"sigma_range\":5,\"sigma_az\":0.3,"
                       "\"sigma_el\":0.5,\"range_rate\":3}}";
    assert_int_equal(vg_event_parse(half, strlen(half), &ev, &err), VG_EMISSING);
    assert_contains(err.msg, "range_rate and sigma_range_rate go together");
}

static void test_parses_inputs_other_than_detections(void **state)
{
    (void)state;
    vg_event ev;
    parse_ok("{\"type\":\"sensor\",\"time\":\"2024-07-26T19:30:00+02:00\",\"id\":\"radar-1\","
             "\"kind\":\"radar\",\"lat\":48.8575,\"lon\":2.3417,\"alt\":91.4,\"range_m\":3000}",
             &ev);
    assert_true(ev.time == 1722015000000000);
    assert_true(ev.u.sensor.has_kind && ev.u.sensor.has_pos && ev.u.sensor.has_range);
    assert_false(ev.u.sensor.has_status);
    assert_int_equal(ev.u.sensor.kind, VG_SENSOR_RADAR);
    assert_canonical_round_trip(&ev);

    parse_ok("{\"type\":\"sensor\",\"time\":0,\"id\":\"radar-1\",\"status\":\"down\"}", &ev);
    assert_true(ev.u.sensor.has_status && !ev.u.sensor.up && !ev.u.sensor.has_pos);
    assert_canonical_round_trip(&ev);

    parse_ok("{\"type\":\"command\",\"time\":0,\"kind\":\"posture_set\",\"user\":\"cdt\","
             "\"role\":\"commander\",\"args\":{\"level\":\"urgence_attentat\"}}", &ev);
    assert_string_equal(ev.u.command.kind, "posture_set");
    assert_int_equal(ev.u.command.role, VG_ROLE_COMMANDER);
    assert_string_equal(ev.u.command.args, "{\"level\":\"urgence_attentat\"}");
    assert_canonical_round_trip(&ev);

    parse_ok("{\"type\":\"site\",\"time\":0,\"lat\":48.853,\"lon\":2.3499,\"alt\":35,"
             "\"alt_ref\":\"AMSL\",\"geoid_undulation\":44.4}", &ev);
    assert_near(ev.u.site.geoid_undulation, 44.4, 0);
    assert_false(ev.u.site.has_ground_elevation);
    assert_canonical_round_trip(&ev);

    parse_ok("{\"type\":\"tick\",\"time\":\"1969-12-31T23:59:59.999999Z\"}", &ev);
    assert_true(ev.time == -1);
    assert_canonical_round_trip(&ev);
}

static void test_output_events_round_trip(void **state)
{
    (void)state;
    const char *lines[] = {
        "{\"type\":\"track\",\"time\":\"2024-07-26T17:30:02Z\",\"id\":7,\"status\":\"confirmed\","
        "\"lat\":48.85,\"lon\":2.34,\"alt\":120.5,\"velocity\":{\"ve\":1,\"vn\":2,\"vu\":-0.5},"
        "\"sigma_h\":3,\"sigma_v\":4,\"identity\":{\"source\":\"adsb\",\"id\":\"3B7A21\"},"
        "\"class\":{\"drone\":0.1,\"bird\":0,\"aircraft\":0.9,\"unknown\":0},\"updates\":12,"
        "\"sensor\":\"adsb-1\",\"operator\":{\"lat\":48.86,\"lon\":2.33,\"alt\":80}}",
        "{\"type\":\"track_drop\",\"time\":\"2024-07-26T17:30:02Z\",\"id\":7,\"reason\":\"timeout\"}",
        "{\"type\":\"alert\",\"time\":\"2024-07-26T17:30:02Z\",\"id\":3,\"track\":7,\"rule\":"
        "\"zone_entry\",\"severity\":\"critical\",\"state\":\"raised\",\"zone\":\"ZIT-Seine\","
        "\"message\":\"drone in the \\\"ZIT\\\"\\n\"}",
        "{\"type\":\"dispatch\",\"time\":\"2024-07-26T17:30:02Z\",\"alert\":3,\"unit\":\"BAC-75-2\","
        "\"eta_s\":240.5,\"state\":\"proposed\"}",
        "{\"type\":\"posture\",\"time\":\"2024-03-24T18:00:00Z\",\"level\":\"urgence_attentat\","
        "\"scope\":\"national\",\"name\":\"Printemps 2024\",\"user\":\"sgdsn\"}",
        "{\"type\":\"sensor_status\",\"time\":\"2024-07-26T17:30:02Z\",\"sensor\":\"rf-1\","
        "\"status\":\"down\",\"reason\":\"reported down\"}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        vg_event ev;
        parse_ok(lines[i], &ev);
        assert_false(vg_event_is_input(ev.type));
        vg_error err;
        size_t n;
        assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), 0);
        /* These lines are already canonical: they must come back byte for byte. */
        assert_string_equal(buf, lines[i]);
    }
}

typedef struct bad_case {
    const char *line;
    int code;
    const char *message_part;
} bad_case;

static void test_rejects_malformed_lines_with_a_message(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"tick\",\"time\":0", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"tick\",\"time\":0} x", VG_EPARSE, "invalid JSON"},
        {"[1,2]", VG_ETYPE, "expected a JSON object"},
        {"{\"time\":0}", VG_EMISSING, "type: missing"},
        {"{\"type\":5,\"time\":0}", VG_ETYPE, "type: expected a string"},
        {"{\"type\":\"bogus\",\"time\":0}", VG_EUNKNOWN, "unknown event type \"bogus\""},
        {"{\"type\":\"none\",\"time\":0}", VG_EUNKNOWN, "unknown event type"},
        {"{\"type\":\"tick\"}", VG_EMISSING, "tick.time: missing"},
        {"{\"type\":\"tick\",\"time\":true}", VG_ETYPE, "tick.time"},
        {"{\"type\":\"tick\",\"time\":\"2024-02-30T00:00:00Z\"}", VG_ERANGE, "tick.time"},
        {"{\"type\":\"tick\",\"time\":\"yesterday\"}", VG_EPARSE, "tick.time"},
        {"{\"type\":\"tick\",\"time\":1e300}", VG_ERANGE, "tick.time"},
        {"{\"type\":\"tick\",\"time\":0,\"extra\":1}", VG_EUNKNOWN, "tick: unknown field \"extra\""},
        {"{\"type\":\"tick\",\"time\":0,\"time\":1}", VG_EPARSE, "duplicate"},
        {"{\"type\":\"tick\",\"time\":NaN}", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"tick\",\"time\":1e400}", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"tick\",\"time\":123456789012345678901234567890}", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":{\"lat\":\"48\","
         "\"lon\":2,\"alt\":0,\"sigma_h\":1,\"sigma_v\":1}}",
         VG_ETYPE, "detection.geodetic.lat: expected a number, got a string"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":{\"lat\":91,"
         "\"lon\":2,\"alt\":0,\"sigma_h\":1,\"sigma_v\":1}}",
         VG_ERANGE, "detection.geodetic.lat: 91 out of range"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":{\"lat\":48,"
         "\"lon\":2,\"alt\":0,\"sigma_v\":1}}",
         VG_EMISSING, "detection.geodetic.sigma_h: missing"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":{\"lat\":48,"
         "\"lon\":2,\"alt\":0,\"sigma_h\":0,\"sigma_v\":1}}",
         VG_ERANGE, "detection.geodetic.sigma_h: must be greater than 0"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":{\"lat\":48,"
         "\"lon\":2,\"alt\":0,\"sigma_hh\":1,\"sigma_v\":1}}",
         VG_EUNKNOWN, "detection.geodetic: unknown field \"sigma_hh\""},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":{\"lat\":48,"
         "\"lon\":2,\"alt\":0,\"alt_ref\":\"MSL\",\"sigma_h\":1,\"sigma_v\":1}}",
         VG_EUNKNOWN, "detection.geodetic.alt_ref: unknown value \"MSL\""},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"geodetic\":[]}", VG_ETYPE,
         "detection.geodetic: expected an object, got an array"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\"}", VG_EMISSING,
         "missing a measurement"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"enu\":{\"x\":0,\"y\":0,\"z\":0,"
         "\"sigma\":1},\"bearing\":{\"az\":0,\"sigma_az\":1}}",
         VG_EINVAL, "both \"enu\" and \"bearing\""},
        {"{\"type\":\"detection\",\"time\":0,\"geodetic\":{\"lat\":48,\"lon\":2,\"alt\":0,"
         "\"sigma_h\":1,\"sigma_v\":1}}",
         VG_EMISSING, "detection.sensor: missing"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"\",\"bearing\":{\"az\":0,"
         "\"sigma_az\":1}}", VG_EINVAL, "detection.sensor: must not be empty"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"a\\u0001b\",\"bearing\":{\"az\":0,"
         "\"sigma_az\":1}}", VG_EINVAL, "control character"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"a\\u0000b\",\"bearing\":{\"az\":0,"
         "\"sigma_az\":1}}", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"\xff\xfe\",\"bearing\":{\"az\":0,"
         "\"sigma_az\":1}}", VG_EPARSE, "invalid JSON"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":0,"
         "\"sigma_az\":1,\"el\":3}}", VG_EMISSING, "el and sigma_el go together"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":400,"
         "\"sigma_az\":1}}", VG_ERANGE, "detection.bearing.az"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"class_hint\":{\"drone\":0.8,\"bird\":0.5}}",
         VG_ERANGE, "add up to"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"class_hint\":{}}", VG_EMISSING, "at least one"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"identity\":{\"source\":\"none\",\"id\":\"x\"}}",
         VG_EINVAL, "detection.identity.source"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"attrs\":[1]}", VG_ETYPE, "detection.attrs: expected an object"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"velocity\":{\"ve\":1,\"vn\":2}}",
         VG_EMISSING, "detection.velocity.vu: missing"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"integrity\":[\"teleport\",\"teleport\"]}", VG_EINVAL, "given twice"},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"integrity\":[\"spoofed\"]}", VG_EUNKNOWN,
         "detection.integrity[0]: unknown flag \"spoofed\""},
        {"{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":1,"
         "\"sigma_az\":1},\"integrity\":\"teleport\"}", VG_ETYPE, "expected an array"},
        {"{\"type\":\"command\",\"time\":0,\"kind\":\"Posture\",\"user\":\"u\",\"role\":"
         "\"operator\"}", VG_EINVAL, "command.kind"},
        {"{\"type\":\"command\",\"time\":0,\"kind\":\"posture_set\",\"user\":\"u\",\"role\":"
         "\"god\"}", VG_EUNKNOWN, "command.role: unknown value \"god\""},
        {"{\"type\":\"sensor\",\"time\":0,\"id\":\"s\",\"lat\":48}", VG_EMISSING,
         "sensor.lon: missing"},
        {"{\"type\":\"sensor\",\"time\":0,\"id\":\"s\",\"status\":\"maybe\"}", VG_EUNKNOWN,
         "sensor.status"},
        {"{\"type\":\"site\",\"time\":0,\"lat\":48,\"lon\":2,\"alt\":0}", VG_EMISSING,
         "site.geoid_undulation: missing"},
        {"{\"type\":\"track\",\"time\":0,\"id\":0,\"status\":\"confirmed\"}", VG_ERANGE,
         "track.id: must be at least 1"},
        {"{\"type\":\"track\",\"time\":0,\"id\":1.5}", VG_ETYPE, "track.id: expected an integer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vg_event ev;
        vg_error err = {0};
        int rc = vg_event_parse(cases[i].line, strlen(cases[i].line), &ev, &err);
        if (rc != cases[i].code || !strstr(err.msg, cases[i].message_part))
            fail_msg("case %zu: got %d \"%s\", expected %d containing \"%s\"\n  line: %s", i,
                     rc, err.msg, cases[i].code, cases[i].message_part, cases[i].line);
    }
}

static void test_rejects_oversized_input(void **state)
{
    (void)state;
    vg_event ev;
    vg_error err = {0};
    /* A 1 MB line is refused before any JSON parsing. */
    size_t big = 1 << 20;
    char *line = malloc(big);
    assert_non_null(line);
    memset(line, ' ', big);
    memcpy(line, "{\"type\":\"tick\",\"time\":0}", 24);
    assert_int_equal(vg_event_parse(line, big, &ev, &err), VG_ETOOBIG);
    assert_contains(err.msg, "at most 65536");

    /* Strings longer than their field. */
    char id[200];
    memset(id, 'a', 64);
    id[64] = '\0';
    snprintf(line, big, "{\"type\":\"sensor\",\"time\":0,\"id\":\"%s\",\"status\":\"up\"}", id);
    assert_int_equal(vg_event_parse(line, strlen(line), &ev, &err), VG_ETOOBIG);
    assert_contains(err.msg, "sensor.id: 64 bytes, at most 63 allowed");
    id[63] = '\0';
    snprintf(line, big, "{\"type\":\"sensor\",\"time\":0,\"id\":\"%s\",\"status\":\"up\"}", id);
    assert_int_equal(vg_event_parse(line, strlen(line), &ev, &err), 0);

    /* attrs that do not fit VG_JSON_MAX as compact JSON. */
    int n = snprintf(line, big, "{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\","
                                "\"bearing\":{\"az\":1,\"sigma_az\":1},\"attrs\":{\"k\":\"");
    memset(line + n, 'x', 2000);
    strcpy(line + n + 2000, "\"}}");
    assert_int_equal(vg_event_parse(line, strlen(line), &ev, &err), VG_ETOOBIG);
    assert_contains(err.msg, "detection.attrs: larger than 1023 bytes");

    /* Deep nesting is bounded by jansson's depth limit, not by the stack. */
    size_t depth = 100000;
    n = snprintf(line, big, "{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"attrs\":{\"a\":");
    memset(line + n, '[', depth);
    memset(line + n + depth, ']', depth);
    strcpy(line + n + 2 * depth, "}}");
    assert_int_equal(vg_event_parse(line, strlen(line), &ev, &err), VG_ETOOBIG);
    n = snprintf(line, big, "{\"type\":\"tick\",\"time\":0,\"x\":");
    memset(line + n, '[', 60000);
    line[n + 60000] = '\0';
    assert_int_equal(vg_event_parse(line, strlen(line), &ev, &err), VG_EPARSE);
    free(line);
}

static void test_every_truncation_of_a_valid_line_is_rejected_cleanly(void **state)
{
    (void)state;
    const char *line =
        "{\"type\":\"detection\",\"time\":\"2024-07-26T17:30:02.25Z\",\"sensor\":\"rid-1\","
        "\"geodetic\":{\"lat\":48.8582683,\"lon\":2.3375,\"alt\":95,\"sigma_h\":3,\"sigma_v\":4},"
        "\"identity\":{\"source\":\"remoteid\",\"id\":\"1596F3A8\"}}";
    size_t len = strlen(line);
    for (size_t cut = 0; cut < len; cut++) {
        /* Copy to an exact-size heap block so ASan catches any read past the end. */
        char *p = malloc(cut ? cut : 1);
        assert_non_null(p);
        memcpy(p, line, cut);
        vg_event ev;
        vg_error err = {0};
        int rc = vg_event_parse(p, cut, &ev, &err);
        free(p);
        if (rc >= 0)
            fail_msg("prefix of %zu bytes accepted", cut);
        assert_true(err.msg[0] != '\0');
    }
}

static void test_format_reports_small_buffer_and_unwritable_events(void **state)
{
    (void)state;
    vg_event ev;
    vg_event_init(&ev, VG_EV_TICK, 0);
    vg_error err;
    size_t n;
    char small[10];
    assert_int_equal(vg_event_format(&ev, small, sizeof small, &n, &err), VG_ETOOBIG);
    assert_string_equal(small, "");

    vg_event_init(&ev, VG_EV_DETECTION, 0);
    strcpy(ev.u.detection.sensor, "s");
    ev.u.detection.meas.kind = VG_MEAS_ENU;
    ev.u.detection.meas.u.enu.sigma = NAN;
    assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), VG_EINVAL);
    assert_contains(err.msg, "non-finite");

    vg_event_init(&ev, VG_EV_TICK, VG_TIME_MAX + 1);
    assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), VG_EINVAL);
    vg_event_init(&ev, (vg_event_type)99, 0);
    assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), VG_EINVAL);
}

/* Random valid detections: format → parse → format must be a fixed point, and the
 * parsed numbers must be bit-identical to the originals (exact journals). */
static void test_random_detections_round_trip_exactly(void **state)
{
    (void)state;
    uint64_t seed = 42;
    for (int i = 0; i < 5000; i++) {
        vg_event ev;
        vg_event_init(&ev, VG_EV_DETECTION, (vg_time)(th_next(&seed) % 4000000000000000ull));
        vg_detection *d = &ev.u.detection;
        snprintf(d->sensor, sizeof d->sensor, "sensor-%d", (int)(th_next(&seed) % 100));
        switch (th_next(&seed) % 4) {
        case 0:
            d->meas.kind = VG_MEAS_GEODETIC;
            d->meas.u.geodetic.pos = (vg_geo){th_uniform(&seed, -90, 90),
                                              th_uniform(&seed, -180, 180),
                                              th_uniform(&seed, -100, 5000)};
            d->meas.u.geodetic.alt_ref = (vg_alt_ref)(th_next(&seed) % 2);
            d->meas.u.geodetic.sigma_h = th_uniform(&seed, 0.1, 100);
            d->meas.u.geodetic.sigma_v = th_uniform(&seed, 0.1, 100);
            break;
        case 1:
            d->meas.kind = VG_MEAS_ENU;
            d->meas.u.enu.pos = (vg_vec3){th_uniform(&seed, -1e5, 1e5),
                                          th_uniform(&seed, -1e5, 1e5),
                                          th_uniform(&seed, -100, 1e4)};
            d->meas.u.enu.sigma = th_uniform(&seed, 0.01, 50);
            break;
        case 2:
            d->meas.kind = VG_MEAS_POLAR;
            d->meas.u.polar.range = th_uniform(&seed, 1, 20000);
            d->meas.u.polar.az = th_uniform(&seed, 0, 360);
            d->meas.u.polar.el = th_uniform(&seed, -10, 90);
            d->meas.u.polar.sigma_range = th_uniform(&seed, 0.5, 20);
            d->meas.u.polar.sigma_az = th_uniform(&seed, 0.01, 2);
            d->meas.u.polar.sigma_el = th_uniform(&seed, 0.01, 2);
            break;
        default:
            d->meas.kind = VG_MEAS_BEARING;
            d->meas.u.bearing.az = th_uniform(&seed, 0, 360);
            d->meas.u.bearing.sigma_az = th_uniform(&seed, 0.1, 10);
            break;
        }
        if (th_next(&seed) % 2) {
            d->has_velocity = true;
            d->velocity = (vg_vec3){th_uniform(&seed, -50, 50), th_uniform(&seed, -50, 50),
                                    th_uniform(&seed, -10, 10)};
        }
        if (th_next(&seed) % 2) {
            d->identity.source = VG_IDSRC_REMOTEID;
            snprintf(d->identity.id, sizeof d->identity.id, "%016llx",
                     (unsigned long long)th_next(&seed));
        }
        vg_error err;
        size_t n;
        assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), 0);
        vg_event back;
        if (vg_event_parse(buf, n, &back, &err) != 0)
            fail_msg("%s\n  line: %s", err.msg, buf);
        assert_true(back.time == ev.time);
        assert_int_equal(back.u.detection.meas.kind, d->meas.kind);
        assert_memory_equal(&back.u.detection.meas.u, &d->meas.u, sizeof d->meas.u.polar);
        assert_memory_equal(&back.u.detection.velocity, &d->velocity, sizeof d->velocity);
        assert_string_equal(back.u.detection.identity.id, d->identity.id);
        assert_canonical_round_trip(&ev);
    }
}

/* Found by fuzzing: "-0" parses as the integer 0, so negative zero must be written
 * so that it keeps its sign and the line stays a fixed point. */
static void test_negative_zero_survives_a_round_trip(void **state)
{
    (void)state;
    vg_event ev;
    parse_ok("{\"type\":\"detection\",\"time\":0,\"sensor\":\"s\",\"bearing\":{\"az\":-0.0,"
             "\"sigma_az\":1}}", &ev);
    assert_true(signbit(ev.u.detection.meas.u.bearing.az));
    assert_canonical_round_trip(&ev);
    vg_error err;
    size_t n;
    assert_int_equal(vg_event_format(&ev, buf, sizeof buf, &n, &err), 0);
    assert_contains(buf, "\"az\":-0.0,");
}

static void test_names_are_consistent(void **state)
{
    (void)state;
    for (int t = VG_EV_SENSOR; t < VG_EV_TYPE_COUNT; t++) {
        vg_event_type back;
        assert_int_equal(vg_event_type_parse(vg_event_type_name((vg_event_type)t), &back), 0);
        assert_int_equal(back, t);
        assert_int_equal(vg_event_is_input((vg_event_type)t), t <= VG_EV_TICK);
    }
    vg_event_type back;
    assert_int_equal(vg_event_type_parse("none", &back), VG_EUNKNOWN);
    assert_string_equal(vg_sensor_kind_name((vg_sensor_kind)42), "invalid");
    assert_string_equal(vg_posture_level_name(VG_POSTURE_URGENCE_ATTENTAT), "urgence_attentat");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_geodetic_detection_with_every_option),
        cmocka_unit_test(test_formats_canonically),
        cmocka_unit_test(test_parses_every_measurement_kind),
        cmocka_unit_test(test_polar_range_rate_is_optional_and_paired),
        cmocka_unit_test(test_parses_inputs_other_than_detections),
        cmocka_unit_test(test_output_events_round_trip),
        cmocka_unit_test(test_rejects_malformed_lines_with_a_message),
        cmocka_unit_test(test_rejects_oversized_input),
        cmocka_unit_test(test_every_truncation_of_a_valid_line_is_rejected_cleanly),
        cmocka_unit_test(test_format_reports_small_buffer_and_unwritable_events),
        cmocka_unit_test(test_random_detections_round_trip_exactly),
        cmocka_unit_test(test_negative_zero_survives_a_round_trip),
        cmocka_unit_test(test_names_are_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
