/* tests/unit/test_strbuf.c — bounded text building and exact number formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/strbuf.h"

static const char *fmt(double v)
{
    static char out[40];
    vg_format_double(v, out, sizeof out);
    return out;
}

static void test_doubles_use_the_shortest_exact_form(void **state)
{
    (void)state;
    assert_string_equal(fmt(0.1), "0.1");
    assert_string_equal(fmt(48.8566), "48.8566");
    assert_string_equal(fmt(200), "200");
    assert_string_equal(fmt(-3.5), "-3.5");
    assert_string_equal(fmt(1e-7), "1e-07");
    assert_string_equal(fmt(0.0), "0");
    assert_string_equal(fmt(-0.0), "-0.0");
    assert_string_equal(fmt(1.0 / 3.0), "0.3333333333333333");
    assert_string_equal(fmt(0.1 + 0.2), "0.30000000000000004");
    assert_string_equal(fmt(1e300), "1e+300");
    char out[40];
    assert_int_equal(vg_format_double(NAN, out, sizeof out), 0);
    assert_int_equal(vg_format_double(INFINITY, out, sizeof out), 0);
    assert_int_equal(vg_format_double(1.0, out, 8), 0); /* refuses a short buffer */
}

static void test_random_doubles_read_back_bit_for_bit(void **state)
{
    (void)state;
    uint64_t seed = 7;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = th_next(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        char out[40];
        size_t n = vg_format_double(v, out, sizeof out);
        assert_true(n > 0 && n < sizeof out);
        double back = strtod(out, NULL);
        if (memcmp(&back, &v, sizeof v) != 0)
            fail_msg("%.17g written as %s", v, out);
    }
}

/* The layout vigie has always written: %.15g, %.16g or %.17g, the first that reads
 * back. vg_format_double must match it byte for byte (outputs are compared whole). */
static void by_trials(double v, char *out, size_t cap)
{
    if (v == 0.0) {
        snprintf(out, cap, "%s", signbit(v) ? "-0.0" : "0");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (prec == 17 || strtod(out, NULL) == v)
            return;
    }
}

static void expect_as_printf(double v)
{
    char want[40], got[40];
    by_trials(v, want, sizeof want);
    size_t n = vg_format_double(v, got, sizeof got);
    if (strcmp(want, got) != 0 || n != strlen(want))
        fail_msg("%a: printf trials give %s, vg_format_double %s", v, want, got);
}

static void test_doubles_keep_the_printf_layout_byte_for_byte(void **state)
{
    (void)state;
    static const double fixed[] = {
        1e-05, 1e-4, 0.0001234, 1.5e-5, 1e15, 1e16, 1e17, 123456789012345.0, 1234567890123456.0,
        12345678901234567.0, 1e21, 1e22, 1e100, 1e-100, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 9.999999999999999e22, 0.3, 2.675, 48.853, 2.3499,
        562949953421312.25, 1e15 + 0.25, 10000000.0 + 1.0 / 1024, 0.5, 0.25, 0.125};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        expect_as_printf(fixed[i]);
        expect_as_printf(-fixed[i]);
    }
    uint64_t seed = 11;
    for (int i = 0; i < 100000; i++) {
        /* every bit pattern */
        uint64_t bits = th_next(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            expect_as_printf(v);
        /* numbers like the ones vigie writes: coordinates, metres, seconds */
        expect_as_printf(th_uniform(&seed, -180, 180));
        expect_as_printf(th_uniform(&seed, 0, 1e4) * 1e-6);
        expect_as_printf(round(th_uniform(&seed, -1e6, 1e6)) / 1e3);
        /* halfway cases between two shortest candidates (printf rounds to even), and
         * powers of two (lopsided round-trip intervals) */
        int q = (int)(th_next(&seed) % 30) + 1;
        double big = ldexp(1.0, 52 - q + (int)(th_next(&seed) % 3)) * th_uniform(&seed, 1, 2);
        expect_as_printf(floor(big) + ldexp((double)(th_next(&seed) % 8 * 2 + 1), -4));
        expect_as_printf(ldexp(1.0, (int)(th_next(&seed) % 2098) - 1074));
    }
}

static void test_json_strings_are_escaped(void **state)
{
    (void)state;
    char b[128];
    vg_strbuf sb;
    vg_strbuf_init(&sb, b, sizeof b);
    vg_strbuf_put_json_string(&sb, "a\"b\\c\nd\te\x01\x7f" "\xc3\xa9");
    assert_false(sb.overflow);
    assert_string_equal(b, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\xc3\xa9\"");
    assert_int_equal(sb.len, strlen(b));
}

static void test_integers_cover_their_whole_range(void **state)
{
    (void)state;
    char b[128];
    vg_strbuf sb;
    vg_strbuf_init(&sb, b, sizeof b);
    vg_strbuf_put_i64(&sb, INT64_MIN);
    vg_strbuf_putc(&sb, ' ');
    vg_strbuf_put_i64(&sb, 0);
    vg_strbuf_putc(&sb, ' ');
    vg_strbuf_put_u64(&sb, UINT64_MAX);
    assert_string_equal(b, "-9223372036854775808 0 18446744073709551615");
}

static void test_overflow_is_sticky_and_never_writes_past_the_buffer(void **state)
{
    (void)state;
    char *b = malloc(8); /* exact size: ASan reports any write past it */
    assert_non_null(b);
    vg_strbuf sb;
    vg_strbuf_init(&sb, b, 8);
    vg_strbuf_puts(&sb, "1234567");
    assert_false(sb.overflow);
    assert_string_equal(b, "1234567");
    vg_strbuf_putc(&sb, '8');
    assert_true(sb.overflow);
    vg_strbuf_puts(&sb, "");
    assert_true(sb.overflow);
    assert_int_equal(sb.len, 7);
    free(b);

    char c[16];
    vg_strbuf_init(&sb, c, sizeof c);
    vg_strbuf_put_double(&sb, NAN);
    assert_true(sb.overflow); /* a non-finite number is an error, not "null" */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubles_use_the_shortest_exact_form),
        cmocka_unit_test(test_random_doubles_read_back_bit_for_bit),
        cmocka_unit_test(test_doubles_keep_the_printf_layout_byte_for_byte),
        cmocka_unit_test(test_json_strings_are_escaped),
        cmocka_unit_test(test_integers_cover_their_whole_range),
        cmocka_unit_test(test_overflow_is_sticky_and_never_writes_past_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
