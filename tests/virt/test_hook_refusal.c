/* The qemu hook's reason found in libvirt's error message (as libvirt 9.0
 * words it at the source), and other errors left alone. */
#include <string.h>

#include "errbuf.h"
#include "hook_refusal.h"
#include "tap.h"

int main(void)
{
    char out[ROAM_ERR_MAX];
    const char *msg = "Hook script execution failed: internal error: Child process (LC_ALL=C "
                      "PATH=/usr/sbin:/usr/bin HOME=/root /etc/libvirt/hooks/qemu roam-vm "
                      "migrate begin -) unexpected exit status 1: no admission for roam-vm "
                      "(never granted, expired or rolled back)\n";
    tap_ok(roam_virt_hook_refusal(msg, out, sizeof out) == 1 &&
           strcmp(out, "no admission for roam-vm (never granted, expired or rolled back)") == 0,
           "the hook's reason (%s)", out);
    tap_ok(roam_virt_hook_refusal(msg, out, 12) == 1 && strcmp(out, "no admissio") == 0,
           "cut to fit");
    tap_eq(roam_virt_hook_refusal("operation failed: migration job: unexpectedly failed", out,
                                  sizeof out), 0, "another libvirt error: not a refusal");
    tap_eq(roam_virt_hook_refusal("Hook script execution failed: internal error: Child process "
                                  "(/etc/libvirt/hooks/qemu x migrate begin -) unexpected exit "
                                  "status 1: ", out, sizeof out), 0,
           "a hook that said nothing: not a refusal with a reason");
    tap_eq(roam_virt_hook_refusal(NULL, out, sizeof out), 0, "no message");
    return tap_done();
}
