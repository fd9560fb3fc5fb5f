/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux netfilter LOG / nftables log lines (kernel nf_log_syslog printer), as they appear in
 * syslog (RFC 3164, RFC 3339 "high precision", RFC 5424), kern.log, journalctl -o short,
 * short-iso, short-precise and short-monotonic, dmesg, /dev/kmsg and ulogd LOGEMU.
 * Grammar and pitfalls: ../shared/docs/log-formats.md §4-5.
 *
 * The line is read through the bounded cursor, in one pass: the envelope (stamp, host, tag),
 * the kernel uptime stamp, the free-text prefix up to the IN=/OUT= anchor, then the fields.
 * Fields are treated as optional and unordered except for the skeleton (SRC, DST, PROTO),
 * since vendor loggers deviate from the mainline printer. */
#include <string.h>

#include "core/cursor.h"
#include "input/input-int.h"
#include "input/input.h"

/* ---- message ---------------------------------------------------------------------------- */

static bool is_word_char(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* After "IN=<if>" or "OUT=<if>", the kernel's next token is one of these. */
static bool skeleton_follows(const char *p, size_t n)
{
	/* Written out rather than looped over a table so that the compiler turns each test
	 * into one or two loads: this runs for every line. */
#define STARTS(lit) (n >= sizeof(lit) - 1 && tw_bytes_eq(p, lit, sizeof(lit) - 1))
	return STARTS("SRC=") || STARTS("MAC=") || STARTS("OUT=") || STARTS("PHYSIN=") ||
	       STARTS("PHYSOUT=") || STARTS("MACSRC=") || STARTS("ARP ");
#undef STARTS
}

/* Finds the start of the field skeleton ("IN=" normally, "OUT=" for loggers that omit IN=).
 * Returns its offset in msg, or -1. */
static long find_anchor(const char *msg, size_t len)
{
	const char *end = msg + len;

	/* Every '=' is a candidate; the first one after the prefix is normally "IN=". A lone
	 * "OUT=" is accepted only when no "IN=" anchor exists (Proxmox host-out lines). */
	for (int pass = 0; pass < 2; pass++) {
		const char *p = msg;
		while (p < end) {
			const char *q = memchr(p, '=', (size_t)(end - p));
			if (!q)
				break;
			p = q + 1;
			const char *key;
			if (pass == 0 && q - msg >= 2 && q[-2] == 'I' && q[-1] == 'N')
				key = q - 2;
			else if (pass == 1 && q - msg >= 3 && q[-3] == 'O' && q[-2] == 'U' &&
				 q[-1] == 'T')
				key = q - 3;
			else
				continue;
			if (key > msg && is_word_char((unsigned char)key[-1]))
				continue; /* PHYSIN=, LOGIN= … */
			const char *sp = memchr(p, ' ', (size_t)(end - p));
			if (!sp || !skeleton_follows(sp + 1, (size_t)(end - sp - 1)))
				continue;
			if (pass == 1 && key > msg) {
				/* A lone OUT= right after a key=value token means the line lost
				 * its IN= (e.g. "XX=eth0 OUT="): not a firewall line we trust. */
				const char *t = key - 1;
				while (t > msg && *t == ' ')
					t--;
				const char *ts = t;
				while (ts > msg && ts[-1] != ' ')
					ts--;
				if (memchr(ts, '=', (size_t)(t - ts + 1)))
					continue;
			}
			return key - msg;
		}
	}
	return -1;
}

static int ci_has(struct tw_span s, const char *w, size_t n)
{
	for (size_t i = 0; i + n <= s.len; i++) {
		size_t j = 0;
		while (j < n && (s.p[i + j] | 0x20) == (w[j] | 0x20))
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

/* Ubiquiti EdgeOS/UniFi put the rule's action letter in a bracketed name:
 * "[WAN_LOCAL-D-2147483647]" (UniFi), "[WAN_IN-default-D]" (EdgeOS). Returns
 * the letter's action, or TW_ACT_UNKNOWN when no bracket group has that shape. */
static uint8_t ubiquiti_action(struct tw_span pfx)
{
	const char *p = pfx.p, *end = pfx.p + pfx.len;

	while (p < end) {
		const char *ob = memchr(p, '[', (size_t)(end - p));
		if (!ob)
			break;
		const char *cb = memchr(ob, ']', (size_t)(end - ob));
		if (!cb)
			break;
		/* Look for "-X-" or a final "-X" inside the brackets, X in A, D, R. */
		for (const char *q = ob + 1; q + 1 < cb; q++) {
			if (q[0] != '-' || (q[2] != '-' && q + 2 != cb))
				continue;
			switch (q[1]) {
			case 'A': return TW_ACT_ACCEPT;
			case 'D': return TW_ACT_DROP;
			case 'R': return TW_ACT_REJECT;
			}
		}
		p = cb + 1;
	}
	return TW_ACT_UNKNOWN;
}

/* The action the admin wrote into the prefix, by convention (log-formats.md §4 table). A
 * structured rule name wins over free text: UniFi's DESCR may say "Block" on an accept rule. */
static uint8_t action_of(struct tw_span pfx)
{
	if (!pfx.len)
		return TW_ACT_UNKNOWN;
	uint8_t a = ubiquiti_action(pfx);
	if (a != TW_ACT_UNKNOWN)
		return a;
	if (ci_has(pfx, "REJECT", 6))
		return TW_ACT_REJECT;
	if (ci_has(pfx, "DROP", 4) || ci_has(pfx, "BLOCK", 5) || ci_has(pfx, "DENY", 4) ||
	    ci_has(pfx, "DENIED", 6))
		return TW_ACT_DROP;
	if (ci_has(pfx, "ACCEPT", 6) || ci_has(pfx, "ALLOW", 5) || ci_has(pfx, "PASS", 4) ||
	    ci_has(pfx, "-ACC-", 5))
		return TW_ACT_ACCEPT;
	return TW_ACT_UNKNOWN;
}

static uint8_t flag_of(struct tw_span w)
{
	if (w.len == 3) {
		if (tw_bytes_eq(w.p, "SYN", 3))
			return TW_TCP_SYN;
		if (tw_bytes_eq(w.p, "ACK", 3))
			return TW_TCP_ACK;
		if (tw_bytes_eq(w.p, "FIN", 3))
			return TW_TCP_FIN;
		if (tw_bytes_eq(w.p, "RST", 3))
			return TW_TCP_RST;
		if (tw_bytes_eq(w.p, "PSH", 3))
			return TW_TCP_PSH;
		if (tw_bytes_eq(w.p, "URG", 3))
			return TW_TCP_URG;
		if (tw_bytes_eq(w.p, "ECE", 3))
			return TW_TCP_ECE;
		if (tw_bytes_eq(w.p, "CWR", 3))
			return TW_TCP_CWR;
	}
	return 0;
}

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

/* State while reading the fields. */
struct fields {
	bool have_src, have_dst, have_proto, after_proto, have_spt, have_dpt, incomplete;
	bool proto_number; /* PROTO=132: the kernel names only the protocols it dissects */
	int depth;	   /* inside "[ … ]" of an ICMP error */
	struct tw_event_inner in;
	bool in_src, in_dst, in_after_proto;
};

static int num(struct tw_span v, uint32_t max, uint32_t *out, struct tw_parse_ctx *ctx,
	       const char *why)
{
	if (tw_span_u32(v, max, out) != TW_OK) {
		ctx->detail = why;
		return TW_E_INVALID;
	}
	return TW_OK;
}

/* One KEY=VALUE of the inner (quoted) packet. */
static int inner_field(struct tw_span k, struct tw_span v, struct fields *f,
		       struct tw_parse_ctx *ctx)
{
	uint32_t n;

	if (f->depth != 1)
		return TW_OK; /* deeper quotes carry nothing we keep */
	if (tw_span_eq(k, "SRC", 3)) {
		if (tw_addr_parse(v.p, v.len, &f->in.src))
			BAD("bad SRC in quoted packet");
		f->in_src = true;
	} else if (tw_span_eq(k, "DST", 3)) {
		if (tw_addr_parse(v.p, v.len, &f->in.dst))
			BAD("bad DST in quoted packet");
		f->in_dst = true;
	} else if (tw_span_eq(k, "PROTO", 5)) {
		if (tw_proto_parse(v.p, v.len, &f->in.proto))
			BAD("bad PROTO in quoted packet");
		f->in_after_proto = true;
	} else if (f->in_after_proto && tw_span_eq(k, "SPT", 3)) {
		if (num(v, 65535, &n, ctx, "bad SPT in quoted packet"))
			return TW_E_INVALID;
		f->in.sport = (uint16_t)n;
		f->in.has_ports = 1;
	} else if (f->in_after_proto && tw_span_eq(k, "DPT", 3)) {
		if (num(v, 65535, &n, ctx, "bad DPT in quoted packet"))
			return TW_E_INVALID;
		f->in.dport = (uint16_t)n;
		f->in.has_ports = 1;
	}
	return TW_OK;
}

/* A key of at most 8 bytes packed into an integer (little-endian byte order), so that one
 * switch dispatches every field; K2()..K8() build the same value from characters. */
static inline uint64_t key_pack(struct tw_span k)
{
	uint16_t a;
	uint32_t b;
	uint64_t c;

	/* Fixed-size loads only: a variable-length memcpy would be a library call. */
	switch (k.len) {
	case 2: memcpy(&a, k.p, 2); return a;
	case 3: memcpy(&a, k.p, 2); return a | (uint64_t)(unsigned char)k.p[2] << 16;
	case 4: memcpy(&b, k.p, 4); return b;
	case 5: memcpy(&b, k.p, 4); return b | (uint64_t)(unsigned char)k.p[4] << 32;
	case 8: memcpy(&c, k.p, 8); return c;
	}
	return UINT64_MAX; /* no key of ours has another length */
}
#define KB(c, i)		   ((uint64_t)(unsigned char)(c) << (8 * (i)))
#define K2(a, b)		   (KB(a, 0) | KB(b, 1))
#define K3(a, b, c)		   (K2(a, b) | KB(c, 2))
#define K4(a, b, c, d)		   (K3(a, b, c) | KB(d, 3))
#define K5(a, b, c, d, e)	   (K4(a, b, c, d) | KB(e, 4))
#define K8(a, b, c, d, e, f, g, h) (K5(a, b, c, d, e) | KB(f, 5) | KB(g, 6) | KB(h, 7))

static int outer_field(struct tw_span k, struct tw_span v, struct tw_event *ev, struct fields *f,
		       struct tw_parse_ctx *ctx)
{
	uint32_t n;

	switch (key_pack(k)) {
	case K2('I', 'N'): ev->iface_in = v; break;
	case K3('O', 'U', 'T'): ev->iface_out = v; break;
	case K3('M', 'A', 'C'): ev->mac = v; break;
	case K2('I', 'D'):
		if (f->after_proto)
			break; /* the ICMP echo id */
		if (num(v, 65535, &n, ctx, "bad ID"))
			return TW_E_INVALID;
		ev->ip_id = (uint16_t)n;
		ev->has |= TW_EV_HAS_IPID;
		break;
	case K3('S', 'R', 'C'):
		if (f->have_src)
			break;
		if (tw_addr_parse(v.p, v.len, &ev->src))
			BAD("bad SRC address");
		f->have_src = true;
		break;
	case K3('D', 'S', 'T'):
		if (f->have_dst)
			break;
		if (tw_addr_parse(v.p, v.len, &ev->dst))
			BAD("bad DST address");
		f->have_dst = true;
		break;
	case K3('L', 'E', 'N'):
		if (num(v, 65535, &n, ctx, "bad LEN"))
			return TW_E_INVALID;
		if (!f->after_proto) {
			ev->ip_len = (uint16_t)n;
			ev->has |= TW_EV_HAS_IPLEN;
		} else if (ev->proto == TW_IPPROTO_UDP || ev->proto == TW_IPPROTO_UDPLITE) {
			/* The second LEN= is the UDP length: header (8) + payload. */
			if (n < 8)
				BAD("UDP LEN below 8");
			ev->payload_len = (uint16_t)(n - 8);
			ev->has |= TW_EV_HAS_PAYLEN;
		}
		break;
	case K3('T', 'T', 'L'):
	case K8('H', 'O', 'P', 'L', 'I', 'M', 'I', 'T'):
		if (num(v, 255, &n, ctx, k.len == 3 ? "bad TTL" : "bad HOPLIMIT"))
			return TW_E_INVALID;
		ev->ttl = (uint8_t)n;
		ev->has |= TW_EV_HAS_TTL;
		break;
	case K3('S', 'P', 'T'):
		if (!f->after_proto)
			break;
		if (num(v, 65535, &n, ctx, "bad SPT"))
			return TW_E_INVALID;
		ev->sport = (uint16_t)n;
		f->have_spt = true;
		break;
	case K3('D', 'P', 'T'):
		if (!f->after_proto)
			break;
		if (num(v, 65535, &n, ctx, "bad DPT"))
			return TW_E_INVALID;
		ev->dport = (uint16_t)n;
		f->have_dpt = true;
		break;
	case K4('T', 'Y', 'P', 'E'):
		if (!f->after_proto)
			break;
		if (num(v, 255, &n, ctx, "bad ICMP TYPE"))
			return TW_E_INVALID;
		ev->icmp_type = (uint8_t)n;
		ev->has |= TW_EV_HAS_ICMP;
		break;
	case K4('C', 'O', 'D', 'E'):
		if (!f->after_proto)
			break;
		if (num(v, 255, &n, ctx, "bad ICMP CODE"))
			return TW_E_INVALID;
		ev->icmp_code = (uint8_t)n;
		break;
	case K4('U', 'R', 'G', 'P'):
		/* The kernel prints the TCP flags between RES= and URGP=: reaching URGP= with
		 * none means none were set (a NULL scan), which is known, not unknown. */
		if (f->after_proto && ev->proto == TW_IPPROTO_TCP)
			ev->has |= TW_EV_HAS_FLAGS;
		break;
	case K5('P', 'R', 'O', 'T', 'O'):
		if (f->have_proto)
			break;
		if (tw_proto_parse(v.p, v.len, &ev->proto))
			BAD("bad PROTO");
		f->have_proto = f->after_proto = true;
		f->proto_number = v.len && v.p[0] >= '0' && v.p[0] <= '9';
		break;
	}
	return TW_OK;
}

/* A bare word of the outer packet: IP flags, TCP flags, FRAG:, INCOMPLETE. */
static void outer_word(struct tw_span w, struct tw_event *ev, struct fields *f)
{
	if (f->after_proto && ev->proto == TW_IPPROTO_TCP) {
		uint8_t fl = flag_of(w);
		if (fl) {
			ev->tcp_flags |= fl;
			ev->has |= TW_EV_HAS_FLAGS;
			return;
		}
	}
	if (w.len > 5 && tw_bytes_eq(w.p, "FRAG:", 5)) {
		uint32_t off;
		if (tw_span_u32((struct tw_span){w.p + 5, w.len - 5}, 65535, &off) == TW_OK && off)
			ev->has |= TW_EV_HAS_FRAG;
	} else if (tw_span_eq(w, "INCOMPLETE", 10)) {
		f->incomplete = true;
	}
}

int tw_in_netfilter_message(const char *msg, size_t len, struct tw_event *ev,
			    struct tw_parse_ctx *ctx)
{
	struct tw_cursor c;
	struct fields f;
	int64_t up;
	size_t n;

	long a = find_anchor(msg, len);
	if (a < 0)
		return TW_E_NOTFOUND;
	memset(&f, 0, sizeof(f));

	/* The prefix: after an optional "[uptime] ", up to the anchor, trailing spaces off. */
	const char *pp = msg;
	size_t pl = (size_t)a;
	if (pl && pp[0] == '[' && (n = tw_time_parse_uptime(pp, pl, &up))) {
		ev->uptime = up;
		ev->has |= TW_EV_HAS_UPTIME;
		pp += n;
		pl -= n;
	}
	while (pl && pp[0] == ' ') {
		pp++;
		pl--;
	}
	while (pl && pp[pl - 1] == ' ')
		pl--;
	ev->prefix = (struct tw_span){pp, pl};

	tw_cursor_init(&c, msg + a, len - (size_t)a);
	while (!tw_cursor_eof(&c)) {
		long eq;
		struct tw_span tok = tw_cursor_token(&c, &eq);
		if (!tok.len)
			continue;
		bool close = false;
		if (tok.p[0] == '[') {
			f.depth++;
			tok.p++;
			tok.len--;
			eq--;
		}
		while (tok.len && tok.p[tok.len - 1] == ']' && f.depth > 0) {
			tok.len--;
			close = true;
		}
		if (eq >= 0 && (size_t)eq < tok.len) {
			struct tw_span k = {tok.p, (size_t)eq};
			struct tw_span v = {tok.p + eq + 1, tok.len - (size_t)eq - 1};
			int r =
			    f.depth ? inner_field(k, v, &f, ctx) : outer_field(k, v, ev, &f, ctx);
			if (r)
				return r;
		} else if (tok.len == 3 && tw_bytes_eq(tok.p, "OPT", 3) &&
			   tw_cursor_peek(&c) == '(') {
			tw_cursor_until(&c, ')'); /* "OPT (0204…)" */
			tw_cursor_accept_ch(&c, ')');
		} else if (tok.len && !f.depth) {
			outer_word(tok, ev, &f);
		}
		if (close)
			f.depth = f.depth > 0 ? f.depth - 1 : 0;
	}

	if (!f.have_src || !f.have_dst) {
		ctx->detail = "no SRC=/DST=";
		return TW_E_TRUNCATED;
	}
	if (!f.have_proto) {
		ctx->detail = "no PROTO=";
		return TW_E_TRUNCATED;
	}
	/* The kernel's LOG target writes ports for TCP, UDP and UDP-Lite; every other
	 * protocol (SCTP among them) it writes as a number without ports — an event with its
	 * protocol, not a truncated line. Ports are still taken when a writer gives them. */
	bool ported = ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP ||
		      ev->proto == TW_IPPROTO_UDPLITE ||
		      (ev->proto == TW_IPPROTO_SCTP && !f.proto_number);
	if (!ported && f.have_spt && f.have_dpt)
		ev->has |= TW_EV_HAS_PORTS;
	if (ported) {
		if (f.have_spt && f.have_dpt)
			ev->has |= TW_EV_HAS_PORTS;
		else if (!(ev->has & TW_EV_HAS_FRAG) && !f.incomplete) {
			ctx->detail = "no SPT=/DPT=";
			return TW_E_TRUNCATED;
		}
	}
	if (f.in_src && f.in_dst) {
		ev->inner = f.in;
		ev->has |= TW_EV_HAS_INNER;
	}
	ev->dir = ev->iface_in.len ? (ev->iface_out.len ? TW_DIR_FORWARD : TW_DIR_IN)
				   : (ev->iface_out.len ? TW_DIR_OUT : TW_DIR_UNKNOWN);
	ev->action = action_of(ev->prefix);
	return TW_OK;
}

/* Proxmox pve-firewall writes its own stamp into the prefix: "dd/Mon/yyyy:HH:MM:SS ±zzzz". */
static void proxmox_stamp(struct tw_event *ev)
{
	static const char mons[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = ev->prefix.p;
	size_t len = ev->prefix.len;

	for (size_t i = 0; i + 26 <= len; i++) {
		const char *s = p + i;
		if (s[2] != '/' || s[6] != '/' || s[11] != ':' || s[20] != ' ' ||
		    (s[21] != '+' && s[21] != '-'))
			continue;
		const char *m = memmem(mons, 36, s + 3, 3);
		int v[9];
		static const int at[9] = {0, 7, 12, 15, 18, 22, 24, 0, 0};
		static const int w[9] = {2, 4, 2, 2, 2, 2, 2, 0, 0};
		bool ok = m && ((m - mons) % 3 == 0);
		for (int k = 0; ok && k < 7; k++) {
			v[k] = 0;
			for (int d = 0; d < w[k]; d++) {
				unsigned dg = (unsigned char)s[at[k] + d] - '0';
				if (dg > 9)
					ok = false;
				v[k] = v[k] * 10 + (int)dg;
			}
		}
		if (!ok || v[0] < 1 || v[0] > 31 || v[2] > 23 || v[3] > 59 || v[4] > 60 ||
		    v[1] < 1970 || v[1] > TW_TIME_MAX_YEAR)
			continue;
		int mon = (int)((m - mons) / 3) + 1;
		int off = (v[5] * 3600 + v[6] * 60) * (s[21] == '-' ? -1 : 1);
		ev->ts = (tw_time_from_civil(v[1], mon, v[0], v[2], v[3], v[4]) - off) * TW_NS;
		ev->tz_off_s = off;
		ev->has |= TW_EV_HAS_TS | TW_EV_HAS_TZ;
		return;
	}
}

/* "last message repeated N times" (sysklogd) */
static bool repeat_note(struct tw_span m, uint32_t *count)
{
	struct tw_cursor c;

	tw_cursor_init(&c, m.p, m.len);
	if (!tw_cursor_accept(&c, "last message repeated ", 22))
		return false;
	struct tw_span d = tw_cursor_digits(&c);
	return tw_cursor_accept(&c, " time", 5) && tw_span_u32(d, 1000000000, count) == TW_OK;
}

static int parse_line(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct tw_cursor c;
	uint32_t count;

	tw_cursor_init(&c, line, len);
	tw_syslog_envelope(&c, ev, ctx, NULL);
	struct tw_span m = tw_cursor_rest(&c);
	if (m.len > 22 && m.p[0] == 'l' && repeat_note(m, &count)) {
		ctx->repeat = count;
		return TW_IN_REPEAT;
	}
	/* rsyslog "message repeated N times: [ original ]". */
	if (m.len > 30 && m.p[0] == 'm' && tw_bytes_eq(m.p, "message repeated ", 17)) {
		struct tw_cursor r;
		tw_cursor_init(&r, m.p + 17, m.len - 17);
		struct tw_span d = tw_cursor_digits(&r);
		if (tw_cursor_accept(&r, " times: [", 9) &&
		    tw_span_u32(d, 1000000000, &count) == 0) {
			struct tw_span in = tw_cursor_rest(&r);
			while (in.len && (in.p[in.len - 1] == ']' || in.p[in.len - 1] == ' '))
				in.len--;
			int ret = tw_in_netfilter_message(in.p, in.len, ev, ctx);
			if (ret == TW_OK)
				ctx->repeat = count ? count - 1 : 0;
			return ret;
		}
	}
	int ret = tw_in_netfilter_message(m.p, m.len, ev, ctx);
	if (ret == TW_OK && !(ev->has & TW_EV_HAS_TS) && ev->prefix.len >= 26)
		proxmox_stamp(ev);
	return ret;
}

const struct tw_input_format tw_in_netfilter = {
    .name = "netfilter",
    .summary = "Linux iptables/ip6tables LOG and nftables log lines (syslog, kern.log, "
	       "journalctl -o short*, dmesg, ufw, firewalld, Shorewall)",
    .parse = parse_line,
    .spans_in_line = true, /* prefix, host, interfaces and MAC all point into the line */
};
