/* Sending and receiving Envelopes over frames (see msg.h). */
#include "msg.h"

#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "frame.h"
#include "pb_guard.h"
#include "text.h"
#include "wire_limits.h"

const char *roam_msg_body_name(roam_body body)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&roam__v1__envelope__descriptor, body);
    return f ? f->name : "none";
}

uint64_t roam_auth_wall_us(const Roam__V1__PhaseTimings *t)
{
    return t->auth_us ? t->auth_us : t->dest_auth_us + t->source_auth_us;
}

const char *roam_phase_name(Roam__V1__Phase phase)
{
    switch (phase) {
    case ROAM__V1__PHASE__PHASE_PROTOCOL: return "protocol";
    case ROAM__V1__PHASE__PHASE_DEST_AUTH: return "destination authentication";
    case ROAM__V1__PHASE__PHASE_SOURCE_AUTH: return "source authentication";
    case ROAM__V1__PHASE__PHASE_ADMISSION: return "admission";
    case ROAM__V1__PHASE__PHASE_PRE_PROCESSING: return "pre-processing";
    case ROAM__V1__PHASE__PHASE_MIGRATION: return "migration";
    case ROAM__V1__PHASE__PHASE_POST_PROCESSING: return "post-processing";
    case ROAM__V1__PHASE__PHASE_INTERNAL: return "internal";
    default: return "unspecified phase";
    }
}

roam_status roam_msg_send(const roam_stream *s, roam_envelope *env, int timeout_ms,
                          char *err, size_t errlen)
{
    env->version = ROAM_PROTO_VERSION;
    char why[ROAM_ERR_MAX];
    if (roam_msg_validate(env, why, sizeof why) < 0) {
        roam_errf(err, errlen, "refusing to send an invalid %s: %s",
                  roam_msg_body_name(env->body_case), why);
        return ROAM_EINVALID;
    }
    size_t n = roam__v1__envelope__get_packed_size(env);
    if (n == 0 || n > ROAM_FRAME_MAX) {
        roam_errf(err, errlen, "%s message is %zu bytes, over the %u-byte frame limit",
                  roam_msg_body_name(env->body_case), n, ROAM_FRAME_MAX);
        return ROAM_EFRAME;
    }
    uint8_t *buf = malloc(n);
    if (!buf) {
        roam_errf(err, errlen, "out of memory for a %zu-byte message", n);
        return ROAM_EIO;
    }
    size_t packed = roam__v1__envelope__pack(env, buf);
    roam_status st = packed == n
        ? roam_frame_write(s, buf, n, timeout_ms, err, errlen)
        : (roam_errf(err, errlen, "protobuf packing produced %zu bytes, expected %zu", packed, n),
           ROAM_EIO);
    free(buf);
    return st;
}

/* Accept only the encoding we would produce ourselves: re-encoding must
 * give back the very bytes received.  This rules out what protobuf-c would
 * otherwise silently accept and reinterpret: strings with an embedded NUL
 * (cut short as C strings), repeated fields where the last one wins,
 * overlong varints, explicitly encoded defaults.  One message, one meaning,
 * so the MAC'd transcript and the logs see what the peer sent. */
static int canonical(const roam_envelope *env, const uint8_t *buf, size_t len,
                     char *err, size_t errlen)
{
    if (roam__v1__envelope__get_packed_size(env) != len)
        return roam_errf(err, errlen, "non-canonical encoding (embedded NUL, duplicate "
                         "or default-valued fields)");
    uint8_t *again = malloc(len);
    if (!again)
        return roam_errf(err, errlen, "out of memory");
    int same = roam__v1__envelope__pack(env, again) == len && memcmp(again, buf, len) == 0;
    free(again);
    if (!same)
        return roam_errf(err, errlen, "non-canonical encoding (fields out of order)");
    return 0;
}

roam_status roam_msg_decode(const uint8_t *buf, size_t len, roam_envelope **out,
                            char *err, size_t errlen)
{
    *out = NULL;
    char why[ROAM_ERR_MAX];
    roam_envelope *env = (roam_envelope *)roam_pb_unpack(&roam__v1__envelope__descriptor, buf,
                                                         len, ROAM_PB_CAP(len), why, sizeof why);
    if (!env) {
        roam_errf(err, errlen, "frame of %zu bytes is not a roam protocol message (%s)", len,
                  why);
        return ROAM_EDECODE;
    }
    /* Check the version before anything else: a future version's fields
     * would otherwise surface as confusing "unknown field" errors. */
    if (env->version != ROAM_PROTO_VERSION) {
        roam_errf(err, errlen, "protocol version mismatch: peer speaks %u, we speak %u",
                  env->version, ROAM_PROTO_VERSION);
        roam_msg_free(env);
        return ROAM_EVERSION;
    }
    if (roam_msg_validate(env, why, sizeof why) < 0 || canonical(env, buf, len, why, sizeof why) < 0) {
        roam_errf(err, errlen, "invalid %s message: %s",
                  roam_msg_body_name(env->body_case), why);
        roam_msg_free(env);
        return ROAM_EINVALID;
    }
    *out = env;
    return ROAM_OK;
}

size_t roam_msg_max_frame(roam_body body)
{
    switch (body) {
    case ROAM__V1__ENVELOPE__BODY_CHALLENGE:
        return ROAM_CIPHERTEXT_MAX + ROAM_POLICY_MAX + ROAM_SEALED_MAX + ROAM_SMALL_FRAME_MAX;
    case ROAM__V1__ENVELOPE__BODY_RA_ANSWER:
        return ROAM_RA_MAX + ROAM_SMALL_FRAME_MAX;
    case ROAM__V1__ENVELOPE__BODY__NOT_SET:
        return ROAM_FRAME_MAX;
    default:
        return ROAM_SMALL_FRAME_MAX;
    }
}

static roam_status recv_max(const roam_stream *s, roam_envelope **out, size_t max,
                            int timeout_ms, char *err, size_t errlen)
{
    *out = NULL;
    uint8_t *buf;
    size_t len;
    roam_status st = roam_frame_read_max(s, &buf, &len, max, timeout_ms, err, errlen);
    if (st != ROAM_OK)
        return st;
    st = roam_msg_decode(buf, len, out, err, errlen);
    free(buf);
    return st;
}

roam_status roam_msg_recv(const roam_stream *s, roam_envelope **out, int timeout_ms,
                          char *err, size_t errlen)
{
    return recv_max(s, out, ROAM_FRAME_MAX, timeout_ms, err, errlen);
}

roam_status roam_msg_expect(const roam_stream *s, roam_body want, roam_envelope **out,
                            int timeout_ms, char *err, size_t errlen)
{
    return roam_msg_expect_either(s, want, want, out, timeout_ms, err, errlen);
}

roam_status roam_msg_expect_either(const roam_stream *s, roam_body want, roam_body also,
                                   roam_envelope **out, int timeout_ms, char *err, size_t errlen)
{
    *out = NULL;
    roam_envelope *env;
    /* Only the expected message (or an Error, which is small) may come:
     * a larger frame is refused from its header, before any allocation. */
    size_t max = roam_msg_max_frame(want), max2 = roam_msg_max_frame(also);
    roam_status st = recv_max(s, &env, max > max2 ? max : max2, timeout_ms, err, errlen);
    if (st != ROAM_OK)
        return st;
    if (env->body_case == want || env->body_case == also) {
        *out = env;
        return ROAM_OK;
    }
    if (env->body_case == ROAM__V1__ENVELOPE__BODY_ERROR) {
        roam_errf(err, errlen, "peer failed in %s: %s",
                  roam_phase_name(env->error->phase), env->error->message);
        st = ROAM_EPEER;
    } else {
        roam_errf(err, errlen, "expected a %s message, got %s",
                  roam_msg_body_name(want), roam_msg_body_name(env->body_case));
        st = ROAM_EUNEXPECTED;
    }
    roam_msg_free(env);
    return st;
}

roam_status roam_msg_send_error(const roam_stream *s, Roam__V1__Phase phase,
                                const char *message, int timeout_ms,
                                char *err, size_t errlen)
{
    /* Bound and sanitize our own text too: the peer validates it the same
     * way and would refuse an overlong, control-laden or non-UTF-8 message. */
    char text[ROAM_MESSAGE_MAX + 1];
    roam_text_clean(text, sizeof text, message ? message : "");

    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    e.phase = phase;
    e.message = text;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_ERROR;
    env.error = &e;
    return roam_msg_send(s, &env, timeout_ms, err, errlen);
}

void roam_msg_free(roam_envelope *env)
{
    if (env)
        roam__v1__envelope__free_unpacked(env, NULL);
}
