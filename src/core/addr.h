/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4/IPv6 addresses: parse, format, compare, hash. IPv4 is kept as IPv4, never mapped. */
#ifndef TW_CORE_ADDR_H
#define TW_CORE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TW_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

enum { TW_AF_NONE = 0, TW_AF_INET = 4, TW_AF_INET6 = 6 };

struct tw_addr {
	uint8_t family; /* TW_AF_INET, TW_AF_INET6 or TW_AF_NONE (unknown) */
	uint8_t pad[3]; /* always zero, so that memcmp and hashing see equal bytes */
	uint8_t b[16];	/* network order; IPv4 uses b[0..3], the rest zero */
};

/* Parses a dotted-quad IPv4 address of exactly 'len' bytes (no leading '+', no
 * empty parts, each part 0..255, at most 3 digits). */
int tw_addr_parse4(const char *s, size_t len, struct tw_addr *out);
/* Parses an IPv6 address (compressed or fully expanded, with leading zeros); a
 * v4-mapped address (::ffff:a.b.c.d) is stored as IPv4. */
int tw_addr_parse6(const char *s, size_t len, struct tw_addr *out);
/* Parses either family. Returns TW_OK or TW_E_INVALID. */
int tw_addr_parse(const char *s, size_t len, struct tw_addr *out);

/* Formats into 'out' (RFC 5952 for IPv6); returns the length. "-" for TW_AF_NONE. */
size_t tw_addr_format(const struct tw_addr *a, char out[static TW_ADDR_STRLEN]);

/* Total order: IPv4 before IPv6, then by bytes. */
int tw_addr_cmp(const struct tw_addr *a, const struct tw_addr *b);
static inline bool tw_addr_eq(const struct tw_addr *a, const struct tw_addr *b)
{
	uint64_t x[2], y[2];
	memcpy(x, a->b, 16);
	memcpy(y, b->b, 16);
	return a->family == b->family && x[0] == y[0] && x[1] == y[1];
}
/* A well-mixed 64-bit hash of the address. */
static inline uint64_t tw_addr_hash(const struct tw_addr *a)
{
	uint64_t x0, x1; /* memcpy: b is not 8-byte aligned; compilers emit plain loads */
	memcpy(&x0, a->b, 8);
	memcpy(&x1, a->b + 8, 8);
	uint64_t h = (x0 ^ (x1 * 0x9E3779B97F4A7C15ull) ^ a->family) * 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

/* True when 'a' lies in prefix 'net'/'plen' (same family). */
bool tw_addr_in_prefix(const struct tw_addr *a, const struct tw_addr *net, unsigned plen);
/* Parses "addr/len" or a bare address (full length); for --own and config. */
int tw_prefix_parse(const char *s, size_t len, struct tw_addr *net, unsigned *plen);

#endif
