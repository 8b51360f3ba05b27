/* cli/commands.h — the subcommands of the vigie program. Each takes the arguments
 * after the program name (argv[0] is the subcommand's name) and returns the process
 * exit code: 0 success, 1 failure at run time, 2 bad usage or configuration. */
#ifndef VIGIE_CLI_COMMANDS_H
#define VIGIE_CLI_COMMANDS_H

enum { VG_EXIT_OK = 0, VG_EXIT_FAIL = 1, VG_EXIT_USAGE = 2 };

int vg_cmd_replay(int argc, char **argv);
int vg_cmd_decode(int argc, char **argv);
int vg_cmd_zones(int argc, char **argv);
int vg_cmd_simulate(int argc, char **argv);
int vg_cmd_patrol(int argc, char **argv);
int vg_cmd_serve(int argc, char **argv);
int vg_cmd_user(int argc, char **argv);
int vg_cmd_audit(int argc, char **argv);

#endif
