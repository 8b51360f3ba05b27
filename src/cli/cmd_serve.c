/* cli/cmd_serve.c — `vigie serve`: the daemon.
 *
 *   vigie serve -c vigie.conf [--db PATH] [--listen ADDR] [--port N]
 *               [--replay FILE [--speed N|max] [--exit-after-replay]] [--port-file F]
 *   vigie serve --check-config -c vigie.conf
 *
 * Start-up: open the store, rebuild the engine's state by replaying the store's
 * journal, start the engine thread, the HTTP API and the inputs; SIGINT or SIGTERM
 * stops it cleanly (and kill -9 loses nothing that was confirmed). */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "cli/commands.h"
#include "server/inputs.h"
#include "server/pcap_input.h"
#include "server/server.h"
#include "vigie/io.h"

typedef struct serve_opts {
    const char *config, *db, *listen, *replay, *port_file;
    int port;
    double speed;
    bool check, exit_after_replay, has_port;
} serve_opts;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie serve -c FILE [options]\n"
            "       vigie serve --check-config -c FILE\n"
            "\n"
            "Run the daemon: sensor inputs ([server] udp_port, tcp_port), the engine, the\n"
            "SQLite store, the HTTP API under /api/v1/ and the web UI ([server] web_root).\n"
            "\n"
            "  -c, --config FILE       configuration (INI; [server] section: docs/api.md)\n"
            "      --check-config      validate the configuration and its files, then exit\n"
            "      --db PATH           the store (default: [server] database)\n"
            "      --listen ADDR       HTTP address (default: [server] listen)\n"
            "      --port N            HTTP port, 0 for any free one (default: [server] port)\n"
            "      --port-file FILE    write the HTTP port there once listening\n"
            "      --replay FILE       feed recorded JSON Lines input, paced by event time\n"
            "      --speed N|max       replay speed (default 1; max: as fast as possible)\n"
            "      --exit-after-replay stop once the replay is done and processed\n"
            "  -h, --help              show this help\n");
}

static int parse_args(int argc, char **argv, serve_opts *o)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'C'},
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, 'P'},
        {"replay", required_argument, NULL, 'r'},
        {"speed", required_argument, NULL, 's'},
        {"exit-after-replay", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->speed = 1.0;
    optind = 1;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o->config = optarg; break;
        case 'C': o->check = true; break;
        case 'd': o->db = optarg; break;
        case 'l': o->listen = optarg; break;
        case 'P': o->port_file = optarg; break;
        case 'r': o->replay = optarg; break;
        case 'x': o->exit_after_replay = true; break;
        case 'p': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 65535) {
                fprintf(stderr, "vigie serve: --port: expected 0..65535\n");
                return -1;
            }
            o->port = (int)v;
            o->has_port = true;
            break;
        }
        case 's':
            if (strcmp(optarg, "max") == 0) {
                o->speed = 0;
            } else {
                o->speed = strtod(optarg, &end);
                if (*end || end == optarg || !isfinite(o->speed) || o->speed <= 0 ||
                    o->speed > 1e6) {
                    fprintf(stderr, "vigie serve: --speed: expected a positive number or max\n");
                    return -1;
                }
            }
            break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc || !o->config) {
        usage(stderr);
        return -1;
    }
    return 0;
}

static uv_loop_t *g_loop;
static void on_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    uv_stop(h->loop);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static int check_config(vg_server *s)
{
    vg_error err = {0};
    if (vg_server_engine_setup(s, &err) < 0) {
        fprintf(stderr, "vigie serve: %s: %s\n", s->config_path, err.msg);
        return VG_EXIT_USAGE;
    }
    const vg_server_config *sc = &s->cfg.server;
    if (!!sc->tls_cert[0] != !!sc->tls_key[0]) {
        fprintf(stderr, "vigie serve: %s: [server] tls_cert and tls_key go together\n",
                s->config_path);
        return VG_EXIT_USAGE;
    }
    const char *files[][2] = {{"tls_cert", sc->tls_cert}, {"tls_key", sc->tls_key},
                              {"basemap", sc->basemap}};
    for (size_t i = 0; i < 3; i++) {
        if (!files[i][1][0])
            continue;
        char path[4096], *text;
        size_t len;
        vg_path_beside(s->config_path, files[i][1], path, sizeof path);
        if (vg_read_file(path, 64u << 20, &text, &len, &err) < 0) {
            fprintf(stderr, "vigie serve: %s: [server] %s: %s\n", s->config_path, files[i][0],
                    err.msg);
            return VG_EXIT_USAGE;
        }
        free(text);
    }
    printf("%s: configuration valid (HTTP on %s:%d, store %s)\n", s->config_path, sc->listen,
           sc->port, sc->database);
    return VG_EXIT_OK;
}

static int serve(vg_server *s, const serve_opts *o)
{
    vg_error err = {0};
    int status = VG_EXIT_FAIL;
    uv_loop_t loop;
    vg_inputs *in = calloc(1, sizeof *in);
    if (!in || uv_loop_init(&loop) != 0) {
        free(in);
        fprintf(stderr, "vigie serve: cannot start the event loop\n");
        return VG_EXIT_FAIL;
    }
    g_loop = &loop;
    bool http = false;
    vg_pcap_input pcap = {0};
    if (vg_store_open(s->cfg.server.database, &s->store, &err) < 0 ||
        vg_server_engine_setup(s, &err) < 0 || vg_server_restore(s, &err) < 0 ||
        vg_server_engine_start(s, &err) < 0) {
        fprintf(stderr, "vigie serve: %s\n", err.msg);
        goto done;
    }
    if (vg_http_start(s, &err) < 0) {
        fprintf(stderr, "vigie serve: %s\n", err.msg);
        goto done;
    }
    http = true;
    in->replay_path = o->replay;
    in->speed = o->speed;
    in->exit_after_replay = o->exit_after_replay;
    if (vg_inputs_start(in, &loop, s, &err) < 0) {
        fprintf(stderr, "vigie serve: %s\n", err.msg);
        goto done;
    }
    if (s->cfg.server.pcap[0] && vg_pcap_input_start(&pcap, s, o->speed, &err) < 0) {
        fprintf(stderr, "vigie serve: %s\n", err.msg);
        goto done;
    }
    uv_signal_t sigint, sigterm;
    uv_signal_init(&loop, &sigint);
    uv_signal_init(&loop, &sigterm);
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "vigie serve: listening on %s://%s:%u/ (store %s)\n",
            s->cfg.server.tls_cert[0] ? "https" : "http", s->cfg.server.listen,
            (unsigned)s->http_port, s->cfg.server.database);
    if (o->port_file) {
        FILE *pf = fopen(o->port_file, "w");
        if (!pf || fprintf(pf, "%u\n", (unsigned)s->http_port) < 0 || fclose(pf) != 0) {
            fprintf(stderr, "vigie serve: --port-file %s: cannot write\n", o->port_file);
            goto done;
        }
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    fprintf(stderr, "vigie serve: stopping\n");
    status = VG_EXIT_OK;
done:
    vg_inputs_close(in);
    uv_walk(&loop, close_walk, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    vg_pcap_input_stop(&pcap);
    vg_server_engine_stop(s); /* drains the queue first */
    if (http)
        vg_http_stop(s);
    vg_inputs_free(in);
    free(in);
    return status;
}

static bool set_path(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

int vg_cmd_serve(int argc, char **argv)
{
    serve_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc > 0 ? VG_EXIT_OK : VG_EXIT_USAGE;
    vg_server *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "vigie serve: out of memory\n");
        return VG_EXIT_FAIL;
    }
    vg_error err = {0};
    vg_config_defaults(&s->cfg);
    snprintf(s->config_path, sizeof s->config_path, "%s", o.config);
    if (vg_config_load_file(&s->cfg, o.config, &err) < 0) {
        fprintf(stderr, "vigie serve: %s\n", err.msg);
        free(s);
        return VG_EXIT_USAGE;
    }
    vg_server_config *sc = &s->cfg.server;
    if (o.listen)
        snprintf(sc->listen, sizeof sc->listen, "%s", o.listen);
    if (o.has_port)
        sc->port = o.port;
    char path[4096];
    if (o.db)
        snprintf(path, sizeof path, "%s", o.db);
    else
        vg_path_beside(o.config, sc->database[0] ? sc->database : "vigie.db", path, sizeof path);
    bool fits = set_path(sc->database, sizeof sc->database, path);
    if (sc->web_root[0]) {
        vg_path_beside(o.config, sc->web_root, path, sizeof path);
        fits = fits && set_path(sc->web_root, sizeof sc->web_root, path);
    }
    if (!fits) {
        fprintf(stderr, "vigie serve: a path is longer than %zu bytes\n", sizeof sc->database - 1);
        free(s);
        return VG_EXIT_USAGE;
    }
    s->log = (vg_logger){vg_log_to_stderr, NULL, s->cfg.log.level};
    int status;
    if (vg_picture_init(&s->pic, 65536) != 0 ||
        vg_queue_init(&s->queue, (size_t)sc->queue) != 0) {
        fprintf(stderr, "vigie serve: out of memory\n");
        status = VG_EXIT_FAIL;
    } else {
        status = o.check ? check_config(s) : serve(s, &o);
    }
    if (s->engine)
        vg_engine_free(s->engine);
    vg_store_close(s->store);
    vg_queue_free(&s->queue);
    vg_picture_free(&s->pic);
    free(s->capture);
    free(s);
    return status;
}
