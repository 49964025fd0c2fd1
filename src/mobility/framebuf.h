/* Non-blocking frames for event loops: a bounded input buffer that collects
 * length-prefixed frames (frame.h's format) from a roam_stream without ever
 * waiting, and a bounded output buffer drained the same way.  Both buffers
 * are allocated once and never move, which OpenSSL requires when a write is
 * retried after SSL_ERROR_WANT_WRITE. */
#ifndef ROAM_MOBILITY_FRAMEBUF_H
#define ROAM_MOBILITY_FRAMEBUF_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

enum {
    FB_AGAIN = 0,   /* nothing more to read now */
    FB_FULL = 1,    /* input buffer full: take frames, then fill again */
    FB_EOF = 2,     /* peer closed */
    FB_ERROR = -1,  /* transport error or a frame length out of range */
};

typedef struct framebuf {
    uint8_t *in, *out;
    size_t in_len, in_cap, in_off;   /* in_off: start of unconsumed data */
    size_t out_len, out_cap;
    size_t max_frame;
} framebuf;

/* max_frame: largest payload accepted; out_cap: bytes of queued output. */
int fb_init(framebuf *fb, size_t max_frame, size_t out_cap);
void fb_free(framebuf *fb);

/* Read what the stream has now, without waiting.  FB_AGAIN, FB_FULL,
 * FB_EOF or FB_ERROR (err filled). */
int fb_fill(framebuf *fb, const roam_stream *s, char *err, size_t errlen);

/* Next complete frame: 1 with *payload and *len pointing into the buffer (valid
 * until the next fb_ call), 0 if none yet, -1 if the length is out of
 * range (err filled). */
int fb_next(framebuf *fb, const uint8_t **payload, size_t *len, char *err, size_t errlen);

/* Space left in the output buffer, and a pointer to it; after writing k
 * bytes there, fb_commit(fb, k). */
size_t fb_space(const framebuf *fb, uint8_t **where);
void fb_commit(framebuf *fb, size_t k);

/* Write queued output without waiting: 0 all sent, 1 some left (wait for
 * POLLOUT), -1 error. */
int fb_flush(framebuf *fb, const roam_stream *s, char *err, size_t errlen);

#endif
