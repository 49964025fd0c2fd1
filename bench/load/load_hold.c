/* roam-load's hostile connections (load.h): one thread holds them all with
 * poll(2).  A stalled connection sends one ClientHello made once with
 * OpenSSL (the daemon cannot tell a replayed one from a fresh one before
 * the client's Finished).  A connection the daemon closes within CLOSED_FAST_MS was shed
 * at once (per-source cap or random early drop); later, it was its
 * handshake deadline.  Either way the slot reconnects after reopen_ms. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "deadline.h"
#include "load.h"

#define CLOSED_FAST_MS 200

struct slot {
    int fd;
    int64_t opened, next;   /* when it opened; when to act next (reopen or trickle) */
    size_t sent;            /* bytes trickled so far */
};

static pthread_t thread;
static unsigned char client_hello[4096];
static size_t client_hello_len;
static struct slot *slots;
static struct pollfd *pfds;

/* The start of a TLS handshake record announcing a 512-byte ClientHello,
 * then the ClientHello's first bytes, repeated: what a slowloris sends. */
static const unsigned char hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc,
                                       0x03, 0x03 };

static void reopen(struct holders *h, int i, int64_t now)
{
    struct slot *s = &slots[i];
    s->fd = load_tcp_from(h->host, h->port, h->src_base, i % h->sources, 1);
    if (s->fd < 0) {
        atomic_fetch_add(&h->connect_fail, 1);
        s->next = now + h->reopen_ms;
        return;
    }
    atomic_fetch_add(&h->opened, 1);
    atomic_fetch_add(&h->open_now, 1);
    /* On loopback the connect is done at once; if not, the hello is lost
     * and the connection just idles. */
    if (h->kind == HOLD_STALL)
        (void)send(s->fd, client_hello, client_hello_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    s->opened = now;
    s->sent = 0;
    s->next = now + h->trickle_ms;
}

static void closed(struct holders *h, int i, int64_t now)
{
    struct slot *s = &slots[i];
    close(s->fd);
    s->fd = -1;
    atomic_fetch_sub(&h->open_now, 1);
    int64_t held = now - s->opened;
    atomic_fetch_add(held < CLOSED_FAST_MS ? &h->closed_fast : &h->closed_slow, 1);
    if (held > atomic_load(&h->longest_ms))
        atomic_store(&h->longest_ms, held);
    s->next = now + h->reopen_ms;
}

static void *run(void *arg)
{
    struct holders *h = arg;
    int64_t now = roam_now_ms();
    for (int i = 0; i < h->n; i++) {
        slots[i].fd = -1;
        slots[i].next = now + (int64_t)i * 2;   /* ramp up over n * 2 ms */
    }
    while (!atomic_load(&h->stop)) {
        now = roam_now_ms();
        for (int i = 0; i < h->n; i++) {
            struct slot *s = &slots[i];
            if (s->fd < 0 && now >= s->next)
                reopen(h, i, now);
            else if (s->fd >= 0 && h->kind == HOLD_SLOWLORIS && now >= s->next) {
                const unsigned char *b = &hello[s->sent % sizeof hello];
                ssize_t w = send(s->fd, b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w < 0 && errno != EAGAIN && errno != ENOTCONN) {
                    closed(h, i, now);
                } else {
                    s->sent += w == 1;   /* not yet connected: the same byte next time */
                    s->next = now + h->trickle_ms;
                }
            }
            pfds[i].fd = s->fd;
            pfds[i].events = POLLIN;
            pfds[i].revents = 0;
        }
        if (poll(pfds, (nfds_t)h->n, 50) <= 0)
            continue;
        now = roam_now_ms();
        for (int i = 0; i < h->n; i++) {
            if (slots[i].fd < 0 || !(pfds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char b[256];
            ssize_t r = recv(slots[i].fd, b, sizeof b, MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                closed(h, i, now);
        }
    }
    for (int i = 0; i < h->n; i++)
        if (slots[i].fd >= 0)
            close(slots[i].fd);
    return NULL;
}

/* A TLS 1.3 ClientHello, as the first flight of a client on memory BIOs. */
static int make_client_hello(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
    int r = -1;
    if (ssl && in && out && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1) {
        SSL_set_bio(ssl, in, out);
        in = out = NULL;   /* the SSL owns them now */
        (void)SSL_connect(ssl);   /* wants to read: its ClientHello is written */
        int n = BIO_read(SSL_get_wbio(ssl), client_hello, sizeof client_hello);
        if (n > 0) {
            client_hello_len = (size_t)n;
            r = 0;
        }
    }
    BIO_free(in);
    BIO_free(out);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return r;
}

int holders_start(struct holders *h)
{
    if (h->n <= 0)
        return 0;
    if (h->kind == HOLD_STALL && make_client_hello() < 0)
        return -1;
    slots = calloc((size_t)h->n, sizeof *slots);
    pfds = calloc((size_t)h->n, sizeof *pfds);
    if (!slots || !pfds || pthread_create(&thread, NULL, run, h) != 0) {
        free(slots);
        free(pfds);
        return -1;
    }
    return 0;
}

void holders_join(struct holders *h)
{
    if (h->n <= 0)
        return;
    atomic_store(&h->stop, 1);
    pthread_join(thread, NULL);
    free(slots);
    free(pfds);
}
