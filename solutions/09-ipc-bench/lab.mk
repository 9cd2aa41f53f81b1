# Lab 09: the harness program; every other .c file goes into the library.
PROGRAMS = ipcbench
LDLIBS = -pthread -lrt -lm
