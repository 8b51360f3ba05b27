/* cli/cmd_patrol.c — `vigie patrol plan FILE --sector S`: dynamic patrol plans.
 *
 * Reads a plan input (units and sites, docs/patrol.md), keeps the sites of the
 * sector and the units free to patrol it, asks the core for randomised routes under
 * the posture level's obligation, and prints them unit by unit, with the coverage
 * the plan achieves. Shell code: it reads files. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "vigie/io.h"
#include "vigie/patrol.h"
#include "vigie/posture.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie patrol plan FILE --sector S [--seed N] [--hours H] [--level L]\n"
            "                            [--start TIME] [--levels FILE]\n"
            "  FILE     JSON object with \"units\" and \"sites\" arrays (docs/patrol.md)\n"
            "  --sector the sites of this sector (\"all\": every site); units whose\n"
            "           sector is another one are left out\n"
            "  --level  vigilance | securite_renforcee | urgence_attentat (default\n"
            "           urgence_attentat); --levels loads the levels' parameters\n"
            "  --hours  the plan's length (default 8), --start its RFC 3339 start\n"
            "           (default 2024-07-26T12:00:00Z), --seed the draw (default 1)\n");
}

typedef struct plan_opts {
    const char *file, *sector, *levels, *start;
    uint64_t seed;
    double hours;
    vg_posture_level level;
} plan_opts;

static int parse_args(int argc, char **argv, plan_opts *o)
{
    static const struct option longopts[] = {
        {"sector", required_argument, NULL, 's'}, {"seed", required_argument, NULL, 'n'},
        {"hours", required_argument, NULL, 'H'},  {"level", required_argument, NULL, 'l'},
        {"start", required_argument, NULL, 't'},  {"levels", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->hours = 8;
    o->level = VG_POSTURE_URGENCE_ATTENTAT;
    o->start = "2024-07-26T12:00:00Z";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 's': o->sector = optarg; break;
        case 'L': o->levels = optarg; break;
        case 't': o->start = optarg; break;
        case 'n':
            o->seed = strtoull(optarg, &end, 10);
            if (!*optarg || *end || optarg[0] == '-') {
                fprintf(stderr, "vigie patrol: --seed: expected a whole number, got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'H':
            o->hours = strtod(optarg, &end);
            if (!*optarg || *end || !(o->hours > 0 && o->hours <= 336)) {
                fprintf(stderr, "vigie patrol: --hours: expected a number in (0, 336], got "
                        "'%s'\n", optarg);
                return 2;
            }
            break;
        case 'l': {
            int k = 0;
            while (k < VG_POSTURE_LEVEL_COUNT &&
                   strcmp(optarg, vg_posture_level_name((vg_posture_level)k)) != 0)
                k++;
            if (k == VG_POSTURE_LEVEL_COUNT) {
                fprintf(stderr, "vigie patrol: --level: unknown level '%s'\n", optarg);
                return 2;
            }
            o->level = (vg_posture_level)k;
            break;
        }
        case 'h': usage(stdout); return 1;
        default:
            fprintf(stderr, "vigie patrol: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind + 2 != argc || strcmp(argv[optind], "plan") != 0) {
        fprintf(stderr, "vigie patrol: expected 'plan FILE'\n");
        usage(stderr);
        return 2;
    }
    o->file = argv[optind + 1];
    if (!o->sector) {
        fprintf(stderr, "vigie patrol plan: --sector is required (\"all\" for every site)\n");
        return 2;
    }
    return 0;
}

static void hhmm(vg_time t, char *buf, size_t cap)
{
    char iso[40];
    vg_time_format_rfc3339(t, iso, sizeof iso);
    snprintf(buf, cap, "%.5s", strchr(iso, 'T') ? strchr(iso, 'T') + 1 : iso);
}

static void print_plan(const plan_opts *o, const vg_plan_input *in, const vg_unit *units, int nu,
                       const vg_patrol_site *sites, int ns, const vg_plan_visit *v, int nv,
                       const vg_posture_params *pp, vg_time start, double coverage)
{
    char iso[40];
    vg_time_format_rfc3339(start, iso, sizeof iso);
    printf("# patrol plan: sector %s, %s (a visit every %.0f min%s), %d units, %d sites, %g h "
           "from %s, seed %" PRIu64 "\n", o->sector, vg_posture_level_name(o->level),
           pp->patrol_interval_s / 60.0, pp->patrol_continuous ? ", continuous" : "", nu, ns,
           o->hours, iso, o->seed);
    (void)in;
    for (int u = 0; u < nu; u++) {
        printf("unit %s (%s, %s, %s):\n", units[u].id, units[u].callsign,
               vg_force_name(units[u].force), vg_unit_mode_name(units[u].mode));
        int count = 0;
        for (int i = 0; i < nv; i++) {
            if (v[i].unit != u)
                continue;
            char a[8], b[8];
            hhmm(v[i].arrive, a, sizeof a);
            hhmm(v[i].leave, b, sizeof b);
            const vg_patrol_site *s = &sites[v[i].site];
            printf("  %s-%s  %s (%s, %s)\n", a, b, s->id, s->name,
                   vg_site_category_name(s->category));
            count++;
        }
        if (count == 0)
            printf("  (no visit)\n");
    }
    printf("# coverage: %.1f%% of site-hours meet the obligation\n", coverage * 100.0);
}

int vg_cmd_patrol(int argc, char **argv)
{
    plan_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == 1 ? VG_EXIT_OK : VG_EXIT_USAGE;
    vg_error err;
    vg_time start;
    if (vg_time_parse_rfc3339(o.start, strlen(o.start), &start, &err) < 0) {
        fprintf(stderr, "vigie patrol: --start: %s\n", err.msg);
        return VG_EXIT_USAGE;
    }
    vg_postures postures;
    vg_postures_init(&postures, start);
    char *text = NULL;
    size_t len = 0;
    if (o.levels) {
        if (vg_read_file(o.levels, 4u << 20, &text, &len, &err) < 0 ||
            vg_postures_load_levels(&postures, text, len, &err) < 0) {
            fprintf(stderr, "vigie patrol: %s: %s\n", o.levels, err.msg);
            free(text);
            return VG_EXIT_USAGE;
        }
        free(text);
    }
    if (vg_read_file(o.file, 64u << 20, &text, &len, &err) < 0) {
        fprintf(stderr, "vigie patrol: %s\n", err.msg);
        return VG_EXIT_FAIL;
    }
    vg_plan_input in;
    rc = vg_plan_input_parse(text, len, &in, &err);
    free(text);
    if (rc < 0) {
        fprintf(stderr, "vigie patrol: %s: %s\n", o.file, err.msg);
        return VG_EXIT_FAIL;
    }
    bool all = strcmp(o.sector, "all") == 0;
    vg_unit *units = calloc((size_t)in.nunits + 1, sizeof *units);
    vg_patrol_site *sites = calloc((size_t)in.nsites + 1, sizeof *sites);
    int nu = 0, ns = 0, cap = 0, nv = 0;
    vg_plan_visit *v = NULL;
    int exit_code = VG_EXIT_FAIL;
    if (!units || !sites) {
        fprintf(stderr, "vigie patrol: out of memory\n");
        goto done;
    }
    for (int i = 0; i < in.nsites; i++)
        if (all || strcmp(in.sites[i].sector, o.sector) == 0)
            sites[ns++] = in.sites[i];
    for (int i = 0; i < in.nunits; i++)
        if (in.units[i].status != VG_UNIT_OFF_DUTY &&
            (all || !in.units[i].sector[0] || strcmp(in.units[i].sector, o.sector) == 0))
            units[nu++] = in.units[i];
    if (ns == 0) {
        fprintf(stderr, "vigie patrol: %s: no site in sector %s\n", o.file, o.sector);
        goto done;
    }
    if (nu == 0) {
        fprintf(stderr, "vigie patrol: %s: no unit free to patrol sector %s\n", o.file, o.sector);
        goto done;
    }
    /* A visit lasts at least 5 min: a unit makes at most 12 an hour. */
    cap = (int)(o.hours * 13.0 + 2.0) * nu;
    v = malloc((size_t)cap * sizeof *v);
    if (!v) {
        fprintf(stderr, "vigie patrol: out of memory\n");
        goto done;
    }
    const vg_posture_params *pp = vg_postures_params(&postures, o.level);
    if (vg_plan_generate(units, nu, sites, ns, pp, NULL, start, o.hours, o.seed, v, cap, &nv,
                         &err) < 0) {
        fprintf(stderr, "vigie patrol: %s\n", err.msg);
        goto done;
    }
    double cov = vg_plan_coverage(sites, ns, v, nv, pp, NULL, start, o.hours);
    print_plan(&o, &in, units, nu, sites, ns, v, nv, pp, start, cov);
    exit_code = VG_EXIT_OK;
done:
    free(v);
    free(units);
    free(sites);
    vg_plan_input_free(&in);
    return exit_code;
}
