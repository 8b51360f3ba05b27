/* bench/server.c — load on a real `vigie serve` over loopback: RATE detections/s in
 * UDP datagrams (one detection each) for SECONDS, with CLIENTS Server-Sent Events
 * clients connected; prints how many detections the daemon took (the rest were
 * dropped by the kernel or the daemon's queue), the latency from sending a datagram
 * to receiving the track update it caused on the SSE stream (p50/p99/max over every
 * client), the daemon's own latency histogram (received -> published to the stream),
 * and the daemon's memory at start, end and peak. The sender formats the datagrams
 * that are due and sends them together (sendmmsg), so that it is not the limit.
 *
 *   bench_server VIGIE [RATE [SECONDS [CLIENTS [DRONES]]]]   (default 50000 60 20 1000)
 *
 * Detections are Remote ID positions of DRONES drones flying straight lines over
 * Paris; event times advance by 1/RATE per detection, so each is its own scan. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "vigie/event.h"
#include "vigie/time.h"

enum { MAX_SAMPLES = 2000000 };

static const vg_time T0 = 1722015000000000; /* 2024-07-26T17:30:00Z */
static int64_t interval_us_x1000;           /* event-time step, in ns */
static int64_t *sent_ns;                    /* send time of detection i */
static atomic_long sent_count;
static int http_port;
static char token[65];
static atomic_int stop_clients;

typedef struct client {
    pthread_t thread;
    double *lat_ms;
    long n;
    long events;
} client;

static int connect_http(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)http_port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* One request, the whole answer into buf (closes the connection). */
static int http_once(const char *req, char *buf, size_t cap)
{
    int fd = connect_http();
    if (fd < 0)
        return -1;
    if (write(fd, req, strlen(req)) < 0) {
        close(fd);
        return -1;
    }
    size_t used = 0;
    ssize_t n;
    while (used + 1 < cap && (n = read(fd, buf + used, cap - used - 1)) > 0)
        used += (size_t)n;
    buf[used] = '\0';
    close(fd);
    return 0;
}

static void *sse_client(void *arg)
{
    client *c = arg;
    int fd = connect_http();
    if (fd < 0)
        return NULL;
    char req[256];
    snprintf(req, sizeof req,
             "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Accept: text/event-stream\r\n\r\n",
             token);
    if (write(fd, req, strlen(req)) < 0) {
        close(fd);
        return NULL;
    }
    enum { BUF = 1 << 20 };
    char *buf = malloc(BUF);
    size_t used = 0;
    if (!buf) {
        close(fd);
        return NULL;
    }
    while (!atomic_load(&stop_clients)) {
        ssize_t n = read(fd, buf + used, BUF - used - 1);
        if (n <= 0)
            break;
        int64_t now = bench_now_ns();
        used += (size_t)n;
        buf[used] = '\0';
        /* Each track event's data line carries "time":"..." first. */
        char *p = buf, *last_end = buf;
        for (;;) {
            char *d = strstr(p, "data: {\"type\":\"track\",\"time\":\"");
            if (!d)
                break;
            char *q = d + 30, *end = strchr(q, '"');
            char *nl = end ? strchr(end, '\n') : NULL;
            if (!nl)
                break;
            vg_time t;
            if (vg_time_parse_rfc3339(q, (size_t)(end - q), &t, NULL) == 0) {
                long i = (long)(((t - T0) * 1000) / interval_us_x1000);
                if (i >= 0 && i < atomic_load(&sent_count) && c->n < MAX_SAMPLES)
                    c->lat_ms[c->n++] = (double)(now - sent_ns[i]) / 1e6;
                c->events++;
            }
            p = nl + 1;
            last_end = p;
        }
        /* Keep the unparsed tail (a partial message, or events of other types). */
        size_t rest = used - (size_t)(last_end - buf);
        if (rest > BUF / 2)
            rest = 0; /* no track event in half a megabyte: nothing worth keeping */
        memmove(buf, buf + used - rest, rest);
        used = rest;
    }
    free(buf);
    close(fd);
    return NULL;
}

static long rss_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            v = atol(line + n + 1);
    if (f)
        fclose(f);
    return v;
}

static long metric(const char *name)
{
    char buf[32768];
    char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (http_once(req, buf, sizeof buf) != 0)
        return -1;
    char *p = strstr(buf, name);
    return p ? atol(p + strlen(name) + 1) : -1;
}

/* The daemon's own latency histogram (input received -> outputs published to the
 * stream): the upper bound of the bucket holding quantile q, in ms; -1 if unknown,
 * 1e9 past the last bound. */
static double daemon_latency_quantile(double q)
{
    char buf[32768];
    char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (http_once(req, buf, sizeof buf) != 0)
        return -1;
    const char *c = strstr(buf, "vigie_latency_ms_count ");
    long count = c ? atol(c + 23) : 0;
    if (count <= 0)
        return -1;
    const char *key = "vigie_latency_ms_bucket{le=\"";
    for (const char *p = strstr(buf, key); p; p = strstr(p + 1, key)) {
        const char *le = p + strlen(key);
        const char *sp = strchr(le, ' ');
        if (!sp)
            break;
        if ((double)atol(sp + 1) >= q * (double)count)
            return strncmp(le, "+Inf", 4) == 0 ? 1e9 : atof(le);
    }
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_cmd(char *const argv[], const char *input)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[0], 0);
        close(pipefd[1]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pipefd[0]);
    if (write(pipefd[1], input, strlen(input)) < 0)
        perror("write");
    close(pipefd[1]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_server VIGIE [RATE [SECONDS [CLIENTS [DRONES]]]]\n");
        return 2;
    }
    const char *vigie = argv[1];
    long rate = argc > 2 ? atol(argv[2]) : 50000;
    double seconds = argc > 3 ? atof(argv[3]) : 60;
    int nclients = argc > 4 ? atoi(argv[4]) : 20;
    int drones = argc > 5 ? atoi(argv[5]) : 1000;
    if (rate < 1 || seconds <= 0 || nclients < 0 || nclients > 200 || drones < 1) {
        fprintf(stderr, "bench_server: bad arguments\n");
        return 2;
    }
    long total = (long)((double)rate * seconds);
    interval_us_x1000 = 1000000000LL / rate; /* ns of event time per detection */
    sent_ns = calloc((size_t)total + 1, sizeof *sent_ns);

    char dir[] = "/tmp/vigie-bench-server-XXXXXX";
    if (!mkdtemp(dir) || !sent_ns)
        return 1;
    char conf[256], db[256], portfile[256], log[256];
    snprintf(conf, sizeof conf, "%s/vigie.conf", dir);
    snprintf(db, sizeof db, "%s/vigie.db", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    snprintf(log, sizeof log, "%s/serve.log", dir);
    int udp_port = 20000 + (int)(getpid() % 20000);
    FILE *f = fopen(conf, "w");
    fprintf(f,
            "[site]\nlat = 48.853\nlon = 2.3499\nalt = 80\n[log]\nlevel = warn\n"
            "[engine]\nmax_lateness_s = 60\n[tracker]\nmax_tracks = 100000\n"
            "[server]\nlisten = 127.0.0.1\nport = 0\nudp_port = %d\n",
            udp_port);
    fclose(f);
    char *add[] = {(char *)vigie, "user", "add", "bench", "--role", "viewer", "--db", db, NULL};
    if (run_cmd(add, "bench-password\n") != 0) {
        fprintf(stderr, "bench_server: vigie user add failed\n");
        return 1;
    }
    pid_t daemon = fork();
    if (daemon == 0) {
        FILE *lf = freopen(log, "w", stderr);
        (void)lf;
        execl(vigie, vigie, "serve", "-c", conf, "--db", db, "--port-file", portfile, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !http_port; i++) {
        usleep(100000);
        FILE *pf = fopen(portfile, "r");
        if (pf) {
            if (fscanf(pf, "%d", &http_port) != 1)
                http_port = 0;
            fclose(pf);
        }
    }
    if (!http_port) {
        fprintf(stderr, "bench_server: the daemon did not start (see %s)\n", log);
        kill(daemon, SIGKILL);
        return 1;
    }
    char buf[8192];
    const char *body = "{\"user\":\"bench\",\"password\":\"bench-password\"}";
    char req[512];
    snprintf(req, sizeof req,
             "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             strlen(body), body);
    char *tp = http_once(req, buf, sizeof buf) == 0 ? strstr(buf, "\"token\":\"") : NULL;
    if (!tp) {
        fprintf(stderr, "bench_server: login failed: %s\n", buf);
        kill(daemon, SIGKILL);
        return 1;
    }
    memcpy(token, tp + 9, 64);
    token[64] = '\0';

    client *clients = calloc((size_t)nclients + 1, sizeof *clients);
    for (int c = 0; c < nclients; c++) {
        clients[c].lat_ms = malloc(MAX_SAMPLES * sizeof(double));
        pthread_create(&clients[c].thread, NULL, sse_client, &clients[c]);
    }
    usleep(300000);

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)udp_port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    /* The sensor first, then the detections. */
    vg_event ev;
    vg_event_init(&ev, VG_EV_SENSOR, T0 - 1000000);
    snprintf(ev.u.sensor.id, sizeof ev.u.sensor.id, "rid-bench");
    ev.u.sensor.has_kind = ev.u.sensor.has_pos = true;
    ev.u.sensor.kind = VG_SENSOR_REMOTEID;
    ev.u.sensor.pos = (vg_geo){48.853, 2.3499, 80};
    char line[4096];
    size_t len;
    vg_event_format(&ev, line, sizeof line, &len, NULL);
    sendto(udp, line, len, 0, (struct sockaddr *)&to, sizeof to);
    usleep(200000);
    long rss0 = rss_kb(daemon, "VmRSS:");

    uint64_t seed = 42;
    double *dlat = malloc((size_t)drones * 2 * sizeof(double));
    for (int k = 0; k < drones; k++) {
        dlat[2 * k] = bench_uniform(&seed, -0.05, 0.05);
        dlat[2 * k + 1] = bench_uniform(&seed, -0.07, 0.07);
    }
    /* The datagrams due are formatted and sent together (sendmmsg, up to SEND_BATCH
     * per call): one system call per datagram took a core of its own at 50 000/s on a
     * 2-core machine, and the sender must not be what limits the measure. */
    enum { SEND_BATCH = 64, DGRAM_MAX = 1024 };
    static char dgram[SEND_BATCH][DGRAM_MAX];
    struct iovec iov[SEND_BATCH];
    struct mmsghdr msgs[SEND_BATCH];
    int64_t start = bench_now_ns();
    long sendfail = 0;
    for (long i = 0; i < total;) {
        /* Sleep to the next datagram's due time when it is more than 0.2 ms away. */
        int64_t due = start + (int64_t)((double)i * 1e9 / (double)rate);
        int64_t now = bench_now_ns();
        if (due - now > 200000) {
            struct timespec ts = {0, (long)(due - now)};
            nanosleep(&ts, NULL);
            now = bench_now_ns();
        }
        int nb = 0;
        for (; nb < SEND_BATCH && i + nb < total; nb++) {
            long j = i + nb;
            if (nb > 0 && start + (int64_t)((double)j * 1e9 / (double)rate) > now)
                break;
            int k = (int)(j % drones);
            vg_time t = T0 + (j * interval_us_x1000) / 1000;
            double ts = (double)(t - T0) / 1e6;
            vg_event_init(&ev, VG_EV_DETECTION, t);
            vg_detection *d = &ev.u.detection;
            snprintf(d->sensor, sizeof d->sensor, "rid-bench");
            d->meas.kind = VG_MEAS_GEODETIC;
            d->meas.u.geodetic.pos = (vg_geo){48.853 + dlat[2 * k] + 1e-5 * ts,
                                              2.3499 + dlat[2 * k + 1] + 1e-5 * ts, 120};
            d->meas.u.geodetic.sigma_h = 3;
            d->meas.u.geodetic.sigma_v = 4;
            d->identity.source = VG_IDSRC_REMOTEID;
            snprintf(d->identity.id, sizeof d->identity.id, "BENCH%06d", k);
            size_t dlen = 0;
            if (vg_event_format(&ev, dgram[nb], DGRAM_MAX, &dlen, NULL) < 0)
                dlen = 0;
            iov[nb] = (struct iovec){.iov_base = dgram[nb], .iov_len = dlen};
            msgs[nb] = (struct mmsghdr){.msg_hdr = {.msg_name = &to, .msg_namelen = sizeof to,
                                                    .msg_iov = &iov[nb], .msg_iovlen = 1}};
        }
        int64_t sent_at = bench_now_ns();
        for (int b = 0; b < nb; b++)
            sent_ns[i + b] = sent_at;
        atomic_store(&sent_count, i + nb);
        int done = 0;
        while (done < nb) {
            int r = sendmmsg(udp, msgs + done, (unsigned)(nb - done), 0);
            if (r <= 0) {
                sendfail += nb - done;
                break;
            }
            done += r;
        }
        i += nb;
    }
    double send_s = (double)(bench_now_ns() - start) / 1e9;
    long rss_end_send = rss_kb(daemon, "VmRSS:");
    /* Let the daemon drain, then read its counters. */
    long in = -1, depth = -1;
    for (int i = 0; i < 100; i++) {
        usleep(100000);
        in = metric("vigie_events_in_total{source=\"udp\"}");
        depth = metric("vigie_queue_depth");
        if (depth == 0 && in >= total)
            break;
    }
    long dropped_q = metric("vigie_events_dropped_total{source=\"udp\"}");
    long malformed = metric("vigie_decode_errors_total{source=\"udp\"}");
    double d50 = daemon_latency_quantile(0.5), d99 = daemon_latency_quantile(0.99);
    usleep(500000);
    atomic_store(&stop_clients, 1);
    long rss_end = rss_kb(daemon, "VmRSS:"), hwm = rss_kb(daemon, "VmHWM:");
    kill(daemon, SIGTERM);
    int st;
    waitpid(daemon, &st, 0);

    long nsamples = 0, nevents = 0;
    for (int c = 0; c < nclients; c++) {
        pthread_join(clients[c].thread, NULL);
        nsamples += clients[c].n;
        nevents += clients[c].events;
    }
    double *all = malloc((size_t)(nsamples ? nsamples : 1) * sizeof *all);
    long at = 0;
    for (int c = 0; c < nclients; c++) {
        memcpy(all + at, clients[c].lat_ms, (size_t)clients[c].n * sizeof *all);
        at += clients[c].n;
    }
    qsort(all, (size_t)nsamples, sizeof *all, cmp_double);
    long udp_in = in - 1; /* the sensor declaration came first */
    printf("bench_server: %ld detections in %.2f s (%.0f/s asked, %.0f/s sent), %d SSE clients, "
           "%d drones\n",
           total, send_s, (double)rate, (double)total / send_s, nclients, drones);
    printf("  taken by the daemon: %ld (%.3f%%); lost before the daemon (kernel): %ld; "
           "dropped by its queue: %ld; malformed: %ld; send errors: %ld\n",
           udp_in, 100.0 * (double)udp_in / (double)total, total - udp_in - dropped_q, dropped_q,
           malformed, sendfail);
    if (nsamples)
        printf("  latency datagram -> SSE track event: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
               "(%ld samples over %d clients; %ld track events received, %.0f per client/s)\n",
               all[nsamples / 2], all[(long)((double)nsamples * 0.99)], all[nsamples - 1],
               nsamples, nclients, nevents, nclients ? (double)nevents / nclients / send_s : 0);
    printf("  daemon's latency (received -> published to the stream, its histogram): p50 <= %g ms, "
           "p99 <= %g ms\n",
           d50, d99);
    printf("  daemon memory: RSS %ld kB at start, %ld kB after sending, %ld kB at the end, peak "
           "%ld kB\n",
           rss0, rss_end_send, rss_end, hwm);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_server: could not remove %s\n", dir);
    return 0;
}
