// SPDX-License-Identifier: Apache-2.0
// fmt's compiled part, built into ckptlint (CKPTLINT_STATIC_RUNTIME) instead of loading
// libfmt.so at every start. Every other file includes fmt's headers as usual; this one adds
// the out-of-line definitions (format-inl.h) and instantiates the templates the headers
// declare but leave to the library. For fmt 9 (CMakeLists.txt picks header-only fmt for other
// versions); a missing instantiation is a link error, never a silent difference.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template auto decimal_point_impl(locale_ref) -> char;
template auto decimal_point_impl(locale_ref) -> wchar_t;
}  // namespace detail
FMT_END_NAMESPACE
