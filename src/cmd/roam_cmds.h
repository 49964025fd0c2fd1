/* The user tool's subcommands (one file each).  `migrate` joins them in its
 * own issue: add a file and a row in roam.c's table. */
#ifndef ROAM_CMD_ROAM_CMDS_H
#define ROAM_CMD_ROAM_CMDS_H

/* roam check: 0 satisfied, 1 not satisfied, 2 error. */
int roam_check(int argc, char **argv);

/* roam migrate (roam_migrate.c): 0 migrated, 1 refused or failed, 2 error. */
int roam_migrate(int argc, char **argv);

/* roam policy (roam_policy.c): 0 done, 1 no policy or libvirt failure,
 * 2 usage error or invalid policy. */
int roam_policy(int argc, char **argv);

#endif
