#!/bin/bash
# luutru serve at the HTTP level (issue 13): search without diacritics,
# document and page views with highlights, downloads equal to `get`'s and
# their byte ranges,
# escaping of a scan whose OCR text and file name hold <script> and quotes,
# path traversal, oversized and non-GET requests, secret documents, the
# access log, the refusal to listen off loopback without users and TLS,
# basic authentication over TLS, and an archive left as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
use_processed_archive
command -v curl >/dev/null || fail "curl is needed (apt-get install curl)"

# A hostile sample: <script> and quotes in its OCR text and its file name.
evil_name=$'x"<script>alert(\'name\').png'
mkdir -p "$T/inbox2"
/usr/bin/python3 - "$T/inbox2/$evil_name" <<'PY'
import sys
from PIL import Image, ImageDraw, ImageFont
img = Image.new("L", (1700, 600), 255)
d = ImageDraw.Draw(img)
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 56)
d.text((100, 150), '<script>alert("ocr")</script>', font=font, fill=0)
d.text((100, 320), "Hồ sơ lưu trữ 'quoted'", font=font, fill=0)
img.save(sys.argv[1], dpi=(300, 300))
PY
capture ingest2 lt ingest "$T/inbox2"
[ "$RC" = 0 ] || { show_file "$T/ingest2.err" >&2; fail "ingest of the hostile sample exited $RC"; }
capture run2 lt run -j 1
[ "$RC" = 0 ] || { show_file "$T/run2.err" >&2; fail "run of the hostile sample exited $RC"; }
evil=$(sed -n 's/^queued \([0-9a-f]*\) .*/\1/p' "$T/ingest2.out")
[ -n "$evil" ] || fail "no id for the hostile sample"
[ "$(sql "select count(*) from pages where document_id = '$evil' and text like '%<script>%'")" = 1 ] ||
	fail "the hostile sample's OCR text holds no <script>: the escaping test would test nothing"

doc=${DOC_ID[cong-van-12]}
secret=${DOC_ID[letter-en.png]}
capture secret lt meta "$secret" --set secrecyLevel=mat --reason test
[ "$RC" = 0 ] || { show_file "$T/secret.err" >&2; fail "meta --set secrecyLevel exited $RC"; }
before=$(cd "$ARCHIVE" && find . -path ./log -prune -o -type f ! -name 'catalog.sqlite-*' -print0 |
	LC_ALL=C sort -z | xargs -0 sha256sum)

start_serve --listen 127.0.0.1:0
[ "${SERVE_URL#http://127.0.0.1:}" != "$SERVE_URL" ] || fail "serve printed no loopback address: $(cat "$T/serve.out")"

# The search page: Vietnamese by default, strict CSP, no script anywhere.
http home "$SERVE_URL/"
[ "$STATUS" = 200 ] || fail "GET / gave $STATUS"
home=$(cat "$T/home.body")
case $home in *'lang="vi"'*'Phòng đọc'*) ;; *) fail "the search page is not in Vietnamese";; esac
csp=$(grep -i '^content-security-policy:' "$T/home.head" || true)
case $csp in *"default-src 'none'"*) ;; *) fail "no strict Content-Security-Policy: '$csp'";; esac
case $csp in *unsafe-inline*|*unsafe-eval*) fail "the CSP allows inline code: $csp";; esac

# Search without diacritics finds "Văn phòng", highlighted, grouped by document.
http search "$SERVE_URL/?q=van+phong"
body=$(cat "$T/search.body")
[ "$STATUS" = 200 ] || fail "search gave $STATUS"
case $body in *'<mark>Văn phòng</mark>'*|*'<mark>văn phòng</mark>'*) ;; *) show_file "$T/search.body" >&2; fail "search for 'van phong' highlights no 'Văn phòng'";; esac
case $body in *"href=\"/d/$doc?q=van%20phong\""*) ;; *) fail "search results do not link to document $doc";; esac
# English with ?lang=en and with Accept-Language.
http en "$SERVE_URL/?q=van+phong&lang=en"
en=$(cat "$T/en.body")
case $en in *'lang="en"'*'Reading room'*) ;; *) fail "?lang=en is not English";; esac
http en2 "$SERVE_URL/" -H 'Accept-Language: en-GB,en;q=0.8'
en2=$(cat "$T/en2.body")
case $en2 in *'Reading room'*) ;; *) fail "Accept-Language: en-GB is not English";; esac
# The JSON API has search --json's fields.
http api "$SERVE_URL/api/search?q=van+phong"
api=$(/usr/bin/python3 -c 'import json,sys; h=json.load(open(sys.argv[1])); print(sorted(h[0].keys()), len(h))' "$T/api.body")
case $api in "['document', 'exact', 'label', 'page', 'score', 'snippet']"*) ;; *) fail "/api/search fields: $api";; esac
http apidoc "$SERVE_URL/api/documents/$doc"
lt show --json "$doc" >"$T/show.json"
same=$(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print(a==b)' "$T/apidoc.body" "$T/show.json")
[ "$same" = True ] || fail "/api/documents/$doc differs from show --json"

# The document and its page: highlighted word on the text and on the image.
http doc "$SERVE_URL/d/$doc?q=van+phong"
[ "$STATUS" = 200 ] || fail "GET /d/$doc gave $STATUS"
docpage=$(cat "$T/doc.body")
case $docpage in *"/d/$doc/p/2/thumb"*) ;; *) fail "the document page shows no thumbnail of page 2";; esac
http page "$SERVE_URL/d/$doc/p/1?q=van+phong"
pg=$(cat "$T/page.body")
case $pg in *'<mark>'*) ;; *) fail "the page viewer highlights nothing in the text";; esac
case $pg in *'<rect class="hl"'*) ;; *) fail "the page viewer highlights nothing on the image";; esac
http img "$SERVE_URL/d/$doc/p/1/image"
[ "$STATUS" = 200 ] || fail "page image gave $STATUS"
grep -qi '^content-type: image/jpeg' "$T/img.head" || fail "the page image is not a JPEG"
grep -qi '^cache-control: private, max-age' "$T/img.head" || fail "the page image has no caching header"
[ "$(find "$ARCHIVE/log/serve-cache" -name '*.jpg' | wc -l)" -ge 1 ] || fail "no image in the cache"

# Downloads: byte for byte what get hands out, verified.
http pdf "$SERVE_URL/d/$doc/download/pdf"
lt get "$doc" --format pdf --out "$T/get.pdf" >/dev/null
cmp -s "$T/pdf.body" "$T/get.pdf" || fail "the PDF download differs from get --format pdf"
http bag "$SERVE_URL/d/$doc/download/bag"
cmp -s "$T/bag.body" "$(bundle_of "$doc")" || fail "the bag download differs from the bundle"
sum=$(sha256sum <"$T/bag.body" | cut -d' ' -f1)
grep -qi "^x-checksum-sha256: $sum" "$T/bag.head" || fail "the bag's checksum header is not its sha256"
grep -qi '^accept-ranges: bytes' "$T/bag.head" || fail "the bag download does not say it takes ranges"
# Byte ranges: a part, the end, a resumed download, what cannot be had.
bag_size=$(stat -c %s "$T/bag.body")
http bagpart "$SERVE_URL/d/$doc/download/bag" -H "Range: bytes=1000-1999"
[ "$STATUS" = 206 ] || fail "a range of the bag gave $STATUS, not 206"
cmp -s "$T/bagpart.body" <(tail -c +1001 "$T/bag.body" | head -c 1000) ||
	fail "bytes 1000-1999 of the bag are not those of the whole"
grep -qi "^content-range: bytes 1000-1999/$bag_size" "$T/bagpart.head" ||
	fail "the part has no Content-Range bytes 1000-1999/$bag_size: $(cat "$T/bagpart.head")"
http bagtail "$SERVE_URL/d/$doc/download/bag" -H "Range: bytes=-512"
[ "$STATUS" = 206 ] && cmp -s "$T/bagtail.body" <(tail -c 512 "$T/bag.body") ||
	fail "the last 512 bytes of the bag ($STATUS) are not those of the whole"
head -c 5000 "$T/bag.body" >"$T/resumed.tar"
curl -s -C - -o "$T/resumed.tar" "$SERVE_URL/d/$doc/download/bag" || fail "curl -C - failed on the bag"
cmp -s "$T/resumed.tar" "$T/bag.body" || fail "a bag download resumed after 5000 bytes differs from the bundle"
http bag416 "$SERVE_URL/d/$doc/download/bag" -H "Range: bytes=$bag_size-"
[ "$STATUS" = 416 ] || fail "a range past the end of the bag gave $STATUS, not 416"
grep -qi "^content-range: bytes \*/$bag_size" "$T/bag416.head" || fail "the 416 does not give the bag's size"
http bagtwo "$SERVE_URL/d/$doc/download/bag" -H "Range: bytes=0-9,20-29"
[ "$STATUS" = 200 ] && cmp -s "$T/bagtwo.body" "$T/bag.body" || fail "two ranges gave $STATUS, not the whole bag"
# If-Range: the part only of the same bytes, named by the ETag.
http bagif "$SERVE_URL/d/$doc/download/bag" -H "Range: bytes=10-19" -H "If-Range: \"$sum\""
[ "$STATUS" = 206 ] || fail "If-Range with the bag's ETag gave $STATUS, not 206"
http bagifno "$SERVE_URL/d/$doc/download/bag" -H "Range: bytes=10-19" -H 'If-Range: "0000"'
[ "$STATUS" = 200 ] && cmp -s "$T/bagifno.body" "$T/bag.body" || fail "If-Range with another ETag gave $STATUS, not the whole bag"
# A download made for the request (one page's PDF): the same bytes and ETag each time.
http pagepdf "$SERVE_URL/d/$doc/p/2/download/pdf"
sum=$(sha256sum <"$T/pagepdf.body" | cut -d' ' -f1)
grep -qi "^etag: \"$sum\"" "$T/pagepdf.head" || fail "page 2's PDF has no ETag of its sha256"
http pagepdf2 "$SERVE_URL/d/$doc/p/2/download/pdf" -H "Range: bytes=100-" -H "If-Range: \"$sum\""
[ "$STATUS" = 206 ] && cmp -s "$T/pagepdf2.body" <(tail -c +101 "$T/pagepdf.body") ||
	fail "page 2's PDF from byte 100 ($STATUS) is not the rest of the same file"
http alto "$SERVE_URL/d/$doc/p/2/download/alto"
lt get "$doc" --page 2 --format alto --out "$T/get.alto" >/dev/null
cmp -s "$T/alto.body" "$T/get.alto" || fail "the ALTO download differs from get"
http master "$SERVE_URL/d/$doc/p/1/download/master"
lt get "$doc" --page 1 --out "$T/get.master" >/dev/null
cmp -s "$T/master.body" "$T/get.master" || fail "the master download differs from get"
http mtif "$SERVE_URL/d/${DOC_ID[chi-thi-05-CT-TW.tif]}/p/2/download/master"
[ "$STATUS" = 200 ] || fail "page 2 of a multi-page TIFF gave $STATUS"

# Escaping: the hostile sample's name and OCR text never come out raw.
for u in "/d/$evil" "/d/$evil/p/1?q=script" "/?q=script" "/?q=%3Cscript%3E%22%27"; do
	http evil "$SERVE_URL$u"
	[ "$STATUS" = 200 ] || fail "GET $u gave $STATUS"
	b=$(cat "$T/evil.body")
	case $b in *'<script'*|*"alert('name')"*|*'alert("ocr")'*) show_file "$T/evil.body" >&2; fail "$u holds raw <script> or quotes";; esac
done
http evil "$SERVE_URL/d/$evil"
b=$(cat "$T/evil.body")
case $b in *'x&quot;&lt;script&gt;alert(&#39;name&#39;).png'*) ;; *) fail "the hostile file name is not shown escaped";; esac
http evil "$SERVE_URL/d/$evil/p/1"
b=$(cat "$T/evil.body")
case $b in *'&lt;'*'&gt;'*) ;; *) show_file "$T/evil.body" >&2; fail "the hostile OCR text is not shown escaped";; esac

# No request path reaches the file system; only ids the catalog knows.
for u in "/d/../../catalog.sqlite" "/d/%2e%2e/%2e%2e/catalog.sqlite" "/static/../catalog.sqlite" \
	 "/d/$doc/../../catalog.sqlite" "/d/$doc/p/1/../../../../etc/passwd" "/catalog.sqlite" \
	 "/bundles/" "/d/$doc/download/..%2f..%2fcatalog.sqlite" "/d/ffffffffffffffff" "/d/$doc/p/99"; do
	http trav "$SERVE_URL$u"
	[ "$STATUS" = 404 ] || fail "GET $u gave $STATUS, not 404"
	grep -q 'SQLite format' "$T/trav.body" && fail "GET $u sent the catalog"
	grep -q 'root:' "$T/trav.body" && fail "GET $u sent /etc/passwd"
done

# Bounded requests.
long=$(printf 'a%.0s' $(seq 1 300))
http long "$SERVE_URL/?q=$long"
[ "$STATUS" = 414 ] || fail "a 300-byte query gave $STATUS, not 414"
big=$(printf 'x%.0s' $(seq 1 40000))
http bighead "$SERVE_URL/" -H "X-Big: $big"
[ "$STATUS" -ge 400 ] || fail "a 40 KB header gave $STATUS"
http post "$SERVE_URL/" -X POST --data 'q=x'
[ "$STATUS" = 405 ] || fail "POST gave $STATUS, not 405"
# A client that sends half a request and waits does not stop the others.
exec 7<>"/dev/tcp/127.0.0.1/${SERVE_URL##*:}"
printf 'GET / HTTP/1.1\r\nHost: x\r\n' >&7
http alive "$SERVE_URL/"
[ "$STATUS" = 200 ] || fail "a stalled client blocked the server ($STATUS)"
exec 7>&-

# A secret document is not there unless the server shows secrets.
for u in "/d/$secret" "/d/$secret/p/1" "/d/$secret/p/1/image" "/d/$secret/download/pdf" "/api/documents/$secret"; do
	http hidden "$SERVE_URL$u"
	[ "$STATUS" = 404 ] || fail "secret document: GET $u gave $STATUS, not 404"
done
start_serve --listen 127.0.0.1:0 --include-secret
http shown "$SERVE_URL/d/$secret"
[ "$STATUS" = 200 ] || fail "--include-secret does not show the secret document ($STATUS)"

# The access log: who read what.
log=$(cat "$ARCHIVE"/log/access-*.log)
case $log in *$'\t127.0.0.1\tview\t'"$doc"$'\t1\t'*) ;; *) fail "no access-log line for the view of page 1 of $doc";; esac
case $log in *$'\tdownload\t'"$doc"$'\t-\tpdf'*) ;; *) fail "no access-log line for the PDF download";; esac

# Off loopback: refused without users and TLS.
capture open lt serve --listen 0.0.0.0:0
[ "$RC" = 2 ] || fail "serve on 0.0.0.0 without --users exited $RC, not 2"
grep -q 'not a loopback address' "$T/open.err" || fail "the refusal does not say why: $(cat "$T/open.err")"
printf 'mat-khau-phong-doc\n' | lt serve --add-user lan --users "$T/users" >/dev/null
capture open2 lt serve --listen 0.0.0.0:0 --users "$T/users"
[ "$RC" = 2 ] || fail "serve on 0.0.0.0 without TLS exited $RC, not 2"
# With users and TLS: basic authentication, the user named in the log.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=localhost >/dev/null 2>&1
start_serve --listen 0.0.0.0:0 --users "$T/users" --cert "$T/cert.pem" --key "$T/key.pem"
port=${SERVE_URL##*:}
http anon "https://127.0.0.1:$port/" -k
[ "$STATUS" = 401 ] || fail "unauthenticated access off loopback gave $STATUS, not 401"
http wrong "https://127.0.0.1:$port/" -k -u lan:wrong-password
[ "$STATUS" = 401 ] || fail "a wrong password gave $STATUS, not 401"
http plain "http://127.0.0.1:$port/"
[ "$STATUS" != 200 ] || fail "plain HTTP was served beside TLS"
http authed "https://127.0.0.1:$port/d/${DOC_ID[bao-cao-2016]}" -k -u lan:mat-khau-phong-doc
[ "$STATUS" = 200 ] || fail "an authenticated user gave $STATUS"
log=$(cat "$ARCHIVE"/log/access-*.log)
case $log in *$'\tlan\t127.0.0.1\tview\t'"${DOC_ID[bao-cao-2016]}"*) ;; *) fail "the access log does not name user lan";; esac
stop_serve

# Nothing in the archive changed but the log.
after=$(cd "$ARCHIVE" && find . -path ./log -prune -o -type f ! -name 'catalog.sqlite-*' -print0 |
	LC_ALL=C sort -z | xargs -0 sha256sum)
[ "$before" = "$after" ] || fail "serve wrote in the archive: $(diff <(echo "$before") <(echo "$after") || true)"
# A damaged bundle: no download is sent from it, whole or in part.
quy=${DOC_ID[quyet-dinh-1127.jpg]}
b=$(bundle_of "$quy")
chmod u+w "$b"
# One byte changed inside the access PDF: the bag and the PDF are refused.
at=$(/usr/bin/python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1])
m = [m for m in t.getmembers() if m.name.endswith(".pdf")][0]
print(m.offset_data + m.size // 2)' "$b")
printf 'X' | dd of="$b" bs=1 seek="$at" conv=notrunc status=none
start_serve --listen 127.0.0.1:0
for u in "/d/$quy/download/bag" "/d/$quy/download/pdf" "/d/$quy/p/1/download/pdf"; do
	http damaged "$SERVE_URL$u"
	[ "$STATUS" = 500 ] || fail "GET $u of a damaged bundle gave $STATUS, not 500"
	grep -q '%PDF\|^\x89PNG' "$T/damaged.body" && fail "GET $u sent bytes of a damaged bundle"
done
grep -q "$quy" "$T/serve.err" || fail "serve does not name the damaged bundle on stderr"
stop_serve
echo "PASS $TEST_NAME"
