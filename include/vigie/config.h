/* vigie/config.h — the one configuration file: INI, a section per module.
 *
 * Every subcommand that runs the engine reads the same file (--config FILE). Keys
 * are declared in one table (engine/config.c) with their type, range and default;
 * an unknown section or key, a key set twice, or a bad value is an error naming the
 * file, the line and the key. docs/operations.md lists every key. Parsing works on
 * text in memory, so the core stays free of I/O; the shell reads the file. */
#ifndef VIGIE_CONFIG_H
#define VIGIE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/geo.h"
#include "vigie/track.h"

#ifdef __cplusplus
extern "C" {
#endif

/* [site] — the origin of the local frame, and the heights the conversions need. */
typedef struct vg_site_config {
    bool has_origin;            /* lat and lon were given */
    vg_geo origin;              /* alt above the WGS84 ellipsoid */
    vg_alt_ref alt_ref;         /* how alt was given; converted when the site is used */
    double geoid_undulation;    /* metres: ellipsoid height = AMSL + undulation */
    double ground_elevation;    /* metres AMSL, for heights above ground */
} vg_site_config;

/* [engine] */
typedef struct vg_engine_config {
    double max_lateness_s;      /* events older than the engine's time by more: rejected */
    int max_sensors;
    char journal_dir[256];      /* "" = no journal unless --journal is given */
} vg_engine_config;

/* [log] */
typedef struct vg_log_config {
    int level;                  /* VG_LOG_* */
} vg_log_config;

/* [zones] */
typedef struct vg_zones_config {
    char file[256];             /* ED-269 or GeoJSON zones; "" = none */
} vg_zones_config;

/* [threat] — data files of the threat rules (formats in docs/formats.md) and the
 * rules' tunables (vg_threat_opts; a zero takes its default). */
typedef struct vg_threat_config {
    char assets[256];           /* protected assets */
    char whitelist[256];        /* authorised flights */
    char coverage[256];         /* which sensors observe which zone */
    double drone_threshold;     /* P(drone) from which a track is a drone (0.5) */
    double identify_grace_s;    /* a new track without a cooperative identity waits
                                 * this long for one before the drone rules (3 s) */
} vg_threat_config;

/* [server] — the daemon (vigie serve); ignored by the other commands. */
typedef struct vg_server_config {
    char listen[64];            /* address of the HTTP API, default 127.0.0.1 */
    int port;                   /* default 8080; 0 = any free port (printed) */
    char tls_cert[256];         /* PEM files; both or neither: HTTPS when set */
    char tls_key[256];
    char database[256];         /* SQLite store; default vigie.db beside the config */
    char web_root[256];         /* the web UI's files; "" = no UI */
    char basemap[256];          /* GeoJSON outline served at /api/v1/basemap */
    char tile_url[256];         /* map tiles for the UI; "" = none */
    int session_ttl_s;          /* default 8 h */
    int max_body;               /* bytes of a request body, default 1 MiB */
    int udp_port;               /* JSON Lines over UDP on listen; 0 = off */
    int tcp_port;               /* JSON Lines over TCP on listen; 0 = off */
    int queue;                  /* input events waiting for the engine */
    char pcap[256];             /* Remote ID capture: a pcap file, or "live:IFACE"; "" = none */
    char pcap_sensor[VG_ID_MAX]; /* the receiver's sensor id for those detections */
} vg_server_config;

/* [patrol] — units and sites files (docs/patrol.md) and the dispatch tunables; a
 * zero takes the patrol module's default. */
typedef struct vg_patrol_config {
    char units_file[256];
    char sites_file[256];
    double detour_factor;       /* road distance / straight line (1.4) */
    double speed_foot_mps, speed_bike_mps, speed_vehicle_mps; /* 1.4, 4.5, 9 */
    double stale_after_s;       /* a silent unit is not proposed (300) */
    double arrival_radius_m;    /* en_route → on_scene (50) */
    int proposals;              /* units proposed per alert (3) */
} vg_patrol_config;

typedef struct vg_config {
    vg_site_config site;
    vg_zones_config zones;
    vg_threat_config threat;
    vg_engine_config engine;
    vg_tracker_config tracker;
    vg_log_config log;
    vg_server_config server;
    vg_patrol_config patrol;
} vg_config;

/* Fill cfg with the documented defaults. */
void vg_config_defaults(vg_config *cfg);

/* Apply the INI text text[0..len) on top of cfg. `name` names the source in messages
 * ("vigie.conf:12: [site] lat: 91 out of range [-90, 90]"). Returns 0, or a negative
 * code with the first error in err; cfg is then partly updated. */
int vg_config_parse(vg_config *cfg, const char *text, size_t len, const char *name,
                    vg_error *err);

#ifdef __cplusplus
}
#endif
#endif
