/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signature rules: parser and matcher (see sigs.h and data/signatures.rules). */
#include "classify/sigs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "core/alloc.h"
#include "core/cursor.h"
#include "core/lines.h"

enum {
	C_PROTO = 1,
	C_DPORT,
	C_SPORT,
	C_PAYLEN,
	C_IPLEN,
	C_TTL,
	C_IPID,
	C_FLAGS_EQ,
	C_FLAGS_SET,
	C_FLAGS_CLEAR,
	C_APP,
	C_PREFIX,
	C_ACTION,
};

static const struct {
	const char *key;
	uint8_t field;
	uint32_t max;
} keys[] = {
    {"proto", C_PROTO, 255},	  {"dport", C_DPORT, 65535}, {"sport", C_SPORT, 65535},
    {"paylen", C_PAYLEN, 65535},  {"iplen", C_IPLEN, 65535}, {"ttl", C_TTL, 255},
    {"ipid", C_IPID, 65535},	  {"flags", C_FLAGS_EQ, 0},  {"flags+", C_FLAGS_SET, 0},
    {"flags-", C_FLAGS_CLEAR, 0}, {"app", C_APP, 0},	     {"prefix", C_PREFIX, 0},
    {"action", C_ACTION, 0},
};

static const struct {
	const char *name;
	uint8_t kind;
} apps[] = {
    {"messenger", TW_DEC_MESSENGER},
    {"rpc", TW_DEC_RPC},
    {"rpc-fragment", TW_DEC_RPC_FRAGMENT},
    {"nbns", TW_DEC_NBNS},
    {"nbstat", TW_DEC_NBSTAT_REQUEST},
    {"nbdgm", TW_DEC_NBDGM},
    {"nbss", TW_DEC_NBSS},
    {"nbstat-response", TW_DEC_NBSTAT_RESPONSE},
};

/* The rule set in force (NULL: the compiled-in one). Published with release order and read
 * with acquire order, so that a classifying thread sees a whole set or the one before. */
static _Atomic(const struct tw_sigset *) active;

#define BAD(...)                                                                                   \
	do {                                                                                       \
		ret = tw_err_set(ec, TW_E_INVALID, 0, __VA_ARGS__);                                \
		goto out;                                                                          \
	} while (0)

static int flag_letters(struct tw_span v, uint32_t *out)
{
	uint32_t f = 0;
	for (size_t i = 0; i < v.len; i++) {
		static const char l[] = "FSRPAUEC"; /* header bit order */
		const char *p = memchr(l, v.p[i], 8);
		if (!p)
			return TW_E_INVALID;
		f |= 1u << (p - l);
	}
	*out = f;
	return v.len ? TW_OK : TW_E_INVALID;
}

/* "N", "N-M", "N,M-K,…" within [0, max]. */
static int ranges(struct tw_span v, uint32_t max, struct tw_sig_cond *c)
{
	struct tw_cursor k;
	tw_cursor_init(&k, v.p, v.len);
	while (tw_cursor_left(&k)) {
		if (c->n == TW_SIG_RANGES)
			return TW_E_INVALID;
		struct tw_span a = tw_cursor_digits(&k), b = a;
		if (tw_cursor_accept_ch(&k, '-'))
			b = tw_cursor_digits(&k);
		uint32_t lo, hi;
		if (tw_span_u32(a, max, &lo) || tw_span_u32(b, max, &hi) || lo > hi)
			return TW_E_INVALID;
		c->r[c->n].lo = lo;
		c->r[c->n].hi = hi;
		c->n++;
		if (!tw_cursor_left(&k))
			break;
		if (!tw_cursor_accept_ch(&k, ','))
			return TW_E_INVALID;
	}
	return c->n ? TW_OK : TW_E_INVALID;
}

/* One condition "key=value" or "paylen>=N". */
static int condition(struct tw_span w, struct tw_sig_cond *c, const char **why)
{
	const char *eq = memchr(w.p, '=', w.len);
	*why = "a condition is KEY=VALUE";
	if (!eq || eq == w.p)
		return TW_E_INVALID;
	struct tw_span key = {w.p, (size_t)(eq - w.p)}, v = {eq + 1, w.len - key.len - 1};
	bool ge = key.len && key.p[key.len - 1] == '>';
	if (ge)
		key.len--;
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!tw_span_eq(key, keys[i].key, strlen(keys[i].key)))
			continue;
		c->field = keys[i].field;
		uint32_t x;
		switch (c->field) {
		case C_PROTO:
			*why = "unknown protocol";
			if (ge || tw_proto_parse(v.p, v.len, &c->bytes[0]))
				return TW_E_INVALID;
			c->r[0].lo = c->r[0].hi = c->bytes[0];
			c->n = 1;
			return TW_OK;
		case C_FLAGS_EQ:
		case C_FLAGS_SET:
		case C_FLAGS_CLEAR:
			*why = "flags are letters of S A F R P U E C";
			if (ge || flag_letters(v, &x))
				return TW_E_INVALID;
			c->r[0].lo = c->r[0].hi = x;
			c->n = 1;
			return TW_OK;
		case C_APP:
			*why = "app is messenger, rpc, rpc-fragment, nbns, nbstat, nbdgm or nbss";
			for (size_t k = 0; k < sizeof(apps) / sizeof(apps[0]); k++)
				if (tw_span_eq(v, apps[k].name, strlen(apps[k].name))) {
					c->r[0].lo = c->r[0].hi = apps[k].kind;
					c->n = 1;
					return ge ? TW_E_INVALID : TW_OK;
				}
			return TW_E_INVALID;
		case C_ACTION: {
			/* A comma list of drop, reject, accept, unknown: a bit each. */
			static const char *const acts[] = {"unknown", "drop", "reject", "accept"};
			struct tw_cursor k;
			*why = "action is a list of drop, reject, accept, unknown";
			if (ge)
				return TW_E_INVALID;
			tw_cursor_init(&k, v.p, v.len);
			while (tw_cursor_left(&k)) {
				struct tw_span a = tw_cursor_until(&k, ',');
				tw_cursor_accept_ch(&k, ',');
				size_t j = 0;
				while (j < 4 && !tw_span_eq(a, acts[j], strlen(acts[j])))
					j++;
				if (j == 4)
					return TW_E_INVALID;
				c->r[0].lo |= 1u << j;
			}
			c->n = 1;
			return c->r[0].lo ? TW_OK : TW_E_INVALID;
		}
		case C_PREFIX:
			*why = "prefix is 1 to 16 bytes in hex";
			if (ge || v.len == 0 || v.len % 2 || v.len > 32)
				return TW_E_INVALID;
			for (size_t k = 0; k < v.len; k += 2) {
				uint32_t b;
				if (tw_span_hex32((struct tw_span){v.p + k, 2}, false, &b))
					return TW_E_INVALID;
				c->bytes[c->len++] = (uint8_t)b;
			}
			return TW_OK;
		default:
			if (ge) {
				*why = "KEY>=N takes one number";
				if (tw_span_u32(v, keys[i].max, &x))
					return TW_E_INVALID;
				c->r[0].lo = x;
				c->r[0].hi = keys[i].max;
				c->n = 1;
				return TW_OK;
			}
			*why = "a number, a range N-M or a list of them, within the field's bounds";
			return ranges(v, keys[i].max, c);
		}
	}
	*why = "unknown condition";
	return TW_E_INVALID;
}

static bool name_ok(struct tw_span s, size_t max)
{
	if (!s.len || s.len >= max)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char ch = s.p[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == ':'))
			return false;
	}
	return true;
}

/* Long (style.md B10: reason): the rule grammar line by line (directives, rule heads, the
 * conditions) with its FILE:LINE errors, kept together as the one place that defines it. */
int tw_sigs_parse(const char *text, size_t len, const char *name, struct tw_sigset *out,
		  struct tw_errctx *ec)
{
	struct tw_sigset s = {.v = NULL};
	size_t lineno = 0;
	int ret = TW_OK;

	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		struct tw_cursor c;
		lineno++;
		tw_cursor_init(&c, text, n);
		text += nl ? n + 1 : n;
		len -= nl ? n + 1 : n;
		tw_cursor_skip_spaces(&c);
		struct tw_span first = tw_cursor_until(&c, ' ');
		while (first.len && first.p[first.len - 1] == '\r')
			first.len--;
		if (!first.len || first.p[0] == '#')
			continue;
		if (!tw_span_eq(first, "rule", 4))
			BAD("%s:%zu: a line starts with 'rule' (or '#')", name, lineno);
		if (s.n == 4096)
			BAD("%s:%zu: more than 4096 rules", name, lineno);
		struct tw_sig *v = tw_grow(s.v, s.n, &s.cap, sizeof(*v), 32);
		if (!v) {
			ret = tw_err_set(ec, TW_E_NOMEM, 0, "%s: out of memory", name);
			goto out;
		}
		s.v = v;
		struct tw_sig *r = &s.v[s.n];
		memset(r, 0, sizeof(*r));
		struct tw_span w[3];
		for (int i = 0; i < 3; i++) {
			tw_cursor_skip_spaces(&c);
			w[i] = tw_cursor_until(&c, ' ');
		}
		if (!name_ok(w[0], sizeof(r->name)))
			BAD("%s:%zu: a rule needs a NAME of letters, digits, '-', '_', '.'", name,
			    lineno);
		memcpy(r->name, w[0].p, w[0].len);
		int cls = name_ok(w[1], 48) ? tw_class_register(w[1].p, w[1].len) : -1;
		if (cls < 0)
			BAD("%s:%zu: unknown class (or too many classes)", name, lineno);
		r->cls = cls;
		uint32_t weight;
		if (tw_span_u32(w[2], 4, &weight))
			BAD("%s:%zu: WEIGHT is 0 to 4", name, lineno);
		r->weight = (uint8_t)weight;
		struct tw_span ref = {NULL, 0};
		for (;;) {
			tw_cursor_skip_spaces(&c);
			struct tw_span t = tw_cursor_until(&c, ' ');
			while (t.len && t.p[t.len - 1] == '\r')
				t.len--;
			if (!t.len)
				break;
			if (tw_span_eq(t, "ref", 3)) {
				tw_cursor_skip_spaces(&c);
				struct tw_span rest = tw_cursor_rest(&c);
				while (rest.len && (rest.p[rest.len - 1] == '\r' ||
						    rest.p[rest.len - 1] == ' '))
					rest.len--;
				if (rest.len < 2 || rest.p[0] != '"' || rest.p[rest.len - 1] != '"')
					BAD("%s:%zu: ref takes one \"quoted text\" at the end",
					    name, lineno);
				ref = (struct tw_span){rest.p + 1, rest.len - 2};
				break;
			}
			if (r->ncond == TW_SIG_CONDS)
				BAD("%s:%zu: more than %d conditions", name, lineno, TW_SIG_CONDS);
			const char *why;
			if (condition(t, &r->cond[r->ncond], &why))
				BAD("%s:%zu: '%.*s': %s", name, lineno,
				    (int)(t.len > 60 ? 60 : t.len), t.p, why);
			r->ncond++;
		}
		if (!r->ncond)
			BAD("%s:%zu: a rule needs at least one condition", name, lineno);
		r->proto = -1;
		for (unsigned k = 0; k < r->ncond; k++) {
			if (r->cond[k].field == C_PROTO)
				r->proto = (int16_t)r->cond[k].r[0].lo;
			if (r->cond[k].field == C_APP)
				r->needs_app = true;
		}
		/* The verdict's reason: the rule's name, then its reference. */
		size_t at = 0;
		memcpy(r->why, "rule ", 5);
		at = 5;
		memcpy(r->why + at, r->name, w[0].len);
		at += w[0].len;
		if (ref.len) {
			size_t room = sizeof(r->why) - at - 3;
			size_t k = ref.len < room ? ref.len : room;
			memcpy(r->why + at, ": ", 2);
			memcpy(r->why + at + 2, ref.p, k);
			at += 2 + k;
		}
		r->why[at] = '\0';
		s.n++;
	}
	for (int slot = 0; slot < 3 && ret == TW_OK; slot++) {
		s.byproto[slot] = tw_malloc((s.n ? s.n : 1) * sizeof(uint16_t));
		if (!s.byproto[slot]) {
			ret = tw_err_set(ec, TW_E_NOMEM, 0, "%s: out of memory", name);
			goto out;
		}
		for (size_t i = 0; i < s.n; i++) {
			int p = s.v[i].proto;
			bool fits = p < 0 || (slot == 0 && p == TW_IPPROTO_TCP) ||
				    (slot == 1 && p == TW_IPPROTO_UDP) ||
				    (slot == 2 && p != TW_IPPROTO_TCP && p != TW_IPPROTO_UDP);
			if (fits)
				s.byproto[slot][s.nbyproto[slot]++] = (uint16_t)i;
		}
	}
out:
	if (ret != TW_OK) {
		free(s.v);
		for (int slot = 0; slot < 3; slot++)
			free(s.byproto[slot]);
		return ret;
	}
	*out = s;
	return TW_OK;
}

int tw_sigs_load(const char *path, struct tw_sigset *out, struct tw_errctx *ec)
{
	char *buf;
	size_t n;
	int ret = tw_file_slurp(path, (1u << 20) - 1, &buf, &n, ec);

	if (ret == TW_OK)
		ret = tw_sigs_parse(buf, n, path, out, ec);
	free(buf);
	return ret;
}

void tw_sigs_free(struct tw_sigset *s)
{
	free(s->v);
	for (int slot = 0; slot < 3; slot++) {
		free(s->byproto[slot]);
		s->byproto[slot] = NULL;
		s->nbyproto[slot] = 0;
	}
	s->v = NULL;
	s->n = s->cap = 0;
}

static bool in(const struct tw_sig_cond *c, uint32_t x)
{
	for (unsigned i = 0; i < c->n; i++)
		if (x >= c->r[i].lo && x <= c->r[i].hi)
			return true;
	return false;
}

/* The transport payload length, as cls-ports.c used to derive it. */
static int payload_len(const struct tw_event *ev)
{
	if (ev->has & TW_EV_HAS_PAYLEN)
		return ev->payload_len;
	if ((ev->has & TW_EV_HAS_IPLEN) && ev->proto == TW_IPPROTO_UDP &&
	    ev->src.family == TW_AF_INET && ev->ip_len >= 28)
		return ev->ip_len - 28;
	return -1;
}

static bool holds(const struct tw_sig_cond *c, const struct tw_event *ev,
		  const struct tw_decoded *d)
{
	int pl;
	switch (c->field) {
	case C_PROTO: return ev->proto == c->r[0].lo;
	case C_DPORT: return (ev->has & TW_EV_HAS_PORTS) && in(c, ev->dport);
	case C_SPORT: return (ev->has & TW_EV_HAS_PORTS) && in(c, ev->sport);
	case C_PAYLEN: return (pl = payload_len(ev)) >= 0 && in(c, (uint32_t)pl);
	case C_IPLEN: return (ev->has & TW_EV_HAS_IPLEN) && in(c, ev->ip_len);
	case C_TTL: return (ev->has & TW_EV_HAS_TTL) && in(c, ev->ttl);
	case C_IPID: return (ev->has & TW_EV_HAS_IPID) && in(c, ev->ip_id);
	case C_FLAGS_EQ: return (ev->has & TW_EV_HAS_FLAGS) && ev->tcp_flags == c->r[0].lo;
	case C_FLAGS_SET:
		return (ev->has & TW_EV_HAS_FLAGS) && (ev->tcp_flags & c->r[0].lo) == c->r[0].lo;
	case C_FLAGS_CLEAR: return (ev->has & TW_EV_HAS_FLAGS) && !(ev->tcp_flags & c->r[0].lo);
	case C_APP:
		/* A message counts only whole; the other kinds name the protocol even when the
		 * packet is malformed. */
		return d && d->kind == c->r[0].lo &&
		       (d->kind != TW_DEC_MESSENGER || d->status == TW_OK);
	case C_ACTION: return (c->r[0].lo >> ev->action) & 1;
	case C_PREFIX:
		return ev->payload.p && ev->payload.len >= c->len &&
		       memcmp(ev->payload.p, c->bytes, c->len) == 0;
	default: return false;
	}
}

const struct tw_sig *tw_sigs_match(const struct tw_sigset *s, const struct tw_event *ev,
				   const struct tw_decoded *d)
{
	int slot = ev->proto == TW_IPPROTO_TCP ? 0 : ev->proto == TW_IPPROTO_UDP ? 1 : 2;
	for (size_t j = 0; j < s->nbyproto[slot]; j++) {
		const struct tw_sig *r = &s->v[s->byproto[slot][j]];
		if ((r->proto >= 0 && r->proto != ev->proto) || (r->needs_app && !d))
			continue;
		unsigned k = 0;
		while (k < r->ncond && holds(&r->cond[k], ev, d))
			k++;
		if (k == r->ncond)
			return r;
	}
	return NULL;
}

static struct tw_sigset builtin;

static void load_builtin(void)
{
	struct tw_errctx ec;
	/* The compiled-in rules are tested (make test): a failure here is a build bug, and
	 * leaves no rule, so everything is "other". */
	(void)tw_sigs_parse(tw_signatures_default, tw_signatures_default_len, "default", &builtin,
			    &ec);
}

const struct tw_sigset *tw_sigs_active(void)
{
	/* Once, whichever thread asks first: ingest's parts classify from several threads
	 * at once (a plain flag let a second thread see half-loaded rules). */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const struct tw_sigset *a = atomic_load_explicit(&active, memory_order_acquire);
	if (a)
		return a;
	pthread_once(&once, load_builtin);
	return &builtin;
}

int tw_sigs_use(const char *path, struct tw_errctx *ec)
{
	static struct tw_sigset loaded[2];
	static int cur = -1; /* which of 'loaded' is active, or -1 */
	if (!path || !*path) {
		atomic_store_explicit(&active, NULL, memory_order_release);
	} else {
		int next = cur == 0 ? 1 : 0;
		struct tw_sigset s;
		memset(&s, 0, sizeof(s));
		int r = tw_sigs_load(path, &s, ec);
		if (r)
			return r;
		tw_sigs_free(&loaded[next]);
		loaded[next] = s;
		atomic_store_explicit(&active, &loaded[next], memory_order_release);
		if (cur >= 0)
			tw_sigs_free(&loaded[cur]);
		cur = next;
		return TW_OK;
	}
	if (cur >= 0)
		tw_sigs_free(&loaded[cur]);
	cur = -1;
	return TW_OK;
}
