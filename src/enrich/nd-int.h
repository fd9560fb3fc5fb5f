/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the data-file readers share (nd-registry.c). */
#ifndef TW_ENRICH_ND_INT_H
#define TW_ENRICH_ND_INT_H

#include "enrich/netdb.h"

/* A field of a separated line: [*pos, next separator). With 'quotes', a field in double
 * quotes may hold the separator and "" for a quote; the unquoted text goes to buf (at most
 * cap bytes; longer is an error). Returns TW_OK, TW_E_NOTFOUND past the last field, or
 * TW_E_INVALID. */
int tw_nd_field(const char *p, size_t len, char sep, bool quotes, size_t *pos, char *buf,
		size_t cap, size_t *outlen);
/* An address of either family, or TW_E_INVALID. */
int tw_nd_addr(const char *s, size_t n, struct tw_addr *a);
/* A decimal number up to max. */
int tw_nd_num(const char *s, size_t n, uint64_t max, uint64_t *out);

#endif
