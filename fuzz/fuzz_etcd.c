/* libFuzzer harness: what roam-ims reads from etcd (src/mobility): an
 * answer of the JSON gateway (etcd_json_parse), walked as a listing is
 * (header revision, kvs with base64 keys and values, mod_revision, more),
 * each value a HoA's record (ims_rec_decode), and records alone.  The first
 * byte picks which.  A record that decodes must encode back to itself, and
 * a key's HoA must give back the same key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ims_etcd_json.h"
#include "ims_etcd_rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char prefix[] = "/roam/ims/";

static void record(const uint8_t *buf, size_t len, const uint8_t hoa[IMS_ADDR_LEN])
{
    ims_mapping m;
    uint8_t pub[IMS_PUBKEY_LEN], again[IMS_REC_MAX];
    char err[256];
    if (ims_rec_decode(buf, len, hoa, &m, pub, err, sizeof err) != 0)
        return;
    if (ims_rec_encode(&m, pub, again) != len || memcmp(again, buf, len) != 0)
        abort();
}

static void key(const uint8_t *k, size_t len)
{
    uint8_t hoa[IMS_ADDR_LEN];
    char again[IMS_KEY_MAX + 1];
    if (ims_rec_key_hoa(prefix, k, len, hoa) != 0)
        return;
    if (ims_rec_key(prefix, hoa, again) != len || memcmp(again, k, len) != 0)
        abort();
}

static void listing(const char *text, size_t len)
{
    char err[256];
    json_object *o = etcd_json_parse(text, len, err, sizeof err);
    if (!o)
        return;
    uint64_t rev;
    json_object *hdr = etcd_json_obj(o, "header"), *kvs;
    size_t n;
    if (hdr)
        (void)etcd_json_u64(hdr, "revision", &rev);
    if (etcd_json_array(o, "kvs", &kvs, &n) == 0) {
        for (size_t i = 0; i < n && i < 64; i++) {
            json_object *kv = json_object_array_get_idx(kvs, i);
            uint8_t k[IMS_KEY_MAX], v[IMS_REC_MAX], hoa[IMS_ADDR_LEN];
            uint64_t mod;
            if (!json_object_is_type(kv, json_type_object))
                continue;
            long kl = etcd_json_b64(kv, "key", k, sizeof k);
            long vl = etcd_json_b64(kv, "value", v, sizeof v);
            (void)etcd_json_u64(kv, "mod_revision", &mod);
            if (kl >= 0)
                key(k, (size_t)kl);
            if (kl >= 0 && vl >= 0 && ims_rec_key_hoa(prefix, k, (size_t)kl, hoa) == 0)
                record(v, (size_t)vl, hoa);
        }
    }
    (void)etcd_json_bool(o, "more");
    json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const uint8_t hoa[IMS_ADDR_LEN] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
    switch (data[0] % 3) {
    case 0: listing((const char *)data + 1, size - 1); break;
    case 1: record(data + 1, size - 1, hoa); break;
    default: key(data + 1, size - 1); break;
    }
    return 0;
}
