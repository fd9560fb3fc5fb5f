/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for captured frames (input/packet.c, input/ipfrag.c) and, through the
 * payload classifier, every decoder: the input is a sequence of frames, each "u16 length
 * (little-endian), u8 link type selector, bytes", parsed in order with one reassembly
 * table so that IP fragments meet. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "input/input.h"
#include "input/packet.h"
#include "output/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = {TW_LINK_ETHERNET, TW_LINK_SLL,  TW_LINK_SLL2, TW_LINK_RAW,
				    TW_LINK_NULL,     TW_LINK_LOOP, TW_LINK_IPV4, TW_LINK_IPV6};
	struct tw_ipfrag frag;
	struct tw_event ev;
	struct tw_verdict v;
	int64_t ts = 1000000000;

	if (size > 300000)
		return 0;
	tw_ipfrag_init(&frag);
	while (size >= 3) {
		size_t n = (size_t)(data[0] | data[1] << 8);
		int link = links[data[2] % (sizeof(links) / sizeof(links[0]))];
		data += 3;
		size -= 3;
		if (n > size)
			n = size;
		uint8_t *p = malloc(n ? n : 1);
		if (!p)
			break;
		memcpy(p, data, n);
		memset(&ev, 0, sizeof(ev));
		struct tw_pkt_ctx ctx = {&frag, NULL};
		if (tw_pkt_parse(link, p, n, n, ts += 1000, &ev, &ctx) == TW_OK) {
			struct tw_buf b;
			tw_classify(&ev, &v);
			tw_buf_init(&b);
			tw_out_json.write_event(&b, &ev, &v, "fuzz");
			tw_buf_fini(&b);
		}
		free(p);
		data += n;
		size -= n;
	}
	tw_ipfrag_fini(&frag);
	return 0;
}
