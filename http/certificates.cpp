#include "http/certificates.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>

namespace socialcrm::http {

namespace {

namespace fs = std::filesystem;

/// A private CA lives as long as the deployment that made it.
constexpr long ca_days = 3650;
/// What browsers and Node still accept for a certificate's whole life.
constexpr long cert_days = 397;
/// A certificate this close to its end is issued again at the next start.
constexpr long renew_days = 30;

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

error_info files_error(const std::string& path, const std::string& what) {
  return make_error("tls_files", path + ": " + what);
}

bool is_ip(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

/// Writes `text` to `path` readable by the owner only (created 0600, and
/// made 0600 if it was there).
bool write_file(const fs::path& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return false;
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    if (ok)
      done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  return ::close(fd) == 0 && ok;
}

std::string pem_of(EVP_PKEY* key) {
  bio_ptr bio{BIO_new(BIO_s_mem()), BIO_free};
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                           nullptr);
  char* data = nullptr;
  auto n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(X509* cert) {
  bio_ptr bio{BIO_new(BIO_s_mem()), BIO_free};
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  auto n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

pkey_ptr read_key(const fs::path& path) {
  bio_ptr bio{BIO_new_file(path.c_str(), "r"), BIO_free};
  if (!bio)
    return {nullptr, EVP_PKEY_free};
  return {PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
          EVP_PKEY_free};
}

x509_ptr read_cert(const fs::path& path) {
  bio_ptr bio{BIO_new_file(path.c_str(), "r"), BIO_free};
  if (!bio)
    return {nullptr, X509_free};
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext)
    return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

/// A certificate for `key`, signed by `issuer_key` (self-signed when
/// `issuer` is null): a CA when `hosts` is empty, else a leaf for them.
x509_ptr issue(const std::string& common_name, EVP_PKEY* key, X509* issuer,
               EVP_PKEY* issuer_key, const std::vector<std::string>& hosts) {
  x509_ptr cert{X509_new(), X509_free};
  bool ca = hosts.empty();
  bool ok = X509_set_version(cert.get(), 2) == 1;
  // A random 64-bit serial: two certificates of one CA never share one.
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial{BN_new(), BN_free};
  ok = ok && BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
       && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  // An hour back: clocks of the machines that check it may run behind.
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600)
       && X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                          (ca ? ca_days : cert_days) * 86400L);
  ok = ok && X509_set_pubkey(cert.get(), key) == 1;
  X509_NAME* name = X509_get_subject_name(cert.get());
  ok = ok
       && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(
                                       "socialcrm"),
                                     -1, -1, 0)
       && X509_NAME_add_entry_by_txt(
         name, "CN", MBSTRING_UTF8,
         reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
         0);
  ok = ok
       && X509_set_issuer_name(cert.get(), issuer
                                             ? X509_get_subject_name(issuer)
                                             : name)
            == 1;
  X509* signer = issuer ? issuer : cert.get();
  if (ca) {
    ok = ok && add_ext(cert.get(), signer, NID_basic_constraints,
                       "critical,CA:TRUE,pathlen:0")
         && add_ext(cert.get(), signer, NID_key_usage,
                    "critical,keyCertSign,cRLSign")
         && add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    std::string san;
    for (const auto& h : hosts)
      san += (san.empty() ? "" : ",") + std::string(is_ip(h) ? "IP:" : "DNS:")
             + h;
    ok = ok && add_ext(cert.get(), signer, NID_basic_constraints,
                       "critical,CA:FALSE")
         && add_ext(cert.get(), signer, NID_key_usage,
                    "critical,digitalSignature")
         && add_ext(cert.get(), signer, NID_ext_key_usage,
                    "serverAuth,clientAuth")
         && add_ext(cert.get(), signer, NID_subject_alt_name, san)
         && add_ext(cert.get(), signer, NID_subject_key_identifier, "hash")
         && add_ext(cert.get(), signer, NID_authority_key_identifier,
                    "keyid:always");
  }
  ok = ok && X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0;
  if (!ok)
    cert.reset();
  return cert;
}

/// Whether `cert` was signed by `ca`, matches `key`, names every host and
/// has more than `renew_days` left.
bool still_good(X509* cert, EVP_PKEY* key, X509* ca,
                const std::vector<std::string>& hosts) {
  if (X509_verify(cert, X509_get0_pubkey(ca)) != 1
      || X509_check_private_key(cert, key) != 1)
    return false;
  std::time_t soon = std::time(nullptr) + renew_days * 86400L;
  if (X509_cmp_time(X509_get0_notAfter(cert), &soon) <= 0)
    return false;
  for (const auto& h : hosts) {
    int match = is_ip(h) ? X509_check_ip_asc(cert, h.c_str(), 0)
                         : X509_check_host(cert, h.c_str(), 0, 0, nullptr);
    if (match != 1)
      return false;
  }
  return true;
}

} // namespace

expected<certificate_files> ensure_certificate(
  const std::string& dir, const std::string& name,
  const std::vector<std::string>& hosts) {
  std::error_code ec;
  fs::path d{dir};
  if (!fs::exists(d, ec)) {
    fs::create_directories(d, ec);
    if (ec)
      return make_error("tls_dir", "cannot create " + dir + ": " + ec.message());
    fs::permissions(d, fs::perms::owner_all, ec);
  }
  certificate_files files{(d / "ca.pem").string(), (d / "ca.key").string(),
                          (d / (name + ".pem")).string(),
                          (d / (name + ".key")).string()};

  pkey_ptr ca_key{nullptr, EVP_PKEY_free};
  x509_ptr ca{nullptr, X509_free};
  if (fs::exists(files.ca_cert, ec) || fs::exists(files.ca_key, ec)) {
    ca_key = read_key(files.ca_key);
    ca = read_cert(files.ca_cert);
    if (!ca_key || !ca)
      return files_error(!ca ? files.ca_cert : files.ca_key,
                         "not a PEM certificate and key of a CA");
    if (X509_check_private_key(ca.get(), ca_key.get()) != 1)
      return files_error(files.ca_key, "does not belong to " + files.ca_cert);
  } else {
    ca_key.reset(EVP_EC_gen("P-256"));
    if (ca_key)
      ca = issue("socialcrm private CA", ca_key.get(), nullptr, ca_key.get(),
                 {});
    if (!ca)
      return make_error("tls_files", "OpenSSL could not make a CA");
    // The key first: a CA certificate without its key is of no use.
    if (!write_file(files.ca_key, pem_of(ca_key.get()), 0600)
        || !write_file(files.ca_cert, pem_of(ca.get()), 0644))
      return make_error("tls_dir", "cannot write the CA into " + dir + ": "
                                     + std::strerror(errno));
  }

  if (auto key = read_key(files.key)) {
    auto cert = read_cert(files.cert);
    if (cert && still_good(cert.get(), key.get(), ca.get(), hosts))
      return files;
  }
  pkey_ptr key{EVP_EC_gen("P-256"), EVP_PKEY_free};
  x509_ptr cert{nullptr, X509_free};
  if (key)
    cert = issue(name, key.get(), ca.get(), ca_key.get(), hosts);
  if (!cert)
    return make_error("tls_files", "OpenSSL could not issue " + name);
  if (!write_file(files.key, pem_of(key.get()), 0600)
      || !write_file(files.cert, pem_of(cert.get()) + pem_of(ca.get()), 0644))
    return make_error("tls_dir", "cannot write " + files.cert + ": "
                                   + std::strerror(errno));
  return files;
}

} // namespace socialcrm::http
