/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable output buffer and escaping for each output medium (terminal, JSON).
 * Every byte that came from input goes out through one of these. */
#ifndef TW_CORE_ESC_H
#define TW_CORE_ESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tw_buf {
	char *p;
	size_t len, cap;
	bool oom; /* sticky: an append failed; contents are incomplete */
};

void tw_buf_init(struct tw_buf *b);
void tw_buf_fini(struct tw_buf *b);
void tw_buf_reset(struct tw_buf *b);
void tw_buf_add(struct tw_buf *b, const void *s, size_t n);
void tw_buf_addc(struct tw_buf *b, char c);
void tw_buf_adds(struct tw_buf *b, const char *s);
void tw_buf_printf(struct tw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the contents to 'f' and empties the buffer; TW_E_IO on a write error. */
int tw_buf_flush(struct tw_buf *b, FILE *f);

/* Appends 's' as the inside of a JSON string: quotes, backslashes and control characters
 * escaped, invalid UTF-8 replaced by U+FFFD. */
void tw_esc_json(struct tw_buf *b, const char *s, size_t n);
/* Base64 (RFC 4648); with wrap > 0, lines of 'wrap' characters ended by CRLF (mail). */
void tw_base64(struct tw_buf *b, const void *data, size_t n, unsigned wrap);
/* Appends 's' safe for a terminal: control characters (C0, DEL, C1), escape sequences and
 * invalid UTF-8 are shown as \xHH, a backslash as \\; valid printable UTF-8 passes. */
void tw_esc_term(struct tw_buf *b, const char *s, size_t n);
/* The same escaping into a caller's buffer, without allocating: escapes as much of s as
 * fits in out[0..cap) (cap >= 16), sets *used to the input bytes consumed, returns the
 * output length. For writing messages when memory has run out. */
size_t tw_esc_term_into(const char *s, size_t n, size_t *used, char *out, size_t cap);
/* Returns the length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid. */
size_t tw_utf8_seq(const unsigned char *s, size_t n);

#endif
