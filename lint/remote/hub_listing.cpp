// SPDX-License-Identifier: Apache-2.0
#include "remote/hub_listing.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace ckptlint {
namespace {

// Follows the path of each value: depth 1 is a member of the root object, depth 2 an item of
// `siblings`, depth 3 a member of that item. Everything else is read and let go.
class ListingEvents final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit ListingEvents(const std::function<void(std::string&&)>& on_name) : on_name_(on_name) {}
  bool siblings_seen = false;
  bool too_deep = false;
  bool root_not_object = false;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool string(string_t& value) override {
    if (depth_ == 3 && in_siblings_ && key_ == "rfilename") on_name_(std::move(value));
    return scalar();
  }
  bool key(string_t& value) override {
    if (depth_ == 1) in_siblings_ = value == "siblings";
    if (depth_ == 1 || depth_ == 3) key_ = std::move(value);
    return true;
  }
  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override {
    if (depth_ == 1 && in_siblings_) siblings_seen = true;
    return open(false);
  }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& e) override {
    error = fmt::format("byte {}: {}", position, e.what());
    return false;
  }
  std::string error;

 private:
  bool scalar() {
    if (depth_ == 0) root_not_object = true;
    return depth_ > 0;
  }
  bool open(bool object) {
    if (depth_ == 0 && !object) {
      root_not_object = true;
      return false;
    }
    if (++depth_ > kMaxListingDepth) {
      too_deep = true;
      return false;
    }
    if (depth_ == 3) key_.clear();
    return true;
  }
  bool close() {
    --depth_;
    if (depth_ == 1) in_siblings_ = false;
    return true;
  }

  const std::function<void(std::string&&)>& on_name_;
  int depth_ = 0;
  bool in_siblings_ = false;  // inside the root's `siblings` value
  std::string key_;           // the current key at depth 1 or 3
};

}  // namespace

bool parse_hub_listing(std::string_view body, const std::function<void(std::string&&)>& on_name, std::string& error) {
  ListingEvents events(on_name);
  const bool ok = nlohmann::json::sax_parse(body, &events);
  if (events.too_deep) {
    error = fmt::format("nested more than {} levels deep", kMaxListingDepth);
  } else if (events.root_not_object) {
    error = "not a JSON object";
  } else if (!ok) {
    error = "not JSON (" + events.error + ")";
  } else if (!events.siblings_seen) {
    error = "without a 'siblings' list";
  } else {
    return true;
  }
  return false;
}

}  // namespace ckptlint
