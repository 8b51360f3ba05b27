/* server/inputs.c — the daemon's sensor inputs on the libuv loop: JSON Lines over
 * UDP (a datagram may hold several lines) and TCP (a stream, lines bounded by
 * VG_LINE_MAX), and the --replay source, which paces a recorded file by its event
 * times × speed and never drops (it waits for room in the queue instead). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "server/inputs.h"
#include "vigie/io.h"

/* ---- UDP ------------------------------------------------------------------------- */

/* Datagrams taken per system call (recvmmsg): libuv gives each a 64 KiB slot of the
 * buffer and uses at most 20. Under load this is one wake-up and one call for many
 * datagrams instead of one each. */
enum { VG_UDP_BATCH = 20, VG_UDP_SLOT = 65536 };

static void udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    vg_inputs *in = h->data;
    *buf = uv_buf_init(in->udp_buf, (unsigned)in->udp_buf_len);
}

static void split_lines(vg_server *s, vg_source src, const char *data, size_t n)
{
    while (n) {
        const char *nl = memchr(data, '\n', n);
        size_t len = nl ? (size_t)(nl - data) : n;
        vg_server_input_line(s, src, data, len);
        if (!nl)
            break;
        n -= len + 1;
        data = nl + 1;
    }
}

static void udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
                     unsigned flags)
{
    (void)from;
    vg_inputs *in = h->data;
    if (nread <= 0)
        return; /* nothing more for now, or the end of a recvmmsg batch (the buffer is ours) */
    if (flags & UV_UDP_PARTIAL) {
        atomic_fetch_add(&in->server->metrics.malformed[VG_SRC_UDP], 1);
        return;
    }
    split_lines(in->server, VG_SRC_UDP, buf->base, (size_t)nread);
}

/* ---- TCP ------------------------------------------------------------------------- */

typedef struct tcp_conn {
    uv_tcp_t handle;
    vg_inputs *in;
    char *line;          /* VG_LINE_MAX + 1 bytes */
    size_t len;
    bool skipping;       /* inside an overlong line: drop up to its newline */
    char readbuf[65536];
} tcp_conn;

static void tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    tcp_conn *c = h->data;
    *buf = uv_buf_init(c->readbuf, sizeof c->readbuf);
}

static void tcp_closed(uv_handle_t *h)
{
    tcp_conn *c = h->data;
    free(c->line);
    free(c);
}

static void tcp_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    tcp_conn *c = stream->data;
    vg_server *s = c->in->server;
    if (nread < 0) {
        if (c->len && !c->skipping)
            vg_server_input_line(s, VG_SRC_TCP, c->line, c->len);
        uv_close((uv_handle_t *)stream, tcp_closed);
        return;
    }
    for (ssize_t i = 0; i < nread; i++) {
        char ch = buf->base[i];
        if (ch == '\n') {
            if (!c->skipping)
                vg_server_input_line(s, VG_SRC_TCP, c->line, c->len);
            c->len = 0;
            c->skipping = false;
        } else if (c->skipping) {
            continue;
        } else if (c->len == VG_LINE_MAX) {
            atomic_fetch_add(&s->metrics.malformed[VG_SRC_TCP], 1);
            vg_logf(&s->log, VG_LOG_WARN, "tcp: line over %d bytes dropped", VG_LINE_MAX);
            c->skipping = true;
            c->len = 0;
        } else {
            c->line[c->len++] = ch;
        }
    }
}

static void tcp_accept(uv_stream_t *server, int status)
{
    vg_inputs *in = server->data;
    if (status < 0)
        return;
    tcp_conn *c = calloc(1, sizeof *c);
    if (!c || !(c->line = malloc(VG_LINE_MAX + 1))) {
        free(c);
        return;
    }
    c->in = in;
    uv_tcp_init(in->loop, &c->handle);
    c->handle.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->handle) != 0 ||
        uv_read_start((uv_stream_t *)&c->handle, tcp_alloc, tcp_read) != 0)
        uv_close((uv_handle_t *)&c->handle, tcp_closed);
}

/* ---- replay ------------------------------------------------------------------------ */

static void replay_step(uv_timer_t *t);

static void replay_done(vg_inputs *in)
{
    /* A status line for whoever started the replay, whatever the log level. */
    fprintf(stderr, "vigie serve: replay: %s done (%llu events, %llu malformed)\n",
            in->replay_path, (unsigned long long)in->replay_events,
            (unsigned long long)in->replay_malformed);
    in->replay_finished = true;
    if (in->exit_after_replay)
        uv_stop(in->loop);
}

/* Push lines whose time has come; re-arm the timer for the next one. A recording's
 * commands are replayed too: the file was chosen by whoever started the daemon. */
static void replay_step(uv_timer_t *t)
{
    vg_inputs *in = t->data;
    vg_server *s = in->server;
    vg_error err = {0};
    for (int budget = 0; budget < 4096; budget++) {
        if (!in->have_pending) {
            const char *line;
            size_t len;
            int rc = vg_linereader_next(&in->reader, &line, &len, &err);
            if (rc == 0) {
                replay_done(in);
                return;
            }
            if (rc < 0 || len == 0 || vg_event_parse(line, len, &in->pending.ev, &err) < 0 ||
                !vg_event_is_input(in->pending.ev.type)) {
                if (len || rc < 0) {
                    in->replay_malformed++;
                    atomic_fetch_add(&s->metrics.malformed[VG_SRC_REPLAY], 1);
                }
                continue;
            }
            in->have_pending = true;
            if (!in->started) {
                in->started = true;
                in->t0 = in->pending.ev.time;
                in->wall0 = vg_monotonic_us();
            }
        }
        if (in->speed > 0) {
            int64_t due = in->wall0 + (int64_t)((double)(in->pending.ev.time - in->t0) / in->speed);
            int64_t now = vg_monotonic_us();
            if (due > now) {
                uint64_t ms = (uint64_t)((due - now + 999) / 1000);
                uv_timer_start(t, replay_step, ms, 0);
                return;
            }
        }
        in->pending.source = VG_SRC_REPLAY;
        in->pending.received_us = vg_monotonic_us();
        in->pending.action = NULL;
        if (!vg_queue_push(&s->queue, &in->pending)) {
            uv_timer_start(t, replay_step, 5, 0); /* full: wait, never drop */
            return;
        }
        atomic_fetch_add(&s->metrics.events_in[VG_SRC_REPLAY], 1);
        in->replay_events++;
        in->have_pending = false;
    }
    uv_timer_start(t, replay_step, 0, 0);
}

/* ---- setup ---------------------------------------------------------------------------- */

static int bind_addr(const char *listen, int port, struct sockaddr_storage *out, vg_error *err)
{
    memset(out, 0, sizeof *out);
    if (uv_ip4_addr(listen, port, (struct sockaddr_in *)out) == 0 ||
        uv_ip6_addr(listen, port, (struct sockaddr_in6 *)out) == 0)
        return 0;
    return vg_err(err, VG_EINVAL, "[server] listen: '%s' is not an IP address", listen);
}

int vg_inputs_start(vg_inputs *in, uv_loop_t *loop, vg_server *s, vg_error *err)
{
    in->loop = loop;
    in->server = s;
    const vg_server_config *sc = &s->cfg.server;
    struct sockaddr_storage addr;
    int rc;
    if (sc->udp_port) {
        if ((rc = bind_addr(sc->listen, sc->udp_port, &addr, err)) != 0)
            return rc;
        in->udp_buf_len = (size_t)VG_UDP_BATCH * VG_UDP_SLOT;
        if (!(in->udp_buf = malloc(in->udp_buf_len)))
            return vg_err(err, VG_ENOMEM, "udp: out of memory");
        uv_udp_init_ex(loop, &in->udp, UV_UDP_RECVMMSG);
        in->udp.data = in;
        /* A large receive buffer absorbs bursts while the engine catches up. */
        int size = 8 << 20;
        if ((rc = uv_udp_bind(&in->udp, (const struct sockaddr *)&addr, 0)) != 0 ||
            (uv_recv_buffer_size((uv_handle_t *)&in->udp, &size), 0) ||
            (rc = uv_udp_recv_start(&in->udp, udp_alloc, udp_recv)) != 0)
            return vg_err(err, VG_EIO, "udp port %d: %s", sc->udp_port, uv_strerror(rc));
        in->udp_on = true;
    }
    if (sc->tcp_port) {
        if ((rc = bind_addr(sc->listen, sc->tcp_port, &addr, err)) != 0)
            return rc;
        uv_tcp_init(loop, &in->tcp);
        in->tcp.data = in;
        if ((rc = uv_tcp_bind(&in->tcp, (const struct sockaddr *)&addr, 0)) != 0 ||
            (rc = uv_listen((uv_stream_t *)&in->tcp, 64, tcp_accept)) != 0)
            return vg_err(err, VG_EIO, "tcp port %d: %s", sc->tcp_port, uv_strerror(rc));
        in->tcp_on = true;
    }
    if (in->replay_path) {
        in->replay_file = fopen(in->replay_path, "rb");
        if (!in->replay_file)
            return vg_err(err, VG_EIO, "--replay %s: cannot open", in->replay_path);
        if ((rc = vg_linereader_init(&in->reader, in->replay_file, VG_LINE_MAX, err)) < 0)
            return rc;
        uv_timer_init(loop, &in->replay_timer);
        in->replay_timer.data = in;
        in->replay_on = true;
        uv_timer_start(&in->replay_timer, replay_step, 0, 0);
    }
    return 0;
}

void vg_inputs_close(vg_inputs *in)
{
    if (in->udp_on)
        uv_close((uv_handle_t *)&in->udp, NULL);
    if (in->tcp_on)
        uv_close((uv_handle_t *)&in->tcp, NULL);
    if (in->replay_on)
        uv_close((uv_handle_t *)&in->replay_timer, NULL);
}

void vg_inputs_free(vg_inputs *in)
{
    free(in->udp_buf);
    if (in->replay_on)
        vg_linereader_free(&in->reader);
    if (in->replay_file)
        fclose(in->replay_file);
}
