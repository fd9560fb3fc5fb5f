/* SPDX-License-Identifier: GPL-2.0-or-later */
/* key=value records (FortiGate, Sophos): the pair iterator the formats share. */
#include <string.h>

#include "input/input-int.h"

bool tw_kv_next(struct tw_cursor *c, struct tw_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
	tw_cursor_skip_spaces(c);
	if (!tw_cursor_left(c))
		return false;
	struct tw_span r = tw_cursor_rest(c);
	size_t i = 0;
	while (i < r.len && r.p[i] != '=' && r.p[i] != ' ')
		i++;
	kv->key = (struct tw_span){r.p, i};
	if (i == r.len || r.p[i] == ' ') {
		kv->noeq = true;
		tw_cursor_skip(c, i);
		return true;
	}
	i++; /* '=' */
	if (i < r.len && r.p[i] == '"') {
		size_t j = i + 1;
		while (j < r.len && r.p[j] != '"') {
			if (r.p[j] == '\\' && j + 1 < r.len)
				j++;
			j++;
		}
		kv->val = (struct tw_span){r.p + i + 1, (j < r.len ? j : r.len) - (i + 1)};
		kv->quoted = true;
		tw_cursor_skip(c, j < r.len ? j + 1 : r.len);
		return true;
	}
	size_t j = i;
	while (j < r.len && r.p[j] != ' ')
		j++;
	kv->val = (struct tw_span){r.p + i, j - i};
	tw_cursor_skip(c, j);
	return true;
}

struct tw_span tw_kv_squeeze(struct tw_span v, char *buf, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < v.len && n < cap; i++)
		if (v.p[i] != ' ')
			buf[n++] = v.p[i];
	return (struct tw_span){buf, n};
}
