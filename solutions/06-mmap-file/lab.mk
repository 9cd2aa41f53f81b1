# Lab 06 mmap-file: the lecture's mmap reader/writer.
PROGRAMS = mmapdemo
# <math.h> is in reach of the student: floor() must link.
LDLIBS = -lm
