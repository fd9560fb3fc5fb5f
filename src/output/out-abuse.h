/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Abuse-contact results as JSON and as text (trace and analyze share them). */
#ifndef TW_OUTPUT_OUT_ABUSE_H
#define TW_OUTPUT_OUT_ABUSE_H

#include "core/esc.h"
#include "enrich/abuse.h"

/* {"emails":[…],"via":"rdap","source":…,"how":…,"weak":false,"range":…,"steps":[…]} */
void tw_out_abuse_json(struct tw_buf *b, const struct tw_abuse_result *r);
/* "abuse     x@y (whois)" and one numbered line per step, each prefixed by 'indent'. */
void tw_out_abuse_text(struct tw_buf *b, const struct tw_abuse_result *r, const char *indent);

#endif
