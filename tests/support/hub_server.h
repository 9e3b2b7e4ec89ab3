// SPDX-License-Identifier: Apache-2.0
// The stand-in Hub (tests/remote/hub_server.py) on loopback: started once per test binary,
// serving repositories from a scratch root; stopped when the binary exits. No test reaches
// the internet.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace ckptlint::testing {

class HubServer {
 public:
  /// The server of this process, started on first use; HF_ENDPOINT is set to it.
  static HubServer& get();
  ~HubServer();

  const std::string& hub_url() const { return hub_url_; }  ///< http://127.0.0.1:PORT
  const std::string& cdn_url() const { return cdn_url_; }  ///< http://localhost:PORT (another origin)
  const std::string& root() const { return root_; }
  const std::string& token() const { return token_; }

  /// Publishes directory `dir` as the repository ORG/NAME (a link; the files stay where
  /// they are) and returns "hf://ORG/NAME".
  std::string publish(const std::string& dir, const std::string& org, const std::string& name) const;

  /// Requests, body bytes, the largest body, and requests to the CDN that carried a token,
  /// since the last reset().
  nlohmann::json stats() const;
  void reset() const;

 private:
  HubServer();
  std::string root_, hub_url_, cdn_url_, token_ = "hub-test-token";
  int pid_ = -1;
  int stdin_fd_ = -1;
};

}  // namespace ckptlint::testing
