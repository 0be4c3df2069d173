/* test_config.c - the configuration file loader. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/config.h"
#include "test.h"

static const char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/koban-conf-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

int main(void)
{
	struct config c;
	char err[256];
	config_defaults(&c);
	CHECK_INT(c.flow_memory_kb, 65536);
	CHECK_INT(c.tcp_idle_timeout_s, 300);
	const char *p = write_tmp("# comment\n local_networks = 192.168.50.0/24, fd00::/8 \nflow_memory_kb=1024\n"
				  "log_key = s3cret-value\nlang = ja\n");
	CHECK(config_load(&c, p, err, sizeof err));
	CHECK_INT(c.n_local_nets, 2);
	CHECK_INT(c.flow_memory_kb, 1024);
	CHECK_STR(c.log_key, "s3cret-value");
	CHECK_STR(c.lang, "ja");
	unlink(p);

	config_defaults(&c);
	p = write_tmp("flow_memory_kb = -5\n");
	CHECK(!config_load(&c, p, err, sizeof err));
	CHECK(strstr(err, ":1:") != NULL);
	unlink(p);
	p = write_tmp("\n\nno_such_key = 1\n");
	CHECK(!config_load(&c, p, err, sizeof err));
	CHECK(strstr(err, ":3:") && strstr(err, "unknown key"));
	unlink(p);
	p = write_tmp("local_networks = 10.0.0.0/99\n");
	CHECK(!config_load(&c, p, err, sizeof err));
	unlink(p);
	p = write_tmp("just some words\n");
	CHECK(!config_load(&c, p, err, sizeof err));
	unlink(p);
	CHECK(!config_load(&c, "/nonexistent/koban.conf", err, sizeof err));
	CHECK(strstr(err, "/nonexistent/koban.conf") != NULL);
	return test_summary();
}
