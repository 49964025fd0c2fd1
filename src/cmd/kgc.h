/* roam-kgc's subcommands (one file each); each returns an exit code. */
#ifndef ROAM_CMD_KGC_H
#define ROAM_CMD_KGC_H

int kgc_setup(int argc, char **argv);
int kgc_keygen(int argc, char **argv);
int kgc_inspect(int argc, char **argv);

#endif
