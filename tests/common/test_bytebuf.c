/* The bounds-checked byte reader and writer: every bound, the sticky error,
 * trailing bytes, and big-endian byte order. */
#include <stdint.h>
#include <string.h>

#include "bytebuf.h"
#include "tap.h"

static const uint8_t in[7] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};

static void read_values(void)
{
    struct roam_rbuf r;
    uint8_t a;
    uint16_t b;
    uint32_t c;
    roam_rbuf_init(&r, in, sizeof in);
    tap_ok(roam_rbuf_u8(&r, &a) == 0 && a == 0x01, "u8");
    tap_ok(roam_rbuf_u16be(&r, &b) == 0 && b == 0x0203, "u16 is big-endian");
    tap_ok(roam_rbuf_u32be(&r, &c) == 0 && c == 0x04050607u, "u32 is big-endian");
    tap_ok(roam_rbuf_left(&r) == 0 && roam_rbuf_done(&r) == 0, "done when used up exactly");
    tap_ok(roam_rbuf_u8(&r, &a) < 0 && a == 0, "u8 past the end fails and zeroes");
    tap_ok(roam_rbuf_done(&r) < 0, "a failed read makes done fail");
}

/* Each reader at every length it cannot satisfy. */
static void read_bounds(void)
{
    for (size_t len = 0; len < 4; len++) {
        struct roam_rbuf r;
        uint8_t a;
        uint16_t b;
        uint32_t c = 0xffffffffu;
        roam_rbuf_init(&r, in, len);
        if (len < 1) {
            tap_ok(roam_rbuf_u8(&r, &a) < 0 && r.off == 0, "u8 from %zu bytes fails", len);
            roam_rbuf_init(&r, in, len);
        }
        if (len < 2) {
            tap_ok(roam_rbuf_u16be(&r, &b) < 0 && b == 0 && r.off == 0,
                   "u16 from %zu bytes fails, position kept", len);
            roam_rbuf_init(&r, in, len);
        } else {
            tap_eq(roam_rbuf_u16be(&r, &b), 0, "u16 from %zu bytes", len);
            roam_rbuf_init(&r, in, len);
        }
        tap_ok(roam_rbuf_u32be(&r, &c) < 0 && c == 0 && r.off == 0,
               "u32 from %zu bytes fails", len);
    }
    struct roam_rbuf r;
    uint32_t c;
    roam_rbuf_init(&r, in, 4);
    tap_ok(roam_rbuf_u32be(&r, &c) == 0 && c == 0x01020304u && roam_rbuf_done(&r) == 0,
           "u32 from exactly 4 bytes");
}

static void read_bytes(void)
{
    struct roam_rbuf r;
    uint8_t out[8];
    roam_rbuf_init(&r, in, sizeof in);
    tap_ok(roam_rbuf_bytes(&r, out, 7) == 0 && memcmp(out, in, 7) == 0, "bytes: all of it");
    roam_rbuf_init(&r, in, sizeof in);
    memset(out, 0xaa, sizeof out);
    tap_ok(roam_rbuf_bytes(&r, out, 8) < 0 && out[0] == 0 && out[7] == 0 && r.off == 0,
           "bytes: one too many fails, zeroes the output");
    roam_rbuf_init(&r, in, sizeof in);
    tap_ok(roam_rbuf_bytes(&r, out, 0) == 0 && r.off == 0, "bytes: zero bytes");

    roam_rbuf_init(&r, in, sizeof in);
    const uint8_t *p = roam_rbuf_peek(&r, 7);
    tap_ok(p == in && r.off == 0, "peek does not consume");
    tap_ok(roam_rbuf_peek(&r, 8) == NULL && r.err == 0, "peek past the end: NULL, no error");
    tap_ok(roam_rbuf_take(&r, 3) == in && roam_rbuf_rest(&r) == in + 3 &&
           roam_rbuf_left(&r) == 4, "take consumes; rest and left follow");
    tap_ok(roam_rbuf_skip(&r, 4) == 0 && roam_rbuf_done(&r) == 0, "skip to the end");
    tap_ok(roam_rbuf_take(&r, 0) != NULL, "take 0 at the end");
    tap_ok(roam_rbuf_take(&r, 1) == NULL, "take 1 at the end fails");
    tap_ok(roam_rbuf_rest(&r) == NULL && roam_rbuf_left(&r) == 0, "nothing left after an error");
}

static void read_sticky_and_trailing(void)
{
    struct roam_rbuf r;
    uint8_t a;
    roam_rbuf_init(&r, in, sizeof in);
    tap_ok(roam_rbuf_skip(&r, SIZE_MAX) < 0 && r.off == 0, "skip of SIZE_MAX fails (no wrap)");
    tap_ok(roam_rbuf_u8(&r, &a) < 0, "after an error, a read that would fit fails too");
    tap_ok(roam_rbuf_peek(&r, 0) == NULL, "after an error, peek fails");

    roam_rbuf_init(&r, in, sizeof in);
    roam_rbuf_skip(&r, 6);
    tap_ok(roam_rbuf_done(&r) < 0, "done refuses one trailing byte");
    roam_rbuf_skip(&r, 1);
    tap_eq(roam_rbuf_done(&r), 0, "done after the last byte");

    roam_rbuf_init(&r, NULL, 5);
    tap_ok(roam_rbuf_left(&r) == 0 && roam_rbuf_done(&r) == 0, "NULL input is empty");
    tap_ok(roam_rbuf_u8(&r, &a) < 0, "reading NULL input fails");
    roam_rbuf_init(&r, in, 0);
    tap_ok(roam_rbuf_done(&r) == 0 && roam_rbuf_take(&r, 1) == NULL, "empty input");
}

static void write_values(void)
{
    uint8_t buf[7];
    struct roam_wbuf w;
    roam_wbuf_init(&w, buf, sizeof buf);
    tap_ok(roam_wbuf_u8(&w, 0x01) == 0 && roam_wbuf_u16be(&w, 0x0203) == 0 &&
           roam_wbuf_u32be(&w, 0x04050607u) == 0, "u8, u16, u32");
    tap_ok(w.len == 7 && memcmp(buf, in, 7) == 0 && roam_wbuf_failed(&w) == 0,
           "written big-endian, exactly full");
    tap_ok(roam_wbuf_u8(&w, 0) < 0 && roam_wbuf_failed(&w) < 0 && w.len == 7,
           "a full writer refuses one more byte");
    tap_ok(roam_wbuf_bytes(&w, in, 0) < 0, "after an error even zero bytes fail");
}

/* Each writer at every capacity it does not fit. */
static void write_bounds(void)
{
    for (size_t cap = 0; cap < 4; cap++) {
        uint8_t buf[4] = {0xaa, 0xaa, 0xaa, 0xaa};
        struct roam_wbuf w;
        roam_wbuf_init(&w, buf, cap);
        if (cap < 1)
            tap_ok(roam_wbuf_u8(&w, 1) < 0 && w.len == 0, "u8 into %zu bytes fails", cap);
        roam_wbuf_init(&w, buf, cap);
        if (cap < 2)
            tap_ok(roam_wbuf_u16be(&w, 1) < 0 && w.len == 0, "u16 into %zu bytes fails", cap);
        roam_wbuf_init(&w, buf, cap);
        tap_ok(roam_wbuf_u32be(&w, 1) < 0 && w.len == 0 && buf[0] == 0xaa,
               "u32 into %zu bytes fails, writes nothing", cap);
    }
    uint8_t buf[8];
    struct roam_wbuf w;
    roam_wbuf_init(&w, buf, sizeof buf);
    tap_ok(roam_wbuf_zero(&w, 3) == 0 && buf[0] == 0 && buf[2] == 0, "zero");
    uint8_t *p = roam_wbuf_reserve(&w, 5);
    tap_ok(p == buf + 3 && w.len == 8, "reserve hands out the next bytes");
    tap_ok(roam_wbuf_reserve(&w, 1) == NULL && roam_wbuf_failed(&w) < 0, "reserve past the end");
    roam_wbuf_init(&w, buf, sizeof buf);
    tap_ok(roam_wbuf_reserve(&w, SIZE_MAX) == NULL && w.len == 0, "reserve SIZE_MAX (no wrap)");
    roam_wbuf_init(&w, buf, sizeof buf);
    tap_ok(roam_wbuf_bytes(&w, in, 7) == 0 && roam_wbuf_bytes(&w, in, 2) < 0 && w.len == 7,
           "bytes that do not fit write nothing");
    roam_wbuf_init(&w, NULL, 4);
    tap_ok(roam_wbuf_reserve(&w, 0) != NULL && roam_wbuf_u8(&w, 1) < 0,
           "NULL output has no room");
}

int main(void)
{
    read_values();
    read_bounds();
    read_bytes();
    read_sticky_and_trailing();
    write_values();
    write_bounds();
    return tap_done();
}
