# lab.mk - builds one lab: its library, its programs and its grader suite.
#
#   make -f mk/lab.mk SRC=labs LAB=01-shared-anon OUT=build/x CORE=build/core [SAN=1]
#   make -f mk/lab.mk LABDIR=/lab/src LAB=01-shared-anon OUT=/lab/out CORE=/grader/core \
#        SUITE_PARTS=/grader/parts PROGRAMS='prog1 prog2' LDLIBS='-lrt'
#   make -f mk/lab.mk suite-parts BUILD_PARTS=1 LAB=01-shared-anon LABDIR=solutions/01-shared-anon \
#        SUITE_PARTS=build/core/suites/01-shared-anon CORE=build/core
#
# The driver uses the second form, inside its build sandbox: PROGRAMS and
# LDLIBS come from its catalogue (the trusted lab.mk), the suite's object,
# the grader's symbol lists and the harness's objects (SUITE_PARTS) were
# built by the third form from trusted files only (make tools), and
# nothing of the submission but the .c and .h files of its lab folder is
# read.  Run by hand on a trusted tree, everything comes from the lab
# folder.  Every .c file not named in PROGRAMS goes into the lab's library.
#
# A lab's harness/ folder holds given code that the lab's code runs in
# (lab 09's benchmark): built like the suite, from the trusted tree, with
# the lab's headers from there, into SUITE_PARTS/harness/.  A program of
# PROGRAMS may be one of its files.  Every program and the suite link all
# of its other objects, not through the library: a lab function with a
# name of the harness is a build error, never a replacement.

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
include $(ROOT)/mk/flags.mk

ifeq ($(strip $(LAB)),)
$(error LAB is not set)
endif
ifeq ($(strip $(LABDIR)),)
ifeq ($(strip $(SRC)),)
$(error SRC or LABDIR is not set)
endif
LABDIR := $(SRC)/$(LAB)
endif

OUT ?= $(SUITE_PARTS)
ifeq ($(strip $(SUITE_PARTS)),)
SUITE_PARTS := $(OUT)/grader
BUILD_PARTS := 1
endif

# Absolute paths, so that the dependency files name the same targets
# whoever runs the build.
override LABDIR := $(abspath $(LABDIR))
override OUT := $(abspath $(OUT))
override CORE := $(abspath $(CORE))
override SUITE_PARTS := $(abspath $(SUITE_PARTS))
ifneq ($(origin PROGRAMS),command line)
PROGRAMS :=
LDLIBS :=
include $(LABDIR)/lab.mk
endif

# The harness's objects: built here from the lab folder, or already built.
HARNESS := $(SUITE_PARTS)/harness
ifeq ($(BUILD_PARTS),1)
HARNESS_OBJS := $(patsubst $(LABDIR)/harness/%.c,$(HARNESS)/%.o, \
	$(wildcard $(LABDIR)/harness/*.c))
# An object whose source is gone would still be linked by the driver.
STALE_OBJS := $(filter-out $(HARNESS_OBJS),$(wildcard $(HARNESS)/*.o))
ifneq ($(STALE_OBJS),)
$(shell rm -f $(STALE_OBJS) $(STALE_OBJS:.o=.d))
endif
else
HARNESS_OBJS := $(wildcard $(HARNESS)/*.o)
endif
HARNESS_PROGRAMS := $(filter $(PROGRAMS),$(HARNESS_OBJS:$(HARNESS)/%.o=%))
LAB_PROGRAMS := $(filter-out $(HARNESS_PROGRAMS),$(PROGRAMS))

LAB_SRCS := $(wildcard $(LABDIR)/*.c)
PROG_SRCS := $(LAB_PROGRAMS:%=$(LABDIR)/%.c)
LIB_SRCS := $(filter-out $(PROG_SRCS),$(LAB_SRCS))
# The lab's objects in obj/; common/'s in grader/ and the harness's in
# SUITE_PARTS/harness/, where no name of the lab can collide with them.
LAB_OBJS := $(LIB_SRCS:$(LABDIR)/%.c=$(OUT)/obj/%.o)
COMMON_OBJS := $(OUT)/grader/errors.o
GIVEN_OBJS := $(filter-out $(HARNESS_PROGRAMS:%=$(HARNESS)/%.o),$(HARNESS_OBJS))
LIB_OBJS := $(LAB_OBJS) $(COMMON_OBJS)
PROG_BINS := $(PROGRAMS:%=$(OUT)/%)
SUITE_SRC := $(ROOT)/grader/suites/$(LAB).c
CORE_LIB := $(CORE)/libgrader.a

.PHONY: all
# The vetted library first: a refused build stops before it links anything.
HAS_SUITE := $(wildcard $(SUITE_SRC) $(SUITE_PARTS)/suite.o)
all: $(if $(HAS_SUITE),$(OUT)/grader/lab.o) $(PROG_BINS) $(if $(HAS_SUITE),$(OUT)/suite)

$(OUT)/obj $(OUT)/grader:
	@mkdir -p $@

# The compiler's warnings are kept beside each object: the score card shows
# them on every grading, not only on the one that compiled the file.
$(OUT)/obj/%.o: $(LABDIR)/%.c | $(OUT)/obj
	$(CC) $(LAB_CFLAGS) -I$(LABDIR) -I$(ROOT)/common -MMD -MP -c $< -o $@ \
		2>$(@:.o=.warnings); status=$$?; cat $(@:.o=.warnings) >&2; exit $$status

$(OUT)/grader/errors.o: $(ROOT)/common/errors.c | $(OUT)/grader
	$(CC) $(LAB_CFLAGS) -I$(ROOT)/common -MMD -MP -c $< -o $@

$(OUT)/liblab.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LAB_PROGRAMS:%=$(OUT)/%): $(OUT)/%: $(OUT)/obj/%.o $(GIVEN_OBJS) $(OUT)/liblab.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

$(HARNESS_PROGRAMS:%=$(OUT)/%): $(OUT)/%: $(HARNESS)/%.o $(GIVEN_OBJS) $(OUT)/liblab.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

# The suite's parts: its object, compiled with the grader's headers first,
# then the lab's own headers (from a trusted tree), then common/; the
# lists of the grader's symbols that vet the lab's code; the harness.
.PHONY: suite-parts
suite-parts: $(SUITE_PARTS)/suite.o $(SUITE_PARTS)/symbols/interface $(HARNESS_OBJS)

ifeq ($(BUILD_PARTS),1)
# The lab's hidden items (grader/hidden/, see grader.h), where the tree has them.
HIDDEN_SRC := $(wildcard $(ROOT)/grader/hidden/$(LAB).c)
HIDDEN_FLAGS := $(if $(HIDDEN_SRC),-I$(ROOT)/grader \
	-DGRADER_HIDDEN_TESTS='"hidden/$(LAB).c"' -DGRADER_HIDDEN_ITEMS='"hidden/$(LAB).def"')

# Whether it has any, as a file that changes when that does: the suite follows.
.PHONY: FORCE
FORCE:
$(SUITE_PARTS)/hidden: FORCE
	@mkdir -p $(@D)
	@echo $(if $(HIDDEN_SRC),with,without) | cmp -s - $@ 2>/dev/null || \
		echo $(if $(HIDDEN_SRC),with,without) >$@

$(SUITE_PARTS)/suite.o: $(SUITE_SRC) $(ROOT)/grader/suites/$(LAB).def $(SUITE_PARTS)/hidden
	@mkdir -p $(@D)
	$(CC) $(GRADER_CFLAGS) -I$(ROOT)/grader/core -I$(LABDIR) -I$(ROOT)/common \
		-I$(ROOT)/grader/suites $(HIDDEN_FLAGS) -MMD -MP -c $< -o $@

$(SUITE_PARTS)/symbols/interface: $(SUITE_PARTS)/suite.o $(CORE_LIB) $(ROOT)/mk/vet-lab.sh
	CC='$(CC)' sh $(ROOT)/mk/vet-lab.sh symbols $(SUITE_PARTS) $(CORE_LIB)

# The harness: its own headers first, then the lab's (from a trusted tree).
$(HARNESS)/%.o: $(LABDIR)/harness/%.c
	@mkdir -p $(@D)
	$(CC) $(LAB_CFLAGS) -I$(LABDIR)/harness -I$(LABDIR) -I$(ROOT)/common -MMD -MP \
		-c $< -o $@

-include $(wildcard $(SUITE_PARTS)/*.d $(HARNESS)/*.d)
endif

# The lab's code as the suite links it: one object, vetted (see vet-lab.sh).
$(OUT)/grader/lab.o: $(LAB_OBJS) $(GIVEN_OBJS) $(COMMON_OBJS) \
		$(SUITE_PARTS)/symbols/interface $(ROOT)/mk/vet-lab.sh | $(OUT)/grader
	CC='$(CC)' sh $(ROOT)/mk/vet-lab.sh check $@ $(SUITE_PARTS) $(SAN) \
		$(COMMON_OBJS) $(LAB_OBJS) $(GIVEN_OBJS)

$(OUT)/suite: $(SUITE_PARTS)/suite.o $(OUT)/grader/lab.o $(CORE_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

-include $(wildcard $(OUT)/obj/*.d $(OUT)/grader/errors.d)
