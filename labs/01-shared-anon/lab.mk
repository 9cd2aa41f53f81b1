# Lab 01: the programs of this lab; every other .c file is its library.
PROGRAMS = anon_share cow_demo
