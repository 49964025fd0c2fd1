/* libFuzzer harness: what roamd reads on its hook socket and roam-hook reads
 * back (src/roamd/hook_msg.h), and the domain XML allowlist
 * (src/virt/domxml_check.h) on the XML of a request that decodes.  The
 * first byte picks the request (even) or the answer (odd) decoder.  What
 * decodes encodes back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domxml_check.h"
#include "hook_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct roam_domxml_allow allow = {
    .emulators = { "/usr/bin/qemu-system-x86_64" },
    .bridges = { "br0" },
    .disk_dir = "/var/lib/libvirt/images",
    .boot_dirs = { "/var/lib/roam/boot" },
    .vm_dirs = { "/var/log/libvirt/qemu", "/var/lib/libvirt/qemu/channel/target" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > ROAMD_HOOK_REQ_MAX)
        return 0;
    char err[512];
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    if (data[0] & 1) {
        struct roamd_hook_ans a;
        uint8_t out[ROAMD_HOOK_ANS_MAX];
        if (roamd_hook_ans_decode(in, n, &a, err, sizeof err) != 0)
            return 0;
        long m = roamd_hook_ans_encode(&a, out, sizeof out);
        if (m < 0 || (size_t)m != n || memcmp(out, in, n) != 0)
            abort();
        return 0;
    }
    struct roamd_hook_req q;
    if (roamd_hook_req_decode(in, n, &q, err, sizeof err) != 0)
        return 0;
    uint8_t *out = malloc(n);
    long m = out ? roamd_hook_req_encode(q.name, q.xml, q.xml_len, out, n) : -1;
    if (m < 0 || (size_t)m != n || memcmp(out, in, n) != 0)
        abort();
    free(out);
    (void)roam_domxml_check(q.xml, q.xml_len, &allow, err, sizeof err);
    return 0;
}
