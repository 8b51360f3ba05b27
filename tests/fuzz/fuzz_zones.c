/* tests/fuzz/fuzz_zones.c — libFuzzer target for the zone importers: the same bytes
 * go through the ED-269 and the GeoJSON importers (and the auto-detecting one); each
 * loaded set is indexed, queried and exported. Never a crash, a leak or a loaded zone
 * that the index cannot hold. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vigie/zones.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(vg_zone_list *zl)
{
    vg_zindex *ix;
    vg_zindex_opts o = {35, 44};
    if (vg_zindex_build(&ix, zl->zones, zl->n, &o, NULL) < 0)
        return;
    size_t out[8];
    for (size_t i = 0; i < zl->n && i < 4; i++) {
        const vg_zone_volume *v = &zl->zones[i].vol[0];
        vg_zpoint p = {v->shape == VG_ZONE_CIRCLE ? v->lat : v->xy[1],
                       v->shape == VG_ZONE_CIRCLE ? v->lon : v->xy[0], 100, VG_ZREF_AGL,
                       1722015000 * VG_TIME_S};
        if (vg_zindex_query(ix, &p, out, 8) < 0)
            __builtin_trap();
        vg_zentry e[4];
        vg_zindex_predict(ix, &p, 10, 10, 1, 20, 5, e, 4);
        double d;
        size_t z;
        vg_zindex_nearest_restricted(ix, p.lat, p.lon, p.t, &d, &z);
    }
    vg_zindex_free(ix);
    char *s;
    size_t len;
    if (vg_zone_export_geojson(zl->zones, zl->n, zl->n % 2, &s, &len, NULL) == 0)
        free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int (*importers[])(vg_zone_list *, const char *, size_t, const vg_zone_import_opts *,
                       vg_error *) = {vg_zone_import_ed269, vg_zone_import_geojson};
    vg_zone_import_opts opts = {.max_ring_vertices = 1000, .max_file_vertices = 5000};
    for (int k = 0; k < 2; k++) {
        vg_zone_list zl;
        vg_zone_list_init(&zl);
        vg_error err = {0};
        int n = importers[k](&zl, (const char *)data, size, &opts, &err);
        if (n < 0 && err.msg[0] == '\0')
            __builtin_trap();
        if (n >= 0 && (size_t)n != zl.n)
            __builtin_trap();
        for (size_t i = 0; i < zl.nproblems; i++)
            if (zl.problems[i].err.msg[0] == '\0')
                __builtin_trap();
        exercise(&zl);
        vg_zone_list_free(&zl);
    }
    return 0;
}
