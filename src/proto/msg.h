/* roam protocol messages on a stream: one Roam__V1__Envelope (roam.proto)
 * per frame.  Sending stamps the protocol version; receiving refuses a frame
 * that does not decode, carries unknown fields, comes from another protocol
 * version, or breaks a field rule (sizes, enums, "error set iff not ok"). */
#ifndef ROAM_PROTO_MSG_H
#define ROAM_PROTO_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "roam.pb-c.h"
#include "status.h"
#include "stream.h"
#include "wire_limits.h"

/* The protocol version this build speaks (roam.proto, Envelope.version). */
#define ROAM_PROTO_VERSION 6u

typedef Roam__V1__Envelope roam_envelope;
typedef Roam__V1__Envelope__BodyCase roam_body;

/* Serialize env (after setting env->version = ROAM_PROTO_VERSION) and send
 * it as one frame.  env is validated first, so we never emit what a peer
 * would refuse.  Returns ROAM_OK, ROAM_EINVALID, or a frame write status. */
roam_status roam_msg_send(const roam_stream *s, roam_envelope *env, int timeout_ms,
                          char *err, size_t errlen);

/* Receive one frame and decode it into *out (free with roam_msg_free).
 * Returns ROAM_OK, a frame read status, ROAM_EDECODE, ROAM_EVERSION or
 * ROAM_EINVALID; *out is NULL unless ROAM_OK. */
roam_status roam_msg_recv(const roam_stream *s, roam_envelope **out, int timeout_ms,
                          char *err, size_t errlen);

/* The largest frame a message with this body can need (every body but
 * Challenge and RaAnswer fits in ROAM_SMALL_FRAME_MAX; NOT_SET: any). */
size_t roam_msg_max_frame(roam_body body);

/* Like roam_msg_recv, and then insist on body `want`; a frame longer than
 * roam_msg_max_frame(want) is refused from its header (ROAM_EFRAME).  A peer's Error message
 * gives ROAM_EPEER with err = "peer failed in <phase>: <message>"; any other
 * body gives ROAM_EUNEXPECTED.  *out is set only on ROAM_OK. */
roam_status roam_msg_expect(const roam_stream *s, roam_body want, roam_envelope **out,
                            int timeout_ms, char *err, size_t errlen);

/* Like roam_msg_expect, accepting body `also` as well (an optional step:
 * the message that may come, or the one that follows it). */
roam_status roam_msg_expect_either(const roam_stream *s, roam_body want, roam_body also,
                                   roam_envelope **out, int timeout_ms, char *err,
                                   size_t errlen);

/* Send an Error{phase, message} envelope (message truncated to the limit). */
roam_status roam_msg_send_error(const roam_stream *s, Roam__V1__Phase phase,
                                const char *message, int timeout_ms,
                                char *err, size_t errlen);

/* Decode and validate a frame payload (what roam_msg_recv does after
 * reading).  Exposed for tests and tools. */
roam_status roam_msg_decode(const uint8_t *buf, size_t len, roam_envelope **out,
                            char *err, size_t errlen);

/* Check every protocol rule on an envelope, version included.  0 or -1. */
int roam_msg_validate(const roam_envelope *env, char *err, size_t errlen);

void roam_msg_free(roam_envelope *env);

/* "challenge", "result", ...; "none" for NOT_SET. */
const char *roam_msg_body_name(roam_body body);

/* "destination authentication", ...: for error messages and logs. */
const char *roam_phase_name(Roam__V1__Phase phase);

/* How long both authentications took together: auth_us when the client
 * measured it (it runs them side by side), else their sum (a client that
 * ran them one after the other). */
uint64_t roam_auth_wall_us(const Roam__V1__PhaseTimings *t);

#endif
