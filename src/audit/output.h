/* output.h - one `koban audit` job as the command line set it up, and
 * what it writes (output.c): the run records in the tamper-evident log,
 * devices, events, report and the notices. */
#ifndef KOBAN_AUDIT_OUTPUT_H
#define KOBAN_AUDIT_OUTPUT_H

#include "audit/audit.h"
#include "engine/config.h"

struct audit_job {
	const char *out_dir, *rate, *cred_path, *scope_file, *config_path, *lang, *ports, *scan;
	const char *scopes[AUDIT_MAX_SCOPES];
	size_t n_scopes;
	char **targets;
	size_t n_targets;
	bool authorized, verbose;
	struct config cfg;
	struct audit_opts opts;
	struct audit_scope scope;
	struct audit_creds creds;
	struct audit_host *hosts;   /* sorted by address, no duplicates */
	size_t n_hosts;
};

/* Runs the survey and writes everything into job->out_dir. Returns the
 * exit status: 0, or 3 for an output error, 1 when the survey failed. */
int audit_job_run(struct audit_job *job);

#endif
