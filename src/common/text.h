/* Rules for text that crosses the wire: well-formed UTF-8 without control
 * characters (tab and newline allowed), because peer text ends up in logs
 * and on terminals.  The validator refuses other text; the sanitizer makes
 * our own outgoing text (e.g. a libvirt error) acceptable. */
#ifndef ROAM_COMMON_TEXT_H
#define ROAM_COMMON_TEXT_H

#include <stddef.h>

/* Offset of the first offending byte of NUL-terminated s, or (size_t)-1 if
 * s is acceptable.  *why says "control character" or "invalid UTF-8". */
size_t roam_text_check(const char *s, const char **why);

/* Copy src into dst (cap bytes, cap >= 2), replacing each offending byte
 * with '?' and cutting at a character boundary to fit.  Empty input gives
 * "?", so the result always satisfies a non-empty rule. */
void roam_text_clean(char *dst, size_t cap, const char *src);

#endif
