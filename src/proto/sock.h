/* TCP sockets with deadlines, for the TLS connections of roam and roamd:
 * connect to "host" "port" trying every address in turn, listen, accept. */
#ifndef ROAM_PROTO_SOCK_H
#define ROAM_PROTO_SOCK_H

#include <stddef.h>

/* Connect within timeout_ms (< 0: none) in total.  host is a name or an IP
 * literal (no brackets).  Returns a blocking, connected fd with TCP_NODELAY
 * set (small request/response frames must not wait for Nagle), or -1. */
int roam_tcp_connect(const char *host, const char *port, int timeout_ms,
                     char *err, size_t errlen);

/* roam_tcp_connect with TCP Fast Open asked for: with a cookie from an
 * earlier connection to the same server, the first bytes written (a TLS
 * ClientHello, replay-safe) ride in the SYN and the TCP handshake costs no
 * round trip of its own; otherwise exactly roam_tcp_connect. */
int roam_tcp_connect_fastopen(const char *host, const char *port, int timeout_ms,
                              char *err, size_t errlen);

/* Let a listener take TCP Fast Open (needs net.ipv4.tcp_fastopen & 2 on
 * the host); without it, nothing changes. */
void roam_tcp_listen_fastopen(int fd);

/* Listen on host (NULL: every address, IPv6 and IPv4) and port ("0": any
 * free port).  Returns the fd or -1. */
int roam_tcp_listen(const char *host, const char *port, int backlog,
                    char *err, size_t errlen);

/* The local port a socket is bound to, or -1. */
int roam_sock_port(int fd);

/* Accept one connection within timeout_ms (< 0: none).  Returns the fd (with
 * TCP_NODELAY), or -1 with err "timed out ..." or the reason. */
int roam_tcp_accept(int listen_fd, int timeout_ms, char *err, size_t errlen);

#endif
