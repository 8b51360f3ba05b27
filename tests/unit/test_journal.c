/* tests/unit/test_journal.c — the input journal: one new file per run, canonical
 * lines that parse back to the same events, never an overwritten file. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_helpers.h"
#include "vigie/io.h"
#include "vigie/journal.h"

static char dir[] = "/tmp/vigie-test-journal-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *events[] = {
    "{\"type\":\"sensor\",\"time\":\"2024-07-26T17:30:00Z\",\"id\":\"r\",\"kind\":\"radar\","
    "\"lat\":48.8575,\"lon\":2.3417,\"alt\":91.4}",
    "{\"type\":\"detection\",\"time\":\"2024-07-26T17:30:00.250Z\",\"sensor\":\"r\",\"polar\":"
    "{\"range\":333.6,\"az\":285.72,\"el\":9.5,\"sigma_range\":5,\"sigma_az\":0.3,\"sigma_el\":0.5}}",
    "{\"type\":\"tick\",\"time\":\"2024-07-26T17:30:01Z\"}",
};

static void test_journal_holds_canonical_lines_in_order(void **state)
{
    (void)state;
    vg_journal *j;
    vg_error err = {0};
    char path[4096];
    vg_time started = 1722015000123456; /* 2024-07-26T17:30:00.123456Z */
    if (vg_journal_open(dir, started, &j, path, sizeof path, &err) != 0)
        fail_msg("%s", err.msg);
    assert_contains(path, "/vigie-20240726T173000Z.jsonl");
    for (size_t i = 0; i < 3; i++) {
        vg_event ev;
        assert_int_equal(vg_event_parse(events[i], strlen(events[i]), &ev, &err), 0);
        assert_int_equal(vg_journal_append(j, &ev, &err), 0);
    }
    assert_int_equal(vg_journal_flush(j, true, &err), 0);
    assert_int_equal(vg_journal_close(j, &err), 0);

    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    vg_linereader lr;
    assert_int_equal(vg_linereader_init(&lr, f, VG_LINE_MAX, &err), 0);
    const char *line;
    size_t len;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 1);
        assert_string_equal(line, events[i]); /* the inputs were canonical already */
    }
    assert_int_equal(vg_linereader_next(&lr, &line, &len, &err), 0);
    vg_linereader_free(&lr);
    fclose(f);

    /* A second run in the same second gets its own file. */
    char path2[4096];
    assert_int_equal(vg_journal_open(dir, started, &j, path2, sizeof path2, &err), 0);
    assert_contains(path2, "/vigie-20240726T173000Z-2.jsonl");
    assert_int_equal(vg_journal_close(j, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 100); /* the first journal was not truncated */
}

static void test_journal_reports_an_unusable_directory(void **state)
{
    (void)state;
    vg_journal *j = NULL;
    vg_error err = {0};
    assert_int_equal(vg_journal_open("/nonexistent/vigie", 0, &j, NULL, 0, &err), VG_EIO);
    assert_contains(err.msg, "/nonexistent/vigie/vigie-19700101T000000Z.jsonl");
    assert_contains(err.msg, "No such file");
    assert_null(j);
    assert_int_equal(vg_journal_close(NULL, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journal_holds_canonical_lines_in_order),
        cmocka_unit_test(test_journal_reports_an_unusable_directory),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
