// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace ckptlint {

/// Makes the process heap grow in large, huge-page-backed steps. A header-only check
/// allocates a few megabytes in small pieces; on a VM each first touch of a 4 KiB page
/// costs microseconds, and those faults, not parsing, dominated a cold run. Best effort:
/// does nothing where transparent huge pages are off.
void prepare_heap();

}  // namespace ckptlint
