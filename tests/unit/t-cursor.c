/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/cursor (bounded reads, sticky error, text helpers). */
#include "core/cursor.h"
#include "tap.h"

static void t_be16_short(void)
{
	static const uint8_t b[] = {
	    0x12, /* one byte only: a 16-bit read must fail */
	};
	struct tw_cursor c;
	tw_cursor_init(&c, b, sizeof(b));
	CHECK_EQ_U(tw_cursor_get_be16(&c), 0);
	CHECK_EQ_I(c.err, TW_E_TRUNCATED);
	/* Sticky: later reads are no-ops even though a byte is left. */
	CHECK_EQ_U(tw_cursor_get_u8(&c), 0);
	CHECK_EQ_U(tw_cursor_left(&c), 0);
}

static void t_endianness(void)
{
	static const uint8_t b[] = {
	    0x01, 0x02,		    /* be16 0x0102 */
	    0x01, 0x02,		    /* le16 0x0201 */
	    0xde, 0xad, 0xbe, 0xef, /* be32 */
	    0xef, 0xbe, 0xad, 0xde, /* le32 */
	};
	struct tw_cursor c;
	tw_cursor_init(&c, b, sizeof(b));
	CHECK_EQ_U(tw_cursor_get_be16(&c), 0x0102);
	CHECK_EQ_U(tw_cursor_get_le16(&c), 0x0201);
	CHECK_EQ_U(tw_cursor_get_be32(&c), 0xdeadbeef);
	CHECK_EQ_U(tw_cursor_get_le32(&c), 0xdeadbeef);
	CHECK_EQ_I(c.err, 0);
	CHECK(tw_cursor_eof(&c));
}

static void t_bytes_skip_bounds(void)
{
	static const uint8_t b[] = {1, 2, 3, 4};
	struct tw_cursor c;
	tw_cursor_init(&c, b, sizeof(b));
	CHECK(tw_cursor_get_bytes(&c, 3) == b);
	CHECK(tw_cursor_get_bytes(&c, 2) == NULL);
	CHECK_EQ_I(c.err, TW_E_TRUNCATED);
	tw_cursor_init(&c, b, sizeof(b));
	tw_cursor_skip(&c, (size_t)-1); /* a huge length never wraps */
	CHECK_EQ_I(c.err, TW_E_TRUNCATED);
}

static void t_text_helpers(void)
{
	const char *s = "SRC=1.2.3.4 DPT=135";
	struct tw_cursor c;
	tw_cursor_init(&c, s, strlen(s));
	CHECK(tw_cursor_accept(&c, "SRC=", 4));
	CHECK_SPAN(tw_cursor_until(&c, ' '), "1.2.3.4");
	CHECK(tw_cursor_accept_ch(&c, ' '));
	CHECK(!tw_cursor_accept(&c, "SPT=", 4));
	CHECK_EQ_I(tw_cursor_find(&c, "135", 3), 4);
	tw_cursor_skip(&c, 4);
	CHECK_SPAN(tw_cursor_digits(&c), "135");
	CHECK(tw_cursor_eof(&c));
}

static void t_span_numbers(void)
{
	uint32_t v = 7;
	CHECK_EQ_I(tw_span_u32((struct tw_span){"65535", 5}, 65535, &v), TW_OK);
	CHECK_EQ_U(v, 65535);
	CHECK_EQ_I(tw_span_u32((struct tw_span){"65536", 5}, 65535, &v), TW_E_RANGE);
	CHECK_EQ_I(tw_span_u32((struct tw_span){"", 0}, 10, &v), TW_E_INVALID);
	CHECK_EQ_I(tw_span_u32((struct tw_span){"1x", 2}, 10, &v), TW_E_INVALID);
	CHECK_EQ_I(tw_span_u32((struct tw_span){"99999999999", 11}, 0xffffffff, &v), TW_E_INVALID);
	CHECK_EQ_I(tw_span_hex32((struct tw_span){"0xC0", 4}, true, &v), TW_OK);
	CHECK_EQ_U(v, 0xc0);
	CHECK_EQ_I(tw_span_hex32((struct tw_span){"C0", 2}, true, &v), TW_E_INVALID);
	CHECK_EQ_I(tw_span_hex32((struct tw_span){"1a0000", 6}, false, &v), TW_OK);
	CHECK_EQ_U(v, 0x1a0000);
}

static void t_token_swar(void)
{
	/* Tokens shorter and longer than the 8-byte blocks, '=' before and after position 8,
	 * a '=' in the next token that must not count, and a last token without a space. */
	const char *s = "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SYN "
			"ABCDEFGHIJKLMNOP=1 ABCDEFGHIJKLMNO=1 x LONGKEYNAME12=v tail";
	struct tw_cursor c;
	long eq;
	tw_cursor_init(&c, s, strlen(s));
	CHECK_SPAN(tw_cursor_token(&c, &eq), "IN=eth0");
	CHECK_EQ_I(eq, 2);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "OUT=");
	CHECK_EQ_I(eq, 3);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00");
	CHECK_EQ_I(eq, 3);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "SYN");
	CHECK_EQ_I(eq, -1);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "ABCDEFGHIJKLMNOP=1");
	CHECK_EQ_I(eq, -1); /* past the 16 bytes a key may have */
	CHECK_SPAN(tw_cursor_token(&c, &eq), "ABCDEFGHIJKLMNO=1");
	CHECK_EQ_I(eq, 15);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "x");
	CHECK_EQ_I(eq, -1);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "LONGKEYNAME12=v");
	CHECK_EQ_I(eq, 13);
	CHECK_SPAN(tw_cursor_token(&c, &eq), "tail");
	CHECK(tw_cursor_eof(&c));
}

static void t_bytes_eq(void)
{
	CHECK(tw_bytes_eq("SRC=", "SRC=", 4));
	CHECK(!tw_bytes_eq("SRD=", "SRC=", 4));
	CHECK(tw_bytes_eq("PROTO", "PROTO", 5));
	CHECK(!tw_bytes_eq("PROTX", "PROTO", 5));
	CHECK(!tw_bytes_eq("XROTO", "PROTO", 5));
	CHECK(tw_bytes_eq("TTL", "TTL", 3));
	CHECK(!tw_bytes_eq("TTX", "TTL", 3));
	CHECK(tw_bytes_eq("HOPLIMIT", "HOPLIMIT", 8));
	CHECK(!tw_bytes_eq("HOPLIMIX", "HOPLIMIT", 8));
	CHECK(tw_bytes_eq("PHYSOUT=X", "PHYSOUT=X", 9));
}

TW_SUITE(cursor, {"be16_short", t_be16_short}, {"endianness", t_endianness},
	 {"bytes_skip_bounds", t_bytes_skip_bounds}, {"text_helpers", t_text_helpers},
	 {"span_numbers", t_span_numbers}, {"token_swar", t_token_swar}, {"bytes_eq", t_bytes_eq});
