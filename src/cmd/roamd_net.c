/* roamd-net: roamd's network process (src/roamd/net_proc.h, roamd(8)).
 * Only roamd starts it, with its channel and the two listeners as
 * descriptors 3, 4 and 5; it is not meant to be run by hand. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "net_proc.h"

int main(int argc, char **argv)
{
    int type = 0;
    socklen_t len = sizeof type;
    if (argc != 1 || getsockopt(ROAMD_NET_FD_CTL, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
        type != SOCK_SEQPACKET) {
        fprintf(stderr, "roamd-net: roamd's network process; roamd starts it (see roamd(8))\n");
        (void)argv;
        return 2;
    }
    roam_log_init("roamd-net", 1);
    return roamd_net_keeper_main(ROAMD_NET_FD_CTL, ROAMD_NET_FD_CLIENTS, ROAMD_NET_FD_PEERS);
}
