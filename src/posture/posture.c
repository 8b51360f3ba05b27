/* posture/posture.c — levels, postures in force, and commanders' changes.
 *
 * The level definitions are data (postures/vigipirate.json, built in); what is in
 * force is a small table, one posture per scope, with a ring of past changes. The
 * strictest level wins at a point because a raised posture over a zone must not be
 * diluted by a calmer national one, and vice versa. */
#include "vigie/posture.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vigipirate_levels.h"

static const char *const level_names[VG_POSTURE_LEVEL_COUNT] = {
    "vigilance", "securite_renforcee", "urgence_attentat",
};

static int level_from_name(const char *s)
{
    for (int i = 0; i < VG_POSTURE_LEVEL_COUNT; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

/* Text that the event codec will accept back: no control characters but newline
 * and tab (ids: none at all). */
static bool clean_text(const char *s, bool id)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 || c == 0x7f) && (id || (c != '\n' && c != '\t')))
            return false;
    }
    return true;
}

static int copy_text(char *dst, size_t cap, json_t *v)
{
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= cap)
        return -1;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

static int number(json_t *obj, const char *key, double lo, double hi, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        return -1;
    double x = json_number_value(v);
    if (!(x >= lo && x <= hi))
        return -1;
    *out = x;
    return 0;
}

static int parse_level(json_t *l, vg_level_def *def, bool *seen, vg_error *err, size_t index)
{
    json_t *name = json_object_get(l, "level");
    int lv = json_is_string(name) ? level_from_name(json_string_value(name)) : -1;
    if (lv < 0)
        return vg_err(err, VG_EINVAL, "levels[%zu].level: expected vigilance, "
                      "securite_renforcee or urgence_attentat", index);
    if (seen[lv])
        return vg_err(err, VG_EINVAL, "levels[%zu]: %s defined twice", index, level_names[lv]);
    seen[lv] = true;
    vg_level_def *d = &def[lv];
    memset(d, 0, sizeof *d);
    d->level = (vg_posture_level)lv;
    if (copy_text(d->name, sizeof d->name, json_object_get(l, "name")) < 0)
        return vg_err(err, VG_EINVAL, "%s.name: expected a string of 1-255 bytes", level_names[lv]);
    json_t *p = json_object_get(l, "params");
    if (!json_is_object(p))
        return vg_err(err, VG_EMISSING, "%s.params: missing", level_names[lv]);
    static const char *const keys[] = {"alert_distance_m", "anticipation_s", "escalation_s",
                                       "patrol_interval_s"};
    double *dst[] = {&d->params.alert_distance_m, &d->params.anticipation_s,
                     &d->params.escalation_s, &d->params.patrol_interval_s};
    for (int k = 0; k < 4; k++)
        if (number(p, keys[k], 0.0, 1e7, dst[k]) < 0)
            return vg_err(err, VG_EINVAL, "%s.params.%s: expected a number in [0, 1e7]",
                          level_names[lv], keys[k]);
    json_t *cont = json_object_get(p, "patrol_continuous");
    if (!json_is_boolean(cont))
        return vg_err(err, VG_EINVAL, "%s.params.patrol_continuous: expected true or false",
                      level_names[lv]);
    d->params.patrol_continuous = json_is_true(cont);
    json_t *ms = json_object_get(l, "measures");
    if (!json_is_array(ms))
        return vg_err(err, VG_EMISSING, "%s.measures: expected an array", level_names[lv]);
    if (json_array_size(ms) > VG_POSTURE_MEASURES_MAX)
        return vg_err(err, VG_ETOOBIG, "%s.measures: more than %d", level_names[lv],
                      VG_POSTURE_MEASURES_MAX);
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m) {
        vg_measure *x = &d->measures[i];
        double c;
        if (copy_text(x->code, sizeof x->code, json_object_get(m, "code")) < 0 ||
            copy_text(x->title, sizeof x->title, json_object_get(m, "title")) < 0 ||
            number(m, "constraint", 0, 3, &c) < 0 || c != floor(c) ||
            !json_is_boolean(json_object_get(m, "permanent")))
            return vg_err(err, VG_EINVAL, "%s.measures[%zu]: needs code (≤ 15 bytes), title, "
                          "constraint 0-3 and permanent", level_names[lv], i);
        x->constraint = (int)c;
        x->permanent = json_is_true(json_object_get(m, "permanent"));
    }
    d->n_measures = (int)json_array_size(ms);
    return 0;
}

int vg_postures_load_levels(vg_postures *p, const char *json, size_t len, vg_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return vg_err(err, VG_EPARSE, "levels: invalid JSON at line %d column %d", jerr.line,
                      jerr.column);
    vg_level_def defs[VG_POSTURE_LEVEL_COUNT];
    bool seen[VG_POSTURE_LEVEL_COUNT] = {false};
    int rc = 0;
    json_t *levels = json_object_get(root, "levels");
    if (!json_is_array(levels)) {
        rc = vg_err(err, VG_EMISSING, "levels: expected {\"levels\": [...]}");
    } else {
        size_t i;
        json_t *l;
        json_array_foreach(levels, i, l) {
            if (i >= VG_POSTURE_LEVEL_COUNT)
                rc = vg_err(err, VG_ETOOBIG, "levels: more than %d", VG_POSTURE_LEVEL_COUNT);
            else if (!json_is_object(l))
                rc = vg_err(err, VG_ETYPE, "levels[%zu]: expected an object", i);
            else
                rc = parse_level(l, defs, seen, err, i);
            if (rc < 0)
                break;
        }
        for (int lv = 0; rc == 0 && lv < VG_POSTURE_LEVEL_COUNT; lv++)
            if (!seen[lv])
                rc = vg_err(err, VG_EMISSING, "levels: %s is not defined", level_names[lv]);
    }
    json_decref(root);
    if (rc == 0)
        memcpy(p->levels, defs, sizeof defs);
    return rc;
}

static void remember(vg_postures *p, const vg_posture_state *s)
{
    p->history[p->n_history % VG_POSTURE_HISTORY] = *s;
    p->n_history++;
}

void vg_postures_init(vg_postures *p, vg_time since)
{
    memset(p, 0, sizeof *p);
    /* The built-in file is tested to load; should it not, the levels stay zero
     * (no distances, no anticipation), which the tests would catch first. */
    vg_postures_load_levels(p, vg_builtin_levels, sizeof vg_builtin_levels - 1, NULL);
    vg_posture_state *s = &p->in_force[p->n_in_force++];
    s->level = VG_POSTURE_VIGILANCE;
    snprintf(s->scope, sizeof s->scope, "national");
    snprintf(s->name, sizeof s->name, "%s", p->levels[VG_POSTURE_VIGILANCE].name);
    snprintf(s->user, sizeof s->user, "system");
    s->since = since;
    remember(p, s);
}

static int scope_index(const vg_postures *p, const char *scope)
{
    for (int i = 0; i < p->n_in_force; i++)
        if (strcmp(p->in_force[i].scope, scope) == 0)
            return i;
    return -1;
}

int vg_postures_command(vg_postures *p, const vg_command *cmd, vg_time t, vg_event *out,
                        int cap, int *n_out, vg_error *err)
{
    *n_out = 0;
    if (strcmp(cmd->kind, "posture_set") != 0)
        return vg_err(err, VG_EINVAL, "posture: unknown command %s", cmd->kind);
    if (cmd->role != VG_ROLE_COMMANDER)
        return vg_err(err, VG_EINVAL, "posture_set by %s: role %s may not change the posture "
                      "(commander required)", cmd->user, vg_role_name(cmd->role));
    json_error_t jerr;
    json_t *args = json_loads(cmd->args[0] ? cmd->args : "{}", 0, &jerr);
    if (!args)
        return vg_err(err, VG_EPARSE, "posture_set: args are not JSON");
    int rc = 0;
    const char *scopes[VG_POSTURES_MAX];
    int n = 0;
    json_t *level = json_object_get(args, "level"), *scope = json_object_get(args, "scope");
    json_t *name = json_object_get(args, "name");
    int lv = json_is_string(level) ? level_from_name(json_string_value(level)) : -1;
    if (lv < 0) {
        rc = vg_err(err, VG_EINVAL, "posture_set.args.level: expected vigilance, "
                    "securite_renforcee or urgence_attentat");
    } else if (!scope || json_is_null(scope)) {
        scopes[n++] = "national";
    } else if (json_is_string(scope)) {
        scopes[n++] = json_string_value(scope);
    } else if (json_is_array(scope) && json_array_size(scope) > 0 &&
               json_array_size(scope) <= VG_POSTURES_MAX) {
        size_t i;
        json_t *z;
        json_array_foreach(scope, i, z) {
            if (!json_is_string(z)) {
                rc = vg_err(err, VG_ETYPE, "posture_set.args.scope[%zu]: expected a zone id", i);
                break;
            }
            scopes[n++] = json_string_value(z);
        }
    } else {
        rc = vg_err(err, VG_EINVAL, "posture_set.args.scope: \"national\", a zone id or a "
                    "non-empty list of at most %d", VG_POSTURES_MAX);
    }
    if (rc == 0 && name &&
        !(json_is_string(name) && json_string_length(name) > 0 &&
          json_string_length(name) < VG_TEXT_MAX && clean_text(json_string_value(name), false) &&
          strlen(json_string_value(name)) == json_string_length(name)))
        rc = vg_err(err, VG_EINVAL, "posture_set.args.name: expected text of 1-255 bytes");
    for (int i = 0; rc == 0 && i < n; i++)
        if (strlen(scopes[i]) == 0 || strlen(scopes[i]) >= VG_ID_MAX || !clean_text(scopes[i], true))
            rc = vg_err(err, VG_EINVAL, "posture_set.args.scope: ids are 1-63 bytes of text");
    /* Check capacity before changing anything: all or nothing. */
    int new_scopes = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        if (scope_index(p, scopes[i]) < 0)
            new_scopes++;
    if (rc == 0 && p->n_in_force + new_scopes > VG_POSTURES_MAX)
        rc = vg_err(err, VG_EFULL, "posture_set: more than %d postures in force", VG_POSTURES_MAX);
    if (rc == 0 && n > cap)
        rc = vg_err(err, VG_EFULL, "posture_set: %d scopes, room for %d events", n, cap);
    for (int i = 0; rc == 0 && i < n; i++) {
        int k = scope_index(p, scopes[i]);
        if (k < 0)
            k = p->n_in_force++;
        vg_posture_state *s = &p->in_force[k];
        s->level = (vg_posture_level)lv;
        snprintf(s->scope, sizeof s->scope, "%s", scopes[i]);
        snprintf(s->name, sizeof s->name, "%s",
                 name ? json_string_value(name) : p->levels[lv].name);
        snprintf(s->user, sizeof s->user, "%s", cmd->user);
        s->since = t;
        remember(p, s);
        vg_event_init(&out[i], VG_EV_POSTURE, t);
        out[i].u.posture.level = s->level;
        memcpy(out[i].u.posture.scope, s->scope, sizeof s->scope);
        memcpy(out[i].u.posture.name, s->name, sizeof s->name);
        memcpy(out[i].u.posture.user, s->user, sizeof s->user);
        (*n_out)++;
    }
    json_decref(args);
    return rc;
}

vg_posture_level vg_postures_level_at(const vg_postures *p, const char *const *zone_ids, int n)
{
    vg_posture_level best = VG_POSTURE_VIGILANCE;
    for (int i = 0; i < p->n_in_force; i++) {
        const vg_posture_state *s = &p->in_force[i];
        bool applies = strcmp(s->scope, "national") == 0;
        for (int z = 0; !applies && z < n; z++)
            applies = strcmp(s->scope, zone_ids[z]) == 0;
        if (applies && s->level > best)
            best = s->level;
    }
    return best;
}

const vg_posture_params *vg_postures_params(const vg_postures *p, vg_posture_level level)
{
    return &p->levels[level < VG_POSTURE_LEVEL_COUNT ? level : VG_POSTURE_VIGILANCE].params;
}
