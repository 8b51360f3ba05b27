/* sensors/rid_bytes.h — explicit byte reads and writes for the drone-ID codecs.
 *
 * Wire integers are assembled byte by byte: no casts of byte pointers to wider
 * types (alignment, strict aliasing) and no dependence on the host's byte order.
 * Callers check the length before reading; these helpers do not. Private to
 * src/sensors/rid*.c and frbeacon.c. */
#ifndef VIGIE_SENSORS_RID_BYTES_H
#define VIGIE_SENSORS_RID_BYTES_H

#include <math.h>
#include <stdint.h>

static inline uint16_t rd_u16le(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t rd_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Two's complement without implementation-defined conversions. */
static inline int32_t rd_i32le(const uint8_t *p)
{
    uint32_t u = rd_u32le(p);
    return u < 0x80000000u ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

static inline int8_t rd_i8(const uint8_t *p)
{
    return p[0] < 0x80 ? (int8_t)p[0] : (int8_t)((int)p[0] - 256);
}

static inline uint16_t rd_u16be(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline int16_t rd_i16be(const uint8_t *p)
{
    uint16_t u = rd_u16be(p);
    return u < 0x8000u ? (int16_t)u : (int16_t)((int32_t)u - 65536);
}

static inline int32_t rd_i32be(const uint8_t *p)
{
    uint32_t u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return u < 0x80000000u ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

static inline void wr_u16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

static inline void wr_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8 & 0xff);
    p[2] = (uint8_t)(v >> 16 & 0xff);
    p[3] = (uint8_t)(v >> 24);
}

static inline void wr_i32le(uint8_t *p, int32_t v)
{
    wr_u32le(p, (uint32_t)v); /* conversion to unsigned is defined: modulo 2^32 */
}

static inline void wr_u16be(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)(v & 0xff);
}

static inline void wr_i32be(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (uint8_t)(u >> 24);
    p[1] = (uint8_t)(u >> 16 & 0xff);
    p[2] = (uint8_t)(u >> 8 & 0xff);
    p[3] = (uint8_t)(u & 0xff);
}

/* Round to nearest, ties away from zero — the one rounding rule of the encoders.
 * The caller has checked that x is finite and within the target's range. */
static inline double rid_round(double x)
{
    return round(x);
}

#endif
