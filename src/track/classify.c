/* track/classify.c — fusing class evidence over a track's life. See classify.h. */
#include "track/classify.h"

#include <math.h>
#include <string.h>

/* No class ever drops below this probability: evidence can always turn it around. */
#define FLOOR 1e-4

/* fmax, inline (the library call is not): NaN yields the other argument. */
static double max_of(double a, double b)
{
    return (a > b || b != b) ? a : b;
}

/* exp(x), skipping the call where the answer is known exactly: exp(0) is 1. */
static double exp_or_one(double x)
{
    return x == 0.0 ? 1.0 : exp(x);
}

static void normalise(double logp[VG_CLASS_COUNT])
{
    double m = logp[0];
    for (int c = 1; c < VG_CLASS_COUNT; c++)
        m = max_of(m, logp[c]);
    double sum = 0.0;
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        sum += exp_or_one(logp[c] - m);
    double lse = m + log(sum);
    double again = 0.0;
    for (int c = 0; c < VG_CLASS_COUNT; c++) {
        /* Far below ln FLOOR (−9.21) the exponential is under the floor whatever its
         * last bits: the floor it is, without computing it. */
        double x = logp[c] - lse;
        double p = x < -9.5 ? FLOOR : max_of(exp(x), FLOOR);
        logp[c] = p;
        again += p;
    }
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        logp[c] = log(logp[c] / again);
}

/* Multiply by likelihoods l (any positive scale). */
static void apply(double logp[VG_CLASS_COUNT], const double l[VG_CLASS_COUNT])
{
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        logp[c] += log(l[c]);
    normalise(logp);
}

/* The same with the likelihoods' logarithms given: the fixed tables below are
 * applied to every confirmed track every second, and their logarithms are
 * constants (written out to the last bit, as log() gives them). */
static void apply_log(double logp[VG_CLASS_COUNT], const double ll[VG_CLASS_COUNT])
{
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        logp[c] += ll[c];
    normalise(logp);
}

void vg_class_init(double logp[VG_CLASS_COUNT])
{
    /* Most of what a counter-drone sensor sees over a city is not yet explained. */
    static const double prior[VG_CLASS_COUNT] = {0.2, 0.2, 0.2, 0.4};
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        logp[c] = log(prior[c]);
}

bool vg_class_detection(double logp[VG_CLASS_COUNT], const vg_track_input *d)
{
    bool changed = d->has_class_hint;
    if (d->has_class_hint) {
        /* A hint is a sensor's classifier output: trust it, but softly (its own
         * errors are not independent from one scan to the next). */
        double known = d->class_hint[0] + d->class_hint[1] + d->class_hint[2];
        double l[VG_CLASS_COUNT] = {d->class_hint[0], d->class_hint[1], d->class_hint[2],
                                    fmax(0.0, 1.0 - known)};
        for (int c = 0; c < VG_CLASS_COUNT; c++)
            l[c] = 0.2 + 0.8 * l[c];
        apply(logp, l);
    }
    if (d->identity.source == VG_IDSRC_REMOTEID || d->identity.source == VG_IDSRC_FRBEACON) {
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.95, 0.01, 0.02, 0.02} */
            -0.051293294387550578, -4.6051701859880909, -3.912023005428146, -3.912023005428146};
        apply_log(logp, ll);
    } else if (d->identity.source == VG_IDSRC_ADSB) {
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.02, 0.01, 0.95, 0.02} */
            -3.912023005428146, -4.6051701859880909, -0.051293294387550578, -3.912023005428146};
        apply_log(logp, ll);
    } else if (d->identity.source == VG_IDSRC_RF) {
        /* A drone's control link: birds and airliners do not emit one. */
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.7, 0.05, 0.1, 0.15} */
            -0.35667494393873245, -2.9957322735539909, -2.3025850929940455, -1.8971199848858813};
        apply_log(logp, ll);
    } else {
        return changed;
    }
    return true;
}

/* apply_log for kinematic table number `table` (1, 2, ...), remembering in
 * *settled the table of which logp is a fixed point. A track seen doing the same
 * thing second after second (hovering, say) reaches one within a few dozen
 * applications — the floor holds the unlikely classes still — and from then on the
 * table would give back the same bits: it is not applied again (thirteen
 * exponentials and logarithms saved), and nothing changed is reported. */
static bool apply_settling(double logp[VG_CLASS_COUNT], const double ll[VG_CLASS_COUNT],
                           uint8_t table, uint8_t *settled)
{
    if (*settled == table)
        return false;
    double before[VG_CLASS_COUNT];
    memcpy(before, logp, sizeof before);
    apply_log(logp, ll);
    if (memcmp(before, logp, sizeof before) == 0) {
        *settled = table;
        return false;
    }
    *settled = 0;
    return true;
}

bool vg_class_kinematics(double logp[VG_CLASS_COUNT], double speed_h, double speed_v,
                         double height, uint8_t *settled)
{
    (void)speed_v;
    /* Consumer drones stay under ~20 m/s and FPV racers under ~50; pigeons and gulls
     * fly 10-20 m/s; manned aircraft are fast or high (FACTS.md §4). */
    if (speed_h > 60.0 || height > 1000.0) {
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.05, 0.02, 0.9, 0.1} */
            -2.9957322735539909, -3.912023005428146, -0.10536051565782628, -2.3025850929940455};
        return apply_settling(logp, ll, 1, settled);
    } else if (speed_h > 25.0) {
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.5, 0.05, 0.4, 0.2} */
            -0.69314718055994529, -2.9957322735539909, -0.916290731874155, -1.6094379124341003};
        return apply_settling(logp, ll, 2, settled);
    } else if (speed_h < 1.0 && fabs(speed_v) < 1.0) {
        /* Hovering: drones and helicopters do, birds seldom, aeroplanes never. */
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.6, 0.15, 0.15, 0.3} */
            -0.51082562376599072, -1.8971199848858813, -1.8971199848858813, -1.2039728043259361};
        return apply_settling(logp, ll, 3, settled);
    } else if (speed_h >= 8.0 && speed_h <= 22.0 && height < 150.0) {
        static const double ll[VG_CLASS_COUNT] = { /* ln {0.4, 0.4, 0.05, 0.3} */
            -0.916290731874155, -0.916290731874155, -2.9957322735539909, -1.2039728043259361};
        return apply_settling(logp, ll, 4, settled);
    }
    return false;
}

void vg_class_probabilities(const double logp[VG_CLASS_COUNT], double p[VG_CLASS_COUNT])
{
    for (int c = 0; c < VG_CLASS_COUNT; c++)
        p[c] = exp(logp[c]);
}
