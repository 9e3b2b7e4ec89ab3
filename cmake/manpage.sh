#!/usr/bin/env bash
# Generates the man page from `ckptlint --help`, so the two never disagree.
# Usage: cmake/manpage.sh VERSION OUT.1 [EMULATOR...] CKPTLINT_BINARY
set -euo pipefail
version="$1"; out="$2"; shift 2
help="$("$@" --help)"
{
  echo ".TH CKPTLINT 1 \"\" \"ckptlint $version\" \"User Commands\""
  echo ".SH NAME"
  # Here-strings, not `echo | head`: head exits after one line, and when echo was still
  # writing (it may write line by line), its SIGPIPE failed the build at random under pipefail.
  sed -n '1s/ - / \\- /p' <<< "$help"
  tail -n +2 <<< "$help" | awk '
    /^[A-Z][A-Za-z ]*:$/ { sub(":$", ""); print ".SH " toupper($0); next }
    /^$/ { next }
    /^  [^ ]/ { sub(/^  /, ""); gsub(/\\/, "\\\\"); gsub(/-/, "\\-");
                split($0, parts, /   +/); print ".TP"; print "\\fB" parts[1] "\\fR";
                rest = substr($0, length(parts[1]) + 1); sub(/^ +/, "", rest); if (rest != "") print rest; next }
    { sub(/^ +/, ""); gsub(/-/, "\\-"); print }'
  echo ".SH SEE ALSO"
  echo "The rule reference: \\fBckptlint rules\\fR, or docs/rules.md in the source tree."
} > "$out"
