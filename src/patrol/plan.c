/* patrol/plan.c — dynamic patrol plans ("garde dynamique") and their coverage.
 *
 * Sentinelle patrols are mostly mobile and random: one patrol covers several sites,
 * in an order and at times an observer cannot predict. The generator plays the
 * units forward in time: the unit free first picks its next site at random among
 * the (up to three) sites whose deadlines — last presence + the posture's interval,
 * less the travel time — come soonest, may linger before leaving when it has slack,
 * and stays 5–15 min. Randomness comes from a seeded splitmix64, so a plan is
 * reproducible from its seed. The evaluator counts the site-hours in which no
 * instant is further from a presence than the obligation allows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "patrol/patrol_int.h"

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static double uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(next_rand(s) >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct plan_unit {
    int index;                   /* into the caller's units */
    vg_time free_at;
    double lat, lon;
    int at_site;                 /* -1 before its first visit */
} plan_unit;

static vg_time secs(double s)
{
    return (vg_time)llround(s * 1e6);
}

int vg_plan_generate(const vg_unit *units, int nunits, const vg_patrol_site *sites, int nsites,
                     const vg_posture_params *params, const vg_patrol_opts *opts, vg_time start,
                     double hours, uint64_t seed, vg_plan_visit *out, int cap, int *n,
                     vg_error *err)
{
    *n = 0;
    if (!units || !sites || !params || nunits < 0 || nsites < 1 || cap < 0 ||
        !(hours > 0 && hours <= 24 * 14))
        return vg_err(err, VG_EINVAL, "plan: needs sites, and hours in (0, 336]");
    vg_patrol_opts o = opts ? *opts : (vg_patrol_opts){0};
    vg_patrol_opts_resolve(&o);
    vg_time end = start + secs(hours * 3600.0);
    bool continuous = params->patrol_continuous;
    double interval = continuous ? 0.0 : params->patrol_interval_s;
    plan_unit *pu = calloc((size_t)(nunits > 0 ? nunits : 1), sizeof *pu);
    vg_time *covered = calloc((size_t)nsites, sizeof *covered);
    if (!pu || !covered) {
        free(pu);
        free(covered);
        return vg_err(err, VG_ENOMEM, "plan: out of memory");
    }
    int np = 0;
    for (int i = 0; i < nunits; i++) {
        if (units[i].status == VG_UNIT_OFF_DUTY)
            continue;
        plan_unit *u = &pu[np];
        u->index = i;
        u->free_at = start;
        u->at_site = -1;
        const vg_patrol_site *home = &sites[np % nsites];
        u->lat = units[i].has_pos ? units[i].lat : home->lat;
        u->lon = units[i].has_pos ? units[i].lon : home->lon;
        np++;
    }
    for (int i = 0; i < nsites; i++)
        covered[i] = start; /* handed over covered by the previous shift */
    int rc = 0;
    while (np > 0) {
        plan_unit *u = &pu[0];
        for (int i = 1; i < np; i++)
            if (pu[i].free_at < u->free_at)
                u = &pu[i];
        if (u->free_at >= end)
            break;
        double speed = pt_speed(&o, units[u->index].mode);
        /* The three most urgent sites, ties by index. Urgency is the deadline
         * (last presence + interval) plus the travel time: the earliest deadline,
         * and among close deadlines the nearest site — by slack alone a unit
         * would cross the sector to the farthest of equally due sites. */
        int best[3] = {-1, -1, -1};
        double score[3] = {0, 0, 0}, slack[3] = {0, 0, 0};
        vg_time arrive_at[3] = {0, 0, 0};
        for (int s = 0; s < nsites; s++) {
            if (s == u->at_site && nsites > 1)
                continue;
            double travel = pt_distance_m(u->lat, u->lon, sites[s].lat, sites[s].lon) *
                            o.detour_factor / speed;
            vg_time arrive = u->free_at + secs(travel);
            double sl = (double)(covered[s] - arrive) / 1e6 + interval;
            double sc = (double)(covered[s] - start) / 1e6 + interval + travel;
            for (int k = 0; k < 3; k++) {
                if (best[k] < 0 || sc < score[k]) {
                    for (int m = 2; m > k; m--) {
                        best[m] = best[m - 1];
                        score[m] = score[m - 1];
                        slack[m] = slack[m - 1];
                        arrive_at[m] = arrive_at[m - 1];
                    }
                    best[k] = s;
                    score[k] = sc;
                    slack[k] = sl;
                    arrive_at[k] = arrive;
                    break;
                }
            }
        }
        /* Unpredictable, but not careless: only sites whose urgency is within a
         * quarter of the interval of the most urgent one's are drawn from, and only
         * while the most urgent one has half an interval to spare. */
        int choices = 1;
        /* A site already at risk is served first, whatever the draw. */
        while (slack[0] > interval * 0.5 && choices < 3 && best[choices] >= 0 &&
               score[choices] - score[0] <= fmax(interval * 0.25, 60.0))
            choices++;
        int pick = (int)(next_rand(&seed) % (uint64_t)choices);
        int s = best[pick];
        vg_time arrive = arrive_at[pick];
        /* With slack to spare, roam a little first: the arrival time is not
         * predictable either. */
        if (slack[pick] > 1200.0)
            arrive += secs(uniform(&seed, 0.0, fmin((slack[pick] - 1200.0) / 2.0, 600.0)));
        if (arrive >= end) {
            u->free_at = end;
            continue;
        }
        double dwell = continuous ? (double)(end - arrive) / 1e6 : uniform(&seed, 300.0, 900.0);
        vg_time leave = arrive + secs(dwell);
        if (leave > end)
            leave = end;
        if (*n >= cap) {
            rc = vg_err(err, VG_EFULL, "plan: more than %d visits", cap);
            break;
        }
        out[(*n)++] = (vg_plan_visit){u->index, s, arrive, leave};
        if (leave > covered[s])
            covered[s] = leave;
        u->free_at = leave;
        u->lat = sites[s].lat;
        u->lon = sites[s].lon;
        u->at_site = s;
    }
    free(pu);
    free(covered);
    if (rc < 0)
        return rc;
    /* Visits come out unit by unit as they were decided; sort by arrival. Insertion
     * sort keeps equal arrivals in decision order, so the output is stable. */
    for (int i = 1; i < *n; i++) {
        vg_plan_visit v = out[i];
        int j = i;
        while (j > 0 && out[j - 1].arrive > v.arrive) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = v;
    }
    return 0;
}

static int by_site_then_arrival(const void *a, const void *b)
{
    const vg_plan_visit *x = a, *y = b;
    if (x->site != y->site)
        return x->site < y->site ? -1 : 1;
    return x->arrive < y->arrive ? -1 : x->arrive > y->arrive;
}

double vg_plan_coverage(const vg_patrol_site *sites, int nsites, const vg_plan_visit *visits,
                        int nvisits, const vg_posture_params *params, const vg_patrol_opts *opts,
                        vg_time start, double hours)
{
    if (nsites <= 0 || !(hours > 0) || !params || nvisits < 0)
        return 0.0;
    (void)sites;
    vg_patrol_opts o = opts ? *opts : (vg_patrol_opts){0};
    vg_patrol_opts_resolve(&o);
    vg_time interval = secs(params->patrol_continuous ? o.gap_grace_s : params->patrol_interval_s);
    int nslots = (int)ceil(hours);
    vg_time end = start + secs(hours * 3600.0);
    vg_plan_visit *v = malloc((size_t)(nvisits > 0 ? nvisits : 1) * sizeof *v);
    bool *bad = calloc((size_t)nslots, sizeof *bad);
    if (!v || !bad) {
        free(v);
        free(bad);
        return -1.0;
    }
    if (nvisits > 0)
        memcpy(v, visits, (size_t)nvisits * sizeof *v);
    qsort(v, (size_t)nvisits, sizeof *v, by_site_then_arrival);
    long met = 0;
    int k = 0;
    while (k < nvisits && v[k].site < 0)
        k++; /* not a site: ignored */
    for (int s = 0; s < nsites; s++) {
        memset(bad, 0, (size_t)nslots * sizeof *bad);
        vg_time last = start;
        for (;; k++) {
            bool more = k < nvisits && v[k].site == s;
            vg_time next = more ? v[k].arrive : end;
            /* Violated over (last + interval, next). */
            vg_time a = last + interval;
            if (next > a) {
                int first = (int)((a - start) / secs(3600.0));
                for (int h = first < 0 ? 0 : first; h < nslots; h++) {
                    vg_time h0 = start + (vg_time)h * secs(3600.0);
                    if (h0 >= next)
                        break;
                    bad[h] = true;
                }
            }
            if (!more)
                break;
            if (v[k].leave > last)
                last = v[k].leave;
        }
        for (int h = 0; h < nslots; h++)
            met += !bad[h];
    }
    free(v);
    free(bad);
    return (double)met / ((double)nsites * (double)nslots);
}
