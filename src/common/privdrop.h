/* Giving up privileges for good, before a process starts reading what the
 * network sends: root becomes nobody, no capability stays, no new ones
 * come by exec, and the process is not dumpable (another process of the
 * same user can neither trace it nor read its memory, TLS keys included). */
#ifndef ROAM_COMMON_PRIVDROP_H
#define ROAM_COMMON_PRIVDROP_H

#include <stddef.h>

/* 0, or -1 with err (the caller refuses to go on). */
int roam_privdrop(char *err, size_t errlen);

#endif
