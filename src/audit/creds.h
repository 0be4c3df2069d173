/* creds.h - the login checks of `koban audit`, one file per protocol
 * (creds_telnet.c, creds_ftp.c, creds_http.c, creds_ssh.c, creds_mqtt.c).
 *
 * The rules every check follows (docs/audit.md, "Doing no harm"):
 *  - at most opts->max_attempts attempts on one service, including any
 *    check for "no login needed" (anonymous FTP, MQTT without a user);
 *  - one attempt at a time, opts->attempt_interval_ms apart (creds_pace);
 *  - the first accepted login ends the check: the session is closed at once,
 *    no command is sent, nothing is read or changed on the device;
 *  - passwords are sent to the device under test only, never recorded. */
#ifndef KOBAN_AUDIT_CREDS_H
#define KOBAN_AUDIT_CREDS_H

#include "audit/audit.h"

struct check {
	const struct audit_opts *o;
	const struct audit_creds *creds;
	const struct kaddr *ip;
	struct audit_service *svc;
	uint64_t last_us;          /* pacing: the last attempt on this service */
};

/* Waits for the pacing interval, then counts one attempt. False when the
 * service's budget (max_attempts) is spent. */
bool creds_pace(struct check *c);

/* Outcome of one attempt. */
enum try_result { TRY_REFUSED = 0, TRY_ACCEPTED, TRY_UNCLEAR, TRY_UNREACHABLE };

/* Tries the credential list in order with fn until one is accepted or the
 * budget is spent; fills svc->login (state, entry, user, method). */
typedef enum try_result (*try_fn)(struct check *c, const struct audit_cred *cred, void *arg);
void creds_try_list(struct check *c, const char *method, try_fn fn, void *arg);

void check_telnet(struct check *c);
void check_ftp(struct check *c);
void check_http(struct check *c, bool tls);
void check_rtsp(struct check *c);
void check_ssh(struct check *c);
void check_mqtt(struct check *c, bool tls);



/* Sets a banner from hostile bytes: line breaks and tabs become single
 * spaces, the rest is sanitised (text_clean_into). */
void banner_set(char *dst, size_t dstsz, const char *src, size_t n);
#endif
