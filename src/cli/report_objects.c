/* cli/report_objects.c — the per-object part of `vigie replay --truth --report`:
 * for every truth object (id, role, kind from the truth file), when it was first
 * present, first held by a confirmed track, first alerted on, when it entered each
 * prohibited airspace zone and how early the zone's alert came; overall, intruders
 * alerted and missed, alerts on objects that are not intruders, alerts per intruder
 * and rule. Alerts are attributed to the object whose truth a track was last
 * assigned to by GOSPA (confirmed tracks within the cut-off); an alert on a track
 * never assigned is "unattributed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_int.h"

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int rep_object_intern(rep_objects *o, const vg_truth *t, vg_error *err)
{
    if ((o->n + 1) * 2 > o->index_cap) {
        size_t cap = o->index_cap ? o->index_cap * 2 : 64;
        int *idx = malloc(cap * sizeof *idx);
        if (!idx)
            return vg_err(err, VG_ENOMEM, "report: out of memory");
        for (size_t i = 0; i < cap; i++)
            idx[i] = -1;
        for (size_t i = 0; i < o->n; i++) {
            size_t s = fnv(o->v[i].id) & (cap - 1);
            while (idx[s] >= 0)
                s = (s + 1) & (cap - 1);
            idx[s] = (int)i;
        }
        free(o->index);
        o->index = idx;
        o->index_cap = cap;
    }
    size_t s = fnv(t->id) & (o->index_cap - 1);
    for (; o->index[s] >= 0; s = (s + 1) & (o->index_cap - 1))
        if (strcmp(o->v[o->index[s]].id, t->id) == 0)
            return o->index[s];
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        rep_object *v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return vg_err(err, VG_ENOMEM, "report: out of memory");
        o->v = v;
        o->cap = cap;
    }
    rep_object *ob = &o->v[o->n];
    memset(ob, 0, sizeof *ob);
    memcpy(ob->id, t->id, sizeof ob->id);
    memcpy(ob->role, t->role, sizeof ob->role);
    memcpy(ob->kind, t->kind, sizeof ob->kind);
    ob->first_seen = ob->first_confirmed = ob->first_alert = ob->first_detected = VG_TIME_MAX;
    o->index[s] = (int)o->n;
    return (int)o->n++;
}

int rep_object_track(rep_objects *o, uint64_t track, int obj)
{
    if (track >= (uint64_t)INT32_MAX)
        return 0;
    if (track >= o->ntrack_obj) {
        size_t cap = (size_t)track * 2 + 1024;
        int *v = realloc(o->track_obj, cap * sizeof *v);
        if (!v)
            return VG_ENOMEM;
        for (size_t i = o->ntrack_obj; i < cap; i++)
            v[i] = -1;
        o->track_obj = v;
        o->ntrack_obj = cap;
    }
    o->track_obj[track] = obj;
    return 0;
}

void rep_object_zone(rep_object *ob, int zone, vg_time t)
{
    for (int i = 0; i < ob->nzones; i++)
        if (ob->zones[i].zone == zone)
            return;
    if (ob->nzones < REP_ZONES)
        ob->zones[ob->nzones++] = (rep_zone){zone, t, VG_TIME_MAX};
}

/* How the threat rules word the resolution of an alert merged into another. */
#define MERGED_TEXT "resolved by vigie, same object as alert "

static void alert_zone(rep_alert_rec *r, const char *zone, vg_time t)
{
    if (!zone[0])
        return;
    for (int z = 0; z < r->nzones; z++)
        if (strcmp(r->zones[z].zone, zone) == 0)
            return;
    if (r->nzones == REP_ALERT_ZONES)
        return;
    snprintf(r->zones[r->nzones].zone, sizeof r->zones[0].zone, "%s", zone);
    r->zones[r->nzones++].time = t;
}

int rep_alert(rep_objects *o, const vg_alert *a, vg_time t)
{
    for (size_t i = 0; i < o->nalerts; i++)
        if (o->alerts[i].id == a->id) {
            /* raised once; later events are its transitions and updates */
            alert_zone(&o->alerts[i], a->zone, t);
            if (a->track)
                o->alerts[i].last_track = a->track;
            const char *m = a->state == VG_ALERT_RESOLVED ? strstr(a->message, MERGED_TEXT)
                                                          : NULL;
            if (m) {
                o->alerts[i].merged = true;
                o->alerts[i].merged_into = strtoull(m + strlen(MERGED_TEXT), NULL, 10);
            }
            return 0;
        }
    if (a->state != VG_ALERT_RAISED)
        return 0;
    if (o->nalerts == o->capalerts) {
        size_t cap = o->capalerts ? o->capalerts * 2 : 256;
        rep_alert_rec *v = realloc(o->alerts, cap * sizeof *v);
        if (!v)
            return VG_ENOMEM;
        o->alerts = v;
        o->capalerts = cap;
    }
    rep_alert_rec *r = &o->alerts[o->nalerts++];
    memset(r, 0, sizeof *r);
    r->id = a->id;
    r->track = r->last_track = a->track;
    r->time = t;
    snprintf(r->rule, sizeof r->rule, "%s", a->rule);
    alert_zone(r, a->zone, t);
    r->severity = a->severity;
    return 0;
}

void rep_objects_free(rep_objects *o)
{
    free(o->v);
    free(o->index);
    free(o->track_obj);
    free(o->alerts);
}

static void put_time(vg_strbuf *sb, const char *key, vg_time t)
{
    vg_strbuf_puts(sb, ",\"");
    vg_strbuf_puts(sb, key);
    vg_strbuf_puts(sb, "\":");
    if (t == VG_TIME_MAX) {
        vg_strbuf_puts(sb, "null");
        return;
    }
    char tb[48];
    vg_time_format_rfc3339(t, tb, sizeof tb);
    vg_strbuf_put_json_string(sb, tb);
}

static bool is_intruder(const rep_object *ob)
{
    return strcmp(ob->role, "intruder") == 0;
}

/* Attribute the alerts (at the end, with each track's last assignment), then write
 * the "objects" array and the totals into sb. */
void rep_objects_print(rep_objects *o, const vg_zone_list *zones, vg_strbuf *sb)
{
    size_t unattributed = 0, system = 0, false_alerts = 0, critical_birds = 0, merged = 0;
    int max_per_rule = 0;
    for (size_t i = 0; i < o->nalerts; i++) {
        rep_alert_rec *a = &o->alerts[i];
        if (a->track == 0) {
            system++;
            continue;
        }
        /* The object of the track that raised it, else of the last track it
         * followed (a first track made of bearings alone may match no truth). */
        int obj = a->track < o->ntrack_obj ? o->track_obj[a->track] : -1;
        if (obj < 0 && a->last_track < o->ntrack_obj)
            obj = o->track_obj[a->last_track];
        /* A merged alert is the object of the alert it was merged into. */
        for (size_t j = 0; obj < 0 && a->merged && j < o->nalerts; j++) {
            const rep_alert_rec *b = &o->alerts[j];
            if (b->id != a->merged_into)
                continue;
            obj = b->track < o->ntrack_obj ? o->track_obj[b->track] : -1;
            if (obj < 0 && b->last_track < o->ntrack_obj)
                obj = o->track_obj[b->last_track];
        }
        if (obj < 0) {
            unattributed++;
            continue;
        }
        rep_object *ob = &o->v[obj];
        ob->alerts++;
        if (a->time < ob->first_alert)
            ob->first_alert = a->time;
        if (!is_intruder(ob))
            false_alerts++;
        if (strcmp(ob->kind, "bird") == 0 && a->severity == VG_SEV_CRITICAL)
            critical_birds++;
        int r = 0;
        while (r < ob->nrules && strcmp(ob->rules[r].rule, a->rule) != 0)
            r++;
        if (r == ob->nrules && r < REP_RULES) {
            snprintf(ob->rules[r].rule, sizeof ob->rules[r].rule, "%s", a->rule);
            ob->rules[r].count = 0;
            ob->nrules++;
        }
        if (a->merged)
            merged++; /* raised, then folded into the object's alert: not a second one */
        else if (r < REP_RULES) {
            ob->rules[r].count++;
            if (is_intruder(ob) && ob->rules[r].count > max_per_rule)
                max_per_rule = ob->rules[r].count;
        }
        /* A zone_entry alert names the innermost zone; the object was inside the
         * zones it had entered before too, so the alert counts for them. */
        for (int z = 0; strcmp(a->rule, "zone_entry") == 0 && z < ob->nzones; z++)
            if (ob->zones[z].entry <= a->time && a->time < ob->zones[z].first_alert)
                ob->zones[z].first_alert = a->time;
        for (int az = 0; az < a->nzones; az++)
            for (int z = 0; z < ob->nzones; z++)
                if (strcmp(zones->zones[ob->zones[z].zone].identifier, a->zones[az].zone) == 0 &&
                    a->zones[az].time < ob->zones[z].first_alert)
                    ob->zones[z].first_alert = a->zones[az].time;
    }
    size_t intruders = 0, alerted = 0;
    vg_strbuf_puts(sb, ",\"objects\":[");
    for (size_t i = 0; i < o->n; i++) {
        rep_object *ob = &o->v[i];
        if (is_intruder(ob)) {
            intruders++;
            alerted += ob->alerts > 0;
        }
        vg_strbuf_puts(sb, i ? ",{\"id\":" : "{\"id\":");
        vg_strbuf_put_json_string(sb, ob->id);
        vg_strbuf_puts(sb, ",\"role\":");
        vg_strbuf_put_json_string(sb, ob->role);
        vg_strbuf_puts(sb, ",\"kind\":");
        vg_strbuf_put_json_string(sb, ob->kind);
        put_time(sb, "first_present", ob->first_seen);
        put_time(sb, "first_detection", ob->first_detected);
        put_time(sb, "first_confirmed_track", ob->first_confirmed);
        put_time(sb, "first_alert", ob->first_alert);
        vg_strbuf_puts(sb, ",\"class\":");
        vg_strbuf_put_json_string(sb, ob->class_name[0] ? ob->class_name : "none");
        vg_strbuf_puts(sb, ",\"alerts\":{");
        for (int r = 0; r < ob->nrules; r++) {
            if (r)
                vg_strbuf_putc(sb, ',');
            vg_strbuf_put_json_string(sb, ob->rules[r].rule);
            vg_strbuf_putc(sb, ':');
            vg_strbuf_put_i64(sb, ob->rules[r].count);
        }
        vg_strbuf_puts(sb, "},\"zones\":[");
        for (int z = 0; z < ob->nzones; z++) {
            const rep_zone *rz = &ob->zones[z];
            vg_strbuf_puts(sb, z ? ",{\"zone\":" : "{\"zone\":");
            vg_strbuf_put_json_string(sb, zones->zones[rz->zone].identifier);
            put_time(sb, "entry", rz->entry);
            put_time(sb, "first_alert", rz->first_alert);
            vg_strbuf_puts(sb, ",\"alert_lead_s\":");
            if (rz->first_alert == VG_TIME_MAX)
                vg_strbuf_puts(sb, "null");
            else
                vg_strbuf_put_double(sb, (double)(rz->entry - rz->first_alert) / 1e6);
            vg_strbuf_putc(sb, '}');
        }
        vg_strbuf_puts(sb, "]}");
    }
    vg_strbuf_puts(sb, "]");
#define NUM(k, v)                            \
    do {                                     \
        vg_strbuf_puts(sb, ",\"" k "\":");   \
        vg_strbuf_put_double(sb, (double)(v)); \
    } while (0)
    NUM("intruders", intruders);
    NUM("intruders_alerted", alerted);
    NUM("intruders_missed", intruders - alerted);
    NUM("alerts_total", o->nalerts);
    NUM("alerts_false", false_alerts);
    NUM("alerts_unattributed", unattributed);
    NUM("alerts_merged", merged);
    NUM("alerts_system", system);
    NUM("alerts_critical_on_birds", critical_birds);
    NUM("alerts_per_intruder_rule_max", max_per_rule);
#undef NUM
}
