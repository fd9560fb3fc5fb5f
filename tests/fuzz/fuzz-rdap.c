/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the RDAP parsers: the first byte picks an "ip network" answer
 * (abuse e-mails typed only, or any of an abuse role) or an IANA bootstrap file, which is
 * then asked for a few addresses. */
#include <stdint.h>
#include <string.h>

#include "enrich/abuse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 20)
		return 0;
	unsigned pick = data[0] % 3;
	const char *s = (const char *)data + 1;
	size--;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (pick < 2) {
		struct tw_rdap_net net;
		if (tw_rdap_parse(s, size, pick == 0, &net, &ec) == TW_OK)
			for (unsigned i = 0; i < net.abuse.n; i++)
				if (tw_abuse_email_refused(net.abuse.email[i],
							   strlen(net.abuse.email[i])))
					__builtin_trap(); /* only good addresses are kept */
		return 0;
	}
	struct tw_bootstrap bs;
	memset(&bs, 0, sizeof(bs));
	if (tw_bootstrap_add(&bs, s, size, &ec) == TW_OK) {
		static const char *const probe[] = {"1.1.1.1", "62.239.237.1", "255.255.255.255",
						    "::",      "2001:db8::1",  "2a00::1"};
		for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
			struct tw_addr a;
			tw_addr_parse(probe[i], strlen(probe[i]), &a);
			const char *u = tw_bootstrap_find(&bs, &a);
			if (u && u[strlen(u) - 1] != '/')
				__builtin_trap(); /* base URLs end in '/' */
		}
	}
	tw_bootstrap_fini(&bs);
	return 0;
}
