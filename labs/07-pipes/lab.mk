# Lab 07 pipes: the lecture's pipe example, ls | wc -l with dup2, named pipes.
PROGRAMS = pipedemo lswc fifo_reader fifo_writer
