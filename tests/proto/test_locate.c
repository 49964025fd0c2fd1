/* Locate's proof and wire rules: the locate key is deterministic, differs
 * from the transcript MAC and changes with the KEM key or any transcript
 * field; a Locate's MAC verifies only for its own key, query id and
 * connection (exporter); Locate and LocateAnswer frames with a bad query
 * id, a bad MAC length, an unknown location or trailing bytes are refused
 * when decoded. */
#include <string.h>

#include "errbuf.h"
#include "locate.h"
#include "msg.h"
#include "tap.h"

static char err[ROAM_ERR_MAX];

static struct roam_transcript base(void)
{
    struct roam_transcript t = {
        .role = ROAM_ROLE_MIGRATE, .vm = "web1", .src = "vms-a.example", .dst = "vms-b.example",
    };
    for (int i = 0; i < ROAM_QUERY_ID_LEN; i++)
        t.query_id[i] = (uint8_t)i;
    memset(t.nonce, 0xab, sizeof t.nonce);
    memset(t.exporter, 0xcd, sizeof t.exporter);
    return t;
}

/* An Envelope with a Locate of qlen id bytes and mlen MAC bytes, packed
 * into buf (the version set as a sender would); its length. */
static size_t pack_locate(uint8_t *buf, size_t qlen, size_t mlen)
{
    static uint8_t q[32], m[64];
    Roam__V1__Locate lq = ROAM__V1__LOCATE__INIT;
    lq.query_id.data = q;
    lq.query_id.len = qlen;
    lq.mac.data = m;
    lq.mac.len = mlen;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_LOCATE;
    env.locate = &lq;
    return protobuf_c_message_pack(&env.base, buf);
}

static size_t pack_answer(uint8_t *buf, int location)
{
    Roam__V1__LocateAnswer la = ROAM__V1__LOCATE_ANSWER__INIT;
    la.location = (Roam__V1__VmLocation)location;
    la.pending = 1;
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.version = ROAM_PROTO_VERSION;
    env.body_case = ROAM__V1__ENVELOPE__BODY_LOCATE_ANSWER;
    env.locate_answer = &la;
    return protobuf_c_message_pack(&env.base, buf);
}

static int decodes(const uint8_t *buf, size_t len)
{
    roam_envelope *env = NULL;
    int ok = roam_msg_decode(buf, len, &env, err, sizeof err) == ROAM_OK;
    roam_msg_free(env);
    return ok;
}

int main(void)
{
    uint8_t kem[32], k1[32], k2[32], mac[32];
    memset(kem, 0x42, sizeof kem);
    struct roam_transcript t = base();
    tap_eq(roam_locate_key(kem, sizeof kem, &t, k1, err, sizeof err), 0, "locate key derived");
    roam_locate_key(kem, sizeof kem, &t, k2, err, sizeof err);
    tap_eq_mem(k1, k2, 32, "deterministic");
    roam_transcript_mac(kem, sizeof kem, &t, mac, err, sizeof err);
    tap_ok(memcmp(k1, mac, 32) != 0, "not the transcript MAC (which crossed the wire)");
    kem[0] ^= 1;
    roam_locate_key(kem, sizeof kem, &t, k2, err, sizeof err);
    tap_ok(memcmp(k1, k2, 32) != 0, "another KEM key, another locate key");
    kem[0] ^= 1;
    t.nonce[5] ^= 1;
    roam_locate_key(kem, sizeof kem, &t, k2, err, sizeof err);
    tap_ok(memcmp(k1, k2, 32) != 0, "another transcript, another locate key");
    t = base();
    tap_ok(roam_locate_key(kem, 8, &t, k2, err, sizeof err) < 0, "a short KEM key is refused");

    uint8_t qid[16], exp[32], m[32];
    memset(qid, 7, sizeof qid);
    memset(exp, 9, sizeof exp);
    tap_eq(roam_locate_mac(k1, qid, exp, m, err, sizeof err), 0, "Locate MAC");
    tap_eq(roam_locate_verify(k1, qid, exp, m, sizeof m), 0, "verifies with its key, id, exporter");
    tap_ok(roam_locate_verify(k2, qid, exp, m, sizeof m) < 0, "not under another key");
    qid[15] ^= 1;
    tap_ok(roam_locate_verify(k1, qid, exp, m, sizeof m) < 0, "not for another query id");
    qid[15] ^= 1;
    exp[0] ^= 1;
    tap_ok(roam_locate_verify(k1, qid, exp, m, sizeof m) < 0,
           "not on another connection (exporter)");
    exp[0] ^= 1;
    m[31] ^= 1;
    tap_ok(roam_locate_verify(k1, qid, exp, m, sizeof m) < 0, "a flipped bit fails");
    m[31] ^= 1;
    tap_ok(roam_locate_verify(k1, qid, exp, m, 31) < 0, "a short MAC fails");

    uint8_t buf[256];
    size_t n = pack_locate(buf, 16, 32);
    tap_ok(decodes(buf, n), "a well-formed Locate decodes");
    tap_ok(!decodes(buf, pack_locate(buf, 15, 32)), "a 15-byte query id is refused");
    tap_ok(strstr(err, "query_id") != NULL, "... naming the field (%s)", err);
    tap_ok(!decodes(buf, pack_locate(buf, 0, 32)), "a missing query id is refused");
    tap_ok(!decodes(buf, pack_locate(buf, 16, 31)), "a 31-byte MAC is refused");
    tap_ok(!decodes(buf, pack_locate(buf, 16, 0)), "a missing MAC is refused");
    n = pack_locate(buf, 16, 32);
    buf[n] = 0x00;
    tap_ok(!decodes(buf, n + 1), "a trailing zero byte is refused");
    memcpy(buf + n, "\x18\x01", 2);   /* field 3, varint 1: not in Envelope */
    tap_ok(!decodes(buf, n + 2), "a trailing unknown field is refused");
    tap_ok(decodes(buf, pack_answer(buf, ROAM__V1__VM_LOCATION__LOCATE_RUNNING)),
           "a LocateAnswer decodes");
    tap_ok(!decodes(buf, pack_answer(buf, 0)), "a LocateAnswer without a location is refused");
    tap_ok(!decodes(buf, pack_answer(buf, 4)), "an unknown location is refused");
    return tap_done();
}
