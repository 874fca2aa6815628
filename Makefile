# SPDX-License-Identifier: GPL-2.0
#
# oobnet: one entry point.  The two commands:
#   make demo    build everything, boot the guest, show the topology and traffic
#   make check   build everything, run the host unit tests, checkpatch and the
#                guest suite; one closing "N passed, N failed, N skipped" line
# Every phase is a target of its own (deps tree kernel module harness upstream
# initramfs unit checkpatch boot) and is incremental: run twice, build once.

SHELL    := /bin/bash
BUILD    ?= build
KSRC     := $(BUILD)/linux
KOBJ     := $(BUILD)/kbuild
OOBTEST  := tools/testing/selftests/net/oob
HARNESS  := $(BUILD)/harness
UPSTREAM := $(BUILD)/upstream
RUN      := $(BUILD)/run
TIMINGS  := $(BUILD)/timings.log
ABS_BUILD = $(abspath $(BUILD))

# Upstream net selftests run in the guest (see $(OOBTEST)/tests.plan for why
# each one is there), compiled statically from the unpacked tree.
UPSTREAM_TESTS := socket psock_tpacket psock_fanout txring_overwrite \
		  reuseport_bpf udpgso nettest msg_zerocopy

# C++ sources of the harness, for lint.
CXX_SRCS := $(shell find $(OOBTEST) -name '*.cpp')
CXX_HDRS := $(shell find $(OOBTEST) -name '*.hpp')
TIDY_STAMPS := $(patsubst $(OOBTEST)/%.cpp,$(BUILD)/lint/%.tidy,$(CXX_SRCS))

# Runs a phase and records how long it took.
phase = @mkdir -p $(BUILD); s=$$(date +%s.%N); $(2) || exit $$?; \
	awk -v s=$$s -v e=$$(date +%s.%N) 'BEGIN { printf "phase %-10s %6.1fs\n", "$(1)", e - s }' | \
	tee -a $(TIMINGS)

.PHONY: all deps tree kernel module modcheck matrix harness upstream initramfs unit lint checkpatch \
	boot check fuzz soak demo export series-build cost bench clean distclean help

all: initramfs

help:
	@sed -n '3,9p' Makefile

deps:
	$(call phase,deps,scripts/deps.sh)

tree: deps
	$(call phase,tree,scripts/tree.sh . $(BUILD))

kernel: tree
	$(call phase,kernel,scripts/kernel.sh . $(BUILD))

module: kernel
	$(call phase,module,mkdir -p $(BUILD)/oobnet && rsync -rlc oobnet/ $(BUILD)/oobnet/ && \
		$(MAKE) -s -C $(KOBJ) M=$(ABS_BUILD)/oobnet CC="ccache gcc" modules)

# The build matrix: a modular kernel, Debian's configs with the oob options
# off, on, and on PREEMPT_RT (slow: check runs only modcheck below).
matrix: tree
	$(call phase,matrix,scripts/matrix.sh . $(BUILD) $(MATRIX))

# The series links from modules (e1000e, virtio-net, the TX lock inlines).
modcheck: kernel
	$(call phase,modcheck,scripts/modcheck.sh . $(BUILD))

harness: kernel
	$(call phase,harness,cmake -S $(OOBTEST) -B $(HARNESS) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DOOB_KERNEL_HEADERS=$(abspath $(KOBJ))/usr/include >/dev/null && \
		cmake --build $(HARNESS) -j $$(nproc) -- --no-print-directory -s)

upstream: kernel
	$(call phase,upstream,$(MAKE) -s $(addprefix $(UPSTREAM)/,$(UPSTREAM_TESTS)))

$(UPSTREAM)/%: $(KSRC)/tools/testing/selftests/net/%.c $(KOBJ)/usr/include/linux/if_packet.h
	@mkdir -p $(UPSTREAM)
	ccache gcc -static -O2 -Wall -Wno-unused-result -I$(KOBJ)/usr/include \
		-I$(KSRC)/tools/testing/selftests -I$(KSRC)/tools/testing/selftests/net \
		-o $@ $< -lpthread

initramfs: module harness upstream
	$(call phase,initramfs,scripts/initramfs.sh . $(BUILD))

unit: harness
	$(call phase,unit,ctest --test-dir $(HARNESS) --output-on-failure > $(BUILD)/ctest.log 2>&1; \
		tail -n 3 $(BUILD)/ctest.log)

# clang-format on everything, clang-tidy on each file changed since it last passed.
lint: harness
	$(call phase,lint,clang-format --dry-run -Werror $(CXX_SRCS) $(CXX_HDRS) && \
		$(MAKE) -s -j$$(nproc) $(TIDY_STAMPS))

$(BUILD)/lint/%.tidy: $(OOBTEST)/%.cpp $(CXX_HDRS) $(OOBTEST)/.clang-tidy
	@mkdir -p $(@D)
	@clang-tidy -p $(HARNESS) --quiet $< > $@.log 2>&1 || { grep -v 'warnings generated' $@.log; exit 1; }
	@touch $@

checkpatch: tree
	$(call phase,checkpatch,scripts/checkpatch.sh . $(BUILD))

# The guest prints much; show its progress lines, keep the rest in the log.
boot: initramfs
	$(call phase,boot,set -o pipefail; scripts/boot.sh $(BUILD) check $(OOB_ARGS) | \
		{ grep --line-buffered -E '^oob-(guest|runner):' || true; } || \
		echo "boot: QEMU exit $$? (124: the guest hit OOB_BOOT_TIMEOUT)")

# Every phase runs even when an earlier one failed, and ktap-summary judges
# them all: a lint finding does not hide the guest's results.
# The kernel is built (or found up to date) once; the later phases skip
# kernel.sh's own up-to-date check (OOB_KERNEL_BUILT).
CHECK_PHASES := kernel unit lint checkpatch modcheck boot
check:
	@mkdir -p $(BUILD); rm -f $(BUILD)/phases.txt; for p in $(CHECK_PHASES); do \
		if $(MAKE) --no-print-directory $$p; then s=ok; else s=fail; fi; \
		echo "$$p $$s" >> $(BUILD)/phases.txt; \
		[ "$$p $$s" != "kernel ok" ] || export OOB_KERNEL_BUILT=1; done
	@echo "--- results (console: $(RUN)/console.log, KTAP: $(RUN)/results.ktap)"
	@$(HARNESS)/ktap-summary --phases $(BUILD)/phases.txt --ctest $(BUILD)/ctest.log \
		--ktap $(RUN)/results.ktap --console $(RUN)/console.log --qemu-exit $(RUN)/qemu.exit

# The fuzzer alone, for FUZZ_SECONDS (default 600), from FUZZ_SEED when
# given: the topology, the ports, oob-fuzz, the unload and kmemleak, with
# the same verdict as check (its console and KTAP under $(BUILD)/fuzz).
FUZZ_SECONDS ?= 600
FUZZ_PLAN := setup:topology setup:oobnet-load port:on-e1000e port:on-virtio \
	setup:port-on-vta setup:port-on-e1a fuzz oobnet:unload kmemleak:no-leak
fuzz: initramfs
	$(call phase,fuzz,OOB_RUN=$(ABS_BUILD)/fuzz OOB_BOOT_TIMEOUT=$$(( $(FUZZ_SECONDS) + 1200 )) \
		scripts/boot.sh $(BUILD) check $(addprefix oob.only=,$(FUZZ_PLAN)) \
		oob.fuzz.seconds=$(FUZZ_SECONDS) $(if $(FUZZ_SEED),oob.fuzz.seed=$(FUZZ_SEED)) \
		oob.timeout=fuzz:$$(( $(FUZZ_SECONDS) + 240 )) $(OOB_ARGS) | \
		{ grep --line-buffered -E '^oob-(guest|runner|fuzz):' || true; }; \
	$(HARNESS)/ktap-summary --ktap $(BUILD)/fuzz/results.ktap \
		--console $(BUILD)/fuzz/console.log --qemu-exit $(BUILD)/fuzz/qemu.exit)

# The soak alone, SOAK_MINUTES on each wire (default 10): the topology, the
# ports, oob-soak, the unload and kmemleak, with the same verdict as check
# (its console and KTAP under $(BUILD)/soak).
SOAK_MINUTES ?= 10
SOAK_PLAN := setup:topology setup:oobnet-load port:on-e1000e port:on-virtio \
	setup:port-on-vta setup:port-on-e1a soak:e1000e soak:virtio oobnet:unload \
	kmemleak:no-leak
soak: initramfs
	$(call phase,soak,OOB_RUN=$(ABS_BUILD)/soak \
		OOB_BOOT_TIMEOUT=$$(( $(SOAK_MINUTES) * 120 + 1200 )) \
		scripts/boot.sh $(BUILD) check $(addprefix oob.only=,$(SOAK_PLAN)) \
		oob.soak.seconds=$$(( $(SOAK_MINUTES) * 60 )) \
		oob.timeout=soak:e1000e:$$(( $(SOAK_MINUTES) * 60 + 120 )) \
		oob.timeout=soak:virtio:$$(( $(SOAK_MINUTES) * 60 + 120 )) $(OOB_ARGS) | \
		{ grep --line-buffered -E '^oob-(guest|runner):' || true; }; \
	$(HARNESS)/ktap-summary --ktap $(BUILD)/soak/results.ktap \
		--console $(BUILD)/soak/console.log --qemu-exit $(BUILD)/soak/qemu.exit)

demo: initramfs
	scripts/boot.sh $(BUILD) demo $(OOB_ARGS)

# The whole series, new files included, as one git-am-able set with a cover
# letter; `make export` also proves it applies to a pristine tree.
export: tree
	$(call phase,export,scripts/export.sh . $(BUILD))

# Every patch of the series builds on its own (slow: not part of check).
series-build: kernel
	$(call phase,series-build,scripts/series-build.sh . $(BUILD))

# What the hooks cost when unused: in-band UDP on the unpatched kernel, the
# patched one, and with the companion loaded, booted in turns (slow: two
# more kernels; not part of check).  OOB_COST_ROUNDS boots each (default 3).
cost: harness upstream
	$(call phase,cost,scripts/cost.sh . $(BUILD))

# The latency benchmark: every cell of oob-bench in one boot of the
# performance kernel, results under results/ and in the README (slow:
# hours at the default sizes under TCG; not part of check).  See
# scripts/bench.sh for OOB_BENCH_COUNT, _WARMUP, _REPS and _PAIRS.
bench: harness upstream
	$(call phase,bench,scripts/bench.sh . $(BUILD))

clean:
	rm -rf $(HARNESS) $(UPSTREAM) $(RUN) $(BUILD)/oobnet $(BUILD)/initramfs*

distclean:
	rm -rf $(BUILD)
