/* The proof behind a Locate (roam.proto): after the connection to the
 * source broke, only the party that authenticated a migration may ask the
 * daemons where its VM runs.  Each authentication leaves both ends with a
 * locate key,
 *   locate key = HMAC-SHA256(kem key, "roam-locate-key-v1" || encode(transcript))
 * (a different input than the transcript MAC's, so knowing the MAC, which
 * crossed the wire, gives nothing), and a Locate carries
 *   mac = HMAC-SHA256(locate key, "roam-locate-v1" || query id || exporter)
 * bound to its own TLS connection, so a recorded Locate is worthless on
 * another.  No new KEM: the client's one proof of its attributes serves. */
#ifndef ROAM_PROTO_LOCATE_H
#define ROAM_PROTO_LOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "transcript.h"

#define ROAM_LOCATE_KEY_LEN 32
#define ROAM_LOCATE_KEY_LABEL "roam-locate-key-v1"
#define ROAM_LOCATE_LABEL "roam-locate-v1"

/* The locate key of the authentication with KEM key kem (16..64 bytes) and
 * transcript t.  0, or -1 with err. */
int roam_locate_key(const uint8_t *kem, size_t kemlen, const struct roam_transcript *t,
                    uint8_t out[ROAM_LOCATE_KEY_LEN], char *err, size_t errlen);

/* A Locate's MAC for query_id on the connection whose exporter is given. */
int roam_locate_mac(const uint8_t key[ROAM_LOCATE_KEY_LEN],
                    const uint8_t query_id[ROAM_QUERY_ID_LEN],
                    const uint8_t exporter[ROAM_EXPORTER_LEN], uint8_t mac[ROAM_MAC_LEN],
                    char *err, size_t errlen);

/* Recompute and compare in constant time: 0 when mac (maclen bytes)
 * matches, -1 otherwise. */
int roam_locate_verify(const uint8_t key[ROAM_LOCATE_KEY_LEN],
                       const uint8_t query_id[ROAM_QUERY_ID_LEN],
                       const uint8_t exporter[ROAM_EXPORTER_LEN], const uint8_t *mac,
                       size_t maclen);

#endif
