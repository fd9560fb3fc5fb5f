/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation wrappers with the TW_FAULT_ALLOC hook (see alloc.h). */
#include "core/alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static uint64_t fail_at; /* 0: never fail */
static _Atomic uint64_t count;

static void read_env(void)
{
	const char *v = getenv("TW_FAULT_ALLOC");
	char *end;

	if (v && *v) {
		unsigned long long n = strtoull(v, &end, 10);
		if (*end == '\0')
			fail_at = n;
	}
}

/* True when this allocation is to fail. */
static int injected(void)
{
	pthread_once(&once, read_env);
	return fail_at && atomic_fetch_add(&count, 1) + 1 >= fail_at;
}

void *tw_malloc(size_t n)
{
	return injected() ? NULL : malloc(n);
}

void *tw_calloc(size_t n, size_t size)
{
	return injected() ? NULL : calloc(n, size);
}

void *tw_realloc(void *p, size_t n)
{
	return injected() ? NULL : realloc(p, n);
}

void *tw_grow(void *p, size_t n, size_t *cap, size_t elem, size_t first)
{
	if (n < *cap)
		return p;
	size_t nc = *cap ? *cap * 2 : first;
	if (nc < *cap || elem == 0 || nc > SIZE_MAX / elem)
		return NULL;
	void *np = tw_realloc(p, nc * elem);
	if (np)
		*cap = nc;
	return np;
}

char *tw_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = tw_malloc(n);
	if (c)
		memcpy(c, s, n);
	return c;
}
