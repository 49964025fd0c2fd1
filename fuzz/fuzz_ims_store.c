/* libFuzzer harness: the requests between roam-ims's network process and
 * its store process (src/mobility/ims_sep_msg.h); the first byte picks the
 * side that decodes (even: the store process's, requests; odd: the
 * network process's, replies and changes).  What decodes encodes back to
 * the same bytes, and a refusal always says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ims_sep_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ims_sep_msg m;
    static uint8_t again[IMS_SEP_MSG_MAX];
    char err[256] = "";
    if (size < 1)
        return 0;
    int request = (data[0] & 1) == 0;
    if (ims_sep_decode(data + 1, size - 1, request, &m, err, sizeof err) < 0) {
        if (err[0] == '\0')
            abort();
        return 0;
    }
    int n = ims_sep_encode(&m, again, sizeof again);
    if (n < 0 || (size_t)n != size - 1 || memcmp(again, data + 1, size - 1) != 0)
        abort();
    return 0;
}
