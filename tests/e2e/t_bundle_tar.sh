#!/bin/bash
# A bundle used without luutru: plain tar extracts it, sha256sum -c checks
# both manifests, METS lists exactly the payload (every file but METS.xml
# itself, in fileSec or as an mdRef) with the right SIZE and CHECKSUM, and
# its physical structMap has one page div per page, in order, pointing at
# that page's master, text, hOCR and ALTO.
. "$(dirname "$0")/lib.sh"
use_processed_archive

n=0
for tar in $(all_bundles); do
	id=$(basename "$tar" .tar)
	mkdir -p "$T/x/$id"
	tar -xf "$tar" -C "$T/x/$id" || fail "$id: tar -xf failed"
	bag=$T/x/$id/$id
	[ -d "$bag" ] || fail "$id: no top folder $id/"
	for m in manifest-sha256.txt tagmanifest-sha256.txt; do
		(cd "$bag" && sha256sum -c --strict --quiet "$m") >"$T/c.out" 2>&1 ||
			{ show_file "$T/c.out" >&2; fail "$id: sha256sum -c $m failed"; }
	done
	pages=$(sql "SELECT COUNT(*) FROM pages WHERE document_id = '$id'")
	/usr/bin/python3 - "$bag" "$pages" >"$T/m.out" 2>&1 <<'PY' || { show_file "$T/m.out" >&2; fail "$id: METS does not match the bag"; }
import hashlib, os, sys, xml.etree.ElementTree as ET
bag, pages = sys.argv[1], int(sys.argv[2])
NS = {"m": "http://www.loc.gov/METS/", "x": "http://www.w3.org/1999/xlink"}
HREF = "{http://www.w3.org/1999/xlink}href"
root = ET.parse(os.path.join(bag, "data", "METS.xml")).getroot()
bad = []

def check(el, href):
    path = os.path.join(bag, "data", href)
    if not os.path.isfile(path):
        bad.append("%s: listed in METS, not in the bag" % href); return
    data = open(path, "rb").read()
    if int(el.get("SIZE")) != len(data):
        bad.append("%s: SIZE %s, file has %d bytes" % (href, el.get("SIZE"), len(data)))
    if el.get("CHECKSUMTYPE") != "SHA-256" or el.get("CHECKSUM") != hashlib.sha256(data).hexdigest():
        bad.append("%s: CHECKSUM does not match" % href)

listed, ids = set(), {}
for f in root.iterfind(".//m:fileSec//m:file", NS):
    href = f.find("m:FLocat", NS).get(HREF)
    check(f, href); listed.add(href); ids[f.get("ID")] = href
for r in root.iterfind(".//m:mdRef", NS):
    check(r, r.get(HREF)); listed.add(r.get(HREF))
manifest = set(l.split(None, 1)[1].strip()[len("data/"):]
               for l in open(os.path.join(bag, "manifest-sha256.txt")))
if listed != manifest - {"METS.xml"}:
    bad.append("METS lists %s; payload (without METS.xml) also has %s" %
               (sorted(listed - manifest), sorted(manifest - {"METS.xml"} - listed)))

smap = root.find("m:structMap[@TYPE='physical']", NS)
divs = smap.findall("m:div/m:div[@TYPE='page']", NS)
orders = [int(d.get("ORDER")) for d in divs]
if orders != list(range(1, pages + 1)):
    bad.append("structMap page divs have ORDER %s, expected 1..%d" % (orders, pages))
for d in divs:
    n = int(d.get("ORDER"))
    hrefs = [ids.get(p.get("FILEID"), "?") for p in d.findall("m:fptr", NS)]
    want = ["representations/ocr/data/%04d.%s" % (n, e) for e in ("txt", "hocr", "alto.xml")]
    if not any(h.startswith("representations/master/data/") for h in hrefs) or hrefs[1:] != want:
        bad.append("page %d points at %s" % (n, hrefs))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no bundles"
echo "ok: $n bundles extract with tar, pass sha256sum -c, and their METS lists exactly their payload"
