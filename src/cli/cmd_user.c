/* cli/cmd_user.c — `vigie user`: the daemon's users, managed on its database.
 *
 *   vigie user add NAME --role R --db PATH      (password: one line on stdin)
 *   vigie user passwd NAME --db PATH            (password: one line on stdin)
 *   vigie user list --db PATH
 *
 * Passwords come from stdin so that they appear in no process list or shell history.
 * Adding a user and changing a password are written to the audit log as "cli". */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "server/auth.h"
#include "server/store.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie user add NAME --role ROLE --db PATH\n"
            "       vigie user passwd NAME --db PATH\n"
            "       vigie user list --db PATH\n"
            "\n"
            "Manage the users of a vigie daemon's database. The password is read as one\n"
            "line from standard input (at least %d characters).\n"
            "\n"
            "  --role ROLE   viewer, operator, commander or admin\n"
            "  --db PATH     the daemon's database ([server] database)\n"
            "  -h, --help    show this help\n",
            VG_PASSWORD_MIN);
}

static vg_time wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (vg_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One line from stdin without its newline; a line longer than the limit is an error,
 * not a silently shortened password. */
static int read_password(char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, stdin)) {
        fprintf(stderr, "vigie user: no password on standard input\n");
        return -1;
    }
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!feof(stdin)) {
        fprintf(stderr, "vigie user: password longer than %d bytes\n", VG_PASSWORD_MAX);
        return -1;
    }
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 0;
}

static int print_user(void *user, const char *name, vg_role role)
{
    (void)user;
    printf("%s\t%s\n", name, vg_role_name(role));
    return 0;
}

int vg_cmd_user(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"role", required_argument, NULL, 'r'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *role_name = NULL, *db = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': role_name = optarg; break;
        case 'd': db = optarg; break;
        case 'h': usage(stdout); return VG_EXIT_OK;
        default: usage(stderr); return VG_EXIT_USAGE;
        }
    }
    const char *action = optind < argc ? argv[optind] : NULL;
    const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
    bool needs_name = action && strcmp(action, "list") != 0;
    if (!action || !db || (needs_name && !name) || optind + (needs_name ? 2 : 1) != argc ||
        (strcmp(action, "add") != 0 && strcmp(action, "passwd") != 0 &&
         strcmp(action, "list") != 0)) {
        usage(stderr);
        return VG_EXIT_USAGE;
    }
    vg_role role = VG_ROLE_VIEWER;
    if (strcmp(action, "add") == 0) {
        if (!role_name || vg_auth_role_parse(role_name, &role) != 0) {
            fprintf(stderr, "vigie user: --role must be viewer, operator, commander or admin\n");
            return VG_EXIT_USAGE;
        }
    }
    if (needs_name && !vg_auth_user_name_ok(name)) {
        fprintf(stderr, "vigie user: a name is 1..%d characters of [A-Za-z0-9._-]\n",
                VG_USER_NAME_MAX);
        return VG_EXIT_USAGE;
    }

    vg_error err = {0};
    vg_store *store;
    if (vg_store_open(db, &store, &err) != 0) {
        fprintf(stderr, "vigie user: %s\n", err.msg);
        return VG_EXIT_FAIL;
    }
    int status = VG_EXIT_OK;
    char password[VG_PASSWORD_MAX + 2];
    if (strcmp(action, "list") == 0) {
        if (vg_auth_user_each(store, print_user, NULL, &err) != 0)
            status = VG_EXIT_FAIL;
    } else if (read_password(password, sizeof password) != 0) {
        status = VG_EXIT_FAIL;
    } else {
        char detail[128];
        snprintf(detail, sizeof detail, "{\"user\":\"%s\",\"role\":\"%s\"}", name,
                 vg_role_name(role));
        int rc = strcmp(action, "add") == 0
                     ? vg_auth_user_add(store, name, role, password, &err)
                     : vg_auth_user_passwd(store, name, password, &err);
        if (rc == 0)
            rc = vg_store_audit_append(store, wall_clock(), "cli",
                                       strcmp(action, "add") == 0 ? "user_add" : "user_passwd",
                                       strcmp(action, "add") == 0 ? detail : "{}", NULL, &err);
        if (rc != 0)
            status = VG_EXIT_FAIL;
        else
            fprintf(stderr, "vigie user: %s %s\n", strcmp(action, "add") == 0 ? "added" : "changed the password of", name);
    }
    if (status != VG_EXIT_OK && err.msg[0])
        fprintf(stderr, "vigie user: %s\n", err.msg);
    memset(password, 0, sizeof password);
    vg_store_close(store);
    return status;
}
