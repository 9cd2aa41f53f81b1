# flags.mk - compiler flags shared by the labs, the grader and the self-test.

CC ?= cc
SAN ?= 0
WERROR ?= 0

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# ar loads every linker plugin it finds unless it is given one: LLVM's
# takes ~70 ms a call.  GCC's own is enough; the objects are plain ELF.
AR_PLUGIN := $(firstword $(wildcard /usr/lib/gcc/*/*/liblto_plugin.so))
AR := ar $(if $(AR_PLUGIN),--plugin $(AR_PLUGIN))

WARNINGS := -Wall -Wextra
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
else
SAN_FLAGS :=
endif

# The labs: C11 with POSIX 2008 (and the MAP_ANONYMOUS family).
LAB_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(WARNINGS) \
	-g -O1 $(SAN_FLAGS)
# The grader uses a few GNU interfaces (pidfd, closefrom, sigabbrev_np).
GRADER_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) -g -O1 $(SAN_FLAGS) \
	$(CHECK_CFLAGS)
LDFLAGS_ALL := $(SAN_FLAGS)
