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
    uint64_t bearing_only;             /* detections with no position of their own */
    vg_time now;                       /* the latest event time seen */
} vg_engine_stats;

/* Create an engine configured by cfg (copied). sink must not be NULL; log may be
 * NULL. Returns 0 and *out, or VG_EINVAL / VG_ENOMEM. Free with vg_engine_free. */
int vg_engine_new(const vg_config *cfg, vg_sink_fn sink, void *userdata,
                  const vg_logger *log, vg_engine **out, vg_error *err);

/* Feed one input event. Returns 0, or a negative code when the event is rejected
 * (an output type, an unknown sensor, a time too far in the past, ...); a rejected
 * event changes nothing but the rejection counters, and the engine goes on. */
int vg_engine_push(vg_engine *e, const vg_event *ev, vg_error *err);

void vg_engine_get_stats(const vg_engine *e, vg_engine_stats *st);

void vg_engine_free(vg_engine *e);

#ifdef __cplusplus
}
#endif
#endif
