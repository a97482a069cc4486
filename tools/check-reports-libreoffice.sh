#!/usr/bin/env bash
# Opens every report.xlsx and fix.xlsx under a folder in LibreOffice (headless) and converts it
# to PDF: a workbook LibreOffice cannot open, or would have to repair, fails the conversion.
# Usage: tools/check-reports-libreoffice.sh FOLDER   (exit 0: every workbook converted)
set -euo pipefail
folder="${1:?usage: $0 FOLDER}"
command -v soffice >/dev/null || { echo "soffice is not installed (apt-get install libreoffice-calc-nogui)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Its own profile, so that a LibreOffice the user has open is neither used nor disturbed.
profile="file://$work/profile"
count=0
failed=0
while IFS= read -r -d '' book; do
  count=$((count + 1))
  pdf="$work/out-$count"
  mkdir -p "$pdf"
  log="$work/log-$count"
  if ! soffice "-env:UserInstallation=$profile" --headless --norestore --convert-to pdf --outdir "$pdf" "$book" >"$log" 2>&1 \
    || [ ! -s "$pdf/$(basename "${book%.xlsx}").pdf" ] || grep -qiE "error|repair|corrupt" "$log"; then
    echo "FAILED: $book" >&2
    sed 's/^/  /' "$log" >&2
    failed=$((failed + 1))
  fi
done < <(find "$folder" -type f \( -name report.xlsx -o -name fix.xlsx \) -print0 | sort -z)
if [ "$count" -eq 0 ]; then echo "no report.xlsx or fix.xlsx under $folder" >&2; exit 1; fi
if [ "$failed" -gt 0 ]; then echo "$failed of $count workbooks failed" >&2; exit 1; fi
echo "ok: $count workbooks converted to PDF by $(soffice --version 2>/dev/null | head -1)"
