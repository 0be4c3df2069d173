/* out_stdout.c - the stdout alert output: one alert per line as compact
 * JSON (UTF-8, strings escaped by jansson), flushed at once so that a pipe
 * reader sees each alert when it happens. */
#include <stdlib.h>

#include "alert/alert_int.h"

struct out_stdout {
	struct alert_out base;
	FILE *f;
};

static int stdout_send(struct alert_out *o, json_t *alert)
{
	FILE *f = ((struct out_stdout *)o)->f;
	if (json_dumpf(alert, f, JSON_COMPACT) != 0 || fputc('\n', f) == EOF || fflush(f) != 0)
		return -1;
	return 0;
}

static void stdout_destroy(struct alert_out *o)
{
	free(o);
}

struct alert_out *out_stdout_new(FILE *f)
{
	struct out_stdout *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->base.send = stdout_send;
	o->base.destroy = stdout_destroy;
	o->f = f;
	return &o->base;
}
