/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The offline network index (issue 6): which network, AS, organisation and country an
 * address belongs to, and how that was found (which data file, which line). Built by
 * `tracewall db import` from public data files (one reader per format, nd-*.c, registry in
 * nd-registry.c), written as one file, and read through a memory map: two tables (AS and
 * country) per family, each of disjoint ranges sorted by start, where overlapping input
 * ranges resolve to the more specific one (longest match). */
#ifndef TW_ENRICH_NETDB_H
#define TW_ENRICH_NETDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"

__extension__ typedef unsigned __int128 tw_u128;

/* An address as a number (IPv4 in the low 32 bits). */
tw_u128 tw_addr_to_u128(const struct tw_addr *a);
void tw_u128_to_addr(tw_u128 v, int family, struct tw_addr *out);

/* Allocation status of a country range (RIR statistics); available and reserved space is
 * unallocated: a source there is a bogon. */
enum tw_nd_status {
	TW_ND_STATUS_UNKNOWN,
	TW_ND_STATUS_ALLOCATED,
	TW_ND_STATUS_ASSIGNED,
	TW_ND_STATUS_AVAILABLE,
	TW_ND_STATUS_RESERVED,
	TW_ND_STATUS_N
};
const char *tw_nd_status_name(int s);

/* ---- building ---------------------------------------------------------------------------- */

struct tw_nd_range; /* netdb.c */

struct tw_nd_builder {
	struct tw_nd_range *r; /* every range read, both tables and families */
	size_t n, cap;
	char *str; /* string table: organisation names, file names, kinds */
	size_t nstr, capstr;
	struct tw_nd_source {
		uint32_t name, kind; /* string offsets */
		uint64_t rows;	     /* ranges taken from it */
		int64_t mtime;	     /* the file's modification time */
	} src[64];
	unsigned nsrc;
};

void tw_nd_builder_init(struct tw_nd_builder *b);
void tw_nd_builder_fini(struct tw_nd_builder *b);
/* Starts a source file; returns its index or TW_E_RANGE (more than 64 files). */
int tw_nd_source(struct tw_nd_builder *b, const char *name, const char *kind, int64_t mtime);
/* An AS range [lo, hi] of 'family' (org may be NULL): from source 'src', line 'row'. */
int tw_nd_add_asn(struct tw_nd_builder *b, int family, tw_u128 lo, tw_u128 hi, uint32_t asn,
		  const char *org, size_t orglen, unsigned src, uint32_t row);
/* A country range: cc is two letters ("ZZ" or "" when unknown), status as above. */
int tw_nd_add_cc(struct tw_nd_builder *b, int family, tw_u128 lo, tw_u128 hi, const char cc[2],
		 int status, unsigned src, uint32_t row);
/* Writes the index to 'path' (through a temporary file renamed over it). */
int tw_nd_write(struct tw_nd_builder *b, const char *path, struct tw_errctx *ec);

/* ---- the readers of the data files --------------------------------------------------------- */

struct tw_nd_format {
	const char *name;    /* "ip-location-db", "iptoasn", "delegated", "mmdb" */
	const char *summary; /* one line for `db import --list-formats` */
	/* Whether a file of this format starts with these bytes. */
	bool (*sniff)(const char *head, size_t len);
	/* One line of a line format (NULL for whole-file formats): TW_OK (taken or a comment),
	 * or an error with the reason in ec (the caller adds FILE:LINE). */
	int (*line)(struct tw_nd_builder *b, const char *p, size_t len, unsigned src, uint32_t row,
		    struct tw_errctx *ec);
	/* A whole file (NULL for line formats). */
	int (*file)(struct tw_nd_builder *b, const char *path, unsigned src, struct tw_errctx *ec);
};

extern const struct tw_nd_format tw_nd_ipldb, tw_nd_iptoasn, tw_nd_delegated, tw_nd_mmdb;
extern const struct tw_nd_format *const tw_nd_formats[];
const struct tw_nd_format *tw_nd_find(const char *name);
/* The format of a file from its first bytes (and name, for MMDB), or NULL. */
const struct tw_nd_format *tw_nd_detect(const char *path, const char *head, size_t len);
/* Reads one data file into the builder; errors as FILE:LINE: reason. */
int tw_nd_import(struct tw_nd_builder *b, const char *path, const struct tw_nd_format *forced,
		 struct tw_errctx *ec);

/* ---- reading --------------------------------------------------------------------------------- */

struct tw_netdb {
	const uint8_t *map;
	size_t size;
	const struct tw_nd_hdr *h;
	bool mapped; /* map is ours to unmap */
};

/* Opens and checks an index (every offset, count and string). TW_E_NOTFOUND when the file
 * does not exist, TW_E_INVALID when it is not a valid index. */
int tw_netdb_open(struct tw_netdb *db, const char *path, struct tw_errctx *ec);
void tw_netdb_close(struct tw_netdb *db);
/* The same checks on an index already in memory (8-byte aligned; it must outlive db). */
int tw_netdb_from_memory(struct tw_netdb *db, const void *p, size_t n, struct tw_errctx *ec);

struct tw_nd_answer {
	bool has_asn, has_cc;
	uint32_t asn;
	const char *org;	       /* "" when none; points into the map */
	struct tw_addr asn_lo, asn_hi; /* the AS range that matched */
	char cc[3];
	int status;
	struct tw_addr cc_lo, cc_hi;
	/* How: the source file (name, kind) and line of each answer. */
	const char *asn_file, *asn_kind, *cc_file, *cc_kind;
	uint32_t asn_row, cc_row;
};
/* Looks an address up in both tables. Returns true when anything was found. */
bool tw_netdb_lookup(const struct tw_netdb *db, const struct tw_addr *a, struct tw_nd_answer *ans);
/* Only the AS number (the fast path a benchmark measures); 0 when not found. */
uint32_t tw_netdb_asn(const struct tw_netdb *db, const struct tw_addr *a);

struct tw_nd_info {
	int64_t created;
	uint64_t n_asn4, n_asn6, n_cc4, n_cc6;
	unsigned nsrc;
};
void tw_netdb_info(const struct tw_netdb *db, struct tw_nd_info *info);
/* Source i: name, kind, rows, mtime. */
void tw_netdb_source(const struct tw_netdb *db, unsigned i, const char **name, const char **kind,
		     uint64_t *rows, int64_t *mtime);

/* The largest CIDR block that holds 'a' and lies within [lo, hi]: "prefix/len". */
void tw_nd_prefix(const struct tw_addr *a, const struct tw_addr *lo, const struct tw_addr *hi,
		  char *out, size_t n);

/* The default index path: $XDG_DATA_HOME/tracewall/netdb.idx (or ~/.local/share/…). */
int tw_netdb_default_path(char *out, size_t n);

#endif
