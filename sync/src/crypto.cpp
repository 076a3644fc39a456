#include "tongket/sync/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tongket/error.hpp"

namespace tongket::sync {

namespace {
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
}  // namespace

struct SigningKey::Impl {
  PkeyPtr key;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Hash sha256(std::span<const std::uint8_t> data) {
  Hash h{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), h.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != h.size())
    throw Error(Errc::internal, "SHA-256 failed");
  return h;
}

SigningKey SigningKey::generate() {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    throw Error(Errc::internal, "Ed25519 key generation failed");
  return SigningKey(std::make_unique<Impl>(Impl{PkeyPtr(raw)}));
}

SigningKey SigningKey::from_pem(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw Error(Errc::internal, "out of memory reading a PEM key");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw Error(Errc::invalid_argument, "the device key file is not a PEM private key");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    throw Error(Errc::invalid_argument, "the device key is not an Ed25519 key");
  return SigningKey(std::make_unique<Impl>(Impl{std::move(key)}));
}

std::string SigningKey::private_pem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1)
    throw Error(Errc::internal, "writing the device key as PEM failed");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Bytes SigningKey::public_key() const {
  Bytes out(32);
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(impl_->key.get(), out.data(), &len) != 1 || len != 32)
    throw Error(Errc::internal, "reading the Ed25519 public key failed");
  return out;
}

Bytes SigningKey::sign(std::span<const std::uint8_t> message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  Bytes sig(64);
  std::size_t len = sig.size();
  // Ed25519 takes no digest and only the one-shot EVP_DigestSign.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != 64)
    throw Error(Errc::internal, "Ed25519 signing failed");
  return sig;
}

struct VerifyKey::Impl {
  PkeyPtr key;
};

VerifyKey::VerifyKey(std::span<const std::uint8_t> public_key_raw32)
    : raw_(public_key_raw32.begin(), public_key_raw32.end()), impl_(std::make_unique<Impl>()) {
  if (public_key_raw32.size() == 32)
    impl_->key.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key_raw32.data(),
                                                 public_key_raw32.size()));
  if (!impl_->key) throw Error(Errc::invalid_argument, "not a 32-byte Ed25519 public key");
}

VerifyKey::~VerifyKey() = default;

bool VerifyKey::verify(std::span<const std::uint8_t> message,
                       std::span<const std::uint8_t> signature) const {
  if (signature.size() != 64) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

bool verify_signature(std::span<const std::uint8_t> public_key_raw32,
                      std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature) {
  if (public_key_raw32.size() != 32 || signature.size() != 64) return false;
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key_raw32.data(),
                                          public_key_raw32.size()));
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

}  // namespace tongket::sync
