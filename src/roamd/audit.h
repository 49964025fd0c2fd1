/* roamd's audit log: append-only, one JSON object per line, each line
 * written with one write(2) on an O_APPEND descriptor and fsync'd before
 * the decision it records takes effect, so a crash never leaves a torn or
 * missing entry (concurrent entries share one fsync: audit.c).  Thread-safe. */
#ifndef ROAMD_AUDIT_H
#define ROAMD_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define ROAMD_AUDIT_LINE_MAX 16384

typedef struct roamd_audit roamd_audit;

/* Open (create 0640) path for appending.  NULL with err. */
roamd_audit *roamd_audit_open(const char *path, char *err, size_t errlen);
void roamd_audit_close(roamd_audit *a);

/* Start an entry in buf: {"time":"2026-11-25T20:03:22.123Z","event":event,... */
void roamd_audit_begin(struct roam_json *j, char *buf, size_t cap, const char *event);

/* Finish j and append it as one line.  0 or -1 (err: overflow, I/O). */
int roamd_audit_commit(roamd_audit *a, struct roam_json *j, char *err, size_t errlen);

#endif
