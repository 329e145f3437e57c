#!/bin/sh
# Checks that every C file of the project is formatted as .clang-format says (the style test):
# prints the first differences of each file that is not, and fails. Fix with
#   clang-format -i $(find src tests bench -name '*.[ch]' -not -path '*/data/*')
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
status=0
for f in $(find src tests bench -name '*.[ch]' -not -path 'tests/data/*' -not -path 'tests/fuzz/corpus-*' | sort); do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f"
    clang-format "$f" | diff -u "$f" - | head -20
    status=1
  fi
done
exit $status
