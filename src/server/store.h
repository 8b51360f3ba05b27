/* server/store.h — the daemon's durable store: one SQLite database in WAL mode.
 *
 * It keeps the input journal (every accepted input line, in order: the engine is
 * deterministic, so replaying the journal restores postures, zones, whitelist, units,
 * tracks and alerts exactly), the alerts and every transition of theirs (for the API's
 * queries), the tamper-evident audit log (each entry hashed with BLAKE2b-256 over the
 * previous entry's hash and its own fields), users and sessions (server/auth.h).
 *
 * Threads: one vg_store may be shared by every thread; a mutex inside serialises
 * calls (SQLite sees one connection). Durability: synchronous=FULL, so a call that
 * returned 0 after writing has reached the disk — vg_store_action_commit is what an
 * HTTP handler calls before it confirms an operator action. */
#ifndef VIGIE_SERVER_STORE_H
#define VIGIE_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/time.h"

typedef struct vg_store vg_store;

#define VG_AUDIT_ACTION_MAX 64
#define VG_AUDIT_HASH_BYTES 32

/* Open (creating if needed) the database at path, set WAL, FULL synchronous, a busy
 * timeout and foreign keys, and bring the schema to the current version. A file
 * that is not a vigie database, or has a newer schema, is refused. */
int vg_store_open(const char *path, vg_store **out, vg_error *err);
void vg_store_close(vg_store *s);

/* Group many writes in one transaction: the engine thread wraps a batch of journal
 * appends and alert records. Its commit is not synced to disk (it survives the
 * process's death, not a power cut, until the next synced commit, such as an
 * operator action's, makes it durable with everything before it). Not nestable. */
int vg_store_begin(vg_store *s, vg_error *err);
int vg_store_commit(vg_store *s, vg_error *err);
int vg_store_rollback(vg_store *s);

/* ---- input journal --------------------------------------------------------- */

/* Append one input line (a canonical JSON Lines event, no newline) with its event
 * time; *seq (may be NULL) receives its sequence number (1, 2, ...). */
int vg_store_journal_append(vg_store *s, vg_time time, const char *line, size_t len,
                            int64_t *seq, vg_error *err);

/* Call fn for every journal line with seq > after_seq, in order. fn returns 0 to go
 * on, anything else to stop (that value is returned). */
typedef int (*vg_store_line_fn)(void *user, int64_t seq, const char *line, size_t len);
int vg_store_journal_each(vg_store *s, int64_t after_seq, vg_store_line_fn fn, void *user,
                          vg_error *err);
int64_t vg_store_journal_count(vg_store *s);

/* ---- alerts ---------------------------------------------------------------- */

/* Record an alert output event: the alert's current row is created or updated and a
 * transition row (time, state) appended when the state changed. */
int vg_store_alert_record(vg_store *s, vg_time time, const vg_alert *a, vg_error *err);

typedef struct vg_alert_filter {
    int state;          /* a vg_alert_state, or -1 for any */
    int severity;       /* a vg_severity (at least this severe), or -1 for any */
    vg_time since;      /* raised at or after; 0 for any */
    int limit;          /* at most this many, newest first; 0 = 100 */
} vg_alert_filter;

void vg_alert_filter_init(vg_alert_filter *f);

typedef int (*vg_store_alert_fn)(void *user, vg_time raised, vg_time updated,
                                 const vg_alert *a);
int vg_store_alerts_query(vg_store *s, const vg_alert_filter *f, vg_store_alert_fn fn,
                          void *user, vg_error *err);

/* ---- operator actions and the audit log ------------------------------------- */

typedef struct vg_audit_entry {
    int64_t seq;
    vg_time time;
    char user[VG_ID_MAX];
    char action[VG_AUDIT_ACTION_MAX];    /* "alert_ack", "login", "user_add", ... */
    char detail[VG_JSON_MAX];            /* compact JSON object text */
    uint8_t prev_hash[VG_AUDIT_HASH_BYTES];
    uint8_t hash[VG_AUDIT_HASH_BYTES];
} vg_audit_entry;

/* Append an audit entry alone (logins, user management, refused requests). */
int vg_store_audit_append(vg_store *s, vg_time time, const char *user, const char *action,
                          const char *detail_json, int64_t *seq, vg_error *err);

/* An operator action, durably, in one transaction: the input line (the command event
 * the engine received, may be NULL) goes to the journal with its event time, and the
 * entry to the audit log with the wall-clock time of the decision. When this returns
 * 0 the action survives kill -9 and power loss. */
int vg_store_action_commit(vg_store *s, vg_time time, vg_time audit_time, const char *user,
                           const char *action,
                           const char *detail_json, const char *journal_line, size_t len,
                           int64_t *journal_seq, int64_t *audit_seq, vg_error *err);

/* Recompute the chain from the first entry. Returns 0 when intact (*count = entries),
 * VG_ECORRUPT with *first_bad = the first entry whose hash or link does not hold (a
 * changed, deleted or inserted row), or another error. */
int vg_store_audit_verify(vg_store *s, int64_t *count, int64_t *first_bad, vg_error *err);

/* Newest first, at most limit entries (0 = 100) with seq < before (0 = from the end). */
typedef int (*vg_store_audit_fn)(void *user, const vg_audit_entry *e);
int vg_store_audit_each(vg_store *s, int64_t before, int limit, vg_store_audit_fn fn,
                        void *user, vg_error *err);

/* ---- zone documents ------------------------------------------------------------ */

/* Keep a zone document (ED-269 or GeoJSON text) imported through the API; the journal
 * then holds a zone_import command naming its id, so a restart loads it again. */
int vg_store_zone_doc_add(vg_store *s, vg_time time, const char *name, const char *text,
                          size_t len, int64_t *id, vg_error *err);
/* The document's text, malloc'd (caller frees). VG_ENOTFOUND for an unknown id. */
int vg_store_zone_doc_get(vg_store *s, int64_t id, char **text, size_t *len, vg_error *err);

/* Lower-case hex of a hash, 64 characters and a NUL. */
void vg_store_hash_hex(const uint8_t hash[VG_AUDIT_HASH_BYTES], char out[65]);

#endif
