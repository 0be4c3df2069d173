/* status_verify.h - the gateway side of libkoban-device's status report:
 * the makers koban trusts (a directory of enrolled public keys), checking a
 * report's certificate and signature, deciding what it shows (a failed
 * update, an unchanged default password, firmware older than the deadline)
 * and recording it into the store as a device and events.
 * Report format: docs/device-library.md. */
#ifndef KOBAN_STATUS_VERIFY_H
#define KOBAN_STATUS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "koban_device.h"

struct store;

#define MAKER_NAME_MAX 64

struct maker_key {
	char name[MAKER_NAME_MAX]; /* the file name without ".pub" */
	uint8_t pub[32];
	uint8_t kid[8];            /* first 8 bytes of SHA-256 of pub */
};

struct maker_keys {
	struct maker_key *v;
	size_t n;
};

/* Parses a public key file: '#' comment lines, then one line of 64 hex
 * digits (an Ed25519 public key), optionally followed by white space and a
 * comment. Returns 0, or -1 with the reason in err. */
int maker_key_parse(const char *text, size_t len, uint8_t pub[32], char *err, size_t errsz);
/* Loads every DIR/NAME.pub (at most 256, each under 4 KiB). A bad file is an
 * error naming it. Returns 0 or -1 with err. */
int maker_keys_load(struct maker_keys *mk, const char *dir, char *err, size_t errsz);
void maker_keys_free(struct maker_keys *mk);

enum status_result {
	STATUS_VALID = 0,
	STATUS_MALFORMED,      /* not a report: bad CBOR/COSE or claims */
	STATUS_UNKNOWN_MAKER,  /* its certificate is signed by a key not enrolled */
	STATUS_BAD_SIGNATURE,  /* certificate or report signature does not verify */
};
const char *status_result_str(enum status_result r);

/* Verifies a report. s is filled as far as parsing got (unverified claims
 * on failure, for the evidence); *maker names the enrolled maker on success. */
enum status_result status_verify_report(const struct maker_keys *mk, const uint8_t *buf, size_t len,
					struct kd_status *s, const struct maker_key **maker);

/* What a verified report shows. */
#define FINDING_UPDATE_FAILED 0x1
#define FINDING_DEFAULT_PASSWORD 0x2
#define FINDING_FIRMWARE_OUTDATED 0x4

struct status_policy {
	bool has_deadline;
	int64_t firmware_deadline; /* days since 1970: firmware released before it is outdated */
};
unsigned status_findings(const struct kd_status *s, const struct status_policy *p);

/* Records one report into the store: for a valid report the device (keyed
 * by the MAC it reports, merged with what the store already knows about
 * it; skipped when the report carries no MAC) and one event per finding;
 * for an invalid one a `status-invalid` event. `source` names the report
 * (file) in the evidence; dbpath is DIR/koban.db, read for the merge.
 * Returns the number of events, or -1 with err. */
int status_record(struct store *st, const char *dbpath, enum status_result res, const struct kd_status *s,
		  const struct maker_key *maker, const struct status_policy *p, const char *source,
		  const uint8_t *buf, size_t len, char *err, size_t errsz);

#endif
