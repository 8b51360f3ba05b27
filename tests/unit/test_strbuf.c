/* tests/unit/test_strbuf.c — bounded text building and exact number formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
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
        cmocka_unit_test(test_json_strings_are_escaped),
        cmocka_unit_test(test_integers_cover_their_whole_range),
        cmocka_unit_test(test_overflow_is_sticky_and_never_writes_past_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
