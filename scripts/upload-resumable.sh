#!/usr/bin/env bash
# Sends a (large, possibly .gz/.zst) claims file to `almen serve` in pieces
# with the resumable upload API (docs/server.md, "Resumable uploads"), going on
# from the server's offset after a dropped connection, then settles it.
#   scripts/upload-resumable.sh BASE_URL USER FILE [PIECE_MB]
#   e.g. ALMEN_PASSWORD=… scripts/upload-resumable.sh http://127.0.0.1:8080 rltn claims.csv.zst 64
# Needs curl and jq. Prints the settlement job when it is done.
set -euo pipefail
base=$1 user=$2 file=$3 piece=$((${4:-64} * 1048576))
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
curl -fsS -c "$jar" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg u "$user" --arg p "${ALMEN_PASSWORD:-$user}" '{username: $u, password: $p}')" "$base/api/login" >/dev/null
size=$(stat -c %s "$file")
id=$(curl -fsS -b "$jar" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg n "$(basename "$file")" '{field: "claims", name: $n}')" "$base/api/uploads" | jq -r .id)
offset=0 tries=0
while [ "$offset" -lt "$size" ]; do
  # The next piece from the server's offset (what arrived before a drop is kept).
  if tail -c +$((offset + 1)) "$file" | head -c "$piece" |
    curl -fsS -b "$jar" -X PATCH -H 'Content-Type: application/octet-stream' -H "Upload-Offset: $offset" \
      --data-binary @- "$base/api/uploads/$id" >/dev/null; then
    tries=0
  else
    tries=$((tries + 1))
    [ "$tries" -le 10 ] || { echo "upload-resumable: giving up after 10 failed pieces" >&2; exit 1; }
    sleep $((tries * 2))
  fi
  offset=$(curl -fsS -b "$jar" "$base/api/uploads/$id" | jq -r .offset)
  echo "upload-resumable: $offset of $size bytes" >&2
done
job=$(curl -fsS -b "$jar" -H 'Content-Type: application/json' -d "{\"uploads\": {\"claims\": \"$id\"}}" \
  "$base/api/settlements" | jq -r .job_id)
while :; do
  j=$(curl -fsS -b "$jar" "$base/api/jobs/$job")
  s=$(jq -r .state <<<"$j")
  [ "$s" = done ] || [ "$s" = failed ] || [ "$s" = cancelled ] && break
  sleep 1
done
echo "$j"
[ "$s" = done ]
