/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Special-purpose address ranges (RFC 6890 and the IANA registries it created). */
#ifndef TW_CORE_SPECIAL_H
#define TW_CORE_SPECIAL_H

#include "core/addr.h"

struct tw_special {
	const char *prefix; /* "192.0.2.0/24" */
	const char *name;   /* "documentation (TEST-NET-1)" */
	const char *rfc;    /* "RFC 5737" */
	bool global;	    /* the registry's "Globally Reachable" column */
};

/* Returns the most specific special-purpose range holding 'a', or NULL for ordinary
 * global unicast space. Thread-safe. */
const struct tw_special *tw_special_lookup(const struct tw_addr *a);
/* The whole table (for tests and documentation); *n rows. */
const struct tw_special *tw_special_table(size_t *n);

#endif
