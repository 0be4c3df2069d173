/* nft.c - applies an nft script through libnftables, in one transaction
 * (the whole script is one netlink batch: all of it or nothing). */
#include <stdio.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "enforce/enforce.h"

int nft_apply(const char *script, char *err, size_t errsz)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		snprintf(err, errsz, "nftables: cannot create a context");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	int rc = nft_run_cmd_from_buffer(ctx, script);
	if (rc != 0) {
		const char *msg = nft_ctx_get_error_buffer(ctx);
		size_t n = msg ? strcspn(msg, "\n") : 0;
		snprintf(err, errsz, "nftables: %.*s", (int)(n > 400 ? 400 : n), msg && n ? msg : "command failed");
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}
