/* cli/report.c — scores a replay against ground truth: GOSPA per truth time, and
 * the final picture. See report.h. */
#include "cli/report.h"
#include "cli/report_int.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/gospa.h"
#include "vigie/io.h"
#include "vigie/strbuf.h"

typedef vg_truth truth;

struct vg_report {
    truth *truths;
    size_t n, cap, next;        /* truths sorted by time; next = first not scored */
    double c, p;
    vg_gospa gospa;
    bool gospa_ready;
    vg_vec3 *est, *tru;
    int est_cap, tru_cap;
    int *est_to_truth;
    /* sums over scored times */
    size_t times;
    double sum_gospa, sum_loc, sum_missed, sum_false;
    int last_tracked;           /* truths with a confirmed track within 2 m, last time */
    int last_truths;
    uint64_t *est_id;           /* track id of est[i] */
    int *est_class;             /* its most likely class */
    rep_objects objs;
    double ground, undulation;
    const vg_zone_list *zones;  /* the engine's, seen at the last score */
};

int vg_truth_parse(const char *line, size_t len, vg_truth *t, vg_error *err)
{
    memset(t, 0, sizeof *t);
    if (len > VG_LINE_MAX)
        return vg_err(err, VG_ETOOBIG, "line of %zu bytes, at most %d allowed", len,
                      VG_LINE_MAX);
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return vg_err(err, VG_EPARSE, "invalid JSON at column %d", jerr.column);
    int rc = 0;
    json_t *type = json_object_get(root, "type"), *time = json_object_get(root, "time");
    json_t *enu = json_object_get(root, "enu"), *geo = json_object_get(root, "geodetic");
    if (!json_is_string(type) || strcmp(json_string_value(type), "truth") != 0) {
        rc = vg_err(err, VG_EINVAL, "expected \"type\":\"truth\"");
    } else if (json_is_string(time)) {
        rc = vg_time_parse_rfc3339(json_string_value(time), json_string_length(time), &t->time,
                                   err);
    } else if (json_is_number(time)) {
        rc = vg_time_from_seconds(json_number_value(time), &t->time, err);
    } else {
        rc = vg_err(err, VG_EMISSING, "truth.time: missing or not a time");
    }
    json_t *id = json_object_get(root, "id");
    if (rc == 0 && json_is_string(id) && json_string_length(id) > 0 &&
        json_string_length(id) < sizeof t->id)
        memcpy(t->id, json_string_value(id), json_string_length(id) + 1);
    else if (rc == 0 && json_is_integer(id))
        snprintf(t->id, sizeof t->id, "%lld", (long long)json_integer_value(id));
    else if (rc == 0 && id)
        rc = vg_err(err, VG_EINVAL, "truth.id: a number or a string of 1..63 bytes");
    for (int k = 0; rc == 0 && k < 2; k++) {
        json_t *v = json_object_get(root, k ? "kind" : "role");
        char *dst = k ? t->kind : t->role;
        size_t cap = k ? sizeof t->kind : sizeof t->role;
        if (!v)
            continue;
        if (!json_is_string(v) || json_string_length(v) >= cap)
            rc = vg_err(err, VG_EINVAL, "truth.%s: a string of at most %zu bytes", k ? "kind" : "role",
                        cap - 1);
        else
            memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    }
    json_t *det = json_object_get(root, "detected");
    if (rc == 0 && det && !json_is_boolean(det))
        rc = vg_err(err, VG_ETYPE, "truth.detected: true or false");
    t->detected = json_is_true(det);
    if (rc == 0 && json_is_object(enu)) {
        json_t *x = json_object_get(enu, "x"), *y = json_object_get(enu, "y"),
               *z = json_object_get(enu, "z");
        if (!json_is_number(x) || !json_is_number(y))
            rc = vg_err(err, VG_ETYPE, "truth.enu: x and y must be numbers");
        else
            t->enu = (vg_vec3){json_number_value(x), json_number_value(y),
                               json_is_number(z) ? json_number_value(z) : 0.0};
    } else if (rc == 0 && json_is_object(geo)) {
        json_t *la = json_object_get(geo, "lat"), *lo = json_object_get(geo, "lon"),
               *al = json_object_get(geo, "alt");
        t->geodetic = true;
        if (!json_is_number(la) || !json_is_number(lo))
            rc = vg_err(err, VG_ETYPE, "truth.geodetic: lat and lon must be numbers");
        else
            t->geo = (vg_geo){json_number_value(la), json_number_value(lo),
                              json_is_number(al) ? json_number_value(al) : 0.0};
        if (rc == 0)
            rc = vg_geo_validate(t->geo, err);
    } else if (rc == 0) {
        rc = vg_err(err, VG_EMISSING, "truth: needs \"enu\" or \"geodetic\"");
    }
    json_decref(root);
    return rc;
}

static int by_time(const void *a, const void *b)
{
    vg_time ta = ((const truth *)a)->time, tb = ((const truth *)b)->time;
    return (ta > tb) - (ta < tb);
}

int vg_report_new(const char *path, double c, double p, vg_report **out, vg_error *err)
{
    vg_report *r = calloc(1, sizeof *r);
    if (!r)
        return vg_err(err, VG_ENOMEM, "report: out of memory");
    r->c = c;
    r->p = p;
    *out = r;
    if (!path)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        vg_report_free(r);
        return vg_err(err, VG_EIO, "%s: cannot open", path);
    }
    vg_linereader lr;
    int rc = vg_linereader_init(&lr, f, VG_LINE_MAX, err);
    const char *line;
    size_t len;
    while (rc == 0 && (rc = vg_linereader_next(&lr, &line, &len, err)) == 1) {
        rc = 0;
        if (len == 0)
            continue;
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 1024;
            truth *t = realloc(r->truths, cap * sizeof *t);
            if (!t) {
                rc = vg_err(err, VG_ENOMEM, "report: out of memory");
                break;
            }
            r->truths = t;
            r->cap = cap;
        }
        rc = vg_truth_parse(line, len, &r->truths[r->n], err);
        if (rc < 0) {
            vg_err_prefix(err, "%s:%zu: ", path, lr.lineno);
        } else {
            truth *t = &r->truths[r->n++];
            int obj = rep_object_intern(&r->objs, t, err);
            if (obj < 0) {
                rc = obj;
                break;
            }
            t->obj = obj;
            rep_object *ob = &r->objs.v[obj];
            if (t->time < ob->first_seen)
                ob->first_seen = t->time;
            if (t->detected && t->time < ob->first_detected)
                ob->first_detected = t->time;
        }
    }
    vg_linereader_free(&lr);
    fclose(f);
    if (rc < 0) {
        vg_report_free(r);
        *out = NULL;
        return rc;
    }
    /* Stable order within one time does not matter: GOSPA is a set distance. */
    qsort(r->truths, r->n, sizeof *r->truths, by_time);
    return 0;
}

void vg_report_free(vg_report *r)
{
    if (!r)
        return;
    if (r->gospa_ready)
        vg_gospa_free(&r->gospa);
    free(r->truths);
    free(r->est);
    free(r->tru);
    free(r->est_to_truth);
    free(r->est_id);
    free(r->est_class);
    rep_objects_free(&r->objs);
    free(r);
}

void vg_report_set_heights(vg_report *r, double ground, double undulation)
{
    r->ground = ground;
    r->undulation = undulation;
}

void vg_report_output(vg_report *r, const vg_event *ev)
{
    if (ev->type == VG_EV_ALERT && rep_alert(&r->objs, &ev->u.alert, ev->time) < 0)
        fprintf(stderr, "vigie replay: report: out of memory\n");
}

typedef struct collect {
    vg_report *r;
    vg_enu_frame site;
    int n;
    bool failed;
} collect;

static void collect_track(void *ud, const vg_track *t)
{
    collect *c = ud;
    if (t->status == VG_TRACK_TENTATIVE || c->failed)
        return;
    vg_report *r = c->r;
    if (c->n == r->est_cap) {
        int cap = r->est_cap ? r->est_cap * 2 : 1024;
        vg_vec3 *e = realloc(r->est, (size_t)cap * sizeof *e);
        int *m = realloc(r->est_to_truth, (size_t)cap * sizeof *m);
        uint64_t *ids = realloc(r->est_id, (size_t)cap * sizeof *ids);
        int *cls = realloc(r->est_class, (size_t)cap * sizeof *cls);
        if (e)
            r->est = e;
        if (m)
            r->est_to_truth = m;
        if (ids)
            r->est_id = ids;
        if (cls)
            r->est_class = cls;
        if (!e || !m || !ids || !cls) {
            c->failed = true;
            return;
        }
        r->est_cap = cap;
    }
    int best = 0;
    for (int k = 1; k < VG_CLASS_COUNT; k++)
        if (t->class_p[k] > t->class_p[best])
            best = k;
    r->est_id[c->n] = t->id;
    r->est_class[c->n] = best;
    r->est[c->n++] = vg_enu_from_geo(&c->site, t->pos);
}

/* Per object: which tracks hold it, and which prohibited airspace zones it is in. */
static void score_objects(vg_report *r, vg_engine *e, size_t first, int nt, int nest)
{
    static const char *const classes[VG_CLASS_COUNT] = {"drone", "bird", "aircraft", "unknown"};
    for (int i = 0; i < nest; i++) {
        int j = r->est_to_truth[i];
        if (j < 0)
            continue;
        const truth *t = &r->truths[first + (size_t)j];
        rep_object *ob = &r->objs.v[t->obj];
        if (rep_object_track(&r->objs, r->est_id[i], t->obj) < 0)
            return;
        if (t->time < ob->first_confirmed)
            ob->first_confirmed = t->time;
        snprintf(ob->class_name, sizeof ob->class_name, "%s", classes[r->est_class[i]]);
    }
    const vg_zone_list *zl = vg_engine_zones(e);
    r->zones = zl;
    for (size_t z = 0; zl && z < zl->n; z++) {
        const vg_zone *zone = &zl->zones[z];
        if (zone->restriction != VG_ZONE_PROHIBITED || zone->purpose != VG_ZONE_AIRSPACE)
            continue;
        for (int j = 0; j < nt; j++) {
            const truth *t = &r->truths[first + (size_t)j];
            if (!t->geodetic)
                continue;
            double h[3];
            vg_zone_heights(t->geo.alt, VG_ZREF_WGS84, r->ground, r->undulation, h);
            if (vg_zone_contains(zone, t->geo.lat, t->geo.lon, h, t->time))
                rep_object_zone(&r->objs.v[t->obj], (int)z, t->time);
        }
    }
}

/* Score the truths at one time against the confirmed tracks now. */
static int score(vg_report *r, vg_engine *e, size_t first, size_t end, vg_error *err)
{
    collect c = {.r = r};
    if (!vg_engine_site(e, &c.site) || !vg_engine_tracker(e))
        return 0; /* nothing tracked yet: every truth is missed */
    vg_tracker_visit(vg_engine_tracker(e), r->truths[first].time, collect_track, &c);
    if (c.failed)
        return vg_err(err, VG_ENOMEM, "report: out of memory");
    int nt = (int)(end - first);
    if (nt > r->tru_cap) {
        vg_vec3 *t = realloc(r->tru, (size_t)nt * sizeof *t);
        if (!t)
            return vg_err(err, VG_ENOMEM, "report: out of memory");
        r->tru = t;
        r->tru_cap = nt;
    }
    for (int i = 0; i < nt; i++) {
        const truth *t = &r->truths[first + (size_t)i];
        r->tru[i] = t->geodetic ? vg_enu_from_geo(&c.site, t->geo) : t->enu;
    }
    /* Grow the GOSPA workspace to the largest sets seen. */
    if (!r->gospa_ready || c.n > r->gospa.max_est || nt > r->gospa.max_truth) {
        if (r->gospa_ready)
            vg_gospa_free(&r->gospa);
        int me = c.n > 1024 ? c.n * 2 : 2048, mt = nt > 1024 ? nt * 2 : 2048;
        int rc = vg_gospa_init(&r->gospa, me, mt, (me + mt) * 16, err);
        r->gospa_ready = rc == 0;
        if (rc < 0)
            return rc;
    }
    vg_gospa_result g;
    int rc = vg_gospa_compute(&r->gospa, r->est, c.n, r->tru, nt, r->c, r->p, &g,
                              r->est_to_truth, err);
    if (rc < 0)
        return rc;
    r->times++;
    r->sum_gospa += g.distance;
    r->sum_loc += g.localisation;
    r->sum_missed += g.missed_term;
    r->sum_false += g.false_term;
    int tracked = 0;
    for (int i = 0; i < c.n; i++) {
        int j = r->est_to_truth[i];
        if (j < 0)
            continue;
        vg_vec3 a = r->est[i], b = r->tru[j];
        if (sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                 (a.z - b.z) * (a.z - b.z)) <= 2.0)
            tracked++;
    }
    r->last_tracked = tracked;
    r->last_truths = nt;
    score_objects(r, e, first, nt, c.n);
    return 0;
}

bool vg_report_due(const vg_report *r, vg_time next)
{
    return r->next < r->n && r->truths[r->next].time < next;
}

int vg_report_advance(vg_report *r, vg_engine *e, vg_time next, vg_error *err)
{
    while (r->next < r->n && r->truths[r->next].time < next) {
        size_t end = r->next;
        while (end < r->n && r->truths[end].time == r->truths[r->next].time)
            end++;
        int rc = score(r, e, r->next, end, err);
        if (rc < 0)
            return rc;
        r->next = end;
    }
    return 0;
}

void vg_report_print(vg_report *r, const vg_engine *e, FILE *out, double wall, double engine)
{
    vg_engine_stats st;
    vg_engine_get_stats(e, &st);
    size_t cap = 4096 + r->objs.n * 2048;
    char *buf = malloc(cap);
    if (!buf) {
        fprintf(stderr, "vigie replay: report: out of memory\n");
        return;
    }
    vg_strbuf sb;
    vg_strbuf_init(&sb, buf, cap);
    vg_strbuf_puts(&sb, "{\"type\":\"report\"");
#define NUM(k, v)                   \
    do {                            \
        vg_strbuf_puts(&sb, ",\"" k "\":"); \
        vg_strbuf_put_double(&sb, v); \
    } while (0)
    if (r->n) {
        double n = r->times ? (double)r->times : 1.0;
        NUM("gospa_c", r->c);
        NUM("gospa_p", r->p);
        NUM("gospa_times", (double)r->times);
        NUM("gospa_mean", r->sum_gospa / n);
        NUM("gospa_localisation_mean", r->sum_loc / n);
        NUM("gospa_missed_mean", r->sum_missed / n);
        NUM("gospa_false_mean", r->sum_false / n);
        NUM("truths_final", (double)r->last_truths);
        NUM("truths_tracked_final", (double)r->last_tracked);
    }
    NUM("tracks_confirmed_final", (double)st.tracker.live_confirmed);
    NUM("tracks_live_final", (double)st.tracker.live);
    NUM("tracks_confirmed_total", (double)st.tracker.confirmed);
    NUM("detections", (double)st.tracker.detections);
    NUM("wall_seconds", wall);
    NUM("engine_seconds", engine);
    NUM("detections_per_s", engine > 0 ? (double)st.tracker.detections / engine : 0.0);
#undef NUM
    if (r->objs.n) {
        vg_zone_list none = {0};
        rep_objects_print(&r->objs, r->zones ? r->zones : &none, &sb);
    }
    vg_strbuf_putc(&sb, '}');
    fprintf(out, "%s\n", buf);
    free(buf);
}
