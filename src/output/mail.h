/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A report as an Internet message (RFC 5322, MIME) and its delivery over SMTP through a
 * relay with libcurl (STARTTLS and authentication when configured). */
#ifndef TW_OUTPUT_MAIL_H
#define TW_OUTPUT_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/esc.h"
#include "output/out-report.h"

/* The message: From, To, Subject, Date (now), Message-ID (stable per report),
 * Auto-Submitted, X-Tracewall-Report, MIME-Version; a text/plain UTF-8 part (the body)
 * and, when 'xarf', one application/json attachment per incident (xarf-N.json). Lines end
 * in CRLF; header values hold printable ASCII only. */
void tw_mail_build(struct tw_buf *msg, const struct tw_report_view *v, bool xarf, int64_t created);

/* X-ARF 0.2 for old receivers: one message per source of the report (X-XARF: PLAIN, the
 * human text, report.txt in YAML, logfile.log), each ending in a blank line. */
void tw_mail_build_xarf02(struct tw_buf *msg, const struct tw_report_view *v);

struct tw_smtp_opts {
	const char *url;	 /* smtp://host:port or smtps://host:port */
	const char *user, *pass; /* authentication, or NULL */
	bool starttls;		 /* require STARTTLS on smtp:// */
	int timeout_ms;		 /* 0 = 30,000 */
};

/* Sends 'msg' from 'from' to 'to'. TW_OK, or TW_E_IO with the server's reason in ec. */
int tw_smtp_send(const struct tw_smtp_opts *o, const char *from, const char *to, const char *msg,
		 size_t len, struct tw_errctx *ec);

#endif
