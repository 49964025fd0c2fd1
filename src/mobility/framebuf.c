/* Non-blocking frame buffers (see framebuf.h). */
#include "framebuf.h"

#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "errbuf.h"

int fb_init(framebuf *fb, size_t max_frame, size_t out_cap)
{
    memset(fb, 0, sizeof *fb);
    fb->max_frame = max_frame;
    fb->in_cap = max_frame + 4;
    fb->out_cap = out_cap;
    fb->in = malloc(fb->in_cap);
    fb->out = malloc(out_cap);
    if (!fb->in || !fb->out) {
        fb_free(fb);
        return -1;
    }
    return 0;
}

void fb_free(framebuf *fb)
{
    free(fb->in);
    free(fb->out);
    fb->in = fb->out = NULL;
}

int fb_fill(framebuf *fb, const roam_stream *s, char *err, size_t errlen)
{
    if (fb->in_off > 0) {   /* slide unconsumed bytes to the front */
        memmove(fb->in, fb->in + fb->in_off, fb->in_len - fb->in_off);
        fb->in_len -= fb->in_off;
        fb->in_off = 0;
    }
    while (fb->in_len < fb->in_cap) {
        /* A deadline of "now": the stream returns what is there or times out
         * at once; OpenSSL's buffered records are drained the same way. */
        ssize_t n = s->read(s->ctx, fb->in + fb->in_len, fb->in_cap - fb->in_len,
                            roam_deadline(0), err, errlen);
        if (n == ROAM_IO_TIMEOUT)
            return FB_AGAIN;
        if (n == ROAM_IO_EOF)
            return FB_EOF;
        if (n < 0)
            return FB_ERROR;
        fb->in_len += (size_t)n;
    }
    return FB_FULL;
}

int fb_next(framebuf *fb, const uint8_t **payload, size_t *len, char *err, size_t errlen)
{
    size_t avail = fb->in_len - fb->in_off;
    if (avail < 4)
        return 0;
    const uint8_t *h = fb->in + fb->in_off;
    size_t n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
    if (n == 0 || n > fb->max_frame)
        return roam_errf(err, errlen, "frame length %zu out of range (1..%zu)", n, fb->max_frame);
    if (avail - 4 < n)
        return 0;
    *payload = h + 4;
    *len = n;
    fb->in_off += 4 + n;
    return 1;
}

size_t fb_space(const framebuf *fb, uint8_t **where)
{
    *where = fb->out + fb->out_len;
    return fb->out_cap - fb->out_len;
}

void fb_commit(framebuf *fb, size_t k)
{
    fb->out_len += k;
}

int fb_flush(framebuf *fb, const roam_stream *s, char *err, size_t errlen)
{
    while (fb->out_len > 0) {
        /* Always from the buffer's start and with at least the length of a
         * retried write: what OpenSSL asks after WANT_WRITE. */
        ssize_t n = s->write(s->ctx, fb->out, fb->out_len, roam_deadline(0), err, errlen);
        if (n == ROAM_IO_TIMEOUT)
            return 1;
        if (n <= 0)
            return -1;
        memmove(fb->out, fb->out + n, fb->out_len - (size_t)n);
        fb->out_len -= (size_t)n;
    }
    return 0;
}
