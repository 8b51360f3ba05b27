/* server/picture.h — the operational picture the HTTP side reads: live tracks with a
 * short history, the posture, sensors, the zones as GeoJSON, and the stream of output
 * events (a numbered ring that Server-Sent Events clients follow and resume in).
 *
 * Only the engine thread writes it, from the engine's outputs (and the sensor
 * declarations among the inputs); HTTP threads read it under a read lock and copy out
 * what they serve. It is never the engine's own state. */
#ifndef VIGIE_SERVER_PICTURE_H
#define VIGIE_SERVER_PICTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/event.h"
#include "vigie/strbuf.h"

#define VG_HISTORY 32            /* positions kept per track */

typedef struct vg_pic_point {
    vg_time time;
    double lat, lon, alt;
} vg_pic_point;

typedef struct vg_pic_track {
    uint64_t id;
    vg_time time;
    char *line;                  /* the canonical track event, owned */
    size_t line_cap;             /* line's size: updates reuse it */
    vg_pic_point hist[VG_HISTORY];
    int nhist, head;             /* ring: head is the next slot */
} vg_pic_track;

typedef struct vg_pic_sensor {
    char id[VG_ID_MAX];
    vg_sensor_kind kind;
    vg_geo pos;
    bool has_range;
    double range_m;
    bool up;
    vg_time last_report;         /* 0: never */
    uint64_t detections;
    char reason[VG_TEXT_MAX];
} vg_pic_sensor;

typedef struct vg_stream_item {
    uint64_t seq;
    char *msg;                   /* the whole SSE message "id/event/data", owned */
    size_t len;
    size_t cap;                  /* msg's size: reused when the ring turns */
} vg_stream_item;

typedef struct vg_picture {
    pthread_rwlock_t lock;
    vg_time now;                 /* the engine's time */
    /* tracks: an array kept dense, with an open-addressing index by id */
    vg_pic_track *tracks;
    size_t ntracks, captracks;
    uint32_t *index;             /* slot -> track position + 1, 0 empty */
    size_t index_cap;            /* power of two */
    vg_pic_sensor *sensors;
    size_t nsensors, capsensors;
    char *posture_line;          /* the latest posture event, or NULL */
    char *zones_geojson;         /* export of the loaded zones, or NULL */
    char *whitelist_json;        /* {"whitelist":[...]}, or NULL */
    char *units_json;            /* {"units":[...]}, or NULL */
    /* the latest dispatch event per (alert, unit), for pages that open late */
    struct vg_pic_dispatch { uint64_t alert; char unit[VG_ID_MAX]; char *line; } *dispatches;
    size_t ndispatches, capdispatches;
    /* the stream ring and its waiters */
    pthread_mutex_t stream_lock;
    pthread_cond_t stream_cond;
    vg_stream_item *ring;
    size_t ring_cap;
    uint64_t next_seq;           /* seq of the next item; first is 1 */
    uint64_t woken_seq;          /* next_seq when the waiters were last woken */
    char *scratch;               /* engine thread: the next SSE message, formatted */
    size_t scratch_cap;
    bool closing;                /* wakes and ends every stream */
} vg_picture;

int vg_picture_init(vg_picture *p, size_t ring_cap);
void vg_picture_free(vg_picture *p);

/* Engine thread: an output event (tracks, drops, posture, sensor status go to the
 * picture; every output goes to the stream). line is its canonical form. */
int vg_picture_output(vg_picture *p, const vg_event *ev, const char *line, size_t len);
/* Engine thread: the inputs the picture needs (sensor declarations, detections'
 * report times), and the engine's time. */
void vg_picture_input(vg_picture *p, const vg_event *ev);
void vg_picture_set_zones(vg_picture *p, char *geojson_owned);
void vg_picture_set_whitelist(vg_picture *p, char *json_owned);
void vg_picture_set_units(vg_picture *p, char *json_owned);

/* HTTP threads: the JSON documents of the API, in a malloc'd string (*out, *len)
 * the caller frees. VG_ENOMEM when memory runs out. */
int vg_picture_tracks_json(vg_picture *p, char **out, size_t *len);
/* VG_ENOTFOUND when no such live track. */
int vg_picture_track_json(vg_picture *p, uint64_t id, char **out, size_t *len);
int vg_picture_sensors_json(vg_picture *p, char **out, size_t *len);
int vg_picture_posture_json(vg_picture *p, char **out, size_t *len);
int vg_picture_zones_json(vg_picture *p, char **out, size_t *len);
int vg_picture_whitelist_json(vg_picture *p, char **out, size_t *len);
int vg_picture_units_json(vg_picture *p, char **out, size_t *len);
int vg_picture_dispatches_json(vg_picture *p, char **out, size_t *len);
size_t vg_picture_track_count(vg_picture *p);

/* SSE: copy into buf the items after *after (as "id/event/data" messages) that fit,
 * waiting up to wait_ms for one when there is none. Returns the bytes written; 0 on
 * timeout; *reset is set when *after is older than the ring (the client must
 * refetch). -1 when the picture is closing. Advances *after. */
long vg_picture_stream_read(vg_picture *p, uint64_t *after, char *buf, size_t cap,
                            int wait_ms, bool *reset);
/* Engine thread: wake the stream's readers for what was appended since the last
 * wake-up. Appends wake them only every VG_STREAM_WAKE_EVERY items, so that a batch
 * of outputs costs a few wake-ups instead of one per event and reader; the engine
 * calls this at the end of each batch. */
#define VG_STREAM_WAKE_EVERY 256
void vg_picture_stream_flush(vg_picture *p);
uint64_t vg_picture_stream_last(vg_picture *p);
void vg_picture_close(vg_picture *p);

#endif
