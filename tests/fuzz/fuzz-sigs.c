/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the signature file parser (classify/sigs.c): the input is a rules
 * file; when it parses, a few events are matched against it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/sigs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_sigset s;
	struct tw_errctx ec;

	if (size > 200000)
		return 0;
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&ec, 0, sizeof(ec));
	if (tw_sigs_parse(copy, size, "fuzz", &s, &ec) == TW_OK) {
		struct tw_event ev;
		memset(&ev, 0, sizeof(ev));
		for (unsigned i = 0; i < 4; i++) {
			ev.proto = (uint8_t)(i == 0 ? 6 : i == 1 ? 17 : 1);
			ev.dport = (uint16_t)(i * 1000 + 135);
			ev.tcp_flags = (uint8_t)(i * 0x13);
			ev.payload_len = (uint16_t)(i * 125);
			ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_FLAGS | TW_EV_HAS_PAYLEN;
			ev.payload = (struct tw_span){copy, size < 8 ? size : 8};
			(void)tw_sigs_match(&s, &ev, NULL);
		}
		tw_sigs_free(&s);
	}
	free(copy);
	return 0;
}
