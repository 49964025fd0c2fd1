/* The requests between roamd and its network process (net_msg.h,
 * net_chan.h): every type round-trips; each rule of the decoder refuses
 * what breaks it (type, version, a field out of its type, twice, out of
 * order, over its bound, cut short, missing, a peer without certificates,
 * a control character); and on the socket pair a descriptor travels with
 * the types that carry one, and a message without its descriptor, or with
 * one it should not have, is refused with nothing left open. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errbuf.h"
#include "net_chan.h"
#include "net_msg.h"
#include "tap.h"

static uint8_t buf[ROAMD_NET_MSG_MAX], back[ROAMD_NET_MSG_MAX];
static char err[ROAM_ERR_MAX];
static const uint8_t chain[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };   /* any bytes: not parsed here */

static struct roamd_net_msg sample(uint8_t type)
{
    struct roamd_net_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.id = 7;
    m.pid = 4242;
    m.status = 31;
    memset(m.exporter, 0xab, sizeof m.exporter);
    snprintf(m.addr, sizeof m.addr, "2001:db8::7");
    snprintf(m.host, sizeof m.host, "b.lab");
    for (int i = 0; i < ROAMD_NET_PATHS; i++)
        snprintf(m.paths[i], sizeof m.paths[i], "/etc/roam/file%d.pem", i);
    for (int i = 0; i < ROAMD_NET_LIMITS; i++)
        m.limits[i] = (uint32_t)(i + 1);
    m.limits[ROAMD_NET_SECCOMP] = 0;
    if (type == ROAMD_NET_CONN) {
        m.kind = ROAMD_NET_PEER;
        m.chain = chain;
        m.chain_len = sizeof chain;
    }
    if (type == ROAMD_NET_DIALED) {
        m.chain = chain;
        m.chain_len = sizeof chain;
    }
    return m;
}

/* Encode, decode: the same message and the same bytes again. */
static void round_trip(uint8_t type, const char *name)
{
    struct roamd_net_msg m = sample(type), d;
    int n = roamd_net_encode(&m, buf, sizeof buf);
    int ok = n > 0 && roamd_net_decode(buf, (size_t)n, &d, err, sizeof err) == 0 &&
             d.type == type && roamd_net_encode(&d, back, sizeof back) == n &&
             memcmp(buf, back, (size_t)n) == 0;
    tap_ok(ok, "%s: round trip (%d bytes) %s", name, n, ok ? "" : err);
}

/* buf[0..n) refused, with err naming why. */
static void refused(size_t n, const char *what, const char *expect)
{
    struct roamd_net_msg d;
    int r = roamd_net_decode(buf, n, &d, err, sizeof err);
    tap_ok(r < 0 && strstr(err, expect), "refused: %s (%s)", what, err);
}

/* A READY whose bytes are then changed by the caller. */
static size_t ready(void)
{
    struct roamd_net_msg m = sample(ROAMD_NET_READY);
    return (size_t)roamd_net_encode(&m, buf, sizeof buf);
}

static void test_codec(void)
{
    round_trip(ROAMD_NET_CONFIG, "CONFIG");
    round_trip(ROAMD_NET_READY, "READY");
    round_trip(ROAMD_NET_CONN, "CONN (a peer)");
    round_trip(ROAMD_NET_DIAL, "DIAL");
    round_trip(ROAMD_NET_DIALED, "DIALED (a connection)");
    round_trip(ROAMD_NET_DIED, "DIED");
    struct roamd_net_msg m = sample(ROAMD_NET_DIALED);
    snprintf(m.error, sizeof m.error, "TLS: certificate verify failed");
    int n = roamd_net_encode(&m, buf, sizeof buf);
    struct roamd_net_msg d;
    tap_ok(n > 0 && roamd_net_decode(buf, (size_t)n, &d, err, sizeof err) == 0 &&
               strcmp(d.error, m.error) == 0 && !roamd_net_wants_fd(&d),
           "DIALED (an error): round trip, and no descriptor with it");

    size_t k = ready();
    buf[0] = 9;
    refused(k, "an unknown type", "unknown message type");
    k = ready();
    buf[1] = 2;
    refused(k, "another version", "version");
    k = ready();
    refused(k - 1, "a field cut short", "runs past the end");
    refused(1, "a message of one byte", "1-byte message");
    k = ready();
    buf[k] = 9;   /* a trailing byte: a field header cut short */
    refused(k + 1, "a trailing byte", "cut short");
    k = ready();
    buf[2] = 6;   /* HOST in a READY */
    refused(k, "a field of another type", "does not belong");
    k = ready();
    memcpy(buf + k, buf + 2, k - 2);   /* the PID twice */
    refused(k + (k - 2), "a field twice", "twice or out of order");
    k = ready();
    memset(buf + 5, 0, 4);   /* pid 0 */
    refused(k, "a worker pid of 0", "out of bounds");

    m = sample(ROAMD_NET_CONN);
    n = roamd_net_encode(&m, buf, sizeof buf);
    /* swap ID and KIND: both well-formed, out of order */
    uint8_t kind_field[4];
    memcpy(kind_field, buf + 9, 4);
    memmove(buf + 6, buf + 2, 7);
    memcpy(buf + 2, kind_field, 4);
    refused((size_t)n, "fields out of order", "twice or out of order");
    m = sample(ROAMD_NET_CONN);
    m.chain_len = 0;
    tap_ok(roamd_net_encode(&m, buf, sizeof buf) < 0,
           "a peer's connection without certificates is not even encoded");
    m.kind = ROAMD_NET_CLIENT;
    m.chain_len = sizeof chain;
    tap_ok(roamd_net_encode(&m, buf, sizeof buf) < 0, "nor a client's with certificates");
    m = sample(ROAMD_NET_CONN);
    m.addr[3] = '\n';
    tap_ok(roamd_net_encode(&m, buf, sizeof buf) < 0, "nor an address with a newline in it");
    m = sample(ROAMD_NET_CONFIG);
    m.limits[ROAMD_NET_IO_MS] = ROAMD_NET_LIMIT_MAX + 1;
    tap_ok(roamd_net_encode(&m, buf, sizeof buf) < 0, "nor a limit past its bound");
    m = sample(ROAMD_NET_DIAL);
    m.host[0] = '\0';
    tap_ok(roamd_net_encode(&m, buf, sizeof buf) < 0, "nor a dial to no host");
    m = sample(ROAMD_NET_DIAL);
    n = roamd_net_encode(&m, buf, sizeof buf);
    refused((size_t)n - 8, "a DIAL without its host", "lacks field");
}

/* How many descriptors this process has open. */
static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

static void test_channel(void)
{
    int sv[2], pipe_[2];
    if (!tap_ok(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0 &&
                    pipe(pipe_) == 0,
                "a socket pair and a pipe"))
        return;
    int before = open_fds();
    struct roamd_net_msg m = sample(ROAMD_NET_CONN), d;
    int fd = -1;
    tap_ok(roamd_net_send(sv[0], &m, pipe_[0]) == 0 &&
               roamd_net_recv(sv[1], buf, &d, &fd, err, sizeof err) == 1 && fd >= 0 &&
               d.id == 7 && d.chain_len == sizeof chain,
           "CONN with its descriptor crosses (%s)", fd >= 0 ? "" : err);
    if (fd >= 0)
        close(fd);
    errno = 0;
    tap_ok(roamd_net_send(sv[0], &m, -1) < 0 && errno == EINVAL,
           "CONN without a descriptor is not sent");
    int n = roamd_net_encode(&m, back, sizeof back);
    tap_ok(roamd_net_send_bytes(sv[0], back, (size_t)n, -1) == 0 &&
               roamd_net_recv(sv[1], buf, &d, &fd, err, sizeof err) < 0 && fd < 0 &&
               strstr(err, "descriptor is missing"),
           "a CONN that arrives without one is refused (%s)", err);
    struct roamd_net_msg r = sample(ROAMD_NET_READY);
    n = roamd_net_encode(&r, back, sizeof back);
    tap_ok(roamd_net_send_bytes(sv[0], back, (size_t)n, pipe_[1]) == 0 &&
               roamd_net_recv(sv[1], buf, &d, &fd, err, sizeof err) < 0 && fd < 0 &&
               strstr(err, "descriptors where none belong"),
           "a READY that brings a descriptor is refused (%s)", err);
    tap_eq(open_fds(), before, "and the descriptors that came are closed");
    close(sv[0]);
    tap_eq(roamd_net_recv(sv[1], buf, &d, &fd, err, sizeof err), 0, "a hang-up reads as the end");
    close(sv[1]);
    close(pipe_[0]);
    close(pipe_[1]);
}

int main(void)
{
    test_codec();
    test_channel();
    return tap_done();
}
