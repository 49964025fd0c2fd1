/* Bounds-checked reading and writing of big-endian binary encodings (object
 * formats, ciphertexts, neighbour discovery, the handover datagram), so that
 * no parser does its own offset arithmetic.
 *
 * A reader walks a borrowed input; a writer fills a caller-owned buffer of
 * fixed capacity.  Both keep a sticky error: the first access that does not
 * fit fails, leaves the position where it was and makes every later access
 * fail too, so a sequence of reads or writes may be checked once at the end.
 * Reads that fail zero their output. */
#ifndef ROAM_COMMON_BYTEBUF_H
#define ROAM_COMMON_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

struct roam_rbuf {
    const uint8_t *p;   /* the input */
    size_t len, off;    /* its length; bytes consumed */
    int err;            /* sticky: an access did not fit */
};

void roam_rbuf_init(struct roam_rbuf *r, const void *p, size_t len);

/* Each returns 0, or -1 (and sets the sticky error) when fewer bytes are
 * left than it needs or the error is already set. */
int roam_rbuf_u8(struct roam_rbuf *r, uint8_t *v);
int roam_rbuf_u16be(struct roam_rbuf *r, uint16_t *v);
int roam_rbuf_u32be(struct roam_rbuf *r, uint32_t *v);
int roam_rbuf_bytes(struct roam_rbuf *r, void *out, size_t n);   /* copies n bytes */
int roam_rbuf_skip(struct roam_rbuf *r, size_t n);

/* The next n bytes in place, consumed (take) or not (peek); NULL as above.
 * n == 0 gives the current position. */
const uint8_t *roam_rbuf_take(struct roam_rbuf *r, size_t n);
const uint8_t *roam_rbuf_peek(const struct roam_rbuf *r, size_t n);

/* Bytes not yet consumed (0 once the error is set), and where they start. */
size_t roam_rbuf_left(const struct roam_rbuf *r);
const uint8_t *roam_rbuf_rest(const struct roam_rbuf *r);

/* 0 when every access fitted and the input is used up exactly, else -1:
 * decoders refuse trailing bytes with it. */
int roam_rbuf_done(const struct roam_rbuf *r);

struct roam_wbuf {
    uint8_t *p;         /* the output */
    size_t cap, len;    /* its capacity; bytes written */
    int err;            /* sticky: a write did not fit */
};

void roam_wbuf_init(struct roam_wbuf *w, void *p, size_t cap);

/* Each returns 0, or -1 (and sets the sticky error, writing nothing) when
 * the value does not fit in what is left or the error is already set. */
int roam_wbuf_u8(struct roam_wbuf *w, uint8_t v);
int roam_wbuf_u16be(struct roam_wbuf *w, uint16_t v);
int roam_wbuf_u32be(struct roam_wbuf *w, uint32_t v);
int roam_wbuf_bytes(struct roam_wbuf *w, const void *d, size_t n);
int roam_wbuf_zero(struct roam_wbuf *w, size_t n);

/* n bytes of the output for the caller to fill in place (encoders of group
 * elements write straight into it), or NULL as above. */
uint8_t *roam_wbuf_reserve(struct roam_wbuf *w, size_t n);

/* 0 when every write fitted, else -1. */
int roam_wbuf_failed(const struct roam_wbuf *w);

#endif
