# nimadm-tui: GNU Makefile. See README.md for `make deps demo` and `make deps check`.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=

BUILD    ?= build
CC       ?= cc
CFLAGS   ?= -O2 -g
SANITIZE ?=
PKG_CONFIG ?= pkg-config

ifeq ($(SANITIZE),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# Strict C11 + POSIX.1-2008 (XSI). pkg-config's own feature macros are dropped
# so they cannot clash with ours.
STD_FLAGS = -std=c11 -D_XOPEN_SOURCE=700
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral
DEFS      = -DNIMADM_LIBEXECDIR='"$(LIBEXECDIR)"'

pkgflags = $(filter-out -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=% -D_GNU_SOURCE,$(shell $(PKG_CONFIG) --cflags $(1)))
pkglibs  = $(shell $(PKG_CONFIG) --libs $(1))

ENGINE_PKGS = libssh libnfs libarchive inih libcjson
TUI_PKGS    = ncursesw formw menuw panelw
TEST_PKGS   = cmocka

ENGINE_CFLAGS = $(call pkgflags,$(ENGINE_PKGS))
TUI_CFLAGS    = $(call pkgflags,$(TUI_PKGS))
TEST_CFLAGS   = $(call pkgflags,$(TEST_PKGS))
ENGINE_LIBS   = $(call pkglibs,$(ENGINE_PKGS)) -lpthread
TUI_LIBS      = $(call pkglibs,$(TUI_PKGS))
TEST_LIBS     = $(call pkglibs,$(TEST_PKGS))

ALL_CFLAGS = $(STD_FLAGS) $(WARN) $(DEFS) $(CFLAGS) -MMD -MP

ENGINE_SRC = $(sort $(wildcard engine/*.c))
TUI_SRC    = $(sort $(wildcard tui/*.c))
APP_SRC    = $(sort $(wildcard screens/*.c cli/*.c))
SIM_SRC    = $(sort $(wildcard sim/*.c))
HELP_FILES = $(sort $(shell find help -type f ! -name '.*' 2>/dev/null))

ENGINE_OBJ = $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/help_data.o
TUI_OBJ    = $(TUI_SRC:%.c=$(BUILD)/%.o)
APP_OBJ    = $(APP_SRC:%.c=$(BUILD)/%.o)
SIM_OBJ    = $(SIM_SRC:%.c=$(BUILD)/%.o)

LIBENGINE = $(BUILD)/libengine.a
LIBTUI    = $(BUILD)/libtui.a
PROG      = $(BUILD)/nimadm-tui
NIMSIM    = $(BUILD)/sim/bin/nimsim
SIMSTAMP  = $(BUILD)/sim/.stamp

# Unit tests: tests/unit/test_engine_*.c link the engine alone (no curses: a
# curses call in engine/ breaks this link); other tests link everything.
ENGINE_TEST_SRC = $(sort $(wildcard tests/unit/test_engine_*.c))
OTHER_TEST_SRC  = $(sort $(filter-out $(ENGINE_TEST_SRC),$(wildcard tests/unit/test_*.c)))
TEST_SUPPORT_SRC = $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJ = $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)
ENGINE_TESTS = $(ENGINE_TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
OTHER_TESTS  = $(OTHER_TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC    = $(sort $(wildcard tests/bench/*.c))
BENCHES      = $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps demo check asan bench install uninstall clean format lint-man tests
# Keep intermediate objects (test objects) between runs.
.SECONDARY:
.DEFAULT_GOAL := all

# The source tree's ./nimadm-tui is the default build's; other builds stay in $(BUILD).
all: $(if $(filter build,$(BUILD)),nimadm-tui,$(PROG)) $(SIMSTAMP)

nimadm-tui: $(PROG)
	cp $(PROG) $@

# --- objects -----------------------------------------------------------------
$(BUILD)/engine/%.o: engine/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) -c -o $@ $<

$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

$(BUILD)/screens/%.o: screens/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TUI_CFLAGS) -Iengine -Itui -c -o $@ $<

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TUI_CFLAGS) -Iengine -Itui -Iscreens -c -o $@ $<

$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) -Iengine -c -o $@ $<

$(BUILD)/nimadm-tui.o: nimadm-tui.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TUI_CFLAGS) -Iengine -Itui -Iscreens -Icli -c -o $@ $<

$(BUILD)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TEST_CFLAGS) -Iengine -c -o $@ $<

# --- embedded help -----------------------------------------------------------
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(STD_FLAGS) $(WARN) -O1 -o $@ $<

$(BUILD)/gen/help_data.c: $(BUILD)/tools/embed $(HELP_FILES) Makefile
	@mkdir -p $(@D)
	$(BUILD)/tools/embed $@ help/ $(HELP_FILES)

$(BUILD)/gen/help_data.o: $(BUILD)/gen/help_data.c
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -Iengine -c -o $@ $<

# --- libraries and programs --------------------------------------------------
$(LIBENGINE): $(ENGINE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBTUI): $(TUI_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(PROG): $(BUILD)/nimadm-tui.o $(APP_OBJ) $(LIBTUI) $(LIBENGINE)
	$(CC) $(LDFLAGS) -o $@ $^ $(TUI_LIBS) $(ENGINE_LIBS)

$(NIMSIM): $(SIM_OBJ) $(LIBENGINE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(ENGINE_LIBS)

# The simulator answers to every AIX command name it knows (sim/COMMANDS).
$(SIMSTAMP): $(NIMSIM) sim/COMMANDS $(wildcard sim/labs/*)
	@mkdir -p $(BUILD)/sim/bin $(BUILD)/sim/labs
	@for c in $$(grep -v '^#' sim/COMMANDS); do ln -sf nimsim $(BUILD)/sim/bin/$$c; done
	@cp sim/labs/* $(BUILD)/sim/labs/ 2>/dev/null || true
	@touch $@

# --- tests -------------------------------------------------------------------
# Tests and benchmarks compile to objects first, so dependency files never name a
# source that may go away. Engine tests see only engine/ (no tui.h to include).
$(BUILD)/tests/obj/test_engine_%.o: tests/unit/test_engine_%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TEST_CFLAGS) -Iengine -Itests/support -c -o $@ $<

$(BUILD)/tests/obj/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TUI_CFLAGS) $(TEST_CFLAGS) -Iengine -Itui -Iscreens \
		-Icli -Itests/support -c -o $@ $<

$(BUILD)/bench/obj/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TEST_CFLAGS) -Iengine -Itests/support -c -o $@ $<

$(BUILD)/tests/test_engine_%: $(BUILD)/tests/obj/test_engine_%.o $(TEST_SUPPORT_OBJ) $(LIBENGINE)
	$(CC) $(LDFLAGS) -o $@ $^ $(ENGINE_LIBS) $(TEST_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/obj/%.o $(TEST_SUPPORT_OBJ) $(APP_OBJ) $(LIBTUI) $(LIBENGINE)
	$(CC) $(LDFLAGS) -o $@ $^ $(TUI_LIBS) $(ENGINE_LIBS) $(TEST_LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/obj/%.o $(TEST_SUPPORT_OBJ) $(LIBENGINE)
	$(CC) $(LDFLAGS) -o $@ $^ $(ENGINE_LIBS) $(TEST_LIBS)

tests: all $(ENGINE_TESTS) $(OTHER_TESTS) $(BENCHES)

check: tests
	@BUILD=$(BUILD) tests/run-tests.sh

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 CC=$(CC) check

bench: tests
	@BUILD=$(BUILD) tests/bench/run-bench.sh

demo: all
	./nimadm-tui --demo

lint-man:
	mandoc -Tlint -W warning nimadm-tui.1

# --- dependencies (Debian) ---------------------------------------------------
DEB_PKGS = build-essential clang pkg-config libncurses-dev libssh-dev libnfs-dev \
           libarchive-dev libinih-dev libcjson-dev libcmocka-dev openssh-server \
           openssh-client nfs-ganesha nfs-ganesha-vfs rpcbind tmux mandoc ncompress \
           bzip2 xz-utils zstd less hyperfine procps

deps:
	@tools/deps.sh $(DEB_PKGS)

# --- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/nimadm-tui/bin \
		$(DESTDIR)$(LIBEXECDIR)/nimadm-tui/labs $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/nimadm-tui
	install -m 0755 $(NIMSIM) $(DESTDIR)$(LIBEXECDIR)/nimadm-tui/bin/nimsim
	for c in $$(grep -v '^#' sim/COMMANDS); do \
		ln -sf nimsim $(DESTDIR)$(LIBEXECDIR)/nimadm-tui/bin/$$c; done
	install -m 0644 sim/labs/* $(DESTDIR)$(LIBEXECDIR)/nimadm-tui/labs/
	install -m 0644 nimadm-tui.1 $(DESTDIR)$(MANDIR)/man1/nimadm-tui.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nimadm-tui $(DESTDIR)$(MANDIR)/man1/nimadm-tui.1
	rm -rf $(DESTDIR)$(LIBEXECDIR)/nimadm-tui

clean:
	rm -rf build build-asan nimadm-tui

format:
	clang-format -i $$(find engine tui screens cli sim tests tools -name '*.[ch]') nimadm-tui.c

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
