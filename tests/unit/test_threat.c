/* tests/unit/test_threat.c — threat rules, the whitelist, assets, coverage, and the
 * alert lifecycle (src/threat/). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_helpers.h"
#include "vigie/posture.h"
#include "vigie/threat.h"
#include "vigie/zones.h"

#define T0 ((vg_time)1722015000 * VG_TIME_S) /* 2024-07-26T17:30:00Z */
#define ND_LAT 48.85300
#define ND_LON 2.34990

/* ---- fixture ----------------------------------------------------------------------- */

typedef struct capture {
    vg_alert a[64];
    int n;
} capture;

static void on_alert(void *ud, const vg_event *ev)
{
    capture *c = ud;
    assert_int_equal(ev->type, VG_EV_ALERT);
    if (c->n < 64)
        c->a[c->n++] = ev->u.alert;
}

typedef struct fx {
    vg_threat *th;
    vg_postures post;
    vg_zone zones[4];
    size_t nzones;
    vg_zindex *ix;
    capture cap;
} fx;

static void circle_zone(vg_zone *z, const char *id, double lat, double lon, double r,
                        vg_zone_restriction res)
{
    vg_zone_init(z);
    snprintf(z->identifier, sizeof z->identifier, "%s", id);
    z->restriction = res;
    vg_zone_volume v = {0};
    v.shape = VG_ZONE_CIRCLE;
    v.lat = lat;
    v.lon = lon;
    v.radius_m = r;
    v.lower = 0;
    v.upper = 500;
    v.lower_ref = v.upper_ref = VG_ZREF_AGL;
    assert_int_equal(vg_zone_add_volume(z, &v), 0);
}

static int setup(void **state)
{
    static fx f;
    memset(&f, 0, sizeof f);
    vg_error err = {0};
    assert_int_equal(vg_threat_create(&f.th, NULL, &err), 0);
    vg_postures_init(&f.post, 0);
    /* ZIT: 1 km around Notre-Dame; LATER: a no-fly zone in force only from tomorrow;
     * OPEN: unrestricted; PERIM: a ground perimeter marked prohibited */
    circle_zone(&f.zones[0], "ZIT", ND_LAT, ND_LON, 1000, VG_ZONE_PROHIBITED);
    circle_zone(&f.zones[1], "LATER", 48.8700, 2.3000, 500, VG_ZONE_PROHIBITED);
    vg_zone_applicability ap;
    vg_zone_applicability_init(&ap);
    ap.start = T0 + 86400 * VG_TIME_S;
    assert_int_equal(vg_zone_add_applicability(&f.zones[1], &ap), 0);
    circle_zone(&f.zones[2], "OPEN", 48.8800, 2.3500, 500, VG_ZONE_NO_RESTRICTION);
    circle_zone(&f.zones[3], "PERIM", 48.8800, 2.3200, 500, VG_ZONE_PROHIBITED);
    f.zones[3].purpose = VG_ZONE_PERIMETER;
    f.nzones = 4;
    vg_zindex_opts o = {.ground_elevation = 35, .geoid_undulation = 44};
    assert_int_equal(vg_zindex_build(&f.ix, f.zones, f.nzones, &o, &err), 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vg_zindex_free(f->ix);
    for (size_t i = 0; i < f->nzones; i++)
        vg_zone_free(&f->zones[i]);
    vg_threat_free(f->th);
    return 0;
}

static vg_track drone(uint64_t id, double lat, double lon, const char *rid)
{
    vg_track tr;
    memset(&tr, 0, sizeof tr);
    tr.id = id;
    tr.status = VG_TRACK_CONFIRMED;
    tr.pos = (vg_geo){lat, lon, 150};
    tr.class_p[VG_CLASS_DRONE] = 0.8;
    tr.class_p[VG_CLASS_BIRD] = 0.1;
    tr.class_p[VG_CLASS_UNKNOWN] = 0.1;
    if (rid) {
        tr.identity.source = VG_IDSRC_REMOTEID;
        snprintf(tr.identity.id, sizeof tr.identity.id, "%s", rid);
    }
    return tr;
}

static int update(fx *f, const vg_track *tr, vg_time t)
{
    vg_error err = {0};
    return vg_threat_track(f->th, tr, t, f->ix, f->zones, &f->post, on_alert, &f->cap, &err);
}

static int command(fx *f, const char *kind, vg_role role, const char *args, vg_time t,
                   vg_error *err)
{
    vg_command c;
    memset(&c, 0, sizeof c);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    snprintf(c.user, sizeof c.user, "%s", "op.dupont");
    c.role = role;
    snprintf(c.args, sizeof c.args, "%s", args);
    vg_error local;
    return vg_threat_command(f->th, &c, t, on_alert, &f->cap, err ? err : &local);
}

static void set_posture(fx *f, const char *args)
{
    vg_command c;
    memset(&c, 0, sizeof c);
    strcpy(c.kind, "posture_set");
    strcpy(c.user, "cdt.martin");
    c.role = VG_ROLE_COMMANDER;
    snprintf(c.args, sizeof c.args, "%s", args);
    vg_event out[4];
    int n;
    vg_error err = {0};
    assert_int_equal(vg_postures_command(&f->post, &c, T0, out, 4, &n, &err), 0);
}

static int count_rule(const capture *c, const char *rule)
{
    int n = 0;
    for (int i = 0; i < c->n; i++)
        n += strcmp(c->a[i].rule, rule) == 0;
    return n;
}

static const vg_alert *last_of(const capture *c, const char *rule)
{
    for (int i = c->n - 1; i >= 0; i--)
        if (strcmp(c->a[i].rule, rule) == 0)
            return &c->a[i];
    return NULL;
}

/* ---- rule (a) zone_entry ---------------------------------------------------------------- */

static void test_zone_entry_raised_for_drone_in_prohibited_zone(void **state)
{
    fx *f = *state;
    vg_track tr = drone(3, ND_LAT + 0.001, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(f->cap.n, 1);
    const vg_alert *a = &f->cap.a[0];
    assert_int_equal(a->id, 1);
    assert_int_equal(a->track, 3);
    assert_string_equal(a->rule, "zone_entry");
    assert_string_equal(a->zone, "ZIT");
    assert_int_equal(a->state, VG_ALERT_RAISED);
    assert_int_equal(a->severity, VG_SEV_WARNING);
    assert_contains(a->message, "raised at 2024-07-26T17:30:00Z");
    assert_contains(a->message, "inside prohibited zone ZIT");
}

static void test_zone_entry_not_raised_for_bird_or_outside_zones(void **state)
{
    fx *f = *state;
    vg_track bird = drone(4, ND_LAT, ND_LON, NULL);
    bird.class_p[VG_CLASS_DRONE] = 0.2;
    bird.class_p[VG_CLASS_BIRD] = 0.7;
    assert_int_equal(update(f, &bird, T0), 0);
    vg_track far = drone(5, 48.90, 2.25, NULL);
    assert_int_equal(update(f, &far, T0), 0);
    vg_track high = drone(6, ND_LAT, ND_LON, NULL);
    high.pos.alt = 1000;   /* above the zone's 500 m AGL ceiling */
    assert_int_equal(update(f, &high, T0), 0);
    assert_int_equal(f->cap.n, 0);
}

/* A radar's first plots are no drone yet: the rules wait for a confirmed track, and
 * for the identification grace (3 s by default) during which an authorised drone's
 * Remote ID would arrive; a Remote ID drone is judged at once. */
static void test_unidentified_track_judged_after_confirmation_and_grace(void **state)
{
    fx *f = *state;
    vg_track tr = drone(8, ND_LAT, ND_LON, NULL);
    tr.born = T0;
    tr.status = VG_TRACK_TENTATIVE;
    assert_int_equal(update(f, &tr, T0 + 5 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 0);
    tr.status = VG_TRACK_CONFIRMED;
    assert_int_equal(update(f, &tr, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 0);
    assert_int_equal(update(f, &tr, T0 + 3 * VG_TIME_S - 1), 0);
    assert_int_equal(f->cap.n, 0);
    assert_int_equal(update(f, &tr, T0 + 3 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 1);
    assert_string_equal(f->cap.a[0].rule, "zone_entry");

    vg_track rid = drone(9, ND_LAT, ND_LON, "RID-NEW");
    rid.born = T0 + 3 * VG_TIME_S;
    rid.status = VG_TRACK_TENTATIVE;
    assert_int_equal(update(f, &rid, T0 + 3 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(f->cap.a[1].track, 9);
}

/* An RF link's signature names one object: a new track carrying it continues the
 * alert of the track that carried it before. */
static void test_rf_signature_keeps_one_alert_across_tracks(void **state)
{
    fx *f = *state;
    vg_track a = drone(12, ND_LAT, ND_LON, NULL);
    a.identity.source = VG_IDSRC_RF;
    strcpy(a.identity.id, "sig-0badf00d");
    assert_int_equal(update(f, &a, T0), 0);
    assert_int_equal(f->cap.n, 1);
    assert_contains(f->cap.a[0].message, "rf sig-0badf00d (track 12)");
    vg_track b = a;
    b.id = 13;
    assert_int_equal(update(f, &b, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(f->cap.a[1].id, f->cap.a[0].id);   /* an update, not a new alert */
    assert_int_equal(f->cap.a[1].track, 13);
    vg_track c = a;
    c.id = 14;
    strcpy(c.identity.id, "sig-00c0ffee");
    assert_int_equal(update(f, &c, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 3);
    assert_int_equal(f->cap.a[2].id, f->cap.a[0].id + 1);
}

static void test_zone_not_in_force_or_not_airspace_not_alerted(void **state)
{
    fx *f = *state;
    vg_track tr = drone(7, 48.8700, 2.3000, "RID-LATER");
    assert_int_equal(update(f, &tr, T0), 0);
    vg_track p = drone(8, 48.8800, 2.3200, "RID-PERIM");
    assert_int_equal(update(f, &p, T0), 0);
    assert_int_equal(f->cap.n, 0);
    /* the next day the zone is in force */
    assert_int_equal(update(f, &tr, T0 + 86401 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 1);
    assert_string_equal(f->cap.a[0].zone, "LATER");
}

static void test_whitelisted_drone_not_alerted_inside_its_window_only(void **state)
{
    fx *f = *state;
    vg_error err = {0};
    assert_int_equal(command(f, "whitelist_add", VG_ROLE_OPERATOR,
                             "{\"uas_id\":\"RID-POLICE\",\"zone\":\"ZIT\","
                             "\"start\":\"2024-07-26T17:00:00Z\",\"end\":\"2024-07-26T18:00:00Z\","
                             "\"purpose\":\"police filming\"}",
                             T0, &err),
                     0);
    vg_track tr = drone(9, ND_LAT, ND_LON, "RID-POLICE");
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(f->cap.n, 0);
    assert_true(vg_threat_whitelisted(f->th, "RID-POLICE", "ZIT", T0));
    assert_false(vg_threat_whitelisted(f->th, "RID-POLICE", NULL, T0));
    /* 18:00 is the end, excluded */
    assert_int_equal(update(f, &tr, T0 + 1800 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 1);
    assert_string_equal(f->cap.a[0].rule, "zone_entry");
    /* another drone is not covered */
    vg_track other = drone(10, ND_LAT, ND_LON, "RID-OTHER");
    assert_int_equal(update(f, &other, T0), 0);
    assert_int_equal(count_rule(&f->cap, "zone_entry"), 2);
}

static void test_operator_whitelist_covers_linked_drone(void **state)
{
    fx *f = *state;
    const char *wl = "[{\"operator_id\":\"FRA-OP-77\",\"purpose\":\"press\"}]";
    assert_int_equal(vg_threat_load_whitelist(f->th, wl, strlen(wl), NULL), 0);
    vg_track tr = drone(11, ND_LAT, ND_LON, "RID-PRESS");
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(f->cap.n, 1);   /* not linked yet */
    assert_int_equal(command(f, "alert_resolve", VG_ROLE_OPERATOR, "{\"alert\":1}", T0, NULL), 0);
    assert_int_equal(vg_threat_link_operator(f->th, "RID-PRESS", "FRA-OP-77"), 0);
    f->cap.n = 0;
    assert_int_equal(update(f, &tr, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 0);
    /* whitelist_remove ends it: a new alert (the first was resolved) */
    assert_int_equal(command(f, "whitelist_remove", VG_ROLE_ADMIN,
                             "{\"operator_id\":\"FRA-OP-77\"}", T0, NULL),
                     0);
    assert_int_equal(update(f, &tr, T0 + 2 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 1);
    assert_int_equal(f->cap.a[0].id, 2);
}

/* ---- severity by posture ------------------------------------------------------------------ */

static void test_severity_follows_posture_level(void **state)
{
    fx *f = *state;
    assert_int_equal(vg_threat_severity(VG_RULE_ZONE_ENTRY, VG_POSTURE_VIGILANCE), VG_SEV_WARNING);
    set_posture(f, "{\"level\":\"securite_renforcee\"}");
    vg_track tr = drone(12, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(f->cap.a[0].severity, VG_SEV_CRITICAL);
    /* a predicted entry is a warning under securite_renforcee ... */
    vg_track mover = drone(13, ND_LAT, ND_LON + 0.0190, NULL);   /* ~1390 m east */
    mover.velocity = (vg_vec3){-20, 0, 0};
    assert_int_equal(update(f, &mover, T0), 0);
    const vg_alert *p = last_of(&f->cap, "zone_predicted");
    assert_non_null(p);
    assert_int_equal(p->severity, VG_SEV_WARNING);
    /* ... and critical under urgence_attentat scoped to the zone ahead */
    set_posture(f, "{\"level\":\"urgence_attentat\",\"scope\":[\"ZIT\"]}");
    vg_track mover2 = drone(14, ND_LAT, ND_LON + 0.0190, NULL);
    mover2.velocity = (vg_vec3){-20, 0, 0};
    assert_int_equal(update(f, &mover2, T0), 0);
    p = last_of(&f->cap, "zone_predicted");
    assert_int_equal(p->track, 14);
    assert_int_equal(p->severity, VG_SEV_CRITICAL);
}

/* ---- rule (b) zone_predicted ----------------------------------------------------------------- */

static void test_zone_predicted_within_anticipation_only(void **state)
{
    fx *f = *state;
    /* vigilance: 30 s ahead. 1390 m east of the centre, 390 m from the edge */
    vg_track in = drone(15, ND_LAT, ND_LON + 0.0190, NULL);
    in.velocity = (vg_vec3){-20, 0, 0};   /* ~20 s away */
    assert_int_equal(update(f, &in, T0), 0);
    assert_int_equal(count_rule(&f->cap, "zone_predicted"), 1);
    assert_contains(f->cap.a[0].message, "predicted to enter prohibited zone ZIT");
    vg_track slow = drone(16, ND_LAT, ND_LON + 0.0190, NULL);
    slow.velocity = (vg_vec3){-5, 0, 0};  /* ~78 s away */
    vg_track away = drone(17, ND_LAT, ND_LON + 0.0190, NULL);
    away.velocity = (vg_vec3){20, 0, 0};
    assert_int_equal(update(f, &slow, T0), 0);
    assert_int_equal(update(f, &away, T0), 0);
    assert_int_equal(f->cap.n, 1);
}

/* ---- rule (c) asset_proximity -------------------------------------------------------------- */

static const char assets_json[] =
    "[{\"id\":\"trocadero-tribune\",\"lat\":48.8620,\"lon\":2.2880,\"class\":\"high\"},"
    " {\"id\":\"pont-alma\",\"lat\":48.8627,\"lon\":2.3021,\"name\":\"Pont de l'Alma\"}]";

static void test_asset_proximity_by_distance_and_class(void **state)
{
    fx *f = *state;
    vg_error err = {0};
    assert_int_equal(vg_threat_load_assets(f->th, assets_json, strlen(assets_json), &err), 0);
    /* 200 m north of the Alma bridge: within vigilance's 300 m */
    vg_track near = drone(20, 48.8627 + 200 / 111195.0, 2.3021, NULL);
    assert_int_equal(update(f, &near, T0), 0);
    assert_int_equal(f->cap.n, 1);
    assert_string_equal(f->cap.a[0].rule, "asset_proximity");
    assert_int_equal(f->cap.a[0].severity, VG_SEV_WARNING);
    assert_contains(f->cap.a[0].message, "200 m from protected asset pont-alma");
    /* 400 m: outside */
    vg_track out = drone(21, 48.8627 + 400 / 111195.0, 2.3021, NULL);
    assert_int_equal(update(f, &out, T0), 0);
    assert_int_equal(f->cap.n, 1);
    /* the tribune is "high": 600 m radius and critical */
    vg_track trib = drone(22, 48.8620 + 500 / 111195.0, 2.2880, NULL);
    assert_int_equal(update(f, &trib, T0), 0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(f->cap.a[1].severity, VG_SEV_CRITICAL);
    /* under urgence_attentat 1 000 m, critical */
    set_posture(f, "{\"level\":\"urgence_attentat\"}");
    assert_int_equal(update(f, &out, T0), 0);
    assert_int_equal(f->cap.n, 3);
    assert_int_equal(f->cap.a[2].severity, VG_SEV_CRITICAL);
}

/* The FPV over the Seine: its RF-linked track is lost, a new radar track raises its
 * own asset alert, flies out of the asset's range and only then takes the link. Its
 * alert is the object's: resolved into the first one at once, not left open as a
 * second alert on the same drone and rule. */
static void test_track_alert_handed_over_when_its_track_is_identified_later(void **state)
{
    fx *f = *state;
    vg_error err = {0};
    assert_int_equal(vg_threat_load_assets(f->th, assets_json, strlen(assets_json), &err), 0);
    vg_track first = drone(30, 48.8627 + 100 / 111195.0, 2.3021, NULL);
    first.identity.source = VG_IDSRC_RF;
    strcpy(first.identity.id, "sig-0000f00d");
    assert_int_equal(update(f, &first, T0), 0);
    assert_int_equal(f->cap.n, 1);
    uint64_t object_alert = f->cap.a[0].id;
    /* a new track of it, before the link moves: an alert of its own */
    vg_track second = drone(31, 48.8627 + 150 / 111195.0, 2.3021, NULL);
    assert_int_equal(update(f, &second, T0 + 10 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 2);
    uint64_t track_alert = f->cap.a[1].id;
    assert_true(track_alert != object_alert);
    /* 2 km away (no asset near) it takes the link: its alert is resolved into the
     * object's, and nothing new is raised */
    second.pos.lat = 48.8627 + 2000 / 111195.0;
    second.identity = first.identity;
    assert_int_equal(update(f, &second, T0 + 20 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 3);
    assert_int_equal(f->cap.a[2].id, track_alert);
    assert_int_equal(f->cap.a[2].state, VG_ALERT_RESOLVED);
    char why[64];
    snprintf(why, sizeof why, "same object as alert %llu", (unsigned long long)object_alert);
    assert_contains(f->cap.a[2].message, why);
    /* again: nothing more to hand over */
    assert_int_equal(update(f, &second, T0 + 21 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 3);
}

/* ---- rule (d) spoofing, rule (e) aircraft_no_id ---------------------------------------------------- */

static void test_spoofing_flags_raise_spoofing_alert(void **state)
{
    fx *f = *state;
    vg_track tr = drone(30, 48.90, 2.25, "RID-CLONE");
    tr.integrity = VG_INTEG_COUNTER_BACKWARDS;   /* not a spoofing signal by itself */
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(f->cap.n, 0);
    tr.integrity |= VG_INTEG_DUPLICATE_ID | VG_INTEG_TELEPORT;
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(f->cap.n, 1);
    assert_string_equal(f->cap.a[0].rule, "spoofing");
    assert_int_equal(f->cap.a[0].severity, VG_SEV_WARNING);
    assert_contains(f->cap.a[0].message, "teleport duplicate_id");
}

static void test_aircraft_without_adsb_in_no_fly_zone_is_critical(void **state)
{
    fx *f = *state;
    vg_track ac;
    memset(&ac, 0, sizeof ac);
    ac.id = 40;
    ac.status = VG_TRACK_CONFIRMED;
    ac.pos = (vg_geo){ND_LAT, ND_LON, 400};
    ac.class_p[VG_CLASS_AIRCRAFT] = 0.7;
    ac.class_p[VG_CLASS_UNKNOWN] = 0.3;
    assert_int_equal(update(f, &ac, T0), 0);
    assert_int_equal(f->cap.n, 1);
    assert_string_equal(f->cap.a[0].rule, "aircraft_no_id");
    assert_int_equal(f->cap.a[0].severity, VG_SEV_CRITICAL);
    ac.id = 41;
    ac.identity.source = VG_IDSRC_ADSB;
    strcpy(ac.identity.id, "3a1b2c");
    assert_int_equal(update(f, &ac, T0), 0);
    assert_int_equal(f->cap.n, 1);
}

/* ---- one alert per object and rule -------------------------------------------------------- */

static void test_new_track_with_same_identity_updates_one_alert(void **state)
{
    fx *f = *state;
    vg_track a = drone(50, ND_LAT, ND_LON, "1596F3A8B2C4D5E6F7A8");
    assert_int_equal(update(f, &a, T0), 0);
    assert_int_equal(update(f, &a, T0 + VG_TIME_S), 0);   /* same: nothing new */
    assert_int_equal(f->cap.n, 1);
    vg_track b = drone(57, ND_LAT + 0.0005, ND_LON, "1596F3A8B2C4D5E6F7A8");
    assert_int_equal(update(f, &b, T0 + 2 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(f->cap.a[1].id, 1);
    assert_int_equal(f->cap.a[1].track, 57);
    assert_contains(f->cap.a[1].message, "updated at");
    vg_threat_stats st;
    vg_threat_get_stats(f->th, &st);
    assert_int_equal(st.raised, 1);
    assert_int_equal(st.open, 1);
}

static void test_track_gaining_identity_keeps_its_alert(void **state)
{
    fx *f = *state;
    vg_track r = drone(60, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &r, T0), 0);
    vg_track ided = drone(60, ND_LAT, ND_LON, "RID-60");
    assert_int_equal(update(f, &ided, T0 + VG_TIME_S), 0);
    vg_track moved = drone(61, ND_LAT, ND_LON, "RID-60");
    assert_int_equal(update(f, &moved, T0 + 2 * VG_TIME_S), 0);
    for (int i = 0; i < f->cap.n; i++)
        assert_int_equal(f->cap.a[i].id, 1);
    assert_int_equal(f->cap.a[f->cap.n - 1].track, 61);
}

/* ---- escalation ------------------------------------------------------------------------------ */

static void test_escalates_once_after_escalation_s_without_ack(void **state)
{
    fx *f = *state;
    vg_track tr = drone(70, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(vg_threat_tick(f->th, T0 + 299 * VG_TIME_S, on_alert, &f->cap), 0);
    assert_int_equal(vg_threat_tick(f->th, T0 + 300 * VG_TIME_S, on_alert, &f->cap), 1);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(f->cap.a[1].severity, VG_SEV_CRITICAL);
    assert_int_equal(f->cap.a[1].state, VG_ALERT_RAISED);
    assert_contains(f->cap.a[1].message, "escalated, not acknowledged within 300 s");
    assert_int_equal(vg_threat_tick(f->th, T0 + 900 * VG_TIME_S, on_alert, &f->cap), 0);
    assert_int_equal(f->cap.n, 2);
}

static void test_no_escalation_after_ack(void **state)
{
    fx *f = *state;
    vg_track tr = drone(71, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(command(f, "alert_ack", VG_ROLE_OPERATOR, "{\"alert\":1}",
                             T0 + 10 * VG_TIME_S, NULL),
                     0);
    assert_int_equal(vg_threat_tick(f->th, T0 + 1000 * VG_TIME_S, on_alert, &f->cap), 0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(f->cap.a[1].severity, VG_SEV_WARNING);
}

static void test_escalation_delay_follows_posture(void **state)
{
    fx *f = *state;
    set_posture(f, "{\"level\":\"urgence_attentat\"}");
    vg_track tr = drone(72, 48.90, 2.25, "RID-S");
    tr.integrity = VG_INTEG_IMPOSSIBLE_SPEED;   /* spoofing: warning at every level */
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(vg_threat_tick(f->th, T0 + 60 * VG_TIME_S, on_alert, &f->cap), 1);
    assert_int_equal(f->cap.a[1].severity, VG_SEV_CRITICAL);
}

/* ---- lifecycle ------------------------------------------------------------------------------- */

static void test_lifecycle_ack_dispatch_resolve_with_who_and_when(void **state)
{
    fx *f = *state;
    vg_track tr = drone(80, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(command(f, "alert_ack", VG_ROLE_OPERATOR, "{\"alert\":1}",
                             T0 + 5 * VG_TIME_S, NULL),
                     0);
    assert_int_equal(f->cap.a[1].state, VG_ALERT_ACKNOWLEDGED);
    assert_contains(f->cap.a[1].message, "acknowledged by op.dupont at 2024-07-26T17:30:05Z");
    assert_int_equal(command(f, "alert_dispatch", VG_ROLE_COMMANDER, "{\"alert\":1}", T0, NULL),
                     0);
    assert_int_equal(f->cap.a[2].state, VG_ALERT_DISPATCHED);
    assert_int_equal(command(f, "alert_resolve", VG_ROLE_OPERATOR, "{\"alert\":1}", T0, NULL), 0);
    assert_int_equal(f->cap.a[3].state, VG_ALERT_RESOLVED);
    assert_contains(f->cap.a[3].message, "resolved by op.dupont");
    assert_int_equal(vg_threat_alert(f->th, 1)->state, VG_ALERT_RESOLVED);
    /* the condition still holds: a new alert, id 2 */
    assert_int_equal(update(f, &tr, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.a[4].id, 2);
    assert_int_equal(f->cap.a[4].state, VG_ALERT_RAISED);
}

static void test_rejected_transitions_have_clear_messages(void **state)
{
    fx *f = *state;
    vg_track tr = drone(81, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    vg_error err = {0};
    assert_int_equal(command(f, "alert_ack", VG_ROLE_VIEWER, "{\"alert\":1}", T0, &err),
                     VG_EINVAL);
    assert_contains(err.msg, "role viewer may not act on alerts");
    assert_int_equal(command(f, "alert_ack", VG_ROLE_OPERATOR, "{\"alert\":9}", T0, &err),
                     VG_ENOTFOUND);
    assert_contains(err.msg, "no alert 9");
    assert_int_equal(command(f, "alert_resolve", VG_ROLE_OPERATOR, "{\"alert\":1}", T0, &err), 0);
    assert_int_equal(command(f, "alert_resolve", VG_ROLE_OPERATOR, "{\"alert\":1}", T0, &err),
                     VG_ESTATE);
    assert_contains(err.msg, "alert 1 is already closed (resolved)");
    assert_int_equal(command(f, "alert_ack", VG_ROLE_OPERATOR, "{\"alert\":1}", T0, &err),
                     VG_ESTATE);
    assert_int_equal(f->cap.n, 2);   /* nothing emitted for rejected commands */
    vg_track t2 = drone(82, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &t2, T0), 0);
    assert_int_equal(command(f, "alert_dispatch", VG_ROLE_OPERATOR, "{\"alert\":2}", T0, &err), 0);
    assert_int_equal(command(f, "alert_ack", VG_ROLE_OPERATOR, "{\"alert\":2}", T0, &err),
                     VG_ESTATE);
    assert_contains(err.msg, "alert 2 is dispatched, cannot become acknowledged");
    assert_int_equal(command(f, "posture_set", VG_ROLE_COMMANDER, "{}", T0, &err), VG_EUNKNOWN);
    assert_false(vg_threat_handles("posture_set"));
    assert_true(vg_threat_handles("alert_false_alarm"));
}

static void test_false_alarm_mutes_object_until_track_dropped(void **state)
{
    fx *f = *state;
    vg_track tr = drone(90, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    assert_int_equal(command(f, "alert_false_alarm", VG_ROLE_OPERATOR, "{\"alert\":1}", T0, NULL),
                     0);
    assert_int_equal(f->cap.a[1].state, VG_ALERT_FALSE_ALARM);
    assert_int_equal(update(f, &tr, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(vg_threat_track_drop(f->th, 90), 0);
    assert_int_equal(update(f, &tr, T0 + 2 * VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 3);
    assert_int_equal(f->cap.a[2].id, 2);
}

static void test_alert_stays_open_when_condition_ends_or_track_dropped(void **state)
{
    fx *f = *state;
    vg_track tr = drone(95, ND_LAT, ND_LON, NULL);
    assert_int_equal(update(f, &tr, T0), 0);
    tr.pos.lat = 48.95;   /* far away */
    assert_int_equal(update(f, &tr, T0 + VG_TIME_S), 0);
    assert_int_equal(vg_threat_track_drop(f->th, 95), 0);
    assert_int_equal(vg_threat_alert(f->th, 1)->state, VG_ALERT_RAISED);
    assert_int_equal(f->cap.n, 1);
}

/* ---- pilot position ---------------------------------------------------------------------------- */

static void test_pilot_position_in_message(void **state)
{
    fx *f = *state;
    vg_track tr = drone(100, ND_LAT, ND_LON, "1596F3A8B2C4D5E6F7A8");
    assert_int_equal(update(f, &tr, T0), 0);
    tr.has_operator = true;
    tr.operator_pos = (vg_geo){48.85905, 2.3369, 80.9};
    assert_int_equal(update(f, &tr, T0 + VG_TIME_S), 0);
    assert_int_equal(f->cap.n, 2);   /* the pilot becoming known is an update */
    assert_contains(f->cap.a[1].message, "pilot at 48.85905, 2.33690");
    assert_contains(f->cap.a[1].message, "remoteid 1596F3A8B2C4D5E6F7A8 (track 100)");
}

/* ---- airspace_not_observed ------------------------------------------------------------------ */

static void test_airspace_not_observed_when_all_sensors_down(void **state)
{
    fx *f = *state;
    const char *cov = "[{\"zone\":\"ZIT\",\"sensors\":[\"radar-1\",\"rf-1\"]},"
                      " {\"zone\":\"LATER\",\"sensors\":[\"radar-1\"]}]";
    vg_error err = {0};
    assert_int_equal(vg_threat_load_coverage(f->th, cov, strlen(cov), &err), 0);
    assert_int_equal(vg_threat_sensor_status(f->th, "rf-1", false, T0, &f->post, on_alert,
                                             &f->cap, &err),
                     0);
    assert_int_equal(f->cap.n, 0);   /* radar-1 still observes ZIT */
    set_posture(f, "{\"level\":\"urgence_attentat\",\"scope\":[\"ZIT\"]}");
    assert_int_equal(vg_threat_sensor_status(f->th, "radar-1", false, T0 + VG_TIME_S, &f->post,
                                             on_alert, &f->cap, &err),
                     0);
    assert_int_equal(f->cap.n, 2);
    const vg_alert *zit = strcmp(f->cap.a[0].zone, "ZIT") == 0 ? &f->cap.a[0] : &f->cap.a[1];
    const vg_alert *later = zit == &f->cap.a[0] ? &f->cap.a[1] : &f->cap.a[0];
    assert_string_equal(zit->rule, "airspace_not_observed");
    assert_int_equal(zit->track, 0);
    assert_int_equal(zit->severity, VG_SEV_CRITICAL);
    assert_int_equal(later->severity, VG_SEV_WARNING);
    /* down again: no duplicate */
    assert_int_equal(vg_threat_sensor_status(f->th, "radar-1", false, T0 + 2 * VG_TIME_S,
                                             &f->post, on_alert, &f->cap, &err),
                     0);
    assert_int_equal(f->cap.n, 2);
    assert_int_equal(vg_threat_sensor_status(f->th, "rf-1", true, T0 + 3 * VG_TIME_S, &f->post,
                                             on_alert, &f->cap, &err),
                     0);
    assert_int_equal(f->cap.n, 3);
    assert_string_equal(f->cap.a[2].zone, "ZIT");
    assert_int_equal(f->cap.a[2].state, VG_ALERT_RESOLVED);
    assert_contains(f->cap.a[2].message, "resolved by system, sensor rf-1 up");
    assert_int_equal(vg_threat_sensor_status(f->th, "unknown", false, T0, &f->post, on_alert,
                                             &f->cap, &err),
                     0);
}

/* ---- capacity and determinism ----------------------------------------------------------------- */

static void test_full_alert_table_reports_efull(void **state)
{
    (void)state;
    vg_threat *th;
    vg_threat_opts o = {.alerts = 2, .whitelist = 1};
    assert_int_equal(vg_threat_create(&th, &o, NULL), 0);
    vg_postures post;
    vg_postures_init(&post, 0);
    capture cap = {0};
    vg_error err = {0};
    for (uint64_t id = 1; id <= 3; id++) {
        vg_track tr = drone(id, 48.9, 2.25, NULL);
        tr.integrity = VG_INTEG_TELEPORT;
        int rc = vg_threat_track(th, &tr, T0, NULL, NULL, &post, on_alert, &cap, &err);
        assert_int_equal(rc, id <= 2 ? 0 : VG_EFULL);
    }
    assert_contains(err.msg, "alert table full");
    assert_int_equal(cap.n, 2);
    const char *two = "[{\"uas_id\":\"a\",\"purpose\":\"x\"},{\"uas_id\":\"b\",\"purpose\":\"x\"}]";
    assert_int_equal(vg_threat_load_whitelist(th, two, strlen(two), &err), VG_EFULL);
    vg_threat_stats st;
    vg_threat_get_stats(th, &st);
    assert_int_equal(st.whitelist, 0);
    assert_int_equal(st.dropped_full, 1);
    vg_threat_free(th);
    o.alerts = -1;
    assert_int_equal(vg_threat_create(&th, &o, &err), VG_EINVAL);
    assert_null(th);
}

static void run_scenario(capture *cap)
{
    vg_threat *th;
    assert_int_equal(vg_threat_create(&th, NULL, NULL), 0);
    vg_postures post;
    vg_postures_init(&post, 0);
    for (uint64_t i = 0; i < 20; i++) {
        vg_track tr = drone(i % 7 + 1, 48.9, 2.25, i % 2 ? "RID" : NULL);
        tr.integrity = VG_INTEG_TELEPORT;
        tr.has_operator = i > 10;
        tr.operator_pos = (vg_geo){48.8, 2.3, 0};
        vg_threat_track(th, &tr, T0 + (vg_time)i * VG_TIME_S, NULL, NULL, &post, on_alert, cap,
                        NULL);
    }
    vg_threat_free(th);
}

static void test_same_inputs_same_alerts_and_sequential_ids(void **state)
{
    (void)state;
    static capture a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    run_scenario(&a);
    run_scenario(&b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.a, b.a, sizeof a.a[0] * (size_t)a.n);
    uint64_t max = 0;
    for (int i = 0; i < a.n; i++) {
        assert_true(a.a[i].id <= max + 1);
        if (a.a[i].id > max)
            max = a.a[i].id;
    }
    /* One alert for "RID"; each track's own alert while it had no identity is merged
     * into it (resolved) when the track carries "RID", and the next update without
     * identity raises a new one: 1 + 4 + 6 = 11 (the tracker never takes an identity
     * back; this only checks the numbering is deterministic and dense). */
    assert_int_equal(max, 11);
}

/* ---- hostile JSON ------------------------------------------------------------------------------ */

typedef struct bad_case {
    const char *json;
    const char *needle;
} bad_case;

static void test_hostile_whitelist_assets_coverage_rejected(void **state)
{
    fx *f = *state;
    static const bad_case wl[] = {
        {"", "whitelist: line"},
        {"{}", "expected an array"},
        {"[1]", "whitelist[0]: expected an object"},
        {"[{\"purpose\":\"x\"}]", "exactly one of uas_id and operator_id"},
        {"[{\"uas_id\":\"a\",\"operator_id\":\"b\",\"purpose\":\"x\"}]", "exactly one"},
        {"[{\"uas_id\":\"a\"}]", "whitelist[0].purpose: required"},
        {"[{\"uas_id\":\"a\",\"purpose\":\"x\",\"evil\":1}]", "unknown field \"evil\""},
        {"[{\"uas_id\":\"\",\"purpose\":\"x\"}]", "uas_id: length 0"},
        {"[{\"uas_id\":\"a\\u0001\",\"purpose\":\"x\"}]", "control character"},
        {"[{\"uas_id\":7,\"purpose\":\"x\"}]", "uas_id: expected a string"},
        {"[{\"uas_id\":\"a\",\"purpose\":\"x\",\"start\":\"yesterday\"}]", "whitelist[0].start"},
        {"[{\"uas_id\":\"a\",\"purpose\":\"x\",\"start\":20,\"end\":10}]", "start must be before end"},
        {"[{\"uas_id\":\"a\",\"uas_id\":\"b\",\"purpose\":\"x\"}]", "duplicate"},
        {"[{\"uas_id\":\"a\",\"purpose\":\"x\",\"start\":1e300}]", "whitelist[0].start"},
    };
    vg_error err;
    for (size_t i = 0; i < sizeof wl / sizeof wl[0]; i++) {
        vg_err_clear(&err);
        int rc = vg_threat_load_whitelist(f->th, wl[i].json, strlen(wl[i].json), &err);
        if (rc >= 0)
            fail_msg("whitelist %zu accepted: %s", i, wl[i].json);
        assert_contains(err.msg, wl[i].needle);
    }
    static const bad_case as[] = {
        {"[{\"id\":\"a\",\"lat\":91,\"lon\":0}]", "assets[0].lat: 91 out of range"},
        {"[{\"id\":\"a\",\"lat\":1}]", "assets[0].lon: required"},
        {"[{\"id\":\"a\",\"lat\":1,\"lon\":2,\"class\":\"vip\"}]", "not standard or high"},
        {"[{\"id\":\"a\",\"lat\":1,\"lon\":2},{\"id\":\"a\",\"lat\":1,\"lon\":2}]",
         "assets[1].id: \"a\" already given"},
        {"[{\"lat\":1,\"lon\":2}]", "assets[0].id: required"},
        {"[[]]", "expected an object"},
        {"nul", "assets: line"},
    };
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
        vg_err_clear(&err);
        if (vg_threat_load_assets(f->th, as[i].json, strlen(as[i].json), &err) >= 0)
            fail_msg("assets %zu accepted: %s", i, as[i].json);
        assert_contains(err.msg, as[i].needle);
    }
    static const bad_case cv[] = {
        {"[{\"zone\":\"Z\",\"sensors\":[]}]", "coverage[0].sensors: expected an array of 1 to"},
        {"[{\"zone\":\"Z\",\"sensors\":[\"a\",\"a\"]}]", "coverage[0].sensors[1]: \"a\" already"},
        {"[{\"zone\":\"Z\",\"sensors\":[3]}]", "coverage[0].sensors[0].s: expected a string"},
        {"[{\"zone\":\"Z\",\"sensors\":[\"a\"]},{\"zone\":\"Z\",\"sensors\":[\"b\"]}]",
         "already given"},
    };
    for (size_t i = 0; i < sizeof cv / sizeof cv[0]; i++) {
        vg_err_clear(&err);
        if (vg_threat_load_coverage(f->th, cv[i].json, strlen(cv[i].json), &err) >= 0)
            fail_msg("coverage %zu accepted: %s", i, cv[i].json);
        assert_contains(err.msg, cv[i].needle);
    }
    vg_threat_stats st;
    vg_threat_get_stats(f->th, &st);
    assert_int_equal(st.whitelist + st.assets + st.coverage_zones, 0);
}

static void test_hostile_commands_rejected(void **state)
{
    fx *f = *state;
    static const bad_case ac[] = {
        {"{\"alert\":\"1\"}", "alert_ack.alert: expected an alert id"},
        {"{\"alert\":0}", "expected an alert id"},
        {"{\"alert\":-5}", "expected an alert id"},
        {"{\"alert\":1.5}", "expected an alert id"},
        {"{}", "alert_ack.alert: required"},
        {"{\"alert\":1,\"x\":2}", "unknown field \"x\""},
        {"[1]", "alert_ack: expected an object"},
        {"{\"alert\":", "alert_ack: line"},
    };
    vg_error err;
    for (size_t i = 0; i < sizeof ac / sizeof ac[0]; i++) {
        vg_err_clear(&err);
        if (command(f, "alert_ack", VG_ROLE_OPERATOR, ac[i].json, T0, &err) >= 0)
            fail_msg("alert_ack %zu accepted: %s", i, ac[i].json);
        assert_contains(err.msg, ac[i].needle);
    }
    vg_err_clear(&err);
    assert_int_equal(command(f, "whitelist_add", VG_ROLE_VIEWER,
                             "{\"uas_id\":\"a\",\"purpose\":\"x\"}", T0, &err),
                     VG_EINVAL);
    assert_contains(err.msg, "role viewer may not change the whitelist");
    assert_int_equal(command(f, "whitelist_remove", VG_ROLE_OPERATOR, "{\"uas_id\":\"nobody\"}",
                             T0, &err),
                     VG_ENOTFOUND);
    assert_contains(err.msg, "no whitelist entry for uas_id nobody");
    assert_true(command(f, "whitelist_add", VG_ROLE_OPERATOR, "{\"uas_id\":\"a\"}", T0, &err) < 0);
    assert_contains(err.msg, "whitelist_add.purpose: required");
    assert_int_equal(f->cap.n, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_zone_entry_raised_for_drone_in_prohibited_zone),
        T(test_zone_entry_not_raised_for_bird_or_outside_zones),
        T(test_unidentified_track_judged_after_confirmation_and_grace),
        T(test_rf_signature_keeps_one_alert_across_tracks),
        T(test_zone_not_in_force_or_not_airspace_not_alerted),
        T(test_whitelisted_drone_not_alerted_inside_its_window_only),
        T(test_operator_whitelist_covers_linked_drone),
        T(test_severity_follows_posture_level),
        T(test_zone_predicted_within_anticipation_only),
        T(test_asset_proximity_by_distance_and_class),
        T(test_track_alert_handed_over_when_its_track_is_identified_later),
        T(test_spoofing_flags_raise_spoofing_alert),
        T(test_aircraft_without_adsb_in_no_fly_zone_is_critical),
        T(test_new_track_with_same_identity_updates_one_alert),
        T(test_track_gaining_identity_keeps_its_alert),
        T(test_escalates_once_after_escalation_s_without_ack),
        T(test_no_escalation_after_ack),
        T(test_escalation_delay_follows_posture),
        T(test_lifecycle_ack_dispatch_resolve_with_who_and_when),
        T(test_rejected_transitions_have_clear_messages),
        T(test_false_alarm_mutes_object_until_track_dropped),
        T(test_alert_stays_open_when_condition_ends_or_track_dropped),
        T(test_pilot_position_in_message),
        T(test_airspace_not_observed_when_all_sensors_down),
        T(test_full_alert_table_reports_efull),
        T(test_same_inputs_same_alerts_and_sequential_ids),
        T(test_hostile_whitelist_assets_coverage_rejected),
        T(test_hostile_commands_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
