/* server/engine_thread.c — the one thread that owns the engine.
 *
 * It takes inputs and operator actions from the queue in order, journals each input
 * in the store (one transaction per 20 ms of batches), pushes it, and hands the
 * outputs to the picture, the SSE stream and the store's alert table. An operator
 * action is pushed with its outputs held back; if the engine accepts it, it is
 * journaled and audited in its own durable transaction, and only then are its
 * outputs published and the HTTP thread told — so what an operator saw confirmed
 * survives kill -9, and the journal's order is the order the engine saw. An idle
 * engine with an open scan gets a tick (journaled like any input), so that a restart
 * replays the same scans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server.h"
#include "vigie/io.h"
#include "vigie/strbuf.h"
#include "vigie/threat.h"
#include "vigie/patrol.h"
#include "vigie/zones.h"

enum { BATCH_MAX = 256, IDLE_WAIT_MS = 50, COMMIT_EVERY_US = 20000 };

int64_t vg_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

vg_time vg_wall_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (vg_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *vg_source_name(vg_source s)
{
    static const char *const names[VG_SRC_COUNT] = {"udp", "tcp", "replay", "http", "pcap"};
    return (s >= 0 && s < VG_SRC_COUNT) ? names[s] : "unknown";
}

/* ---- the queue ------------------------------------------------------------------- */

int vg_queue_init(vg_queue *q, size_t cap)
{
    memset(q, 0, sizeof *q);
    q->items = calloc(cap, sizeof *q->items);
    if (!q->items)
        return VG_ENOMEM;
    q->cap = cap;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    return 0;
}

void vg_queue_free(vg_queue *q)
{
    free(q->items);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->nonempty);
}

bool vg_queue_push(vg_queue *q, const vg_qitem *it)
{
    pthread_mutex_lock(&q->mu);
    bool ok = q->len < q->cap && !q->closing;
    if (ok) {
        q->items[(q->head + q->len) % q->cap] = *it;
        q->len++;
        pthread_cond_signal(&q->nonempty);
    }
    pthread_mutex_unlock(&q->mu);
    return ok;
}

size_t vg_queue_pop(vg_queue *q, vg_qitem *out, size_t max, int wait_ms)
{
    pthread_mutex_lock(&q->mu);
    if (q->len == 0 && !q->closing) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)wait_ms * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&q->nonempty, &q->mu, &until);
    }
    size_t n = 0;
    while (n < max && q->len) {
        out[n++] = q->items[q->head];
        q->head = (q->head + 1) % q->cap;
        q->len--;
    }
    pthread_mutex_unlock(&q->mu);
    return n;
}

size_t vg_queue_depth(vg_queue *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->len;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void vg_queue_close(vg_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closing = true;
    pthread_cond_broadcast(&q->nonempty);
    pthread_mutex_unlock(&q->mu);
}

/* ---- outputs ------------------------------------------------------------------------ */

static void publish(vg_server *s, const vg_event *ev)
{
    char line[VG_LINE_MAX + 1];
    size_t len;
    vg_error err = {0};
    if (vg_event_format(ev, line, sizeof line, &len, &err) < 0) {
        vg_logf(&s->log, VG_LOG_ERROR, "cannot format an output: %s", err.msg);
        return;
    }
    if (vg_picture_output(&s->pic, ev, line, len) < 0)
        vg_logf(&s->log, VG_LOG_ERROR, "out of memory publishing an output");
    atomic_fetch_add(&s->metrics.outputs, 1);
    if (ev->type == VG_EV_ALERT && vg_store_alert_record(s->store, ev->time, &ev->u.alert, &err) < 0)
        vg_logf(&s->log, VG_LOG_ERROR, "store: %s", err.msg);
    if (!s->restoring && s->current_received_us)
        vg_metrics_latency(&s->metrics,
                           (double)(vg_monotonic_us() - s->current_received_us) / 1000.0);
    vg_op_request *a = s->current_action;
    if (a && a->result[0] == '\0' && ev->type == a->want && len < sizeof a->result)
        memcpy(a->result, line, len + 1);
}

static void sink(void *userdata, const vg_event *out)
{
    vg_server *s = userdata;
    if (!s->capturing) {
        publish(s, out);
        return;
    }
    if (s->ncapture == s->capcapture) {
        size_t cap = s->capcapture ? s->capcapture * 2 : 16;
        vg_event *grown = realloc(s->capture, cap * sizeof *grown);
        if (!grown) {
            vg_logf(&s->log, VG_LOG_ERROR, "out of memory holding an action's outputs");
            return;
        }
        s->capture = grown;
        s->capcapture = cap;
    }
    s->capture[s->ncapture++] = *out;
}

/* The whitelist as the picture serves it, rebuilt after each change. */
static void publish_whitelist(vg_server *s)
{
    const vg_threat *th = vg_engine_threat(s->engine);
    int n = th ? vg_threat_whitelist_count(th) : 0;
    size_t cap = 64 + (size_t)n * (2 * VG_ID_MAX + 2 * VG_TEXT_MAX + 160);
    char *buf = malloc(cap);
    if (!buf)
        return;
    vg_strbuf sb;
    vg_strbuf_init(&sb, buf, cap);
    vg_strbuf_puts(&sb, "{\"whitelist\":[");
    for (int i = 0; i < n; i++) {
        vg_whitelist_entry e;
        if (vg_threat_whitelist_get(th, i, &e) != 0)
            continue;
        vg_strbuf_puts(&sb, i ? ",{" : "{");
        vg_strbuf_puts(&sb, e.is_operator ? "\"operator_id\":" : "\"uas_id\":");
        vg_strbuf_put_json_string(&sb, e.id);
        if (e.zone[0]) {
            vg_strbuf_puts(&sb, ",\"zone\":");
            vg_strbuf_put_json_string(&sb, e.zone);
        }
        char t[48];
        if (e.start != VG_TIME_MIN) {
            vg_time_format_rfc3339(e.start, t, sizeof t);
            vg_strbuf_puts(&sb, ",\"start\":");
            vg_strbuf_put_json_string(&sb, t);
        }
        if (e.end != VG_TIME_MAX) {
            vg_time_format_rfc3339(e.end, t, sizeof t);
            vg_strbuf_puts(&sb, ",\"end\":");
            vg_strbuf_put_json_string(&sb, t);
        }
        vg_strbuf_puts(&sb, ",\"purpose\":");
        vg_strbuf_put_json_string(&sb, e.purpose);
        vg_strbuf_putc(&sb, '}');
    }
    vg_strbuf_puts(&sb, "]}");
    if (sb.overflow) {
        free(buf);
        vg_logf(&s->log, VG_LOG_ERROR, "whitelist too large to publish");
        return;
    }
    vg_picture_set_whitelist(&s->pic, buf);
}

/* A zone_import command (args {"doc": id, ...}): load that stored document into the
 * engine, replacing the zones, and publish them. Used live and when restoring. */
static int apply_zone_import(vg_server *s, const vg_command *c, vg_error *err)
{
    const char *p = strstr(c->args, "\"doc\":");
    long long id = p ? strtoll(p + 6, NULL, 10) : 0;
    if (id <= 0)
        return vg_err(err, VG_EINVAL, "zone_import: args need a document id");
    char *text;
    size_t len;
    int rc = vg_store_zone_doc_get(s->store, id, &text, &len, err);
    if (rc < 0)
        return rc;
    char name[48];
    snprintf(name, sizeof name, "zone document %lld", id);
    rc = vg_engine_load_zones(s->engine, text, len, name, err);
    free(text);
    if (rc < 0)
        return rc;
    const vg_zone_list *zl = vg_engine_zones(s->engine);
    char *geojson = NULL;
    size_t glen;
    if (zl && vg_zone_export_geojson(zl->zones, zl->n, true, &geojson, &glen, err) == 0)
        vg_picture_set_zones(&s->pic, geojson);
    return rc;
}

/* The patrol units as the picture serves them (few: rebuilt after each batch). */
static void publish_units(vg_server *s)
{
    vg_patrol *pt = vg_engine_patrol(s->engine);
    int n = pt ? vg_patrol_unit_count(pt) : 0;
    int nsites = pt ? vg_patrol_site_count(pt) : 0;
    if (n == 0 && nsites == 0 && !s->pic.units_json)
        return;
    size_t cap = 64 + (size_t)n * (3 * VG_ID_MAX + 320) + (size_t)nsites * (2 * VG_ID_MAX + 400);
    char *buf = malloc(cap);
    if (!buf)
        return;
    vg_strbuf sb;
    vg_strbuf_init(&sb, buf, cap);
    vg_strbuf_puts(&sb, "{\"units\":[");
    for (int i = 0; i < n; i++) {
        const vg_unit *u = vg_patrol_unit(pt, i);
        vg_strbuf_puts(&sb, i ? ",{\"id\":" : "{\"id\":");
        vg_strbuf_put_json_string(&sb, u->id);
        vg_strbuf_puts(&sb, ",\"callsign\":");
        vg_strbuf_put_json_string(&sb, u->callsign);
        vg_strbuf_puts(&sb, ",\"force\":");
        vg_strbuf_put_json_string(&sb, vg_force_name(u->force));
        vg_strbuf_puts(&sb, ",\"mode\":");
        vg_strbuf_put_json_string(&sb, vg_unit_mode_name(u->mode));
        vg_strbuf_puts(&sb, ",\"status\":");
        vg_strbuf_put_json_string(&sb, vg_unit_status_name(u->status));
        vg_strbuf_puts(&sb, ",\"intercept\":");
        vg_strbuf_puts(&sb, (u->caps & VG_CAP_INTERCEPT) ? "true" : "false");
        vg_strbuf_puts(&sb, ",\"stale\":");
        vg_strbuf_puts(&sb, u->stale ? "true" : "false");
        if (u->has_pos) {
            vg_strbuf_puts(&sb, ",\"lat\":");
            vg_strbuf_put_double(&sb, u->lat);
            vg_strbuf_puts(&sb, ",\"lon\":");
            vg_strbuf_put_double(&sb, u->lon);
        }
        vg_strbuf_puts(&sb, ",\"last_report\":");
        if (u->last_report > VG_TIME_MIN) {
            char t[48];
            vg_time_format_rfc3339(u->last_report, t, sizeof t);
            vg_strbuf_put_json_string(&sb, t);
        } else {
            vg_strbuf_puts(&sb, "null");
        }
        vg_strbuf_putc(&sb, '}');
    }
    /* The sites and whether their presence obligation is met now. */
    vg_strbuf_puts(&sb, "],\"sites\":[");
    vg_engine_stats st;
    vg_engine_get_stats(s->engine, &st);
    for (int i = 0; i < nsites; i++) {
        const vg_patrol_site *site = vg_patrol_site_at(pt, i);
        vg_site_coverage cov;
        bool known = vg_patrol_coverage(pt, i, st.now, vg_engine_postures(s->engine), &cov) == 0;
        vg_strbuf_puts(&sb, i ? ",{\"id\":" : "{\"id\":");
        vg_strbuf_put_json_string(&sb, site->id);
        vg_strbuf_puts(&sb, ",\"name\":");
        vg_strbuf_put_json_string(&sb, site->name);
        vg_strbuf_puts(&sb, ",\"category\":");
        vg_strbuf_put_json_string(&sb, vg_site_category_name(site->category));
        vg_strbuf_puts(&sb, ",\"lat\":");
        vg_strbuf_put_double(&sb, site->lat);
        vg_strbuf_puts(&sb, ",\"lon\":");
        vg_strbuf_put_double(&sb, site->lon);
        vg_strbuf_puts(&sb, ",\"radius_m\":");
        vg_strbuf_put_double(&sb, site->radius_m);
        vg_strbuf_puts(&sb, ",\"met\":");
        vg_strbuf_puts(&sb, known && cov.met ? "true" : "false");
        vg_strbuf_puts(&sb, ",\"gap\":");
        vg_strbuf_puts(&sb, site->gap_open ? "true" : "false");
        vg_strbuf_puts(&sb, ",\"since_s\":");
        vg_strbuf_put_double(&sb, known ? cov.since_s : -1);
        vg_strbuf_puts(&sb, ",\"interval_s\":");
        vg_strbuf_put_double(&sb, known ? cov.interval_s : 0);
        vg_strbuf_putc(&sb, '}');
    }
    vg_strbuf_puts(&sb, "]}");
    if (sb.overflow) {
        free(buf);
        return;
    }
    vg_picture_set_units(&s->pic, buf);
}

/* ---- setup and restore ------------------------------------------------------------- */

int vg_server_engine_setup(vg_server *s, vg_error *err)
{
    int rc = vg_engine_new(&s->cfg, sink, s, &s->log, &s->engine, err);
    if (rc < 0)
        return rc;
    if ((rc = vg_engine_load_site_data(s->engine, &s->cfg, s->config_path, &s->log, err)) < 0)
        return rc;
    const vg_zone_list *zl = vg_engine_zones(s->engine);
    if (zl && zl->n) {
        char *geojson = NULL;
        size_t len;
        if (vg_zone_export_geojson(zl->zones, zl->n, true, &geojson, &len, err) < 0)
            return vg_err_prefix(err, "exporting zones: ");
        vg_picture_set_zones(&s->pic, geojson);
    }
    publish_whitelist(s);
    publish_units(s);
    return 0;
}

typedef struct restore_ctx {
    vg_server *s;
    vg_event ev;
    uint64_t lines, refused;
} restore_ctx;

static int restore_line(void *user, int64_t seq, const char *line, size_t len)
{
    restore_ctx *r = user;
    vg_error err = {0};
    r->lines++;
    if (vg_event_parse(line, len, &r->ev, &err) < 0) {
        vg_logf(&r->s->log, VG_LOG_WARN, "journal entry %lld unreadable: %s", (long long)seq,
                err.msg);
        return 0;
    }
    vg_picture_input(&r->s->pic, &r->ev);
    if (vg_engine_push(r->s->engine, &r->ev, &err) < 0)
        r->refused++; /* refused live too: journaled actions the engine turned down */
    else if (r->ev.type == VG_EV_COMMAND && strcmp(r->ev.u.command.kind, "zone_import") == 0 &&
             apply_zone_import(r->s, &r->ev.u.command, &err) < 0)
        vg_logf(&r->s->log, VG_LOG_ERROR, "journal entry %lld: %s", (long long)seq, err.msg);
    r->s->scan_open = r->ev.type == VG_EV_DETECTION;
    return 0;
}

int vg_server_restore(vg_server *s, vg_error *err)
{
    restore_ctx *r = calloc(1, sizeof *r);
    if (!r)
        return vg_err(err, VG_ENOMEM, "out of memory restoring");
    r->s = s;
    s->restoring = true;
    int64_t t0 = vg_monotonic_us();
    int rc = vg_store_journal_each(s->store, 0, restore_line, r, err);
    s->restoring = false;
    publish_whitelist(s);
    publish_units(s);
    if (rc == 0 && r->lines)
        vg_logf(&s->log, VG_LOG_INFO,
                "restored from the journal: %llu events (%llu refused as before) in %.2f s",
                (unsigned long long)r->lines, (unsigned long long)r->refused,
                (double)(vg_monotonic_us() - t0) / 1e6);
    free(r);
    return rc;
}

/* ---- the loop -------------------------------------------------------------------------- */

static void finish_action(vg_op_request *a, int status, const char *error)
{
    pthread_mutex_lock(&a->mu);
    a->status = status;
    if (error)
        snprintf(a->error, sizeof a->error, "%s", error);
    a->done = true;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

static void run_action(vg_server *s, vg_qitem *it)
{
    vg_op_request *a = it->action;
    vg_error err = {0};
    vg_engine_stats st;
    vg_engine_get_stats(s->engine, &st);
    it->ev.time = st.now; /* the engine's time: actions are never late */
    char line[VG_LINE_MAX + 1];
    size_t len;
    if (vg_event_format(&it->ev, line, sizeof line, &len, &err) < 0) {
        finish_action(a, VG_EINVAL, err.msg);
        return;
    }
    const vg_command *c = &it->ev.u.command;
    s->capturing = true;
    s->ncapture = 0;
    int rc = vg_engine_push(s->engine, &it->ev, &err);
    s->capturing = false;
    s->scan_open = false;
    char detail[VG_JSON_MAX];
    snprintf(detail, sizeof detail, "%s", c->args[0] ? c->args : "{}");
    vg_error serr = {0};
    if (rc < 0) {
        /* Refused: nothing changed, so nothing to journal; the refusal is audited. */
        char refusal[VG_JSON_MAX + 64];
        snprintf(refusal, sizeof refusal, "{\"refused\":true,\"args\":%s}", detail);
        if (strlen(refusal) >= VG_JSON_MAX)
            snprintf(refusal, sizeof refusal, "{\"refused\":true}");
        if (vg_store_audit_append(s->store, vg_wall_clock_us(), c->user, c->kind, refusal, NULL,
                                  &serr) < 0)
            vg_logf(&s->log, VG_LOG_ERROR, "audit: %s", serr.msg);
        atomic_fetch_add(&s->metrics.rejected, 1);
        /* Outputs held back (a scan the command closed) are still real: publish. */
        for (size_t i = 0; i < s->ncapture; i++)
            publish(s, &s->capture[i]);
        finish_action(a, rc, err.msg);
        return;
    }
    if (vg_store_action_commit(s->store, it->ev.time, vg_wall_clock_us(), c->user, c->kind,
                               detail, line, len, NULL, NULL, &serr) < 0) {
        /* The engine moved but the store did not: the picture must not show it, and
         * the operator is told it failed. A restart replays only what was stored. */
        vg_logf(&s->log, VG_LOG_ERROR, "store: action %s not recorded: %s", c->kind, serr.msg);
        finish_action(a, VG_EIO, serr.msg);
        return;
    }
    s->current_action = a;
    for (size_t i = 0; i < s->ncapture; i++)
        publish(s, &s->capture[i]);
    s->current_action = NULL;
    if (strcmp(c->kind, "zone_import") == 0 && apply_zone_import(s, c, &serr) < 0) {
        vg_logf(&s->log, VG_LOG_ERROR, "zone import: %s", serr.msg);
        finish_action(a, VG_EIO, serr.msg);
        return;
    }
    if (strncmp(c->kind, "whitelist_", 10) == 0)
        publish_whitelist(s);
    finish_action(a, 0, NULL);
}

/* Journal and push one input inside the open batch. */
static void run_input(vg_server *s, vg_qitem *it)
{
    char line[VG_LINE_MAX + 1];
    size_t len;
    vg_error err = {0};
    if (vg_event_format(&it->ev, line, sizeof line, &len, &err) < 0) {
        atomic_fetch_add(&s->metrics.malformed[it->source], 1);
        return;
    }
    if (vg_store_journal_append(s->store, it->ev.time, line, len, NULL, &err) < 0) {
        vg_logf(&s->log, VG_LOG_ERROR, "store: journal: %s", err.msg);
        return;
    }
    vg_picture_input(&s->pic, &it->ev);
    s->current_received_us = it->received_us;
    if (vg_engine_push(s->engine, &it->ev, &err) < 0) {
        atomic_fetch_add(&s->metrics.rejected, 1);
        vg_logf(&s->log, VG_LOG_DEBUG, "%s input refused: %s", vg_source_name(it->source),
                err.msg);
    }
    s->scan_open = it->ev.type == VG_EV_DETECTION;
    if (it->ev.type == VG_EV_COMMAND && strncmp(it->ev.u.command.kind, "whitelist_", 10) == 0)
        publish_whitelist(s); /* a recording's whitelist changes (--replay) */
}

/* Commit the open input transaction, if any. */
static void inputs_commit(vg_server *s, bool *open)
{
    vg_error err = {0};
    if (*open && vg_store_commit(s->store, &err) < 0)
        vg_logf(&s->log, VG_LOG_ERROR, "store: %s", err.msg);
    *open = false;
}

static void *engine_main(void *arg)
{
    vg_server *s = arg;
    vg_qitem *batch = malloc(BATCH_MAX * sizeof *batch);
    if (!batch) {
        vg_logf(&s->log, VG_LOG_ERROR, "engine thread: out of memory");
        return NULL;
    }
    vg_error err = {0};
    /* Inputs are journaled in a transaction that spans the batches popped within
     * COMMIT_EVERY_US: under load the queue hands over a few items at a time, and a
     * transaction each (BEGIN, COMMIT, the WAL's locks) cost more than the inserts.
     * An operator action commits it first; so does an idle queue. */
    bool open = false;
    int64_t open_since = 0;
    for (;;) {
        int wait_ms = IDLE_WAIT_MS;
        if (open) {
            int64_t left = open_since + COMMIT_EVERY_US - vg_monotonic_us();
            wait_ms = left > 0 ? (int)((left + 999) / 1000) : 0;
        }
        size_t n = vg_queue_pop(&s->queue, batch, BATCH_MAX, wait_ms);
        if (n == 0) {
            if (open) {
                inputs_commit(s, &open);
                continue;
            }
            bool closing;
            pthread_mutex_lock(&s->queue.mu);
            closing = s->queue.closing;
            pthread_mutex_unlock(&s->queue.mu);
            if (closing)
                break;
            if (s->scan_open) {
                /* Close the open scan with a journaled tick, so replay sees it too. */
                vg_engine_stats st;
                vg_engine_get_stats(s->engine, &st);
                vg_qitem tick = {.source = VG_SRC_HTTP};
                vg_event_init(&tick.ev, VG_EV_TICK, st.now);
                if (vg_store_begin(s->store, &err) == 0) {
                    run_input(s, &tick);
                    if (vg_store_commit(s->store, &err) < 0)
                        vg_logf(&s->log, VG_LOG_ERROR, "store: %s", err.msg);
                }
                vg_picture_stream_flush(&s->pic);
            }
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (batch[i].action) {
                inputs_commit(s, &open);
                run_action(s, &batch[i]);
                continue;
            }
            if (!open) {
                if (vg_store_begin(s->store, &err) < 0) {
                    vg_logf(&s->log, VG_LOG_ERROR, "store: %s", err.msg);
                    continue;
                }
                open = true;
                open_since = vg_monotonic_us();
            }
            run_input(s, &batch[i]);
        }
        vg_picture_stream_flush(&s->pic);
        if (open && vg_monotonic_us() - open_since >= COMMIT_EVERY_US)
            inputs_commit(s, &open);
        s->current_received_us = 0;
        publish_units(s);
    }
    inputs_commit(s, &open);
    /* Anything still queued at shutdown: actions get an answer, never a hang. */
    size_t n;
    while ((n = vg_queue_pop(&s->queue, batch, BATCH_MAX, 0)) != 0)
        for (size_t i = 0; i < n; i++)
            if (batch[i].action)
                finish_action(batch[i].action, VG_ESTATE, "the daemon is stopping");
    free(batch);
    return NULL;
}

int vg_server_engine_start(vg_server *s, vg_error *err)
{
    if (pthread_create(&s->engine_thread, NULL, engine_main, s) != 0)
        return vg_err(err, VG_EIO, "cannot start the engine thread");
    s->engine_running = true;
    return 0;
}

void vg_server_engine_stop(vg_server *s)
{
    vg_queue_close(&s->queue);
    if (s->engine_running)
        pthread_join(s->engine_thread, NULL);
    s->engine_running = false;
}

/* ---- entry points for the other threads ------------------------------------------------ */

void vg_server_input_line(vg_server *s, vg_source src, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    if (len == 0)
        return;
    /* On the stack: 1.4 kB is past malloc's per-thread cache, and this runs for
     * every datagram. */
    vg_qitem item, *it = &item;
    memset(it, 0, offsetof(vg_qitem, ev));
    it->source = src;
    it->received_us = vg_monotonic_us();
    vg_error err = {0};
    if (vg_event_parse(line, len, &it->ev, &err) < 0 || !vg_event_is_input(it->ev.type)) {
        atomic_fetch_add(&s->metrics.malformed[src], 1);
        vg_logf(&s->log, VG_LOG_DEBUG, "%s: malformed input: %s", vg_source_name(src),
                err.msg[0] ? err.msg : "not an input event");
    } else if (it->ev.type == VG_EV_COMMAND) {
        /* Operator actions come through the authenticated API only. */
        atomic_fetch_add(&s->metrics.malformed[src], 1);
        vg_logf(&s->log, VG_LOG_WARN, "%s: command refused: operator actions go through the "
                                      "HTTP API", vg_source_name(src));
    } else if (!vg_queue_push(&s->queue, it)) {
        atomic_fetch_add(&s->metrics.dropped[src], 1);
    } else {
        atomic_fetch_add(&s->metrics.events_in[src], 1);
    }
}

int vg_server_act(vg_server *s, const char *user, vg_role role, const char *kind,
                  const char *args_json, vg_event_type want, vg_op_request *a)
{
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    a->want = want;
    vg_qitem *it = calloc(1, sizeof *it);
    if (!it)
        return VG_ENOMEM;
    it->source = VG_SRC_HTTP;
    it->received_us = vg_monotonic_us();
    it->action = a;
    vg_event_init(&it->ev, VG_EV_COMMAND, 0);
    vg_command *c = &it->ev.u.command;
    snprintf(c->kind, sizeof c->kind, "%s", kind);
    snprintf(c->user, sizeof c->user, "%s", user);
    c->role = role;
    size_t alen = strlen(args_json);
    if (alen >= sizeof c->args) {
        free(it);
        return VG_ETOOBIG;
    }
    memcpy(c->args, args_json, alen + 1);
    bool queued = vg_queue_push(&s->queue, it);
    free(it);
    if (!queued) {
        atomic_fetch_add(&s->metrics.dropped[VG_SRC_HTTP], 1);
        return VG_EFULL;
    }
    atomic_fetch_add(&s->metrics.events_in[VG_SRC_HTTP], 1);
    /* The engine thread answers every action, at shutdown too, so this wait ends. */
    pthread_mutex_lock(&a->mu);
    while (!a->done)
        pthread_cond_wait(&a->cv, &a->mu);
    pthread_mutex_unlock(&a->mu);
    return a->status;
}
