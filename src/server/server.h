/* server/server.h — the daemon's parts and how they meet.
 *
 * Threads: the libuv loop (main thread) reads inputs and parses them; the engine
 * thread owns the vg_engine and the store's write batches; libmicrohttpd's threads
 * serve the API from the picture and the store. Inputs and operator actions reach the
 * engine through one bounded queue, so the journal's order is the engine's order and a
 * restart that replays the journal rebuilds the same state. */
#ifndef VIGIE_SERVER_SERVER_H
#define VIGIE_SERVER_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/auth.h"
#include "server/picture.h"
#include "server/store.h"
#include "vigie/config.h"
#include "vigie/engine.h"
#include "vigie/event.h"

typedef enum vg_source {
    VG_SRC_UDP = 0,
    VG_SRC_TCP,
    VG_SRC_REPLAY,
    VG_SRC_HTTP,
    VG_SRC_PCAP,
    VG_SRC_COUNT
} vg_source;

const char *vg_source_name(vg_source s);

/* Latency buckets (milliseconds, upper bounds) from receipt to the SSE stream. */
#define VG_LAT_BUCKETS 10
extern const double vg_latency_bounds_ms[VG_LAT_BUCKETS];

typedef struct vg_metrics {
    atomic_uint_fast64_t events_in[VG_SRC_COUNT];
    atomic_uint_fast64_t malformed[VG_SRC_COUNT];
    atomic_uint_fast64_t dropped[VG_SRC_COUNT];   /* queue full */
    atomic_uint_fast64_t rejected;                /* refused by the engine */
    atomic_uint_fast64_t outputs;
    atomic_uint_fast64_t http_requests;
    atomic_uint_fast64_t http_errors;             /* 4xx and 5xx */
    atomic_uint_fast64_t sse_clients;
    atomic_uint_fast64_t latency[VG_LAT_BUCKETS + 1]; /* last: +Inf */
    atomic_uint_fast64_t latency_count;
    _Atomic double latency_sum_ms;
} vg_metrics;

/* An operator action on its way through the engine: the HTTP thread waits on it. */
typedef struct vg_op_request {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    int status;                     /* 0, or VG_E* */
    char error[VG_ERROR_MSG_MAX];
    char result[8192];              /* the first output of the wanted type, or "" */
    vg_event_type want;             /* which output answers the request */
    char audit_action[VG_AUDIT_ACTION_MAX];
} vg_op_request;

typedef struct vg_qitem {
    vg_source source;
    int64_t received_us;            /* monotonic, for the latency histogram */
    vg_op_request *action;              /* non-NULL: an operator action (ev is its command) */
    vg_event ev;
} vg_qitem;

typedef struct vg_queue {
    pthread_mutex_t mu;
    pthread_cond_t nonempty;
    vg_qitem *items;
    size_t cap, head, len;
    bool closing;
} vg_queue;

typedef struct vg_server {
    vg_config cfg;
    char config_path[1024];
    vg_logger log;
    vg_store *store;
    vg_picture pic;
    vg_metrics metrics;
    vg_queue queue;
    vg_engine *engine;              /* the engine thread's alone after start */
    pthread_t engine_thread;
    bool engine_running;
    vg_loginlimit *login_limit;     /* under login_mu */
    pthread_mutex_t login_mu;
    struct MHD_Daemon *http;
    uint16_t http_port;             /* the port actually bound */
    char *tls_pem[2];               /* certificate and key text, while serving */
    /* engine-thread state */
    bool scan_open;                 /* detections pushed since the last other event */
    bool capturing;                 /* outputs go to capture[] until the action commits */
    vg_event *capture;
    size_t ncapture, capcapture;
    vg_op_request *current_action;
    int64_t current_received_us;
    bool restoring;                 /* replaying the journal at start */
} vg_server;

int64_t vg_monotonic_us(void);
vg_time vg_wall_clock_us(void);

/* Queue: push never blocks (false when full: the caller counts a drop); the engine
 * thread pops up to max items, waiting up to wait_ms for the first. */
int vg_queue_init(vg_queue *q, size_t cap);
void vg_queue_free(vg_queue *q);
bool vg_queue_push(vg_queue *q, const vg_qitem *it);
size_t vg_queue_pop(vg_queue *q, vg_qitem *out, size_t max, int wait_ms);
size_t vg_queue_depth(vg_queue *q);
void vg_queue_close(vg_queue *q);

/* Engine thread (engine_thread.c). restore replays the store's journal through the
 * engine before anything else. */
int vg_server_engine_setup(vg_server *s, vg_error *err);
int vg_server_restore(vg_server *s, vg_error *err);
int vg_server_engine_start(vg_server *s, vg_error *err);
void vg_server_engine_stop(vg_server *s);

/* Submit an operator action and wait for the engine's answer. The command is
 * stamped with the engine's time; when this returns 0 it was accepted, journaled and
 * audited durably, and a->result holds its first output of type `want`. */
int vg_server_act(vg_server *s, const char *user, vg_role role, const char *kind,
                  const char *args_json, vg_event_type want, vg_op_request *a);

/* One input line from a source: parsed, counted, queued. */
void vg_server_input_line(vg_server *s, vg_source src, const char *line, size_t len);

/* HTTP (http.c). */
int vg_http_start(vg_server *s, vg_error *err);
void vg_http_stop(vg_server *s);

/* Metrics text (metrics.c), malloc'd. */
int vg_metrics_text(vg_server *s, char **out, size_t *len);
void vg_metrics_latency(vg_metrics *m, double ms);

#endif
