/* server/store_int.h — what the store's own files share: the connection, its lock,
 * and statement helpers. Not for the rest of the daemon. */
#ifndef VIGIE_SERVER_STORE_INT_H
#define VIGIE_SERVER_STORE_INT_H

#include <pthread.h>
#include <sqlite3.h>

#include "server/store.h"

struct vg_store {
    sqlite3 *db;
    pthread_mutex_t lock;
    bool in_batch;              /* between vg_store_begin and commit/rollback */
    sqlite3_stmt *journal_insert; /* prepared once: appends are the hot path */
    char path[512];
};

/* Fill err from the connection's last error, prefixed with what was being done. */
int vg_store_sql_err(vg_store *s, vg_error *err, const char *doing);

/* Prepare sql (a constant) or fail with a message. */
int vg_store_prepare(vg_store *s, const char *sql, sqlite3_stmt **st, vg_error *err);

/* Run a statement without results (DDL, BEGIN, COMMIT). */
int vg_store_exec(vg_store *s, const char *sql, vg_error *err);

/* The audit append for a caller that holds the lock inside a transaction. */
int vg_store_audit_append_locked(vg_store *s, vg_time time, const char *user,
                                 const char *action, const char *detail_json, int64_t *seq,
                                 vg_error *err);

/* The checks an audit entry's fields pass before they are stored (and fuzzed). */
int vg_store_audit_fields_check(const char *user, const char *action, const char *detail,
                                vg_error *err);

#endif
