#!/bin/sh
# html.sh - the handouts and the README as HTML pages, with an index.
#
#   mk/html.sh OUT_DIR          (make html: OUT_DIR is build/html)
#
# One page per handout (diagrams embedded), README.html, and index.html
# listing them.  Links between them go to the pages; the README's links to
# other files of the workbook go to those files.
set -eu
cd "$(dirname "$0")/.."
out=${1:?usage: mk/html.sh OUT_DIR}
mkdir -p "$out"
root=$(pwd)

# page SOURCE.md PAGE.html RESOURCE_DIR
page() {
	pandoc --standalone --self-contained --resource-path="$3" \
		--lua-filter=mk/md-links.lua --metadata workbook_root="$root" \
		--metadata pagetitle="$(sed -n '1s/^# //p' "$1")" -o "$2" "$1"
}

index=$out/index.md
{
	echo "# IPC Lab Workbook"
	echo
	echo "The handouts, one per lab, and the workbook's [README](README.md)."
	echo
} >"$index"
for md in handouts/*.md; do
	name=$(basename "$md" .md)
	page "$md" "$out/$name.html" handouts
	printf -- '- [%s](handouts/%s.md)\n' "$(sed -n '1s/^# //p' "$md")" "$name" >>"$index"
done
page README.md "$out/README.html" .
page "$index" "$out/index.html" .
rm -f "$index"
echo "handouts: $out/index.html"
