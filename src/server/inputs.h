/* server/inputs.h — the sensor inputs on the libuv loop: UDP, TCP, --replay. */
#ifndef VIGIE_SERVER_INPUTS_H
#define VIGIE_SERVER_INPUTS_H

#include <stdio.h>
#include <uv.h>

#include "server/server.h"
#include "vigie/io.h"

typedef struct vg_inputs {
    uv_loop_t *loop;
    vg_server *server;
    uv_udp_t udp;
    uv_tcp_t tcp;
    bool udp_on, tcp_on, replay_on;
    char *udp_buf;                  /* VG_UDP_BATCH datagrams of up to 64 KiB each */
    size_t udp_buf_len;
    /* replay */
    const char *replay_path;        /* set before start; NULL: no replay */
    double speed;                   /* 0: as fast as the engine takes them */
    bool exit_after_replay;
    FILE *replay_file;
    vg_linereader reader;
    uv_timer_t replay_timer;
    vg_qitem pending;
    bool have_pending, started, replay_finished;
    vg_time t0;
    int64_t wall0;
    uint64_t replay_events, replay_malformed;
} vg_inputs;

int vg_inputs_start(vg_inputs *in, uv_loop_t *loop, vg_server *s, vg_error *err);
void vg_inputs_close(vg_inputs *in);   /* on the loop, before its last run */
void vg_inputs_free(vg_inputs *in);

#endif
