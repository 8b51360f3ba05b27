/* tests/unit/test_frbeacon.c — the French electronic beacon's TLV payload.
 *
 * The known-answer beacon below is written out TLV by TLV from the arrêté of
 * 27 December 2019 as implemented by opendroneid-core-c (wifi.c, frdid_build) and
 * droneID_FR; then the decisions of vigie/frbeacon.h (unknown types skipped,
 * repeats and wrong lengths rejected, mandatory fields), truncation at every
 * length, the encoder's checks, and a random round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/frbeacon.h"

static const uint8_t BEACON[] = {
    0x01, 0x01, 0x01,                         /* type 1 version, length 1: 1 */
    0x02, 0x1E,                               /* type 2 French ID, length 30: */
    'I', 'L', 'L',                            /*   manufacturer trigram */
    'D', 'R', '1',                            /*   model */
    '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', /* serial, 24 characters, */
    '0', '0', '0', '0', '0', '0', '0', '1', '2', '3', '4', '5', /* zero-padded on the left */
    0x03, 0x14,                               /* type 3 ANSI/CTA-2063-A serial, length 20 */
    '1', '5', '8', '1', 'F', '5', 'B', 'K', 'D', '1', '2', '3', '4', '5', '6', '7', '8',
    '9', 'A', 'B',
    0x04, 0x04, 0x00, 0x4A, 0x8D, 0x43,       /* type 4 latitude: 4885827 × 1e-5 = 48.85827 */
    0x05, 0x04, 0x00, 0x03, 0x80, 0x48,       /* type 5 longitude: 229448 → 2.29448 */
    0x06, 0x02, 0x00, 0x50,                   /* type 6 altitude MSL: 80 m */
    0x07, 0x02, 0xFF, 0xFB,                   /* type 7 height above take-off: −5 m */
    0x08, 0x04, 0x00, 0x4A, 0x8D, 0xFA,       /* type 8 take-off latitude: 4886010 → 48.8601 */
    0x09, 0x04, 0x00, 0x03, 0x80, 0x7C,       /* type 9 take-off longitude: 229500 → 2.295 */
    0x0A, 0x01, 0x0C,                         /* type 10 ground speed: 12 m/s */
    0x0B, 0x02, 0x01, 0x38,                   /* type 11 true course: 312° */
};

static void assert_error(int rc, const vg_error *err, int code)
{
    if (rc != code)
        fail_msg("rc %d (%s), expected %d; message: %s", rc, vg_strerror(rc), code, err->msg);
    assert_int_equal(err->code, code);
    if (strncmp(err->msg, "fr-beacon: ", 11) != 0 || strlen(err->msg) <= 11)
        fail_msg("message \"%s\" does not start with \"fr-beacon: \"", err->msg);
}

static vg_frb decode_ok(const uint8_t *b, size_t len)
{
    vg_frb f;
    vg_error err = {0};
    int rc = vg_frb_decode(b, len, &f, &err);
    if (rc != 0)
        fail_msg("decode failed (%d): %s", rc, err.msg);
    return f;
}

static void test_complete_beacon_known_answer(void **state)
{
    (void)state;
    vg_frb f = decode_ok(BEACON, sizeof BEACON);
    assert_int_equal(f.present, (1u << 12) - 2); /* types 1..11 */
    assert_int_equal(f.version, 1);
    assert_string_equal(f.fr_id, "ILLDR1000000000000000000012345");
    assert_string_equal(f.manufacturer, "ILL");
    assert_string_equal(f.model, "DR1");
    assert_string_equal(f.serial, "000000000000000000012345");
    assert_string_equal(f.ansi_id, "1581F5BKD123456789AB");
    assert_true(f.lat == 48.85827);
    assert_true(f.lon == 2.29448);
    assert_int_equal(f.alt_msl_m, 80);
    assert_int_equal(f.height_m, -5);
    assert_true(f.takeoff_lat == 48.8601);
    assert_true(f.takeoff_lon == 2.295);
    assert_int_equal(f.speed_mps, 12);
    assert_int_equal(f.course_deg, 312);

    uint8_t out[VG_FRB_ENCODED_MAX];
    size_t n = 0;
    vg_error err = {0};
    assert_int_equal(vg_frb_encode(&f, out, sizeof out, &n, &err), 0);
    assert_int_equal(n, sizeof BEACON);
    assert_memory_equal(out, BEACON, sizeof BEACON);
}

/* The beacon with TLV `type` removed. */
static size_t without(unsigned type, uint8_t *out)
{
    size_t n = 0;
    for (size_t off = 0; off < sizeof BEACON; off += 2 + BEACON[off + 1])
        if (BEACON[off] != type) {
            memcpy(out + n, BEACON + off, 2 + (size_t)BEACON[off + 1]);
            n += 2 + (size_t)BEACON[off + 1];
        }
    return n;
}

static void test_identifiers(void **state)
{
    (void)state;
    uint8_t b[sizeof BEACON];
    /* ANSI serial alone, French ID alone: either identifier suffices. */
    size_t n = without(VG_FRB_T_FR_ID, b);
    vg_frb f = decode_ok(b, n);
    assert_false(f.present & VG_FRB_HAS(VG_FRB_T_FR_ID));
    assert_string_equal(f.ansi_id, "1581F5BKD123456789AB");
    n = without(VG_FRB_T_ANSI_ID, b);
    f = decode_ok(b, n);
    assert_false(f.present & VG_FRB_HAS(VG_FRB_T_ANSI_ID));
    /* A short French ID NUL-padded to 30 bytes, as opendroneid's frdid_build writes. */
    memcpy(b, BEACON, sizeof BEACON);
    memset(b + 5 + 11, 0, 19); /* keep "ILLDR100000" */
    f = decode_ok(b, sizeof BEACON);
    assert_string_equal(f.fr_id, "ILLDR100000");
    assert_string_equal(f.serial, "00000");
    memset(b + 5 + 2, 0, 28); /* "IL": only part of the trigram */
    f = decode_ok(b, sizeof BEACON);
    assert_string_equal(f.manufacturer, "IL");
    assert_string_equal(f.model, "");
    /* All NUL: no French ID (the ANSI serial remains). */
    memset(b + 5, 0, 30);
    f = decode_ok(b, sizeof BEACON);
    assert_false(f.present & VG_FRB_HAS(VG_FRB_T_FR_ID));
    /* Text after NUL padding, or a control character: not an identifier. */
    vg_error err = {0};
    memcpy(b, BEACON, sizeof BEACON);
    b[5 + 5] = 0;
    assert_error(vg_frb_decode(b, sizeof BEACON, &f, &err), &err, VG_EINVAL);
    memcpy(b, BEACON, sizeof BEACON);
    b[5 + 29] = 0x07;
    assert_error(vg_frb_decode(b, sizeof BEACON, &f, &err), &err, VG_EINVAL);
    memcpy(b, BEACON, sizeof BEACON);
    b[37] = 0xC3; /* first byte of the ANSI serial: not ASCII */
    assert_error(vg_frb_decode(b, sizeof BEACON, &f, &err), &err, VG_EINVAL);
    assert_contains(err.msg, "ANSI");
}

static void test_unknown_types_are_skipped(void **state)
{
    (void)state;
    uint8_t b[sizeof BEACON + 16];
    static const uint8_t extra[] = {
        0x00, 0x00,             /* type 0 (reserved), empty */
        0x0C, 0x03, 1, 2, 3,    /* type 12: a field of a later version */
        0xC8, 0x02, 0xAB, 0xCD, /* type 200 */
    };
    memcpy(b, extra, sizeof extra);
    memcpy(b + sizeof extra, BEACON, sizeof BEACON);
    vg_frb f = decode_ok(b, sizeof extra + sizeof BEACON);
    vg_frb g = decode_ok(BEACON, sizeof BEACON);
    assert_true(vg_frb_equal(&f, &g));
    /* Order does not matter either. */
    uint8_t r[sizeof BEACON];
    size_t n = without(VG_FRB_T_VERSION, r);
    memcpy(r + n, BEACON, 3);
    f = decode_ok(r, sizeof BEACON);
    assert_true(vg_frb_equal(&f, &g));
}

static void test_malformed_tlvs_rejected(void **state)
{
    (void)state;
    uint8_t b[sizeof BEACON + 8];
    vg_frb f;
    vg_error err = {0};
    /* Latitude with length 3. */
    static const uint8_t short_lat[] = {0x01, 0x01, 0x01, 0x04, 0x03, 0x00, 0x4A, 0x8D};
    assert_error(vg_frb_decode(short_lat, sizeof short_lat, &f, &err), &err, VG_EINVAL);
    assert_contains(err.msg, "latitude (type 4) at offset 3 has length 3, expected 4");
    /* A length running past the end. */
    static const uint8_t overrun[] = {0x01, 0x01, 0x01, 0x0C, 0x09, 1, 2, 3};
    assert_error(vg_frb_decode(overrun, sizeof overrun, &f, &err), &err, VG_ETRUNC);
    assert_contains(err.msg, "type 12 at offset 3 needs 9 bytes, 3 left");
    /* A repeated type (a second, different latitude). */
    memcpy(b, BEACON, sizeof BEACON);
    static const uint8_t lat2[] = {0x04, 0x04, 0x00, 0x4A, 0x8D, 0x44};
    memcpy(b + sizeof BEACON, lat2, sizeof lat2);
    assert_error(vg_frb_decode(b, sizeof BEACON + sizeof lat2, &f, &err), &err, VG_EINVAL);
    assert_contains(err.msg, "repeated");
    /* Out of range values (the first TLV already fails). */
    static const uint8_t lat91[] = {0x04, 0x04, 0x00, 0x8A, 0xDA, 0x6C}; /* 9100000 */
    memcpy(b, lat91, sizeof lat91);
    memcpy(b + sizeof lat91, BEACON, sizeof BEACON);
    assert_error(vg_frb_decode(b, sizeof lat91 + sizeof BEACON, &f, &err), &err, VG_ERANGE);
    memcpy(b, BEACON, sizeof BEACON);
    b[sizeof BEACON - 2] = 0x01, b[sizeof BEACON - 1] = 0x69; /* course 361 */
    assert_error(vg_frb_decode(b, sizeof BEACON, &f, &err), &err, VG_ERANGE);
    b[sizeof BEACON - 1] = 0x68; /* course 360: north */
    assert_int_equal(decode_ok(b, sizeof BEACON).course_deg, 0);
    /* ANSI serial of 21 characters. */
    static const uint8_t ansi21[] = {0x03, 0x15, 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
                                     'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A'};
    assert_error(vg_frb_decode(ansi21, sizeof ansi21, &f, &err), &err, VG_ERANGE);
}

static void test_missing_mandatory_fields(void **state)
{
    (void)state;
    static const char *const names[] = {"", "protocol version", "", "", "latitude",
                                        "longitude", "altitude", "height", "take-off latitude",
                                        "take-off longitude", "ground speed", "true course"};
    uint8_t b[sizeof BEACON];
    for (unsigned t = 1; t <= VG_FRB_T_MAX; t++) {
        if (t == VG_FRB_T_FR_ID || t == VG_FRB_T_ANSI_ID)
            continue;
        size_t n = without(t, b);
        vg_frb f;
        vg_error err = {0};
        assert_error(vg_frb_decode(b, n, &f, &err), &err, VG_EMISSING);
        assert_contains(err.msg, names[t]);
        /* What was present is still decoded. */
        assert_int_equal(f.present, ((1u << 12) - 2) & ~VG_FRB_HAS(t));
        assert_int_equal(f.speed_mps, t == VG_FRB_T_SPEED ? 0 : 12);
    }
    /* No identifier at all. */
    size_t n = without(VG_FRB_T_FR_ID, b);
    uint8_t c[sizeof BEACON];
    size_t m = 0;
    for (size_t off = 0; off < n; off += 2 + b[off + 1])
        if (b[off] != VG_FRB_T_ANSI_ID) {
            memcpy(c + m, b + off, 2 + (size_t)b[off + 1]);
            m += 2 + (size_t)b[off + 1];
        }
    vg_frb f;
    vg_error err = {0};
    assert_error(vg_frb_decode(c, m, &f, &err), &err, VG_EMISSING);
    assert_contains(err.msg, "identifier");
    assert_error(vg_frb_decode(c, 0, &f, &err), &err, VG_EMISSING);
}

static void test_truncation_at_every_length(void **state)
{
    (void)state;
    for (size_t len = 0; len < sizeof BEACON; len++) {
        uint8_t *b = malloc(len ? len : 1); /* exact size: ASan sees any overread */
        memcpy(b, BEACON, len);
        vg_frb f;
        vg_error err = {0};
        int rc = vg_frb_decode(b, len, &f, &err);
        if (rc != VG_ETRUNC && rc != VG_EMISSING)
            fail_msg("length %zu: rc %d (%s)", len, rc, err.msg);
        assert_error(rc, &err, rc);
        free(b);
    }
}

static vg_frb base_beacon(void)
{
    return decode_ok(BEACON, sizeof BEACON);
}

static void test_encoder_checks_and_rounding(void **state)
{
    (void)state;
    uint8_t out[VG_FRB_ENCODED_MAX];
    vg_error err = {0};
    vg_frb f = base_beacon();
    f.present &= ~VG_FRB_HAS(VG_FRB_T_COURSE);
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_EMISSING);
    f = base_beacon();
    f.present |= 1u << 12;
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_EINVAL);
    f = base_beacon();
    memcpy(f.manufacturer, "IL", 3); /* short trigram with a model after it */
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_EINVAL);
    f = base_beacon();
    f.serial[3] = '\n';
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_EINVAL);
    f = base_beacon();
    f.lat = 90.5;
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_ERANGE);
    f = base_beacon();
    f.takeoff_lon = NAN;
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_ERANGE);
    f = base_beacon();
    f.course_deg = 360;
    assert_error(vg_frb_encode(&f, out, sizeof out, NULL, &err), &err, VG_ERANGE);
    f = base_beacon();
    assert_error(vg_frb_encode(&f, out, sizeof BEACON - 1, NULL, &err), &err, VG_ETOOBIG);
    size_t n;
    assert_int_equal(vg_frb_encode(&f, out, sizeof BEACON, &n, &err), 0);

    /* Rounding to nearest: −48.858276 × 1e5 = −4885827.6 → −4885828 (opendroneid's
     * "+ 0.5 then truncate" would give −4885827). */
    f.lat = -48.858276;
    f.lon = 2.294484; /* 229448.4 → 229448 */
    assert_int_equal(vg_frb_encode(&f, out, sizeof out, &n, &err), 0);
    vg_frb g = decode_ok(out, n);
    assert_true(g.lat == -48.85828);
    assert_true(g.lon == 2.29448);
    /* The ANSI serial alone, no French ID: encoded without type 2. */
    f = base_beacon();
    f.present &= ~VG_FRB_HAS(VG_FRB_T_FR_ID);
    assert_int_equal(vg_frb_encode(&f, out, sizeof out, &n, &err), 0);
    assert_int_equal(n, sizeof BEACON - 32);
    assert_int_equal(out[3], VG_FRB_T_ANSI_ID);
}

static void test_round_trip_random_beacons(void **state)
{
    (void)state;
    uint64_t s = 0xb41153;
    for (int i = 0; i < 10000; i++) {
        vg_frb f;
        memset(&f, 0, sizeof f);
        f.present = VG_FRB_MANDATORY;
        f.version = (uint8_t)th_next(&s);
        unsigned ids = 1 + (unsigned)(th_next(&s) % 3); /* 1 French, 2 ANSI, 3 both */
        if (ids & 1) {
            f.present |= VG_FRB_HAS(VG_FRB_T_FR_ID);
            size_t ls = th_next(&s) % 25;
            for (size_t k = 0; k < 3; k++) {
                f.manufacturer[k] = (char)('A' + th_next(&s) % 26);
                f.model[k] = (char)('0' + th_next(&s) % 10);
            }
            for (size_t k = 0; k < ls; k++)
                f.serial[k] = (char)(0x20 + th_next(&s) % 95);
        }
        if (ids & 2) {
            f.present |= VG_FRB_HAS(VG_FRB_T_ANSI_ID);
            size_t la = 1 + th_next(&s) % 20;
            for (size_t k = 0; k < la; k++)
                f.ansi_id[k] = (char)(0x21 + th_next(&s) % 94);
        }
        f.lat = th_uniform(&s, -90, 90);
        f.lon = th_uniform(&s, -180, 180);
        f.takeoff_lat = th_uniform(&s, -90, 90);
        f.takeoff_lon = th_uniform(&s, -180, 180);
        f.alt_msl_m = (int16_t)(th_next(&s) & 0xffff);
        f.height_m = (int16_t)(th_next(&s) & 0xffff);
        f.speed_mps = (uint8_t)th_next(&s);
        f.course_deg = (uint16_t)(th_next(&s) % 360);
        uint8_t b[VG_FRB_ENCODED_MAX], b2[VG_FRB_ENCODED_MAX];
        size_t n, n2;
        vg_error err = {0};
        if (vg_frb_encode(&f, b, sizeof b, &n, &err) != 0)
            fail_msg("round %d: encode: %s", i, err.msg);
        vg_frb g = decode_ok(b, n);
        assert_int_equal(g.present, f.present);
        assert_near(g.lat, f.lat, 0.5e-5 + 1e-12);
        assert_near(g.lon, f.lon, 0.5e-5 + 1e-12);
        assert_near(g.takeoff_lat, f.takeoff_lat, 0.5e-5 + 1e-12);
        assert_near(g.takeoff_lon, f.takeoff_lon, 0.5e-5 + 1e-12);
        assert_int_equal(g.alt_msl_m, f.alt_msl_m);
        assert_int_equal(g.height_m, f.height_m);
        assert_int_equal(g.course_deg, f.course_deg);
        assert_string_equal(g.serial, f.serial);
        assert_string_equal(g.ansi_id, f.ansi_id);
        assert_int_equal(vg_frb_encode(&g, b2, sizeof b2, &n2, &err), 0);
        assert_int_equal(n2, n);
        assert_memory_equal(b2, b, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_beacon_known_answer),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_unknown_types_are_skipped),
        cmocka_unit_test(test_malformed_tlvs_rejected),
        cmocka_unit_test(test_missing_mandatory_fields),
        cmocka_unit_test(test_truncation_at_every_length),
        cmocka_unit_test(test_encoder_checks_and_rounding),
        cmocka_unit_test(test_round_trip_random_beacons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
