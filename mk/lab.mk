# lab.mk - builds one lab: its library, its programs and its grader suite.
#
#   make -f mk/lab.mk SRC=labs LAB=01-shared-anon OUT=build/labs/01-shared-anon \
#        CORE=build/core [SAN=1]
#
# The lab folder's lab.mk names its programs (PROGRAMS = a b); every other
# .c file of the folder goes into the lab's library.

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
include $(ROOT)/mk/flags.mk

ifeq ($(strip $(SRC)),)
$(error SRC is not set)
endif
ifeq ($(strip $(LAB)),)
$(error LAB is not set)
endif

# Absolute paths, so that the dependency files name the same targets
# whoever runs the build.
override SRC := $(abspath $(SRC))
override OUT := $(abspath $(OUT))
override CORE := $(abspath $(CORE))
LABDIR := $(SRC)/$(LAB)
PROGRAMS :=
LDLIBS :=
include $(LABDIR)/lab.mk

LAB_SRCS := $(wildcard $(LABDIR)/*.c)
PROG_SRCS := $(PROGRAMS:%=$(LABDIR)/%.c)
LIB_SRCS := $(filter-out $(PROG_SRCS),$(LAB_SRCS))
LIB_OBJS := $(LIB_SRCS:$(LABDIR)/%.c=$(OUT)/obj/%.o) $(OUT)/obj/errors.o
PROG_BINS := $(PROGRAMS:%=$(OUT)/%)
SUITE_SRC := $(ROOT)/grader/suites/$(LAB).c
CORE_LIB := $(CORE)/libgrader.a

.PHONY: all
all: $(PROG_BINS) $(if $(wildcard $(SUITE_SRC)),$(OUT)/suite)

$(OUT)/obj:
	@mkdir -p $@

$(OUT)/obj/%.o: $(LABDIR)/%.c | $(OUT)/obj
	$(CC) $(LAB_CFLAGS) -I$(LABDIR) -I$(ROOT)/common -MMD -MP -c $< -o $@

$(OUT)/obj/errors.o: $(ROOT)/common/errors.c | $(OUT)/obj
	$(CC) $(LAB_CFLAGS) -I$(ROOT)/common -MMD -MP -c $< -o $@

$(OUT)/liblab.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(PROG_BINS): $(OUT)/%: $(OUT)/obj/%.o $(OUT)/liblab.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

$(OUT)/obj/suite.o: $(SUITE_SRC) $(ROOT)/grader/suites/$(LAB).def | $(OUT)/obj
	$(CC) $(GRADER_CFLAGS) -I$(LABDIR) -I$(ROOT)/common -I$(ROOT)/grader/core \
		-I$(ROOT)/grader/suites -MMD -MP -c $< -o $@

$(OUT)/suite: $(OUT)/obj/suite.o $(OUT)/liblab.a $(CORE_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

-include $(wildcard $(OUT)/obj/*.d)
