/* IMS client connection (see ims_client.h). */
#include "ims_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "errbuf.h"
#include "framebuf.h"
#include "ims_sign.h"
#include "sock.h"

#define CLIENT_OUT_BUF (4 * (IMS_FRAME_MAX + 4))

struct ims_client {
    roam_tls_conn *tls;
    roam_stream stream;
    int fd;
    int want_write;
    uint64_t next_id;
    framebuf fb;
};

/* roam_tcp_connect cannot choose the source address, so a bound connect is
 * done here: numeric IPv6 only (the mobile node's own MoA). */
int ims_socket_from(int type, const char *source, const char *device, const char *host,
                    const char *port, int timeout_ms, char *err, size_t errlen)
{
    struct sockaddr_in6 src = { .sin6_family = AF_INET6 }, dst = { .sin6_family = AF_INET6 };
    char *end;
    long p = strtol(port, &end, 10);
    if (inet_pton(AF_INET6, source, &src.sin6_addr) != 1 ||
        inet_pton(AF_INET6, host, &dst.sin6_addr) != 1 || *end || p < 1 || p > 65535)
        return roam_errf(err, errlen, "a bound connect needs IPv6 literals and a numeric port");
    dst.sin6_port = htons((uint16_t)p);
    if (type != SOCK_STREAM && type != SOCK_DGRAM)
        return roam_errf(err, errlen, "bound connect: stream or datagram sockets only");
    int fd = socket(AF_INET6, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "socket: %s", strerror(errno));
    int one = 1;
    /* The MoA may still be in optimistic DAD: allow binding it anyway.
     * Both options are optimisations: failing them is no error. */
    (void)setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
    if (type == SOCK_STREAM)
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (device && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device,
                             (socklen_t)strlen(device)) < 0) {
        roam_errf(err, errlen, "bind to device %s: %s", device, strerror(errno));
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) {
        roam_errf(err, errlen, "bind to %s: %s", source, strerror(errno));
        close(fd);
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) {
        roam_errf(err, errlen, "connect to [%s]:%s: %s", host, port, strerror(errno));
        close(fd);
        return -1;
    }
    if (type == SOCK_DGRAM)
        return fd;   /* a datagram connect only sets the peer */
    int w = roam_wait_fd(fd, 1, roam_deadline(timeout_ms));
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (w != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
        roam_errf(err, errlen, "connect to [%s]:%s from %s: %s", host, port, source,
                  w == 0 ? "timed out" : strerror(soerr ? soerr : errno));
        close(fd);
        return -1;
    }
    return fd;
}

ims_client *ims_client_connect(roam_tls_ctx *ctx, const char *host, const char *port,
                               const char *server_name, const char *source,
                               const char *device, int timeout_ms, char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    ims_client *c = calloc(1, sizeof *c);
    if (!c || fb_init(&c->fb, IMS_FRAME_MAX, CLIENT_OUT_BUF) < 0) {
        free(c);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    int fd = source ? ims_socket_from(SOCK_STREAM, source, device, host, port, timeout_ms,
                                      err, errlen)
                    : roam_tcp_connect(host, port, timeout_ms, err, errlen);
    if (fd < 0)
        goto fail;
    c->fd = fd;
    c->tls = roam_tls_connect(ctx, fd, server_name ? server_name : host,
                              roam_remaining_ms(deadline), err, errlen);
    if (!c->tls)
        goto fail;
    c->stream = roam_tls_stream(c->tls);
    c->next_id = 1;
    return c;
fail:
    fb_free(&c->fb);
    free(c);
    return NULL;
}

void ims_client_close(ims_client *c)
{
    if (!c)
        return;
    roam_tls_close(c->tls, 100);
    fb_free(&c->fb);
    free(c);
}

int ims_client_fd(const ims_client *c)
{
    return c->fd;
}

int ims_client_want_write(const ims_client *c)
{
    return c->want_write;
}

int ims_client_flush(ims_client *c, char *err, size_t errlen)
{
    int r = fb_flush(&c->fb, &c->stream, err, errlen);
    c->want_write = r == 1;
    return r < 0 ? -1 : 0;
}

int ims_client_send(ims_client *c, ims_message *m, uint64_t *id, char *err, size_t errlen)
{
    m->id = c->next_id++;
    if (id)
        *id = m->id;
    uint8_t *where;
    size_t room = fb_space(&c->fb, &where);
    size_t n = ims_msg_frame(m, where, room, err, errlen);
    if (n == 0)
        return -1;
    fb_commit(&c->fb, n);
    return ims_client_flush(c, err, errlen);
}

int ims_client_recv(ims_client *c, ims_message **out, int timeout_ms, char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    for (;;) {
        const uint8_t *p;
        size_t n;
        int k = fb_next(&c->fb, &p, &n, err, errlen);
        if (k < 0)
            return -1;
        if (k == 1)
            return ims_msg_decode(p, n, out, err, errlen) < 0 ? -1 : 1;
        size_t before = c->fb.in_len - c->fb.in_off;
        int r = fb_fill(&c->fb, &c->stream, err, errlen);
        if (r == FB_ERROR)
            return -1;
        if (r == FB_EOF)
            return roam_errf(err, errlen, "IMS closed the connection");
        if (c->want_write && ims_client_flush(c, err, errlen) < 0)
            return -1;
        if (r == FB_FULL || c->fb.in_len - c->fb.in_off > before)
            continue;   /* new bytes: maybe a whole frame now */
        int left = roam_remaining_ms(deadline);
        if (left == 0)
            return 0;
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN | (c->want_write ? POLLOUT : 0) };
        int pr = poll(&pfd, 1, left);
        if (pr < 0 && errno != EINTR)
            return roam_errf(err, errlen, "poll: %s", strerror(errno));
    }
}

int ims_client_wait(ims_client *c, uint64_t id, ims_message **out, int timeout_ms,
                    void (*on_push)(const ims_message *m, void *arg), void *arg,
                    char *err, size_t errlen)
{
    int64_t deadline = roam_deadline(timeout_ms);
    for (;;) {
        ims_message *m;
        int r = ims_client_recv(c, &m, roam_remaining_ms(deadline), err, errlen);
        if (r <= 0)
            return r;
        if (m->id == id) {
            *out = m;
            return 1;
        }
        if (m->id == 0 && on_push)
            on_push(m, arg);
        ims_msg_free(m);
    }
}

int ims_register_build(ims_message *m, ims_pb_register *v, uint8_t sig[IMS_SIG_LEN],
                       EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                       const ims_binding *b, size_t n, char *err, size_t errlen)
{
    if (ims_sign_register(key, hoa, seq, b, n, sig, err, errlen) < 0)
        return -1;
    ims_pb_register_set(v, hoa, seq, b, n, sig);
    roam__ims__v1__message__init(m);
    m->body_case = ROAM__IMS__V1__MESSAGE__BODY_REGISTER;
    m->register_ = &v->r;
    return 0;
}

int ims_client_register(ims_client *c, EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN],
                        uint64_t seq, const ims_binding *b, size_t n, uint64_t *id,
                        char *err, size_t errlen)
{
    uint8_t sig[IMS_SIG_LEN];
    ims_pb_register v;
    ims_message m;
    if (ims_register_build(&m, &v, sig, key, hoa, seq, b, n, err, errlen) < 0)
        return -1;
    return ims_client_send(c, &m, id, err, errlen);
}

int ims_client_query(ims_client *c, const uint8_t hoa[IMS_ADDR_LEN], uint64_t *id,
                     char *err, size_t errlen)
{
    Roam__Ims__V1__Query q = ROAM__IMS__V1__QUERY__INIT;
    q.hoa.data = (uint8_t *)hoa;
    q.hoa.len = IMS_ADDR_LEN;
    ims_message m = ROAM__IMS__V1__MESSAGE__INIT;
    m.body_case = ROAM__IMS__V1__MESSAGE__BODY_QUERY;
    m.query = &q;
    return ims_client_send(c, &m, id, err, errlen);
}

int ims_client_subscribe(ims_client *c, const uint8_t (*hoas)[IMS_ADDR_LEN], size_t n,
                         uint64_t *id, char *err, size_t errlen)
{
    if (n == 0 || n > IMS_MAX_SUBSCRIBE)
        return roam_errf(err, errlen, "subscribe to 1..%d home addresses", IMS_MAX_SUBSCRIBE);
    ProtobufCBinaryData d[IMS_MAX_SUBSCRIBE];
    for (size_t i = 0; i < n; i++) {
        d[i].data = (uint8_t *)hoas[i];
        d[i].len = IMS_ADDR_LEN;
    }
    Roam__Ims__V1__Subscribe s = ROAM__IMS__V1__SUBSCRIBE__INIT;
    s.n_hoas = n;
    s.hoas = d;
    ims_message m = ROAM__IMS__V1__MESSAGE__INIT;
    m.body_case = ROAM__IMS__V1__MESSAGE__BODY_SUBSCRIBE;
    m.subscribe = &s;
    return ims_client_send(c, &m, id, err, errlen);
}
