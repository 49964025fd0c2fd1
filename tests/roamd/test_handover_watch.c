/* The source's side of a handover: the RA-delivery watcher on a VM NIC's
 * tap picks up the guest's handover datagram, after its RA work is over,
 * keeps only the latest distinct one for the flow thread, and passes over
 * malformed ones and other senders.  Real frames through a veth pair in a
 * network namespace of its own (root only). */
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include "../net/reg_sample.h"
#include "handover.h"
#include "handover_lab.h"
#include "ra_deliver.h"
#include "tap.h"

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static struct roamd_ra_delivery rd;

/* The guest's handover frame (as roam-mat sends it) from mac; its length. */
static size_t handover_frame(uint8_t *f, const uint8_t mac[6], const roam_handover *h,
                             int udp_len_lie)
{
    static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    size_t pl = roam_handover_encode(h, f + 14 + 40 + 8, ROAM_HANDOVER_PAYLOAD_MAX);
    size_t ulen = 8 + pl;
    memcpy(f, all_nodes_mac, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x86;
    f[13] = 0xdd;
    uint8_t *ip = f + 14, *udp = ip + 40;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(ulen >> 8);
    ip[5] = (uint8_t)ulen;
    ip[6] = 17;
    ip[7] = 1;
    memcpy(ip + 8, h->moa, 16);
    inet_pton(AF_INET6, "ff02::1", ip + 24);
    udp[0] = 0x80;
    udp[1] = 0x01;
    udp[2] = ROAM_HANDOVER_PORT >> 8;
    udp[3] = ROAM_HANDOVER_PORT & 0xff;
    udp[4] = (uint8_t)((ulen + (size_t)udp_len_lie) >> 8);
    udp[5] = (uint8_t)(ulen + (size_t)udp_len_lie);
    udp[6] = udp[7] = 0;
    return 14 + 40 + ulen;
}

/* h's registration: the sample one for h->moa, sequence number seq. */
static void set_registration(roam_handover *h, uint64_t seq)
{
    struct reg_spec s;
    reg_spec_sample(&s, h->moa);
    s.seq = seq;
    h->reg_len = reg_encode(&s, h->reg, sizeof h->reg);
}

static int taken(roam_handover *out)
{
    usleep(150000);   /* the watcher wakes every 50 ms at most */
    return roamd_ra_deliver_take_handover(&rd, out);
}

int main(void)
{
    if (holab_enter() < 0) {
        tap_skip("needs root and a network namespace");
        return tap_done();
    }
    uint8_t ra[64], f[2048];
    char err[256];
    struct in6_addr router;
    inet_pton(AF_INET6, HOLAB_ROUTER, &router);
    size_t ra_len = holab_make_ra(ra);
    int r = roamd_ra_deliver_start(&rd, "vmho0", guest_mac, ra, ra_len, &router, err,
                                   sizeof err);
    if (!tap_ok(r == 0 && roamd_ra_deliver_watch(&rd, 100) == 0, "watcher starts (%s)", err))
        return tap_done();
    usleep(300000);   /* past the RA window: handovers are still watched for */

    static roam_handover h, got;
    inet_pton(AF_INET6, HOLAB_PREFIX "5054:ff:fe00:2", h.moa);
    inet_pton(AF_INET6, HOLAB_IMS, h.ims_addr);
    h.ims_port = 7400;
    set_registration(&h, 7);
    size_t len = h.reg_len;

    holab_vm_send(f, handover_frame(f, guest_mac, &h, 1));
    tap_ok(!taken(&got) && strstr(rd.ho_error, "UDP length"),
           "malformed handover ignored, its flaw kept (%s)", rd.ho_error);
    holab_vm_send(f, handover_frame(f, guest_mac, &h, 0));
    tap_ok(taken(&got) && got.reg_len == len && memcmp(got.reg, h.reg, len) == 0 &&
           memcmp(got.moa, h.moa, 16) == 0 && got.ims_port == 7400,
           "handover after the RA window taken, as sent");
    holab_vm_send(f, handover_frame(f, guest_mac, &h, 0));
    tap_ok(!taken(&got), "an exact repeat is not taken again");
    static const uint8_t stranger[6] = { 0x52, 0x54, 0x00, 0x66, 0x66, 0x66 };
    set_registration(&h, 8);
    holab_vm_send(f, handover_frame(f, stranger, &h, 0));
    tap_ok(!taken(&got), "a handover from another MAC is not the guest's");
    holab_vm_send(f, handover_frame(f, guest_mac, &h, 0));
    set_registration(&h, 9);
    holab_vm_send(f, handover_frame(f, guest_mac, &h, 0));
    tap_ok(taken(&got) && got.reg_len == h.reg_len && memcmp(got.reg, h.reg, h.reg_len) == 0 &&
           !taken(&got),
           "of two new ones, the latest is taken, once");
    roamd_ra_deliver_stop(&rd);
    tap_ok(rd.ho_seen == 3 && rd.ho_after_ms > 300 && rd.link_after_ms >= 0,
           "counted: %d distinct handovers, the last after %lld ms", rd.ho_seen,
           (long long)rd.ho_after_ms);
    return tap_done();
}
