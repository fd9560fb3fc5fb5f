/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Field helpers the line formats share (input-int.h): an address with its port. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"

int tw_in_endpoint(struct tw_span s, bool port_last, struct tw_addr *a, uint16_t *port,
		   bool *has_port)
{
	struct tw_span h = s, ps = {NULL, 0};
	uint32_t v;
	if (s.len && s.p[0] == '[') {
		const char *rb = memchr(s.p, ']', s.len);
		if (!rb)
			return TW_E_INVALID;
		h = (struct tw_span){s.p + 1, (size_t)(rb - s.p - 1)};
		size_t rest = s.len - (size_t)(rb + 1 - s.p);
		if (rest) {
			if (rb[1] != ':')
				return TW_E_INVALID;
			ps = (struct tw_span){rb + 2, rest - 1};
		}
	} else {
		const char *colon = s.len ? memrchr(s.p, ':', s.len) : NULL;
		if (colon && (port_last || memchr(s.p, ':', s.len) == colon)) {
			h.len = (size_t)(colon - s.p);
			ps = (struct tw_span){colon + 1, s.len - h.len - 1};
		}
	}
	if (tw_addr_parse(h.p, h.len, a))
		return TW_E_INVALID;
	*has_port = ps.p != NULL;
	if (ps.p) {
		if (tw_span_u32(ps, 65535, &v))
			return TW_E_INVALID;
		*port = (uint16_t)v;
	}
	return TW_OK;
}
