/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded byte cursor with a sticky error (style.md B5.5).
 *
 * Every read checks bounds. A short read returns 0 (or an empty span), sets
 * c->err = TW_E_TRUNCATED, and makes every later read a no-op, so a decoder reads a whole
 * header and checks c->err once. The text helpers serve the log-line parsers, which read
 * lines through the same cursor as packets. The small helpers are inline: they are the hot
 * path of every parser. */
#ifndef TW_CORE_CURSOR_H
#define TW_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"

struct tw_cursor {
	const uint8_t *p;   /* next byte */
	const uint8_t *end; /* one past the last byte */
	int err;	    /* 0 or the first error met; sticky */
};

/* A borrowed byte range; valid as long as the buffer it points into. */
struct tw_span {
	const char *p;
	size_t len;
};

/* Equality of n bytes for small constant n, as word loads: GCC 12 calls memcmp for these
 * otherwise, which costs more than the compare on the per-line hot path. */
static inline bool tw_bytes_eq(const void *p, const void *lit, size_t n)
{
	const char *a = p, *b = lit;
	uint32_t x, y, u, v;
	uint16_t s, t, q, r;

	if (n > 8)
		return memcmp(p, lit, n) == 0;
	if (n >= 4) { /* two overlapping 4-byte loads cover 4..8 bytes */
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	if (n >= 2) { /* two overlapping 2-byte loads cover 2..3 bytes */
		memcpy(&s, a, 2);
		memcpy(&t, b, 2);
		memcpy(&q, a + n - 2, 2);
		memcpy(&r, b + n - 2, 2);
		return ((s ^ t) | (q ^ r)) == 0;
	}
	return n == 0 || a[0] == b[0];
}

static inline void tw_cursor_init(struct tw_cursor *c, const void *buf, size_t len)
{
	c->p = buf;
	c->end = c->p + len;
	c->err = 0;
}

static inline size_t tw_cursor_left(const struct tw_cursor *c)
{
	return c->err ? 0 : (size_t)(c->end - c->p);
}

static inline bool tw_cursor_eof(const struct tw_cursor *c)
{
	return tw_cursor_left(c) == 0;
}

/* Marks the cursor failed with 'err' unless it failed already. */
static inline void tw_cursor_fail(struct tw_cursor *c, int err)
{
	if (!c->err)
		c->err = err;
}

/* Next byte without consuming it, or -1 at the end. */
static inline int tw_cursor_peek(const struct tw_cursor *c)
{
	return tw_cursor_left(c) ? *c->p : -1;
}

uint8_t tw_cursor_get_u8(struct tw_cursor *c);
uint16_t tw_cursor_get_be16(struct tw_cursor *c);
uint16_t tw_cursor_get_le16(struct tw_cursor *c);
uint32_t tw_cursor_get_be32(struct tw_cursor *c);
uint32_t tw_cursor_get_le32(struct tw_cursor *c);
/* Returns a pointer to the next 'n' bytes and consumes them; NULL (and TRUNCATED) if short. */
const uint8_t *tw_cursor_get_bytes(struct tw_cursor *c, size_t n);
void tw_cursor_skip(struct tw_cursor *c, size_t n);

/* Text helpers. None of them sets an error on a mismatch: they report it. */

/* Consumes 'lit' (of length n) if the input starts with it. */
static inline bool tw_cursor_accept(struct tw_cursor *c, const char *lit, size_t n)
{
	if (tw_cursor_left(c) < n || !tw_bytes_eq(c->p, lit, n))
		return false;
	c->p += n;
	return true;
}

/* Consumes one byte 'ch' if it is next. */
static inline bool tw_cursor_accept_ch(struct tw_cursor *c, int ch)
{
	if (tw_cursor_left(c) && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* Consumes bytes up to (not including) 'ch' or the end; returns them as a span. */
static inline struct tw_span tw_cursor_until(struct tw_cursor *c, int ch)
{
	struct tw_span s = {(const char *)c->p, 0};
	size_t left = tw_cursor_left(c);
	const uint8_t *q = left ? memchr(c->p, ch, left) : NULL;

	s.len = q ? (size_t)(q - c->p) : left;
	c->p += s.len;
	return s;
}

/* Consumes one space-separated token and the space after it; returns the token, and in
 * *eq the offset of its first '=' if that is within its first 16 bytes (or -1). Scans byte by byte:
 * tokens are short, and one pass finds both the end and the '='. */
static inline struct tw_span tw_cursor_token(struct tw_cursor *c, long *eq)
{
	struct tw_span s = {(const char *)c->p, 0};
	size_t left = tw_cursor_left(c), i = 0;
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

	*eq = -1;
	/* Eight bytes at a time: a byte equal to ' ' or '=' becomes zero after the xor,
	 * and (x - ones) & ~x & highs marks the first such byte exactly. A '=' is looked for
	 * in the first 16 bytes only: keys are short (at most 8 bytes in every format), so a
	 * '=' further on belongs to the value. */
	/* The first two blocks, where a key's '=' can be. */
	while (i < 16 && i + 8 <= left) {
		uint64_t w, sp, e;
		memcpy(&w, c->p + i, 8);
		sp = w ^ (ones * ' ');
		e = w ^ (ones * '=');
		sp = (sp - ones) & ~sp & highs;
		e = (e - ones) & ~e & highs;
		if (*eq < 0 && e) {
			size_t at = i + (size_t)__builtin_ctzll(e) / 8;
			if (at < 16 && (!sp || at < i + (size_t)__builtin_ctzll(sp) / 8))
				*eq = (long)at;
		}
		if (sp) {
			i += (size_t)__builtin_ctzll(sp) / 8;
			goto found;
		}
		i += 8;
	}
	/* Then the rest of a long value: spaces only. */
	while (i + 8 <= left) {
		uint64_t w, sp;
		memcpy(&w, c->p + i, 8);
		sp = w ^ (ones * ' ');
		sp = (sp - ones) & ~sp & highs;
		if (sp) {
			i += (size_t)__builtin_ctzll(sp) / 8;
			goto found;
		}
		i += 8;
	}
	for (; i < left; i++) {
		uint8_t ch = c->p[i];
		if (ch == ' ')
			break;
		if (ch == '=' && *eq < 0 && i < 16)
			*eq = (long)i;
	}
found:
	s.len = i;
	c->p += i < left ? i + 1 : i;
	return s;
}

/* Consumes bytes while they are ASCII digits; returns them as a span. */
struct tw_span tw_cursor_digits(struct tw_cursor *c);
/* Consumes spaces. */
void tw_cursor_skip_spaces(struct tw_cursor *c);
/* Position of the first occurrence of 'needle' from the cursor on, as an offset; -1 if none. */
long tw_cursor_find(const struct tw_cursor *c, const char *needle, size_t n);
/* The remaining bytes as a span (without consuming). */
static inline struct tw_span tw_cursor_rest(const struct tw_cursor *c)
{
	struct tw_span s = {(const char *)c->p, tw_cursor_left(c)};
	return s;
}

/* Span helpers. */
static inline bool tw_span_eq(struct tw_span s, const char *lit, size_t n)
{
	return s.len == n && tw_bytes_eq(s.p, lit, n);
}

/* Parses an unsigned decimal span of 1..10 digits into *out if it is <= max: TW_OK,
 * TW_E_RANGE (too large) or TW_E_INVALID. Inline: every log field goes through it. */
static inline int tw_span_u32(struct tw_span s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (s.len == 0 || s.len > 10)
		return TW_E_INVALID;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';
		if (d > 9)
			return TW_E_INVALID;
		v = v * 10 + d;
	}
	if (v > max)
		return TW_E_RANGE;
	*out = (uint32_t)v;
	return TW_OK;
}
/* Parses "0x" followed by 1..8 hex digits (or bare hex digits when 'need_0x' is false). */
int tw_span_hex32(struct tw_span s, bool need_0x, uint32_t *out);
/* A whole decimal number in [min, max], all of the NUL-terminated 's' (no trailing junk):
 * TW_OK, or TW_E_RANGE (the command-line and daemon options go through it). */
int tw_num_parse(const char *s, long long min, long long max, long long *out);

#endif
