/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON lines through jansson for the JSON formats (journal, Suricata EVE, ulogd2, Zeek):
 * jansson allocates through core/alloc.h, so that running out of memory is told apart from
 * a line that is not JSON (and fault injection reaches it). */
#include <pthread.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "input/input-int.h"

static void *json_alloc(size_t n)
{
	return tw_malloc(n);
}

static void use_tw_alloc(void)
{
	json_set_alloc_funcs(json_alloc, free);
}

json_t *tw_in_json_load(const char *line, size_t len, size_t flags, json_error_t *jerr, int *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, use_tw_alloc);
	json_t *root = json_loadb(line, len, flags, jerr);
	/* jansson says "out of memory", or (its lexer's buffer not allocated) nothing at all. */
	*err = !root && (json_error_code(jerr) == json_error_out_of_memory || !jerr->text[0])
		   ? TW_E_NOMEM
		   : TW_OK;
	return root;
}
