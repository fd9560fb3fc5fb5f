/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/esc (JSON and terminal escaping) and the redaction of our own addresses
 * in the log lines an abuse report quotes (output/out-report.c). */
#include "core/esc.h"
#include "output/out-report.h"
#include "tap.h"

static void t_json(void)
{
	struct tw_buf b;
	tw_buf_init(&b);
	/* quote, backslash, newline, ESC, invalid UTF-8 byte, valid UTF-8 "é" */
	static const char in[] = "a\"b\\c\nd\x1b[31m\xff\xc3\xa9";
	tw_esc_json(&b, in, sizeof(in) - 1);
	CHECK_STR(b.p, "a\\\"b\\\\c\\nd\\u001b[31m\\ufffd\xc3\xa9");
	/* C1 controls are escaped like C0 ones (CSI U+009B, U+0085), U+00A0 is not. */
	static const char c1[] = "x\xc2\x9b[2Jy\xc2\x85z\xc2\xa0";
	tw_buf_reset(&b);
	tw_esc_json(&b, c1, sizeof(c1) - 1);
	CHECK_STR(b.p, "x\\u009b[2Jy\\u0085z\xc2\xa0");
	tw_buf_fini(&b);
}

static void t_term(void)
{
	struct tw_buf b;
	tw_buf_init(&b);
	/* ESC sequence, C1 CSI (U+009B), overlong encoding, backslash, valid "ü" */
	static const char in[] = "x\x1b]0;pwned\x07y\xc2\x9bz\xc0\xaf\\\xc3\xbc";
	tw_esc_term(&b, in, sizeof(in) - 1);
	CHECK_STR(b.p, "x\\x1b]0;pwned\\x07y\\xc2\\x9bz\\xc0\\xaf\\\\\xc3\xbc");
	tw_buf_fini(&b);
}

static void t_term_into_small_buffer(void)
{
	/* Escaping into a fixed buffer in pieces gives the same as in one go (used when memory
	 * has run out); a unit is never split. */
	static const char in[] = "\x1b[31m\xc3\xbc\\\xff end";
	char out[16], all[128];
	size_t i = 0, used, o = 0;
	while (i < sizeof(in) - 1) {
		size_t k = tw_esc_term_into(in + i, sizeof(in) - 1 - i, &used, out, sizeof(out));
		CHECK(used > 0);
		memcpy(all + o, out, k);
		o += k;
		i += used;
	}
	all[o] = '\0';
	CHECK_STR(all, "\\x1b[31m\xc3\xbc\\\\\\xff end");
}

static void t_utf8(void)
{
	/* a surrogate */
	CHECK_EQ_U(tw_utf8_seq((const unsigned char *)"\xed\xa0\x80", 3), 0);
	CHECK_EQ_U(tw_utf8_seq((const unsigned char *)"\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
	CHECK_EQ_U(tw_utf8_seq((const unsigned char *)"\xe2\x82\xac", 3), 3);
	CHECK_EQ_U(tw_utf8_seq((const unsigned char *)"\xe2\x82", 2), 0); /* cut */
}

static void t_buf_printf_long(void)
{
	struct tw_buf b;
	tw_buf_init(&b);
	tw_buf_printf(&b, "%0600d", 7);
	CHECK_EQ_U(b.len, 600);
	CHECK(b.p[599] == '7');
	tw_buf_fini(&b);
}

/* RFC 4648 §10 test vectors, and the wrapped form mail uses. */
static void t_base64(void)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"",	      "Zg==",	  "Zm8=",    "Zm9v",
					  "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (size_t i = 0; i < sizeof(in) / sizeof(*in); i++) {
		struct tw_buf b;
		tw_buf_init(&b);
		tw_base64(&b, in[i], strlen(in[i]), 0);
		tw_buf_addc(&b, '\0');
		CHECK_STR(b.p, out[i]);
		tw_buf_fini(&b);
	}
	struct tw_buf b;
	tw_buf_init(&b);
	tw_base64(&b, "foobarfoobar", 12, 8);
	tw_buf_addc(&b, '\0');
	CHECK_STR(b.p, "Zm9vYmFy\r\nZm9vYmFy\r\n");
	tw_buf_fini(&b);
}

/* Our own address is redacted in whatever text form the log wrote it: ip6tables LOG writes
 * every group in full (fd00:0000:...:0001 is fd00::1); an IPv4 address with ":port" after it
 * too. A different address that shares a prefix with ours is left alone. */
static void t_redact(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Jan  2 10:00:00 fw kernel: IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0007 "
	     "DST=fd00:0000:0000:0000:0000:0000:0000:0001 LEN=60 TC=0 HOPLIMIT=57 FLOWLBL=0 "
	     "PROTO=TCP SPT=4000 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0",
	     "Jan  2 10:00:00 [reporter-host] kernel: IN=eth0 OUT= "
	     "SRC=2001:0db8:0000:0000:0000:0000:0000:0007 DST=[reporter-address] LEN=60 TC=0 "
	     "HOPLIMIT=57 FLOWLBL=0 "
	     "PROTO=TCP SPT=4000 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0"},
	    {"Jan  2 10:00:00 fw kernel: IN=eth0 OUT= SRC=2001:db8::7 DST=fd00::1 LEN=60 TC=0 "
	     "HOPLIMIT=57 FLOWLBL=0 PROTO=TCP SPT=4000 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0 "
	     "note fd00::10 fd00:0:0::1",
	     "Jan  2 10:00:00 [reporter-host] kernel: IN=eth0 OUT= SRC=2001:db8::7 "
	     "DST=[reporter-address] LEN=60 "
	     "TC=0 HOPLIMIT=57 FLOWLBL=0 PROTO=TCP SPT=4000 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0 "
	     "note fd00::10 [reporter-address]"},
	    {"Jan  2 10:00:00 fw kernel: IN=eth0 OUT= SRC=5.6.7.8 DST=10.0.0.1 LEN=40 TOS=0x00 "
	     "PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=135 WINDOW=1 RES=0x00 SYN URGP=0 "
	     "10.0.0.1:135 10.0.0.10",
	     "Jan  2 10:00:00 [reporter-host] kernel: IN=eth0 OUT= SRC=5.6.7.8 "
	     "DST=[reporter-address] LEN=40 "
	     "TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=135 WINDOW=1 RES=0x00 SYN URGP=0 "
	     "[reporter-address]:135 10.0.0.10"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tw_buf b;
		tw_buf_init(&b);
		tw_report_redact(&b, cases[i].in, true);
		tw_buf_addc(&b, '\0');
		CHECK_STR(b.p, cases[i].want);
		tw_buf_fini(&b);
	}
}

TW_SUITE(esc, {"redact", t_redact}, {"json", t_json}, {"term", t_term}, {"utf8", t_utf8},
	 {"term_into_small_buffer", t_term_into_small_buffer},
	 {"buf_printf_long", t_buf_printf_long}, {"base64", t_base64});
