#!/usr/bin/python3
"""tests/bench/timed_run.py: run a command (stdout to /dev/null) and print
"WALL_S CPU_S MAXRSS_KIB MINFLT" for it alone: wall from perf_counter around
fork/exec/wait, CPU (user+sys) and faults from wait4's rusage, all in
microseconds' resolution (/usr/bin/time rounds to 10 ms, too coarse for a
50 ms run).

usage: timed_run.py CMD [ARGS...]
"""
import os
import subprocess
import sys
import time

devnull = os.open(os.devnull, os.O_WRONLY)
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=devnull)
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
p.returncode = os.waitstatus_to_exitcode(status)
print("%.6f %.6f %d %d" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, ru.ru_minflt))
sys.exit(p.returncode)
