/* commands.h - one entry point per koban verb (src/cli/<verb>.c). */
#ifndef KOBAN_COMMANDS_H
#define KOBAN_COMMANDS_H

int cmd_analyze(int argc, char **argv); /* cli/analyze.c */
int cmd_log(int argc, char **argv);     /* cli/log.c: `log verify FILE` */
int cmd_devices(int argc, char **argv); /* cli/devices.c */
int cmd_events(int argc, char **argv);  /* cli/events.c */
int cmd_audit(int argc, char **argv);   /* cli/audit.c: active survey of the own network */
int cmd_share(int argc, char **argv);   /* cli/share.c: `share DIR --stix FILE` */
int cmd_watch(int argc, char **argv);   /* cli/watch.c: the live gateway daemon */
int cmd_ctl(int argc, char **argv);     /* cli/ctl.c: control a running `koban watch` */
int cmd_status(int argc, char **argv);  /* cli/status.c: `status ingest DIR REPORT...` (device reports) */

#endif
