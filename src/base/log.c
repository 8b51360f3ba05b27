/* base/log.c — delivering log messages to the shell's sink, and rate limiting them
 * in event time.
 *
 * The core has no logging state of its own: everything is in the vg_logger and
 * vg_ratelimit the caller owns, and the rate limiter reads no clock, so a replay of
 * the same input logs the same lines. */
#include "vigie/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOG_MSG_MAX 1024

void vg_logf(const vg_logger *lg, int level, const char *fmt, ...)
{
    /* Filtered before formatting: debug calls on hot paths then cost one compare. */
    if (!lg || !lg->fn || level < lg->min_level || !fmt)
        return;
    char msg[LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    lg->fn(lg->userdata, level, msg);
}

const char *vg_log_level_name(int level)
{
    switch (level) {
    case VG_LOG_DEBUG: return "debug";
    case VG_LOG_INFO: return "info";
    case VG_LOG_WARN: return "warn";
    case VG_LOG_ERROR: return "error";
    default: return "unknown";
    }
}

int vg_log_level_parse(const char *name, int *level)
{
    static const struct {
        const char *name;
        int level;
    } names[] = {
        {"debug", VG_LOG_DEBUG}, {"info", VG_LOG_INFO},   {"warn", VG_LOG_WARN},
        {"warning", VG_LOG_WARN}, {"error", VG_LOG_ERROR},
    };
    if (!name || !level)
        return VG_EINVAL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *level = names[i].level;
            return 0;
        }
    }
    return VG_EINVAL;
}

/* A window_start no event can carry marks "no window yet", so the first message
 * opens one at its own time, whatever that time is. */
#define NO_WINDOW INT64_MIN

void vg_ratelimit_init(vg_ratelimit *rl, vg_time period, int burst)
{
    if (!rl)
        return;
    rl->period = period;
    rl->burst = burst;
    rl->window_start = NO_WINDOW;
    rl->used = 0;
    rl->suppressed = 0;
}

/* now - start >= period without overflowing on extreme inputs: the difference is
 * taken in unsigned arithmetic, where it is exact when now >= start. */
static bool window_expired(const vg_ratelimit *rl, vg_time now)
{
    if (rl->window_start == NO_WINDOW)
        return true;
    if (now < rl->window_start)
        return false;
    if (rl->period <= 0)
        return true;
    return (uint64_t)now - (uint64_t)rl->window_start >= (uint64_t)rl->period;
}

bool vg_ratelimit_allow(vg_ratelimit *rl, vg_time now)
{
    if (!rl)
        return true;
    if (window_expired(rl, now)) {
        rl->window_start = now;
        rl->used = 0;
    }
    if (rl->used < rl->burst) {
        rl->used++;
        return true;
    }
    rl->suppressed++;
    return false;
}
