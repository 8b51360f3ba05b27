/* vigie/log.h — logging through a caller-supplied sink, and rate limiting.
 *
 * The core keeps no global state and does no I/O, so it logs through a vg_logger the
 * shell gives it (the daemon's writes to stderr or syslog; tests capture messages).
 * A NULL logger or sink discards messages. Rate limiting counts in event time, so a
 * flood of malformed input is logged the same way on every replay. */
#ifndef VIGIE_LOG_H
#define VIGIE_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { VG_LOG_DEBUG = 0, VG_LOG_INFO = 1, VG_LOG_WARN = 2, VG_LOG_ERROR = 3 };

typedef void (*vg_log_fn)(void *userdata, int level, const char *msg);

typedef struct vg_logger {
    vg_log_fn fn;
    void *userdata;
    int min_level;  /* messages below this level are dropped before formatting */
} vg_logger;

/* Format and deliver one message (truncated to 1 KiB) if lg and its sink are set and
 * level ≥ lg->min_level. */
void vg_logf(const vg_logger *lg, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* "debug", "info", "warn", "error". */
const char *vg_log_level_name(int level);

/* Parse a level name; returns 0, or VG_EINVAL for an unknown name. */
int vg_log_level_parse(const char *name, int *level);

/* Allow at most `burst` messages per `period` of event time; the rest are counted in
 * `suppressed`, which the caller reports (and clears) when a window reopens. */
typedef struct vg_ratelimit {
    vg_time period;
    int burst;
    vg_time window_start;
    int used;
    uint64_t suppressed;
} vg_ratelimit;

void vg_ratelimit_init(vg_ratelimit *rl, vg_time period, int burst);

/* true if a message at time now may be logged. A time earlier than the current
 * window (out-of-order input) counts in the current window. */
bool vg_ratelimit_allow(vg_ratelimit *rl, vg_time now);

#ifdef __cplusplus
}
#endif
#endif
