/* vigie/engine.h — the deterministic core: input events in, output events out.
 *
 * vg_engine_push is the one entry point. Outputs (tracks, alerts, sensor status...)
 * are delivered synchronously to the sink callback, in order, before push returns.
 * The engine reads no clock and does no I/O: time is the time of the events, so the
 * same events in the same order give the same outputs byte for byte — which is what
 * makes journals replayable as evidence. */
#ifndef VIGIE_ENGINE_H
#define VIGIE_ENGINE_H

#include <stdint.h>

#include "vigie/config.h"
#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/log.h"
#include "vigie/patrol.h"
#include "vigie/posture.h"
#include "vigie/threat.h"
#include "vigie/track.h"
#include "vigie/zones.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_engine vg_engine;

/* Receives each output event; the event is valid only during the call. */
typedef void (*vg_sink_fn)(void *userdata, const vg_event *out);

typedef struct vg_engine_stats {
    uint64_t in[VG_EV_TYPE_COUNT];     /* accepted input events by type */
    uint64_t out[VG_EV_TYPE_COUNT];    /* output events by type */
    uint64_t rejected;                 /* pushes that returned an error */
    uint64_t late;                     /* ... of which too far out of time order */
    uint64_t scans;                    /* scans handed to the tracker */
    vg_time now;                       /* the latest event time seen */
    vg_tracker_stats tracker;
} vg_engine_stats;

/* Create an engine configured by cfg (copied). sink must not be NULL; log may be
 * NULL. Returns 0 and *out, or VG_EINVAL / VG_ENOMEM. Free with vg_engine_free. */
int vg_engine_new(const vg_config *cfg, vg_sink_fn sink, void *userdata,
                  const vg_logger *log, vg_engine **out, vg_error *err);

/* Feed one input event. Returns 0, or a negative code when the event is rejected
 * (an output type, an unknown sensor, a time too far in the past, ...); a rejected
 * event changes nothing but the rejection counters, and the engine goes on —
 * except that it completes the scan being gathered, as any other event would. */
int vg_engine_push(vg_engine *e, const vg_event *ev, vg_error *err);

/* Hand the scan being gathered to the tracker. Detections are grouped into scans,
 * and a scan completes when an event that is not part of it arrives; call this at
 * the end of input (or when input pauses) so the last scan's outputs come out. */
void vg_engine_flush(vg_engine *e);

void vg_engine_get_stats(const vg_engine *e, vg_engine_stats *st);

/* The tracker (NULL until the site is known), for reports that visit tracks. */
const vg_tracker *vg_engine_tracker(const vg_engine *e);

/* Load zones (ED-269 or GeoJSON text; `name` names the source in messages),
 * replacing those loaded before, and index them with the site's ground elevation
 * and geoid undulation. Rejected features are logged as warnings and skipped.
 * Returns the number of zones loaded, or a negative code when the document is
 * unusable (the previous zones are then kept). */
int vg_engine_load_zones(vg_engine *e, const char *text, size_t len, const char *name,
                         vg_error *err);

/* The threat rules and alerts: load protected assets, the whitelist and sensor
 * coverage into them before the first event (vg_threat_load_*). */
vg_threat *vg_engine_threat(vg_engine *e);

/* Patrol units, sites and dispatches: load units and sites into it
 * (vg_patrol_load_*), read coverage and units for displays. */
vg_patrol *vg_engine_patrol(vg_engine *e);

/* The zones loaded (for reports and exports). */
const vg_zone_list *vg_engine_zones(const vg_engine *e);

/* The postures in force and their history. */
const vg_postures *vg_engine_postures(const vg_engine *e);

/* The site frame in use; false while no site is known. */
bool vg_engine_site(const vg_engine *e, vg_enu_frame *out);

void vg_engine_free(vg_engine *e);

#ifdef __cplusplus
}
#endif
#endif
