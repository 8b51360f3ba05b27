/* cli/cmd_audit.c — `vigie audit verify DB`: check the audit log's hash chain.
 *
 * Exit 0 and the entry count and head hash when every entry links to the previous one
 * and hashes to what it says; exit 1 naming the first entry that does not. The head
 * hash is worth writing down elsewhere: only it shows that the tail was not cut. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "server/store.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigie audit verify DB\n"
            "       vigie audit list DB [--limit N]\n"
            "\n"
            "verify checks the audit log's BLAKE2b hash chain; list prints the newest\n"
            "entries as JSON Lines.\n");
}

typedef struct head {
    int64_t seq;
    char hash[65];
} head;

static int take_head(void *user, const vg_audit_entry *e)
{
    head *h = user;
    h->seq = e->seq;
    vg_store_hash_hex(e->hash, h->hash);
    return 1; /* the newest only */
}

static int print_entry(void *user, const vg_audit_entry *e)
{
    (void)user;
    char hash[65];
    vg_store_hash_hex(e->hash, hash);
    /* user and action are checked printable UTF-8 without quotes' escapes needed for
     * the JSON below except '"' and '\\', which names and actions cannot contain;
     * detail is stored as JSON. */
    printf("{\"seq\":%lld,\"time_us\":%lld,\"user\":\"%s\",\"action\":\"%s\",\"detail\":%s,"
           "\"hash\":\"%s\"}\n",
           (long long)e->seq, (long long)e->time, e->user, e->action, e->detail, hash);
    return 0;
}

int vg_cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"limit", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int limit = 20;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (sscanf(optarg, "%d", &limit) != 1 || limit < 1 || limit > 100000) {
                fprintf(stderr, "vigie audit: --limit must be 1..100000\n");
                return VG_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return VG_EXIT_OK;
        default: usage(stderr); return VG_EXIT_USAGE;
        }
    }
    if (optind + 2 != argc ||
        (strcmp(argv[optind], "verify") != 0 && strcmp(argv[optind], "list") != 0)) {
        usage(stderr);
        return VG_EXIT_USAGE;
    }
    const char *db = argv[optind + 1];
    vg_error err = {0};
    vg_store *store;
    if (vg_store_open(db, &store, &err) != 0) {
        fprintf(stderr, "vigie audit: %s\n", err.msg);
        return VG_EXIT_FAIL;
    }
    int status = VG_EXIT_OK;
    if (strcmp(argv[optind], "list") == 0) {
        if (vg_store_audit_each(store, 0, limit, print_entry, NULL, &err) != 0) {
            fprintf(stderr, "vigie audit: %s\n", err.msg);
            status = VG_EXIT_FAIL;
        }
    } else {
        int64_t count = 0, bad = 0;
        if (vg_store_audit_verify(store, &count, &bad, &err) != 0) {
            fprintf(stderr, "vigie audit: %s: %s\n", db, err.msg);
            printf("audit: BROKEN at entry %lld\n", (long long)bad);
            status = VG_EXIT_FAIL;
        } else {
            head h = {0, ""};
            vg_store_audit_each(store, 0, 1, take_head, &h, &err);
            printf("audit: %lld entries, chain intact, head %lld %s\n", (long long)count,
                   (long long)h.seq, h.seq ? h.hash : "(empty)");
        }
    }
    vg_store_close(store);
    return status;
}
