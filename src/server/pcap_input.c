/* server/pcap_input.c — Remote ID and French beacon frames into the daemon: a
 * capture (a pcap/pcapng file, or a live monitor-mode interface with "live:IFACE")
 * read on its own thread, frames decoded and assembled into detections of the
 * receiver [server] pcap_sensor, queued like any input. A file is paced by its packet
 * times × the replay speed; a live capture as it comes. Malformed frames are counted
 * (decode errors of source "pcap") and never stop the daemon. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/pcap_input.h"
#include "vigie/frbeacon.h"
#include "vigie/rid.h"
#include "vigie/ridframe.h"

enum { LIVE_TIMEOUT_MS = 100 };

static void queue_detections(vg_pcap_input *pi, const vg_event *evs, int n)
{
    vg_server *s = pi->server;
    for (int i = 0; i < n; i++) {
        vg_qitem *it = &pi->item;
        memset(it, 0, offsetof(vg_qitem, ev));
        it->source = VG_SRC_PCAP;
        it->received_us = vg_monotonic_us();
        it->ev = evs[i];
        /* A file waits for room; a live capture cannot, so it counts a drop. */
        while (!vg_queue_push(&s->queue, it)) {
            if (pi->live || atomic_load(&pi->stop)) {
                atomic_fetch_add(&s->metrics.dropped[VG_SRC_PCAP], 1);
                goto next;
            }
            struct timespec pause = {0, 5000000};
            nanosleep(&pause, NULL);
        }
        atomic_fetch_add(&s->metrics.events_in[VG_SRC_PCAP], 1);
        pi->detections++;
    next:;
    }
}

static void bad_frame(vg_pcap_input *pi)
{
    atomic_fetch_add(&pi->server->metrics.malformed[VG_SRC_PCAP], 1);
}

static void decode_packet(vg_pcap_input *pi, const vg_pcap_packet *pkt)
{
    vg_rid_payload payloads[VG_RIDFRAME_MAX_PAYLOADS];
    vg_event evs[VG_RID_PACK_MAX];
    int count = 0;
    vg_error err = {0};
    if (vg_ridframe_parse(pkt->linktype, pkt->data, pkt->len, payloads, VG_RIDFRAME_MAX_PAYLOADS,
                          &count, &err) < 0)
        bad_frame(pi); /* VG_EFULL still hands out the first payloads */
    for (int i = 0; i < count; i++) {
        int n = vg_ridasm_push_payload(pi->assembler, pkt->time, &payloads[i], evs,
                                       VG_RID_PACK_MAX, &err);
        if (n < 0)
            bad_frame(pi);
        else
            queue_detections(pi, evs, n);
    }
}

/* Sleep until the packet's time (file captures, paced like --replay). */
static void pace(vg_pcap_input *pi, vg_time t)
{
    if (pi->live || pi->speed <= 0)
        return;
    if (!pi->started) {
        pi->started = true;
        pi->t0 = t;
        pi->wall0 = vg_monotonic_us();
        return;
    }
    int64_t due = pi->wall0 + (int64_t)((double)(t - pi->t0) / pi->speed);
    for (int64_t now = vg_monotonic_us(); due > now && !atomic_load(&pi->stop);
         now = vg_monotonic_us()) {
        int64_t wait = due - now > 100000 ? 100000 : due - now;
        struct timespec ts = {0, (long)wait * 1000};
        nanosleep(&ts, NULL);
    }
}

static void *pcap_main(void *arg)
{
    vg_pcap_input *pi = arg;
    vg_pcap_packet pkt;
    vg_error err = {0};
    int rc;
    while (!atomic_load(&pi->stop) && (rc = vg_pcap_next(pi->pcap, &pkt, &err)) != VG_PCAP_END) {
        if (rc == VG_PCAP_AGAIN)
            continue;
        if (rc < 0) {
            vg_logf(&pi->server->log, VG_LOG_ERROR, "pcap %s: %s", pi->source, err.msg);
            break;
        }
        pace(pi, pkt.time);
        decode_packet(pi, &pkt);
        pi->packets++;
    }
    fprintf(stderr, "vigie serve: pcap: %s done (%llu packets, %llu detections)\n", pi->source,
            (unsigned long long)pi->packets, (unsigned long long)pi->detections);
    atomic_store(&pi->finished, 1);
    return NULL;
}

int vg_pcap_input_start(vg_pcap_input *pi, vg_server *s, double speed, vg_error *err)
{
    memset(pi, 0, sizeof *pi);
    pi->server = s;
    pi->speed = speed;
    const char *src = s->cfg.server.pcap;
    snprintf(pi->source, sizeof pi->source, "%s", src);
    pi->live = strncmp(src, "live:", 5) == 0;
    int rc = pi->live ? vg_pcap_open_live(src + 5, &(vg_pcap_live_opts){.timeout_ms = LIVE_TIMEOUT_MS},
                                          &pi->pcap, err)
                      : vg_pcap_open_file(src, &pi->pcap, err);
    if (rc < 0)
        return vg_err_prefix(err, "[server] pcap %s: ", src);
    vg_ridasm_config cfg;
    vg_ridasm_config_default(&cfg);
    snprintf(cfg.sensor, sizeof cfg.sensor, "%s", s->cfg.server.pcap_sensor);
    if ((rc = vg_ridasm_new(&cfg, &pi->assembler, err)) < 0) {
        vg_pcap_close(pi->pcap);
        pi->pcap = NULL;
        return vg_err_prefix(err, "[server] pcap_sensor: ");
    }
    if (pthread_create(&pi->thread, NULL, pcap_main, pi) != 0) {
        vg_ridasm_free(pi->assembler);
        vg_pcap_close(pi->pcap);
        pi->pcap = NULL;
        return vg_err(err, VG_EIO, "cannot start the pcap thread");
    }
    pi->running = true;
    return 0;
}

void vg_pcap_input_stop(vg_pcap_input *pi)
{
    if (!pi->running)
        return;
    atomic_store(&pi->stop, 1);
    pthread_join(pi->thread, NULL);
    vg_ridasm_free(pi->assembler);
    vg_pcap_close(pi->pcap);
    pi->running = false;
}
