/* track/identity.c — the tracker's identity table: which track carries a
 * cooperative identity (Remote ID serial, beacon id, ICAO address) or an RF link
 * signature. Open addressing with tombstones, so that binding a detection to its
 * track by identity costs one probe sequence; the table grows by doublings with the
 * identities it holds (at most a quarter full after a rebuild), up to four slots a
 * track of max_tracks, so that a tracker configured for many tracks and following
 * few does not pay for many. */
#include <stdlib.h>
#include <string.h>

#include "track/tracker_int.h"

static uint32_t id_hash(const vg_identity *id)
{
    uint32_t h = 2166136261u ^ (uint32_t)id->source;
    for (const char *p = id->id; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/* The table's entries are keys, not tracks: 2 × track + 0 for the track's
 * cooperative identity, 2 × track + 1 for its RF link, so that one object heard
 * both ways is found by either. */
enum { KEY_IDENTITY = 0, KEY_RF = 1 };

static bool key_is(const vg_tracker *t, int32_t v, const vg_identity *id)
{
    const trk_names *nm = &t->names[v >> 1];
    if (v & KEY_RF)
        return id->source == VG_IDSRC_RF && strcmp(nm->rf, id->id) == 0;
    return trk_at(t, v >> 1)->id_source == id->source && strcmp(nm->identity.id, id->id) == 0;
}

/* The slot holding id, or (when insert) the first free slot on its probe path;
 * -1 if neither. */
static int32_t id_slot(const vg_tracker *t, const vg_identity *id, bool insert)
{
    uint32_t mask = t->id_cap - 1;
    int32_t free_slot = -1;
    for (uint32_t s = id_hash(id) & mask, n = 0; n < t->id_cap; s = (s + 1) & mask, n++) {
        int32_t v = t->ids[s];
        if (v == ID_EMPTY)
            return insert ? (free_slot >= 0 ? free_slot : (int32_t)s) : -1;
        if (v == ID_TOMB) {
            if (free_slot < 0)
                free_slot = (int32_t)s;
            continue;
        }
        if (key_is(t, v, id))
            return (int32_t)s;
    }
    return insert ? free_slot : -1;
}

/* The track holding identity id (cooperative, or an RF link), or -1. */
int32_t vg_trk_id_lookup(const vg_tracker *t, const vg_identity *id)
{
    int32_t s = id_slot(t, id, false);
    return s >= 0 ? t->ids[s] >> 1 : -1;
}

/* Track k's key `which` as an identity (the RF link's is built in *tmp). */
static const vg_identity *key_of(const vg_tracker *t, int32_t k, int which, vg_identity *tmp)
{
    if (which != KEY_RF)
        return &t->names[k].identity;
    tmp->source = VG_IDSRC_RF;
    memcpy(tmp->id, t->names[k].rf, sizeof tmp->id);
    return tmp;
}

static void id_rebuild(vg_tracker *t);

/* Before an insertion: rebuild a table half full of keys and tombstones, in one
 * twice as large if the keys alone fill a quarter of it (and it may grow). A
 * table that cannot grow stays as it is: insertions fail only once it is full. */
static void id_make_room(vg_tracker *t)
{
    if ((t->id_used + 1) * 2 <= t->id_cap)
        return;
    if ((t->id_keys + 1) * 4 > t->id_cap && t->id_cap < t->id_cap_max) {
        int32_t *n = realloc(t->ids, 2 * (size_t)t->id_cap * sizeof *n);
        if (n) {
            t->ids = n;
            t->id_cap *= 2;
        }
    }
    id_rebuild(t);
}

/* File track k's key `which` in the table as it is (no room made). */
static void id_place_key(vg_tracker *t, int32_t k, int which)
{
    trk *tr = trk_at(t, k);
    vg_identity tmp;
    int32_t s = id_slot(t, key_of(t, k, which, &tmp), true);
    if (s < 0 || t->ids[s] >= 0)
        return; /* full, or the identity already has a track: keep the first */
    if (t->ids[s] == ID_EMPTY)
        t->id_used++;
    t->id_keys++;
    t->ids[s] = 2 * k + which;
    if (which == KEY_RF)
        tr->rf_mapped = true;
    else
        tr->id_mapped = true;
}

static void id_insert_key(vg_tracker *t, int32_t k, int which)
{
    id_make_room(t);
    id_place_key(t, k, which);
}

void vg_trk_id_insert(vg_tracker *t, int32_t k)
{
    id_insert_key(t, k, KEY_IDENTITY);
}

static void id_remove_key(vg_tracker *t, int32_t k, int which)
{
    trk *tr = trk_at(t, k);
    bool *mapped = which == KEY_RF ? &tr->rf_mapped : &tr->id_mapped;
    if (!*mapped)
        return;
    vg_identity tmp;
    int32_t s = id_slot(t, key_of(t, k, which, &tmp), false);
    if (s >= 0 && t->ids[s] == 2 * k + which) {
        t->ids[s] = ID_TOMB;
        t->id_keys--;
    }
    *mapped = false;
}

void vg_trk_id_remove(vg_tracker *t, int32_t k)
{
    id_remove_key(t, k, KEY_IDENTITY);
    id_remove_key(t, k, KEY_RF);
}

/* Bind the RF link sig to track k, moving it from the track that held it (which
 * step 1 of the scan only lets go after that track fell silent). */
void vg_trk_rf_link(vg_tracker *t, int32_t k, const vg_identity *sig)
{
    trk *tr = trk_at(t, k);
    if (tr->rf_linked)
        return; /* one link a track: gating keeps other links' bearings away */
    int32_t old = vg_trk_id_lookup(t, sig);
    if (old >= 0 && old != k) {
        trk *o = trk_at(t, old);
        id_remove_key(t, old, KEY_RF);
        o->rf_linked = false;
        if (o->id_source == VG_IDSRC_RF) /* it no longer names that object */
            o->id_source = VG_IDSRC_NONE;
        vg_trk_refresh_hot(t, old);
        /* The link only moves once the old track has lost its fixes: what is left of
         * it is a drifting copy of the object the new track now follows. */
        t->hot[old].superseded = true;
    }
    char *rf = t->names[k].rf;
    memcpy(rf, sig->id, VG_ID_MAX);
    rf[VG_ID_MAX - 1] = '\0';
    tr->rf_linked = rf[0] != '\0';
    id_insert_key(t, k, KEY_RF);
}

/* Tombstones make probes long; rebuild the table when they pile up. */
void vg_trk_id_rebuild_if_needed(vg_tracker *t)
{
    if (t->id_used * 2 >= t->id_cap)
        id_rebuild(t);
}

/* Empty the table and insert the keys of every live track again. */
static void id_rebuild(vg_tracker *t)
{
    for (uint32_t s = 0; s < t->id_cap; s++)
        t->ids[s] = ID_EMPTY;
    t->id_used = 0;
    t->id_keys = 0;
    for (int32_t n = 0; n < t->nlive; n++) {
        int32_t k = t->live[n];
        trk *tr = trk_at(t, k);
        if (tr->id_mapped) {
            tr->id_mapped = false;
            id_place_key(t, k, KEY_IDENTITY);
        }
        if (tr->rf_mapped) {
            tr->rf_mapped = false;
            id_place_key(t, k, KEY_RF);
        }
    }
}
