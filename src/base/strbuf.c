/* base/strbuf.c — appending text, JSON strings and exact numbers to a fixed buffer.
 *
 * The shortest round-trip form of a double is found by trying 15, 16 then 17
 * significant digits: 17 always round-trips (IEEE 754 binary64), and most values
 * that came from decimal text need 15 or fewer, so the common case costs one
 * snprintf and one strtod. Both run in the C locale: vigie never calls setlocale. */
#include "vigie/strbuf.h"

#include <math.h>
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
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, cap, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    return n > 0 ? (size_t)n : 0;
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
