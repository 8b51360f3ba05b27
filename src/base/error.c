/* base/error.c — filling vg_error messages and naming error codes. */
#include "vigie/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int vg_err(vg_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int vg_err_prefix(vg_error *err, const char *fmt, ...)
{
    if (!err)
        return VG_EINVAL;
    char prefix[VG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return err->code;
    /* Shift the message right and put the prefix in front, keeping what fits. */
    size_t plen = strlen(prefix);
    size_t mlen = strlen(err->msg);
    if (plen > sizeof err->msg - 1)
        plen = sizeof err->msg - 1;
    if (plen + mlen > sizeof err->msg - 1)
        mlen = sizeof err->msg - 1 - plen;
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
    return err->code;
}

void vg_err_clear(vg_error *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

const char *vg_strerror(int code)
{
    switch (code) {
    case VG_OK: return "success";
    case VG_EINVAL: return "invalid value";
    case VG_ENOMEM: return "out of memory";
    case VG_ETRUNC: return "truncated input";
    case VG_ERANGE: return "value out of range";
    case VG_EPARSE: return "syntax error";
    case VG_ETYPE: return "wrong type";
    case VG_EMISSING: return "missing field";
    case VG_EUNKNOWN: return "unknown name";
    case VG_ETOOBIG: return "input too large";
    case VG_EIO: return "I/O error";
    case VG_ESTATE: return "invalid state";
    case VG_ENOTFOUND: return "not found";
    case VG_EFULL: return "capacity exhausted";
    case VG_EORDER: return "out of time order";
    case VG_EAUTH: return "not authenticated";
    case VG_EDENIED: return "not permitted";
    case VG_ELIMIT: return "too many attempts";
    case VG_ECORRUPT: return "integrity check failed";
    default: return "unknown error";
    }
}
