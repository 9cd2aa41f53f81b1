# Lab 04 shmdemo: one program; segment.c is the library under test.
PROGRAMS = shmdemo
