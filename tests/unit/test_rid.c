/* tests/unit/test_rid.c — the ASTM F3411 Remote ID message codec.
 *
 * Known-answer vectors are written out byte by byte from the layout verified in
 * opendroneid-core-c (libopendroneid/opendroneid.h, opendroneid.c) and the
 * opendroneid Wireshark dissector, one comment per field group; then quantisation
 * rules, a 10 000-message-per-type property round trip, and hostile input
 * (truncation at every length, bad packs, unknown types and versions). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/rid.h"

/* 2024-07-26T17:30:00Z, during the opening ceremony rehearsals. */
#define T_1730 ((vg_time)1722015000 * VG_TIME_S)

static void dump(const char *what, const uint8_t *b, size_t n)
{
    fprintf(stderr, "%s:", what);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %02X", b[i]);
    fprintf(stderr, "\n");
}

static void assert_bytes(const uint8_t *got, const uint8_t *want, size_t n)
{
    if (memcmp(got, want, n) != 0) {
        dump("got ", got, n);
        dump("want", want, n);
        fail_msg("bytes differ");
    }
}

static vg_rid_message decode_ok(const uint8_t *b, size_t len)
{
    vg_rid_message m;
    vg_error err = {0};
    int rc = vg_rid_decode_message(b, len, &m, &err);
    if (rc != 0)
        fail_msg("decode failed (%d): %s", rc, err.msg);
    return m;
}

/* Re-encoding a decoded message gives back the original bytes (all KAT vectors
 * have zero reserved bits). */
static void assert_reencodes(const vg_rid_message *m, const uint8_t *want)
{
    uint8_t out[VG_RID_MSG_LEN];
    vg_error err = {0};
    int rc = vg_rid_encode_message(m, out, &err);
    if (rc != 0)
        fail_msg("encode failed (%d): %s", rc, err.msg);
    assert_bytes(out, want, VG_RID_MSG_LEN);
}

/* An error carries the code, and a message that starts with the layer name. */
static void assert_error(int rc, const vg_error *err, int code, const char *layer)
{
    if (rc != code)
        fail_msg("rc %d (%s), expected %d; message: %s", rc, vg_strerror(rc), code, err->msg);
    assert_int_equal(err->code, code);
    size_t l = strlen(layer);
    if (strncmp(err->msg, layer, l) != 0 || strncmp(err->msg + l, ": ", 2) != 0 ||
        strlen(err->msg) <= l + 2)
        fail_msg("message \"%s\" does not start with \"%s: \"", err->msg, layer);
}

/* ---- Known-answer vectors -------------------------------------------------------- */

static const uint8_t LOC_V2[25] = {
    0x12,                   /* type 1 Location, protocol version 2 */
    0x24,                   /* status 2 airborne | reserved 0 | height type 1 (AGL) | E/W 0 | mult 0 */
    0x5A,                   /* direction 90 (east half: 90°) */
    0x32,                   /* speed 50 × 0.25 = 12.5 m/s */
    0x05,                   /* vertical speed +5 × 0.5 = +2.5 m/s */
    0x1B, 0x2E, 0x1F, 0x1D, /* latitude 488582683 × 1e-7 = 48.8582683 */
    0x2A, 0x1C, 0x5E, 0x01, /* longitude 22944810 × 1e-7 = 2.2944810 */
    0xC1, 0x08,             /* pressure altitude 2241 × 0.5 − 1000 = 120.5 m */
    0x1A, 0x09,             /* geodetic altitude 2330 → 165.0 m */
    0xC0, 0x08,             /* height 2240 → 120.0 m */
    0x4A,                   /* vertical accuracy 4 (< 10 m) | horizontal accuracy 10 (< 10 m) */
    0x32,                   /* baro accuracy 3 (< 25 m) | speed accuracy 2 (< 3 m/s) */
    0x39, 0x30,             /* time 12345 tenths = 1234.5 s past the hour */
    0x02,                   /* reserved | time accuracy 2 (0.2 s) */
    0x00,                   /* reserved */
};

static void test_location_known_answer_multiplier_off(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(LOC_V2, sizeof LOC_V2);
    assert_int_equal(m.type, VG_RID_LOCATION);
    const vg_rid_location *l = &m.u.location;
    assert_int_equal(l->version, 2);
    assert_int_equal(l->status, VG_RID_STATUS_AIRBORNE);
    assert_int_equal(l->height_type, VG_RID_HEIGHT_OVER_GROUND);
    assert_true(l->has_direction);
    assert_near(l->direction_deg, 90, 0);
    assert_true(l->has_speed);
    assert_near(l->speed_mps, 12.5, 0);
    assert_true(l->has_vspeed);
    assert_near(l->vspeed_mps, 2.5, 0);
    assert_true(l->has_position);
    assert_true(l->lat == 48.8582683); /* the double nearest the decimal */
    assert_true(l->lon == 2.294481);
    assert_true(l->has_pressure_alt && l->has_geodetic_alt && l->has_height);
    assert_near(l->pressure_alt_m, 120.5, 0);
    assert_near(l->geodetic_alt_m, 165, 0);
    assert_near(l->height_m, 120, 0);
    assert_int_equal(l->v_accuracy, 4);
    assert_int_equal(l->h_accuracy, 10);
    assert_int_equal(l->baro_accuracy, 3);
    assert_int_equal(l->speed_accuracy, 2);
    assert_int_equal(l->time_accuracy, 2);
    assert_true(l->has_time);
    assert_int_equal(l->time_ds, 12345);
    assert_reencodes(&m, LOC_V2);
}

static const uint8_t LOC_V1_WEST_FAST[25] = {
    0x11,                   /* Location, version 1 */
    0x13,                   /* status 1 ground | height type 0 (take-off) | E/W 1 | mult 1 */
    0x5A,                   /* 90 + 180 (E/W set) = 270° */
    0x30,                   /* 63.75 + 48 × 0.75 = 99.75 m/s (multiplier) */
    0xF9,                   /* −7 × 0.5 = −3.5 m/s (descending) */
    0x2E, 0xDD, 0xD1, 0xEB, /* latitude −338567890 → −33.8567890 */
    0xF0, 0x93, 0x21, 0x5A, /* longitude 1512150000 → 151.2150000 */
    0x00, 0x00,             /* pressure altitude unknown */
    0xFC, 0x08,             /* geodetic altitude 2300 → 150.0 m */
    0x0C, 0x08,             /* height 2060 → 30.0 m */
    0x00, 0x00,             /* accuracies unknown */
    0xFF, 0xFF,             /* time unknown */
    0x00, 0x00,             /* time accuracy unknown, reserved */
};

static void test_location_multiplier_west_and_descending(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(LOC_V1_WEST_FAST, 25);
    const vg_rid_location *l = &m.u.location;
    assert_int_equal(l->version, 1);
    assert_int_equal(l->status, VG_RID_STATUS_GROUND);
    assert_int_equal(l->height_type, VG_RID_HEIGHT_OVER_TAKEOFF);
    assert_near(l->direction_deg, 270, 0);
    assert_near(l->speed_mps, 99.75, 0);
    assert_near(l->vspeed_mps, -3.5, 0);
    assert_true(l->lat == -33.856789);
    assert_true(l->lon == 151.215);
    assert_false(l->has_pressure_alt);
    assert_near(l->pressure_alt_m, 0, 0);
    assert_near(l->geodetic_alt_m, 150, 0);
    assert_near(l->height_m, 30, 0);
    assert_false(l->has_time);
    assert_reencodes(&m, LOC_V1_WEST_FAST);
}

static const uint8_t LOC_V0_UNKNOWN[25] = {
    0x10,                   /* Location, version 0 (F3411-19) */
    0x03,                   /* status 0 undeclared | E/W 1 | mult 1 */
    0xB5,                   /* 181 + 180 = 361: direction unknown */
    0xFF,                   /* 255 with multiplier = 255 m/s: speed unknown */
    0x7E,                   /* 126 × 0.5 = 63 m/s: vertical speed unknown */
    0, 0, 0, 0, 0, 0, 0, 0, /* latitude 0 and longitude 0: position unknown */
    0, 0, 0, 0, 0, 0,       /* three altitudes 0 → −1000 m: unknown */
    0, 0,                   /* accuracies unknown */
    0xFF, 0xFF,             /* time unknown */
    0, 0,
};

static void test_location_unknown_values_round_trip(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(LOC_V0_UNKNOWN, 25);
    const vg_rid_location *l = &m.u.location;
    assert_int_equal(l->version, 0);
    assert_false(l->has_direction);
    assert_false(l->has_speed);
    assert_false(l->has_vspeed);
    assert_false(l->has_position);
    assert_false(l->has_pressure_alt);
    assert_false(l->has_geodetic_alt);
    assert_false(l->has_height);
    assert_false(l->has_time);
    assert_reencodes(&m, LOC_V0_UNKNOWN);
    /* A zero-initialised struct with every has_* false encodes to the same. */
    vg_rid_message z = {.type = VG_RID_LOCATION};
    assert_reencodes(&z, LOC_V0_UNKNOWN);
}

static void test_location_edge_values(void **state)
{
    (void)state;
    uint8_t b[25];
    memcpy(b, LOC_V2, 25);
    /* Altitude limits: raw 1 is the lowest known altitude, 0xFFFF the highest. */
    b[13] = 0x01, b[14] = 0x00;
    b[15] = 0xFF, b[16] = 0xFF;
    vg_rid_message m = decode_ok(b, 25);
    assert_true(m.u.location.has_pressure_alt);
    assert_near(m.u.location.pressure_alt_m, -999.5, 0);
    assert_near(m.u.location.geodetic_alt_m, 31767.5, 0);
    assert_reencodes(&m, b);
    /* Speed byte 255 without the multiplier is 63.75 m/s, a real speed. */
    b[3] = 0xFF;
    m = decode_ok(b, 25);
    assert_true(m.u.location.has_speed);
    assert_near(m.u.location.speed_mps, 63.75, 0);
    /* Multiplier with 254: the top speed, 254.25 m/s. */
    b[1] |= 0x01, b[3] = 0xFE;
    m = decode_ok(b, 25);
    assert_near(m.u.location.speed_mps, 254.25, 0);
    assert_reencodes(&m, b);
    /* Vertical speed beyond ±62 m/s (raw 125, 127, −128) is clamped. */
    b[4] = 0x7F;
    assert_near(decode_ok(b, 25).u.location.vspeed_mps, 62, 0);
    b[4] = 0x7D;
    assert_near(decode_ok(b, 25).u.location.vspeed_mps, 62, 0);
    b[4] = 0x80;
    assert_near(decode_ok(b, 25).u.location.vspeed_mps, -62, 0);
    b[4] = 0x84; /* −124 → −62, the lowest value on the grid */
    assert_near(decode_ok(b, 25).u.location.vspeed_mps, -62, 0);
    /* Direction 180 + 180 = 360 is north; 182 + 180 = 362 is no direction. */
    b[1] |= 0x02, b[2] = 180;
    m = decode_ok(b, 25);
    assert_true(m.u.location.has_direction);
    assert_near(m.u.location.direction_deg, 0, 0);
    b[2] = 182;
    assert_false(decode_ok(b, 25).u.location.has_direction);
    /* Without E/W, 200 is still 200° (never written by an encoder, but meaningful). */
    b[1] &= (uint8_t)~0x02, b[2] = 200;
    assert_near(decode_ok(b, 25).u.location.direction_deg, 200, 0);
    /* Time 36000 (the full hour) is the last valid value. */
    b[21] = 0xA0, b[22] = 0x8C;
    assert_int_equal(decode_ok(b, 25).u.location.time_ds, 36000);
    /* Latitude 0 with a non-zero longitude is a real position (the equator). */
    memset(b + 5, 0, 4);
    assert_true(decode_ok(b, 25).u.location.has_position);
    /* Reserved bits (byte 1 bit 3, byte 23 high nibble, byte 24) are ignored. */
    memcpy(b, LOC_V2, 25);
    b[1] |= 0x08, b[23] |= 0xF0, b[24] = 0xAA;
    vg_rid_message a = decode_ok(b, 25), c = decode_ok(LOC_V2, 25);
    assert_true(vg_rid_message_equal(&a, &c));
}

/* Basic ID, one vector per ID type. */
static const uint8_t BASIC_SERIAL[25] = {
    0x02,                                     /* Basic ID, version 2 */
    0x12,                                     /* ID type 1 serial (CTA-2063-A) | UA type 2 multirotor */
    '1', '5', '8', '1', 'F', '5', 'B', 'K', 'D', '1', /* "1581" manufacturer code, */
    '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', /* "F" = 15 characters follow */
    0, 0, 0,                                  /* reserved */
};
static const uint8_t BASIC_CAA[25] = {
    0x01,                                     /* Basic ID, version 1 */
    0x21,                                     /* ID type 2 CAA registration | UA type 1 aeroplane */
    'F', 'R', 'A', '8', '7', 'o', 'c', 'm', 'r', '7', 'g', '4', 'x', 'l', 'c', '9',
    0, 0, 0, 0,                               /* NUL padding to 20 bytes */
    0, 0, 0,
};
static const uint8_t BASIC_UUID[25] = {
    0x02,
    0x32,                                     /* ID type 3 UTM-assigned UUID | multirotor */
    0x3f, 0x2a, 0x8c, 0x10, 0x5e, 0x4b, 0x4d, 0x1a, /* 16-byte binary UUID */
    0x9b, 0x07, 0xc4, 0xd2, 0x11, 0xee, 0x80, 0x01,
    0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t BASIC_SESSION[25] = {
    0x02,
    0x4F,                                     /* ID type 4 specific session | UA type 15 other */
    0xE1,                                     /* session ID type 225 (private use) */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13,             /* 19 binary bytes */
    0, 0, 0,
};

static void test_basic_id_each_id_type(void **state)
{
    (void)state;
    char text[64];
    vg_rid_message m = decode_ok(BASIC_SERIAL, 25);
    assert_int_equal(m.type, VG_RID_BASIC_ID);
    assert_int_equal(m.u.basic_id.version, 2);
    assert_int_equal(m.u.basic_id.id_type, VG_RID_IDT_SERIAL);
    assert_int_equal(m.u.basic_id.ua_type, 2);
    vg_rid_text(m.u.basic_id.uas_id, VG_RID_ID_LEN, false, text, sizeof text);
    assert_string_equal(text, "1581F5BKD123456789AB");
    assert_reencodes(&m, BASIC_SERIAL);

    m = decode_ok(BASIC_CAA, 25);
    assert_int_equal(m.u.basic_id.id_type, VG_RID_IDT_CAA);
    assert_int_equal(m.u.basic_id.ua_type, 1);
    vg_rid_text(m.u.basic_id.uas_id, VG_RID_ID_LEN, false, text, sizeof text);
    assert_string_equal(text, "FRA87ocmr7g4xlc9");
    assert_reencodes(&m, BASIC_CAA);

    m = decode_ok(BASIC_UUID, 25);
    assert_int_equal(m.u.basic_id.id_type, VG_RID_IDT_UTM_UUID);
    vg_rid_text(m.u.basic_id.uas_id, VG_RID_ID_LEN, true, text, sizeof text);
    assert_string_equal(text, "3f2a8c105e4b4d1a9b07c4d211ee8001");
    assert_reencodes(&m, BASIC_UUID);

    m = decode_ok(BASIC_SESSION, 25);
    assert_int_equal(m.u.basic_id.id_type, VG_RID_IDT_SESSION);
    assert_int_equal(m.u.basic_id.ua_type, 15);
    assert_int_equal(m.u.basic_id.uas_id[0], 0xE1);
    assert_reencodes(&m, BASIC_SESSION);

    static const uint8_t none[25] = {0x02, 0x00}; /* ID type 0 none, UA type 0 */
    m = decode_ok(none, 25);
    assert_int_equal(m.u.basic_id.id_type, VG_RID_IDT_NONE);
    assert_int_equal(vg_rid_text(m.u.basic_id.uas_id, VG_RID_ID_LEN, false, text, sizeof text), 0);
    assert_string_equal(text, "");
}

static const uint8_t AUTH_P0_V2[25] = {
    0x22,                   /* Authentication, version 2 */
    0x10,                   /* auth type 1 (UAS ID signature) | page 0 */
    0x02,                   /* last page index 2: pages 0, 1, 2 */
    0x3F,                   /* length 63 = 17 + 23 + 23 */
    0x98, 0x2F, 0x79, 0x0A, /* 175714200 s after 2019-01-01 = 2024-07-26T17:30:00Z */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, /* 17 data bytes */
    0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
};

static void test_auth_page_zero_and_later_pages(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(AUTH_P0_V2, 25);
    assert_int_equal(m.type, VG_RID_AUTH);
    const vg_rid_auth *a = &m.u.auth;
    assert_int_equal(a->version, 2);
    assert_int_equal(a->auth_type, 1);
    assert_int_equal(a->page, 0);
    assert_int_equal(a->last_page, 2);
    assert_int_equal(a->length, 63);
    assert_true(a->has_timestamp);
    assert_true(a->timestamp == T_1730);
    assert_int_equal(a->data_len, 17);
    assert_int_equal(a->data[0], 0x01);
    assert_int_equal(a->data[16], 0x11);
    assert_int_equal(a->data[17], 0); /* past data_len: zero */
    assert_reencodes(&m, AUTH_P0_V2);

    /* F3411-19 (version 0) sends the page COUNT in byte 2: 3 pages → last index 2. */
    uint8_t v0[25];
    memcpy(v0, AUTH_P0_V2, 25);
    v0[0] = 0x20, v0[2] = 0x03;
    vg_rid_message m0 = decode_ok(v0, 25);
    assert_int_equal(m0.u.auth.version, 0);
    assert_int_equal(m0.u.auth.last_page, 2);
    assert_reencodes(&m0, v0);

    static const uint8_t p1[25] = {
        0x22,                                     /* Authentication, version 2 */
        0x11,                                     /* auth type 1 | page 1 */
        0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
        0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, /* 23 data bytes */
    };
    m = decode_ok(p1, 25);
    a = &m.u.auth;
    assert_int_equal(a->page, 1);
    assert_int_equal(a->data_len, 23);
    assert_int_equal(a->data[0], 0x20);
    assert_int_equal(a->data[22], 0x36);
    assert_int_equal(a->last_page, 0);
    assert_false(a->has_timestamp);
    assert_reencodes(&m, p1);

    /* Page 15 is valid from version 1; in version 0 pages stop at 4. */
    uint8_t b[25];
    memcpy(b, p1, 25);
    b[1] = 0x1F;
    assert_int_equal(decode_ok(b, 25).u.auth.page, 15);
    b[0] = 0x20, b[1] = 0x15;
    vg_rid_message out;
    vg_error err = {0};
    assert_error(vg_rid_decode_message(b, 25, &out, &err), &err, VG_ERANGE, "auth");
    /* Length beyond what the pages hold: 17 + 2 × 23 = 63 < 64. */
    memcpy(b, AUTH_P0_V2, 25);
    b[3] = 64;
    assert_error(vg_rid_decode_message(b, 25, &out, &err), &err, VG_ERANGE, "auth");
    memcpy(b, AUTH_P0_V2, 25);
    b[2] = 16; /* last page index 16 */
    assert_error(vg_rid_decode_message(b, 25, &out, &err), &err, VG_ERANGE, "auth");
    memcpy(b, v0, 25);
    b[2] = 0; /* version 0, page count 0 */
    assert_error(vg_rid_decode_message(b, 25, &out, &err), &err, VG_ERANGE, "auth");
}

static const uint8_t SELF_ID[25] = {
    0x32, /* Self-ID, version 2 */
    0x00, /* description type 0: text */
    'S', 'u', 'r', 'v', 'e', 'y', ' ', 'o', 'f', ' ', 't', 'h', 'e', ' ', 'S', 'e', 'i', 'n',
    'e', 0, 0, 0, 0, /* 19 characters, NUL padding */
};

static void test_self_id(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(SELF_ID, 25);
    assert_int_equal(m.type, VG_RID_SELF_ID);
    assert_int_equal(m.u.self_id.desc_type, VG_RID_DESC_TEXT);
    char text[64];
    vg_rid_text(m.u.self_id.desc, VG_RID_TEXT_LEN, false, text, sizeof text);
    assert_string_equal(text, "Survey of the Seine");
    assert_reencodes(&m, SELF_ID);
    uint8_t b[25];
    memcpy(b, SELF_ID, 25);
    b[1] = VG_RID_DESC_EMERGENCY; /* version 2 enumeration value, kept raw */
    assert_int_equal(decode_ok(b, 25).u.self_id.desc_type, 1);
}

static const uint8_t SYSTEM_V2[25] = {
    0x42,                   /* System, version 2 */
    0x05,                   /* reserved | classification 1 (EU) | operator location 1 (live GNSS) */
    0xA8, 0x75, 0x1F, 0x1D, /* operator latitude 488601000 → 48.8601 */
    0x70, 0x30, 0x5E, 0x01, /* operator longitude 22950000 → 2.295 */
    0x01, 0x00,             /* area count 1 */
    0x00,                   /* area radius 0 */
    0x00, 0x00,             /* area ceiling unknown */
    0x00, 0x00,             /* area floor unknown */
    0x12,                   /* EU category 1 (open) | EU class 2 (C1) */
    0x17, 0x08,             /* operator geodetic altitude 2071 → 35.5 m */
    0x96, 0x2F, 0x79, 0x0A, /* 175714198 s after 2019 = 2024-07-26T17:29:58Z */
    0x00,                   /* reserved */
};

static void test_system_versions(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(SYSTEM_V2, 25);
    assert_int_equal(m.type, VG_RID_SYSTEM);
    const vg_rid_system *s = &m.u.system;
    assert_int_equal(s->version, 2);
    assert_int_equal(s->operator_location_type, VG_RID_OPLOC_LIVE_GNSS);
    assert_int_equal(s->classification_type, VG_RID_CLASSIF_EU);
    assert_true(s->has_operator_position);
    assert_true(s->operator_lat == 48.8601);
    assert_true(s->operator_lon == 2.295);
    assert_int_equal(s->area_count, 1);
    assert_int_equal(s->area_radius_m, 0);
    assert_false(s->has_area_ceiling);
    assert_false(s->has_area_floor);
    assert_int_equal(s->category_eu, 1);
    assert_int_equal(s->class_eu, 2);
    assert_true(s->has_operator_alt);
    assert_near(s->operator_alt_m, 35.5, 0);
    assert_true(s->has_timestamp);
    assert_true(s->timestamp == T_1730 - 2 * VG_TIME_S);
    assert_reencodes(&m, SYSTEM_V2);

    /* Version 1 (F3411-20): bytes 20-23 are reserved — no timestamp. */
    uint8_t b[25];
    memcpy(b, SYSTEM_V2, 25);
    b[0] = 0x41;
    m = decode_ok(b, 25);
    assert_int_equal(m.u.system.classification_type, VG_RID_CLASSIF_EU);
    assert_true(m.u.system.has_operator_alt);
    assert_false(m.u.system.has_timestamp);
    /* Version 0 (F3411-19): classification and bytes 17-24 reserved too. */
    b[0] = 0x40;
    m = decode_ok(b, 25);
    assert_int_equal(m.u.system.operator_location_type, VG_RID_OPLOC_LIVE_GNSS);
    assert_int_equal(m.u.system.classification_type, 0);
    assert_int_equal(m.u.system.category_eu, 0);
    assert_int_equal(m.u.system.class_eu, 0);
    assert_false(m.u.system.has_operator_alt);
    assert_false(m.u.system.has_timestamp);
    assert_true(m.u.system.has_operator_position);
    static const uint8_t v0_encoded[25] = {
        0x40, 0x01, 0xA8, 0x75, 0x1F, 0x1D, 0x70, 0x30, 0x5E, 0x01, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, /* bytes 17-24 zero: reserved in version 0 */
    };
    assert_reencodes(&m, v0_encoded);
    /* Area radius byte × 10 m, ceiling and floor in the altitude encoding. */
    memcpy(b, SYSTEM_V2, 25);
    b[12] = 0xFF, b[13] = 0xC0, b[14] = 0x08, b[15] = 0x0C, b[16] = 0x08, b[1] |= 0xE0;
    m = decode_ok(b, 25);
    assert_int_equal(m.u.system.area_radius_m, 2550);
    assert_near(m.u.system.area_ceiling_m, 120, 0);
    assert_near(m.u.system.area_floor_m, 30, 0);
    assert_int_equal(m.u.system.classification_type, VG_RID_CLASSIF_EU); /* bits 7-5 ignored */
}

static const uint8_t OPERATOR_ID[25] = {
    0x52, /* Operator ID, version 2 */
    0x00, /* operator ID type 0: operator registration ID */
    'F', 'R', 'A', 'm', 'w', '3', 'j', 'd', 'x', '5', 'n', '9', 'e', '2', 'v', 'k',
    0, 0, 0, 0, /* NUL padding to 20 bytes */
    0, 0, 0,    /* reserved */
};

static void test_operator_id(void **state)
{
    (void)state;
    vg_rid_message m = decode_ok(OPERATOR_ID, 25);
    assert_int_equal(m.type, VG_RID_OPERATOR_ID);
    assert_int_equal(m.u.operator_id.id_type, 0);
    char text[64];
    vg_rid_text(m.u.operator_id.id, VG_RID_ID_LEN, false, text, sizeof text);
    assert_string_equal(text, "FRAmw3jdx5n9e2vk");
    assert_reencodes(&m, OPERATOR_ID);
}

static void test_pack_of_several_types(void **state)
{
    (void)state;
    uint8_t pack[3 + 4 * 25 + 2];
    pack[0] = 0xF2; /* message pack, version 2 */
    pack[1] = 0x19; /* message size 25 */
    pack[2] = 0x04; /* 4 messages */
    memcpy(pack + 3, BASIC_SERIAL, 25);
    memcpy(pack + 28, LOC_V2, 25);
    memcpy(pack + 53, SYSTEM_V2, 25);
    memcpy(pack + 78, OPERATOR_ID, 25);
    pack[103] = pack[104] = 0; /* transport padding after the pack */
    vg_rid_pack p;
    vg_error err = {0};
    size_t used = 0;
    assert_int_equal(vg_rid_decode_pack(pack, sizeof pack, &p, &used, &err), 0);
    assert_int_equal(used, 103);
    assert_int_equal(p.version, 2);
    assert_int_equal(p.count, 4);
    assert_int_equal(p.msgs[0].type, VG_RID_BASIC_ID);
    assert_int_equal(p.msgs[1].type, VG_RID_LOCATION);
    assert_int_equal(p.msgs[2].type, VG_RID_SYSTEM);
    assert_int_equal(p.msgs[3].type, VG_RID_OPERATOR_ID);
    vg_rid_message loc = decode_ok(LOC_V2, 25);
    assert_true(vg_rid_message_equal(&p.msgs[1], &loc));
    uint8_t out[VG_RID_PACK_LEN_MAX];
    size_t n = 0;
    assert_int_equal(vg_rid_encode_pack(&p, out, sizeof out, &n, &err), 0);
    assert_int_equal(n, 103);
    assert_bytes(out, pack, 103);
    /* The generic decoder refuses a pack: it is not one message. */
    vg_rid_message m;
    assert_error(vg_rid_decode_message(pack, sizeof pack, &m, &err), &err, VG_EINVAL, "message");
}

static void test_versions_3_to_14_accepted_15_rejected(void **state)
{
    (void)state;
    uint8_t b[25];
    memcpy(b, SYSTEM_V2, 25);
    b[0] = 0x43; /* a future version: decoded with the version 2 layout, version kept */
    vg_rid_message m = decode_ok(b, 25);
    assert_int_equal(m.u.system.version, 3);
    assert_true(m.u.system.version > VG_RID_VERSION_MAX);
    assert_true(m.u.system.has_timestamp);
    assert_reencodes(&m, b);
    b[0] = 0x4E;
    assert_int_equal(decode_ok(b, 25).u.system.version, 14);
    b[0] = 0x4F; /* 15: private use */
    vg_error err = {0};
    assert_error(vg_rid_decode_message(b, 25, &m, &err), &err, VG_EUNKNOWN, "message");
    uint8_t pack[28] = {0xFF, 25, 1};
    memcpy(pack + 3, LOC_V2, 25);
    vg_rid_pack p;
    assert_error(vg_rid_decode_pack(pack, 28, &p, NULL, &err), &err, VG_EUNKNOWN, "message");
}

/* ---- Encoder quantisation -------------------------------------------------------- */

static vg_rid_location base_location(void)
{
    return (vg_rid_location){.version = 2, .has_direction = true, .has_speed = true,
                             .has_vspeed = true, .has_position = true, .lat = 48.8566,
                             .lon = 2.3522, .has_geodetic_alt = true, .geodetic_alt_m = 100,
                             .has_time = true, .time_ds = 100};
}

static void encode_loc(const vg_rid_location *l, uint8_t out[25])
{
    vg_error err = {0};
    if (vg_rid_encode_location(l, out, &err) != 0)
        fail_msg("encode failed: %s", err.msg);
}

static void test_encoder_quantises_speed(void **state)
{
    (void)state;
    static const struct { double in; uint8_t mult, raw; double out; } cases[] = {
        {12.6, 0, 50, 12.5},     /* 50.4 → 50 */
        {12.63, 0, 51, 12.75},   /* 50.52 → 51 */
        {12.625, 0, 51, 12.75},  /* 50.5: tie away from zero */
        {63.75, 0, 255, 63.75},  /* top of the fine scale */
        {64.0, 0, 255, 63.75},   /* (64 − 63.75) / 0.75 = 0.33 → 0: 63.75, fine scale */
        {64.2, 1, 1, 64.5},      /* 0.6 → 1 */
        {254.25, 1, 254, 254.25},
        {300.0, 1, 254, 254.25}, /* clamped at 254.25 m/s */
        {0.0, 0, 0, 0.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vg_rid_location l = base_location();
        l.speed_mps = cases[i].in;
        uint8_t b[25];
        encode_loc(&l, b);
        assert_int_equal(b[1] & 1, cases[i].mult);
        assert_int_equal(b[3], cases[i].raw);
        assert_near(decode_ok(b, 25).u.location.speed_mps, cases[i].out, 0);
    }
}

static void test_encoder_quantises_direction_and_vertical_speed(void **state)
{
    (void)state;
    static const struct { double in; uint8_t ew, raw; } dirs[] = {
        {0, 0, 0}, {179.4, 0, 179}, {179.5, 1, 0}, {270, 1, 90}, {359.4, 1, 179},
        {359.6, 0, 0}, {360, 0, 0},
    };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        vg_rid_location l = base_location();
        l.direction_deg = dirs[i].in;
        uint8_t b[25];
        encode_loc(&l, b);
        assert_int_equal((b[1] >> 1) & 1, dirs[i].ew);
        assert_int_equal(b[2], dirs[i].raw);
    }
    static const struct { double in; int8_t raw; } vs[] = {
        {-3.26, -7}, {-3.24, -6}, {0.25, 1}, {-0.25, -1}, {61.9, 124}, {100, 124},
        {-100, -124}, {62.0, 124},
    };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        vg_rid_location l = base_location();
        l.vspeed_mps = vs[i].in;
        uint8_t b[25];
        encode_loc(&l, b);
        assert_int_equal((int8_t)b[4], vs[i].raw);
    }
}

static void test_encoder_quantises_position_altitude_time(void **state)
{
    (void)state;
    vg_rid_location l = base_location();
    l.lat = 48.85826834;  /* 488582683.4 → 488582683 */
    l.lon = -0.00000006;  /* −0.6 → −1: nearest, where a cast toward zero gives 0 */
    l.geodetic_alt_m = 120.24; /* 2240.48 → 2240 → 120.0 */
    l.has_height = true;
    l.height_m = 120.25;  /* 2240.5 → 2241 → 120.5 */
    l.has_pressure_alt = true;
    l.pressure_alt_m = -999.75; /* 0.5 → 1, the lowest known altitude */
    uint8_t b[25];
    encode_loc(&l, b);
    assert_int_equal(b[5] | b[6] << 8 | b[7] << 16 | (uint32_t)b[8] << 24, 488582683);
    assert_int_equal((int32_t)(b[9] | b[10] << 8 | b[11] << 16 | (uint32_t)b[12] << 24), -1);
    assert_int_equal(b[15] | b[16] << 8, 2240);
    assert_int_equal(b[17] | b[18] << 8, 2241);
    assert_int_equal(b[13] | b[14] << 8, 1);
    assert_int_equal(b[21] | b[22] << 8, 100);
}

static void test_encoder_rejects_invalid_input(void **state)
{
    (void)state;
    uint8_t b[25];
    vg_error err = {0};
    struct { vg_rid_location l; int code; } cases[12];
    size_t n = 0;
    for (size_t i = 0; i < 12; i++)
        cases[i].l = base_location();
    cases[n].l.lat = 90.5, cases[n++].code = VG_ERANGE;
    cases[n].l.lon = -181, cases[n++].code = VG_ERANGE;
    cases[n].l.lat = 0.00000004, cases[n].l.lon = -0.00000004, cases[n++].code = VG_ERANGE;
    cases[n].l.direction_deg = -1, cases[n++].code = VG_ERANGE;
    cases[n].l.direction_deg = NAN, cases[n++].code = VG_ERANGE;
    cases[n].l.speed_mps = -0.5, cases[n++].code = VG_ERANGE;
    cases[n].l.vspeed_mps = INFINITY, cases[n++].code = VG_ERANGE;
    cases[n].l.geodetic_alt_m = -1000, cases[n++].code = VG_ERANGE; /* the unknown marker */
    cases[n].l.geodetic_alt_m = 31768, cases[n++].code = VG_ERANGE;
    cases[n].l.time_ds = 36001, cases[n++].code = VG_ERANGE;
    cases[n].l.status = 16, cases[n++].code = VG_EINVAL;
    cases[n].l.version = 15, cases[n++].code = VG_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int rc = vg_rid_encode_location(&cases[i].l, b, &err);
        if (rc != cases[i].code)
            fail_msg("case %zu: rc %d, expected %d (%s)", i, rc, cases[i].code, err.msg);
        assert_error(rc, &err, cases[i].code, "location");
    }

    vg_rid_system s = {.version = 0, .classification_type = VG_RID_CLASSIF_EU};
    assert_error(vg_rid_encode_system(&s, b, &err), &err, VG_EINVAL, "system");
    s = (vg_rid_system){.version = 1, .has_timestamp = true, .timestamp = T_1730};
    assert_error(vg_rid_encode_system(&s, b, &err), &err, VG_EINVAL, "system");
    s = (vg_rid_system){.version = 2, .area_radius_m = 2560};
    assert_error(vg_rid_encode_system(&s, b, &err), &err, VG_ERANGE, "system");
    s = (vg_rid_system){.version = 2, .has_timestamp = true, .timestamp = 0};
    assert_error(vg_rid_encode_system(&s, b, &err), &err, VG_ERANGE, "system");
    s = (vg_rid_system){.version = 2, .operator_location_type = 4};
    assert_error(vg_rid_encode_system(&s, b, &err), &err, VG_EINVAL, "system");

    vg_rid_auth a = {.version = 0, .page = 5, .data_len = 23};
    assert_error(vg_rid_encode_auth(&a, b, &err), &err, VG_EINVAL, "auth");
    a = (vg_rid_auth){.version = 2, .page = 0, .data_len = 23};
    assert_error(vg_rid_encode_auth(&a, b, &err), &err, VG_EINVAL, "auth");
    a = (vg_rid_auth){.version = 2, .page = 0, .data_len = 17, .last_page = 1, .length = 41};
    assert_error(vg_rid_encode_auth(&a, b, &err), &err, VG_ERANGE, "auth");

    vg_rid_basic_id bi = {.version = 2, .id_type = 16};
    assert_error(vg_rid_encode_basic_id(&bi, b, &err), &err, VG_EINVAL, "basic_id");

    vg_rid_pack p = {.version = 2, .count = 0};
    uint8_t out[VG_RID_PACK_LEN_MAX];
    assert_error(vg_rid_encode_pack(&p, out, sizeof out, NULL, &err), &err, VG_EINVAL, "pack");
    p.count = 10;
    assert_error(vg_rid_encode_pack(&p, out, sizeof out, NULL, &err), &err, VG_EINVAL, "pack");
    p.count = 2;
    p.msgs[0] = decode_ok(LOC_V2, 25);
    p.msgs[1] = decode_ok(SELF_ID, 25);
    assert_error(vg_rid_encode_pack(&p, out, 52, NULL, &err), &err, VG_ETOOBIG, "pack");
    p.msgs[1].type = VG_RID_PACK;
    assert_error(vg_rid_encode_pack(&p, out, sizeof out, NULL, &err), &err, VG_EINVAL, "message");
    assert_contains(err.msg, "(pack message 2 of 2)");
}

/* ---- Property: encode → decode over random valid messages --------------------------- */

#define ROUNDS 10000

static void fill_random(uint64_t *s, uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)th_next(s);
}

static bool chance(uint64_t *s, unsigned percent)
{
    return th_next(s) % 100 < percent;
}

static vg_rid_message random_message(uint64_t *s, vg_rid_type type)
{
    vg_rid_message m;
    memset(&m, 0, sizeof m);
    m.type = type;
    uint8_t version = (uint8_t)(th_next(s) % 3);
    switch (type) {
    case VG_RID_BASIC_ID:
        m.u.basic_id.version = version;
        m.u.basic_id.id_type = (uint8_t)(th_next(s) % 16);
        m.u.basic_id.ua_type = (uint8_t)(th_next(s) % 16);
        fill_random(s, m.u.basic_id.uas_id, VG_RID_ID_LEN);
        break;
    case VG_RID_LOCATION: {
        vg_rid_location *l = &m.u.location;
        l->version = version;
        l->status = (uint8_t)(th_next(s) % 16);
        l->height_type = (uint8_t)(th_next(s) % 2);
        l->has_direction = chance(s, 90);
        l->direction_deg = l->has_direction ? th_uniform(s, 0, 360) : 0;
        l->has_speed = chance(s, 90);
        l->speed_mps = l->has_speed ? th_uniform(s, 0, 270) : 0;
        l->has_vspeed = chance(s, 90);
        l->vspeed_mps = l->has_vspeed ? th_uniform(s, -70, 70) : 0;
        l->has_position = chance(s, 90);
        l->lat = l->has_position ? th_uniform(s, -90, 90) : 0;
        l->lon = l->has_position ? th_uniform(s, -180, 180) : 0;
        l->has_pressure_alt = chance(s, 80);
        l->pressure_alt_m = l->has_pressure_alt ? th_uniform(s, -999.7, 31767.5) : 0;
        l->has_geodetic_alt = chance(s, 80);
        l->geodetic_alt_m = l->has_geodetic_alt ? th_uniform(s, -999.7, 31767.5) : 0;
        l->has_height = chance(s, 80);
        l->height_m = l->has_height ? th_uniform(s, -999.7, 31767.5) : 0;
        l->h_accuracy = (uint8_t)(th_next(s) % 16);
        l->v_accuracy = (uint8_t)(th_next(s) % 16);
        l->baro_accuracy = (uint8_t)(th_next(s) % 16);
        l->speed_accuracy = (uint8_t)(th_next(s) % 16);
        l->time_accuracy = (uint8_t)(th_next(s) % 16);
        l->has_time = chance(s, 90);
        l->time_ds = l->has_time ? (uint16_t)(th_next(s) % 36001) : 0;
        break;
    }
    case VG_RID_AUTH: {
        vg_rid_auth *a = &m.u.auth;
        a->version = version;
        a->auth_type = (uint8_t)(th_next(s) % 16);
        a->page = (uint8_t)(th_next(s) % (version == 0 ? 5 : 16));
        if (a->page == 0) {
            a->last_page = (uint8_t)(th_next(s) % (version == 0 ? 5 : 16));
            unsigned room = 17 + 23u * a->last_page;
            a->length = (uint8_t)(th_next(s) % ((room < 255 ? room : 255) + 1));
            a->has_timestamp = chance(s, 80);
            a->timestamp = a->has_timestamp
                               ? ((vg_time)VG_RID_EPOCH_2019 + 1 + (vg_time)(th_next(s) % 0xfffffffeu)) *
                                     VG_TIME_S
                               : 0;
            a->data_len = 17;
        } else {
            a->data_len = 23;
        }
        fill_random(s, a->data, a->data_len);
        break;
    }
    case VG_RID_SELF_ID:
        m.u.self_id.version = version;
        m.u.self_id.desc_type = (uint8_t)th_next(s);
        fill_random(s, m.u.self_id.desc, VG_RID_TEXT_LEN);
        break;
    case VG_RID_SYSTEM: {
        vg_rid_system *y = &m.u.system;
        y->version = version;
        y->operator_location_type = (uint8_t)(th_next(s) % 4);
        y->has_operator_position = chance(s, 90);
        y->operator_lat = y->has_operator_position ? th_uniform(s, -90, 90) : 0;
        y->operator_lon = y->has_operator_position ? th_uniform(s, -180, 180) : 0;
        y->area_count = (uint16_t)th_next(s);
        y->area_radius_m = (uint16_t)(th_next(s) % 256 * 10);
        y->has_area_ceiling = chance(s, 50);
        y->area_ceiling_m = y->has_area_ceiling ? th_uniform(s, -999.7, 31767.5) : 0;
        y->has_area_floor = chance(s, 50);
        y->area_floor_m = y->has_area_floor ? th_uniform(s, -999.7, 31767.5) : 0;
        if (version >= 1) {
            y->classification_type = (uint8_t)(th_next(s) % 8);
            y->category_eu = (uint8_t)(th_next(s) % 16);
            y->class_eu = (uint8_t)(th_next(s) % 16);
            y->has_operator_alt = chance(s, 80);
            y->operator_alt_m = y->has_operator_alt ? th_uniform(s, -999.7, 31767.5) : 0;
        }
        if (version >= 2) {
            y->has_timestamp = chance(s, 80);
            y->timestamp = y->has_timestamp
                               ? ((vg_time)VG_RID_EPOCH_2019 + 1 + (vg_time)(th_next(s) % 0xfffffffeu)) *
                                     VG_TIME_S
                               : 0;
        }
        break;
    }
    case VG_RID_OPERATOR_ID:
        m.u.operator_id.version = version;
        m.u.operator_id.id_type = (uint8_t)th_next(s);
        fill_random(s, m.u.operator_id.id, VG_RID_ID_LEN);
        break;
    case VG_RID_PACK:
        break;
    }
    return m;
}

/* |got − want| within half a quantisation step (plus rounding noise). */
#define near_q(got, want, step) assert_near((got), (want), (step) / 2 + 1e-9)

static void check_location_quantised(const vg_rid_location *in, const vg_rid_location *out)
{
    if (in->has_direction) {
        double d = fabs(out->direction_deg - in->direction_deg);
        assert_true(d <= 0.5 + 1e-9 || fabs(d - 360) <= 0.5 + 1e-9);
    }
    if (in->has_speed) {
        double v = in->speed_mps > 254.25 ? 254.25 : in->speed_mps;
        near_q(out->speed_mps, v, v <= 63.75 ? 0.25 : 0.75);
    }
    if (in->has_vspeed) {
        double v = in->vspeed_mps > 62 ? 62 : in->vspeed_mps < -62 ? -62 : in->vspeed_mps;
        near_q(out->vspeed_mps, v, 0.5);
    }
    if (in->has_position) {
        near_q(out->lat, in->lat, 1e-7);
        near_q(out->lon, in->lon, 1e-7);
    }
    if (in->has_geodetic_alt)
        near_q(out->geodetic_alt_m, in->geodetic_alt_m, 0.5);
    if (in->has_pressure_alt)
        near_q(out->pressure_alt_m, in->pressure_alt_m, 0.5);
    if (in->has_height)
        near_q(out->height_m, in->height_m, 0.5);
    assert_int_equal(out->has_direction, in->has_direction);
    assert_int_equal(out->has_speed, in->has_speed);
    assert_int_equal(out->has_vspeed, in->has_vspeed);
    assert_int_equal(out->has_position, in->has_position);
    assert_int_equal(out->time_ds, in->time_ds);
    assert_int_equal(out->status, in->status);
    assert_int_equal(out->h_accuracy, in->h_accuracy);
    assert_int_equal(out->time_accuracy, in->time_accuracy);
}

static void test_round_trip_random_messages(void **state)
{
    (void)state;
    static const vg_rid_type types[] = {VG_RID_BASIC_ID, VG_RID_LOCATION, VG_RID_AUTH,
                                        VG_RID_SELF_ID, VG_RID_SYSTEM, VG_RID_OPERATOR_ID};
    uint64_t seed = 0x5e1e2024;
    for (size_t t = 0; t < 6; t++) {
        for (int i = 0; i < ROUNDS; i++) {
            vg_rid_message in = random_message(&seed, types[t]), out, again;
            uint8_t b[25], b2[25];
            vg_error err = {0};
            if (vg_rid_encode_message(&in, b, &err) != 0)
                fail_msg("type %d round %d: encode: %s", types[t], i, err.msg);
            if (vg_rid_decode_message(b, 25, &out, &err) != 0)
                fail_msg("type %d round %d: decode: %s", types[t], i, err.msg);
            if (types[t] == VG_RID_LOCATION) {
                check_location_quantised(&in.u.location, &out.u.location);
            } else if (types[t] == VG_RID_SYSTEM) {
                const vg_rid_system *a = &in.u.system, *o = &out.u.system;
                if (a->has_operator_position) {
                    near_q(o->operator_lat, a->operator_lat, 1e-7);
                    near_q(o->operator_lon, a->operator_lon, 1e-7);
                }
                if (a->has_operator_alt)
                    near_q(o->operator_alt_m, a->operator_alt_m, 0.5);
                assert_int_equal(o->area_radius_m, a->area_radius_m);
                assert_true(o->timestamp == a->timestamp);
                assert_int_equal(o->class_eu, a->class_eu);
            } else {
                /* No quantisation in the other types: exact equality. */
                if (!vg_rid_message_equal(&in, &out))
                    fail_msg("type %d round %d: decoded message differs", types[t], i);
            }
            /* Decoded values are on the grid: encoding them again gives the bytes. */
            assert_int_equal(vg_rid_encode_message(&out, b2, &err), 0);
            assert_bytes(b2, b, 25);
            assert_int_equal(vg_rid_decode_message(b2, 25, &again, &err), 0);
            assert_true(vg_rid_message_equal(&out, &again));
        }
    }
}

/* ---- Hostile input --------------------------------------------------------------- */

static void test_truncation_at_every_length(void **state)
{
    (void)state;
    static const struct { const uint8_t *msg; const char *layer; } kinds[] = {
        {BASIC_SERIAL, "basic_id"}, {LOC_V2, "location"}, {AUTH_P0_V2, "auth"},
        {SELF_ID, "self_id"},       {SYSTEM_V2, "system"}, {OPERATOR_ID, "operator_id"},
    };
    for (size_t k = 0; k < 6; k++) {
        for (size_t len = 0; len < 25; len++) {
            /* A heap copy of exactly len bytes, so that ASan sees any overread. */
            uint8_t *b = malloc(len ? len : 1);
            memcpy(b, kinds[k].msg, len);
            vg_rid_message m;
            vg_error err = {0};
            int rc = vg_rid_decode_message(b, len, &m, &err);
            assert_error(rc, &err, VG_ETRUNC, len == 0 ? "message" : kinds[k].layer);
            free(b);
        }
    }
    /* The specific decoders check the length too. */
    vg_rid_location l;
    vg_error err = {0};
    assert_error(vg_rid_decode_location(LOC_V2, 24, &l, &err), &err, VG_ETRUNC, "location");
    assert_contains(err.msg, "24 of 25 bytes");
    /* And the type: a System message is not a Location. */
    assert_error(vg_rid_decode_location(SYSTEM_V2, 25, &l, &err), &err, VG_EINVAL, "location");
}

static void test_unknown_message_types_rejected(void **state)
{
    (void)state;
    for (unsigned t = 6; t <= 14; t++) {
        uint8_t b[25] = {0};
        b[0] = (uint8_t)(t << 4 | 2);
        vg_rid_message m;
        vg_error err = {0};
        assert_error(vg_rid_decode_message(b, 25, &m, &err), &err, VG_EUNKNOWN, "message");
    }
}

static void test_bad_packs_rejected(void **state)
{
    (void)state;
    uint8_t pack[3 + 10 * 25];
    memset(pack, 0, sizeof pack);
    for (int i = 0; i < 10; i++)
        memcpy(pack + 3 + 25 * i, LOC_V2, 25);
    pack[0] = 0xF2, pack[1] = 25;
    vg_rid_pack p;
    vg_error err = {0};

    pack[2] = 3; /* 3 messages need 78 bytes */
    assert_error(vg_rid_decode_pack(pack, 77, &p, NULL, &err), &err, VG_ETRUNC, "pack");
    assert_error(vg_rid_decode_pack(pack, 53, &p, NULL, &err), &err, VG_ETRUNC, "pack");
    assert_int_equal(vg_rid_decode_pack(pack, 78, &p, NULL, &err), 0);
    for (size_t len = 0; len < 3; len++)
        assert_error(vg_rid_decode_pack(pack, len, &p, NULL, &err), &err, VG_ETRUNC, "pack");
    pack[2] = 0;
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_EINVAL, "pack");
    pack[2] = 10;
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_ERANGE, "pack");
    pack[2] = 255;
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_ERANGE, "pack");
    pack[2] = 9;
    assert_int_equal(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), 0);
    assert_int_equal(p.count, 9);
    pack[1] = 24; /* message size must be 25 */
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_EINVAL, "pack");
    pack[1] = 25;
    pack[0] = 0x12; /* not a pack */
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_EINVAL, "pack");
    pack[0] = 0xF2;
    pack[2] = 3;
    pack[3 + 25] = 0xF2; /* a pack inside a pack */
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_EINVAL, "pack");
    pack[3 + 25] = 0x72; /* unknown type 7 */
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_EUNKNOWN,
                 "message");
    assert_contains(err.msg, "(pack message 2 of 3)");
    memcpy(pack + 3 + 25, LOC_V2, 25);
    pack[3 + 50 + 8] = 0x40; /* latitude of message 3: 0x401F2E1B > 90° */
    assert_error(vg_rid_decode_pack(pack, sizeof pack, &p, NULL, &err), &err, VG_ERANGE,
                 "location");
    assert_contains(err.msg, "(pack message 3 of 3)");
}

static void test_out_of_range_fields_rejected(void **state)
{
    (void)state;
    uint8_t b[25];
    vg_rid_message m;
    vg_error err = {0};
    memcpy(b, LOC_V2, 25);
    b[21] = 0xA1, b[22] = 0x8C; /* time 36001 */
    assert_error(vg_rid_decode_message(b, 25, &m, &err), &err, VG_ERANGE, "location");
    memcpy(b, LOC_V2, 25);
    b[12] = 0x80; /* longitude −2^31 + ... < −180° */
    assert_error(vg_rid_decode_message(b, 25, &m, &err), &err, VG_ERANGE, "location");
    memcpy(b, SYSTEM_V2, 25);
    b[5] = 0x7F; /* operator latitude > 90° */
    assert_error(vg_rid_decode_message(b, 25, &m, &err), &err, VG_ERANGE, "system");
    assert_contains(err.msg, "operator latitude");
}

static void test_text_helper(void **state)
{
    (void)state;
    char out[64];
    static const uint8_t mixed[5] = {'A', 0x01, 'B', 0, 0};
    assert_int_equal(vg_rid_text(mixed, 5, false, out, sizeof out), 6);
    assert_string_equal(out, "410142"); /* not printable: hex, trailing NULs dropped */
    static const uint8_t gap[5] = {'A', 0, 'B', 0, 0};
    vg_rid_text(gap, 5, false, out, sizeof out);
    assert_string_equal(out, "410042"); /* text after a NUL is not padding */
    static const uint8_t ok[4] = {'F', 'R', ' ', '1'};
    vg_rid_text(ok, 4, false, out, sizeof out);
    assert_string_equal(out, "FR 1");
    vg_rid_text(ok, 4, false, out, 3); /* truncated to the buffer */
    assert_string_equal(out, "FR");
    assert_string_equal(vg_rid_transport_name(VG_RID_TR_WIFI_NAN), "wifi-nan");
    assert_string_equal(vg_rid_transport_name(VG_RID_TR_COUNT), "invalid");
    assert_near(vg_rid_h_accuracy_m(10), 10, 0);
    assert_near(vg_rid_h_accuracy_m(2), 7408, 0); /* opendroneid's table says 7808: a typo */
    assert_near(vg_rid_h_accuracy_m(13), 0, 0);
    assert_near(vg_rid_v_accuracy_m(3), 25, 0);
    assert_near(vg_rid_speed_accuracy_mps(4), 0.3, 0);
    assert_near(vg_rid_time_accuracy_s(2), 0.2, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_location_known_answer_multiplier_off),
        cmocka_unit_test(test_location_multiplier_west_and_descending),
        cmocka_unit_test(test_location_unknown_values_round_trip),
        cmocka_unit_test(test_location_edge_values),
        cmocka_unit_test(test_basic_id_each_id_type),
        cmocka_unit_test(test_auth_page_zero_and_later_pages),
        cmocka_unit_test(test_self_id),
        cmocka_unit_test(test_system_versions),
        cmocka_unit_test(test_operator_id),
        cmocka_unit_test(test_pack_of_several_types),
        cmocka_unit_test(test_versions_3_to_14_accepted_15_rejected),
        cmocka_unit_test(test_encoder_quantises_speed),
        cmocka_unit_test(test_encoder_quantises_direction_and_vertical_speed),
        cmocka_unit_test(test_encoder_quantises_position_altitude_time),
        cmocka_unit_test(test_encoder_rejects_invalid_input),
        cmocka_unit_test(test_round_trip_random_messages),
        cmocka_unit_test(test_truncation_at_every_length),
        cmocka_unit_test(test_unknown_message_types_rejected),
        cmocka_unit_test(test_bad_packs_rejected),
        cmocka_unit_test(test_out_of_range_fields_rejected),
        cmocka_unit_test(test_text_helper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
