/* Value parsing for the parts of configuration values that the table of
 * config_reader.h does not cover (lists, ports kept as text): bounded string
 * copies and range-checked integers.  Each returns 0, or -1 when the value
 * does not fit (the caller names the key and line). */
#ifndef ROAM_COMMON_CFG_VALUE_H
#define ROAM_COMMON_CFG_VALUE_H

#include <stddef.h>

int cfg_copy(char *dst, size_t cap, const char *v);
int cfg_long(const char *v, long lo, long hi, long *out);
/* A port number in lo..65535, kept as the text v in dst. */
int cfg_port_text(char *dst, size_t cap, const char *v, long lo);
/* "yes" -> 1, "no" -> 0; anything else -1. */
int cfg_bool(const char *v, int *out);

#endif
