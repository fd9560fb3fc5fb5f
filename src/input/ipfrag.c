/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fragment reassembly (see ipfrag.h). Payload bytes are tracked in 8-byte units, the
 * granularity of IP fragment offsets; the last fragment may end inside a unit. */
#include "input/ipfrag.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/err.h"

void tw_ipfrag_init(struct tw_ipfrag *f)
{
	memset(f, 0, sizeof(*f));
}

void tw_ipfrag_fini(struct tw_ipfrag *f)
{
	for (size_t i = 0; i < TW_IPFRAG_SLOTS; i++)
		free(f->slot[i].buf);
	free(f->out);
	memset(f, 0, sizeof(*f));
}

static void release(struct tw_ipfrag_slot *s)
{
	uint8_t *buf = s->buf;
	memset(s, 0, sizeof(*s));
	s->buf = buf; /* kept for reuse */
}

static bool covered(const struct tw_ipfrag_slot *s, uint32_t unit)
{
	return s->cover[unit >> 3] & (1u << (unit & 7));
}

unsigned tw_ipfrag_pending(const struct tw_ipfrag *f)
{
	unsigned n = 0;
	for (size_t i = 0; i < TW_IPFRAG_SLOTS; i++)
		n += f->slot[i].used;
	return n;
}

int tw_ipfrag_add(struct tw_ipfrag *f, const struct tw_addr *src, const struct tw_addr *dst,
		  uint32_t id, uint8_t proto, uint32_t offset, const uint8_t *data, size_t len,
		  bool more, int64_t now_ns, const char **why)
{
	struct tw_ipfrag_slot *s = NULL, *free_slot = NULL, *oldest = NULL;

	if ((offset & 7) || (more && (len & 7)) || len == 0) {
		*why = "fragment not a multiple of 8 bytes, or empty";
		return TW_E_INVALID;
	}
	if (offset + len > TW_IPFRAG_MAX) {
		*why = "fragment beyond 65,535 bytes";
		return TW_E_INVALID;
	}
	for (size_t i = 0; i < TW_IPFRAG_SLOTS; i++) {
		struct tw_ipfrag_slot *c = &f->slot[i];
		if (c->used && now_ns - c->last_ns > (int64_t)TW_IPFRAG_TIMEOUT_S * 1000000000) {
			f->expired++;
			release(c);
		}
		if (!c->used) {
			if (!free_slot)
				free_slot = c;
			continue;
		}
		if (c->id == id && c->proto == proto && tw_addr_eq(&c->src, src) &&
		    tw_addr_eq(&c->dst, dst))
			s = c;
		else if (!oldest || c->last_ns < oldest->last_ns)
			oldest = c;
	}
	if (!s) {
		s = free_slot;
		if (!s) {
			f->evicted++;
			release(oldest);
			s = oldest;
		}
		s->used = true;
		s->src = *src;
		s->dst = *dst;
		s->id = id;
		s->proto = proto;
		if (!s->buf && !(s->buf = tw_malloc(TW_IPFRAG_MAX))) {
			release(s);
			return TW_E_NOMEM;
		}
	}
	s->last_ns = now_ns;
	if (!more) {
		uint32_t end = offset + (uint32_t)len;
		if (s->total && s->total != end) {
			*why = "two last fragments with different ends";
			f->conflicts++;
			release(s);
			return TW_E_INVALID;
		}
		s->total = end;
	}
	if (s->total && offset + len > s->total) {
		*why = "fragment past the datagram's end";
		f->conflicts++;
		release(s);
		return TW_E_INVALID;
	}
	/* Overlaps must carry the same bytes. */
	for (uint32_t u = offset / 8; u * 8 < offset + len; u++) {
		if (!covered(s, u))
			continue;
		uint32_t a = u * 8, b = a + 8 < offset + len ? a + 8 : offset + (uint32_t)len;
		if (memcmp(s->buf + a, data + (a - offset), b - a) != 0) {
			*why = "overlapping fragments disagree";
			f->conflicts++;
			release(s);
			return TW_E_INVALID;
		}
	}
	memcpy(s->buf + offset, data, len);
	for (uint32_t u = offset / 8; u * 8 < offset + len; u++) {
		if (!covered(s, u)) {
			s->cover[u >> 3] |= (uint8_t)(1u << (u & 7));
			s->have += 8;
		}
	}
	if (!s->total)
		return TW_IPFRAG_PENDING;
	uint32_t units = (s->total + 7) / 8;
	for (uint32_t u = 0; u < units; u++)
		if (!covered(s, u))
			return TW_IPFRAG_PENDING;
	/* Complete: hand the payload over and free the slot. */
	if (!f->out && !(f->out = tw_malloc(TW_IPFRAG_MAX)))
		return TW_E_NOMEM;
	memcpy(f->out, s->buf, s->total);
	f->out_len = s->total;
	release(s);
	return TW_OK;
}
