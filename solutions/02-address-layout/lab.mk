# Lab 02 address-layout: one program; segment.c is the library under test.
PROGRAMS = layout
