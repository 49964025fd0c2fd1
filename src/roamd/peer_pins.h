/* Which provider may speak for which peer host (`peer_pins`, docs/roamd.md
 * "Peer identities").  peer_ca trusts CAs; a pin file says, host by host,
 * which key or which of those CAs a host's certificate must have, so that
 * one provider's CA cannot vouch for another provider's hosts.  A line is
 *     HOST sha256:HEX    the SHA-256 of the certificate's public key (SPKI)
 *     HOST ca:FILE       the certificate chains to the CA(s) in FILE alone
 * (blank lines and '#' comments allowed; a host may have several lines,
 * any one of which suffices, e.g. during a key change).  With a pin file,
 * a host without a line is refused. */
#ifndef ROAM_ROAMD_PEER_PINS_H
#define ROAM_ROAMD_PEER_PINS_H

#include <stddef.h>

#include "peer_cert.h"

#define ROAMD_PEER_PINS_MAX 256

typedef struct roamd_peer_pins roamd_peer_pins;

/* NULL with err filled when the file cannot be read or a line is wrong
 * (err names the line). */
roamd_peer_pins *roamd_peer_pins_load(const char *path, char *err, size_t errlen);
void roamd_peer_pins_free(roamd_peer_pins *p);

/* 0 if c, whose certificate already names host, may speak for host; -1
 * with why otherwise.  p NULL (no pin file): every host passes. */
int roamd_peer_pins_check(const roamd_peer_pins *p, const roam_peer_cert *c, const char *host,
                          char *why, size_t whylen);

#endif
