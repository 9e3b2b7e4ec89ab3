// SPDX-License-Identifier: Apache-2.0
#include "support/hub_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "remote/http_client.h"

namespace ckptlint::testing {
namespace fs = std::filesystem;

HubServer& HubServer::get() {
  static HubServer server;
  return server;
}

HubServer::HubServer() {
  root_ = (fs::temp_directory_path() / ("ckptlint-hub-" + std::to_string(::getpid()))).string();
  fs::remove_all(root_);
  fs::create_directories(root_);
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    const std::string script = std::string(CKPTLINT_TEST_SOURCE_DIR) + "/remote/hub_server.py";
    ::execlp("python3", "python3", script.c_str(), root_.c_str(), "--token", token_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  stdin_fd_ = in[1];  // the server runs until this closes
  FILE* lines = ::fdopen(out[0], "r");
  char buf[256];
  for (int i = 0; i < 2 && std::fgets(buf, sizeof buf, lines) != nullptr; ++i) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.starts_with("HUB ")) hub_url_ = line.substr(4);
    if (line.starts_with("CDN ")) cdn_url_ = line.substr(4);
  }
  std::fclose(lines);
  if (hub_url_.empty() || cdn_url_.empty()) throw std::runtime_error("the stand-in Hub did not start (python3?)");
  ::setenv("HF_ENDPOINT", hub_url_.c_str(), 1);
  ::unsetenv("HF_TOKEN");
  ::setenv("HF_HOME", (root_ + "/.no-hf-home").c_str(), 1);  // no token file of the user's
}

HubServer::~HubServer() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

std::string HubServer::publish(const std::string& dir, const std::string& org, const std::string& name) const {
  fs::create_directories(fs::path(root_) / org);
  fs::path link = fs::path(root_) / org / name;
  std::error_code ec;
  fs::remove(link, ec);
  fs::create_directory_symlink(fs::absolute(dir), link);
  return "hf://" + org + "/" + name;
}

nlohmann::json HubServer::stats() const {
  HttpClient http(HttpSettings{});
  HttpError error;
  // Both servers share one process and one set of counters.
  auto hub = http.get(hub_url_ + "/_stats", 1 << 16, error);
  if (!hub) return {};
  return nlohmann::json::parse(hub->body, nullptr, false);
}

void HubServer::reset() const {
  HttpClient http(HttpSettings{});
  HttpError error;
  http.get(hub_url_ + "/_stats?reset", 1 << 16, error);
}

}  // namespace ckptlint::testing
