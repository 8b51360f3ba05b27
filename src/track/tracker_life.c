/* track/tracker_life.c — a tracker's life outside scans: configuration defaults
 * and checks, creation and memory growth, moving tracks to a new site frame,
 * turning tracks into output events (updates and drops), visiting them for
 * reports. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/classify.h"
#include "track/tracker_int.h"
#include "vigie/mat.h"

void vg_tracker_config_defaults(vg_tracker_config *c)
{
    c->model = VG_TRACK_MODEL_IMM;
    c->process_noise = 1.0;
    c->process_noise_manoeuvre = 30.0;
    c->gate = 4.0;
    c->confirm_hits = 3;
    c->confirm_window = 5;
    c->delete_pos_var = 10000.0;
    c->delete_after_s = 10.0;
    c->coast_after_s = 3.0;
    c->init_vel_var = 100.0;
    c->max_tracks = 20000;
    c->max_scan = 20000;
    c->grid_cell_m = 50.0;
    c->search_radius_m = 150.0;
    c->bearing_range_m = 5000.0;
    c->clutter_map_rate = 0.05;
    c->clutter_cell_m = 100.0;
    c->clutter_memory_s = 120.0;
}

/* v as a float no smaller than v (NaN stays NaN, too large becomes infinity). */
static float float_up(double v)
{
    float f = (float)v;
    if ((double)f < v) /* one step up (at least), and above 0 for tiny values */
        f = f * (1.0f + FLT_EPSILON) + FLT_MIN;
    return f;
}

/* The gating summary of track i, from its state. */
void vg_trk_refresh_hot(vg_tracker *t, int32_t i)
{
    const trk *k = trk_at(t, i);
    trk_hot *h = &t->hot[i];
    trk_view c;
    st_view(t, &k->st, k->axes, &c);
    h->x = c.x[0];
    h->y = c.x[1];
    h->vx = c.x[3];
    h->vy = c.x[4];
    h->sp = float_up(sqrt(max_d(c.pp[0] + c.pp[1], 0.0)));
    h->sv = float_up(sqrt(max_d(c.vv[0] + c.vv[1], 0.0)));
    h->t_state = k->t_state;
    h->tentative = k->status == VG_TRACK_TENTATIVE;
    h->cooperative = vg_trk_id_cooperative(k->id_source);
    h->rf_linked = k->rf_linked;
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        return; /* housekeeping reads the summary of CV tracks only */
    /* trace(P_pos) after dt: per axis (Ppp + dt·Pvp) + dt·(Ppv + dt·Pvv) + q·dt³/3 */
    trk_keep *kp = &t->keep[i];
    kp->tr0 = view_pos_trace(&c);
    kp->tr1 = kp->tr1_abs = kp->tr2 = 0.0;
    for (int a = 0; a < 3; a++) {
        kp->tr1 += c.pv[a] + c.vp[a];
        kp->tr1_abs += fabs(c.pv[a]) + fabs(c.vp[a]);
        kp->tr2 += c.vv[a];
    }
}

void vg_trk_fill(const vg_tracker *t, int32_t i, const trk_view *v, vg_track *o)
{
    const trk *k = trk_at(t, i);
    o->id = k->id;
    o->status = k->status;
    o->pos = v->geo ? *v->geo : vg_enu_to_geo(&t->site, (vg_vec3){v->x[0], v->x[1], v->x[2]});
    o->velocity = (vg_vec3){v->x[3], v->x[4], v->x[5]};
    /* One horizontal sigma: the root mean of the east and north variances. */
    o->sigma_h = sqrt(max_d(0.5 * (v->pp[0] + v->pp[1]), 0.0));
    o->sigma_v = sqrt(max_d(v->pp[2], 0.0));
    /* A track without an identity (or whose RF one was taken away) has an empty
     * one: all zeros, as the record held it before the names moved out. */
    if (k->id_source != VG_IDSRC_NONE)
        o->identity = t->names[i].identity;
    else
        memset(&o->identity, 0, sizeof o->identity);
    memcpy(o->class_p, k->class_p, sizeof o->class_p);
    o->updates = k->updates;
    memcpy(o->sensor, vg_sensor_names_at(&t->sensors, k->sensor), sizeof o->sensor);
    o->has_operator = k->has_operator;
    o->operator_has_alt = k->operator_has_alt;
    o->operator_pos = k->has_operator ? t->names[i].operator_pos : (vg_geo){0, 0, 0};
    o->integrity = k->integrity;
    o->born = k->born;
}

void vg_trk_emit(vg_tracker *t, int32_t i, const trk_view *v, vg_time time,
                 vg_track_emit_fn emit, void *ud)
{
    /* Not cleared first: vg_trk_fill writes every member (outputs are many). */
    t->out.type = VG_EV_TRACK;
    t->out.time = time;
    vg_trk_fill(t, i, v, &t->out.u.track);
    emit(ud, &t->out);
}

void vg_trk_drop(vg_tracker *t, int32_t i, vg_time time, const char *reason,
                 vg_track_emit_fn emit, void *ud)
{
    trk *k = trk_at(t, i);
    t->out.type = VG_EV_TRACK_DROP;
    t->out.time = time;
    memset(&t->out.u.track_drop, 0, sizeof t->out.u.track_drop);
    t->out.u.track_drop.id = k->id;
    /* A bounded copy of a constant (snprintf would cost more than the drop); the
     * memset above terminated it. */
    size_t len = strlen(reason);
    if (len >= sizeof t->out.u.track_drop.reason)
        len = sizeof t->out.u.track_drop.reason - 1;
    memcpy(t->out.u.track_drop.reason, reason, len);
    emit(ud, &t->out);
    vg_grid_remove(&t->grid, i);
    vg_trk_id_remove(t, i);
    k->live = false;
    int32_t last = t->live[--t->nlive];
    t->live[t->live_pos[i]] = last;
    t->live_pos[last] = t->live_pos[i];
    t->free_slots[t->nfree++] = i;
    t->st.deleted++;
    t->st.live--;
    if (k->status != VG_TRACK_TENTATIVE)
        t->st.live_confirmed--;
}

void vg_trk_file_in_grid(vg_tracker *t, int32_t i, double e, double n, double ve, double vn)
{
    if (vg_grid_put(&t->grid, i, e, n) < 0) {
        /* Table full of stale cells: rebuild from the tracks' current states, in a
         * larger table if the live tracks need it. */
        vg_grid_clear(&t->grid);
        vg_grid_reserve(&t->grid, 2u * (uint32_t)t->nlive);
        for (int32_t l = 0; l < t->nlive; l++) {
            int32_t j = t->live[l];
            const trk *k = trk_at(t, j);
            trk_view c;
            st_view(t, &k->st, k->axes, &c);
            if (j == i)
                vg_grid_put(&t->grid, j, e, n);
            else
                vg_grid_put(&t->grid, j, c.x[0], c.x[1]);
        }
    }
    /* The fastest track bounds how far any moved since the grid was rebuilt; a
     * squared comparison first spares the square root for the many slower ones. */
    double v2 = ve * ve + vn * vn;
    if (v2 > t->vmax * t->vmax * (1.0 - 1e-12)) {
        double v = hypot(ve, vn);
        if (v > t->vmax)
            t->vmax = v;
    }
}

/* Memory grows with use, in doublings, up to the configured maxima: a tracker
 * configured for 200 000 tracks that follows ten costs what ten cost. Tracks and
 * columns are only ever referred to by index, so moving them is safe. */
bool vg_trk_grow_tracks(vg_tracker *t)
{
    if (t->track_cap >= t->cfg.max_tracks)
        return false;
    int64_t want = t->track_cap ? 2 * (int64_t)t->track_cap : 256;
    int32_t cap = (int32_t)(want < t->cfg.max_tracks ? want : t->cfg.max_tracks);
    /* Cache-line aligned, so that a record spans as few lines as it can and each
     * gating entry is one (aligned_alloc wants a multiple of the alignment: the
     * strides are, and 256 · 2^k entries of 64 bytes are). */
    trk *n = aligned_alloc(64, (size_t)cap * t->trk_stride);
    if (!n)
        return false;
    if (t->tracks)
        memcpy(n, t->tracks, (size_t)t->track_cap * t->trk_stride);
    free(t->tracks);
    t->tracks = n;
    trk_hot *h = aligned_alloc(64, (size_t)cap * sizeof *h);
    trk_keep *kp = aligned_alloc(64, (size_t)cap * sizeof *kp);
    trk_names *nm = malloc((size_t)cap * sizeof *nm);
    if (!h || !kp || !nm) {
        free(h);
        free(kp);
        free(nm);
        return false; /* the larger record array is kept; track_cap is unchanged */
    }
    if (t->hot) {
        memcpy(h, t->hot, (size_t)t->track_cap * sizeof *h);
        memcpy(kp, t->keep, (size_t)t->track_cap * sizeof *kp);
        memcpy(nm, t->names, (size_t)t->track_cap * sizeof *nm);
    }
    free(t->hot);
    free(t->keep);
    free(t->names);
    t->names = nm;
    memset(h + t->track_cap, 0, (size_t)(cap - t->track_cap) * sizeof *h);
    t->hot = h;
    t->keep = kp;
    /* New records are not cleared: start_track clears each one it takes, and
     * nothing reads a free record but its `live`. The lowest index on top. */
    for (int32_t i = cap - 1; i >= t->track_cap; i--) {
        trk_at(t, i)->live = false;
        t->free_slots[t->nfree++] = i;
    }
    t->track_cap = cap;
    return true;
}

bool vg_trk_grow_cols(vg_tracker *t)
{
    if (t->cols_cap >= t->max_cols)
        return false;
    int64_t want = t->cols_cap ? 2 * (int64_t)t->cols_cap : 64;
    int32_t cap = (int32_t)(want < t->max_cols ? want : t->max_cols);
    /* Line-aligned, so that a CV column is six whole lines. */
    column *n = aligned_alloc(64, (size_t)cap * t->col_stride);
    if (!n)
        return false;
    if (t->cols)
        memcpy(n, t->cols, (size_t)t->ncols * t->col_stride);
    free(t->cols);
    t->cols = n;
    int32_t *ct = realloc(t->col_track, (size_t)cap * sizeof *ct);
    if (!ct)
        return false; /* the larger column array is kept; cols_cap is unchanged */
    t->col_track = ct;
    t->cols_cap = cap;
    return true;
}

/* Bytes rounded up to whole cache lines. */
static size_t whole_lines(size_t bytes)
{
    return (bytes + 63) / 64 * 64;
}

/* A record's bytes under a model: a CV record ends after its filter. */
static size_t record_stride(vg_track_model model)
{
    return whole_lines(model == VG_TRACK_MODEL_IMM ? sizeof(trk)
                                                   : offsetof(trk, st) + sizeof(vg_kf));
}

/* A column's likewise: a CV column ends after its prediction. */
static size_t column_stride(vg_track_model model)
{
    return whole_lines(model == VG_TRACK_MODEL_IMM ? sizeof(column)
                                                   : offsetof(column, pred) + sizeof(vg_kf));
}

size_t vg_tracker_track_bytes(vg_track_model model)
{
    /* the record, its names and its gating and housekeeping summaries, its live-list
     * entry and position, its free-stack entry, its grid links, snapshot and bulk
     * entries and its identity-table share; the grid's window (and its snapshot's
     * cell starts) is at most two entries per table slot */
    return record_stride(model) + sizeof(trk_hot) + sizeof(trk_keep) + sizeof(trk_names) +
           sizeof(int32_t) * (1 + 1 + 1 + 3 + 3) + sizeof(int32_t) * 2 +
           (sizeof(vg_grid_cell) + 2 * sizeof(int32_t) + 2 * sizeof(int32_t)) * 4 +
           sizeof(uint32_t) * 4;
}

/* ---- lifetime -------------------------------------------------------------------- */

static int check_config(const vg_tracker_config *c, vg_error *err)
{
#define NEED(cond, key, what) \
    if (!(cond))              \
        return vg_err(err, VG_EINVAL, "[tracker] %s: %s", key, what)
    NEED(c->process_noise > 0, "process_noise", "must be greater than 0");
    NEED(c->process_noise_manoeuvre > 0, "process_noise_manoeuvre", "must be greater than 0");
    NEED(c->gate > 0, "gate", "must be greater than 0");
    NEED(c->confirm_hits >= 1, "confirm_hits", "must be at least 1");
    NEED(c->confirm_window >= c->confirm_hits, "confirm_window", "must be at least confirm_hits");
    NEED(c->delete_pos_var > 0, "delete_pos_var", "must be greater than 0");
    NEED(c->delete_after_s > 0, "delete_after_s", "must be greater than 0");
    NEED(c->init_vel_var > 0, "init_vel_var", "must be greater than 0");
    NEED(c->max_tracks >= 1 && c->max_tracks <= 10000000, "max_tracks", "out of range");
    NEED(c->max_scan >= 1 && c->max_scan <= 10000000, "max_scan", "out of range");
    NEED(c->grid_cell_m > 0, "grid_cell_m", "must be greater than 0");
    NEED(c->search_radius_m > 0, "search_radius_m", "must be greater than 0");
    NEED(c->search_radius_m <= c->grid_cell_m * 30.0, "search_radius_m",
         "at most 30 grid cells");
    NEED(c->bearing_range_m > 0, "bearing_range_m", "must be greater than 0");
    NEED(c->clutter_map_rate >= 0, "clutter_map_rate", "must be 0 (no map) or more");
    NEED(c->clutter_cell_m > 0, "clutter_cell_m", "must be greater than 0");
    NEED(c->clutter_memory_s > 0, "clutter_memory_s", "must be greater than 0");
#undef NEED
    return 0;
}

/* The clutter map's cells: at 100 m a cell, 650 km² of clutter — more than any site
 * sees; past that new cells are not counted (3 MiB). */
#define CLUTTER_CELLS 65536

int vg_tracker_new(const vg_tracker_config *cfg, const vg_enu_frame *site, vg_tracker **out,
                   vg_error *err)
{
    int rc = check_config(cfg, err);
    if (rc < 0)
        return rc;
    vg_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return vg_err(err, VG_ENOMEM, "tracker: out of memory");
    vg_sensor_names_init(&t->sensors);
    t->cfg = *cfg;
    t->site = *site;
    t->prefilter_2q = 2.0 * (cfg->model == VG_TRACK_MODEL_IMM
                                 ? max_d(cfg->process_noise, cfg->process_noise_manoeuvre)
                                 : cfg->process_noise);
    t->gate2 = cfg->gate * cfg->gate;
    t->col_stride = column_stride(cfg->model);
    t->trk_stride = record_stride(cfg->model);
    t->space_order_min = VG_SPACE_ORDER_MIN;
    t->space_order_tracks = VG_SPACE_ORDER_MIN_TRACKS;
    t->axes_form = true;
    t->next_id = 1;
    t->live = malloc((size_t)cfg->max_tracks * sizeof *t->live);
    t->free_slots = malloc((size_t)cfg->max_tracks * sizeof *t->free_slots);
    t->live_pos = malloc((size_t)cfg->max_tracks * sizeof *t->live_pos);
    /* Two keys a track at most (a cooperative identity and an RF link), kept under
     * half full. */
    t->id_cap_max = 16;
    while (t->id_cap_max < 4u * (uint32_t)cfg->max_tracks)
        t->id_cap_max *= 2;
    t->id_cap = t->id_cap_max < 256 ? t->id_cap_max : 256; /* grows with the identities */
    t->ids = malloc(t->id_cap * sizeof *t->ids);
    /* Columns: each detection brings a handful of candidates; bound the scan's. */
    int64_t mc = (int64_t)cfg->max_scan * 8;
    t->max_cols = (int32_t)(mc < cfg->max_tracks ? mc : cfg->max_tracks);
    t->max_edges = cfg->max_scan * 16 > 64 ? cfg->max_scan * 16 : 64;
    t->edges = malloc((size_t)t->max_edges * sizeof *t->edges);
    t->row = malloc((size_t)cfg->max_scan * sizeof *t->row);
    t->row_to_col = malloc((size_t)cfg->max_scan * sizeof *t->row_to_col);
    t->solve_rows = malloc((size_t)cfg->max_scan * sizeof *t->solve_rows);
    t->row_logdet_r = malloc((size_t)cfg->max_scan * sizeof *t->row_logdet_r);
    t->cand_first = malloc((size_t)cfg->max_scan * sizeof *t->cand_first);
    t->cand_n = malloc((size_t)cfg->max_scan * sizeof *t->cand_n);
    t->order = malloc((size_t)cfg->max_scan * sizeof *t->order);
    t->order_tmp = malloc((size_t)cfg->max_scan * sizeof *t->order_tmp);
    t->sort_key = malloc((size_t)cfg->max_scan * sizeof *t->sort_key);
    t->sort_key_tmp = malloc((size_t)cfg->max_scan * sizeof *t->sort_key_tmp);
    t->qpoint = malloc((size_t)cfg->max_scan * sizeof *t->qpoint);
    t->qsorted = malloc((size_t)cfg->max_scan * sizeof *t->qsorted);
    vg_class_init(t->class_prior);
    vg_class_probabilities(t->class_prior, t->class_prior_p);
    if (!t->live || !t->free_slots || !t->live_pos || !t->ids || !t->edges || !t->row ||
        !t->row_to_col || !t->solve_rows || !t->row_logdet_r || !t->cand_first || !t->cand_n ||
        !t->order || !t->order_tmp || !t->sort_key || !t->sort_key_tmp || !t->qpoint ||
        !t->qsorted ||
        !vg_trk_grow_tracks(t) ||
        !vg_trk_grow_cols(t) ||
        vg_grid_init(&t->grid, cfg->grid_cell_m, cfg->max_tracks) < 0 ||
        (cfg->clutter_map_rate > 0 &&
         vg_clutter_map_init(&t->clutter, cfg->clutter_cell_m, cfg->clutter_memory_s,
                             CLUTTER_CELLS) < 0) ||
        vg_assign_init(&t->assign, cfg->max_scan, t->max_cols, t->max_edges, err) < 0) {
        vg_tracker_free(t);
        return vg_err(err, VG_ENOMEM, "tracker: out of memory for %d tracks", cfg->max_tracks);
    }
    /* ID_EMPTY is −1: every byte 0xff. */
    memset(t->ids, 0xff, t->id_cap * sizeof *t->ids);
    vg_bearings_init(&t->bearings, 2 * VG_TIME_S, cfg->bearing_range_m);
    *out = t;
    return 0;
}

void vg_tracker_free(vg_tracker *t)
{
    if (!t)
        return;
    vg_grid_free(&t->grid);
    vg_sensor_names_free(&t->sensors);
    vg_clutter_map_free(&t->clutter);
    vg_assign_free(&t->assign);
    free(t->tracks);
    free(t->hot);
    free(t->keep);
    free(t->names);
    free(t->live);
    free(t->free_slots);
    free(t->live_pos);
    free(t->ids);
    free(t->cols);
    free(t->col_track);
    free(t->edges);
    free(t->row);
    free(t->row_to_col);
    free(t->solve_rows);
    free(t->row_logdet_r);
    free(t->cand_first);
    free(t->cand_n);
    free(t->order);
    free(t->order_tmp);
    free(t->sort_key);
    free(t->sort_key_tmp);
    free(t->qpoint);
    free(t->qsorted);
    free(t->cands);
    free(t->defer);
    free(t);
}

void vg_tracker_set_site(vg_tracker *t, const vg_enu_frame *site)
{
    /* Move every state into the new frame: positions through ECEF, velocities and
     * covariances by the rotation between the two frames. */
    double m[9];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double v = 0.0;
            for (int c = 0; c < 3; c++)
                v += site->rot[a][c] * t->site.rot[b][c];
            m[a * 3 + b] = v;
        }
    double big[36] = {0};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            big[a * 6 + b] = big[(a + 3) * 6 + b + 3] = m[a * 3 + b];
    for (int32_t n = 0; n < t->nlive; n++) {
        trk *k = trk_at(t, t->live[n]);
        if (k->axes) { /* turned, the axes will no longer be decoupled */
            vg_kf full;
            vg_kf_axes_to(&full, &k->st.ax);
            k->st.kf = full;
            k->axes = false;
        }
        int models = t->cfg.model == VG_TRACK_MODEL_IMM ? VG_IMM_MODELS : 1;
        for (int j = 0; j < models; j++) {
            vg_kf *kf = t->cfg.model == VG_TRACK_MODEL_IMM ? &k->st.imm.model[j] : &k->st.kf;
            vg_vec3 e = vg_enu_to_ecef(&t->site, (vg_vec3){kf->x[0], kf->x[1], kf->x[2]});
            vg_vec3 p = vg_enu_from_ecef(site, e);
            double v[3] = {kf->x[3], kf->x[4], kf->x[5]}, nv[3];
            vg_mat_mul(nv, m, v, 3, 3, 1);
            kf->x[0] = p.x, kf->x[1] = p.y, kf->x[2] = p.z;
            kf->x[3] = nv[0], kf->x[4] = nv[1], kf->x[5] = nv[2];
            double np[36];
            vg_mat_abat(np, big, kf->P, 6, 6);
            memcpy(kf->P, np, sizeof np);
        }
    }
    t->site = *site;
    for (int32_t n = 0; n < t->nlive; n++)
        vg_trk_refresh_hot(t, t->live[n]);
    vg_grid_clear(&t->grid);
    for (int32_t n = 0; n < t->nlive; n++) {
        const trk *k = trk_at(t, t->live[n]);
        trk_view v;
        st_view(t, &k->st, k->axes, &v);
        vg_trk_file_in_grid(t, t->live[n], v.x[0], v.x[1], v.x[3], v.x[4]);
    }
    vg_bearings_clear(&t->bearings);
}

void vg_tracker_get_stats(const vg_tracker *t, vg_tracker_stats *st)
{
    *st = t->st;
}

void vg_tracker_visit(const vg_tracker *t, vg_time time, vg_track_visit_fn fn, void *ud)
{
    vg_track o;
    for (int32_t n = 0; n < t->nlive; n++) {
        const trk *k = trk_at(t, t->live[n]);
        state s;
        st_copy(t, &s, &k->st, k->axes);
        st_predict(t, &s, k->axes, dt_s(time, k->t_state));
        trk_view v;
        st_view(t, &s, k->axes, &v);
        memset(&o, 0, sizeof o);
        vg_trk_fill(t, t->live[n], &v, &o);
        fn(ud, &o);
    }
}
