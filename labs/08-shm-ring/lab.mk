# Lab 08 shm-ring: a bounded ring of fixed-size slots in shared memory,
# guarded by process-shared POSIX semaphores.
PROGRAMS = ringctl ringput ringget
LDLIBS = -pthread
