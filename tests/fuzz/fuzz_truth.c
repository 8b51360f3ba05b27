/* tests/fuzz/fuzz_truth.c — libFuzzer target for the ground-truth line parser of
 * `vigie replay --truth`: any bytes are accepted or rejected with a message. */
#include <stddef.h>
#include <stdint.h>

#include "cli/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_truth t;
    vg_error err = {0};
    if (vg_truth_parse((const char *)data, size, &t, &err) < 0 && err.msg[0] == '\0')
        __builtin_trap();
    return 0;
}
