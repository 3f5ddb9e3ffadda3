#!/bin/bash
# Metadata given at ingest: samples/manifest.csv (Vietnamese headers) read and
# shown with its provenance; bad spreadsheets fail only the documents they
# describe badly, each with file, row, column, value and rule; an unknown
# column refuses the whole spreadsheet; --check queues nothing; sidecar over
# spreadsheet over --set over luutru.conf; Tuyệt mật refused unless
# --allow-secret; secret documents are mode 03 and left out of search unless
# --include-secret (one one-page document is OCR'd for that).
. "$(dirname "$0")/lib.sh"

ok_or_fail() { # NAME: the captured command must have exited 0
	[ "$RC" = 0 ] || { show_file "$T/$1.out" stdout >&2; show_file "$T/$1.err" stderr >&2; fail "$1 exited $RC"; }
}
has() { # NAME STREAM TEXT: $T/NAME.STREAM holds TEXT (fixed string)
	local got
	got=$(cat "$T/$1.$2")
	case "$got" in *"$3"*) ;; *) show_file "$T/$1.$2" "$1 $2" >&2; fail "$1: $2 does not say: $3" ;; esac
}
id_of() { # NAME LABEL: the id ingest NAME printed for LABEL
	local out
	out=$(cat "$T/$1.out")
	printf '%s\n' "$out" | awk -v l="$2" '$1 == "queued" && $3 == l { print $2 }'
}

MANIFEST=$SAMPLES/manifest.csv

# ---- the sample spreadsheet, with a default ----
capture ingest lt ingest --manifest "$MANIFEST" --set organName="Tỉnh ủy Đà Nẵng" "$SAMPLES/inbox"
ok_or_fail ingest
has ingest out "ingest: 5 queued, 0 already known, 0 rejected"
chi=$(id_of ingest chi-thi-05-CT-TW.tif)
bao=$(id_of ingest bao-cao-2016)
[ -n "$chi" ] && [ -n "$bao" ] || fail "ingest did not print the ids"
capture show lt show "$chi"
ok_or_fail show
has show out "typeName: 03 Chỉ thị (manifest, $MANIFEST row 2)"
has show out "issuedDate: 2016-07-14 (manifest, $MANIFEST row 2)"
has show out "subject: Về tăng cường công tác văn thư, lưu trữ và số hóa tài liệu trong các cơ quan đảng (manifest"
# the spreadsheet's own organName beats the default...
has show out "organName: Ban Chấp hành Trung ương (manifest"
# ...and the default fills what the spreadsheet left empty
capture showb lt show "$bao"
has showb out "organName: Tỉnh ủy Đà Nẵng (default, --set)"
has showb out "maintenance: 01 Vĩnh viễn (manifest, $MANIFEST row 5)"
capture json lt show --json "$chi"
ok_or_fail json
got=$(/usr/bin/python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["fields"]; print(f["codeNotation"]["value"], f["codeNotation"]["provenance"], f["typeName"]["valueLabel"], f["language"]["value"], f["codeNotation"]["confirmed"])' "$T/json.out")
[ "$got" = "CT/TW manifest Chỉ thị 01 True" ] || fail "show --json fields: $got"
# the catalog holds them too, folded for search filters
got=$(sqlite3 "$ARCHIVE/catalog.sqlite" "SELECT folded FROM metadata WHERE document_id = '$bao' AND key = 'organName'")
[ "$got" = "tinh uy da nang" ] || fail "catalog folded organName: $got"

# a corrected spreadsheet ingested again describes the documents still queued anew
sed 's/^chi-thi-05-CT-TW.tif,Chỉ thị,05,/chi-thi-05-CT-TW.tif,Chỉ thị,06,/' "$MANIFEST" >"$T/fixed.csv"
capture again lt ingest --manifest "$T/fixed.csv" "$SAMPLES/inbox"
ok_or_fail again
has again out "known $chi chi-thi-05-CT-TW.tif (queued; metadata replaced by this ingest's)"
capture show2 lt show "$chi"
has show2 out "codeNumber: 06 (manifest, $T/fixed.csv row 2)"
# without a spreadsheet (a nightly re-ingest), nothing given before is lost
capture again2 lt ingest --set keyword=x "$SAMPLES/inbox"
ok_or_fail again2
capture show3 lt show "$chi"
has show3 out "codeNumber: 06 (manifest, $T/fixed.csv row 2)"

# ---- --check: validates, prints, queues nothing, creates no archive ----
capture check "$LUUTRU" --archive "$T/never" ingest --check --manifest "$MANIFEST" "$SAMPLES/inbox"
ok_or_fail check
has check out "check: 5 documents ready, 0 refused, 0 warnings; nothing was queued"
[ ! -e "$T/never" ] || fail "ingest --check created an archive"

# ---- a bad spreadsheet: each bad value fails its own document ----
cat >"$T/bad.csv" <<'EOF'
Thư mục,Loại văn bản,Số,Ngày ban hành,Thời hạn bảo quản
chi-thi-05-CT-TW.tif,Chỉ thị,05,31/02/2016,Vĩnh viễn
cong-van-12,Công văn,123456789012,09/01/2017,10 năm
quyet-dinh-1127.jpg,Quyết đinh lạ,174,,20 năm
bao-cao-2016,Báo cáo,,,Vĩnh viễn
khong-co-thu-muc,Khác,,,Vĩnh viễn
EOF
B=$T/bad-archive
capture badcheck "$LUUTRU" --archive "$B" ingest --check --manifest "$T/bad.csv" "$SAMPLES/inbox"
[ "$RC" = 1 ] || fail "--check of a bad spreadsheet exited $RC, not 1"
[ ! -e "$B" ] || fail "--check created an archive"
has badcheck out "check: 2 documents ready, 3 refused, 2 warnings; nothing was queued"
capture bad "$LUUTRU" --archive "$B" ingest --manifest "$T/bad.csv" "$SAMPLES/inbox"
[ "$RC" = 1 ] || fail "ingest of a bad spreadsheet exited $RC, not 1"
has bad out "ingest: 2 queued, 0 already known, 3 rejected"
has bad err "chi-thi-05-CT-TW.tif: $T/bad.csv row 2, column 'Ngày ban hành': issuedDate '31/02/2016': bad date"
has bad err "cong-van-12: $T/bad.csv row 3, column 'Số': codeNumber '123456789012': too long (12 characters, max 11)"
has bad err "quyet-dinh-1127.jpg: $T/bad.csv row 4, column 'Loại văn bản': typeName 'Quyết đinh lạ': not a code of typeName (allowed: 01, 02"
has bad err "warning: $T/bad.csv row 6: 'khong-co-thu-muc' is not a document of the inbox"
has bad err "warning: letter-en.png: no row of $T/bad.csv describes it"
has bad out "queued"
# the bad check printed the same problems
has badcheck err "issuedDate '31/02/2016': bad date"
# the rejections are recorded (status --skipped) and nothing of them queued
capture skipped "$LUUTRU" --archive "$B" status --skipped
has skipped out "bad date"
got=$(sqlite3 "$B/catalog.sqlite" "SELECT COUNT(*) FROM documents")
[ "$got" = 2 ] || fail "the bad spreadsheet queued $got documents, not 2"

# ---- an unknown column refuses the whole spreadsheet ----
printf 'Thư mục,Số,Đơn vị\nchi-thi-05-CT-TW.tif,05,Văn phòng\n' >"$T/unknown.csv"
capture unknown "$LUUTRU" --archive "$T/u" ingest --manifest "$T/unknown.csv" "$SAMPLES/inbox"
[ "$RC" = 1 ] || fail "an unknown column exited $RC, not 1"
has unknown err "column 3 'Đơn vị' is not a metadata field"
has unknown err "nothing was queued"
[ ! -e "$T/u/catalog.sqlite" ] || [ "$(sqlite3 "$T/u/catalog.sqlite" 'SELECT COUNT(*) FROM documents')" = 0 ] \
	|| fail "an unknown column queued documents"

# batch takes the same options, and refuses the same way before any OCR
capture bunknown "$LUUTRU" --archive "$T/bu" batch --manifest "$T/unknown.csv" "$SAMPLES/inbox"
[ "$RC" = 1 ] || fail "batch with an unknown column exited $RC, not 1"
has bunknown err "column 3 'Đơn vị' is not a metadata field"
[ ! -e "$T/bu/catalog.sqlite" ] || [ "$(sqlite3 "$T/bu/catalog.sqlite" 'SELECT COUNT(*) FROM documents')" = 0 ] \
	|| fail "batch with an unknown column queued documents"

# ---- LibreOffice in a Vietnamese locale: BOM, ';', CRLF, quoted line break ----
printf '\xef\xbb\xbf%s\r\n' 'thư mục;Số;Trích yếu;maintenance' >"$T/lo.csv"
printf '%s\r\n' 'cong-van-12;12;"V/v giao nộp hồ sơ; tài liệu' 'năm 2017";06' >>"$T/lo.csv"
capture lo "$LUUTRU" --archive "$T/lo" ingest --check --manifest "$T/lo.csv" "$SAMPLES/inbox"
has lo out "ok cong-van-12 (2 pages, 3 metadata fields)"

# ---- precedence: sidecar > spreadsheet > --set > luutru.conf ----
P=$T/prec-inbox
mkdir -p "$P/cong-van-12"
cp "$SAMPLES/inbox/cong-van-12/"* "$P/cong-van-12/"
printf '{"Số": 99, "Cơ quan ban hành": "UBND thành phố Đà Nẵng", "ghi chu": null}\n' >"$P/cong-van-12/metadata.json"
printf 'folder,Số,organName,Từ khóa,maintenance\ncong-van-12,12,Văn phòng,lưu trữ,06\n' >"$T/prec.csv"
mkdir -p "$T/prec"
printf '# defaults of this archive\nset.keyword = "từ cấu hình"\nset.inforSign = KH-01\norganization = Tỉnh ủy\n' >"$T/prec/luutru.conf"
capture prec "$LUUTRU" --archive "$T/prec" ingest --manifest "$T/prec.csv" --set inforSign=KH-02 --set urgency=khan "$P"
ok_or_fail prec
cv=$(id_of prec cong-van-12)
has prec out "metadata.json: the document's metadata (sidecar), read at ingest"
capture showp "$LUUTRU" --archive "$T/prec" show "$cv"
has showp out "codeNumber: 99 (sidecar, $P/cong-van-12/metadata.json)"
has showp out "organName: UBND thành phố Đà Nẵng (sidecar"
has showp out "keyword: lưu trữ (manifest, $T/prec.csv row 2)"
has showp out "inforSign: KH-02 (default, --set)"
has showp out "urgency: khan Khẩn (default, --set)"
# a bad sidecar value fails the document, naming the file and the field
printf '{"Ngày ban hành": "2017-13-01", "maintenance": "01"}\n' >"$P/cong-van-12/metadata.json"
capture badside "$LUUTRU" --archive "$T/prec2" ingest "$P"
[ "$RC" = 1 ] || fail "a bad sidecar exited $RC"
has badside err "$P/cong-van-12/metadata.json, field 'Ngày ban hành': issuedDate '2017-13-01': bad date"
# a bad --set is a usage error before anything is read
capture badset "$LUUTRU" --archive "$T/prec3" ingest --set mode=9 "$P"
[ "$RC" = 2 ] || fail "a bad --set exited $RC, not 2"
has badset err "mode '9': not a code of mode (allowed: 01 Công khai, 02 Sử dụng có điều kiện, 03 Mật)"
[ ! -e "$T/prec3" ] || fail "a bad --set created an archive"

# ---- secrecy ----
S=$T/secret-inbox
mkdir -p "$S/mat-letter"
cp "$SAMPLES/inbox/letter-en.png" "$S/mat-letter/page-1.png"
printf '{"Độ mật": "Tuyệt mật", "maintenance": "01"}\n' >"$S/mat-letter/metadata.json"
capture tm "$LUUTRU" --archive "$T/sec" ingest "$S"
[ "$RC" = 1 ] || fail "a Tuyệt mật document exited $RC, not 1"
has tm err "secrecyLevel tuyet-mat (Tuyệt mật, from $S/mat-letter/metadata.json): refused"
has tm err "--allow-secret=tuyet-mat"
capture tm2 "$LUUTRU" --archive "$T/sec" ingest --allow-secret=tuyet-mat "$S"
ok_or_fail tm2
has tm2 out "1 queued"
capture showtm "$LUUTRU" --archive "$T/sec" show "$(id_of tm2 mat-letter)"
has showtm out "mode: 03 Mật (sidecar, $S/mat-letter/metadata.json, rule secrecyLevel tuyet-mat -> mode 03)"
# a secret document with an open mode is a contradiction
printf '{"secrecyLevel": "mat", "mode": "01", "maintenance": "01"}\n' >"$S/mat-letter/metadata.json"
capture conflict "$LUUTRU" --archive "$T/sec2" ingest "$S"
[ "$RC" = 1 ] || fail "a secret document with mode 01 exited $RC"
has conflict err "mode '01' (Công khai, from $S/mat-letter/metadata.json) conflicts with secrecyLevel mat (Mật)"
# Mật: archived, but left out of search unless asked for
printf '{"secrecyLevel": "Mật", "maintenance": "01"}\n' >"$S/mat-letter/metadata.json"
capture sec3 "$LUUTRU" --archive "$T/sec3" ingest "$S"
ok_or_fail sec3
capture run "$LUUTRU" --archive "$T/sec3" run -j 1
ok_or_fail run
capture hidden "$LUUTRU" --archive "$T/sec3" search transfer
[ "$RC" = 1 ] || { show_file "$T/hidden.out" >&2; fail "search found a secret document (exit $RC)"; }
capture shown "$LUUTRU" --archive "$T/sec3" search --include-secret transfer
ok_or_fail shown
has shown out "mat-letter"
# the commit kept the given metadata (and whatever the run added)
capture showsec "$LUUTRU" --archive "$T/sec3" show "$(id_of sec3 mat-letter)"
has showsec out "secrecyLevel: mat Mật (sidecar"
has showsec out "state:     archived"
printf 'thư mục,Số,maintenance\nmat-letter,7,01\n' >"$T/late.csv"
capture late "$LUUTRU" --archive "$T/sec3" ingest --manifest "$T/late.csv" "$S"
ok_or_fail late
has late err "note: mat-letter is archived already: the metadata given now is not applied"
echo "PASS $TEST_NAME"
