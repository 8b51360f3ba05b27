/* tests/unit/test_store.c — the daemon's store on real SQLite files: schema, journal,
 * batches, alerts (idempotent under replay), durable actions, and the audit chain
 * catching changed, deleted and inserted rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "server/store.h"
#include "test_helpers.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    vg_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/vigie-test-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/vigie.db", f->dir);
    vg_error err = {0};
    if (vg_store_open(f->path, &f->s, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vg_store_close(f->s);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void reopen(fixture *f)
{
    vg_store_close(f->s);
    vg_error err = {0};
    assert_int_equal(vg_store_open(f->path, &f->s, &err), 0);
}

/* Run SQL behind the store's back, as an attacker with the file would. */
static void tamper(fixture *f, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

typedef struct lines {
    int n;
    int64_t seq[16];
    char text[16][64];
} lines;

static int collect(void *user, int64_t seq, const char *line, size_t len)
{
    lines *l = user;
    if (l->n >= 16)
        return 1;
    l->seq[l->n] = seq;
    snprintf(l->text[l->n], sizeof l->text[0], "%.*s", (int)len, line);
    l->n++;
    return 0;
}

static void test_open_refuses_foreign_sqlite(void **state)
{
    fixture *f = *state;
    char other[160];
    snprintf(other, sizeof other, "%s/other.db", f->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    vg_store *s = NULL;
    vg_error err = {0};
    assert_int_equal(vg_store_open(other, &s, &err), VG_ECORRUPT);
    assert_null(s);
    assert_contains(err.msg, "not vigie's");

    char garbage[160];
    snprintf(garbage, sizeof garbage, "%s/garbage.db", f->dir);
    FILE *g = fopen(garbage, "w");
    fputs("this is not a database at all, but it is long enough to look like one......"
          "................................................................................",
          g);
    fclose(g);
    assert_true(vg_store_open(garbage, &s, &err) < 0);
    assert_null(s);
}

static void test_journal_in_order_and_across_reopen(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    int64_t seq = 0;
    assert_int_equal(vg_store_journal_append(f->s, 10, "{\"a\":1}", 7, &seq, &err), 0);
    assert_int_equal(seq, 1);
    assert_int_equal(vg_store_begin(f->s, &err), 0);
    assert_int_equal(vg_store_journal_append(f->s, 11, "{\"b\":2}", 7, &seq, &err), 0);
    assert_int_equal(vg_store_journal_append(f->s, 12, "{\"c\":3}", 7, &seq, &err), 0);
    assert_int_equal(vg_store_commit(f->s, &err), 0);
    assert_int_equal(seq, 3);
    /* A rolled-back batch leaves nothing. */
    assert_int_equal(vg_store_begin(f->s, &err), 0);
    assert_int_equal(vg_store_journal_append(f->s, 13, "{\"d\":4}", 7, NULL, &err), 0);
    assert_int_equal(vg_store_rollback(f->s), 0);
    reopen(f);
    lines l = {0};
    assert_int_equal(vg_store_journal_each(f->s, 0, collect, &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.text[0], "{\"a\":1}");
    assert_string_equal(l.text[2], "{\"c\":3}");
    assert_int_equal(l.seq[2], 3);
    lines tail = {0};
    assert_int_equal(vg_store_journal_each(f->s, 2, collect, &tail, &err), 0);
    assert_int_equal(tail.n, 1);
    assert_string_equal(tail.text[0], "{\"c\":3}");
    assert_int_equal(vg_store_journal_count(f->s), 3);
    /* Nested begin is refused, commit without begin too. */
    assert_int_equal(vg_store_begin(f->s, &err), 0);
    assert_int_equal(vg_store_begin(f->s, &err), VG_ESTATE);
    assert_int_equal(vg_store_commit(f->s, &err), 0);
    assert_int_equal(vg_store_commit(f->s, &err), VG_ESTATE);
}

static void test_journal_refuses_oversized_line(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    size_t n = VG_LINE_MAX + 1;
    char *big = malloc(n);
    memset(big, 'x', n);
    assert_int_equal(vg_store_journal_append(f->s, 1, big, n, NULL, &err), VG_ETOOBIG);
    free(big);
    assert_int_equal(vg_store_journal_count(f->s), 0);
}

typedef struct alerts_seen {
    int n;
    vg_alert a[8];
    vg_time raised[8];
} alerts_seen;

static int collect_alert(void *user, vg_time raised, vg_time updated, const vg_alert *a)
{
    (void)updated;
    alerts_seen *s = user;
    if (s->n < 8) {
        s->raised[s->n] = raised;
        s->a[s->n++] = *a;
    }
    return 0;
}

static vg_alert alert(uint64_t id, vg_severity sev, vg_alert_state state)
{
    vg_alert a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.track = 7;
    snprintf(a.rule, sizeof a.rule, "zone_entry");
    a.severity = sev;
    a.state = state;
    snprintf(a.zone, sizeof a.zone, "ZIT-PARIS");
    snprintf(a.message, sizeof a.message, "drone in 'ZIT-PARIS'; DROP TABLE alerts;--");
    return a;
}

static void test_alerts_record_query_and_replay_idempotence(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    vg_alert a1 = alert(1, VG_SEV_CRITICAL, VG_ALERT_RAISED);
    vg_alert a1ack = alert(1, VG_SEV_CRITICAL, VG_ALERT_ACKNOWLEDGED);
    vg_alert a2 = alert(2, VG_SEV_WARNING, VG_ALERT_RAISED);
    assert_int_equal(vg_store_alert_record(f->s, 100, &a1, &err), 0);
    assert_int_equal(vg_store_alert_record(f->s, 200, &a2, &err), 0);
    assert_int_equal(vg_store_alert_record(f->s, 300, &a1ack, &err), 0);
    /* Replaying the journal emits the same events again, oldest first. */
    assert_int_equal(vg_store_alert_record(f->s, 100, &a1, &err), 0);
    assert_int_equal(vg_store_alert_record(f->s, 300, &a1ack, &err), 0);

    alerts_seen all = {0};
    vg_alert_filter filter;
    vg_alert_filter_init(&filter);
    assert_int_equal(vg_store_alerts_query(f->s, &filter, collect_alert, &all, &err), 0);
    assert_int_equal(all.n, 2);
    assert_int_equal(all.a[0].id, 2); /* newest first */
    assert_int_equal(all.a[1].id, 1);
    assert_int_equal(all.a[1].state, VG_ALERT_ACKNOWLEDGED);
    assert_int_equal(all.raised[1], 100);
    assert_string_equal(all.a[1].message, a1.message);

    alerts_seen critical = {0};
    filter.severity = VG_SEV_CRITICAL;
    assert_int_equal(vg_store_alerts_query(f->s, &filter, collect_alert, &critical, &err), 0);
    assert_int_equal(critical.n, 1);
    assert_int_equal(critical.a[0].id, 1);

    alerts_seen raised = {0};
    vg_alert_filter_init(&filter);
    filter.state = VG_ALERT_RAISED;
    assert_int_equal(vg_store_alerts_query(f->s, &filter, collect_alert, &raised, &err), 0);
    assert_int_equal(raised.n, 1);
    assert_int_equal(raised.a[0].id, 2);

    /* Exactly two transitions for alert 1, despite the replay. */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM alert_transitions WHERE alert=1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_action_commit_is_durable_and_audited(void **state)
{
    fixture *f = *state;
    vg_error err = {0};
    int64_t jseq = 0, aseq = 0;
    const char *line = "{\"type\":\"command\",\"time\":\"2024-07-26T19:00:00Z\"}";
    assert_int_equal(vg_store_action_commit(f->s, 5, 5, "alice", "alert_ack", "{\"alert\":1}", line,
                                            strlen(line), &jseq, &aseq, &err),
                     0);
    assert_int_equal(jseq, 1);
    assert_int_equal(aseq, 1);
    /* A bad detail fails the whole action: neither journal nor audit changes. */
    assert_int_equal(vg_store_action_commit(f->s, 6, 6, "alice", "alert_ack", "{not json", line,
                                            strlen(line), &jseq, &aseq, &err),
                     VG_EPARSE);
    assert_int_equal(vg_store_action_commit(f->s, 6, 6, "alice", "alert_ack", "[1]", line,
                                            strlen(line), NULL, NULL, &err),
                     VG_ETYPE);
    assert_int_equal(vg_store_action_commit(f->s, 6, 6, "", "alert_ack", "{}", line, strlen(line),
                                            NULL, NULL, &err),
                     VG_EINVAL);
    assert_int_equal(vg_store_action_commit(f->s, 6, 6, "bob\x01", "alert_ack", "{}", line,
                                            strlen(line), NULL, NULL, &err),
                     VG_EINVAL);
    assert_int_equal(vg_store_action_commit(f->s, 6, 6, "b\xff\xfe", "alert_ack", "{}", line,
                                            strlen(line), NULL, NULL, &err),
                     VG_EINVAL);
    reopen(f);
    assert_int_equal(vg_store_journal_count(f->s), 1);
    int64_t count = 0, bad = -1;
    assert_int_equal(vg_store_audit_verify(f->s, &count, &bad, &err), 0);
    assert_int_equal(count, 1);
    assert_int_equal(bad, 0);
}

static void add_entries(fixture *f, int n)
{
    vg_error err = {0};
    for (int i = 0; i < n; i++) {
        char detail[64];
        snprintf(detail, sizeof detail, "{\"i\":%d}", i);
        assert_int_equal(vg_store_audit_append(f->s, 1000 + i, "alice", "posture_set", detail,
                                               NULL, &err),
                         0);
    }
}

static void expect_broken_at(fixture *f, int64_t seq)
{
    vg_error err = {0};
    int64_t count = 0, bad = 0;
    assert_int_equal(vg_store_audit_verify(f->s, &count, &bad, &err), VG_ECORRUPT);
    assert_int_equal(bad, seq);
    assert_contains(err.msg, "broken");
}

static void test_audit_chain_detects_a_changed_row(void **state)
{
    fixture *f = *state;
    add_entries(f, 5);
    vg_error err = {0};
    int64_t count = 0, bad = 0;
    assert_int_equal(vg_store_audit_verify(f->s, &count, &bad, &err), 0);
    assert_int_equal(count, 5);
    tamper(f, "UPDATE audit SET detail='{\"i\":99}' WHERE seq=3");
    expect_broken_at(f, 3);
}

static void test_audit_chain_detects_changed_user_and_time(void **state)
{
    fixture *f = *state;
    add_entries(f, 4);
    tamper(f, "UPDATE audit SET time=time+1 WHERE seq=2");
    expect_broken_at(f, 2);
}

static void test_audit_chain_detects_a_deleted_row(void **state)
{
    fixture *f = *state;
    add_entries(f, 5);
    tamper(f, "DELETE FROM audit WHERE seq=2");
    expect_broken_at(f, 2);
}

static void test_audit_chain_detects_a_rehashed_row(void **state)
{
    fixture *f = *state;
    add_entries(f, 5);
    /* Recomputing one row's hash is not enough: the next row's link breaks. */
    tamper(f, "UPDATE audit SET user='mallory', hash=zeroblob(32) WHERE seq=4");
    expect_broken_at(f, 4);
}

static void test_audit_appends_continue_the_chain_after_reopen(void **state)
{
    fixture *f = *state;
    add_entries(f, 3);
    reopen(f);
    add_entries(f, 2);
    vg_error err = {0};
    int64_t count = 0, bad = 0;
    assert_int_equal(vg_store_audit_verify(f->s, &count, &bad, &err), 0);
    assert_int_equal(count, 5);
}

typedef struct entries {
    int n;
    int64_t seq[8];
} entries;

static int collect_entry(void *user, const vg_audit_entry *e)
{
    entries *es = user;
    if (es->n < 8)
        es->seq[es->n++] = e->seq;
    return 0;
}

static void test_audit_each_newest_first_with_paging(void **state)
{
    fixture *f = *state;
    add_entries(f, 6);
    vg_error err = {0};
    entries page = {0};
    assert_int_equal(vg_store_audit_each(f->s, 0, 3, collect_entry, &page, &err), 0);
    assert_int_equal(page.n, 3);
    assert_int_equal(page.seq[0], 6);
    assert_int_equal(page.seq[2], 4);
    entries next = {0};
    assert_int_equal(vg_store_audit_each(f->s, 4, 3, collect_entry, &next, &err), 0);
    assert_int_equal(next.n, 3);
    assert_int_equal(next.seq[0], 3);
    assert_int_equal(next.seq[2], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_refuses_foreign_sqlite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_journal_in_order_and_across_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_journal_refuses_oversized_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alerts_record_query_and_replay_idempotence, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_action_commit_is_durable_and_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_detects_a_changed_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_detects_changed_user_and_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_detects_a_deleted_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_detects_a_rehashed_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_appends_continue_the_chain_after_reopen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_audit_each_newest_first_with_paging, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
