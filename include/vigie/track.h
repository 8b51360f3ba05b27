/* vigie/track.h — the multi-sensor tracker: one track per object, from every sensor.
 *
 * The engine hands the tracker one sensor scan at a time — the detections of one
 * sensor at one time, already turned into measurement models in the site frame —
 * and the tracker gates them against nearby tracks (a spatial grid: the cost per
 * detection does not grow with the number of tracks), assigns them by global
 * nearest neighbour, binds cooperative identities (Remote ID, French beacon, ADS-B)
 * directly, starts, confirms, coasts and deletes tracks, fuses class evidence, and
 * reports every change as output events. Deterministic: no clock, no I/O; memory is
 * taken once at creation. */
#ifndef VIGIE_TRACK_H
#define VIGIE_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/filter.h"
#include "vigie/geo.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vg_track_model { VG_TRACK_MODEL_CV = 0, VG_TRACK_MODEL_IMM = 1 } vg_track_model;

/* [tracker] section of the configuration (docs/operations.md lists the defaults). */
typedef struct vg_tracker_config {
    vg_track_model model;
    double process_noise;         /* q of the CV model (IMM: the quiet model), m²/s³ */
    double process_noise_manoeuvre; /* q of the IMM's manoeuvring model, m²/s³ */
    double gate;                  /* Mahalanobis distance (not squared) */
    int confirm_hits;             /* M: hits needed to confirm ... */
    int confirm_window;           /* N: ... within this many opportunities */
    double delete_pos_var;        /* delete when trace of position covariance > this, m² */
    double delete_after_s;        /* delete after this long without an update */
    double coast_after_s;         /* a confirmed track not updated this long is coasting */
    double init_vel_var;          /* initial velocity variance per axis, m²/s² */
    int max_tracks;
    int max_scan;                 /* most detections in one scan */
    double grid_cell_m;           /* spatial grid cell size, metres */
    double search_radius_m;       /* farthest a detection is looked for from a track */
    double bearing_range_m;       /* how far along a bearing to look for tracks */
    /* Clutter map (track/clutter.h): no track starts from a plot without a cooperative
     * identity in a cell where such plots arrive faster than clutter_map_rate (plots
     * per second; 0 = no map), counted with a memory of clutter_memory_s over cells of
     * clutter_cell_m. */
    double clutter_map_rate;
    double clutter_cell_m;
    double clutter_memory_s;
} vg_tracker_config;

void vg_tracker_config_defaults(vg_tracker_config *c);

/* One detection of a scan, as the engine prepares it: its measurement model in the
 * site frame, and what the tracker keeps from the detection. Each optional part is
 * read only as its flag says (and identity.id only with a source): a scan buffer
 * holds tens of thousands of these, and what is neither written nor read costs no
 * memory traffic. `operator_pos` has WGS84 heights (the engine converted AMSL). */
typedef struct vg_track_input {
    vg_meas_model mm;
    uint32_t integrity;
    bool has_velocity, has_class_hint, has_operator, operator_has_alt;
    vg_identity identity;
    vg_vec3 velocity;
    double class_hint[3];
    vg_geo operator_pos;
} vg_track_input;

typedef struct vg_tracker vg_tracker;

/* Receives each output event (track, track_drop); valid only during the call. */
typedef void (*vg_track_emit_fn)(void *userdata, const vg_event *ev);

/* Create a tracker working in `site` (copied). Returns 0, VG_EINVAL for a bad
 * configuration (the message names the key), or VG_ENOMEM. */
int vg_tracker_new(const vg_tracker_config *cfg, const vg_enu_frame *site, vg_tracker **out,
                   vg_error *err);
void vg_tracker_free(vg_tracker *t);

/* Change the site frame (a `site` event). Existing tracks keep their geodetic
 * positions: their states are moved into the new frame. */
void vg_tracker_set_site(vg_tracker *t, const vg_enu_frame *site);

/* Process one scan of n detections taken by `sensor` (its id, at most VG_ID_MAX
 * bytes with the NUL) at `time` (n ≤ max_scan). Emits the tracks it updates or
 * starts, and drops tracks found dead on the way. Returns 0, VG_EINVAL (n too
 * large) or VG_ENOMEM (a sensor never heard before could not be recorded), with
 * nothing changed — a measurement the filter cannot use is skipped and counted,
 * never fatal. Integrity flags of the detections, and those the tracker
 * raises (a cooperative identity whose position is outside its track's gate), go to
 * the tracks. */
int vg_tracker_scan(vg_tracker *t, vg_time time, const char *sensor, const vg_track_input *in,
                    int n, vg_track_emit_fn emit, void *userdata, vg_error *err);

/* Housekeeping at `time`: coast and delete tracks by age and uncertainty. The
 * engine calls it on tick events and whenever event time crosses a whole second. */
void vg_tracker_maintain(vg_tracker *t, vg_time time, vg_track_emit_fn emit, void *userdata);

/* The memory one track costs under a model (a CV record is smaller than an IMM
 * one): its record and its share of the index tables (the tracker grows by
 * doubling, so the allocated total is at most twice this times the number of
 * tracks, plus fixed per-scan workspace). */
size_t vg_tracker_track_bytes(vg_track_model model);

typedef struct vg_tracker_stats {
    uint64_t detections, assigned, identity_bound, started, confirmed, deleted;
    uint64_t rejected_by_filter, spoof_flags, bearings_unused, triangulated, full;
    uint64_t clutter_suppressed;  /* plots that started no track: dense clutter there */
    uint32_t live, live_confirmed;
} vg_tracker_stats;

void vg_tracker_get_stats(const vg_tracker *t, vg_tracker_stats *st);

/* Visit the live tracks (for reports), each predicted to `time` if its state is
 * older: fills *tr as an output event would. */
typedef void (*vg_track_visit_fn)(void *userdata, const vg_track *tr);
void vg_tracker_visit(const vg_tracker *t, vg_time time, vg_track_visit_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
