/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for a source's stored state (classify/agg-state.c), which the store
 * reads back at every ingest: decoded with every length checked; a state that decodes
 * encodes to a blob that decodes again to the same encoding; it is merged into itself and
 * judged, so that the merge and the verdict see what a damaged store could hold. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/agg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tw_conf conf;
	static int ready;
	if (!ready) {
		tw_conf_defaults(&conf);
		ready = 1;
	}
	if (size > 1 << 20)
		return 0;
	/* An exact-size copy, so that ASan catches any read past the blob. */
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	struct tw_addr a;
	memset(&a, 0, sizeof(a));
	a.family = 4;
	struct tw_srcstate st, again;
	tw_srcstate_init(&st, &a);
	tw_srcstate_init(&again, &a);
	if (tw_srcstate_decode(&conf, &st, p, size) == TW_OK) {
		struct tw_buf b1, b2;
		tw_buf_init(&b1);
		tw_buf_init(&b2);
		tw_srcstate_encode(&conf, &st, &b1);
		if (!b1.oom && tw_srcstate_decode(&conf, &again, b1.p, b1.len) != TW_OK)
			abort(); /* what we wrote must read back */
		tw_srcstate_encode(&conf, &again, &b2);
		if (!b1.oom && !b2.oom && (b1.len != b2.len || memcmp(b1.p, b2.p, b1.len)))
			abort();
		struct tw_srcsum m;
		if (tw_srcstate_add(&conf, &st, &again.s) == TW_OK &&
		    tw_srcstate_judge(&conf, &st, 3, &m) == TW_OK)
			tw_srcsum_fini(&m);
		tw_buf_fini(&b1);
		tw_buf_fini(&b2);
	}
	tw_srcstate_fini(&st);
	tw_srcstate_fini(&again);
	free(p);
	return 0;
}
