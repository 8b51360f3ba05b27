/* vigie/strbuf.h — building text in a caller's fixed buffer: JSON pieces, numbers.
 *
 * Output lines are bounded (VG_LINE_MAX), so formatting writes into a buffer the
 * caller owns and never allocates. Appends past the capacity set a sticky overflow
 * flag instead of failing one by one; the caller checks it once at the end.
 * Numbers are written in the shortest form that reads back to the same double, so
 * text output is exact (a journal replays bit for bit) and still readable. */
#ifndef VIGIE_STRBUF_H
#define VIGIE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_strbuf {
    char *buf;
    size_t cap;       /* bytes available, including room for the NUL */
    size_t len;       /* bytes written, excluding the NUL */
    bool overflow;    /* an append did not fit; buf holds a truncated prefix */
} vg_strbuf;

/* Start writing into buf[0..cap); cap must be ≥ 1. */
void vg_strbuf_init(vg_strbuf *sb, char *buf, size_t cap);

void vg_strbuf_putc(vg_strbuf *sb, char c);
void vg_strbuf_put(vg_strbuf *sb, const char *s, size_t n);
void vg_strbuf_puts(vg_strbuf *sb, const char *s);

/* A JSON string literal with quotes; s must be valid UTF-8 (vigie only stores text
 * that was validated on input). Control characters, '"' and '\\' are escaped. */
void vg_strbuf_put_json_string(vg_strbuf *sb, const char *s);

void vg_strbuf_put_i64(vg_strbuf *sb, int64_t v);
void vg_strbuf_put_u64(vg_strbuf *sb, uint64_t v);

/* The shortest decimal that strtod reads back as exactly v ("48.8566", "200",
 * "1e-07"; "-0.0" for negative zero, so that JSON parsers keep its sign). v must be finite: a NaN or infinity is written as null and sets
 * overflow, since JSON has no such numbers and vigie never means to emit them. */
void vg_strbuf_put_double(vg_strbuf *sb, double v);

/* Format a double as vg_strbuf_put_double does, into buf (≥ 32 bytes). Returns the
 * length, or 0 for a non-finite v. */
size_t vg_format_double(double v, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
