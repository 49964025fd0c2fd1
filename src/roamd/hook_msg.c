/* Encoding and decoding of the hook's request and answer (see hook_msg.h). */
#include "hook_msg.h"

#include <string.h>

#include "bytebuf.h"
#include "errbuf.h"
#include "text.h"

static const char req_magic[4] = { 'R', 'H', 'Q', '1' };
static const char ans_magic[4] = { 'R', 'H', 'A', '1' };

long roamd_hook_req_encode(const char *name, const char *xml, size_t xml_len, uint8_t *out,
                           size_t cap)
{
    size_t n = strlen(name);
    if (n == 0 || n > ROAMD_HOOK_NAME_MAX || xml_len == 0 || xml_len > ROAMD_HOOK_XML_MAX)
        return -1;
    struct roam_wbuf w;
    roam_wbuf_init(&w, out, cap);
    roam_wbuf_bytes(&w, req_magic, 4);
    roam_wbuf_u16be(&w, (uint16_t)n);
    roam_wbuf_bytes(&w, name, n);
    roam_wbuf_u32be(&w, (uint32_t)xml_len);
    roam_wbuf_bytes(&w, xml, xml_len);
    return w.err ? -1 : (long)w.len;
}

long roamd_hook_ans_encode(const struct roamd_hook_ans *a, uint8_t *out, size_t cap)
{
    size_t n = strlen(a->reason);
    if (n > ROAMD_HOOK_REASON_MAX || (!a->allow && n == 0))
        return -1;
    struct roam_wbuf w;
    roam_wbuf_init(&w, out, cap);
    roam_wbuf_bytes(&w, ans_magic, 4);
    roam_wbuf_u8(&w, a->allow ? 0 : 1);
    roam_wbuf_u16be(&w, (uint16_t)n);
    roam_wbuf_bytes(&w, a->reason, n);
    return w.err ? -1 : (long)w.len;
}

/* A length-prefixed string of at most max bytes into out (max + 1), which
 * must be one line of clean text. */
static int get_line(struct roam_rbuf *r, char *out, size_t max, int may_be_empty,
                    const char *what, char *err, size_t errlen)
{
    uint16_t n = 0;
    if (roam_rbuf_u16be(r, &n) < 0 || n > max || (!n && !may_be_empty))
        return roam_errf(err, errlen, "hook message: bad %s length %u", what, n);
    if (roam_rbuf_bytes(r, out, n) < 0)
        return roam_errf(err, errlen, "hook message: truncated %s", what);
    out[n] = '\0';
    const char *why;
    if (memchr(out, '\0', n) || strchr(out, '\n') || roam_text_check(out, &why) != (size_t)-1)
        return roam_errf(err, errlen, "hook message: %s is not one line of text", what);
    return 0;
}

static int get_magic(struct roam_rbuf *r, const char magic[4], char *err, size_t errlen)
{
    const uint8_t *m = roam_rbuf_take(r, 4);
    if (!m || memcmp(m, magic, 4) != 0)
        return roam_errf(err, errlen, "hook message: not a roam hook message");
    return 0;
}

int roamd_hook_req_decode(const uint8_t *buf, size_t len, struct roamd_hook_req *q, char *err,
                          size_t errlen)
{
    memset(q, 0, sizeof *q);
    struct roam_rbuf r;
    roam_rbuf_init(&r, buf, len);
    uint32_t n = 0;
    if (get_magic(&r, req_magic, err, errlen) < 0 ||
        get_line(&r, q->name, ROAMD_HOOK_NAME_MAX, 0, "VM name", err, errlen) < 0)
        return -1;
    if (roam_rbuf_u32be(&r, &n) < 0 || n == 0 || n > ROAMD_HOOK_XML_MAX)
        return roam_errf(err, errlen, "hook message: bad XML length %u", n);
    const uint8_t *x = roam_rbuf_take(&r, n);
    if (!x)
        return roam_errf(err, errlen, "hook message: truncated XML");
    if (roam_rbuf_done(&r) < 0)
        return roam_errf(err, errlen, "hook message: trailing bytes");
    q->xml = (const char *)x;
    q->xml_len = n;
    return 0;
}

int roamd_hook_ans_decode(const uint8_t *buf, size_t len, struct roamd_hook_ans *a, char *err,
                          size_t errlen)
{
    memset(a, 0, sizeof *a);
    struct roam_rbuf r;
    roam_rbuf_init(&r, buf, len);
    uint8_t v = 0;
    if (get_magic(&r, ans_magic, err, errlen) < 0)
        return -1;
    if (roam_rbuf_u8(&r, &v) < 0 || v > 1)
        return roam_errf(err, errlen, "hook message: bad verdict");
    if (get_line(&r, a->reason, ROAMD_HOOK_REASON_MAX, v == 0, "reason", err, errlen) < 0)
        return -1;
    if (roam_rbuf_done(&r) < 0)
        return roam_errf(err, errlen, "hook message: trailing bytes");
    a->allow = v == 0;
    return 0;
}
