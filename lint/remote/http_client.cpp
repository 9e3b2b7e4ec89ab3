// SPDX-License-Identifier: Apache-2.0
#include "remote/http_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <mutex>

#include "remote/curl_library.h"
#include "util/text.h"

namespace ckptlint {
namespace {

constexpr int kMaxRedirects = 10;
constexpr const char* kUserAgent = "ckptlint/0.1 (+header checks over range requests)";

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// What one transfer saw; the callbacks stop it as soon as a limit is crossed.
struct Transfer {
  std::uint64_t max_body = 0;
  bool want_range = false;
  long status = 0;
  std::optional<std::uint64_t> content_length;
  std::string content_range;
  std::string body;
  bool too_large = false;
  bool ignored_range = false;
  bool discarded = false;  // a non-2xx body: not kept
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a 100 Continue, say): what came before does not count.
    std::size_t sp = line.find(' ');
    t->status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    t->content_length.reset();
    t->content_range.clear();
    if (t->want_range && t->status == 200) {
      t->ignored_range = true;
      return 0;
    }
    return size * n;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name = ascii_lower(line.substr(0, colon));
  std::string value = trim(line.substr(colon + 1));
  if (name == "content-length") {
    t->content_length = parse_u64(value);
    if (t->status >= 200 && t->status < 300 && t->content_length && *t->content_length > t->max_body) {
      t->too_large = true;
      return 0;
    }
  } else if (name == "content-range") {
    t->content_range = value;
  }
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->status < 200 || t->status >= 300) {
    t->discarded = true;  // an error page or a redirect: its body is not needed
    return 0;
  }
  if (t->body.size() + size * n > t->max_body) {
    t->too_large = true;
    return 0;
  }
  t->body.append(data, size * n);
  return size * n;
}

// "bytes A-B/TOTAL" -> {A, B, TOTAL}.
std::optional<std::array<std::uint64_t, 3>> parse_content_range(std::string_view v) {
  if (!v.starts_with("bytes ")) return std::nullopt;
  v.remove_prefix(6);
  std::size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return std::nullopt;
  auto a = parse_u64(v.substr(0, dash)), b = parse_u64(v.substr(dash + 1, slash - dash - 1)), total = parse_u64(v.substr(slash + 1));
  if (!a || !b || !total || *b < *a || *b >= *total) return std::nullopt;
  return std::array<std::uint64_t, 3>{*a, *b, *total};
}

}  // namespace

std::string url_origin(const std::string& url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  std::size_t host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string authority = url.substr(scheme_end + 3, host_end == std::string::npos ? std::string::npos : host_end - scheme_end - 3);
  if (std::size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  std::string scheme = ascii_lower(url.substr(0, scheme_end));
  authority = ascii_lower(authority);
  // The default port is the same origin as no port.
  if ((scheme == "https" && authority.ends_with(":443")) || (scheme == "http" && authority.ends_with(":80"))) {
    authority = authority.substr(0, authority.rfind(':'));
  }
  return scheme + "://" + authority;
}

struct HttpClient::Shared {
  const CurlLibrary* curl = nullptr;  // null when libcurl could not be loaded
  std::string load_error;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
};

HttpClient::HttpClient(HttpSettings settings) : settings_(std::move(settings)), shared_(std::make_unique<Shared>()) {
  settings_.token_origin = url_origin(settings_.token_origin);
  const CurlLibrary* curl = shared_->curl = curl_library(shared_->load_error);
  if (curl == nullptr) return;
  shared_->share = curl->share_init();
  curl->share_setopt(shared_->share, CURLSHOPT_LOCKFUNC, +[](CURL*, curl_lock_data d, curl_lock_access, void* u) {
    static_cast<Shared*>(u)->locks[d].lock();
  });
  curl->share_setopt(shared_->share, CURLSHOPT_UNLOCKFUNC, +[](CURL*, curl_lock_data d, void* u) {
    static_cast<Shared*>(u)->locks[d].unlock();
  });
  curl->share_setopt(shared_->share, CURLSHOPT_USERDATA, shared_.get());
  curl->share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl->share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl->share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HttpClient::~HttpClient() {
  if (shared_->share != nullptr) shared_->curl->share_cleanup(shared_->share);
}

std::string HttpClient::timeout_note() const {
  return fmt::format("{} s (--timeout: the limit for each request and for the run's remote reads together)",
                     settings_.timeout_ms / 1000.0);
}

std::optional<HttpResponse> HttpClient::get(const std::string& url, std::uint64_t max_body, HttpError& error) {
  return fetch(url, std::nullopt, max_body, error);
}

std::optional<HttpResponse> HttpClient::get_range(const std::string& url, std::uint64_t offset, std::uint64_t length,
                                                  HttpError& error) {
  if (length == 0) {
    error.message = "an empty range";
    return std::nullopt;
  }
  // 404, 416...: the caller decides; a 206 was checked against the range in fetch().
  return fetch(url, std::pair(offset, offset + length - 1), length, error);
}

std::optional<HttpResponse> HttpClient::fetch(const std::string& start_url,
                                              std::optional<std::pair<std::uint64_t, std::uint64_t>> range,
                                              std::uint64_t max_body, HttpError& error) {
  ++requests_;
  const CurlLibrary* curl_lib = shared_->curl;
  if (curl_lib == nullptr) {
    error.message = shared_->load_error;
    return std::nullopt;
  }
  std::string url = start_url;
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    if (!url.starts_with("https://") && !url.starts_with("http://")) {
      error.message = fmt::format("refused to follow a redirect to '{}' (only http and https)", url);
      return std::nullopt;
    }
    // The run's deadline: a request gets what is left of it, when that is less than its own limit.
    long limit_ms = settings_.timeout_ms;
    if (settings_.deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*settings_.deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        error.message = fmt::format("{}: not requested: the run's remote reads already took {}", url, timeout_note());
        return std::nullopt;
      }
      limit_ms = std::min<long>(limit_ms, static_cast<long>(left));
    }
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_lib->easy_init(), curl_lib->easy_cleanup);
    if (!curl) {
      error.message = "libcurl could not start a transfer";
      return std::nullopt;
    }
    Transfer t;
    t.max_body = max_body;
    t.want_range = range.has_value();
    std::array<char, CURL_ERROR_SIZE> errbuf{};
    curl_slist* headers = nullptr;
    std::string range_header, auth_header;
    if (range) {
      range_header = fmt::format("Range: bytes={}-{}", range->first, range->second);
      headers = curl_lib->slist_append(headers, range_header.c_str());
    }
    // The token goes to its own origin only: never to a CDN a redirect points at.
    if (!settings_.token.empty() && url_origin(url) == settings_.token_origin) {
      auth_header = "Authorization: Bearer " + settings_.token;
      headers = curl_lib->slist_append(headers, auth_header.c_str());
    }
    CURL* c = curl.get();
    curl_lib->easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_lib->easy_setopt(c, CURLOPT_SHARE, shared_->share);
    curl_lib->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_lib->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_lib->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_lib->easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
    curl_lib->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_lib->easy_setopt(c, CURLOPT_TIMEOUT_MS, limit_ms);
    curl_lib->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(limit_ms, 15000));
    curl_lib->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_lib->easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_lib->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_lib->easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_lib->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf.data());
    CURLcode rc = curl_lib->easy_perform(c);
    curl_lib->slist_free_all(headers);
    ++exchanges_;
    long header_bytes = 0;
    curl_lib->easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_bytes);
    bytes_ += t.body.size() + static_cast<std::uint64_t>(std::max(header_bytes, 0L));
    const std::string origin = url_origin(url);
    if (t.ignored_range) {
      error.message = fmt::format("{} ignores Range requests (it answered 200 with the whole file); ckptlint will not download a whole shard", origin);
      return std::nullopt;
    }
    if (t.too_large) {
      error.too_large = true;
      error.message = fmt::format("{}: the answer is larger than the {} bytes asked for or allowed; refused", url, max_body);
      return std::nullopt;
    }
    if (rc != CURLE_OK && !t.discarded) {
      std::string detail = errbuf[0] != '\0' ? std::string(errbuf.data()) : curl_lib->easy_strerror(rc);
      switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
          error.message = fmt::format("{}: no complete answer within {}", url, timeout_note());
          break;
        case CURLE_COULDNT_RESOLVE_HOST:
          error.message = fmt::format("cannot resolve the host of {}: no network, or a wrong HF_ENDPOINT? ({})", origin, detail);
          break;
        case CURLE_COULDNT_CONNECT:
          error.message = fmt::format("cannot connect to {} ({})", origin, detail);
          break;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
          error.message = fmt::format("TLS failure talking to {}: {}", origin, detail);
          break;
        default:
          error.message = fmt::format("{}: {}", url, detail);
      }
      return std::nullopt;
    }
    long status = 0;
    curl_lib->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 300 && status < 400) {
      char* location = nullptr;
      curl_lib->easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
      if (location == nullptr || *location == '\0') {
        error.message = fmt::format("{}: redirect ({}) without a Location", url, status);
        error.status = status;
        return std::nullopt;
      }
      url = location;
      continue;
    }
    HttpResponse r;
    r.status = status;
    r.url = url;
    if (range && status == 206) {
      auto cr = parse_content_range(t.content_range);
      const std::uint64_t want = range->second - range->first + 1;
      if (!cr || (*cr)[0] != range->first || (*cr)[1] > range->second) {
        error.message = fmt::format("{}: the server answered the range 'bytes {}-{}' with Content-Range '{}'", url, range->first,
                                    range->second, t.content_range);
        return std::nullopt;
      }
      const std::uint64_t got = (*cr)[1] - (*cr)[0] + 1;
      if (t.body.size() != got || (got < want && (*cr)[1] + 1 != (*cr)[2])) {
        error.message = fmt::format("{}: short answer: {} bytes where {} were announced", url, t.body.size(), got);
        return std::nullopt;
      }
      r.total = (*cr)[2];
    } else if (!range && status >= 200 && status < 300 && t.content_length && t.body.size() != *t.content_length) {
      error.message = fmt::format("{}: short answer: {} of {} bytes", url, t.body.size(), *t.content_length);
      return std::nullopt;
    }
    r.body = std::move(t.body);
    return r;
  }
  error.message = fmt::format("{}: more than {} redirects (a loop?)", start_url, kMaxRedirects);
  return std::nullopt;
}

}  // namespace ckptlint
