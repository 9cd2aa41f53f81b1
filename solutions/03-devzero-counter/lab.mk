# Lab 03 devzero-counter: the program; every other .c file is the library.
PROGRAMS = devzero
