/* tests/unit/test_log.c — delivery to the sink, level filtering and names, and the
 * event-time rate limiter checked against a scripted sequence of times. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "vigie/log.h"

typedef struct capture {
    int count;
    int level;
    size_t len;
    char msg[4096];
} capture;

static void capture_sink(void *userdata, int level, const char *msg)
{
    capture *c = userdata;
    c->count++;
    c->level = level;
    c->len = strlen(msg);
    assert_true(c->len < sizeof c->msg);
    memcpy(c->msg, msg, c->len + 1);
}

static void test_logf_delivers_formatted_message(void **state)
{
    (void)state;
    capture cap = {0, -1, 0, ""};
    vg_logger lg = {capture_sink, &cap, VG_LOG_DEBUG};
    vg_logf(&lg, VG_LOG_INFO, "track %d at %.1f m: %s", 42, 12.5, "ok");
    assert_int_equal(cap.count, 1);
    assert_int_equal(cap.level, VG_LOG_INFO);
    assert_string_equal(cap.msg, "track 42 at 12.5 m: ok");
}

static void test_logf_drops_messages_below_min_level(void **state)
{
    (void)state;
    capture cap = {0, -1, 0, ""};
    vg_logger lg = {capture_sink, &cap, VG_LOG_WARN};
    vg_logf(&lg, VG_LOG_DEBUG, "debug");
    vg_logf(&lg, VG_LOG_INFO, "info");
    assert_int_equal(cap.count, 0);
    vg_logf(&lg, VG_LOG_WARN, "warn");
    assert_int_equal(cap.count, 1);
    assert_string_equal(cap.msg, "warn");
    vg_logf(&lg, VG_LOG_ERROR, "error");
    assert_int_equal(cap.count, 2);
    assert_int_equal(cap.level, VG_LOG_ERROR);
    assert_string_equal(cap.msg, "error");
}

static void test_logf_with_null_logger_or_sink_is_safe(void **state)
{
    (void)state;
    vg_logf(NULL, VG_LOG_ERROR, "nobody listens: %d", 1);
    vg_logger lg = {NULL, NULL, VG_LOG_DEBUG};
    vg_logf(&lg, VG_LOG_ERROR, "nobody listens: %d", 2);
}

static void test_logf_passes_userdata(void **state)
{
    (void)state;
    capture a = {0, -1, 0, ""}, b = {0, -1, 0, ""};
    vg_logger la = {capture_sink, &a, VG_LOG_DEBUG};
    vg_logger lb = {capture_sink, &b, VG_LOG_DEBUG};
    vg_logf(&la, VG_LOG_INFO, "to a");
    vg_logf(&lb, VG_LOG_INFO, "to b");
    vg_logf(&lb, VG_LOG_INFO, "to b again");
    assert_int_equal(a.count, 1);
    assert_int_equal(b.count, 2);
    assert_string_equal(a.msg, "to a");
    assert_string_equal(b.msg, "to b again");
}

static void test_logf_truncates_long_message_below_1_kib(void **state)
{
    (void)state;
    static char big[5001];
    memset(big, 'x', 5000);
    big[5000] = '\0';
    capture cap = {0, -1, 0, ""};
    vg_logger lg = {capture_sink, &cap, VG_LOG_DEBUG};
    vg_logf(&lg, VG_LOG_WARN, "start %s end", big);
    assert_int_equal(cap.count, 1);
    assert_true(cap.len < 1024);
    assert_true(cap.len >= 1000); /* truncated, not dropped */
    assert_memory_equal(cap.msg, "start xxx", 9);
    for (size_t i = 6; i < cap.len; i++)
        assert_int_equal(cap.msg[i], 'x');
}

static void test_level_names(void **state)
{
    (void)state;
    assert_string_equal(vg_log_level_name(VG_LOG_DEBUG), "debug");
    assert_string_equal(vg_log_level_name(VG_LOG_INFO), "info");
    assert_string_equal(vg_log_level_name(VG_LOG_WARN), "warn");
    assert_string_equal(vg_log_level_name(VG_LOG_ERROR), "error");
    assert_non_null(vg_log_level_name(-1));
    assert_non_null(vg_log_level_name(4));
}

static void test_level_parse_accepts_exact_names_and_warning_alias(void **state)
{
    (void)state;
    const struct {
        const char *name;
        int level;
    } ok[] = {{"debug", VG_LOG_DEBUG}, {"info", VG_LOG_INFO},   {"warn", VG_LOG_WARN},
              {"warning", VG_LOG_WARN}, {"error", VG_LOG_ERROR}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int level = -1;
        assert_int_equal(vg_log_level_parse(ok[i].name, &level), 0);
        assert_int_equal(level, ok[i].level);
    }
    /* Every name round-trips through vg_log_level_name. */
    for (int lv = VG_LOG_DEBUG; lv <= VG_LOG_ERROR; lv++) {
        int level = -1;
        assert_int_equal(vg_log_level_parse(vg_log_level_name(lv), &level), 0);
        assert_int_equal(level, lv);
    }
}

static void test_level_parse_rejects_other_names(void **state)
{
    (void)state;
    const char *bad[] = {"", "WARN", "Info", "warn ", " warn", "err", "errors",
                         "debugx", "warnings", "fatal", "trace", "0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int level = 77;
        if (vg_log_level_parse(bad[i], &level) != VG_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(level, 77);
    }
    int level = 0;
    assert_int_equal(vg_log_level_parse(NULL, &level), VG_EINVAL);
    assert_int_equal(vg_log_level_parse("info", NULL), VG_EINVAL);
}

/* ---- rate limiting ----------------------------------------------------------- */

#define MS VG_TIME_MS

static void test_ratelimit_burst_3_per_second_scripted(void **state)
{
    (void)state;
    const struct {
        vg_time now;
        bool allowed;
    } script[] = {
        {0 * MS, true},      /* opens the window [0, 1000) */
        {100 * MS, true},
        {200 * MS, true},
        {300 * MS, false},
        {999 * MS, false},
        {500 * MS, false},   /* out of order, inside the window */
        {1000 * MS, true},   /* opens [1000, 2000) */
        {-5000 * MS, true},  /* far earlier than the window: counts in it */
        {1500 * MS, true},
        {800 * MS, false},   /* earlier than the window start: counts in it */
        {1999 * MS, false},
        {2000 * MS, true},   /* opens [2000, 3000) */
        {3500 * MS, true},   /* opens at 3500, not at a multiple of the period */
        {3500 * MS, true},
        {3500 * MS, true},
        {3500 * MS, false},
        {4000 * MS, false},  /* a window aligned on whole periods would reopen here */
        {4499 * MS + 999, false},
        {4500 * MS, true},   /* opens [4500, 5500) */
    };
    vg_ratelimit rl;
    vg_ratelimit_init(&rl, 1000 * MS, 3);
    int allowed = 0, suppressed = 0;
    for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
        bool got = vg_ratelimit_allow(&rl, script[i].now);
        if (got != script[i].allowed)
            fail_msg("step %zu (t=%lld us): expected %s", i, (long long)script[i].now,
                     script[i].allowed ? "allowed" : "suppressed");
        if (got)
            allowed++;
        else
            suppressed++;
    }
    assert_int_equal(allowed, 11);
    assert_int_equal(suppressed, 8);
    /* The count accumulates until the caller reports and clears it. */
    assert_int_equal(rl.suppressed, 8);
}

static void test_ratelimit_window_reopens_exactly_at_period(void **state)
{
    (void)state;
    vg_ratelimit rl;
    vg_ratelimit_init(&rl, VG_TIME_S, 1);
    assert_true(vg_ratelimit_allow(&rl, 10 * VG_TIME_S));
    assert_false(vg_ratelimit_allow(&rl, 11 * VG_TIME_S - 1));
    assert_true(vg_ratelimit_allow(&rl, 11 * VG_TIME_S));
    assert_int_equal(rl.window_start, 11 * VG_TIME_S);
    assert_int_equal(rl.suppressed, 1);
}

static void test_ratelimit_first_message_opens_window_at_any_time(void **state)
{
    (void)state;
    vg_ratelimit rl;
    vg_ratelimit_init(&rl, VG_TIME_S, 2);
    assert_true(vg_ratelimit_allow(&rl, VG_TIME_MIN));
    assert_true(vg_ratelimit_allow(&rl, VG_TIME_MIN));
    assert_false(vg_ratelimit_allow(&rl, VG_TIME_MIN + 1));
    /* A jump across the whole time range neither overflows nor misbehaves. */
    assert_true(vg_ratelimit_allow(&rl, VG_TIME_MAX));
    assert_true(vg_ratelimit_allow(&rl, VG_TIME_MIN)); /* counts in the new window */
    assert_false(vg_ratelimit_allow(&rl, VG_TIME_MIN));
    assert_true(vg_ratelimit_allow(&rl, INT64_MAX));

    vg_ratelimit neg;
    vg_ratelimit_init(&neg, VG_TIME_S, 1);
    assert_true(vg_ratelimit_allow(&neg, -10 * VG_TIME_S));
    assert_false(vg_ratelimit_allow(&neg, -10 * VG_TIME_S));
}

static void test_ratelimit_burst_zero_allows_nothing(void **state)
{
    (void)state;
    vg_ratelimit rl;
    vg_ratelimit_init(&rl, VG_TIME_S, 0);
    for (int i = 0; i < 5; i++)
        assert_false(vg_ratelimit_allow(&rl, i * 10 * VG_TIME_S));
    assert_int_equal(rl.suppressed, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logf_delivers_formatted_message),
        cmocka_unit_test(test_logf_drops_messages_below_min_level),
        cmocka_unit_test(test_logf_with_null_logger_or_sink_is_safe),
        cmocka_unit_test(test_logf_passes_userdata),
        cmocka_unit_test(test_logf_truncates_long_message_below_1_kib),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_level_parse_accepts_exact_names_and_warning_alias),
        cmocka_unit_test(test_level_parse_rejects_other_names),
        cmocka_unit_test(test_ratelimit_burst_3_per_second_scripted),
        cmocka_unit_test(test_ratelimit_window_reopens_exactly_at_period),
        cmocka_unit_test(test_ratelimit_first_message_opens_window_at_any_time),
        cmocka_unit_test(test_ratelimit_burst_zero_allows_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
