/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The offline network index: building (flattening overlapping ranges to the most specific),
 * the file format, checking it on open, and lookups through the memory map. */
#include "enrich/netdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/paths.h"

/* ---- addresses as numbers ---------------------------------------------------------------- */

tw_u128 tw_addr_to_u128(const struct tw_addr *a)
{
	tw_u128 v = 0;
	int n = a->family == TW_AF_INET ? 4 : 16;
	for (int i = 0; i < n; i++)
		v = v << 8 | a->b[i];
	return v;
}

void tw_u128_to_addr(tw_u128 v, int family, struct tw_addr *out)
{
	int n = family == TW_AF_INET ? 4 : 16;
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)family;
	for (int i = n - 1; i >= 0; i--) {
		out->b[i] = (uint8_t)v;
		v >>= 8;
	}
}

const char *tw_nd_status_name(int s)
{
	static const char *const names[TW_ND_STATUS_N] = {"unknown", "allocated", "assigned",
							  "available", "reserved"};
	return s >= 0 && s < TW_ND_STATUS_N ? names[s] : "unknown";
}

/* ---- the file format ----------------------------------------------------------------------- */

#define ND_MAGIC   "TWNETDB1"
#define ND_VERSION 1u
#define ND_ENDIAN  0x01020304u
enum { T_ASN4, T_ASN6, T_CC4, T_CC6, T_SRC, T_STR, T_N };

struct tw_nd_hdr {
	char magic[8];
	uint32_t version, endian;
	int64_t created;
	uint64_t off[T_N], cnt[T_N];
	uint64_t off_top[2]; /* 65,537 uint32 each: ASN4 and CC4 */
};

/* One range of a table: IPv4 keeps its bounds in lo[1]/hi[1] (lo[0] = hi[0] = 0). */
struct nd_entry {
	uint64_t lo[2], hi[2];
	uint32_t asn, org; /* org: string offset (0 = "") */
	uint32_t row;
	uint16_t src;
	uint8_t status;
	char cc[2];
	uint8_t pad[5];
};
struct nd_e4 {
	uint32_t lo, hi, asn, org, row;
	uint16_t src;
	uint8_t status;
	char cc[2];
	uint8_t pad[3];
};
struct nd_src {
	uint32_t name, kind;
	uint64_t rows;
	int64_t mtime;
};
#define TOP_N 65537u

/* ---- building ----------------------------------------------------------------------------- */

struct tw_nd_range {
	tw_u128 lo, hi;
	uint32_t asn, org, row, seq;
	uint16_t src;
	uint8_t table; /* 0 AS, 1 country */
	uint8_t family;
	uint8_t status;
	char cc[2];
};

void tw_nd_builder_init(struct tw_nd_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void tw_nd_builder_fini(struct tw_nd_builder *b)
{
	free(b->r);
	free(b->str);
	memset(b, 0, sizeof(*b));
}

/* Adds a string (NUL-terminated in the table); returns its offset, 0 for "" or on error. */
static uint32_t str_add(struct tw_nd_builder *b, const char *s, size_t n)
{
	if (!b->nstr) { /* offset 0 is the empty string */
		b->str = tw_malloc(4096);
		if (!b->str)
			return 0;
		b->capstr = 4096;
		b->str[0] = '\0';
		b->nstr = 1;
	}
	if (!n)
		return 0;
	/* The same name as the last one (rows of one organisation come together). */
	static __thread size_t last_off, last_len;
	if (last_off && last_off + last_len < b->nstr && last_len == n &&
	    !memcmp(b->str + last_off, s, n))
		return (uint32_t)last_off;
	if (b->nstr + n + 1 > UINT32_MAX)
		return 0;
	if (b->nstr + n + 1 > b->capstr) {
		size_t nc = b->capstr * 2;
		while (nc < b->nstr + n + 1)
			nc *= 2;
		char *ns = tw_realloc(b->str, nc);
		if (!ns)
			return 0;
		b->str = ns;
		b->capstr = nc;
	}
	size_t off = b->nstr;
	memcpy(b->str + off, s, n);
	b->str[off + n] = '\0';
	b->nstr += n + 1;
	last_off = off;
	last_len = n;
	return (uint32_t)off;
}

int tw_nd_source(struct tw_nd_builder *b, const char *name, const char *kind, int64_t mtime)
{
	if (b->nsrc == sizeof(b->src) / sizeof(b->src[0]))
		return TW_E_RANGE;
	struct tw_nd_source *s = &b->src[b->nsrc];
	s->name = str_add(b, name, strlen(name));
	s->kind = str_add(b, kind, strlen(kind));
	s->rows = 0;
	s->mtime = mtime;
	return (int)b->nsrc++;
}

static struct tw_nd_range *range_new(struct tw_nd_builder *b)
{
	struct tw_nd_range *nr = tw_grow(b->r, b->n, &b->cap, sizeof(*nr), 4096);
	if (!nr)
		return NULL;
	b->r = nr;
	struct tw_nd_range *r = &b->r[b->n];
	memset(r, 0, sizeof(*r));
	r->seq = (uint32_t)b->n++;
	return r;
}

static int range_check(int family, tw_u128 lo, tw_u128 hi)
{
	if (family != TW_AF_INET && family != TW_AF_INET6)
		return TW_E_INVALID;
	if (lo > hi || (family == TW_AF_INET && hi > 0xffffffffu))
		return TW_E_INVALID;
	return TW_OK;
}

int tw_nd_add_asn(struct tw_nd_builder *b, int family, tw_u128 lo, tw_u128 hi, uint32_t asn,
		  const char *org, size_t orglen, unsigned src, uint32_t row)
{
	if (range_check(family, lo, hi))
		return TW_E_INVALID;
	struct tw_nd_range *r = range_new(b);
	if (!r)
		return TW_E_NOMEM;
	r->lo = lo;
	r->hi = hi;
	r->asn = asn;
	r->org = org ? str_add(b, org, orglen) : 0;
	r->src = (uint16_t)src;
	r->row = row;
	r->table = 0;
	r->family = (uint8_t)family;
	if (src < b->nsrc)
		b->src[src].rows++;
	return TW_OK;
}

int tw_nd_add_cc(struct tw_nd_builder *b, int family, tw_u128 lo, tw_u128 hi, const char cc[2],
		 int status, unsigned src, uint32_t row)
{
	if (range_check(family, lo, hi))
		return TW_E_INVALID;
	struct tw_nd_range *r = range_new(b);
	if (!r)
		return TW_E_NOMEM;
	r->lo = lo;
	r->hi = hi;
	r->cc[0] = cc[0];
	r->cc[1] = cc[1];
	r->status = (uint8_t)(status >= 0 && status < TW_ND_STATUS_N ? status : 0);
	r->src = (uint16_t)src;
	r->row = row;
	r->table = 1;
	r->family = (uint8_t)family;
	if (src < b->nsrc)
		b->src[src].rows++;
	return TW_OK;
}

/* Table, family, start ascending, then the wider range first, then input order. */
static int cmp_range(const void *x, const void *y)
{
	const struct tw_nd_range *a = x, *b = y;
	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi > b->hi ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct flat {
	struct nd_entry *e;
	size_t n, cap;
};

static int emit(struct flat *f, const struct tw_nd_range *r, tw_u128 lo, tw_u128 hi)
{
	if (lo > hi)
		return TW_OK;
	/* A piece that continues the previous one with the same data joins it. */
	if (f->n) {
		struct nd_entry *p = &f->e[f->n - 1];
		tw_u128 phi = (tw_u128)p->hi[0] << 64 | p->hi[1];
		if (phi + 1 == lo && p->asn == r->asn && p->org == r->org && p->src == r->src &&
		    p->row == r->row && p->status == r->status && p->cc[0] == r->cc[0] &&
		    p->cc[1] == r->cc[1]) {
			p->hi[0] = (uint64_t)(hi >> 64);
			p->hi[1] = (uint64_t)hi;
			return TW_OK;
		}
	}
	struct nd_entry *ne = tw_grow(f->e, f->n, &f->cap, sizeof(*ne), 1024);
	if (!ne)
		return TW_E_NOMEM;
	f->e = ne;
	struct nd_entry *e = &f->e[f->n++];
	memset(e, 0, sizeof(*e));
	e->lo[0] = (uint64_t)(lo >> 64);
	e->lo[1] = (uint64_t)lo;
	e->hi[0] = (uint64_t)(hi >> 64);
	e->hi[1] = (uint64_t)hi;
	e->asn = r->asn;
	e->org = r->org;
	e->row = r->row;
	e->src = r->src;
	e->status = r->status;
	e->cc[0] = r->cc[0];
	e->cc[1] = r->cc[1];
	return TW_OK;
}

/* Ranges sorted by cmp_range (one table and family) into disjoint pieces, each taking the
 * innermost (most specific, then latest) range that covers it. */
static int flatten(const struct tw_nd_range *r, size_t n, struct flat *out)
{
	const struct tw_nd_range **stack = tw_malloc((n ? n : 1) * sizeof(*stack));
	size_t sp = 0;
	tw_u128 cur = 0; /* the first address not yet emitted */
	bool started = false;
	int ret = TW_OK;

	if (!stack)
		return TW_E_NOMEM;
	for (size_t i = 0; i <= n && ret == TW_OK; i++) {
		/* Close the open ranges that end before this one starts (all of them at the
		 * end). */
		while (sp && (i == n || stack[sp - 1]->hi < r[i].lo)) {
			const struct tw_nd_range *t = stack[--sp];
			if (!started || cur <= t->hi) {
				tw_u128 from = started && cur > t->lo ? cur : t->lo;
				ret = emit(out, t, from, t->hi);
				if (t->hi == ~(tw_u128)0) {
					sp = 0; /* nothing can follow the last address */
					break;
				}
				cur = t->hi + 1;
				started = true;
			}
		}
		if (i == n || ret)
			break;
		/* The open range's part before this one. */
		if (sp && r[i].lo > 0) {
			const struct tw_nd_range *t = stack[sp - 1];
			tw_u128 from = started && cur > t->lo ? cur : t->lo;
			if (!started || cur < r[i].lo)
				ret = emit(out, t, from, r[i].lo - 1);
		}
		if (!started || cur < r[i].lo)
			cur = r[i].lo;
		started = true;
		stack[sp++] = &r[i];
	}
	free(stack);
	return ret;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Long (style.md B10: reason): the index file is written in one pass, section after section
 * in file order (header, the four range tables, the /16 index, sources, strings), each
 * offset computed where the section starts; split, the offsets would be passed around. */
int tw_nd_write(struct tw_nd_builder *b, const char *path, struct tw_errctx *ec)
{
	struct flat f[4];
	uint32_t *top[2] = {NULL, NULL};
	char tmp[4200];
	int fd = -1, ret = TW_OK;

	memset(f, 0, sizeof(f));
	if (!b->nstr)
		(void)str_add(b, "", 0);
	if (!b->str)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	qsort(b->r, b->n, sizeof(*b->r), cmp_range);
	/* The four tables: each a run of the sorted ranges. */
	for (size_t i = 0; i < b->n && ret == TW_OK;) {
		size_t j = i;
		while (j < b->n && b->r[j].table == b->r[i].table &&
		       b->r[j].family == b->r[i].family)
			j++;
		int t = b->r[i].table * 2 + (b->r[i].family == TW_AF_INET6);
		ret = flatten(b->r + i, j - i, &f[t]);
		i = j;
	}
	if (ret) {
		ret = tw_err_set(ec, ret, 0, "out of memory");
		goto out;
	}
	/* The /16 index of the IPv4 tables: top[k] = first entry whose end >= k << 16. */
	for (int t = 0; t < 2; t++) {
		const struct flat *fl = &f[t == 0 ? 0 : 2];
		top[t] = tw_malloc(TOP_N * sizeof(uint32_t));
		if (!top[t]) {
			ret = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
			goto out;
		}
		size_t e = 0;
		for (uint32_t k = 0; k < TOP_N; k++) {
			uint64_t start = (uint64_t)k << 16;
			while (e < fl->n && fl->e[e].hi[1] < start)
				e++;
			top[t][k] = (uint32_t)e;
		}
	}
	if (tw_mkdirs_for(path) < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "%s: cannot create its directory", path);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "%s: cannot create", tmp);
		goto out;
	}
	struct tw_nd_hdr h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ND_MAGIC, 8);
	h.version = ND_VERSION;
	h.endian = ND_ENDIAN;
	h.created = (int64_t)time(NULL);
	uint64_t off = (sizeof(h) + 7) & ~7ull;
	size_t esz[4] = {sizeof(struct nd_e4), sizeof(struct nd_entry), sizeof(struct nd_e4),
			 sizeof(struct nd_entry)};
	for (int t = 0; t < 4; t++) {
		h.off[t] = off;
		h.cnt[t] = f[t].n;
		off += (f[t].n * esz[t] + 7) & ~7ull;
	}
	/* The /16 indexes pay only for large tables (a small index stays small). */
	bool with_top = f[0].n + f[2].n > 4096;
	if (with_top) {
		h.off_top[0] = off;
		off += (TOP_N * 4 + 7) & ~7ull;
		h.off_top[1] = off;
		off += (TOP_N * 4 + 7) & ~7ull;
	}
	h.off[T_SRC] = off;
	h.cnt[T_SRC] = b->nsrc;
	off += b->nsrc * sizeof(struct nd_src);
	h.off[T_STR] = off;
	h.cnt[T_STR] = b->nstr;
	/* Write everything in order, padding to each offset. */
	static const uint8_t zero[8];
	uint64_t at = 0;
#define PUT(p, n)                                                                                  \
	do {                                                                                       \
		if (write_all(fd, (p), (n)) < 0)                                                   \
			goto werr;                                                                 \
		at += (n);                                                                         \
	} while (0)
#define PAD_TO(o)                                                                                  \
	do {                                                                                       \
		while (at < (o))                                                                   \
			PUT(zero, (o)-at > 8 ? 8 : (size_t)((o)-at));                              \
	} while (0)
	PUT(&h, sizeof(h));
	for (int t = 0; t < 4; t++) {
		PAD_TO(h.off[t]);
		for (size_t i = 0; i < f[t].n; i++) {
			const struct nd_entry *e = &f[t].e[i];
			if (esz[t] == sizeof(struct nd_entry)) {
				PUT(e, sizeof(*e));
			} else {
				struct nd_e4 e4;
				memset(&e4, 0, sizeof(e4));
				e4.lo = (uint32_t)e->lo[1];
				e4.hi = (uint32_t)e->hi[1];
				e4.asn = e->asn;
				e4.org = e->org;
				e4.row = e->row;
				e4.src = e->src;
				e4.status = e->status;
				e4.cc[0] = e->cc[0];
				e4.cc[1] = e->cc[1];
				PUT(&e4, sizeof(e4));
			}
		}
	}
	if (with_top) {
		PAD_TO(h.off_top[0]);
		PUT(top[0], TOP_N * 4);
		PAD_TO(h.off_top[1]);
		PUT(top[1], TOP_N * 4);
	}
	PAD_TO(h.off[T_SRC]);
	for (unsigned i = 0; i < b->nsrc; i++) {
		struct nd_src s = {b->src[i].name, b->src[i].kind, b->src[i].rows, b->src[i].mtime};
		PUT(&s, sizeof(s));
	}
	PAD_TO(h.off[T_STR]);
	PUT(b->str, b->nstr);
#undef PUT
#undef PAD_TO
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto werr;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ret = tw_err_set(ec, TW_E_IO, errno, "%s: cannot rename into place", path);
		unlink(tmp);
	}
	goto out;
werr:
	ret = tw_err_set(ec, TW_E_IO, errno, "%s: cannot write", tmp);
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlink(tmp);
out:
	for (int t = 0; t < 4; t++)
		free(f[t].e);
	free(top[0]);
	free(top[1]);
	return ret;
}

/* ---- reading ------------------------------------------------------------------------------ */

static bool span_ok(size_t size, uint64_t off, uint64_t cnt, size_t esz)
{
	return off % 8 == 0 && off <= size && cnt <= (size - off) / (esz ? esz : 1);
}

/* Checks an index in memory: every offset, count, string and range. NULL when it is
 * valid, else the reason. */
static const char *nd_check(const uint8_t *base, size_t size)
{
	const struct tw_nd_hdr *h = (const struct tw_nd_hdr *)base;
	size_t esz[4] = {sizeof(struct nd_e4), sizeof(struct nd_entry), sizeof(struct nd_e4),
			 sizeof(struct nd_entry)};
	if (size < sizeof(*h))
		return "not a tracewall network index";
	if (memcmp(h->magic, ND_MAGIC, 8) || h->version != ND_VERSION || h->endian != ND_ENDIAN)
		return "not a tracewall network index of this version";
	for (int t = 0; t < 4; t++)
		if (!span_ok(size, h->off[t], h->cnt[t], esz[t]) || h->cnt[t] > UINT32_MAX)
			return "a table lies outside the file";
	if ((h->off_top[0] != 0) != (h->off_top[1] != 0) ||
	    (h->off_top[0] && (!span_ok(size, h->off_top[0], TOP_N, 4) ||
			       !span_ok(size, h->off_top[1], TOP_N, 4))) ||
	    !span_ok(size, h->off[T_SRC], h->cnt[T_SRC], sizeof(struct nd_src)) ||
	    h->off[T_STR] > size || h->cnt[T_STR] > size - h->off[T_STR] || h->cnt[T_STR] == 0 ||
	    base[h->off[T_STR] + h->cnt[T_STR] - 1] != '\0' || h->cnt[T_SRC] > 64)
		return "an index or the string table lies outside the file";
	/* Every entry: within the string table and sources, ordered and disjoint. */
	uint64_t nstr = h->cnt[T_STR];
	for (int t = 0; t < 4; t++) {
		tw_u128 prev_hi = 0;
		for (uint64_t i = 0; i < h->cnt[t]; i++) {
			tw_u128 lo, hi;
			uint32_t org;
			uint16_t src;
			uint8_t status;
			if (esz[t] == sizeof(struct nd_e4)) {
				const struct nd_e4 *e =
				    (const struct nd_e4 *)(base + h->off[t]) + i;
				lo = e->lo, hi = e->hi, org = e->org, src = e->src,
				status = e->status;
			} else {
				const struct nd_entry *e =
				    (const struct nd_entry *)(base + h->off[t]) + i;
				lo = (tw_u128)e->lo[0] << 64 | e->lo[1];
				hi = (tw_u128)e->hi[0] << 64 | e->hi[1];
				org = e->org, src = e->src, status = e->status;
			}
			if (lo > hi || (i && lo <= prev_hi) || org >= nstr ||
			    src >= h->cnt[T_SRC] || status >= TW_ND_STATUS_N)
				return "a range is out of order or points outside its tables";
			prev_hi = hi;
		}
	}
	for (int t = 0; t < 2 && h->off_top[0]; t++) {
		const uint32_t *top = (const uint32_t *)(base + h->off_top[t]);
		uint64_t cnt = h->cnt[t == 0 ? T_ASN4 : T_CC4];
		for (uint32_t k = 0; k < TOP_N; k++)
			if (top[k] > cnt || (k && top[k] < top[k - 1]))
				return "the /16 index is inconsistent";
	}
	const struct nd_src *srcs = (const struct nd_src *)(base + h->off[T_SRC]);
	for (uint64_t i = 0; i < h->cnt[T_SRC]; i++)
		if (srcs[i].name >= nstr || srcs[i].kind >= nstr)
			return "a source name lies outside the string table";
	return NULL;
}

int tw_netdb_from_memory(struct tw_netdb *db, const void *p, size_t n, struct tw_errctx *ec)
{
	memset(db, 0, sizeof(*db));
	if ((uintptr_t)p % 8)
		return tw_err_set(ec, TW_E_INVALID, 0, "index not aligned in memory");
	const char *why = nd_check(p, n);
	if (why)
		return tw_err_set(ec, TW_E_INVALID, 0, "%s", why);
	db->map = p;
	db->size = n;
	db->h = p;
	return TW_OK;
}

int tw_netdb_open(struct tw_netdb *db, const char *path, struct tw_errctx *ec)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(db, 0, sizeof(*db));
	if (fd < 0)
		return tw_err_set(ec, errno == ENOENT ? TW_E_NOTFOUND : TW_E_IO, errno,
				  "%s: cannot open", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(struct tw_nd_hdr)) {
		close(fd);
		return tw_err_set(ec, TW_E_INVALID, 0, "%s: not a tracewall network index", path);
	}
	size_t size = (size_t)st.st_size;
	void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return tw_err_set(ec, TW_E_IO, errno, "%s: cannot map", path);
	const char *why = nd_check(m, size);
	if (why) {
		munmap(m, size);
		return tw_err_set(ec, TW_E_INVALID, 0, "%s: %s", path, why);
	}
	db->map = m;
	db->size = size;
	db->h = m;
	db->mapped = true;
	return TW_OK;
}

void tw_netdb_close(struct tw_netdb *db)
{
	if (db->map && db->mapped)
		munmap((void *)db->map, db->size);
	memset(db, 0, sizeof(*db));
}

static const char *str_at(const struct tw_netdb *db, uint32_t off)
{
	return (const char *)db->map + db->h->off[T_STR] + off;
}

/* The IPv4 entry of table t (T_ASN4 or T_CC4) holding x, or NULL. */
static const struct nd_e4 *find4(const struct tw_netdb *db, int t, uint32_t x)
{
	const struct nd_e4 *e = (const struct nd_e4 *)(db->map + db->h->off[t]);
	uint64_t n = db->h->cnt[t];
	uint32_t lo = 0, hi = (uint32_t)n;
	if (db->h->off_top[0]) {
		const uint32_t *top =
		    (const uint32_t *)(db->map + db->h->off_top[t == T_ASN4 ? 0 : 1]);
		lo = top[x >> 16], hi = top[(x >> 16) + 1];
		/* The first entry whose end >= x lies in [lo, hi] (hi may be n). */
		if (hi < n)
			hi++;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (e[mid].hi < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && e[lo].lo <= x && x <= e[lo].hi)
		return &e[lo];
	return NULL;
}

static const struct nd_entry *find6(const struct tw_netdb *db, int t, tw_u128 x)
{
	const struct nd_entry *e = (const struct nd_entry *)(db->map + db->h->off[t]);
	uint64_t lo = 0, hi = db->h->cnt[t];
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		tw_u128 eh = (tw_u128)e[mid].hi[0] << 64 | e[mid].hi[1];
		if (eh < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < db->h->cnt[t]) {
		tw_u128 el = (tw_u128)e[lo].lo[0] << 64 | e[lo].lo[1];
		if (el <= x)
			return &e[lo];
	}
	return NULL;
}

uint32_t tw_netdb_asn(const struct tw_netdb *db, const struct tw_addr *a)
{
	if (a->family == TW_AF_INET) {
		uint32_t x = (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
			     (uint32_t)a->b[2] << 8 | a->b[3];
		const struct nd_e4 *e = find4(db, T_ASN4, x);
		return e ? e->asn : 0;
	}
	const struct nd_entry *e = find6(db, T_ASN6, tw_addr_to_u128(a));
	return e ? e->asn : 0;
}

bool tw_netdb_lookup(const struct tw_netdb *db, const struct tw_addr *a, struct tw_nd_answer *ans)
{
	const struct nd_src *srcs = (const struct nd_src *)(db->map + db->h->off[T_SRC]);
	memset(ans, 0, sizeof(*ans));
	ans->org = "";
	for (int table = 0; table < 2; table++) {
		uint32_t asn = 0, org = 0, row = 0;
		uint16_t src = 0;
		uint8_t status = 0;
		const char *cc = NULL;
		tw_u128 lo, hi;
		if (a->family == TW_AF_INET) {
			uint32_t x = (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
				     (uint32_t)a->b[2] << 8 | a->b[3];
			const struct nd_e4 *e = find4(db, table ? T_CC4 : T_ASN4, x);
			if (!e)
				continue;
			asn = e->asn, org = e->org, row = e->row, src = e->src, status = e->status;
			cc = e->cc, lo = e->lo, hi = e->hi;
		} else if (a->family == TW_AF_INET6) {
			const struct nd_entry *e =
			    find6(db, table ? T_CC6 : T_ASN6, tw_addr_to_u128(a));
			if (!e)
				continue;
			asn = e->asn, org = e->org, row = e->row, src = e->src, status = e->status;
			cc = e->cc;
			lo = (tw_u128)e->lo[0] << 64 | e->lo[1];
			hi = (tw_u128)e->hi[0] << 64 | e->hi[1];
		} else {
			return false;
		}
		if (table == 0) {
			ans->has_asn = true;
			ans->asn = asn;
			ans->org = str_at(db, org);
			tw_u128_to_addr(lo, a->family, &ans->asn_lo);
			tw_u128_to_addr(hi, a->family, &ans->asn_hi);
			ans->asn_file = str_at(db, srcs[src].name);
			ans->asn_kind = str_at(db, srcs[src].kind);
			ans->asn_row = row;
		} else {
			ans->has_cc = true;
			ans->cc[0] = cc[0] ? cc[0] : '-';
			ans->cc[1] = cc[1] ? cc[1] : '-';
			ans->status = status;
			tw_u128_to_addr(lo, a->family, &ans->cc_lo);
			tw_u128_to_addr(hi, a->family, &ans->cc_hi);
			ans->cc_file = str_at(db, srcs[src].name);
			ans->cc_kind = str_at(db, srcs[src].kind);
			ans->cc_row = row;
		}
	}
	return ans->has_asn || ans->has_cc;
}

void tw_netdb_info(const struct tw_netdb *db, struct tw_nd_info *info)
{
	info->created = db->h->created;
	info->n_asn4 = db->h->cnt[T_ASN4];
	info->n_asn6 = db->h->cnt[T_ASN6];
	info->n_cc4 = db->h->cnt[T_CC4];
	info->n_cc6 = db->h->cnt[T_CC6];
	info->nsrc = (unsigned)db->h->cnt[T_SRC];
}

void tw_netdb_source(const struct tw_netdb *db, unsigned i, const char **name, const char **kind,
		     uint64_t *rows, int64_t *mtime)
{
	const struct nd_src *s = (const struct nd_src *)(db->map + db->h->off[T_SRC]) + i;
	*name = str_at(db, s->name);
	*kind = str_at(db, s->kind);
	*rows = s->rows;
	*mtime = s->mtime;
}

void tw_nd_prefix(const struct tw_addr *a, const struct tw_addr *lo, const struct tw_addr *hi,
		  char *out, size_t n)
{
	int bits = a->family == TW_AF_INET ? 32 : 128;
	tw_u128 x = tw_addr_to_u128(a), l = tw_addr_to_u128(lo), h = tw_addr_to_u128(hi);
	for (int plen = 0; plen <= bits; plen++) {
		tw_u128 size = plen == 0 ? 0 : (tw_u128)1 << (bits - plen);
		tw_u128 mask = plen == 0 ? 0 : ~(size - 1);
		if (bits == 32)
			mask &= 0xffffffffu;
		tw_u128 start = x & mask;
		tw_u128 end =
		    plen == 0 ? (bits == 32 ? 0xffffffffu : ~(tw_u128)0) : start + size - 1;
		if (start >= l && end <= h) {
			struct tw_addr s;
			char t[TW_ADDR_STRLEN];
			tw_u128_to_addr(start, a->family, &s);
			tw_addr_format(&s, t);
			snprintf(out, n, "%s/%d", t, plen);
			return;
		}
	}
	snprintf(out, n, "?");
}

int tw_netdb_default_path(char *out, size_t n)
{
	return tw_data_path("netdb.idx", out, n);
}
