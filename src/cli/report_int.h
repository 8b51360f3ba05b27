/* cli/report_int.h — what report.c and report_objects.c share: the per-object
 * scores of a replay against truth. */
#ifndef VIGIE_CLI_REPORT_INT_H
#define VIGIE_CLI_REPORT_INT_H

#include "cli/report.h"
#include "vigie/strbuf.h"
#include "vigie/zones.h"

#define REP_ZONES 8
#define REP_RULES 8

typedef struct rep_zone {
    int zone;                    /* index in the engine's zone list */
    vg_time entry, first_alert;  /* VG_TIME_MAX: none */
} rep_zone;

typedef struct rep_object {
    char id[VG_ID_MAX];
    char role[24];
    char kind[16];
    vg_time first_seen, first_confirmed, first_alert;
    vg_time first_detected;      /* first truth sample marked detected (the simulator's) */
    char class_name[16];         /* most likely class of its track, last seen */
    int alerts;
    int nrules;
    struct {
        char rule[VG_KIND_MAX];
        int count;
    } rules[REP_RULES];
    int nzones;
    rep_zone zones[REP_ZONES];
} rep_object;

#define REP_ALERT_ZONES 4

/* An alert as raised, and the zones it named over its life (a zone alert follows
 * its object from the wide no-fly zone into the corridor: the lead for the corridor
 * counts from the update that named it). */
typedef struct rep_alert_rec {
    uint64_t id, track;
    uint64_t last_track;         /* the track of its latest event: an alert follows its
                                  * object from track to track */
    vg_time time;
    char rule[VG_KIND_MAX];
    vg_severity severity;
    bool merged;                 /* resolved by the engine into another alert of the
                                  * same object (one object, one alert) */
    uint64_t merged_into;        /* that alert's id */
    int nzones;
    struct {
        char zone[VG_ID_MAX];
        vg_time time;
    } zones[REP_ALERT_ZONES];
} rep_alert_rec;

typedef struct rep_objects {
    rep_object *v;
    size_t n, cap;
    int *index;                  /* open addressing by id: object index or -1 */
    size_t index_cap;
    int *track_obj;              /* track id -> object last assigned, or -1 */
    size_t ntrack_obj;
    rep_alert_rec *alerts;
    size_t nalerts, capalerts;
} rep_objects;

int rep_object_intern(rep_objects *o, const vg_truth *t, vg_error *err);
int rep_object_track(rep_objects *o, uint64_t track, int obj);
void rep_object_zone(rep_object *ob, int zone, vg_time t);
int rep_alert(rep_objects *o, const vg_alert *a, vg_time t);
void rep_objects_print(rep_objects *o, const vg_zone_list *zones, vg_strbuf *sb);
void rep_objects_free(rep_objects *o);

#endif
