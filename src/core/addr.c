/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4/IPv6 addresses. IPv4 parsing is hand-written because it is on the hot path of every
 * log line and works on spans (inet_pton needs a NUL-terminated copy); IPv6 uses inet_pton
 * on a bounded copy, and formatting uses inet_ntop. */
#include "core/addr.h"

#include <arpa/inet.h>
#include <string.h>

#include "core/err.h"

int tw_addr_parse4(const char *s, size_t len, struct tw_addr *out)
{
	uint8_t b[4];
	size_t i = 0;

	if (len < 7 || len > 15)
		return TW_E_INVALID;
	/* Octet by octet: 1 to 3 digits, at most 255, then a dot (but after the last). */
	for (int k = 0; k < 4; k++) {
		unsigned v = 0, nd = 0;
		while (i < len && nd < 3) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				break;
			v = v * 10 + d;
			nd++;
			i++;
		}
		if (!nd || v > 255)
			return TW_E_INVALID;
		b[k] = (uint8_t)v;
		if (k < 3) {
			if (i >= len || s[i] != '.')
				return TW_E_INVALID;
			i++;
		}
	}
	if (i != len)
		return TW_E_INVALID;
	memset(out, 0, sizeof(*out));
	out->family = TW_AF_INET;
	memcpy(out->b, b, 4);
	return TW_OK;
}

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int tw_addr_parse6(const char *s, size_t len, struct tw_addr *out)
{
	char buf[64];
	uint8_t b[16];

	if (len < 2 || len >= sizeof(buf) || !memchr(s, ':', len))
		return TW_E_INVALID;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, b) != 1)
		return TW_E_INVALID;
	memset(out, 0, sizeof(*out));
	if (memcmp(b, v4mapped, 12) == 0) {
		out->family = TW_AF_INET;
		memcpy(out->b, b + 12, 4);
	} else {
		out->family = TW_AF_INET6;
		memcpy(out->b, b, 16);
	}
	return TW_OK;
}

int tw_addr_parse(const char *s, size_t len, struct tw_addr *out)
{
	if (tw_addr_parse4(s, len, out) == TW_OK)
		return TW_OK;
	return tw_addr_parse6(s, len, out);
}

size_t tw_addr_format(const struct tw_addr *a, char out[static TW_ADDR_STRLEN])
{
	const char *r = NULL;

	if (a->family == TW_AF_INET)
		r = inet_ntop(AF_INET, a->b, out, TW_ADDR_STRLEN);
	else if (a->family == TW_AF_INET6)
		r = inet_ntop(AF_INET6, a->b, out, TW_ADDR_STRLEN);
	if (!r) {
		out[0] = '-';
		out[1] = '\0';
	}
	return strlen(out);
}

int tw_addr_cmp(const struct tw_addr *a, const struct tw_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, 16);
}

bool tw_addr_in_prefix(const struct tw_addr *a, const struct tw_addr *net, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (a->family != net->family || plen > (a->family == TW_AF_INET ? 32u : 128u))
		return false;
	if (memcmp(a->b, net->b, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		return (a->b[full] & mask) == (net->b[full] & mask);
	}
	return true;
}

int tw_prefix_parse(const char *s, size_t len, struct tw_addr *net, unsigned *plen)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned max, v = 0;

	if (tw_addr_parse(s, alen, net) != TW_OK)
		return TW_E_INVALID;
	max = net->family == TW_AF_INET ? 32 : 128;
	if (!slash) {
		*plen = max;
		return TW_OK;
	}
	size_t n = len - alen - 1;
	if (n == 0 || n > 3)
		return TW_E_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)slash[1 + i];
		if (ch < '0' || ch > '9')
			return TW_E_INVALID;
		v = v * 10 + (ch - '0');
	}
	if (v > max)
		return TW_E_INVALID;
	*plen = v;
	return TW_OK;
}
