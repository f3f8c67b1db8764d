#!/usr/bin/env bash
# Seeds fuzz/corpus/ from the real files in shared/ beside the repository (they are not copied
# into it): the first 4 KiB of every bar file for csv_import, every Alpaca and Polygon response
# body for provider_json, the first 4 KiB of every option chain file for option_import.
set -euo pipefail
cd "$(dirname "$0")"
shared=${SHARED:-../../shared}
mkdir -p corpus/csv_import corpus/provider_json corpus/option_import
for f in "$shared"/data/daily/* "$shared"/data/intraday/*; do
  out="corpus/csv_import/$(basename "$f" .gz)"
  if [[ $f == *.gz ]]; then
    { gzip -dc "$f" || true; } | head -c 4096 > "$out"
  else
    head -c 4096 "$f" > "$out"
  fi
done
find "$shared"/fixtures/alpaca "$shared"/fixtures/polygon -name '*.json' -size -64k \
  -exec cp {} corpus/provider_json/ \;
for f in "$shared"/data/options/*.csv; do
  head -c 4096 "$f" > "corpus/option_import/$(basename "$f")"
done
ls corpus/csv_import | wc -l | xargs echo "csv_import seeds:"
ls corpus/option_import | wc -l | xargs echo "option_import seeds:"
ls corpus/provider_json | wc -l | xargs echo "provider_json seeds:"
