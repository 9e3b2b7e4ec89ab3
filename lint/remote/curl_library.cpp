// SPDX-License-Identifier: Apache-2.0
#include "remote/curl_library.h"

#include <dlfcn.h>

#include <mutex>

namespace ckptlint {
namespace {

// The runtime name of the library: its soname, which the -dev package's libcurl.so link
// is not (that link is absent where only the runtime package is installed). A build may
// name the exact file it was configured with (CKPTLINT_CURL_PATH, a Homebrew curl on macOS).
#ifdef __APPLE__
constexpr const char* kCurlSoname = "libcurl.4.dylib";
#else
constexpr const char* kCurlSoname = "libcurl.so.4";
#endif

template <typename F>
bool bind(void* handle, const char* name, F& out, std::string& missing) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  if (out == nullptr && missing.empty()) missing = name;
  return out != nullptr;
}

struct Loaded {
  CurlLibrary library{};
  std::string error;  // empty when the library is usable
};

Loaded load() {
  Loaded l;
  void* handle = nullptr;
  std::string tried;
#ifdef CKPTLINT_CURL_PATH
  handle = dlopen(CKPTLINT_CURL_PATH, RTLD_NOW | RTLD_LOCAL);
  tried = CKPTLINT_CURL_PATH;
#endif
  if (handle == nullptr) {
    handle = dlopen(kCurlSoname, RTLD_NOW | RTLD_LOCAL);
    tried += tried.empty() ? kCurlSoname : std::string(", ") + kCurlSoname;
  }
  if (handle == nullptr) {
    const char* why = dlerror();
    l.error = "libcurl is needed for remote checkpoints and could not be loaded (tried " + tried + "): " +
              (why != nullptr ? why : "unknown error");
    return l;
  }
  // The handle stays open for the life of the process: curl keeps global state.
  CurlLibrary& c = l.library;
  std::string missing;
  bind(handle, "curl_global_init", c.global_init, missing);
  bind(handle, "curl_share_init", c.share_init, missing);
  bind(handle, "curl_share_setopt", c.share_setopt, missing);
  bind(handle, "curl_share_cleanup", c.share_cleanup, missing);
  bind(handle, "curl_easy_init", c.easy_init, missing);
  bind(handle, "curl_easy_cleanup", c.easy_cleanup, missing);
  bind(handle, "curl_easy_setopt", c.easy_setopt, missing);
  bind(handle, "curl_easy_perform", c.easy_perform, missing);
  bind(handle, "curl_easy_getinfo", c.easy_getinfo, missing);
  bind(handle, "curl_easy_strerror", c.easy_strerror, missing);
  bind(handle, "curl_slist_append", c.slist_append, missing);
  bind(handle, "curl_slist_free_all", c.slist_free_all, missing);
  if (!missing.empty()) {
    l.error = "the libcurl found (" + tried + ") lacks " + missing + ": too old for remote checkpoints";
    return l;
  }
  if (c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) l.error = "libcurl failed to initialize";
  return l;
}

}  // namespace

const CurlLibrary* curl_library(std::string& error) {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { loaded = load(); });
  if (!loaded.error.empty()) {
    error = loaded.error;
    return nullptr;
  }
  return &loaded.library;
}

}  // namespace ckptlint
