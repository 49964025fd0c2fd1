/* rtnetlink watcher with libmnl (see mat_netlink.h). */
#include "mat_netlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "errbuf.h"

#define NL_RECV_BUF 32768   /* libmnl's dump size: any rtnetlink message fits */
#define NL_REQ_BUF 1024

struct mat_nl {
    struct mnl_socket *events;    /* multicast subscription */
    struct mnl_socket *req;       /* dumps and requests */
    unsigned req_port;
    uint32_t seq;
};

mat_nl *mat_nl_open(char *err, size_t errlen)
{
    mat_nl *n = calloc(1, sizeof *n);
    if (!n) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    n->events = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
    n->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!n->events || !n->req ||
        mnl_socket_bind(n->events, RTMGRP_LINK | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE,
                        MNL_SOCKET_AUTOPID) < 0 ||
        mnl_socket_bind(n->req, 0, MNL_SOCKET_AUTOPID) < 0) {
        roam_errf(err, errlen, "rtnetlink: %s", strerror(errno));
        mat_nl_close(n);
        return NULL;
    }
    /* Bursts of address events at a migration must not overrun us. */
    int big = 1 << 20;
    setsockopt(mnl_socket_get_fd(n->events), SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    n->req_port = mnl_socket_get_portid(n->req);
    n->seq = (uint32_t)time(NULL);
    return n;
}

void mat_nl_close(mat_nl *n)
{
    if (!n)
        return;
    if (n->events)
        mnl_socket_close(n->events);
    if (n->req)
        mnl_socket_close(n->req);
    free(n);
}

int mat_nl_fd(const mat_nl *n)
{
    return mnl_socket_get_fd(n->events);
}

#define TB_MAX 64   /* above IFLA_MAX, IFA_MAX and RTA_MAX of any kernel we build on */
_Static_assert(IFLA_MAX < TB_MAX && IFA_MAX < TB_MAX && RTA_MAX < TB_MAX, "attribute table");

static int attr_cb(const struct nlattr *a, void *data)
{
    const struct nlattr **tb = data;
    int type = mnl_attr_get_type(a);
    if (type >= 0 && type < TB_MAX)
        tb[type] = a;
    return MNL_CB_OK;
}


static int on_link(const struct nlmsghdr *nlh, const mat_nl_handler *h)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[TB_MAX + 1] = { 0 };
    if (mnl_attr_parse(nlh, sizeof *ifi, attr_cb, tb) < 0 || !tb[IFLA_IFNAME] ||
        mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_STRING) < 0)
        return MNL_CB_OK;
    char name[IF_NAMESIZE];
    strncpy(name, mnl_attr_get_str(tb[IFLA_IFNAME]), sizeof name - 1);
    name[sizeof name - 1] = '\0';
    int up = nlh->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_UP) &&
             (ifi->ifi_flags & IFF_LOWER_UP);
    if (h->link)
        h->link(h->arg, ifi->ifi_index, name, up);
    return MNL_CB_OK;
}

static int on_addr(const struct nlmsghdr *nlh, const mat_nl_handler *h)
{
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    if (ifa->ifa_family != AF_INET6)
        return MNL_CB_OK;
    const struct nlattr *tb[TB_MAX + 1] = { 0 };
    if (mnl_attr_parse(nlh, sizeof *ifa, attr_cb, tb) < 0)
        return MNL_CB_OK;
    const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a || mnl_attr_get_payload_len(a) != 16)
        return MNL_CB_OK;
    uint32_t flags = ifa->ifa_flags;
    if (tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) == 4)
        flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
    int usable = ifa->ifa_scope == RT_SCOPE_UNIVERSE && !(flags & IFA_F_DADFAILED) &&
                 (!(flags & IFA_F_TENTATIVE) || (flags & IFA_F_OPTIMISTIC));
    if (h->addr)
        h->addr(h->arg, (int)ifa->ifa_index, mnl_attr_get_payload(a),
                nlh->nlmsg_type == RTM_NEWADDR, usable);
    return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, const mat_nl_handler *h)
{
    const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);
    if (rt->rtm_family != AF_INET6 || rt->rtm_dst_len != 0 || rt->rtm_table != RT_TABLE_MAIN ||
        rt->rtm_type != RTN_UNICAST || rt->rtm_protocol == MAT_RTPROT)
        return MNL_CB_OK;
    const struct nlattr *tb[TB_MAX] = { 0 };
    if (mnl_attr_parse(nlh, sizeof *rt, attr_cb, tb) < 0 || !tb[RTA_GATEWAY] || !tb[RTA_OIF] ||
        mnl_attr_get_payload_len(tb[RTA_GATEWAY]) != 16 ||
        mnl_attr_get_payload_len(tb[RTA_OIF]) != 4)
        return MNL_CB_OK;
    if (h->route)
        h->route(h->arg, (int)mnl_attr_get_u32(tb[RTA_OIF]), mnl_attr_get_payload(tb[RTA_GATEWAY]),
                 nlh->nlmsg_type == RTM_NEWROUTE);
    return MNL_CB_OK;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
    const mat_nl_handler *h = data;
    switch (nlh->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
        return on_link(nlh, h);
    case RTM_NEWADDR:
    case RTM_DELADDR:
        return on_addr(nlh, h);
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
        return on_route(nlh, h);
    default:
        return MNL_CB_OK;
    }
}

/* Send one request on the request socket and run its replies through h. */
static int request(mat_nl *n, struct nlmsghdr *nlh, const mat_nl_handler *h,
                   char *err, size_t errlen)
{
    nlh->nlmsg_seq = ++n->seq;
    if (mnl_socket_sendto(n->req, nlh, nlh->nlmsg_len) < 0)
        return roam_errf(err, errlen, "rtnetlink send: %s", strerror(errno));
    char buf[NL_RECV_BUF];
    for (;;) {
        ssize_t r = mnl_socket_recvfrom(n->req, buf, sizeof buf);
        if (r < 0)
            return roam_errf(err, errlen, "rtnetlink receive: %s", strerror(errno));
        int cb = mnl_cb_run(buf, (size_t)r, n->seq, n->req_port, msg_cb, (void *)h);
        if (cb == MNL_CB_STOP)
            return 0;
        if (cb < 0)
            return roam_errf(err, errlen, "rtnetlink: %s", strerror(errno));
    }
}

static int dump(mat_nl *n, int type, int family, const mat_nl_handler *h,
                char *err, size_t errlen)
{
    char buf[NL_REQ_BUF];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = (uint16_t)type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
    g->rtgen_family = (unsigned char)family;
    return request(n, nlh, h, err, errlen);
}

int mat_nl_dump(mat_nl *n, const mat_nl_handler *h, char *err, size_t errlen)
{
    if (dump(n, RTM_GETLINK, AF_UNSPEC, h, err, errlen) < 0 ||
        dump(n, RTM_GETADDR, AF_INET6, h, err, errlen) < 0)
        return -1;
    return dump(n, RTM_GETROUTE, AF_INET6, h, err, errlen);
}

int mat_nl_read(mat_nl *n, const mat_nl_handler *h, char *err, size_t errlen)
{
    char buf[NL_RECV_BUF];
    for (;;) {
        ssize_t r = mnl_socket_recvfrom(n->events, buf, sizeof buf);
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            if (errno == ENOBUFS)   /* events lost: the truth is one dump away */
                return mat_nl_dump(n, h, err, errlen);
            return roam_errf(err, errlen, "rtnetlink events: %s", strerror(errno));
        }
        if (mnl_cb_run(buf, (size_t)r, 0, 0, msg_cb, (void *)h) < 0)
            return roam_errf(err, errlen, "rtnetlink events: %s", strerror(errno));
    }
}

/* roam-mat's default route in a table: through gw on ifindex (replacing
 * it), or, with ifindex 0, deleted. */
static int default_route_in(mat_nl *n, uint32_t table, int ifindex, const uint8_t gw[16],
                            char *err, size_t errlen)
{
    char buf[NL_REQ_BUF];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = ifindex ? RTM_NEWROUTE : RTM_DELROUTE;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
                       (ifindex ? NLM_F_CREATE | NLM_F_REPLACE : 0);
    struct rtmsg *rt = mnl_nlmsg_put_extra_header(nlh, sizeof *rt);
    rt->rtm_family = AF_INET6;
    rt->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
    rt->rtm_protocol = MAT_RTPROT;
    rt->rtm_scope = RT_SCOPE_UNIVERSE;
    rt->rtm_type = RTN_UNICAST;
    mnl_attr_put_u32(nlh, RTA_TABLE, table);
    mnl_attr_put_u32(nlh, RTA_PRIORITY, MAT_ROUTE_METRIC);
    if (ifindex) {
        mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
        mnl_attr_put(nlh, RTA_GATEWAY, 16, gw);
    }
    mat_nl_handler none = { 0 };
    if (request(n, nlh, &none, err, errlen) < 0) {
        if (!ifindex && errno == ESRCH)
            return 0;   /* nothing to delete */
        return -1;
    }
    return 0;
}

int mat_nl_default_route(mat_nl *n, int ifindex, const uint8_t gw[16], char *err, size_t errlen)
{
    return default_route_in(n, RT_TABLE_MAIN, ifindex, gw, err, errlen);
}

int mat_nl_steer_route(mat_nl *n, int ifindex, const uint8_t gw[16], char *err, size_t errlen)
{
    return default_route_in(n, MAT_STEER_TABLE, ifindex, gw, err, errlen);
}

/* One request for the steering rule; errno kept for the caller. */
static int steer_rule(mat_nl *n, int add, char *err, size_t errlen)
{
    char buf[NL_REQ_BUF];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
    struct fib_rule_hdr *fr = mnl_nlmsg_put_extra_header(nlh, sizeof *fr);
    fr->family = AF_INET6;
    fr->action = FR_ACT_TO_TBL;
    fr->table = MAT_STEER_TABLE;
    mnl_attr_put_u32(nlh, FRA_TABLE, MAT_STEER_TABLE);
    mnl_attr_put_u32(nlh, FRA_PRIORITY, MAT_STEER_RULE_PRIO);
    mnl_attr_put_u32(nlh, FRA_FWMARK, MAT_STEER_MARK);
    mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffu);
    mat_nl_handler none = { 0 };
    return request(n, nlh, &none, err, errlen);
}

int mat_nl_steer_rule(mat_nl *n, int add, char *err, size_t errlen)
{
    if (!add) {   /* every copy: a killed agent's rule may still be there */
        for (int i = 0; i < 16; i++)
            if (steer_rule(n, 0, err, errlen) < 0)
                return errno == ENOENT ? 0 : -1;
        return 0;
    }
    if (steer_rule(n, 1, err, errlen) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int mat_nl_add_addr(mat_nl *n, const char *ifname, const uint8_t a[16], char *err, size_t errlen)
{
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0)
        return roam_errf(err, errlen, "no device %s", ifname);
    char buf[NL_REQ_BUF];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = AF_INET6;
    ifa->ifa_prefixlen = 128;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = idx;
    mnl_attr_put(nlh, IFA_LOCAL, 16, a);
    mnl_attr_put(nlh, IFA_ADDRESS, 16, a);
    mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
    mat_nl_handler none = { 0 };
    if (request(n, nlh, &none, err, errlen) < 0) {
        char why[ROAM_ERR_MAX];
        snprintf(why, sizeof why, "%s", err ? err : "");
        return roam_errf(err, errlen, "add HoA to %s: %s", ifname, why);
    }
    return 0;
}
