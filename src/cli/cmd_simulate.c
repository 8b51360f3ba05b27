/* cli/cmd_simulate.c — `vigie simulate`: a scenario's sensor traffic, written out.
 *
 *   vigie simulate SCENARIO.json -o DIR [--seed N] [--from S] [--duration S]
 *   vigie simulate --swarm N -o DIR [--seed N] [--duration S]
 *
 * DIR/input.jsonl (events for `vigie replay` / `vigie serve --replay`),
 * DIR/truth.jsonl (ground truth, one line per object per second) and
 * DIR/remoteid.pcap (every Wi-Fi Remote ID and French beacon frame the receivers
 * caught, radiotap), DIR/remoteid-ble.pcap (the Bluetooth ones, LE link layer with
 * its pseudo-header; a pcap holds one link type). The same scenario and seed give
 * byte-identical files. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "vigie/io.h"
#include "vigie/pcapio.h"
#include "vigie/ridframe.h"
#include "vigie/sim.h"
#include "vigie/strbuf.h"

typedef struct outputs {
    FILE *input, *truth;
    vg_pcap_writer *pcap, *pcap_ble;
    char line[VG_LINE_MAX + 1];
    vg_error err;
} outputs;

static int write_event(void *user, const vg_event *ev)
{
    outputs *o = user;
    size_t len;
    if (vg_event_format(ev, o->line, sizeof o->line - 1, &len, &o->err) < 0)
        return 1;
    o->line[len] = '\n';
    return fwrite(o->line, 1, len + 1, o->input) == len + 1 ? 0 : 1;
}

static int write_truth(void *user, vg_time t, const char *id, const char *role, const char *kind,
                       const vg_geo *pos, bool detected)
{
    outputs *o = user;
    char ts[48];
    vg_time_format_rfc3339(t, ts, sizeof ts);
    vg_strbuf sb;
    vg_strbuf_init(&sb, o->line, sizeof o->line);
    vg_strbuf_puts(&sb, "{\"type\":\"truth\",\"time\":");
    vg_strbuf_put_json_string(&sb, ts);
    vg_strbuf_puts(&sb, ",\"id\":");
    vg_strbuf_put_json_string(&sb, id);
    vg_strbuf_puts(&sb, ",\"role\":");
    vg_strbuf_put_json_string(&sb, role);
    vg_strbuf_puts(&sb, ",\"kind\":");
    vg_strbuf_put_json_string(&sb, kind);
    vg_strbuf_puts(&sb, ",\"geodetic\":{\"lat\":");
    vg_strbuf_put_double(&sb, pos->lat);
    vg_strbuf_puts(&sb, ",\"lon\":");
    vg_strbuf_put_double(&sb, pos->lon);
    vg_strbuf_puts(&sb, ",\"alt\":");
    vg_strbuf_put_double(&sb, pos->alt);
    vg_strbuf_puts(&sb, detected ? "},\"detected\":true}\n" : "}}\n");
    return fwrite(o->line, 1, sb.len, o->truth) == sb.len ? 0 : 1;
}

static int write_frame(void *user, vg_time t, int linktype, const uint8_t *data, size_t len)
{
    outputs *o = user;
    vg_pcap_writer *w = linktype == VG_LINKTYPE_IEEE802_11_RADIOTAP ? o->pcap : o->pcap_ble;
    return vg_pcap_writer_write(w, t, data, len, &o->err) < 0 ? 1 : 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie simulate SCENARIO.json -o DIR [--seed N] [--from S] [--duration S]\n"
            "       vigie simulate --swarm N -o DIR [--seed N] [--duration S]\n"
            "\n"
            "Writes DIR/input.jsonl, DIR/truth.jsonl, DIR/remoteid.pcap (Wi-Fi) and\n"
            "DIR/remoteid-ble.pcap (Bluetooth) from a scenario (docs/simulator.md).\n"
            "The same scenario and seed give the same bytes.\n"
            "\n"
            "  -o, --output DIR   where to write (created if missing)\n"
            "      --seed N       override the scenario's seed\n"
            "      --from S       start S seconds into the scenario\n"
            "      --duration S   simulate S seconds only (default: to the end)\n"
            "      --swarm N      N Remote ID drones over a 20 km square (benchmarks;\n"
            "                     default duration 60 s)\n"
            "  -h, --help         show this help\n");
}

static bool number(const char *s, double lo, double hi, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return end != s && !*end && isfinite(*out) && *out >= lo && *out <= hi;
}

/* Write text to DIR/name; false with a message on failure. */
static bool write_text(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "vigie simulate: cannot write %s: %s\n", path, strerror(errno));
    return ok;
}

/* The scenario's site data (zones, assets, whitelist, coverage: a file beside the
 * scenario or inline) copied into DIR, and DIR/engine.conf naming them, so that
 * `vigie replay -c DIR/engine.conf DIR/input.jsonl` needs nothing else. The
 * configuration's lines are short and few: 16 KiB holds them. */
static bool write_site_data(const vg_scenario *sc, const char *scenario_path, const char *dir)
{
    char conf[16384];
    size_t n = (size_t)snprintf(conf, sizeof conf,
                                "; The engine's configuration for this simulation, written by "
                                "vigie simulate:\n; vigie replay -c %.1000s/engine.conf "
                                "%.1000s/input.jsonl\n[site]\nlat = %.9f\nlon = %.9f\n"
                                "alt = %.3f\nalt_ref = WGS84\ngeoid_undulation = %.3f\n",
                                dir, dir, sc->site.lat, sc->site.lon, sc->site.alt,
                                sc->geoid_undulation);
    if (sc->has_ground_elevation)
        n += (size_t)snprintf(conf + n, sizeof conf - n, "ground_elevation = %.3f\n",
                              sc->ground_elevation);
    /* the configuration's section and key for each kind of data */
    static const char *const conf_key[VG_SIM_DATA_COUNT] = {"file", "assets_file",
                                                            "whitelist_file", "coverage_file"};
    bool threat = false;
    for (int d = 0; d < VG_SIM_DATA_COUNT; d++) {
        const vg_sim_data *sd = &sc->data[d];
        if (!sd->json && !sd->file[0])
            continue;
        char name[32];
        snprintf(name, sizeof name, "%s.json", vg_sim_data_name(d));
        bool ok;
        if (sd->json) {
            ok = write_text(dir, name, sd->json, strlen(sd->json));
        } else {
            /* a file name is relative to the scenario file's folder */
            char path[4096];
            const char *slash = strrchr(scenario_path, '/');
            if (sd->file[0] == '/' || !slash)
                snprintf(path, sizeof path, "%s", sd->file);
            else
                snprintf(path, sizeof path, "%.*s/%s", (int)(slash - scenario_path),
                         scenario_path, sd->file);
            char *text;
            size_t len;
            vg_error err;
            if (vg_read_file(path, 256u << 20, &text, &len, &err) < 0) {
                fprintf(stderr, "vigie simulate: scenario.%s: %s\n", vg_sim_data_name(d),
                        err.msg);
                return false;
            }
            ok = write_text(dir, name, text, len);
            free(text);
        }
        if (!ok)
            return false;
        const char *section = d == VG_SIM_ZONES ? "[zones]\n" : threat ? "" : "[threat]\n";
        threat |= d != VG_SIM_ZONES;
        n += (size_t)snprintf(conf + n, sizeof conf - n, "%s%s = %s\n", section, conf_key[d], name);
    }
    return write_text(dir, "engine.conf", conf, n);
}

int vg_cmd_simulate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"seed", required_argument, NULL, 's'},
        {"from", required_argument, NULL, 'f'},   {"duration", required_argument, NULL, 'd'},
        {"swarm", required_argument, NULL, 'w'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    double seed = -1, from = 0, duration = 0, swarm = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'o': dir = optarg; break;
        case 's': ok = number(optarg, 0, 9007199254740991.0, &seed); break;
        case 'f': ok = number(optarg, 0, 1e7, &from); break;
        case 'd': ok = number(optarg, 0.25, 1e7, &duration); break;
        case 'w': ok = number(optarg, 1, 1000000, &swarm); break;
        case 'h': usage(stdout); return VG_EXIT_OK;
        default: usage(stderr); return VG_EXIT_USAGE;
        }
        if (!ok) {
            fprintf(stderr, "vigie simulate: --%s: bad value '%s'\n",
                    c == 's' ? "seed" : c == 'f' ? "from" : c == 'd' ? "duration" : "swarm", optarg);
            return VG_EXIT_USAGE;
        }
    }
    bool has_file = optind + 1 == argc;
    if (!dir || (has_file == (swarm > 0)) || optind + (has_file ? 1 : 0) != argc) {
        usage(stderr);
        return VG_EXIT_USAGE;
    }
    vg_error err = {0};
    vg_scenario *sc = NULL;
    if (has_file) {
        char *text;
        size_t len;
        if (vg_read_file(argv[optind], 64u << 20, &text, &len, &err) < 0) {
            fprintf(stderr, "vigie simulate: %s\n", err.msg);
            return VG_EXIT_FAIL;
        }
        int rc = vg_scenario_parse(text, len, &sc, &err);
        free(text);
        if (rc < 0) {
            fprintf(stderr, "vigie simulate: %s: %s\n", argv[optind], err.msg);
            return VG_EXIT_USAGE;
        }
    } else if (vg_scenario_swarm((int)swarm, seed >= 0 ? (uint64_t)seed : 1,
                                 duration > 0 ? duration : 60, &sc, &err) < 0) {
        fprintf(stderr, "vigie simulate: %s\n", err.msg);
        return VG_EXIT_USAGE;
    }
    if (seed >= 0)
        sc->seed = (uint64_t)seed;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "vigie simulate: %s: %s\n", dir, strerror(errno));
        vg_scenario_free(sc);
        return VG_EXIT_FAIL;
    }
    outputs *o = calloc(1, sizeof *o);
    char path[4096];
    int status = VG_EXIT_FAIL;
    if (!o || !write_site_data(sc, has_file ? argv[optind] : "", dir))
        goto done;
    snprintf(path, sizeof path, "%s/input.jsonl", dir);
    o->input = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    o->truth = fopen(path, "wb");
    char ble[4096];
    snprintf(path, sizeof path, "%s/remoteid.pcap", dir);
    snprintf(ble, sizeof ble, "%s/remoteid-ble.pcap", dir);
    if (!o->input || !o->truth ||
        vg_pcap_writer_open(path, VG_LINKTYPE_IEEE802_11_RADIOTAP, &o->pcap, &err) < 0 ||
        vg_pcap_writer_open(ble, VG_LINKTYPE_BLUETOOTH_LE_LL_PHDR, &o->pcap_ble, &err) < 0) {
        fprintf(stderr, "vigie simulate: cannot write in %s: %s\n", dir,
                err.msg[0] ? err.msg : strerror(errno));
        goto done;
    }
    vg_sim_sinks sinks = {o, write_event, write_truth, write_frame};
    vg_sim_stats st;
    if (vg_sim_run(sc, from, duration, 1.0, &sinks, &st, &err) < 0) {
        fprintf(stderr, "vigie simulate: %s%s%s\n", err.msg, o->err.msg[0] ? ": " : "", o->err.msg);
        goto done;
    }
    fprintf(stderr,
            "vigie simulate: %s: %llu events (%llu detections, %llu false alarms), %llu Remote ID "
            "frames, %llu truth samples in %s/\n",
            sc->name, (unsigned long long)st.events, (unsigned long long)st.detections,
            (unsigned long long)st.false_alarms, (unsigned long long)st.frames,
            (unsigned long long)st.truths, dir);
    status = VG_EXIT_OK;
done:
    if (o) {
        if (o->input && fclose(o->input) != 0)
            status = VG_EXIT_FAIL;
        if (o->truth && fclose(o->truth) != 0)
            status = VG_EXIT_FAIL;
        if (o->pcap && vg_pcap_writer_close(o->pcap, &err) < 0)
            status = VG_EXIT_FAIL;
        if (o->pcap_ble && vg_pcap_writer_close(o->pcap_ble, &err) < 0)
            status = VG_EXIT_FAIL;
        free(o);
    }
    vg_scenario_free(sc);
    return status;
}
