/* cli/main.c — the vigie command: dispatches to a subcommand.
 *
 * Every subcommand parses its own options with getopt_long and prints its own
 * --help. Unknown subcommands and bad options print a usage message on stderr and
 * exit with status 2, so scripts can tell a typo from a failed run (status 1). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"replay", vg_cmd_replay, "run the engine over recorded input events"},
    {"decode", vg_cmd_decode, "decode Remote ID messages from a capture (pcap or live)"},
    {"zones", vg_cmd_zones, "check points against zones (ED-269, GeoJSON), export them"},
#ifdef VG_HAVE_CMD_SIMULATE
    {"simulate", vg_cmd_simulate, "write sensor traffic and ground truth from a scenario"},
#endif
#ifdef VG_HAVE_CMD_PATROL
    {"patrol", vg_cmd_patrol, "patrol plans for a sector's units and sites"},
#endif
#ifdef VG_HAVE_CMD_SERVE
    {"serve", vg_cmd_serve, "run the daemon: sensor inputs, engine, HTTP API, web map"},
#endif
#ifdef VG_HAVE_CMD_USER
    {"user", vg_cmd_user, "manage the daemon's users (add, passwd, list)"},
    {"audit", vg_cmd_audit, "verify the audit log's hash chain"},
#endif
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie <command> [options] [args]\n"
            "       vigie --help | --version\n"
            "\n"
            "vigie — counter-drone and event-security operations engine.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'vigie <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return VG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return VG_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("vigie %s\n", VG_VERSION);
        return VG_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vigie: unknown command '%s'\n\n", name);
    usage(stderr);
    return VG_EXIT_USAGE;
}
