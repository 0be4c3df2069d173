/* devtool.h - koban-device-tool, the maker's host tool for libkoban-device:
 * keys, signed images, factory provisioning, label passwords, checking
 * exported event logs and status reports, and the verify benchmark. */
#ifndef DEVTOOL_H
#define DEVTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kd_backend.h"
#include "koban_device.h"

/* Whole file into a new buffer (at most max bytes); NULL with a message. */
uint8_t *dt_read_file(const char *path, size_t max, size_t *len);
int dt_write_file(const char *path, const void *p, size_t n, int mode);
/* A key file (comments, then 64 hex digits): the seed or the public key. */
int dt_read_key(const char *path, uint8_t key[32]);
void dt_hex(const uint8_t *p, size_t n, char *out);
/* Seconds since 1970 of today (UTC) or of "YYYY-MM-DD". */
bool dt_date_secs(const char *s, uint64_t *secs);

int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_provision(int argc, char **argv);
int cmd_label(int argc, char **argv);
int cmd_log_verify(int argc, char **argv);
int cmd_status_show(int argc, char **argv);

#endif
