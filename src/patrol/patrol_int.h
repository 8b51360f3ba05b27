/* patrol/patrol_int.h — what the files of src/patrol share: the vg_patrol struct,
 * the dispatch table entry, and small geometry helpers. Not public. */
#ifndef VIGIE_PATROL_INT_H
#define VIGIE_PATROL_INT_H

#include <jansson.h>

#include "vigie/patrol.h"

typedef enum pt_dstate {
    PT_FREE = 0,
    PT_PROPOSED,                 /* units proposed, none confirmed */
    PT_EN_ROUTE,
    PT_ON_SCENE,
    PT_CLOSED                    /* outcome given or alert closed: kept until reused */
} pt_dstate;

typedef struct pt_dispatch {
    pt_dstate state;
    uint64_t alert, track;
    double lat, lon;             /* the target: pilot or take-off position */
    double emitted_lat, emitted_lon; /* the target as of the last event */
    int nproposed;
    int proposed[VG_PATROL_PROPOSALS_MAX]; /* unit indices, best first */
    int unit;                    /* the confirmed unit, -1 none */
    vg_time changed;
} pt_dispatch;

struct vg_patrol {
    vg_patrol_opts opts;
    vg_threat *threat;           /* borrowed, may be NULL */
    vg_unit *units;
    int nunits;
    vg_patrol_site *sites;
    int nsites;
    pt_dispatch *disp;
    bool has_area;               /* bounding box of the sites, for position checks */
    double lat_min, lat_max, lon_min, lon_max;
    vg_patrol_candidate *scratch; /* opts.units, for ranking without allocation */
    vg_event out;
};

/* Great-circle distance, metres (spherical Earth: ranking needs no more). */
double pt_distance_m(double lat1, double lon1, double lat2, double lon2);
/* Is (lat, lon) inside site s (polygon, or within the radius of its point)? */
bool pt_site_contains(const vg_patrol_site *s, double lat, double lon);
double pt_speed(const vg_patrol_opts *o, vg_unit_mode m);
/* Emit a dispatch event about d (its alert and target); rank 0 for all but proposals. */
void pt_emit_dispatch(vg_patrol *p, vg_time t, const pt_dispatch *d, const vg_unit *u,
                      double eta_s, const char *state, uint32_t rank, vg_patrol_emit_fn emit,
                      void *userdata);
double pt_eta(const vg_patrol *p, const vg_unit *u, double lat, double lon);
int pt_unit_index(const vg_patrol *p, const char *id);
/* dispatch.c: commands on dispatches, and a unit's position reaching its target. */
int pt_dispatch_confirm(vg_patrol *p, json_t *args, const vg_command *cmd, vg_time t,
                        vg_patrol_emit_fn emit, void *userdata, vg_error *err);
int pt_dispatch_outcome(vg_patrol *p, json_t *args, const vg_command *cmd, vg_time t,
                        vg_patrol_emit_fn emit, void *userdata, vg_error *err);
void pt_dispatch_unit_moved(vg_patrol *p, int unit, vg_time t, vg_patrol_emit_fn emit,
                            void *userdata);
/* Strict JSON readers (patrol.c): every key of obj in allowed; a string of 1..cap-1
 * bytes without control characters; a number in [lo, hi]; one of names. Absent:
 * *present false, an error when required. */
int pt_json_keys(json_t *obj, const char *const *allowed, size_t n, const char *path,
                 vg_error *err);
int pt_json_str(json_t *obj, const char *key, bool required, char *dst, size_t cap,
                bool *present, const char *path, vg_error *err);
int pt_json_num(json_t *obj, const char *key, bool required, double lo, double hi, double *out,
                bool *present, const char *path, vg_error *err);
int pt_json_enum(json_t *obj, const char *key, bool required, const char *const *names, int n,
                 int *out, bool *present, const char *path, vg_error *err);
/* coverage.c */
void pt_unit_locate(vg_patrol *p, vg_unit *u, vg_time t);

#endif
