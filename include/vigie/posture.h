/* vigie/posture.h — the national alert posture (Vigipirate) and what it sets.
 *
 * Three levels — vigilance, sécurité renforcée – risque attentat, urgence attentat —
 * each with the rule parameters vigie applies under it (alert distances, how far
 * ahead to anticipate a zone entry, escalation delays, patrol obligations) and its
 * measures. A posture is a level in force over a scope: the whole country, or a
 * list of zones; several can be in force at once, and the strictest applies at a
 * point. Changes come only from a commander's `posture_set` command, and each one
 * is an output event, so the journal and the outputs are the audit trail.
 * Deterministic core code: no I/O (a levels file is parsed from a buffer). */
#ifndef VIGIE_POSTURE_H
#define VIGIE_POSTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_POSTURE_MEASURES_MAX 32
#define VG_POSTURES_MAX 64        /* postures in force at once (national + scoped) */
#define VG_POSTURE_HISTORY 256    /* changes remembered */

/* What a level sets for the rules of the other modules. */
typedef struct vg_posture_params {
    double alert_distance_m;      /* a drone this close to a protected asset is alerted */
    double anticipation_s;        /* alert a predicted zone entry this far ahead */
    double escalation_s;          /* escalate an alert not acknowledged within this */
    double patrol_interval_s;     /* a sensitive site must be visited this often ... */
    bool patrol_continuous;       /* ... or held continuously */
} vg_posture_params;

/* One measure, numbered as Vigipirate does: domain code (vigie's own labels; the
 * real codes are not public), security objective, degree of constraint 0–3
 * (0 = permanent socle), order. */
typedef struct vg_measure {
    char code[16];                /* e.g. "RSB 12-03" */
    char title[VG_TEXT_MAX];
    int constraint;               /* 0..3 */
    bool permanent;               /* socle measure, or additional */
} vg_measure;

typedef struct vg_level_def {
    vg_posture_level level;
    char name[VG_TEXT_MAX];
    vg_posture_params params;
    vg_measure measures[VG_POSTURE_MEASURES_MAX];
    int n_measures;
} vg_level_def;

/* A posture in force. */
typedef struct vg_posture_state {
    vg_posture_level level;
    char scope[VG_ID_MAX];        /* "national" or a zone identifier */
    char name[VG_TEXT_MAX];
    char user[VG_ID_MAX];
    vg_time since;
} vg_posture_state;

typedef struct vg_postures {
    vg_level_def levels[VG_POSTURE_LEVEL_COUNT];
    vg_posture_state in_force[VG_POSTURES_MAX];
    int n_in_force;
    vg_posture_state history[VG_POSTURE_HISTORY]; /* ring, oldest overwritten */
    int n_history;                                /* total changes ever */
} vg_postures;

/* The built-in levels (the same as postures/vigipirate.json), and a national
 * vigilance posture in force since `since`. */
void vg_postures_init(vg_postures *p, vg_time since);

/* Replace the level definitions from a levels file (JSON, see docs/formats.md).
 * Every level must be defined once; errors name the level and the field. On error
 * p is unchanged. */
int vg_postures_load_levels(vg_postures *p, const char *json, size_t len, vg_error *err);

/* Apply a `posture_set` command at time t: args {"level": L, "scope": "national" |
 * [zone ids], "name": optional}. Only the commander role may; a scope is replaced
 * (one posture per scope). For each scope changed, fills out[i] with a `posture`
 * output event (up to cap) and sets *n_out. Returns 0, VG_EINVAL (bad args, role),
 * or VG_EFULL (too many scoped postures). On error nothing changes. */
int vg_postures_command(vg_postures *p, const vg_command *cmd, vg_time t, vg_event *out,
                        int cap, int *n_out, vg_error *err);

/* The strictest level in force at a place lying in the zones zone_ids[0..n): the
 * national posture and every scoped posture whose zone is among them. */
vg_posture_level vg_postures_level_at(const vg_postures *p, const char *const *zone_ids,
                                      int n);

/* The parameters of a level. */
const vg_posture_params *vg_postures_params(const vg_postures *p, vg_posture_level level);

#ifdef __cplusplus
}
#endif
#endif
