/* threat/threat_int.h — what the files of src/threat share: the vg_threat struct,
 * the alert table entry, and the strict JSON readers of threat.c. Not public. */
#ifndef VIGIE_THREAT_INT_H
#define VIGIE_THREAT_INT_H

#include <jansson.h>

#include "vigie/threat.h"

/* ---- alerts (alerts.c) -------------------------------------------------------- */

typedef enum th_key_kind { TH_KEY_TRACK = 0, TH_KEY_IDENTITY, TH_KEY_ZONE } th_key_kind;

/* Who an alert is about: a track id, a cooperative identity, or a zone. */
typedef struct th_key {
    th_key_kind kind;
    uint64_t track;
    vg_identity_source src;
    char id[VG_ID_MAX];          /* identity or zone identifier */
} th_key;

typedef struct th_alert {
    bool used;                   /* slot holds an alert (open, or closed until reused) */
    vg_alert a;                  /* as last emitted */
    vg_threat_rule rule;
    th_key key;
    uint64_t hash;               /* of (rule, key), compared first */
    int next;                    /* next slot in the same hash bucket, -1 at the end */
    vg_time raised_at, changed_at;
    double escalation_s;         /* of the posture where it was last evaluated */
    bool escalated, had_pilot;
    double zone_extent;          /* zone_entry: how wide the zone it names is */
    char detail[VG_TEXT_MAX];    /* what the condition is, pilot included */
} th_alert;

/* What a rule found; handed to th_alert_fire. */
typedef struct th_finding {
    vg_threat_rule rule;
    th_key key;
    uint64_t track;              /* 0 for zone alerts */
    vg_severity severity;
    const char *zone;            /* "" or NULL: none */
    double escalation_s;
    bool has_pilot;
    double zone_extent;          /* zone_entry: the named zone's extent, else 0 */
    char detail[VG_TEXT_MAX];
} th_finding;

typedef struct th_whitelist_entry {
    bool is_operator;            /* id is an operator id, else a UAS id */
    uint64_t hash;               /* of id */
    char id[VG_ID_MAX];
    char zone[VG_ID_MAX];        /* "" = anywhere */
    vg_time start, end;
    char purpose[VG_TEXT_MAX];
} th_whitelist_entry;

typedef struct th_link {
    uint64_t hash;               /* of uas */
    char uas[VG_ID_MAX];
    char op[VG_ID_MAX];
} th_link;

typedef struct th_asset {
    char id[VG_ID_MAX];
    char name[VG_TEXT_MAX];
    double lat, lon, coslat;
    bool high;
} th_asset;

typedef struct th_coverage {
    char zone[VG_ID_MAX];
    int nsensors;
    char sensors[VG_THREAT_ZONE_SENSORS_MAX][VG_ID_MAX];
    bool up[VG_THREAT_ZONE_SENSORS_MAX];
} th_coverage;

struct vg_threat {
    vg_threat_opts opts;
    th_alert *alerts;            /* opts.alerts slots */
    int *buckets;                /* hash chains of the used slots: first slot or -1 */
    int nbuckets;                /* a power of two ≥ opts.alerts */
    uint64_t next_id;            /* ids 1, 2, ... */
    int muted;                   /* used slots in state false_alarm */
    th_whitelist_entry *wl;
    int nwl;
    th_link *links;
    int nlinks, next_link;
    th_asset *assets;
    int nassets;
    th_coverage *cov;
    int ncov;
    vg_threat_stats stats;
};

uint64_t th_hash(const void *data, size_t n, uint64_t h);
#define TH_HASH_SEED 0xcbf29ce484222325ull

/* Whether the object of key has an open alert of rule naming zone. */
bool th_alert_names_zone(vg_threat *th, vg_threat_rule rule, const th_key *key,
                         const char *zone);
/* Track `track` is now known as the object of identity key `ident`: every open
 * alert it raised under its own key, of a rule for which that object has an open
 * alert already, is resolved into the object's — whether or not the rule still
 * holds for the track. */
void th_alert_merge_track(vg_threat *th, const th_key *ident, uint64_t track, vg_time t,
                          vg_threat_emit_fn emit, void *userdata);
/* Raise, update or leave alone (muted) the alert of finding f at time t. Returns 0
 * or VG_EFULL. */
int th_alert_fire(vg_threat *th, const th_finding *f, vg_time t, vg_threat_emit_fn emit,
                  void *userdata, vg_error *err);
/* The open alert of (rule, key), or NULL. */
th_alert *th_alert_find_open(vg_threat *th, vg_threat_rule rule, const th_key *key);
/* Close alert x in state `to` by `who` at t and emit it. */
void th_alert_close(vg_threat *th, th_alert *x, vg_alert_state to, const char *who,
                    const char *why, vg_time t, vg_threat_emit_fn emit, void *userdata);
int th_alert_command(vg_threat *th, const vg_command *cmd, vg_time t,
                     vg_threat_emit_fn emit, void *userdata, vg_error *err);

/* ---- whitelist (whitelist.c) ---------------------------------------------------- */

/* Parse one whitelist_add args object (path names it in messages) into e. */
int th_whitelist_parse(json_t *obj, const char *path, th_whitelist_entry *e, vg_error *err);
int th_whitelist_command(vg_threat *th, const vg_command *cmd, vg_error *err);
/* The operator linked to uas_id, or NULL. */
const char *th_operator_of(const vg_threat *th, const char *uas_id);

/* ---- strict JSON readers (threat.c) ---------------------------------------------- */

/* Every key of obj is in allowed[0..n). */
int th_json_keys(json_t *obj, const char *const *allowed, size_t n, const char *path,
                 vg_error *err);
/* An identifier (1..63 bytes, no control characters) at obj.key into dst
 * (VG_ID_MAX); absent or null: *present false (error if required). */
int th_json_id(json_t *obj, const char *key, bool required, char *dst, bool *present,
               const char *path, vg_error *err);
/* Free text (1..255 bytes, no control characters but newline and tab). */
int th_json_text(json_t *obj, const char *key, bool required, char *dst, bool *present,
                 const char *path, vg_error *err);
/* A number in [lo, hi]. */
int th_json_number(json_t *obj, const char *key, double lo, double hi, double *out,
                   const char *path, vg_error *err);
/* A time: RFC 3339 string or seconds since the epoch; absent or null: dflt. */
int th_json_time(json_t *obj, const char *key, vg_time dflt, vg_time *out, const char *path,
                 vg_error *err);
/* Parse a JSON document from buf[0..len) (duplicate keys rejected). */
json_t *th_json_load(const char *buf, size_t len, const char *what, vg_error *err);

#endif
