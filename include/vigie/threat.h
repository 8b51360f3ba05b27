/* vigie/threat.h — threat rules: tracks in, alerts out; and the alert lifecycle.
 *
 * A vg_threat holds what the rules need besides the tracks — the whitelist of
 * authorised flights, the protected assets, which sensors observe which zones — and
 * the alerts it raised. Every track update goes through vg_threat_track, which runs
 * the rules and raises or updates alerts; operators move an alert through its states
 * with commands (alert_ack, alert_dispatch, alert_resolve, alert_false_alarm);
 * vg_threat_tick escalates alerts nobody acknowledged. Each change is an `alert`
 * output event handed to the caller's emit callback.
 *
 * Deterministic core code: no clock (time is always an argument), no I/O (files are
 * parsed from buffers), no globals. All tables are allocated once by
 * vg_threat_create with the capacities given there; a track update allocates
 * nothing in this module (the zone index queries may, inside GEOS).
 *
 * Rules (docs in src/threat/rules.c; "drone" = P(drone) ≥ drone_threshold, or a
 * Remote ID / French beacon identity; "prohibited zone" = an airspace zone whose
 * restriction is PROHIBITED, in force at the time and containing the 4-D point):
 *
 *   zone_entry            a drone, not whitelisted for that zone, inside a prohibited zone
 *   zone_predicted        a drone, not whitelisted, predicted to enter a prohibited zone
 *                         within the posture's anticipation_s
 *   asset_proximity       a drone, not whitelisted there, within alert_distance_m of a
 *                         protected asset (twice that for a "high" asset)
 *   spoofing              a track whose integrity flags say identity_outside_gate,
 *                         duplicate_id, impossible_speed or teleport
 *   aircraft_no_id        a manned aircraft (most probable class) without an ADS-B
 *                         identity, inside a prohibited zone
 *   airspace_not_observed every sensor declared to observe a zone is down
 *   coverage_gap          a sensitive site missed its patrol obligation (raised and
 *                         resolved by the patrol module, vg_threat_site_gap)
 *
 * Severity by rule and by the strictest posture level at the track's position
 * (vg_postures_level_at over the zones containing it; for zone_predicted the zone
 * about to be entered counts too; for airspace_not_observed the zone itself):
 *
 *   rule                   vigilance  securite_renforcee  urgence_attentat
 *   zone_entry             warning    critical            critical
 *   zone_predicted         warning    warning             critical
 *   asset_proximity        warning    warning             critical   ("high" asset: critical)
 *   spoofing               warning    warning             warning
 *   aircraft_no_id         critical   critical            critical
 *   airspace_not_observed  warning    warning             critical
 *   coverage_gap           info       warning             warning
 *
 * An alert not acknowledged within the posture's escalation_s rises one step (once).
 * The severity of an open alert never goes down.
 *
 * One alert per object and rule. The key is (rule, cooperative identity) for a
 * track with a Remote ID, French beacon or ADS-B identity, else (rule, track id);
 * (rule, zone) for airspace_not_observed. A track that gains an identity carries its
 * alerts over to the identity key; a new track with the same identity (re-acquired,
 * or handed from one sensor to another) updates the same alert. An alert update is
 * emitted only when its track, zone or severity changes, its object's identity or the
 * pilot position first becomes known — not on every track update.
 *
 * Closing: an alert stays open when its condition ends and when its track is dropped
 * (a drone that left coverage is not thereby harmless); an operator closes it. The
 * exception is airspace_not_observed, which the module itself resolves when one of
 * the zone's sensors comes back up. After `resolved`, the same condition raises a new
 * alert; after `false_alarm`, the object and rule are muted until its track is
 * dropped (vg_threat_track_drop), so an operator's judgement is not overruled at the
 * next radar scan. */
#ifndef VIGIE_THREAT_H
#define VIGIE_THREAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/posture.h"
#include "vigie/time.h"
#include "vigie/zones.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vg_threat_rule {
    VG_RULE_ZONE_ENTRY = 0,
    VG_RULE_ZONE_PREDICTED,
    VG_RULE_ASSET_PROXIMITY,
    VG_RULE_SPOOFING,
    VG_RULE_AIRCRAFT_NO_ID,
    VG_RULE_AIRSPACE_NOT_OBSERVED,
    VG_RULE_COVERAGE_GAP,        /* raised by the patrol module (vg_threat_site_gap) */
    VG_RULE_COUNT
} vg_threat_rule;

/* Sensors one zone can be declared to be observed by. */
#define VG_THREAT_ZONE_SENSORS_MAX 16
/* Upper bound of every capacity, against absurd configurations. */
#define VG_THREAT_CAP_MAX (1 << 20)

/* Capacities and tunables; a zero field takes the default shown. */
typedef struct vg_threat_opts {
    int alerts;              /* alerts kept: open ones, and closed ones until reused (1024) */
    int whitelist;           /* whitelist entries (256) */
    int assets;              /* protected assets (256) */
    int coverage_zones;      /* zones declared with their observing sensors (64) */
    int operator_links;      /* UAS id → operator id links remembered (256) */
    double drone_threshold;  /* P(drone) from which a track is a drone (0.5) */
    double identify_grace_s; /* a track without a cooperative identity is not judged a
                              * drone before this age (3 s; negative = 0): Remote ID
                              * sends its location at 1 Hz or more, so an authorised
                              * drone first seen by radar gets the time for two of
                              * them, one lost */
    double predict_resolution_m; /* path prediction samples every this many metres of
                              * flight (40 m): the step is this over the speed, at
                              * least 0.1 s, so a zone thinner than this along the
                              * path may be missed */
} vg_threat_opts;

typedef struct vg_threat vg_threat;

/* Receives every alert event (type VG_EV_ALERT, time = the call's time). The event
 * is only valid during the call. */
typedef void (*vg_threat_emit_fn)(void *userdata, const vg_event *ev);

/* Counters, for the daemon's status page and the tests. */
typedef struct vg_threat_stats {
    uint64_t raised;         /* alerts raised */
    uint64_t updated;        /* alert updates emitted */
    uint64_t escalated;
    uint64_t dropped_full;   /* raises lost because the alert table was full */
    int open;                /* alerts raised, acknowledged or dispatched now */
    int whitelist;           /* entries */
    int assets;
    int coverage_zones;
} vg_threat_stats;

/* ---- life (threat.c) ----------------------------------------------------------- */

/* Allocate a threat module with the capacities of opts (NULL: all defaults). Returns
 * 0 and *out, VG_EINVAL for a negative or too large capacity or a threshold outside
 * (0, 1], or VG_ENOMEM. Free with vg_threat_free. */
int vg_threat_create(vg_threat **out, const vg_threat_opts *opts, vg_error *err);

/* Free everything. Safe with NULL. */
void vg_threat_free(vg_threat *th);

/* Wire names ("zone_entry", ...); "invalid" out of range. */
const char *vg_threat_rule_name(vg_threat_rule r);

/* The severity table above (without the "high" asset case and escalation). */
vg_severity vg_threat_severity(vg_threat_rule r, vg_posture_level level);

void vg_threat_get_stats(const vg_threat *th, vg_threat_stats *out);

/* ---- configuration (threat.c, whitelist.c) -------------------------------------- */

/* Replace the protected assets with the JSON array in buf[0..len):
 * [{"id": "trocadero-tribune", "lat": 48.862, "lon": 2.288, "name"?: text,
 *   "class"?: "standard" | "high"}]. A "high" asset is alerted at twice the posture's
 * alert distance, always critical. Strict: unknown fields, duplicate keys or ids,
 * out-of-range values are errors naming the element and field; VG_EFULL past the
 * capacity. On error nothing changes. */
int vg_threat_load_assets(vg_threat *th, const char *buf, size_t len, vg_error *err);

/* Add the whitelist entries of the JSON array in buf[0..len), each as the args of a
 * whitelist_add command (see vg_threat_command). All or nothing: on error (message
 * naming the element and field) or VG_EFULL nothing is added. */
int vg_threat_load_whitelist(vg_threat *th, const char *buf, size_t len, vg_error *err);

/* Replace the coverage declarations with the JSON array in buf[0..len):
 * [{"zone": "ZIT-SEINE", "sensors": ["radar-pont-neuf", "rf-ile-saint-louis"]}]
 * (1..VG_THREAT_ZONE_SENSORS_MAX distinct sensor ids, zones distinct). Every sensor
 * starts up. Open airspace_not_observed alerts are kept. On error nothing changes. */
int vg_threat_load_coverage(vg_threat *th, const char *buf, size_t len, vg_error *err);

/* Remember that the drone broadcasting UAS id uas_id is flown by operator_id (both
 * 1..63 bytes), as Remote ID's operator ID message says, so that operator_id
 * whitelist entries cover its tracks. When the table is full the oldest link is
 * replaced. Returns 0 or VG_EINVAL. */
int vg_threat_link_operator(vg_threat *th, const char *uas_id, const char *operator_id);

/* Is a flight of UAS id uas_id (or NULL), linked operator (looked up), authorised at
 * time t in zone `zone`? An entry matches when its uas_id or operator_id matches,
 * start ≤ t < end, and it names no zone or names `zone`. With zone NULL only entries
 * naming no zone match. */
bool vg_threat_whitelisted(const vg_threat *th, const char *uas_id, const char *zone,
                           vg_time t);

/* ---- inputs -------------------------------------------------------------------- */

/* Run the rules on one track update at time t. ix (may be NULL: no zone rules) is an
 * index built over zones (the array its indices refer to); postures gives the level
 * and its parameters (required). Raises or updates alerts through emit. Returns 0,
 * VG_EINVAL (bad arguments, non-finite position), or VG_EFULL when a new alert did
 * not fit (the other rules still ran; counted in stats.dropped_full). */
int vg_threat_track(vg_threat *th, const vg_track *tr, vg_time t, vg_zindex *ix,
                    const vg_zone *zones, const vg_postures *postures,
                    vg_threat_emit_fn emit, void *userdata, vg_error *err);

/* The track was dropped by the tracker: alerts about it stay open (see above), but
 * false-alarm mutes on it are lifted. Returns 0. */
int vg_threat_track_drop(vg_threat *th, uint64_t track_id);

/* A sensor went up or down at time t. For every coverage zone listing it: when all
 * of the zone's sensors are down, raise airspace_not_observed (severity from
 * postures at that zone); when one comes back, resolve that alert ("by system").
 * Unknown sensors are ignored. Returns 0, VG_EINVAL, or VG_EFULL. */
int vg_threat_sensor_status(vg_threat *th, const char *sensor, bool up, vg_time t,
                            const vg_postures *postures, vg_threat_emit_fn emit,
                            void *userdata, vg_error *err);

/* A sensitive site's patrol obligation is missed (gap true: raise or update the
 * coverage_gap alert keyed by site_id, severity info under vigilance, warning above,
 * with `detail` as its condition) or met again (gap false: resolve it "by system").
 * Used by the patrol module. Returns 0, VG_EINVAL, or VG_EFULL. */
int vg_threat_site_gap(vg_threat *th, const char *site_id, bool gap, vg_posture_level level,
                       double escalation_s, const char *detail, vg_time t,
                       vg_threat_emit_fn emit, void *userdata, vg_error *err);

/* Periodic work at time t: escalate each alert still `raised` escalation_s after it
 * was raised (escalation_s of the posture where it was last evaluated): severity one
 * step up, once, with an event. Returns the number of alerts escalated. */
int vg_threat_tick(vg_threat *th, vg_time t, vg_threat_emit_fn emit, void *userdata);

/* True for the command kinds this module handles. */
bool vg_threat_handles(const char *kind);

/* Apply an operator command at time t:
 *   alert_ack, alert_dispatch, alert_resolve, alert_false_alarm — args {"alert": id};
 *     role operator or commander. raised → acknowledged → dispatched → resolved or
 *     false_alarm; dispatch also from raised, resolve / false_alarm from any open
 *     state. Emits the alert with its new state; the message says by whom and when.
 *   whitelist_add — args {"uas_id" | "operator_id": id (exactly one), "zone"?: zone
 *     id, "start"?, "end"?: RFC 3339 or seconds since the epoch (start < end),
 *     "purpose": text}; whitelist_remove — args {"uas_id" | "operator_id": id}
 *     removes every entry of that id. Role operator, commander or admin. No event.
 * Returns 0; VG_EUNKNOWN for a kind it does not handle; VG_EINVAL for a role not
 * allowed; the code naming the problem for bad args (VG_EPARSE, VG_ETYPE, VG_EMISSING,
 * VG_EUNKNOWN for an unknown field, VG_EINVAL, VG_ERANGE); VG_ENOTFOUND for an unknown alert or whitelist id;
 * VG_ESTATE for a transition the alert's state forbids; VG_EFULL. The message says
 * which. On error nothing changes and nothing is emitted. */
int vg_threat_command(vg_threat *th, const vg_command *cmd, vg_time t,
                      vg_threat_emit_fn emit, void *userdata, vg_error *err);

/* ---- queries -------------------------------------------------------------------- */

/* The alert with this id, as last emitted, or NULL if unknown (or its slot reused
 * after it was closed). Valid until the next call that changes the module. */
const vg_alert *vg_threat_alert(const vg_threat *th, uint64_t id);

/* The whitelist as it stands (entries in the order they were added), for displays. */
typedef struct vg_whitelist_entry {
    bool is_operator;            /* id is an operator id, else a UAS id */
    char id[VG_ID_MAX];
    char zone[VG_ID_MAX];        /* "" = anywhere */
    vg_time start, end;          /* VG_TIME_MIN / VG_TIME_MAX when open */
    char purpose[VG_TEXT_MAX];
} vg_whitelist_entry;

int vg_threat_whitelist_count(const vg_threat *th);
/* Entry i (0 ≤ i < count): 0, or VG_ERANGE. */
int vg_threat_whitelist_get(const vg_threat *th, int i, vg_whitelist_entry *out);

#ifdef __cplusplus
}
#endif
#endif
