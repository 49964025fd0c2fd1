/* Whether two HOST[:PORT] name the same server, as roam migrate decides
 * it before any connection: by value for addresses, case-insensitively
 * for names, with the default port filled in. */
#include <string.h>

#include "hostport.h"
#include "tap.h"

int main(void)
{
    tap_ok(roam_same_hostport("[::1]", "[0:0::1]:7443", "7443") == 1,
           "IPv6 literals compare by value, default port filled in");
    tap_ok(roam_same_hostport("::1", "[::1]:7443", "7443") == 1, "bare and bracketed IPv6");
    tap_ok(roam_same_hostport("[2001:db8::1]:7443", "[2001:DB8:0::1]", "7443") == 1,
           "IPv6 hex digits in any case");
    tap_ok(roam_same_hostport("VMS1.Example.org.", "vms1.example.org:7443", "7443") == 1,
           "names case-insensitively, final dot ignored");
    tap_ok(roam_same_hostport("127.0.0.1:07443", "127.0.0.1", "7443") == 1,
           "ports by number");
    tap_ok(roam_same_hostport("[::1]:7443", "[::1]:7444", "7443") == 0, "other port");
    tap_ok(roam_same_hostport("vms1", "vms2", "7443") == 0, "other name");
    tap_ok(roam_same_hostport("127.0.0.1", "::ffff:127.0.0.1", "7443") == 0,
           "IPv4 and its mapped IPv6 form are different servers");
    tap_ok(roam_same_hostport("localhost", "127.0.0.1", "7443") == 0, "names are not resolved");
    tap_ok(roam_same_hostport("[::1]:99999", "[::1]", "7443") == -1, "malformed port");
    tap_ok(roam_same_hostport("a", "[::1", "7443") == -1, "malformed host");

    /* The configuration readers keep the port given so far as the default,
     * so the default and the output are one buffer: a value without a port
     * must leave it as it is (no overlapping copy; ASan checks). */
    char host[64], port[8] = "7400";
    tap_ok(roam_split_hostport("vms1.example.org", host, sizeof host, port, sizeof port,
                               port) == 0 &&
               strcmp(host, "vms1.example.org") == 0 && strcmp(port, "7400") == 0,
           "default port in the output buffer itself: kept");
    tap_ok(roam_split_hostport("[::1]:9000", host, sizeof host, port, sizeof port, port) == 0 &&
               strcmp(host, "::1") == 0 && strcmp(port, "9000") == 0,
           "default port in the output buffer itself: replaced by the given one");
    return tap_done();
}
