/* "host:port", "[v6]:port", "[v6]", "host" or a bare IPv6 literal, as
 * users and configuration files write servers: shared by roamd and the
 * client so both read a name the same way. */
#ifndef ROAM_COMMON_HOSTPORT_H
#define ROAM_COMMON_HOSTPORT_H

#include <stddef.h>

/* Split s into host (no brackets) and port (default_port when absent).
 * 0, or -1 if s is malformed, the port is not 0..65535, or a part does not
 * fit its buffer. */
int roam_split_hostport(const char *s, char *host, size_t hostcap, char *port, size_t portcap,
                        const char *default_port);

/* 1 if a and b name the same server once split (default_port when a port
 * is absent): IP literals compared by value ("[::1]" and
 * "[0:0::1]:7443" alike), names case-insensitively without a final dot,
 * ports by number.  0 if they differ, -1 if either is malformed.  Names
 * are not resolved. */
int roam_same_hostport(const char *a, const char *b, const char *default_port);

/* 1 if host is an IPv4 or IPv6 literal or a syntactically valid DNS name
 * (checked without resolving it), else 0. */
int roam_host_valid(const char *host);

/* 1 if name can be a Linux network interface name (1..15 bytes, no '/',
 * ':' or white space), else 0. */
int roam_ifname_valid(const char *name);

#endif
