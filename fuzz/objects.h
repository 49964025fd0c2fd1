/* The stored-object decoders that fuzz_armor and fuzz_objects share. */
#ifndef ROAM_FUZZ_OBJECTS_H
#define ROAM_FUZZ_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

/* Gives in to every object decoder (MPK, MSK, user key, ciphertext); each
 * refuses what is not its type.  An MPK or user key that decodes must
 * encode back to the same bytes, or this aborts. */
void fuzz_decode_objects(const uint8_t *in, size_t len);

#endif
