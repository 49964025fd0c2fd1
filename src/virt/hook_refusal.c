/* The qemu hook's reason in a libvirt error (see hook_refusal.h). */
#include "hook_refusal.h"

#include <libvirt/virterror.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "virt.h"

/* libvirt 9.0: "Hook script execution failed: internal error: Child process
 * (ENV /etc/libvirt/hooks/qemu NAME migrate begin -) unexpected exit status
 * 1: REASON" (the hook's stderr). */
int roam_virt_hook_refusal(const char *msg, char *out, size_t cap)
{
    static const char status[] = "unexpected exit status ";
    if (!msg || !strstr(msg, "Hook script execution failed") || !strstr(msg, "hooks/qemu"))
        return 0;
    const char *s = strstr(msg, status);
    const char *colon = s ? strstr(s + sizeof status - 1, ": ") : NULL;
    if (!colon || !colon[2] || cap == 0)
        return 0;
    snprintf(out, cap, "%s", colon + 2);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    return n > 0;
}

int roam_virt_migrate_errf(char *err, size_t errlen, const char *vm, const char *uri)
{
    char reason[ROAM_ERR_MAX];
    if (roam_virt_hook_refusal(virGetLastErrorMessage(), reason, sizeof reason))
        return roam_errf(err, errlen, "migrating VM %s to %s refused by the destination: %s", vm,
                         uri, reason);
    return roam_virt_errf(err, errlen, "migrating VM %s to %s failed", vm, uri);
}
