/* sim/sim_int.h — what the simulator's files share: the state of one run. */
#ifndef VIGIE_SIM_INT_H
#define VIGIE_SIM_INT_H

#include "vigie/ridasm.h"
#include "vigie/sim.h"

/* The frames a receiver captures of one broadcast (Bluetooth 4: one a message). */
typedef struct sim_broadcast {
    uint8_t frame[VG_RID_PACK_MAX][VG_RIDFRAME_MAX_FRAME];
    size_t len[VG_RID_PACK_MAX];
    int n;
    int linktype;                 /* VG_LINKTYPE_*: Wi-Fi radiotap or Bluetooth LE */
} sim_broadcast;

typedef struct sim_run {
    const vg_scenario *sc;
    const vg_sim_sinks *sinks;
    vg_enu_frame frame;           /* the site's */
    vg_enu_frame *sensor_frames;  /* each sensor's own, for polar measurements */
    vg_sim_rng rng;
    double t;                     /* seconds from the start */
    vg_time now;
    vg_sim_stats stats;
    vg_error *err;                /* the run's */
    vg_ridasm **assemblers;       /* one per Remote ID receiver (by sensor index) */
    uint8_t *counters;            /* per target: its Remote ID counters (sim_rid.c) */
    sim_broadcast broadcast;      /* the frames being sent */
    int *first_object;            /* per target: its first object's index (birds: one
                                   * object per bird), then the total */
    bool *detected;               /* per object: detected since the last truth sample */
} sim_run;

/* A sensor detected bird k of target i (k = 0 for other targets). */
static inline void sim_detected(sim_run *r, int i, int k)
{
    r->detected[r->first_object[i] + k] = true;
}

bool sim_target_at(const vg_scenario *sc, const vg_enu_frame *f, int target, int index,
                   double t, vg_geo *pos, vg_vec3 *vel);
/* Shared by the sensor models (sim.c): hand an event to the sinks, start a detection
 * of sensor s at the current time, and a position as the sensor's polar plot. */
int sim_emit(sim_run *r, const vg_event *ev);
void sim_detection_init(sim_run *r, vg_event *ev, const vg_sim_sensor *s);
void sim_polar_of(const sim_run *r, const vg_sim_sensor *s, const vg_geo *p, double *range,
                  double *az, double *el);

/* One radar scan (sim_radar.c). */
int sim_radar_scan(sim_run *r, const vg_sim_sensor *s);

/* Where a drone's pilot is at t (tg->has_pilot). */
vg_geo sim_pilot_at(const vg_sim_target *tg, const vg_enu_frame *f, double t);

/* Remote ID receivers (sim_rid.c): broadcasts received become real frames, which are
 * parsed back and assembled into detections exactly as `vigie decode` would. */
int sim_rid_init(sim_run *r, vg_error *err);
int sim_rid_scan(sim_run *r, int sensor_index, const vg_sim_sensor *s);
void sim_rid_free(sim_run *r);

#endif
