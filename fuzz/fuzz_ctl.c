/* fuzz_ctl.c - libFuzzer target for the control protocol parser
 * (daemon/ctlproto.c): the input is one request line from a local user. */
#include <stddef.h>
#include <stdint.h>

#include "daemon/ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request r;
	char err[128];
	ctl_parse((const char *)data, size, &r, err, sizeof err);
	return 0;
}
