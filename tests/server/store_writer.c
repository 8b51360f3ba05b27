/* tests/server/store_writer.c — commits operator actions in a loop and prints the
 * sequence number of each once vg_store_action_commit has returned, for the kill -9
 * test (tests/cli/store_kill9.sh): every number printed must survive the kill. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: store_writer DB COUNT\n");
        return 2;
    }
    long count = strtol(argv[2], NULL, 10);
    vg_error err = {0};
    vg_store *s;
    if (vg_store_open(argv[1], &s, &err) != 0) {
        fprintf(stderr, "store_writer: %s\n", err.msg);
        return 1;
    }
    for (long i = 1; i <= count; i++) {
        char line[128], detail[64];
        snprintf(line, sizeof line, "{\"type\":\"command\",\"n\":%ld}", i);
        snprintf(detail, sizeof detail, "{\"n\":%ld}", i);
        int64_t jseq, aseq;
        if (vg_store_action_commit(s, i, i, "writer", "alert_ack", detail, line, strlen(line), &jseq,
                                   &aseq, &err) != 0) {
            fprintf(stderr, "store_writer: %s\n", err.msg);
            return 1;
        }
        printf("%lld %lld\n", (long long)jseq, (long long)aseq);
        fflush(stdout);
    }
    vg_store_close(s);
    return 0;
}
