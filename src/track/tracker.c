/* track/tracker.c — one track per object: scans in, track events out.
 *
 * A scan (one sensor, one time) goes through four steps:
 *   1. cooperative identities (Remote ID, French beacon, ADS-B) bind a detection to
 *      the track that carries the same identity — if its position passes the gate;
 *      otherwise the detection is a possible spoof and starts its own, flagged track;
 *   2. the other detections are gated (Mahalanobis) against the tracks the spatial
 *      grid finds near them, each track predicted once per scan (gather.c);
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

/* ---- states ------------------------------------------------------------------- */

/* Update a state in place, in the form *axes says: a model that would couple the
 * axes of one in axes form turns it into the full form first (*axes false). On
 * error the state is as it was. */
static int st_update(const vg_tracker *t, state *s, bool *axes, const vg_meas_model *mm)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        return vg_imm_update(&s->imm, mm);
    if (!*axes)
        return vg_kf_update(&s->kf, mm, NULL);
    if (vg_kf_axes_fit(mm))
        return vg_kf_axes_update(&s->ax, mm, NULL);
    vg_kf full;
    vg_kf_axes_to(&full, &s->ax);
    int rc = vg_kf_update(&full, mm, NULL);
    if (rc == VG_OK) {
        s->kf = full;
        *axes = false;
    }
    return rc;
}

/* Make *s from kf; returns the form it took (a CV filter with decoupled axes takes
 * the axes form). */
static bool st_init(const vg_tracker *t, state *s, const vg_kf *kf)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM) {
        const double q[VG_IMM_MODELS] = {t->cfg.process_noise, t->cfg.process_noise_manoeuvre};
        const double mu[VG_IMM_MODELS] = {0.8, 0.2};
        vg_imm_init(&s->imm, kf, q, mu, 0.95);
        return false;
    }
    if (t->axes_form && vg_kf_axes_from(&s->ax, kf))
        return true;
    s->kf = *kf;
    return false;
}

/* ---- creation ---------------------------------------------------------------- */

static void apply_detection(vg_tracker *t, int32_t i, const vg_track_input *in,
                            uint32_t extra_integrity)
{
    trk *k = trk_at(t, i);
    const vg_track_input *d = in;
    k->updates++;
    k->sensor = t->scan_sensor;
    if (d->identity.source != VG_IDSRC_NONE &&
        (k->id_source == VG_IDSRC_NONE ||
         (k->id_source == VG_IDSRC_RF && vg_trk_id_cooperative(d->identity.source)))) {
        t->names[i].identity = d->identity;
        k->id_source = (uint8_t)d->identity.source;
        if (vg_trk_id_cooperative(k->id_source) && !extra_integrity &&
            vg_trk_id_lookup(t, &t->names[i].identity) < 0)
            vg_trk_id_insert(t, i);
    }
    if (vg_trk_id_is_rf(&d->identity))
        vg_trk_rf_link(t, i, &d->identity);
    if (in->has_operator) {
        k->has_operator = true;
        k->operator_has_alt = in->operator_has_alt;
        t->names[i].operator_pos = in->operator_pos;
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
    if (t->nfree == 0 && !vg_trk_grow_tracks(t)) {
        t->st.full++;
        return -1;
    }
    int32_t i = t->free_slots[--t->nfree];
    trk *k = trk_at(t, i);
    /* The next new track's record, which it writes whole, and its entries in the
     * per-track arrays: their lines on their way (a slot freed seconds ago is long
     * out of cache). */
    if (t->nfree > 0) {
        int32_t next = t->free_slots[t->nfree - 1];
        prefetch_record_for_write(t, next);
        prefetch_lines(&t->hot[next], sizeof t->hot[next], true);
        prefetch_lines(&t->keep[next], sizeof t->keep[next], true);
        prefetch_lines(&t->grid.link[next], sizeof t->grid.link[next], true);
        prefetch_lines(&t->live_pos[next], sizeof t->live_pos[next], true);
    }
    memset(k, 0, offsetof(trk, st)); /* st_init below writes the state */
    k->live = true;
    t->live_pos[i] = t->nlive;
    t->live[t->nlive++] = i;
    k->status = VG_TRACK_TENTATIVE;
    k->id = t->next_id++;
    k->t_state = k->t_kin = k->born = k->t_fix = time;
    /* A CV state in axes form is made in its record, not made aside and copied. */
    vg_kf kf;
    double *x = kf.x;
    if (t->cfg.model != VG_TRACK_MODEL_IMM && t->axes_form &&
        vg_kf_axes_init_position(&k->st.ax, pos, t->cfg.init_vel_var)) {
        k->axes = true;
        x = k->st.ax.x;
    } else {
        vg_kf_init_position(&kf, pos, t->cfg.init_vel_var);
    }
    if (in->has_velocity) {
        /* A reported velocity (Remote ID, ADS-B) starts the track moving. */
        x[3] = in->velocity.x;
        x[4] = in->velocity.y;
        x[5] = in->velocity.z;
    }
    if (!k->axes)
        k->axes = st_init(t, &k->st, &kf);
    k->hits = 1;
    k->opportunities = 1;
    memcpy(k->logp, t->class_prior, sizeof k->logp);
    memcpy(k->class_p, t->class_prior_p, sizeof k->class_p);
    apply_detection(t, i, in, integrity);
    t->hot[i].stamp = 0; /* scans count from 1: a reused slot is no one's column */
    t->hot[i].superseded = false;
    vg_trk_refresh_hot(t, i);
    if (integrity)
        t->st.spoof_flags++;
    t->st.started++;
    t->st.live++;
    vg_trk_file_in_grid(t, i, x[0], x[1], x[3], x[4]);
    return i;
}

/* ---- identities ---------------------------------------------------------------- */

/* Whether a cooperative position could belong to track k's object although it fails
 * the gate: within reach of the last estimate at the track's speed in any direction,
 * plus IDENTITY_ACCEL of braking or turning, plus three sigmas of both positions. A
 * spoofed position is elsewhere (hundreds of metres); a manoeuvre is within reach. */
static bool identity_reachable(const vg_tracker *t, const trk *k, const vg_meas_model *m,
                               vg_time time)
{
    if (m->kind != VG_MM_POSITION)
        return false;
    trk_view kv;
    st_view(t, &k->st, k->axes, &kv);
    double dt = max_d(dt_s(time, k->t_state), 0.0);
    if (dt > t->cfg.coast_after_s)
        return false; /* a silent track: re-acquisition's business (below) */
    const double *x = kv.x;
    double v = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
    double var = kv.pp[0] + kv.pp[1] + kv.pp[2] + m->R[0] + m->R[4] + m->R[8];
    double dx = m->z[0] - x[0], dy = m->z[1] - x[1], dz = m->z[2] - x[2];
    double reach = (v + IDENTITY_ACCEL * dt) * dt + 3.0 * sqrt(max_d(var, 0.0));
    return dx * dx + dy * dy + dz * dz <= reach * reach;
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

/* Output track i as its record holds it; geo, if not NULL, is its position in WGS84
 * (converted in a batch). */
static void emit_state(vg_tracker *t, int32_t i, vg_time time, const vg_geo *geo,
                       vg_track_emit_fn emit, void *ud)
{
    const trk *k = trk_at(t, i);
    trk_view v;
    st_view(t, &k->st, k->axes, &v);
    v.geo = geo;
    vg_trk_emit(t, i, &v, time, emit, ud);
}

/* ---- outputs in WGS84, in batches -------------------------------------------------
 *
 * Every output converts its position to WGS84: a chain of square roots and divisions
 * that the processor runs one after the other, waiting on each. Converted one per
 * output, amid all the rest an output does, the chains never overlap; converted
 * GEO_BATCH in a row, the conversions are independent and it runs several at once.
 * The same function on the same numbers: outputs do not change. CV tracks only (an
 * IMM track's position is its models' mixture, made when it is output). */
#define GEO_BATCH 32

/* The WGS84 positions of the CV tracks rows [r0, r0 + GEO_BATCH) of the scan would
 * start, at geo[r - r0]: a track born of a position is where it was detected. Returns
 * the end of the batch. */
static int births_to_geo(const vg_tracker *t, const vg_track_input *in, int r0, int n,
                         vg_geo geo[GEO_BATCH])
{
    int r1 = r0 + GEO_BATCH < n ? r0 + GEO_BATCH : n;
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        return r1;
    /* This loop reads the detections first, a batch ahead of the updates: the next
     * batch's first lines on their way. */
    for (int r = r1; r < n && r < r1 + GEO_BATCH; r++)
        prefetch_lines(&in[r], 64, false);
    for (int r = r0; r < r1; r++)
        if ((t->row[r] == ROW_OPEN || t->row[r] == ROW_SPOOF) &&
            in[r].mm.kind == VG_MM_POSITION)
            geo[r - r0] =
                vg_enu_to_geo(&t->site, (vg_vec3){in[r].mm.z[0], in[r].mm.z[1], in[r].mm.z[2]});
    return r1;
}

/* The WGS84 positions of the updated CV tracks of columns [c0, c0 + GEO_BATCH), at
 * geo[c - c0]. Returns the end of the batch. */
static int32_t updates_to_geo(const vg_tracker *t, int32_t c0, vg_geo geo[GEO_BATCH])
{
    int32_t c1 = c0 + GEO_BATCH < t->ncols ? c0 + GEO_BATCH : t->ncols;
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        return c1;
    /* The columns were last written in detection order, and are out of cache by
     * now: the next batch's on their way. */
    for (int32_t c = c1; c < t->ncols && c < c1 + GEO_BATCH; c++)
        prefetch_column(t, c);
    for (int32_t c = c0; c < c1; c++) {
        const column *col = col_at(t, c);
        /* (x leads both CV forms: pred.kf.x is pred.ax.x) */
        if (col->hit)
            geo[c - c0] = vg_enu_to_geo(
                &t->site, (vg_vec3){col->pred.kf.x[0], col->pred.kf.x[1], col->pred.kf.x[2]});
    }
    return c1;
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
        trk_at(t, i)->bearing_only = true;
    return i;
}

/* ---- the scan --------------------------------------------------------------------- */

/* Whether the clutter map leaves track k (or detection d) alone: objects that say
 * who they are are no clutter. */
static bool clutter_exempt(const trk *k, const vg_track_input *d)
{
    return vg_trk_id_cooperative(k->id_source) ||
           (d && vg_trk_id_cooperative(d->identity.source));
}

/* Whether track i sits where clutter arrives faster than the map allows. */
static bool in_dense_clutter(const vg_tracker *t, int32_t i, vg_time time)
{
    return t->clutter.cells && !clutter_exempt(trk_at(t, i), NULL) &&
           vg_clutter_map_rate(&t->clutter, t->hot[i].x, t->hot[i].y, time) >
               t->cfg.clutter_map_rate;
}

static void confirm_or_expire(vg_tracker *t, int32_t i, vg_time time, vg_track_emit_fn emit,
                              void *ud)
{
    trk *k = trk_at(t, i);
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

int vg_tracker_scan(vg_tracker *t, vg_time time, const char *sensor, const vg_track_input *in,
                    int n, vg_track_emit_fn emit, void *ud, vg_error *err)
{
    if (n < 0 || n > t->cfg.max_scan)
        return vg_err(err, VG_EINVAL, "tracker: scan of %d detections, at most %d "
                      "([tracker] max_scan)", n, t->cfg.max_scan);
    int32_t s = vg_sensor_names_index(&t->sensors, sensor);
    if (s < 0)
        return vg_err(err, s, "tracker: no memory to record sensor \"%.*s\"", VG_ID_MAX - 1,
                      sensor);
    t->scan_sensor = s;
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
        if (rf && (trk_at(t, k)->bearing_only ||
                   dt_s(time, trk_at(t, k)->t_fix) > t->cfg.coast_after_s))
            continue;
        int32_t c = vg_trk_column_of(t, k, time);
        double d2;
        vg_kf tmp;
        if (c >= 0 && !t->hot[k].bound &&
            ((vg_kf_innovation(col_kf(t, col_at(t, c), &tmp), &in[r].mm, NULL, NULL, &d2) == 0 &&
              d2 <= t->cfg.gate * t->cfg.gate) ||
             (!rf && identity_reachable(t, trk_at(t, k), &in[r].mm, time)))) {
            vg_trk_bind_column(t, c);
            t->row[r] = c;
            t->st.identity_bound++;
        } else if (c >= 0 && !t->hot[k].bound && rf) {
            /* An RF link's bearing away from its track: noise or a reflection while
             * the track is located; once the track has lost its fixes the link is
             * free to follow the bearings (association, triangulation). */
            if (dt_s(time, trk_at(t, k)->t_fix) <= t->cfg.coast_after_s) {
                t->row[r] = ROW_DROP;
                t->st.bearings_unused++;
            }
        } else if (c >= 0 && !t->hot[k].bound) {
            /* The identity's track is elsewhere. If it has been silent a while, this
             * is the same object re-acquired (it left coverage and came back): move
             * the track here. If it is being tracked right now, two places claim one
             * identity: a possible spoof, tracked apart and flagged. */
            if (dt_s(time, trk_at(t, k)->t_state) > t->cfg.coast_after_s) {
                vg_meas_model pos;
                const vg_meas_model *pm = &in[r].mm;
                if (pm->kind == VG_MM_POLAR && vg_meas_to_position(pm, &pos) == 0)
                    pm = &pos;
                if (pm->kind == VG_MM_POSITION) {
                    vg_kf kf;
                    vg_kf_init_position(&kf, pm, t->cfg.init_vel_var);
                    column *col = col_at(t, c);
                    col->axes = st_init(t, &col->pred, &kf);
                    if (t->cfg.model == VG_TRACK_MODEL_IMM)
                        vg_imm_combine(&col->pred.imm, &col->comb);
                    vg_trk_bind_column(t, c);
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
        prefetch_detection(in, r, n, DETECTION_HEAD);
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
            vg_trk_gather_first_pass(t, in, n, time);
        } else if (!t->defer_lost) {
            vg_trk_gather_deferred(t, in, time);
        } else {
            vg_trk_gather_in_detection_order(t, in, n, time);
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
                vg_trk_bind_column(t, t->row[r]);
            }
        }
    }

    /* 4. updates and new tracks, in detection order */
    bool cv = t->cfg.model != VG_TRACK_MODEL_IMM;
    vg_geo geo[GEO_BATCH];
    int batch_end = 0;
    for (int r = 0; r < n; r++) {
        if (r == batch_end)
            batch_end = births_to_geo(t, in, r, n, geo);
        prefetch_detection(in, r, n, sizeof *in); /* a new track reads all of it */
        int32_t c = t->row[r];
        if (r + 4 < n && t->row[r + 4] >= 0) {
            /* The record it updates, and the summaries refresh_hot rewrites. */
            int32_t ahead = t->col_track[t->row[r + 4]];
            prefetch_column(t, t->row[r + 4]);
            prefetch_track(t, ahead);
            prefetch_summaries(t, ahead);
        }
        if (c >= 0) {
            column *col = col_at(t, c);
            int32_t i = t->col_track[c];
            /* A failed update leaves the prediction as it was. */
            if (st_update(t, &col->pred, &col->axes, &in[r].mm) < 0) {
                t->st.rejected_by_filter++;
                continue;
            }
            trk *k = trk_at(t, i);
            col->hit = true;
            k->axes = col->axes;
            st_copy(t, &k->st, &col->pred, col->axes);
            k->t_state = time;
            k->hits = (uint16_t)(k->hits < UINT16_MAX ? k->hits + 1 : k->hits);
            if (in[r].mm.kind != VG_MM_BEARING || k->bearing_only)
                k->t_fix = time;
            if (in[r].mm.kind != VG_MM_BEARING)
                k->bearing_only = false;
            apply_detection(t, i, &in[r], 0);
            vg_trk_refresh_hot(t, i);
            t->st.assigned++;
            if (t->clutter.cells && k->status == VG_TRACK_TENTATIVE && !clutter_exempt(k, &in[r]))
                (void)vg_clutter_map_add(&t->clutter, t->hot[i].x, t->hot[i].y,
                                         time);
            continue;
        }
        if (c == ROW_DROP)
            continue;
        if (in[r].mm.kind == VG_MM_BEARING) {
            int32_t i = use_bearing(t, &in[r], time);
            if (i >= 0)
                emit_state(t, i, time, NULL, emit, ud);
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
        if (i >= 0)
            emit_state(t, i, time, cv && pm == &in[r].mm ? &geo[r % GEO_BATCH] : NULL, emit,
                       ud);
    }

    /* 5. track management for every track this scan looked at, then outputs */
    int32_t cbatch_end = 0;
    for (int32_t c = 0; c < t->ncols; c++) {
        if (c == cbatch_end)
            cbatch_end = updates_to_geo(t, c, geo);
        column *col = col_at(t, c);
        int32_t i = t->col_track[c];
        trk *k = trk_at(t, i);
        if (c + 4 < t->ncols) {
            /* Its record's header, and its grid link, which re-filing reads. */
            prefetch_header(t, t->col_track[c + 4]);
            prefetch_lines(&t->grid.link[t->col_track[c + 4]], sizeof *t->grid.link, false);
        }
        if (!k->live)
            continue;
        if (k->opportunities < UINT16_MAX)
            k->opportunities++;
        if (!col->hit) {
            confirm_or_expire(t, i, time, emit, ud);
            continue;
        }
        if (k->status == VG_TRACK_COASTING) {
            k->status = VG_TRACK_CONFIRMED;
        }
        confirm_or_expire(t, i, time, emit, ud);
        if (!k->live)
            continue; /* hit on its window's last scan, still short of hits: gone */
        /* The column holds the state the update left in the record: read there, in
         * column order, rather than from the record. */
        trk_view v;
        st_view(t, &col->pred, col->axes, &v);
        if (cv)
            v.geo = &geo[c % GEO_BATCH];
        /* Kinematic evidence once a second, and only from a velocity worth reading:
         * two or three plots make a speed of anything, and a pigeon's first seconds
         * would make it a drone. */
        if (k->status != VG_TRACK_TENTATIVE && dt_s(time, k->t_kin) >= 1.0 &&
            v.vv[0] + v.vv[1] <= KIN_VEL_VAR_MAX) {
            if (vg_class_kinematics(k->logp, hypot(v.x[3], v.x[4]), v.x[5], v.x[2],
                                    &k->class_settled))
                vg_class_probabilities(k->logp, k->class_p);
            k->t_kin = time;
        }
        vg_trk_file_in_grid(t, i, v.x[0], v.x[1], v.x[3], v.x[4]);
        vg_trk_emit(t, i, &v, time, emit, ud);
    }
    return 0;
}
