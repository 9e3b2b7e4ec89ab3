// SPDX-License-Identifier: Apache-2.0
// libcurl, loaded on the first remote read instead of linked. Linking it makes every run
// load some thirty libraries (TLS, Kerberos, LDAP, IDN...) and run their constructors:
// about 3 ms of a 20 ms local header check, for a feature only remote targets use.
// The header gives the types; the functions come from the shared library.
#pragma once
#include <curl/curl.h>

#include <string>

namespace ckptlint {

/// The libcurl entry points HttpClient uses. The variadic ones are called exactly as the
/// C functions are (one option, one argument).
struct CurlLibrary {
  CURLcode (*global_init)(long flags);
  CURLSH* (*share_init)();
  CURLSHcode (*share_setopt)(CURLSH* share, CURLSHoption option, ...);
  CURLSHcode (*share_cleanup)(CURLSH* share);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
};

/// Loads libcurl and initializes it, once per process. Null when it cannot be loaded
/// (not installed, or missing a symbol); then `error` says what was tried and why it failed.
const CurlLibrary* curl_library(std::string& error);

}  // namespace ckptlint
