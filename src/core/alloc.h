/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation for libtracewall, with fault injection for tests (style.md B8.3): when the
 * environment variable TW_FAULT_ALLOC=N is set, the Nth allocation and every later one
 * fail, so that each out-of-memory path can be walked in the test suite. */
#ifndef TW_CORE_ALLOC_H
#define TW_CORE_ALLOC_H

#include <stddef.h>

/* As malloc/calloc/realloc; free() releases what they return. NULL on failure. */
void *tw_malloc(size_t n);
void *tw_calloc(size_t n, size_t size);
void *tw_realloc(void *p, size_t n);
/* A copy of a NUL-terminated string. */
char *tw_strdup(const char *s);
/* Room for one more element in array p of n elements of size elem with capacity *cap: when
 * full, the capacity doubles (to first when empty). Returns the array, moved or not; NULL
 * when out of memory or the size would overflow, p and *cap then unchanged. */
void *tw_grow(void *p, size_t n, size_t *cap, size_t elem, size_t first);

#endif
