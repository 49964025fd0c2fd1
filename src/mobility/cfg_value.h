/* Value parsing shared by roam-ims's and roam-mat's INI configurations:
 * bounded string copies and range-checked integers.  Each returns 0, or -1
 * when the value does not fit (the caller names the key and line). */
#ifndef ROAM_MOBILITY_CFG_VALUE_H
#define ROAM_MOBILITY_CFG_VALUE_H

#include <stddef.h>

int cfg_copy(char *dst, size_t cap, const char *v);
int cfg_long(const char *v, long lo, long hi, long *out);
int cfg_int(const char *v, int lo, int hi, int *out);

#endif
