/* threat/whitelist.c — authorised flights: who may fly, where, and when.
 *
 * An entry names a drone (its Remote ID / French beacon serial, "uas_id") or an
 * operator (its registration, "operator_id"), optionally one zone, a time window
 * [start, end) and a purpose. Entries come from whitelist_add / whitelist_remove
 * commands or a JSON file; both go through the same strict parser. Tracks carry the
 * drone's serial but not its operator, so the engine links the two as Remote ID's
 * operator ID message reveals them (vg_threat_link_operator), in a small table
 * that forgets the oldest link when full. Lookups compare hashes first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threat/threat_int.h"

static uint64_t id_hash(const char *s)
{
    return th_hash(s, strlen(s), TH_HASH_SEED);
}

int th_whitelist_parse(json_t *obj, const char *path, th_whitelist_entry *e, vg_error *err)
{
    static const char *const keys[] = {"uas_id", "operator_id", "zone", "start", "end",
                                       "purpose"};
    memset(e, 0, sizeof *e);
    int rc;
    bool has_uas, has_op;
    char uas[VG_ID_MAX], op[VG_ID_MAX];
    if ((rc = th_json_keys(obj, keys, 6, path, err)) < 0 ||
        (rc = th_json_id(obj, "uas_id", false, uas, &has_uas, path, err)) < 0 ||
        (rc = th_json_id(obj, "operator_id", false, op, &has_op, path, err)) < 0)
        return rc;
    if (has_uas == has_op)
        return vg_err(err, VG_EINVAL, "%s: give exactly one of uas_id and operator_id", path);
    e->is_operator = has_op;
    memcpy(e->id, has_op ? op : uas, VG_ID_MAX);
    e->hash = id_hash(e->id);
    if ((rc = th_json_id(obj, "zone", false, e->zone, NULL, path, err)) < 0 ||
        (rc = th_json_time(obj, "start", VG_TIME_MIN, &e->start, path, err)) < 0 ||
        (rc = th_json_time(obj, "end", VG_TIME_MAX, &e->end, path, err)) < 0 ||
        (rc = th_json_text(obj, "purpose", true, e->purpose, NULL, path, err)) < 0)
        return rc;
    if (e->start >= e->end)
        return vg_err(err, VG_ERANGE, "%s: start must be before end", path);
    return 0;
}

int vg_threat_load_whitelist(vg_threat *th, const char *buf, size_t len, vg_error *err)
{
    json_t *root = th_json_load(buf, len, "whitelist", err);
    if (!root)
        return VG_EPARSE;
    int rc = 0;
    size_t n = json_is_array(root) ? json_array_size(root) : 0;
    th_whitelist_entry *tmp = NULL;
    if (!json_is_array(root))
        rc = vg_err(err, VG_ETYPE, "whitelist: expected an array");
    else if (n > (size_t)(th->opts.whitelist - th->nwl))
        rc = vg_err(err, VG_EFULL, "whitelist: %zu entries, room for %d", n,
                    th->opts.whitelist - th->nwl);
    else if (n > 0 && !(tmp = calloc(n, sizeof *tmp)))
        rc = vg_err(err, VG_ENOMEM, "whitelist: out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "whitelist[%zu]", i);
        rc = th_whitelist_parse(json_array_get(root, i), path, &tmp[i], err);
    }
    if (rc == 0 && n > 0) {
        memcpy(th->wl + th->nwl, tmp, n * sizeof *tmp);
        th->nwl += (int)n;
    }
    free(tmp);
    json_decref(root);
    return rc;
}

/* whitelist_remove: drop every entry of the named drone or operator. */
static int remove_entries(vg_threat *th, json_t *args, const char *kind, vg_error *err)
{
    static const char *const keys[] = {"uas_id", "operator_id"};
    char uas[VG_ID_MAX], op[VG_ID_MAX];
    bool has_uas, has_op;
    int rc;
    if ((rc = th_json_keys(args, keys, 2, kind, err)) < 0 ||
        (rc = th_json_id(args, "uas_id", false, uas, &has_uas, kind, err)) < 0 ||
        (rc = th_json_id(args, "operator_id", false, op, &has_op, kind, err)) < 0)
        return rc;
    if (has_uas == has_op)
        return vg_err(err, VG_EINVAL, "%s: give exactly one of uas_id and operator_id", kind);
    const char *id = has_op ? op : uas;
    int kept = 0;
    for (int i = 0; i < th->nwl; i++)
        if (th->wl[i].is_operator != has_op || strcmp(th->wl[i].id, id) != 0)
            th->wl[kept++] = th->wl[i];
    if (kept == th->nwl)
        return vg_err(err, VG_ENOTFOUND, "%s: no whitelist entry for %s %s", kind,
                      has_op ? "operator_id" : "uas_id", id);
    th->nwl = kept;
    return 0;
}

int th_whitelist_command(vg_threat *th, const vg_command *cmd, vg_error *err)
{
    if (cmd->role != VG_ROLE_OPERATOR && cmd->role != VG_ROLE_COMMANDER &&
        cmd->role != VG_ROLE_ADMIN)
        return vg_err(err, VG_EINVAL, "%s: role %s may not change the whitelist", cmd->kind,
                      vg_role_name(cmd->role));
    const char *end = memchr(cmd->args, '\0', sizeof cmd->args);
    size_t alen = end ? (size_t)(end - cmd->args) : sizeof cmd->args;
    json_t *args = alen ? th_json_load(cmd->args, alen, cmd->kind, err)
                        : th_json_load("{}", 2, cmd->kind, err);
    if (!args)
        return VG_EPARSE;
    int rc;
    if (strcmp(cmd->kind, "whitelist_remove") == 0) {
        rc = remove_entries(th, args, cmd->kind, err);
    } else {
        th_whitelist_entry e;
        rc = th_whitelist_parse(args, cmd->kind, &e, err);
        if (rc == 0 && th->nwl >= th->opts.whitelist)
            rc = vg_err(err, VG_EFULL, "%s: whitelist full (%d entries)", cmd->kind,
                        th->opts.whitelist);
        if (rc == 0)
            th->wl[th->nwl++] = e;
    }
    json_decref(args);
    return rc;
}

/* ---- operator links ------------------------------------------------------------------- */

static bool id_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n >= VG_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

int vg_threat_link_operator(vg_threat *th, const char *uas_id, const char *operator_id)
{
    if (!id_ok(uas_id) || !id_ok(operator_id))
        return VG_EINVAL;
    uint64_t h = id_hash(uas_id);
    th_link *l = NULL;
    for (int i = 0; i < th->nlinks && !l; i++)
        if (th->links[i].hash == h && strcmp(th->links[i].uas, uas_id) == 0)
            l = &th->links[i];
    if (!l) {
        if (th->nlinks < th->opts.operator_links) {
            l = &th->links[th->nlinks++];
        } else {
            l = &th->links[th->next_link];
            th->next_link = (th->next_link + 1) % th->opts.operator_links;
        }
        l->hash = h;
        strcpy(l->uas, uas_id);
    }
    strcpy(l->op, operator_id);
    return 0;
}

const char *th_operator_of(const vg_threat *th, const char *uas_id)
{
    if (!uas_id || th->nlinks == 0)
        return NULL;
    uint64_t h = id_hash(uas_id);
    for (int i = 0; i < th->nlinks; i++)
        if (th->links[i].hash == h && strcmp(th->links[i].uas, uas_id) == 0)
            return th->links[i].op;
    return NULL;
}

bool vg_threat_whitelisted(const vg_threat *th, const char *uas_id, const char *zone,
                           vg_time t)
{
    if (!uas_id || th->nwl == 0)
        return false;
    const char *op = th_operator_of(th, uas_id);
    uint64_t hu = id_hash(uas_id), ho = op ? id_hash(op) : 0;
    for (int i = 0; i < th->nwl; i++) {
        const th_whitelist_entry *e = &th->wl[i];
        if (t < e->start || t >= e->end)
            continue;
        if (e->zone[0] && (!zone || strcmp(e->zone, zone) != 0))
            continue;
        if (e->is_operator ? (op && e->hash == ho && strcmp(e->id, op) == 0)
                           : (e->hash == hu && strcmp(e->id, uas_id) == 0))
            return true;
    }
    return false;
}

int vg_threat_whitelist_count(const vg_threat *th)
{
    return th->nwl;
}

int vg_threat_whitelist_get(const vg_threat *th, int i, vg_whitelist_entry *out)
{
    if (i < 0 || i >= th->nwl)
        return VG_ERANGE;
    const th_whitelist_entry *e = &th->wl[i];
    out->is_operator = e->is_operator;
    memcpy(out->id, e->id, sizeof out->id);
    memcpy(out->zone, e->zone, sizeof out->zone);
    out->start = e->start;
    out->end = e->end;
    memcpy(out->purpose, e->purpose, sizeof out->purpose);
    return 0;
}
