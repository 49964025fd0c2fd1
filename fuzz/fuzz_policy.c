/* libFuzzer harness: the policy language.  Any text is parsed; a text that
 * parses must survive the canonical encoding's round trip (encode, strict
 * decode, encode again gives the same bytes; a mismatch aborts) and render
 * within its own length.  The rendering shows the compiled tree (internal
 * bit attributes included), which is not policy text, so it is not parsed
 * back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode_or_abort(const abe_policy_t *p, uint8_t *out, size_t *len)
{
    if (abe_policy_encode(p, out, ABE_POL_MAX_ENCODED, len) != ABE_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* abe_policy_t is large: static, as the library asks */
    static abe_policy_t p, q;
    static uint8_t enc1[ABE_POL_MAX_ENCODED], enc2[ABE_POL_MAX_ENCODED];
    static char text[2 * ABE_POL_MAX_TEXT + 64];
    abe_error_t err;
    size_t len1, len2;

    memset(&err, 0, sizeof err);
    if (abe_policy_parse(&p, (const char *)data, size, &err) != ABE_OK)
        return 0;
    encode_or_abort(&p, enc1, &len1);

    if (abe_policy_decode(&q, enc1, len1, &err) != ABE_OK)
        abort();
    encode_or_abort(&q, enc2, &len2);
    if (len1 != len2 || memcmp(enc1, enc2, len1) != 0)
        abort();

    size_t tlen = abe_policy_format(&p, text, sizeof text);
    if (tlen == 0 || (tlen < sizeof text && strlen(text) != tlen))
        abort();
    return 0;
}
