/* track/classify.h — per-track class evidence fusion (private to the tracker).
 *
 * A track's class (drone, bird, aircraft, unknown) is a probability vector kept as
 * normalised log-probabilities and updated by Bayes' rule with soft likelihoods: a
 * sensor's class hint, a cooperative identity (Remote ID and the French beacon are
 * drones, ADS-B is an aircraft), and kinematics (speed, height, hovering). Every
 * likelihood is bounded away from zero and every class keeps a floor, so no single
 * piece of evidence is final and a wrong early guess can be undone. */
#ifndef VIGIE_TRACK_CLASSIFY_H
#define VIGIE_TRACK_CLASSIFY_H

#include "vigie/event.h"
#include "vigie/track.h"

/* The prior of a new track. */
void vg_class_init(double logp[VG_CLASS_COUNT]);

/* Evidence carried by a detection (hint, identity source). Returns whether there was
 * any (logp changed). */
bool vg_class_detection(double logp[VG_CLASS_COUNT], const vg_track_input *d);

/* Evidence from kinematics: horizontal speed (m/s), vertical speed and height above
 * the site origin (m). The tracker applies it at most once per second of track
 * time, to confirmed tracks, so a long track does not drown its other evidence.
 * Returns whether logp changed. *settled is the caller's per-track memory of a
 * table that no longer changes logp (0 at first; reset it to 0 whenever anything
 * else changes logp). */
bool vg_class_kinematics(double logp[VG_CLASS_COUNT], double speed_h, double speed_v,
                         double height, uint8_t *settled);

/* Probabilities from log-probabilities. */
void vg_class_probabilities(const double logp[VG_CLASS_COUNT], double p[VG_CLASS_COUNT]);

#endif
