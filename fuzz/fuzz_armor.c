/* libFuzzer harness: armored key files (src/abe/armor.h) as roam-kgc and
 * roamd read them: de-armor, then the key-file loader's gate (the object's
 * header parses and its type is what the label says), then every object
 * decoder on the content.  A block that decodes must armor back to the same
 * text under its label.
 *
 * Few inputs get past the armor, but decoding one costs as much as
 * hundreds of armor checks (a point's subgroup check each), nearly always
 * to fail on a mutated point: fuzz_objects's part, which feeds the decoders
 * directly.  So only one object in DECODE_ONE_IN goes on to the decoders,
 * picked by a hash of its bytes: the same object always takes the same
 * path, and the run spends its time on the armor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "armor.h"
#include "format.h"
#include "objects.h"

#define DECODE_ONE_IN 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FNV-1a: a fixed function of the bytes, nothing more is asked of it. */
static uint32_t fnv1a(const uint8_t *p, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

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
    abe_obj_type type;
    const uint8_t *body;
    size_t body_len;
    if (abe_obj_parse_header(obj, obj_len, &type, &body, &body_len) == ABE_OK &&
        strcmp(label, abe_obj_label(type)) == 0 && fnv1a(obj, obj_len) % DECODE_ONE_IN == 0)
        fuzz_decode_objects(obj, obj_len);
    abe_free_secret(obj, obj_len);
    return 0;
}
