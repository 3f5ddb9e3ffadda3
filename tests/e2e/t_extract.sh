#!/bin/bash
# Metadata read off page 1's header by the real pipeline: the samples'
# directive (Party), official letter (state công văn) and decision carry
# their number, notation, date, place, type, issuing body and summary;
# the English page and the report, which have no header, only their
# titles.
# Checked in the detail of the "metadata-extracted" event (`luutru show`).
# When the catalog keeps doc->meta and show prints it, check that instead.
. "$(dirname "$0")/lib.sh"
use_processed_archive

# extracted DOC: the detail of DOC's metadata-extracted event, in $DETAIL
extracted() {
	capture show lt show "${DOC_ID[$1]}"
	[ "$RC" = 0 ] || { show_file "$T/show.err" stderr >&2; fail "show $1 exited $RC"; }
	DETAIL=$(grep -F ' metadata-extracted ' "$T/show.out" || true)
	[ -n "$DETAIL" ] || { show_file "$T/show.out" >&2; fail "$1 has no metadata-extracted event"; }
}

# expect DOC KEY VALUE: the event lists KEY="VALUE"
expect() {
	case "$DETAIL" in
	*" $2=\"$3\" ["*) ;;
	*) fail "$1: want $2=\"$3\"; the event says: $DETAIL" ;;
	esac
}

# expect_none DOC KEY: the event does not list KEY
expect_none() {
	case "$DETAIL" in
	*" $2=\""*) fail "$1: $2 should not be read; the event says: $DETAIL" ;;
	esac
}

# truth DOC-SPEC KEY: a field of samples/<spec>.json, the sample's true metadata
truth() {
	/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$SAMPLES/$1.json" "$2"
}

extracted chi-thi-05-CT-TW.tif
expect chi-thi codeNumber "$(truth chi-thi-05 number)"
expect chi-thi codeNotation "$(truth chi-thi-05 symbol)"
expect chi-thi issuedDate "$(truth chi-thi-05 date)"
expect chi-thi issuedPlace "$(truth chi-thi-05 place)"
expect chi-thi docFamily "$(truth chi-thi-05 system)"
expect chi-thi organName "$(truth chi-thi-05 issuing_body)"
expect chi-thi typeName 03
expect chi-thi typeLabel "Chỉ thị"
expect chi-thi subject "$(truth chi-thi-05 title)"
expect chi-thi numberOfPage 2
expect chi-thi language 01

extracted cong-van-12
expect cong-van codeNumber "$(truth cong-van-12 number)"
expect cong-van codeNotation "$(truth cong-van-12 symbol)"
expect cong-van issuedDate "$(truth cong-van-12 date)"
expect cong-van docFamily "$(truth cong-van-12 system)"
expect cong-van organName "$(truth cong-van-12 parent_body) $(truth cong-van-12 issuing_body)"
expect cong-van typeName 22
expect cong-van subject "$(truth cong-van-12 title)"
expect cong-van numberOfPage 2
expect_none cong-van parentOrganName

# Its truth is in samples/README.md: Số: 174/QĐ-STC, Sở Tài chính under UBND
# tỉnh Bình Định, 17 August 2016.
extracted quyet-dinh-1127.jpg
expect quyet-dinh codeNumber 174
expect quyet-dinh codeNotation "QĐ-STC"
expect quyet-dinh issuedDate 2016-08-17
expect quyet-dinh typeName 02
expect quyet-dinh organName "SỞ TÀI CHÍNH"
expect quyet-dinh parentOrganName "UBND TỈNH BÌNH ĐỊNH"
expect quyet-dinh docFamily state

# No header: no header field; a title standing over the first paragraph
# is the subject.
title_only() {
	extracted "$1"
	for k in docFamily codeNumber codeNotation issuedDate issuedPlace typeName organName \
		 secrecyLevel urgency; do
		expect_none "$1" "$k"
	done
	expect "$1" subject "$2"
}
title_only letter-en.png "Records Transfer Procedure for Regional Offices"
expect letter-en numberOfPage 1
expect letter-en language 02
title_only bao-cao-2016 "Hội nghị toàn quốc công tác văn phòng tỉnh ủy, thành ủy"
expect bao-cao numberOfPage 2
expect bao-cao language 01
