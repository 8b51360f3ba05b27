/* server/store_audit.c — the tamper-evident audit log.
 *
 * Entry n carries hash_n = BLAKE2b-256(hash_{n-1} || seq || time || user || action ||
 * detail), hash_0 being 32 zero bytes. Changing, deleting, inserting or reordering a
 * row breaks the chain at that row; verification recomputes it from the first entry.
 * Cutting the tail off leaves a valid shorter chain — `vigie audit verify` prints the
 * head hash so that it can be noted elsewhere (a log server, a paper register). */
#include "server/store_int.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void vg_store_hash_hex(const uint8_t hash[VG_AUDIT_HASH_BYTES], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < VG_AUDIT_HASH_BYTES; i++) {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[64] = '\0';
}

static void put_le64(crypto_generichash_state *h, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

/* Strings go in with their terminating NUL, so ("ab","c") and ("a","bc") differ. */
static void put_str(crypto_generichash_state *h, const char *str)
{
    crypto_generichash_update(h, (const unsigned char *)str, strlen(str) + 1);
}

static void entry_hash(const uint8_t prev[VG_AUDIT_HASH_BYTES], int64_t seq, vg_time time,
                       const char *user, const char *action, const char *detail,
                       uint8_t out[VG_AUDIT_HASH_BYTES])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, VG_AUDIT_HASH_BYTES);
    crypto_generichash_update(&h, prev, VG_AUDIT_HASH_BYTES);
    put_le64(&h, seq);
    put_le64(&h, time);
    put_str(&h, user);
    put_str(&h, action);
    put_str(&h, detail);
    crypto_generichash_final(&h, out, VG_AUDIT_HASH_BYTES);
}

static bool utf8_printable(const char *s)
{
    json_t *j = json_string(s); /* jansson checks UTF-8 */
    if (!j)
        return false;
    json_decref(j);
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

int vg_store_audit_fields_check(const char *user, const char *action, const char *detail,
                                vg_error *err)
{
    if (!user || !*user || strlen(user) >= VG_ID_MAX || !utf8_printable(user))
        return vg_err(err, VG_EINVAL, "audit: user must be 1..%d printable UTF-8 bytes",
                      VG_ID_MAX - 1);
    if (!action || !*action || strlen(action) >= VG_AUDIT_ACTION_MAX || !utf8_printable(action))
        return vg_err(err, VG_EINVAL, "audit: action must be 1..%d printable UTF-8 bytes",
                      VG_AUDIT_ACTION_MAX - 1);
    size_t len = strlen(detail);
    if (len >= VG_JSON_MAX)
        return vg_err(err, VG_ETOOBIG, "audit: detail of %zu bytes (limit %d)", len,
                      VG_JSON_MAX - 1);
    json_error_t jerr;
    json_t *j = json_loadb(detail, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return vg_err(err, VG_EPARSE, "audit: detail is not JSON: %s", jerr.text);
    bool object = json_is_object(j);
    json_decref(j);
    if (!object)
        return vg_err(err, VG_ETYPE, "audit: detail must be a JSON object");
    return 0;
}

static int last_hash(vg_store *s, int64_t *seq, uint8_t hash[VG_AUDIT_HASH_BYTES],
                     vg_error *err)
{
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st,
                              err);
    if (rc)
        return rc;
    *seq = 0;
    memset(hash, 0, VG_AUDIT_HASH_BYTES);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) != VG_AUDIT_HASH_BYTES)
            rc = vg_err(err, VG_ECORRUPT, "audit entry %lld: hash of the wrong size",
                        (long long)*seq);
        else
            memcpy(hash, sqlite3_column_blob(st, 1), VG_AUDIT_HASH_BYTES);
    } else if (step != SQLITE_DONE) {
        rc = vg_store_sql_err(s, err, "reading the audit log");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Caller holds the lock and is inside a transaction (the last hash must not move
 * between reading it and writing the next entry). */
int vg_store_audit_append_locked(vg_store *s, vg_time time, const char *user,
                                 const char *action, const char *detail_json, int64_t *seq,
                                 vg_error *err)
{
    const char *detail = (detail_json && *detail_json) ? detail_json : "{}";
    int rc = vg_store_audit_fields_check(user, action, detail, err);
    if (rc)
        return rc;
    int64_t prev_seq;
    uint8_t prev[VG_AUDIT_HASH_BYTES], hash[VG_AUDIT_HASH_BYTES];
    if ((rc = last_hash(s, &prev_seq, prev, err)) != 0)
        return rc;
    int64_t next = prev_seq + 1;
    entry_hash(prev, next, time, user, action, detail, hash);
    sqlite3_stmt *st;
    rc = vg_store_prepare(s,
                          "INSERT INTO audit(seq, time, user, action, detail, prev_hash, hash)"
                          " VALUES(?, ?, ?, ?, ?, ?, ?)",
                          &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, next);
    sqlite3_bind_int64(st, 2, time);
    sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 6, prev, VG_AUDIT_HASH_BYTES, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 7, hash, VG_AUDIT_HASH_BYTES, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = vg_store_sql_err(s, err, "appending to the audit log");
    else if (seq)
        *seq = next;
    sqlite3_finalize(st);
    return rc;
}

int vg_store_audit_append(vg_store *s, vg_time time, const char *user, const char *action,
                          const char *detail_json, int64_t *seq, vg_error *err)
{
    return vg_store_action_commit(s, time, time, user, action, detail_json, NULL, 0, NULL, seq,
                                  err);
}

static void row_entry(sqlite3_stmt *st, vg_audit_entry *e)
{
    memset(e, 0, sizeof *e);
    e->seq = sqlite3_column_int64(st, 0);
    e->time = sqlite3_column_int64(st, 1);
    const unsigned char *t;
    t = sqlite3_column_text(st, 2);
    snprintf(e->user, sizeof e->user, "%s", t ? (const char *)t : "");
    t = sqlite3_column_text(st, 3);
    snprintf(e->action, sizeof e->action, "%s", t ? (const char *)t : "");
    t = sqlite3_column_text(st, 4);
    snprintf(e->detail, sizeof e->detail, "%s", t ? (const char *)t : "");
    if (sqlite3_column_bytes(st, 5) == VG_AUDIT_HASH_BYTES)
        memcpy(e->prev_hash, sqlite3_column_blob(st, 5), VG_AUDIT_HASH_BYTES);
    if (sqlite3_column_bytes(st, 6) == VG_AUDIT_HASH_BYTES)
        memcpy(e->hash, sqlite3_column_blob(st, 6), VG_AUDIT_HASH_BYTES);
}

int vg_store_audit_verify(vg_store *s, int64_t *count, int64_t *first_bad, vg_error *err)
{
    *count = 0;
    *first_bad = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    /* Read the raw columns: a tampered row may hold text longer than vg_audit_entry's
     * fields, and the hash must be over what is stored, not a truncated copy. */
    int rc = vg_store_prepare(s,
                              "SELECT seq, time, user, action, detail, prev_hash, hash"
                              " FROM audit ORDER BY seq",
                              &st, err);
    if (rc == 0) {
        uint8_t prev[VG_AUDIT_HASH_BYTES] = {0}, want[VG_AUDIT_HASH_BYTES];
        int64_t expect_seq = 1;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t seq = sqlite3_column_int64(st, 0);
            const char *user = (const char *)sqlite3_column_text(st, 2);
            const char *action = (const char *)sqlite3_column_text(st, 3);
            const char *detail = (const char *)sqlite3_column_text(st, 4);
            bool ok = seq == expect_seq && user && action && detail &&
                      sqlite3_column_bytes(st, 5) == VG_AUDIT_HASH_BYTES &&
                      sqlite3_column_bytes(st, 6) == VG_AUDIT_HASH_BYTES &&
                      sodium_memcmp(sqlite3_column_blob(st, 5), prev, VG_AUDIT_HASH_BYTES) == 0;
            if (ok) {
                entry_hash(prev, seq, sqlite3_column_int64(st, 1), user, action, detail, want);
                ok = sodium_memcmp(sqlite3_column_blob(st, 6), want, VG_AUDIT_HASH_BYTES) == 0;
            }
            if (!ok) {
                *first_bad = seq == expect_seq ? seq : expect_seq;
                rc = vg_err(err, VG_ECORRUPT,
                            "audit chain broken at entry %lld (a row changed, deleted or "
                            "inserted)",
                            (long long)*first_bad);
                break;
            }
            memcpy(prev, want, sizeof prev);
            expect_seq++;
            (*count)++;
        }
        if (rc == 0 && step != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "reading the audit log");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int vg_store_audit_each(vg_store *s, int64_t before, int limit, vg_store_audit_fn fn,
                        void *user, vg_error *err)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = vg_store_prepare(s,
                              "SELECT seq, time, user, action, detail, prev_hash, hash"
                              " FROM audit WHERE ?1 <= 0 OR seq < ?1 ORDER BY seq DESC LIMIT ?2",
                              &st, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, before);
        sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            vg_audit_entry e;
            row_entry(st, &e);
            if ((rc = fn(user, &e)) != 0)
                break;
        }
        if (rc == 0 && step != SQLITE_DONE)
            rc = vg_store_sql_err(s, err, "reading the audit log");
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
