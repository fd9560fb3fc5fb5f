/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cisco ASA / PIX / FWSM / FTD syslog (log-formats.md §8; Cisco "ASA Series Syslog
 * Messages"). Envelope, then the message:
 *   [<PRI>][relay stamp relay-host ][device stamp[ TZ]: ][device-id[ ]:]%FAC-[class-]sev-id: text
 * The messages that describe a denied packet (106100: any packet) become events:
 * - 106001 106006 106007 106015: "… from <ip>/<port> to <ip>/<port> … on interface <if>"
 * - 106010 106011 106014 106023: "Deny … src <if>:<ip>[/<port>] dst <if>:<ip>[/<port>] …"
 * - 106021 106022: "Deny <proto> reverse path check|connection spoof from <ip> to <ip> …"
 * - 106100: "access-list <acl> denied <proto> <if>/<ip>(<port>) -> <if>/<ip>(<port>) …"
 * - 710003 710005: "{TCP|UDP} access denied by ACL|request discarded from … to <if>:<ip>/<svc>"
 * Other messages (connections built and torn down, 733100 threat-detection rates…) are the
 * firewall's lines but record no packet. Interface names may hold ':' ("v1:outside"), so an
 * endpoint is split at the colon after which an address parses; with "names" configured a
 * host object stands where the address would be and is kept as a name. */
#include <string.h>

#include "core/cursor.h"
#include "core/time.h"
#include "input/input-int.h"
#include "input/input.h"

#define MAXTOK 64

#define BAD(why)                                                                                   \
	do {                                                                                       \
		ctx->detail = (why);                                                               \
		return TW_E_INVALID;                                                               \
	} while (0)

/* Well-known service names the ASA prints instead of port numbers. */
static int service_port(struct tw_span s, uint16_t *port)
{
	static const struct {
		const char *name;
		uint16_t port;
	} svc[] = {
	    {"ftp", 21},	   {"ssh", 22},
	    {"telnet", 23},	   {"smtp", 25},
	    {"domain", 53},	   {"bootps", 67},
	    {"bootpc", 68},	   {"tftp", 69},
	    {"www", 80},	   {"http", 80},
	    {"pop3", 110},	   {"sunrpc", 111},
	    {"ntp", 123},	   {"netbios-ns", 137},
	    {"netbios-dgm", 138},  {"netbios-ssn", 139},
	    {"imap4", 143},	   {"snmp", 161},
	    {"snmptrap", 162},	   {"ldap", 389},
	    {"https", 443},	   {"isakmp", 500},
	    {"syslog", 514},	   {"rsh", 514},
	    {"lpd", 515},	   {"rip", 520},
	    {"ldaps", 636},	   {"kerberos", 750},
	    {"sqlnet", 1521},	   {"h323", 1720},
	    {"pptp", 1723},	   {"radius", 1645},
	    {"radius-acct", 1646}, {"citrix-ica", 1494},
	    {"ctiqbe", 2748},	   {"sip", 5060},
	    {"aol", 5190},	   {"pcanywhere-data", 5631},
	};
	uint32_t v;
	if (tw_span_u32(s, 65535, &v) == TW_OK) {
		*port = (uint16_t)v;
		return TW_OK;
	}
	for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		if (tw_span_eq(s, svc[i].name, strlen(svc[i].name))) {
			*port = svc[i].port;
			return TW_OK;
		}
	return TW_E_NOTFOUND;
}

struct endpoint {
	struct tw_addr a;
	struct tw_span name, iface;
	uint16_t port;
	bool has_port, is_name;
};

/* "[<if>:]<addr or name>" — splits at the colon after which an address parses. */
static void host_part(struct tw_span s, bool with_iface, struct endpoint *e)
{
	e->iface = (struct tw_span){NULL, 0};
	if (tw_addr_parse(s.p, s.len, &e->a) == TW_OK && !with_iface)
		return;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == ':' && tw_addr_parse(s.p + i + 1, s.len - i - 1, &e->a) == TW_OK) {
			e->iface = (struct tw_span){s.p, i};
			return;
		}
	if (tw_addr_parse(s.p, s.len, &e->a) == TW_OK)
		return;
	/* A host object name: the interface is what precedes the last colon. */
	const char *colon = with_iface ? memrchr(s.p, ':', s.len) : NULL;
	if (colon) {
		e->iface = (struct tw_span){s.p, (size_t)(colon - s.p)};
		s.len -= (size_t)(colon + 1 - s.p);
		s.p = colon + 1;
	}
	memset(&e->a, 0, sizeof(e->a));
	e->name = s;
	e->is_name = true;
}

/* "[<if>:]<addr>[/<port>]" in 't' (the caller has joined "outside: 1.2.3.4/5"). */
static int slash_endpoint(struct tw_span t, bool with_iface, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	const char *sl = memrchr(t.p, '/', t.len);
	struct tw_span h = t;
	if (sl) {
		struct tw_span ps = {sl + 1, t.len - (size_t)(sl + 1 - t.p)};
		h.len = (size_t)(sl - t.p);
		int r = service_port(ps, &e->port);
		if (r == TW_OK)
			e->has_port = true;
		else if (!ps.len || (ps.p[0] >= '0' && ps.p[0] <= '9'))
			return TW_E_INVALID; /* empty, or a number out of range */
	}
	if (!h.len)
		return TW_E_INVALID;
	host_part(h, with_iface, e);
	if (e->is_name) {
		/* A name must look like one: no masked "***" or "a.b.c.d" placeholders. */
		for (size_t i = 0; i < e->name.len; i++) {
			char ch = e->name.p[i];
			if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
				return TW_E_INVALID;
		}
		if (!e->name.len || (e->name.p[0] >= '0' && e->name.p[0] <= '9'))
			return TW_E_INVALID;
	}
	return TW_OK;
}

/* "<if>/<addr>(<port>)" of 106100. */
static int paren_endpoint(struct tw_span t, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	const char *sl = memchr(t.p, '/', t.len);
	if (!sl || !t.len || t.p[t.len - 1] != ')')
		return TW_E_INVALID;
	const char *lp = memrchr(t.p, '(', t.len);
	if (!lp || lp < sl)
		return TW_E_INVALID;
	e->iface = (struct tw_span){t.p, (size_t)(sl - t.p)};
	struct tw_span ps = {lp + 1, (size_t)(t.p + t.len - 1 - (lp + 1))};
	if (service_port(ps, &e->port) != TW_OK)
		return TW_E_INVALID;
	e->has_port = true;
	struct tw_span h = {sl + 1, (size_t)(lp - (sl + 1))};
	if (tw_addr_parse(h.p, h.len, &e->a) != TW_OK) {
		e->name = h;
		e->is_name = true;
		if (!h.len)
			return TW_E_INVALID;
	}
	return TW_OK;
}

struct toks {
	struct tw_span t[MAXTOK];
	size_t n;
};

static void tokenize(struct tw_span m, struct toks *k)
{
	struct tw_cursor c;
	tw_cursor_init(&c, m.p, m.len);
	k->n = 0;
	while (k->n < MAXTOK) {
		tw_cursor_skip_spaces(&c);
		struct tw_span w = tw_cursor_until(&c, ' ');
		if (!w.len)
			break;
		k->t[k->n++] = w;
	}
}

static bool tok_is(const struct toks *k, size_t i, const char *lit)
{
	return i < k->n && tw_span_eq(k->t[i], lit, strlen(lit));
}

static size_t find_tok(const struct toks *k, size_t from, const char *lit)
{
	for (size_t i = from; i < k->n; i++)
		if (tok_is(k, i, lit))
			return i;
	return k->n;
}

/* Parses an endpoint at token i (with an optional "if: " split over two tokens). */
static int take_endpoint(const struct toks *k, size_t *i, bool with_iface, struct endpoint *e)
{
	if (*i >= k->n)
		return TW_E_TRUNCATED;
	struct tw_span s = k->t[*i];
	if (with_iface && s.len > 1 && s.p[s.len - 1] == ':' && *i + 1 < k->n) {
		/* "outside: 1.2.3.4/5": the interface, then the address alone. */
		int r = slash_endpoint(k->t[*i + 1], false, e);
		e->iface = (struct tw_span){s.p, s.len - 1};
		*i += 2;
		return r;
	}
	(*i)++;
	return slash_endpoint(s, with_iface, e);
}

static void set_src(struct tw_event *ev, const struct endpoint *e)
{
	ev->src = e->a;
	if (e->is_name) {
		ev->src_name = e->name;
		ev->has |= TW_EV_HAS_SRCNAME;
	}
	if (e->iface.len)
		ev->iface_in = e->iface;
}

static void set_dst(struct tw_event *ev, const struct endpoint *e)
{
	ev->dst = e->a;
	if (e->is_name) {
		ev->dst_name = e->name;
		ev->has |= TW_EV_HAS_DSTNAME;
	}
	if (e->iface.len)
		ev->iface_out = e->iface;
}

static void set_ports(struct tw_event *ev, const struct endpoint *s, const struct endpoint *d)
{
	if (s->has_port && d->has_port &&
	    (ev->proto == TW_IPPROTO_TCP || ev->proto == TW_IPPROTO_UDP ||
	     ev->proto == TW_IPPROTO_SCTP)) {
		ev->sport = s->port;
		ev->dport = d->port;
		ev->has |= TW_EV_HAS_PORTS;
	}
}

/* "flags SYN ACK …" up to "on" or the end. */
static void flags_words(const struct toks *k, size_t i, struct tw_event *ev)
{
	uint8_t f = 0;
	for (; i < k->n && !tok_is(k, i, "on"); i++) {
		struct tw_span w = k->t[i];
		f |= tw_in_tcp_flag_word(w);
	}
	if (f) {
		ev->tcp_flags = f;
		ev->has |= TW_EV_HAS_FLAGS;
	}
}

/* "(type 3, code 2)" anywhere in the tokens. */
static int icmp_words(const struct toks *k, struct tw_event *ev)
{
	size_t i = find_tok(k, 0, "(type");
	uint32_t t, c;
	if (i + 3 >= k->n)
		return TW_OK;
	struct tw_span a = k->t[i + 1], b = k->t[i + 3];
	if (!a.len || a.p[a.len - 1] != ',' || !b.len || b.p[b.len - 1] != ')' ||
	    !tok_is(k, i + 2, "code"))
		return TW_E_INVALID;
	a.len--;
	b.len--;
	if (tw_span_u32(a, 255, &t) || tw_span_u32(b, 255, &c))
		return TW_E_INVALID;
	ev->icmp_type = (uint8_t)t;
	ev->icmp_code = (uint8_t)c;
	ev->has |= TW_EV_HAS_ICMP;
	return TW_OK;
}

static void interface_word(const struct toks *k, struct tw_event *ev)
{
	size_t i = find_tok(k, 0, "interface");
	if (i + 1 < k->n) {
		struct tw_span w = k->t[i + 1];
		if (w.len && w.p[w.len - 1] == '.')
			w.len--;
		ev->iface_in = w;
	}
}

/* Protocol word at token i: "tcp", "UDP", "icmp", or "protocol N". */
static int proto_at(const struct toks *k, size_t *i, struct tw_event *ev)
{
	if (tok_is(k, *i, "protocol") && *i + 1 < k->n &&
	    tw_proto_parse(k->t[*i + 1].p, k->t[*i + 1].len, &ev->proto) == TW_OK) {
		*i += 2;
		return TW_OK;
	}
	if (*i < k->n && tw_proto_parse(k->t[*i].p, k->t[*i].len, &ev->proto) == TW_OK) {
		(*i)++;
		return TW_OK;
	}
	return TW_E_INVALID;
}

/* "… from A[/p] to [if:]B[/p] …" starting at the token "from". */
static int from_to(const struct toks *k, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct endpoint s, d;
	size_t i = find_tok(k, 0, "from");
	int r;
	if (i >= k->n)
		BAD("no 'from' endpoint");
	i++;
	if ((r = take_endpoint(k, &i, true, &s)))
		return ctx->detail = "bad source", r;
	if (!tok_is(k, i, "to")) {
		ctx->detail = "no 'to' endpoint";
		return TW_E_TRUNCATED;
	}
	i++;
	if ((r = take_endpoint(k, &i, true, &d)))
		return ctx->detail = "bad destination", r;
	set_src(ev, &s);
	set_dst(ev, &d);
	if (s.iface.len)
		ev->iface_in = s.iface;
	if (d.iface.len)
		ev->iface_out = d.iface;
	set_ports(ev, &s, &d);
	return TW_OK;
}

/* "… src if:A[/p] dst if:B[/p] …". */
static int src_dst(const struct toks *k, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct endpoint s, d;
	size_t i = find_tok(k, 0, "src");
	int r;
	if (i >= k->n)
		BAD("no 'src' endpoint");
	i++;
	if ((r = take_endpoint(k, &i, true, &s)))
		return ctx->detail = "bad source", r;
	if (!tok_is(k, i, "dst")) {
		ctx->detail = "no 'dst' endpoint";
		return TW_E_TRUNCATED;
	}
	i++;
	if ((r = take_endpoint(k, &i, true, &d)))
		return ctx->detail = "bad destination", r;
	set_src(ev, &s);
	set_dst(ev, &d);
	set_ports(ev, &s, &d);
	if (icmp_words(k, ev))
		BAD("bad ICMP type or code");
	return TW_OK;
}

static int message(uint32_t id, struct tw_span m, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	struct toks k;
	size_t i;
	int r;

	tokenize(m, &k);
	ev->action = TW_ACT_DROP;
	switch (id) {
	case 106001: /* Inbound TCP connection denied from A/p to B/p flags F on interface I */
	case 106015: /* Deny TCP (no connection) from A/p to B/p flags F on interface I */
		ev->proto = TW_IPPROTO_TCP;
		if ((r = from_to(&k, ev, ctx)))
			return r;
		flags_words(&k, find_tok(&k, 0, "flags") + 1, ev);
		interface_word(&k, ev);
		ev->dir = id == 106001 ? TW_DIR_IN : TW_DIR_UNKNOWN;
		return TW_OK;
	case 106006: /* Deny inbound UDP from A/p to B/p on interface I */
	case 106007: /* Deny inbound UDP from A/p to B/p due to DNS Query|Response */
		ev->proto = TW_IPPROTO_UDP;
		if ((r = from_to(&k, ev, ctx)))
			return r;
		interface_word(&k, ev);
		ev->dir = TW_DIR_IN;
		return TW_OK;
	case 106010: /* Deny inbound [(No xlate)] <proto> src I:A/p dst I:B/p */
	case 106011:
	case 106014: /* Deny inbound icmp src I:A dst I:B (type n, code n) */
		i = find_tok(&k, 0, "inbound");
		if (i >= k.n)
			BAD("no 'inbound'");
		i++;
		if (tok_is(&k, i, "(No") && tok_is(&k, i + 1, "xlate)"))
			i += 2;
		if (proto_at(&k, &i, ev))
			BAD("bad protocol");
		ev->dir = TW_DIR_IN;
		return src_dst(&k, ev, ctx);
	case 106023: /* Deny <proto>|protocol N src I:A[/p] dst I:B[/p] … by access-group "acl" */
		i = 1;
		if (!tok_is(&k, 0, "Deny") || proto_at(&k, &i, ev))
			BAD("bad protocol");
		if ((r = src_dst(&k, ev, ctx)))
			return r;
		i = find_tok(&k, 0, "access-group");
		if (i + 1 < k.n) {
			struct tw_span acl = k.t[i + 1];
			if (acl.len >= 2 && acl.p[0] == '"' && acl.p[acl.len - 1] == '"')
				acl = (struct tw_span){acl.p + 1, acl.len - 2};
			ev->prefix = acl;
		}
		ev->dir = TW_DIR_IN;
		return TW_OK;
	case 106021: /* Deny <proto> reverse path check from A to B on interface I */
	case 106022: /* Deny <proto> connection spoof from A to B on interface I */
		i = 1;
		if (!tok_is(&k, 0, "Deny") || proto_at(&k, &i, ev))
			BAD("bad protocol");
		if ((r = from_to(&k, ev, ctx)))
			return r;
		ev->has &= ~(uint32_t)TW_EV_HAS_PORTS;
		interface_word(&k, ev);
		ev->dir = TW_DIR_IN;
		ev->prefix = id == 106021 ? (struct tw_span){"reverse path check", 18}
					  : (struct tw_span){"connection spoof", 16};
		return TW_OK;
	case 106100: { /* access-list ACL denied|permitted|est-allowed P I/A(p) -> I/B(p) … */
		struct endpoint s, d;
		if (!tok_is(&k, 0, "access-list") || k.n < 7)
			BAD("not an access-list hit");
		ev->prefix = k.t[1];
		ev->action = tok_is(&k, 2, "denied") ? TW_ACT_DROP : TW_ACT_ACCEPT;
		i = 3;
		if (proto_at(&k, &i, ev))
			BAD("bad protocol");
		if (i + 2 >= k.n || !tok_is(&k, i + 1, "->"))
			BAD("bad endpoints");
		if (paren_endpoint(k.t[i], &s) || paren_endpoint(k.t[i + 2], &d))
			BAD("bad endpoint");
		set_src(ev, &s);
		set_dst(ev, &d);
		set_ports(ev, &s, &d);
		if (ev->proto == TW_IPPROTO_ICMP || ev->proto == TW_IPPROTO_ICMPV6) {
			/* 106100 writes the ICMP type and code as the "ports". */
			ev->icmp_type = (uint8_t)s.port;
			ev->icmp_code = (uint8_t)d.port;
			ev->has |= TW_EV_HAS_ICMP;
		}
		ev->dir = TW_DIR_IN;
		return TW_OK;
	}
	case 710003: /* TCP|UDP access denied by ACL from A/p to I:B/svc */
	case 710005: /* TCP|UDP request discarded from A/p to I:B/svc */
		i = 0;
		if (proto_at(&k, &i, ev))
			BAD("bad protocol");
		if ((r = from_to(&k, ev, ctx)))
			return r;
		/* The interface named is the one the packet came in on. */
		if (ev->iface_out.len) {
			ev->iface_in = ev->iface_out;
			ev->iface_out = (struct tw_span){NULL, 0};
		}
		ev->dir = TW_DIR_IN;
		return TW_OK;
	case 733100:
		ctx->detail = "Cisco threat-detection rate report (733100)";
		return TW_IN_NOPACKET;
	default: ctx->detail = "Cisco message that records no denied packet"; return TW_IN_NOPACKET;
	}
}

/* The device's own stamp "Mmm dd yyyy HH:MM:SS[.mmm][ TZ]:" at c, if there is one. */
static void device_stamp(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tw_cursor k = *c;
	struct tw_span mon = tw_cursor_until(&k, ' ');
	if (mon.len != 3)
		return;
	const char *mp = NULL;
	for (int i = 0; i < 12 && !mp; i++)
		if (memcmp(months + 3 * i, mon.p, 3) == 0)
			mp = months + 3 * i;
	if (!mp)
		return;
	tw_cursor_skip_spaces(&k);
	struct tw_span d = tw_cursor_digits(&k);
	tw_cursor_skip_spaces(&k);
	struct tw_span y = tw_cursor_digits(&k);
	if (!d.len || y.len != 4 || !tw_cursor_accept_ch(&k, ' '))
		return;
	struct tw_span t = tw_cursor_until(&k, ' ');
	if (t.len && t.p[t.len - 1] == ':')
		t.len--;
	char date[11];
	int mon_n = (int)((mp - months) / 3 + 1);
	memcpy(date, y.p, 4);
	date[4] = '-';
	date[5] = (char)('0' + mon_n / 10);
	date[6] = (char)('0' + mon_n % 10);
	date[7] = '-';
	if (d.len > 2)
		return;
	date[8] = d.len == 2 ? d.p[0] : '0';
	date[9] = d.p[d.len - 1];
	struct tw_civil cv;
	if (tw_civil_parse(date, 10, '-', t.p, t.len, &cv))
		return;
	struct tw_cursor z = k;
	tw_cursor_skip_spaces(&z);
	struct tw_span zone = tw_cursor_until(&z, ' ');
	if (zone.len && zone.p[zone.len - 1] == ':')
		zone.len--;
	/* A zone name ("UTC", "EDT", "CEST") belongs to the stamp, not to the host: a known
	 * one gives the offset; an ambiguous one (CST, IST…) or another is read in the zone of
	 * --tz. */
	bool alpha = zone.len >= 2 && zone.len <= 5;
	for (size_t i = 0; alpha && i < zone.len; i++)
		alpha = zone.p[i] >= 'A' && zone.p[i] <= 'Z';
	int32_t off = 0;
	bool known = alpha && tw_tz_abbrev(zone.p, zone.len, &off) == 1;
	if (alpha)
		k = z;
	ev->ts = tw_civil_to_ns(&cv, known, off, &ctx->year);
	ev->tz_off_s = known ? off : 0;
	ev->has = (ev->has & ~(uint32_t)TW_EV_HAS_TZ) | TW_EV_HAS_TS | (known ? TW_EV_HAS_TZ : 0);
	*c = k;
}

static int parse_asa(const char *line, size_t len, struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	/* The "%FAC-" marker: cheap to rule out, it must appear early in the line. */
	const char *pct = NULL;
	size_t lim = len < 300 ? len : 300;
	for (const char *p = line; (p = memchr(p, '%', lim - (size_t)(p - line))); p++) {
		size_t left = len - (size_t)(p - line);
		if ((left > 5 && (tw_bytes_eq(p, "%ASA-", 5) || tw_bytes_eq(p, "%PIX-", 5) ||
				  tw_bytes_eq(p, "%FTD-", 5))) ||
		    (left > 6 && tw_bytes_eq(p, "%FWSM-", 6))) {
			pct = p;
			break;
		}
		if ((size_t)(p + 1 - line) >= lim)
			break;
	}
	if (!pct)
		return TW_E_NOTFOUND;

	/* The envelope before the marker: syslog stamp and host, then the device's stamp, a
	 * "LOCAL4.WARNING:" facility label or a device id; the last plain word is the host. */
	struct tw_cursor c;
	tw_cursor_init(&c, line, (size_t)(pct - line));
	tw_syslog_envelope(&c, ev, ctx, NULL);
	while (tw_cursor_left(&c)) {
		tw_cursor_skip_spaces(&c);
		device_stamp(&c, ev, ctx);
		tw_cursor_skip_spaces(&c);
		struct tw_span w = tw_cursor_until(&c, ' ');
		if (!w.len)
			break;
		if (w.p[w.len - 1] == ':')
			w.len--;
		/* "LOCAL4.WARNING:" is a relay's facility label, not a host. */
		if (w.len &&
		    !(w.len > 6 && tw_bytes_eq(w.p, "LOCAL", 5) && memchr(w.p, '.', w.len)))
			ev->host = w;
	}

	/* %FAC-[class-]sev-msgid[:] */
	tw_cursor_init(&c, pct, len - (size_t)(pct - line));
	tw_cursor_until(&c, '-');
	tw_cursor_skip(&c, 1);
	struct tw_span a = tw_cursor_digits(&c);
	if (!a.len) {
		/* a class tag: "%ASA-session-5-106100" */
		tw_cursor_until(&c, '-');
		tw_cursor_skip(&c, 1);
		a = tw_cursor_digits(&c);
	}
	uint32_t id;
	if (a.len != 1 || !tw_cursor_accept_ch(&c, '-') ||
	    tw_span_u32(tw_cursor_digits(&c), 999999, &id))
		return TW_E_NOTFOUND;
	tw_cursor_accept_ch(&c, ':');
	tw_cursor_skip_spaces(&c);
	struct tw_span m = tw_cursor_rest(&c);
	while (m.len && (m.p[m.len - 1] == ' ' || m.p[m.len - 1] == '\r'))
		m.len--;
	return message(id, m, ev, ctx);
}

static bool sniff(const char *line, size_t len, const struct tw_parse_ctx *ctx)
{
	(void)ctx;
	return memchr(line, '%', len < 300 ? len : 300) != NULL;
}

const struct tw_input_format tw_in_cisco_asa = {
    .name = "cisco-asa",
    .summary = "Cisco ASA/PIX/FWSM/FTD syslog (106001-106100, 710003/5; names kept as names)",
    .parse = parse_asa,
    .sniff = sniff,
};
