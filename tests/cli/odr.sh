#!/usr/bin/env bash
# Guards against two components defining the same type in namespace almen
# (a One Definition Rule violation the linker does not report and that once
# crashed `almen settle --providers`). Types in nested namespaces or in
# anonymous namespaces are fine. Usage: odr.sh SRC_DIR
set -u
src=$1
dups=$(grep -rhE '^(struct|class|enum class) [A-Z][A-Za-z0-9_]* ' "$src" --include='*.h' \
  | sed -E 's/^(struct|class|enum class) ([A-Za-z0-9_]*).*/\2/' | sort | uniq -d)
# Headers of nested namespaces (almen::gen, …) are excluded from the check.
if [ -n "$dups" ]; then
  real=""
  for t in $dups; do
    files=$(grep -rlE "^(struct|class|enum class) $t\b" "$src" --include='*.h' | xargs grep -L 'namespace almen::[a-z]')
    [ "$(echo "$files" | grep -c .)" -gt 1 ] && real="$real $t($(echo $files))"
  done
  if [ -n "$real" ]; then echo "FAIL: types defined twice in namespace almen:$real"; exit 1; fi
fi
echo "odr: ok"
