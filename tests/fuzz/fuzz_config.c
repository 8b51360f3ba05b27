/* tests/fuzz/fuzz_config.c — libFuzzer target for the INI configuration parser:
 * any bytes are accepted or rejected with a message, never a crash. */
#include <stddef.h>
#include <stdint.h>

#include "vigie/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_config cfg;
    vg_error err = {0};
    vg_config_defaults(&cfg);
    if (vg_config_parse(&cfg, (const char *)data, size, "fuzz.conf", &err) < 0 &&
        err.msg[0] == '\0')
        __builtin_trap();
    return 0;
}
