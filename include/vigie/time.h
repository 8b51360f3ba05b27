/* vigie/time.h — vigie's one time type and its RFC 3339 text form.
 *
 * vg_time is a count of microseconds since 1970-01-01T00:00:00Z on the UTC time
 * scale as POSIX counts it (no leap seconds). Every event carries one; the core never
 * reads a clock, so time only advances as events say it does. */
#ifndef VIGIE_TIME_H
#define VIGIE_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t vg_time;

#define VG_TIME_US ((vg_time)1)
#define VG_TIME_MS ((vg_time)1000)
#define VG_TIME_S ((vg_time)1000000)

/* The representable range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z. */
#define VG_TIME_MIN ((vg_time)-62135596800 * VG_TIME_S)
#define VG_TIME_MAX ((vg_time)253402300800 * VG_TIME_S - 1)

/* Enough for the longest canonical form, "9999-12-31T23:59:59.999999Z", and a NUL. */
#define VG_TIME_TEXT_MAX 32

/* A broken-down UTC date and time. */
typedef struct vg_civil {
    int year, month, day;       /* 1..9999, 1..12, 1..31 */
    int hour, minute, second;   /* 0..23, 0..59, 0..59 */
    int usec;                   /* 0..999999 */
} vg_civil;

/* Parse an RFC 3339 date-time from s[0..len) (not NUL-terminated necessarily):
 * "2024-07-26T19:30:00Z", "2024-07-26t19:30:00.25+02:00"; up to 9 fraction digits,
 * truncated to the microsecond (digits past the sixth are checked but ignored).
 * The whole string must be consumed. A leap second (:60) is accepted and counted as
 * the first second of the next minute, as POSIX does. Returns 0 and sets *out, or
 * VG_EPARSE / VG_ERANGE with a message naming the offending part. */
int vg_time_parse_rfc3339(const char *s, size_t len, vg_time *out, vg_error *err);

/* Convert seconds since the epoch (as found in JSON "time": 1721929800.25) to
 * vg_time, rounding to the nearest microsecond. Rejects NaN, infinities and values
 * outside [VG_TIME_MIN, VG_TIME_MAX] with VG_ERANGE. */
int vg_time_from_seconds(double seconds, vg_time *out, vg_error *err);

/* Write the canonical RFC 3339 form of t into buf (cap bytes, NUL-terminated):
 * "YYYY-MM-DDTHH:MM:SSZ" when t is a whole second, ".mmm" when a whole millisecond,
 * ".uuuuuu" otherwise. Returns the length written (without the NUL), or 0 if cap is
 * too small or t is outside the representable range (buf is then ""). */
size_t vg_time_format_rfc3339(vg_time t, char *buf, size_t cap);

/* Civil ↔ vg_time. vg_time_from_civil validates every field (including the day of
 * the month and leap years) and returns VG_ERANGE naming the field; vg_time_to_civil
 * requires t within the representable range and returns VG_ERANGE otherwise. */
int vg_time_from_civil(const vg_civil *c, vg_time *out, vg_error *err);
int vg_time_to_civil(vg_time t, vg_civil *c);

#ifdef __cplusplus
}
#endif
#endif
