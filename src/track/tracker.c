/* track/tracker.c — one track per object: scans in, track events out.
 *
 * A scan (one sensor, one time) goes through four steps:
 *   1. cooperative identities (Remote ID, French beacon, ADS-B) bind a detection to
 *      the track that carries the same identity — if its position passes the gate;
 *      otherwise the detection is a possible spoof and starts its own, flagged track;
 *   2. the other detections are gated (Mahalanobis) against the tracks the spatial
 *      grid finds near them, each track predicted once per scan;
 *   3. a global-nearest-neighbour assignment (sparse, exact) pairs them up;
 *   4. assigned detections update their tracks, unassigned positional ones start
 *      tentative tracks, unassigned bearings wait for a bearing from another site to
 *      triangulate with.
 * Track management (M-of-N confirmation, coasting, deletion by age and covariance)
 * and class fusion ride along. Housekeeping (housekeeping.c) re-files every
 * track in the grid at its predicted position, so that a search radius grown by
 * the fastest track's speed times the time since then always finds a track. */
#include "vigie/track.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/classify.h"
#include "track/tracker_int.h"
#include "vigie/mat.h"

/* Horizontal velocity variance (m²/s², east + north) under which a track's speed is
 * evidence of its class: 2.5 m/s per axis. */
#define KIN_VEL_VAR_MAX 12.5

/* The acceleration (m/s²) a drone may have used since its track's last update when
 * its own cooperative position disagrees with the prediction: braking to a hover or
 * turning at a waypoint is not a spoof. */
#define IDENTITY_ACCEL 10.0

/* The bird + aircraft probability above which no bearing of a drone's link may join
 * a track. */
#define NOT_A_DRONE 0.8

/* ---- states ------------------------------------------------------------------- */

static int st_update(const vg_tracker *t, state *s, const vg_meas_model *mm)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        return vg_imm_update(&s->imm, mm);
    return vg_kf_update(&s->kf, mm, NULL);
}

static void st_init(const vg_tracker *t, state *s, const vg_kf *kf)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM) {
        const double q[VG_IMM_MODELS] = {t->cfg.process_noise, t->cfg.process_noise_manoeuvre};
        const double mu[VG_IMM_MODELS] = {0.8, 0.2};
        vg_imm_init(&s->imm, kf, q, mu, 0.95);
    } else {
        s->kf = *kf;
    }
}

/* ---- creation ---------------------------------------------------------------- */

static void apply_detection(vg_tracker *t, trk *k, const vg_track_input *in,
                            uint32_t extra_integrity)
{
    const vg_track_input *d = in;
    k->updates++;
    memcpy(k->sensor, d->sensor, sizeof k->sensor);
    if (d->identity.source != VG_IDSRC_NONE &&
        (k->identity.source == VG_IDSRC_NONE ||
         (k->identity.source == VG_IDSRC_RF && vg_trk_id_cooperative(d->identity.source)))) {
        k->identity = d->identity;
        if (vg_trk_id_cooperative(k->identity.source) && !extra_integrity &&
            vg_trk_id_lookup(t, &k->identity) < 0)
            vg_trk_id_insert(t, (int32_t)(k - t->tracks));
    }
    if (vg_trk_id_is_rf(&d->identity))
        vg_trk_rf_link(t, (int32_t)(k - t->tracks), &d->identity);
    if (in->has_operator) {
        k->has_operator = true;
        k->operator_has_alt = in->operator_has_alt;
        k->operator_pos = in->operator_pos;
    }
    k->integrity |= d->integrity | extra_integrity;
    if (vg_class_detection(k->logp, d)) {
        vg_class_probabilities(k->logp, k->class_p);
        k->class_settled = 0;
    }
}

static int32_t start_track(vg_tracker *t, const vg_track_input *in, const vg_meas_model *pos,
                           vg_time time, uint32_t integrity)
{
    if (t->free_head < 0 && !vg_trk_grow_tracks(t)) {
        t->st.full++;
        return -1;
    }
    int32_t i = t->free_head;
    trk *k = &t->tracks[i];
    t->free_head = k->free_next;
    memset(k, 0, offsetof(trk, st)); /* st_init below writes the state */
    k->live = true;
    k->live_pos = t->nlive;
    t->live[t->nlive++] = i;
    k->status = VG_TRACK_TENTATIVE;
    k->id = t->next_id++;
    k->t_state = k->t_kin = k->born = k->t_fix = time;
    vg_kf kf;
    vg_kf_init_position(&kf, pos, t->cfg.init_vel_var);
    if (in->has_velocity) {
        /* A reported velocity (Remote ID, ADS-B) starts the track moving. */
        kf.x[3] = in->velocity.x;
        kf.x[4] = in->velocity.y;
        kf.x[5] = in->velocity.z;
    }
    st_init(t, &k->st, &kf);
    k->hits = 1;
    k->opportunities = 1;
    memcpy(k->logp, t->class_prior, sizeof k->logp);
    memcpy(k->class_p, t->class_prior_p, sizeof k->class_p);
    apply_detection(t, k, in, integrity);
    t->hot[i].stamp = 0; /* scans count from 1: a reused slot is no one's column */
    t->hot[i].superseded = false;
    vg_trk_refresh_hot(t, i);
    if (integrity)
        t->st.spoof_flags++;
    t->st.started++;
    t->st.live++;
    vg_trk_file_in_grid(t, i, kf.x[0], kf.x[1], kf.x[3], kf.x[4]);
    return i;
}

/* ---- gathering candidates ---------------------------------------------------- */

/* The column of track i in the current scan, predicting it on first use; -1 when
 * the scan has as many columns as it can hold. */
static int32_t column_of(vg_tracker *t, int32_t i, vg_time time)
{
    trk *k = &t->tracks[i];
    trk_hot *h = &t->hot[i];
    if (h->stamp == t->stamp)
        return h->col;
    if (t->ncols >= t->cols_cap && !vg_trk_grow_cols(t))
        return -1;
    int32_t c = t->ncols++;
    column *col = &t->cols[c];
    col->track = i;
    t->col_track[c] = i;
    col->hit = false;
    st_copy(t, &col->pred, &k->st);
    /* A detection older than the state (sensors' clocks disagree a little) updates
     * the state as it is rather than predicting backwards. */
    st_predict(t, &col->pred, dt_s(time, k->t_state));
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        vg_imm_combine(&col->pred.imm, &col->comb);
    h->stamp = t->stamp;
    h->col = c;
    h->bound = false;
    return c;
}

/* Column c takes a detection: no other detection of the scan may have its track. */
static void bind_column(vg_tracker *t, int32_t c)
{
    t->hot[t->cols[c].track].bound = true;
}

/* Whether track i's column in this scan is already bound. */
static bool track_bound(const vg_tracker *t, const trk_hot *h)
{
    return h->stamp == t->stamp && h->bound;
}

/* Whether a cooperative position could belong to track k's object although it fails
 * the gate: within reach of the last estimate at the track's speed in any direction,
 * plus IDENTITY_ACCEL of braking or turning, plus three sigmas of both positions. A
 * spoofed position is elsewhere (hundreds of metres); a manoeuvre is within reach. */
static bool identity_reachable(const vg_tracker *t, const trk *k, const vg_meas_model *m,
                               vg_time time)
{
    if (m->kind != VG_MM_POSITION)
        return false;
    vg_kf tmp;
    const vg_kf *kf = st_kf(t, &k->st, &tmp);
    double dt = max_d(dt_s(time, k->t_state), 0.0);
    if (dt > t->cfg.coast_after_s)
        return false; /* a silent track: re-acquisition's business (below) */
    double v = sqrt(kf->x[3] * kf->x[3] + kf->x[4] * kf->x[4] + kf->x[5] * kf->x[5]);
    double var = kf->P[0] + kf->P[7] + kf->P[14] + m->R[0] + m->R[4] + m->R[8];
    double dx = m->z[0] - kf->x[0], dy = m->z[1] - kf->x[1], dz = m->z[2] - kf->x[2];
    double reach = (v + IDENTITY_ACCEL * dt) * dt + 3.0 * sqrt(max_d(var, 0.0));
    return dx * dx + dy * dy + dz * dz <= reach * reach;
}

static bool identities_conflict(const vg_track_input *d, const trk *k)
{
    return vg_trk_id_cooperative(d->identity.source) && vg_trk_id_cooperative(k->identity.source) &&
           (d->identity.source != k->identity.source ||
            strcmp(d->identity.id, k->identity.id) != 0);
}

/* ln det of a small SPD matrix (packed d × d); 0 if not SPD (the gate has already
 * checked S, and R comes from validated sigmas). */
static double log_det(const double *a, int d)
{
    double l[VG_MEAS_MAX * VG_MEAS_MAX];
    if (vg_mat_cholesky(l, a, d) < 0)
        return 0.0;
    return vg_mat_chol_logdet(l, d);
}

/* Gate the pair (current detection, track i) and record it as an edge if it passes. */
static void gate_pair(vg_tracker *t, int32_t i)
{
    int32_t col = column_of(t, i, t->g_time);
    if (col < 0) {
        t->st.full++;
        return;
    }
    double d2, logdet_s;
    if (vg_kf_gate(col_kf(t, &t->cols[col]), t->g_mm, &d2, &logdet_s) < 0)
        return;
    if (d2 > t->cfg.gate * t->cfg.gate)
        return;
    /* Cost: the negative log-likelihood up to a constant, d² + ln det S, measured
     * from ln det R so that it is never negative. Without the determinant a vague
     * track (large S, small d²) would win detections from a precise one. */
    double cost = d2 + max_d(logdet_s - t->g_logdet_r, 0.0);
    /* The same track can be reached twice along a bearing's ray: one edge only. */
    for (int32_t e = t->nedges - 1; e >= 0 && t->edges[e].row == t->g_row; e--)
        if (t->edges[e].col == col)
            return;
    if (t->nedges >= t->max_edges) {
        t->st.full++;
        return;
    }
    t->edges[t->nedges++] = (vg_assign_edge){t->g_row, col, cost};
}

/* Keep tentative track i for the second pass; false if the list cannot grow. */
static bool defer(vg_tracker *t, int32_t i)
{
    if (t->ndefer == t->defer_cap) {
        int64_t want = t->defer_cap ? 2 * (int64_t)t->defer_cap : 1024;
        if (want > INT32_MAX / 2)
            return false;
        deferred *n = realloc(t->defer, (size_t)want * sizeof *n);
        if (!n)
            return false;
        t->defer = n;
        t->defer_cap = (int32_t)want;
    }
    t->defer[t->ndefer++] = (deferred){t->g_row, i};
    return true;
}

static void record_candidate(vg_tracker *t, int32_t i, bool later)
{
    if (t->ncands == t->cands_cap) {
        int64_t want = t->cands_cap ? 2 * (int64_t)t->cands_cap : 4096;
        candidate *c = want <= INT32_MAX / 2 ? realloc(t->cands, (size_t)want * sizeof *c) : NULL;
        if (!c) {
            t->cands_lost = true;
            return;
        }
        t->cands = c;
        t->cands_cap = (int32_t)want;
    }
    t->cands[t->ncands++] = (candidate){i, later};
}

static void consider(void *ud, int32_t i)
{
    vg_tracker *t = ud;
    const trk_hot *h = &t->hot[i];
    if (track_bound(t, h) || h->superseded)
        return;
    bool later = false;
    if (h->tentative != t->g_tentative) {
        if (!t->g_defer || !h->tentative)
            return;
        later = true;
    }
    if (h->cooperative && identities_conflict(t->g_det, &t->tracks[i]))
        return;
    /* A bearing of one RF link never joins another link's track; nor does it join a
     * tentative track without a cooperative identity: a bearing cannot confirm that
     * an object is where a single radar plot said, and a link bound to clutter would
     * make it a drone. */
    if (t->g_bearing) {
        bool link = vg_trk_id_is_rf(&t->g_det->identity);
        bool same_link = link && h->rf_linked &&
                         strcmp(t->tracks[i].rf, t->g_det->identity.id) == 0;
        if (h->tentative && !h->cooperative && !same_link)
            return;
        /* Nor a track known to be a bird or a manned aircraft: they fly no drone
         * link, and a bearing line crosses many of them. */
        const double *cp = t->tracks[i].class_p;
        if (cp[VG_CLASS_BIRD] + cp[VG_CLASS_AIRCRAFT] > NOT_A_DRONE)
            return;
        if (link && h->rf_linked && !same_link)
            return;
    }
    /* Cheap prefilter before predicting: the squared Mahalanobis distance is at least
     * dist² / trace(S_h) for the horizontal part, and trace(S_h) is bounded by the
     * track's horizontal variance extrapolated to the scan time plus the detection's.
     * Tracks beyond gate × that bound cannot pass the gate, so skipping them loses
     * no pair. */
    if (!t->g_bearing) {
        double dt = max_d(dt_s(t->g_time, h->t_state), 0.0);
        double ex = h->x + h->vx * dt - t->g_point.x;
        double ey = h->y + h->vy * dt - t->g_point.y;
        double dist2 = ex * ex + ey * ey;
        if (dist2 > t->g_radius2)
            return;
        /* The same arithmetic as (sp + dt·sv)² + 2q·dt³/3 + var_h against
         * gate²·bound, with the constant factors formed once (prefilter_2q = 2q,
         * gate2 = gate²: the same first products). */
        double sp = h->sp, sv = h->sv;
        double bound = (sp + dt * sv) * (sp + dt * sv) + t->prefilter_2q * dt * dt * dt / 3.0 +
                       t->g_var_h;
        if (dist2 > t->gate2 * bound * 1.0001 + 1e-9)
            return;
    }
    if (t->g_record) {
        record_candidate(t, i, later);
        return;
    }
    if (later) {
        /* Whether its column is bound is checked again when it is gated: only the
         * identity step binds tentative tracks before the second pass. */
        if (!defer(t, i))
            t->defer_lost = true;
        return;
    }
    gate_pair(t, i);
}

/* Where a detection is, for the grid — its position, or its sensor for bearings —
 * and the trace of its horizontal covariance. */
static vg_vec3 detection_point(const vg_meas_model *m, double *var_h)
{
    *var_h = 0.0;
    if (m->kind == VG_MM_POSITION) {
        *var_h = m->R[0] + m->R[4];
        return (vg_vec3){m->z[0], m->z[1], m->z[2]};
    }
    vg_meas_model pos;
    if (m->kind == VG_MM_POLAR && vg_meas_to_position(m, &pos) == 0) {
        *var_h = pos.R[0] + pos.R[4];
        return (vg_vec3){pos.z[0], pos.z[1], pos.z[2]};
    }
    return m->sensor;
}

static double query_radius(const vg_tracker *t, vg_time time)
{
    double r = t->cfg.search_radius_m + t->vmax * max_d(dt_s(time, t->grid_time), 0.0);
    /* Bound the cells visited: a wild vmax must not turn a query into a scan. */
    double rmax = t->cfg.grid_cell_m * 30.0;
    return r < rmax ? r : rmax;
}

/* Set the gathering context to detection `row`. */
static void aim(vg_tracker *t, int32_t row, const vg_track_input *in, vg_time time)
{
    t->g_logdet_r = t->row_logdet_r[row];
    t->g_mm = &in->mm;
    t->g_det = in;
    t->g_row = row;
    t->g_time = time;
}

/* Gather the candidates of detection `row`, whose query point (its position, or its
 * sensor for a bearing) and horizontal variance are given. */
static void gather_around(vg_tracker *t, int32_t row, const vg_track_input *in, vg_time time,
                          const query_point *q)
{
    aim(t, row, in, time);
    t->g_bearing = q->bearing;
    t->g_radius = query_radius(t, time);
    t->g_radius2 = t->g_radius * t->g_radius;
    t->g_point = (vg_vec3){q->x, q->y, 0.0};
    t->g_var_h = q->var_h;
    if (!q->bearing) {
        vg_grid_query(&t->grid, t->g_point.x, t->g_point.y, t->g_radius, consider, t, t->hot,
                      sizeof *t->hot);
        return;
    }
    /* Walk the bearing's ray in steps of one cell, querying around each point. */
    vg_vec3 dir = vg_bearing_direction(&in->mm);
    double h = hypot(dir.x, dir.y);
    if (h < 1e-9)
        return;
    double step = t->cfg.grid_cell_m;
    for (double s = 0.0; s <= t->cfg.bearing_range_m; s += step) {
        t->g_point = (vg_vec3){in->mm.sensor.x + dir.x / h * s, in->mm.sensor.y + dir.y / h * s,
                               in->mm.sensor.z};
        vg_grid_query(&t->grid, t->g_point.x, t->g_point.y, step, consider, t, t->hot,
                      sizeof *t->hot);
    }
}

static query_point query_point_of(const vg_track_input *in)
{
    query_point q;
    vg_vec3 p = detection_point(&in->mm, &q.var_h);
    q.x = p.x;
    q.y = p.y;
    q.bearing = in->mm.kind == VG_MM_BEARING;
    return q;
}

static void gather(vg_tracker *t, int32_t row, const vg_track_input *in, vg_time time)
{
    query_point q = query_point_of(in);
    gather_around(t, row, in, time, &q);
}

/* Sort t->order[0, m) by the cell of each detection's query point (row by row of
 * cells; equal cells keep detection order): an LSD radix sort on 11-bit digits of
 * the cell's index in the scan's bounding rectangle. Left as it is when that
 * rectangle has more than 2^32 cells. Only the order of the grid queries changes:
 * what each finds does not. */
static void sort_by_cell(vg_tracker *t, int32_t m)
{
    double cell = t->cfg.grid_cell_m;
    int64_t x0 = INT64_MAX, x1 = INT64_MIN, y0 = INT64_MAX, y1 = INT64_MIN;
    for (int32_t k = 0; k < m; k++) {
        /* A bearing's point is its sensor, where its walk along the ray starts. */
        const query_point *q = &t->qpoint[t->order[k]];
        int64_t ix = vg_grid_coord(q->x, cell), iy = vg_grid_coord(q->y, cell);
        /* vg_grid_coord clamps to ±2^30: the cell fits 31 bits with its sign. */
        t->sort_key[k] = (uint32_t)(int32_t)ix;
        t->sort_key_tmp[k] = (uint32_t)(int32_t)iy;
        x0 = ix < x0 ? ix : x0;
        x1 = ix > x1 ? ix : x1;
        y0 = iy < y0 ? iy : y0;
        y1 = iy > y1 ? iy : y1;
    }
    uint64_t w = (uint64_t)(x1 - x0) + 1, h = (uint64_t)(y1 - y0) + 1;
    if (m == 0 || w * h > UINT32_MAX)
        return;
    for (int32_t k = 0; k < m; k++) {
        int64_t ix = (int32_t)t->sort_key[k], iy = (int32_t)t->sort_key_tmp[k];
        t->sort_key[k] = (uint32_t)((uint64_t)(iy - y0) * w + (uint64_t)(ix - x0));
    }
    uint32_t *key = t->sort_key, *key_tmp = t->sort_key_tmp;
    int32_t *ord = t->order, *ord_tmp = t->order_tmp;
    uint64_t top = w * h - 1;
    for (unsigned shift = 0; shift < 32 && (top >> shift) != 0; shift += 11) {
        uint32_t count[2048] = {0};
        for (int32_t k = 0; k < m; k++)
            count[(key[k] >> shift) & 2047u]++;
        for (uint32_t d = 0, sum = 0; d < 2048; d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (int32_t k = 0; k < m; k++) {
            uint32_t to = count[(key[k] >> shift) & 2047u]++;
            key_tmp[to] = key[k];
            ord_tmp[to] = ord[k];
        }
        uint32_t *ks = key;
        key = key_tmp;
        key_tmp = ks;
        int32_t *os = ord;
        ord = ord_tmp;
        ord_tmp = os;
    }
    if (ord != t->order)
        memcpy(t->order, ord, (size_t)m * sizeof *ord);
}

/* The first pass in detection order: a grid query per detection, its candidates
 * gated (or deferred) as they are found. */
static void gather_in_detection_order(vg_tracker *t, const vg_track_input *in, int n, vg_time time)
{
    for (int r = 0; r < n; r++)
        if (t->row[r] == ROW_OPEN)
            gather(t, r, &in[r], time);
}

/* The first pass of a large scan among many tracks: every open detection's grid
 * query in cell order, recording its candidates; then, in detection order, each
 * candidate gated or deferred — the calls, in the order, that
 * gather_in_detection_order makes, so outputs are the same. */
static void gather_first_pass(vg_tracker *t, const vg_track_input *in, int n, vg_time time)
{
    int32_t m = 0;
    for (int r = 0; r < n; r++)
        m += t->row[r] == ROW_OPEN;
    if (m < t->space_order_min || t->nlive < t->space_order_tracks) {
        gather_in_detection_order(t, in, n, time);
        return;
    }
    /* The query points, read from the detections in their order: the queries in
     * cell order then touch only this small array, not the detections. */
    m = 0;
    for (int r = 0; r < n; r++) {
        if (t->row[r] != ROW_OPEN)
            continue;
        t->order[m++] = r;
        t->qpoint[r] = query_point_of(&in[r]);
    }
    sort_by_cell(t, m);
    t->ncands = 0;
    t->cands_lost = false;
    t->g_record = true;
    for (int32_t k = 0; k < m && !t->cands_lost; k++) {
        int32_t r = t->order[k];
        t->cand_first[r] = t->ncands;
        gather_around(t, r, &in[r], time, &t->qpoint[r]);
        t->cand_n[r] = t->ncands - t->cand_first[r];
    }
    t->g_record = false;
    if (t->cands_lost) { /* out of memory for the list */
        gather_in_detection_order(t, in, n, time);
        return;
    }
    for (int r = 0; r < n; r++) {
        if (t->row[r] != ROW_OPEN || t->cand_n[r] == 0)
            continue;
        /* The records the gate will predict, a few detections ahead. */
        int ahead = r + 4;
        if (ahead < n && t->row[ahead] == ROW_OPEN)
            for (int32_t c = 0; c < t->cand_n[ahead]; c++)
                prefetch_track(t, t->cands[t->cand_first[ahead] + c].track);
        aim(t, r, &in[r], time);
        const candidate *c = &t->cands[t->cand_first[r]];
        for (int32_t k = 0; k < t->cand_n[r]; k++) {
            if (!c[k].later)
                gate_pair(t, c[k].track);
            else if (!defer(t, c[k].track))
                t->defer_lost = true;
        }
    }
}

/* The second pass's candidates: the tentative tracks the first pass set aside, for
 * the detections it left unassigned — the same pairs, in the same order, as a
 * second grid query would find. */
static void gather_deferred(vg_tracker *t, const vg_track_input *in, vg_time time)
{
    for (int32_t d = 0; d < t->ndefer; d++) {
        int32_t r = t->defer[d].row, i = t->defer[d].track;
        if (t->row[r] != ROW_OPEN)
            continue;
        const trk_hot *h = &t->hot[i];
        if (track_bound(t, h))
            continue;
        if (t->g_row != r || t->g_det != &in[r])
            aim(t, r, &in[r], time);
        gate_pair(t, i);
    }
}

/* ---- bearings ------------------------------------------------------------------- */

/* An unassigned bearing: triangulate with a recent bearing from another site, or
 * keep it for the next one. */
static int32_t use_bearing(vg_tracker *t, const vg_track_input *in, vg_time time)
{
    vg_meas_model pos;
    const char *link = in->identity.source == VG_IDSRC_RF ? in->identity.id : "";
    if (!vg_bearings_offer(&t->bearings, &in->mm, link, time, &pos)) {
        t->st.bearings_unused++;
        return -1;
    }
    t->st.triangulated++;
    int32_t i = start_track(t, in, &pos, time, 0);
    if (i >= 0)
        t->tracks[i].bearing_only = true;
    return i;
}

/* ---- the scan --------------------------------------------------------------------- */

/* Whether the clutter map leaves track k (or detection d) alone: objects that say
 * who they are are no clutter. */
static bool clutter_exempt(const trk *k, const vg_track_input *d)
{
    return vg_trk_id_cooperative(k->identity.source) ||
           (d && vg_trk_id_cooperative(d->identity.source));
}

/* Whether track i sits where clutter arrives faster than the map allows. */
static bool in_dense_clutter(const vg_tracker *t, int32_t i, vg_time time)
{
    return t->clutter.cells && !clutter_exempt(&t->tracks[i], NULL) &&
           vg_clutter_map_rate(&t->clutter, t->hot[i].x, t->hot[i].y, time) >
               t->cfg.clutter_map_rate;
}

static void confirm_or_expire(vg_tracker *t, int32_t i, vg_time time, vg_track_emit_fn emit,
                              void *ud)
{
    trk *k = &t->tracks[i];
    if (k->status != VG_TRACK_TENTATIVE)
        return;
    if (k->hits >= t->cfg.confirm_hits && !in_dense_clutter(t, i, time)) {
        k->status = VG_TRACK_CONFIRMED;
        t->hot[i].tentative = false;
        t->st.confirmed++;
        t->st.live_confirmed++;
    } else if (k->opportunities >= t->cfg.confirm_window) {
        vg_trk_drop(t, i, time, "unconfirmed", emit, ud);
    }
}

int vg_tracker_scan(vg_tracker *t, vg_time time, const vg_track_input *in, int n,
                    vg_track_emit_fn emit, void *ud, vg_error *err)
{
    if (n < 0 || n > t->cfg.max_scan)
        return vg_err(err, VG_EINVAL, "tracker: scan of %d detections, at most %d "
                      "([tracker] max_scan)", n, t->cfg.max_scan);
    t->stamp++;
    t->ncols = 0;
    t->nedges = 0;
    t->st.detections += (uint64_t)n;

    /* 1. cooperative identities */
    for (int r = 0; r < n; r++) {
        t->row[r] = ROW_OPEN;
        const vg_track_input *d = &in[r];
        bool rf = vg_trk_id_is_rf(&d->identity);
        if (!vg_trk_id_cooperative(d->identity.source) && !rf)
            continue;
        int32_t k = vg_trk_id_lookup(t, &d->identity);
        if (k < 0 || t->hot[k].superseded)
            continue;
        /* A link whose track has lost its fixes (bearings alone keep a drifting
         * track alive along their lines), or whose track is made of bearings only,
         * goes through association like any bearing: the object may have been found
         * again, or be followed better, by another track (a Remote ID track of the
         * same drone takes the link from the track its bearings started). */
        if (rf && (t->tracks[k].bearing_only ||
                   dt_s(time, t->tracks[k].t_fix) > t->cfg.coast_after_s))
            continue;
        int32_t c = column_of(t, k, time);
        double d2;
        if (c >= 0 && !t->hot[k].bound &&
            ((vg_kf_innovation(col_kf(t, &t->cols[c]), &in[r].mm, NULL, NULL, &d2) == 0 &&
              d2 <= t->cfg.gate * t->cfg.gate) ||
             (!rf && identity_reachable(t, &t->tracks[k], &in[r].mm, time)))) {
            bind_column(t, c);
            t->row[r] = c;
            t->st.identity_bound++;
        } else if (c >= 0 && !t->hot[k].bound && rf) {
            /* An RF link's bearing away from its track: noise or a reflection while
             * the track is located; once the track has lost its fixes the link is
             * free to follow the bearings (association, triangulation). */
            if (dt_s(time, t->tracks[k].t_fix) <= t->cfg.coast_after_s) {
                t->row[r] = ROW_DROP;
                t->st.bearings_unused++;
            }
        } else if (c >= 0 && !t->hot[k].bound) {
            /* The identity's track is elsewhere. If it has been silent a while, this
             * is the same object re-acquired (it left coverage and came back): move
             * the track here. If it is being tracked right now, two places claim one
             * identity: a possible spoof, tracked apart and flagged. */
            if (dt_s(time, t->tracks[k].t_state) > t->cfg.coast_after_s) {
                vg_meas_model pos;
                const vg_meas_model *pm = &in[r].mm;
                if (pm->kind == VG_MM_POLAR && vg_meas_to_position(pm, &pos) == 0)
                    pm = &pos;
                if (pm->kind == VG_MM_POSITION) {
                    vg_kf kf;
                    vg_kf_init_position(&kf, pm, t->cfg.init_vel_var);
                    st_init(t, &t->cols[c].pred, &kf);
                    st_combined(t, &t->cols[c].pred, &t->cols[c].comb);
                    bind_column(t, c);
                    t->row[r] = c;
                    t->st.identity_bound++;
                    continue;
                }
            }
            t->row[r] = ROW_SPOOF;
        }
    }

    /* 2-3. gating and global nearest neighbour, in two passes: established tracks
     * first, then tentative ones for what is left — so a tentative track born of
     * clutter never takes a detection an established track can explain. Leaving a
     * detection unassigned costs more than any gated pair (it starts a track);
     * leaving a track unassigned costs nothing here (the M-of-N logic counts it). */
    /* ln det R per detection; a sensor's detections often share one R. */
    int last = -1;
    for (int r = 0; r < n; r++) {
        const vg_meas_model *m = &in[r].mm;
        t->row_logdet_r[r] = 0.0;
        if (t->row[r] != ROW_OPEN)
            continue;
        if (last >= 0 && in[last].mm.dim == m->dim &&
            memcmp(in[last].mm.R, m->R, (size_t)(m->dim * m->dim) * sizeof m->R[0]) == 0)
            t->row_logdet_r[r] = t->row_logdet_r[last];
        else
            t->row_logdet_r[r] = log_det(m->R, m->dim);
        last = r;
    }
    t->ndefer = 0;
    t->defer_lost = false;
    for (int pass = 0; pass < 2; pass++) {
        t->g_tentative = pass == 1;
        t->g_defer = pass == 0;
        t->nedges = 0;
        t->g_row = -1;
        t->g_det = NULL;
        if (pass == 0) {
            gather_first_pass(t, in, n, time);
        } else if (!t->defer_lost) {
            gather_deferred(t, in, time);
        } else {
            gather_in_detection_order(t, in, n, time);
        }
        if (t->nedges == 0)
            continue;
        /* Only the detections with an edge go to the solver, renumbered in their
         * order: a row without one only ever takes its own dummy column, and the
         * solver inserts rows in index order, so the answer is the same without
         * the many clutter rows (each pass gathers a row's edges together, rows in
         * increasing order). */
        int32_t nrows = 0;
        bool increasing = true;
        for (int32_t e = 0; e < t->nedges && increasing; e++) {
            int32_t r = t->edges[e].row;
            if (nrows == 0 || t->solve_rows[nrows - 1] < r)
                t->solve_rows[nrows++] = r;
            else
                increasing = t->solve_rows[nrows - 1] == r;
        }
        if (increasing) {
            for (int32_t e = 0, k = 0; e < t->nedges; e++) {
                while (t->solve_rows[k] != t->edges[e].row)
                    k++;
                t->edges[e].row = k;
            }
        } else { /* not gathered in order after all: every row, as they are */
            for (nrows = 0; nrows < n; nrows++)
                t->solve_rows[nrows] = nrows;
        }
        double total, miss = t->cfg.gate * t->cfg.gate + 100.0;
        if (vg_assign_solve(&t->assign, nrows, t->ncols, t->edges, t->nedges, miss, 0.0,
                            t->row_to_col, &total, err) < 0)
            return vg_err_prefix(err, "tracker: ");
        for (int32_t k = 0; k < nrows; k++) {
            int32_t r = t->solve_rows[k];
            if (t->row[r] == ROW_OPEN && t->row_to_col[k] >= 0) {
                t->row[r] = t->row_to_col[k];
                bind_column(t, t->row[r]);
            }
        }
    }

    /* 4. updates and new tracks, in detection order */
    for (int r = 0; r < n; r++) {
        int32_t c = t->row[r];
        if (r + 4 < n && t->row[r + 4] >= 0)
            prefetch_track(t, t->col_track[t->row[r + 4]]);
        if (c >= 0) {
            column *col = &t->cols[c];
            /* A failed update leaves the prediction as it was. */
            if (st_update(t, &col->pred, &in[r].mm) < 0) {
                t->st.rejected_by_filter++;
                continue;
            }
            trk *k = &t->tracks[col->track];
            col->hit = true;
            st_copy(t, &k->st, &col->pred);
            k->t_state = time;
            k->hits = (uint16_t)(k->hits < UINT16_MAX ? k->hits + 1 : k->hits);
            if (in[r].mm.kind != VG_MM_BEARING || k->bearing_only)
                k->t_fix = time;
            if (in[r].mm.kind != VG_MM_BEARING)
                k->bearing_only = false;
            apply_detection(t, k, &in[r], 0);
            vg_trk_refresh_hot(t, col->track);
            t->st.assigned++;
            if (t->clutter.cells && k->status == VG_TRACK_TENTATIVE && !clutter_exempt(k, &in[r]))
                (void)vg_clutter_map_add(&t->clutter, t->hot[col->track].x, t->hot[col->track].y,
                                         time);
            continue;
        }
        if (c == ROW_DROP)
            continue;
        if (in[r].mm.kind == VG_MM_BEARING) {
            int32_t i = use_bearing(t, &in[r], time);
            if (i >= 0) {
                vg_kf tmp;
                vg_trk_emit(t, &t->tracks[i], st_kf(t, &t->tracks[i].st, &tmp), time, emit, ud);
            }
            continue;
        }
        vg_meas_model pos;
        const vg_meas_model *pm = &in[r].mm;
        if (pm->kind == VG_MM_POLAR) {
            if (vg_meas_to_position(pm, &pos) < 0) {
                t->st.rejected_by_filter++;
                continue;
            }
            pm = &pos;
        }
        uint32_t flags = t->row[r] == ROW_SPOOF ? VG_INTEG_IDENTITY_OUTSIDE_GATE : 0;
        if (t->clutter.cells && !vg_trk_id_cooperative(in[r].identity.source) &&
            vg_clutter_map_add(&t->clutter, pm->z[0], pm->z[1], time) > t->cfg.clutter_map_rate) {
            t->st.clutter_suppressed++;
            continue;
        }
        int32_t i = start_track(t, &in[r], pm, time, flags);
        if (i >= 0) {
            vg_kf tmp;
            vg_trk_emit(t, &t->tracks[i], st_kf(t, &t->tracks[i].st, &tmp), time, emit, ud);
        }
    }

    /* 5. track management for every track this scan looked at, then outputs */
    for (int32_t c = 0; c < t->ncols; c++) {
        column *col = &t->cols[c];
        trk *k = &t->tracks[col->track];
        if (c + 4 < t->ncols)
            prefetch_track(t, t->col_track[c + 4]);
        if (!k->live)
            continue;
        if (k->opportunities < UINT16_MAX)
            k->opportunities++;
        if (!col->hit) {
            confirm_or_expire(t, col->track, time, emit, ud);
            continue;
        }
        if (k->status == VG_TRACK_COASTING) {
            k->status = VG_TRACK_CONFIRMED;
        }
        confirm_or_expire(t, col->track, time, emit, ud);
        vg_kf tmp;
        const vg_kf *kf = st_kf(t, &k->st, &tmp);
        /* Kinematic evidence once a second, and only from a velocity worth reading:
         * two or three plots make a speed of anything, and a pigeon's first seconds
         * would make it a drone. */
        if (k->status != VG_TRACK_TENTATIVE && dt_s(time, k->t_kin) >= 1.0 &&
            kf->P[21] + kf->P[28] <= KIN_VEL_VAR_MAX) {
            if (vg_class_kinematics(k->logp, hypot(kf->x[3], kf->x[4]), kf->x[5], kf->x[2],
                                    &k->class_settled))
                vg_class_probabilities(k->logp, k->class_p);
            k->t_kin = time;
        }
        vg_trk_file_in_grid(t, col->track, kf->x[0], kf->x[1], kf->x[3], kf->x[4]);
        vg_trk_emit(t, k, kf, time, emit, ud);
    }
    return 0;
}
