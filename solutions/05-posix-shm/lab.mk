# Lab 05 posix-shm: the Speaking UNIX listing, then three small programs
# for unrelated processes; region.c and report.c are the library.
PROGRAMS = shmsample shmcreate shmattach shmdestroy
LDLIBS = -lrt
