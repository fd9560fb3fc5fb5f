/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the contact list parser ([report] contacts): the first byte says
 * whether reserved domains pass, the rest is the file; then a few look-ups. */
#include <stdint.h>
#include <string.h>

#include "enrich/contacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 20)
		return 0;
	struct tw_contacts cs;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	if (tw_contacts_parse((const char *)data + 1, size - 1, "fuzz", data[0] & 1, &cs, &ec) ==
	    TW_OK) {
		static const char *const probe[] = {"5.6.7.8", "0.0.0.0", "2001:db8::1", "::"};
		for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
			struct tw_addr a;
			tw_addr_parse(probe[i], strlen(probe[i]), &a);
			const struct tw_contact *c = tw_contacts_find(&cs, &a);
			if (c && strlen(c->mailbox) >= sizeof(c->mailbox))
				__builtin_trap();
		}
		tw_contacts_fini(&cs);
	}
	return 0;
}
