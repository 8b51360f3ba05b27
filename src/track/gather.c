/* track/gather.c — a scan's candidate pairs: for each detection, the tracks the
 * spatial grid finds near it, a cheap exact prefilter, then the Mahalanobis gate
 * against each track's prediction to the scan's time (one column per track and
 * scan), giving the edges the assignment solves. Large scans among many tracks query
 * the grid in the order of the detections' cells, for the cache, and gate in
 * detection order, so that the result does not depend on it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track/tracker_int.h"

/* The bird + aircraft probability above which no bearing of a drone's link may join
 * a track. */
#define NOT_A_DRONE 0.8

/* How many queries ahead, in cell order, the first pass asks for the tracks' lines. */
#define QUERY_AHEAD 8

/* How many deferred pairs ahead the second pass asks for a track's lines. */
#define DEFER_AHEAD 6

/* The column of track i in the current scan, predicting it on first use; -1 when
 * the scan has as many columns as it can hold. */
int32_t vg_trk_column_of(vg_tracker *t, int32_t i, vg_time time)
{
    trk *k = trk_at(t, i);
    trk_hot *h = &t->hot[i];
    if (h->stamp == t->stamp)
        return h->col;
    if (t->ncols >= t->cols_cap && !vg_trk_grow_cols(t))
        return -1;
    int32_t c = t->ncols++;
    column *col = col_at(t, c);
    t->col_track[c] = i;
    col->hit = false;
    col->axes = k->axes;
    st_copy(t, &col->pred, &k->st, k->axes);
    /* A detection older than the state (sensors' clocks disagree a little) updates
     * the state as it is rather than predicting backwards. */
    st_predict(t, &col->pred, col->axes, dt_s(time, k->t_state));
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        vg_imm_combine(&col->pred.imm, &col->comb);
    h->stamp = t->stamp;
    h->col = c;
    h->bound = false;
    return c;
}

/* Column c takes a detection: no other detection of the scan may have its track. */
void vg_trk_bind_column(vg_tracker *t, int32_t c)
{
    t->hot[t->col_track[c]].bound = true;
}

/* Whether track i's column in this scan is already bound. */
static bool track_bound(const vg_tracker *t, const trk_hot *h)
{
    return h->stamp == t->stamp && h->bound;
}

/* Whether detection d and track i carry different cooperative identities. */
static bool identities_conflict(const vg_tracker *t, const vg_track_input *d, int32_t i)
{
    vg_identity_source s = trk_at(t, i)->id_source;
    return vg_trk_id_cooperative(d->identity.source) && vg_trk_id_cooperative(s) &&
           (d->identity.source != s || strcmp(d->identity.id, t->names[i].identity.id) != 0);
}

/* Gate the pair (current detection, track i) and record it as an edge if it passes. */
static void gate_pair(vg_tracker *t, int32_t i)
{
    int32_t col = vg_trk_column_of(t, i, t->g_time);
    if (col < 0) {
        t->st.full++;
        return;
    }
    double d2, logdet_s;
    const column *c = col_at(t, col);
    if (c->axes && t->g_axes_fit) {
        if (vg_kf_axes_gate(&c->pred.ax, t->g_mm, &d2, &logdet_s) < 0)
            return;
    } else {
        vg_kf tmp;
        if (vg_kf_gate(col_kf(t, c, &tmp), t->g_mm, &d2, &logdet_s) < 0)
            return;
    }
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

/* Inlined at each of the grid query's visits (a handful per query, several
 * queries' worth of code): a call per track visited would cost as much. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void consider(void *ud, int32_t i)
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
    if (h->cooperative && identities_conflict(t, t->g_det, i))
        return;
    /* A bearing of one RF link never joins another link's track; nor does it join a
     * tentative track without a cooperative identity: a bearing cannot confirm that
     * an object is where a single radar plot said, and a link bound to clutter would
     * make it a drone. */
    if (t->g_bearing) {
        bool link = vg_trk_id_is_rf(&t->g_det->identity);
        bool same_link = link && h->rf_linked &&
                         strcmp(t->names[i].rf, t->g_det->identity.id) == 0;
        if (h->tentative && !h->cooperative && !same_link)
            return;
        /* Nor a track known to be a bird or a manned aircraft: they fly no drone
         * link, and a bearing line crosses many of them. */
        const double *cp = trk_at(t, i)->class_p;
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
        /* dt and the process noise's term depend on the track's state time alone,
         * which most tracks share (the last scan's): formed once per value (two
         * divisions fewer per track looked at). */
        if (!t->g_dt_valid || h->t_state != t->g_dt_state) {
            double dt = max_d(dt_s(t->g_time, h->t_state), 0.0);
            t->g_dt = dt;
            t->g_dt_q = t->prefilter_2q * dt * dt * dt / 3.0;
            t->g_dt_state = h->t_state;
            t->g_dt_valid = true;
        }
        double dt = t->g_dt;
        double ex = h->x + h->vx * dt - t->g_point.x;
        double ey = h->y + h->vy * dt - t->g_point.y;
        double dist2 = ex * ex + ey * ey;
        if (dist2 > t->g_radius2)
            return;
        /* The same arithmetic as (sp + dt·sv)² + 2q·dt³/3 + var_h against
         * gate²·bound, with the constant factors formed once (prefilter_2q = 2q,
         * gate2 = gate²: the same first products). */
        double sp = h->sp, sv = h->sv;
        double bound = (sp + dt * sv) * (sp + dt * sv) + t->g_dt_q + t->g_var_h;
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
    if (!t->g_record) { /* (recording gates nothing, nor reads the detection) */
        t->g_logdet_r = t->row_logdet_r[row];
        t->g_axes_fit = vg_kf_axes_fit(&in->mm);
    }
    t->g_mm = &in->mm;
    t->g_det = in;
    t->g_row = row;
    if (time != t->g_time)
        t->g_dt_valid = false;
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
    if (m == 0)
        return;
    int64_t x0 = INT64_MAX, x1 = INT64_MIN, y0 = INT64_MAX, y1 = INT64_MIN;
    /* Each point's cell, kept in the sort's scratch arrays (which the passes below
     * overwrite only after reading it): vg_grid_cell_of clamps to ±2^30. A bearing's
     * point is its sensor, where its walk along the ray starts. */
    int32_t *cx = t->order_tmp;
    uint32_t *cy = t->sort_key_tmp;
    for (int32_t k = 0; k < m; k++) {
        const query_point *q = &t->qpoint[t->order[k]];
        int64_t ix = vg_grid_cell_of(&t->grid, q->x), iy = vg_grid_cell_of(&t->grid, q->y);
        cx[k] = (int32_t)ix;
        cy[k] = (uint32_t)(int32_t)iy;
        x0 = ix < x0 ? ix : x0;
        x1 = ix > x1 ? ix : x1;
        y0 = iy < y0 ? iy : y0;
        y1 = iy > y1 ? iy : y1;
    }
    uint64_t w = (uint64_t)(x1 - x0) + 1, h = (uint64_t)(y1 - y0) + 1;
    if (w * h > UINT32_MAX)
        return;
    for (int32_t k = 0; k < m; k++) {
        int64_t ix = cx[k], iy = (int32_t)cy[k];
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
void vg_trk_gather_in_detection_order(vg_tracker *t, const vg_track_input *in, int n, vg_time time)
{
    for (int r = 0; r < n; r++)
        if (t->row[r] == ROW_OPEN)
            gather(t, r, &in[r], time);
}

/* The first pass of a large scan among many tracks: every open detection's grid
 * query in cell order, recording its candidates; then, in detection order, each
 * candidate gated or deferred — the calls, in the order, that
 * vg_trk_gather_in_detection_order makes, so outputs are the same. */
void vg_trk_gather_first_pass(vg_tracker *t, const vg_track_input *in, int n, vg_time time)
{
    int32_t m = 0;
    for (int r = 0; r < n; r++)
        m += t->row[r] == ROW_OPEN;
    if (m < t->space_order_min || t->nlive < t->space_order_tracks) {
        vg_trk_gather_in_detection_order(t, in, n, time);
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
    /* The queries then read their points in order, not all over the array. */
    for (int32_t k = 0; k < m; k++)
        t->qsorted[k] = t->qpoint[t->order[k]];
    t->ncands = 0;
    t->cands_lost = false;
    t->g_record = true;
    double radius = query_radius(t, time);
    for (int32_t k = 0; k < m && !t->cands_lost; k++) {
        /* The summaries of the tracks a few queries on: far apart in memory. */
        if (k + QUERY_AHEAD < m && !t->qsorted[k + QUERY_AHEAD].bearing)
            vg_grid_prefetch(&t->grid, t->qsorted[k + QUERY_AHEAD].x,
                             t->qsorted[k + QUERY_AHEAD].y, radius, t->hot, sizeof *t->hot);
        int32_t r = t->order[k];
        t->cand_first[r] = t->ncands;
        gather_around(t, r, &in[r], time, &t->qsorted[k]);
        t->cand_n[r] = t->ncands - t->cand_first[r];
    }
    t->g_record = false;
    if (t->cands_lost) { /* out of memory for the list */
        vg_trk_gather_in_detection_order(t, in, n, time);
        return;
    }
    for (int r = 0; r < n; r++) {
        if (t->row[r] != ROW_OPEN || t->cand_n[r] == 0)
            continue;
        prefetch_detection(in, r, n, DETECTION_HEAD);
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
void vg_trk_gather_deferred(vg_tracker *t, const vg_track_input *in, vg_time time)
{
    for (int32_t d = 0; d < t->ndefer; d++) {
        /* A tentative track's record and summary, a few pairs on: mostly clutter's
         * tracks, out of cache since their last update. */
        if (d + DEFER_AHEAD < t->ndefer) {
            int32_t ahead = t->defer[d + DEFER_AHEAD].track;
            prefetch_track(t, ahead);
            prefetch_lines(&t->hot[ahead], sizeof t->hot[ahead], false);
        }
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
