/* libFuzzer harness: the roam protocol as a server or client reads it from
 * its connection (src/proto/msg.h): the input is the byte stream, read frame
 * by frame (length header, size limit) and each payload decoded and
 * validated, until the stream fails or ends.  An envelope that is accepted
 * must be packed and accepted again unchanged in size. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* below the kernel's default AF_UNIX buffer, so one write never blocks */
#define STREAM_MAX (64u * 1024)

static void repack_or_abort(const roam_envelope *env)
{
    size_t n = roam__v1__envelope__get_packed_size(env);
    uint8_t *buf = malloc(n ? n : 1);
    if (buf == NULL || roam__v1__envelope__pack(env, buf) != n)
        abort();
    roam_envelope *again = NULL;
    char err[256];
    if (roam_msg_decode(buf, n, &again, err, sizeof err) != ROAM_OK)
        abort();
    if (roam__v1__envelope__get_packed_size(again) != n)
        abort();
    roam_msg_free(again);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];
    if (size > STREAM_MAX || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    if (size > 0 && write(sv[1], data, size) != (ssize_t)size)
        abort();
    close(sv[1]);

    roam_stream s = roam_stream_socket(sv[0]);
    for (;;) {
        roam_envelope *env = NULL;
        char err[256];
        if (roam_msg_recv(&s, &env, 1000, err, sizeof err) != ROAM_OK)
            break;
        repack_or_abort(env);
        roam_msg_free(env);
    }
    close(sv[0]);
    return 0;
}
