/* cli/cmd_zones.c — `vigie zones`: check points against a zone file, export it.
 *
 *   vigie zones check FILE --lat L --lon L --alt A [--alt-ref R] --time T
 *   vigie zones check FILE --queries Q.jsonl
 *   vigie zones export [--polygonise] FILE
 *
 * FILE is ED-269 or GeoJSON (detected). Rejected features are reported on stderr and
 * skipped; no valid zone at all is a failure (1). Heights above ground and above the
 * ellipsoid use the ground elevation and geoid undulation of the options, else of the
 * [site] section of the configuration. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "vigie/config.h"
#include "vigie/io.h"
#include "vigie/zones.h"

typedef struct zones_opts {
    const char *action, *file, *config, *queries, *alt_ref, *time;
    double lat, lon, alt, ground, undulation;
    bool has_lat, has_lon, has_alt, has_ground, has_undulation, polygonise;
} zones_opts;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie zones check FILE --lat L --lon L --alt A [--alt-ref R] --time T\n"
            "       vigie zones check FILE --queries Q.jsonl\n"
            "       vigie zones export [--polygonise] FILE\n"
            "\n"
            "Zones (ED-269 or GeoJSON): which contain a point, or the file as GeoJSON.\n"
            "\n"
            "  --lat, --lon DEG          position (WGS84)\n"
            "  --alt M                   altitude, metres\n"
            "  --alt-ref WGS84|AMSL|AGL  reference of --alt (default WGS84)\n"
            "  --time T                  RFC 3339 time (offsets accepted)\n"
            "  --queries FILE            JSON Lines {\"lat\",\"lon\",\"alt_m\",\"alt_ref\",\"time\"}\n"
            "  --ground-elevation M      ground, metres AMSL (default: [site] config)\n"
            "  --geoid-undulation M      ellipsoid - AMSL, metres (default: [site] config)\n"
            "  -c, --config FILE         configuration file (INI)\n"
            "      --polygonise          export circles as 64-edge polygons\n"
            "  -h, --help                show this help\n"
            "\n"
            "check prints {\"zones\":[identifiers]} (sorted) per query.\n");
}

static int number(const char *opt, const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    if (end == s || *end || !isfinite(*out)) {
        fprintf(stderr, "vigie zones: --%s: expected a number, got '%s'\n", opt, s);
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, zones_opts *o)
{
    static const struct option longopts[] = {
        {"lat", required_argument, NULL, 'a'},
        {"lon", required_argument, NULL, 'o'},
        {"alt", required_argument, NULL, 'A'},
        {"alt-ref", required_argument, NULL, 'r'},
        {"time", required_argument, NULL, 't'},
        {"queries", required_argument, NULL, 'q'},
        {"ground-elevation", required_argument, NULL, 'g'},
        {"geoid-undulation", required_argument, NULL, 'u'},
        {"config", required_argument, NULL, 'c'},
        {"polygonise", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'a': rc = number("lat", optarg, &o->lat); o->has_lat = true; break;
        case 'o': rc = number("lon", optarg, &o->lon); o->has_lon = true; break;
        case 'A': rc = number("alt", optarg, &o->alt); o->has_alt = true; break;
        case 'g': rc = number("ground-elevation", optarg, &o->ground); o->has_ground = true; break;
        case 'u': rc = number("geoid-undulation", optarg, &o->undulation);
                  o->has_undulation = true; break;
        case 'r': o->alt_ref = optarg; break;
        case 't': o->time = optarg; break;
        case 'q': o->queries = optarg; break;
        case 'c': o->config = optarg; break;
        case 'p': o->polygonise = true; break;
        case 'h': usage(stdout); return 1;
        default:
            if (optopt)
                fprintf(stderr, "vigie zones: bad or incomplete option '-%c'\n", optopt);
            else
                fprintf(stderr, "vigie zones: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return -1;
        }
        if (rc < 0)
            return -1;
    }
    if (argc - optind != 2 || (strcmp(argv[optind], "check") != 0 &&
                               strcmp(argv[optind], "export") != 0)) {
        fprintf(stderr, "vigie zones: expected 'check FILE' or 'export FILE'\n");
        usage(stderr);
        return -1;
    }
    o->action = argv[optind];
    o->file = argv[optind + 1];
    if (strcmp(o->action, "check") == 0 && !o->queries &&
        !(o->has_lat && o->has_lon && o->has_alt && o->time)) {
        fprintf(stderr, "vigie zones check: needs --lat, --lon, --alt and --time, or "
                        "--queries\n");
        return -1;
    }
    return 0;
}

/* Answer one query: {"zones":[...]} into out (sorted, unique identifiers). */
static void answer(vg_zindex *ix, const vg_zone_list *zl, const vg_zpoint *p, FILE *out)
{
    size_t cap = zl->n ? zl->n : 1;
    size_t *idx = malloc(cap * sizeof *idx);
    const char **ids = malloc(cap * sizeof *ids);
    int n = idx && ids ? vg_zindex_query(ix, p, idx, cap) : VG_ENOMEM;
    if (n < 0) {
        fprintf(out, "{\"error\":\"%s\"}\n", vg_strerror(n));
    } else {
        for (int i = 0; i < n; i++)
            ids[i] = zl->zones[idx[i]].identifier;
        for (int i = 1; i < n; i++)   /* insertion sort by identifier */
            for (int j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
                const char *t = ids[j];
                ids[j] = ids[j - 1];
                ids[j - 1] = t;
            }
        char buf[4 * VG_ZONE_ID_MAX + 8];
        fputs("{\"zones\":[", out);
        for (int i = 0, k = 0; i < n; i++) {
            if (i && strcmp(ids[i], ids[i - 1]) == 0)
                continue;
            vg_strbuf sb;
            vg_strbuf_init(&sb, buf, sizeof buf);
            vg_strbuf_put_json_string(&sb, ids[i]);
            fprintf(out, "%s%s", k++ ? "," : "", buf);
        }
        fputs("]}\n", out);
    }
    free(idx);
    free(ids);
}

static int parse_ref(const char *s, vg_zone_vref *ref)
{
    if (!s) {
        *ref = VG_ZREF_WGS84;
        return 0;
    }
    return vg_zone_vref_parse(s, ref);
}

/* One query line into p; returns 0 or -1 with msg. */
static int parse_query(const char *line, size_t len, vg_zpoint *p, char *msg, size_t cap)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    int rc = -1;
    if (!json_is_object(o)) {
        snprintf(msg, cap, "not a JSON object");
        goto out;
    }
    static const char *const keys[3] = {"lat", "lon", "alt_m"};
    double *dst[3] = {&p->lat, &p->lon, &p->alt};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (!json_is_number(v)) {
            snprintf(msg, cap, "%s: expected a number", keys[i]);
            goto out;
        }
        *dst[i] = json_number_value(v);
    }
    if (fabs(p->lat) > 90 || fabs(p->lon) > 180) {
        snprintf(msg, cap, "lat/lon: out of range");
        goto out;
    }
    json_t *r = json_object_get(o, "alt_ref");
    if (parse_ref(r ? json_string_value(r) : NULL, &p->alt_ref) < 0 ||
        (r && !json_is_string(r))) {
        snprintf(msg, cap, "alt_ref: expected WGS84, AMSL or AGL");
        goto out;
    }
    json_t *t = json_object_get(o, "time");
    vg_error err = {0};
    if (json_is_string(t)) {
        if (vg_time_parse_rfc3339(json_string_value(t), json_string_length(t), &p->t, &err) < 0) {
            snprintf(msg, cap, "time: %s", err.msg);
            goto out;
        }
    } else if (!json_is_number(t) || vg_time_from_seconds(json_number_value(t), &p->t, &err) < 0) {
        snprintf(msg, cap, "time: expected an RFC 3339 string or seconds");
        goto out;
    }
    rc = 0;
out:
    json_decref(o);
    return rc;
}

static int run_queries(vg_zindex *ix, const vg_zone_list *zl, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        perror(path);
        return VG_EXIT_FAIL;
    }
    vg_linereader lr;
    vg_error err = {0};
    if (vg_linereader_init(&lr, f, 4096, &err) < 0) {
        fprintf(stderr, "vigie zones: %s\n", err.msg);
        if (f != stdin)
            fclose(f);
        return VG_EXIT_FAIL;
    }
    const char *line;
    size_t len;
    int rc;
    while ((rc = vg_linereader_next(&lr, &line, &len, &err)) != 0) {
        char msg[300];
        vg_zpoint p;
        if (rc < 0 && rc != VG_ETOOBIG)
            break;
        if (rc < 0) {
            snprintf(msg, sizeof msg, "line too long");
        } else if (parse_query(line, len, &p, msg, sizeof msg) == 0) {
            answer(ix, zl, &p, stdout);
            continue;
        }
        char buf[700];
        vg_strbuf sb;
        vg_strbuf_init(&sb, buf, sizeof buf);
        vg_strbuf_put_json_string(&sb, msg);
        printf("{\"error\":%s}\n", buf);
        fprintf(stderr, "vigie zones: %s:%zu: %s\n", path, lr.lineno, msg);
    }
    vg_linereader_free(&lr);
    if (f != stdin)
        fclose(f);
    if (rc < 0) {
        fprintf(stderr, "vigie zones: %s: %s\n", path, err.msg);
        return VG_EXIT_FAIL;
    }
    return VG_EXIT_OK;
}

int vg_cmd_zones(int argc, char **argv)
{
    zones_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? VG_EXIT_OK : VG_EXIT_USAGE;
    vg_zpoint p = {o.lat, o.lon, o.alt, VG_ZREF_WGS84, 0};
    vg_error err = {0};
    if (parse_ref(o.alt_ref, &p.alt_ref) < 0) {
        fprintf(stderr, "vigie zones: --alt-ref: expected WGS84, AMSL or AGL\n");
        return VG_EXIT_USAGE;
    }
    if (o.time && vg_time_parse_rfc3339(o.time, strlen(o.time), &p.t, &err) < 0) {
        fprintf(stderr, "vigie zones: --time: %s\n", err.msg);
        return VG_EXIT_USAGE;
    }
    vg_config cfg;
    vg_config_defaults(&cfg);
    if (o.config && vg_config_load_file(&cfg, o.config, &err) < 0) {
        fprintf(stderr, "vigie zones: %s\n", err.msg);
        return VG_EXIT_USAGE;
    }
    vg_zindex_opts xo = {o.has_ground ? o.ground : cfg.site.ground_elevation,
                         o.has_undulation ? o.undulation : cfg.site.geoid_undulation};
    char *buf;
    size_t len;
    if (vg_read_file(o.file, VG_ZONE_FILE_MAX, &buf, &len, &err) < 0) {
        fprintf(stderr, "vigie zones: %s\n", err.msg);
        return VG_EXIT_FAIL;
    }
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    int n = vg_zone_import(&zl, buf, len, NULL, &err);
    free(buf);
    if (n < 0) {
        fprintf(stderr, "vigie zones: %s: %s\n", o.file, err.msg);
        return VG_EXIT_FAIL;
    }
    for (size_t i = 0; i < zl.nproblems; i++)
        fprintf(stderr, "vigie zones: %s: feature %zu%s%s%s: %s (skipped)\n", o.file,
                zl.problems[i].index, zl.problems[i].identifier[0] ? " (" : "",
                zl.problems[i].identifier, zl.problems[i].identifier[0] ? ")" : "",
                zl.problems[i].err.msg);
    if (zl.problems_total > zl.nproblems)
        fprintf(stderr, "vigie zones: %s: %zu more features rejected\n", o.file,
                zl.problems_total - zl.nproblems);
    int status = VG_EXIT_OK;
    if (zl.n == 0) {
        fprintf(stderr, "vigie zones: %s: no valid zone\n", o.file);
        status = VG_EXIT_FAIL;
    } else if (strcmp(o.action, "export") == 0) {
        char *s;
        if (vg_zone_export_geojson(zl.zones, zl.n, o.polygonise, &s, &len, &err) < 0) {
            fprintf(stderr, "vigie zones: %s\n", err.msg);
            status = VG_EXIT_FAIL;
        } else {
            fwrite(s, 1, len, stdout);
            free(s);
        }
    } else {
        vg_zindex *ix;
        if (vg_zindex_build(&ix, zl.zones, zl.n, &xo, &err) < 0) {
            fprintf(stderr, "vigie zones: %s\n", err.msg);
            status = VG_EXIT_FAIL;
        } else {
            if (o.queries)
                status = run_queries(ix, &zl, o.queries);
            else
                answer(ix, &zl, &p, stdout);
            vg_zindex_free(ix);
        }
    }
    vg_zone_list_free(&zl);
    if (fflush(stdout) != 0)
        status = VG_EXIT_FAIL;
    return status;
}
