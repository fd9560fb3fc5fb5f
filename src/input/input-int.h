/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the input stage's files only (style.md B4: <stage>-int.h). */
#ifndef TW_INPUT_INPUT_INT_H
#define TW_INPUT_INPUT_INT_H

#include <jansson.h>
#include <string.h>

#include "core/cursor.h"
#include "input/input.h"

/* Parses a syslog envelope at the cursor (stamp, host, program tag) into ev->ts/ev->host and,
 * if 'tag' is not NULL, the tag ("kernel:", "filterlog[123]:", or RFC 5424's APP-NAME; left
 * untouched when there is none). Leaves the cursor at the message; consumes nothing when
 * there is no envelope. */
void tw_syslog_envelope(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx,
			struct tw_span *tag);

/* json_loadb() with jansson allocating through core/alloc.h: the object, or NULL with
 * *err TW_E_NOMEM when memory ran out (else TW_OK: the line is no JSON, see 'jerr'). */
json_t *tw_in_json_load(const char *line, size_t len, size_t flags, json_error_t *jerr, int *err);

/* An endpoint "a.b.c.d[:port]" or "[v6][:port]"; a bare IPv6 address takes a port after its
 * last colon only when 'port_last' (Snort 2 writes "2001:db8::1:80"), else a bare address
 * has a port only with a single colon. TW_OK or TW_E_INVALID. */
int tw_in_endpoint(struct tw_span s, bool port_last, struct tw_addr *a, uint16_t *port,
		   bool *has_port);

/* Does p[0..n) start with the string 'lit'? */
static inline bool tw_in_starts(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && memcmp(p, lit, l) == 0;
}

/* memmem() for a short needle in a short line, anchored on one of the needle's characters
 * that is rare in log text (an '=', '_', ',' or '-'): memchr finds the candidates with vector
 * instructions, where glibc's generic memmem walks every byte. */
static inline const char *tw_in_find(const char *p, size_t n, const char *needle, size_t nl,
				     size_t anchor)
{
	const char *q = p + anchor, *end = p + n;
	while (nl <= n && q < end - (nl - 1 - anchor) &&
	       (q = memchr(q, needle[anchor], (size_t)(end - (nl - 1 - anchor) - q)))) {
		if (memcmp(q - anchor, needle, nl) == 0)
			return q - anchor;
		q++;
	}
	return NULL;
}

/* Is the span exactly the string 'lit'? */
static inline bool tw_in_is(struct tw_span s, const char *lit)
{
	return tw_span_eq(s, lit, strlen(lit));
}

/* A TCP flag as a word ("SYN", "ACK", "FIN", "RST", "PSH", "URG", "ECE", "CWR"): its bit in
 * the TCP header, or 0 for another word. */
static inline uint8_t tw_in_tcp_flag_word(struct tw_span w)
{
	static const char names[] = "FINSYNRSTPSHACKURGECECWR"; /* in header bit order */
	if (w.len != 3)
		return 0;
	for (unsigned b = 0; b < 8; b++)
		if (memcmp(w.p, names + 3 * b, 3) == 0)
			return (uint8_t)(1u << b);
	return 0;
}

/* One key=value pair of a FortiGate / Sophos style record: the value is bare (up to a
 * space) or "quoted" (backslash escapes left in place; the span excludes the quotes). A word
 * without '=' comes back as a key with 'noeq' set. */
struct tw_kv {
	struct tw_span key, val;
	bool quoted, noeq;
};
/* Next pair at the cursor; false at the end. */
bool tw_kv_next(struct tw_cursor *c, struct tw_kv *kv);

/* A time "HH:MM:SS" that a damaged log split with spaces ("10: 13:03") copied into 'buf'
 * without them; returns the span to parse. */
struct tw_span tw_kv_squeeze(struct tw_span v, char *buf, size_t cap);

#endif
