/* Two network namespaces joined by a veth pair, for the MAT tests: created
 * with ip(8), entered with setns(2), always deleted at exit (also on
 * SIGTERM from meson's timeout).  Documentation addresses only. */
#ifndef ROAM_TESTS_MOBILITY_NETNS_H
#define ROAM_TESTS_MOBILITY_NETNS_H

#define NS_NAME_MAX 48

typedef struct netpair {
    char cn[NS_NAME_MAX];   /* correspondent */
    char mn[NS_NAME_MAX];   /* mobile node */
} netpair;

/* Correspondent: 2001:db8:c::2/64 on c0.  Mobile node: MoAs
 * 2001:db8:a::5/64 and 2001:db8:b::5/64 on m0, HoA 2001:db8:d::10/128 on
 * lo.  Each side routes the other's prefixes on-link.  0 or -1. */
int netpair_create(netpair *p);

/* Run a shell command inside a namespace; its exit status. */
int ns_sh(const char *ns, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Move this thread into namespace ns ("" or NULL: back to the original). */
int ns_enter(const char *ns);

#endif
