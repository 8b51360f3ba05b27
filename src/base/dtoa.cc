// base/dtoa.cc — the one C++ file of libvigie: a C entry point to Google's
// double-conversion (Debian's libdouble-conversion), which finds the shortest digits
// that read back as the same double without printf/strtod trials. strbuf.c lays the
// digits out; nothing here allocates, throws or keeps state.
#include <double-conversion/double-to-string.h>

#include "base/dtoa.h"

extern "C" int vg_dtoa_shortest(double v, char *digits, int cap, int *len, int *point)
{
    using double_conversion::DoubleToStringConverter;
    if (cap < DoubleToStringConverter::kBase10MaximalLength + 1)
        return -1;
    bool sign = false;
    DoubleToStringConverter::DoubleToAscii(v, DoubleToStringConverter::SHORTEST, 0, digits, cap,
                                           &sign, len, point);
    return 0;
}
