/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port-43 whois answers (RFC 3912): no structure, no charset, no error codes. Read as RPSL
 * (`attribute: value`, objects separated by blank lines, `%`/`#` comments) with each
 * registry's own way of naming the abuse address (abuse-reporting.md §2.3), strongest
 * first:
 *   1. RIPE-style comment  "% Abuse contact for '<range>' is '<addr>'"  (RIPE, AFRINIC, APNIC)
 *   2. ARIN                 RAbuseEmail (the resource's POC), then OrgAbuseEmail
 *   3. abuse-c: HANDLE      → the object whose nic-hdl is HANDLE: abuse-mailbox, else e-mail
 *                             (LACNIC's person blocks, RIPE/APNIC role objects)
 *   4. mnt-irt: IRT         → the irt object: abuse-mailbox, else e-mail (APNIC)
 *   5. any abuse-mailbox:
 *   6. remarks: free text with an address next to the word "abuse" — weak, and said so.
 * Also the referral (IANA "refer:"/"whois:", ARIN "ReferralServer:"), the range, name,
 * country and organisation, and rate-limit texts. Every line is bounded; nothing is
 * trusted to be ASCII. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "enrich/abuse.h"

#define MAX_ATTRS 4096

/* ---- addresses found in answers ------------------------------------------------------- */

static bool ci_suffix(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && !strncasecmp(s + n - l, suf, l) &&
	       (n == l || s[n - l - 1] == '@' || s[n - l - 1] == '.');
}

const char *tw_abuse_email_refused(const char *s, size_t n)
{
	static const char *const placeholders[] = {
	    "redacted", "not disclosed", "please query", "data redacted", "withheld",
	};
	if (n == 0 || n >= TW_ABUSE_MAILLEN)
		return "empty or longer than 127 bytes";
	/* A placeholder is the whole value or the local part ("DATA REDACTED",
	 * "redacted-for-privacy@…"); a domain that happens to contain the word is not one. */
	const char *at = memchr(s, '@', n);
	size_t pl = at ? (size_t)(at - s) : n;
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(*placeholders); i++) {
		size_t l = strlen(placeholders[i]);
		for (size_t k = 0; k + l <= pl; k++)
			if (!strncasecmp(s + k, placeholders[i], l))
				return "a redaction placeholder";
	}
	if (!at || at == s || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
		return "not an e-mail address";
	size_t local = (size_t)(at - s), dl = n - local - 1;
	const char *d = at + 1;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];
		/* (strchr would find the terminator for a NUL byte: test it first) */
		if (c == 0 || !(isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~.", c)))
			return "not an e-mail address";
	}
	if (s[0] == '.' || s[local - 1] == '.')
		return "not an e-mail address";
	bool dot = false;
	for (size_t i = 0; i < dl; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (i == 0 || i + 1 == dl || d[i - 1] == '.')
				return "not an e-mail address";
			dot = true;
		} else if (!(isalnum(c) || c == '-')) {
			return "not an e-mail address";
		}
	}
	if (!dot)
		return "not an e-mail address";
	if ((n > 8 && (!strncasecmp(s, "removed@", 8) || !strncasecmp(s, "noreply@", 8))) ||
	    (n > 9 && !strncasecmp(s, "no-reply@", 9)))
		return "a placeholder";
	/* The registries' own addresses stand for the registry, not for the network's
	 * holder (a network of the registry itself is reached through its own ranges). */
	static const char *const rir[] = {"arin.net", "ripe.net", "apnic.net", "lacnic.net",
					  "afrinic.net"};
	for (size_t i = 0; i < sizeof(rir) / sizeof(*rir); i++)
		if (ci_suffix(d, dl, rir[i]))
			return "the regional registry's own address";
	if (ci_suffix(d, dl, "example") || ci_suffix(d, dl, "invalid") ||
	    ci_suffix(d, dl, "localhost"))
		return "a reserved domain";
	return NULL;
}

void tw_abuse_found_add(struct tw_abuse_found *f, const char *s, size_t n)
{
	/* Trim spaces and the quotes or angle brackets text puts around addresses. */
	while (n && *s && strchr(" \t<'\"(", *s))
		s++, n--;
	while (n && s[n - 1] && strchr(" \t>'\").,;:", s[n - 1]))
		n--;
	const char *why = tw_abuse_email_refused(s, n);
	if (why) {
		if (!f->rejected[0]) {
			char shown[64];
			size_t k = 0;
			for (size_t i = 0; i < n && k + 1 < sizeof(shown); i++)
				shown[k++] =
				    (char)((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f
					       ? '?'
					       : s[i]);
			shown[k] = '\0';
			snprintf(f->rejected, sizeof(f->rejected), "'%s': %s", shown, why);
		}
		return;
	}
	for (unsigned i = 0; i < f->n; i++)
		if (strlen(f->email[i]) == n && !strncasecmp(f->email[i], s, n))
			return;
	if (f->n == TW_ABUSE_MAXMAIL)
		return;
	memcpy(f->email[f->n], s, n);
	f->email[f->n][n] = '\0';
	f->n++;
}

/* ---- RPSL reading ------------------------------------------------------------------ */

struct attr {
	const char *k, *v;
	unsigned kl, vl;
	unsigned obj; /* object number (blank lines separate) */
	const char *line;
	unsigned linelen;
};

struct rpsl {
	struct attr a[MAX_ATTRS];
	unsigned n;
};

static void copy_n(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		dst[k++] = s[i];
	dst[k] = '\0';
}

static bool key_is(const struct attr *a, const char *k)
{
	return a->kl == strlen(k) && !strncasecmp(a->k, k, a->kl);
}

static bool val_is(const struct attr *a, const char *v, size_t n)
{
	return a->vl == n && !strncasecmp(a->v, v, n);
}

/* Splits the answer into attributes. A line "key: value" whose key is a word of letters,
 * digits and '-' starts an attribute; continuation lines (leading space or '+') are not
 * needed for what is extracted and are skipped. */
static void rpsl_read(const char *buf, size_t len, struct rpsl *r)
{
	unsigned obj = 0;
	bool blank = true;
	const char *p = buf, *end = buf + len;
	r->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		const char *q = p;
		p = nl ? nl + 1 : end;
		size_t i = 0;
		while (i < ll && (q[i] == ' ' || q[i] == '\t'))
			i++;
		if (i == ll) {
			if (!blank)
				obj++;
			blank = true;
			continue;
		}
		if (i > 0 || q[0] == '+' || q[0] == '%' || q[0] == '#')
			continue;
		size_t k = 0;
		while (k < ll && k < 64 &&
		       (isalnum((unsigned char)q[k]) || q[k] == '-' || q[k] == '_'))
			k++;
		if (k == 0 || k >= ll || q[k] != ':')
			continue;
		size_t v = k + 1;
		while (v < ll && (q[v] == ' ' || q[v] == '\t'))
			v++;
		size_t ve = ll;
		while (ve > v && (q[ve - 1] == ' ' || q[ve - 1] == '\t'))
			ve--;
		/* "source: AFRINIC # Filtered": a comment after the value is not part of it. */
		if (r->n == MAX_ATTRS)
			return;
		blank = false;
		r->a[r->n++] =
		    (struct attr){q, q + v, (unsigned)k, (unsigned)(ve - v), obj, q, (unsigned)ll};
	}
}

/* The e-mail inside a value ("please send abuse reports to abuse@x.example."). */
static bool email_in(const char *s, size_t n, const char **e, size_t *el)
{
	const char *at = memchr(s, '@', n);
	while (at) {
		const char *b = at, *f = at + 1;
		while (b > s && !strchr(" \t<>'\"(),;:", b[-1]))
			b--;
		while (f < s + n && !strchr(" \t<>'\"(),;:", *f))
			f++;
		while (f > at + 1 && f[-1] == '.')
			f--;
		if (b < at && f > at + 1) {
			*e = b;
			*el = (size_t)(f - b);
			return true;
		}
		at = memchr(at + 1, '@', (size_t)(s + n - at - 1));
	}
	return false;
}

static void how_line(struct tw_abuse_found *f, const char *prefix, const char *line, size_t n)
{
	char shown[200];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < sizeof(shown); i++) {
		unsigned char c = (unsigned char)line[i];
		shown[k++] = c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	shown[k] = '\0';
	snprintf(f->how, sizeof(f->how), "%.100s%.130s", prefix, shown);
}

/* Addresses from the attributes 'key' of the object that has 'hkey: handle'. */
static bool from_object(const struct rpsl *r, const char *hkey, const struct attr *h,
			struct tw_abuse_found *f, const char *via)
{
	static const char *const keys[] = {"abuse-mailbox", "e-mail"};
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < r->n; i++) {
			if (!key_is(&r->a[i], hkey) || !val_is(&r->a[i], h->v, h->vl))
				continue;
			unsigned obj = r->a[i].obj;
			for (unsigned j = 0; j < r->n; j++) {
				const struct attr *x = &r->a[j];
				if (x->obj != obj || !key_is(x, keys[pass]))
					continue;
				unsigned before = f->n;
				tw_abuse_found_add(f, x->v, x->vl);
				if (f->n > before && !f->how[0]) {
					char pre[120];
					snprintf(pre, sizeof(pre), "%s %.*s → ", via, (int)h->vl,
						 h->v);
					how_line(f, pre, x->line, x->linelen);
				}
			}
			if (f->n)
				return true;
		}
	return false;
}

static void referral(struct tw_whois_answer *out, const char *v, size_t n)
{
	/* "whois://whois.ripe.net", "whois.apnic.net", "rwhois://rwhois.x:4321" (not followed). */
	if (n >= 9 && !strncasecmp(v, "rwhois://", 9))
		return;
	if (n >= 8 && !strncasecmp(v, "whois://", 8))
		v += 8, n -= 8;
	while (n && v[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)v[i]) || v[i] == '.' || v[i] == '-' || v[i] == ':'))
			return;
	if (n && n < sizeof(out->refer))
		copy_n(out->refer, sizeof(out->refer), v, n);
}

static bool has_word(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);
	for (size_t i = 0; i + l <= n; i++)
		if (!strncasecmp(s + i, w, l))
			return true;
	return false;
}

int tw_whois_parse(const char *buf, size_t len, struct tw_whois_answer *out)
{
	memset(out, 0, sizeof(*out));
	struct rpsl *rp = tw_malloc(sizeof(*rp)); /* about 200 KiB: not on the stack */
	if (rp)
		rpsl_read(buf, len, rp);
	struct tw_abuse_found *f = &out->abuse;

	/* Comments: the RIPE-style abuse line, "no abuse contact", rate limits. */
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)((nl ? nl : end) - p);
		const char *q = p;
		p = nl ? nl + 1 : end;
		if (ll && q[ll - 1] == '\r')
			ll--;
		if (has_word(q, ll, "query rate limit") || has_word(q, ll, "limit exceeded") ||
		    has_word(q, ll, "access denied") || has_word(q, ll, "too many queries") ||
		    has_word(q, ll, "rate limit exceeded") || has_word(q, ll, "%ERROR:201"))
			out->rate_limited = true;
		if (q[0] != '%')
			continue;
		if (has_word(q, ll, "No abuse contact registered"))
			out->no_abuse_registered = true;
		static const char mark[] = "Abuse contact for '";
		const char *m = NULL;
		for (size_t i = 0; i + sizeof(mark) - 1 <= ll; i++)
			if (!strncasecmp(q + i, mark, sizeof(mark) - 1)) {
				m = q + i;
				break;
			}
		if (!m || f->n)
			continue;
		const char *is = NULL;
		for (const char *s = m; s + 6 <= q + ll; s++)
			if (!memcmp(s, "' is '", 6)) {
				is = s + 6;
				break;
			}
		if (!is)
			continue;
		const char *e = memchr(is, '\'', (size_t)(q + ll - is));
		if (!e)
			continue;
		tw_abuse_found_add(f, is, (size_t)(e - is));
		if (f->n)
			how_line(f, "", q, ll);
	}

	if (!rp)
		return f->n ? TW_OK : TW_E_NOMEM;
	/* Fields of the network and the referral. */
	for (unsigned i = 0; i < rp->n; i++) {
		const struct attr *a = &rp->a[i];
		if ((key_is(a, "refer") || key_is(a, "whois") || key_is(a, "ReferralServer")) &&
		    !out->refer[0])
			referral(out, a->v, a->vl);
		else if ((key_is(a, "inetnum") || key_is(a, "inet6num") || key_is(a, "NetRange")) &&
			 !out->range[0])
			copy_n(out->range, sizeof(out->range), a->v, a->vl);
		else if ((key_is(a, "netname") || key_is(a, "NetName")) && !out->netname[0])
			copy_n(out->netname, sizeof(out->netname), a->v, a->vl);
		else if ((key_is(a, "country") || key_is(a, "Country")) && !out->country[0] &&
			 a->vl == 2 && isalpha((unsigned char)a->v[0]) &&
			 isalpha((unsigned char)a->v[1])) {
			out->country[0] = (char)toupper((unsigned char)a->v[0]);
			out->country[1] = (char)toupper((unsigned char)a->v[1]);
		} else if ((key_is(a, "org-name") || key_is(a, "OrgName") || key_is(a, "owner") ||
			    key_is(a, "descr")) &&
			   !out->org[0])
			copy_n(out->org, sizeof(out->org), a->v, a->vl);
	}
	if (f->n)
		goto out;

	/* ARIN: the resource's abuse POC is more specific than the organisation's. */
	static const char *const arin[] = {"RAbuseEmail", "OrgAbuseEmail"};
	for (unsigned k = 0; k < 2 && !f->n; k++)
		for (unsigned i = 0; i < rp->n; i++)
			if (key_is(&rp->a[i], arin[k])) {
				tw_abuse_found_add(f, rp->a[i].v, rp->a[i].vl);
				if (f->n && !f->how[0])
					how_line(f, "", rp->a[i].line, rp->a[i].linelen);
			}
	if (f->n)
		goto out;
	/* abuse-c → the object holding that handle; mnt-irt → the irt object. */
	for (unsigned i = 0; i < rp->n && !f->n; i++)
		if (key_is(&rp->a[i], "abuse-c"))
			from_object(rp, "nic-hdl", &rp->a[i], f, "abuse-c");
	for (unsigned i = 0; i < rp->n && !f->n; i++)
		if (key_is(&rp->a[i], "mnt-irt"))
			from_object(rp, "irt", &rp->a[i], f, "mnt-irt");
	for (unsigned i = 0; i < rp->n && !f->n; i++)
		if (key_is(&rp->a[i], "abuse-mailbox")) {
			tw_abuse_found_add(f, rp->a[i].v, rp->a[i].vl);
			if (f->n)
				how_line(f, "", rp->a[i].line, rp->a[i].linelen);
		}
	if (f->n)
		goto out;
	/* Last resort: an address in a remark that speaks of abuse. Weak, and shown so. */
	for (unsigned i = 0; i < rp->n && !f->n; i++) {
		const struct attr *a = &rp->a[i];
		const char *e;
		size_t el;
		if (key_is(a, "remarks") && has_word(a->v, a->vl, "abuse") &&
		    email_in(a->v, a->vl, &e, &el)) {
			tw_abuse_found_add(f, e, el);
			if (f->n) {
				f->weak = true;
				how_line(f, "free text: ", a->line, a->linelen);
			}
		}
	}
out:
	free(rp);
	return TW_OK;
}

void tw_whois_query(const char *server, const char *addr, char *out, size_t cap)
{
	size_t sl = strcspn(server, ":");
	if (sl == strlen("whois.arin.net") && !strncasecmp(server, "whois.arin.net", sl))
		snprintf(out, cap, "n + %s", addr); /* network records, full details */
	else if ((sl == 14 && !strncasecmp(server, "whois.ripe.net", sl)) ||
		 (sl == 17 && !strncasecmp(server, "whois.afrinic.net", sl)))
		/* No personal objects (no daily limit): the "Abuse contact for" comment and
		 * the network's own remarks are printed all the same. */
		snprintf(out, cap, "-r %s", addr);
	else
		snprintf(out, cap, "%s", addr);
}
