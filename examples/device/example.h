/* example.h - the example device built on libkoban-device: one process
 * start is one power-on (the flash file keeps its state), it boots through
 * the library's boot decision, runs the trial self-test of a new image,
 * and then does one job: serve, update, report, change the password ... */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kd_backend.h"
#include "kd_http.h"
#include "koban_device.h"

struct ex {
	char path[4096];         /* the flash file */
	struct kd_file_flash flash;
	struct kd_device dev;
	struct kd_config cfg;
	char *credlist;          /* koban's default-credential list, for the strength check */
	size_t credlen;
	bool has_mac;
	uint8_t mac[6];
	uint8_t work[4096];
};

/* boot.c */
int ex_power_on(struct ex *x);
void ex_print_state(struct ex *x);

/* net.c: http://HOST[:PORT]/PATH only */
int ex_connect(const char *url, char *host, size_t hostsz, char *path, size_t pathsz);
int ex_read_head(int fd, char *buf, size_t cap, size_t *got, struct kd_http_head *h, bool request);
int ex_write_all(int fd, const void *p, size_t n);
int ex_update(struct ex *x, const char *url);
int ex_report(struct ex *x, const char *dest);

/* service.c */
int ex_serve(struct ex *x, const char *addr, int port, long requests);

#endif
