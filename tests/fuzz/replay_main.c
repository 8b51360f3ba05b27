/* tests/fuzz/replay_main.c — runs a fuzz target over every file of a corpus
 * directory without libFuzzer, so the ordinary and sanitizer builds replay the
 * committed corpus (and every past crash kept there) as a regression test. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vigie/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 1;
    }
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], de->d_name);
        char *data;
        size_t len;
        vg_error err;
        if (vg_read_file(path, 1 << 22, &data, &len, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            closedir(d);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        free(data);
        files++;
    }
    closedir(d);
    printf("%d passed, 0 failed\n", files);
    return files > 0 ? 0 : 1;
}
