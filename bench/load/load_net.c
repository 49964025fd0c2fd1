/* roam-load's TCP connections from chosen loopback sources (load.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "load.h"

int load_tcp_from(const char *host, const char *port, int base, int i, int nonblock)
{
    struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
    char src[32];
    snprintf(src, sizeof src, "127.%d.%d.%d", base, (i / 250) % 256, 1 + i % 250);
    if (inet_pton(AF_INET, src, &from.sin_addr) != 1 || inet_pton(AF_INET, host, &to.sin_addr) != 1)
        return -1;
    to.sin_port = htons((uint16_t)atoi(port));
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    int one = 1;
    /* The port is picked at connect, per destination: many connections per
     * source without running out of ports. */
    (void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&from, sizeof from) < 0 ||
        (connect(fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS)) {
        close(fd);
        return -1;
    }
    return fd;
}
