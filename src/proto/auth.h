/* The glue between messages and the transcript: both roam (client) and
 * roamd (daemon) build the transcript of one authentication from the same
 * Authenticate and Challenge messages and their TLS connection, so they
 * cannot disagree on how. */
#ifndef ROAM_PROTO_AUTH_H
#define ROAM_PROTO_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "tls.h"
#include "transcript.h"

/* Fill *t from a (validated) Authenticate and Challenge and conn's exporter.
 * t->vm/src/dst point into `au`: keep it alive while t is used.  0 or -1. */
int roam_auth_transcript(const Roam__V1__Authenticate *au, const Roam__V1__Challenge *ch,
                         roam_tls_conn *conn, struct roam_transcript *t,
                         char *err, size_t errlen);

/* The same with the connection's exporter given (a process that relays
 * the connection rather than holding it). */
int roam_auth_transcript_x(const Roam__V1__Authenticate *au, const Roam__V1__Challenge *ch,
                           const uint8_t exporter[ROAM_TLS_EXPORTER_LEN],
                           struct roam_transcript *t, char *err, size_t errlen);

#endif
