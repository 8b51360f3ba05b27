/* tests/unit/test_ridasm.c — assembling Remote ID and French beacon messages into
 * detections: scripted sequences of received messages, compared as whole formatted
 * detection lines (vg_event_format), one scenario per integrity signal, expiry,
 * eviction and determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/ridasm.h"

/* 2024-07-26T17:30:00Z: 1800 s past the hour. */
#define T0 ((vg_time)1722015000 * VG_TIME_S)
#define MS(x) ((vg_time)(x) * VG_TIME_MS)

static const uint8_t ADDR_A[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x01};
static const uint8_t ADDR_B[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x02};

static vg_ridasm *make(size_t capacity)
{
    vg_ridasm_config cfg;
    vg_ridasm_config_default(&cfg);
    strcpy(cfg.sensor, "rid-alma");
    if (capacity)
        cfg.capacity = capacity;
    vg_ridasm *a;
    vg_error err = {0};
    if (vg_ridasm_new(&cfg, &a, &err) != 0)
        fail_msg("vg_ridasm_new: %s", err.msg);
    return a;
}

static vg_ridasm_rx rx_at(vg_time t, const uint8_t addr[6], vg_rid_transport tr)
{
    vg_ridasm_rx rx = {.time = t, .transport = tr};
    memcpy(rx.addr, addr, 6);
    return rx;
}

static vg_rid_message basic_id(uint8_t id_type, const char *id)
{
    vg_rid_message m = {.type = VG_RID_BASIC_ID};
    m.u.basic_id = (vg_rid_basic_id){.version = 2, .id_type = id_type, .ua_type = 2};
    memcpy(m.u.basic_id.uas_id, id, strlen(id));
    return m;
}

/* A Location as decoded: on the wire's grid, time consistent with reception at t. */
static vg_rid_message location(vg_time t, double lat, double lon)
{
    vg_rid_message m = {.type = VG_RID_LOCATION};
    m.u.location = (vg_rid_location){
        .version = 2, .status = VG_RID_STATUS_AIRBORNE, .height_type = 0,
        .has_direction = true, .direction_deg = 90, .has_speed = true, .speed_mps = 12.5,
        .has_vspeed = true, .vspeed_mps = -1.5, .has_position = true, .lat = lat, .lon = lon,
        .has_pressure_alt = true, .pressure_alt_m = 120.5, .has_geodetic_alt = true,
        .geodetic_alt_m = 165, .has_height = true, .height_m = 120, .h_accuracy = 10,
        .v_accuracy = 4, .baro_accuracy = 3, .speed_accuracy = 2, .time_accuracy = 2,
        .has_time = true, .time_ds = (uint16_t)(t / 100000 % 36000)};
    return m;
}

static vg_rid_message system_msg(void)
{
    vg_rid_message m = {.type = VG_RID_SYSTEM};
    m.u.system = (vg_rid_system){.version = 2, .operator_location_type = 1,
                                 .classification_type = VG_RID_CLASSIF_EU,
                                 .has_operator_position = true, .operator_lat = 48.8601,
                                 .operator_lon = 2.295, .area_count = 1, .category_eu = 1,
                                 .class_eu = 2, .has_operator_alt = true,
                                 .operator_alt_m = 79.5};
    return m;
}

static vg_rid_message operator_msg(const char *id)
{
    vg_rid_message m = {.type = VG_RID_OPERATOR_ID};
    memcpy(m.u.operator_id.id, id, strlen(id));
    m.u.operator_id.version = 2;
    return m;
}

static vg_rid_message self_msg(const char *text)
{
    vg_rid_message m = {.type = VG_RID_SELF_ID};
    memcpy(m.u.self_id.desc, text, strlen(text));
    m.u.self_id.version = 2;
    return m;
}

static char line[VG_LINE_MAX + 1], line2[VG_LINE_MAX + 1];

/* Format ev into line, and check that the line (attrs included) parses back into
 * an event that formats to the same bytes: detections are valid vigie input. */
static void format_checked(const vg_event *ev)
{
    vg_error err = {0};
    size_t n;
    if (vg_event_format(ev, line, sizeof line, &n, &err) != 0)
        fail_msg("format: %s", err.msg);
    vg_event back;
    if (vg_event_parse(line, n, &back, &err) != 0)
        fail_msg("re-parse: %s\n  line: %s", err.msg, line);
    if (vg_event_format(&back, line2, sizeof line2, NULL, &err) != 0)
        fail_msg("re-format: %s", err.msg);
    assert_string_equal(line2, line);
}

/* Push m; return the formatted detection, or "" when none was emitted. */
static const char *push(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_rid_message *m)
{
    vg_event ev;
    vg_error err = {0};
    int rc = vg_ridasm_push(a, rx, m, &ev, &err);
    if (rc < 0)
        fail_msg("push: %s", err.msg);
    if (rc == 0)
        return "";
    format_checked(&ev);
    return line;
}

/* The detection's integrity flags (0 when none was emitted). */
static uint32_t push_flags(vg_ridasm *a, const vg_ridasm_rx *rx, const vg_rid_message *m)
{
    vg_event ev;
    vg_error err = {0};
    int rc = vg_ridasm_push(a, rx, m, &ev, &err);
    if (rc < 0)
        fail_msg("push: %s", err.msg);
    return rc ? ev.u.detection.integrity : 0;
}

/* Identify transmitter addr as serial `id` at time t. */
static void identify(vg_ridasm *a, vg_time t, const uint8_t addr[6], const char *id)
{
    vg_ridasm_rx rx = rx_at(t, addr, VG_RID_TR_BLE4);
    vg_rid_message b = basic_id(VG_RID_IDT_SERIAL, id);
    assert_string_equal(push(a, &rx, &b), "");
}

static void test_parts_assemble_into_one_detection(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(T0, 48.8582683, 2.294481);
    assert_string_equal(push(a, &rx, &m), ""); /* no identity yet */
    vg_ridasm_stats st;
    vg_ridasm_get_stats(a, &st);
    assert_int_equal(st.unidentified, 1);

    rx.time = T0 + MS(200);
    m = basic_id(VG_RID_IDT_SERIAL, "1581F5BKD123456789AB");
    assert_string_equal(push(a, &rx, &m), "");
    rx.time = T0 + MS(400);
    m = system_msg();
    assert_string_equal(push(a, &rx, &m), "");
    rx.time = T0 + MS(600);
    m = operator_msg("FRAmw3jdx5n9e2vk");
    assert_string_equal(push(a, &rx, &m), "");
    rx.time = T0 + MS(800);
    m = self_msg("Survey of the Seine");
    assert_string_equal(push(a, &rx, &m), "");
    rx.time = T0 + MS(1000);
    rx.has_counter = true, rx.counter = 7;
    m = location(rx.time, 48.8582683, 2.294481);
    /* sigma_h = 10 m / 2.4477 (code 10: < 10 m, 95 % radius); sigma_v = 10 m / 1.96
     * (code 4); 12.5 m/s towards 90°: all east; −1.5 m/s vertical. */
    assert_string_equal(
        push(a, &rx, &m),
        "{\"type\":\"detection\",\"time\":\"2024-07-26T17:30:01Z\",\"sensor\":\"rid-alma\","
        "\"geodetic\":{\"lat\":48.8582683,\"lon\":2.294481,\"alt\":165,"
        "\"sigma_h\":4.08538982653635,\"sigma_v\":5.102134569246541},"
        "\"velocity\":{\"ve\":12.5,\"vn\":0,\"vu\":-1.5},"
        "\"identity\":{\"source\":\"remoteid\",\"id\":\"1581F5BKD123456789AB\"},"
        "\"operator\":{\"lat\":48.8601,\"lon\":2.295,\"alt\":79.5},"
        "\"attrs\":{\"transport\":\"ble4\",\"mac\":\"60:60:1f:aa:bb:01\",\"counter\":7,"
        "\"id_type\":\"serial\",\"ua_type\":\"multirotor\",\"status\":\"airborne\","
        "\"operator_id\":\"FRAmw3jdx5n9e2vk\",\"self_id\":\"Survey of the Seine\","
        "\"eu_category\":\"open\",\"eu_class\":\"C1\",\"alt_source\":\"geodetic\"}}");
    vg_ridasm_get_stats(a, &st);
    assert_int_equal(st.detections, 1);
    assert_int_equal(st.transmitters, 1);
    vg_ridasm_free(a);
}

static void test_pack_identifies_its_own_location(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    vg_rid_pack p = {.version = 2, .count = 3};
    p.msgs[0] = location(T0, 48.8566, 2.3522); /* the Location first: still identified */
    p.msgs[1] = basic_id(VG_RID_IDT_CAA, "FRA87ocmr7g4xlc9");
    p.msgs[2] = basic_id(VG_RID_IDT_SERIAL, "1581F5BKD123456789AB");
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_WIFI_BEACON);
    rx.has_counter = true, rx.counter = 200;
    vg_event ev[2];
    vg_error err = {0};
    assert_int_equal(vg_ridasm_push_pack(a, &rx, &p, ev, 2, &err), 1);
    /* The serial number wins over the CAA registration as the identity. */
    assert_string_equal(ev[0].u.detection.identity.id, "1581F5BKD123456789AB");
    assert_int_equal(ev[0].u.detection.integrity, 0);
    assert_false(ev[0].u.detection.has_operator);
    assert_contains(ev[0].u.detection.attrs, "\"transport\":\"wifi-beacon\"");
    /* A Remote ID message over the French beacon transport is refused. */
    rx.transport = VG_RID_TR_FR_BEACON;
    assert_int_equal(vg_ridasm_push_pack(a, &rx, &p, ev, 2, &err), VG_EINVAL);
    assert_contains(err.msg, "ridasm: ");
    vg_ridasm_free(a);
}

static void test_altitude_fallbacks_and_unknown_accuracy(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "SERIAL1");
    vg_ridasm_rx rx = rx_at(T0 + MS(100), ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(rx.time, 48.8566, 2.3522);
    m.u.location.has_geodetic_alt = false;
    vg_event ev;
    vg_error err = {0};
    assert_int_equal(vg_ridasm_push(a, &rx, &m, &ev, &err), 1);
    const vg_detection *d = &ev.u.detection;
    /* Pressure altitude as AMSL: sigma_v = hypot(25 m / 1.96, 65 m) (baro code 3). */
    assert_int_equal(d->meas.u.geodetic.alt_ref, VG_ALT_AMSL);
    assert_near(d->meas.u.geodetic.pos.alt, 120.5, 0);
    assert_near(d->meas.u.geodetic.sigma_v, hypot(25 / 1.9599639845400536, 65), 1e-12);
    assert_contains(d->attrs, "\"alt_source\":\"pressure\"");
    m.u.location.has_pressure_alt = false;
    rx.time += MS(100);
    assert_int_equal(vg_ridasm_push(a, &rx, &m, &ev, &err), 1);
    assert_near(d->meas.u.geodetic.pos.alt, 120, 0);
    assert_near(d->meas.u.geodetic.sigma_v, 300, 0);
    assert_contains(d->attrs, "\"alt_source\":\"height\"");
    m.u.location.has_height = false;
    m.u.location.h_accuracy = 0; /* unknown: the coarsest class, 18.52 km */
    m.u.location.has_direction = false; /* speed without direction: no velocity */
    rx.time += MS(100);
    assert_int_equal(vg_ridasm_push(a, &rx, &m, &ev, &err), 1);
    assert_near(d->meas.u.geodetic.sigma_v, 1000, 0);
    assert_near(d->meas.u.geodetic.sigma_h, 18520 / 2.4477468306808166, 1e-9);
    assert_false(d->has_velocity);
    assert_contains(d->attrs, "\"alt_source\":\"none\"");
    /* A Location without a position gives nothing. */
    m.u.location.has_position = false;
    rx.time += MS(100);
    assert_int_equal(vg_ridasm_push(a, &rx, &m, &ev, &err), 0);
    vg_ridasm_free(a);
}

static void test_parts_expire(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "SERIAL1");
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message sys = system_msg();
    push(a, &rx, &sys);
    rx.time = T0 + 10 * VG_TIME_S; /* 10 s: still fresh */
    vg_rid_message m = location(rx.time, 48.8566, 2.3522);
    assert_contains(push(a, &rx, &m), "\"operator\":");
    identify(a, T0 + 11 * VG_TIME_S, ADDR_A, "SERIAL1"); /* identity refreshed, System not */
    rx.time = T0 + 11 * VG_TIME_S;
    m = location(rx.time, 48.8566, 2.3522);
    const char *l = push(a, &rx, &m);
    assert_contains(l, "\"id\":\"SERIAL1\"");
    assert_null(strstr(l, "\"operator\":"));
    assert_null(strstr(l, "eu_class"));
    rx.time = T0 + 22 * VG_TIME_S; /* Basic ID now 11 s old: no identity, no detection */
    m = location(rx.time, 48.8566, 2.3522);
    assert_string_equal(push(a, &rx, &m), "");
    vg_ridasm_free(a);
}

static void test_impossible_speed(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "SERIAL1");
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(T0, 48.8566, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    /* 1 s later, 0.001° of latitude ≈ 111 m: within 100 m/s × 1 s + 20 m. */
    rx.time = T0 + VG_TIME_S;
    m = location(rx.time, 48.8576, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    /* 1 s later, 0.0045° ≈ 500 m: impossible for a drone. */
    rx.time = T0 + 2 * VG_TIME_S;
    m = location(rx.time, 48.8621, 2.3522);
    const char *l = push(a, &rx, &m);
    assert_contains(l, "\"integrity\":[\"impossible_speed\"],");
    /* Slow again from there: no flag. */
    rx.time = T0 + 3 * VG_TIME_S;
    m = location(rx.time, 48.8622, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    vg_ridasm_free(a);
}

static void test_teleport(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "SERIAL1");
    vg_ridasm_rx rx = rx_at(T0 + VG_TIME_S, ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(rx.time, 48.8566, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    /* The same fix heard again at the same time (a repeat): fine. */
    assert_int_equal(push_flags(a, &rx, &m), 0);
    /* A different place at the same reception time: a jump no speed explains. */
    m = location(rx.time, 48.8576, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), VG_INTEG_TELEPORT);
    /* Earlier than the last fix, elsewhere: also a teleport. */
    rx.time -= MS(500);
    m = location(rx.time, 48.8566, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), VG_INTEG_TELEPORT);
    vg_ridasm_free(a);
}

static void test_duplicate_id_far_apart(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "1581F5BKD123456789AB");
    identify(a, T0, ADDR_B, "1581F5BKD123456789AB");
    vg_ridasm_rx ra = rx_at(T0 + VG_TIME_S, ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(ra.time, 48.8566, 2.3522);
    assert_int_equal(push_flags(a, &ra, &m), 0);
    /* B, same serial, 2 s later and 0.02° of latitude (≈ 2.2 km) away. */
    vg_ridasm_rx rb = rx_at(T0 + 3 * VG_TIME_S, ADDR_B, VG_RID_TR_BLE4);
    m = location(rb.time, 48.8766, 2.3522);
    const char *l = push(a, &rb, &m);
    assert_contains(l, "\"integrity\":[\"duplicate_id\"],");
    assert_contains(l, "\"mac\":\"60:60:1f:aa:bb:02\"");
    /* A, next to where it was: it now sees B's fix 2.2 km away, 1 s old. */
    ra.time = T0 + 4 * VG_TIME_S;
    m = location(ra.time, 48.8567, 2.3522);
    assert_int_equal(push_flags(a, &ra, &m), VG_INTEG_DUPLICATE_ID);
    /* 10 s later A's last fix is out of the 5 s window: B alone is fine. */
    identify(a, T0 + 10 * VG_TIME_S, ADDR_B, "1581F5BKD123456789AB");
    rb.time = T0 + 10 * VG_TIME_S;
    m = location(rb.time, 48.8767, 2.3522);
    assert_int_equal(push_flags(a, &rb, &m), 0);
    /* Two transmitters of one drone, 100 m apart (Bluetooth and Wi-Fi): fine. */
    static const uint8_t addr_c[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x03};
    identify(a, T0 + 10 * VG_TIME_S, addr_c, "1581F5BKD123456789AB");
    vg_ridasm_rx rc = rx_at(T0 + 11 * VG_TIME_S, addr_c, VG_RID_TR_WIFI_NAN);
    m = location(rc.time, 48.8758, 2.3522);
    assert_int_equal(push_flags(a, &rc, &m), 0);
    vg_ridasm_free(a);
}

static void test_counter_backwards(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "SERIAL1");
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_BLE4);
    rx.has_counter = true;
    static const struct { uint8_t counter; uint32_t flags; } seq[] = {
        {10, 0}, {11, 0}, {11, 0} /* a repeat */, {9, VG_INTEG_COUNTER_BACKWARDS},
        {10, 0}, {130, 0} /* 120 ahead: messages lost */, {255, 0},
        {0, 0} /* wrap-around */, {3, 0},
        {132, VG_INTEG_COUNTER_BACKWARDS} /* 129 ahead ≡ 127 back */,
    };
    for (size_t k = 0; k < sizeof seq / sizeof seq[0]; k++) {
        rx.time = T0 + MS(100 * (k + 1));
        rx.counter = seq[k].counter;
        vg_rid_message m = location(rx.time, 48.8566, 2.3522);
        uint32_t got = push_flags(a, &rx, &m);
        if (got != seq[k].flags)
            fail_msg("step %zu (counter %u): flags %u, expected %u", k, seq[k].counter, got,
                     seq[k].flags);
    }
    /* On Bluetooth 4 each message type counts on its own: a Basic ID counter is not
     * compared with the Location's. A backwards Basic ID counter yields no detection;
     * its flag goes to the next Location. */
    rx.time += MS(100);
    rx.counter = 50;
    vg_rid_message b = basic_id(VG_RID_IDT_SERIAL, "SERIAL1");
    assert_string_equal(push(a, &rx, &b), "");
    rx.time += MS(100);
    rx.counter = 40;
    assert_string_equal(push(a, &rx, &b), "");
    rx.time += MS(100);
    rx.counter = 133;
    vg_rid_message m = location(rx.time, 48.8566, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), VG_INTEG_COUNTER_BACKWARDS);
    rx.time += MS(100);
    rx.counter = 134;
    assert_int_equal(push_flags(a, &rx, &m), 0); /* consumed */
    /* After 11 s of silence, a lower counter is a restart, not a replay. */
    rx.time += 11 * VG_TIME_S;
    rx.counter = 1;
    identify(a, rx.time, ADDR_A, "SERIAL1");
    m = location(rx.time, 48.8566, 2.3522);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    vg_ridasm_free(a);
}

static void test_timestamp_mismatch(void **state)
{
    (void)state;
    vg_ridasm *a = make(0);
    identify(a, T0, ADDR_A, "SERIAL1");
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(T0, 48.8566, 2.3522);
    m.u.location.time_ds = 18020; /* 1802.0 s: 2 s off, within 3 s + 0.2 s */
    assert_int_equal(push_flags(a, &rx, &m), 0);
    m.u.location.time_ds = 18050; /* 5 s off */
    rx.time += MS(100);
    assert_contains(push(a, &rx, &m), "\"integrity\":[\"timestamp_mismatch\"],");
    m.u.location.time_ds = 17965; /* received at 1800.2 s: 3.7 s early, beyond 3.2 s */
    rx.time += MS(100);
    assert_int_equal(push_flags(a, &rx, &m), VG_INTEG_TIMESTAMP_MISMATCH);
    m.u.location.time_accuracy = 10; /* declared ±1 s: 3.8 s is within 3 + 1 s */
    rx.time += MS(100);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    /* Across the hour: received at 17:59:59.0, stamped 0.5 s past 18:00. */
    rx.time = T0 + 1799 * VG_TIME_S;
    identify(a, rx.time, ADDR_A, "SERIAL1");
    m = location(rx.time, 48.8566, 2.3522);
    m.u.location.time_ds = 5;
    assert_int_equal(push_flags(a, &rx, &m), 0);
    /* An unknown time is not checked. */
    m.u.location.has_time = false;
    m.u.location.time_ds = 0;
    rx.time += MS(100);
    assert_int_equal(push_flags(a, &rx, &m), 0);
    vg_ridasm_free(a);
}

static void test_french_beacon_detection(void **state)
{
    (void)state;
    static const uint8_t payload[] = {
        0x01, 0x01, 0x01,                                     /* version 1 */
        0x02, 0x1E, 'I', 'L', 'L', 'D', 'R', '1', '0', '0', '0', '0', '0', '0', '0', '0',
        '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '1', '2', '3', '4', '5',
        0x04, 0x04, 0x00, 0x4A, 0x8D, 0x43,                   /* lat 48.85827 */
        0x05, 0x04, 0x00, 0x03, 0x80, 0x48,                   /* lon 2.29448 */
        0x06, 0x02, 0x00, 0x50,                               /* 80 m MSL */
        0x07, 0x02, 0x00, 0x2D,                               /* 45 m above take-off */
        0x08, 0x04, 0x00, 0x4A, 0x8D, 0xFA,                   /* take-off 48.8601 */
        0x09, 0x04, 0x00, 0x03, 0x80, 0x7C,                   /*          2.295 */
        0x0A, 0x01, 0x0C,                                     /* 12 m/s */
        0x0B, 0x02, 0x00, 0xB4,                               /* course 180° */
    };
    vg_frb f;
    vg_error err = {0};
    assert_int_equal(vg_frb_decode(payload, sizeof payload, &f, &err), 0);
    vg_ridasm *a = make(0);
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, VG_RID_TR_FR_BEACON);
    vg_event ev;
    assert_int_equal(vg_ridasm_push_frb(a, &rx, &f, &ev, &err), 1);
    format_checked(&ev);
    assert_string_equal(
        line,
        "{\"type\":\"detection\",\"time\":\"2024-07-26T17:30:00Z\",\"sensor\":\"rid-alma\","
        "\"geodetic\":{\"lat\":48.85827,\"lon\":2.29448,\"alt\":80,\"alt_ref\":\"AMSL\","
        "\"sigma_h\":10,\"sigma_v\":15},\"velocity\":{\"ve\":0,\"vn\":-12,\"vu\":0},"
        "\"identity\":{\"source\":\"frbeacon\",\"id\":\"ILLDR1000000000000000000012345\"},"
        "\"operator\":{\"lat\":48.8601,\"lon\":2.295},"
        "\"attrs\":{\"transport\":\"fr-beacon\",\"mac\":\"60:60:1f:aa:bb:01\","
        "\"id_type\":\"fr\",\"height\":45,\"alt_source\":\"msl\"}}");
    /* Beacons use the same integrity checks: 1 s later, 5 km away. */
    rx.time += VG_TIME_S;
    f.lat += 0.045;
    assert_int_equal(vg_ridasm_push_frb(a, &rx, &f, &ev, &err), 1);
    assert_int_equal(ev.u.detection.integrity, VG_INTEG_IMPOSSIBLE_SPEED);
    /* A Wi-Fi beacon transport with a French payload is refused. */
    rx.transport = VG_RID_TR_WIFI_BEACON;
    assert_int_equal(vg_ridasm_push_frb(a, &rx, &f, &ev, &err), VG_EINVAL);
    vg_ridasm_free(a);
}

static void test_eviction_of_least_recently_heard(void **state)
{
    (void)state;
    vg_ridasm *a = make(2);
    static const uint8_t addr_c[6] = {0x60, 0x60, 0x1f, 0xaa, 0xbb, 0x03};
    identify(a, T0, ADDR_A, "SERIAL-A");
    identify(a, T0 + MS(1), ADDR_B, "SERIAL-B");
    /* A is heard again: B becomes the least recent. */
    vg_ridasm_rx ra = rx_at(T0 + MS(2), ADDR_A, VG_RID_TR_BLE4);
    vg_rid_message m = location(ra.time, 48.8566, 2.3522);
    assert_contains(push(a, &ra, &m), "SERIAL-A");
    identify(a, T0 + MS(3), addr_c, "SERIAL-C"); /* table full: B goes */
    vg_ridasm_stats st;
    vg_ridasm_get_stats(a, &st);
    assert_int_equal(st.evicted, 1);
    assert_int_equal(st.transmitters, 2);
    vg_ridasm_rx rb = rx_at(T0 + MS(4), ADDR_B, VG_RID_TR_BLE4);
    m = location(rb.time, 48.8566, 2.3522);
    assert_string_equal(push(a, &rb, &m), ""); /* B forgotten (and now evicts A... */
    vg_ridasm_rx rc = rx_at(T0 + MS(5), addr_c, VG_RID_TR_BLE4);
    m = location(rc.time, 48.8566, 2.3522);
    assert_contains(push(a, &rc, &m), "SERIAL-C"); /* ... not C) */
    vg_ridasm_free(a);
}

/* Many transmitters through a small table: indexes stay consistent after many
 * evictions (ASan watches), and the recently heard keep their identity. */
static void test_churn_keeps_indexes_consistent(void **state)
{
    (void)state;
    vg_ridasm *a = make(16);
    uint64_t s = 42;
    for (int k = 0; k < 20000; k++) {
        uint8_t addr[6] = {2, 0, 0, 0, 0, (uint8_t)(th_next(&s) % 40)};
        addr[4] = (uint8_t)(th_next(&s) % 3);
        char id[16];
        snprintf(id, sizeof id, "ID%u", (unsigned)(th_next(&s) % 8)); /* shared IDs */
        vg_time t = T0 + MS(k);
        identify(a, t, addr, id);
        vg_ridasm_rx rx = rx_at(t, addr, VG_RID_TR_BLE4);
        vg_rid_message m = location(t, 48.85 + (double)(k % 7) * 1e-4, 2.35);
        assert_contains(push(a, &rx, &m), id);
    }
    vg_ridasm_stats st;
    vg_ridasm_get_stats(a, &st);
    assert_int_equal(st.transmitters, 16);
    assert_true(st.evicted > 1000);
    assert_int_equal(st.detections, 20000);
    vg_ridasm_free(a);
}

static void test_same_input_same_output(void **state)
{
    (void)state;
    static char first[64][VG_JSON_MAX + 1024];
    for (int run = 0; run < 2; run++) {
        vg_ridasm *a = make(4);
        uint64_t s = 7;
        int n = 0;
        for (int k = 0; k < 64; k++) {
            uint8_t addr[6] = {2, 0, 0, 0, 0, (uint8_t)(th_next(&s) % 6)};
            vg_time t = T0 + MS(250 * k);
            if (k % 3 == 0)
                identify(a, t, addr, "1581F5BKD123456789AB");
            vg_ridasm_rx rx = rx_at(t, addr, VG_RID_TR_BLE4);
            rx.has_counter = true, rx.counter = (uint8_t)th_next(&s);
            vg_rid_message m = location(t, th_uniform(&s, 48.8, 48.9), th_uniform(&s, 2.2, 2.4));
            m.u.location.direction_deg = (double)(th_next(&s) % 360);
            const char *l = push(a, &rx, &m);
            if (run == 0) {
                size_t len = strlen(l);
                assert_true(len < sizeof first[n]);
                memcpy(first[n], l, len + 1);
            } else
                assert_string_equal(l, first[n]);
            n++;
        }
        vg_ridasm_free(a);
    }
}

static void test_bad_configuration_and_input(void **state)
{
    (void)state;
    vg_ridasm_config cfg;
    vg_ridasm_config_default(&cfg);
    vg_ridasm *a;
    vg_error err = {0};
    assert_int_equal(vg_ridasm_new(&cfg, &a, &err), VG_EINVAL); /* no sensor id */
    assert_contains(err.msg, "ridasm: ");
    strcpy(cfg.sensor, "rid-1");
    cfg.capacity = 0;
    assert_int_equal(vg_ridasm_new(&cfg, &a, &err), VG_EINVAL);
    vg_ridasm_config_default(&cfg);
    strcpy(cfg.sensor, "rid-1");
    cfg.max_speed_mps = 0;
    assert_int_equal(vg_ridasm_new(&cfg, &a, &err), VG_EINVAL);
    a = make(0);
    vg_ridasm_rx rx = rx_at(T0, ADDR_A, (vg_rid_transport)9);
    vg_rid_message m = location(T0, 48.8566, 2.3522);
    vg_event ev;
    assert_int_equal(vg_ridasm_push(a, &rx, &m, &ev, &err), VG_EINVAL);
    rx.transport = VG_RID_TR_BLE4;
    m.type = VG_RID_PACK;
    assert_int_equal(vg_ridasm_push(a, &rx, &m, &ev, &err), VG_EINVAL);
    vg_ridasm_free(a);
    vg_ridasm_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_assemble_into_one_detection),
        cmocka_unit_test(test_pack_identifies_its_own_location),
        cmocka_unit_test(test_altitude_fallbacks_and_unknown_accuracy),
        cmocka_unit_test(test_parts_expire),
        cmocka_unit_test(test_impossible_speed),
        cmocka_unit_test(test_teleport),
        cmocka_unit_test(test_duplicate_id_far_apart),
        cmocka_unit_test(test_counter_backwards),
        cmocka_unit_test(test_timestamp_mismatch),
        cmocka_unit_test(test_french_beacon_detection),
        cmocka_unit_test(test_eviction_of_least_recently_heard),
        cmocka_unit_test(test_churn_keeps_indexes_consistent),
        cmocka_unit_test(test_same_input_same_output),
        cmocka_unit_test(test_bad_configuration_and_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
