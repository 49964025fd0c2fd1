/* libFuzzer harness: what the IMS reads from the network
 * (src/mobility): a framed TCP message payload (ims_msg_decode) and a UDP
 * datagram (ims_dgram_decode), both decoded and validated.  The first byte
 * picks which.  An accepted message must frame again (it validates). */
#include <stdint.h>
#include <stdlib.h>

#include "ims_dgram.h"
#include "ims_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ims_message *m = NULL;
    char err[256];
    int rc = (data[0] & 1) ? ims_dgram_decode(data + 1, size - 1, &m, err, sizeof err)
                           : ims_msg_decode(data + 1, size - 1, &m, err, sizeof err);
    if (rc != 0)
        return 0;
    if (ims_msg_validate(m, err, sizeof err) != 0)
        abort();
    ims_msg_free(m);
    return 0;
}
