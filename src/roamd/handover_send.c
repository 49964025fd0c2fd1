/* A handover's two packets from the destination (see handover_send.h). */
#include "handover_send.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "ed25519.h"
#include "errbuf.h"
#include "handover_reg.h"
#include "icmp6.h"
#include "packet.h"

int roamd_router_hello(int pkt_fd, const uint8_t *moa, const uint8_t vm_mac[6],
                       const struct in6_addr *router, char *err, size_t errlen)
{
    uint8_t ns[32], frame[128];
    struct in6_addr src, group;
    memcpy(src.s6_addr, moa, 16);
    roam_solicited_node(router, &group);
    int n = roam_ns_build(ns, sizeof ns, router, vm_mac);
    int len = n < 0 ? -1 : roam_nd_frame_build(frame, sizeof frame, vm_mac, NULL, &src, &group,
                                               ns, (size_t)n);
    if (len < 0)
        return roam_errf(err, errlen, "router hello does not fit a frame");
    return roam_packet_send(pkt_fd, frame, (size_t)len, err, errlen);
}

int roamd_attester_load(struct roamd_attester *a, const char *path, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    uint8_t pub[ROAM_ED25519_PUB_LEN];
    if (!(a->key = roam_ed25519_load_private(path, 1, err, errlen)))
        return -1;
    if (roam_ed25519_raw_public(a->key, pub) < 0 || roam_attest_key_id(pub, a->key_id) < 0) {
        roamd_attester_free(a);
        return roam_errf(err, errlen, "%s: cannot derive the key id", path);
    }
    return 0;
}

void roamd_attester_free(struct roamd_attester *a)
{
    EVP_PKEY_free(a->key);
    a->key = NULL;
}

size_t roamd_registration_attest(const roam_handover *h, const struct roamd_attester *a,
                                 uint64_t now, uint8_t *out, char *err, size_t errlen)
{
    roam_handover_reg reg;
    roam_moa_attest att;
    uint8_t field[ROAM_ATTEST_FIELD_MAX];
    size_t flen;
    if (roam_handover_reg_parse(h->reg, h->reg_len, &reg, err, errlen) < 0 ||
        roam_moa_attest_sign(a->key, a->key_id, reg.hoa, reg.seq, h->moa, now, &att, err,
                             errlen) < 0)
        return 0;
    if (!(flen = roam_moa_attest_field(&att, field, sizeof field))) {
        roam_errf(err, errlen, "attestation does not encode");
        return 0;
    }
    return roam_handover_reg_append(h->reg, h->reg_len, field, flen, out,
                                    ROAM_HANDOVER_REG_MAX, err, errlen);
}

int roamd_registration_send(const roam_handover *h, const struct roamd_attester *a,
                            int *attested, char *err, size_t errlen)
{
    uint8_t buf[ROAM_HANDOVER_REG_MAX];
    const uint8_t *reg = h->reg;
    size_t len = h->reg_len;
    *attested = 0;
    if (a && a->key) {
        /* Failing that, the guest's own registration still goes: the IMS
         * then challenges the VM, as without a key. */
        size_t n = roamd_registration_attest(h, a, (uint64_t)time(NULL), buf, err, errlen);
        if (n) {
            reg = buf;
            len = n;
            *attested = 1;
        }
    }
    struct sockaddr_in6 ims;
    memset(&ims, 0, sizeof ims);
    ims.sin6_family = AF_INET6;
    memcpy(ims.sin6_addr.s6_addr, h->ims_addr, 16);
    ims.sin6_port = htons(h->ims_port);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return roam_errf(err, errlen, "UDP socket: %s", strerror(errno));
    /* Connected, so that only the IMS's answer is read back. */
    if (connect(fd, (struct sockaddr *)&ims, sizeof ims) < 0 ||
        send(fd, reg, len, 0) != (ssize_t)len) {
        roam_errf(err, errlen, "registration to the IMS: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int roamd_ims_answered(int udp_fd, int64_t deadline)
{
    uint8_t buf[2048];
    while (roam_wait_fd(udp_fd, 0, deadline) > 0) {
        if (recv(udp_fd, buf, sizeof buf, 0) >= 0)
            return 1;
        if (errno != EAGAIN && errno != EINTR)
            return 0;   /* e.g. ICMP port unreachable: nobody answered */
    }
    return 0;
}
