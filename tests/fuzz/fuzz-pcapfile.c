/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the memory-mapped pcap reader (input/in-pcap.c): the input is a
 * whole capture file; every frame goes through the frame parser, the classifier and the
 * JSON writer, and every payload through the decoders with one decode state. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "decode/decode.h"
#include "input/pcap.h"
#include "output/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_pcap pc;
	struct tw_errctx ec;
	struct tw_event ev;
	struct tw_verdict v;
	struct tw_decoded d;
	struct tw_decode_state st;

	if (size > 1 << 20)
		return 0;
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&ec, 0, sizeof(ec));
	if (tw_pcap_open_mem(&pc, copy, size, 0, &ec) == TW_OK) {
		tw_decode_state_init(&st);
		int r;
		while ((r = tw_pcap_next(&pc, &ev, &ec)) != TW_EOF && r >= 0) {
			if (r != TW_OK)
				continue;
			struct tw_buf b;
			tw_classify(&ev, &v);
			tw_buf_init(&b);
			tw_out_json.write_event(&b, &ev, &v, "fuzz");
			if (tw_decode(&ev, &d, &st) == TW_OK && d.kind == TW_DEC_MESSENGER &&
			    d.status == TW_OK)
				tw_out_json_msg(&b, &d.msg);
			tw_buf_fini(&b);
		}
		tw_decode_state_fini(&st);
	}
	tw_pcap_close(&pc);
	free(copy);
	return 0;
}
