/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RDAP answers and the IANA bootstrap registries (RFC 9083, RFC 9224), parsed with jansson.
 * Hostile input: sizes are capped before parsing, the entity walk is bounded in depth and
 * count, and every string is copied with its length checked. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "enrich/abuse.h"

#define BOOTSTRAP_MAX (1u << 20)
#define RDAP_MAX      (4u << 20)
#define ENTITY_DEPTH  6
#define ENTITY_MAX    256

static void copy(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s ? s : "", n);
	dst[n] = '\0';
}

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- bootstrap ---------------------------------------------------------------------- */

static int bs_url(struct tw_bootstrap *bs, const json_t *urls, unsigned *idx)
{
	const char *pick = NULL;
	size_t i;
	json_t *u;
	json_array_foreach(urls, i, u)
	{
		const char *s = json_string_value(u);
		if (!s || strlen(s) > 400)
			continue;
		if (!strncmp(s, "https://", 8)) {
			pick = s;
			break;
		}
		if (!pick && !strncmp(s, "http://", 7))
			pick = s;
	}
	if (!pick)
		return TW_E_NOTFOUND;
	size_t l = strlen(pick);
	char *c = tw_malloc(l + 2);
	if (!c)
		return TW_E_NOMEM;
	memcpy(c, pick, l);
	if (!l || c[l - 1] != '/')
		c[l++] = '/'; /* base URLs end in '/' (RFC 9224 §3); tolerate one that does not */
	c[l] = '\0';
	for (size_t k = 0; k < bs->nurls; k++)
		if (!strcmp(bs->urls[k], c)) {
			free(c);
			*idx = (unsigned)k;
			return TW_OK;
		}
	char **nu = tw_grow(bs->urls, bs->nurls, &bs->capurls, sizeof(*nu), 8);
	if (!nu) {
		free(c);
		return TW_E_NOMEM;
	}
	bs->urls = nu;
	bs->urls[bs->nurls] = c;
	*idx = (unsigned)bs->nurls++;
	return TW_OK;
}

static int bs_cmp(const void *a, const void *b)
{
	const struct tw_bootstrap_entry *x = a, *y = b;
	return x->plen < y->plen ? 1 : x->plen > y->plen ? -1 : 0; /* longest first */
}

int tw_bootstrap_add(struct tw_bootstrap *bs, const char *buf, size_t len, struct tw_errctx *ec)
{
	json_error_t je;
	int r = TW_OK;
	if (len > BOOTSTRAP_MAX)
		return tw_err_set(ec, TW_E_RANGE, 0, "bootstrap file larger than 1 MiB");
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return tw_err_set(ec, TW_E_INVALID, 0, "line %d: not JSON: %s", je.line, je.text);
	const json_t *svc = json_object_get(root, "services");
	if (!json_is_array(svc)) {
		r = tw_err_set(ec, TW_E_INVALID, 0, "no \"services\" array");
		goto out;
	}
	const char *pub = jstr(root, "publication");
	if (pub && !bs->publication[0])
		copy(bs->publication, sizeof(bs->publication), pub);
	size_t i;
	json_t *s;
	json_array_foreach(svc, i, s)
	{
		const json_t *ents = json_array_get(s, 0), *urls = json_array_get(s, 1);
		unsigned idx;
		if (!json_is_array(ents) || !json_is_array(urls))
			continue;
		r = bs_url(bs, urls, &idx);
		if (r == TW_E_NOTFOUND) {
			r = TW_OK;
			continue;
		}
		if (r)
			goto out;
		size_t k;
		json_t *e;
		json_array_foreach(ents, k, e)
		{
			const char *p = json_string_value(e);
			struct tw_bootstrap_entry be = {.url = idx};
			if (!p || tw_prefix_parse(p, strlen(p), &be.net, &be.plen) != TW_OK)
				continue; /* an entry that is no prefix is skipped, not guessed */
			struct tw_bootstrap_entry *ne =
			    tw_grow(bs->e, bs->n, &bs->cap, sizeof(*ne), 64);
			if (!ne) {
				r = TW_E_NOMEM;
				goto out;
			}
			bs->e = ne;
			bs->e[bs->n++] = be;
		}
	}
	if (bs->n) /* qsort wants a non-null base even for no elements */
		qsort(bs->e, bs->n, sizeof(*bs->e), bs_cmp);
out:
	json_decref(root);
	return r;
}

const char *tw_bootstrap_find(const struct tw_bootstrap *bs, const struct tw_addr *a)
{
	for (size_t i = 0; i < bs->n; i++)
		if (bs->e[i].net.family == a->family &&
		    tw_addr_in_prefix(a, &bs->e[i].net, bs->e[i].plen))
			return bs->urls[bs->e[i].url];
	return NULL;
}

void tw_bootstrap_fini(struct tw_bootstrap *bs)
{
	for (size_t i = 0; i < bs->nurls; i++)
		free(bs->urls[i]);
	free(bs->urls);
	free(bs->e);
	memset(bs, 0, sizeof(*bs));
}

/* ---- ip network answers --------------------------------------------------------------- */

static bool has_role(const json_t *ent, const char *role)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(ent, "roles"), i, r)
	{
		const char *s = json_string_value(r);
		if (s && !strcasecmp(s, role))
			return true;
	}
	return false;
}

/* The vCard e-mails of an entity: ["vcard", [[name, {params}, type, value], …]]. A
 * parameter "type" may be a string or an array of strings. */
static void vcard_emails(const json_t *ent, bool want_typed, bool typed_only,
			 struct tw_abuse_found *f, bool *any)
{
	const json_t *props = json_array_get(json_object_get(ent, "vcardArray"), 1);
	size_t i;
	json_t *p;
	json_array_foreach(props, i, p)
	{
		const char *name = json_string_value(json_array_get(p, 0));
		const json_t *params = json_array_get(p, 1), *val = json_array_get(p, 3);
		if (!name || strcasecmp(name, "email") || !json_is_string(val))
			continue;
		const json_t *t = json_object_get(params, "type");
		bool typed = false;
		if (json_is_string(t))
			typed = !strcasecmp(json_string_value(t), "abuse");
		else if (json_is_array(t)) {
			size_t k;
			json_t *x;
			json_array_foreach(t, k, x) if (json_is_string(x) &&
							!strcasecmp(json_string_value(x), "abuse"))
			    typed = true;
		}
		if (typed)
			*any = true;
		if (want_typed ? typed : !typed_only)
			tw_abuse_found_add(f, json_string_value(val), json_string_length(val));
	}
}

struct walk {
	unsigned seen;
	bool typed_only;
	struct tw_rdap_net *out;
};

/* Walks entities depth-first (ARIN nests the abuse POC in the registrant): first pass takes
 * e-mails marked abuse, the second (when the first found none) an abuse role's others. */
static void walk(struct walk *w, const json_t *ents, unsigned depth, bool want_typed)
{
	size_t i;
	json_t *e;
	if (depth > ENTITY_DEPTH || !json_is_array(ents))
		return;
	json_array_foreach(ents, i, e)
	{
		if (++w->seen > ENTITY_MAX)
			return;
		if (!json_is_object(e))
			continue;
		if (has_role(e, "abuse")) {
			unsigned before = w->out->abuse.n;
			bool any = false;
			if (want_typed)
				w->out->abuse_entities++;
			vcard_emails(e, want_typed, w->typed_only, &w->out->abuse, &any);
			if (w->out->abuse.n > before && !w->out->abuse.how[0]) {
				const char *h = jstr(e, "handle");
				snprintf(w->out->abuse.how, sizeof(w->out->abuse.how),
					 "entity %.80s (role abuse), vCard email%s",
					 h ? h : "(no handle)", want_typed ? " of type abuse" : "");
			}
		}
		walk(w, json_object_get(e, "entities"), depth + 1, want_typed);
	}
}

/* Old answers write "62.239.237.0/32" (RIPE) or "074.125.000.000" (ARIN): the address is
 * re-printed in its normal form when it parses, else kept as written. */
static void addr_field(char *dst, size_t cap, const char *s)
{
	char tmp[64];
	struct tw_addr a;
	copy(tmp, sizeof(tmp), s);
	char *slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	if (tw_addr_parse(tmp, strlen(tmp), &a) == TW_OK) {
		char f[TW_ADDR_STRLEN];
		tw_addr_format(&a, f);
		copy(dst, cap, f);
		return;
	}
	/* Zero-padded dotted quad: strip leading zeros of each part. */
	char z[64];
	size_t o = 0;
	for (const char *p = tmp; *p && o + 1 < sizeof(z);) {
		while (p[0] == '0' && isdigit((unsigned char)p[1]))
			p++;
		while (*p && *p != '.' && o + 1 < sizeof(z))
			z[o++] = *p++;
		if (*p == '.' && o + 1 < sizeof(z))
			z[o++] = *p++;
	}
	z[o] = '\0';
	if (tw_addr_parse(z, o, &a) == TW_OK) {
		char f[TW_ADDR_STRLEN];
		tw_addr_format(&a, f);
		copy(dst, cap, f);
	} else {
		copy(dst, cap, tmp);
	}
}

int tw_rdap_parse(const char *buf, size_t len, bool typed_only, struct tw_rdap_net *out,
		  struct tw_errctx *ec)
{
	json_error_t je;
	memset(out, 0, sizeof(*out));
	if (len > RDAP_MAX)
		return tw_err_set(ec, TW_E_RANGE, 0, "answer larger than 4 MiB");
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root)
		return tw_err_set(ec, TW_E_INVALID, 0, "not JSON (line %d: %s)", je.line, je.text);
	int r = TW_OK;
	if (!json_is_object(root)) {
		r = tw_err_set(ec, TW_E_INVALID, 0, "not a JSON object");
		goto out;
	}
	const json_t *code = json_object_get(root, "errorCode");
	if (json_is_integer(code)) {
		json_int_t c = json_integer_value(code);
		out->error_code = c > 0 && c < 1000 ? (int)c : 1;
		goto out;
	}
	copy(out->handle, sizeof(out->handle), jstr(root, "handle"));
	copy(out->name, sizeof(out->name), jstr(root, "name"));
	copy(out->port43, sizeof(out->port43), jstr(root, "port43"));
	copy(out->parent, sizeof(out->parent), jstr(root, "parentHandle"));
	size_t li;
	json_t *lk;
	json_array_foreach(json_object_get(root, "links"), li, lk)
	{
		const char *rel = jstr(lk, "rel"), *href = jstr(lk, "href");
		if (rel && href && !strcmp(rel, "up") && strlen(href) < sizeof(out->up) &&
		    (!strncmp(href, "https://", 8) || !strncmp(href, "http://", 7))) {
			copy(out->up, sizeof(out->up), href);
			break;
		}
	}
	const char *cc = jstr(root, "country");
	if (cc && strlen(cc) == 2 && isalpha((unsigned char)cc[0]) &&
	    isalpha((unsigned char)cc[1])) {
		out->country[0] = (char)toupper((unsigned char)cc[0]);
		out->country[1] = (char)toupper((unsigned char)cc[1]);
	}
	if (jstr(root, "startAddress"))
		addr_field(out->start, sizeof(out->start), jstr(root, "startAddress"));
	if (jstr(root, "endAddress"))
		addr_field(out->end, sizeof(out->end), jstr(root, "endAddress"));
	struct walk w = {.typed_only = typed_only, .out = out};
	walk(&w, json_object_get(root, "entities"), 0, true);
	if (!out->abuse.n) {
		w.seen = 0;
		walk(&w, json_object_get(root, "entities"), 0, false);
	}
out:
	json_decref(root);
	return r;
}
