/* tests/unit/test_patrol.c — patrol units, sites, coverage and dispatch: obligations
 * per posture level, gaps opening and clearing as alerts, ETA ranking, soldiers and
 * silent units never proposed, a moving pilot, bad input refused without changes,
 * and generated plans meeting the urgence_attentat obligation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "vigie/patrol.h"

#define S(x) ((vg_time)(x) * 1000000)

typedef struct sink {
    int n;
    vg_event ev[64];
} sink;

static void collect(void *ud, const vg_event *ev)
{
    sink *s = ud;
    if (s->n < 64)
        s->ev[s->n] = *ev;
    s->n++;
}

typedef struct fixture {
    vg_threat *th;
    vg_patrol *p;
    vg_postures postures;
    sink out;
} fixture;

static int cmd(fixture *f, const char *kind, vg_role role, const char *args, vg_time t,
               vg_error *err)
{
    vg_command c;
    memset(&c, 0, sizeof c);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    snprintf(c.user, sizeof c.user, "op.test");
    c.role = role;
    snprintf(c.args, sizeof c.args, "%s", args);
    return vg_patrol_command(f->p, &c, t, &f->postures, collect, &f->out, err);
}

static void cmd_ok(fixture *f, const char *kind, vg_role role, const char *args, vg_time t)
{
    vg_error err = {0};
    if (cmd(f, kind, role, args, t, &err) != 0)
        fail_msg("%s %s: %s", kind, args, err.msg);
}

/* Two sites near Notre-Dame, police on foot and in a car, a gendarmerie bike, a
 * Sentinelle patrol closest to everything, an off-duty police unit. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    vg_error err;
    assert_int_equal(vg_threat_create(&f->th, NULL, &err), 0);
    assert_int_equal(vg_patrol_create(&f->p, NULL, f->th, &err), 0);
    vg_postures_init(&f->postures, 0);
    cmd_ok(f, "site_add", VG_ROLE_COMMANDER,
           "{\"id\":\"notre-dame\",\"name\":\"Notre-Dame\",\"category\":\"place_of_worship\","
           "\"sector\":\"cite\",\"lat\":48.8530,\"lon\":2.3499,\"radius_m\":120}", 0);
    cmd_ok(f, "site_add", VG_ROLE_COMMANDER,
           "{\"id\":\"chatelet\",\"category\":\"station\",\"sector\":\"halles\","
           "\"polygon\":[[48.8575,2.3450],[48.8575,2.3490],[48.8595,2.3490],[48.8595,2.3450]]}",
           0);
    cmd_ok(f, "unit_add", VG_ROLE_COMMANDER,
           "{\"unit\":\"P-foot\",\"force\":\"police\",\"mode\":\"foot\",\"size\":3,"
           "\"capabilities\":[\"intercept\",\"first_aid\"],\"lat\":48.8560,\"lon\":2.3499}", 0);
    cmd_ok(f, "unit_add", VG_ROLE_COMMANDER,
           "{\"unit\":\"P-car\",\"force\":\"police\",\"mode\":\"vehicle\","
           "\"capabilities\":[\"intercept\"],\"lat\":48.8620,\"lon\":2.3499}", 0);
    cmd_ok(f, "unit_add", VG_ROLE_COMMANDER,
           "{\"unit\":\"G-bike\",\"force\":\"gendarmerie\",\"mode\":\"bike\","
           "\"capabilities\":[\"intercept\"],\"lat\":48.8440,\"lon\":2.3499}", 0);
    cmd_ok(f, "unit_add", VG_ROLE_COMMANDER,
           "{\"unit\":\"SENT-1\",\"callsign\":\"Sentinelle 11\",\"force\":\"army\",\"size\":8,"
           "\"capabilities\":[\"first_aid\"],\"status\":\"patrolling\",\"lat\":48.8531,"
           "\"lon\":2.3500}", 0);
    cmd_ok(f, "unit_add", VG_ROLE_COMMANDER,
           "{\"unit\":\"P-off\",\"force\":\"police\",\"capabilities\":[\"intercept\"],"
           "\"status\":\"off_duty\",\"lat\":48.8531,\"lon\":2.3501}", 0);
    f->out.n = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vg_patrol_free(f->p);
    vg_threat_free(f->th);
    free(f);
    return 0;
}

static int alert_count(const sink *s, const char *rule, vg_alert_state st)
{
    int n = 0;
    for (int i = 0; i < s->n && i < 64; i++)
        if (s->ev[i].type == VG_EV_ALERT && strcmp(s->ev[i].u.alert.rule, rule) == 0 &&
            s->ev[i].u.alert.state == st)
            n++;
    return n;
}

/* ---- obligations and coverage ------------------------------------------------------------ */

static void test_obligation_follows_the_posture_level(void **state)
{
    fixture *f = *state;
    vg_site_coverage c;
    assert_int_equal(vg_patrol_coverage(f->p, 0, S(60), &f->postures, &c), 0);
    assert_int_equal(c.level, VG_POSTURE_VIGILANCE);
    assert_near(c.interval_s, 14400, 0); /* a visit every 4 h */
    /* The Sentinelle patrol stands inside Notre-Dame's radius: visited. */
    assert_near(c.since_s, 60, 0);
    vg_event ev[8];
    int n;
    vg_error err;
    vg_command pc = {.kind = "posture_set", .user = "cdt", .role = VG_ROLE_COMMANDER,
                     .args = "{\"level\":\"urgence_attentat\",\"scope\":\"cite\"}"};
    assert_int_equal(vg_postures_command(&f->postures, &pc, S(60), ev, 8, &n, &err), 0);
    assert_int_equal(vg_patrol_coverage(f->p, 0, S(61), &f->postures, &c), 0);
    assert_int_equal(c.level, VG_POSTURE_URGENCE_ATTENTAT);
    assert_near(c.interval_s, 1800, 0); /* every 30 min */
    /* Châtelet's sector is not under the scoped posture. */
    assert_int_equal(vg_patrol_coverage(f->p, 1, S(61), &f->postures, &c), 0);
    assert_int_equal(c.level, VG_POSTURE_VIGILANCE);
    vg_sector_summary sum;
    vg_patrol_sector_summary(f->p, "cite", S(61), &f->postures, &sum);
    assert_int_equal(sum.sites, 1);
    assert_int_equal(sum.met, 1);
    vg_patrol_sector_summary(f->p, NULL, S(61), &f->postures, &sum);
    assert_int_equal(sum.sites, 2);
}

static void test_gap_opens_an_alert_and_presence_resolves_it(void **state)
{
    fixture *f = *state;
    /* Vigilance: Châtelet, unvisited, is due after 4 h; the soldiers keep
     * reporting from Notre-Dame. */
    cmd_ok(f, "unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"SENT-1\",\"lat\":48.8531,"
           "\"lon\":2.3500}", S(14300));
    vg_patrol_tick(f->p, S(14400), &f->postures, collect, &f->out);
    assert_int_equal(alert_count(&f->out, "coverage_gap", VG_ALERT_RAISED), 0);
    vg_patrol_tick(f->p, S(14401), &f->postures, collect, &f->out);
    assert_int_equal(f->out.n, 1);
    const vg_alert *a = &f->out.ev[0].u.alert;
    assert_string_equal(a->rule, "coverage_gap");
    assert_int_equal(a->severity, VG_SEV_INFO);
    assert_int_equal(a->track, 0);
    assert_contains(a->message, "site chatelet (chatelet, station) not visited for 240 min");
    /* Notre-Dame has its soldiers standing in it: no gap there. The next tick does
     * not repeat the alert. */
    vg_patrol_tick(f->p, S(14402), &f->postures, collect, &f->out);
    assert_int_equal(f->out.n, 1);
    /* A unit reports from inside the polygon: resolved by the next tick. */
    cmd_ok(f, "unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"P-car\",\"lat\":48.8585,"
           "\"lon\":2.3470}", S(14410));
    vg_patrol_tick(f->p, S(14411), &f->postures, collect, &f->out);
    assert_int_equal(alert_count(&f->out, "coverage_gap", VG_ALERT_RESOLVED), 1);
    vg_site_coverage c;
    vg_patrol_coverage(f->p, 1, S(14411), &f->postures, &c);
    assert_true(c.met);
}

static void test_gap_is_a_warning_under_a_raised_posture(void **state)
{
    fixture *f = *state;
    vg_event ev[8];
    int n;
    vg_error err;
    vg_command pc = {.kind = "posture_set", .user = "cdt", .role = VG_ROLE_COMMANDER,
                     .args = "{\"level\":\"securite_renforcee\"}"};
    assert_int_equal(vg_postures_command(&f->postures, &pc, 0, ev, 8, &n, &err), 0);
    /* A visit every hour: both sites are due (the soldiers last reported at 0). */
    vg_patrol_tick(f->p, S(3601), &f->postures, collect, &f->out);
    assert_int_equal(alert_count(&f->out, "coverage_gap", VG_ALERT_RAISED), 2);
    assert_int_equal(f->out.ev[0].u.alert.severity, VG_SEV_WARNING);
    assert_int_equal(f->out.ev[1].u.alert.severity, VG_SEV_WARNING);
}

/* ---- ranking ------------------------------------------------------------------------------ */

static void test_units_ranked_by_eta_without_soldiers_or_off_duty(void **state)
{
    fixture *f = *state;
    vg_patrol_candidate c[8];
    /* Pilot at Notre-Dame: the soldiers (7 m) and the off-duty unit are nearest. */
    int n = vg_patrol_rank(f->p, 48.8530, 2.3499, S(10), c, 8);
    assert_int_equal(n, 3);
    /* foot 333 m at 1.4 m/s = 333 s; car 1000 m at 9 m/s = 156 s; bike 1000 m at
     * 4.5 m/s = 311 s: the car first, then the bike, then the foot patrol. */
    assert_string_equal(vg_patrol_unit(f->p, c[0].unit)->id, "P-car");
    assert_string_equal(vg_patrol_unit(f->p, c[1].unit)->id, "G-bike");
    assert_string_equal(vg_patrol_unit(f->p, c[2].unit)->id, "P-foot");
    assert_near(c[0].eta_s, c[0].distance_m * 1.4 / 9.0, 1e-9);
    assert_near(c[0].distance_m, 1000.8, 1.0);
    assert_near(c[2].eta_s, c[2].distance_m * 1.4 / 1.4, 1e-9);
    /* max bounds the output, keeping the best. */
    assert_int_equal(vg_patrol_rank(f->p, 48.8530, 2.3499, S(10), c, 1), 1);
    assert_string_equal(vg_patrol_unit(f->p, c[0].unit)->id, "P-car");
}

static void test_ties_are_broken_by_unit_id(void **state)
{
    fixture *f = *state;
    /* Two identical units at the same place, added in reverse id order. */
    cmd_ok(f, "unit_add", VG_ROLE_ADMIN, "{\"unit\":\"Z-2\",\"force\":\"municipal\","
           "\"capabilities\":[\"intercept\"],\"mode\":\"vehicle\",\"lat\":48.8531,\"lon\":2.3499}", 0);
    cmd_ok(f, "unit_add", VG_ROLE_ADMIN, "{\"unit\":\"Z-1\",\"force\":\"municipal\","
           "\"capabilities\":[\"intercept\"],\"mode\":\"vehicle\",\"lat\":48.8531,\"lon\":2.3499}", 0);
    vg_patrol_candidate c[2];
    assert_int_equal(vg_patrol_rank(f->p, 48.8530, 2.3499, S(10), c, 2), 2);
    assert_string_equal(vg_patrol_unit(f->p, c[0].unit)->id, "Z-1");
    assert_string_equal(vg_patrol_unit(f->p, c[1].unit)->id, "Z-2");
}

static void test_stale_units_are_not_proposed(void **state)
{
    fixture *f = *state;
    /* P-car and G-bike reported at 0; P-foot reports again at 250 s. At 301 s only
     * P-foot is fresh (stale_after_s 300). */
    cmd_ok(f, "unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"P-foot\",\"lat\":48.8560,"
           "\"lon\":2.3499}", S(250));
    vg_patrol_candidate c[8];
    int n = vg_patrol_rank(f->p, 48.8530, 2.3499, S(301), c, 8);
    assert_int_equal(n, 1);
    assert_string_equal(vg_patrol_unit(f->p, c[0].unit)->id, "P-foot");
    vg_patrol_tick(f->p, S(301), &f->postures, collect, &f->out);
    assert_true(vg_patrol_unit_find(f->p, "P-car")->stale);
    assert_false(vg_patrol_unit_find(f->p, "P-foot")->stale);
}

static void test_soldiers_cannot_be_given_intercept(void **state)
{
    fixture *f = *state;
    vg_error err;
    assert_int_equal(cmd(f, "unit_add", VG_ROLE_COMMANDER, "{\"unit\":\"SENT-2\",\"force\":"
                         "\"army\",\"capabilities\":[\"intercept\"]}", 0, &err), VG_EINVAL);
    assert_contains(err.msg, "soldiers do not intercept");
    assert_null(vg_patrol_unit_find(f->p, "SENT-2"));
}

/* ---- dispatch ------------------------------------------------------------------------------- */

static vg_alert alert_on(uint64_t id, uint64_t track, vg_alert_state st)
{
    vg_alert a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.track = track;
    a.state = st;
    snprintf(a.rule, sizeof a.rule, "asset_proximity");
    return a;
}

static void test_dispatch_proposed_confirmed_on_scene_and_closed(void **state)
{
    fixture *f = *state;
    vg_alert a = alert_on(7, 3, VG_ALERT_RAISED);
    vg_geo pilot = {48.8530, 2.3499, 80};
    vg_patrol_alert(f->p, &a, &pilot, S(20), collect, &f->out);
    assert_int_equal(f->out.n, 3); /* proposals: 3 by default */
    const char *order[] = {"P-car", "G-bike", "P-foot"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f->out.ev[i].type, VG_EV_DISPATCH);
        assert_string_equal(f->out.ev[i].u.dispatch.state, "proposed");
        assert_string_equal(f->out.ev[i].u.dispatch.unit, order[i]);
        assert_true(f->out.ev[i].u.dispatch.alert == 7);
    }
    assert_near(f->out.ev[0].u.dispatch.eta_s, 155.7, 0.2);
    /* The same alert again (an update): no new proposal. */
    vg_patrol_alert(f->p, &a, &pilot, S(21), collect, &f->out);
    assert_int_equal(f->out.n, 3);
    f->out.n = 0;
    cmd_ok(f, "dispatch_confirm", VG_ROLE_OPERATOR, "{\"alert\":7,\"unit\":\"G-bike\"}", S(30));
    assert_int_equal(f->out.n, 1);
    assert_string_equal(f->out.ev[0].u.dispatch.state, "en_route");
    assert_int_equal(vg_patrol_unit_find(f->p, "G-bike")->status, VG_UNIT_EN_ROUTE);
    /* The pilot walks 500 m north: the target follows, a new ETA is given. */
    vg_geo moved = {48.8575, 2.3499, 80};
    vg_patrol_pilot_moved(f->p, 3, moved, S(40), collect, &f->out);
    assert_int_equal(f->out.n, 2);
    assert_string_equal(f->out.ev[1].u.dispatch.state, "en_route");
    assert_near(f->out.ev[1].u.dispatch.eta_s, 1500.6 * 1.4 / 4.5, 1.0);
    /* A small move (< arrival radius) does not repeat the event. */
    moved.lat += 0.0001;
    vg_patrol_pilot_moved(f->p, 3, moved, S(41), collect, &f->out);
    assert_int_equal(f->out.n, 2);
    /* The bike reaches the old target: not there yet. Then the new one. */
    cmd_ok(f, "unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"G-bike\",\"lat\":48.8530,"
           "\"lon\":2.3499}", S(200));
    assert_int_equal(f->out.n, 2);
    cmd_ok(f, "unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"G-bike\",\"lat\":48.8577,"
           "\"lon\":2.3500}", S(400));
    assert_int_equal(f->out.n, 3);
    assert_string_equal(f->out.ev[2].u.dispatch.state, "on_scene");
    assert_int_equal(vg_patrol_unit_find(f->p, "G-bike")->status, VG_UNIT_ON_SCENE);
    cmd_ok(f, "dispatch_outcome", VG_ROLE_OPERATOR,
           "{\"alert\":7,\"unit\":\"G-bike\",\"outcome\":\"pilot_arrested\"}", S(500));
    assert_string_equal(f->out.ev[3].u.dispatch.state, "pilot_arrested");
    assert_int_equal(vg_patrol_unit_find(f->p, "G-bike")->status, VG_UNIT_AVAILABLE);
    assert_false(vg_patrol_has_open_dispatch(f->p));
}

static void test_no_pilot_no_proposal_and_closed_alert_cancels(void **state)
{
    fixture *f = *state;
    vg_alert a = alert_on(9, 4, VG_ALERT_RAISED);
    vg_patrol_alert(f->p, &a, NULL, S(20), collect, &f->out);
    assert_int_equal(f->out.n, 0);
    vg_geo pilot = {48.8530, 2.3499, 80};
    vg_patrol_alert(f->p, &a, &pilot, S(21), collect, &f->out); /* pilot now known */
    assert_int_equal(f->out.n, 3);
    cmd_ok(f, "dispatch_confirm", VG_ROLE_COMMANDER, "{\"alert\":9,\"unit\":\"P-car\"}", S(22));
    a.state = VG_ALERT_FALSE_ALARM;
    vg_patrol_alert(f->p, &a, NULL, S(23), collect, &f->out);
    assert_string_equal(f->out.ev[f->out.n - 1].u.dispatch.state, "cancelled");
    assert_int_equal(vg_patrol_unit_find(f->p, "P-car")->status, VG_UNIT_AVAILABLE);
}

/* ---- bad input ------------------------------------------------------------------------------- */

typedef struct snapshot {
    vg_unit units[16];
    vg_patrol_site sites[4];
    int nunits, nsites;
} snapshot;

static void snap(const vg_patrol *p, snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->nunits = vg_patrol_unit_count(p);
    s->nsites = vg_patrol_site_count(p);
    for (int i = 0; i < s->nunits; i++)
        s->units[i] = *vg_patrol_unit(p, i);
    for (int i = 0; i < s->nsites; i++)
        s->sites[i] = *vg_patrol_site_at(p, i);
}

static void test_bad_commands_change_nothing(void **state)
{
    fixture *f = *state;
    vg_alert a = alert_on(5, 2, VG_ALERT_RAISED);
    vg_geo pilot = {48.8530, 2.3499, 80};
    vg_patrol_alert(f->p, &a, &pilot, S(10), collect, &f->out);
    cmd_ok(f, "dispatch_confirm", VG_ROLE_OPERATOR, "{\"alert\":5,\"unit\":\"P-foot\"}", S(11));
    static const struct {
        const char *kind;
        vg_role role;
        const char *args;
        int rc;
        const char *msg;
    } cases[] = {
        {"unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"nobody\",\"lat\":48.85,\"lon\":2.35}",
         VG_ENOTFOUND, "unknown unit \"nobody\""},
        {"unit_status", VG_ROLE_OPERATOR, "{\"unit\":\"ghost\",\"status\":\"available\"}",
         VG_ENOTFOUND, "unknown unit \"ghost\""},
        {"unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"P-car\",\"lat\":43.30,\"lon\":5.37}",
         VG_ERANGE, "outside the area of operations"},
        {"unit_position", VG_ROLE_OPERATOR,
         "{\"unit\":\"P-car\",\"lat\":48.85,\"lon\":2.35,\"time\":13}", VG_ERANGE,
         "in the future"},
        {"unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"P-car\",\"lat\":\"x\",\"lon\":2.35}",
         VG_ETYPE, "unit_position.lat: expected a number"},
        {"unit_position", VG_ROLE_OPERATOR, "{\"unit\":\"P-car\",\"lat\":48.8,\"lon\":2.3,"
         "\"speed\":3}", VG_EUNKNOWN, "unknown field \"speed\""},
        {"unit_position", VG_ROLE_VIEWER, "{\"unit\":\"P-car\",\"lat\":48.85,\"lon\":2.35}",
         VG_EDENIED, "not allowed to a viewer"},
        {"unit_add", VG_ROLE_OPERATOR, "{\"unit\":\"X\",\"force\":\"police\"}", VG_EDENIED,
         "not allowed"},
        {"unit_add", VG_ROLE_ADMIN, "{\"unit\":\"P-car\",\"force\":\"police\"}", VG_EINVAL,
         "unit P-car already exists"},
        {"unit_add", VG_ROLE_ADMIN, "{\"unit\":\"X\",\"force\":\"navy\"}", VG_EINVAL,
         "unit_add.force: unknown value \"navy\""},
        {"unit_add", VG_ROLE_ADMIN, "{\"unit\":\"X\",\"force\":\"police\",\"capabilities\":"
         "[\"telepathy\"]}", VG_EINVAL, "unknown capability"},
        {"site_add", VG_ROLE_ADMIN, "{\"id\":\"s\",\"category\":\"station\"}", VG_EINVAL,
         "either lat and lon, or a polygon"},
        {"site_add", VG_ROLE_ADMIN, "{\"id\":\"s\",\"category\":\"station\",\"polygon\":"
         "[[1,2],[3,4]]}", VG_EINVAL, "3 to 32"},
        {"dispatch_confirm", VG_ROLE_OPERATOR, "{\"alert\":5,\"unit\":\"P-car\"}", VG_ESTATE,
         "already has a confirmed dispatch (unit P-foot)"},
        {"dispatch_confirm", VG_ROLE_OPERATOR, "{\"alert\":99,\"unit\":\"P-car\"}",
         VG_ENOTFOUND, "no dispatch for alert 99"},
        {"dispatch_confirm", VG_ROLE_OPERATOR, "{\"alert\":5,\"unit\":\"nobody\"}",
         VG_ENOTFOUND, "unknown unit"},
        {"dispatch_outcome", VG_ROLE_OPERATOR, "{\"alert\":5,\"unit\":\"P-car\",\"outcome\":"
         "\"pilot_found\"}", VG_EINVAL, "not the unit sent"},
        {"dispatch_outcome", VG_ROLE_OPERATOR, "{\"alert\":5,\"unit\":\"P-foot\",\"outcome\":"
         "\"escaped\"}", VG_EINVAL, "outcome: unknown value"},
        {"dispatch_outcome", VG_ROLE_ADMIN, "{\"alert\":5,\"unit\":\"P-foot\",\"outcome\":"
         "\"not_found\"}", VG_EDENIED, "not allowed to a admin"},
        {"unit_status", VG_ROLE_OPERATOR, "{\"unit\":\"P-foot\",\"status\":\"available\"}",
         VG_ESTATE, "close it with dispatch_outcome"},
        {"unit_status", VG_ROLE_OPERATOR, "{\"unit\":\"P-car\",\"status\":\"en_route\"}",
         VG_ESTATE, "follow a confirmed dispatch"},
        {"unit_status", VG_ROLE_OPERATOR, "[1]", VG_ETYPE, "args must be an object"},
        {"unit_status", VG_ROLE_OPERATOR, "{\"unit\":", VG_EPARSE, "unit_status: line 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snapshot before, after;
        snap(f->p, &before);
        int n0 = f->out.n;
        vg_error err = {0};
        int rc = cmd(f, cases[i].kind, cases[i].role, cases[i].args, S(12), &err);
        if (rc != cases[i].rc)
            fail_msg("case %zu (%s %s): rc %d, expected %d (%s)", i, cases[i].kind,
                     cases[i].args, rc, cases[i].rc, err.msg);
        assert_contains(err.msg, cases[i].msg);
        snap(f->p, &after);
        assert_memory_equal(&before, &after, sizeof before);
        assert_int_equal(f->out.n, n0);
    }
}

static void test_data_files_are_all_or_nothing(void **state)
{
    fixture *f = *state;
    vg_error err;
    int n = vg_patrol_unit_count(f->p);
    const char *dup = "[{\"unit\":\"A\",\"force\":\"police\"},"
                      "{\"unit\":\"A\",\"force\":\"police\"}]";
    assert_int_equal(vg_patrol_load_units(f->p, dup, strlen(dup), 0, &err), VG_EINVAL);
    assert_contains(err.msg, "units[1]: unit A given twice");
    assert_int_equal(vg_patrol_unit_count(f->p), n);
    const char *ok = "[{\"unit\":\"A\",\"force\":\"police\"},{\"unit\":\"B\",\"force\":\"gendarmerie\"}]";
    assert_int_equal(vg_patrol_load_units(f->p, ok, strlen(ok), 0, &err), 2);
    assert_int_equal(vg_patrol_unit_count(f->p), n + 2);
    const char *sites = "{\"id\":\"x\"}";
    assert_int_equal(vg_patrol_load_sites(f->p, sites, strlen(sites), 0, &err), VG_ETYPE);
}

/* ---- plans ------------------------------------------------------------------------------------ */

/* Eight sites in an 800 × 800 m square around the Pont Neuf (Sentinelle style),
 * foot patrols of soldiers (six: three groups of eight patrolling in fours). */
static void plan_fixture(vg_unit *u, int nu, vg_patrol_site *s, int ns)
{
    memset(u, 0, (size_t)nu * sizeof *u);
    memset(s, 0, (size_t)ns * sizeof *s);
    for (int i = 0; i < nu; i++) {
        snprintf(u[i].id, sizeof u[i].id, "SENT-%d", i + 1);
        u[i].force = VG_FORCE_ARMY;
        u[i].mode = VG_MODE_FOOT;
        u[i].status = VG_UNIT_PATROLLING;
    }
    for (int i = 0; i < ns; i++) {
        snprintf(s[i].id, sizeof s[i].id, "site-%d", i + 1);
        s[i].lat = 48.8540 + 0.0072 * (double)(i % 3) / 2.0;
        s[i].lon = 2.3370 + 0.0108 * (double)(i / 3) / 2.0;
        s[i].radius_m = 100;
    }
}

static void test_plan_meets_urgence_attentat_obligations(void **state)
{
    (void)state;
    vg_unit u[6];
    vg_patrol_site s[8];
    plan_fixture(u, 6, s, 8);
    vg_postures ps;
    vg_postures_init(&ps, 0);
    const vg_posture_params *pp = vg_postures_params(&ps, VG_POSTURE_URGENCE_ATTENTAT);
    static vg_plan_visit v[2000], v2[2000];
    int n, n2;
    vg_error err;
    assert_int_equal(vg_plan_generate(u, 6, s, 8, pp, NULL, 0, 12, 42, v, 2000, &n, &err), 0);
    assert_true(n > 50);
    double cov = vg_plan_coverage(s, 8, v, n, pp, NULL, 0, 12);
    if (cov < 0.95)
        fail_msg("coverage %.3f below 95%%", cov);
    /* Same seed, same plan; another seed, another plan. */
    assert_int_equal(vg_plan_generate(u, 6, s, 8, pp, NULL, 0, 12, 42, v2, 2000, &n2, &err), 0);
    assert_int_equal(n, n2);
    assert_memory_equal(v, v2, (size_t)n * sizeof *v);
    assert_int_equal(vg_plan_generate(u, 6, s, 8, pp, NULL, 0, 12, 43, v2, 2000, &n2, &err), 0);
    assert_true(n != n2 || memcmp(v, v2, (size_t)n * sizeof *v) != 0);
    /* Each visit lasts 5 to 15 min, and a unit is never in two places at once. */
    for (int i = 0; i < n; i++) {
        double d = (double)(v[i].leave - v[i].arrive) / 1e6;
        assert_true(d <= 900.0 && (d >= 300.0 || v[i].leave == S(12 * 3600)));
        for (int k = i + 1; k < n; k++)
            if (v[k].unit == v[i].unit)
                assert_true(v[k].arrive >= v[i].leave || v[i].arrive >= v[k].leave);
    }
}

static void test_coverage_counts_missed_site_hours(void **state)
{
    (void)state;
    vg_patrol_site s[2];
    vg_unit u[1];
    plan_fixture(u, 1, s, 2);
    vg_postures ps;
    vg_postures_init(&ps, 0);
    const vg_posture_params *pp = vg_postures_params(&ps, VG_POSTURE_URGENCE_ATTENTAT);
    /* Site 0 visited every 25 min for 2 h; site 1 never: it is covered by the
     * hand-over for 30 min, then missed in both hours. */
    vg_plan_visit v[5];
    for (int i = 0; i < 5; i++)
        v[i] = (vg_plan_visit){0, 0, S(1500 * (i + 1)), S(1500 * (i + 1) + 60)};
    assert_near(vg_plan_coverage(s, 2, v, 5, pp, NULL, 0, 2), 0.5, 1e-12);
    /* No visit at all: the first hour of each site fails at 30 min. */
    assert_near(vg_plan_coverage(s, 2, v, 0, pp, NULL, 0, 2), 0.0, 1e-12);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_obligation_follows_the_posture_level),
        T(test_gap_opens_an_alert_and_presence_resolves_it),
        T(test_gap_is_a_warning_under_a_raised_posture),
        T(test_units_ranked_by_eta_without_soldiers_or_off_duty),
        T(test_ties_are_broken_by_unit_id),
        T(test_stale_units_are_not_proposed),
        T(test_soldiers_cannot_be_given_intercept),
        T(test_dispatch_proposed_confirmed_on_scene_and_closed),
        T(test_no_pilot_no_proposal_and_closed_alert_cancels),
        T(test_bad_commands_change_nothing),
        T(test_data_files_are_all_or_nothing),
        cmocka_unit_test(test_plan_meets_urgence_attentat_obligations),
        cmocka_unit_test(test_coverage_counts_missed_site_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
