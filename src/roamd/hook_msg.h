/* The messages between libvirt's qemu hook (roam-hook) and roamd on the
 * same host: one request (the VM's name and the incoming domain XML), one
 * answer (allow, or refuse with a one-line reason).  Binary, big-endian
 * lengths, every field bounded; the decoders take untrusted bytes. */
#ifndef ROAMD_HOOK_MSG_H
#define ROAMD_HOOK_MSG_H

#include <stddef.h>
#include <stdint.h>

#define ROAMD_HOOK_NAME_MAX 255             /* a libvirt domain name */
#define ROAMD_HOOK_XML_MAX ((size_t)1 << 20)  /* the hook refuses bigger XML */
#define ROAMD_HOOK_REASON_MAX 300
/* Whole messages: magic, lengths and fields. */
#define ROAMD_HOOK_REQ_MAX (4 + 2 + ROAMD_HOOK_NAME_MAX + 4 + ROAMD_HOOK_XML_MAX)
#define ROAMD_HOOK_ANS_MAX (4 + 1 + 2 + ROAMD_HOOK_REASON_MAX)

struct roamd_hook_req {
    char name[ROAMD_HOOK_NAME_MAX + 1];
    const char *xml;     /* borrowed from the decoded buffer, not NUL-terminated */
    size_t xml_len;
};

struct roamd_hook_ans {
    int allow;
    char reason[ROAMD_HOOK_REASON_MAX + 1];   /* "" when allowed */
};

/* Encode into out (cap bytes).  Length written, or -1 if a field is empty
 * or too long, or it does not fit. */
long roamd_hook_req_encode(const char *name, const char *xml, size_t xml_len, uint8_t *out,
                           size_t cap);
long roamd_hook_ans_encode(const struct roamd_hook_ans *a, uint8_t *out, size_t cap);

/* Decode exactly len bytes.  0, or -1 with err: bad magic, a length over
 * its bound, trailing bytes, a name or reason that is not clean text. */
int roamd_hook_req_decode(const uint8_t *buf, size_t len, struct roamd_hook_req *r, char *err,
                          size_t errlen);
int roamd_hook_ans_decode(const uint8_t *buf, size_t len, struct roamd_hook_ans *a, char *err,
                          size_t errlen);

#endif
