# luutru - build, set-up, tests. Plain GNU make; pkg-config for every library.
#   make            build ./luutru
#   make demo       install missing Debian packages, build, run the pipeline on samples/
#   make test       install missing packages, build, run unit and end-to-end tests
#   make check      the tests again under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       install clang, run each libFuzzer target for FUZZ_SECONDS (default 60)
#   make install PREFIX=/usr/local DESTDIR=   (binary, man pages, bash completion, systemd units)
#   make man        the man pages (English and Vietnamese) and the bash completion script
#   make pot        build/po/luutru.pot, the messages to translate; make po-check: is po/vi*.po complete?
#   make deb        the Debian package build/deb/luutru_<version>_<arch>.deb (installs debhelper, lintian)
#   make offline-bundle   build/offline/: the .deb and every package it needs, as a file: repository
# V=1 shows full command lines.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
BUILD   ?= build
BIN     ?= luutru

PKGS      = tesseract lept libarchive sqlite3 libcrypto libxml-2.0 jansson libutf8proc libexif libtiff-4 zlib libqpdf libmicrohttpd
# Recursive (=) on purpose: evaluated when a recipe runs, after `make deps`.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lcsv -lgomp -lpthread -lm
LT_CFLAGS  = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Iinclude \
             $(PKG_CFLAGS) -MMD -MP -ffunction-sections -fdata-sections
# The front (`luutru`, front.c) runs search and status itself and links only
# these; everything else runs in the engine ($(ENGINE), main.c), which it
# executes in its place. --gc-sections drops the library's functions the
# front does not reach, so its link fails if search or status ever do reach
# Tesseract, Leptonica, libarchive or qpdf. (Not under ASan, whose
# constructors keep every global of each object linked in: `make check`
# links its front with all the libraries.)
FRONT_PKGS = sqlite3 jansson libutf8proc zlib
FRONT_LIBS = $(shell pkg-config --libs $(FRONT_PKGS)) -lpthread -lm

# Debian packages the build, the tests and OCR need (make deps installs the missing ones).
DEB_PACKAGES = gcc libc6-dev make pkg-config libtesseract-dev libleptonica-dev libarchive-dev \
               libsqlite3-dev libssl-dev libxml2-dev libjansson-dev libutf8proc-dev \
               libcmocka-dev tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
               sqlite3 python3 tar coreutils libxml2-utils \
               libcsv-dev libexif-dev libtiff-dev icc-profiles-free qpdf libqpdf-dev poppler-utils zlib1g-dev \
               w3c-sgml-lib groff-base \
               libmicrohttpd-dev curl openssl python3-pil fonts-dejavu-core gettext locales
# What bench/ and samples/make-*.sh need besides: ../shared/tools/mkpages renders pages.
# bench/throughput compares with OCRmyPDF; GNU time gives the peak RSS.
BENCH_PACKAGES = python3-pil python3-numpy fonts-liberation2 ocrmypdf time
# tests/e2e/t_slurm.sh starts a one-machine Slurm cluster of these; it installs
# them itself (as root), since on a machine with systemd they start daemons.
SLURM_PACKAGES = slurm-wlm munge
# What `make deb` and `make offline-bundle` need besides (not `make deps`).
DEB_PACKAGING = debhelper lintian dpkg-dev man-db groff-base

Q = $(if $(V),,@)

# The Vietnamese messages (see "messages" below).
PO_FILES = $(wildcard po/vi.po) $(filter-out po/vi.po,$(sort $(wildcard po/vi*.po)))
LOCALE_DIR = $(BUILD)/locale
MO = $(LOCALE_DIR)/vi/LC_MESSAGES/luutru.mo

SRCS      = $(sort $(wildcard pipeline/*.c))
LIB_SRCS  = $(filter-out pipeline/main.c pipeline/front.c,$(SRCS))
OBJS      = $(BUILD)/main.o $(LIB_OBJS)
LIB_OBJS  = $(LIB_SRCS:pipeline/%.c=$(BUILD)/%.o) $(BUILD)/schemas.o $(BUILD)/embedded.o
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: print-cflags print-libs pot po-check all deps demo test unit-bins check bench accuracy bench-metadata bench-claim bench-merge bench-throughput bench-search install uninstall clean fuzz fuzz-replay fuzz-replay-bins man deb offline-bundle

ENGINE    = $(BUILD)/luutru-engine
LIB_A     = $(BUILD)/libluutru.a

all: $(BIN) $(ENGINE) $(MO)

$(ENGINE): $(OBJS)
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(LIB_A): $(LIB_OBJS)
	@echo "  AR    $@"
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJS)

$(BIN): $(BUILD)/front.o $(LIB_A) | $(ENGINE)
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--gc-sections -o $@ $(BUILD)/front.o $(LIB_A) $(FRONT_LIBS)

# Where an installed front finds the engine (front.c), as luutru(1) says.
$(BUILD)/front.o $(BUILD)/cmd_doc.o: LT_CFLAGS += -DLT_LIBEXECDIR='"$(LIBEXECDIR)"'

# Installed luutru finds its catalogs there (i18n.c).
$(BUILD)/i18n.o: LT_CFLAGS += -DLT_LOCALEDIR='"$(LOCALEDIR)"'

$(BUILD)/%.o: pipeline/%.c | $(BUILD)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS) $(LT_CFLAGS) -c -o $@ $<

# ---- messages (GNU gettext) ----
# Every string a person reads is in build/po/luutru.pot; po/vi.po (the
# commands) and po/vi-lib.po (the library modules) translate it, and their
# union becomes the catalog ./luutru reads from build/locale (i18n.c).
# lt_cmd_usage_error translates its format like lt_err_set; pgettext_ is
# a message with a context (i18n.c); tr_for and ntr_for (cmd_run.c) translate
# for people and leave the log's words in English.
XGETTEXT_FLAGS = --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: -k_ -kN_ -kngettext:1,2 \
  -klt_err_set:3 -klt_err_prefix:2 -klt_cat_db_error:3 -klt_cat_step_done:3 --flag=lt_err_set:3:c-format --flag=lt_err_prefix:2:c-format \
  -klt_cmd_usage_error:2 --flag=lt_cmd_usage_error:2:c-format -kpgettext_:1c,2 \
  -ktr_for:2 -kntr_for:2,3 --package-name=luutru

pot: $(BUILD)/po/luutru.pot
# Headers too: cmd.h holds option tables shared by commands.
$(BUILD)/po/luutru.pot: $(SRCS) $(wildcard include/luutru/*.h) Makefile | $(BUILD)
	@mkdir -p $(BUILD)/po
	@echo "  POT   $@"
	$(Q)xgettext $(XGETTEXT_FLAGS) -o $@.tmp pipeline/*.c include/luutru/*.h && mv $@.tmp $@

# The first translation of a message wins (msgcat --use-first), so the
# commands' own file decides where both translate one string.
$(MO): $(PO_FILES) | $(BUILD)
	@mkdir -p $(dir $@) $(BUILD)/po
	@echo "  MO    $@"
	$(Q)msgcat --use-first --force-po -o $(BUILD)/po/vi-all.po $(PO_FILES)
	$(Q)msgfmt --check -o $@.tmp $(BUILD)/po/vi-all.po && mv $@.tmp $@

# Fails naming every message without a translation, and every fuzzy one.
po-check: $(BUILD)/po/luutru.pot
	$(Q)tests/po-check.sh $(BUILD)/po/luutru.pot $(PO_FILES)

# The schema is compiled in, so an installed luutru never looks for schemas/.
# Every schemas/catalog/NNN-*.sql, in order, becomes {NNN, sql} of
# lt_catalog_migrations (pipeline/catalog_int.h); the build fails unless the
# last NNN is LT_CATALOG_VERSION (include/luutru/catalog.h).
CATALOG_SQL = $(sort $(wildcard schemas/catalog/[0-9][0-9][0-9]-*.sql))

# schemas/metadata-profile.json becomes lt_metadata_profile_json (profile.c).
$(BUILD)/schemas.c: $(CATALOG_SQL) schemas/metadata-profile.json include/luutru/catalog.h Makefile | $(BUILD)
	@echo "  GEN   $@"
	$(Q){ printf '#include "luutru/catalog.h"\n'; \
	  printf 'struct lt_migration { int version; const char *sql; };\n'; \
	  for f in $(CATALOG_SQL); do \
	    n=$$(basename $$f | sed 's/^0*\([0-9][0-9]*\)-.*/\1/'); \
	    printf 'static const char sql_%s[] = {\n' $$n; \
	    od -An -v -tx1 $$f | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    printf '0x00 };\n'; \
	  done; \
	  printf 'const struct lt_migration lt_catalog_migrations[] = {\n'; \
	  for f in $(CATALOG_SQL); do \
	    n=$$(basename $$f | sed 's/^0*\([0-9][0-9]*\)-.*/\1/'); \
	    printf '\t{ %s, sql_%s },\n' $$n $$n; last=$$n; \
	  done; \
	  printf '};\nconst int lt_catalog_n_migrations = %d;\n' $(words $(CATALOG_SQL)); \
	  printf 'const char lt_metadata_profile_json[] = {\n'; \
	  od -An -v -tx1 schemas/metadata-profile.json | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  printf '0x00 };\n'; \
	  printf '_Static_assert(%s == LT_CATALOG_VERSION, "the last schemas/catalog/NNN-*.sql must be LT_CATALOG_VERSION");\n' $$last; \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/schemas.o: $(BUILD)/schemas.c
	$(Q)$(CC) $(CFLAGS) -std=c11 -Iinclude -c -o $@ $<

# The XSDs every bundle carries (data/schemas/) and the BagIt profile, compiled
# in the same way: lt_bundle_schemas[] and lt_bagit_profile (embedded.h).
BUNDLE_SCHEMAS = $(sort $(wildcard schemas/xsd/*.xsd) schemas/xsd/catalog.xml)
BAGIT_PROFILE  = schemas/bagit-profile.json

$(BUILD)/embedded.c: $(BUNDLE_SCHEMAS) $(BAGIT_PROFILE) include/luutru/embedded.h Makefile | $(BUILD)
	@echo "  GEN   $@"
	$(Q){ printf '#include "luutru/embedded.h"\n'; \
	  i=0; for f in $(BUNDLE_SCHEMAS) $(BAGIT_PROFILE); do \
	    printf 'static const unsigned char file_%d[] = {\n' $$i; \
	    od -An -v -tx1 $$f | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    printf '0x00 };\n'; i=$$((i + 1)); \
	  done; \
	  printf 'const struct lt_embedded_file lt_bundle_schemas[] = {\n'; \
	  i=0; for f in $(BUNDLE_SCHEMAS); do \
	    printf '\t{ "%s", file_%d, sizeof(file_%d) - 1 },\n' $$(basename $$f) $$i $$i; i=$$((i + 1)); \
	  done; \
	  printf '};\nconst size_t lt_n_bundle_schemas = %d;\n' $(words $(BUNDLE_SCHEMAS)); \
	  printf 'const struct lt_embedded_file lt_bagit_profile = { "bagit-profile.json", file_%d, sizeof(file_%d) - 1 };\n' $(words $(BUNDLE_SCHEMAS)) $(words $(BUNDLE_SCHEMAS)); \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(Q)$(CC) $(CFLAGS) -std=c11 -Iinclude -c -o $@ $<

# test_recognize runs OpenMP regions of its own, compiled as Tesseract's are.
$(BUILD)/tests/test_recognize: UNIT_CFLAGS = -fopenmp
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	@echo "  TEST  $@"
	$(Q)$(CC) $(CFLAGS) $(LT_CFLAGS) $(UNIT_CFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD):
	@mkdir -p $(BUILD)

# The library's compile and link flags, for the bench programs built from
# build/*.o outside make (bench/search, bench/access-pdf): one list, here.
print-cflags:
	@echo '$(PKG_CFLAGS)'
print-libs:
	@echo '$(PKG_LIBS)'

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: run as root, or: sudo apt-get install" $$missing >&2; exit 3; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi
	@# The Vietnamese locale the messages and the tests need (Debian's locales).
	@if ! locale -a 2>/dev/null | grep -qix 'vi_VN\.utf-\?8'; then \
	  echo "deps: making the locale vi_VN.UTF-8"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: run as root, or: sudo localedef -i vi_VN -f UTF-8 vi_VN.UTF-8" >&2; exit 3; fi; \
	  sed -i 's/^# *\(vi_VN\.UTF-8 UTF-8\)/\1/' /etc/locale.gen 2>/dev/null; \
	  localedef -i vi_VN -f UTF-8 vi_VN.UTF-8 || exit 3; \
	fi

DEMO_ARCHIVE ?= archive
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	./$(BIN) --archive $(DEMO_ARCHIVE) ingest samples/inbox
	./$(BIN) --archive $(DEMO_ARCHIVE) run
	./$(BIN) --archive $(DEMO_ARCHIVE) status
	@echo; echo '$$ ./$(BIN) search "Đà Nẵng"'
	@./$(BIN) --archive $(DEMO_ARCHIVE) search "Đà Nẵng"
	@echo; echo '$$ ./$(BIN) search "da nang"    (without diacritics)'
	@./$(BIN) --archive $(DEMO_ARCHIVE) search "da nang"
	@echo; echo 'The reading room in a browser: ./$(BIN) --archive $(DEMO_ARCHIVE) serve, then open http://127.0.0.1:8080/'

test: deps
	$(Q)$(MAKE) --no-print-directory all unit-bins fuzz-replay-bins
	$(Q)LUUTRU=$(CURDIR)/$(BIN) tests/run.sh $(BUILD)/tests
	$(Q)$(MAKE) --no-print-directory fuzz-replay

unit-bins: $(UNIT_BINS)

# Sanitizer build in its own directory: the tests run against it.
check: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/san BIN=build/san/luutru \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  FRONT_LIBS='$$(PKG_LIBS)' \
	  build/san/luutru build/san/locale/vi/LC_MESSAGES/luutru.mo unit-bins
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LUUTRU=$(CURDIR)/build/san/luutru tests/run.sh build/san/tests

# ---- fuzzing ----
# fuzz/fuzz_<target>.c: libFuzzer entry points. `make fuzz` builds them with
# Debian's clang (-fsanitize=fuzzer,address) and runs each FUZZ_SECONDS;
# a crash is left in build/fuzz/crashes/<target>/ - copy it into
# tests/fuzz-regress/<target>/ with the fix. `make test` replays those
# inputs through fuzz/replay.c, built with the normal compiler (no clang).
FUZZ_TARGETS   = query bag image inbox manifest
FUZZ_SECONDS  ?= 60
FUZZ_PACKAGES  = clang libclang-rt-14-dev
FUZZ_CC       ?= clang
FUZZ_BUILD     = build/fuzz
REPLAY_BINS    = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz.h $(LIB_OBJS) | $(BUILD)
	@mkdir -p $(BUILD)/fuzz
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS) $(LT_CFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/replay.c $(LIB_OBJS) $(PKG_LIBS)

fuzz-replay-bins: $(REPLAY_BINS)

# Every saved input of every target must run without a crash or a sanitizer report.
fuzz-replay: fuzz-replay-bins
	$(Q)for t in $(FUZZ_TARGETS); do \
	  if [ -d tests/fuzz-regress/$$t ]; then $(BUILD)/fuzz/replay_$$t tests/fuzz-regress/$$t 2>$(BUILD)/fuzz/replay_$$t.log \
	    || { cat $(BUILD)/fuzz/replay_$$t.log; echo "FAIL fuzz-replay $$t"; exit 1; }; fi; \
	done; echo "fuzz-replay: every regression input of $(FUZZ_TARGETS) ran clean"

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD)/obj CC=$(FUZZ_CC) \
	  CFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer" \
	  $(LIB_OBJS:$(BUILD)/%=$(FUZZ_BUILD)/obj/%)
	@echo "  FUZZ  $@"
	$(Q)$(FUZZ_CC) -O1 -g -fsanitize=fuzzer,address $(LT_CFLAGS) -o $@ $< \
	  $(LIB_OBJS:$(BUILD)/%=$(FUZZ_BUILD)/obj/%) $(PKG_LIBS)

# The seeds: the regression inputs and the samples (images for image and
# inbox, a real bundle's tar for bag when one is at hand).
fuzz:
	$(Q)$(MAKE) --no-print-directory deps DEB_PACKAGES="$(FUZZ_PACKAGES)"
	$(Q)$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
	$(Q)for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/crashes/$$t; \
	  seeds=""; [ -d tests/fuzz-regress/$$t ] && seeds=tests/fuzz-regress/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1 $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -max_len=$$( [ $$t = query ] && echo 16384 || echo 262144 ) \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$$t/ -print_final_stats=1 \
	    $(FUZZ_BUILD)/corpus/$$t $$seeds 2>$(FUZZ_BUILD)/$$t.log \
	    || { tail -n 40 $(FUZZ_BUILD)/$$t.log; echo "fuzz: $$t found a crash in $(FUZZ_BUILD)/crashes/$$t/"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $(FUZZ_BUILD)/$$t.log | tail -n 2; \
	done

bench: all
	$(Q)$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_PACKAGES)"
	bench/run.sh
	bench/bundle

# Claim latency at 1k, 100k and 1M queued documents (generated, cached in
# build/bench/claim-cache: the first run takes minutes).
$(BUILD)/bench/claim: bench/claim/claim.c $(LIB_OBJS) | $(BUILD)
	@mkdir -p $(BUILD)/bench
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS) $(LT_CFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS)
bench-claim: all $(BUILD)/bench/claim
	$(BUILD)/bench/claim $(BUILD)/bench/claim-cache

# Merge throughput (bench/merge/merge.c): shard bundles adopted per second,
# and the node count at which one merge becomes the bottleneck.
BENCH_MERGE_DOCUMENTS ?= 300
$(BUILD)/bench/merge: bench/merge/merge.c $(LIB_OBJS) | $(BUILD)
	@mkdir -p $(BUILD)/bench
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS) $(LT_CFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS)
bench-merge: all $(BUILD)/bench/merge
	$(BUILD)/bench/merge $(BENCH_MERGE_DOCUMENTS) $(BUILD)/bench/merge-work samples/truth

# luutru -j1/-j2 against the tesseract command line and OCRmyPDF, side by
# side on >= 40 pages with a 20-page document (QUICK=1: one repetition).
bench-throughput: all
	$(Q)$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_PACKAGES)"
	bench/throughput

# OCR accuracy against the tesseract command line on the same pages.
accuracy: all
	$(Q)$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_PACKAGES)"
	bench/accuracy

# Metadata read off page 1's header against the template pages' true metadata.
bench-metadata: all
	$(Q)$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_PACKAGES)"
	bench/metadata

# Search latency at scale (bench/search/run.sh): a catalog of
# BENCH_SEARCH_PAGES pages built once and cached in BENCH_SEARCH_DIR.
BENCH_SEARCH_PAGES ?= 1000000
bench-search: all
	bench/search/run.sh $(BENCH_SEARCH_PAGES)

# ---- man pages, completion, install ----
# Written by the binary itself from its command descriptors (cmd_doc.h), so
# they say what --help says. SOURCE_DATE_EPOCH dates the pages.
DOC_DIR = $(BUILD)/doc
# The pages' date, and the package's: SOURCE_DATE_EPOCH if given, else the
# last commit's. Set for those commands only: exported, it would date the
# bundles of `make test` and `make demo` too.
DOC_EPOCH = $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),1764547200)
SYSTEMD_UNITS = $(sort $(wildcard dist/systemd/*.service.in dist/systemd/*.timer))

man: $(DOC_DIR)/.stamp

# The Vietnamese pages (man/vi/man1) are the same, written under vi_VN.UTF-8
# (LANGUAGE=vi: whatever locale the build machine has, C.UTF-8 at least).
$(DOC_DIR)/.stamp: $(BIN) $(MO) | $(BUILD)
	@echo "  GEN   $(DOC_DIR)"
	$(Q)rm -rf $(DOC_DIR).tmp && mkdir -p $(DOC_DIR).tmp/man1 $(DOC_DIR).tmp/vi/man1
	$(Q)for lang in en vi; do \
	  if [ $$lang = en ]; then dir=$(DOC_DIR).tmp/man1; env="LC_ALL=C.UTF-8 LANGUAGE="; \
	  else dir=$(DOC_DIR).tmp/vi/man1; env="LC_ALL=C.UTF-8 LANGUAGE=vi"; fi; \
	  env $$env SOURCE_DATE_EPOCH=$(DOC_EPOCH) ./$(BIN) help --man > $$dir/luutru.1 || exit 1; \
	  for c in $$(./$(BIN) help --commands); do \
	    env $$env SOURCE_DATE_EPOCH=$(DOC_EPOCH) ./$(BIN) help --man $$c > $$dir/luutru-$$c.1 || exit 1; \
	  done; \
	done
	$(Q)./$(BIN) help --completion > $(DOC_DIR).tmp/luutru.bash
	$(Q)rm -rf $(DOC_DIR) && mv $(DOC_DIR).tmp $(DOC_DIR) && touch $@

# Debian ships units in /lib/systemd/system (debian/rules says so).
BINDIR         ?= $(PREFIX)/bin
MANDIR         ?= $(PREFIX)/share/man
BASHCOMPDIR    ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
LOCALEDIR      ?= $(PREFIX)/share/locale
LIBEXECDIR     ?= $(PREFIX)/lib/luutru

install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PREFIX)/share/luutru/schemas/catalog \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	  $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/luutru
	install -m 0755 $(ENGINE) $(DESTDIR)$(LIBEXECDIR)/luutru-engine
	install -m 0644 schemas/catalog/*.sql $(DESTDIR)$(PREFIX)/share/luutru/schemas/catalog/
	install -m 0644 schemas/metadata-profile.json $(DESTDIR)$(PREFIX)/share/luutru/schemas/
	install -m 0644 $(DOC_DIR)/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(MANDIR)/vi/man1 $(DESTDIR)$(LOCALEDIR)/vi/LC_MESSAGES
	install -m 0644 $(DOC_DIR)/vi/man1/*.1 $(DESTDIR)$(MANDIR)/vi/man1/
	install -m 0644 $(MO) $(DESTDIR)$(LOCALEDIR)/vi/LC_MESSAGES/luutru.mo
	install -m 0644 $(DOC_DIR)/luutru.bash $(DESTDIR)$(BASHCOMPDIR)/luutru
	for u in $(SYSTEMD_UNITS); do \
	  sed 's|@bindir@|$(BINDIR)|g' $$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename $$u .in) && \
	  chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename $$u .in) || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/luutru $(DESTDIR)$(MANDIR)/man1/luutru.1 \
	  $(DESTDIR)$(MANDIR)/man1/luutru-*.1 $(DESTDIR)$(BASHCOMPDIR)/luutru \
	  $(DESTDIR)$(MANDIR)/vi/man1/luutru.1 $(DESTDIR)$(MANDIR)/vi/man1/luutru-*.1 \
	  $(DESTDIR)$(LOCALEDIR)/vi/LC_MESSAGES/luutru.mo
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(SYSTEMD_UNITS:.in=)))
	rm -rf $(DESTDIR)$(PREFIX)/share/luutru $(DESTDIR)$(LIBEXECDIR)

# ---- Debian package and offline bundle ----
# dpkg-buildpackage with debian/ (debhelper), on a copy of the sources in
# build/deb/ so it never cleans the working tree. debian/control's
# Build-Depends are DEB_PACKAGES (less what build-essential and the
# essential set give), so they follow this Makefile.
VERSION        = $(shell sed -n 's/^\#define LT_VERSION "\(.*\)"/\1/p' include/luutru/version.h)
DEB_ARCH       = $(shell dpkg --print-architecture)
DEB            = $(BUILD)/deb/luutru_$(VERSION)_$(DEB_ARCH).deb
DEB_SRC        = $(BUILD)/deb/luutru-$(VERSION)
DEB_BUILD_DEPS = $(filter-out gcc libc6-dev make coreutils tar,$(DEB_PACKAGES))

deb:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGING)"
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(DEB_SRC)
	$(Q)cp -R Makefile README.md include pipeline schemas dist debian po $(DEB_SRC)/
	$(Q)rm -f $(DEB_SRC)/debian/control.in
	$(Q)deps=$$(echo $(DEB_BUILD_DEPS) | sed 's/ /, /g'); \
	  sed "s|@BUILD_DEPENDS@|$$deps|" debian/control.in > $(DEB_SRC)/debian/control
	$(Q)grep -q '^luutru ($(VERSION))' debian/changelog || \
	  { echo "deb: debian/changelog's newest entry is not version $(VERSION) (version.h)" >&2; exit 1; }
	@echo "  DEB   $(DEB) (SOURCE_DATE_EPOCH=$(DOC_EPOCH))"
	$(Q)cd $(DEB_SRC) && SOURCE_DATE_EPOCH=$(DOC_EPOCH) DEB_BUILD_OPTIONS="parallel=2 $${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -b -us -uc > ../build.log 2>&1 \
	  || { tail -n 40 ../build.log; exit 1; }
	$(Q)lintian --fail-on error $(DEB) | tee $(BUILD)/deb/lintian.txt
	@ls -l $(DEB)

# The .deb and every Debian package it needs that a minimal Debian 12
# (debootstrap minbase: Priority required, and apt) lacks, resolved by apt
# against this machine's package lists with only that minimal system
# installed, fetched with apt-get download, indexed with dpkg-scanpackages.
OFFLINE = $(BUILD)/offline
offline-bundle: deb
	$(Q)rm -rf $(OFFLINE) $(OFFLINE).apt && mkdir -p $(OFFLINE)/luutru-offline $(OFFLINE).apt/cache
	$(Q)dist/minimal-status /var/lib/dpkg/status > $(OFFLINE).apt/status
	$(Q)cp $(DEB) $(OFFLINE)/luutru-offline/
	$(Q)apt-get -q -o Dir::State::status=$(CURDIR)/$(OFFLINE).apt/status \
	  -o Dir::Cache=$(CURDIR)/$(OFFLINE).apt/cache -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
	  install --simulate --no-install-recommends $(CURDIR)/$(DEB) > $(OFFLINE).apt/simulate.txt
	$(Q)sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' $(OFFLINE).apt/simulate.txt \
	  | grep -v '^luutru=' > $(OFFLINE).apt/packages.txt
	@echo "  GET   $$(wc -l < $(OFFLINE).apt/packages.txt) packages"
	$(Q)cd $(OFFLINE)/luutru-offline && xargs apt-get -q -o APT::Sandbox::User=root download < $(CURDIR)/$(OFFLINE).apt/packages.txt > /dev/null
	$(Q)cd $(OFFLINE)/luutru-offline && dpkg-scanpackages --multiversion . > Packages 2>/dev/null && gzip -9nk Packages
	$(Q)cp dist/offline-README.txt $(OFFLINE)/luutru-offline/README.txt
	$(Q)cd $(OFFLINE) && tar --sort=name --owner=0 --group=0 --numeric-owner \
	  --mtime=@$(DOC_EPOCH) -cf luutru-offline_$(VERSION)_$(DEB_ARCH).tar luutru-offline
	@du -sh $(OFFLINE)/luutru-offline; ls -l $(OFFLINE)/*.tar

clean:
	rm -rf build $(BIN)

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d $(BUILD)/fuzz/*.d $(BUILD)/bench/*.d)
