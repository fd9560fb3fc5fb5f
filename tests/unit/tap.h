/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny TAP unit-test kit (style.md B8): CHECK macros that report file, line and both
 * values, suites registered as tables, and a runner that ends with
 * "# N passed, N failed, N skipped". */
#ifndef TW_TESTS_TAP_H
#define TW_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

struct tw_test {
	const char *name;
	void (*fn)(void);
};

struct tw_suite {
	const char *name;
	const struct tw_test *tests;
};

/* State of the running test. */
extern int tw_t_failed;
extern const char *tw_t_skip;

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr);        \
			tw_t_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_U(a, b)                                                                           \
	do {                                                                                       \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);     \
		if (a_ != b_) {                                                                    \
			printf("#   %s:%d: %s == %llu, expected %s == %llu\n", __FILE__, __LINE__, \
			       #a, a_, #b, b_);                                                    \
			tw_t_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_I(a, b)                                                                           \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_) {                                                                    \
			printf("#   %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
			       #a, a_, #b, b_);                                                    \
			tw_t_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                           \
			printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__,   \
			       #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                        \
			tw_t_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

/* Compares a span (pointer + length) with a C string. */
#define CHECK_SPAN(sp, str)                                                                        \
	do {                                                                                       \
		struct tw_span s_ = (sp);                                                          \
		const char *e_ = (str);                                                            \
		if (!s_.p || s_.len != strlen(e_) || memcmp(s_.p, e_, s_.len) != 0) {              \
			printf("#   %s:%d: %s == \"%.*s\", expected \"%s\"\n", __FILE__, __LINE__, \
			       #sp, (int)s_.len, s_.p ? s_.p : "", e_);                            \
			tw_t_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

#define SKIP(reason)                                                                               \
	do {                                                                                       \
		tw_t_skip = (reason);                                                              \
		return;                                                                            \
	} while (0)

#define TW_SUITE(sname, ...)                                                                       \
	static const struct tw_test sname##_tests[] = {__VA_ARGS__, {NULL, NULL}};                 \
	const struct tw_suite tw_suite_##sname = {#sname, sname##_tests}

#endif
