/* vigie/patrol.h — patrol units, sensitive sites, coverage and dispatch.
 *
 * A vg_patrol knows the units on the ground (soldiers of Opération Sentinelle,
 * police, gendarmes, municipal police), the sensitive public sites they must visit
 * and how often the posture in force says they must be visited; it flags coverage
 * gaps as alerts through the threat module's alert lifecycle, and it closes the
 * counter-drone loop: for an alert whose track carries a pilot or take-off position
 * it ranks the units that may legally intercept (police, gendarmerie, municipal
 * police with the `intercept` capability, never soldiers, never silent or off-duty
 * units) by estimated time of arrival and proposes the best as `dispatch` events.
 *
 * Deterministic core code: no clock, no I/O (data files are parsed from buffers),
 * no globals. Tables are allocated once by vg_patrol_create; commands, ticks and
 * alerts allocate nothing but the JSON parse of a command's args. Docs: docs/patrol.md. */
#ifndef VIGIE_PATROL_H
#define VIGIE_PATROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/posture.h"
#include "vigie/threat.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vg_force {
    VG_FORCE_ARMY = 0,
    VG_FORCE_POLICE,
    VG_FORCE_GENDARMERIE,
    VG_FORCE_MUNICIPAL,
    VG_FORCE_COUNT
} vg_force;

typedef enum vg_unit_mode {
    VG_MODE_FOOT = 0,
    VG_MODE_VEHICLE,
    VG_MODE_BIKE,
    VG_MODE_COUNT
} vg_unit_mode;

typedef enum vg_unit_status {
    VG_UNIT_AVAILABLE = 0,
    VG_UNIT_PATROLLING,
    VG_UNIT_EN_ROUTE,
    VG_UNIT_ON_SCENE,
    VG_UNIT_OFF_DUTY,
    VG_UNIT_STATUS_COUNT
} vg_unit_status;

/* Capabilities, bit flags; on the wire an array of names in this order. */
enum {
    VG_CAP_INTERCEPT = 1u << 0, /* may stop and question a drone pilot */
    VG_CAP_FIRST_AID = 1u << 1,
    VG_CAP_K9 = 1u << 2,
    VG_CAP_JAMMER = 1u << 3,    /* carries a counter-drone jamming rifle */
    VG_CAP_CBRN = 1u << 4,
    VG_CAP_COUNT = 5
};

typedef enum vg_site_category {
    VG_SITE_STATION = 0,
    VG_SITE_PLACE_OF_WORSHIP,
    VG_SITE_SCHOOL,
    VG_SITE_TOURIST_SITE,
    VG_SITE_FAN_ZONE,
    VG_SITE_VENUE,
    VG_SITE_CATEGORY_COUNT
} vg_site_category;

#define VG_PATROL_POLY_MAX 32      /* polygon vertices of a site */
#define VG_PATROL_PROPOSALS_MAX 8  /* units proposed per dispatch, at most */
#define VG_PATROL_CAP_MAX (1 << 20)

typedef struct vg_unit {
    char id[VG_ID_MAX];
    char callsign[VG_ID_MAX];
    char sector[VG_ID_MAX];      /* "" = any (only plans use it) */
    vg_force force;
    int size;                    /* people */
    vg_unit_mode mode;
    uint32_t caps;               /* VG_CAP_* */
    vg_unit_status status;
    bool has_pos;
    double lat, lon;
    vg_time last_report;         /* of its position; VG_TIME_MIN: never */
    bool stale;                  /* silent for more than stale_after_s (set by ticks) */
    int in_site;                 /* index of the site it stands in, -1 none */
} vg_unit;

typedef struct vg_patrol_site {
    char id[VG_ID_MAX];
    char name[VG_ID_MAX];
    vg_site_category category;
    char sector[VG_ID_MAX];      /* "" = none; also a posture scope */
    double lat, lon;             /* the point, or the polygon's vertex mean */
    double radius_m;             /* a point site's extent */
    int npoly;                   /* 0: a point site */
    double poly[VG_PATROL_POLY_MAX][2]; /* [lat, lon] */
    vg_time added, last_presence; /* last_presence VG_TIME_MIN: never visited */
    bool gap_open;               /* a coverage_gap alert is open */
} vg_patrol_site;

/* Tunables; a zero field takes the default shown. */
typedef struct vg_patrol_opts {
    int units;                   /* 1024 */
    int sites;                   /* 512 */
    int dispatches;              /* dispatches kept (open, or closed until reused): 256 */
    int proposals;               /* units proposed per alert: 3 (≤ VG_PATROL_PROPOSALS_MAX) */
    double detour_factor;        /* road distance / straight line: 1.4 */
    double speed_foot_mps;       /* 1.4 */
    double speed_bike_mps;       /* 4.5 */
    double speed_vehicle_mps;    /* 9 (city traffic) */
    double stale_after_s;        /* a unit silent this long is never proposed: 300 */
    double arrival_radius_m;     /* en_route → on_scene within this of the target: 50 */
    double site_radius_m;        /* a point site's default extent: 100 */
    double area_margin_m;        /* positions farther than this from every site are
                                  * refused as out of the area (once sites exist): 30000 */
    double gap_grace_s;          /* continuous presence tolerates this absence: 120 */
} vg_patrol_opts;

typedef struct vg_patrol vg_patrol;

/* Receives every output event (dispatch and alert events). Valid during the call. */
typedef void (*vg_patrol_emit_fn)(void *userdata, const vg_event *ev);

/* ---- life -------------------------------------------------------------------- */

/* Allocate with the capacities of opts (NULL: defaults). th (may be NULL: no gap
 * alerts, no alert state changes) is the threat module whose alert lifecycle gap
 * alerts and dispatch outcomes go through; it must outlive the patrol module.
 * Returns 0, VG_EINVAL for out-of-range options, VG_ENOMEM. */
int vg_patrol_create(vg_patrol **out, const vg_patrol_opts *opts, vg_threat *th, vg_error *err);
void vg_patrol_free(vg_patrol *p);
/* Defaults filled in: for the plan functions and displays. */
void vg_patrol_opts_resolve(vg_patrol_opts *o);

/* Wire names; "invalid" out of range. */
const char *vg_force_name(vg_force f);
const char *vg_unit_mode_name(vg_unit_mode m);
const char *vg_unit_status_name(vg_unit_status s);
const char *vg_site_category_name(vg_site_category c);
const char *vg_capability_name(uint32_t single_flag);

/* ---- commands and files ------------------------------------------------------- */

/* True for the kinds handled here: unit_add, unit_position, unit_status, site_add,
 * dispatch_confirm, dispatch_outcome. */
bool vg_patrol_handles(const char *kind);

/* Apply a command at time t (args in docs/patrol.md). Roles: unit_add, site_add —
 * commander or admin; unit_position, unit_status — operator, commander or admin;
 * dispatch_confirm, dispatch_outcome — operator or commander. Returns 0, VG_EDENIED
 * for a role not allowed, VG_EUNKNOWN for a kind not handled or an unknown field,
 * the code naming the problem for bad args, VG_ENOTFOUND (unknown unit, site,
 * alert), VG_ESTATE (a duplicate confirmation, an outcome without confirmation),
 * VG_ERANGE (a position out of the area or a report in the future), VG_EFULL.
 * On error nothing changes and nothing is emitted. */
int vg_patrol_command(vg_patrol *p, const vg_command *cmd, vg_time t,
                      const vg_postures *postures, vg_patrol_emit_fn emit, void *userdata,
                      vg_error *err);

/* Add the units (sites) of the JSON array in buf[0..len), each element the args of
 * a unit_add (site_add) command, at time t. All or nothing. Returns the count added
 * or a negative code, the message naming the element. */
int vg_patrol_load_units(vg_patrol *p, const char *buf, size_t len, vg_time t, vg_error *err);
int vg_patrol_load_sites(vg_patrol *p, const char *buf, size_t len, vg_time t, vg_error *err);

/* Parse one unit_add / site_add args object (text) into *out, without adding it:
 * for the plan command and the fuzz target. */
int vg_patrol_parse_unit(const char *json, size_t len, vg_unit *out, vg_error *err);
int vg_patrol_parse_site(const char *json, size_t len, double default_radius_m,
                         vg_patrol_site *out, vg_error *err);

/* ---- the engine's feeds ------------------------------------------------------- */

/* An alert was emitted. When it is open, has no dispatch yet and `pilot` (may be
 * NULL) gives the pilot or take-off position, rank and propose units (dispatch
 * events, state "proposed", best first). A closed alert cancels its open dispatch
 * (event state "cancelled", unit back to available). */
void vg_patrol_alert(vg_patrol *p, const vg_alert *a, const vg_geo *pilot, vg_time t,
                     vg_patrol_emit_fn emit, void *userdata);

/* The pilot of alert-bearing track `track` is now at pilot: open dispatches on it
 * follow (target updated; an en_route unit's new ETA is emitted when the target
 * moved more than the arrival radius since the last event). */
void vg_patrol_pilot_moved(vg_patrol *p, uint64_t track, vg_geo pilot, vg_time t,
                           vg_patrol_emit_fn emit, void *userdata);

/* True when some open dispatch follows track (so the engine looks up its pilot). */
bool vg_patrol_follows(const vg_patrol *p, uint64_t track);
bool vg_patrol_has_open_dispatch(const vg_patrol *p);

/* Once a second: stale flags, presence of units standing in sites, coverage gaps
 * opened (info/warning alerts, rule coverage_gap) and closed. */
void vg_patrol_tick(vg_patrol *p, vg_time t, const vg_postures *postures,
                    vg_patrol_emit_fn emit, void *userdata);

/* ---- queries ------------------------------------------------------------------ */

typedef struct vg_patrol_candidate {
    int unit;                    /* index for vg_patrol_unit */
    double distance_m;           /* straight line */
    double eta_s;
} vg_patrol_candidate;

/* Rank the units eligible for interception at t (intercept capability, not army,
 * available or patrolling, position known and not older than stale_after_s) by ETA
 * to (lat, lon), ties by unit id. Writes the best min(max, eligible) into out and
 * returns how many. */
int vg_patrol_rank(const vg_patrol *p, double lat, double lon, vg_time t,
                   vg_patrol_candidate *out, int max);

int vg_patrol_unit_count(const vg_patrol *p);
const vg_unit *vg_patrol_unit(const vg_patrol *p, int i);
const vg_unit *vg_patrol_unit_find(const vg_patrol *p, const char *id);
int vg_patrol_site_count(const vg_patrol *p);
const vg_patrol_site *vg_patrol_site_at(const vg_patrol *p, int i);

/* The obligation at a site under the postures in force (level at its sector). */
typedef struct vg_site_coverage {
    vg_posture_level level;
    double interval_s;           /* visit at least this often (0: continuous) */
    double since_s;              /* since the last presence (or since added); -1 never */
    bool met;
} vg_site_coverage;

int vg_patrol_coverage(const vg_patrol *p, int site, vg_time t, const vg_postures *postures,
                       vg_site_coverage *out);

typedef struct vg_sector_summary {
    int sites, met, gaps;
    double worst_since_s;        /* the longest time since a presence, over the sector */
} vg_sector_summary;

/* Summary of the sites whose sector is `sector` ("" or NULL: all sites). */
void vg_patrol_sector_summary(const vg_patrol *p, const char *sector, vg_time t,
                              const vg_postures *postures, vg_sector_summary *out);

/* ---- dynamic patrol plans (plan.c) ---------------------------------------------- */

typedef struct vg_plan_visit {
    int unit, site;              /* indices into the arrays given */
    vg_time arrive, leave;
} vg_plan_visit;

/* The input of a plan: a JSON object with "units" (unit_add args objects, plus an
 * optional "sector") and "sites" (site_add args objects); other top-level keys are
 * ignored, so a scenario file that carries both arrays is a plan input too. */
typedef struct vg_plan_input {
    vg_unit *units;
    int nunits;
    vg_patrol_site *sites;
    int nsites;
} vg_plan_input;

/* Parse buf[0..len) into *out (arrays malloc'd; free with vg_plan_input_free).
 * Strict on the elements (errors name "units[3].force"), ids unique. */
int vg_plan_input_parse(const char *buf, size_t len, vg_plan_input *out, vg_error *err);
void vg_plan_input_free(vg_plan_input *in);

/* Generate randomised routes ("garde dynamique") for units[0..nunits) over the
 * sites[0..nsites) from `start` for `hours`, so that each site is visited at least
 * every params->patrol_interval_s: each unit goes from site to site, choosing at
 * random among the sites whose deadlines come soonest, staying a random 5–15 min.
 * Off-duty units are left out; a unit without a position starts at its first
 * site. Same inputs and seed, same plan. Writes visits in time order into out
 * (cap) and sets *n. Returns 0, VG_EINVAL, or VG_EFULL when cap is too small. */
int vg_plan_generate(const vg_unit *units, int nunits, const vg_patrol_site *sites, int nsites,
                     const vg_posture_params *params, const vg_patrol_opts *opts, vg_time start,
                     double hours, uint64_t seed, vg_plan_visit *out, int cap, int *n,
                     vg_error *err);

/* The fraction of site-hours over [start, start + hours) in which the obligation
 * is met at every instant by the visits (a site counts as visited at `start`). */
double vg_plan_coverage(const vg_patrol_site *sites, int nsites, const vg_plan_visit *visits,
                        int nvisits, const vg_posture_params *params, const vg_patrol_opts *opts,
                        vg_time start, double hours);

#ifdef __cplusplus
}
#endif
#endif
