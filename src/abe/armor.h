/* PEM-style armor around roam objects:
 *
 *   -----BEGIN ROAM USER KEY-----
 *   <base64, 64 characters a line, the last line shorter>
 *   -----END ROAM USER KEY-----
 *
 * Strict decoding: exactly one block, the BEGIN line first, LF line ends,
 * every line but the last exactly 64 characters, standard alphabet with
 * canonical padding, the END label equal to the BEGIN label, at most one
 * newline after the END line, and nothing else. */
#ifndef ROAM_ABE_ARMOR_H
#define ROAM_ABE_ARMOR_H

#include <stddef.h>
#include <stdint.h>

#define ABE_ARMOR_MAX_LABEL 64
#define ABE_ARMOR_MAX_DATA (1u << 20)

/* Armors data under label; *out is a malloc'd NUL-terminated string (cleanse
 * it before freeing if data is secret).  0 or -1. */
int abe_armor_encode(const char *label, const uint8_t *data, size_t len, char **out,
                     size_t *out_len);

/* Decodes text; label receives the label, *data a malloc'd buffer.  0, or
 * -1 with a static reason in *why. */
int abe_armor_decode(const char *text, size_t len, char label[ABE_ARMOR_MAX_LABEL + 1],
                     uint8_t **data, size_t *data_len, const char **why);

#endif
