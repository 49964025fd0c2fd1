/* The destination's post-processing, armed by the source's PostProcess:
 * wait for the VM's RARP on the VM bridge, send the VM's handover if the
 * source forwarded one (SwitchHandover), link its primary NIC down, check
 * that the secondary NIC answers for its new-prefix address on this link
 * (Neighbor Solicitation/Advertisement), and report (PostProcessDone).  If
 * the source sends Error or disappears meanwhile, the admission is dropped
 * and nothing is reported. */
#ifndef ROAMD_PEER_POST_H
#define ROAMD_PEER_POST_H

#include "msg.h"
#include "peer_session.h"

void roamd_peer_post_process(struct peer_session *p, const Roam__V1__PostProcess *pp);

#endif
