/* Length-prefixed framing (see frame.h). */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "errbuf.h"

/* Map a stream I/O result onto a status; err is already filled for errors. */
static roam_status io_status(int r, const char *what, char *err, size_t errlen)
{
    if (r == ROAM_IO_TIMEOUT) {
        roam_errf(err, errlen, "timed out %s", what);
        return ROAM_ETIMEDOUT;
    }
    return ROAM_EIO;
}

roam_status roam_frame_write(const roam_stream *s, const uint8_t *payload, size_t len,
                             int timeout_ms, char *err, size_t errlen)
{
    if (len == 0 || len > ROAM_FRAME_MAX) {
        roam_errf(err, errlen, "refusing to send a frame of %zu bytes (allowed 1..%u)",
                  len, ROAM_FRAME_MAX);
        return ROAM_EFRAME;
    }
    int64_t deadline = roam_deadline(timeout_ms);
    uint8_t *buf = malloc(4 + len);
    if (!buf) {
        roam_errf(err, errlen, "out of memory for a %zu-byte frame", len);
        return ROAM_EIO;
    }
    buf[0] = (uint8_t)(len >> 24);
    buf[1] = (uint8_t)(len >> 16);
    buf[2] = (uint8_t)(len >> 8);
    buf[3] = (uint8_t)len;
    memcpy(buf + 4, payload, len);
    int r = roam_stream_write_full(s, buf, 4 + len, deadline, err, errlen);
    free(buf);
    return r == 0 ? ROAM_OK : io_status(r, "sending a frame", err, errlen);
}

roam_status roam_frame_read(const roam_stream *s, uint8_t **payload, size_t *len,
                            int timeout_ms, char *err, size_t errlen)
{
    return roam_frame_read_max(s, payload, len, ROAM_FRAME_MAX, timeout_ms, err, errlen);
}

roam_status roam_frame_read_max(const roam_stream *s, uint8_t **payload, size_t *len,
                                size_t max, int timeout_ms, char *err, size_t errlen)
{
    if (max > ROAM_FRAME_MAX)
        max = ROAM_FRAME_MAX;
    *payload = NULL;
    *len = 0;
    int64_t deadline = roam_deadline(timeout_ms);
    uint8_t hdr[4];
    size_t got;
    int r = roam_stream_read_full(s, hdr, sizeof hdr, &got, deadline, err, errlen);
    if (r == ROAM_IO_EOF && got == 0) {
        roam_errf(err, errlen, "peer closed the connection");
        return ROAM_CLOSED;
    }
    if (r != 0)
        return io_status(r, "waiting for a frame header", err, errlen);

    uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
                 (uint32_t)hdr[2] << 8 | hdr[3];
    if (n == 0 || n > max) {
        roam_errf(err, errlen, "peer announced a frame of %u bytes (allowed 1..%zu)", n, max);
        return ROAM_EFRAME;
    }
    uint8_t *buf = malloc(n);
    if (!buf) {
        roam_errf(err, errlen, "out of memory for a %u-byte frame", n);
        return ROAM_EIO;
    }
    r = roam_stream_read_full(s, buf, n, &got, deadline, err, errlen);
    if (r == ROAM_IO_EOF && got == 0) {
        free(buf);
        roam_errf(err, errlen, "frame truncated: peer closed after the header of a %u-byte frame", n);
        return ROAM_EIO;
    }
    if (r != 0) {
        free(buf);
        return io_status(r, "reading a frame body", err, errlen);
    }
    *payload = buf;
    *len = n;
    return ROAM_OK;
}
