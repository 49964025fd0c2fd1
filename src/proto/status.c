/* Names for roam_status values (see status.h). */
#include "status.h"

const char *roam_status_name(roam_status st)
{
    switch (st) {
    case ROAM_OK: return "ok";
    case ROAM_CLOSED: return "connection closed";
    case ROAM_EIO: return "I/O error";
    case ROAM_ETIMEDOUT: return "timed out";
    case ROAM_EFRAME: return "bad frame length";
    case ROAM_EDECODE: return "undecodable message";
    case ROAM_EVERSION: return "protocol version mismatch";
    case ROAM_EINVALID: return "invalid message";
    case ROAM_EUNEXPECTED: return "unexpected message";
    case ROAM_EPEER: return "peer reported an error";
    }
    return "unknown status";
}
