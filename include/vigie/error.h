/* vigie/error.h — error codes and the error message every vigie function can fill.
 *
 * Every fallible function returns an int: 0 on success, a negative VG_E* code on
 * failure. When the caller passes a vg_error, it receives a human message that names
 * the input and the position ("line 12: detection.geodetic.lat: expected a number").
 * The message is optional: pass NULL when only the code matters (hot paths). */
#ifndef VIGIE_ERROR_H
#define VIGIE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    VG_OK = 0,
    VG_EINVAL = -1,      /* an argument or a field has a bad value */
    VG_ENOMEM = -2,      /* out of memory */
    VG_ETRUNC = -3,      /* input ends before the structure does */
    VG_ERANGE = -4,      /* a value is outside its allowed range */
    VG_EPARSE = -5,      /* syntax error (JSON, INI, RFC 3339) */
    VG_ETYPE = -6,       /* a field has the wrong type */
    VG_EMISSING = -7,    /* a required field is absent */
    VG_EUNKNOWN = -8,    /* unknown field, key, kind or subcommand */
    VG_ETOOBIG = -9,     /* input larger than its documented limit */
    VG_EIO = -10,        /* the operating system refused (file, socket) */
    VG_ESTATE = -11,     /* the call is not valid in the current state */
    VG_ENOTFOUND = -12,  /* a referenced object does not exist */
    VG_EFULL = -13,      /* a fixed-capacity structure is full */
    VG_EORDER = -14,     /* an event arrives too far out of time order */
    VG_EAUTH = -15,      /* credentials or session not valid */
    VG_EDENIED = -16,    /* authenticated, but the role does not allow it */
    VG_ELIMIT = -17,     /* too many attempts: try again later */
    VG_ECORRUPT = -18,   /* stored data fails its integrity check */
};

#define VG_ERROR_MSG_MAX 256

typedef struct vg_error {
    int code;
    char msg[VG_ERROR_MSG_MAX];
} vg_error;

/* Record an error: writes code and the printf-style message into err (when err is
 * not NULL; a long message is truncated) and returns code, so that a function can
 * `return vg_err(err, VG_ERANGE, "lat %g out of range", lat);`. */
int vg_err(vg_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefix an existing message with context ("line 12: "), keeping the code. Returns
 * err->code (or VG_EINVAL if err is NULL, since the code is then unknown). */
int vg_err_prefix(vg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Clear err (code 0, empty message). Safe with NULL. */
void vg_err_clear(vg_error *err);

/* A short static name for a code ("invalid value", "truncated input", ...). */
const char *vg_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
