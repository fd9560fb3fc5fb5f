/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the input stage's files only (style.md B4: <stage>-int.h). */
#ifndef TW_INPUT_INPUT_INT_H
#define TW_INPUT_INPUT_INT_H

#include "core/cursor.h"
#include "input/input.h"

/* Parses a syslog envelope at the cursor (stamp, host, program tag) into ev->ts/ev->host and,
 * if 'tag' is not NULL, the tag ("kernel:", "filterlog[123]:", or RFC 5424's APP-NAME; left
 * untouched when there is none). Leaves the cursor at the message; consumes nothing when
 * there is no envelope. */
void tw_syslog_envelope(struct tw_cursor *c, struct tw_event *ev, struct tw_parse_ctx *ctx,
			struct tw_span *tag);

#endif
