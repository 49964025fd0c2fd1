/* The stored-object decoders under fuzzing: every decoder sees every input,
 * and what decodes is encoded again and compared (the formats are
 * canonical: one object, one encoding). */
#include "objects.h"

#include <stdlib.h>
#include <string.h>

#include "abe.h"

static void same_or_abort(const uint8_t *in, size_t len, uint8_t *out, size_t out_len,
                          int secret)
{
    int same = out_len == len && memcmp(out, in, len) == 0;
    if (secret)
        abe_free_secret(out, out_len);
    else
        free(out);
    if (!same)
        abort();
}

void fuzz_decode_objects(const uint8_t *in, size_t len)
{
    /* the objects are large: static, as the library asks */
    static abe_mpk_t mpk;
    static abe_msk_t msk;
    static abe_key_t key;
    static abe_prepared_t pp;
    uint8_t mpk_id[ABE_ID_BYTES];
    uint8_t *out;
    size_t out_len;
    abe_error_t err;

    if (abe_decode_mpk(&mpk, in, len) == ABE_OK) {
        if (abe_encode_mpk(&mpk, &out, &out_len) != ABE_OK)
            abort();
        same_or_abort(in, len, out, out_len, 0);
    }
    if (abe_decode_msk(&msk, mpk_id, in, len) == ABE_OK)
        abe_msk_clear(&msk);
    if (abe_decode_key(&key, in, len, &err) == ABE_OK) {
        if (abe_encode_key(&key, &out, &out_len) != ABE_OK)
            abort();
        abe_key_clear(&key);
        same_or_abort(in, len, out, out_len, 1);
    }
    const uint8_t *ser;
    size_t ser_len;
    if (abe_decode_ct(in, len, &ser, &ser_len, &pp) == ABE_OK) {
        if (ser < in || ser + ser_len > in + len)
            abort();
        abe_prepared_clear(&pp);
    }
}
