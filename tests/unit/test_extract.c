/* test_extract.c - unit tests for extract.h: headers written from NĐ 30/2020
 * (state) and HD 36 (Party) as OCR gives them back - left block then right
 * block, interleaved line by line, columns run together, damaged - and text
 * that must yield nothing at all. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luutru/doc.h"
#include "luutru/extract.h"
#include "luutru/meta.h"
#include "luutru/stage.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_KV 14

struct kv {
	const char *key, *value;
};

struct header_case {
	const char *name;
	const char *text;
	struct kv want[MAX_KV];       /* each must be there with this value */
	const char *absent[MAX_KV];   /* each must not be there */
	struct kv rules[4];           /* key and the rule that must have matched */
};

static const struct header_case cases[] = {
	{
		"state decision, left block then right block",
		"BỘ NỘI VỤ\n"
		"-------\n"
		"Số: 15/QĐ-BNV\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Độc lập - Tự do - Hạnh phúc\n"
		"---------------\n"
		"Hà Nội, ngày 05 tháng 01 năm 2020\n"
		"\n"
		"QUYẾT ĐỊNH\n"
		"Về việc ban hành Quy chế công tác văn thư\n"
		"-----------\n"
		"BỘ TRƯỞNG BỘ NỘI VỤ\n"
		"Căn cứ Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4 năm 2017 của Chính phủ;\n"
		"Số liệu 12/2016 cho thấy ngày 01 tháng 02 năm 2003.\n",
		{ { "docFamily", "state" }, { "codeNumber", "15" }, { "codeNotation", "QĐ-BNV" },
		  { "issuedDate", "2020-01-05" }, { "issuedPlace", "Hà Nội" }, { "typeName", "02" },
		  { "typeLabel", "Quyết định" }, { "organName", "BỘ NỘI VỤ" },
		  { "subject", "Về việc ban hành Quy chế công tác văn thư" } },
		{ "parentOrganName", "secrecyLevel", "urgency" },
		{ { "codeNumber", "state-number-strict" }, { "issuedDate", "date-strict" },
		  { "typeName", "type-line-strict" }, { "docFamily", "state-motto-strict" } },
	},
	{
		"legal normative number, two-line organ, interleaved columns",
		"ỦY BAN NHÂN DÂN\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"TỈNH QUẢNG NGÃI\n"
		"Độc lập - Tự do - Hạnh phúc\n"
		"Số: 666/2015/QĐ-UBND\n"
		"Quảng Ngãi, ngày 29 tháng 12 năm 2015\n"
		"QUYẾT ĐỊNH\n"
		"Ban hành Quy định về công tác văn thư, lưu trữ\n"
		"trên địa bàn tỉnh Quảng Ngãi\n"
		"\n"
		"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\n",
		{ { "codeNumber", "666" }, { "codeNotation", "2015/QĐ-UBND" }, { "issuedDate", "2015-12-29" },
		  { "organName", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" }, { "typeName", "02" },
		  { "subject", "Ban hành Quy định về công tác văn thư, lưu trữ trên địa bàn tỉnh Quảng Ngãi" },
		  { "issuedPlace", "Quảng Ngãi" } },
		{ "parentOrganName" },
		{ { "organName", "organ-above-number" } },
	},
	{
		"Party conclusion: Party-only type, superior committee above the body",
		"TỈNH ỦY ĐÀ NẴNG\n"
		"BAN TUYÊN GIÁO\n"
		"*\n"
		"Số 12-KL/BTGTU\n"
		"ĐẢNG CỘNG SẢN VIỆT NAM\n"
		"Đà Nẵng, ngày 3 tháng 6 năm 2019\n"
		"KẾT LUẬN\n"
		"của Ban Thường vụ về công tác tuyên truyền năm 2019\n"
		"-----\n"
		"Ngày 28 tháng 5 năm 2019, Ban Thường vụ đã họp.\n",
		{ { "docFamily", "party" }, { "codeNumber", "12" }, { "codeNotation", "KL/BTGTU" },
		  { "issuedDate", "2019-06-03" }, { "typeName", "32" }, { "typeLabel", "Kết luận" },
		  { "organName", "BAN TUYÊN GIÁO" }, { "parentOrganName", "TỈNH ỦY ĐÀ NẴNG" },
		  { "subject", "của Ban Thường vụ về công tác tuyên truyền năm 2019" } },
		{ "secrecyLevel" },
		{ { "codeNumber", "party-number-strict" }, { "docFamily", "party-motto-strict" },
		  { "parentOrganName", "organ-superior-line" } },
	},
	{
		"công văn: V/v summary carried over the interleaved right column",
		"BỘ NỘI VỤ\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"VỤ VĂN THƯ\n"
		"Độc lập - Tự do - Hạnh phúc\n"
		"Số: 05/BNV-VP\n"
		"V/v giao nộp hồ sơ\n"
		"Hà Nội, ngày 14 tháng 7 năm 2016\n"
		"vào Lưu trữ lịch sử\n"
		"Kính gửi: Các đơn vị thuộc Bộ\n"
		"Thực hiện Kế hoạch số 20/KH-BNV ngày 02 tháng 3 năm 2016, ...\n",
		{ { "codeNumber", "05" }, { "codeNotation", "BNV-VP" }, { "typeName", "22" },
		  { "typeLabel", "Công văn" }, { "subject", "V/v giao nộp hồ sơ vào Lưu trữ lịch sử" },
		  { "organName", "VỤ VĂN THƯ" }, { "parentOrganName", "BỘ NỘI VỤ" },
		  { "issuedDate", "2016-07-14" } },
		{ "secrecyLevel", "urgency" },
		{ { "typeName", "cong-van-vv" }, { "subject", "subject-vv-strict" } },
	},
	{
		"OCR damage: S6;, a space and l for the slash, QD for QĐ, 5 for S, no diacritics",
		"UBND TỈNH BÌNH ĐỊNH\n"
		"SỞ TÀI CHÍNH\n"
		"S6; 174 lQD-5TC\n"
		"CONG HOA XA HOI CHU NGHIA VIET NAM\n"
		"Doc lap - Tu do - Hanh phuc\n"
		"Quy Nhơn, ngay 17 thang 8 nam 2O16\n"
		"QUYET DINH\n"
		"Về việc ban hành Danh mục hồ sơ năm 2016\n"
		"-----\n",
		{ { "docFamily", "state" }, { "codeNumber", "174" }, { "codeNotation", "QĐ-STC" },
		  { "issuedDate", "2016-08-17" }, { "issuedPlace", "Quy Nhơn" }, { "typeName", "02" },
		  { "typeLabel", "Quyết định" }, { "organName", "SỞ TÀI CHÍNH" },
		  { "parentOrganName", "UBND TỈNH BÌNH ĐỊNH" } },
		{ NULL },
		{ { "codeNumber", "number-folded" }, { "issuedDate", "date-folded" },
		  { "typeName", "type-line-folded" }, { "docFamily", "state-motto-folded" } },
	},
	{
		"Party: eth for Đ, Sô, spaces round the hyphen, date over two lines",
		"BAN CHẤP HÀNH TRUNG ƯƠNG\n"
		"zxk\n"
		"Sô 05 - CT/TW\n"
		"\xc3\x90ẢNG CỘNG SẢN VIỆT NAM\n"
		"Đà Nẵng, ngày 14 tháng 7 năm\n"
		"2016\n"
		"CHỈ THỊ\n"
		"về tăng cường công tác văn thư, lưu trữ và số hóa tài liệu trong\n"
		"các cơ quan đảng\n"
		"-----\n"
		"Trong những năm qua, các cấp ủy, tổ chức đảng đã quan tâm.\n",
		{ { "docFamily", "party" }, { "codeNumber", "05" }, { "codeNotation", "CT/TW" },
		  { "issuedDate", "2016-07-14" }, { "issuedPlace", "Đà Nẵng" }, { "typeName", "03" },
		  { "organName", "BAN CHẤP HÀNH TRUNG ƯƠNG" },
		  { "subject", "về tăng cường công tác văn thư, lưu trữ và số hóa tài liệu trong các cơ quan đảng" } },
		{ "parentOrganName" },
		{ { "codeNumber", "number-folded" }, { "docFamily", "party-motto-strict" } },
	},
	{
		"columns run together on one line",
		"ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"TÍNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc\n"
		"Số: 05/CT-UBND Quảng Ngãi, ngày 14 tháng 7 năm 2016\n"
		"CHỈ THỊ\n"
		"Về việc tăng cường quản lý công tác văn thư, lưu trữ\n",
		{ { "codeNumber", "05" }, { "codeNotation", "CT-UBND" }, { "issuedPlace", "Quảng Ngãi" },
		  { "organName", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" }, { "typeName", "03" },
		  { "issuedDate", "2016-07-14" } },
		{ "parentOrganName" },
		{ { "organName", "organ-above-number-repaired" } },
	},
	{
		"a place named like a level keeps its spelling",
		"ỦY BAN NHÂN DÂN\n"
		"TỈNH HÀ TĨNH\n"
		"Số: 310/S5TC-UBND\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Hà Tĩnh, ngày 02 tháng 9 năm 2021\n"
		"THÔNG BÁO\n"
		"Kết luận của Chủ tịch\n",
		{ { "organName", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH" }, { "issuedPlace", "Hà Tĩnh" },
		  { "codeNotation", "STC-UBND" }, { "typeName", "07" } },
		{ "parentOrganName" },
		{ { "organName", "organ-above-number" } },
	},
	{
		"stamps stand alone; MẬT inside a sentence is not one",
		"ỦY BAN NHÂN DÂN\n"
		"THÀNH PHỐ ĐÀ NẴNG\n"
		"Số: 12/UBND-VP\n"
		"V/v bảo vệ bí mật nhà nước\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Độc lập - Tự do - Hạnh phúc\n"
		"Đà Nẵng, ngày 09 tháng 01 năm 2017\n"
		"TỐI MẬT\n"
		"HỎA TỐC\n"
		"Kính gửi: Các sở, ban, ngành\n"
		"Tài liệu MẬT phải được bảo quản.\n"
		"KHẨN\n",
		{ { "secrecyLevel", "toi-mat" }, { "urgency", "hoa-toc" },
		  { "subject", "V/v bảo vệ bí mật nhà nước" }, { "typeName", "22" },
		  { "organName", "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG" } },
		{ "parentOrganName" },
		{ { "secrecyLevel", "stamp-strict" } },
	},
	{
		"a date that is not a date (31/02) gives no date, only the place before it",
		"BỘ NỘI VỤ\n"
		"Số: 15/QĐ-BNV\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Hà Nội, ngày 31 tháng 02 năm 2020\n"
		"QUYẾT ĐỊNH\n"
		"Về việc ban hành Quy chế\n"
		"Căn cứ Luật ngày 14 tháng 7 năm 2016;\n",
		{ { "codeNumber", "15" }, { "typeName", "02" }, { "issuedPlace", "Hà Nội" } },
		{ "issuedDate" },
		{ { "issuedPlace", "place-before-date" } },
	},
	{
		"an unreadable day keeps the place; a name wrapped over three lines",
		"BỘ VĂN HÓA, THỂ THAO VÀ DU\n"
		"LỊCH\n"
		"CỤC VĂN THƯ VÀ LƯU TRỮ\n"
		"Số: 81/KH-VTLT\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"* Vinh, ngày 237 tháng 10 năm 2010\n"
		"KẾ HOẠCH\n"
		"Chỉnh lý tài liệu tồn đọng giai đoạn 2016 - 2018\n",
		{ { "issuedPlace", "Vinh" }, { "organName", "CỤC VĂN THƯ VÀ LƯU TRỮ" },
		  { "parentOrganName", "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH" }, { "typeName", "10" },
		  { "subject", "Chỉnh lý tài liệu tồn đọng giai đoạn 2016 - 2018" } },
		{ "issuedDate" },
		{ { "issuedPlace", "place-before-date" } },
	},
	{
		"a year no archive holds (1900) gives no date",
		"BỘ NỘI VỤ\n"
		"Số: 15/QĐ-BNV\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Hà Nội, ngày 01 tháng 02 năm 1900\n",
		{ { "codeNumber", "15" } },
		{ "issuedDate" },
		{ { NULL, NULL } },
	},
	{
		"type line and notation disagree: the line wins, with low confidence",
		"UBND TỈNH BÌNH ĐỊNH\n"
		"SỞ TÀI CHÍNH\n"
		"Số: 40/QĐ-STC\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Quy Nhơn, ngày 01 tháng 02 năm 2003\n"
		"CHỈ THỊ\n"
		"Về việc kiểm kê tài sản\n",
		{ { "typeName", "03" }, { "typeLabel", "Chỉ thị" } },
		{ NULL },
		{ { NULL, NULL } },
	},
	{
		"no type line: the notation's abbreviation gives the type",
		"ỦY BAN NHÂN DÂN\n"
		"HUYỆN PHÚ VANG\n"
		"Số: 20/KH-UBND\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Phú Vang, ngày 10 tháng 3 năm 2018\n",
		{ { "typeName", "10" }, { "typeLabel", "Kế hoạch" }, { "organName", "ỦY BAN NHÂN DÂN HUYỆN PHÚ VANG" } },
		{ "subject" },
		{ { "typeName", "type-from-notation" } },
	},
	{
		"Party công văn: CV in the notation",
		"HUYỆN ỦY PHÚ VANG\n"
		"*\n"
		"Số 123-CV/HU\n"
		"ĐẢNG CỘNG SẢN VIỆT NAM\n"
		"Phú Vang, ngày 10 tháng 3 năm 2018\n"
		"V/v: triển khai công tác lưu trữ\n",
		{ { "typeName", "22" }, { "codeNotation", "CV/HU" }, { "subject", "V/v triển khai công tác lưu trữ" } },
		{ NULL },
		{ { NULL, NULL } },
	},
	{
		"state Quy định and Thông tư: the family decides QyĐ and TT",
		"BỘ NỘI VỤ\n"
		"Số: 02/2019/TT-BNV\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Hà Nội, ngày 24 tháng 01 năm 2019\n",
		{ { "codeNotation", "2019/TT-BNV" }, { "typeName", "32" }, { "typeLabel", "Thông tư" } },
		{ NULL },
		{ { NULL, NULL } },
	},
	{
		"legal normative document: its title in capitals under the type, up to the authority",
		"HỘI ĐỒNG NHÂN DÂN\n"
		"TỈNH LÂM ĐỒNG\n"
		"Số: 10/2022/NQ-HĐND\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Lâm Đồng, ngày 08 tháng 12 năm 2022\n"
		"NGHỊ QUYẾT\n"
		"QUY ĐỊNH MỨC CHI BẢO ĐẢM CHO CÔNG TÁC KIỂM TRA, XỬ LÝ VĂN BẢN\n"
		"QUY PHẠM PHÁP LUẬT TRÊN ĐỊA BÀN TỈNH LÂM ĐỒNG\n"
		"HỘI ĐỒNG NHÂN DÂN TỈNH LÂM ĐỒNG\n"
		"KHÓA X KỲ HỌP THỨ 9\n",
		{ { "typeName", "01" }, { "organName", "HỘI ĐỒNG NHÂN DÂN TỈNH LÂM ĐỒNG" },
		  { "subject", "QUY ĐỊNH MỨC CHI BẢO ĐẢM CHO CÔNG TÁC KIỂM TRA, XỬ LÝ VĂN BẢN QUY PHẠM PHÁP "
			       "LUẬT TRÊN ĐỊA BÀN TỈNH LÂM ĐỒNG" } },
		{ "parentOrganName" },
		{ { "subject", "subject-title-capitals" } },
	},
	{
		"a type line followed by its enacting authority has no summary",
		"BỘ NỘI VỤ\n"
		"Số: 15/QĐ-BNV\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Hà Nội, ngày 05 tháng 01 năm 2020\n"
		"QUYẾT ĐỊNH\n"
		"BỘ TRƯỞNG BỘ NỘI VỤ\n"
		"Căn cứ Nghị định số 34/2017/NĐ-CP;\n",
		{ { "typeName", "02" } },
		{ "subject" },
		{ { NULL, NULL } },
	},
	{
		"Party: the committee named between the type and the summary (HD 36)",
		"BAN CHẤP HÀNH TRUNG ƯƠNG\n"
		"*\n"
		"Số 05-CT/TW\n"
		"ĐẢNG CỘNG SẢN VIỆT NAM\n"
		"Hà Nội, ngày 15 tháng 5 năm 2016\n"
		"CHỈ THỊ\n"
		"CỦA BỘ CHÍNH TRỊ\n"
		"về đẩy mạnh học tập và làm theo tư tưởng, đạo đức,\n"
		"phong cách Hồ Chí Minh\n"
		"\n"
		"Sau 5 năm thực hiện Chỉ thị số 03-CT/TW của Bộ Chính trị, ...\n",
		{ { "typeName", "03" }, { "codeNumber", "05" },
		  { "subject", "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" } },
		{ NULL },
		{ { "subject", "subject-under-type" } },
	},
	{
		"the number left blank for the clerk's pen: notation, organ and type still read",
		"ỦY BAN NHÂN DÂN\n"
		"THÀNH PHỐ HỒ CHÍ MINH\n"
		"Số:      /QĐ-UBND\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"Thành phố Hồ Chí Minh, ngày    tháng    năm 2024\n"
		"QUYẾT ĐỊNH\n"
		"Về phê duyệt Kế hoạch sử dụng đất năm 2024\n",
		{ { "codeNotation", "QĐ-UBND" }, { "organName", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" },
		  { "typeName", "02" }, { "subject", "Về phê duyệt Kế hoạch sử dụng đất năm 2024" } },
		{ "codeNumber", "issuedDate" },
		{ { "codeNotation", "notation-number-blank" } },
	},
	{
		"OCR as it reads other offices: a mark set apart as a word, an italic V/v, a summary carried on by a notation",
		"TRƯỜNG ĐẠI HỌC BÁCH KHOA HÀ ˆ NỘI ĐẢNG CỘNG SẢN VIỆT NAM\n"
		"\n"
		"Số 456-CV/ĐU Hà Nội, ngày 02 tháng 3 năm 2023\n"
		"\n"
		"V\xe2\x81\x84% tổng kết 10 năm thực hiện Nghị quyết số\n"
		"29-NQ/TW\n"
		"\n"
		"Kính gửi: Các chi bộ trực thuộc\n",
		{ { "organName", "TRƯỜNG ĐẠI HỌC BÁCH KHOA HÀ NỘI" }, { "typeName", "22" },
		  { "subject", "V/v tổng kết 10 năm thực hiện Nghị quyết số 29-NQ/TW" } },
		{ "parentOrganName" },
		{ { "subject", "subject-vv-folded" } },
	},
	{
		"a place name wrapped after its level; a city of one word stands alone",
		"ỦY BAN NHÂN DÂN TỈNH THỪA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
		"THIÊN HUẾ Độc lập - Tự do - Hạnh phúc\n"
		"VĂN PHÒNG\n"
		"\n"
		"Số: 89/TB-VP\n"
		"Thừa Thiên Huế, ngày 14 tháng 4 năm 2017\n",
		{ { "organName", "VĂN PHÒNG" }, { "parentOrganName", "ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ" } },
		{ NULL },
		{ { NULL, NULL } },
	},
	{
		"a city of one word is not carried onto the body below it",
		"ỦY BAN NHÂN DÂN THÀNH PHỐ VINH\n"
		"VĂN PHÒNG\n"
		"Số: 90/TB-VP\n"
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n",
		{ { "organName", "VĂN PHÒNG" }, { "parentOrganName", "ỦY BAN NHÂN DÂN THÀNH PHỐ VINH" } },
		{ NULL },
		{ { NULL, NULL } },
	},
	{
		"a mark OCR set on a notation's letter goes (abbreviations carry none but Đ)",
		"ĐẢNG BỘ TỈNH NGHỆ AN\n"
		"HUYỆN ỦY NAM ĐÀN\n"
		"*\n"
		"Số 125-QĐ/HŨ\n"
		"ĐẢNG CỘNG SẢN VIỆT NAM\n"
		"Nam Đàn, ngày 20 tháng 10 năm 2022\n"
		"QUYẾT ĐỊNH\n",
		{ { "codeNumber", "125" }, { "codeNotation", "QĐ/HU" }, { "typeName", "02" },
		  { "organName", "HUYỆN ỦY NAM ĐÀN" } },
		{ NULL },
		{ { "codeNotation", "number-folded" } },
	},
	{
		"an italic V/v read as VX%v",
		"TỈNH ỦY BÌNH DƯƠNG ĐẢNG CỘNG SẢN VIỆT NAM\n"
		"Số 456-CV/TU Bình Dương, ngày 02 tháng 3 năm 2023\n"
		"VX%v tổng kết công tác năm 2023\n"
		"Kính gửi: Các huyện ủy\n",
		{ { "subject", "V/v tổng kết công tác năm 2023" }, { "typeName", "22" } },
		{ NULL },
		{ { "subject", "subject-vv-folded" } },
	},
	{
		"Party number left blank",
		"TỈNH ỦY BÌNH DƯƠNG\n"
		"*\n"
		"Số     -CV/TU\n"
		"V/v tổng kết công tác năm 2023\n"
		"ĐẢNG CỘNG SẢN VIỆT NAM\n",
		{ { "codeNotation", "CV/TU" }, { "typeName", "22" }, { "organName", "TỈNH ỦY BÌNH DƯƠNG" },
		  { "docFamily", "party" } },
		{ "codeNumber" },
		{ { "codeNotation", "notation-number-blank" } },
	},
	/* Documents without NĐ 30's or HD 36's header: what a letter prints. */
	{
		"English letter: place and date line, Subject label, letterhead not a title",
		"NATIONAL ARCHIVES OF THE UNITED KINGDOM\n"
		"Kew, Richmond TW9 4DU\n"
		"\n"
		"London, 14 July 2016\n"
		"\n"
		"Subject: Transfer of closed files to the central archive\n"
		"\n"
		"Dear Director,\n"
		"Every office that holds closed files older than five years must prepare them\n"
		"for transfer before 30 September 2016.\n",
		{ { "issuedDate", "2016-07-14" }, { "issuedPlace", "London" },
		  { "subject", "Transfer of closed files to the central archive" } },
		{ "docFamily", "codeNumber", "typeName", "organName" },
		{ { "issuedDate", "date-line" }, { "subject", "subject-label" } },
	},
	{
		"English report: a title over the first paragraph, a dated label",
		"Records Transfer Procedure for Regional Offices\n"
		"\n"
		"Date: July 4th, 2016\n"
		"\n"
		"Every office that holds closed files older than five years must prepare them\n"
		"for transfer to the central archive before the end of the third quarter.\n",
		{ { "issuedDate", "2016-07-04" },
		  { "subject", "Records Transfer Procedure for Regional Offices" } },
		{ "issuedPlace", "docFamily" },
		{ { "subject", "subject-title-line" } },
	},
	{
		"a title with its date line run on under it (OCR dropped the blank line)",
		"Annual Report on the Digitisation Programme\n"
		"Date: 28 February 2022\n"
		"\n"
		"The digitisation programme completed its third year with more than two\n"
		"hundred thousand pages scanned, described and made available.\n",
		{ { "issuedDate", "2022-02-28" },
		  { "subject", "Annual Report on the Digitisation Programme" } },
		{ "issuedPlace" },
		{ { "issuedDate", "date-line" } },
	},
	{
		"a letter's letterhead is not its title",
		"NATIONAL RECORDS OFFICE\n"
		"\n"
		"3 March 2021\n"
		"\n"
		"Dear Ms Nguyen,\n"
		"\n"
		"Following our meeting of last week, we confirm that the personnel files\n"
		"for 2015 will be transferred before the end of the second quarter.\n",
		{ { "issuedDate", "2021-03-03" } },
		{ "subject", "issuedPlace" },
		{ { NULL, NULL } },
	},
	{
		"memo: ISO date, Re label in capitals, no title over a sentence",
		"MEMORANDUM TO ALL STAFF.\n"
		"\n"
		"2019-02-28\n"
		"RE: Closure of the reading room\n"
		"The reading room closes on Friday for the move of the map collection.\n"
		"Requests made before then are delivered on the following Monday.\n",
		{ { "issuedDate", "2019-02-28" }, { "subject", "Closure of the reading room" } },
		{ "issuedPlace" },
		{ { "subject", "subject-label" } },
	},
	{
		"Vietnamese letter without the motto: the date line and its place, a title",
		"Hà Nội, ngày 9 tháng 1 năm 2017\n"
		"\n"
		"THƯ MỜI DỰ HỘI THẢO KHOA HỌC\n"
		"\n"
		"Trân trọng kính mời quý vị đến dự hội thảo về bảo quản tài liệu lưu trữ\n"
		"giấy, tổ chức tại Trung tâm Lưu trữ quốc gia I.\n",
		{ { "issuedDate", "2017-01-09" }, { "issuedPlace", "Hà Nội" },
		  { "subject", "THƯ MỜI DỰ HỘI THẢO KHOA HỌC" } },
		{ "docFamily", "codeNumber" },
		{ { "issuedDate", "date-strict" } },
	},
	{
		"dates inside sentences and a line of figures are no document's date",
		"Annual figures\n"
		"The archive received 14 July 2016 deliveries of 2,000 pages, and on\n"
		"Monday, 3 March 2017 it opened. Signed 12 May 2015 by the director.\n"
		"Ngày 14 tháng 7 năm 2016, tại Đà Nẵng, Văn phòng Trung ương họp.\n"
		"31 February 2016\n",
		{ { NULL, NULL } },
		{ "issuedDate", "issuedPlace", "subject" },
		{ { NULL, NULL } },
	},
};

static void check_case(const struct header_case *c)
{
	struct lt_extract x = LT_EXTRACT_INIT;
	struct lt_err err = { 0 };

	print_message("case: %s\n", c->name);
	assert_int_equal(lt_extract_header(c->text, &x, &err), LT_OK);
	for (size_t i = 0; i < MAX_KV && c->want[i].key; i++) {
		const struct lt_extract_field *f = lt_extract_get(&x, c->want[i].key);

		if (!f)
			fail_msg("%s: no %s (want '%s')", c->name, c->want[i].key, c->want[i].value);
		if (strcmp(f->value, c->want[i].value) != 0)
			fail_msg("%s: %s is '%s', want '%s'", c->name, c->want[i].key, f->value, c->want[i].value);
		assert_true(f->confidence > 0 && f->confidence <= 1);
		assert_non_null(f->rule);
	}
	for (size_t i = 0; i < MAX_KV && c->absent[i]; i++) {
		const struct lt_extract_field *f = lt_extract_get(&x, c->absent[i]);

		if (f)
			fail_msg("%s: %s should be absent, got '%s' (%s)", c->name, c->absent[i], f->value, f->rule);
	}
	for (size_t i = 0; i < N_ELEMS(c->rules) && c->rules[i].key; i++) {
		const struct lt_extract_field *f = lt_extract_get(&x, c->rules[i].key);

		assert_non_null(f);
		if (strcmp(f->rule, c->rules[i].value) != 0)
			fail_msg("%s: %s matched by %s, want %s", c->name, c->rules[i].key, f->rule, c->rules[i].value);
	}
	lt_extract_release(&x);
	assert_null(x.fields);
}

static void test_header_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		check_case(&cases[i]);
}

/* Strict rules are trusted more than tolerant ones. */
static void test_confidence_order(void **state)
{
	struct lt_extract strict = LT_EXTRACT_INIT, folded = LT_EXTRACT_INIT;

	(void)state;
	assert_int_equal(lt_extract_header(cases[0].text, &strict, NULL), LT_OK);
	assert_int_equal(lt_extract_header(cases[4].text, &folded, NULL), LT_OK);
	assert_true(lt_extract_get(&strict, "codeNumber")->confidence >
		    lt_extract_get(&folded, "codeNumber")->confidence);
	assert_true(lt_extract_get(&strict, "issuedDate")->confidence >
		    lt_extract_get(&folded, "issuedDate")->confidence);
	lt_extract_release(&strict);
	lt_extract_release(&folded);
}

/* The disagreement is lowered and reported, not hidden. */
static void test_type_disagreement_noted(void **state)
{
	struct lt_extract x = LT_EXTRACT_INIT;
	const struct header_case *c = NULL;

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		if (strstr(cases[i].name, "disagree"))
			c = &cases[i];
	assert_non_null(c);
	assert_int_equal(lt_extract_header(c->text, &x, NULL), LT_OK);
	assert_true(lt_extract_get(&x, "typeName")->confidence <= 0.5);
	assert_non_null(x.notes);
	assert_non_null(strstr(x.notes, "Quyết định"));
	assert_non_null(strstr(x.notes, "Chỉ thị"));
	lt_extract_release(&x);
	/* Agreement leaves no note. */
	assert_int_equal(lt_extract_header(cases[0].text, &x, NULL), LT_OK);
	assert_null(x.notes);
	assert_true(lt_extract_get(&x, "typeName")->confidence > 0.95);
	lt_extract_release(&x);
}

/* Text without a header yields nothing: no number from "Số liệu", no date
 * from the body, no type from a heading. */
static void test_nothing_from_non_headers(void **state)
{
	static const char *const texts[] = {
		"Records Transfer Procedure for Regional Offices\n"
		"Every office that holds closed files older than five years must prepare them\n"
		"for transfer, for example HR-2011/047 or FIN-2014/112, by 14 July 2016.\n"
		"REPORT\nNo: 15/QD-BNV\n",
		"Hội nghị toàn quốc công tác văn phòng tỉnh ủy, thành ủy\n"
		"Số liệu 2016/ABC cho thấy, ngày 14 tháng 7 năm 2016, tại Đà Nẵng, Văn phòng\n"
		"Trung ương Đảng Cộng sản Việt Nam tổ chức Hội nghị.\n"
		"KẾT LUẬN\n"
		"Số 5 người vắng mặt. Số: 12 đại biểu.\n"
		"MẬT\n",
		"",
		"\n\n\n",
		"Số\nSố:\nS\n",
		/* No number and a notation of one part: not a number line. */
		"Số / trang: 12\nSố - ABC\nSố: /HN\nSố:  /2016\n",
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(texts); i++) {
		struct lt_extract x = LT_EXTRACT_INIT;

		assert_int_equal(lt_extract_header(texts[i], &x, NULL), LT_OK);
		if (x.n)
			fail_msg("text %zu gave %s = '%s' (%s)", i, x.fields[0].key, x.fields[0].value, x.fields[0].rule);
		lt_extract_release(&x);
	}
}

/* The header's date wins over the body's, even when the body's comes with
 * a comma, and a body "Số" after the header is not the number. */
static void test_header_wins_over_body(void **state)
{
	struct lt_extract x = LT_EXTRACT_INIT;

	(void)state;
	assert_int_equal(lt_extract_header("VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\n*\n"
					   "ĐẢNG CỘNG SẢN VIỆT NAM\n"
					   "Hà Nội, ngày 17 tháng 8 năm 2000\n"
					   "BÁO CÁO\nsơ kết 6 tháng đầu năm\n-----\n"
					   "Tại Huế, ngày 02 tháng 3 năm 1999, Số 77-BC/TW đã nêu.\n",
					   &x, NULL),
			 LT_OK);
	assert_string_equal(lt_extract_get(&x, "issuedDate")->value, "2000-08-17");
	assert_null(lt_extract_get(&x, "codeNumber"));
	assert_string_equal(lt_extract_get(&x, "docFamily")->value, "party");
	assert_string_equal(lt_extract_get(&x, "typeName")->value, "14");
	lt_extract_release(&x);
}

static void test_invalid_utf8(void **state)
{
	struct lt_extract x = LT_EXTRACT_INIT;
	struct lt_err err = { 0 };

	(void)state;
	assert_int_equal(lt_extract_header("Số: 15/QĐ-BNV\n\xff\xfe", &x, &err), LT_EINPUT);
	assert_int_equal(x.n, 0);
	assert_non_null(strstr(err.msg, "UTF-8"));
	lt_extract_release(&x);
	lt_extract_release(NULL);
}

static void test_type_code(void **state)
{
	(void)state;
	assert_string_equal(lt_extract_type_code("QUYẾT ĐỊNH"), "02");
	assert_string_equal(lt_extract_type_code("quyet dinh"), "02");
	assert_string_equal(lt_extract_type_code("Công văn"), "22");
	assert_string_equal(lt_extract_type_code("CÔNG VĂN"), "22");
	assert_string_equal(lt_extract_type_code("Kết luận"), "32");
	assert_string_equal(lt_extract_type_code("Tờ trình"), "15");
	assert_null(lt_extract_type_code("Report"));
	assert_null(lt_extract_type_code(NULL));
}

/* ---- the stage: what it offers to doc->meta ---- */

/* A two-page Party directive whose manifest gave the number and a date
 * that page 1 contradicts. */
static struct lt_doc *directive_doc(void)
{
	struct lt_doc *doc = lt_doc_new();

	assert_non_null(doc);
	doc->pages = calloc(2, sizeof(*doc->pages));
	assert_non_null(doc->pages);
	doc->n_pages = 2;
	doc->pages[0].text = strdup(cases[5].text);
	doc->pages[0].lang = strdup("vie");
	doc->pages[1].text = strdup("Các tỉnh ủy, thành ủy");
	doc->pages[1].lang = strdup("vie");
	doc->lang = strdup("vie+eng");
	assert_int_equal(lt_meta_set(&doc->meta, "codeNumber", "05", LT_META_MANIFEST, "list.csv row 2",
				     NULL, 1, 1, NULL), LT_OK);
	assert_int_equal(lt_meta_set(&doc->meta, "issuedDate", "2016-07-15", LT_META_MANIFEST,
				     "list.csv row 2", NULL, 1, 1, NULL), LT_OK);
	return doc;
}

static void test_stage_offers_below_given_values(void **state)
{
	struct lt_doc *doc = directive_doc();
	struct lt_buf warnings = LT_BUF_INIT, note = LT_BUF_INIT;
	struct lt_job job = { .doc = doc, .warnings = &warnings, .n_stages = 1, .stage = 0 };
	struct lt_err err = { 0 };
	const struct lt_meta_field *f;
	void *st = NULL;

	(void)state;
	assert_int_equal(lt_stage_extract.open(NULL, &st, &err), LT_OK);
	assert_int_equal(lt_stage_extract.process(st, &job, NULL, &err), LT_OK);
	/* The manifest's date stays, and the disagreement is a warning. */
	assert_string_equal(lt_meta_value(&doc->meta, "issuedDate"), "2016-07-15");
	assert_int_equal(lt_meta_get(&doc->meta, "issuedDate")->source, LT_META_MANIFEST);
	assert_non_null(strstr(lt_buf_str(&warnings),
			       "page 1 reads issuedDate 2016-07-14 but the manifest says 2016-07-15"));
	/* The same number as the manifest's: no warning, still the manifest's. */
	assert_null(strstr(lt_buf_str(&warnings), "codeNumber"));
	assert_int_equal(lt_meta_get(&doc->meta, "codeNumber")->source, LT_META_MANIFEST);
	/* What the archivist left empty is filled, unconfirmed, with its rule. */
	f = lt_meta_get(&doc->meta, "codeNotation");
	assert_non_null(f);
	assert_string_equal(f->value, "CT/TW");
	assert_int_equal(f->source, LT_META_EXTRACTED);
	assert_int_equal(f->confirmed, 0);
	assert_string_equal(f->origin, "page 1");
	assert_string_equal(f->rule, "number-folded");
	assert_true(f->confidence > 0 && f->confidence < 1);
	assert_string_equal(lt_meta_value(&doc->meta, "organName"), "BAN CHẤP HÀNH TRUNG ƯƠNG");
	/* Technical: page count and language. */
	f = lt_meta_get(&doc->meta, "numberOfPage");
	assert_non_null(f);
	assert_string_equal(f->value, "2");
	assert_int_equal(f->source, LT_META_TECHNICAL);
	assert_string_equal(lt_meta_value(&doc->meta, "language"), "01");
	/* The event's detail lists what was read. */
	lt_stage_extract.describe(st, &job, &note);
	assert_non_null(strstr(lt_buf_str(&note), "codeNotation=\"CT/TW\" [number-folded 0."));
	assert_non_null(strstr(lt_buf_str(&note), "issuedDate=\"2016-07-14\""));
	lt_stage_extract.close(st);
	lt_buf_release(&note);
	lt_buf_release(&warnings);
	lt_doc_free(doc);
}

/* An English page (read again with eng) gives language 02; a page with no
 * text gives no field but the page count. */
static void test_stage_english_and_blank(void **state)
{
	struct lt_doc *doc = lt_doc_new();
	struct lt_buf warnings = LT_BUF_INIT;
	struct lt_job job = { .doc = doc, .warnings = &warnings, .n_stages = 1, .stage = 0 };
	void *st = NULL;

	(void)state;
	assert_non_null(doc);
	doc->pages = calloc(1, sizeof(*doc->pages));
	assert_non_null(doc->pages);
	doc->n_pages = 1;
	doc->pages[0].text = strdup("Records Transfer Procedure\nNo: 15/QD-BNV\n");
	doc->pages[0].lang = strdup("vie+eng");
	doc->lang = strdup("vie+eng");
	assert_int_equal(lt_stage_extract.open(NULL, &st, NULL), LT_OK);
	assert_int_equal(lt_stage_extract.process(st, &job, NULL, NULL), LT_OK);
	assert_string_equal(lt_meta_value(&doc->meta, "language"), "02");
	assert_null(lt_meta_get(&doc->meta, "codeNumber"));
	assert_int_equal(warnings.len, 0);
	free(doc->pages[0].text);
	doc->pages[0].text = NULL;
	lt_meta_release(&doc->meta);
	assert_int_equal(lt_stage_extract.process(st, &job, NULL, NULL), LT_OK);
	assert_int_equal(doc->meta.n, 1);
	assert_string_equal(lt_meta_value(&doc->meta, "numberOfPage"), "1");
	lt_stage_extract.close(st);
	lt_buf_release(&warnings);
	lt_doc_free(doc);
}

/* A page of Vietnamese and English paragraphs is Việt-Anh (06) whichever
 * reading was kept: read with vie alone (it looked Vietnamese) or again with
 * every language (it looked English); a Vietnamese page naming one English
 * title stays 01. */
static void test_stage_bilingual(void **state)
{
#define VI_PARAGRAPH                                                                              \
	"Văn phòng Trung ương Đảng đã tổ chức hội nghị tổng kết công tác văn thư, lưu trữ năm 2016 " \
	"và triển khai nhiệm vụ năm 2017 tại thành phố Đà Nẵng với sự tham dự của lãnh đạo các "     \
	"tỉnh ủy, thành ủy.\n"
	static const char vi[] = VI_PARAGRAPH;
	/* A page's worth: a few English words among 170 Vietnamese ones. */
	static const char vi4[] = VI_PARAGRAPH VI_PARAGRAPH VI_PARAGRAPH VI_PARAGRAPH;
	static const char en[] = "Every office that holds closed files older than five years must prepare "
				 "them for transfer to the records centre, with a list of their contents and "
				 "the retention period approved by the archivist.\n";
	static const struct {
		const char *page_lang, *text_a, *text_b, *want;
	} pages[] = {
		{ "vie", vi, en, "06" },
		{ "vie+eng", en, vi, "06" },
		{ "vie", vi4, "Theo tài liệu Records Management Handbook của Bộ.\n", "01" },
		{ "vie+eng", en, "", "02" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(pages); i++) {
		struct lt_doc *doc = lt_doc_new();
		struct lt_buf warnings = LT_BUF_INIT, text = LT_BUF_INIT;
		struct lt_job job = { .doc = doc, .warnings = &warnings, .n_stages = 1, .stage = 0 };
		void *st = NULL;

		assert_non_null(doc);
		assert_int_equal(lt_buf_printf(&text, NULL, "%s%s", pages[i].text_a, pages[i].text_b), LT_OK);
		doc->pages = calloc(1, sizeof(*doc->pages));
		assert_non_null(doc->pages);
		doc->n_pages = 1;
		doc->pages[0].text = lt_buf_detach(&text);
		doc->pages[0].lang = strdup(pages[i].page_lang);
		doc->lang = strdup("vie+eng");
		assert_int_equal(lt_stage_extract.open(NULL, &st, NULL), LT_OK);
		assert_int_equal(lt_stage_extract.process(st, &job, NULL, NULL), LT_OK);
		if (strcmp(lt_meta_value(&doc->meta, "language"), pages[i].want) != 0)
			fail_msg("case %zu (%s): language %s, want %s", i, pages[i].page_lang,
				 lt_meta_value(&doc->meta, "language"), pages[i].want);
		lt_stage_extract.close(st);
		lt_buf_release(&warnings);
		lt_doc_free(doc);
	}
}

/* A blank sheet scanned before the first page (no text, or a few specks
 * read as letters) does not hide the header: it is read off page 2, and
 * the fields say so. */
static void test_stage_header_after_blank_page(void **state)
{
	static const char *const first[] = { "", ". , -\n" };

	(void)state;
	for (size_t i = 0; i < N_ELEMS(first); i++) {
		struct lt_doc *doc = lt_doc_new();
		struct lt_buf warnings = LT_BUF_INIT, note = LT_BUF_INIT;
		struct lt_job job = { .doc = doc, .warnings = &warnings, .n_stages = 1, .stage = 0 };
		const struct lt_meta_field *f;
		void *st = NULL;

		assert_non_null(doc);
		doc->pages = calloc(2, sizeof(*doc->pages));
		assert_non_null(doc->pages);
		doc->n_pages = 2;
		doc->pages[0].text = strdup(first[i]);
		doc->pages[0].lang = strdup("vie");
		doc->pages[1].text = strdup(cases[0].text);
		doc->pages[1].lang = strdup("vie");
		doc->lang = strdup("vie+eng");
		assert_int_equal(lt_stage_extract.open(NULL, &st, NULL), LT_OK);
		assert_int_equal(lt_stage_extract.process(st, &job, NULL, NULL), LT_OK);
		f = lt_meta_get(&doc->meta, "codeNumber");
		assert_non_null(f);
		assert_string_equal(f->value, "15");
		assert_string_equal(f->origin, "page 2");
		lt_stage_extract.describe(st, &job, &note);
		assert_non_null(strstr(lt_buf_str(&note), "codeNotation=\"QĐ-BNV\""));
		lt_stage_extract.close(st);
		lt_buf_release(&note);
		lt_buf_release(&warnings);
		lt_doc_free(doc);
	}
}

#undef VI_PARAGRAPH

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_confidence_order),
		cmocka_unit_test(test_type_disagreement_noted),
		cmocka_unit_test(test_nothing_from_non_headers),
		cmocka_unit_test(test_header_wins_over_body),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_type_code),
		cmocka_unit_test(test_stage_offers_below_given_values),
		cmocka_unit_test(test_stage_english_and_blank),
		cmocka_unit_test(test_stage_bilingual),
		cmocka_unit_test(test_stage_header_after_blank_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
