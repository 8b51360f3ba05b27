/* engine/sitedata.c — loading the data files a configuration names (zones, then
 * the threat rules' protected assets, whitelist and sensor coverage) into an engine.
 * Shell code: it reads files; paths are relative to the configuration file. */
#include <stdio.h>
#include <stdlib.h>

#include "vigie/engine.h"
#include "vigie/io.h"
#include "vigie/threat.h"

typedef int (*loader_fn)(vg_engine *, const char *, size_t, const char *, vg_error *);

static int load_one(const char *config_path, const char *file, vg_engine *engine,
                    loader_fn load, const char *what, const vg_logger *log, vg_error *err)
{
    if (!file[0])
        return 0;
    char path[4096], *text;
    size_t len;
    vg_path_beside(config_path, file, path, sizeof path);
    int rc = vg_read_file(path, 64u << 20, &text, &len, err);
    if (rc < 0)
        return rc;
    rc = load(engine, text, len, path, err);
    free(text);
    if (rc >= 0)
        vg_logf(log, VG_LOG_INFO, "%s from %s", what, path);
    return rc;
}

static int load_zones(vg_engine *e, const char *text, size_t len, const char *name,
                      vg_error *err)
{
    return vg_engine_load_zones(e, text, len, name, err);
}

/* The threat module's loaders, with the file name put in front of their messages. */
#define THREAT_LOADER(fn, loader)                                                         \
    static int fn(vg_engine *e, const char *text, size_t len, const char *name,          \
                  vg_error *err)                                                          \
    {                                                                                     \
        int rc = loader(vg_engine_threat(e), text, len, err);                             \
        return rc < 0 ? vg_err_prefix(err, "%s: ", name) : rc;                            \
    }
THREAT_LOADER(load_assets, vg_threat_load_assets)
THREAT_LOADER(load_whitelist, vg_threat_load_whitelist)
THREAT_LOADER(load_coverage, vg_threat_load_coverage)

/* Units and sites are declared before the first event: their clocks (last report,
 * obligation) start at the first event the engine sees (see vg_patrol_tick). */
#define PATROL_LOADER(fn, loader)                                                         \
    static int fn(vg_engine *e, const char *text, size_t len, const char *name,          \
                  vg_error *err)                                                          \
    {                                                                                     \
        int rc = loader(vg_engine_patrol(e), text, len, VG_TIME_MIN, err);                \
        return rc < 0 ? vg_err_prefix(err, "%s: ", name) : rc;                            \
    }
PATROL_LOADER(load_sites, vg_patrol_load_sites)
PATROL_LOADER(load_units, vg_patrol_load_units)

int vg_engine_load_site_data(vg_engine *engine, const vg_config *cfg, const char *config_path,
                             const vg_logger *log, vg_error *err)
{
    int rc = load_one(config_path, cfg->zones.file, engine, load_zones, "zones", log, err);
    if (rc >= 0)
        rc = load_one(config_path, cfg->threat.assets, engine, load_assets, "protected assets",
                      log, err);
    if (rc >= 0)
        rc = load_one(config_path, cfg->threat.whitelist, engine, load_whitelist, "whitelist",
                      log, err);
    if (rc >= 0)
        rc = load_one(config_path, cfg->threat.coverage, engine, load_coverage,
                      "sensor coverage", log, err);
    /* Sites first: they bound the area unit positions are checked against. */
    if (rc >= 0)
        rc = load_one(config_path, cfg->patrol.sites_file, engine, load_sites, "patrol sites",
                      log, err);
    if (rc >= 0)
        rc = load_one(config_path, cfg->patrol.units_file, engine, load_units, "patrol units",
                      log, err);
    return rc < 0 ? rc : 0;
}
