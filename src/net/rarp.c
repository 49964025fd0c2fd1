/* RARP announce frames (see rarp.h). */
#include "rarp.h"

#include <string.h>

#define ARP_LEN 28

int roam_rarp_build(uint8_t *out, size_t cap, const uint8_t mac[6])
{
    if (cap < ROAM_RARP_FRAME_LEN)
        return -1;
    memset(out, 0, ROAM_RARP_FRAME_LEN);
    memset(out, 0xff, 6);
    memcpy(out + 6, mac, 6);
    out[12] = ROAM_ETH_P_RARP >> 8;
    out[13] = ROAM_ETH_P_RARP & 0xff;
    uint8_t *a = out + 14;
    a[1] = 1;           /* hardware: Ethernet */
    a[2] = 0x08;        /* protocol: IPv4 */
    a[4] = 6;
    a[5] = 4;
    a[7] = 3;           /* reverse request */
    memcpy(a + 8, mac, 6);
    memcpy(a + 18, mac, 6);
    return ROAM_RARP_FRAME_LEN;
}

int roam_rarp_parse(const uint8_t *frame, size_t len, uint8_t mac[6])
{
    if (len < 14 + ARP_LEN)
        return 0;
    if (frame[12] != (ROAM_ETH_P_RARP >> 8) || frame[13] != (ROAM_ETH_P_RARP & 0xff))
        return 0;
    const uint8_t *a = frame + 14;
    if (a[0] != 0 || a[1] != 1 || a[2] != 0x08 || a[3] != 0 || a[4] != 6 || a[5] != 4)
        return 0;
    if (a[6] != 0 || (a[7] != 3 && a[7] != 4))
        return 0;
    if (memcmp(a + 8, frame + 6, 6) != 0)
        return 0;
    memcpy(mac, frame + 6, 6);
    return 1;
}
