/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The output registry (style.md B2). */
#include <string.h>

#include "output/output.h"

const struct tw_output *const tw_outputs[] = {
    &tw_out_text,
    &tw_out_json,
    &tw_out_dshield,
    NULL,
};

const struct tw_output *tw_output_find(const char *name)
{
	for (size_t i = 0; tw_outputs[i]; i++)
		if (strcmp(tw_outputs[i]->name, name) == 0)
			return tw_outputs[i];
	return NULL;
}

void tw_tcp_flags_str(uint8_t f, char out[static 9])
{
	static const struct {
		uint8_t bit;
		char c;
	} order[] = {
	    {TW_TCP_SYN, 'S'}, {TW_TCP_ACK, 'A'}, {TW_TCP_FIN, 'F'}, {TW_TCP_RST, 'R'},
	    {TW_TCP_PSH, 'P'}, {TW_TCP_URG, 'U'}, {TW_TCP_ECE, 'E'}, {TW_TCP_CWR, 'C'},
	};
	size_t n = 0;
	for (size_t i = 0; i < 8; i++)
		if (f & order[i].bit)
			out[n++] = order[i].c;
	out[n] = '\0';
}
