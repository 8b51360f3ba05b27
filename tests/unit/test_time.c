/* tests/unit/test_time.c — vg_time: RFC 3339 parsing and formatting, civil dates,
 * seconds conversion.
 *
 * Inputs are parsed from heap copies of exactly their length, so that under ASan any
 * read past len is caught, and every rejection must carry a printable message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/time.h"

#define S VG_TIME_S

/* Parse from a heap buffer of exactly len bytes (no NUL after it). */
static int parse_exact(const char *s, size_t len, vg_time *out, vg_error *err)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, s, len);
    int rc = vg_time_parse_rfc3339(copy, len, out, err);
    free(copy);
    return rc;
}

static void assert_printable(const char *msg)
{
    for (const char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            fail_msg("non-printable byte 0x%02x in message \"%s\"", (unsigned char)*p, msg);
}

static void check_parse(const char *s, vg_time expected)
{
    vg_error err = {0, ""};
    vg_time t = 0;
    int rc = parse_exact(s, strlen(s), &t, &err);
    if (rc != 0)
        fail_msg("\"%s\" rejected: %s", s, err.msg);
    if (t != expected)
        fail_msg("\"%s\" parsed as %lld, expected %lld", s, (long long)t,
                 (long long)expected);
}

/* The rejection is also copied to *out when the caller wants to check its wording. */
static void check_reject_len(const char *s, size_t len, int code, vg_error *out)
{
    vg_error err = {0, ""};
    vg_time t = 12345;
    int rc = parse_exact(s, len, &t, &err);
    if (rc != code)
        fail_msg("\"%.*s\" (len %zu): expected code %d, got %d (%s)",
                 (int)(len < 60 ? len : 60), s, len, code, rc, err.msg);
    assert_int_equal(err.code, code);
    assert_true(strlen(err.msg) > 0);
    assert_printable(err.msg);
    assert_true(t == 12345); /* untouched on failure */
    if (out)
        *out = err;
}

static void check_reject(const char *s, int code, vg_error *out)
{
    check_reject_len(s, strlen(s), code, out);
}

static void check_format(vg_time t, const char *expected)
{
    char buf[VG_TIME_TEXT_MAX];
    size_t n = vg_time_format_rfc3339(t, buf, sizeof buf);
    assert_string_equal(buf, expected);
    assert_int_equal(n, strlen(expected));
}

/* ---- parsing: accepted inputs -------------------------------------------- */

static void test_parse_epoch_is_zero(void **state)
{
    (void)state;
    check_parse("1970-01-01T00:00:00Z", 0);
}

static void test_parse_known_instant(void **state)
{
    (void)state;
    /* date -u -d @1722022200 → Fri Jul 26 19:30:00 UTC 2024 */
    check_parse("2024-07-26T19:30:00Z", INT64_C(1722022200000000));
}

static void test_parse_leap_day_and_century_rules(void **state)
{
    (void)state;
    check_parse("2000-02-29T00:00:00Z", INT64_C(951782400) * S);   /* 400-year leap */
    check_parse("1900-03-01T00:00:00Z", INT64_C(-2203891200) * S); /* 1900 not leap */
    check_parse("2024-02-29T12:00:00Z", INT64_C(1709208000) * S);
}

static void test_parse_range_limits(void **state)
{
    (void)state;
    check_parse("0001-01-01T00:00:00Z", VG_TIME_MIN);
    check_parse("9999-12-31T23:59:59.999999Z", VG_TIME_MAX);
    check_parse("9999-12-31T23:59:59.999999999Z", VG_TIME_MAX);
}

static void test_parse_applies_offsets(void **state)
{
    (void)state;
    vg_time t = INT64_C(1722022200) * S;
    check_parse("2024-07-26T21:30:00+02:00", t);
    check_parse("2024-07-26T14:00:00-05:30", t);
    check_parse("2024-07-26t19:30:00z", t);
    check_parse("2024-07-26T19:30:00-00:00", t);
    check_parse("2024-07-27T19:29:00+23:59", t);
    check_parse("2024-07-25T19:31:00-23:59", t);
    /* An offset crossing a year boundary. */
    check_parse("2023-12-31T23:00:00-01:00", INT64_C(1704067200) * S);
}

static void test_parse_fraction_of_1_to_9_digits(void **state)
{
    (void)state;
    vg_time base = INT64_C(1722022200) * S;
    check_parse("2024-07-26T19:30:00.1Z", base + 100000);
    check_parse("2024-07-26T19:30:00.12Z", base + 120000);
    check_parse("2024-07-26T19:30:00.123Z", base + 123000);
    check_parse("2024-07-26T19:30:00.1234Z", base + 123400);
    check_parse("2024-07-26T19:30:00.12345Z", base + 123450);
    check_parse("2024-07-26T19:30:00.123456Z", base + 123456);
    check_parse("2024-07-26T19:30:00.1234567Z", base + 123456);
    check_parse("2024-07-26T19:30:00.12345678Z", base + 123456);
    check_parse("2024-07-26T19:30:00.123456789Z", base + 123456);
    check_parse("2024-07-26T19:30:00.000001Z", base + 1);
    check_parse("2024-07-26T19:30:00.999999999Z", base + 999999); /* truncated */
    check_parse("2024-07-26T21:30:00.25+02:00", base + 250000);
}

static void test_parse_fraction_before_epoch(void **state)
{
    (void)state;
    check_parse("1969-12-31T23:59:59.999999Z", -1);
    check_parse("1969-12-31T23:59:59.5Z", -500000);
}

static void test_parse_leap_second_counts_as_next_minute(void **state)
{
    (void)state;
    check_parse("2016-12-31T23:59:60Z", INT64_C(1483228800) * S);
    check_parse("1998-12-31T23:59:60.5Z", INT64_C(915148800) * S + 500000);
    check_parse("2016-12-31T18:59:60-05:00", INT64_C(1483228800) * S);
}

static void test_parse_year_zero_allowed_when_offset_brings_it_in_range(void **state)
{
    (void)state;
    check_parse("0000-12-31T23:00:00-01:00", VG_TIME_MIN);
}

static void test_parse_accepts_null_error(void **state)
{
    (void)state;
    vg_time t = 0;
    assert_int_equal(vg_time_parse_rfc3339("1970-01-01T00:00:01Z", 20, &t, NULL), 0);
    assert_true(t == S);
    assert_int_equal(vg_time_parse_rfc3339("1970-01-01T00:00:01", 19, &t, NULL), VG_EPARSE);
    assert_int_equal(vg_time_parse_rfc3339("1970-13-01T00:00:01Z", 20, &t, NULL), VG_ERANGE);
}

static void test_parse_ignores_bytes_past_len(void **state)
{
    (void)state;
    vg_time t = 0;
    const char *s = "2024-07-26T19:30:00Zgarbage";
    assert_int_equal(vg_time_parse_rfc3339(s, 20, &t, NULL), 0);
    assert_true(t == INT64_C(1722022200) * S);
}

/* ---- parsing: rejected inputs -------------------------------------------- */

static void test_parse_rejects_empty_string(void **state)
{
    (void)state;
    check_reject("", VG_EPARSE, NULL);
    vg_time t = 7;
    assert_int_equal(vg_time_parse_rfc3339(NULL, 0, &t, NULL), VG_EPARSE);
    assert_true(t == 7);
}

static void test_parse_rejects_null_arguments(void **state)
{
    (void)state;
    vg_error err = {0, ""};
    vg_time t;
    assert_int_equal(vg_time_parse_rfc3339(NULL, 5, &t, &err), VG_EINVAL);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(vg_time_parse_rfc3339("1970-01-01T00:00:00Z", 20, NULL, &err),
                     VG_EINVAL);
}

static void test_parse_rejects_month_13(void **state)
{
    (void)state;
    vg_error err;
    check_reject("2024-13-01T00:00:00Z", VG_ERANGE, &err);
    assert_contains(err.msg, "month 13");
    check_reject("2024-00-01T00:00:00Z", VG_ERANGE, NULL);
}

static void test_parse_rejects_february_30(void **state)
{
    (void)state;
    vg_error err;
    check_reject("2024-02-30T00:00:00Z", VG_ERANGE, &err);
    assert_string_equal(err.msg, "time: day 30 out of range for 2024-02");
}

static void test_parse_rejects_february_29_of_common_years(void **state)
{
    (void)state;
    check_reject("2023-02-29T00:00:00Z", VG_ERANGE, NULL);
    check_reject("1900-02-29T00:00:00Z", VG_ERANGE, NULL);
    check_reject("2100-02-29T00:00:00Z", VG_ERANGE, NULL);
}

static void test_parse_rejects_bad_days(void **state)
{
    (void)state;
    check_reject("2024-04-31T00:00:00Z", VG_ERANGE, NULL);
    check_reject("2024-01-32T00:00:00Z", VG_ERANGE, NULL);
    check_reject("2024-01-00T00:00:00Z", VG_ERANGE, NULL);
}

static void test_parse_rejects_hour_24_minute_60_second_61(void **state)
{
    (void)state;
    vg_error err;
    check_reject("2024-07-26T24:00:00Z", VG_ERANGE, &err);
    assert_contains(err.msg, "hour 24");
    check_reject("2024-07-26T19:60:00Z", VG_ERANGE, &err);
    assert_contains(err.msg, "minute 60");
    check_reject("2024-07-26T19:30:61Z", VG_ERANGE, &err);
    assert_contains(err.msg, "second 61");
    check_reject("2024-07-26T99:00:00Z", VG_ERANGE, NULL);
}

static void test_parse_rejects_missing_zone(void **state)
{
    (void)state;
    vg_error err;
    check_reject("2024-07-26T19:30:00", VG_EPARSE, &err);
    assert_contains(err.msg, "offset 19");
    assert_contains(err.msg, "end of input");
    check_reject("2024-07-26T19:30:00.5", VG_EPARSE, NULL);
}

static void test_parse_rejects_bad_offsets(void **state)
{
    (void)state;
    check_reject("2024-07-26T19:30:00+24:00", VG_ERANGE, NULL);
    check_reject("2024-07-26T19:30:00+02:60", VG_ERANGE, NULL);
    check_reject("2024-07-26T19:30:00+0200", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00+2:00", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00+02", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00 +02:00", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00UTC", VG_EPARSE, NULL);
}

static void test_parse_rejects_trailing_characters(void **state)
{
    (void)state;
    check_reject("2024-07-26T19:30:00Zx", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00Z ", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00+02:00:00", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00ZZ", VG_EPARSE, NULL);
}

static void test_parse_rejects_embedded_nul(void **state)
{
    (void)state;
    static const char with_nul[] = "2024-07-26T19:30:00Z\0";
    vg_error err;
    check_reject_len(with_nul, sizeof with_nul - 1, VG_EPARSE, &err);
    assert_contains(err.msg, "\\x00");
    static const char inner_nul[] = "2024-07-26T19:30\0:00Z";
    check_reject_len(inner_nul, sizeof inner_nul - 1, VG_EPARSE, NULL);
}

static void test_parse_rejects_control_and_high_bytes_with_printable_message(void **state)
{
    (void)state;
    vg_error err;
    check_reject("2024-07-26T19:30:00\x1b[31mZ", VG_EPARSE, &err);
    assert_contains(err.msg, "\\x1B");
    check_reject("2024-07-26T19:30:00\xc3\xa9", VG_EPARSE, &err);
    assert_contains(err.msg, "\\xC3");
}

static void test_parse_rejects_ten_fraction_digits(void **state)
{
    (void)state;
    check_reject("2024-07-26T19:30:00.1234567890Z", VG_EPARSE, NULL);
}

static void test_parse_rejects_dot_without_digit(void **state)
{
    (void)state;
    check_reject("2024-07-26T19:30:00.Z", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00.", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30:00,5Z", VG_EPARSE, NULL);
}

static void test_parse_rejects_space_separator(void **state)
{
    (void)state;
    vg_error err;
    check_reject("2024-07-26 19:30:00Z", VG_EPARSE, &err);
    assert_contains(err.msg, "expected 'T' at offset 10");
    check_reject("2024-07-26_19:30:00Z", VG_EPARSE, NULL);
}

static void test_parse_rejects_wrong_field_widths(void **state)
{
    (void)state;
    check_reject("24-07-26T19:30:00Z", VG_EPARSE, NULL);
    check_reject("+2024-07-26T19:30:00Z", VG_EPARSE, NULL);
    check_reject("2024-7-26T19:30:00Z", VG_EPARSE, NULL);
    check_reject("2024-07-26T19:30Z", VG_EPARSE, NULL);
    check_reject("2024-07-26T9:30:00Z", VG_EPARSE, NULL);
    check_reject("2024/07/26T19:30:00Z", VG_EPARSE, NULL);
    check_reject("20240726T193000Z", VG_EPARSE, NULL);
}

static void test_parse_rejects_megabyte_of_digits(void **state)
{
    (void)state;
    size_t n = (size_t)1 << 20;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '7', n);
    check_reject_len(big, n, VG_EPARSE, NULL);
    /* A valid start followed by an endless fraction. */
    memcpy(big, "2024-07-26T19:30:00.", 20);
    check_reject_len(big, n, VG_EPARSE, NULL);
    free(big);
}

static void test_parse_rejects_every_truncated_prefix(void **state)
{
    (void)state;
    static const char *valid[] = {
        "2024-07-26T19:30:00Z",
        "2024-07-26T19:30:00.123456789+02:00",
        "1969-12-31t23:59:60.5-05:30",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        size_t n = strlen(valid[i]);
        vg_time t;
        assert_int_equal(parse_exact(valid[i], n, &t, NULL), 0);
        for (size_t len = 0; len < n; len++)
            check_reject_len(valid[i], len, VG_EPARSE, NULL);
    }
}

/* Every byte value at every position: no crash, no read past len, and every
 * rejection has a printable message. */
static void test_parse_survives_every_single_byte_substitution(void **state)
{
    (void)state;
    const char *valid = "2024-07-26T19:30:00.123+02:00";
    size_t n = strlen(valid);
    char buf[64];
    for (size_t pos = 0; pos < n; pos++) {
        for (int b = 0; b < 256; b++) {
            memcpy(buf, valid, n);
            buf[pos] = (char)b;
            vg_error err = {0, ""};
            vg_time t;
            int rc = parse_exact(buf, n, &t, &err);
            if (rc != 0) {
                assert_true(rc == VG_EPARSE || rc == VG_ERANGE);
                assert_true(strlen(err.msg) > 0);
                assert_printable(err.msg);
            }
        }
    }
}

static void test_parse_rejects_year_zero(void **state)
{
    (void)state;
    check_reject("0000-01-01T00:00:00Z", VG_ERANGE, NULL);
    check_reject("0000-12-31T23:59:59.999999Z", VG_ERANGE, NULL);
}

static void test_parse_rejects_results_out_of_range_through_offset(void **state)
{
    (void)state;
    vg_error err;
    check_reject("9999-12-31T23:59:59-01:00", VG_ERANGE, &err);
    assert_contains(err.msg, "outside");
    check_reject("9999-12-31T23:30:00-00:30", VG_ERANGE, NULL);
    check_reject("0001-01-01T00:00:00+00:01", VG_ERANGE, NULL);
    check_reject("9999-12-31T23:59:60Z", VG_ERANGE, NULL);
}

/* ---- formatting ------------------------------------------------------------ */

static void test_format_whole_second_has_no_fraction(void **state)
{
    (void)state;
    check_format(0, "1970-01-01T00:00:00Z");
    check_format(INT64_C(1722022200) * S, "2024-07-26T19:30:00Z");
}

static void test_format_whole_millisecond_has_three_digits(void **state)
{
    (void)state;
    check_format(INT64_C(1722022200) * S + 250000, "2024-07-26T19:30:00.250Z");
    check_format(INT64_C(1722022200) * S + 1000, "2024-07-26T19:30:00.001Z");
}

static void test_format_other_times_have_six_digits(void **state)
{
    (void)state;
    check_format(INT64_C(1722022200) * S + 1, "2024-07-26T19:30:00.000001Z");
    check_format(INT64_C(1722022200) * S + 123450, "2024-07-26T19:30:00.123450Z");
}

static void test_format_negative_times_floor(void **state)
{
    (void)state;
    check_format(-1, "1969-12-31T23:59:59.999999Z");
    check_format(-1000, "1969-12-31T23:59:59.999Z");
    check_format(-S, "1969-12-31T23:59:59Z");
    check_format(-S - 1, "1969-12-31T23:59:58.999999Z");
    check_format(-86400 * S, "1969-12-31T00:00:00Z");
    check_format(-86400 * S - 1, "1969-12-30T23:59:59.999999Z");
    check_format(INT64_C(-2203891200) * S, "1900-03-01T00:00:00Z");
}

static void test_format_range_limits(void **state)
{
    (void)state;
    check_format(VG_TIME_MIN, "0001-01-01T00:00:00Z");
    check_format(VG_TIME_MAX, "9999-12-31T23:59:59.999999Z");
}

static void test_format_rejects_out_of_range(void **state)
{
    (void)state;
    const vg_time bad[] = {VG_TIME_MIN - 1, VG_TIME_MAX + 1, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[VG_TIME_TEXT_MAX];
        memset(buf, 'x', sizeof buf);
        assert_int_equal(vg_time_format_rfc3339(bad[i], buf, sizeof buf), 0);
        assert_string_equal(buf, "");
    }
}

static void test_format_rejects_small_buffer(void **state)
{
    (void)state;
    const struct {
        vg_time t;
        size_t len;
    } cases[] = {{0, 20}, {250 * VG_TIME_MS, 24}, {1, 27}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t cap = 1; cap <= cases[i].len; cap++) {
            char *buf = malloc(cap); /* exact size, so ASan sees any overrun */
            assert_non_null(buf);
            memset(buf, 'x', cap);
            assert_int_equal(vg_time_format_rfc3339(cases[i].t, buf, cap), 0);
            assert_string_equal(buf, "");
            free(buf);
        }
        char *buf = malloc(cases[i].len + 1);
        assert_non_null(buf);
        assert_int_equal(vg_time_format_rfc3339(cases[i].t, buf, cases[i].len + 1),
                         cases[i].len);
        free(buf);
    }
    assert_int_equal(vg_time_format_rfc3339(0, NULL, 0), 0);
}

/* ---- round trips ----------------------------------------------------------- */

/* Local-time text of t at the given offset (seconds east), built from to_civil so
 * that the parser's offset arithmetic is checked against an independent path. */
static size_t format_with_offset(vg_time t, int offset, char *buf, size_t cap)
{
    vg_civil c;
    if (vg_time_to_civil(t + offset * S, &c) != 0)
        return 0;
    int a = offset < 0 ? -offset : offset;
    int n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06d%c%02d:%02d", c.year,
                     c.month, c.day, c.hour, c.minute, c.second, c.usec,
                     offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

static void test_round_trip_random_times_across_whole_range(void **state)
{
    (void)state;
    uint64_t seed = 20240726;
    uint64_t span = (uint64_t)(VG_TIME_MAX - VG_TIME_MIN) + 1;
    for (int i = 0; i < 200000; i++) {
        uint64_t r = th_next(&seed);
        vg_time t = VG_TIME_MIN + (vg_time)(r % span);
        /* Exercise all three canonical forms: whole seconds, milliseconds, µs. */
        switch (th_next(&seed) % 3) {
        case 0: t -= ((t % S) + S) % S; break;
        case 1: t -= ((t % VG_TIME_MS) + VG_TIME_MS) % VG_TIME_MS; break;
        default: break;
        }

        char buf[VG_TIME_TEXT_MAX];
        size_t n = vg_time_format_rfc3339(t, buf, sizeof buf);
        assert_true(n >= 20 && n < sizeof buf);
        assert_int_equal(n, strlen(buf));
        vg_error err = {0, ""};
        vg_time back = 0;
        if (parse_exact(buf, n, &back, &err) != 0)
            fail_msg("\"%s\" (t=%lld) rejected: %s", buf, (long long)t, err.msg);
        if (back != t)
            fail_msg("\"%s\": %lld became %lld", buf, (long long)t, (long long)back);

        vg_civil c;
        assert_int_equal(vg_time_to_civil(t, &c), 0);
        vg_time again = 0;
        assert_int_equal(vg_time_from_civil(&c, &again, &err), 0);
        if (again != t)
            fail_msg("civil round trip of %lld gave %lld", (long long)t, (long long)again);

        int offset = (int)(th_next(&seed) % (2 * 86340 + 1)) - 86340;
        offset -= offset % 60;
        char local[64];
        if (format_with_offset(t, offset, local, sizeof local) > 0) {
            back = 0;
            if (parse_exact(local, strlen(local), &back, &err) != 0 || back != t)
                fail_msg("\"%s\" should be %lld (%s)", local, (long long)t, err.msg);
        }
    }
}

/* Every day of a few 400-year cycles, day by day: civil dates follow each other
 * with no gap or repeat, in both directions from the epoch. */
static void test_civil_days_are_contiguous(void **state)
{
    (void)state;
    vg_civil prev;
    assert_int_equal(vg_time_to_civil(VG_TIME_MIN, &prev), 0);
    for (vg_time t = VG_TIME_MIN + 86400 * S; t <= VG_TIME_MAX; t += 86400 * S) {
        vg_civil c;
        assert_int_equal(vg_time_to_civil(t, &c), 0);
        int ok;
        if (c.day == prev.day + 1)
            ok = c.month == prev.month && c.year == prev.year;
        else if (c.day == 1 && c.month == prev.month + 1)
            ok = c.year == prev.year;
        else
            ok = c.day == 1 && c.month == 1 && prev.month == 12 && prev.day == 31 &&
                 c.year == prev.year + 1;
        if (!ok)
            fail_msg("%04d-%02d-%02d followed by %04d-%02d-%02d", prev.year, prev.month,
                     prev.day, c.year, c.month, c.day);
        prev = c;
    }
    assert_int_equal(prev.year, 9999);
    assert_int_equal(prev.month, 12);
    assert_int_equal(prev.day, 31);
}

/* ---- civil ----------------------------------------------------------------- */

static void test_to_civil_before_epoch(void **state)
{
    (void)state;
    vg_civil c;
    assert_int_equal(vg_time_to_civil(-1, &c), 0);
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.month, 12);
    assert_int_equal(c.day, 31);
    assert_int_equal(c.hour, 23);
    assert_int_equal(c.minute, 59);
    assert_int_equal(c.second, 59);
    assert_int_equal(c.usec, 999999);
}

static void test_to_civil_rejects_out_of_range(void **state)
{
    (void)state;
    vg_civil c;
    assert_int_equal(vg_time_to_civil(VG_TIME_MIN - 1, &c), VG_ERANGE);
    assert_int_equal(vg_time_to_civil(VG_TIME_MAX + 1, &c), VG_ERANGE);
    assert_int_equal(vg_time_to_civil(INT64_MIN, &c), VG_ERANGE);
    assert_int_equal(vg_time_to_civil(0, NULL), VG_EINVAL);
}

static void test_from_civil_known_instant(void **state)
{
    (void)state;
    vg_civil c = {2024, 7, 26, 19, 30, 0, 250000};
    vg_time t = 0;
    assert_int_equal(vg_time_from_civil(&c, &t, NULL), 0);
    assert_true(t == INT64_C(1722022200250000));
}

static void check_civil_reject(vg_civil c, const char *word)
{
    vg_error err = {0, ""};
    vg_time t = 99;
    assert_int_equal(vg_time_from_civil(&c, &t, &err), VG_ERANGE);
    assert_int_equal(err.code, VG_ERANGE);
    assert_contains(err.msg, word);
    assert_true(t == 99);
}

static void test_from_civil_rejects_each_bad_field(void **state)
{
    (void)state;
    check_civil_reject((vg_civil){0, 1, 1, 0, 0, 0, 0}, "year");
    check_civil_reject((vg_civil){10000, 1, 1, 0, 0, 0, 0}, "year");
    check_civil_reject((vg_civil){2024, 0, 1, 0, 0, 0, 0}, "month");
    check_civil_reject((vg_civil){2024, 13, 1, 0, 0, 0, 0}, "month");
    check_civil_reject((vg_civil){2024, 1, 0, 0, 0, 0, 0}, "day");
    check_civil_reject((vg_civil){2023, 2, 29, 0, 0, 0, 0}, "day");
    check_civil_reject((vg_civil){1900, 2, 29, 0, 0, 0, 0}, "day");
    check_civil_reject((vg_civil){2024, 6, 31, 0, 0, 0, 0}, "day");
    check_civil_reject((vg_civil){2024, 1, 1, -1, 0, 0, 0}, "hour");
    check_civil_reject((vg_civil){2024, 1, 1, 24, 0, 0, 0}, "hour");
    check_civil_reject((vg_civil){2024, 1, 1, 0, 60, 0, 0}, "minute");
    check_civil_reject((vg_civil){2024, 1, 1, 0, 0, 60, 0}, "second");
    check_civil_reject((vg_civil){2024, 1, 1, 0, 0, 0, -1}, "microsecond");
    check_civil_reject((vg_civil){2024, 1, 1, 0, 0, 0, 1000000}, "microsecond");

    vg_civil ok = {2024, 2, 29, 0, 0, 0, 0};
    vg_time t;
    assert_int_equal(vg_time_from_civil(NULL, &t, NULL), VG_EINVAL);
    assert_int_equal(vg_time_from_civil(&ok, NULL, NULL), VG_EINVAL);
}

/* ---- seconds ----------------------------------------------------------------- */

static void check_seconds(double s, vg_time expected)
{
    vg_time t = 0;
    vg_error err = {0, ""};
    if (vg_time_from_seconds(s, &t, &err) != 0)
        fail_msg("%.17g rejected: %s", s, err.msg);
    if (t != expected)
        fail_msg("%.17g gave %lld, expected %lld", s, (long long)t, (long long)expected);
}

static void test_from_seconds_is_exact_for_epoch_times(void **state)
{
    (void)state;
    check_seconds(1721929800.25, INT64_C(1721929800250000));
    check_seconds(1721929800.000001, INT64_C(1721929800000001));
    check_seconds(1721929800.999999, INT64_C(1721929800999999));
    check_seconds(1721929800.5, INT64_C(1721929800500000));
    check_seconds(1721929800.0, INT64_C(1721929800000000));
    check_seconds(0.0, 0);
    check_seconds(-0.0, 0);
    check_seconds(-0.5, -500000);
    check_seconds(-1.000001, -1000001);
    check_seconds(4e-7, 0);
    check_seconds(6e-7, 1);
    check_seconds(-62135596800.0, VG_TIME_MIN);
    check_seconds(253402300799.0, VG_TIME_MAX - 999999);
}

/* JSON writers print the double nearest to a time with microsecond digits; every
 * such double between 1970 and 2100 must come back as exactly that microsecond. */
static void test_from_seconds_recovers_every_microsecond_of_current_epoch(void **state)
{
    (void)state;
    uint64_t seed = 1721929800;
    const uint64_t span = UINT64_C(4102444800) * S; /* 1970..2100 */
    for (int i = 0; i < 100000; i++) {
        vg_time t = (vg_time)(th_next(&seed) % span);
        double seconds = (double)(t / S) + (double)(t % S) / 1e6;
        check_seconds(seconds, t);
        check_seconds(-seconds, -t);
    }
}

static void check_seconds_reject(double s)
{
    vg_time t = 42;
    vg_error err = {0, ""};
    assert_int_equal(vg_time_from_seconds(s, &t, &err), VG_ERANGE);
    assert_int_equal(err.code, VG_ERANGE);
    assert_true(strlen(err.msg) > 0);
    assert_printable(err.msg);
    assert_true(t == 42);
}

static void test_from_seconds_rejects_non_finite_and_out_of_range(void **state)
{
    (void)state;
    check_seconds_reject(NAN);
    check_seconds_reject(INFINITY);
    check_seconds_reject(-INFINITY);
    check_seconds_reject(1e30);
    check_seconds_reject(-1e30);
    check_seconds_reject(253402300800.0);
    check_seconds_reject(-62135596800.5);
    check_seconds_reject(-62135596801.0);
    check_seconds_reject(9.3e18);
    assert_int_equal(vg_time_from_seconds(1.0, NULL, NULL), VG_EINVAL);
    assert_int_equal(vg_time_from_seconds(NAN, &(vg_time){0}, NULL), VG_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_epoch_is_zero),
        cmocka_unit_test(test_parse_known_instant),
        cmocka_unit_test(test_parse_leap_day_and_century_rules),
        cmocka_unit_test(test_parse_range_limits),
        cmocka_unit_test(test_parse_applies_offsets),
        cmocka_unit_test(test_parse_fraction_of_1_to_9_digits),
        cmocka_unit_test(test_parse_fraction_before_epoch),
        cmocka_unit_test(test_parse_leap_second_counts_as_next_minute),
        cmocka_unit_test(test_parse_year_zero_allowed_when_offset_brings_it_in_range),
        cmocka_unit_test(test_parse_accepts_null_error),
        cmocka_unit_test(test_parse_ignores_bytes_past_len),
        cmocka_unit_test(test_parse_rejects_empty_string),
        cmocka_unit_test(test_parse_rejects_null_arguments),
        cmocka_unit_test(test_parse_rejects_month_13),
        cmocka_unit_test(test_parse_rejects_february_30),
        cmocka_unit_test(test_parse_rejects_february_29_of_common_years),
        cmocka_unit_test(test_parse_rejects_bad_days),
        cmocka_unit_test(test_parse_rejects_hour_24_minute_60_second_61),
        cmocka_unit_test(test_parse_rejects_missing_zone),
        cmocka_unit_test(test_parse_rejects_bad_offsets),
        cmocka_unit_test(test_parse_rejects_trailing_characters),
        cmocka_unit_test(test_parse_rejects_embedded_nul),
        cmocka_unit_test(test_parse_rejects_control_and_high_bytes_with_printable_message),
        cmocka_unit_test(test_parse_rejects_ten_fraction_digits),
        cmocka_unit_test(test_parse_rejects_dot_without_digit),
        cmocka_unit_test(test_parse_rejects_space_separator),
        cmocka_unit_test(test_parse_rejects_wrong_field_widths),
        cmocka_unit_test(test_parse_rejects_megabyte_of_digits),
        cmocka_unit_test(test_parse_rejects_every_truncated_prefix),
        cmocka_unit_test(test_parse_survives_every_single_byte_substitution),
        cmocka_unit_test(test_parse_rejects_year_zero),
        cmocka_unit_test(test_parse_rejects_results_out_of_range_through_offset),
        cmocka_unit_test(test_format_whole_second_has_no_fraction),
        cmocka_unit_test(test_format_whole_millisecond_has_three_digits),
        cmocka_unit_test(test_format_other_times_have_six_digits),
        cmocka_unit_test(test_format_negative_times_floor),
        cmocka_unit_test(test_format_range_limits),
        cmocka_unit_test(test_format_rejects_out_of_range),
        cmocka_unit_test(test_format_rejects_small_buffer),
        cmocka_unit_test(test_round_trip_random_times_across_whole_range),
        cmocka_unit_test(test_civil_days_are_contiguous),
        cmocka_unit_test(test_to_civil_before_epoch),
        cmocka_unit_test(test_to_civil_rejects_out_of_range),
        cmocka_unit_test(test_from_civil_known_instant),
        cmocka_unit_test(test_from_civil_rejects_each_bad_field),
        cmocka_unit_test(test_from_seconds_is_exact_for_epoch_times),
        cmocka_unit_test(test_from_seconds_recovers_every_microsecond_of_current_epoch),
        cmocka_unit_test(test_from_seconds_rejects_non_finite_and_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
