#pragma once

// A private certificate authority and the certificates it signs, as PEM
// files in one directory: what the emulator's https listeners serve (and
// the connectors then verify against), and what a private deployment needs
// without a public CA. OpenSSL does the cryptography; keys are ECDSA P-256,
// written 0600 in a 0700 directory.

#include "protocol/error.hpp"

#include <string>
#include <vector>

namespace socialcrm::http {

/// Where a CA and one certificate it signed live.
struct certificate_files {
  std::string ca_cert; // DIR/ca.pem: what clients trust
  std::string ca_key;  // DIR/ca.key
  std::string cert;    // DIR/NAME.pem: the certificate, then the CA's
  std::string key;     // DIR/NAME.key
};

/// Creates the CA in `dir` (made 0700 when missing) unless ca.pem/ca.key
/// are there, then issues NAME.pem/NAME.key for `hosts` (IP addresses or
/// DNS names, put in the subjectAltName) unless a certificate by that CA
/// already covers every one of them and is not about to expire. Errors:
/// `tls_dir` (the directory cannot be made or written), `tls_files` (a file
/// there is not a certificate or key this can use).
expected<certificate_files> ensure_certificate(
  const std::string& dir, const std::string& name,
  const std::vector<std::string>& hosts);

} // namespace socialcrm::http
