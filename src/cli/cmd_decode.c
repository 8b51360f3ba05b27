/* cli/cmd_decode.c — `vigie decode`: Remote ID and French beacon messages out of a
 * capture, as JSON Lines.
 *
 * Reads a pcap/pcapng file (or captures live from pcap:IFACE), finds the Remote ID
 * payloads in every packet (vigie/ridframe.h), decodes them (vigie/rid.h,
 * vigie/frbeacon.h) and writes one JSON object per message (decode_json.c) — or,
 * with --detections, the detection events the assembler (vigie/ridasm.h) makes of
 * them, in the input format of `vigie replay`. A malformed frame is counted by the
 * layer and code of its error and skipped; the run goes on. A summary ends the run:
 * frames, frames with Remote ID, messages by type, errors by kind. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/decode_json.h"
#include "vigie/event.h"
#include "vigie/pcapio.h"
#include "vigie/ridframe.h"

/* Distinct error kinds remembered by name; more (which no real capture produces:
 * layers × codes is a few dozen) are counted under "other". */
#define MAX_ERROR_KINDS 64
#define ERROR_KIND_LEN 64
#define LIVE_PREFIX "pcap:"

typedef struct decode_opts {
    const char *input;
    bool json;
    bool detections;
    bool quiet;
    const char *sensor;
} decode_opts;

typedef struct error_kind {
    char name[ERROR_KIND_LEN]; /* "802.11 truncated input" */
    uint64_t n;
} error_kind;

typedef struct decoder {
    const decode_opts *o;
    FILE *out;
    uint64_t frames, frames_rid, messages, detections, errors;
    uint64_t by_msg[VG_DECODE_MSG_COUNT];
    error_kind kinds[MAX_ERROR_KINDS]; /* sorted by name */
    int nkinds;
    uint64_t other_errors;
    vg_ridasm *assembler;              /* --detections only */
    vg_event events[VG_RID_PACK_MAX];
    char line[VG_LINE_MAX + 1];
} decoder;

/* Set by SIGINT/SIGTERM during a live capture: finish the packet, print the summary. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie decode [options] FILE|pcap:IFACE\n"
            "\n"
            "Decode the Remote ID (ASTM F3411) and French beacon messages in a capture\n"
            "(pcap or pcapng: radiotap or plain 802.11, Bluetooth LE link layer or HCI) and\n"
            "print one JSON object per message, then a summary. pcap:IFACE captures live\n"
            "(e.g. pcap:wlan0mon, an interface in monitor mode) until interrupted.\n"
            "\n"
            "      --json          write the summary as a JSON line on stdout (type \"summary\")\n"
            "                      instead of text on stderr\n"
            "      --detections    print detection events (the input of 'vigie replay')\n"
            "                      instead of messages\n"
            "      --sensor ID     the sensor id of those detections (default: remoteid)\n"
            "  -q, --quiet         do not report each malformed frame (still counted)\n"
            "  -h, --help          show this help\n");
}

/* Identifiers in events are 1..63 bytes without control characters (formats.md). */
static bool valid_sensor_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= VG_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* Returns 0 to run, 1 after --help, -1 on a usage error (reported). */
static int parse_args(int argc, char **argv, decode_opts *o)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"detections", no_argument, NULL, 'd'},
        {"sensor", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->sensor = "remoteid";
    bool sensor_given = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': o->json = true; break;
        case 'd': o->detections = true; break;
        case 's': o->sensor = optarg; sensor_given = true; break;
        case 'q': o->quiet = true; break;
        case 'h': usage(stdout); return 1;
        default:
            if (optopt)
                fprintf(stderr, "vigie decode: bad or incomplete option '-%c'\n", optopt);
            else
                fprintf(stderr, "vigie decode: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return -1;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "vigie decode: expected one input FILE or pcap:IFACE\n");
        usage(stderr);
        return -1;
    }
    o->input = argv[optind];
    if (sensor_given && !o->detections) {
        fprintf(stderr, "vigie decode: --sensor only applies to --detections\n");
        return -1;
    }
    if (!valid_sensor_id(o->sensor)) {
        fprintf(stderr, "vigie decode: --sensor: expected 1 to 63 bytes without control "
                        "characters\n");
        return -1;
    }
    if (strcmp(o->input, LIVE_PREFIX) == 0) {
        fprintf(stderr, "vigie decode: pcap: needs an interface name (pcap:wlan0mon)\n");
        return -1;
    }
    return 0;
}

/* ---- Counting errors by kind ------------------------------------------------------- */

/* The layer an error message starts with ("802.11" in "802.11: element ..."): every
 * decoder's messages begin with a stable lower-case layer name and ": ". Anything
 * else (which would be a decoder bug) is "other". */
static void error_layer(const char *msg, char *out, size_t cap)
{
    const char *colon = strstr(msg, ": ");
    size_t n = colon ? (size_t)(colon - msg) : 0;
    bool ok = n > 0 && n < 24 && n < cap;
    for (size_t i = 0; ok && i < n; i++) {
        char ch = msg[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
             ch == '-' || ch == '_';
    }
    if (!ok) {
        snprintf(out, cap, "other");
        return;
    }
    memcpy(out, msg, n);
    out[n] = '\0';
}

static void count_error(decoder *d, const vg_pcap_packet *pkt, const vg_error *err)
{
    d->errors++;
    if (!d->o->quiet)
        fprintf(stderr, "vigie decode: %s: packet %llu: %s\n", d->o->input,
                (unsigned long long)pkt->index, err->msg);
    char layer[32], name[ERROR_KIND_LEN];
    error_layer(err->msg, layer, sizeof layer);
    snprintf(name, sizeof name, "%s %s", layer, vg_strerror(err->code));
    int lo = 0, hi = d->nkinds;
    while (lo < hi) { /* binary search: the table stays sorted, so output is stable */
        int mid = (lo + hi) / 2;
        int cmp = strcmp(d->kinds[mid].name, name);
        if (cmp == 0) {
            d->kinds[mid].n++;
            return;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (d->nkinds == MAX_ERROR_KINDS) {
        d->other_errors++;
        return;
    }
    memmove(&d->kinds[lo + 1], &d->kinds[lo], (size_t)(d->nkinds - lo) * sizeof d->kinds[0]);
    snprintf(d->kinds[lo].name, sizeof d->kinds[lo].name, "%s", name);
    d->kinds[lo].n = 1;
    d->nkinds++;
}

/* ---- Output ------------------------------------------------------------------------ */

static void write_line(decoder *d, vg_strbuf *sb)
{
    if (sb->overflow) /* cannot happen: a message line is under 1 KiB */
        return;
    sb->buf[sb->len] = '\n';
    fwrite(sb->buf, 1, sb->len + 1, d->out);
}

static void emit_message(decoder *d, const vg_ridasm_rx *rx, const vg_rid_message *m)
{
    d->messages++;
    d->by_msg[m->type]++;
    if (d->o->detections)
        return;
    vg_strbuf sb;
    vg_strbuf_init(&sb, d->line, sizeof d->line - 1);
    vg_decode_json_message(&sb, rx, m);
    write_line(d, &sb);
}

static void emit_events(decoder *d, const vg_pcap_packet *pkt, int n)
{
    for (int i = 0; i < n; i++) {
        size_t len;
        vg_error err;
        if (vg_event_format(&d->events[i], d->line, sizeof d->line - 1, &len, &err) < 0) {
            count_error(d, pkt, &err);
            continue;
        }
        d->line[len] = '\n';
        fwrite(d->line, 1, len + 1, d->out);
        d->detections++;
    }
}

/* ---- Decoding one packet ------------------------------------------------------------ */

static void decode_astm(decoder *d, const vg_pcap_packet *pkt, const vg_ridasm_rx *rx,
                        const vg_rid_payload *p)
{
    vg_error err;
    if (p->kind == VG_RIDP_ASTM_PACK) {
        vg_rid_pack pack;
        if (vg_rid_decode_pack(p->data, p->len, &pack, NULL, &err) < 0) {
            count_error(d, pkt, &err);
            return;
        }
        for (int i = 0; i < pack.count; i++)
            emit_message(d, rx, &pack.msgs[i]);
        if (d->assembler) {
            int n = vg_ridasm_push_pack(d->assembler, rx, &pack, d->events, VG_RID_PACK_MAX,
                                        &err);
            if (n < 0)
                count_error(d, pkt, &err);
            else
                emit_events(d, pkt, n);
        }
        return;
    }
    vg_rid_message m;
    if (vg_rid_decode_message(p->data, p->len, &m, &err) < 0) {
        count_error(d, pkt, &err);
        return;
    }
    emit_message(d, rx, &m);
    if (d->assembler) {
        int n = vg_ridasm_push(d->assembler, rx, &m, d->events, &err);
        if (n < 0)
            count_error(d, pkt, &err);
        else
            emit_events(d, pkt, n);
    }
}

static void decode_frb(decoder *d, const vg_pcap_packet *pkt, const vg_ridasm_rx *rx,
                       const vg_rid_payload *p)
{
    vg_error err;
    vg_frb f;
    /* A beacon missing a mandatory field is an error, like any rejected message: the
     * partial fields the decoder leaves are not printed. */
    if (vg_frb_decode(p->data, p->len, &f, &err) < 0) {
        count_error(d, pkt, &err);
        return;
    }
    d->messages++;
    d->by_msg[VG_DECODE_MSG_FR]++;
    if (d->assembler) {
        int n = vg_ridasm_push_frb(d->assembler, rx, &f, d->events, &err);
        if (n < 0)
            count_error(d, pkt, &err);
        else
            emit_events(d, pkt, n);
        return;
    }
    vg_strbuf sb;
    vg_strbuf_init(&sb, d->line, sizeof d->line - 1);
    vg_decode_json_frb(&sb, rx, &f);
    write_line(d, &sb);
}

static void decode_packet(decoder *d, const vg_pcap_packet *pkt)
{
    vg_rid_payload payloads[VG_RIDFRAME_MAX_PAYLOADS];
    int count;
    vg_error err;
    d->frames++;
    int rc = vg_ridframe_parse(pkt->linktype, pkt->data, pkt->len, payloads,
                               VG_RIDFRAME_MAX_PAYLOADS, &count, &err);
    if (rc < 0) /* VG_EFULL still hands out the first payloads: decode them */
        count_error(d, pkt, &err);
    if (count > 0)
        d->frames_rid++;
    for (int i = 0; i < count; i++) {
        const vg_rid_payload *p = &payloads[i];
        vg_ridasm_rx rx = {.time = pkt->time, .transport = p->transport,
                           .has_counter = p->has_counter, .counter = p->counter};
        memcpy(rx.addr, p->addr, sizeof rx.addr);
        if (p->kind == VG_RIDP_FR_TLV)
            decode_frb(d, pkt, &rx, p);
        else
            decode_astm(d, pkt, &rx, p);
    }
}

/* ---- The summary ---------------------------------------------------------------------- */

static void print_summary_json(const decoder *d, FILE *f)
{
    vg_strbuf sb;
    char buf[8192];
    vg_strbuf_init(&sb, buf, sizeof buf);
    vg_strbuf_puts(&sb, "{\"type\":\"summary\",\"frames_read\":");
    vg_strbuf_put_u64(&sb, d->frames);
    vg_strbuf_puts(&sb, ",\"frames_with_rid\":");
    vg_strbuf_put_u64(&sb, d->frames_rid);
    vg_strbuf_puts(&sb, ",\"messages\":");
    vg_strbuf_put_u64(&sb, d->messages);
    vg_strbuf_puts(&sb, ",\"messages_by_type\":{");
    for (int i = 0; i < VG_DECODE_MSG_COUNT; i++) {
        if (i)
            vg_strbuf_putc(&sb, ',');
        vg_strbuf_put_json_string(&sb, vg_decode_msg_name(i));
        vg_strbuf_putc(&sb, ':');
        vg_strbuf_put_u64(&sb, d->by_msg[i]);
    }
    vg_strbuf_puts(&sb, "}");
    if (d->o->detections) {
        vg_strbuf_puts(&sb, ",\"detections\":");
        vg_strbuf_put_u64(&sb, d->detections);
    }
    vg_strbuf_puts(&sb, ",\"errors\":");
    vg_strbuf_put_u64(&sb, d->errors);
    vg_strbuf_puts(&sb, ",\"errors_by_kind\":{");
    for (int i = 0; i < d->nkinds; i++) {
        if (i)
            vg_strbuf_putc(&sb, ',');
        vg_strbuf_put_json_string(&sb, d->kinds[i].name);
        vg_strbuf_putc(&sb, ':');
        vg_strbuf_put_u64(&sb, d->kinds[i].n);
    }
    if (d->other_errors) {
        vg_strbuf_puts(&sb, d->nkinds ? ",\"other\":" : "\"other\":");
        vg_strbuf_put_u64(&sb, d->other_errors);
    }
    vg_strbuf_puts(&sb, "}}\n");
    fputs(buf, f);
}

static void print_summary_text(const decoder *d, FILE *f)
{
    fprintf(f, "vigie decode: %llu frames read, %llu with Remote ID; %llu messages",
            (unsigned long long)d->frames, (unsigned long long)d->frames_rid,
            (unsigned long long)d->messages);
    const char *sep = " (";
    for (int i = 0; i < VG_DECODE_MSG_COUNT; i++) {
        if (!d->by_msg[i])
            continue;
        fprintf(f, "%s%llu %s", sep, (unsigned long long)d->by_msg[i], vg_decode_msg_name(i));
        sep = ", ";
    }
    fprintf(f, "%s", sep[0] == ',' ? ")" : "");
    if (d->o->detections)
        fprintf(f, "; %llu detections", (unsigned long long)d->detections);
    fprintf(f, "; %llu errors\n", (unsigned long long)d->errors);
    for (int i = 0; i < d->nkinds; i++)
        fprintf(f, "vigie decode:   %s: %llu\n", d->kinds[i].name,
                (unsigned long long)d->kinds[i].n);
    if (d->other_errors)
        fprintf(f, "vigie decode:   other: %llu\n", (unsigned long long)d->other_errors);
}

/* With --json the summary is the last line of stdout — except with --detections,
 * where stdout must stay valid `vigie replay` input: it then goes to stderr. */
static void print_summary(const decoder *d)
{
    if (d->o->json)
        print_summary_json(d, d->o->detections ? stderr : d->out);
    else
        print_summary_text(d, stderr);
}

/* ---- The run ---------------------------------------------------------------------------- */

static int open_input(const decode_opts *o, bool live, vg_pcap **pc)
{
    vg_error err;
    int rc = live ? vg_pcap_open_live(o->input + strlen(LIVE_PREFIX), NULL, pc, &err)
                  : vg_pcap_open_file(o->input, pc, &err);
    if (rc < 0) {
        /* The file reader's messages name the file already; the live one's the
         * interface, but say which input the operator typed. */
        if (live)
            fprintf(stderr, "vigie decode: %s: %s\n", o->input, err.msg);
        else
            fprintf(stderr, "vigie decode: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked capture read returns to the loop */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int run(const decode_opts *o)
{
    bool live = strncmp(o->input, LIVE_PREFIX, strlen(LIVE_PREFIX)) == 0;
    decoder *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "vigie decode: out of memory\n");
        return VG_EXIT_FAIL;
    }
    d->o = o;
    d->out = stdout;
    vg_error err;
    int status = VG_EXIT_FAIL;
    vg_pcap *pc = NULL;
    if (o->detections) {
        vg_ridasm_config cfg;
        vg_ridasm_config_default(&cfg);
        snprintf(cfg.sensor, sizeof cfg.sensor, "%s", o->sensor);
        if (vg_ridasm_new(&cfg, &d->assembler, &err) < 0) {
            fprintf(stderr, "vigie decode: %s\n", err.msg);
            goto done;
        }
    }
    if (open_input(o, live, &pc) < 0)
        goto done;
    if (live) {
        /* Someone watching a live capture wants each line as it comes. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        install_stop_handlers();
    }
    vg_pcap_packet pkt;
    int rc;
    while (!stop_requested && (rc = vg_pcap_next(pc, &pkt, &err)) != VG_PCAP_END) {
        if (rc == VG_PCAP_AGAIN)
            continue;
        if (rc < 0) {
            if (live && stop_requested) /* the read was interrupted by the signal */
                break;
            /* The rest of the capture cannot be read: report (the reader's message
             * names the file or interface), summarise what was read, exit 1. */
            fprintf(stderr, "vigie decode: %s\n", err.msg);
            print_summary(d);
            goto done;
        }
        decode_packet(d, &pkt);
    }
    print_summary(d);
    status = VG_EXIT_OK;
done:
    vg_pcap_close(pc);
    vg_ridasm_free(d->assembler);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vigie decode: writing output: %s\n", strerror(errno));
        status = VG_EXIT_FAIL;
    }
    free(d);
    return status;
}

int vg_cmd_decode(int argc, char **argv)
{
    decode_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? VG_EXIT_OK : VG_EXIT_USAGE;
    return run(&o);
}
