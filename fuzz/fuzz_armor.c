/* libFuzzer harness: armored key files (src/abe/armor.h) as roam-kgc and
 * roamd read them: de-armor, then every object decoder on the content.  A
 * block that decodes must armor back to the same text under its label. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "armor.h"
#include "objects.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char label[ABE_ARMOR_MAX_LABEL + 1];
    uint8_t *obj = NULL;
    size_t obj_len = 0;
    const char *why = NULL;

    if (abe_armor_decode((const char *)data, size, label, &obj, &obj_len, &why) != 0) {
        if (why == NULL)
            abort();
        return 0;
    }
    char *text = NULL;
    size_t text_len = 0;
    if (abe_armor_encode(label, obj, obj_len, &text, &text_len) != 0)
        abort();
    /* the decoder allows the final newline to be missing */
    if (text_len < size || text_len > size + 1 || memcmp(text, data, size) != 0)
        abort();
    free(text);
    fuzz_decode_objects(obj, obj_len);
    abe_free_secret(obj, obj_len);
    return 0;
}
