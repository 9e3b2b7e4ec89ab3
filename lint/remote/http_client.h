// SPDX-License-Identifier: Apache-2.0
// HTTP GET over libcurl for remote checkpoints, built for hostile servers: every body is
// capped before it is stored (and a Content-Length above the cap refused before the body),
// range requests must be answered with exactly the bytes asked for, redirects are followed
// by hand (at most 10 hops) so that the token goes to its own origin only, and each request
// has a deadline, which also ends a slow drip. Connections are shared and reused across
// threads; requests and bytes are counted.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ckptlint {

struct HttpSettings {
  long timeout_ms = 30000;   ///< per request, connect to last byte (--timeout)
  /// When every request of the run must be done: --timeout after the run started (it bounds
  /// the whole run too). A request gets what is left, and none starts after it.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::string token;         ///< bearer token ("" for none)
  std::string token_origin;  ///< "scheme://host:port" the token may be sent to
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string url;                        ///< after redirects
  std::optional<std::uint64_t> total;     ///< the resource size, from Content-Range
};

/// A transport failure, a refused answer or a limit: the message says which, for a person.
struct HttpError {
  std::string message;
  long status = 0;         ///< the HTTP status when there was one
  bool too_large = false;  ///< the answer was larger than allowed (a property of the file, not the transport)
};

class HttpClient {
 public:
  explicit HttpClient(HttpSettings settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// GET `url` with at most `max_body` bytes of body. Non-2xx statuses come back in the
  /// response (callers decide what 404 means); transport failures and limits as errors.
  std::optional<HttpResponse> get(const std::string& url, std::uint64_t max_body, HttpError& error);

  /// GET bytes [offset, offset + length) of `url`: a 206 answer whose Content-Range and body
  /// are exactly that range (shorter only at the end of the resource). A server that ignores
  /// Range is an error: the body is not read past the range.
  std::optional<HttpResponse> get_range(const std::string& url, std::uint64_t offset, std::uint64_t length, HttpError& error);

  /// Calls of get()/get_range(), each counting as one however many redirects it followed.
  std::uint64_t requests() const { return requests_; }
  /// HTTP exchanges: requests plus the redirects they followed.
  std::uint64_t exchanges() const { return exchanges_; }
  /// Bytes received: headers and bodies.
  std::uint64_t bytes() const { return bytes_; }
  const HttpSettings& settings() const { return settings_; }

 private:
  struct Shared;
  std::optional<HttpResponse> fetch(const std::string& url, std::optional<std::pair<std::uint64_t, std::uint64_t>> range,
                                    std::uint64_t max_body, HttpError& error);
  std::string timeout_note() const;  // "30 s (--timeout: ...)" for messages
  HttpSettings settings_;
  std::unique_ptr<Shared> shared_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> exchanges_{0};
  std::atomic<std::uint64_t> bytes_{0};
};

/// "scheme://host[:port]" of a URL (lower-cased scheme and host), "" if it has none.
std::string url_origin(const std::string& url);

}  // namespace ckptlint
