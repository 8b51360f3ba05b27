/* server/picture.c — the picture the HTTP side serves, built from the engine's
 * outputs on the engine thread, read by HTTP threads under a read lock; and the
 * numbered stream of outputs that SSE clients follow. */
#include "server/picture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigie/strbuf.h"

static char *dup_line(const char *line, size_t len)
{
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, line, len);
        c[len] = '\0';
    }
    return c;
}

/* A copy of line (len bytes) in a buffer of cap + 1 bytes (cap ≥ len). */
static char *dup_line_room(const char *line, size_t len, size_t cap)
{
    char *c = malloc(cap + 1);
    if (c) {
        memcpy(c, line, len);
        c[len] = '\0';
    }
    return c;
}

int vg_picture_init(vg_picture *p, size_t ring_cap)
{
    memset(p, 0, sizeof *p);
    pthread_rwlock_init(&p->lock, NULL);
    pthread_mutex_init(&p->stream_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->stream_cond, &ca);
    pthread_condattr_destroy(&ca);
    p->ring_cap = ring_cap;
    p->ring = calloc(ring_cap, sizeof *p->ring);
    p->index_cap = 1024;
    p->index = calloc(p->index_cap, sizeof *p->index);
    p->next_seq = 1;
    return (p->ring && p->index) ? 0 : VG_ENOMEM;
}

void vg_picture_free(vg_picture *p)
{
    for (size_t i = 0; i < p->ntracks; i++)
        free(p->tracks[i].line);
    free(p->tracks);
    free(p->index);
    free(p->sensors);
    free(p->posture_line);
    free(p->zones_geojson);
    free(p->whitelist_json);
    free(p->units_json);
    for (size_t i = 0; i < p->ndispatches; i++)
        free(p->dispatches[i].line);
    free(p->dispatches);
    for (size_t i = 0; i < p->ring_cap && p->ring; i++)
        free(p->ring[i].msg);
    free(p->ring);
    free(p->scratch);
    pthread_rwlock_destroy(&p->lock);
    pthread_mutex_destroy(&p->stream_lock);
    pthread_cond_destroy(&p->stream_cond);
}

/* ---- the track index (open addressing, linear probing, backward-shift delete) ---- */

static size_t slot_of(uint64_t id, size_t cap)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdull;
    id ^= id >> 33;
    return (size_t)id & (cap - 1);
}

static long track_find(const vg_picture *p, uint64_t id, size_t *slot)
{
    for (size_t s = slot_of(id, p->index_cap);; s = (s + 1) & (p->index_cap - 1)) {
        if (p->index[s] == 0) {
            if (slot)
                *slot = s;
            return -1;
        }
        if (p->tracks[p->index[s] - 1].id == id) {
            if (slot)
                *slot = s;
            return (long)p->index[s] - 1;
        }
    }
}

static int index_grow(vg_picture *p)
{
    size_t cap = p->index_cap * 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (!idx)
        return VG_ENOMEM;
    free(p->index);
    p->index = idx;
    p->index_cap = cap;
    for (size_t i = 0; i < p->ntracks; i++) {
        size_t s = slot_of(p->tracks[i].id, cap);
        while (idx[s])
            s = (s + 1) & (cap - 1);
        idx[s] = (uint32_t)(i + 1);
    }
    return 0;
}

static void index_delete(vg_picture *p, size_t hole)
{
    size_t mask = p->index_cap - 1;
    p->index[hole] = 0;
    for (size_t s = (hole + 1) & mask; p->index[s]; s = (s + 1) & mask) {
        size_t home = slot_of(p->tracks[p->index[s] - 1].id, p->index_cap);
        /* Move the entry back if the hole lies between its home and its slot. */
        if (((s - home) & mask) >= ((s - hole) & mask)) {
            p->index[hole] = p->index[s];
            p->index[s] = 0;
            hole = s;
        }
    }
}

static void track_drop(vg_picture *p, uint64_t id)
{
    size_t slot;
    long at = track_find(p, id, &slot);
    if (at < 0)
        return;
    free(p->tracks[at].line);
    index_delete(p, slot);
    size_t last = p->ntracks - 1;
    if ((size_t)at != last) {
        p->tracks[at] = p->tracks[last];
        size_t s2;
        track_find(p, p->tracks[at].id, &s2);
        p->index[s2] = (uint32_t)at + 1;
    }
    p->ntracks--;
}

static void track_point(vg_pic_track *pt, const vg_event *ev)
{
    const vg_track *t = &ev->u.track;
    pt->time = ev->time;
    pt->hist[pt->head] = (vg_pic_point){ev->time, t->pos.lat, t->pos.lon, t->pos.alt};
    pt->head = (pt->head + 1) % VG_HISTORY;
    if (pt->nhist < VG_HISTORY)
        pt->nhist++;
}

static int track_update(vg_picture *p, const vg_event *ev, const char *line, size_t len)
{
    const vg_track *t = &ev->u.track;
    size_t slot;
    long at = track_find(p, t->id, &slot);
    /* A live track's line is rewritten in place when it fits: no allocation per
     * update (readers copy it under the read lock; this runs under the write lock). */
    if (at >= 0 && p->tracks[at].line_cap > len) {
        vg_pic_track *pt = &p->tracks[at];
        memcpy(pt->line, line, len);
        pt->line[len] = '\0';
        track_point(pt, ev);
        return 0;
    }
    char *copy = dup_line_room(line, len, len + len / 4); /* room for longer updates */
    if (!copy)
        return VG_ENOMEM;
    if (at < 0) {
        if ((p->ntracks + 1) * 2 > p->index_cap) {
            if (index_grow(p) != 0) {
                free(copy);
                return VG_ENOMEM;
            }
            track_find(p, t->id, &slot);
        }
        if (p->ntracks == p->captracks) {
            size_t cap = p->captracks ? p->captracks * 2 : 256;
            vg_pic_track *grown = realloc(p->tracks, cap * sizeof *grown);
            if (!grown) {
                free(copy);
                return VG_ENOMEM;
            }
            p->tracks = grown;
            p->captracks = cap;
        }
        at = (long)p->ntracks++;
        memset(&p->tracks[at], 0, sizeof p->tracks[at]);
        p->tracks[at].id = t->id;
        p->index[slot] = (uint32_t)at + 1;
    }
    vg_pic_track *pt = &p->tracks[at];
    free(pt->line);
    pt->line = copy;
    pt->line_cap = len + len / 4 + 1;
    track_point(pt, ev);
    return 0;
}

static vg_pic_sensor *sensor_get(vg_picture *p, const char *id, bool create)
{
    for (size_t i = 0; i < p->nsensors; i++)
        if (strcmp(p->sensors[i].id, id) == 0)
            return &p->sensors[i];
    if (!create)
        return NULL;
    if (p->nsensors == p->capsensors) {
        size_t cap = p->capsensors ? p->capsensors * 2 : 16;
        vg_pic_sensor *grown = realloc(p->sensors, cap * sizeof *grown);
        if (!grown)
            return NULL;
        p->sensors = grown;
        p->capsensors = cap;
    }
    vg_pic_sensor *s = &p->sensors[p->nsensors++];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    s->up = true;
    return s;
}

/* ---- engine thread --------------------------------------------------------------- */

/* The SSE message is written once here, into a scratch buffer outside the lock, then
 * copied into its ring slot, whose buffer is reused as the ring turns (no allocation
 * per event once the ring is warm). The sequence number is known before the lock is
 * taken because only the engine thread appends. */
static int stream_append(vg_picture *p, const vg_event *ev, const char *line, size_t len)
{
    const char *type = vg_event_type_name(ev->type);
    size_t need = len + strlen(type) + 48;
    if (need > p->scratch_cap) {
        char *grown = realloc(p->scratch, need);
        if (!grown)
            return VG_ENOMEM;
        p->scratch = grown;
        p->scratch_cap = need;
    }
    vg_strbuf sb;
    vg_strbuf_init(&sb, p->scratch, p->scratch_cap);
    vg_strbuf_put(&sb, "id: ", 4);
    vg_strbuf_put_u64(&sb, p->next_seq);
    vg_strbuf_put(&sb, "\nevent: ", 8);
    vg_strbuf_puts(&sb, type);
    vg_strbuf_put(&sb, "\ndata: ", 7);
    vg_strbuf_put(&sb, line, len);
    vg_strbuf_put(&sb, "\n\n", 2);
    if (sb.overflow)
        return VG_ENOMEM;
    pthread_mutex_lock(&p->stream_lock);
    vg_stream_item *it = &p->ring[p->next_seq % p->ring_cap];
    if (it->cap < sb.len + 1) {
        size_t cap = sb.len + sb.len / 4 + 1;
        char *grown = realloc(it->msg, cap);
        if (!grown) {
            pthread_mutex_unlock(&p->stream_lock);
            return VG_ENOMEM;
        }
        it->msg = grown;
        it->cap = cap;
    }
    memcpy(it->msg, sb.buf, sb.len + 1);
    it->len = sb.len;
    it->seq = p->next_seq++;
    if (p->next_seq - p->woken_seq >= VG_STREAM_WAKE_EVERY) {
        p->woken_seq = p->next_seq;
        pthread_cond_broadcast(&p->stream_cond);
    }
    pthread_mutex_unlock(&p->stream_lock);
    return 0;
}

int vg_picture_output(vg_picture *p, const vg_event *ev, const char *line, size_t len)
{
    int rc = 0;
    pthread_rwlock_wrlock(&p->lock);
    if (ev->time > p->now)
        p->now = ev->time;
    switch (ev->type) {
    case VG_EV_TRACK:
        rc = track_update(p, ev, line, len);
        break;
    case VG_EV_TRACK_DROP:
        track_drop(p, ev->u.track_drop.id);
        break;
    case VG_EV_POSTURE: {
        char *copy = dup_line(line, len);
        if (!copy) {
            rc = VG_ENOMEM;
            break;
        }
        free(p->posture_line);
        p->posture_line = copy;
        break;
    }
    case VG_EV_DISPATCH: {
        const vg_dispatch *d = &ev->u.dispatch;
        size_t i = 0;
        while (i < p->ndispatches &&
               !(p->dispatches[i].alert == d->alert && strcmp(p->dispatches[i].unit, d->unit) == 0))
            i++;
        if (i == p->ndispatches) {
            if (p->ndispatches == p->capdispatches) {
                size_t cap = p->capdispatches ? p->capdispatches * 2 : 32;
                struct vg_pic_dispatch *g = realloc(p->dispatches, cap * sizeof *g);
                if (!g) {
                    rc = VG_ENOMEM;
                    break;
                }
                p->dispatches = g;
                p->capdispatches = cap;
            }
            p->dispatches[i] = (struct vg_pic_dispatch){d->alert, "", NULL};
            snprintf(p->dispatches[i].unit, sizeof p->dispatches[i].unit, "%s", d->unit);
            p->ndispatches++;
        }
        char *copy = dup_line(line, len);
        if (!copy) {
            rc = VG_ENOMEM;
            break;
        }
        free(p->dispatches[i].line);
        p->dispatches[i].line = copy;
        break;
    }
    case VG_EV_SENSOR_STATUS: {
        vg_pic_sensor *s = sensor_get(p, ev->u.sensor_status.sensor, true);
        if (s) {
            s->up = ev->u.sensor_status.up;
            snprintf(s->reason, sizeof s->reason, "%s", ev->u.sensor_status.reason);
        }
        break;
    }
    default:
        break;
    }
    pthread_rwlock_unlock(&p->lock);
    if (rc == 0)
        rc = stream_append(p, ev, line, len);
    return rc;
}

void vg_picture_input(vg_picture *p, const vg_event *ev)
{
    if (ev->type != VG_EV_SENSOR && ev->type != VG_EV_DETECTION && ev->time <= p->now)
        return; /* nothing to record: no need for the write lock */
    pthread_rwlock_wrlock(&p->lock);
    if (ev->time > p->now)
        p->now = ev->time;
    if (ev->type == VG_EV_SENSOR) {
        const vg_sensor_ev *se = &ev->u.sensor;
        vg_pic_sensor *s = sensor_get(p, se->id, true);
        if (s) {
            if (se->has_kind)
                s->kind = se->kind;
            if (se->has_pos)
                s->pos = se->pos;
            if (se->has_range) {
                s->has_range = true;
                s->range_m = se->range_m;
            }
            if (se->has_status)
                s->up = se->up;
        }
    } else if (ev->type == VG_EV_DETECTION) {
        vg_pic_sensor *s = sensor_get(p, ev->u.detection.sensor, false);
        if (s) {
            s->detections++;
            s->last_report = ev->time;
        }
    }
    pthread_rwlock_unlock(&p->lock);
}

/* The engine thread replaces one of the prepared documents. */
static void replace_doc(vg_picture *p, char **slot, char *owned)
{
    pthread_rwlock_wrlock(&p->lock);
    free(*slot);
    *slot = owned;
    pthread_rwlock_unlock(&p->lock);
}

void vg_picture_set_zones(vg_picture *p, char *geojson_owned)
{
    replace_doc(p, &p->zones_geojson, geojson_owned);
}

void vg_picture_set_whitelist(vg_picture *p, char *json_owned)
{
    replace_doc(p, &p->whitelist_json, json_owned);
}

void vg_picture_set_units(vg_picture *p, char *json_owned)
{
    replace_doc(p, &p->units_json, json_owned);
}

/* ---- HTTP threads ------------------------------------------------------------------ */

static int finish(vg_strbuf *sb, char *buf, char **out, size_t *len)
{
    if (sb->overflow) {
        free(buf);
        return VG_ETOOBIG;
    }
    *out = buf;
    *len = sb->len;
    return 0;
}

static void put_time(vg_strbuf *sb, vg_time t)
{
    char tb[48];
    vg_time_format_rfc3339(t, tb, sizeof tb);
    vg_strbuf_put_json_string(sb, tb);
}

int vg_picture_tracks_json(vg_picture *p, char **out, size_t *len)
{
    pthread_rwlock_rdlock(&p->lock);
    size_t need = 128;
    for (size_t i = 0; i < p->ntracks; i++)
        need += strlen(p->tracks[i].line) + 1;
    char *buf = malloc(need);
    int rc = VG_ENOMEM;
    if (buf) {
        vg_strbuf sb;
        vg_strbuf_init(&sb, buf, need);
        vg_strbuf_puts(&sb, "{\"time\":");
        put_time(&sb, p->now);
        vg_strbuf_puts(&sb, ",\"tracks\":[");
        for (size_t i = 0; i < p->ntracks; i++) {
            if (i)
                vg_strbuf_putc(&sb, ',');
            vg_strbuf_puts(&sb, p->tracks[i].line);
        }
        vg_strbuf_puts(&sb, "]}");
        rc = finish(&sb, buf, out, len);
    }
    pthread_rwlock_unlock(&p->lock);
    return rc;
}

int vg_picture_track_json(vg_picture *p, uint64_t id, char **out, size_t *len)
{
    pthread_rwlock_rdlock(&p->lock);
    long at = track_find(p, id, NULL);
    int rc = VG_ENOTFOUND;
    if (at >= 0) {
        const vg_pic_track *t = &p->tracks[at];
        size_t need = strlen(t->line) + 64 + (size_t)t->nhist * 160;
        char *buf = malloc(need);
        rc = VG_ENOMEM;
        if (buf) {
            vg_strbuf sb;
            vg_strbuf_init(&sb, buf, need);
            vg_strbuf_puts(&sb, "{\"track\":");
            vg_strbuf_puts(&sb, t->line);
            vg_strbuf_puts(&sb, ",\"history\":[");
            int first = (t->head - t->nhist + VG_HISTORY) % VG_HISTORY;
            for (int k = 0; k < t->nhist; k++) {
                const vg_pic_point *pt = &t->hist[(first + k) % VG_HISTORY];
                vg_strbuf_puts(&sb, k ? ",{\"time\":" : "{\"time\":");
                put_time(&sb, pt->time);
                vg_strbuf_puts(&sb, ",\"lat\":");
                vg_strbuf_put_double(&sb, pt->lat);
                vg_strbuf_puts(&sb, ",\"lon\":");
                vg_strbuf_put_double(&sb, pt->lon);
                vg_strbuf_puts(&sb, ",\"alt\":");
                vg_strbuf_put_double(&sb, pt->alt);
                vg_strbuf_putc(&sb, '}');
            }
            vg_strbuf_puts(&sb, "]}");
            rc = finish(&sb, buf, out, len);
        }
    }
    pthread_rwlock_unlock(&p->lock);
    return rc;
}

int vg_picture_sensors_json(vg_picture *p, char **out, size_t *len)
{
    pthread_rwlock_rdlock(&p->lock);
    size_t need = 64 + p->nsensors * (VG_ID_MAX * 2 + VG_TEXT_MAX * 2 + 256);
    char *buf = malloc(need);
    int rc = VG_ENOMEM;
    if (buf) {
        vg_strbuf sb;
        vg_strbuf_init(&sb, buf, need);
        vg_strbuf_puts(&sb, "{\"sensors\":[");
        for (size_t i = 0; i < p->nsensors; i++) {
            const vg_pic_sensor *s = &p->sensors[i];
            vg_strbuf_puts(&sb, i ? ",{\"id\":" : "{\"id\":");
            vg_strbuf_put_json_string(&sb, s->id);
            vg_strbuf_puts(&sb, ",\"kind\":");
            vg_strbuf_put_json_string(&sb, vg_sensor_kind_name(s->kind));
            vg_strbuf_puts(&sb, ",\"lat\":");
            vg_strbuf_put_double(&sb, s->pos.lat);
            vg_strbuf_puts(&sb, ",\"lon\":");
            vg_strbuf_put_double(&sb, s->pos.lon);
            vg_strbuf_puts(&sb, ",\"alt\":");
            vg_strbuf_put_double(&sb, s->pos.alt);
            vg_strbuf_puts(&sb, ",\"range_m\":");
            if (s->has_range)
                vg_strbuf_put_double(&sb, s->range_m);
            else
                vg_strbuf_puts(&sb, "null");
            vg_strbuf_puts(&sb, s->up ? ",\"up\":true" : ",\"up\":false");
            vg_strbuf_puts(&sb, ",\"reason\":");
            vg_strbuf_put_json_string(&sb, s->reason);
            vg_strbuf_puts(&sb, ",\"last_report\":");
            if (s->last_report)
                put_time(&sb, s->last_report);
            else
                vg_strbuf_puts(&sb, "null");
            vg_strbuf_puts(&sb, ",\"detections\":");
            vg_strbuf_put_u64(&sb, s->detections);
            vg_strbuf_putc(&sb, '}');
        }
        vg_strbuf_puts(&sb, "]}");
        rc = finish(&sb, buf, out, len);
    }
    pthread_rwlock_unlock(&p->lock);
    return rc;
}

int vg_picture_posture_json(vg_picture *p, char **out, size_t *len)
{
    pthread_rwlock_rdlock(&p->lock);
    size_t need = 32 + (p->posture_line ? strlen(p->posture_line) : 4);
    char *buf = malloc(need);
    int rc = VG_ENOMEM;
    if (buf) {
        vg_strbuf sb;
        vg_strbuf_init(&sb, buf, need);
        vg_strbuf_puts(&sb, "{\"posture\":");
        vg_strbuf_puts(&sb, p->posture_line ? p->posture_line : "null");
        vg_strbuf_putc(&sb, '}');
        rc = finish(&sb, buf, out, len);
    }
    pthread_rwlock_unlock(&p->lock);
    return rc;
}

/* A copy of one prepared document, or of `empty` while there is none. */
static int copy_doc(vg_picture *p, char *const *slot, const char *empty, char **out, size_t *len)
{
    pthread_rwlock_rdlock(&p->lock);
    const char *src = *slot ? *slot : empty;
    size_t n = strlen(src);
    char *buf = dup_line(src, n);
    pthread_rwlock_unlock(&p->lock);
    if (!buf)
        return VG_ENOMEM;
    *out = buf;
    *len = n;
    return 0;
}

int vg_picture_zones_json(vg_picture *p, char **out, size_t *len)
{
    return copy_doc(p, &p->zones_geojson, "{\"type\":\"FeatureCollection\",\"features\":[]}", out,
                    len);
}

int vg_picture_whitelist_json(vg_picture *p, char **out, size_t *len)
{
    return copy_doc(p, &p->whitelist_json, "{\"whitelist\":[]}", out, len);
}

int vg_picture_units_json(vg_picture *p, char **out, size_t *len)
{
    return copy_doc(p, &p->units_json, "{\"units\":[],\"sites\":[]}", out, len);
}

int vg_picture_dispatches_json(vg_picture *p, char **out, size_t *len)
{
    pthread_rwlock_rdlock(&p->lock);
    size_t need = 32;
    for (size_t i = 0; i < p->ndispatches; i++)
        need += strlen(p->dispatches[i].line) + 1;
    char *buf = malloc(need);
    int rc = VG_ENOMEM;
    if (buf) {
        vg_strbuf sb;
        vg_strbuf_init(&sb, buf, need);
        vg_strbuf_puts(&sb, "{\"dispatches\":[");
        for (size_t i = 0; i < p->ndispatches; i++) {
            if (i)
                vg_strbuf_putc(&sb, ',');
            vg_strbuf_puts(&sb, p->dispatches[i].line);
        }
        vg_strbuf_puts(&sb, "]}");
        rc = finish(&sb, buf, out, len);
    }
    pthread_rwlock_unlock(&p->lock);
    return rc;
}

size_t vg_picture_track_count(vg_picture *p)
{
    pthread_rwlock_rdlock(&p->lock);
    size_t n = p->ntracks;
    pthread_rwlock_unlock(&p->lock);
    return n;
}

/* ---- the stream ---------------------------------------------------------------------- */

static int put_message(const vg_stream_item *it, char *buf, size_t cap)
{
    if (it->len > cap)
        return -1;
    memcpy(buf, it->msg, it->len);
    return (int)it->len;
}

long vg_picture_stream_read(vg_picture *p, uint64_t *after, char *buf, size_t cap, int wait_ms,
                            bool *reset)
{
    *reset = false;
    pthread_mutex_lock(&p->stream_lock);
    if (*after + 1 >= p->next_seq && !p->closing && wait_ms > 0) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += wait_ms / 1000;
        until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (*after + 1 >= p->next_seq && !p->closing)
            if (pthread_cond_timedwait(&p->stream_cond, &p->stream_lock, &until) == ETIMEDOUT)
                break;
    }
    if (p->closing) {
        pthread_mutex_unlock(&p->stream_lock);
        return -1;
    }
    uint64_t oldest = p->next_seq > p->ring_cap ? p->next_seq - p->ring_cap : 1;
    if (*after + 1 < oldest) {
        *after = p->next_seq - 1;
        *reset = true;
        pthread_mutex_unlock(&p->stream_lock);
        return 0;
    }
    size_t used = 0;
    while (*after + 1 < p->next_seq) {
        const vg_stream_item *it = &p->ring[(*after + 1) % p->ring_cap];
        int n = put_message(it, buf + used, cap - used);
        if (n < 0)
            break;
        used += (size_t)n;
        (*after)++;
    }
    pthread_mutex_unlock(&p->stream_lock);
    return (long)used;
}

void vg_picture_stream_flush(vg_picture *p)
{
    pthread_mutex_lock(&p->stream_lock);
    if (p->woken_seq != p->next_seq) {
        p->woken_seq = p->next_seq;
        pthread_cond_broadcast(&p->stream_cond);
    }
    pthread_mutex_unlock(&p->stream_lock);
}

uint64_t vg_picture_stream_last(vg_picture *p)
{
    pthread_mutex_lock(&p->stream_lock);
    uint64_t last = p->next_seq - 1;
    pthread_mutex_unlock(&p->stream_lock);
    return last;
}

void vg_picture_close(vg_picture *p)
{
    pthread_mutex_lock(&p->stream_lock);
    p->closing = true;
    pthread_cond_broadcast(&p->stream_cond);
    pthread_mutex_unlock(&p->stream_lock);
}
