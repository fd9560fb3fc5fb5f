/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for one payload decoder, named at build time by TW_FUZZ_DECODER (its
 * registry symbol) with the protocol and port it is offered on (TW_FUZZ_PROTO,
 * TW_FUZZ_PORT). The input is a sequence of payloads, each "u16 length (little-endian),
 * u8 bytes cut by the snap length, bytes", decoded in order with one decode state, so that
 * reassembly (DCE/RPC fragments, SMB multi-block messages) is fuzzed too; every decoded
 * message is written as JSON, so that code page conversion and escaping are fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "output/output.h"

#ifndef TW_FUZZ_DECODER
#error "TW_FUZZ_DECODER must name a decoder"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_decode_state st;
	struct tw_event ev;
	struct tw_decoded d;

	if (size > 200000)
		return 0;
	tw_decode_state_init(&st);
	while (size >= 3) {
		size_t n = (size_t)(data[0] | data[1] << 8), cut = data[2];
		data += 3;
		size -= 3;
		if (n > size)
			n = size;
		/* An exact-size copy, so that ASan catches any read past the payload. */
		uint8_t *p = malloc(n ? n : 1);
		if (!p)
			break;
		memcpy(p, data, n);
		memset(&ev, 0, sizeof(ev));
		ev.proto = TW_FUZZ_PROTO;
		ev.src.family = ev.dst.family = TW_AF_INET;
		ev.src.b[0] = 198;
		ev.dst.b[0] = 192;
		ev.sport = 1027;
		ev.dport = TW_FUZZ_PORT;
		ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_PAYLEN;
		ev.payload = (struct tw_span){(const char *)p, n > cut ? n - cut : 0};
		ev.payload_len = (uint16_t)(n > 65535 ? 65535 : n);
		int r = TW_FUZZ_DECODER.decode(&ev, &d, &st);
		if (r == TW_OK && d.kind == TW_DEC_MESSENGER && d.status == TW_OK) {
			struct tw_buf b;
			tw_buf_init(&b);
			tw_out_json_msg(&b, &d.msg);
			tw_buf_fini(&b);
		}
		if (r == TW_OK) { /* the live evidence line (the daemon's), small on purpose */
			char line[96] = "nflog";
			size_t l = tw_out_decoded_line(&d, line, 5, sizeof(line));
			if (l >= sizeof(line) || line[l] != '\0')
				__builtin_trap();
		}
		free(p);
		data += n;
		size -= n;
	}
	tw_decode_state_fini(&st);
	return 0;
}
