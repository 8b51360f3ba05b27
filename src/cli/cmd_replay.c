/* cli/cmd_replay.c — `vigie replay`: run the engine over recorded input events.
 *
 * Reads JSON Lines input (a file, a journal, or stdin), feeds each event to the
 * engine, and writes every output event as a JSON line. A malformed line is
 * reported with its file and line number, counted and skipped; the run goes on.
 * With --journal, every accepted input event is also journaled, so the journal
 * replays to the same outputs. With --speed N, events are paced at N times the
 * speed their timestamps say (the default, max, runs as fast as possible). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/report.h"
#include "vigie/engine.h"
#include "vigie/io.h"
#include "vigie/journal.h"

/* Journal lines are pushed to the file at least this often (and at every pacing
 * pause), so a crash loses at most one batch of input. */
#define JOURNAL_BATCH 1024

typedef struct replay_opts {
    const char *input;
    const char *output;
    const char *config;
    const char *journal_dir;
    double speed;       /* 0 = as fast as possible */
    bool quiet;
    const char *truth;
    bool report;
    double gospa_c, gospa_p;
} replay_opts;

typedef struct output {
    FILE *f;
    bool timed;         /* measure the time spent writing (it is not engine time) */
    double seconds;
    uint64_t lines;
    uint64_t format_errors;
    vg_report *report;  /* scores alerts too (--report), or NULL */
    char line[VG_LINE_MAX + 1];
} output;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie replay [options] FILE|-\n"
            "\n"
            "Run the engine over input events (JSON Lines) and write its output events.\n"
            "\n"
            "  -o, --output FILE   write output events to FILE (default: stdout)\n"
            "  -c, --config FILE   configuration file (INI)\n"
            "      --speed N|max   replay at N times recorded speed (default: max)\n"
            "      --journal DIR   journal every input event into a new file in DIR\n"
            "  -q, --quiet         do not report each rejected line (still counted)\n"
            "      --truth FILE    ground truth (JSON Lines \"truth\" events) to score against\n"
            "      --report        print a JSON report at the end (scores with --truth)\n"
            "      --gospa-c M     GOSPA cut-off distance, metres (default 5)\n"
            "      --gospa-p P     GOSPA order, >= 1 (default 1)\n"
            "  -h, --help          show this help\n");
}

static int parse_args(int argc, char **argv, replay_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"config", required_argument, NULL, 'c'},
        {"speed", required_argument, NULL, 's'},
        {"journal", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"truth", required_argument, NULL, 't'},
        {"report", no_argument, NULL, 'r'},
        {"gospa-c", required_argument, NULL, 'C'},
        {"gospa-p", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->gospa_c = 5.0;
    o->gospa_p = 1.0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+o:c:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->output = optarg; break;
        case 'c': o->config = optarg; break;
        case 'j': o->journal_dir = optarg; break;
        case 'q': o->quiet = true; break;
        case 't': o->truth = optarg; break;
        case 'r': o->report = true; break;
        case 'C':
        case 'P': {
            char *end;
            double v = strtod(optarg, &end);
            double min = c == 'C' ? 0.0 : 1.0;
            if (end == optarg || *end || !isfinite(v) || v < min || (c == 'C' && v == 0.0)) {
                fprintf(stderr, "vigie replay: --gospa-%c: expected a number %s, got '%s'\n",
                        c == 'C' ? 'c' : 'p', c == 'C' ? "> 0" : ">= 1", optarg);
                return -1;
            }
            *(c == 'C' ? &o->gospa_c : &o->gospa_p) = v;
            break;
        }
        case 'h': usage(stdout); return 1;
        case 's': {
            if (strcmp(optarg, "max") == 0) {
                o->speed = 0;
                break;
            }
            char *end;
            errno = 0;
            o->speed = strtod(optarg, &end);
            if (end == optarg || *end || errno || !(o->speed > 0) || !isfinite(o->speed)) {
                fprintf(stderr, "vigie replay: --speed: expected a positive number or "
                                "'max', got '%s'\n", optarg);
                return -1;
            }
            break;
        }
        default:
            if (optopt)
                fprintf(stderr, "vigie replay: bad or incomplete option '-%c'\n", optopt);
            else
                fprintf(stderr, "vigie replay: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return -1;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "vigie replay: expected one input FILE (or - for stdin)\n");
        usage(stderr);
        return -1;
    }
    o->input = argv[optind];
    return 0;
}

static vg_time monotonic_us(void);

static void write_output(void *userdata, const vg_event *ev)
{
    output *out = userdata;
    vg_time t0 = out->timed ? monotonic_us() : 0;
    if (out->report)
        vg_report_output(out->report, ev);
    size_t len;
    vg_error err;
    if (vg_event_format(ev, out->line, sizeof out->line - 1, &len, &err) < 0) {
        out->format_errors++;
        fprintf(stderr, "vigie replay: cannot write an output event: %s\n", err.msg);
        return;
    }
    out->line[len++] = '\n';
    fwrite(out->line, 1, len, out->f);
    out->lines++;
    if (out->timed)
        out->seconds += (double)(monotonic_us() - t0) / 1e6;
}

static vg_time monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (vg_time)ts.tv_sec * VG_TIME_S + ts.tv_nsec / 1000;
}

static vg_time wall_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (vg_time)ts.tv_sec * VG_TIME_S + ts.tv_nsec / 1000;
}

/* Sleep until the wall clock catches up with event time t at the chosen speed. */
typedef struct pacer {
    double speed;
    bool started;
    vg_time event0, wall0;
} pacer;

static bool pace(pacer *p, vg_time t)
{
    if (p->speed <= 0)
        return false;
    if (!p->started) {
        p->started = true;
        p->event0 = t;
        p->wall0 = monotonic_us();
        return false;
    }
    vg_time due = p->wall0 + (vg_time)((double)(t - p->event0) / p->speed);
    vg_time now = monotonic_us();
    if (due <= now)
        return false;
    vg_time wait = due - now;
    struct timespec ts = {(time_t)(wait / VG_TIME_S), (long)(wait % VG_TIME_S) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return true;
}

typedef struct counts {
    uint64_t lines, events, malformed, rejected;
} counts;

static void print_summary(const counts *n, const vg_engine_stats *st, const output *out)
{
    /* Outputs first: on a terminal or a shared pipe, the summary comes after them. */
    fflush(out->f);
    fprintf(stderr,
            "vigie replay: %llu lines, %llu events accepted, %llu malformed, %llu rejected; "
            "%llu outputs",
            (unsigned long long)n->lines, (unsigned long long)n->events,
            (unsigned long long)n->malformed, (unsigned long long)n->rejected,
            (unsigned long long)out->lines);
    const char *sep = " (";
    for (int t = VG_EV_TRACK; t < VG_EV_TYPE_COUNT; t++) {
        if (!st->out[t])
            continue;
        fprintf(stderr, "%s%llu %s", sep, (unsigned long long)st->out[t],
                vg_event_type_name((vg_event_type)t));
        sep = ", ";
    }
    fprintf(stderr, "%s\n", sep[0] == ',' ? ")" : "");
    const vg_tracker_stats *t = &st->tracker;
    if (t->detections)
        fprintf(stderr,
                "vigie replay: tracker: %llu detections in %llu scans: %llu assigned, %llu "
                "bound by identity, %llu started a track, %llu refused by the filter, %llu in "
                "dense clutter; "
                "tracks: %llu confirmed, %llu deleted, %u live at the end\n",
                (unsigned long long)t->detections, (unsigned long long)st->scans,
                (unsigned long long)t->assigned, (unsigned long long)t->identity_bound,
                (unsigned long long)t->started, (unsigned long long)t->rejected_by_filter,
                (unsigned long long)t->clutter_suppressed,
                (unsigned long long)t->confirmed, (unsigned long long)t->deleted, t->live);
}

static int run(const replay_opts *o, vg_config *cfg)
{
    vg_error err;
    FILE *in = strcmp(o->input, "-") == 0 ? stdin : fopen(o->input, "rb");
    if (!in) {
        fprintf(stderr, "vigie replay: %s: %s\n", o->input, strerror(errno));
        return VG_EXIT_FAIL;
    }
    output *out = calloc(1, sizeof *out);
    if (!out) {
        fprintf(stderr, "vigie replay: out of memory\n");
        if (in != stdin)
            fclose(in);
        return VG_EXIT_FAIL;
    }
    out->f = o->output ? fopen(o->output, "wb") : stdout;
    int status = VG_EXIT_FAIL;
    vg_engine *engine = NULL;
    vg_journal *journal = NULL;
    vg_report *report = NULL;
    vg_event *ev = malloc(sizeof *ev);
    vg_linereader lr = {0};
    if (!out->f) {
        fprintf(stderr, "vigie replay: %s: %s\n", o->output, strerror(errno));
        goto done;
    }
    vg_logger log = {vg_log_to_stderr, NULL, cfg->log.level};
    if (!ev || vg_linereader_init(&lr, in, VG_LINE_MAX, &err) < 0 ||
        vg_engine_new(cfg, write_output, out, &log, &engine, &err) < 0) {
        fprintf(stderr, "vigie replay: %s\n", ev ? err.msg : "out of memory");
        goto done;
    }
    if (vg_engine_load_site_data(engine, cfg, o->config, &log, &err) < 0) {
        fprintf(stderr, "vigie replay: %s\n", err.msg);
        status = VG_EXIT_USAGE;
        goto done;
    }
    const char *jdir = o->journal_dir ? o->journal_dir : cfg->engine.journal_dir;
    if (jdir[0]) {
        char path[4096];
        if (vg_journal_open(jdir, wall_clock_us(), &journal, path, sizeof path, &err) < 0) {
            fprintf(stderr, "vigie replay: %s\n", err.msg);
            goto done;
        }
        fprintf(stderr, "vigie replay: journal %s\n", path);
    }

    if ((o->report || o->truth) &&
        vg_report_new(o->truth, o->gospa_c, o->gospa_p, &report, &err) < 0) {
        fprintf(stderr, "vigie replay: %s\n", err.msg);
        goto done;
    }
    double wall0 = (double)monotonic_us() / 1e6, in_engine = 0.0;
    out->timed = report != NULL;
    out->report = report;
    if (report)
        vg_report_set_heights(report, cfg->site.ground_elevation, cfg->site.geoid_undulation);
    counts n = {0};
    uint64_t journaled = 0;
    pacer pc = {.speed = o->speed};
    const char *line;
    size_t len;
    int rc;
    while ((rc = vg_linereader_next(&lr, &line, &len, &err)) != 0) {
        if (rc == VG_EIO) {
            fprintf(stderr, "vigie replay: %s: %s\n", o->input, err.msg);
            goto done;
        }
        n.lines++;
        if (rc < 0 || (len && vg_event_parse(line, len, ev, &err) < 0)) {
            n.malformed++;
            if (!o->quiet)
                fprintf(stderr, "%s:%zu: %s\n", o->input, lr.lineno, err.msg);
            continue;
        }
        if (len == 0) /* blank lines separate nothing in JSON Lines; tolerate them */
            continue;
        if (pace(&pc, ev->time) && journal && vg_journal_flush(journal, false, &err) < 0) {
            fprintf(stderr, "vigie replay: %s\n", err.msg);
            goto done;
        }
        if (journal && (vg_journal_append(journal, ev, &err) < 0 ||
                        (++journaled % JOURNAL_BATCH == 0 &&
                         vg_journal_flush(journal, false, &err) < 0))) {
            fprintf(stderr, "vigie replay: %s\n", err.msg);
            goto done;
        }
        if (report && vg_report_due(report, ev->time)) {
            vg_time t0 = monotonic_us();
            vg_engine_flush(engine); /* the open scan belongs to the scored time */
            in_engine += (double)(monotonic_us() - t0) / 1e6;
            if (vg_report_advance(report, engine, ev->time, &err) < 0) {
                fprintf(stderr, "vigie replay: %s\n", err.msg);
                goto done;
            }
        }
        vg_time t0 = report ? monotonic_us() : 0;
        rc = vg_engine_push(engine, ev, &err);
        if (report)
            in_engine += (double)(monotonic_us() - t0) / 1e6;
        if (rc < 0) {
            n.rejected++;
            if (!o->quiet)
                fprintf(stderr, "%s:%zu: %s\n", o->input, lr.lineno, err.msg);
            continue;
        }
        n.events++;
        if (pc.speed > 0)
            fflush(out->f);
    }
    vg_time t0 = monotonic_us();
    vg_engine_flush(engine);
    in_engine += (double)(monotonic_us() - t0) / 1e6;
    if (report && vg_report_advance(report, engine, VG_TIME_MAX, &err) < 0) {
        fprintf(stderr, "vigie replay: %s\n", err.msg);
        goto done;
    }
    vg_engine_stats st;
    vg_engine_get_stats(engine, &st);
    print_summary(&n, &st, out);
    if (report && (o->report || o->truth)) {
        fflush(out->f);
        /* Engine time excludes what the shell's sink spent writing the outputs. */
        vg_report_print(report, engine, stdout, (double)monotonic_us() / 1e6 - wall0,
                        in_engine - out->seconds);
    }
    status = out->format_errors ? VG_EXIT_FAIL : VG_EXIT_OK;
done:
    vg_report_free(report);
    if (journal && vg_journal_close(journal, &err) < 0) {
        fprintf(stderr, "vigie replay: %s\n", err.msg);
        status = VG_EXIT_FAIL;
    }
    vg_engine_free(engine);
    vg_linereader_free(&lr);
    free(ev);
    if (out->f && (fflush(out->f) != 0 || ferror(out->f))) {
        fprintf(stderr, "vigie replay: writing output: %s\n", strerror(errno));
        status = VG_EXIT_FAIL;
    }
    if (out->f && out->f != stdout && fclose(out->f) != 0)
        status = VG_EXIT_FAIL;
    free(out);
    if (in != stdin)
        fclose(in);
    return status;
}

int vg_cmd_replay(int argc, char **argv)
{
    replay_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? VG_EXIT_OK : VG_EXIT_USAGE;
    vg_config cfg;
    vg_config_defaults(&cfg);
    vg_error err;
    if (o.config && vg_config_load_file(&cfg, o.config, &err) < 0) {
        fprintf(stderr, "vigie replay: %s\n", err.msg);
        return VG_EXIT_USAGE;
    }
    return run(&o, &cfg);
}
