/* base/strbuf.c — appending text, JSON strings and exact numbers to a fixed buffer.
 *
 * A double is written in its shortest round-trip form with printf's %g layout at
 * precision 15, or at 16 or 17 when it needs that many digits (this layout is what
 * every output and test of vigie has always carried). The digits come from
 * double-conversion (base/dtoa.cc), which finds them without printf/strtod trials; the
 * few values where its choice could differ from printf's (a tie between two shortest
 * candidates, where printf rounds half to even; an exact power of two, whose
 * round-trip interval is lopsided; a subnormal) take the trials instead: 15, 16 then 17 significant
 * digits, 17 always reading back (IEEE 754 binary64). Both run in the C locale:
 * vigie never calls setlocale. */
#include "vigie/strbuf.h"

#include "base/dtoa.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vg_strbuf_init(vg_strbuf *sb, char *buf, size_t cap)
{
    sb->buf = buf;
    sb->cap = cap;
    sb->len = 0;
    sb->overflow = cap == 0;
    if (cap)
        buf[0] = '\0';
}

void vg_strbuf_put(vg_strbuf *sb, const char *s, size_t n)
{
    if (sb->overflow)
        return;
    if (n >= sb->cap - sb->len) {
        sb->overflow = true;
        return;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void vg_strbuf_putc(vg_strbuf *sb, char c)
{
    vg_strbuf_put(sb, &c, 1);
}

void vg_strbuf_puts(vg_strbuf *sb, const char *s)
{
    vg_strbuf_put(sb, s, strlen(s));
}

void vg_strbuf_put_json_string(vg_strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    vg_strbuf_putc(sb, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        vg_strbuf_put(sb, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': vg_strbuf_put(sb, "\\\"", 2); break;
        case '\\': vg_strbuf_put(sb, "\\\\", 2); break;
        case '\n': vg_strbuf_put(sb, "\\n", 2); break;
        case '\r': vg_strbuf_put(sb, "\\r", 2); break;
        case '\t': vg_strbuf_put(sb, "\\t", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            vg_strbuf_put(sb, esc, sizeof esc);
        }
        }
    }
    vg_strbuf_put(sb, run, strlen(run));
    vg_strbuf_putc(sb, '"');
}

void vg_strbuf_put_u64(vg_strbuf *sb, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    vg_strbuf_put(sb, tmp + i, sizeof tmp - i);
}

void vg_strbuf_put_i64(vg_strbuf *sb, int64_t v)
{
    if (v < 0) {
        vg_strbuf_putc(sb, '-');
        /* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
        vg_strbuf_put_u64(sb, (uint64_t)0 - (uint64_t)v);
    } else {
        vg_strbuf_put_u64(sb, (uint64_t)v);
    }
}

/* The shortest exact form by trials of printf and strtod (the reference layout). */
static size_t format_by_trials(double v, char *buf, size_t cap)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, cap, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    return n > 0 ? (size_t)n : 0;
}

/* True when double-conversion's digits may not be printf's: v an exact power of two,
 * or v exactly halfway between two candidates of ndigits digits (v = m × 2^e with m
 * odd has exactly point - e significant decimal digits when e < 0, the last a 5). The
 * point may be one more than v's own when the digits rounded up to a power of ten. */
static bool digits_may_differ(double v, int ndigits, int point)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    int biased = (int)((bits >> 52) & 0x7ff);
    if (biased == 0)
        return true; /* subnormal: fewer than 15 digits of precision, %.15g shows more */
    if (ndigits <= 15)
        return false; /* within half an ulp, hence printf's %.15g to the digit */
    if (frac == 0)
        return true;
    uint64_t m = frac | (UINT64_C(1) << 52);
    int e = biased - 1075;
    while (!(m & 1)) {
        m >>= 1;
        e++;
    }
    return e < 0 && (point - e == ndigits + 1 || point - 1 - e == ndigits + 1);
}

/* printf's %g layout at precision prec of the digits d (n of them, no trailing zero),
 * the decimal point after `point` of them. */
static size_t layout_g(bool negative, const char *d, int n, int point, int prec, char *buf)
{
    char *o = buf;
    if (negative)
        *o++ = '-';
    int x = point - 1; /* the decimal exponent */
    if (x < -4 || x >= prec) {
        *o++ = d[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)(n - 1));
            o += n - 1;
        }
        *o++ = 'e';
        *o++ = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100)
            *o++ = (char)('0' + ax / 100);
        *o++ = (char)('0' + ax / 10 % 10);
        *o++ = (char)('0' + ax % 10);
    } else if (point <= 0) {
        *o++ = '0';
        *o++ = '.';
        memset(o, '0', (size_t)-point);
        o += -point;
        memcpy(o, d, (size_t)n);
        o += n;
    } else if (point < n) {
        memcpy(o, d, (size_t)point);
        o += point;
        *o++ = '.';
        memcpy(o, d + point, (size_t)(n - point));
        o += n - point;
    } else {
        memcpy(o, d, (size_t)n);
        o += n;
        memset(o, '0', (size_t)(point - n));
        o += point - n;
    }
    *o = '\0';
    return (size_t)(o - buf);
}

size_t vg_format_double(double v, char *buf, size_t cap)
{
    if (!isfinite(v) || cap < 32) {
        if (cap)
            buf[0] = '\0';
        return 0;
    }
    if (v == 0.0) {
        /* "-0" would read back as the integer 0 (JSON parsers make it an integer);
         * "-0.0" keeps the sign, which atan2 and friends care about. */
        const char *z = signbit(v) ? "-0.0" : "0";
        size_t n = strlen(z);
        memcpy(buf, z, n + 1);
        return n;
    }
    char digits[24];
    int n = 0, point = 0;
    if (vg_dtoa_shortest(v, digits, (int)sizeof digits, &n, &point) != 0 || n < 1 || n > 17 ||
        digits_may_differ(v, n, point))
        return format_by_trials(v, buf, cap);
    return layout_g(v < 0, digits, n, point, n > 15 ? n : 15, buf);
}

void vg_strbuf_put_double(vg_strbuf *sb, double v)
{
    char tmp[40];
    size_t n = vg_format_double(v, tmp, sizeof tmp);
    if (n == 0) {
        vg_strbuf_put(sb, "null", 4);
        sb->overflow = true;
        return;
    }
    vg_strbuf_put(sb, tmp, n);
}
