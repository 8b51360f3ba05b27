/* engine/config.c — the INI configuration: one table of keys, parsed with inih.
 *
 * The table is the single source of truth for sections, keys, types, ranges and
 * defaults; docs/operations.md mirrors it. inih reports only the line of the first
 * error, so the handler keeps the first message and the parse prefixes it with
 * "name:line: ". Lines longer than inih's buffer would be split silently by inih,
 * so they are refused up front. */
#include "vigie/config.h"

#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/log.h"

enum key_type { K_DOUBLE, K_INT, K_STRING, K_LOG_LEVEL, K_ALT_REF, K_TRACK_MODEL };

typedef struct key_def {
    const char *section;
    const char *key;
    enum key_type type;
    size_t offset;              /* into vg_config */
    size_t size;                /* K_STRING: buffer size */
    double min, max;
} key_def;

#define OFF(field) offsetof(vg_config, field)

/* [site] lat and lon come first: the origin exists when both were given. */
enum { KEY_SITE_LAT = 0, KEY_SITE_LON = 1 };

static const key_def keys[] = {
    {"site", "lat", K_DOUBLE, OFF(site.origin.lat), 0, -90, 90},
    {"site", "lon", K_DOUBLE, OFF(site.origin.lon), 0, -180, 180},
    {"site", "alt", K_DOUBLE, OFF(site.origin.alt), 0, -12000, 100000},
    {"site", "alt_ref", K_ALT_REF, OFF(site.alt_ref), 0, 0, 0},
    {"site", "geoid_undulation", K_DOUBLE, OFF(site.geoid_undulation), 0, -120, 120},
    {"site", "ground_elevation", K_DOUBLE, OFF(site.ground_elevation), 0, -500, 9000},
    {"engine", "max_lateness_s", K_DOUBLE, OFF(engine.max_lateness_s), 0, 0, 3600},
    {"engine", "max_sensors", K_INT, OFF(engine.max_sensors), 0, 1, 65536},
    {"engine", "journal_dir", K_STRING, OFF(engine.journal_dir),
     sizeof(((vg_config *)0)->engine.journal_dir), 0, 0},
    {"log", "level", K_LOG_LEVEL, OFF(log.level), 0, 0, 0},
    {"zones", "file", K_STRING, OFF(zones.file), sizeof(((vg_config *)0)->zones.file), 0, 0},
    {"threat", "assets_file", K_STRING, OFF(threat.assets), sizeof(((vg_config *)0)->threat.assets),
     0, 0},
    {"threat", "whitelist_file", K_STRING, OFF(threat.whitelist),
     sizeof(((vg_config *)0)->threat.whitelist), 0, 0},
    {"threat", "coverage_file", K_STRING, OFF(threat.coverage),
     sizeof(((vg_config *)0)->threat.coverage), 0, 0},
    {"threat", "drone_threshold", K_DOUBLE, OFF(threat.drone_threshold), 0, 0.01, 1},
    {"threat", "identify_grace_s", K_DOUBLE, OFF(threat.identify_grace_s), 0, 0, 60},
    {"tracker", "model", K_TRACK_MODEL, OFF(tracker.model), 0, 0, 0},
    {"tracker", "process_noise", K_DOUBLE, OFF(tracker.process_noise), 0, 1e-9, 1e6},
    {"tracker", "process_noise_manoeuvre", K_DOUBLE, OFF(tracker.process_noise_manoeuvre), 0,
     1e-9, 1e6},
    {"tracker", "gate", K_DOUBLE, OFF(tracker.gate), 0, 0.1, 100},
    {"tracker", "confirm_hits", K_INT, OFF(tracker.confirm_hits), 0, 1, 1000},
    {"tracker", "confirm_window", K_INT, OFF(tracker.confirm_window), 0, 1, 1000},
    {"tracker", "delete_pos_var", K_DOUBLE, OFF(tracker.delete_pos_var), 0, 1e-6, 1e12},
    {"tracker", "delete_after_s", K_DOUBLE, OFF(tracker.delete_after_s), 0, 0.001, 86400},
    {"tracker", "coast_after_s", K_DOUBLE, OFF(tracker.coast_after_s), 0, 0.001, 86400},
    {"tracker", "init_vel_var", K_DOUBLE, OFF(tracker.init_vel_var), 0, 1e-6, 1e8},
    {"tracker", "max_tracks", K_INT, OFF(tracker.max_tracks), 0, 1, 10000000},
    {"tracker", "max_scan", K_INT, OFF(tracker.max_scan), 0, 1, 10000000},
    {"tracker", "grid_cell_m", K_DOUBLE, OFF(tracker.grid_cell_m), 0, 0.01, 1e5},
    {"tracker", "search_radius_m", K_DOUBLE, OFF(tracker.search_radius_m), 0, 0.01, 1e6},
    {"tracker", "bearing_range_m", K_DOUBLE, OFF(tracker.bearing_range_m), 0, 1, 1e6},
    {"tracker", "clutter_map_rate", K_DOUBLE, OFF(tracker.clutter_map_rate), 0, 0, 1e6},
    {"tracker", "clutter_cell_m", K_DOUBLE, OFF(tracker.clutter_cell_m), 0, 1, 1e5},
    {"tracker", "clutter_memory_s", K_DOUBLE, OFF(tracker.clutter_memory_s), 0, 1, 86400},
    {"server", "listen", K_STRING, OFF(server.listen), sizeof(((vg_config *)0)->server.listen), 0, 0},
    {"server", "port", K_INT, OFF(server.port), 0, 0, 65535},
    {"server", "tls_cert", K_STRING, OFF(server.tls_cert), sizeof(((vg_config *)0)->server.tls_cert), 0, 0},
    {"server", "tls_key", K_STRING, OFF(server.tls_key), sizeof(((vg_config *)0)->server.tls_key), 0, 0},
    {"server", "database", K_STRING, OFF(server.database), sizeof(((vg_config *)0)->server.database), 0, 0},
    {"server", "web_root", K_STRING, OFF(server.web_root), sizeof(((vg_config *)0)->server.web_root), 0, 0},
    {"server", "basemap", K_STRING, OFF(server.basemap), sizeof(((vg_config *)0)->server.basemap), 0, 0},
    {"server", "tile_url", K_STRING, OFF(server.tile_url), sizeof(((vg_config *)0)->server.tile_url), 0, 0},
    {"server", "session_ttl_s", K_INT, OFF(server.session_ttl_s), 0, 60, 604800},
    {"server", "max_body", K_INT, OFF(server.max_body), 0, 1024, 67108864},
    {"server", "udp_port", K_INT, OFF(server.udp_port), 0, 0, 65535},
    {"server", "tcp_port", K_INT, OFF(server.tcp_port), 0, 0, 65535},
    {"server", "queue", K_INT, OFF(server.queue), 0, 16, 1048576},
    {"server", "pcap", K_STRING, OFF(server.pcap), sizeof(((vg_config *)0)->server.pcap), 0, 0},
    {"server", "pcap_sensor", K_STRING, OFF(server.pcap_sensor),
     sizeof(((vg_config *)0)->server.pcap_sensor), 0, 0},
    {"patrol", "units_file", K_STRING, OFF(patrol.units_file),
     sizeof(((vg_config *)0)->patrol.units_file), 0, 0},
    {"patrol", "sites_file", K_STRING, OFF(patrol.sites_file),
     sizeof(((vg_config *)0)->patrol.sites_file), 0, 0},
    {"patrol", "detour_factor", K_DOUBLE, OFF(patrol.detour_factor), 0, 1, 10},
    {"patrol", "speed_foot_mps", K_DOUBLE, OFF(patrol.speed_foot_mps), 0, 0.1, 100},
    {"patrol", "speed_bike_mps", K_DOUBLE, OFF(patrol.speed_bike_mps), 0, 0.1, 100},
    {"patrol", "speed_vehicle_mps", K_DOUBLE, OFF(patrol.speed_vehicle_mps), 0, 0.1, 100},
    {"patrol", "stale_after_s", K_DOUBLE, OFF(patrol.stale_after_s), 0, 1, 86400},
    {"patrol", "arrival_radius_m", K_DOUBLE, OFF(patrol.arrival_radius_m), 0, 1, 10000},
    {"patrol", "proposals", K_INT, OFF(patrol.proposals), 0, 1, 8},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* inih's default line buffer (INI_MAX_LINE) is 200 bytes including the newline. */
#define INI_LINE_LIMIT 198

void vg_config_defaults(vg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->site.geoid_undulation = 0.0;
    cfg->engine.max_lateness_s = 5.0;
    cfg->engine.max_sensors = 1024;
    cfg->log.level = VG_LOG_INFO;
    cfg->threat.drone_threshold = 0.5;
    cfg->threat.identify_grace_s = 3.0;
    vg_tracker_config_defaults(&cfg->tracker);
    snprintf(cfg->server.listen, sizeof cfg->server.listen, "127.0.0.1");
    cfg->server.port = 8080;
    cfg->server.session_ttl_s = 8 * 3600;
    cfg->server.max_body = 1 << 20;
    cfg->server.queue = 16384;
    snprintf(cfg->server.pcap_sensor, sizeof cfg->server.pcap_sensor, "remoteid");
}

typedef struct parse_ctx {
    vg_config *cfg;
    vg_error *err;
    bool failed;
    bool seen[NKEYS];
} parse_ctx;

static int fail(parse_ctx *c, int code, const char *section, const char *key, const char *what)
{
    if (!c->failed) {
        vg_err(c->err, code, "[%s] %s: %s", section, key, what);
        c->failed = true;
    }
    return 0; /* tells inih this line is in error */
}

static int set_value(parse_ctx *c, const key_def *k, const char *value)
{
    char *base = (char *)c->cfg + k->offset;
    char msg[160];
    switch (k->type) {
    case K_DOUBLE:
    case K_INT: {
        char *end;
        double v = strtod(value, &end);
        if (end == value || *end != '\0' || !isfinite(v)) {
            snprintf(msg, sizeof msg, "expected a number, got \"%.40s\"", value);
            return fail(c, VG_EINVAL, k->section, k->key, msg);
        }
        if (v < k->min || v > k->max) {
            snprintf(msg, sizeof msg, "%g out of range [%g, %g]", v, k->min, k->max);
            return fail(c, VG_ERANGE, k->section, k->key, msg);
        }
        if (k->type == K_INT) {
            if (v != floor(v))
                return fail(c, VG_EINVAL, k->section, k->key, "expected an integer");
            *(int *)(void *)base = (int)v;
        } else {
            *(double *)(void *)base = v;
        }
        return 1;
    }
    case K_STRING:
        if (strlen(value) >= k->size) {
            snprintf(msg, sizeof msg, "longer than %zu bytes", k->size - 1);
            return fail(c, VG_ETOOBIG, k->section, k->key, msg);
        }
        memcpy(base, value, strlen(value) + 1);
        return 1;
    case K_LOG_LEVEL: {
        int level;
        if (vg_log_level_parse(value, &level) < 0)
            return fail(c, VG_EINVAL, k->section, k->key,
                        "expected debug, info, warn or error");
        *(int *)(void *)base = level;
        return 1;
    }
    case K_TRACK_MODEL:
        if (strcmp(value, "cv") == 0)
            *(vg_track_model *)(void *)base = VG_TRACK_MODEL_CV;
        else if (strcmp(value, "imm") == 0)
            *(vg_track_model *)(void *)base = VG_TRACK_MODEL_IMM;
        else
            return fail(c, VG_EINVAL, k->section, k->key, "expected cv or imm");
        return 1;
    case K_ALT_REF:
        if (strcmp(value, "WGS84") == 0)
            *(vg_alt_ref *)(void *)base = VG_ALT_WGS84;
        else if (strcmp(value, "AMSL") == 0)
            *(vg_alt_ref *)(void *)base = VG_ALT_AMSL;
        else
            return fail(c, VG_EINVAL, k->section, k->key, "expected WGS84 or AMSL");
        return 1;
    }
    return fail(c, VG_EINVAL, k->section, k->key, "internal: unknown key type");
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    if (c->failed)
        return 0;
    bool section_known = false;
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        section_known = true;
        if (strcmp(keys[i].key, name) != 0)
            continue;
        if (c->seen[i])
            return fail(c, VG_EINVAL, section, name, "set twice");
        c->seen[i] = true;
        return set_value(c, &keys[i], value);
    }
    return fail(c, VG_EUNKNOWN, section, name,
                section_known ? "unknown key" : "unknown section");
}

int vg_config_parse(vg_config *cfg, const char *text, size_t len, const char *name,
                    vg_error *err)
{
    /* Refuse what inih would silently mangle: NUL bytes and over-long lines. */
    size_t line = 1, col = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0')
            return vg_err(err, VG_EINVAL, "%s:%zu: NUL byte in configuration", name, line);
        if (text[i] == '\n') {
            line++;
            col = 0;
        } else if (++col > INI_LINE_LIMIT) {
            return vg_err(err, VG_ETOOBIG, "%s:%zu: line longer than %d characters", name,
                          line, INI_LINE_LIMIT);
        }
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return vg_err(err, VG_ENOMEM, "%s: out of memory", name);
    memcpy(copy, text, len);
    copy[len] = '\0';
    parse_ctx c = {.cfg = cfg, .err = err};
    int rc = ini_parse_string(copy, on_entry, &c);
    free(copy);
    if (rc > 0) {
        if (!c.failed)
            vg_err(err, VG_EPARSE, "expected \"[section]\" or \"key = value\"");
        return vg_err_prefix(err, "%s:%d: ", name, rc);
    }
    if (rc < 0)
        return vg_err(err, VG_ENOMEM, "%s: out of memory while parsing", name);
    if (c.seen[KEY_SITE_LAT] != c.seen[KEY_SITE_LON])
        return vg_err(err, VG_EMISSING, "%s: [site] lat and lon go together", name);
    if (c.seen[KEY_SITE_LAT])
        cfg->site.has_origin = true;
    return 0;
}
