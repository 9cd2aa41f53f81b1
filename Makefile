# IPC Lab Workbook
#
#   make grade [LAB=NN] [SRC=labs|solutions|DIR] [FORMAT=text|json|gradescope|classroom|tap|junit|tsv]
#   make test [LAB=NN]        the workbook's own self-test
#   make help                 everything else

SRC ?= labs
LAB ?=
TEST ?=
FORMAT ?= text
SUBMISSIONS ?=
OUT ?= build/batch-reports

BUILD := build
include mk/flags.mk

CORE_SRCS := $(wildcard grader/core/*.c)
DRIVER_SRCS := $(wildcard grader/driver/*.c) grader/core/results.c grader/core/sysutil.c \
	grader/core/landlock.c
SHIM_SRCS := $(wildcard grader/shims/*.c)
DEFS := $(wildcard grader/suites/[0-9][0-9]-*.def)
HIDDEN := $(wildcard grader/hidden/[0-9][0-9]-*.[cd]*)
DOTS := $(wildcard diagrams/*.dot)
SVGS := $(DOTS:.dot=.svg)
HANDOUTS := $(wildcard handouts/*.md)

# Build folders: build/core (grader library and shims); the driver gives
# every graded tree its own, build/trees/<name>-<hash of its full path>.
CORE_DIR := $(BUILD)/core
SAN_CORE_DIR := $(BUILD)/san/core
DRIVER := $(BUILD)/ipcgrade
# The trusted lab folders: their lab.mk says what each lab builds.
TRUSTED := $(if $(wildcard solutions/[0-9][0-9]-*),solutions,labs)

# A value for the shell, in single quotes: SRC may hold spaces or quotes.
quote = '$(subst ','\'',$(1))'

GRADE = ./$(DRIVER) --root $(call quote,$(CURDIR)) --src $(call quote,$(SRC)) \
	--build $(BUILD) --core $(CORE_DIR) --format $(call quote,$(FORMAT)) \
	$(if $(LAB),--lab $(call quote,$(LAB))) $(if $(TEST),--test $(call quote,$(TEST))) \
	$(if $(filter-out 0,$(VERBOSE)),--verbose) $(if $(filter-out 0,$(FIGURES)),--figures)

.PHONY: all help grade watch debug test mutants stubs diagrams html batch bench bench-grader bench-batch run-diagrams \
	clean deps deps-test tools san-tools gradescope student-kit full-edition \
	compile_commands.json
.DEFAULT_GOAL := all

help:
	@echo 'IPC Lab Workbook'
	@echo '  make grade            grade your labs/ (LAB=03 for one lab, TEST=name for one test)'
	@echo '  make grade SRC=solutions   grade the reference solutions'
	@echo '  make grade TEST=pipe_*     only the tests a name, prefix or glob chooses'
	@echo '  make grade VERBOSE=1       failing tests: their programs and all they printed'
	@echo '  make grade FIGURES=1       also the leaderboard figures (lab 09, timed by the grader)'
	@echo '  make watch LAB=03          grade the lab again each time you save a file'
	@echo '  make debug LAB=03 TEST=name [TOOL=gdb|strace]   one test in the foreground'
	@echo '  make grade FORMAT=json     Gradescope results.json (also classroom, tap, junit, tsv)'
	@echo '  make batch SUBMISSIONS=DIR [OUT=DIR] [JOBS=N] [ROSTER=FILE] [STUDENT=name] [RESUME=1] [PLAN=1] [MERGE=1]'
	@echo '  make gradescope       build/autograder.zip, the Gradescope autograder'
	@echo '  make student-kit [KIT=DIR]   the edition for students (no solutions, no self-test)'
	@echo '  make test             the self-test (solutions pass, stubs and bugs fail, ...)'
	@echo '  make mutants          mutation testing of the suites (LAB=03 for one lab)'
	@echo '  make diagrams         render diagrams/*.dot to SVG'
	@echo '  make run-diagrams     draw the process pictures from real runs of the solutions'
	@echo '  make html             handouts and README as HTML, build/html/index.html'
	@echo '  make compile_commands.json   for clangd (records a build with bear)'
	@echo '  make bench            lab 09 benchmark of every IPC mechanism'
	@echo '  make bench-grader     how fast the grader answers, beside its goals'
	@echo '  make bench-batch      submissions a minute in batch mode, beside the goal'
	@echo '  make stubs            regenerate labs/ from solutions/ (overwrites labs/)'
	@echo '  make                  build everything;  make clean  removes build/'
	@echo 'Variables: GRADER_SEED=N, GRADER_TIMEOUT_SCALE=2 (slow machine), NO_COLOR=1'

deps:
	@sh mk/deps.sh grade

deps-test:
	@sh mk/deps.sh test

all: deps tools
	@for lab in $(wildcard solutions/[0-9][0-9]-*/ labs/[0-9][0-9]-*/); do \
		src=$${lab%%/*}; name=$$(basename $$lab); \
		$(MAKE) -s --no-print-directory -f mk/lab.mk SRC=$$src LAB=$$name \
			OUT=$(BUILD)/$$src/$$name CORE=$(CORE_DIR) || exit 1; \
	done
	@echo 'built: the grader, every lab of $(if $(wildcard solutions),solutions/ and )labs/'

tools: $(DRIVER) $(CORE_DIR)/libgrader.a $(CORE_DIR)/shims/ipclaunch \
	$(SHIM_SRCS:grader/shims/%.c=$(CORE_DIR)/shims/%.so) $(CORE_DIR)/suites/stamp

# The same with AddressSanitizer and UBSan, for make test.
san-tools: $(SAN_CORE_DIR)/libgrader.a $(SAN_CORE_DIR)/shims/ipclaunch \
	$(SHIM_SRCS:grader/shims/%.c=$(SAN_CORE_DIR)/shims/%.so) $(SAN_CORE_DIR)/suites/stamp

# Every suite's object, the grader's symbol lists and the labs' harnesses,
# from trusted files only: lab builds link them and never see their sources.
SUITE_INPUTS := $(DEFS) $(DEFS:.def=.c) $(HIDDEN) $(wildcard $(TRUSTED)/*/*.h) grader/core/*.h \
	$(wildcard $(TRUSTED)/*/harness $(TRUSTED)/*/harness/*.[ch]) mk/lab.mk mk/flags.mk \
	mk/vet-lab.sh

$(CORE_DIR)/suites/stamp: $(CORE_DIR)/libgrader.a $(SUITE_INPUTS)
	$(call suite_parts,$(CORE_DIR),0)

$(SAN_CORE_DIR)/suites/stamp: $(SAN_CORE_DIR)/libgrader.a $(SUITE_INPUTS)
	$(call suite_parts,$(SAN_CORE_DIR),1)

# The labs' parts are independent: built side by side, each in a make of its own.
define suite_parts
	@pids=; for def in $(DEFS); do lab=$$(basename $$def .def); \
		$(MAKE) -s --no-print-directory -f mk/lab.mk suite-parts BUILD_PARTS=1 \
			LAB=$$lab LABDIR=$(TRUSTED)/$$lab SUITE_PARTS=$(1)/suites/$$lab \
			CORE=$(1) SAN=$(2) & pids="$$pids $$!"; \
	done; \
	failed=0; for pid in $$pids; do wait $$pid || failed=1; done; exit $$failed
	@touch $@
endef

grade: deps
	@$(MAKE) -s --no-print-directory tools
	@$(GRADE)

# Grades LAB again each time one of its files is saved.
watch:
	@test -n "$(LAB)" || { echo 'usage: make watch LAB=NN [SRC=labs] [TEST=name]' >&2; exit 2; }
	@sh mk/deps.sh watch
	@$(MAKE) -s --no-print-directory tools
	@sh mk/watch.sh $(call quote,$(LAB)) $(call quote,$(SRC)) $(GRADE)

# One test in the foreground, under a debugger: no sandbox, not a grading.
debug:
	@test -n "$(LAB)" && test -n "$(TEST)" || \
		{ echo 'usage: make debug LAB=NN TEST=name [TOOL=gdb|strace]' >&2; exit 2; }
	@sh mk/deps.sh $(if $(TOOL),$(TOOL),grade)
	@$(MAKE) -s --no-print-directory tools
	@$(GRADE) --debug $(call quote,$(if $(TOOL),$(TOOL),none))

batch: deps
	@test -n "$(SUBMISSIONS)" || { echo 'usage: make batch SUBMISSIONS=DIR [OUT=DIR]' >&2; exit 2; }
	@$(MAKE) -s --no-print-directory tools
	@./$(DRIVER) --root $(call quote,$(CURDIR)) --src $(call quote,$(SUBMISSIONS)) \
		--build $(BUILD) --core $(CORE_DIR) $(if $(LAB),--lab $(call quote,$(LAB))) \
		--batch $(call quote,$(SUBMISSIONS)) --out $(call quote,$(OUT)) \
		$(if $(STUDENT),--student $(call quote,$(STUDENT))) $(if $(filter-out 0,$(RESUME)),--resume) \
		$(if $(filter-out 0,$(PLAN)),--plan) $(if $(filter-out 0,$(MERGE)),--merge) \
		$(if $(JOBS),--jobs $(call quote,$(JOBS))) $(if $(ROSTER),--roster $(call quote,$(ROSTER)))

# The Gradescope autograder package (mk/gradescope.sh says what is inside).
gradescope:
	@sh mk/deps.sh gradescope
	@bash mk/gradescope.sh

# What a student edition (make student-kit) leaves out: a clear refusal.
STUDENT_EDITION := this is the student edition, without solutions/ and the self-test; \
	make grade grades your labs
full-edition:
	@test -d solutions && test -d selftest || \
		{ echo 'make $(MAKECMDGOALS): $(STUDENT_EDITION)' >&2; exit 2; }

student-kit:
	@bash mk/student-kit.sh $(if $(KIT),$(call quote,$(KIT)))

test: full-edition deps-test
	@$(MAKE) -s --no-print-directory tools
	@bash selftest/run $(LAB)

mutants: full-edition deps-test
	@$(MAKE) -s --no-print-directory tools
	@bash selftest/mutants/run $(LAB)

stubs: full-edition
	@sh tools/mkstubs solutions labs
	@echo 'labs/ regenerated from solutions/'

# For clangd and other editors: how every file of labs/ and solutions/ is
# compiled, recorded by Debian's bear from a build of every lab.
compile_commands.json:
	@sh mk/deps.sh bear
	@$(MAKE) -s --no-print-directory tools
	@rm -rf $(BUILD)/solutions $(BUILD)/labs
	@bear --output $@ -- $(MAKE) -s --no-print-directory all >/dev/null
	@echo "compile_commands.json: $$(grep -c '"file"' $@) files"

diagrams: $(SVGS)

diagrams/%.svg: diagrams/%.dot
	dot -Tsvg $< -o $@

html: $(SVGS)
	@sh mk/html.sh $(BUILD)/html

# How fast the grader answers, beside the goals (BENCH_RUNS=N, default 5).
bench-grader: deps
	@$(MAKE) -s --no-print-directory tools
	@bash mk/bench-grader.sh

# The handouts' process pictures, drawn from real runs of the solutions.
run-diagrams: full-edition deps
	@bash mk/run-diagrams.sh
	@$(MAKE) -s --no-print-directory diagrams

$(BUILD)/procsnap: tools/procsnap.c $(CORE_DIR)/libgrader.a grader/core/*.h
	$(CC) $(GRADER_CFLAGS) -Igrader/core -o $@ $< $(CORE_DIR)/libgrader.a $(CHECK_LIBS)

# Batch mode's throughput on a class of twelve (BENCH_RUNS=N, BENCH_JOBS="1 2").
bench-batch: deps
	@$(MAKE) -s --no-print-directory tools
	@bash mk/bench-batch.sh

bench: deps
	@$(MAKE) -s --no-print-directory tools
	@sh mk/bench.sh

clean:
	rm -rf $(BUILD)

# ---- the grader's own programs ----

$(CORE_DIR)/obj/%.o: grader/core/%.c grader/core/*.h | $(CORE_DIR)/obj
	$(CC) $(GRADER_CFLAGS) -c $< -o $@

$(CORE_DIR)/libgrader.a: $(CORE_SRCS:grader/core/%.c=$(CORE_DIR)/obj/%.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(SAN_CORE_DIR)/obj/%.o: grader/core/%.c grader/core/*.h | $(SAN_CORE_DIR)/obj
	$(CC) $(GRADER_CFLAGS) -fsanitize=address,undefined -fno-omit-frame-pointer -c $< -o $@

$(SAN_CORE_DIR)/libgrader.a: $(CORE_SRCS:grader/core/%.c=$(SAN_CORE_DIR)/obj/%.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(SAN_CORE_DIR)/shims/%.so $(CORE_DIR)/shims/%.so: grader/shims/%.c $(wildcard grader/shims/*.h)
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNINGS) -O1 -fPIC -shared -o $@ $< -ldl

# The launcher of the labs' programs: static, so that no shim runs in it.
$(SAN_CORE_DIR)/shims/ipclaunch $(CORE_DIR)/shims/ipclaunch: grader/launcher/ipclaunch.c \
		grader/core/landlock.c grader/core/landlock.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) -O1 -static -Igrader/core -o $@ \
		grader/launcher/ipclaunch.c grader/core/landlock.c

$(CORE_DIR)/obj $(SAN_CORE_DIR)/obj:
	@mkdir -p $@

# The catalogue of every lab's items and build description, rewritten
# only when it changes (the stamp says when it was last looked at).  The
# folders stand for labs added or removed.
$(BUILD)/catalogue.c: $(BUILD)/catalogue.stamp ;

$(BUILD)/catalogue.stamp: $(DEFS) $(HIDDEN) $(wildcard $(TRUSTED)/*/lab.mk) tools/mkcatalogue \
		grader/suites $(wildcard grader/hidden) $(TRUSTED)
	@mkdir -p $(BUILD)
	@sh tools/mkcatalogue grader $(TRUSTED) > $(BUILD)/catalogue.c.$$$$ && \
		{ cmp -s $(BUILD)/catalogue.c.$$$$ $(BUILD)/catalogue.c && \
		  rm -f $(BUILD)/catalogue.c.$$$$ || \
		  mv $(BUILD)/catalogue.c.$$$$ $(BUILD)/catalogue.c; }
	@touch $@

$(DRIVER): $(DRIVER_SRCS) $(BUILD)/catalogue.c grader/driver/*.h grader/core/results.h \
		grader/core/sysutil.h grader/core/landlock.h $(DEFS)
	$(CC) $(GRADER_CFLAGS) -Igrader/driver -Igrader/core -I. -o $@ $(DRIVER_SRCS) $(BUILD)/catalogue.c

