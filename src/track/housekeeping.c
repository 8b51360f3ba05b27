/* track/housekeeping.c — what the tracker does once a second between scans: drop
 * the tracks too old or too uncertain to follow, mark the silent confirmed ones as
 * coasting, and re-file every track in the spatial grid at its predicted position
 * (so that a query radius grown by the fastest track's travel since then always
 * finds it). Outputs the drops and the coasting tracks. */
#include <math.h>

#include "track/tracker_int.h"

/* Where a CV track will be at dt ≥ 0 from its state, and the trace of its predicted
 * position covariance: what housekeeping needs, without predicting the whole
 * covariance. The arithmetic is vg_kf_predict_cv's for these entries, so the
 * decisions are those a full prediction would give. */
static double cv_pos_trace_at(const trk_view *v, double dt, double q, double *e, double *n)
{
    *e = v->x[0];
    *n = v->x[1];
    if (!(dt > 0.0) || !isfinite(dt))
        return view_pos_trace(v);
    *e += dt * v->x[3];
    *n += dt * v->x[4];
    double dt2 = dt * dt;
    double qpp = q * dt2 * dt / 3.0;
    double d[3];
    for (int i = 0; i < 3; i++) {
        double pv = v->pv[i] + dt * v->vv[i];
        d[i] = (v->pp[i] + dt * v->vp[i]) + dt * pv + qpp;
    }
    return d[0] + d[1] + d[2];
}

/* The decision for a CV track from its summaries alone, without its record: 1 keep
 * (its predicted position in *e, *n), -1 drop for its covariance, 0 undecided (too
 * close to the limit, or a confirmed track that may start coasting: the record
 * decides). The polynomial is the exact computation's sum regrouped, so the two
 * differ by rounding only, a few units of 1e-16 of the terms' magnitudes; a margin
 * of 1e-9 of that magnitude makes every decision taken here the exact one's. */
static int cv_fast_decision(const vg_tracker *t, const trk_hot *h, const trk_keep *kp,
                            vg_time time, double *e, double *n)
{
    double dt = dt_s(time, h->t_state);
    if (!h->tentative && dt > t->cfg.coast_after_s)
        return 0;
    double q = t->cfg.process_noise, trace, mag;
    if (dt > 0.0) {
        trace = kp->tr0 + dt * (kp->tr1 + dt * (kp->tr2 + q * dt));
        mag = kp->tr0 + dt * (kp->tr1_abs + dt * (kp->tr2 + q * dt));
        *e = h->x + dt * h->vx;
        *n = h->y + dt * h->vy;
    } else {
        trace = mag = kp->tr0; /* what the exact computation returns as it is */
        *e = h->x;
        *n = h->y;
    }
    double margin = 1e-9 * fabs(mag);
    if (trace + margin < t->cfg.delete_pos_var)
        return 1;
    if (trace - margin > t->cfg.delete_pos_var)
        return -1;
    return 0; /* NaN too */
}

void vg_tracker_maintain(vg_tracker *t, vg_time time, vg_track_emit_fn emit, void *ud)
{
    vg_grid_clear(&t->grid);
    vg_grid_reserve(&t->grid, (uint32_t)t->nlive); /* no room: puts rebuild as they go */
    vg_grid_bulk_begin(&t->grid);
    t->vmax = 0.0;
    t->grid_time = time;
    bool cv = t->cfg.model != VG_TRACK_MODEL_IMM;
    /* Walk the live list by position: a drop moves the last entry into the current
     * one, which is then visited next (hence no increment after a drop). The order
     * depends only on the events, so outputs stay deterministic. Most tracks are
     * decided from their summaries (trk_hot, trk_keep: two small arrays) and never
     * have their records read: with tens of thousands of tracks, reading every
     * record each second is most of what housekeeping costs. */
    for (int32_t n = 0; n < t->nlive;) {
        int32_t i = t->live[n];
        const trk_hot *h = &t->hot[i];
        if (n + 8 < t->nlive)
            prefetch_summaries(t, t->live[n + 8]);
        /* Four tracks on, whose summaries have arrived: the tracks dropped here are
         * mostly tentative ones born of clutter (by the thousand), and a drop reads
         * the first line of the record. Their fate is not decided twice to spare the
         * others a line. */
        if (n + 4 < t->nlive && t->hot[t->live[n + 4]].tentative)
            prefetch_first_line(t, t->live[n + 4]);
        double age = dt_s(time, h->t_state);
        if (age > t->cfg.delete_after_s || h->superseded) {
            vg_trk_drop(t, i, time, h->superseded ? "superseded" : "timeout", emit, ud);
            continue;
        }
        double e, no;
        int fast = cv ? cv_fast_decision(t, h, &t->keep[i], time, &e, &no) : 0;
        if (fast > 0) {
            n++;
            vg_trk_file_in_grid(t, i, e, no, h->vx, h->vy);
            continue;
        }
        if (fast < 0) {
            vg_trk_drop(t, i, time, "covariance", emit, ud);
            continue;
        }
        /* Most tracks only need their predicted position and position variance;
         * the whole prediction is made for the few that change status. */
        trk *k = trk_at(t, i);
        double dt = dt_s(time, k->t_state), trace;
        trk_view v; /* CV: the record's state; IMM: its prediction, combined */
        if (cv) {
            st_view(t, &k->st, k->axes, &v);
            trace = cv_pos_trace_at(&v, dt, t->cfg.process_noise, &e, &no);
        } else {
            state s = k->st;
            st_predict(t, &s, false, dt);
            st_view(t, &s, false, &v);
            trace = view_pos_trace(&v);
            e = v.x[0];
            no = v.x[1];
        }
        if (trace > t->cfg.delete_pos_var) {
            vg_trk_drop(t, i, time, "covariance", emit, ud);
            continue;
        }
        n++;
        if (k->status == VG_TRACK_CONFIRMED && age > t->cfg.coast_after_s) {
            k->status = VG_TRACK_COASTING;
            trk_view at = v;
            if (cv) {
                state s;
                st_copy(t, &s, &k->st, k->axes);
                st_predict(t, &s, k->axes, dt);
                st_view(t, &s, k->axes, &at);
            }
            vg_trk_emit(t, i, &at, time, emit, ud);
        }
        vg_trk_file_in_grid(t, i, e, no, v.x[3], v.x[4]);
    }
    vg_grid_bulk_end(&t->grid);
    vg_trk_id_rebuild_if_needed(t);
}
