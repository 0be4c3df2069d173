# koban - plain Makefile. `make` builds build/koban; `make check` builds the
# release (gcc), the sanitizer build (clang, ASan+UBSan) and the fuzzers, then
# runs every test. See README.md.
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/koban
MANDIR   ?= $(PREFIX)/share/man
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -g
SANFLAGS ?=
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

PKGS     := libpcap sqlite3 jansson libsodium libnftables libseccomp libcurl libcrypto libssl libssh
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -lsqlite3 -ljansson -lsodium -lnftables -lseccomp -lcurl -lssh -lssl -lcrypto)

CFLAGS_ALL = -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -Wno-format-nonliteral \
	     -D_GNU_SOURCE -DKOBAN_VERSION='"$(VERSION)"' -DKOBAN_DATADIR='"$(DATADIR)"' \
	     -Isrc $(PKG_CFLAGS) $(OPT) $(SANFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm -lpthread

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(shell find tests -name 'test_*.c'))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_SRC:= $(sort $(wildcard bench/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(TEST_SRC:%.c=$(BUILD)/%)
BENCH_BIN:= $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIBA     := $(BUILD)/libkoban.a

.PHONY: all tests bench san fuzz check install uninstall clean
all: $(BUILD)/koban

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/koban: $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIBA) $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/%.c $(LIBA) tests/test.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -MMD -MP -MF $@.d -o $@ $< $(LIBA) $(LDLIBS_ALL)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O2 -o $@ $< $(LDLIBS_ALL)

tests: $(BUILD)/koban $(TEST_BIN)
bench: $(BUILD)/koban $(BENCH_BIN)

# Sanitizer build: clang, ASan + UBSan, every report fatal.
san:
	$(MAKE) BUILD=build/san CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" tests

# libFuzzer targets: one per parser of network input (fuzz/fuzz_*.c).
FUZZ_BUILD := build/fuzz
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g" \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" $(FUZZ_BUILD)/libkoban.a
	@mkdir -p $(FUZZ_BUILD)/bin
	@set -e; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
		clang $(filter-out $(OPT) $(SANFLAGS),$(CFLAGS_ALL)) -O1 -g -fsanitize=fuzzer,address,undefined \
		  -o $(FUZZ_BUILD)/bin/$$n $$f $(FUZZ_BUILD)/libkoban.a $(LDLIBS_ALL); done

check: all san fuzz device
	tests/run.sh

install: $(BUILD)/koban
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/koban $(DESTDIR)$(BINDIR)/koban
	cp -R data/. $(DESTDIR)$(DATADIR)/
	install -m 0644 man/koban.1 $(DESTDIR)$(MANDIR)/man1/koban.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/koban $(DESTDIR)$(MANDIR)/man1/koban.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)

# ------------------------------------------------------- libkoban-device (issue 6)
# The device library (lib/device: core, libsodium and file-flash backends),
# its host tool, the example device, and `make device`. The library's
# objects also go into libkoban.a, so the generic rules above link the unit
# tests (tests/device/test_*.c), the fuzzers (fuzz/fuzz_manifest.c ...) and
# koban's status verification (src/device/status_verify.c) against it.
DEV_SRC     := $(sort $(wildcard lib/device/src/*.c lib/device/backend/*.c))
DEV_OBJ     := $(DEV_SRC:%.c=$(BUILD)/obj/%.o)
CFLAGS_ALL  += -Ilib/device/include
$(LIBA): $(DEV_OBJ)
DEVLIB      := $(BUILD)/libkoban-device.a
DEV_TOOL    := $(BUILD)/koban-device-tool
DEV_EXAMPLE := $(BUILD)/koban-device-example
DEV_TOOL_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard tools/*.c)))
DEV_EX_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard examples/device/*.c)))

$(DEVLIB): $(DEV_OBJ)
	rm -f $@ && ar rcs $@ $^
# the host tool also uses koban's status verification (src/device)
$(DEV_TOOL): $(DEV_TOOL_OBJ) $(LIBA)
	$(CC) $(CFLAGS_ALL) -o $@ $(DEV_TOOL_OBJ) $(LIBA) $(LDLIBS_ALL)
# the example device links only the device library and libsodium
$(DEV_EXAMPLE): $(DEV_EX_OBJ) $(DEVLIB)
	$(CC) $(CFLAGS_ALL) -o $@ $(DEV_EX_OBJ) $(DEVLIB) -lsodium

.PHONY: device
device: $(DEVLIB) $(DEV_TOOL) $(DEV_EXAMPLE)
# `make san` (the sanitizer tests) builds them too: tests/device/*_test.sh runs them
tests: device
