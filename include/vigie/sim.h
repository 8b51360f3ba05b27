/* vigie/sim.h — the simulator: a scenario (site, sensors, targets, postures, scripted
 * actions; docs/simulator.md) becomes the traffic real sensors would produce — input
 * events for the engine, Remote ID frames as captured, and the ground truth.
 *
 * Deterministic: the same scenario and seed give the same outputs, byte for byte. No
 * clock, no I/O: outputs go to the caller's callbacks, in time order. */
#ifndef VIGIE_SIM_H
#define VIGIE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/geo.h"
#include "vigie/rid.h"
#include "vigie/time.h"

#define VG_SIM_ROLE_MAX 24

typedef enum vg_sim_target_type { VG_SIM_DRONE = 0, VG_SIM_BIRDS, VG_SIM_AIRCRAFT } vg_sim_target_type;

typedef struct vg_sim_waypoint {
    double t;                    /* seconds from the scenario's start */
    vg_geo pos;                  /* alt above the WGS84 ellipsoid */
} vg_sim_waypoint;

typedef struct vg_sim_target {
    char id[VG_ID_MAX];
    vg_sim_target_type type;
    char role[VG_SIM_ROLE_MAX];  /* intruder, whitelisted, police, bird, aircraft, ... */
    double rcs_m2;               /* radar cross-section */
    char remote_id[21];          /* ASTM serial; "" = no Remote ID */
    char fr_id[31];              /* French beacon ID; "" = no beacon */
    bool rf_link;                /* a radio link RF direction finders hear */
    char icao[8];                /* ADS-B address (aircraft); "" = none */
    vg_rid_transport rid_transport; /* how Remote ID is broadcast (default Wi-Fi beacon) */
    uint8_t eu_class;            /* EU class in the System message: n = C(n − 1); 0 = not
                                  * given (C1 is sent) */
    bool has_pilot;
    vg_sim_waypoint *pilot;      /* where the pilot is: one point, or a timed path */
    int npilot;
    vg_sim_waypoint *wp;         /* drones, aircraft: the path (linear between points) */
    int nwp;
    /* birds: a flock circling around a drifting centre */
    int count;
    vg_geo center;
    double radius_m, speed_mps, drift_e, drift_n;   /* drift in m/s */
    double from_s, to_s;         /* when the flock is there */
} vg_sim_target;

typedef struct vg_sim_window {
    double from_s, to_s;
} vg_sim_window;

/* Where a radar sees clutter: returns uniform over a disc around center. */
typedef struct vg_sim_clutter {
    vg_geo center;               /* alt above the ellipsoid: the surface there */
    double radius_m;
    double per_scan;             /* mean returns per scan (Poisson) */
} vg_sim_clutter;

typedef struct vg_sim_sensor {
    char id[VG_ID_MAX];
    vg_sensor_kind kind;         /* radar, rf, remoteid, adsb */
    vg_geo pos;
    double range_m, period_s;
    double sigma_range, sigma_az, sigma_el;   /* radar (m, degrees); rf uses sigma_az */
    double pd;                   /* detection probability of a 0.01 m² target at half range (radar), or per scan (rf, adsb) */
    double false_alarms;         /* radar: mean false plots per scan */
    double loss;                 /* remoteid: probability a broadcast is not received */
    double az_from, az_to;       /* radar: field of view, clockwise from north (degrees);
                                  * all around when equal modulo 360 */
    double el_max;               /* radar: highest elevation seen (degrees) */
    vg_sim_clutter *clutter;     /* radar: clutter spots */
    int nclutter;
    vg_sim_window *down;         /* outages */
    int ndown;
} vg_sim_sensor;

typedef struct vg_sim_posture {
    double t;
    char level[32];
    char scope[VG_ID_MAX];
    char name[VG_TEXT_MAX];
    char user[VG_ID_MAX];
} vg_sim_posture;

typedef struct vg_sim_action {
    double t;
    vg_command cmd;
} vg_sim_action;

/* Site data a scenario carries for the engine: a file (path relative to the scenario
 * file, read by the caller) or the document inline (compact JSON). Neither when the
 * scenario has none. */
typedef struct vg_sim_data {
    char file[256];
    char *json;                  /* malloc'd, or NULL */
} vg_sim_data;

enum { VG_SIM_ZONES, VG_SIM_ASSETS, VG_SIM_WHITELIST, VG_SIM_COVERAGE, VG_SIM_DATA_COUNT };

/* The scenario key of each vg_sim_data: "zones", "assets", "whitelist", "coverage". */
const char *vg_sim_data_name(int which);

typedef struct vg_scenario {
    char name[VG_TEXT_MAX];
    vg_geo site;                 /* origin, alt above the ellipsoid */
    double geoid_undulation;
    vg_time start;
    double duration_s;
    uint64_t seed;
    double tick_s;               /* engine ticks; 0 = none */
    vg_sim_sensor *sensors;
    int nsensors;
    vg_sim_target *targets;
    int ntargets;
    vg_sim_posture *postures;
    int npostures;
    vg_sim_action *actions;
    int nactions;
    /* patrol units and sites: unit_add / site_add args (compact JSON), declared at
     * the start of a run by the scenario's commander (docs/patrol.md) */
    char (*units)[VG_JSON_MAX];
    int nunits;
    char (*sites)[VG_JSON_MAX];
    int nsites;
    /* the engine's site data (formats.md: ED-269 / GeoJSON zones, threat data files) */
    vg_sim_data data[VG_SIM_DATA_COUNT];
    bool has_ground_elevation;
    double ground_elevation;     /* metres AMSL, for zones with AGL limits */
} vg_scenario;

/* Parse a scenario (strict JSON: unknown fields, wrong types, out-of-range values and
 * unordered waypoints are errors naming the path, e.g. "targets[2].waypoints[1].t").
 * Free with vg_scenario_free. */
int vg_scenario_parse(const char *json, size_t len, vg_scenario **out, vg_error *err);
void vg_scenario_free(vg_scenario *sc);

/* A swarm scenario for benchmarks: n drones with Remote ID on random straight paths
 * over a 20 km square around Paris, two radars and four receivers, duration_s long. */
int vg_scenario_swarm(int n, uint64_t seed, double duration_s, vg_scenario **out, vg_error *err);

/* Where a truth object is at t (false when it is not there). Birds count as one
 * object per bird: index selects it (0..count-1); others use index 0. */
bool vg_sim_target_at(const vg_scenario *sc, int target, int index, double t, vg_geo *pos,
                      vg_vec3 *vel_enu);

typedef struct vg_sim_sinks {
    void *user;
    /* An input event for the engine (time order). */
    int (*event)(void *user, const vg_event *ev);
    /* A truth sample: the object's id ("target" or "target/3" for bird 3), role, kind,
     * and whether a sensor detected it since the previous sample (a radar plot, an RF
     * bearing, a Remote ID broadcast received, an ADS-B report). */
    int (*truth)(void *user, vg_time t, const char *id, const char *role, const char *kind,
                 const vg_geo *pos, bool detected);
    /* A Remote ID / French beacon frame as captured: Wi-Fi with radiotap
     * (VG_LINKTYPE_IEEE802_11_RADIOTAP) or Bluetooth LE with its pseudo-header
     * (VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR). */
    int (*frame)(void *user, vg_time t, int linktype, const uint8_t *data, size_t len);
} vg_sim_sinks;

typedef struct vg_sim_stats {
    uint64_t events, detections, false_alarms, frames, truths;
} vg_sim_stats;

/* Run [from_s, from_s + duration_s) of the scenario (duration_s ≤ 0: to its end).
 * Truth is sampled every truth_period_s. A sink returning non-zero stops the run
 * with that code. */
int vg_sim_run(const vg_scenario *sc, double from_s, double duration_s, double truth_period_s,
               const vg_sim_sinks *sinks, vg_sim_stats *stats, vg_error *err);

/* The models, exposed for their tests. */
double vg_sim_radar_pd(const vg_sim_sensor *s, double range_m, double rcs_m2);

/* A deterministic generator (xoshiro256**, seeded by splitmix64). */
typedef struct vg_sim_rng {
    uint64_t s[4];
} vg_sim_rng;
void vg_sim_rng_seed(vg_sim_rng *r, uint64_t seed);
uint64_t vg_sim_rng_next(vg_sim_rng *r);
double vg_sim_rng_uniform(vg_sim_rng *r);          /* [0, 1) */
double vg_sim_rng_normal(vg_sim_rng *r);           /* mean 0, sigma 1 */
int vg_sim_rng_poisson(vg_sim_rng *r, double mean);

#endif
