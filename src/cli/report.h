/* cli/report.h — `vigie replay --truth FILE --report`: scoring a run against ground
 * truth (private to the vigie command).
 *
 * Truth is JSON Lines: {"type":"truth","time":…,"id":N,"enu":{x,y,z}} or with
 * "geodetic":{lat,lon,alt} instead of "enu". At every time the truth file has, once
 * the engine has seen all input up to that time, the confirmed tracks are compared
 * with the truths by GOSPA (alpha = 2, cut-off c, order p); the report averages the
 * per-time values. Shell code: it reads files and clocks. */
#ifndef VIGIE_CLI_REPORT_H
#define VIGIE_CLI_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "vigie/engine.h"

typedef struct vg_report vg_report;

/* One line of a truth file: id (string or number), optional role and kind (what
 * the simulator writes: "intruder", "whitelisted"...; "drone", "bird", "aircraft"). */
typedef struct vg_truth {
    vg_time time;
    bool geodetic;              /* position given as geodetic (else enu) */
    vg_vec3 enu;
    vg_geo geo;
    char id[VG_ID_MAX];
    char role[24];
    char kind[16];
    bool detected;              /* a sensor detected it since its previous sample */
    int obj;                    /* the report's object index */
} vg_truth;

/* Parse one truth line; returns 0 or a negative code with a message naming the
 * field. Exposed for the fuzz target. */
int vg_truth_parse(const char *line, size_t len, vg_truth *t, vg_error *err);

/* Load the truth file (NULL: a report without scores). */
int vg_report_new(const char *truth_path, double gospa_c, double gospa_p, vg_report **out,
                  vg_error *err);
void vg_report_free(vg_report *r);

/* Whether a truth time earlier than `next` waits to be scored. The caller then
 * completes the engine's open scan (vg_engine_flush, timed as engine work) and calls
 * vg_report_advance. */
bool vg_report_due(const vg_report *r, vg_time next);

/* Score every truth time earlier than `next` against the tracks as they are now:
 * call before pushing an event of time `next`, after vg_engine_flush (VG_TIME_MAX at
 * the end of input). */
int vg_report_advance(vg_report *r, vg_engine *e, vg_time next, vg_error *err);

/* Heights for the zone tests of the per-object scores (the site's). */
void vg_report_set_heights(vg_report *r, double ground_elevation, double geoid_undulation);

/* Every output event of the engine, for the alert scores (call from the sink). */
void vg_report_output(vg_report *r, const vg_event *ev);

/* Print the one-line JSON report. */
void vg_report_print(vg_report *r, const vg_engine *e, FILE *out, double wall_seconds,
                     double engine_seconds);

#endif
