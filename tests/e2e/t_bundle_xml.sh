#!/bin/bash
# The bundle's XML validates offline: METS, PREMIS, EAD and every ALTO file,
# once against ../shared/xsd through its catalog, once against the bundle's
# own data/schemas/ with no catalog at all. PREMIS tells the catalog's
# history: every event the catalog records up to packaging, with the same
# type, time and outcome; packaging at the time the catalog gives it.
. "$(dirname "$0")/lib.sh"
use_processed_archive
command -v xmllint >/dev/null || fail "xmllint not installed (libxml2-utils)"

# validate LABEL XSD FILE [CATALOG]: xmllint --nonet --schema, failing with its output
validate() {
	local label=$1 xsd=$2 file=$3 cat=${4:-}
	if ! XML_CATALOG_FILES=$cat xmllint --nonet --noout --schema "$xsd" "$file" >"$T/v.out" 2>&1; then
		show_file "$T/v.out" "xmllint" >&2
		fail "$label: $file does not validate against $xsd"
	fi
}

# premis_events FILE: "type|time|outcome" per PREMIS event, luutru's type
# taken back from the eventDetail ("luutru TYPE: ...").
premis_events() {
	/usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"p": "http://www.loc.gov/premis/v3"}
for e in ET.parse(sys.argv[1]).getroot().findall("p:event", ns):
    detail = e.find("p:eventDetailInformation/p:eventDetail", ns).text
    typ = detail.split(":", 1)[0].split(" ", 1)[1]
    print("%s|%s|%s" % (typ, e.find("p:eventDateTime", ns).text,
                        e.find("p:eventOutcomeInformation/p:eventOutcome", ns).text))
PY
}

XSD=$SHARED/xsd
n=0 altos=0
for tar in $(all_bundles); do
	id=$(basename "$tar" .tar)
	bag=$(extract_bundle "$tar" "$T/x/$id")
	d=$bag/data
	for f in METS.xml metadata/descriptive/EAD.xml metadata/preservation/PREMIS.xml \
		 schemas/mets.xsd schemas/premis-v3-0.xsd schemas/ead3.xsd schemas/alto-4-4.xsd \
		 schemas/xlink.xsd schemas/catalog.xml; do
		[ -f "$d/$f" ] || fail "$id: no data/$f"
	done
	for pair in "METS.xml mets.xsd" "metadata/preservation/PREMIS.xml premis-v3-0.xsd" \
		    "metadata/descriptive/EAD.xml ead3.xsd"; do
		set -- $pair
		validate "$id (shared catalog)" "$XSD/$2" "$d/$1" "$XSD/catalog.xml"
		validate "$id (the bundle's own schemas)" "$d/schemas/$2" "$d/$1"
	done
	for alto in "$d"/representations/ocr/data/*.alto.xml; do
		validate "$id (shared catalog)" "$XSD/alto-4-4.xsd" "$alto" "$XSD/catalog.xml"
		validate "$id (the bundle's own schemas)" "$d/schemas/alto-4-4.xsd" "$alto"
		altos=$((altos + 1))
	done
	# The bundle's own catalog maps the canonical URLs the files name.
	validate "$id (the bundle's catalog)" "http://www.loc.gov/standards/mets/mets.xsd" "$d/METS.xml" "$d/schemas/catalog.xml"

	# EAD and METS name the document.
	rid=$(xmllint --xpath 'string(//*[local-name()="recordid"])' "$d/metadata/descriptive/EAD.xml")
	[ "$rid" = "$id" ] || fail "$id: EAD recordid is '$rid'"
	objid=$(xmllint --xpath 'string(/*/@OBJID)' "$d/METS.xml")
	[ "$objid" = "$id" ] || fail "$id: METS OBJID is '$objid'"

	# PREMIS: the catalog's events up to packaging, in order, and packaging itself.
	premis_events "$d/metadata/preservation/PREMIS.xml" >"$T/premis.txt"
	sql "SELECT type || '|' || at || '|' || outcome FROM events WHERE document_id = '$id'
	     AND type NOT IN ('archived') ORDER BY id" >"$T/catalog.txt"
	diff "$T/catalog.txt" "$T/premis.txt" >"$T/ev.diff" ||
		{ show_file "$T/ev.diff" "catalog (<) vs PREMIS (>)" >&2; fail "$id: PREMIS events differ from the catalog's"; }
	grep -q '^packaged|' "$T/premis.txt" || fail "$id: PREMIS has no packaging event"
	grep -q '^ocr|' "$T/premis.txt" || fail "$id: PREMIS has no OCR event"

	# Formats: every master has its PRONOM key; Tesseract is an agent with its version.
	prem=$(cat "$d/metadata/preservation/PREMIS.xml")
	for m in "$d"/representations/master/data/*; do
		case $m in
		*.png) key=fmt/12 ;; *.tif) key=fmt/353 ;; *.jpg) key=fmt/43 ;; *) key= ;;
		esac
		[ -z "$key" ] || [[ $prem == *"<formatRegistryKey>$key</formatRegistryKey>"* ]] ||
			fail "$id: PREMIS lacks PRONOM $key for $(basename "$m")"
	done
	tv=$(tesseract --version 2>&1 | sed -n '1s/^tesseract //p')
	[[ $prem == *"<agentVersion>$tv</agentVersion>"* ]] || fail "$id: PREMIS has no Tesseract agent of version $tv"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no bundles"
[ "$altos" -gt 0 ] || fail "no ALTO files"
echo "ok: METS, PREMIS, EAD of $n bundles and $altos ALTO files validate (shared catalog and own schemas); PREMIS events = catalog events"
