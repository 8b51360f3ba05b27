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
 * and class fusion ride along. Housekeeping (vg_tracker_maintain) re-files every
 * track in the grid at its predicted position, so that a search radius grown by
 * the fastest track's speed times the time since then always finds a track. */
#include "vigie/track.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/bearings.h"
#include "track/classify.h"
#include "track/grid.h"
#include "vigie/assign.h"
#include "vigie/mat.h"

/* A track's state: one filter, or an IMM of several. */
typedef union state {
    vg_kf kf;
    vg_imm imm;
} state;

typedef struct trk {
    bool live;
    vg_track_status status;
    uint64_t id;
    vg_time t_state;            /* time of the state estimate */
    vg_time t_update;           /* time of the last measurement update */
    vg_time t_kin;              /* last kinematic class evidence */
    state st;
    uint32_t updates;
    uint16_t hits, opportunities;
    vg_identity identity;
    bool id_mapped;             /* present in the identity table */
    double logp[VG_CLASS_COUNT];
    char sensor[VG_ID_MAX];
    bool has_operator, operator_has_alt;
    vg_geo operator_pos;
    uint32_t integrity;
    uint32_t stamp;             /* scan in which col is valid */
    int32_t col;
    int32_t free_next;
    int32_t live_pos;           /* index in the live list */
} trk;

/* Per scan, per candidate track: its prediction to the scan's time. */
typedef struct column {
    int32_t track;
    bool bound, hit;
    state pred;
    vg_kf comb;                 /* the prediction as one filter (IMM combined) */
} column;

#define ID_EMPTY (-1)
#define ID_TOMB (-2)
#define MAX_QUERY_CELLS 4096

enum { ROW_OPEN = -1, ROW_SPOOF = -2 };

struct vg_tracker {
    vg_tracker_config cfg;
    vg_enu_frame site;
    trk *tracks;                /* grown by doubling up to max_tracks */
    int32_t track_cap;
    int32_t free_head;
    int32_t *live;              /* indices of live tracks, in no particular order */
    int32_t nlive;
    uint64_t next_id;
    vg_grid grid;
    vg_time grid_time;
    double vmax;                /* fastest track since the grid was rebuilt, m/s */
    int32_t *ids;               /* identity table: track index, ID_EMPTY, ID_TOMB */
    uint32_t id_cap, id_used;
    /* scan workspace */
    uint32_t stamp;
    column *cols;               /* grown by doubling up to max_cols */
    int32_t ncols, cols_cap, max_cols;
    vg_assign assign;
    vg_assign_edge *edges;
    int32_t nedges, max_edges;
    int32_t *row;               /* per detection: bound column, or a ROW_* mark */
    int32_t *row_to_col;
    /* gathering context */
    const vg_meas_model *g_mm;
    const vg_track_input *g_det;
    int32_t g_row;
    vg_vec3 g_point;
    double g_radius;
    vg_time g_time;
    bool g_tentative;           /* this pass considers tentative tracks only, or none */
    double g_var_h;             /* the detection's horizontal variance (trace), m² */
    double g_logdet_r;          /* ln det R of the detection being gathered */
    vg_bearings bearings;
    vg_tracker_stats st;
    vg_event out;
};

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
}

/* ---- states ------------------------------------------------------------------- */

static void st_predict(const vg_tracker *t, state *s, double dt)
{
    if (dt <= 0.0)
        return;
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        vg_imm_predict(&s->imm, dt);
    else
        vg_kf_predict_cv(&s->kf, dt, t->cfg.process_noise);
}

static void st_combined(const vg_tracker *t, const state *s, vg_kf *out)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        vg_imm_combine(&s->imm, out);
    else
        *out = s->kf;
}

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

static double dt_s(vg_time to, vg_time from)
{
    return (double)(to - from) / 1e6;
}

static double pos_trace(const vg_kf *kf)
{
    return kf->P[0] + kf->P[7] + kf->P[14];
}

/* ---- identity table ------------------------------------------------------------ */

static bool cooperative(vg_identity_source s)
{
    return s == VG_IDSRC_REMOTEID || s == VG_IDSRC_FRBEACON || s == VG_IDSRC_ADSB;
}

static uint32_t id_hash(const vg_identity *id)
{
    uint32_t h = 2166136261u ^ (uint32_t)id->source;
    for (const char *p = id->id; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/* The slot holding id, or (when insert) the first free slot on its probe path;
 * -1 if neither. */
static int32_t id_slot(const vg_tracker *t, const vg_identity *id, bool insert)
{
    uint32_t mask = t->id_cap - 1;
    int32_t free_slot = -1;
    for (uint32_t s = id_hash(id) & mask, n = 0; n < t->id_cap; s = (s + 1) & mask, n++) {
        int32_t v = t->ids[s];
        if (v == ID_EMPTY)
            return insert ? (free_slot >= 0 ? free_slot : (int32_t)s) : -1;
        if (v == ID_TOMB) {
            if (free_slot < 0)
                free_slot = (int32_t)s;
            continue;
        }
        const trk *k = &t->tracks[v];
        if (k->identity.source == id->source && strcmp(k->identity.id, id->id) == 0)
            return (int32_t)s;
    }
    return insert ? free_slot : -1;
}

static int32_t id_lookup(const vg_tracker *t, const vg_identity *id)
{
    int32_t s = id_slot(t, id, false);
    return s >= 0 ? t->ids[s] : -1;
}

static void id_insert(vg_tracker *t, int32_t k)
{
    int32_t s = id_slot(t, &t->tracks[k].identity, true);
    if (s < 0 || t->ids[s] >= 0)
        return; /* full, or the identity already has a track: keep the first */
    if (t->ids[s] == ID_EMPTY)
        t->id_used++;
    t->ids[s] = k;
    t->tracks[k].id_mapped = true;
}

static void id_remove(vg_tracker *t, int32_t k)
{
    if (!t->tracks[k].id_mapped)
        return;
    int32_t s = id_slot(t, &t->tracks[k].identity, false);
    if (s >= 0 && t->ids[s] == k)
        t->ids[s] = ID_TOMB;
    t->tracks[k].id_mapped = false;
}

/* Tombstones make probes long; rebuild the table when they pile up. */
static void id_rebuild_if_needed(vg_tracker *t)
{
    if (t->id_used * 2 < t->id_cap)
        return;
    for (uint32_t s = 0; s < t->id_cap; s++)
        t->ids[s] = ID_EMPTY;
    t->id_used = 0;
    for (int32_t n = 0; n < t->nlive; n++) {
        int32_t k = t->live[n];
        if (t->tracks[k].id_mapped) {
            t->tracks[k].id_mapped = false;
            id_insert(t, k);
        }
    }
}

/* ---- output -------------------------------------------------------------------- */

/* The output form of track k with (combined) state kf. */
static void fill_track(const vg_tracker *t, const trk *k, const vg_kf *kf, vg_track *o)
{
    o->id = k->id;
    o->status = k->status;
    o->pos = vg_enu_to_geo(&t->site, (vg_vec3){kf->x[0], kf->x[1], kf->x[2]});
    o->velocity = (vg_vec3){kf->x[3], kf->x[4], kf->x[5]};
    /* One horizontal sigma: the root mean of the east and north variances. */
    o->sigma_h = sqrt(fmax(0.5 * (kf->P[0] + kf->P[7]), 0.0));
    o->sigma_v = sqrt(fmax(kf->P[14], 0.0));
    o->identity = k->identity;
    vg_class_probabilities(k->logp, o->class_p);
    o->updates = k->updates;
    memcpy(o->sensor, k->sensor, sizeof o->sensor);
    o->has_operator = k->has_operator;
    o->operator_has_alt = k->operator_has_alt;
    o->operator_pos = k->operator_pos;
    o->integrity = k->integrity;
}

static void emit_track(vg_tracker *t, const trk *k, const vg_kf *kf, vg_time time,
                       vg_track_emit_fn emit, void *ud)
{
    /* Only the track member is cleared: events are large, outputs are many. */
    t->out.type = VG_EV_TRACK;
    t->out.time = time;
    memset(&t->out.u.track, 0, sizeof t->out.u.track);
    fill_track(t, k, kf, &t->out.u.track);
    emit(ud, &t->out);
}

static void drop_track(vg_tracker *t, int32_t i, vg_time time, const char *reason,
                       vg_track_emit_fn emit, void *ud)
{
    trk *k = &t->tracks[i];
    t->out.type = VG_EV_TRACK_DROP;
    t->out.time = time;
    memset(&t->out.u.track_drop, 0, sizeof t->out.u.track_drop);
    t->out.u.track_drop.id = k->id;
    snprintf(t->out.u.track_drop.reason, sizeof t->out.u.track_drop.reason, "%s", reason);
    emit(ud, &t->out);
    vg_grid_remove(&t->grid, i);
    id_remove(t, i);
    k->live = false;
    int32_t last = t->live[--t->nlive];
    t->live[k->live_pos] = last;
    t->tracks[last].live_pos = k->live_pos;
    k->free_next = t->free_head;
    t->free_head = i;
    t->st.deleted++;
    t->st.live--;
    if (k->status != VG_TRACK_TENTATIVE)
        t->st.live_confirmed--;
}

/* ---- creation ---------------------------------------------------------------- */

static void file_in_grid(vg_tracker *t, int32_t i, const vg_kf *kf)
{
    if (vg_grid_put(&t->grid, i, kf->x[0], kf->x[1]) < 0) {
        /* Table full of stale cells: rebuild from the tracks' current states. */
        vg_grid_clear(&t->grid);
        for (int32_t n = 0; n < t->nlive; n++) {
            int32_t j = t->live[n];
            vg_kf c;
            st_combined(t, &t->tracks[j].st, &c);
            if (j == i)
                c = *kf;
            vg_grid_put(&t->grid, j, c.x[0], c.x[1]);
        }
    }
    double v = hypot(kf->x[3], kf->x[4]);
    if (v > t->vmax)
        t->vmax = v;
}

static void apply_detection(vg_tracker *t, trk *k, const vg_track_input *in, vg_time time,
                            uint32_t extra_integrity)
{
    const vg_track_input *d = in;
    k->updates++;
    k->t_update = time;
    memcpy(k->sensor, d->sensor, sizeof k->sensor);
    if (d->identity.source != VG_IDSRC_NONE &&
        (k->identity.source == VG_IDSRC_NONE ||
         (k->identity.source == VG_IDSRC_RF && cooperative(d->identity.source)))) {
        k->identity = d->identity;
        if (cooperative(k->identity.source) && !extra_integrity &&
            id_lookup(t, &k->identity) < 0)
            id_insert(t, (int32_t)(k - t->tracks));
    }
    if (in->has_operator) {
        k->has_operator = true;
        k->operator_has_alt = in->operator_has_alt;
        k->operator_pos = in->operator_pos;
    }
    k->integrity |= d->integrity | extra_integrity;
    vg_class_detection(k->logp, d);
}

/* Memory grows with use, in doublings, up to the configured maxima: a tracker
 * configured for 200 000 tracks that follows ten costs what ten cost. Tracks and
 * columns are only ever referred to by index, so moving them is safe. */
static bool grow_tracks(vg_tracker *t)
{
    if (t->track_cap >= t->cfg.max_tracks)
        return false;
    int64_t want = t->track_cap ? 2 * (int64_t)t->track_cap : 256;
    int32_t cap = (int32_t)(want < t->cfg.max_tracks ? want : t->cfg.max_tracks);
    trk *n = realloc(t->tracks, (size_t)cap * sizeof *n);
    if (!n)
        return false;
    memset(n + t->track_cap, 0, (size_t)(cap - t->track_cap) * sizeof *n);
    for (int32_t i = cap - 1; i >= t->track_cap; i--) {
        n[i].free_next = t->free_head;
        t->free_head = i;
    }
    t->tracks = n;
    t->track_cap = cap;
    return true;
}

static bool grow_cols(vg_tracker *t)
{
    if (t->cols_cap >= t->max_cols)
        return false;
    int64_t want = t->cols_cap ? 2 * (int64_t)t->cols_cap : 64;
    int32_t cap = (int32_t)(want < t->max_cols ? want : t->max_cols);
    column *n = realloc(t->cols, (size_t)cap * sizeof *n);
    if (!n)
        return false;
    t->cols = n;
    t->cols_cap = cap;
    return true;
}

size_t vg_tracker_track_bytes(void)
{
    /* the record, its live-list entry, its grid links and its identity-table share */
    return sizeof(trk) + sizeof(int32_t) * (1 + 3) + sizeof(int32_t) * 2 +
           sizeof(vg_grid_cell) * 4 + sizeof(uint32_t) * 4;
}

static int32_t start_track(vg_tracker *t, const vg_track_input *in, const vg_meas_model *pos,
                           vg_time time, uint32_t integrity)
{
    if (t->free_head < 0 && !grow_tracks(t)) {
        t->st.full++;
        return -1;
    }
    int32_t i = t->free_head;
    trk *k = &t->tracks[i];
    t->free_head = k->free_next;
    memset(k, 0, sizeof *k);
    k->live = true;
    k->live_pos = t->nlive;
    t->live[t->nlive++] = i;
    k->status = VG_TRACK_TENTATIVE;
    k->id = t->next_id++;
    k->t_state = k->t_kin = time;
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
    vg_class_init(k->logp);
    apply_detection(t, k, in, time, integrity);
    if (integrity)
        t->st.spoof_flags++;
    t->st.started++;
    t->st.live++;
    file_in_grid(t, i, &kf);
    return i;
}

/* ---- gathering candidates ---------------------------------------------------- */

/* The column of track i in the current scan, predicting it on first use; -1 when
 * the scan has as many columns as it can hold. */
static int32_t column_of(vg_tracker *t, int32_t i, vg_time time)
{
    trk *k = &t->tracks[i];
    if (k->stamp == t->stamp)
        return k->col;
    if (t->ncols >= t->cols_cap && !grow_cols(t))
        return -1;
    int32_t c = t->ncols++;
    column *col = &t->cols[c];
    col->track = i;
    col->bound = col->hit = false;
    col->pred = k->st;
    /* A detection older than the state (sensors' clocks disagree a little) updates
     * the state as it is rather than predicting backwards. */
    st_predict(t, &col->pred, dt_s(time, k->t_state));
    st_combined(t, &col->pred, &col->comb);
    k->stamp = t->stamp;
    k->col = c;
    return c;
}

static bool identities_conflict(const vg_track_input *d, const trk *k)
{
    return cooperative(d->identity.source) && cooperative(k->identity.source) &&
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

static void consider(void *ud, int32_t i)
{
    vg_tracker *t = ud;
    trk *k = &t->tracks[i];
    if (k->stamp == t->stamp && t->cols[k->col].bound)
        return;
    if ((k->status == VG_TRACK_TENTATIVE) != t->g_tentative)
        return;
    if (identities_conflict(t->g_det, k))
        return;
    /* Cheap prefilter before predicting: the squared Mahalanobis distance is at least
     * dist² / trace(S_h) for the horizontal part, and trace(S_h) is bounded by the
     * track's horizontal variance extrapolated to the scan time plus the detection's.
     * Tracks beyond gate × that bound cannot pass the gate, so skipping them loses
     * no pair. */
    if (t->g_mm->kind != VG_MM_BEARING) {
        vg_kf c;
        double dt;
        if (k->stamp == t->stamp) {
            c = t->cols[k->col].comb;
            dt = 0.0;
        } else {
            st_combined(t, &k->st, &c);
            dt = fmax(dt_s(t->g_time, k->t_state), 0.0);
        }
        double ex = c.x[0] + c.x[3] * dt - t->g_point.x;
        double ey = c.x[1] + c.x[4] * dt - t->g_point.y;
        double dist2 = ex * ex + ey * ey;
        if (dist2 > t->g_radius * t->g_radius)
            return;
        double sp = sqrt(fmax(c.P[0] + c.P[7], 0.0)), sv = sqrt(fmax(c.P[21] + c.P[28], 0.0));
        double q = t->cfg.model == VG_TRACK_MODEL_IMM
                       ? fmax(t->cfg.process_noise, t->cfg.process_noise_manoeuvre)
                       : t->cfg.process_noise;
        double bound = (sp + dt * sv) * (sp + dt * sv) + 2.0 * q * dt * dt * dt / 3.0 +
                       t->g_var_h;
        if (dist2 > t->cfg.gate * t->cfg.gate * bound * 1.0001 + 1e-9)
            return;
    }
    int32_t col = column_of(t, i, t->g_time);
    if (col < 0) {
        t->st.full++;
        return;
    }
    double d2, logdet_s;
    if (vg_kf_gate(&t->cols[col].comb, t->g_mm, &d2, &logdet_s) < 0)
        return;
    if (d2 > t->cfg.gate * t->cfg.gate)
        return;
    /* Cost: the negative log-likelihood up to a constant, d² + ln det S, measured
     * from ln det R so that it is never negative. Without the determinant a vague
     * track (large S, small d²) would win detections from a precise one. */
    double cost = d2 + fmax(logdet_s - t->g_logdet_r, 0.0);
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
    double r = t->cfg.search_radius_m + t->vmax * fmax(dt_s(time, t->grid_time), 0.0);
    /* Bound the cells visited: a wild vmax must not turn a query into a scan. */
    double rmax = t->cfg.grid_cell_m * 30.0;
    return r < rmax ? r : rmax;
}

static void gather(vg_tracker *t, int32_t row, const vg_track_input *in, vg_time time)
{
    t->g_logdet_r = log_det(in->mm.R, in->mm.dim);
    t->g_mm = &in->mm;
    t->g_det = in;
    t->g_row = row;
    t->g_time = time;
    t->g_radius = query_radius(t, time);
    t->g_point = detection_point(&in->mm, &t->g_var_h);
    if (in->mm.kind != VG_MM_BEARING) {
        vg_grid_query(&t->grid, t->g_point.x, t->g_point.y, t->g_radius, consider, t);
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
        vg_grid_query(&t->grid, t->g_point.x, t->g_point.y, step, consider, t);
    }
}

/* ---- bearings ------------------------------------------------------------------- */

/* An unassigned bearing: triangulate with a recent bearing from another site, or
 * keep it for the next one. */
static int32_t use_bearing(vg_tracker *t, const vg_track_input *in, vg_time time)
{
    vg_meas_model pos;
    if (!vg_bearings_offer(&t->bearings, &in->mm, time, &pos)) {
        t->st.bearings_unused++;
        return -1;
    }
    t->st.triangulated++;
    return start_track(t, in, &pos, time, 0);
}

/* ---- the scan --------------------------------------------------------------------- */

static void confirm_or_expire(vg_tracker *t, int32_t i, vg_time time, vg_track_emit_fn emit,
                              void *ud)
{
    trk *k = &t->tracks[i];
    if (k->status != VG_TRACK_TENTATIVE)
        return;
    if (k->hits >= t->cfg.confirm_hits) {
        k->status = VG_TRACK_CONFIRMED;
        t->st.confirmed++;
        t->st.live_confirmed++;
    } else if (k->opportunities >= t->cfg.confirm_window) {
        drop_track(t, i, time, "unconfirmed", emit, ud);
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
        if (!cooperative(d->identity.source))
            continue;
        int32_t k = id_lookup(t, &d->identity);
        if (k < 0)
            continue;
        int32_t c = column_of(t, k, time);
        double d2;
        if (c >= 0 && !t->cols[c].bound &&
            vg_kf_innovation(&t->cols[c].comb, &in[r].mm, NULL, NULL, &d2) == 0 &&
            d2 <= t->cfg.gate * t->cfg.gate) {
            t->cols[c].bound = true;
            t->row[r] = c;
            t->st.identity_bound++;
        } else if (c >= 0 && !t->cols[c].bound) {
            /* The identity's track is elsewhere. If it has been silent a while, this
             * is the same object re-acquired (it left coverage and came back): move
             * the track here. If it is being tracked right now, two places claim one
             * identity: a possible spoof, tracked apart and flagged. */
            if (dt_s(time, t->tracks[k].t_update) > t->cfg.coast_after_s) {
                vg_meas_model pos;
                const vg_meas_model *pm = &in[r].mm;
                if (pm->kind == VG_MM_POLAR && vg_meas_to_position(pm, &pos) == 0)
                    pm = &pos;
                if (pm->kind == VG_MM_POSITION) {
                    vg_kf kf;
                    vg_kf_init_position(&kf, pm, t->cfg.init_vel_var);
                    st_init(t, &t->cols[c].pred, &kf);
                    st_combined(t, &t->cols[c].pred, &t->cols[c].comb);
                    t->cols[c].bound = true;
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
    for (int pass = 0; pass < 2; pass++) {
        t->g_tentative = pass == 1;
        t->nedges = 0;
        for (int r = 0; r < n; r++)
            if (t->row[r] == ROW_OPEN)
                gather(t, r, &in[r], time);
        if (t->nedges == 0)
            continue;
        double total, miss = t->cfg.gate * t->cfg.gate + 100.0;
        if (vg_assign_solve(&t->assign, n, t->ncols, t->edges, t->nedges, miss, 0.0,
                            t->row_to_col, &total, err) < 0)
            return vg_err_prefix(err, "tracker: ");
        for (int r = 0; r < n; r++)
            if (t->row[r] == ROW_OPEN && t->row_to_col[r] >= 0) {
                t->row[r] = t->row_to_col[r];
                t->cols[t->row[r]].bound = true;
            }
    }

    /* 4. updates and new tracks, in detection order */
    for (int r = 0; r < n; r++) {
        int32_t c = t->row[r];
        if (c >= 0) {
            column *col = &t->cols[c];
            state s = col->pred;
            if (st_update(t, &s, &in[r].mm) < 0) {
                t->st.rejected_by_filter++;
                continue;
            }
            trk *k = &t->tracks[col->track];
            col->hit = true;
            k->st = s;
            k->t_state = time;
            k->hits = (uint16_t)(k->hits < UINT16_MAX ? k->hits + 1 : k->hits);
            apply_detection(t, k, &in[r], time, 0);
            t->st.assigned++;
            continue;
        }
        if (in[r].mm.kind == VG_MM_BEARING) {
            int32_t i = use_bearing(t, &in[r], time);
            if (i >= 0) {
                vg_kf kf;
                st_combined(t, &t->tracks[i].st, &kf);
                emit_track(t, &t->tracks[i], &kf, time, emit, ud);
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
        int32_t i = start_track(t, &in[r], pm, time, flags);
        if (i >= 0) {
            vg_kf kf;
            st_combined(t, &t->tracks[i].st, &kf);
            emit_track(t, &t->tracks[i], &kf, time, emit, ud);
        }
    }

    /* 5. track management for every track this scan looked at, then outputs */
    for (int32_t c = 0; c < t->ncols; c++) {
        column *col = &t->cols[c];
        trk *k = &t->tracks[col->track];
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
        vg_kf kf;
        st_combined(t, &k->st, &kf);
        if (k->status != VG_TRACK_TENTATIVE && dt_s(time, k->t_kin) >= 1.0) {
            vg_class_kinematics(k->logp, hypot(kf.x[3], kf.x[4]), kf.x[5], kf.x[2]);
            k->t_kin = time;
        }
        file_in_grid(t, col->track, &kf);
        emit_track(t, k, &kf, time, emit, ud);
    }
    return 0;
}

/* ---- housekeeping ------------------------------------------------------------------- */

void vg_tracker_maintain(vg_tracker *t, vg_time time, vg_track_emit_fn emit, void *ud)
{
    vg_grid_clear(&t->grid);
    t->vmax = 0.0;
    t->grid_time = time;
    /* Walk the live list by position: a drop moves the last entry into the current
     * one, which is then visited next (hence no increment after a drop). The order
     * depends only on the events, so outputs stay deterministic. */
    for (int32_t n = 0; n < t->nlive;) {
        int32_t i = t->live[n];
        trk *k = &t->tracks[i];
        state s = k->st;
        st_predict(t, &s, dt_s(time, k->t_state));
        vg_kf kf;
        st_combined(t, &s, &kf);
        double age = dt_s(time, k->t_update);
        if (age > t->cfg.delete_after_s) {
            drop_track(t, i, time, "timeout", emit, ud);
            continue;
        }
        if (pos_trace(&kf) > t->cfg.delete_pos_var) {
            drop_track(t, i, time, "covariance", emit, ud);
            continue;
        }
        n++;
        if (k->status == VG_TRACK_CONFIRMED && age > t->cfg.coast_after_s) {
            k->status = VG_TRACK_COASTING;
            emit_track(t, k, &kf, time, emit, ud);
        }
        file_in_grid(t, i, &kf);
    }
    id_rebuild_if_needed(t);
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
#undef NEED
    return 0;
}

int vg_tracker_new(const vg_tracker_config *cfg, const vg_enu_frame *site, vg_tracker **out,
                   vg_error *err)
{
    int rc = check_config(cfg, err);
    if (rc < 0)
        return rc;
    vg_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return vg_err(err, VG_ENOMEM, "tracker: out of memory");
    t->cfg = *cfg;
    t->site = *site;
    t->next_id = 1;
    t->free_head = -1;
    t->live = malloc((size_t)cfg->max_tracks * sizeof *t->live);
    t->id_cap = 16;
    while (t->id_cap < 2u * (uint32_t)cfg->max_tracks)
        t->id_cap *= 2;
    t->ids = malloc(t->id_cap * sizeof *t->ids);
    /* Columns: each detection brings a handful of candidates; bound the scan's. */
    int64_t mc = (int64_t)cfg->max_scan * 8;
    t->max_cols = (int32_t)(mc < cfg->max_tracks ? mc : cfg->max_tracks);
    t->max_edges = cfg->max_scan * 16 > 64 ? cfg->max_scan * 16 : 64;
    t->edges = malloc((size_t)t->max_edges * sizeof *t->edges);
    t->row = malloc((size_t)cfg->max_scan * sizeof *t->row);
    t->row_to_col = malloc((size_t)cfg->max_scan * sizeof *t->row_to_col);
    if (!t->live || !t->ids || !t->edges || !t->row || !t->row_to_col || !grow_tracks(t) ||
        !grow_cols(t) ||
        vg_grid_init(&t->grid, cfg->grid_cell_m, cfg->max_tracks) < 0 ||
        vg_assign_init(&t->assign, cfg->max_scan, t->max_cols, t->max_edges, err) < 0) {
        vg_tracker_free(t);
        return vg_err(err, VG_ENOMEM, "tracker: out of memory for %d tracks", cfg->max_tracks);
    }
    for (uint32_t s = 0; s < t->id_cap; s++)
        t->ids[s] = ID_EMPTY;
    vg_bearings_init(&t->bearings, 2 * VG_TIME_S, cfg->bearing_range_m);
    *out = t;
    return 0;
}

void vg_tracker_free(vg_tracker *t)
{
    if (!t)
        return;
    vg_grid_free(&t->grid);
    vg_assign_free(&t->assign);
    free(t->tracks);
    free(t->live);
    free(t->ids);
    free(t->cols);
    free(t->edges);
    free(t->row);
    free(t->row_to_col);
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
        trk *k = &t->tracks[t->live[n]];
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
    vg_grid_clear(&t->grid);
    for (int32_t n = 0; n < t->nlive; n++) {
        vg_kf kf;
        st_combined(t, &t->tracks[t->live[n]].st, &kf);
        file_in_grid(t, t->live[n], &kf);
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
        const trk *k = &t->tracks[t->live[n]];
        state s = k->st;
        st_predict(t, &s, dt_s(time, k->t_state));
        vg_kf kf;
        st_combined(t, &s, &kf);
        memset(&o, 0, sizeof o);
        fill_track(t, k, &kf, &o);
        fn(ud, &o);
    }
}
