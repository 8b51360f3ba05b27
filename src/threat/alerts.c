/* threat/alerts.c — the alert table and the alert lifecycle.
 *
 * One fixed table of slots, allocated at creation, with hash chains over it: an
 * alert is found by its key (rule + track id, cooperative identity or zone) in its
 * hash bucket, hash compared first, then the key. Looking for a free slot scans
 * the table, but only when an alert is raised. States: raised → acknowledged → dispatched → resolved | false_alarm.
 * Every change builds the alert's message — "<what happened>[ by <user>] at <time>:
 * <the condition>" — and emits the alert. Closed alerts keep their slot until it is
 * needed again, so that commands on them get a clear "already resolved". */
#include <stdio.h>
#include <string.h>

#include "threat/threat_int.h"

static bool is_open(vg_alert_state s)
{
    return s == VG_ALERT_RAISED || s == VG_ALERT_ACKNOWLEDGED || s == VG_ALERT_DISPATCHED;
}

static uint64_t key_hash(vg_threat_rule rule, const th_key *k)
{
    unsigned char head[2] = {(unsigned char)rule, (unsigned char)k->kind};
    uint64_t h = th_hash(head, 2, TH_HASH_SEED);
    if (k->kind == TH_KEY_TRACK)
        return th_hash(&k->track, sizeof k->track, h);
    unsigned char src = (unsigned char)k->src;
    h = th_hash(&src, 1, h);
    return th_hash(k->id, strlen(k->id), h);
}

static bool key_eq(const th_key *a, const th_key *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == TH_KEY_TRACK)
        return a->track == b->track;
    return a->src == b->src && strcmp(a->id, b->id) == 0;
}

/* Hash chains: every used slot is in the chain of its hash's bucket. */
static void chain_link(vg_threat *th, th_alert *x)
{
    int b = (int)(x->hash & (uint64_t)(th->nbuckets - 1));
    x->next = th->buckets[b];
    th->buckets[b] = (int)(x - th->alerts);
}

static void chain_unlink(vg_threat *th, th_alert *x)
{
    int *p = &th->buckets[x->hash & (uint64_t)(th->nbuckets - 1)];
    int self = (int)(x - th->alerts);
    while (*p >= 0 && *p != self)
        p = &th->alerts[*p].next;
    if (*p == self)
        *p = x->next;
    x->next = -1;
}

/* The alert of (rule, key) that is open or muted (false alarm), or NULL. */
static th_alert *find_key(vg_threat *th, vg_threat_rule rule, const th_key *k)
{
    uint64_t h = key_hash(rule, k);
    for (int i = th->buckets[h & (uint64_t)(th->nbuckets - 1)]; i >= 0; i = th->alerts[i].next) {
        th_alert *x = &th->alerts[i];
        if (x->hash == h && x->rule == rule && x->a.state != VG_ALERT_RESOLVED &&
            key_eq(&x->key, k))
            return x;
    }
    return NULL;
}

th_alert *th_alert_find_open(vg_threat *th, vg_threat_rule rule, const th_key *key)
{
    th_alert *x = find_key(th, rule, key);
    return x && is_open(x->a.state) ? x : NULL;
}

static th_alert *find_id(const vg_threat *th, uint64_t id)
{
    for (int i = 0; i < th->opts.alerts; i++)
        if (th->alerts[i].used && th->alerts[i].a.id == id)
            return &th->alerts[i];
    return NULL;
}

const vg_alert *vg_threat_alert(const vg_threat *th, uint64_t id)
{
    const th_alert *x = find_id(th, id);
    return x ? &x->a : NULL;
}

/* A slot for a new alert: a free one, else the oldest resolved, else the oldest
 * false alarm (its mute is lost), else NULL. */
static th_alert *alloc_slot(vg_threat *th)
{
    th_alert *best = NULL;
    for (int i = 0; i < th->opts.alerts; i++) {
        th_alert *x = &th->alerts[i];
        if (!x->used)
            return x;
        if (is_open(x->a.state))
            continue;
        if (!best || (x->a.state == VG_ALERT_RESOLVED && best->a.state != VG_ALERT_RESOLVED) ||
            (x->a.state == best->a.state && x->changed_at < best->changed_at))
            best = x;
    }
    return best;
}

/* Cut s (NUL-terminated) to at most max bytes on a UTF-8 character boundary. */
static void utf8_cut(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/* Set x's message to "<what> at <t>: <detail>" and hand the alert to emit. */
static void emit_alert(th_alert *x, const char *what, vg_time t, vg_threat_emit_fn emit,
                       void *userdata)
{
    char when[VG_TIME_TEXT_MAX];
    if (vg_time_format_rfc3339(t, when, sizeof when) == 0)
        strcpy(when, "?");
    char buf[2 * VG_TEXT_MAX + 64];
    snprintf(buf, sizeof buf, "%s at %s: %s", what, when, x->detail);
    utf8_cut(buf, VG_TEXT_MAX - 1);
    memcpy(x->a.message, buf, strlen(buf) + 1);
    x->changed_at = t;
    if (!emit)
        return;
    vg_event ev;
    vg_event_init(&ev, VG_EV_ALERT, t);
    ev.u.alert = x->a;
    emit(userdata, &ev);
}

static void copy_id(char *dst, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= VG_ID_MAX)
        n = VG_ID_MAX - 1;
    memcpy(dst, s ? s : "", n);
    dst[n] = '\0';
}

bool th_alert_names_zone(vg_threat *th, vg_threat_rule rule, const th_key *key,
                         const char *zone)
{
    const th_alert *x = find_key(th, rule, key);
    return x && is_open(x->a.state) && strncmp(x->a.zone, zone, VG_ID_MAX) == 0;
}

/* The object has alert x of rule; track — a new track of it, found again after its
 * old track lost it — raised one of its own before it was known: the object keeps
 * one alert, the track's is resolved into it. */
static void merge_into(vg_threat *th, vg_threat_rule rule, const th_alert *x, uint64_t track,
                       vg_time t, vg_threat_emit_fn emit, void *userdata)
{
    th_key tk = {.kind = TH_KEY_TRACK, .track = track};
    th_alert *dup = find_key(th, rule, &tk);
    if (!dup || dup == x || !is_open(dup->a.state))
        return;
    char why[64];
    snprintf(why, sizeof why, "same object as alert %llu", (unsigned long long)x->a.id);
    chain_unlink(th, dup);
    dup->key.track = 0; /* no longer found by its track */
    dup->hash = key_hash(rule, &dup->key);
    chain_link(th, dup);
    th_alert_close(th, dup, VG_ALERT_RESOLVED, "vigie", why, t, emit, userdata);
}

void th_alert_merge_track(vg_threat *th, const th_key *ident, uint64_t track, vg_time t,
                          vg_threat_emit_fn emit, void *userdata)
{
    for (int r = 0; r < VG_RULE_COUNT; r++) {
        const th_alert *x = find_key(th, (vg_threat_rule)r, ident);
        if (x && is_open(x->a.state))
            merge_into(th, (vg_threat_rule)r, x, track, t, emit, userdata);
    }
}

int th_alert_fire(vg_threat *th, const th_finding *f, vg_time t, vg_threat_emit_fn emit,
                  void *userdata, vg_error *err)
{
    const char *zone = f->zone ? f->zone : "";
    th_alert *x = find_key(th, f->rule, &f->key);
    bool identified_now = false;
    if (!x && f->key.kind == TH_KEY_IDENTITY) {
        /* the track was alerted before its identity was known: carry that alert over
         * to the identity key, so the object keeps one alert */
        th_key tk = {.kind = TH_KEY_TRACK, .track = f->track};
        x = find_key(th, f->rule, &tk);
        if (x) {
            chain_unlink(th, x);
            x->key = f->key;
            x->hash = key_hash(f->rule, &f->key);
            chain_link(th, x);
            identified_now = true; /* who it is matters to the operator: say so */
        }
    }
    if (x && !identified_now && f->key.kind == TH_KEY_IDENTITY)
        merge_into(th, f->rule, x, f->track, t, emit, userdata);
    if (x && x->a.state == VG_ALERT_FALSE_ALARM) {
        x->a.track = f->track;  /* muted; follow the object so a drop lifts the mute */
        return 0;
    }
    bool keep_zone = false;
    if (x && f->rule == VG_RULE_ZONE_ENTRY && strncmp(x->a.zone, zone, VG_ID_MAX) != 0 &&
        !(f->zone_extent < x->zone_extent)) {
        /* A zone alert names the most specific zone its object has entered: it
         * follows the drone into the corridor, not back out at every wobble across
         * the corridor's edge (the track shows where it is now). */
        zone = x->a.zone;
        keep_zone = true;
    } else if (x && f->rule == VG_RULE_ZONE_ENTRY) {
        x->zone_extent = f->zone_extent;
    }
    if (x) {
        vg_severity sev = f->severity > x->a.severity ? f->severity : x->a.severity;
        bool changed = identified_now || sev != x->a.severity || x->a.track != f->track ||
                       strncmp(x->a.zone, zone, VG_ID_MAX) != 0 ||
                       (f->has_pilot && !x->had_pilot);
        if (!keep_zone)
            memcpy(x->detail, f->detail, sizeof x->detail);
        if (f->escalation_s > 0)
            x->escalation_s = f->escalation_s;
        if (!changed)
            return 0;
        x->a.severity = sev;
        x->a.track = f->track;
        copy_id(x->a.zone, zone);
        x->had_pilot |= f->has_pilot;
        emit_alert(x, "updated", t, emit, userdata);
        th->stats.updated++;
        return 0;
    }
    x = alloc_slot(th);
    if (!x) {
        th->stats.dropped_full++;
        return vg_err(err, VG_EFULL, "threat: alert table full (%d open alerts): %s not raised",
                      th->opts.alerts, vg_threat_rule_name(f->rule));
    }
    if (x->used) {
        chain_unlink(th, x);   /* a closed alert's slot, reused */
        if (x->a.state == VG_ALERT_FALSE_ALARM)
            th->muted--;
    }
    memset(x, 0, sizeof *x);
    x->used = true;
    x->rule = f->rule;
    x->key = f->key;
    x->hash = key_hash(f->rule, &f->key);
    chain_link(th, x);
    x->a.id = th->next_id++;
    x->a.track = f->track;
    copy_id(x->a.rule, vg_threat_rule_name(f->rule));
    x->a.severity = f->severity;
    x->a.state = VG_ALERT_RAISED;
    copy_id(x->a.zone, zone);
    x->raised_at = t;
    x->escalation_s = f->escalation_s;
    x->had_pilot = f->has_pilot;
    x->zone_extent = f->zone_extent;
    memcpy(x->detail, f->detail, sizeof x->detail);
    emit_alert(x, "raised", t, emit, userdata);
    th->stats.raised++;
    return 0;
}

void th_alert_close(vg_threat *th, th_alert *x, vg_alert_state to, const char *who,
                    const char *why, vg_time t, vg_threat_emit_fn emit, void *userdata)
{
    char what[VG_TEXT_MAX];
    snprintf(what, sizeof what, "%s by %s%s%s", vg_alert_state_name(to), who, why ? ", " : "",
             why ? why : "");
    if (to == VG_ALERT_FALSE_ALARM && x->a.state != VG_ALERT_FALSE_ALARM)
        th->muted++;
    x->a.state = to;
    emit_alert(x, what, t, emit, userdata);
}

int vg_threat_tick(vg_threat *th, vg_time t, vg_threat_emit_fn emit, void *userdata)
{
    int n = 0;
    for (int i = 0; i < th->opts.alerts; i++) {
        th_alert *x = &th->alerts[i];
        if (!x->used || x->a.state != VG_ALERT_RAISED || x->escalated || !(x->escalation_s > 0))
            continue;
        if ((double)(t - x->raised_at) < x->escalation_s * 1e6)
            continue;
        x->escalated = true;
        if (x->a.severity >= VG_SEV_CRITICAL)
            continue;
        x->a.severity = (vg_severity)(x->a.severity + 1);
        char what[96];
        snprintf(what, sizeof what, "escalated, not acknowledged within %g s", x->escalation_s);
        emit_alert(x, what, t, emit, userdata);
        th->stats.escalated++;
        n++;
    }
    return n;
}

int vg_threat_track_drop(vg_threat *th, uint64_t track_id)
{
    /* Only muted alerts care about drops, and there are usually none: the tracker
     * drops tracks by the thousand (clutter), so the table is not scanned for them. */
    for (int i = 0; th->muted > 0 && i < th->opts.alerts; i++) {
        th_alert *x = &th->alerts[i];
        if (x->used && x->a.state == VG_ALERT_FALSE_ALARM && x->a.track == track_id) {
            chain_unlink(th, x);
            x->used = false;
            th->muted--;
        }
    }
    return 0;
}

/* ---- operator commands ---------------------------------------------------------------- */

typedef struct transition {
    const char *kind;
    vg_alert_state to;
    unsigned from;   /* bit mask of the states it may leave */
} transition;

#define FROM(s) (1u << (s))

static const transition transitions[] = {
    {"alert_ack", VG_ALERT_ACKNOWLEDGED, FROM(VG_ALERT_RAISED)},
    {"alert_dispatch", VG_ALERT_DISPATCHED, FROM(VG_ALERT_RAISED) | FROM(VG_ALERT_ACKNOWLEDGED)},
    {"alert_resolve", VG_ALERT_RESOLVED,
     FROM(VG_ALERT_RAISED) | FROM(VG_ALERT_ACKNOWLEDGED) | FROM(VG_ALERT_DISPATCHED)},
    {"alert_false_alarm", VG_ALERT_FALSE_ALARM,
     FROM(VG_ALERT_RAISED) | FROM(VG_ALERT_ACKNOWLEDGED) | FROM(VG_ALERT_DISPATCHED)},
};

int th_alert_command(vg_threat *th, const vg_command *cmd, vg_time t,
                     vg_threat_emit_fn emit, void *userdata, vg_error *err)
{
    const transition *tr = NULL;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(cmd->kind, transitions[i].kind) == 0)
            tr = &transitions[i];
    if (!tr)
        return vg_err(err, VG_EUNKNOWN, "%s: not an alert command", cmd->kind);
    if (cmd->role != VG_ROLE_OPERATOR && cmd->role != VG_ROLE_COMMANDER)
        return vg_err(err, VG_EINVAL, "%s: role %s may not act on alerts (operator or commander)",
                      cmd->kind, vg_role_name(cmd->role));
    if (cmd->user[0] == '\0')
        return vg_err(err, VG_EINVAL, "%s: no user", cmd->kind);
    const char *end = memchr(cmd->args, '\0', sizeof cmd->args);
    size_t alen = end ? (size_t)(end - cmd->args) : sizeof cmd->args;
    json_t *args = alen ? th_json_load(cmd->args, alen, cmd->kind, err)
                        : th_json_load("{}", 2, cmd->kind, err);
    if (!args)
        return VG_EPARSE;
    static const char *const keys[] = {"alert"};
    int rc = th_json_keys(args, keys, 1, cmd->kind, err);
    json_t *v = json_object_get(args, "alert");
    json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
    if (rc == 0 && !v)
        rc = vg_err(err, VG_EMISSING, "%s.alert: required", cmd->kind);
    else if (rc == 0 && id < 1)
        rc = vg_err(err, VG_EINVAL, "%s.alert: expected an alert id (integer >= 1)", cmd->kind);
    json_decref(args);
    if (rc < 0)
        return rc;
    th_alert *x = find_id(th, (uint64_t)id);
    if (!x)
        return vg_err(err, VG_ENOTFOUND, "%s: no alert %lld", cmd->kind, (long long)id);
    if (!(tr->from & FROM(x->a.state))) {
        if (!is_open(x->a.state))
            return vg_err(err, VG_ESTATE, "%s: alert %lld is already closed (%s)", cmd->kind,
                          (long long)id, vg_alert_state_name(x->a.state));
        return vg_err(err, VG_ESTATE, "%s: alert %lld is %s, cannot become %s", cmd->kind,
                      (long long)id, vg_alert_state_name(x->a.state),
                      vg_alert_state_name(tr->to));
    }
    if (tr->to == VG_ALERT_RESOLVED || tr->to == VG_ALERT_FALSE_ALARM) {
        th_alert_close(th, x, tr->to, cmd->user, NULL, t, emit, userdata);
        return 0;
    }
    char what[VG_TEXT_MAX];
    snprintf(what, sizeof what, "%s by %s", vg_alert_state_name(tr->to), cmd->user);
    x->a.state = tr->to;
    emit_alert(x, what, t, emit, userdata);
    return 0;
}
