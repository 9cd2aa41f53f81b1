# Lab 06 mmap-file: the lecture's mmap reader/writer.
PROGRAMS = mmapdemo
