/* Value parsing shared by roam-ims's and roam-mat's INI configurations:
 * bounded string copies and range-checked integers.  Each returns 0, or -1
 * when the value does not fit (the caller names the key and line). */
#ifndef ROAM_COMMON_CFG_VALUE_H
#define ROAM_COMMON_CFG_VALUE_H

#include <stddef.h>

#include <ini.h>

int cfg_copy(char *dst, size_t cap, const char *v);
int cfg_long(const char *v, long lo, long hi, long *out);
int cfg_int(const char *v, int lo, int hi, int *out);
/* "yes" -> 1, "no" -> 0; anything else -1. */
int cfg_bool(const char *v, int *out);

/* The end of an inih handler call: 1 when the key was known and its value
 * good; otherwise writes why to msg (cap bytes) and returns 0, which makes
 * inih stop with the line number. */
int cfg_verdict(char *msg, size_t cap, const char *sec, const char *name, const char *v,
                int known, int bad);

/* Runs inih over path with handler h; msg is where h leaves its reason.
 * 0, or -1 with "cannot read PATH" / "PATH line N: reason" in err. */
int cfg_parse_file(const char *path, ini_handler h, void *user, const char *msg, char *err,
                   size_t errlen);

#endif
