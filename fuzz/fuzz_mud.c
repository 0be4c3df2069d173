/* fuzz_mud.c - libFuzzer target for the MUD profile parser (enforce/mud.c):
 * the input is a MUD file. A parsed policy also goes through its JSON form
 * and back, through rule generation and through the packet check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/enforce.h"
#include "enforce/mud.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct mud_policy *p = mud_parse((const char *)data, size, err, sizeof err);
	if (!p)
		return 0;
	json_t *j = mud_to_json(p);
	struct mud_policy *q = mud_from_json(j, err, sizeof err);
	if (!q || q->n != p->n)
		abort();
	json_decref(j);
	struct kprefix local;
	kprefix_parse(&local, "192.168.0.0/16");
	struct kaddr peer;
	kaddr_parse(&peer, "203.0.113.10");
	mud_permits(q, MUD_FROM_DEVICE, &peer, 6, 40000, 443, true, &local, 1);
	mud_permits(q, MUD_TO_DEVICE, &peer, 17, 123, 40000, false, &local, 1);
	struct enf_set s;
	enf_set_init(&s);
	struct enf_action a = {.kind = ENF_MUD, .enforced = true, .mud = q};
	a.dev.has_mac = true;
	a.dev.mac[0] = 2;
	kaddr_parse(&a.dev.ips[a.dev.n_ips++], "192.168.1.5");
	enf_set_add(&s, &a);
	struct enf_rules_in in = {.set = &s, .local = &local, .n_local = 1};
	free(nft_rules_text(&in));
	enf_set_free(&s);
	mud_free(p);
	return 0;
}
