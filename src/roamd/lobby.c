/* The lobby of connections waiting for their first TLS record (lobby.h). */
#include "lobby.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int roamd_lobby_init(struct roamd_lobby *l, int cap)
{
    memset(l, 0, sizeof *l);
    l->w = calloc((size_t)cap, sizeof *l->w);
    if (!l->w)
        return -1;
    l->cap = cap;
    l->head = l->tail = -1;
    for (int i = 0; i < cap; i++) {
        l->w[i].fd = -1;
        l->w[i].next = i + 1 < cap ? i + 1 : -1;
    }
    l->free_head = 0;
    return 0;
}

void roamd_lobby_fini(struct roamd_lobby *l)
{
    while (l->head >= 0) {
        int i = l->head;
        if (l->w[i].tls)
            roam_tls_abort(l->w[i].tls);
        else
            close(l->w[i].fd);
        roamd_lobby_remove(l, i);
    }
    free(l->w);
    l->w = NULL;
}

int roamd_lobby_add(struct roamd_lobby *l, int fd, const uint8_t key[ROAM_SOURCE_KEY_LEN],
                    const char *addr, int64_t since)
{
    int i = l->free_head;
    if (i < 0)
        return -1;
    struct roamd_waiter *w = &l->w[i];
    l->free_head = w->next;
    w->fd = fd;
    w->tls = NULL;
    w->since = since;
    memcpy(w->key, key, ROAM_SOURCE_KEY_LEN);
    strncpy(w->addr, addr, sizeof w->addr - 1);
    w->addr[sizeof w->addr - 1] = '\0';
    w->gen++;
    w->prev = l->tail;
    w->next = -1;
    if (l->tail >= 0)
        l->w[l->tail].next = i;
    else
        l->head = i;
    l->tail = i;
    l->n++;
    return i;
}

void roamd_lobby_remove(struct roamd_lobby *l, int i)
{
    struct roamd_waiter *w = &l->w[i];
    if (w->prev >= 0)
        l->w[w->prev].next = w->next;
    else
        l->head = w->next;
    if (w->next >= 0)
        l->w[w->next].prev = w->prev;
    else
        l->tail = w->prev;
    w->fd = -1;
    if (w->tls)
        l->handshakes--;
    w->tls = NULL;
    w->gen++;   /* events still queued for the old connection are stale */
    w->next = l->free_head;
    l->free_head = i;
    l->n--;
}

int roamd_lobby_oldest(const struct roamd_lobby *l)
{
    return l->head;
}

void roamd_lobby_set_tls(struct roamd_lobby *l, int i, roam_tls_conn *c)
{
    if (!l->w[i].tls)
        l->handshakes++;
    l->w[i].tls = c;
}

int roamd_lobby_oldest_handshake(const struct roamd_lobby *l)
{
    if (l->handshakes == 0)
        return -1;
    for (int i = l->head; i >= 0; i = l->w[i].next)
        if (l->w[i].tls)
            return i;
    return -1;
}

int roamd_lobby_count(const struct roamd_lobby *l, const uint8_t key[ROAM_SOURCE_KEY_LEN])
{
    int n = 0;
    for (int i = l->head; i >= 0; i = l->w[i].next)
        n += memcmp(l->w[i].key, key, ROAM_SOURCE_KEY_LEN) == 0;
    return n;
}

/* A TLS record: type, version (2 bytes), length (2 bytes), then at most
 * 2^14 + 2048 bytes (RFC 8446 §5.2).  A client's first is a handshake
 * record (22) starting with a ClientHello (1). */
#define TLS_HEADER 5
#define TLS_HANDSHAKE 22
#define TLS_CLIENT_HELLO 1
#define TLS_RECORD_MAX (16384 + 2048)

int roamd_first_record(int fd)
{
    uint8_t h[TLS_HEADER + 1];
    ssize_t got = recv(fd, h, sizeof h, MSG_PEEK | MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        return ROAMD_FIRST_CLOSED;
    if (got <= 0)
        return 0;
    /* Whatever else it is, it will never be a handshake: no need to wait
     * for more of it (a thread would, until the deadline). */
    if (h[0] != TLS_HANDSHAKE || (got > TLS_HEADER && h[TLS_HEADER] != TLS_CLIENT_HELLO))
        return ROAMD_FIRST_NOT_TLS;
    if (got < TLS_HEADER)
        return 0;
    int len = h[3] << 8 | h[4], avail = 0;
    if (len == 0 || len > TLS_RECORD_MAX)
        return ROAMD_FIRST_NOT_TLS;
    if (ioctl(fd, FIONREAD, &avail) < 0)
        return ROAMD_FIRST_CLOSED;
    return avail >= TLS_HEADER + len;
}
