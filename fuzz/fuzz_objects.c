/* libFuzzer harness: the binary stored objects (MPK, MSK, user key,
 * ciphertext; docs/abe.md, "File formats") as they are after de-armoring. */
#include <stddef.h>
#include <stdint.h>

#include "objects.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_decode_objects(data, size);
    return 0;
}
