/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journalctl -o json: one JSON object per line (log-formats.md §4 "journald"). The kernel
 * message is in MESSAGE, a string, or an array of byte values when it is not valid UTF-8;
 * __REALTIME_TIMESTAMP is µs since the epoch as a string; _SOURCE_MONOTONIC_TIMESTAMP µs
 * since boot; _HOSTNAME the host. Parsed with jansson; the strings are copied into the
 * record's arena because the JSON tree is freed before the event is used. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "input/input-int.h"
#include "input/input.h"

/* A string of decimal microseconds; *ok only when it is one and fits in int64 nanoseconds. */
static int64_t us_field(json_t *o, const char *key, bool *ok)
{
	json_t *v = json_object_get(o, key);
	const char *s = v && json_is_string(v) ? json_string_value(v) : NULL;
	int64_t r = 0;
	size_t i = 0;

	*ok = false;
	if (!s)
		return 0;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || r > (INT64_MAX / 1000 - 9) / 10)
			return 0;
		r = r * 10 + (s[i] - '0');
	}
	*ok = i > 0;
	return r;
}

static int parse_json(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	json_error_t jerr;
	int jret;
	json_t *root = NULL, *msg;
	char *text = NULL;
	size_t tlen = 0;
	int ret;
	bool ok;

	if (len < 2 || line[0] != '{')
		return TW_E_NOTFOUND;
	root = tw_in_json_load(line, len, JSON_REJECT_DUPLICATES, &jerr, &jret);
	if (jret) {
		ret = jret;
		goto out;
	}
	if (!root || !json_is_object(root)) {
		ret = TW_E_NOTFOUND; /* not JSON: some other format's line */
		goto out;
	}
	msg = json_object_get(root, "MESSAGE");
	if (!msg || !json_object_get(root, "__REALTIME_TIMESTAMP")) {
		ret = TW_E_NOTFOUND; /* JSON, but not a journal entry */
		goto out;
	}
	if (json_is_string(msg)) {
		tlen = json_string_length(msg);
		text = tw_arena_strndup(ctx->arena, json_string_value(msg), tlen);
	} else if (json_is_array(msg)) {
		size_t i;
		json_t *b;
		tlen = json_array_size(msg);
		text = tw_arena_alloc(ctx->arena, tlen + 1);
		json_array_foreach(msg, i, b)
		{
			json_int_t v = json_is_integer(b) ? json_integer_value(b) : -1;
			if (v < 0 || v > 255) {
				ctx->detail = "MESSAGE byte array holds a non-byte";
				ret = TW_E_INVALID;
				goto out;
			}
			if (text)
				text[i] = (char)v;
		}
		if (text)
			text[tlen] = '\0';
	} else {
		ctx->detail = "MESSAGE is neither a string nor a byte array";
		ret = TW_E_INVALID;
		goto out;
	}
	if (!text) {
		ret = TW_E_NOMEM; /* not the line's fault: fails the run */
		goto out;
	}
	ret = tw_in_netfilter_message(text, tlen, ev, ctx);
	if (ret == TW_E_NOTFOUND) {
		/* A journal entry of another program: not a firewall line. */
		goto out;
	}
	if (ret != TW_OK)
		goto out;
	int64_t us = us_field(root, "__REALTIME_TIMESTAMP", &ok);
	if (ok) {
		ev->ts = us * 1000;
		ev->tz_off_s = 0;
		ev->has |= TW_EV_HAS_TS;
	}
	us = us_field(root, "_SOURCE_MONOTONIC_TIMESTAMP", &ok);
	if (ok && !(ev->has & TW_EV_HAS_UPTIME)) {
		ev->uptime = us * 1000;
		ev->has |= TW_EV_HAS_UPTIME;
	}
	json_t *h = json_object_get(root, "_HOSTNAME");
	if (h && json_is_string(h)) {
		size_t hl = json_string_length(h);
		char *hc = tw_arena_strndup(ctx->arena, json_string_value(h), hl);
		if (hc)
			ev->host = (struct tw_span){hc, hl};
	}
out:
	json_decref(root);
	return ret;
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return len && line[0] == '{';
}

const struct tw_input_format tw_in_journal_json = {
    .name = "journal-json",
    .summary = "journalctl -o json: netfilter kernel messages inside journal entries",
    .parse = parse_json,
    .sniff = sniff,
};
