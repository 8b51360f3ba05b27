/* server/auth_loginlimit.c — failed-login counting per key (user name, client
 * address) in fixed memory: a small open table, the stalest slot reused when full.
 * Time is passed in, so tests drive it. */
#include <stdlib.h>
#include <string.h>

#include "server/auth.h"

#define KEY_MAX 64

typedef struct slot {
    char key[KEY_MAX];
    int failures;
    vg_time first;       /* start of the counting window */
    vg_time last;
} slot;

struct vg_loginlimit {
    slot *slots;
    int n;
    int max_failures;
    int64_t window_us;
};

int vg_loginlimit_create(int slots, int max_failures, int64_t window_s, vg_loginlimit **out,
                        vg_error *err)
{
    *out = NULL;
    if (slots < 1 || slots > 1000000 || max_failures < 1 || window_s < 1 || window_s > 86400)
        return vg_err(err, VG_ERANGE, "rate limit parameters out of range");
    vg_loginlimit *r = calloc(1, sizeof *r);
    if (!r || !(r->slots = calloc((size_t)slots, sizeof *r->slots))) {
        free(r);
        return vg_err(err, VG_ENOMEM, "out of memory for the login rate limiter");
    }
    r->n = slots;
    r->max_failures = max_failures;
    r->window_us = window_s * 1000000;
    *out = r;
    return 0;
}

void vg_loginlimit_destroy(vg_loginlimit *r)
{
    if (r) {
        free(r->slots);
        free(r);
    }
}

/* Keys longer than KEY_MAX-1 are cut: a long user name still counts against the
 * same slot as any other name with the same prefix, which only makes it stricter. */
static slot *find(vg_loginlimit *r, const char *key, bool create, vg_time now)
{
    slot *stalest = NULL;
    for (int i = 0; i < r->n; i++) {
        slot *s = &r->slots[i];
        if (s->key[0] && strncmp(s->key, key, KEY_MAX - 1) == 0)
            return s;
        if (!stalest || !s->key[0] || (stalest->key[0] && s->last < stalest->last))
            stalest = s;
    }
    if (!create)
        return NULL;
    memset(stalest, 0, sizeof *stalest);
    strncpy(stalest->key, key, KEY_MAX - 1);
    stalest->first = now;
    return stalest;
}

bool vg_loginlimit_allowed(vg_loginlimit *r, const char *key, vg_time now)
{
    slot *s = find(r, key, false, now);
    if (!s)
        return true;
    if (now - s->first >= r->window_us) {
        memset(s, 0, sizeof *s);
        return true;
    }
    return s->failures < r->max_failures;
}

void vg_loginlimit_failure(vg_loginlimit *r, const char *key, vg_time now)
{
    slot *s = find(r, key, true, now);
    if (now - s->first >= r->window_us) {
        s->failures = 0;
        s->first = now;
    }
    s->failures++;
    s->last = now;
}

void vg_loginlimit_success(vg_loginlimit *r, const char *key)
{
    slot *s = find(r, key, false, 0);
    if (s)
        memset(s, 0, sizeof *s);
}
