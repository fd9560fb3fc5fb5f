/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the whois answer parser: any bytes as a port-43 answer. What it
 * extracts must be bounded strings and only addresses that pass the checks. */
#include <stdint.h>
#include <string.h>

#include "enrich/abuse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	struct tw_whois_answer w;
	tw_whois_parse((const char *)data, size, &w);
	for (unsigned i = 0; i < w.abuse.n; i++)
		if (tw_abuse_email_refused(w.abuse.email[i], strlen(w.abuse.email[i])))
			__builtin_trap();
	if (strlen(w.refer) >= sizeof(w.refer) || strlen(w.abuse.how) >= sizeof(w.abuse.how))
		__builtin_trap();
	char q[200];
	tw_whois_query(w.refer[0] ? w.refer : "whois.arin.net", "192.0.2.1", q, sizeof(q));
	return 0;
}
