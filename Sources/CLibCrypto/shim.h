#ifndef TWOFOLD_CLIBCRYPTO_SHIM_H
#define TWOFOLD_CLIBCRYPTO_SHIM_H

#include <openssl/opensslv.h>

// Twofold relies on OpenSSL 3 APIs (EVP_MAC, EVP_KDF, OSSL_PARAM); refuse older headers
// at compile time rather than failing at run time.
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "Twofold requires OpenSSL 3.0 or newer (Debian: apt-get install libssl-dev)"
#endif

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#endif
