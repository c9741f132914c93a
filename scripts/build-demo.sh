#!/usr/bin/env bash
# Regenerate demo/corpus.jsonl.gz: the real FFE laureates plus a simulated world of partner platforms
# (../shared/partner-sites) harvested by the Carrefour itself, exported in its open-data format.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.venv/bin/python -m bench.harvest_world --projects "${DEMO_PROJECTS:-4000}" --seed "${DEMO_SEED:-2026}" \
  --platforms portraits,api,opendata --extra-sources ffe-laureats --out "$work/corpus.jsonl" --no-evaluate
# Harvested URLs name the simulator's port of the day and local files: not links for visitors.
.venv/bin/python scripts/demo_links.py "$work/corpus.jsonl"
mkdir -p demo
gzip -9 -n -c "$work/corpus.jsonl" > demo/corpus.jsonl.gz
echo "demo/corpus.jsonl.gz: $(wc -l < "$work/corpus.jsonl") projects, $(du -h demo/corpus.jsonl.gz | cut -f1)"
