/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Zeek (Bro) conn.log (log-formats.md §14): TSV with '#' header lines whose "#fields" line
 * decides the column order (Zeek's default order until one is seen), or the JSON variant
 * (one object per line, same key names). One record is one connection, not one packet:
 *   ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes
 *   resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts …
 * The originator is the source. For ICMP Zeek writes the type and code as the ports. Zeek is
 * a sensor: no verdict, so the action is unknown; the connection state (S0, REJ…) is kept as
 * the prefix. Logs of other streams ("#path dns") record no packet. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "core/time.h"
#include "input/input-int.h"
#include "input/input.h"

/* This file's row (defined at its end) names the state it owns. */
extern const struct tw_input_format tw_in_zeek;

enum {
	F_IGNORE = 0,
	F_TS,
	F_ORIG_H,
	F_ORIG_P,
	F_RESP_H,
	F_RESP_P,
	F_PROTO,
	F_STATE,
	F_LOCAL_ORIG,
	F_LOCAL_RESP,
	F_N
};

static const char *const names[F_N] = {
    [F_TS] = "ts",
    [F_ORIG_H] = "id.orig_h",
    [F_ORIG_P] = "id.orig_p",
    [F_RESP_H] = "id.resp_h",
    [F_RESP_P] = "id.resp_p",
    [F_PROTO] = "proto",
    [F_STATE] = "conn_state",
    [F_LOCAL_ORIG] = "local_orig",
    [F_LOCAL_RESP] = "local_resp",
};

/* Zeek's conn.log column order (the first 14 columns name every field we read). */
static const uint8_t default_cols[] = {F_TS,	 F_IGNORE, F_ORIG_H,	 F_ORIG_P,    F_RESP_H,
				       F_RESP_P, F_PROTO,  F_IGNORE,	 F_IGNORE,    F_IGNORE,
				       F_IGNORE, F_STATE,  F_LOCAL_ORIG, F_LOCAL_RESP};

#define ST_NOT_CONN 1u /* "#path" named another stream */

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

static struct tw_in_state *state(struct tw_parse_ctx *ctx)
{
	struct tw_in_state *st = &ctx->st;
	if (st->owner != &tw_in_zeek) {
		memset(st, 0, sizeof(*st));
		st->owner = &tw_in_zeek;
		st->sep = '\t';
		st->ncols = sizeof(default_cols);
		memcpy(st->col, default_cols, sizeof(default_cols));
	}
	return st;
}

static int header(const char *line, size_t len, struct tw_parse_ctx *ctx)
{
	static const char *const known[] = {"#set_separator", "#empty_field", "#unset_field",
					    "#open",	      "#close",	      "#types"};
	if (tw_in_starts(line, len, "#separator ")) {
		struct tw_span v = {line + 11, len - 11};
		char sep;
		if (tw_span_eq(v, "\\x09", 4))
			sep = '\t';
		else if (v.len == 4 && v.p[0] == '\\' && v.p[1] == 'x') {
			uint32_t x;
			if (tw_span_hex32((struct tw_span){v.p + 2, 2}, false, &x) || !x || x > 126)
				return TW_E_NOTFOUND;
			sep = (char)x;
		} else {
			return TW_E_NOTFOUND;
		}
		memset(&ctx->st, 0, sizeof(ctx->st));
		state(ctx)->sep = sep;
		ctx->detail = "Zeek header";
		return TW_IN_NOPACKET;
	}
	if (tw_in_starts(line, len, "#path")) {
		struct tw_in_state *st = state(ctx);
		struct tw_span v = {line + 5, len - 5};
		while (v.len && (v.p[0] == st->sep || v.p[0] == ' '))
			v.p++, v.len--;
		st->have = tw_span_eq(v, "conn", 4) ? 0 : ST_NOT_CONN;
		ctx->detail = "Zeek header";
		return TW_IN_NOPACKET;
	}
	if (tw_in_starts(line, len, "#fields")) {
		struct tw_in_state *st = state(ctx);
		struct tw_cursor c;
		uint8_t col[TW_IN_MAXCOLS];
		size_t n = 0;
		bool orig = false;
		tw_cursor_init(&c, line + 7, len - 7);
		tw_cursor_accept_ch(&c, st->sep);
		while (tw_cursor_left(&c)) {
			struct tw_span w = tw_cursor_until(&c, st->sep);
			tw_cursor_accept_ch(&c, st->sep);
			if (n == TW_IN_MAXCOLS) {
				/* Columns past the limit are sites' additions: ignored. */
				continue;
			}
			uint8_t id = F_IGNORE;
			for (uint8_t k = 1; k < F_N; k++)
				if (tw_span_eq(w, names[k], strlen(names[k])))
					id = k;
			orig |= id == F_ORIG_H;
			col[n++] = id;
		}
		if (!orig)
			return TW_E_NOTFOUND;
		st->ncols = (uint8_t)n;
		memcpy(st->col, col, n);
		ctx->detail = "Zeek #fields header";
		return TW_IN_NOPACKET;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (tw_in_starts(line, len, known[i])) {
			ctx->detail = "Zeek header";
			return TW_IN_NOPACKET;
		}
	return TW_E_NOTFOUND;
}

/* "1210953058.577231" (epoch seconds, UTC). */
static int epoch(const char *p, size_t n, int64_t *ns)
{
	int64_t s = 0, f = 0, scale = 100000000;
	size_t i = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9' && i < 12)
		s = s * 10 + (p[i++] - '0');
	if (i == 0)
		return TW_E_INVALID;
	if (i < n && p[i] == '.') {
		i++;
		while (i < n && p[i] >= '0' && p[i] <= '9') {
			f += (p[i++] - '0') * scale;
			scale /= 10;
		}
	}
	/* Found by fuzzing (UBSan): the bound was years times days, beyond what ns can hold. */
	if (i != n || s >= INT64_MAX / TW_NS)
		return TW_E_INVALID;
	*ns = s * TW_NS + f;
	return TW_OK;
}

/* Fills ev from the fields (shared by TSV and JSON); spans are the raw texts. */
static int fill(struct tw_span f[F_N], struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	uint32_t a, b;
	int64_t ns;

	if (!f[F_TS].len || epoch(f[F_TS].p, f[F_TS].len, &ns))
		BAD("bad ts");
	ev->ts = ns;
	ev->has |= TW_EV_HAS_TS | TW_EV_HAS_TZ;
	if (tw_addr_parse(f[F_ORIG_H].p, f[F_ORIG_H].len, &ev->src))
		BAD("bad id.orig_h");
	if (tw_addr_parse(f[F_RESP_H].p, f[F_RESP_H].len, &ev->dst))
		BAD("bad id.resp_h");
	struct tw_span p = f[F_PROTO];
	if (tw_span_eq(p, "icmp", 4))
		ev->proto = ev->src.family == TW_AF_INET6 ? TW_IPPROTO_ICMPV6 : TW_IPPROTO_ICMP;
	else if (!p.len || tw_proto_parse(p.p, p.len, &ev->proto))
		BAD("bad proto");
	if (tw_span_u32(f[F_ORIG_P], 65535, &a) || tw_span_u32(f[F_RESP_P], 65535, &b))
		BAD("bad port");
	if (ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6) {
		if (a > 255 || b > 255)
			BAD("bad ICMP type or code");
		ev->icmp_type = (uint8_t)a;
		ev->icmp_code = (uint8_t)b;
		ev->has |= TW_EV_HAS_ICMP;
	} else {
		ev->sport = (uint16_t)a;
		ev->dport = (uint16_t)b;
		ev->has |= TW_EV_HAS_PORTS;
	}
	bool lo = tw_span_eq(f[F_LOCAL_ORIG], "T", 1), lr = tw_span_eq(f[F_LOCAL_RESP], "T", 1);
	bool nlo = tw_span_eq(f[F_LOCAL_ORIG], "F", 1), nlr = tw_span_eq(f[F_LOCAL_RESP], "F", 1);
	ev->dir = (nlo && lr) ? TW_DIR_IN : (lo && nlr) ? TW_DIR_OUT : TW_DIR_UNKNOWN;
	if (f[F_STATE].len && !tw_span_eq(f[F_STATE], "-", 1))
		ev->prefix = f[F_STATE];
	/* The states of a connection whose handshake completed (Zeek's conn.log reference):
	 * SF (normal end), S1 (open), S2/S3 (one side closed), RSTO/RSTR (reset after it).
	 * S0, REJ, SH, SHR, RSTOS0, RSTRH, OTH saw no complete handshake. */
	static const char *const est[] = {"SF", "S1", "S2", "S3", "RSTO", "RSTR"};
	for (size_t i = 0; ev->proto == TW_IPPROTO_TCP && i < sizeof(est) / sizeof(*est); i++)
		if (tw_span_eq(f[F_STATE], est[i], strlen(est[i])))
			ev->has |= TW_EV_HAS_SESSION;
	return TW_OK;
}

static int parse_json(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[F_N] = {{0}};
	char num[3][32];
	json_error_t jerr;
	int jret;
	int ret = TW_E_NOTFOUND;
	size_t k = 0;

	json_t *root = tw_in_json_load(line, len, 0, &jerr, &jret);
	if (jret) {
		ret = jret;
		goto out;
	}
	if (!root) {
		ctx->detail = "not a complete JSON object";
		ret = jerr.position >= (int)len ? TW_E_TRUNCATED : TW_E_INVALID;
		goto out;
	}
	if (!json_is_object(root) || !json_object_get(root, "id.orig_h"))
		goto out;
	for (int i = 1; i < F_N; i++) {
		json_t *v = json_object_get(root, names[i]);
		if (!v)
			continue;
		if (json_is_string(v)) {
			const char *s = json_string_value(v);
			size_t n = json_string_length(v);
			char *c = tw_arena_strndup(ctx->arena, s, n);
			if (!c) {
				ctx->detail = "out of memory";
				ret = TW_E_INVALID;
				goto out;
			}
			f[i] = (struct tw_span){c, n};
		} else if (json_is_boolean(v)) {
			f[i] = (struct tw_span){json_is_true(v) ? "T" : "F", 1};
		} else if (json_is_integer(v) && k < 3 && json_integer_value(v) >= 0) {
			int n = snprintf(num[k], sizeof(num[k]), "%lld",
					 (long long)json_integer_value(v));
			f[i] = (struct tw_span){num[k++], (size_t)n};
		} else if (json_is_real(v) && i == F_TS && json_real_value(v) >= 0 &&
			   json_real_value(v) < 1e11) {
			/* Microseconds, as Zeek writes them. */
			double d = json_real_value(v);
			int64_t s = (int64_t)d, us = (int64_t)((d - (double)s) * 1e6 + 0.5);
			if (us >= 1000000)
				s++, us -= 1000000;
			char *c = tw_arena_alloc(ctx->arena, 32);
			if (!c) {
				ctx->detail = "out of memory";
				ret = TW_E_INVALID;
				goto out;
			}
			int n = snprintf(c, 32, "%lld.%06lld", (long long)s, (long long)us);
			f[i] = (struct tw_span){c, (size_t)n};
		}
	}
	if (f[F_TS].p && f[F_TS].len > 4 && f[F_TS].p[4] == '-') {
		/* ISO 8601 stamps (LogAscii::json_timestamps). */
		int64_t ns;
		int32_t off;
		bool hoff;
		if (tw_time_parse_rfc3339(f[F_TS].p, f[F_TS].len, &ns, &off, &hoff) !=
		    f[F_TS].len) {
			ctx->detail = "bad ts";
			ret = TW_E_INVALID;
			goto out;
		}
		char *c = tw_arena_alloc(ctx->arena, 32);
		if (!c) {
			ctx->detail = "out of memory";
			ret = TW_E_INVALID;
			goto out;
		}
		int n = snprintf(c, 32, "%lld.%09lld", (long long)(ns / TW_NS),
				 (long long)(ns % TW_NS));
		f[F_TS] = (struct tw_span){c, (size_t)n};
	}
	ret = fill(f, ev, ctx);
out:
	json_decref(root);
	return ret;
}

static int parse_zeek(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_span f[F_N] = {{0}};

	if (len && line[0] == '#')
		return header(line, len, ctx);
	if (len && line[0] == '{')
		return memmem(line, len, "\"id.orig_h\"", 11) ? parse_json(line, len, ev, ctx)
							      : TW_E_NOTFOUND;
	/* A TSV record starts with an epoch stamp (a digit first: the fuzzer found ".0.113.44"
	 * taken for one, which sniff() had ruled out) and a tab. */
	if (!len || line[0] < '0' || line[0] > '9')
		return TW_E_NOTFOUND;
	size_t i = 0;
	while (i < len && i < 20 && ((line[i] >= '0' && line[i] <= '9') || line[i] == '.'))
		i++;
	struct tw_in_state *st = ctx->st.owner == &tw_in_zeek ? &ctx->st : NULL;
	char sep = st ? st->sep : '\t';
	if (i < 9 || i >= len || line[i] != sep)
		return TW_E_NOTFOUND;
	if (st && (st->have & ST_NOT_CONN)) {
		ctx->detail = "Zeek log of another stream than conn";
		return TW_IN_NOPACKET;
	}
	const uint8_t *cols = st ? st->col : default_cols;
	size_t ncols = st ? st->ncols : sizeof(default_cols), n = 0;
	struct tw_cursor c;
	tw_cursor_init(&c, line, len);
	for (;;) {
		struct tw_span w = tw_cursor_until(&c, sep);
		if (n < ncols && cols[n])
			f[cols[n]] = w;
		n++;
		if (!tw_cursor_accept_ch(&c, sep))
			break;
	}
	if (n < ncols) {
		ctx->detail = "record ends early";
		return TW_E_TRUNCATED;
	}
	if (!f[F_ORIG_H].p || !f[F_RESP_H].p) {
		ctx->detail = "no id.orig_h or id.resp_h column";
		return TW_E_TRUNCATED;
	}
	return fill(f, ev, ctx);
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return len && (line[0] == '#' || line[0] == '{' || (line[0] >= '0' && line[0] <= '9'));
}

const struct tw_input_format tw_in_zeek = {
    .name = "zeek",
    .summary = "Zeek conn.log, TSV (#fields header) or JSON",
    .parse = parse_zeek,
    .sniff = sniff,
};
