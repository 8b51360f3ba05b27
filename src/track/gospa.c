/* track/gospa.c — the GOSPA distance (alpha = 2) between estimated and true
 * positions, and its split into localisation, missed and false terms.
 *
 * GOSPA is an assignment problem with a price for leaving either side alone, which
 * is exactly what vg_assign solves: estimates are rows, truths are columns, pairs
 * closer than c are edges costing d^p, and an unassigned estimate (false) or truth
 * (missed) costs c^p/2. Pairs at d ≥ c are left out: they would cost c^p, the same
 * as one missed plus one false, so dropping them changes no minimum — and it keeps
 * the problem sparse, which matters for 10 000-target scenes.
 *
 * Close pairs are found by sorting the truths by x once per call and scanning, for
 * each estimate, the slab |x_truth − x_est| ≤ c: no grid to size, no hashing, exact,
 * and fast when c is small against the scene, which is the case GOSPA is used in. */
#include "vigie/gospa.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vg_gospa_key {
    double x;
    int index;
};

int vg_gospa_init(vg_gospa *g, int max_est, int max_truth, int max_pairs, vg_error *err)
{
    if (!g)
        return vg_err(err, VG_EINVAL, "gospa: NULL workspace");
    memset(g, 0, sizeof *g);
    if (max_est < 0 || max_truth < 0 || max_pairs < 0)
        return vg_err(err, VG_EINVAL,
                      "gospa: negative capacity (estimates %d, truths %d, pairs %d)", max_est,
                      max_truth, max_pairs);
    int rc = vg_assign_init(&g->assign, max_est, max_truth, max_pairs, err);
    if (rc < 0) {
        vg_err_prefix(err, "gospa: ");
        return rc;
    }
    /* +1: malloc(0) may return NULL, which would read as a failure. */
    g->edges = malloc(sizeof *g->edges * ((size_t)max_pairs + 1));
    g->est_to_truth = malloc(sizeof *g->est_to_truth * ((size_t)max_est + 1));
    g->by_x = malloc(sizeof *g->by_x * ((size_t)max_truth + 1));
    if (!g->edges || !g->est_to_truth || !g->by_x) {
        vg_gospa_free(g);
        return vg_err(err, VG_ENOMEM, "gospa: cannot allocate buffers for %d pairs", max_pairs);
    }
    g->max_est = max_est;
    g->max_truth = max_truth;
    g->max_pairs = max_pairs;
    return 0;
}

void vg_gospa_free(vg_gospa *g)
{
    if (!g)
        return;
    vg_assign_free(&g->assign);
    free(g->edges);
    free(g->est_to_truth);
    free(g->by_x);
    memset(g, 0, sizeof *g);
}

/* ---- truths sorted by x: an in-place heapsort (libc qsort may allocate, and the
 * (x, index) order is total, so any correct sort gives the same array) ---------- */

static int key_less(const struct vg_gospa_key *p, const struct vg_gospa_key *q)
{
    return p->x < q->x || (p->x == q->x && p->index < q->index);
}

static void sift_down(struct vg_gospa_key *k, int at, int n)
{
    for (;;) {
        int child = 2 * at + 1;
        if (child >= n)
            return;
        if (child + 1 < n && key_less(&k[child], &k[child + 1]))
            child++;
        if (!key_less(&k[at], &k[child]))
            return;
        struct vg_gospa_key t = k[at];
        k[at] = k[child];
        k[child] = t;
        at = child;
    }
}

static void sort_keys(struct vg_gospa_key *k, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift_down(k, i, n);
    for (int end = n - 1; end > 0; end--) {
        struct vg_gospa_key t = k[0];
        k[0] = k[end];
        k[end] = t;
        sift_down(k, 0, end);
    }
}

/* First position whose x is ≥ x (n when none). */
static int lower_bound(const struct vg_gospa_key *k, int n, double x)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (k[mid].x < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- the metric ------------------------------------------------------------------ */

/* d^p from the squared distance; p = 2 avoids a square root and its rounding. */
static double dist_p(vg_vec3 a, vg_vec3 b, double p, double *d2_out)
{
    double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
    double d2 = dx * dx + dy * dy + dz * dz;
    *d2_out = d2;
    if (p == 2.0)
        return d2;
    double d = sqrt(d2);
    return p == 1.0 ? d : pow(d, p);
}

static int check_points(const vg_vec3 *pts, int n, const char *what, vg_error *err)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y) || !isfinite(pts[i].z))
            return vg_err(err, VG_EINVAL, "gospa: %s %d: non-finite coordinate", what, i);
    return 0;
}

int vg_gospa_compute(vg_gospa *g, const vg_vec3 *est, int n_est, const vg_vec3 *truth,
                     int n_truth, double c, double p, vg_gospa_result *out,
                     int *est_to_truth, vg_error *err)
{
    if (!g || !g->edges)
        return vg_err(err, VG_EINVAL, "gospa: workspace not initialised");
    if (!out)
        return vg_err(err, VG_EINVAL, "gospa: NULL result");
    if (n_est < 0 || n_truth < 0)
        return vg_err(err, VG_EINVAL, "gospa: negative count (estimates %d, truths %d)",
                      n_est, n_truth);
    if (n_est > g->max_est)
        return vg_err(err, VG_EFULL, "gospa: %d estimates, capacity %d", n_est, g->max_est);
    if (n_truth > g->max_truth)
        return vg_err(err, VG_EFULL, "gospa: %d truths, capacity %d", n_truth, g->max_truth);
    if ((n_est > 0 && !est) || (n_truth > 0 && !truth))
        return vg_err(err, VG_EINVAL, "gospa: NULL point array");
    if (!(c > 0.0) || !isfinite(c))
        return vg_err(err, VG_EINVAL, "gospa: cut-off c = %g, must be finite and > 0", c);
    if (!(p >= 1.0) || !isfinite(p))
        return vg_err(err, VG_EINVAL, "gospa: order p = %g, must be finite and >= 1", p);
    double cp = pow(c, p);
    if (!(cp <= VG_ASSIGN_COST_MAX))
        return vg_err(err, VG_ERANGE, "gospa: c^p = %g^%g too large", c, p);
    int rc = check_points(est, n_est, "estimate", err);
    if (rc == 0)
        rc = check_points(truth, n_truth, "truth", err);
    if (rc < 0)
        return rc;

    for (int j = 0; j < n_truth; j++) {
        g->by_x[j].x = truth[j].x;
        g->by_x[j].index = j;
    }
    sort_keys(g->by_x, n_truth);

    double c2 = c * c;
    int n_pairs = 0;
    for (int i = 0; i < n_est; i++) {
        for (int k = lower_bound(g->by_x, n_truth, est[i].x - c);
             k < n_truth && g->by_x[k].x <= est[i].x + c; k++) {
            int j = g->by_x[k].index;
            double d2;
            double cost = dist_p(est[i], truth[j], p, &d2);
            if (!(d2 < c2))
                continue;
            if (n_pairs == g->max_pairs)
                return vg_err(err, VG_EFULL, "gospa: more than %d pairs closer than c = %g",
                              g->max_pairs, c);
            g->edges[n_pairs++] = (vg_assign_edge){i, j, cost};
        }
    }

    double half = cp / 2.0;
    rc = vg_assign_solve(&g->assign, n_est, n_truth, g->edges, n_pairs, half, half,
                         g->est_to_truth, NULL, err);
    if (rc < 0) { /* cannot happen: every argument was checked above */
        vg_err_prefix(err, "gospa: ");
        return rc;
    }

    /* Recompute the terms from the pairs, in estimate order, so that each reported
     * number is exactly what its definition says. */
    vg_gospa_result r = {0};
    for (int i = 0; i < n_est; i++) {
        int j = g->est_to_truth[i];
        if (j < 0)
            continue;
        double d2;
        r.localisation += dist_p(est[i], truth[j], p, &d2);
        r.n_assigned++;
    }
    r.n_missed = n_truth - r.n_assigned;
    r.n_false = n_est - r.n_assigned;
    r.missed_term = half * (double)r.n_missed;
    r.false_term = half * (double)r.n_false;
    double sum = r.localisation + r.missed_term + r.false_term;
    r.distance = p == 1.0 ? sum : p == 2.0 ? sqrt(sum) : pow(sum, 1.0 / p);
    *out = r;
    if (est_to_truth)
        memcpy(est_to_truth, g->est_to_truth, sizeof *est_to_truth * (size_t)n_est);
    return 0;
}
