/* lab/delayline/dl_nfq.c: nfnetlink_queue for the delay line (see
 * dl_nfq.h), on libmnl and libnetfilter_queue's message builders. */
#include "dl_nfq.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

/* Room for any one message: copy-meta messages are a few hundred bytes, but
 * a datagram is never truncated even if the kernel sends more. */
#define DL_NFQ_BUF (128 * 1024)

int dl_nfq_open(struct dl_nfq *q, int rcvbuf, char *err, size_t errlen)
{
    memset(q, 0, sizeof(*q));
    q->buflen = DL_NFQ_BUF;
    q->buf = malloc(q->buflen);
    if (!q->buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    q->nl = mnl_socket_open(NETLINK_NETFILTER);
    if (!q->nl) {
        snprintf(err, errlen, "netlink socket: %s", strerror(errno));
        goto fail;
    }
    if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        snprintf(err, errlen, "netlink bind: %s", strerror(errno));
        goto fail;
    }
    q->portid = mnl_socket_get_portid(q->nl);
    int fd = mnl_socket_get_fd(q->nl);
    /* A burst at full speed must fit while we are busy giving verdicts;
     * root may go past net.core.rmem_max. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0) {
        snprintf(err, errlen, "receive buffer of %d bytes: %s", rcvbuf, strerror(errno));
        goto fail;
    }
    q->seq = 1;
    return 0;
fail:
    dl_nfq_close(q);
    return -1;
}

void dl_nfq_close(struct dl_nfq *q)
{
    if (q->nl)
        mnl_socket_close(q->nl);
    q->nl = NULL;
    free(q->buf);
    q->buf = NULL;
}

int dl_nfq_fd(const struct dl_nfq *q)
{
    return mnl_socket_get_fd(q->nl);
}

/* One packet message: its queue, id and the length of the whole packet
 * (NFQA_CAP_LEN when the payload was cut short, else the payload's; 0 in
 * copy-meta mode, which sends neither). */
static int on_packet(const struct nlmsghdr *nlh, dl_nfq_packet_fn *fn, void *ctx)
{
    struct nlattr *attr[NFQA_MAX + 1] = { 0 };
    if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
        return -1;
    const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
    const struct nfqnl_msg_packet_hdr *ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
    uint32_t len = 0;
    if (attr[NFQA_CAP_LEN])
        len = ntohl(mnl_attr_get_u32(attr[NFQA_CAP_LEN]));
    else if (attr[NFQA_PAYLOAD])
        len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
    fn(ctx, ntohs(g->res_id), ntohl(ph->packet_id), len);
    return 0;
}

/* Walks one datagram.  When it holds the kernel's answer to message seq,
 * sets *answer to that error (0 for an ack, else a positive errno). */
static void walk(struct dl_nfq *q, size_t n, uint32_t seq, int *answer,
                 dl_nfq_packet_fn *fn, void *ctx)
{
    int len = (int)n;
    for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)q->buf; mnl_nlmsg_ok(nlh, len);
         nlh = mnl_nlmsg_next(nlh, &len)) {
        if (nlh->nlmsg_type == NLMSG_ERROR) {
            const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
            if (answer && nlh->nlmsg_seq == seq)
                *answer = -e->error;
            else if (e->error)
                q->verdict_errors++;
        } else if (nlh->nlmsg_type == ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
            on_packet(nlh, fn, ctx);
        }
    }
}

int dl_nfq_read(struct dl_nfq *q, int max, dl_nfq_packet_fn *fn, void *ctx)
{
    int fd = dl_nfq_fd(q), got = 0;
    while (got < max) {
        ssize_t n = recv(fd, q->buf, q->buflen, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno == ENOBUFS) { /* the kernel already dropped and counted them */
                q->enobufs++;
                continue;
            }
            if (errno == EINTR)
                break;
            return -1;
        }
        walk(q, (size_t)n, 0, NULL, fn, ctx);
        got++;
    }
    return got;
}

/* Sends a prepared message; with want_ack, waits for the kernel's answer
 * (passing packets that arrive meanwhile to fn).  0, or a negative errno. */
static int send_msg(struct dl_nfq *q, struct nlmsghdr *nlh, int want_ack,
                    dl_nfq_packet_fn *fn, void *ctx)
{
    if (want_ack)
        nlh->nlmsg_flags |= NLM_F_ACK;
    nlh->nlmsg_seq = q->seq++;
    if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
        return -errno;
    if (!want_ack)
        return 0;
    int answer = -1;
    while (answer < 0) {
        ssize_t n = mnl_socket_recvfrom(q->nl, q->buf, q->buflen);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                q->enobufs++;
                continue;
            }
            return -errno;
        }
        walk(q, (size_t)n, nlh->nlmsg_seq, &answer, fn, ctx);
    }
    return -answer;
}

int dl_nfq_bind(struct dl_nfq *q, uint16_t num, uint32_t maxlen, int need_len,
                dl_nfq_packet_fn *fn, void *ctx, char *err, size_t errlen)
{
    char msg[1024];
    struct nlmsghdr *nlh = nfq_nlmsg_put(msg, NFQNL_MSG_CONFIG, num);
    nfq_nlmsg_cfg_put_cmd(nlh, AF_INET6, NFQNL_CFG_CMD_BIND);
    int r = send_msg(q, nlh, 1, fn, ctx);
    if (r < 0) {
        snprintf(err, errlen, "binding queue %u: %s%s", num, strerror(-r),
                 r == -EPERM ? " (another program holds it, or no CAP_NET_ADMIN)" : "");
        return -1;
    }
    nlh = nfq_nlmsg_put(msg, NFQNL_MSG_CONFIG, num);
    /* The kernel reports a packet's length (NFQA_CAP_LEN) only in
     * copy-packet mode; one byte of payload is the least it copies. */
    if (need_len)
        nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 1);
    else
        nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_META, 0);
    nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
    /* Whole GSO packets: one message per 64 KiB burst instead of ~45. */
    mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_GSO));
    mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_GSO));
    r = send_msg(q, nlh, 1, fn, ctx);
    if (r < 0) {
        snprintf(err, errlen, "configuring queue %u: %s", num, strerror(-r));
        return -1;
    }
    return 0;
}

int dl_nfq_verdict(struct dl_nfq *q, uint16_t num, uint32_t id, int accept)
{
    char msg[256];
    struct nlmsghdr *nlh = nfq_nlmsg_put(msg, NFQNL_MSG_VERDICT, num);
    nfq_nlmsg_verdict_put(nlh, (int)id, accept ? NF_ACCEPT : NF_DROP);
    return send_msg(q, nlh, 0, NULL, NULL) < 0 ? -1 : 0;
}

int dl_nfq_accept_upto(struct dl_nfq *q, uint16_t num, uint32_t id)
{
    char msg[256];
    struct nlmsghdr *nlh = nfq_nlmsg_put(msg, NFQNL_MSG_VERDICT_BATCH, num);
    nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
    return send_msg(q, nlh, 0, NULL, NULL) < 0 ? -1 : 0;
}

int dl_nfq_fail_open(struct dl_nfq *q, uint16_t num, dl_nfq_packet_fn *fn, void *ctx)
{
    char msg[1024];
    struct nlmsghdr *nlh = nfq_nlmsg_put(msg, NFQNL_MSG_CONFIG, num);
    /* A full queue lets packets through with fail-open; with room for none,
     * every new packet passes at once. */
    nfq_nlmsg_cfg_put_qmaxlen(nlh, 0);
    mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
    mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
    return send_msg(q, nlh, 1, fn, ctx) < 0 ? -1 : 0;
}
