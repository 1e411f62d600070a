/*
 * sha256.h: SHA-256 (FIPS 180-4), for the checksums in snapshot manifests and
 * support bundles. libarchive has no public hash API and libcrypto is not on
 * the engine's link line, so this is a small implementation of our own.
 */
#ifndef NIMADM_SHA256_H
#define NIMADM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN    65 /* 64 hex digits and the NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, unsigned char out[SHA256_DIGEST_LEN]);
/* The digest of data as 64 lowercase hex digits in hex; returns hex. */
char *sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN]);

#endif
