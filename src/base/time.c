/* base/time.c — the calendar behind vg_time: RFC 3339 text in and out, civil dates,
 * and seconds-to-microsecond rounding.
 *
 * The core is pure C11, so gmtime_r/timegm are not available, and they would tie the
 * result to the host's time_t anyway. Dates are converted with Howard Hinnant's
 * days_from_civil/civil_from_days, which are exact for the proleptic Gregorian
 * calendar over the whole vg_time range, with no tables and no loops. */
#include "vigie/time.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SECS_PER_DAY INT64_C(86400)

/* The first and last representable second, for the range check in from_seconds,
 * which must run before converting to an integer type. */
#define MIN_SECONDS (-62135596800.0)
#define END_SECONDS 253402300800.0

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* C division truncates toward zero; times before 1970 need the floor so that the
 * remainder (time of day, microseconds) stays non-negative. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). The year is shifted
 * to start in March so that the leap day is the last day of the year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                  /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil (Hinnant). */
static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)m;
    *year = (int)(yoe + era * 400 + (m <= 2));
}

/* Checks shared by the parser and vg_time_from_civil; they differ only in the lowest
 * year (the parser lets an offset carry year 0 into range) and in the leap second. */
static int check_fields(int year, int min_year, int month, int day, int hour, int minute,
                        int second, int max_second, vg_error *err)
{
    if (year < min_year || year > 9999)
        return vg_err(err, VG_ERANGE, "time: year %d out of range (%04d..9999)", year,
                      min_year);
    if (month < 1 || month > 12)
        return vg_err(err, VG_ERANGE, "time: month %d out of range (01..12)", month);
    if (day < 1 || day > days_in_month(year, month))
        return vg_err(err, VG_ERANGE, "time: day %d out of range for %04d-%02d", day, year,
                      month);
    if (hour < 0 || hour > 23)
        return vg_err(err, VG_ERANGE, "time: hour %d out of range (00..23)", hour);
    if (minute < 0 || minute > 59)
        return vg_err(err, VG_ERANGE, "time: minute %d out of range (00..59)", minute);
    if (second < 0 || second > max_second)
        return vg_err(err, VG_ERANGE, "time: second %d out of range (00..%02d)", second,
                      max_second);
    return 0;
}

/* Seconds since the epoch of validated fields. A second of 60 simply adds up to the
 * next minute's first second, which is the POSIX treatment of a leap second. */
static int64_t seconds_from_fields(int year, int month, int day, int hour, int minute,
                                   int second)
{
    return days_from_civil(year, month, day) * SECS_PER_DAY + hour * INT64_C(3600) +
           minute * INT64_C(60) + second;
}

static bool in_range(vg_time t)
{
    return t >= VG_TIME_MIN && t <= VG_TIME_MAX;
}

/* ---- parsing ---------------------------------------------------------------- */

typedef struct scanner {
    const char *s;
    size_t len;
    size_t pos;
    vg_error *err;
} scanner;

static bool at_digit(const scanner *sc)
{
    return sc->pos < sc->len && sc->s[sc->pos] >= '0' && sc->s[sc->pos] <= '9';
}

/* What the scanner sees, for an error message. The input is untrusted and may hold
 * any byte, so anything outside printable ASCII is shown as an escape. */
static void describe_current(const scanner *sc, char *buf, size_t cap)
{
    if (sc->pos >= sc->len) {
        snprintf(buf, cap, "end of input");
        return;
    }
    unsigned char c = (unsigned char)sc->s[sc->pos];
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", (char)c);
    else
        snprintf(buf, cap, "byte \\x%02X", (unsigned)c);
}

static int syntax_error(const scanner *sc, const char *expected)
{
    char found[24];
    describe_current(sc, found, sizeof found);
    return vg_err(sc->err, VG_EPARSE, "time: expected %s at offset %zu, found %s", expected,
                  sc->pos, found);
}

static int scan_char(scanner *sc, char c1, char c2, const char *expected)
{
    if (sc->pos >= sc->len || (sc->s[sc->pos] != c1 && sc->s[sc->pos] != c2))
        return syntax_error(sc, expected);
    sc->pos++;
    return 0;
}

/* Exactly `count` digits: RFC 3339 fields have fixed widths. */
static int scan_number(scanner *sc, int count, const char *field, int *value)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (!at_digit(sc)) {
            char expected[48];
            snprintf(expected, sizeof expected, "a digit of the %s", field);
            return syntax_error(sc, expected);
        }
        v = v * 10 + (sc->s[sc->pos] - '0');
        sc->pos++;
    }
    *value = v;
    return 0;
}

/* Up to 9 digits after the '.', the first 6 kept; a tenth digit is refused rather
 * than silently ignored, so that garbage cannot hide in an endless fraction. */
static int scan_fraction(scanner *sc, int *usec)
{
    int v = 0, digits = 0;
    while (at_digit(sc)) {
        if (digits == 9)
            return vg_err(sc->err, VG_EPARSE,
                          "time: more than 9 fraction digits at offset %zu", sc->pos);
        if (digits < 6)
            v = v * 10 + (sc->s[sc->pos] - '0');
        digits++;
        sc->pos++;
    }
    if (digits == 0)
        return syntax_error(sc, "a digit after '.'");
    for (; digits < 6; digits++)
        v *= 10;
    *usec = v;
    return 0;
}

/* 'Z', or ±HH:MM; returns the offset in seconds east of UTC. */
static int scan_zone(scanner *sc, int *offset)
{
    if (sc->pos < sc->len && (sc->s[sc->pos] == 'Z' || sc->s[sc->pos] == 'z')) {
        sc->pos++;
        *offset = 0;
        return 0;
    }
    if (sc->pos >= sc->len || (sc->s[sc->pos] != '+' && sc->s[sc->pos] != '-'))
        return syntax_error(sc, "'Z' or a UTC offset");
    int sign = sc->s[sc->pos] == '-' ? -1 : 1;
    sc->pos++;
    int hours = 0, minutes = 0, rc;
    if ((rc = scan_number(sc, 2, "offset hour", &hours)) != 0 ||
        (rc = scan_char(sc, ':', ':', "':' in the UTC offset")) != 0 ||
        (rc = scan_number(sc, 2, "offset minute", &minutes)) != 0)
        return rc;
    if (hours > 23)
        return vg_err(sc->err, VG_ERANGE, "time: offset hour %d out of range (00..23)",
                      hours);
    if (minutes > 59)
        return vg_err(sc->err, VG_ERANGE, "time: offset minute %d out of range (00..59)",
                      minutes);
    *offset = sign * (hours * 3600 + minutes * 60);
    return 0;
}

int vg_time_parse_rfc3339(const char *s, size_t len, vg_time *out, vg_error *err)
{
    if (!out || (!s && len > 0))
        return vg_err(err, VG_EINVAL, "time: NULL argument");
    scanner sc = {s, len, 0, err};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, usec = 0;
    int offset = 0, rc;

    /* Fields are range-checked as soon as they are read so that the message points
     * at the first bad one. Year 0000 is allowed here: an offset can still bring the
     * instant into range, and the final check below decides. */
    if ((rc = scan_number(&sc, 4, "year", &year)) != 0 ||
        (rc = scan_char(&sc, '-', '-', "'-' after the year")) != 0 ||
        (rc = scan_number(&sc, 2, "month", &month)) != 0)
        return rc;
    if (month < 1 || month > 12)
        return vg_err(err, VG_ERANGE, "time: month %d out of range (01..12)", month);
    if ((rc = scan_char(&sc, '-', '-', "'-' after the month")) != 0 ||
        (rc = scan_number(&sc, 2, "day", &day)) != 0)
        return rc;
    if ((rc = check_fields(year, 0, month, day, 0, 0, 0, 60, err)) != 0 ||
        (rc = scan_char(&sc, 'T', 't', "'T'")) != 0 ||
        (rc = scan_number(&sc, 2, "hour", &hour)) != 0 ||
        (rc = scan_char(&sc, ':', ':', "':' after the hour")) != 0 ||
        (rc = scan_number(&sc, 2, "minute", &minute)) != 0 ||
        (rc = scan_char(&sc, ':', ':', "':' after the minute")) != 0 ||
        (rc = scan_number(&sc, 2, "second", &second)) != 0 ||
        (rc = check_fields(year, 0, month, day, hour, minute, second, 60, err)) != 0)
        return rc;
    if (sc.pos < sc.len && sc.s[sc.pos] == '.') {
        sc.pos++;
        if ((rc = scan_fraction(&sc, &usec)) != 0)
            return rc;
    }
    if ((rc = scan_zone(&sc, &offset)) != 0)
        return rc;
    if (sc.pos != sc.len)
        return syntax_error(&sc, "end of input after the time zone");

    int64_t secs = seconds_from_fields(year, month, day, hour, minute, second) - offset;
    vg_time t = secs * VG_TIME_S + usec;
    if (!in_range(t))
        return vg_err(err, VG_ERANGE, "time: instant is outside "
                                      "0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z");
    *out = t;
    return 0;
}

/* ---- conversions ------------------------------------------------------------ */

int vg_time_from_seconds(double seconds, vg_time *out, vg_error *err)
{
    if (!out)
        return vg_err(err, VG_EINVAL, "time: NULL argument");
    if (!isfinite(seconds))
        return vg_err(err, VG_ERANGE, "time: %s seconds is not a finite time",
                      isnan(seconds) ? "NaN" : "infinite");
    /* Checked in double first so that the integer conversion below is defined; the
     * margin of one second lets rounding at the edges reach the exact check. */
    if (seconds < MIN_SECONDS - 1.0 || seconds > END_SECONDS + 1.0)
        return vg_err(err, VG_ERANGE, "time: %.17g seconds is outside years 0001..9999",
                      seconds);
    /* Only the fraction is scaled, and exactly (modf is exact), so round() is the
     * one rounding step; scaling the whole value would first round the product to a
     * multiple of 0.25 µs near today's epoch and could tip a half-way case. */
    double whole;
    double frac = modf(seconds, &whole);
    vg_time t = (vg_time)whole * VG_TIME_S + (vg_time)round(frac * 1e6);
    if (!in_range(t))
        return vg_err(err, VG_ERANGE, "time: %.17g seconds is outside years 0001..9999",
                      seconds);
    *out = t;
    return 0;
}

int vg_time_from_civil(const vg_civil *c, vg_time *out, vg_error *err)
{
    if (!c || !out)
        return vg_err(err, VG_EINVAL, "time: NULL argument");
    int rc = check_fields(c->year, 1, c->month, c->day, c->hour, c->minute, c->second, 59,
                          err);
    if (rc != 0)
        return rc;
    if (c->usec < 0 || c->usec > 999999)
        return vg_err(err, VG_ERANGE, "time: microsecond %d out of range (0..999999)",
                      c->usec);
    *out = seconds_from_fields(c->year, c->month, c->day, c->hour, c->minute, c->second) *
               VG_TIME_S +
           c->usec;
    return 0;
}

int vg_time_to_civil(vg_time t, vg_civil *c)
{
    if (!c)
        return VG_EINVAL;
    if (!in_range(t))
        return VG_ERANGE;
    int64_t secs = floor_div(t, VG_TIME_S);
    int64_t days = floor_div(secs, SECS_PER_DAY);
    int64_t sod = secs - days * SECS_PER_DAY;
    civil_from_days(days, &c->year, &c->month, &c->day);
    c->hour = (int)(sod / 3600);
    c->minute = (int)(sod / 60 % 60);
    c->second = (int)(sod % 60);
    c->usec = (int)(t - secs * VG_TIME_S);
    return 0;
}

/* ---- formatting ------------------------------------------------------------- */

/* Zero-padded decimal of a non-negative value, written by hand: no locale, no
 * format-truncation guesswork, and the exact width is known up front. */
static char *put_digits(char *p, long value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + value % 10);
        value /= 10;
    }
    return p + width;
}

size_t vg_time_format_rfc3339(vg_time t, char *buf, size_t cap)
{
    vg_civil c;
    if (!buf || cap == 0)
        return 0;
    buf[0] = '\0';
    if (vg_time_to_civil(t, &c) != 0)
        return 0;
    size_t need = sizeof "YYYY-MM-DDTHH:MM:SSZ" - 1;
    if (c.usec % 1000 != 0)
        need += 7;
    else if (c.usec != 0)
        need += 4;
    if (cap < need + 1)
        return 0;

    char *p = buf;
    p = put_digits(p, c.year, 4);
    *p++ = '-';
    p = put_digits(p, c.month, 2);
    *p++ = '-';
    p = put_digits(p, c.day, 2);
    *p++ = 'T';
    p = put_digits(p, c.hour, 2);
    *p++ = ':';
    p = put_digits(p, c.minute, 2);
    *p++ = ':';
    p = put_digits(p, c.second, 2);
    if (c.usec % 1000 != 0) {
        *p++ = '.';
        p = put_digits(p, c.usec, 6);
    } else if (c.usec != 0) {
        *p++ = '.';
        p = put_digits(p, c.usec / 1000, 3);
    }
    *p++ = 'Z';
    *p = '\0';
    return (size_t)(p - buf);
}
