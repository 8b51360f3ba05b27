/* server/metrics.c — /metrics in the Prometheus text format: inputs by source,
 * malformed and dropped inputs, refusals, outputs, tracks, queue depth, SSE clients,
 * HTTP requests and the latency from an input's receipt to its outputs' publication. */
#include <stdio.h>
#include <stdlib.h>

#include "server/server.h"
#include "vigie/strbuf.h"

const double vg_latency_bounds_ms[VG_LAT_BUCKETS] = {1, 2, 5, 10, 20, 50, 100, 250, 1000, 5000};

void vg_metrics_latency(vg_metrics *m, double ms)
{
    int b = 0;
    while (b < VG_LAT_BUCKETS && ms > vg_latency_bounds_ms[b])
        b++;
    atomic_fetch_add(&m->latency[b], 1);
    atomic_fetch_add(&m->latency_count, 1);
    /* A CAS loop: atomic add on doubles is not in C11. */
    double old = atomic_load(&m->latency_sum_ms);
    while (!atomic_compare_exchange_weak(&m->latency_sum_ms, &old, old + ms))
        ;
}

static void counter(vg_strbuf *sb, const char *name, const char *help, const char *type)
{
    vg_strbuf_puts(sb, "# HELP ");
    vg_strbuf_puts(sb, name);
    vg_strbuf_putc(sb, ' ');
    vg_strbuf_puts(sb, help);
    vg_strbuf_puts(sb, "\n# TYPE ");
    vg_strbuf_puts(sb, name);
    vg_strbuf_putc(sb, ' ');
    vg_strbuf_puts(sb, type);
    vg_strbuf_putc(sb, '\n');
}

static void value(vg_strbuf *sb, const char *name, const char *labels, uint64_t v)
{
    vg_strbuf_puts(sb, name);
    vg_strbuf_puts(sb, labels);
    vg_strbuf_putc(sb, ' ');
    vg_strbuf_put_u64(sb, v);
    vg_strbuf_putc(sb, '\n');
}

static void by_source(vg_strbuf *sb, const char *name, const char *help,
                      atomic_uint_fast64_t *v)
{
    counter(sb, name, help, "counter");
    for (int i = 0; i < VG_SRC_COUNT; i++) {
        char labels[48];
        snprintf(labels, sizeof labels, "{source=\"%s\"}", vg_source_name((vg_source)i));
        value(sb, name, labels, atomic_load(&v[i]));
    }
}

int vg_metrics_text(vg_server *s, char **out, size_t *len)
{
    enum { CAP = 16384 };
    char *buf = malloc(CAP);
    if (!buf)
        return VG_ENOMEM;
    vg_strbuf sb;
    vg_strbuf_init(&sb, buf, CAP);
    vg_metrics *m = &s->metrics;
    by_source(&sb, "vigie_events_in_total", "Input events accepted into the queue.", m->events_in);
    by_source(&sb, "vigie_decode_errors_total", "Input lines that did not parse.", m->malformed);
    by_source(&sb, "vigie_events_dropped_total", "Input events dropped: queue full.", m->dropped);
    counter(&sb, "vigie_events_refused_total", "Events the engine refused.", "counter");
    value(&sb, "vigie_events_refused_total", "", atomic_load(&m->rejected));
    counter(&sb, "vigie_outputs_total", "Output events published.", "counter");
    value(&sb, "vigie_outputs_total", "", atomic_load(&m->outputs));
    counter(&sb, "vigie_tracks", "Live tracks in the picture.", "gauge");
    value(&sb, "vigie_tracks", "", vg_picture_track_count(&s->pic));
    counter(&sb, "vigie_queue_depth", "Events waiting for the engine.", "gauge");
    value(&sb, "vigie_queue_depth", "", vg_queue_depth(&s->queue));
    counter(&sb, "vigie_sse_clients", "Connected event-stream clients.", "gauge");
    value(&sb, "vigie_sse_clients", "", atomic_load(&m->sse_clients));
    counter(&sb, "vigie_http_requests_total", "HTTP requests answered.", "counter");
    value(&sb, "vigie_http_requests_total", "", atomic_load(&m->http_requests));
    counter(&sb, "vigie_http_errors_total", "HTTP answers with status 400 or more.", "counter");
    value(&sb, "vigie_http_errors_total", "", atomic_load(&m->http_errors));
    counter(&sb, "vigie_latency_ms", "From an input's receipt to its outputs' publication.",
            "histogram");
    uint64_t cumulative = 0;
    for (int b = 0; b <= VG_LAT_BUCKETS; b++) {
        cumulative += atomic_load(&m->latency[b]);
        char labels[48];
        if (b < VG_LAT_BUCKETS)
            snprintf(labels, sizeof labels, "{le=\"%g\"}", vg_latency_bounds_ms[b]);
        else
            snprintf(labels, sizeof labels, "{le=\"+Inf\"}");
        value(&sb, "vigie_latency_ms_bucket", labels, cumulative);
    }
    vg_strbuf_puts(&sb, "vigie_latency_ms_sum ");
    vg_strbuf_put_double(&sb, atomic_load(&m->latency_sum_ms));
    vg_strbuf_putc(&sb, '\n');
    value(&sb, "vigie_latency_ms_count", "", atomic_load(&m->latency_count));
    if (sb.overflow) {
        free(buf);
        return VG_ETOOBIG;
    }
    *out = buf;
    *len = sb.len;
    return 0;
}
