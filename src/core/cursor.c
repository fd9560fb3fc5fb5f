/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded byte cursor: checked fetches with a sticky error. */
#include "core/cursor.h"

#include <errno.h>
#include <stdlib.h>

#define NEED(c, n)                                                                                 \
	do {                                                                                       \
		if (tw_cursor_left(c) < (n)) {                                                     \
			tw_cursor_fail((c), TW_E_TRUNCATED);                                       \
			return 0;                                                                  \
		}                                                                                  \
	} while (0)

uint8_t tw_cursor_get_u8(struct tw_cursor *c)
{
	NEED(c, 1);
	return *c->p++;
}

uint16_t tw_cursor_get_be16(struct tw_cursor *c)
{
	NEED(c, 2);
	uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return v;
}

uint16_t tw_cursor_get_le16(struct tw_cursor *c)
{
	NEED(c, 2);
	uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	return v;
}

uint32_t tw_cursor_get_be32(struct tw_cursor *c)
{
	NEED(c, 4);
	uint32_t v =
	    (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	return v;
}

uint32_t tw_cursor_get_le32(struct tw_cursor *c)
{
	NEED(c, 4);
	uint32_t v =
	    (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	return v;
}

const uint8_t *tw_cursor_get_bytes(struct tw_cursor *c, size_t n)
{
	NEED(c, n);
	const uint8_t *r = c->p;
	c->p += n;
	return r;
}

void tw_cursor_skip(struct tw_cursor *c, size_t n)
{
	if (tw_cursor_left(c) < n) {
		tw_cursor_fail(c, TW_E_TRUNCATED);
		return;
	}
	c->p += n;
}

struct tw_span tw_cursor_digits(struct tw_cursor *c)
{
	struct tw_span s = {(const char *)c->p, 0};
	size_t left = tw_cursor_left(c);

	while (s.len < left && c->p[s.len] >= '0' && c->p[s.len] <= '9')
		s.len++;
	c->p += s.len;
	return s;
}

void tw_cursor_skip_spaces(struct tw_cursor *c)
{
	while (tw_cursor_left(c) && *c->p == ' ')
		c->p++;
}

long tw_cursor_find(const struct tw_cursor *c, const char *needle, size_t n)
{
	size_t left = tw_cursor_left(c);
	const uint8_t *q = memmem(c->p, left, needle, n);

	return q ? (long)(q - c->p) : -1;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int tw_span_hex32(struct tw_span s, bool need_0x, uint32_t *out)
{
	size_t i = 0;
	uint32_t v = 0;

	if (s.len >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
		i = 2;
	else if (need_0x)
		return TW_E_INVALID;
	if (i == s.len || s.len - i > 8)
		return TW_E_INVALID;
	for (; i < s.len; i++) {
		int h = hexval((unsigned char)s.p[i]);
		if (h < 0)
			return TW_E_INVALID;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return TW_OK;
}

int tw_num_parse(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return TW_E_RANGE;
	*out = v;
	return TW_OK;
}
