/* Length-prefixed frames over a roam_stream: a 4-byte big-endian payload
 * length, then the payload.  Lengths of 0 or above ROAM_FRAME_MAX are refused
 * on both sides, so a peer can never make us allocate more than that. */
#ifndef ROAM_PROTO_FRAME_H
#define ROAM_PROTO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "stream.h"

#define ROAM_FRAME_MAX (1u << 20)   /* 1 MiB */

/* Send one frame, header and payload in a single write (one TLS record for
 * small frames, and no Nagle stall between the two parts).  timeout_ms < 0
 * waits forever.  Returns ROAM_OK, ROAM_EFRAME, ROAM_EIO or ROAM_ETIMEDOUT. */
roam_status roam_frame_write(const roam_stream *s, const uint8_t *payload, size_t len,
                             int timeout_ms, char *err, size_t errlen);

/* Receive one frame into a malloc'ed buffer (*payload, *len; free() it).  The
 * whole frame must arrive within timeout_ms (< 0: no limit).  Returns ROAM_OK,
 * ROAM_CLOSED (clean close before a header), ROAM_EIO (includes truncation),
 * ROAM_ETIMEDOUT or ROAM_EFRAME. */
roam_status roam_frame_read(const roam_stream *s, uint8_t **payload, size_t *len,
                            int timeout_ms, char *err, size_t errlen);

/* The same, refusing (ROAM_EFRAME, from the header alone) a frame longer
 * than max (itself at most ROAM_FRAME_MAX). */
roam_status roam_frame_read_max(const roam_stream *s, uint8_t **payload, size_t *len,
                                size_t max, int timeout_ms, char *err, size_t errlen);

#endif
