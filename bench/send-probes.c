/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark sender (not a test): UDP datagrams to HOST:PORT at RATE packets per second for
 * SECONDS, paced in batches of sendmmsg; prints how many were sent. Only ever used inside
 * the benchmark's (or a test's) own network namespace.
 *   Usage: send-probes HOST PORT RATE SECONDS [SOURCE] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: send-probes HOST PORT RATE SECONDS [SOURCE]\n");
		return 2;
	}
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
		return 2;
	long rate = atol(argv[3]), secs = atol(argv[4]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || rate <= 0 || secs <= 0)
		return 2;
	if (argc == 6) { /* from this address (one of the namespace's own) */
		struct sockaddr_in from = {.sin_family = AF_INET};
		if (inet_pton(AF_INET, argv[5], &from.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0)
			return 2;
	}
	static char payload[120];
	memset(payload, 'M', sizeof(payload));
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){payload, sizeof(payload)};
		msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &to,
						       .msg_namelen = sizeof(to),
						       .msg_iov = &iov[i],
						       .msg_iovlen = 1}};
	}
	long long start = now_ns(), end = start + secs * 1000000000LL;
	long long sent = 0;
	while (now_ns() < end) {
		/* Where the schedule says we should be. */
		long long due = (now_ns() - start) * rate / 1000000000LL;
		if (sent >= due) {
			struct timespec ts = {0, 200000};
			nanosleep(&ts, NULL);
			continue;
		}
		long long want = due - sent;
		int n = (int)(want < BATCH ? want : BATCH);
		int k = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (k > 0)
			sent += k;
	}
	printf("%lld\n", sent);
	return 0;
}
