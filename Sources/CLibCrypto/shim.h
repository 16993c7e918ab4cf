#ifndef TWOFOLD_CLIBCRYPTO_SHIM_H
#define TWOFOLD_CLIBCRYPTO_SHIM_H

#include <openssl/opensslv.h>

// Twofold relies on OpenSSL 3 APIs (EVP_MAC, EVP_KDF, OSSL_PARAM); refuse older headers
// at compile time rather than failing at run time.
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "Twofold requires OpenSSL 3.0 or newer (Debian: apt-get install libssl-dev)"
#endif

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

// EVP_PKEY_PUBLIC_KEY is an expression of other macros, which Swift does not import.
static inline int twofold_evp_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }

#endif
