// Whether this test binary (and so the CLI it runs) is built with AddressSanitizer, which
// keeps shadow memory and runs several times slower: memory and time bounds of a test are
// looser there, guards against blow-ups rather than figures (the figures are in bench/).
#pragma once

namespace ckptlint::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace ckptlint::testing
