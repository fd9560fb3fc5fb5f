/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for the configuration parser (core/conf.c, on libinih): the input
 * is a configuration file; when it parses, its thresholds and windows drive the per-source
 * analysis of a few generated events, so that odd values reach the window code too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/agg.h"
#include "core/conf.h"
#include "shield/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_conf c;
	struct tw_errctx ec;

	if (size > 65536 || memchr(data, '\0', size))
		return 0; /* tw_conf_load refuses both before parsing */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	tw_conf_defaults(&c);
	memset(&ec, 0, sizeof(ec));
	if (tw_conf_parse(text, "fuzz", &c, &ec) == TW_OK) {
		struct tw_agg a;
		struct tw_event ev;
		struct tw_verdict v = {.cls = TW_CLS_OTHER, .why = "x", .weight = 1};
		tw_agg_init(&a, &c);
		memset(&ev, 0, sizeof(ev));
		for (unsigned i = 0; i < 200; i++) {
			ev.src.family = ev.dst.family = TW_AF_INET;
			ev.src.b[3] = (uint8_t)(i % 3);
			ev.dst.b[3] = (uint8_t)(i % 70);
			ev.proto = i & 1 ? 6 : 17;
			ev.dport = (uint16_t)(i * 7);
			ev.ts = (int64_t)i * 37 * 1000000000ll;
			ev.ttl = (uint8_t)(i * 13);
			ev.tcp_flags = 2;
			ev.has = TW_EV_HAS_PORTS | TW_EV_HAS_TS | TW_EV_HAS_TTL | TW_EV_HAS_FLAGS;
			(void)tw_agg_add_raw(&a, &ev, &v, text, size < 40 ? size : 40, i & 1);
		}
		size_t n;
		tw_agg_summary_free(tw_agg_summarise(&a, 3, &n));
		/* The auto-ban policy with these values: windows, thresholds, escalation. */
		struct tw_banner bn;
		uint32_t probes;
		tw_banner_init(&bn, 64);
		for (unsigned i = 0; i < 200; i++) {
			ev.src.b[3] = (uint8_t)(i % 97);
			ev.ts = (int64_t)i * 37 * 1000000000ll;
			if (tw_banner_probe(&bn, &c, &ev, ev.ts, &probes))
				tw_banner_banned(&bn, &ev.src, ev.ts + tw_ban_duration(&c, i));
		}
		tw_banner_fini(&bn);
		tw_agg_fini(&a);
	}
	free(text);
	return 0;
}
