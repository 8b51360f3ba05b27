/* server/pcap_input.h — the daemon's Remote ID capture input (a thread). */
#ifndef VIGIE_SERVER_PCAP_INPUT_H
#define VIGIE_SERVER_PCAP_INPUT_H

#include <pthread.h>
#include <stdatomic.h>

#include "server/server.h"
#include "vigie/pcapio.h"
#include "vigie/ridasm.h"

typedef struct vg_pcap_input {
    vg_server *server;
    char source[256];
    bool live, running, started;
    double speed;                  /* file pacing, as --speed; 0: as fast as possible */
    vg_time t0;
    int64_t wall0;
    vg_pcap *pcap;
    vg_ridasm *assembler;
    pthread_t thread;
    atomic_int stop, finished;
    uint64_t packets, detections;
    vg_qitem item;
} vg_pcap_input;

/* Open [server] pcap and start reading it; detections carry [server] pcap_sensor. */
int vg_pcap_input_start(vg_pcap_input *pi, vg_server *s, double speed, vg_error *err);
void vg_pcap_input_stop(vg_pcap_input *pi);

#endif
