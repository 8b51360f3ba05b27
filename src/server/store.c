/* server/store.c — opening the database, its schema, transactions, the input
 * journal and the alerts. The audit chain is in store_audit.c, users and sessions in
 * auth.c. Every statement binds its values: no SQL is ever built from input. */
#include "server/store_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* user_version of the schema this code writes; older versions are migrated. */
enum { SCHEMA_VERSION = 2 };
/* "vigi" in application_id tells a vigie database from any other SQLite file. */
enum { APPLICATION_ID = 0x76696769 };

static const char SCHEMA_V1[] =
    "CREATE TABLE journal("
    "  seq INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  line TEXT NOT NULL);"
    "CREATE TABLE alerts("
    "  id INTEGER PRIMARY KEY,"
    "  track INTEGER NOT NULL,"
    "  rule TEXT NOT NULL,"
    "  severity INTEGER NOT NULL,"
    "  state INTEGER NOT NULL,"
    "  zone TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  raised INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL);"
    "CREATE INDEX alerts_raised ON alerts(raised);"
    "CREATE TABLE alert_transitions("
    "  alert INTEGER NOT NULL REFERENCES alerts(id),"
    "  time INTEGER NOT NULL,"
    "  state INTEGER NOT NULL,"
    "  UNIQUE(alert, time, state));"
    "CREATE TABLE audit("
    "  seq INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  user TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash BLOB NOT NULL,"
    "  hash BLOB NOT NULL);"
    "CREATE TABLE users("
    "  name TEXT PRIMARY KEY,"
    "  role INTEGER NOT NULL,"
    "  pwhash TEXT NOT NULL);"
    "CREATE TABLE sessions("
    "  token_hash BLOB PRIMARY KEY,"
    "  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"
    "  expires INTEGER NOT NULL);";

/* Version 2: zone documents imported through the API, referenced by the journal's
 * zone_import commands so that a restart loads them again at the same point. */
static const char SCHEMA_V2[] =
    "CREATE TABLE zone_docs("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  text TEXT NOT NULL);";

int vg_store_sql_err(vg_store *s, vg_error *err, const char *doing)
{
    int code = sqlite3_errcode(s->db);
    int vg = (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) ? VG_ECORRUPT : VG_EIO;
    return vg_err(err, vg, "%s: %s: %s", s->path, doing, sqlite3_errmsg(s->db));
}

int vg_store_prepare(vg_store *s, const char *sql, sqlite3_stmt **st, vg_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return vg_store_sql_err(s, err, "preparing a statement");
    return 0;
}

int vg_store_exec(vg_store *s, const char *sql, vg_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return vg_store_sql_err(s, err, sql);
    return 0;
}

static int pragma_int(vg_store *s, const char *sql, int *out, vg_error *err)
{
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, sql, &st, err);
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = vg_store_sql_err(s, err, sql);
    } else {
        *out = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

static int ensure_schema(vg_store *s, vg_error *err)
{
    int version = 0, app = 0, rc;
    if ((rc = pragma_int(s, "PRAGMA user_version", &version, err)) != 0 ||
        (rc = pragma_int(s, "PRAGMA application_id", &app, err)) != 0)
        return rc;
    if (version == 0) {
        int tables = 0;
        if ((rc = pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables, err)) != 0)
            return rc;
        if (tables != 0)
            return vg_err(err, VG_ECORRUPT, "%s: a SQLite database, but not vigie's", s->path);
        char sql[sizeof SCHEMA_V1 + sizeof SCHEMA_V2 + 128];
        snprintf(sql, sizeof sql, "BEGIN;%s%sPRAGMA user_version=%d;PRAGMA application_id=%d;COMMIT;",
                 SCHEMA_V1, SCHEMA_V2, SCHEMA_VERSION, APPLICATION_ID);
        if ((rc = vg_store_exec(s, sql, err)) != 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        return 0;
    }
    if (app != APPLICATION_ID)
        return vg_err(err, VG_ECORRUPT, "%s: a SQLite database, but not vigie's", s->path);
    if (version > SCHEMA_VERSION)
        return vg_err(err, VG_ESTATE, "%s: schema version %d is newer than this vigie's (%d)",
                      s->path, version, SCHEMA_VERSION);
    if (version == 1) {
        char sql[sizeof SCHEMA_V2 + 64];
        snprintf(sql, sizeof sql, "BEGIN;%sPRAGMA user_version=2;COMMIT;", SCHEMA_V2);
        if ((rc = vg_store_exec(s, sql, err)) != 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    return 0;
}

int vg_store_open(const char *path, vg_store **out, vg_error *err)
{
    *out = NULL;
    if (sodium_init() < 0)
        return vg_err(err, VG_EIO, "libsodium failed to initialise");
    if (strlen(path) >= sizeof((vg_store *)0)->path)
        return vg_err(err, VG_ETOOBIG, "database path longer than %zu bytes",
                      sizeof((vg_store *)0)->path - 1);
    vg_store *s = calloc(1, sizeof *s);
    if (!s)
        return vg_err(err, VG_ENOMEM, "out of memory opening %s", path);
    snprintf(s->path, sizeof s->path, "%s", path);
    /* Recursive: the thread that holds a batch calls the single-call functions,
     * which lock again; every other thread waits for the batch to end. */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&s->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    int rc;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                          SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        rc = vg_err(err, VG_EIO, "%s: cannot open: %s", path,
                    s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL lets the HTTP threads read while the engine thread writes; FULL makes every
     * commit durable (the WAL is synced), which is what "acknowledged" promises. Only
     * the engine's input batches relax it (vg_store_begin). */
    if ((rc = vg_store_exec(s, "PRAGMA journal_mode=WAL", err)) != 0 ||
        (rc = vg_store_exec(s, "PRAGMA synchronous=FULL", err)) != 0 ||
        (rc = vg_store_exec(s, "PRAGMA foreign_keys=ON", err)) != 0 ||
        (rc = ensure_schema(s, err)) != 0 ||
        (rc = vg_store_prepare(s, "INSERT INTO journal(time, line) VALUES(?, ?)",
                               &s->journal_insert, err)) != 0)
        goto fail;
    *out = s;
    return 0;
fail:
    vg_store_close(s);
    return rc;
}

void vg_store_close(vg_store *s)
{
    if (!s)
        return;
    if (s->in_batch)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(s->journal_insert);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* A batch holds the lock from begin to commit, so nobody else's writes land in it. */
int vg_store_begin(vg_store *s, vg_error *err)
{
    pthread_mutex_lock(&s->lock); /* held until commit or rollback */
    if (s->in_batch) {
        pthread_mutex_unlock(&s->lock);
        return vg_err(err, VG_ESTATE, "a store transaction is already open");
    }
    /* A batch holds inputs and engine outputs, which nobody was told are stored: its
     * commit goes to the WAL without a sync (it survives kill -9, being in the
     * kernel's hands, but not a power cut). The next operator action's FULL commit
     * syncs the WAL with every batch before it, so what is durable is always a
     * prefix of the journal. One fdatasync per batch was the store's largest cost. */
    int rc = vg_store_exec(s, "PRAGMA synchronous=NORMAL", err);
    if (rc == 0 && (rc = vg_store_exec(s, "BEGIN IMMEDIATE", err)) != 0)
        sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    if (rc) {
        pthread_mutex_unlock(&s->lock);
        return rc;
    }
    s->in_batch = true;
    return 0;
}

int vg_store_commit(vg_store *s, vg_error *err)
{
    if (!s->in_batch)
        return vg_err(err, VG_ESTATE, "no store transaction is open");
    int rc = vg_store_exec(s, "COMMIT", err);
    if (rc)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    s->in_batch = false;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vg_store_rollback(vg_store *s)
{
    if (!s->in_batch)
        return VG_ESTATE;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    s->in_batch = false;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Every call takes the (recursive) lock; *own_tx tells whether the call is outside
 * a batch of its own thread and so must make its own transaction where it needs one.
 * in_batch is only read with the lock held, when it can only be this thread's. */
static void lock_single(vg_store *s, bool *own_tx)
{
    pthread_mutex_lock(&s->lock);
    *own_tx = !s->in_batch;
}

static void unlock_single(vg_store *s, bool own_tx)
{
    (void)own_tx;
    pthread_mutex_unlock(&s->lock);
}

/* ---- journal ------------------------------------------------------------------ */

static int journal_insert(vg_store *s, vg_time time, const char *line, size_t len,
                          int64_t *seq, vg_error *err)
{
    if (len > VG_LINE_MAX)
        return vg_err(err, VG_ETOOBIG, "journal line of %zu bytes (limit %d)", len, VG_LINE_MAX);
    sqlite3_stmt *st = s->journal_insert;
    int rc = 0;
    sqlite3_bind_int64(st, 1, time);
    sqlite3_bind_text(st, 2, line, (int)len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = vg_store_sql_err(s, err, "appending to the journal");
    else if (seq)
        *seq = sqlite3_last_insert_rowid(s->db);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int vg_store_journal_append(vg_store *s, vg_time time, const char *line, size_t len,
                            int64_t *seq, vg_error *err)
{
    bool own_tx;
    lock_single(s, &own_tx);
    int rc = journal_insert(s, time, line, len, seq, err);
    unlock_single(s, own_tx);
    return rc;
}

int vg_store_journal_each(vg_store *s, int64_t after_seq, vg_store_line_fn fn, void *user,
                          vg_error *err)
{
    bool own_tx;
    lock_single(s, &own_tx);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "SELECT seq, line FROM journal WHERE seq > ? ORDER BY seq",
                              &st, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, after_seq);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *line = (const char *)sqlite3_column_text(st, 1);
            size_t len = (size_t)sqlite3_column_bytes(st, 1);
            if ((rc = fn(user, sqlite3_column_int64(st, 0), line ? line : "", len)) != 0)
                break;
        }
        if (rc == 0 && step != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "reading the journal");
        sqlite3_finalize(st);
    }
    unlock_single(s, own_tx);
    return rc;
}

int64_t vg_store_journal_count(vg_store *s)
{
    bool own_tx;
    lock_single(s, &own_tx);
    int64_t n = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM journal", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    unlock_single(s, own_tx);
    return n;
}

/* ---- alerts ------------------------------------------------------------------- */

void vg_alert_filter_init(vg_alert_filter *f)
{
    f->state = -1;
    f->severity = -1;
    f->since = 0;
    f->limit = 0;
}

/* Idempotent, so that replaying the journal at start (which makes the engine emit
 * every alert event again) changes nothing: a transition is unique per (alert, time,
 * state), and the current row only moves forward in time. */
static int alert_record_locked(vg_store *s, vg_time time, const vg_alert *a, vg_error *err)
{
    sqlite3_stmt *st;
    int rc = vg_store_prepare(
        s,
        "INSERT INTO alerts(id, track, rule, severity, state, zone, message, raised, updated)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
        " ON CONFLICT(id) DO UPDATE SET state = excluded.state, severity = excluded.severity,"
        " message = excluded.message, updated = excluded.updated"
        " WHERE excluded.updated >= alerts.updated",
        &st, err);
    if (rc)
        return rc;
    if (a->id > INT64_MAX || a->track > INT64_MAX) {
        sqlite3_finalize(st);
        return vg_err(err, VG_ERANGE, "alert or track id beyond 2^63");
    }
    sqlite3_bind_int64(st, 1, (sqlite3_int64)a->id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)a->track);
    sqlite3_bind_text(st, 3, a->rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, (int)a->severity);
    sqlite3_bind_int(st, 5, (int)a->state);
    sqlite3_bind_text(st, 6, a->zone, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, a->message, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, time);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = vg_store_sql_err(s, err, "recording an alert");
    sqlite3_finalize(st);
    if (rc)
        return rc;
    rc = vg_store_prepare(s,
                          "INSERT OR IGNORE INTO alert_transitions(alert, time, state)"
                          " VALUES(?, ?, ?)",
                          &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)a->id);
    sqlite3_bind_int64(st, 2, time);
    sqlite3_bind_int(st, 3, (int)a->state);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = vg_store_sql_err(s, err, "recording an alert transition");
    sqlite3_finalize(st);
    return rc;
}

int vg_store_alert_record(vg_store *s, vg_time time, const vg_alert *a, vg_error *err)
{
    bool own_tx;
    lock_single(s, &own_tx);
    int rc;
    if (own_tx) {
        if ((rc = vg_store_exec(s, "BEGIN IMMEDIATE", err)) == 0) {
            rc = alert_record_locked(s, time, a, err);
            if (rc == 0)
                rc = vg_store_exec(s, "COMMIT", err);
            if (rc)
                sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        }
    } else {
        rc = alert_record_locked(s, time, a, err);
    }
    unlock_single(s, own_tx);
    return rc;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
    snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

int vg_store_alerts_query(vg_store *s, const vg_alert_filter *f, vg_store_alert_fn fn,
                          void *user, vg_error *err)
{
    bool own_tx;
    lock_single(s, &own_tx);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(
        s,
        "SELECT id, track, rule, severity, state, zone, message, raised, updated FROM alerts"
        " WHERE (?1 < 0 OR state = ?1) AND (?2 < 0 OR severity >= ?2) AND raised >= ?3"
        " ORDER BY raised DESC, id DESC LIMIT ?4",
        &st, err);
    if (rc == 0) {
        sqlite3_bind_int(st, 1, f->state);
        sqlite3_bind_int(st, 2, f->severity);
        sqlite3_bind_int64(st, 3, f->since);
        sqlite3_bind_int(st, 4, f->limit > 0 ? f->limit : 100);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            vg_alert a;
            memset(&a, 0, sizeof a);
            a.id = (uint64_t)sqlite3_column_int64(st, 0);
            a.track = (uint64_t)sqlite3_column_int64(st, 1);
            copy_text(a.rule, sizeof a.rule, sqlite3_column_text(st, 2));
            a.severity = (vg_severity)sqlite3_column_int(st, 3);
            a.state = (vg_alert_state)sqlite3_column_int(st, 4);
            copy_text(a.zone, sizeof a.zone, sqlite3_column_text(st, 5));
            copy_text(a.message, sizeof a.message, sqlite3_column_text(st, 6));
            if ((rc = fn(user, sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8), &a)) != 0)
                break;
        }
        if (rc == 0 && step != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "querying alerts");
        sqlite3_finalize(st);
    }
    unlock_single(s, own_tx);
    return rc;
}

int vg_store_action_commit(vg_store *s, vg_time time, vg_time audit_time, const char *user,
                           const char *action,
                           const char *detail_json, const char *journal_line, size_t len,
                           int64_t *journal_seq, int64_t *audit_seq, vg_error *err)
{
    pthread_mutex_lock(&s->lock);
    if (s->in_batch) {
        pthread_mutex_unlock(&s->lock);
        return vg_err(err, VG_ESTATE, "an action must not join this thread's open batch");
    }
    int rc = vg_store_exec(s, "BEGIN IMMEDIATE", err);
    if (rc == 0) {
        if (journal_line)
            rc = journal_insert(s, time, journal_line, len, journal_seq, err);
        if (rc == 0)
            rc = vg_store_audit_append_locked(s, audit_time, user, action, detail_json, audit_seq,
                                              err);
        if (rc == 0)
            rc = vg_store_exec(s, "COMMIT", err);
        if (rc)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- zone documents ------------------------------------------------------------ */

int vg_store_zone_doc_add(vg_store *s, vg_time time, const char *name, const char *text,
                          size_t len, int64_t *id, vg_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "INSERT INTO zone_docs(time, name, text) VALUES(?, ?, ?)", &st, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, time);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, text, (int)len, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "storing a zone document");
        else
            *id = sqlite3_last_insert_rowid(s->db);
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vg_store_zone_doc_get(vg_store *s, int64_t id, char **text, size_t *len, vg_error *err)
{
    *text = NULL;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "SELECT text FROM zone_docs WHERE id = ?", &st, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            int n = sqlite3_column_bytes(st, 0);
            *text = malloc((size_t)n + 1);
            if (!*text) {
                rc = vg_err(err, VG_ENOMEM, "out of memory");
            } else {
                memcpy(*text, sqlite3_column_text(st, 0), (size_t)n);
                (*text)[n] = '\0';
                *len = (size_t)n;
            }
        } else if (step == SQLITE_DONE) {
            rc = vg_err(err, VG_ENOTFOUND, "no zone document %lld", (long long)id);
        } else {
            rc = vg_store_sql_err(s, err, "reading a zone document");
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
