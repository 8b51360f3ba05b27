/* tests/unit/test_error.c — vg_error: recording, prefixing and truncating messages,
 * clearing, and the names of the error codes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/error.h"

#define MSG_CAP (VG_ERROR_MSG_MAX - 1)

static void test_err_records_code_and_message_and_returns_code(void **state)
{
    (void)state;
    vg_error err = {0, ""};
    assert_int_equal(vg_err(&err, VG_ERANGE, "lat %g out of range", 91.5), VG_ERANGE);
    assert_int_equal(err.code, VG_ERANGE);
    assert_string_equal(err.msg, "lat 91.5 out of range");
}

static void test_err_replaces_previous_message(void **state)
{
    (void)state;
    vg_error err = {0, ""};
    vg_err(&err, VG_EPARSE, "first %d", 1);
    vg_err(&err, VG_EMISSING, "second");
    assert_int_equal(err.code, VG_EMISSING);
    assert_string_equal(err.msg, "second");
}

static void test_err_with_null_error_only_returns_code(void **state)
{
    (void)state;
    assert_int_equal(vg_err(NULL, VG_ENOMEM, "ignored %s", "text"), VG_ENOMEM);
    assert_int_equal(vg_err(NULL, VG_OK, "nothing"), VG_OK);
}

static void test_err_truncates_long_message(void **state)
{
    (void)state;
    char long_text[1000];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    vg_error err = {0, ""};
    assert_int_equal(vg_err(&err, VG_ETOOBIG, "%s", long_text), VG_ETOOBIG);
    assert_int_equal(err.code, VG_ETOOBIG);
    assert_int_equal(strlen(err.msg), MSG_CAP);
    assert_memory_equal(err.msg, long_text, MSG_CAP);
}

static void test_err_prefix_prepends_context_and_keeps_code(void **state)
{
    (void)state;
    vg_error err = {0, ""};
    vg_err(&err, VG_ETYPE, "detection.geodetic.lat: expected a number");
    assert_int_equal(vg_err_prefix(&err, "line %d: ", 12), VG_ETYPE);
    assert_int_equal(err.code, VG_ETYPE);
    assert_string_equal(err.msg, "line 12: detection.geodetic.lat: expected a number");
    assert_int_equal(vg_err_prefix(&err, "%s: ", "events.jsonl"), VG_ETYPE);
    assert_string_equal(err.msg,
                        "events.jsonl: line 12: detection.geodetic.lat: expected a number");
}

static void test_err_prefix_on_empty_message(void **state)
{
    (void)state;
    vg_error err = {VG_EIO, ""};
    assert_int_equal(vg_err_prefix(&err, "config.ini"), VG_EIO);
    assert_string_equal(err.msg, "config.ini");
    assert_int_equal(vg_err_prefix(&err, "%s", ""), VG_EIO);
    assert_string_equal(err.msg, "config.ini");
}

static void test_err_prefix_truncates_message_end_when_too_long(void **state)
{
    (void)state;
    char body[201];
    memset(body, 'm', 200);
    body[200] = '\0';
    char pre[101];
    memset(pre, 'p', 100);
    pre[100] = '\0';
    vg_error err = {0, ""};
    vg_err(&err, VG_EPARSE, "%s", body);
    assert_int_equal(vg_err_prefix(&err, "%s", pre), VG_EPARSE);
    /* The prefix is kept whole and the message's tail is cut. */
    assert_int_equal(strlen(err.msg), MSG_CAP);
    assert_memory_equal(err.msg, pre, 100);
    for (size_t i = 100; i < MSG_CAP; i++)
        assert_int_equal(err.msg[i], 'm');
}

static void test_err_prefix_longer_than_buffer_is_truncated(void **state)
{
    (void)state;
    char pre[400];
    memset(pre, 'p', sizeof pre - 1);
    pre[sizeof pre - 1] = '\0';
    vg_error err = {0, ""};
    vg_err(&err, VG_EUNKNOWN, "unknown key");
    assert_int_equal(vg_err_prefix(&err, "%s", pre), VG_EUNKNOWN);
    assert_int_equal(strlen(err.msg), MSG_CAP);
    assert_memory_equal(err.msg, pre, MSG_CAP);
}

static void test_err_prefix_of_full_message(void **state)
{
    (void)state;
    char full[VG_ERROR_MSG_MAX];
    memset(full, 'f', MSG_CAP);
    full[MSG_CAP] = '\0';
    vg_error err = {0, ""};
    vg_err(&err, VG_ERANGE, "%s", full);
    assert_int_equal(vg_err_prefix(&err, "line %d: ", 3), VG_ERANGE);
    assert_int_equal(strlen(err.msg), MSG_CAP);
    assert_memory_equal(err.msg, "line 3: fff", 11);
}

static void test_err_prefix_with_null_error_returns_einval(void **state)
{
    (void)state;
    assert_int_equal(vg_err_prefix(NULL, "line %d: ", 1), VG_EINVAL);
}

static void test_err_clear_resets_code_and_message(void **state)
{
    (void)state;
    vg_error err = {0, ""};
    vg_err(&err, VG_EFULL, "queue full (%d)", 64);
    vg_err_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.msg, "");
    vg_err_clear(NULL);
}

static void test_strerror_names_every_code_distinctly(void **state)
{
    (void)state;
    const int codes[] = {VG_OK,      VG_EINVAL,  VG_ENOMEM,   VG_ETRUNC,  VG_ERANGE,
                         VG_EPARSE,  VG_ETYPE,   VG_EMISSING, VG_EUNKNOWN, VG_ETOOBIG,
                         VG_EIO,     VG_ESTATE,  VG_ENOTFOUND, VG_EFULL,  VG_EORDER,
                         VG_EAUTH,   VG_EDENIED, VG_ELIMIT,  VG_ECORRUPT};
    const size_t n = sizeof codes / sizeof codes[0];
    const char *unknown = vg_strerror(INT_MIN);
    for (size_t i = 0; i < n; i++) {
        const char *name = vg_strerror(codes[i]);
        assert_non_null(name);
        assert_true(strlen(name) > 0);
        if (strcmp(name, unknown) == 0)
            fail_msg("code %d has no name of its own", codes[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(name, vg_strerror(codes[j])) == 0)
                fail_msg("codes %d and %d share the name \"%s\"", codes[i], codes[j], name);
    }
    assert_string_equal(vg_strerror(VG_OK), "success");
    assert_string_equal(vg_strerror(VG_ERANGE), "value out of range");
}

static void test_strerror_of_unknown_code(void **state)
{
    (void)state;
    assert_string_equal(vg_strerror(VG_ECORRUPT - 1), "unknown error");
    assert_string_equal(vg_strerror(1), "unknown error");
    assert_string_equal(vg_strerror(INT_MIN), "unknown error");
    assert_string_equal(vg_strerror(INT_MAX), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_records_code_and_message_and_returns_code),
        cmocka_unit_test(test_err_replaces_previous_message),
        cmocka_unit_test(test_err_with_null_error_only_returns_code),
        cmocka_unit_test(test_err_truncates_long_message),
        cmocka_unit_test(test_err_prefix_prepends_context_and_keeps_code),
        cmocka_unit_test(test_err_prefix_on_empty_message),
        cmocka_unit_test(test_err_prefix_truncates_message_end_when_too_long),
        cmocka_unit_test(test_err_prefix_longer_than_buffer_is_truncated),
        cmocka_unit_test(test_err_prefix_of_full_message),
        cmocka_unit_test(test_err_prefix_with_null_error_returns_einval),
        cmocka_unit_test(test_err_clear_resets_code_and_message),
        cmocka_unit_test(test_strerror_names_every_code_distinctly),
        cmocka_unit_test(test_strerror_of_unknown_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
