/* roamd's lobby (src/roamd/lobby.h): arrival order, removal from the
 * middle and the ends, entries reused with a new generation, counts per
 * source, and the first-record check over socket pairs (nothing yet, a
 * partial header, a partial record, a whole ClientHello record, bytes that
 * are no TLS handshake, a closed peer), and the handshakes under way
 * (counted, the oldest found, uncounted when their entry leaves). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lobby.h"
#include "tap.h"

static void key_of(uint8_t k[ROAM_SOURCE_KEY_LEN], uint8_t v)
{
    memset(k, 0, ROAM_SOURCE_KEY_LEN);
    k[15] = v;
}

static void test_order(void)
{
    struct roamd_lobby l;
    uint8_t a[ROAM_SOURCE_KEY_LEN], b[ROAM_SOURCE_KEY_LEN];
    key_of(a, 1);
    key_of(b, 2);
    tap_eq(roamd_lobby_init(&l, 3), 0, "a lobby of 3");
    tap_eq(roamd_lobby_oldest(&l), -1, "empty: no oldest");
    int i0 = roamd_lobby_add(&l, -1, a, "10.0.0.1", 100);
    int i1 = roamd_lobby_add(&l, -1, b, "10.0.0.2", 200);
    int i2 = roamd_lobby_add(&l, -1, a, "10.0.0.1", 300);
    tap_ok(i0 >= 0 && i1 >= 0 && i2 >= 0 && l.n == 3, "three added");
    tap_eq(roamd_lobby_add(&l, -1, a, "10.0.0.1", 400), -1, "a full lobby takes no fourth");
    tap_eq(roamd_lobby_count(&l, a), 2, "two from one source");
    tap_eq(roamd_lobby_count(&l, b), 1, "one from the other");
    tap_eq(roamd_lobby_oldest(&l), i0, "the first is the oldest");
    uint32_t gen = l.w[i1].gen;
    roamd_lobby_remove(&l, i1);
    tap_ok(l.w[i1].gen != gen, "a removed entry's generation changes");
    tap_eq(roamd_lobby_oldest(&l), i0, "removing from the middle keeps the oldest");
    roamd_lobby_remove(&l, i0);
    tap_eq(roamd_lobby_oldest(&l), i2, "removing the oldest: the next in arrival order");
    int i3 = roamd_lobby_add(&l, -1, b, "10.0.0.2", 500);
    tap_ok(i3 >= 0 && roamd_lobby_oldest(&l) == i2 && l.w[i2].next == i3,
           "a new entry goes to the end");
    tap_eq_str(l.w[i3].addr, "10.0.0.2", "the entry keeps its address");
    roamd_lobby_remove(&l, i3);
    roamd_lobby_remove(&l, i2);
    tap_ok(l.n == 0 && roamd_lobby_oldest(&l) == -1 && roamd_lobby_count(&l, a) == 0,
           "emptied");
    for (int k = 0; k < 3; k++)
        roamd_lobby_add(&l, -1, a, "10.0.0.1", 600 + k);
    tap_eq(l.n, 3, "every freed entry is used again");
    roamd_lobby_fini(&l);   /* (their fds are -1: nothing to close) */
}

/* fd's verdict after the bytes b[0..n) were written to its peer. */
static int verdict(const uint8_t *b, size_t n, int close_peer)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return -99;
    if (n && write(sv[1], b, n) != (ssize_t)n)
        return -98;
    if (close_peer)
        close(sv[1]);
    int r = roamd_first_record(sv[0]);
    close(sv[0]);
    if (!close_peer)
        close(sv[1]);
    return r;
}

static void test_first_record(void)
{
    /* A record header announcing 8 bytes, then a ClientHello's start. */
    static const uint8_t hello[13] = { 0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04,
                                       0x03, 0x03, 0xaa, 0xbb };
    tap_eq(verdict(hello, 0, 0), 0, "nothing sent yet: wait");
    tap_eq(verdict(hello, 1, 0), 0, "one byte of the header: wait");
    tap_eq(verdict(hello, 5, 0), 0, "the header alone: wait");
    tap_eq(verdict(hello, 12, 0), 0, "all but the record's last byte: wait");
    tap_eq(verdict(hello, 13, 0), 1, "the whole record: ready for the handshake");
    static const uint8_t http[] = "GET / HTTP/1.0\r\n";
    tap_eq(verdict(http, sizeof http - 1, 0), ROAMD_FIRST_NOT_TLS, "HTTP: not TLS, at once");
    static const uint8_t one[] = { 0x03 };
    tap_eq(verdict(one, 1, 0), ROAMD_FIRST_NOT_TLS, "a first byte other than 22: not TLS");
    static const uint8_t fin[] = { 0x16, 0x03, 0x01, 0x00, 0x08, 0x14 };
    tap_eq(verdict(fin, sizeof fin, 0), ROAMD_FIRST_NOT_TLS,
           "a handshake record that is no ClientHello: not TLS");
    static const uint8_t empty[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
    tap_eq(verdict(empty, sizeof empty, 0), ROAMD_FIRST_NOT_TLS, "an empty record: not TLS");
    static const uint8_t huge[] = { 0x16, 0x03, 0x01, 0xff, 0xff };
    tap_eq(verdict(huge, sizeof huge, 0), ROAMD_FIRST_NOT_TLS,
           "a record longer than TLS allows: not TLS");
    tap_eq(verdict(hello, 0, 1), ROAMD_FIRST_CLOSED, "peer closed before sending: closed");
    tap_eq(verdict(hello, 13, 1), 1, "a whole record, then a close: still ready");
}

static void test_handshakes(void)
{
    struct roamd_lobby l;
    uint8_t k[ROAM_SOURCE_KEY_LEN];
    key_of(k, 1);
    int held = 0;   /* stands for a handshake: the lobby never looks inside */
    roam_tls_conn *c = (roam_tls_conn *)&held;
    tap_ok(roamd_lobby_init(&l, 4) == 0, "lobby of 4");
    int i0 = roamd_lobby_add(&l, 10, k, "a", 1), i1 = roamd_lobby_add(&l, 11, k, "b", 2),
        i2 = roamd_lobby_add(&l, 12, k, "c", 3);
    tap_eq(roamd_lobby_oldest_handshake(&l), -1, "no handshake under way");
    roamd_lobby_set_tls(&l, i2, c);
    roamd_lobby_set_tls(&l, i1, c);
    roamd_lobby_set_tls(&l, i1, c);   /* set again: counted once */
    tap_eq(l.handshakes, 2, "two handshakes under way");
    tap_eq(roamd_lobby_oldest_handshake(&l), i1, "the oldest handshake, not the oldest entry");
    roamd_lobby_remove(&l, i1);
    tap_eq(l.handshakes, 1, "its leaving uncounts it");
    tap_eq(roamd_lobby_oldest_handshake(&l), i2, "the next oldest");
    roamd_lobby_remove(&l, i2);
    roamd_lobby_remove(&l, i0);
    tap_eq(l.handshakes + l.n, 0, "empty");
    roamd_lobby_fini(&l);
}

int main(void)
{
    test_order();
    test_handshakes();
    test_first_record();
    return tap_done();
}
